"""The reconcile screen's ``u`` (and each decision) reads again only the stretch it
changed: the consensus coder's codings of that theme in that transcript, and that
stretch's part of the reconcile log, not all of them.

On a 1M-word study with 32,869 agreed stretches copied into the consensus (``g``), each
``u`` re-read the whole reconcile log (33,000 JSON payloads) and every consensus coding,
and worked out every item's coverage again: about 2 s on the UI thread, 12x a plain
``n``. What the walk shows must be what reading everything again shows.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from qualcoder_ahp.model.store import Store, open_store
from qualcoder_ahp.tui.reconcile_walk import ReconcileWalk
from tests.test_scale_walk import CODERS, project, walk_of  # noqa: F401

CONSENSUS = "consensus"


def state(walk: ReconcileWalk) -> tuple[object, ...]:
    """Everything the screen shows of the consensus, item by item."""
    decided = re.search(r"\(\d+ decided\)", walk.status_text(CODERS))
    return (walk.rejected, [walk.decided(k) for k in range(len(walk.items))],
            walk._coverage(), decided and decided.group())


def fresh(store: Store) -> tuple[object, ...]:
    """The same, read whole by a walk opened now."""
    return state(walk_of(store))


def decide(store: Store, item, spans, rule: str = "union") -> None:  # noqa: ANN001
    store.reconcile(item.transcript_id, item.theme_id, CONSENSUS, spans, rule=rule,
                    compared=CODERS, start=item.start, end=item.end)


def test_the_log_of_one_stretch_is_that_stretch_of_the_whole_log(project: Store):  # noqa: F811
    walk = walk_of(project)
    first, second = walk.items[0], walk.items[1]
    decide(project, first, [], rule="reject")
    decide(project, first, first.union())  # replaces the rejection
    decide(project, second, [], rule="reject")
    project.undo(CONSENSUS)
    whole = project.reconcile_log()
    for stretch in {(e["transcript_id"], e["theme_id"]) for e in whole}:
        assert project.reconcile_log(stretch) == [
            e for e in whole if (e["transcript_id"], e["theme_id"]) == stretch]
    assert [e["status"] for e in whole] == ["replaced", "in effect", "undone"]


def test_undo_reads_again_only_the_stretch_it_changed(project: Store,  # noqa: F811
                                                      monkeypatch: pytest.MonkeyPatch):
    walk = walk_of(project)
    first, second = walk.items[0], walk.items[1]
    decide(project, first, [], rule="reject")  # a rejection ...
    decide(project, first, first.union())  # ... replaced by a take: undone, it is back
    decide(project, second, [], rule="reject")
    walk.refresh_consensus()
    walk.read_rejections()
    assert state(walk) == fresh(project)
    codings = spy(project, monkeypatch, "codings")
    log = spy(project, monkeypatch, "reconcile_log")
    undone = [(second.transcript_id, second.theme_id), (first.transcript_id, first.theme_id)]
    for stretch in undone:  # u, u: as the screen's undo does, then shows
        project.undo(CONSENSUS)
        codings.clear()
        log.clear()
        walk.refresh_consensus()
        walk.read_rejections()
        # The old code read every consensus coding and the whole log at each u.
        assert codings == [((), {"coder": CONSENSUS, "transcript_id": stretch[0],
                                 "theme_id": stretch[1]})]
        assert log == [((stretch,), {})]
        assert state(walk) == fresh(project)
    assert 0 in walk.rejected and 1 not in walk.rejected  # the rejection in effect again


def spy(store: Store, monkeypatch: pytest.MonkeyPatch, method: str) -> list[object]:
    """Record each call of one of the store's read methods, with its arguments."""
    calls: list[object] = []
    real = getattr(store, method)

    def record(*args: object, **kwargs: object) -> object:
        calls.append((args, kwargs))
        return real(*args, **kwargs)

    monkeypatch.setattr(store, method, record)
    return calls


def test_changes_the_store_cannot_place_are_read_whole(project: Store,  # noqa: F811
                                                      tmp_path: Path):
    """Another window's theme edit, or more stretches than are read one by one: all
    read again, and shown as the database holds them."""
    walk = walk_of(project)
    for item in walk.items:
        decide(project, item, [], rule="reject")
    walk.refresh_consensus()
    walk.read_rejections()
    assert state(walk) == fresh(project)
    other = open_store(tmp_path / "study.db")
    try:
        other.undo_steps(CONSENSUS, len(walk.items))  # every stretch at once
    finally:
        other.close()
    walk.refresh_consensus()
    walk.read_rejections()
    assert state(walk) == fresh(project) and walk.rejected == set()
    theme = walk.items[0].theme_id
    project.edit_theme(theme, coder="ana", description="Edited in another window.")
    decide(project, walk.items[0], walk.items[0].union())
    walk.refresh_consensus()
    walk.read_rejections()
    assert state(walk) == fresh(project) and walk.decided(0)
