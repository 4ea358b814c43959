"""Dialog prompts wrap on an 80x24 terminal instead of being cut off."""

from __future__ import annotations

from textual.app import App
from textual.widgets import Label

from qualcoder_ahp.records import Theme
from qualcoder_ahp.tui.screens.modals import FilterModal


class Host(App[None]):
    CSS_PATH = "../../qualcoder_ahp/tui/app.tcss"

    def on_mount(self) -> None:
        self.push_screen(FilterModal(("all", "undecided"), [Theme("luck", "Luck", None, "")],
                                     "all", None))


async def test_filter_prompt_is_whole_at_80_columns():
    app = Host()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        label = app.screen.query_one(".dialog > Label", Label)
        # The whole label lies inside the dialog's content area (nothing clipped).
        assert label.region.right <= label.parent.content_region.right, (
            label.region, label.parent.content_region)
        lines = [label.render_line(y).text.strip() for y in range(label.size.height)]
        shown = " ".join(line for line in lines if line)
        assert shown.endswith("(Tab switches, Enter applies)"), lines
