"""The codebook screen at 80x24 on the shipped codebook: every theme name and count shows."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Tree

from qualcoder_ahp.model.store import open_store
from qualcoder_ahp.tui import jobs
from qualcoder_ahp.tui.app import make_app
from qualcoder_ahp.tui.screens.codebook import CodebookScreen
from tests.tui.conftest import CODER


async def test_theme_tree_is_not_cut_at_80_columns(tmp_path: Path):
    path = tmp_path / "p.db"
    store = open_store(path)
    jobs.load_codebook(store, jobs.DEMO_CODEBOOK)
    store.close()
    app = make_app(path, coder=CODER)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("k")
        await pilot.pause()
        assert isinstance(app.screen, CodebookScreen)
        tree = app.screen.query_one("#theme-tree", Tree)
        assert tree.virtual_size.width <= tree.scrollable_content_region.width, (
            tree.virtual_size, tree.scrollable_content_region)
