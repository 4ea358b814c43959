"""The workbench when another process holds the project's write lock past the busy
timeout (a merge or a codings import of a very large file in another terminal)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from qualcoder_ahp.model import store as store_module
from qualcoder_ahp.tui.app import make_app
from tests.tui.conftest import CODER, SIZE, open_alpha


def _events(project: Path) -> int:
    conn = sqlite3.connect(project)
    try:
        return conn.execute("SELECT COUNT(*) FROM events").fetchone()[0]
    finally:
        conn.close()


async def test_a_decision_blocked_by_another_process_says_so_in_words(project, monkeypatch):
    from qualcoder_ahp.tui.busy import BusyScreen

    monkeypatch.setattr(store_module, "BUSY_TIMEOUT_S", 0.2)
    app = make_app(project, coder=CODER)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_alpha(pilot)
        holder = sqlite3.connect(project, isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")  # another process writing, for longer than 0.2 s
        try:
            await pilot.press("a")
            await pilot.pause()
            # was: "OperationalError: database is locked"; since session 21 a dialog
            # (tests/test_s21_lock_tui.py has the rest)
            assert isinstance(app.screen, BusyScreen)
            words = " ".join(str(label.render()) for label in app.screen.query("Label"))
            assert "The project is busy" in words and "Your accept was not stored" in words
            assert "OperationalError" not in words
            assert _events(project) == 0  # nothing shown as done, nothing stored
            assert "decided 0/" in " ".join(str(w.render()) for w in screen.query("Static"))
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        await pilot.press("enter")  # the lock is free: the decision is made now
        await pilot.pause()
        assert _events(project) == 1
