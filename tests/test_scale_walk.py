"""The reconcile walk reads the consensus coder's codings and the reconcile log again only
when an event was logged since, and asks of each item whether it is decided once per
change, not once per key: at 20,000 disagreements and 65,000 agreed stretches every
``n`` re-read them all and asked every item (0.2-0.5 s a key, on the UI thread).

What it shows is unchanged: a decision or a rejection made in another window (a second
connection) counts at the next key, as before.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from qualcoder_ahp.agreement.compute import collect
from qualcoder_ahp.model.store import Store, open_store
from qualcoder_ahp.tui.reconcile_walk import ReconcileWalk, full_items
from tests.helpers.project import THEMES, build_project

CODERS = ["ana", "ben"]


@pytest.fixture
def project(tmp_path: Path) -> Store:
    """Three transcripts, a disagreement on each theme in each (ben a little shorter)."""
    store = build_project(tmp_path / "study.db", transcripts=3)
    for info in store.transcripts():
        for k, theme in enumerate(THEMES):
            s = store.sentences(info.id)[1 + k]
            store.code(info.id, theme, "ana", s.start, s.end)
            store.code(info.id, theme, "ben", s.start, s.end - 2)
    yield store
    store.close()


def walk_of(store: Store) -> ReconcileWalk:
    walk = ReconcileWalk(store, "consensus")
    found = full_items(collect(store, CODERS))
    walk.items, walk.agreed, walk.theme_names = found.items, found.agreed, found.names
    walk.begin()
    return walk


def counting(store: Store, monkeypatch: pytest.MonkeyPatch, method: str) -> list[object]:
    """Record each call of one of the store's read methods."""
    calls: list[object] = []
    real = getattr(store, method)

    def spy(*args: object, **kwargs: object) -> object:
        calls.append(kwargs)
        return real(*args, **kwargs)

    monkeypatch.setattr(store, method, spy)
    return calls


def test_keys_with_nothing_new_read_nothing_again(project: Store,
                                                  monkeypatch: pytest.MonkeyPatch):
    walk = walk_of(project)
    codings = counting(project, monkeypatch, "codings")
    log = counting(project, monkeypatch, "reconcile_log")
    asked = counting(walk, monkeypatch, "consensus_spans")
    for _ in range(5):  # n, and the status line after it, as the screen does
        walk.move(1)
        walk.refresh_consensus()
        walk.read_rejections()
        walk.status_text(CODERS)
    assert codings == [] and log == []
    assert len(asked) <= 5, "only the item on screen is asked about again, not every one"


def test_a_decision_and_a_rejection_elsewhere_count_at_the_next_key(project: Store,
                                                                   tmp_path: Path):
    walk = walk_of(project)
    n = len(walk.items)
    assert walk.status_text(CODERS).startswith(f"Disagreement 1/{n} (0 decided)")
    first, second = walk.items[0], walk.items[1]
    other = open_store(tmp_path / "study.db")
    try:
        other.reconcile(first.transcript_id, first.theme_id, "consensus", first.union(),
                        rule="union", compared=CODERS, start=first.start, end=first.end)
        other.reconcile(second.transcript_id, second.theme_id, "consensus", [],
                        rule="reject", compared=CODERS, start=second.start, end=second.end)
    finally:
        other.close()
    walk.read_rejections()  # as the screen does at the poll, then n
    walk.move(1)
    assert walk.decided(0) and walk.decided(1) and 1 in walk.rejected
    assert f"({2} decided)" in walk.status_text(CODERS)
    assert walk.stops() == list(range(2, n))
    assert walk.index == 2
    # ... and an undo there counts too.
    other = open_store(tmp_path / "study.db")
    try:
        other.undo("consensus")
    finally:
        other.close()
    walk.refresh_consensus()
    walk.read_rejections()
    assert not walk.decided(1) and walk.decided(0)
    assert walk.stops() == list(range(1, n))
