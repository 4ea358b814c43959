"""The reconcile screen's load and its polls share one ``FollowedItems``: opening the
screen computes every transcript's disagreements into it, and a poll computes again only
the transcripts changed since. It used to compute them all once more in a corpus of its
own at the load, and hand that result to the first poll by a seeding trick that needed
two handlers of one message.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from qualcoder_ahp.agreement import reconcile as reconcile_module
from qualcoder_ahp.agreement.compute import collect
from qualcoder_ahp.model.store import open_store
from qualcoder_ahp.tui import app as app_module
from qualcoder_ahp.tui import reconcile_walk
from qualcoder_ahp.tui.app import make_app
from qualcoder_ahp.tui.reconcile_walk import full_items
from qualcoder_ahp.tui.screens import reconcile as screen_module
from qualcoder_ahp.tui.screens.reconcile import ReconcileScreen
from tests.helpers.project import THEMES
from tests.tui.conftest import press_for_screen
from tests.tui.test_reconcile_incremental import CODERS, SIZE, seeded
from tests.tui.test_reconcile_screen import _ready


@pytest.fixture(autouse=True)
def manual_poll(monkeypatch):  # type: ignore[no-untyped-def]
    """No timer ticks behind a test's back: the test calls ``poll_store`` itself."""
    monkeypatch.setattr(app_module, "POLL_SECONDS", 3600.0)


@pytest.fixture
def computed(monkeypatch) -> Counter[tuple[int, bool]]:  # type: ignore[no-untyped-def]
    """How often each transcript's stretches were computed: ``(id, agreed) -> times``,
    wherever the screen computes them (its own module did, at the load). The
    disagreements and the agreed stretches come in one pass (``reconcile_stretches``),
    which counts for both."""
    seen: Counter[tuple[int, bool]] = Counter()
    real = reconcile_module.reconcile_stretches

    def spy(corpus, *args, **kwargs):  # type: ignore[no-untyped-def]
        for t in corpus.transcripts:
            for agreed in (False, True):
                seen[(t.id, agreed)] += 1
        return real(corpus, *args, **kwargs)

    monkeypatch.setattr(reconcile_walk, "reconcile_stretches", spy)
    monkeypatch.setattr(screen_module, "reconcile_stretches", spy, raising=False)
    return seen


async def test_opening_then_polling_computes_the_opening_result_once(
        tmp_path: Path, computed: Counter[tuple[int, bool]]):
    path = tmp_path / "project.db"
    seeded(path).close()
    with open_store(path) as store:
        ids = [t.id for t in store.transcripts()]
        want = full_items(collect(store, CODERS))
    computed.clear()  # full_items is counted too
    app = make_app(path, coder="lead")
    async with app.run_test(size=SIZE) as pilot:
        screen = await press_for_screen(pilot, "R", ReconcileScreen)
        await _ready(pilot)
        assert screen.items == want.items and screen.agreed == want.agreed
        # The load filled the state the polls bring up to date: every transcript.
        followed = screen._followed
        assert followed is not None and followed.recomputed == set(ids)
        assert computed == Counter({(tid, agreed): 1 for tid in ids
                                    for agreed in (False, True)})

        # Another window's commit that changes no coding: the poll computes nothing again.
        other = open_store(path)
        try:
            other.set_memo("ben", "transcript", str(ids[0]), "read twice")
            assert app.poll_store()
            await _ready(pilot)
            assert screen._followed is followed and followed.recomputed == set()
            assert computed == Counter({(tid, agreed): 1 for tid in ids
                                        for agreed in (False, True)})
            assert screen.items == want.items and screen.agreed == want.agreed

            # A coding in one transcript: that one only, and the list as a full computation.
            s = other.sentences(ids[2])[1]
            other.code(ids[2], THEMES[0], "ben", s.start, s.end - 2)
            assert app.poll_store()
            await _ready(pilot)
            assert screen._followed is followed and followed.recomputed == {ids[2]}
            assert computed[(ids[2], False)] == 2 and computed[(ids[0], False)] == 1
            again = full_items(collect(other, CODERS))
            assert screen.items == again.items and screen.agreed == again.agreed
        finally:
            other.close()


async def test_the_load_computes_with_the_collector_paused_a_poll_does_not(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Opening the screen computes every transcript with Python's cyclic garbage
    collector paused (a million small objects at 2M words, each collection walking them
    and the workbench again), and collects once after; a poll's few transcripts are not
    worth that collection, and compute with it running. The results are the same."""
    import gc

    path = tmp_path / "project.db"
    seeded(path).close()
    with open_store(path) as store:
        ids = [t.id for t in store.transcripts()]
    collecting: list[bool] = []
    real = reconcile_walk.FollowedItems.refresh

    def spy(self, store):  # type: ignore[no-untyped-def]
        collecting.append(gc.isenabled())
        return real(self, store)

    monkeypatch.setattr(reconcile_walk.FollowedItems, "refresh", spy)
    app = make_app(path, coder="lead")
    async with app.run_test(size=SIZE) as pilot:
        screen = await press_for_screen(pilot, "R", ReconcileScreen)
        await _ready(pilot)
        assert collecting == [False] and gc.isenabled()
        other = open_store(path)
        try:
            s = other.sentences(ids[1])[1]
            other.code(ids[1], THEMES[0], "ben", s.start, s.end - 2)
            assert app.poll_store()
            await _ready(pilot)
            assert collecting == [False, True] and gc.isenabled()
            want = full_items(collect(other, CODERS))
            assert screen.items == want.items and screen.agreed == want.agreed
        finally:
            other.close()
