"""Tests of a busy project: another process's write lock, and the workbench's busy dialog.

A real second sqlite3 connection holds ``BEGIN IMMEDIATE`` on the project file, as
``qcahp suggest`` or an import in a second terminal would.
"""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path
from typing import Any, Callable


def rows(project: Path, sql: str) -> list[tuple]:
    """The rows of a query, read through a connection of its own."""
    conn = sqlite3.connect(project)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def hold(project: Path) -> sqlite3.Connection:
    """Another process's write transaction, held until rolled back."""
    holder = sqlite3.connect(project, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    return holder


def busy(app: Any) -> bool:
    """Whether the busy dialog is shown (by name: the old code had no such dialog)."""
    return type(app.screen).__name__ == "BusyScreen"


def busy_text(app: Any) -> str:
    """The busy dialog's words."""
    return " ".join(str(label.render()) for label in app.screen.query("Label"))


async def until(pilot: Any, check: Callable[[], bool], seconds: float = 5.0) -> bool:
    """Let the app run until ``check()`` holds (polls on a timer; bounded)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        await pilot.pause(0.1)
    return check()
