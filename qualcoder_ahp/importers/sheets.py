"""Transcripts exported as a spreadsheet: ``.csv`` and ``.xlsx`` (Sonix, Trint, Descript,
a transcriber's Excel sheet), one turn per row under a heading row that names the
columns: ``Speaker | Text``, ``Start Time | Speaker | Text``, ``# | Start | End | Speaker
| Transcript``...

The rows are read as a Word table is (:func:`~qualcoder_ahp.importers.formats.
table_blocks`): a row with an empty speaker cell continues the turn, and a row number or
an end time is left out. A sheet is a transcript only when one of its first rows names
a speaker column and a text column: a participants CSV (``participant,profession``)
given to ``qcahp import`` is refused with the command that loads it, rather than read
as turns of a speaker ``P01`` saying ``physiotherapist``. Folders are not searched for
spreadsheets (they usually hold the participants' attributes): name the file.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from pathlib import Path
from typing import Any

from qualcoder_ahp.errors import ImportFailed
from qualcoder_ahp.importers.blocks import Block, Blocks
from qualcoder_ahp.importers.normalise import normalise, read_bytes, read_text

SHEETS = (".csv", ".xlsx")
"""Spreadsheet transcripts :func:`~qualcoder_ahp.importers.reader.read_transcript` reads
when a file is named (never picked up from a folder)."""

_HEADING_WITHIN = 5
"""Rows a heading row may come after (a title, a date, a blank row above it)."""

_NOT_A_TRANSCRIPT = ("no heading row naming a speaker column and a text column (such as "
                     "Speaker, Start Time, Text) in its first rows, so it is no transcript "
                     "this reads; participant attributes go in with `qcahp participants "
                     "import FILE.csv`")


def read_csv(path: Path, max_bytes: int) -> list[Block]:
    """A ``.csv`` transcript (comma, semicolon or tab separated; any encoding Excel
    writes, as a text transcript is decoded)."""
    text = read_text(path, max_bytes=max_bytes)
    from qualcoder_ahp.importers.participants import read_csv_records

    try:
        delimiter = csv.Sniffer().sniff(text[:4096], ",;\t").delimiter
    except csv.Error:
        delimiter = ","
    # (A quote that never closes is refused: read loosely, it swallowed the rows below
    # into one cell, speakers and all.)
    dialect = type("Export", (csv.excel,), {"delimiter": delimiter})
    rows = [row for _line, row in read_csv_records(text, dialect, str(path))]
    return _sheet_blocks(rows, path)


def read_xlsx(path: Path, max_bytes: int) -> list[Block]:
    """An Excel ``.xlsx`` transcript: the first sheet with a heading row naming a
    speaker column and a text column."""
    import openpyxl

    from qualcoder_ahp.importers.formats import _check_parts, _check_zip

    data = read_bytes(path, max_bytes=max_bytes)
    _check_zip(data, path, "Excel .xlsx", "xl/workbook.xml")
    _check_parts(data, path, "Excel .xlsx", ("xl/workbook.xml",))
    _refuse_entities(data, path)
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a broken package
        raise ImportFailed(f"not a valid Excel .xlsx file ({type(exc).__name__})",
                           path=str(path)) from None
    try:
        sheets = [[[_cell(v) for v in row] for row in sheet.iter_rows(values_only=True)]
                  for sheet in book.worksheets]
    finally:
        book.close()
    if not any(cell.strip() for rows in sheets for row in rows for cell in row):
        raise ImportFailed("the workbook is empty (no sheet has any text)", path=str(path))
    for rows in sheets:
        if _heading_at(rows) is not None:
            return _sheet_blocks(rows, path)
    raise ImportFailed(_NOT_A_TRANSCRIPT.replace("its first rows", "the first rows of any "
                                                 "sheet"), path=str(path))


def _refuse_entities(data: bytes, path: Path) -> None:
    """Refuse a workbook whose XML declares entities: no spreadsheet program writes one,
    and openpyxl reads the parts with the standard library's parser, which would expand
    them (a few kilobytes can expand to gigabytes)."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        for part in zf.namelist():
            if part.endswith((".xml", ".rels")) and _ENTITY.search(zf.read(part)):
                raise ImportFailed(f"not a valid Excel .xlsx file: {part} declares XML "
                                   "entities, which no spreadsheet program writes; refused",
                                   path=str(path))


_ENTITY = re.compile(rb"<!ENTITY", re.IGNORECASE)


def _cell(value: Any) -> str:
    """A cell as the sheet shows it: a time as ``00:01:05`` (a start time Excel stored as
    a time of day or a duration), a whole number without ``.0``."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = value.time() if value.date() in (dt.date(1899, 12, 30), dt.date(1899, 12, 31),
                                                 dt.date(1900, 1, 1)) else value
    if isinstance(value, dt.time):
        return value.strftime("%H:%M:%S")
    if isinstance(value, dt.timedelta):
        seconds = int(value.total_seconds())
        return f"{seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return normalise(str(value))


def _heading_at(rows: list[list[str]]) -> int | None:
    """The index of the heading row naming a speaker and a text column, if one of the
    first non-empty rows is one."""
    from qualcoder_ahp.importers.tabbed import columns_named

    seen = 0
    for i, row in enumerate(rows):
        if not any(c.strip() for c in row):
            continue
        if columns_named([c.strip() for c in row]) is not None:
            return i
        seen += 1
        if seen > _HEADING_WITHIN:
            return None
    return None


def _joined_rows(rows: list[list[str]]) -> list[list[str]]:
    """The heading row and the rows below it, with no row whose text cell is empty (a
    row number and a time alone were read as words of the turn above), and each row
    with an empty speaker cell joined to the row above with a space: a tool that cuts
    a turn into rows cuts it mid-sentence (``We are twelve people,`` / ``mostly band
    sixes.``), and a line break there ended a sentence."""
    from qualcoder_ahp.importers.tabbed import columns_named

    heading, *body = rows
    columns = columns_named([c.strip() for c in heading])
    assert columns is not None  # (found by _heading_at)
    who, _time, text = columns
    out = [heading]
    for row in body:
        cells = [c.strip() for c in row] + [""] * (len(heading) - len(row))
        if not cells[text]:
            continue
        if not cells[who] and len(out) > 1:
            out[-1][text] = f"{out[-1][text]} {cells[text]}"
            continue
        out.append(cells)
    return out


def _sheet_blocks(rows: list[list[str]], path: Path) -> list[Block]:
    from qualcoder_ahp.importers.formats import table_blocks

    at = _heading_at(rows)
    if at is None:
        raise ImportFailed(_NOT_A_TRANSCRIPT, path=str(path))
    blocks = table_blocks(_joined_rows([[normalise(c) for c in row] for row in rows[at:]
                                        if any(c.strip() for c in row)]))
    if not blocks:
        raise ImportFailed("the sheet has a heading row but no rows of text below it",
                           path=str(path))
    above = [" ".join(c.strip() for c in row if c.strip()) for row in rows[:at]]
    above = [line for line in above if line]
    notes = []
    if above:  # a title or a date above the columns: said, as a document's header is
        lines = "the line" if len(above) == 1 else f"the {len(above)} lines"
        notes.append(f"{lines} above the heading row ({above[0]!r}"
                     f"{', ...' if len(above) > 1 else ''}) "
                     f"{'is' if len(above) == 1 else 'are'} not spoken: left out of the text")
    return Blocks(blocks, notes)
