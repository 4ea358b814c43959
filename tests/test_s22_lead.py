"""Session 22 (lead): the commands that write as --coder refuse a name that is a coder's
but for case or spaces, as decide and the theme commands do (common.acting_coder)."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from qualcoder_ahp.cli import cli
from tests.helpers.project import build_project


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


def state(db: Path) -> tuple[str, list[str]]:
    conn = sqlite3.connect(f"{db.as_uri()}?mode=ro", uri=True)
    try:
        rows = list(conn.iterdump())
    finally:
        conn.close()
    return hashlib.sha256(db.read_bytes()).hexdigest(), rows


@pytest.fixture
def project(tmp_path: Path) -> Path:
    db = tmp_path / "study.db"
    store = build_project(db)
    store.accept(store.suggestions()[0].id, "ana")
    store.close()
    return db


COMMANDS = [
    ["search", "chance", "--code", "serendipity", "--coder", "{who}"],
    ["framework", "summarise", "P01", "serendipity", "--coder", "{who}", "Fell into it."],
]


@pytest.mark.parametrize("command", COMMANDS, ids=["search --code", "framework summarise"])
@pytest.mark.parametrize("who", ["Ana", " ANA "])
def test_a_coder_named_but_for_case_is_refused(project: Path, command: list[str],
                                               who: str) -> None:
    before = state(project)
    done = run("--db", str(project), *[a.replace("{who}", who) for a in command])
    # was: exit 0, a second coder 'Ana' beside ana, her codings or summary under it
    assert done.exit_code == 1, done.output
    assert "Traceback" not in done.output
    lines = done.stderr.strip().splitlines()
    assert lines == [f"Error: no coder {who.strip()!r} in this project, but there is 'ana' "
                     "(the same name but for case or spaces): use --coder ana; nothing was "
                     "changed"]
    assert state(project) == before


@pytest.mark.parametrize("command", COMMANDS, ids=["search --code", "framework summarise"])
def test_a_new_coder_is_taken_with_a_note(project: Path, command: list[str]) -> None:
    done = run("--db", str(project), *[a.replace("{who}", "ben") for a in command])
    assert done.exit_code == 0, done.output
    assert "note: 'ben' is a new coder in this project (coders so far: ana)" in done.stderr
    conn = sqlite3.connect(project)
    assert {n for (n,) in conn.execute("SELECT name FROM coders")} == {"ana", "ben"}
    conn.close()
