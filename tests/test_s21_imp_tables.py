"""Session 21: transcripts exported as tables (Word tables, tab-separated text) with a row
number, a start and an end time, or the time written in the speaker's cell."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from qualcoder_ahp.importers import read_transcript
from tests.test_importers import check_invariants

CONV = [("Interviewer", "How did you start?"), ("Helen Ash", "I qualified in 1996.\nIn Leeds."),
        ("Interviewer", "And then?"), ("Helen Ash", "Nobody else would do it.")]
EXPECTED = [("Interviewer", "interviewer", "00:00:00", "How did you start?"),
            ("Helen Ash", "participant", "00:00:01", "I qualified in 1996.\nIn Leeds."),
            ("Interviewer", "interviewer", "00:00:02", "And then?"),
            ("Helen Ash", "participant", "00:00:03", "Nobody else would do it.")]
Row = Callable[[int, str, str], list[str]]


def _read(path: Path) -> list[tuple[str, str, str | None, str]]:
    parsed = read_transcript(path)
    check_invariants(parsed)
    return [(t.speaker, t.role, t.time, parsed.text[t.start:t.end]) for t in parsed.turns]


def _docx(path: Path, header: list[str] | None, row: Row) -> Path:
    from docx import Document

    doc = Document()
    table = doc.add_table(rows=0, cols=len(row(0, *CONV[0])))
    if header:
        for cell, text in zip(table.add_row().cells, header):
            cell.text = text
    for i, (who, said) in enumerate(CONV):
        for cell, value in zip(table.add_row().cells, row(i, who, said)):
            first, *more = value.split("\n")
            cell.text = first
            for extra in more:  # a paragraph of its own in the cell
                cell.add_paragraph(extra)
    doc.save(str(path))
    return path


@pytest.mark.parametrize(("header", "row"), [
    (["#", "Start", "Speaker", "Text"], lambda i, s, t: [str(i + 1), f"00:00:0{i}", s, t]),
    (["Start", "End", "Speaker", "Dialogue"],
     lambda i, s, t: [f"00:00:0{i}", f"00:00:0{i + 1}", s, t]),
    (None, lambda i, s, t: [str(i + 1), f"00:00:0{i}", s, t]),
    (None, lambda i, s, t: [f"00:00:0{i}", f"00:00:0{i + 1}", s, t]),
    (None, lambda i, s, t: [f"{s} (00:00:0{i})", t]),
    (None, lambda i, s, t: [f"{s}\n00:00:0{i}", t]),  # the time in a paragraph below
    (["Speaker", "Text"], lambda i, s, t: [f"{s} 0:0{i}", t]),
], ids=["number-heading", "start-end-heading", "number", "start-end", "time-in-brackets",
        "time-below", "time-after-heading"])
def test_word_tables_with_numbers_spans_and_times_by_the_name(
        tmp_path: Path, header: list[str] | None, row: Row) -> None:
    # Each was misread: a speaker "#" or "Start" for the heading row, every row number or
    # start time a speaker, or "Helen Ash (00:00:01)" a new speaker in every turn.
    assert _read(_docx(tmp_path / "t.docx", header, row)) == EXPECTED


def test_tab_separated_rows_with_numbers_spans_and_times_by_the_name(tmp_path: Path) -> None:
    flat = [(s, t.replace("\n", " ")) for s, t in CONV]
    expected = [(s, r, t, x.replace("\n", " ")) for s, r, t, x in EXPECTED]
    path = tmp_path / "t.txt"
    path.write_text("#\tStart\tEnd\tSpeaker\tText\n" + "".join(
        f"{i + 1}\t00:00:0{i}\t00:00:0{i + 1}\t{s}\t{t}\n" for i, (s, t) in enumerate(flat)),
        encoding="utf-8")
    assert _read(path) == expected  # was one (unlabelled) turn of tab-separated cells
    path.write_text("".join(f"{i + 1}\t00:00:0{i}\t00:00:0{i + 1}\t{s}\t{t}\n"
                            for i, (s, t) in enumerate(flat)), encoding="utf-8")
    assert _read(path) == expected
    path.write_text("".join(f"{s} (00:00:0{i})\t{t}\n" for i, (s, t) in enumerate(flat)),
                    encoding="utf-8")
    assert _read(path) == expected


def _odt(path: Path, rows: list[list[str]], after: list[str] = ()) -> Path:
    from odf.opendocument import OpenDocumentText
    from odf.table import Table, TableCell, TableColumn, TableHeaderRows, TableRow
    from odf.text import P

    doc = OpenDocumentText()
    table = Table(name="T")
    table.addElement(TableColumn(numbercolumnsrepeated=len(rows[0])))
    for n, cells in enumerate(rows):
        row = TableRow()
        for text in cells:
            cell = TableCell()
            for paragraph in text.split("\n"):
                cell.addElement(P(text=paragraph))
            row.addElement(cell)
        if n == 0:  # a heading row, as LibreOffice writes one
            head = TableHeaderRows()
            head.addElement(row)
            table.addElement(head)
        else:
            table.addElement(row)
    doc.text.addElement(table)
    for line in after:
        doc.text.addElement(P(text=line))
    doc.save(str(path))
    return path


def test_opendocument_tables_are_read_as_word_tables_are(tmp_path: Path) -> None:
    rows = [["Time", "Speaker", "Text"]] + [[f"00:00:0{i}", s, t]
                                             for i, (s, t) in enumerate(CONV)]
    # The heading row's words were a turn of their own ("Time\nSpeaker\nText"), the times
    # part of the text.
    assert _read(_odt(tmp_path / "t.odt", rows)) == EXPECTED
    # A table of attributes above the interview is its header, as in a Word file: it was
    # an unlabelled turn "Participant\nP07\nDate\n12 May 2024".
    path = _odt(tmp_path / "h.odt", [["Participant", "P07"], ["Date", "12 May 2024"]],
                ["Interviewer: How did you start?", "Helen Ash: I qualified in 1996."])
    parsed = read_transcript(path)
    assert parsed.header == [("Participant", "P07"), ("Date", "12 May 2024")]
    assert [(t.speaker, parsed.text[t.start:t.end]) for t in parsed.turns] == [
        ("Interviewer", "How did you start?"), ("Helen Ash", "I qualified in 1996.")]
