"""The reconcile screen's word on `b` (take ben) where ben coded nothing: it said "Took
ben's coding of Board mandate ...", as if ben had coded it, while the consensus was left
coding nothing (rejected). It now says so, as `qcahp reconcile decide` does."""

from __future__ import annotations

from textual.app import App
from textual.widgets import Static

from qualcoder_ahp.model.store import Store
from qualcoder_ahp.tui.screens.reconcile import ReconcileScreen
from tests.test_agreement_compute import build_project


class Host(App[None]):
    def __init__(self, store: Store) -> None:
        super().__init__()
        self.store = store

    def on_mount(self) -> None:
        self.push_screen(ReconcileScreen(self.store, "lead", coders=["asha", "ben"]))


def _status(app: App) -> str:
    return str(app.screen.query_one("#reconcile-status", Static).render())


async def test_taking_a_coder_who_coded_nothing_there_says_it_codes_nothing(store):
    build_project(store)  # asha coded Board mandate in asha; ben did not
    app = Host(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        for _ in range(4):
            if "Board mandate" in _status(app):
                break
            await pilot.press("n")
            await pilot.pause()
        assert "Board mandate in asha" in _status(app), _status(app)
        await pilot.press("b")
        await app.workers.wait_for_complete()
        await pilot.pause()
        said = [str(n.message) for n in app._notifications]
        assert any("Took ben's: ben did not code Board mandate on asha" in m
                   and "consensus codes nothing there (rejected)" in m for m in said), said
        assert not any("Took ben's coding" in m for m in said), said
        assert not [c for c in store.codings(coder="consensus") if c.theme_id == "mandate"]
