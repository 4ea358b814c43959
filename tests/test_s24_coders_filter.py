"""The reconcile screen's filter at 80x24: two lists side by side, themes and
transcripts. Fitting the dialog to the screen shrank each list by what the row was over,
so the short transcript list (five entries) lost rows it had room for and hid the fourth
transcript behind a scrollbar, though only the tall theme list needed to shrink."""

from __future__ import annotations

from textual.app import App
from textual.widgets import OptionList

from qualcoder_ahp.tui.screens.reconcile_dialogs import ReconcileFilter

THEMES = [(f"theme_{i}", f"A theme with a long name number {i}  12/12") for i in range(11)]
TRANSCRIPTS = [(1, "dietitian_grace  48/48"), (2, "paramedic_marcus  45/45"),
               (3, "physio_helen  54/54"), (4, "podiatrist_tom  42/42")]


class Host(App[None]):
    def on_mount(self) -> None:
        self.push_screen(ReconcileFilter(THEMES, TRANSCRIPTS, None, None))


async def test_the_short_list_keeps_every_transcript_in_sight():
    app = Host()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.pause()
        themes = app.screen.query_one("#filter-theme", OptionList)
        transcripts = app.screen.query_one("#filter-transcript", OptionList)
        assert themes.max_scroll_y > 0  # the theme list is the one that had to shrink
        assert transcripts.max_scroll_y == 0, transcripts.size
        # And the dialog still fits the screen.
        dialog = app.screen.query_one(".dialog")
        assert dialog.outer_size.height <= 24 - 1
