"""The reconcile screen, following other coders' commits, computes again only the
transcripts whose codings changed since the last poll, and shows what a full
computation would: the same disagreements and agreed stretches, the item on screen kept,
the filter and this window's undo as they were. The first poll starts from the
disagreements the screen opened with.

It used to read and compute the whole project again at every poll (a second or two on a
large study). The app's poll is called directly; ``other`` is a second connection,
standing in for the other coders' windows.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from qualcoder_ahp.agreement.compute import collect
from qualcoder_ahp.model.store import Store, open_store
from qualcoder_ahp.tui import app as app_module
from qualcoder_ahp.tui.app import make_app
from qualcoder_ahp.tui.reconcile_walk import full_items
from qualcoder_ahp.tui.screens.reconcile import ReconcileScreen
from tests.helpers.project import THEMES, build_project
from tests.tui.conftest import press_for_screen
from tests.tui.test_reconcile_screen import _ready, _text

SIZE = (100, 30)
CODERS = ["ana", "ben"]


@pytest.fixture(autouse=True)
def manual_poll(monkeypatch):  # type: ignore[no-untyped-def]
    """No timer ticks behind a test's back: the tests call ``poll_store`` themselves."""
    monkeypatch.setattr(app_module, "POLL_SECONDS", 3600.0)


def seeded(path: Path) -> Store:
    """Five transcripts; ana and ben each code the first two sentences of a theme in
    every transcript, ben a few characters shorter in some: disagreements in several."""
    store = build_project(path, transcripts=5)
    for n, info in enumerate(store.transcripts()):
        sentences = store.sentences(info.id)
        for k, theme in enumerate(THEMES):
            s = sentences[1 + (k + n) % (len(sentences) - 1)]
            store.code(info.id, theme, "ana", s.start, s.end)
            store.code(info.id, theme, "ben", s.start, s.end - (3 if (k + n) % 3 else 0))
    return store


def remote_change(other: Store, rng: random.Random) -> set[int]:
    """Another coder codes, takes back a coding, or decides a suggestion; returns the
    transcript touched."""
    coder = rng.choice(CODERS)
    what = rng.random()
    if what < 0.4:
        tid = rng.choice(other.transcripts()).id
        s = rng.choice(other.sentences(tid))
        other.code(tid, rng.choice(THEMES), coder, s.start, s.end - rng.choice((0, 0, 2)))
        return {tid}
    if what < 0.75:
        coding = rng.choice(other.codings(coder=coder))
        other.remove_coding(coding.id, coder)
        return {coding.transcript_id}
    sug = rng.choice(other.suggestions())
    (other.accept if rng.random() < 0.5 else other.reject)(sug.id, coder)
    return {sug.transcript_id}


@pytest.mark.parametrize("seed", range(3))
async def test_polls_compute_only_what_changed_and_show_a_full_computation(
        tmp_path: Path, seed: int):
    rng = random.Random(seed)
    path = tmp_path / "project.db"
    seeded(path).close()
    other = open_store(path)
    app = make_app(path, coder="lead")
    try:
        async with app.run_test(size=SIZE) as pilot:
            screen = await press_for_screen(pilot, "R", ReconcileScreen)
            await _ready(pilot)
            assert len({it.transcript_id for it in screen.items}) > 2
            # A filter by theme, a place in it, and one decision to undo at the end.
            theme = screen.items[0].theme_id
            screen._filtered((theme, None))
            await pilot.press("n", "a")
            await pilot.pause()
            decided = screen.history[-1][0]
            decided_item = screen.items[decided]
            # This window's decision is an event after the load too: its transcript is
            # computed again at the first poll (it changes no disagreement).
            ours = {decided_item.transcript_id}
            for _ in range(6):
                touched, ours = set(ours), set()
                for _ in range(rng.randint(1, 3)):
                    touched |= remote_change(other, rng)
                shown = screen.item
                assert app.poll_store()
                await _ready(pilot)
                want = full_items(collect(other, CODERS))
                assert screen.items == want.items
                assert screen.agreed == want.agreed
                # The first poll too starts from what the screen opened with.
                assert screen._followed.recomputed == touched
                assert screen.theme_filter == theme
                if shown in screen.items:
                    assert screen.item == shown, "the item on screen stays"
                status = _text(app, "#reconcile-status")
                assert f"/{len(want.items)} (" in status.splitlines()[0]
            # This window's decision is still undone by z, wherever it is now.
            if decided_item in screen.items:
                assert screen.history[-1][0] == screen.items.index(decided_item)
            await pilot.press("z")
            await pilot.pause()
    finally:
        other.close()
    with open_store(path) as store:
        assert [e["kind"] for e in store.events("consensus")] == ["reconcile", "undo"]
