"""Session 24: the codebook screen's help lists the theme tree's keys.

The other screens' help lists their moving keys; the codebook's listed none of the
tree's (↑ ↓ PgUp PgDn Home End, and shift+arrows to a sibling or the folder). They
are now in the help and the palette; with the details pane focused (Tab), the shift
keys still move the tree.
"""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Tree

from qualcoder_ahp.tui.app import make_app
from qualcoder_ahp.tui.screens.codebook import CodebookScreen
from qualcoder_ahp.tui.screens.help import HelpScreen
from tests.helpers.pilot import settle
from tests.tui.conftest import CODER, build_project

SIZE = (80, 24)


async def test_help_lists_the_tree_keys_and_they_move(tmp_path: Path) -> None:
    path = tmp_path / "p.db"
    build_project(path)
    app = make_app(path, coder=CODER)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("k")
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, CodebookScreen)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        rows = {d: k for k, d, _ in app.screen.rows}
        for description in ("Next theme", "Previous theme", "Page ▼", "Page ▲",
                            "First theme", "Last theme", "Next alike", "Previous alike",
                            "Folder"):
            assert description in rows, (description, rows)
        assert rows["Next theme"] == "↓" and rows["Previous theme"] == "↑"
        await pilot.press("escape")
        await pilot.pause()
        tree = screen.query_one("#theme-tree", Tree)
        assert screen._selected() == "career"
        await pilot.press("shift+down")  # Career paths -> Mandate, over its two themes
        await pilot.pause()
        assert screen._selected() == "mandate"
        await pilot.press("end")
        await pilot.pause()
        assert screen._selected() == "secret"
        await pilot.press("home", "down", "down")
        await pilot.pause()
        assert screen._selected() == "serendipity"
        await pilot.press("tab")  # the details have the keys; shift+left still moves
        await pilot.pause()
        assert not tree.has_focus
        await pilot.press("shift+left")
        await pilot.pause()
        assert screen._selected() == "career"
