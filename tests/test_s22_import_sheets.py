"""Session 22: a transcript exported as a spreadsheet (.csv from Sonix or Descript, .xlsx
from Trint or a transcriber) is read as turns, one per row under a heading row naming
the columns; a sheet with no such heading (a participants CSV) is refused in one line
naming the file, and the database is unchanged."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

from click.testing import CliRunner

from qualcoder_ahp.cli import cli
from qualcoder_ahp.importers import read_transcript
from tests.test_importers import check_invariants


def _turns(path: Path) -> list[tuple[str, str | None, str]]:
    parsed = read_transcript(path)
    check_invariants(parsed)
    return [(t.speaker, t.time, parsed.text[t.start:t.end]) for t in parsed.turns]


def test_a_csv_export_reads_as_turns(tmp_path: Path) -> None:
    path = tmp_path / "p17.csv"
    path.write_bytes("Speaker;Start Time;Text\r\nHannah Price;00:00:01;Could you say a bit "
                     "about the caf\u00e9 team?\r\nChidi Okafor;00:00:04;We are twelve "
                     "people,\r\n;00:00:07;mostly band sixes.\r\n".encode("cp1252"))
    assert _turns(path) == [
        ("Hannah Price", "00:00:01", "Could you say a bit about the caf\u00e9 team?"),
        # the row with no speaker goes on the sentence it continues, not a line below
        ("Chidi Okafor", "00:00:04", "We are twelve people, mostly band sixes.")]


def test_an_xlsx_export_reads_its_transcript_sheet(tmp_path: Path) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    book.active.append(["Summary of the interview"])
    sheet = book.create_sheet("Transcript")
    sheet.append(["Interview P19, 4 May 2024"])
    sheet.append(["#", "Start", "End", "Speaker", "Text"])
    sheet.append([1, dt.time(0, 0, 1), dt.time(0, 0, 4), "Hannah Price", "How did it start?"])
    sheet.append([2, dt.time(0, 0, 4), dt.time(0, 0, 9), "Chidi Okafor", "By chance."])
    sheet.append([3, dt.time(0, 1, 5), dt.time(0, 1, 9), "Hannah Price", None])
    path = tmp_path / "p19.xlsx"
    book.save(path)
    parsed = read_transcript(path)
    assert _turns(path) == [("Hannah Price", "00:00:01", "How did it start?"),
                            ("Chidi Okafor", "00:00:04", "By chance.")]
    assert parsed.notes[0] == ("the line above the heading row ('Interview P19, 4 May "
                               "2024') is not spoken: left out of the text")


def test_a_sheet_that_is_no_transcript_is_refused_and_nothing_changes(tmp_path: Path) -> None:
    db = tmp_path / "p.db"
    good = tmp_path / "p01.txt"
    good.write_text("Interviewer: How?\n\nHelen: Fine.\n", encoding="utf-8")
    people = tmp_path / "people.csv"
    people.write_text("participant,profession\nP01,physio\n", encoding="utf-8")
    broken = tmp_path / "p02.xlsx"
    broken.write_bytes(b"PK\x03\x04 cut short")
    runner = CliRunner()
    assert runner.invoke(cli, ["--db", str(db), "import", str(good)]).exit_code == 0
    with sqlite3.connect(db) as conn:
        before = conn.execute("SELECT COUNT(*) FROM transcripts").fetchone()
    result = runner.invoke(cli, ["--db", str(db), "import", str(people), str(broken)])
    assert result.exit_code == 1
    lines = [x for x in result.output.splitlines() if x.startswith("failed")]
    assert lines == [
        f"failed     {people}: no heading row naming a speaker column and a text column "
        "(such as Speaker, Start Time, Text) in its first rows, so it is no transcript this "
        "reads; participant attributes go in with `qcahp participants import FILE.csv`",
        f"failed     {broken}: not a valid Excel .xlsx file (cut short or damaged)"]
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT COUNT(*) FROM transcripts").fetchone() == before
    # A folder's spreadsheets are not taken for transcripts (they hold attributes).
    result = runner.invoke(cli, ["--db", str(db), "import", str(tmp_path)])
    assert "people" not in result.output and "p02" not in result.output


def test_a_csv_quote_that_never_closes_is_refused(tmp_path: Path) -> None:
    # Read loosely, the open quote swallowed the next rows, speakers and all, into
    # Hannah's turn ("unterminated\nChidi,Fine").
    import pytest

    from qualcoder_ahp.errors import ImportFailed

    path = tmp_path / "p36.csv"
    path.write_text('Speaker,Text\nHannah Price,"unterminated\nChidi Okafor,Fine\n',
                    encoding="utf-8")
    with pytest.raises(ImportFailed, match=r"line 2 opens a quoted cell \(\"\) that never "
                                           "closes; close the quote or remove it"):
        read_transcript(path)


def test_an_empty_workbook_says_so(tmp_path: Path) -> None:
    import openpyxl
    import pytest

    from qualcoder_ahp.errors import ImportFailed

    path = tmp_path / "empty.xlsx"
    openpyxl.Workbook().save(path)
    with pytest.raises(ImportFailed, match=r"empty.xlsx: the workbook is empty \(no sheet "
                                           r"has any text\)"):
        read_transcript(path)
