"""A small streaming XLSX writer: bold frozen header, autofilter, column widths, wrapped text.

Why not openpyxl for writing: on the benchmark project (20,000 quotes, 340,000
cells) openpyxl's write-only mode spends ~15 µs per cell and takes 5-8 s on our
shared machine; building the same SpreadsheetML as strings takes well under a
second (``benchmarks/bench_reports.py`` prints both). The package written here is
the minimal valid one (content types, workbook, styles, one XML part per sheet,
inline strings, no shared-string table). openpyxl still reads it back in the tests.

Strings are written as inline text, never formulas, so a quote that begins with
``=`` stays a quote; control characters that XML 1.0 cannot hold are dropped. A text
longer than Excel holds in a cell (:data:`MAX_CELL`) is cut, ending in a marker that
says so and where the whole text is, and :func:`sheet_xml` lists each cell it cut.
"""

from __future__ import annotations

import io
import math
import re
import zipfile
from collections.abc import Sequence
from datetime import datetime, timezone
from typing import Any
from xml.sax.saxutils import escape, quoteattr

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

STYLE_HEADER, STYLE_PCT, STYLE_WRAP, STYLE_DEC3, STYLE_TIME = 1, 2, 3, 4, 5
MAX_CELL = 32767
"""Excel's limit on the characters in one cell."""
CUT_MARK = "\u2026 [cut: Excel's 32,767-character limit; {where}]"
"""How a cut cell ends: ``where`` says where the whole text is."""
_STYLES = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="{MAIN_NS}">
<numFmts count="3"><numFmt numFmtId="164" formatCode="0.0"/>\
<numFmt numFmtId="165" formatCode="0.000"/>\
<numFmt numFmtId="166" formatCode="yyyy-mm-dd hh:mm:ss"/></numFmts>
<fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>\
<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>
<fills count="2"><fill><patternFill patternType="none"/></fill>\
<fill><patternFill patternType="gray125"/></fill></fills>
<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>
<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>
<cellXfs count="6"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>\
<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>\
<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>\
<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" applyAlignment="1">\
<alignment vertical="top" wrapText="1"/></xf>\
<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>\
<xf numFmtId="166" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>
<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>
</styleSheet>"""


def column_letter(index: int) -> str:
    """``0`` → ``A``, ``26`` → ``AA``."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def quote_sheet(title: str) -> str:
    """A sheet's name as a formula refers to it: ``'By transcript'``, quoted (a name
    such as ``t1`` would read as a cell) with a ``'`` in it doubled."""
    return "'" + title.replace("'", "''") + "'"


def cut_text(value: str, mark: str) -> str:
    """``value`` cut to :data:`MAX_CELL` characters, ending in ``mark``."""
    return value[:MAX_CELL - len(mark)] + mark


def _text_cell(ref: str, value: str, style: int) -> str:
    if len(value) > MAX_CELL:  # Excel refuses longer cells (a heading: never in practice)
        value = cut_text(value, "\u2026")
    text = escape(_ILLEGAL.sub("", value))
    space = ' xml:space="preserve"' if text[:1].isspace() or text[-1:].isspace() else ""
    s = f' s="{style}"' if style else ""
    return f'<c r="{ref}"{s} t="inlineStr"><is><t{space}>{text}</t></is></c>'


_EXCEL_EPOCH = datetime(1899, 12, 30)


def excel_time(stamp: str) -> float | None:
    """A stored time (``2026-11-27T05:17:05.416575+00:00``, or ``2026-11-27 05:17`` as a
    screen shows it) as Excel's serial date-time, in UTC as the database keeps it;
    ``None`` for text that is no time."""
    try:
        at = datetime.fromisoformat(stamp)
    except ValueError:
        return None
    if at.tzinfo is not None:
        at = at.astimezone(timezone.utc).replace(tzinfo=None)
    return (at - _EXCEL_EPOCH).total_seconds() / 86400


def sheet_xml(columns: Sequence[str], rows: Sequence[Sequence[Any]], widths: Sequence[float],
              percent: Sequence[bool], wrap: Sequence[bool],
              decimals: Sequence[bool] | None = None, frozen_columns: int = 0,
              cut: list[tuple[int, int]] | None = None,
              where: str = "the CSV export holds it whole",
              times: Sequence[bool] | None = None, filtered: str = "") -> str:
    """One worksheet part: frozen first row, fixed widths, header in bold.

    ``decimals`` marks columns of coefficients shown with three decimals (``0.000``),
    as the terminal table shows them; the cell keeps its full value. ``frozen_columns``
    keeps that many columns in view too (a matrix's case, while its themes scroll).
    A text over :data:`MAX_CELL` characters is cut to end in :data:`CUT_MARK` (saying
    ``where`` the whole text is); ``cut`` gets ``(row index, column index)`` of each.
    ``times`` marks columns of stored times, written as date-time cells (sortable and
    filterable by date in a spreadsheet) when the text reads as one. ``filtered`` is
    the range (:func:`filter_range`) that gets Excel's filter buttons on its header row.
    """
    mark = CUT_MARK.format(where=where)
    three = decimals or [False] * len(columns)
    stamps = times or [False] * len(columns)
    letters = [column_letter(i) for i in range(len(columns))]
    if frozen_columns:
        corner = f"{column_letter(frozen_columns)}2"
        pane = (f'<pane xSplit="{frozen_columns}" ySplit="1" topLeftCell="{corner}" '
                f'activePane="bottomRight" state="frozen"/><selection pane="bottomRight" '
                f'activeCell="{corner}" sqref="{corner}"/>')
    else:
        pane = ('<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
                '<selection pane="bottomLeft" activeCell="A2" sqref="A2"/>')
    parts = [
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="{MAIN_NS}">'
        f'<sheetViews><sheetView workbookViewId="0">{pane}</sheetView></sheetViews>'
        '<sheetFormatPr defaultRowHeight="15"/><cols>',
        *(f'<col min="{i}" max="{i}" width="{w:g}" customWidth="1"/>'
          for i, w in enumerate(widths, start=1)),
        '</cols><sheetData><row r="1">',
        *(_text_cell(f"{letters[i]}1", c, STYLE_HEADER) for i, c in enumerate(columns)),
        "</row>",
    ]
    for r, row in enumerate(rows, start=2):
        cells = [f'<row r="{r}">']
        for i, value in enumerate(row):
            if value is None or value == "":
                continue
            ref = f"{letters[i]}{r}"
            if isinstance(value, bool):
                cells.append(f'<c r="{ref}" t="b"><v>{int(value)}</v></c>')
            elif isinstance(value, (int, float)):
                if isinstance(value, float) and not math.isfinite(value):
                    continue
                style = (f' s="{STYLE_PCT}"' if percent[i]
                         else f' s="{STYLE_DEC3}"' if three[i] and isinstance(value, float)
                         else "")
                cells.append(f'<c r="{ref}"{style}><v>{value!r}</v></c>')
            elif stamps[i] and (serial := excel_time(str(value))) is not None:
                cells.append(f'<c r="{ref}" s="{STYLE_TIME}"><v>{serial!r}</v></c>')
            else:
                text = str(value)
                if len(text) > MAX_CELL:
                    text = cut_text(text, mark)
                    if cut is not None:
                        cut.append((r - 2, i))
                cells.append(_text_cell(ref, text, STYLE_WRAP if wrap[i] else 0))
        cells.append("</row>")
        parts.append("".join(cells))
    parts.append("</sheetData>")
    if filtered:
        parts.append(f'<autoFilter ref="{filtered}"/>')
    parts.append("</worksheet>")
    return "".join(parts)


def filter_range(columns: int, rows: int) -> str:
    """The range an autofilter covers: the header row and ``rows`` rows under it, over
    ``columns`` columns (``A1:K277``); ``""`` for a sheet without columns."""
    if not columns:
        return ""
    return f"A1:{column_letter(columns - 1)}{rows + 1}"


def _absolute(ref: str) -> str:
    """``A1:K277`` as ``$A$1:$K$277``."""
    return ":".join(re.sub(r"([A-Z]+)(\d+)", r"$\1$\2", part) for part in ref.split(":"))


def workbook(sheets: Sequence[tuple[str, str]], filters: Sequence[str] = ()) -> bytes:
    """Zip ``(sheet title, worksheet XML)`` pairs into an XLSX package.

    ``filters`` holds each sheet's autofilter range (``""``: none), the one its XML has:
    the workbook names it too (``_xlnm._FilterDatabase``), as Excel does when it saves a
    filtered sheet, so every spreadsheet program finds the filter.
    """
    n = len(sheets)
    names = "".join(
        f'<definedName name="_xlnm._FilterDatabase" localSheetId="{i}" hidden="1">'
        f"{escape(quote_sheet(title))}!{_absolute(ref)}</definedName>"
        for i, ((title, _), ref) in enumerate(zip(sheets, filters, strict=False)) if ref)
    content_types = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/'
        'vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/styles.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
        + "".join(f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/'
                  'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
                  for i in range(1, n + 1))
        + "</Types>")
    root_rels = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships '
        f'xmlns="{PKG_REL_NS}"><Relationship Id="rId1" Type="{REL_NS}/officeDocument" '
        'Target="xl/workbook.xml"/></Relationships>')
    book = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook '
        f'xmlns="{MAIN_NS}" xmlns:r="{REL_NS}"><bookViews><workbookView activeTab="0"/>'
        "</bookViews><sheets>"
        + "".join(f"<sheet name={quoteattr(title)} sheetId=\"{i}\" r:id=\"rId{i}\"/>"
                  for i, (title, _) in enumerate(sheets, start=1))
        + "</sheets>"
        + (f"<definedNames>{names}</definedNames>" if names else "")
        + "</workbook>")
    book_rels = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships '
        f'xmlns="{PKG_REL_NS}">'
        + "".join(f'<Relationship Id="rId{i}" Type="{REL_NS}/worksheet" '
                  f'Target="worksheets/sheet{i}.xml"/>' for i in range(1, n + 1))
        + f'<Relationship Id="rId{n + 1}" Type="{REL_NS}/styles" Target="styles.xml"/>'
        "</Relationships>")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        zf.writestr("[Content_Types].xml", content_types)
        zf.writestr("_rels/.rels", root_rels)
        zf.writestr("xl/workbook.xml", book)
        zf.writestr("xl/_rels/workbook.xml.rels", book_rels)
        zf.writestr("xl/styles.xml", _STYLES)
        for i, (_, xml) in enumerate(sheets, start=1):
            zf.writestr(f"xl/worksheets/sheet{i}.xml", xml)
    return buf.getvalue()
