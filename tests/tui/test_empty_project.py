"""A brand-new, empty project at 80x24: the hint is readable and `g` says what to do."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Label

from qualcoder_ahp.model.store import open_store
from qualcoder_ahp.tui.app import make_app
from tests.tui.conftest import CODER


async def test_empty_project_hint_wraps_and_g_explains(tmp_path: Path):
    path = tmp_path / "empty.db"
    open_store(path).close()
    app = make_app(path, coder=CODER)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        hint = app.screen.query_one("#empty-hint", Label)
        assert hint.display
        assert hint.size.width <= 80
        lines = [hint.render_line(y).text.strip() for y in range(hint.size.height)]
        shown = " ".join(line for line in lines if line)
        assert shown.endswith("then press S to run its suggestions."), lines  # nothing cut off
        await pilot.press("g")
        await pilot.pause()
        messages = [n.message for n in app._notifications]
        assert any(m.startswith("No suggestions yet") for m in messages), messages
        assert "Every suggestion is decided." not in messages
