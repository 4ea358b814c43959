"""The state of a project database, to assert that a refused command changed nothing."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path


def state(db: Path) -> tuple[str, list[str]]:
    """The database file's bytes (hashed) and rows."""
    conn = sqlite3.connect(f"{db.as_uri()}?mode=ro", uri=True)
    try:
        rows = list(conn.iterdump())
    finally:
        conn.close()
    return hashlib.sha256(db.read_bytes()).hexdigest(), rows
