"""Session 22, privacy: outputs name files, not the folders they sit in.

Every workbook's About sheet gave the project database's full path, and ``qcahp log``
the full path of a merged copy or an imported REFI-QDA file: a path holds the
researcher's login (``/home/jsmith/...``) or a participant's folder name, and those
files are shared with supervisors and ethics boards.
"""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

from click.testing import CliRunner
from openpyxl import load_workbook

from qualcoder_ahp.cli import cli
from qualcoder_ahp.model.store import open_store
from qualcoder_ahp.records import Codebook, Theme

FOLDER = "Helen_Smith_consent"
TEXT = ("Interviewer: How did you come to lead the service?\n"
        "P07: It was really by chance that the acting head post came up.\n")


def _run(db: Path, *args: str) -> str:
    result = CliRunner().invoke(cli, ["--db", str(db), *args])
    assert result.exit_code == 0, (result.output, result.exception)
    return result.stdout


def _project(tmp_path: Path) -> Path:
    folder = tmp_path / FOLDER
    folder.mkdir()
    (tmp_path / "p07.txt").write_text(TEXT, encoding="utf-8")
    db = folder / "study.db"
    _run(db, "import", str(tmp_path / "p07.txt"))
    store = open_store(db)
    store.save_codebook(Codebook("test", (Theme("serendipity", "Serendipity"),)))
    store.code(store.transcripts()[0].id, "serendipity", "ana", 56, 80)
    store.close()
    return db


def _cells(path: Path) -> list[str]:
    book = load_workbook(path, read_only=True)
    return [str(v) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True)
            for v in row if v is not None]


def test_about_sheets_give_the_database_file_name_only(tmp_path):
    db = _project(tmp_path)
    for command in (["counts", "--coder", "ana"], ["quotes", "--coder", "ana"], ["log"],
                    ["memos"], ["words"], ["search", "chance"]):
        out = tmp_path / f"{command[0]}.xlsx"
        _run(db, *command, "-o", str(out))
        cells = _cells(out)
        assert "study.db" in cells, command
        assert not [c for c in cells if FOLDER in c or str(tmp_path) in c], command
        with zipfile.ZipFile(out) as archive:  # nor anywhere else in the workbook
            for name in archive.namelist():
                assert FOLDER.encode() not in archive.read(name), (command, name)


def test_the_log_names_a_merged_copy_by_its_file_name(tmp_path):
    db = _project(tmp_path)
    copy = tmp_path / "Helen_Smith_copy" / "ben.db"
    copy.parent.mkdir()
    shutil.copy(db, copy)
    other = open_store(copy)
    other.code(other.transcripts()[0].id, "serendipity", "ben", 56, 80)
    other.close()
    _run(db, "merge", str(copy.resolve()))
    for fmt in ("json", "csv", "md"):
        out = _run(db, "log", "--format", fmt)
        assert "Helen_Smith_copy" not in out and str(tmp_path) not in out, fmt
    events = json.loads(_run(db, "log", "--format", "json"))["events"]
    assert any(e["what"].startswith("merged in from copy ben.db") for e in events)
