"""The busy dialog on the screens that write, with a real second connection holding the
project's write lock (another qcahp writing): what it says was not stored, and the change
stored once, after the lock is let go, and shown as the database holds it."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Tree

from qualcoder_ahp.tui.app import make_app
from qualcoder_ahp.tui.screens.codebook import CodebookScreen
from qualcoder_ahp.tui.screens.modals import ThemeEditModal
from tests.helpers.busy import busy as _busy, busy_text as _busy_text
from tests.helpers.busy import hold as _hold, rows as _rows, until as _until
from tests.tui.conftest import CODER, build_project, open_alpha, open_codebook, screen_text

SIZE = (80, 24)


def _project(tmp_path: Path) -> Path:
    path = tmp_path / "project.db"
    build_project(path)
    return path


async def _to_theme(pilot, screen: CodebookScreen, theme_id: str) -> None:  # noqa: ANN001
    tree = screen.query_one("#theme-tree", Tree)
    while tree.cursor_node is None or tree.cursor_node.data != theme_id:
        await pilot.press("down")
    await pilot.pause()


async def test_enter_in_the_theme_form_while_busy_waits_then_saves_once(tmp_path):
    """Enter in the form's name saved it directly, outside the app's keys: the busy
    error ended the workbench with a traceback (Ctrl+S went through the dialog)."""
    project = _project(tmp_path)
    app = make_app(project, coder=CODER)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_codebook(pilot)
        await _to_theme(pilot, screen, "serendipity")
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, ThemeEditModal)
        holder = _hold(project)
        try:
            await pilot.press("ctrl+a", "ctrl+k", *"Happy accidents", "enter")
            assert await _until(pilot, lambda: _busy(app))
            assert "Your edit of the theme was not stored" in _busy_text(app)
            assert _rows(project, "SELECT name FROM themes WHERE id = 'serendipity'") == [
                ("Serendipity",)]
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        assert await _until(pilot, lambda: app.screen is screen)
        await pilot.pause()
        assert _rows(project, "SELECT name FROM themes WHERE id = 'serendipity'") == [
            ("Happy accidents",)]
        assert _rows(project, "SELECT COUNT(*) FROM events WHERE kind = 'theme_edit'") \
            == [(1,)]
        assert "Happy accidents" in screen_text(app)
        assert any("Theme saved: Happy accidents" in n.message for n in app._notifications)


async def test_a_dialog_answered_while_busy_names_the_change_its_key_made(tmp_path):
    """The move's dialog answered while busy said "Your change was not stored"; it names
    the key's change now, and the theme is moved once."""
    project = _project(tmp_path)
    app = make_app(project, coder=CODER)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_codebook(pilot)
        await _to_theme(pilot, screen, "serendipity")
        await pilot.press("f")
        await pilot.pause()
        holder = _hold(project)
        try:
            await pilot.press("down", "enter")  # under the first theme offered
            assert await _until(pilot, lambda: _busy(app))
            assert "Your move was not stored" in _busy_text(app)
            await pilot.press("escape")  # give up: not stored, and said so in those words
            await pilot.pause()
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        await pilot.pause(0.8)
        assert _rows(project, "SELECT COUNT(*) FROM events") == [(0,)]
        assert any(n.message.startswith("Your move was not stored: the project was busy")
                   for n in app._notifications)


async def test_hand_coding_and_a_number_key_while_busy_say_your_coding(tmp_path):
    project = _project(tmp_path)
    app = make_app(project, coder=CODER)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_alpha(pilot)
        await pilot.press("down")  # a sentence with no suggestion under the cursor
        await pilot.pause()
        holder = _hold(project)
        try:
            await pilot.press("c")
            await pilot.pause()
            await pilot.press(*"weapon", "enter")
            assert await _until(pilot, lambda: _busy(app))
            assert "Your coding was not stored" in _busy_text(app)
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        assert await _until(pilot, lambda: app.screen is screen)
        await pilot.pause()
        assert _rows(project, "SELECT theme_id, origin FROM codings") == [
            ("secret", "manual")]
        holder = _hold(project)
        try:
            await pilot.press("3")  # a recent theme: "Your recent theme 3 was not stored"
            assert await _until(pilot, lambda: _busy(app))
            assert "Your coding was not stored" in _busy_text(app)
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        assert await _until(pilot, lambda: app.screen is screen)
        await pilot.pause()
        assert _rows(project, "SELECT COUNT(*) FROM codings") == [(2,)]


async def test_removing_a_coding_while_busy_says_which_change_and_removes_it_once(tmp_path):
    project = _project(tmp_path)
    app = make_app(project, coder=CODER)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_alpha(pilot)
        await pilot.press("a", "p")  # accepted; back on it
        await pilot.pause()
        assert _rows(project, "SELECT COUNT(*) FROM codings WHERE active = 1") == [(1,)]
        holder = _hold(project)
        try:
            await pilot.press("d")
            assert await _until(pilot, lambda: _busy(app))
            assert "Your removal of the coding was not stored" in _busy_text(app)  # "remove"
            assert _rows(project, "SELECT COUNT(*) FROM codings WHERE active = 1") == [(1,)]
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        assert await _until(pilot, lambda: app.screen is screen)
        await pilot.pause()
        assert _rows(project, "SELECT COUNT(*) FROM codings WHERE active = 1") == [(0,)]
        assert _rows(project, "SELECT kind FROM events") == [("accept",), ("remove",)]
        assert [n.message for n in app._notifications].count(
            "Removed your coding of Career paths / Winding route (u undoes).") == 1
        assert "codings 0" in screen_text(app)
