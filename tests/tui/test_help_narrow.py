"""The help screen on an 80x24 terminal: long key details wrap instead of being cut off."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import DataTable

from qualcoder_ahp.tui.app import make_app
from qualcoder_ahp.tui.screens.help import HelpScreen
from tests.tui.conftest import CODER


@pytest.mark.parametrize("size", [(80, 24), (100, 30)])
async def test_help_details_fit_the_dialog(project: Path, size: tuple[int, int]):
    app = make_app(project, coder=CODER)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        table = app.screen.query_one(DataTable)
        # No horizontal scrolling: every column is inside the visible table.
        assert table.virtual_size.width <= table.size.width, (table.virtual_size, table.size)
        longest = max(app.screen.rows, key=lambda row: len(row[2]))
        assert len(longest[2]) > table.columns[list(table.columns)[2]].width  # must wrap
        rows = [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]
        assert [longest[0], longest[1], longest[2]] in rows  # whole text, not cut
        assert any(h > 1 for h in (r.height for r in table.rows.values()))
        await pilot.resize_terminal(120, 40)
        await pilot.pause()
        assert table.row_count == len(app.screen.rows)
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, HelpScreen)
