"""The workbench while another process holds the project's write lock (``qcahp suggest``
or an import in a second terminal, a colleague's workbench on a shared drive).

A real second sqlite3 connection holds ``BEGIN IMMEDIATE`` on the project file. The
coder's key must not freeze the screen for the 30-second busy timeout: within about a
second a dialog says the project is busy and that the decision was not stored; nothing
is in the database and nothing is shown as decided; once the lock is let go the
decision is stored by itself, and only then shown.
"""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

from qualcoder_ahp.tui.app import make_app
from tests.helpers.busy import busy as _busy, busy_text as _busy_text
from tests.helpers.busy import hold as _hold, rows as _rows, until as _until
from tests.tui.conftest import CODER, SIZE, build_project, open_alpha, screen_text


def _project(tmp_path: Path) -> Path:
    path = tmp_path / "project.db"
    build_project(path)
    return path


async def test_accept_while_another_process_writes_says_busy_then_stores_it(tmp_path):
    project = _project(tmp_path)
    app = make_app(project, coder=CODER)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_alpha(pilot)
        first = screen.session.current
        assert first is not None and "decided 0/" in screen_text(app)
        holder = _hold(project)
        try:
            began = time.monotonic()
            await pilot.press("a")
            assert await _until(pilot, lambda: _busy(app))
            # The old code froze here for the whole busy timeout (30 s), without a word.
            assert time.monotonic() - began < 3
            said = _busy_text(app)
            assert "The project is busy" in said
            assert "Another qcahp is writing to it" in said
            assert "Your accept was not stored" in said
            assert "Escape gives up" in said
            assert _rows(project, "SELECT COUNT(*) FROM events") == [(0,)]
            assert screen.session.decisions.get(first.id) is None  # not shown as accepted
            assert screen.session.current == first
            await pilot.pause(0.6)  # still busy: still waiting, still nothing stored
            assert _busy(app)
            assert _rows(project, "SELECT COUNT(*) FROM events") == [(0,)]
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        # Free again: the dialog goes by itself and the accept is stored, then shown.
        assert await _until(pilot, lambda: not _busy(app))
        await pilot.pause()
        assert _rows(project, "SELECT kind FROM events") == [("accept",)]
        assert _rows(project, "SELECT status FROM decisions") == [("accepted",)]
        assert screen.session.decisions.get(first.id) == "accepted"
        assert "decided 1/" in screen_text(app)


async def test_giving_up_stores_nothing_and_says_so(tmp_path):
    project = _project(tmp_path)
    app = make_app(project, coder=CODER)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_alpha(pilot)
        first = screen.session.current
        holder = _hold(project)
        try:
            await pilot.press("x")
            assert await _until(pilot, lambda: _busy(app))
            assert "Your reject was not stored" in _busy_text(app)
            await pilot.press("escape")
            await pilot.pause()
            assert app.screen is screen
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        await pilot.pause(1.0)  # given up: not stored later behind the coder's back
        assert _rows(project, "SELECT COUNT(*) FROM events") == [(0,)]
        assert screen.session.decisions.get(first.id) is None
        messages = [n.message for n in app._notifications]
        assert any("Your reject was not stored: the project was busy" in m for m in messages)
        await pilot.press("x")  # the same key, now free, decides at once
        await pilot.pause()
        assert _rows(project, "SELECT status FROM decisions") == [("rejected",)]


async def test_enter_tries_at_once_and_a_memo_typed_meanwhile_is_kept(tmp_path):
    """A dialog's answer (a memo's text) is kept and stored once the project is free."""
    project = _project(tmp_path)
    app = make_app(project, coder=CODER)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_alpha(pilot)
        await pilot.press("a")  # a coding to write a memo on
        await pilot.pause()
        holder = _hold(project)
        try:
            await pilot.press("p", "M")
            await pilot.pause()
            await pilot.press("enter")  # a memo on the coding
            await pilot.pause()
            for key in "luck":
                await pilot.press(key)
            await pilot.press("ctrl+s")
            assert await _until(pilot, lambda: _busy(app))
            await pilot.press("enter")  # still held: says so, and waits on
            await pilot.pause()
            assert _busy(app) and "Still busy" in _busy_text(app)
            assert _rows(project, "SELECT COUNT(*) FROM memos") == [(0,)]
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        await pilot.press("enter")
        await pilot.pause()
        assert not _busy(app)
        assert _rows(project, "SELECT target_kind, text FROM memos") == [("coding", "luck")]
        assert app.screen is screen


async def test_reading_while_another_process_writes_never_waits(tmp_path):
    """Opening a transcript and following another window's change only read: they go on
    at once while the lock is held (WAL), with no busy dialog."""
    from qualcoder_ahp.model.store import open_store
    from qualcoder_ahp.tui.screens.coding import CodingScreen

    project = _project(tmp_path)
    app = make_app(project, coder=CODER)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        other = open_store(project)
        try:
            other.accept(other.suggestions()[0].id, "ben")  # another window's decision
        finally:
            other.close()
        holder = _hold(project)
        try:
            began = time.monotonic()
            assert app.poll_store()  # re-reads the screens
            await pilot.press("enter")
            await pilot.pause()
            assert isinstance(app.screen, CodingScreen)
            assert time.monotonic() - began < 1.5
            await pilot.pause(0.3)
            assert not _busy(app)
        finally:
            holder.execute("ROLLBACK")
            holder.close()


async def test_an_import_job_waiting_for_the_lock_says_so_then_imports(tmp_path):
    """The workbench's own import (``i``) waits in its worker, saying so under its bar."""
    project = _project(tmp_path)
    interview = tmp_path / "gamma.txt"
    interview.write_text("Interviewer: How did you start?\nGwen: By luck, really.\n",
                         encoding="utf-8")
    app = make_app(project, coder=CODER)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        holder = _hold(project)
        try:
            await pilot.press("i")
            await pilot.pause()
            await pilot.press(*str(interview), "enter")

            def label() -> str:
                return str(app.screen.query_one("#job-label").render())

            assert await _until(pilot, lambda: "waiting for another qcahp" in label())
            assert label().startswith("Importing: waiting for another qcahp to finish writing")
            assert _rows(project, "SELECT COUNT(*) FROM transcripts WHERE name = 'gamma'") \
                == [(0,)]
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert _rows(project, "SELECT COUNT(*) FROM transcripts WHERE name = 'gamma'") \
            == [(1,)]
        assert not _busy(app)


async def test_quitting_while_a_job_waits_for_the_lock_ends_at_once(tmp_path):
    """SQLite waited in C: the import's thread held the closing workbench for the whole
    busy timeout. It now stops waiting when the workbench closes; nothing is stored."""
    project = _project(tmp_path)
    interview = tmp_path / "gamma.txt"
    interview.write_text("Interviewer: How did you start?\nGwen: By luck, really.\n",
                         encoding="utf-8")
    app = make_app(project, coder=CODER)
    holder: sqlite3.Connection | None = None
    try:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            holder = _hold(project)
            await pilot.press("i")
            await pilot.pause()
            await pilot.press(*str(interview), "enter")
            assert await _until(pilot, lambda: "waiting for another qcahp" in str(
                app.screen.query_one("#job-label").render()))
            began = time.monotonic()
            await pilot.press("q")
            await app.workers.wait_for_complete()
            assert time.monotonic() - began < 3
    finally:
        if holder is not None:
            holder.execute("ROLLBACK")
            holder.close()
    assert _rows(project, "SELECT COUNT(*) FROM transcripts WHERE name = 'gamma'") == [(0,)]


async def test_opening_the_workbench_while_busy_waits_in_the_dialog(tmp_path):
    """Opening stores the coder's name: held, it brings the dialog, then opens."""
    from qualcoder_ahp.tui.screens.transcripts import TranscriptsScreen

    project = _project(tmp_path)
    app = make_app(project, coder="newcomer")
    holder = _hold(project)
    try:
        async with app.run_test(size=SIZE) as pilot:
            assert await _until(pilot, lambda: _busy(app))
            assert "Your name (as this project's coder) was not stored" in _busy_text(app)
            holder.execute("ROLLBACK")
            assert await _until(pilot, lambda: isinstance(app.screen, TranscriptsScreen))
            await pilot.pause()  # (let it finish mounting before the test closes the app)
            assert "newcomer" in str(app.sub_title)
            assert _rows(project, "SELECT name FROM coders WHERE name = 'newcomer'") == [
                ("newcomer",)]
    finally:
        holder.close()
