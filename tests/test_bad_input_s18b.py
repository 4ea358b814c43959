"""Bad input, second round of session 18: four defects the attack matrix
(:mod:`tests.test_bad_input_s18`) let through, checked with its helpers and the same
contract: one line on stderr naming the file and the problem (a codebook's errors as
``FILE:LINE: problem`` and their count), a non-zero exit, the project database as it was.

- a key given twice in a mapping only a pattern's body holds (``{IN: [a], IN: [b]}``)
  passed ``codebook check`` and ``load``;
- ``codings import`` of a CSV with a column named twice read one of them and failed on a
  row with a misleading message; a UTF-16 CSV was refused as "line 1: not UTF-8";
- a UTF-16 codebook without a byte-order mark was "unacceptable character #x0000";
- ``merge`` of a named pipe said "no such project database".
"""

from __future__ import annotations

import csv
import io
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from tests.test_bad_input_s18 import FIFO, SMALL, attack, base, one_line, run  # noqa: F401

PATTERN = b"""name: t
themes:
  - id: serendipity
    patterns:
      - id: p1
"""


@pytest.mark.parametrize(("body", "line", "key", "who"), [
    # was: loaded, the pattern matching only "b"
    (b"        tokens: [{LOWER: {IN: [a], IN: [b]}}]\n", 6, "IN", "pattern p1: "),
    (b"        tokens:\n          - LOWER: {NOT_IN: [a],\n                    NOT_IN: [b]}\n",
     8, "NOT_IN", "pattern p1: "),
    (b"        dependency:\n          - RIGHT_ID: x\n            RIGHT_ATTRS: {LOWER: a, "
     b"LOWER: b}\n", 8, "LOWER", "pattern p1: "),
    (b"        tokens: [{LOWER: a}]\nversion: {major: 1, major: 2}\n", 7, "major", ""),
], ids=["token predicate", "token predicate over lines", "dependency attrs", "version"])
@pytest.mark.parametrize("command", ["check", "load"])
def test_a_key_given_twice_anywhere_in_a_codebook_is_an_error(
        tmp_path: Path, base: dict[str, bytes], command: str, body: bytes, line: int,
        key: str, who: str) -> None:
    _result, lines, _db = attack(tmp_path, ["codebook", command, "{dir}/cb.yaml"],
                                 {"cb.yaml": PATTERN + body}, base)
    assert lines[-1].endswith(("error.", "errors.", "nothing stored.")), lines
    # (A dependency pattern in a codebook naming no pipeline is refused too, on its line.)
    assert any(f"cb.yaml:{line}: {who}key {key!r} given twice" in text
               for text in lines[:2]), lines


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be", "utf-16", "utf-32"])
def test_a_codebook_in_utf16_or_32_is_named_as_such(
        tmp_path: Path, base: dict[str, bytes], encoding: str) -> None:
    # was (without a byte-order mark): "not valid YAML: unacceptable character #x0000"
    data = SMALL.decode().encode(encoding)
    _result, lines, _db = attack(tmp_path, ["codebook", "load", "{dir}/cb.yaml"],
                                 {"cb.yaml": data}, base)
    wide = encoding[:6].upper()
    one_line(lines[:1], "cb.yaml", f"it is {wide} text, not UTF-8")


def _codings_csv(base: dict[str, bytes], header: list[str] | None = None,
                 encoding: str = "utf-8") -> Any:
    """The exported codings CSV, under another header or in another encoding."""
    def write(path: Path, _base: dict[str, bytes]) -> None:
        rows = list(csv.reader(io.StringIO(base["c.csv"].decode("utf-8-sig"))))
        if header is not None:
            rows = [header] + [r + ["999"] * (len(header) - len(r)) for r in rows[1:]]
        out = io.StringIO()
        csv.writer(out).writerows(rows)
        path.write_bytes(out.getvalue().encode(encoding))
    return write


@pytest.mark.parametrize("twice", ["start", "quote", "Theme"])
def test_a_codings_csv_with_a_column_named_twice_is_refused(
        tmp_path: Path, base: dict[str, bytes], twice: str) -> None:
    # was: the last `start` read, then "line 2: quote does not match the transcript"
    header = next(csv.reader(io.StringIO(base["c.csv"].decode("utf-8-sig")))) + [twice]
    _result, lines, _db = attack(
        tmp_path, ["codings", "import", "{dir}/c.csv", "--coder", "zed"],
        {"c.csv": _codings_csv(base, header)}, base)
    one_line(lines, "c.csv", f"line 1: the header names column {twice.lower()!r} twice")


def _codings_of(db: Path, coder: str) -> list[tuple[Any, ...]]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(
            "SELECT c.transcript_id, c.theme_id, c.start, c.\"end\" FROM codings c "
            "JOIN coders k ON k.id = c.coder_id WHERE k.name = ? ORDER BY 1, 2, 3",
            [coder]).fetchall()
    finally:
        conn.close()


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be", "utf-32"])
def test_codings_and_participants_csv_read_the_same_encodings(
        tmp_path: Path, base: dict[str, bytes], encoding: str) -> None:
    # was: codings import refused all but UTF-8 ("line 1: not UTF-8 text") while
    # participants import read them
    db = tmp_path / "project.db"
    db.write_bytes(base["base.db"])
    _codings_csv(base, encoding=encoding)(tmp_path / "c.csv", base)
    result = run("--db", str(db), "codings", "import", str(tmp_path / "c.csv"),
                 "--coder", "zed")
    assert result.exit_code == 0, result.output
    assert _codings_of(db, "zed") == _codings_of(db, "ana") != []
    (tmp_path / "p.csv").write_bytes("participant,job\np01,physio\u2019s aide\n"
                                     .encode(encoding))
    result = run("--db", str(db), "participants", "import", str(tmp_path / "p.csv"))
    assert result.exit_code == 0, result.output
    conn = sqlite3.connect(db)
    values = [v for (v,) in conn.execute("SELECT value FROM participant_attributes")]
    conn.close()
    assert values == ["physio\u2019s aide"]


def test_merge_of_a_named_pipe_says_it_is_not_a_regular_file(
        tmp_path: Path, base: dict[str, bytes]) -> None:
    # was: "no such project database"
    _result, lines, _db = attack(tmp_path, ["merge", "{dir}/o.db"], {"o.db": FIFO}, base)
    one_line(lines, "o.db", "not a regular file (a named pipe, device or socket)")
