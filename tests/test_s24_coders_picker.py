"""The reconcile screen's coder picker (three coders coded): each line says in words
whether the coder is compared. The tick box told it by colour alone, so under NO_COLOR
every coder looked ticked after space had left one out, and Enter then compared two."""

from __future__ import annotations

from textual.app import App
from textual.widgets import SelectionList

from qualcoder_ahp.model.store import Store
from qualcoder_ahp.tui.screens.reconcile import ReconcileScreen
from tests.test_agreement_compute import build_project


class Host(App[None]):
    def __init__(self, store: Store) -> None:
        super().__init__()
        self.store = store

    def on_mount(self) -> None:
        self.push_screen(ReconcileScreen(self.store, "lead"))


def _lines(app: App) -> list[str]:
    pick = app.screen.query_one("#coder-pick", SelectionList)
    return [str(pick.get_option_at_index(i).prompt) for i in range(pick.option_count)]


async def test_the_picker_says_who_is_compared_and_compares_them(store):
    build_project(store)  # asha, ben and cai coded
    app = Host(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert _lines(app) == ["asha  compared", "ben  compared", "cai  compared"]
        await pilot.press("down", "down", "space")  # leave cai out
        await pilot.pause()
        assert _lines(app) == ["asha  compared", "ben  compared", "cai  left out"]
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, ReconcileScreen)
        assert app.screen.compared == ["asha", "ben"]
