"""Coder names and `--coders A,B`: a rename to a name with a comma (or a tab) was
accepted, and that coder could then never be named in --coders; a coder whose name
holds a comma (``Smith, John``, as NVivo projects name users, brought in by `qcahp refi
import` or a copy) was split in two by --coders."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from click.testing import CliRunner

from qualcoder_ahp.cli import cli
from qualcoder_ahp.model.coders_store import split_coders
from qualcoder_ahp.model.store import open_store
from tests.test_merge import _base


def _project(tmp_path: Path, first: str = "Smith, John") -> Path:
    store = _base(tmp_path / "p.db")
    asha = store.transcript("asha").id
    store.code(asha, "serendipity", first, 0, 22)
    store.code(asha, "serendipity", "ben", 0, 30)
    store.close()
    return tmp_path / "p.db"


def _run(db: Path, *args: str):
    return CliRunner().invoke(cli, ["--db", str(db), *args], terminal_width=200)


def _coders(db: Path) -> list[tuple[str, ...]]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute("SELECT name, guid FROM coders ORDER BY id").fetchall()
    finally:
        conn.close()


def test_a_rename_to_a_name_with_a_comma_or_a_tab_is_refused_unchanged(tmp_path):
    db = _project(tmp_path, "ana")
    before = _coders(db)
    for bad in ("ana,ben", "ana\tlopez"):
        result = _run(db, "coders", "rename", "ana", bad)
        assert result.exit_code == 1, result.output
        lines = result.output.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("Error: a coder's name cannot hold")
        assert lines[0].endswith("nothing was changed")
    assert _coders(db) == before


def test_a_coder_whose_name_holds_a_comma_is_one_coder_in_coders(tmp_path):
    db = _project(tmp_path)
    for command in ("agreement", "disagreements"):
        result = _run(db, command, "--coders", "Smith, John,ben", "--format", "csv")
        assert result.exit_code == 0, result.output
        assert "Smith, John" in result.output and "no coder named" not in result.output
    # Still two different names needed; an unknown name is still an error.
    assert _run(db, "agreement", "--coders", "Smith, John").exit_code == 2
    assert "no coder named 'zed'" in _run(db, "agreement", "--coders", "ben,zed").output


def test_split_coders_takes_the_longest_known_name():
    known = ["Smith, John", "ben", "ana,ben"]
    assert split_coders("Smith, John,ben", known) == ["Smith, John", "ben"]
    assert split_coders("ben, Smith, John", known) == ["ben", "Smith, John"]
    assert split_coders("ana,ben", known) == ["ana,ben"]
    assert split_coders("ana,cai", known) == ["ana", "cai"]
    assert split_coders(" ana , ,cai,", []) == ["ana", "cai"]
