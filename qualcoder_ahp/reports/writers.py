"""Writers: rows to CSV, Markdown and XLSX (:mod:`.xlsx`); owner-only files.

Every report is first turned into one or more :class:`Sheet` objects (a name, a
header and rows of plain values) and then written by one function per format, so
all formats show the same numbers. Output files are created owner-only (mode
0600) because quotes are sensitive interview data; the content is rendered in
memory first and written to a temporary file that then replaces the target, so a
failing report never leaves a half-written file behind (nor spoils an old one).
Plain-text tables for the terminal, fitted to its width, are :mod:`.text_table`'s.
"""

from __future__ import annotations

import csv
import io
import os
import re
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from qualcoder_ahp.errors import UserError
from qualcoder_ahp.records import plural

FORMATS = ("table", "csv", "xlsx", "json", "md", "docx")
SUFFIX_FORMAT = {".csv": "csv", ".xlsx": "xlsx", ".json": "json", ".md": "md",
                 ".markdown": "md", ".docx": "docx", ".txt": "table", ".png": "png",
                 ".svg": "svg", ".pdf": "pdf", ".html": "html", ".htm": "html"}
BINARY = ("xlsx", "docx", "png", "svg", "pdf")
MAX_WIDTH = 60
WRITE_CHUNK = 1 << 20
"""Characters of a text report encoded and written at a time."""
EMPTY = "(none: nothing is coded in this selection)"
"""What a text table with no rows says instead of an empty grid."""
BOM = "\ufeff"
"""Byte order mark that tells Excel a CSV file is UTF-8."""
WIDE_WIDTH = 80
"""Width of long-text columns (quotes, context, memos) in XLSX, which wrap."""


@dataclass
class Sheet:
    """One table: a sheet in XLSX, a section in Markdown, the whole of a CSV."""

    name: str
    columns: list[str]
    rows: list[list[Any]]
    title: str = ""
    percent: set[str] = field(default_factory=set)
    """Columns holding percentages (shown with one decimal, 0.0 number format in XLSX)."""
    decimals: set[str] = field(default_factory=set)
    """Columns of coefficients: ``0.000`` number format in XLSX (the value stays whole)."""
    wrap: set[str] = field(default_factory=set)
    """Long-text columns: wide and wrapped in XLSX."""
    note: str = ""
    """How to read the table, printed under it in the text and Markdown formats."""
    markdown: set[str] = field(default_factory=set)
    """Columns whose cells are Markdown already (escaped with :func:`md_cell` by the
    caller, e.g. a search hit with its match in bold): the Markdown table takes them as
    they are."""
    footer: str = ""
    """What the table covers (the transcripts chosen by ``--transcript`` and ``--where``),
    printed under it in the text and Markdown formats, under an empty table too."""
    empty: str = ""
    """What the text and Markdown tables say when there are no rows (default
    :data:`EMPTY`, which is about codings: a list of memos says so in its own words)."""
    shrink: dict[str, str] = field(default_factory=dict)
    """Free-text columns a table on a narrow terminal may shorten
    (:func:`.text_table.to_table` with a ``width``), each with the side cut: ``"end"``, or
    ``"start"`` for text that leads up to something (a search hit's context before the
    match), which is then right-aligned; ``"keep"`` marks a column never cut (a search's
    match). Empty: the ``wrap`` columns, cut at their end."""
    narrow: Narrowing | None = None
    """How the table makes room on a terminal too narrow for it (:func:`.text_table.narrow`), before
    any cell is cut: columns left out, short headings."""
    frozen: int = 0
    """Leading columns an XLSX sheet keeps in view while the rest scroll (a matrix's
    case)."""
    times: set[str] = field(default_factory=set)
    """Columns of stored times: date-time cells in XLSX (text in the other formats)."""
    whole: str = ""
    """Where a reader finds the whole text of a cell that Excel's limit cut (``see the
    quotes sheet``); empty: the CSV export (:data:`xlsx.CUT_MARK`)."""
    totals: int = 0
    """Trailing rows that sum up the others (a matrix's column total): an XLSX sheet's
    autofilter leaves them out, so sorting or filtering the rows keeps them last."""


@dataclass(frozen=True)
class Narrowing:
    """What a table gives up, in this order, on a terminal too narrow for it (never in a
    file or a pipe): see :func:`.text_table.narrow`."""

    same: tuple[str, ...] = ()
    """Columns left out when every row holds one value in them, named under the table
    (``In every row: theme serendipity.``)."""
    short: tuple[tuple[str, str], ...] = ()
    """``(column, short heading)``: headings taken when the table is still too wide,
    explained in a legend line (``sug: suggestions, acc: accepted``)."""
    optional: tuple[str, ...] = ()
    """Columns left out, in this order, when the table is wider still (a theme's path
    beside its id), named under the table."""
    under: tuple[str, ...] = ()
    """Columns of words (a log event's description, a disagreeing span's text) that go on
    a line of their own under each row (:func:`.text_table.put_under`) when the rest of the table
    leaves them fewer than :data:`.text_table.UNDER_LEAST` cells, rather than be cut to a few."""
    names: tuple[str, ...] = ()
    """Columns of ids a reader types back (a theme), cut only last and only to make the
    table fit (:data:`.text_table.MIN_NAME`), though a cell holds spaces (the agreement's mean row):
    a table would otherwise cut them first, as words."""
    lead: tuple[str, ...] = ()
    """Columns that lead every column group of a table still too wide once everything
    above is given up (a matrix of figures, which are never cut): rather than cut its
    names, its other columns are split, in order, into groups that each fit, each
    printed as a table of its own led by these columns (as R prints a wide data frame),
    and a line under the last says so (:func:`.text_table.column_groups`)."""


def pick_format(fmt: str | None, output: str | None, default: str) -> str:
    """The output format: ``--format``, else the ``-o`` suffix, else ``default``."""
    if fmt:
        return fmt
    if output:
        return SUFFIX_FORMAT.get(Path(output).suffix.lower(), default)
    return default


def write_private(path: str | os.PathLike[str], data: bytes | str) -> Path:
    """Write ``data`` to ``path`` readable by the owner only (mode 0600), atomically.

    The bytes go to a temporary file in the same folder, which then replaces
    ``path`` in one step (:func:`os.replace`): a write that fails half-way (a full
    disk, Ctrl-C, an encoding error) leaves the old file as it was, never a truncated
    one, and no temporary file behind.

    Text written to a ``.csv`` file starts with a UTF-8 byte order mark: Excel
    reads a CSV without one in the machine's legacy code page, so "Zoé O’Neill"
    would open as "ZoÃ© Oâ€™Neill". pandas, readr and Python's ``utf-8-sig`` skip
    the mark; CSV printed to the terminal (a pipe into another tool) has none.

    Raises:
        UserError: the file cannot be written (missing folder, permissions, a directory).
    """
    target = Path(path)
    if isinstance(data, str) and target.suffix.lower() == ".csv" and not data.startswith(BOM):
        data = BOM + data
    if target.is_dir():
        raise UserError("cannot write the output file (it is a directory)", path=str(target))

    def write(fh: BinaryIO) -> None:
        if isinstance(data, bytes):
            fh.write(data)
        else:  # encoded a slice at a time: no second copy of a large report
            for i in range(0, len(data), WRITE_CHUNK):
                fh.write(data[i:i + WRITE_CHUNK].encode("utf-8"))

    replace_private(target, write)
    return target


def replace_private(target: Path, write: Callable[[BinaryIO], None], *,
                    what: str = "the output file", make_folder: bool = False) -> None:
    """Fill a temporary file owner-only (mode 0600) with ``write`` and let it replace
    ``target`` in one step (:func:`os.replace`): :func:`write_private`'s way, and a REFI
    export's (which streams a zip into the file and makes its folder, ``make_folder``).

    A write that fails half-way leaves the old file as it was and no temporary file
    behind. A symbolic link is written through: the file it points to is replaced and
    the link stays.

    Raises:
        UserError: ``cannot write {what} (...)``, naming ``target``, on any OSError.
    """
    shown = target
    if target.is_symlink():
        # `-o latest.csv`, a link to the team's shared file: the link itself was replaced
        # by a new file, and the file it points to kept the old report. Write through it.
        target = Path(os.path.realpath(target))
    tmp: str | None = None
    try:
        if make_folder:
            target.parent.mkdir(parents=True, exist_ok=True)
        folder = target.parent if str(target.parent) else Path(".")
        # mkstemp creates the file owner-only (0600) before any byte is in it.
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
        os.fchmod(fd, 0o600)  # and so it stays, whatever the umask
        with os.fdopen(fd, "wb") as fh:
            write(fh)
        os.replace(tmp, target)
        tmp = None
    except OSError as exc:
        raise UserError(f"cannot write {what} ({exc.strerror or exc})",
                        path=str(shown)) from None
    finally:
        if tmp is not None:  # failed or interrupted: the old file stays, no debris
            Path(tmp).unlink(missing_ok=True)


def check_writable(path: str | os.PathLike[str]) -> None:
    """Fail early (before long work) when ``-o`` points into a missing folder or a directory."""
    target = Path(path)
    if target.is_dir():
        raise UserError("cannot write the output file (it is a directory)", path=str(target))
    parent = target.parent if str(target.parent) else Path(".")
    if not parent.is_dir():
        raise UserError("cannot write the output file (no such folder)", path=str(target))
    if not os.access(parent, os.W_OK) or (target.exists() and not os.access(target, os.W_OK)):
        raise UserError("cannot write the output file (permission denied)", path=str(target))


# ---------------------------------------------------------------------- cells
def shown_time(stamp: str | None, seconds: bool = False) -> str:
    """A stored UTC time (``2026-11-27T05:17:05.416575+00:00``) as a screen shows it:
    ``2026-11-27 05:17`` (with ``seconds``, ``2026-11-27 05:17:05``); blank for none.
    JSON and CSV keep the stored time whole."""
    return stamp[:19 if seconds else 16].replace("T", " ") if stamp else ""


def cell_text(value: Any, *, pct: bool = False, decimals: int = 1) -> str:
    """A cell as text: blank for ``None``, percentages with ``decimals`` places."""
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.{decimals}f}"
    if pct and isinstance(value, int):
        return f"{value:.{decimals}f}"
    return str(value)


def row_texts(sheet: Sheet, decimals: int) -> list[list[str]]:
    """Each row of ``sheet`` as the texts of its cells (:func:`cell_text`)."""
    return list(_iter_row_texts(sheet, decimals))


def _iter_row_texts(sheet: Sheet, decimals: int) -> Iterator[list[str]]:
    pct = [c in sheet.percent for c in sheet.columns]
    for row in sheet.rows:
        yield [cell_text(v, pct=p, decimals=decimals) for v, p in zip(row, pct, strict=True)]


def word_safe(text: str) -> str:
    """``text`` without the control characters Word (and XML) refuse, which a transcript,
    memo, definition or summary can carry; tabs and line breaks stay."""
    return "".join(ch for ch in text if ch in "\t\n" or ord(ch) >= 32)


def word_document(title: str) -> Any:
    """A new Word document whose properties describe it: its title, made now by
    qualcoder_ahp. python-docx's template said author "python-docx", created 23 December
    2013, "generated by python-docx", which a journal's submission system shows beside a
    manuscript's appendix. The author is left blank (a manuscript under blind review
    names nobody; Word fills in whoever saves it next)."""
    from datetime import datetime, timezone

    from docx import Document

    from qualcoder_ahp import __version__

    doc = Document()
    props = doc.core_properties
    stamp = datetime.now(timezone.utc).replace(tzinfo=None, microsecond=0)
    props.title = word_safe(title)[:255]
    props.author = props.last_modified_by = ""
    props.comments = f"Made with qualcoder_ahp {__version__}"
    props.created = props.modified = stamp
    props.revision = 1
    set_paper(doc.sections[0], paper_size())
    return doc


class Paragraphs:
    """Paragraphs added at the end of a Word document, each in constant time.

    python-docx's ``add_paragraph`` (and ``add_heading``) looks for the section
    properties at the end of the body from its first paragraph on, and resolves the
    style's name through every style of the document, for each paragraph: a document of
    144,000 quotes took two minutes, most of them there. Here each paragraph goes
    straight before the section properties, found once, and each style's id is looked
    up once; the XML is python-docx's own (the same elements, in the same order).
    """

    def __init__(self, doc: Any) -> None:
        from docx.enum.style import WD_STYLE_TYPE
        from docx.oxml import OxmlElement
        from docx.text.paragraph import Paragraph

        self.doc, self.paragraph, self.element = doc, Paragraph, OxmlElement
        self.kind = WD_STYLE_TYPE.PARAGRAPH
        self.body = doc.element.body
        self.end = self.body.sectPr
        self.style_ids: dict[str, str | None] = {}

    def add(self, text: str = "", style: str | None = None) -> Any:
        """As ``doc.add_paragraph(text, style)``."""
        p = self.element("w:p")
        if self.end is not None:
            self.end.addprevious(p)
        else:
            self.body.append(p)
        paragraph = self.paragraph(p, self.doc)
        if text:
            paragraph.add_run(text)
        if style is not None:
            if style not in self.style_ids:
                self.style_ids[style] = self.doc.part.get_style_id(style, self.kind)
            p.style = self.style_ids[style]
        return paragraph

    def heading(self, text: str, level: int) -> Any:
        """As ``doc.add_heading(text, level)``."""
        return self.add(text, "Title" if level == 0 else f"Heading {level}")


LETTER_COUNTRIES = frozenset({"US", "CA", "MX", "PH", "CL", "CO", "VE", "CR", "GT", "SV",
                              "PA", "DO", "PR", "NI", "BZ"})
"""Where paper is US Letter (ISO 3166 codes, as a locale names its country); A4 elsewhere."""
_WINDOWS_LETTER = ("United States", "Canada", "Mexico", "Philippines", "Chile", "Colombia",
                   "Venezuela", "Costa Rica", "Guatemala", "El Salvador", "Panama",
                   "Dominican Republic", "Puerto Rico", "Nicaragua", "Belize")


def paper_size() -> str:
    """``letter`` where the user's locale names a country whose paper is US Letter
    (``en_US.UTF-8``, ``fr_CA``), else ``a4``, the paper of the rest of the world.

    The locale is read as the C library reads it: ``LC_ALL``, then ``LC_PAPER``, then
    ``LANG``, the first one set; with none (Windows), Python's locale name
    (``English_United States``). A locale naming no country (``C.UTF-8``) gives A4.
    """
    import locale

    def paper_of(country: str) -> str:
        return "letter" if country.upper() in LETTER_COUNTRIES else "a4"

    for var in ("LC_ALL", "LC_PAPER", "LANG"):
        value = os.environ.get(var, "")
        if value:
            found = _LOCALE_COUNTRY.match(value)
            return paper_of(found[1]) if found else "a4"
    try:
        name = locale.getlocale()[0] or ""
    except ValueError:  # a locale Python cannot parse
        name = ""
    found = _LOCALE_COUNTRY.match(name)
    if found:
        return paper_of(found[1])
    return "letter" if any(country in name for country in _WINDOWS_LETTER) else "a4"


_LOCALE_COUNTRY = re.compile(r"[A-Za-z]+_([A-Za-z]{2})(?![A-Za-z])")
"""A locale's country: ``en_GB.UTF-8`` is GB (``English_United States`` is none)."""


def set_paper(section: Any, paper: str) -> None:
    """Give a Word section the page size ``paper`` (``a4`` or ``letter``), portrait.
    python-docx's template is US Letter: printed on A4 it is cut or shrunk, and a
    table laid out for its width runs 0.6 cm past an A4 page's margin."""
    from docx.shared import Inches, Mm

    if paper == "letter":
        section.page_width, section.page_height = Inches(8.5), Inches(11)
    else:
        section.page_width, section.page_height = Mm(210), Mm(297)


def repeat_header(row: Any) -> None:
    """Word repeats this row at the top of each page the table runs on to."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    mark = OxmlElement("w:tblHeader")
    mark.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(mark)


WORD_TABLE_PT = 10
"""Font size of a Word report's tables (the body text is 11 pt): an appendix table."""
WORD_CHAR_CM = 0.22
"""The width of a character of 10 pt type (bold: a tenth more), in cm, with room: Calibri
averages some 0.18 cm, and the wider serif LibreOffice puts in its place where Calibri
is missing 0.22 ("paramedic_marcus" broke at 0.19)."""
WORD_CELL_PAD_CM = 0.4
"""A table cell's left and right margins together (Word's 0.19 cm each), in cm."""


def word_table(doc: Any, columns: Sequence[str], rows: Sequence[Sequence[str]]) -> Any:
    """A table for a Word report: the header row bold and repeated on each page, the
    columns sized to their text across the page (:func:`word_column_widths`: a case
    name is not broken mid-word while a list of themes takes the room left), columns
    of numbers right-aligned, in :data:`WORD_TABLE_PT` point type. ``rows`` are the
    cells' texts."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    section = doc.sections[-1]
    room = section.page_width - section.left_margin - section.right_margin
    heads = [word_safe(str(name)) for name in columns]
    texts = [[word_safe(str(c)) for c in row] for row in rows]
    widths = word_column_widths(heads, texts, int(room))
    table = doc.add_table(rows=1, cols=len(heads))
    table.style = "Table Grid"
    table.autofit = False  # Word and LibreOffice then keep the widths given
    for cell, name in zip(table.rows[0].cells, heads, strict=True):
        run = cell.paragraphs[0].add_run(name)
        run.bold = True
        run.font.size = Pt(WORD_TABLE_PT)
    repeat_header(table.rows[0])
    numeric = [bool(texts) and all(is_number(row[i]) for row in texts)
               for i in range(len(heads))]
    for row in texts:
        for cell, text, right in zip(table.add_row().cells, row, numeric, strict=True):
            para = cell.paragraphs[0]
            para.add_run(text).font.size = Pt(WORD_TABLE_PT)
            if right:
                para.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
    for table_row in table.rows:  # the cells' too: Word reads those where autofit is on
        for cell, width in zip(table_row.cells, widths, strict=True):
            cell.width = width
    return table


def word_column_widths(columns: list[str], rows: list[list[str]], room: int) -> list[int]:
    """Column widths (EMU) adding up to ``room``: each column at least as wide as its
    longest word (its heading's in bold; a line breaks after ``-`` and ``/`` too)
    where the page allows, the rest of the room shared in proportion to how much
    longer each column's usual lines are than that; a table whose lines all fit is
    spread over the page in proportion to them."""
    from docx.shared import Cm

    char, pad = Cm(WORD_CHAR_CM), Cm(WORD_CELL_PAD_CM)
    natural: list[float] = []
    least: list[float] = []
    for i, name in enumerate(columns):
        lines = [line for row in rows for line in row[i].split("\n")]
        head = max((len(w) for w in name.split()), default=1) * 1.1  # bold
        # Each different cell's longest word; in a column of many, the one most need
        # (a rare long word, spacy.blank('en') among figures, may break rather than
        # widen the column for seventy rows; "Reconciliation", one of a few sections
        # repeated down the rows, does not).
        words = sorted(max((len(w) for w in re.split(r"\s+|(?<=[-/])", text)), default=0)
                       for text in {row[i] for row in rows}) or [0]
        longest_word = max(head, words[-1] if len(words) <= 20
                           else words[(len(words) - 1) * 19 // 20])
        # The line most rows need (the 90th percentile): one long value (a spaCy
        # pipeline among version numbers) does not take the room of a column of
        # commands.
        lengths = sorted(len(line) for line in lines) or [0]
        usual = max(len(name) * 1.1, lengths[(len(lengths) - 1) * 9 // 10])
        least.append(min(longest_word, 24) * char + pad)
        natural.append(max(min(usual, 70) * char + pad, least[-1]))
    if sum(natural) <= room:
        scale = room / sum(natural)
        return [int(n * scale) for n in natural]
    if sum(least) >= room:
        scale = room / sum(least)
        return [int(n * scale) for n in least]
    spare = room - sum(least)
    flex = [n - m for n, m in zip(natural, least, strict=True)]
    return [int(m + spare * f / sum(flex)) for m, f in zip(least, flex, strict=True)]


def is_number(text: str) -> bool:
    """Whether a cell's text is a number (or blank): such a column is right-aligned."""
    return text == "" or re.fullmatch(r"-?\d+(\.\d+)?", text) is not None


FORMULA_START = frozenset("=+-@\t\r")
"""First characters that make Excel or LibreOffice read a CSV cell as a formula (OWASP's
list for CSV injection)."""
_CSV_RISKY = FORMULA_START | {"'"}
_PLAIN_NUMBER = re.compile(r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?")


def _formula_like(text: str) -> bool:
    """Whether ``text``, less any leading ``'``, starts as a formula would: with a
    :data:`FORMULA_START` character and not a plain number ("-0.25" stays a number).

    Leading quotes are skipped so that :func:`csv_cell` and :func:`csv_unquote` undo
    each other for every text, a text that itself starts with ``'=`` included."""
    bare = text.lstrip("'")
    return bare[:1] in FORMULA_START and _PLAIN_NUMBER.fullmatch(bare) is None


def csv_cell(value: Any) -> Any:
    """A CSV cell safe to open in a spreadsheet (no CSV/formula injection).

    A text that would start a formula ("=HYPERLINK(...)", "- well, I think", "@x", a
    leading tab) gets a ``'`` in front, as OWASP advises, so Excel and LibreOffice show
    it as text; numbers, and texts that are plain numbers, are left as they are.
    :func:`csv_unquote` removes the ``'`` again when qcahp reads the file back.
    """
    if isinstance(value, str) and value[:1] in _CSV_RISKY and _formula_like(value):
        return "'" + value
    return value


def csv_unquote(text: str) -> str:
    """A cell of a CSV file as it was before :func:`csv_cell` (which added a ``'``
    before a text that would start a formula); any other text is returned as it is."""
    if text[:1] == "'" and _formula_like(text[1:]):
        return text[1:]
    return text


def to_csv(sheet: Sheet) -> str:
    """CSV with a header row (percentages with two decimals); write it as UTF-8.

    Every cell goes through :func:`csv_cell`: a text that would start a formula gets a
    ``'`` in front."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow([csv_cell(c) for c in sheet.columns])
    # Row by row: a study's quotes are hundreds of megabytes of cells as text.
    writer.writerows(_csv_rows(sheet))
    return buf.getvalue()


def _csv_rows(sheet: Sheet) -> Iterator[list[Any]]:
    """Each row of ``sheet`` as :func:`to_csv` writes it: a number as its
    :func:`cell_text` (percentages with two decimals), anything else as its text through
    :func:`csv_cell`.

    Most cells (a study's log and quotes: millions) are text that cannot start a formula
    or whole numbers outside a percentage column; they are taken as they are (a number
    as ``str``), the rest as the rule says."""
    pct = [c in sheet.percent for c in sheet.columns]
    width = len(pct)
    plain = not any(pct)
    risky = _CSV_RISKY

    def slow(value: Any, percent: bool) -> Any:
        text = cell_text(value, pct=percent, decimals=2)
        return text if isinstance(value, (int, float)) else csv_cell(text)

    for row in sheet.rows:
        if len(row) != width:  # as zip(strict=True) refused a row of another length
            raise ValueError(f"a row of {len(row)} cells under {width} columns")
        if plain:
            yield [value if type(value) is str and value[:1] not in risky  # noqa: E721
                   else str(value) if type(value) is int  # noqa: E721
                   else slow(value, False) for value in row]
        else:
            yield [slow(value, percent) for value, percent in zip(row, pct)]


def csv_records(columns: Sequence[str], rows: Iterable[Mapping[str, Any]]) -> str:
    """CSV of dict rows under ``columns`` (a key not in ``columns`` is left out, a
    missing one blank), the values as they are (a float keeps all its digits), each
    through :func:`csv_cell` as :func:`to_csv` does."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow([csv_cell(c) for c in columns])
    writer.writerows([csv_cell(row.get(c, "")) for c in columns] for row in rows)
    return buf.getvalue()


def _md_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", "<br>")


def md_cell(text: str) -> str:
    """``text`` (a quote, a name, a description) as the literal content of a Markdown
    table cell: emphasis, code, links and HTML escaped as :func:`md_text` does (a
    transcript's ``<i>`` or ``*`` shows as typed, its ``<script>`` runs nothing), the
    cell's ``|`` escaped and a line break as ``<br>``."""
    if _MD_CELL_CHARS.search(text) is None:
        return text  # most cells (a quotes table has millions): nothing to escape
    return _MD_CELL.sub(r"\\\1", text).replace("|", "\\|").replace("\n", "<br>")


_MD_CELL_CHARS = re.compile(r"[\\`*\[\]<_|\n]")
"""Every character :func:`md_cell` escapes or replaces (:data:`_MD_CELL`, ``|``, a line
break): a text with none of them is its own cell, found six times as fast."""


_MD_CELL = re.compile(r"([\\`*\[\]<]|(?<![^\W_])_|_(?![^\W_]))")
"""As :data:`_MD_INLINE`, but a ``>`` stays: inside a table cell it starts no quote and,
without a ``<``, no tag ("overlap >= 0.8" reads as typed)."""
_MD_INLINE = re.compile(r"([\\`*\[\]<>]|(?<![^\W_])_|_(?![^\W_]))")
"""Markdown's inline markup; an underscore only at a word's edge (one inside a word,
as in a file name, starts no emphasis)."""
_MD_LINE_START = re.compile(r"^(\s*)(?:([#+-])|(\d+)([.)]))", re.M)


def md_text(text: str) -> str:
    """``text`` (a theme name, a definition, a memo, a quote) as literal Markdown: the
    characters that would start emphasis, code, links or HTML are escaped, and so is a
    line start that would make a heading, a quote or a list ("# 1", "- but", "2. then")."""
    def line_start(m: re.Match[str]) -> str:
        if m[2]:
            return f"{m[1]}\\{m[2]}"
        return f"{m[1]}{m[3]}\\{m[4]}"

    return _MD_LINE_START.sub(line_start, _MD_INLINE.sub(r"\\\1", text))


def to_markdown(sheets: Sequence[Sheet]) -> str:
    """GitHub-flavoured Markdown tables, one per sheet, each under a heading."""
    out: list[str] = []
    for sheet in sheets:
        if sheet.title:
            out += [f"## {sheet.title}", ""]
        rows = row_texts(sheet, 1)
        if not rows:
            # A header-only table renders as an empty grid that looks like a fault.
            out += [sheet.empty or EMPTY, ""]
            out += [_md_escape(sheet.footer), ""] if sheet.footer else []
            continue
        # A column of numbers is right-aligned; one with nothing in it (no memos) is not.
        numeric = [all(is_number(r[i]) for r in rows) and any(r[i] for r in rows)
                   for i in range(len(sheet.columns))]
        ready = [c in sheet.markdown for c in sheet.columns]
        out.append("| " + " | ".join(md_cell(c) for c in sheet.columns) + " |")
        out.append("|" + "|".join("---:" if n else "---" for n in numeric) + "|")
        out.extend("| " + " | ".join(v if md else md_cell(v)
                                     for v, md in zip(r, ready, strict=True)) + " |"
                   for r in rows)
        if sheet.note:
            out += ["", _md_escape(sheet.note)]
        if sheet.footer:
            out += ["", _md_escape(sheet.footer)]
        out.append("")
    return "\n".join(out)


# ---------------------------------------------------------------------- xlsx
_BAD_SHEET_CHARS = re.compile(r"[\[\]\*\?/\\:]")


_SHEET_KIND = re.compile(r" (n|row %|col %)$")
"""The end of an attribute matrix's sheet names, which says what the sheet holds."""


def sheet_title(name: str, taken: set[str]) -> str:
    """A valid, unique XLSX sheet name (max 31 characters, no ``[]*?/\\:``).

    A name cut to fit ends in ``…``, and an attribute matrix's keeps its ``n``,
    ``row %`` or ``col %``: a long attribute's three sheets were ``reporting line -
    distance- to t``, ``(2)`` and ``(3)``, which told neither the attribute nor what
    each sheet held."""
    base = _BAD_SHEET_CHARS.sub("-", name).strip("'") or "Sheet"
    kind = _SHEET_KIND.search(base) if len(base) > 31 else None
    stem, tail = (base[:kind.start()], kind.group()) if kind else (base, "")

    def fit(extra: str) -> str:
        # The room of the longest ending: an attribute's three sheets share one stem.
        room = 31 - (len(" row %") if kind else 0) - len(extra)
        short = stem if len(stem) <= room else stem[:room - 1].rstrip() + "\u2026"
        return short + extra + tail

    title, n = fit(""), 2
    while title.lower() in taken:
        title, n = fit(f" ({n})"), n + 1
    taken.add(title.lower())
    return title


@dataclass(frozen=True)
class Cut:
    """A cell of an XLSX sheet cut to Excel's limit of 32,767 characters."""

    sheet: str
    row: int
    """Its row as Excel numbers it (the heading is row 1)."""
    label: str
    """The row's first cell (its case, theme or transcript)."""
    column: str


class Workbook(bytes):
    """An XLSX file's bytes, and the cells Excel's limit cut (:attr:`cuts`): a command
    writing it says so (:meth:`cut_note`)."""

    cuts: tuple[Cut, ...] = ()

    def cut_note(self, listed: int = 3) -> str:
        """One line: how many cells were cut and, sheet by sheet, the rows (the first
        ``listed`` of each) and columns; ``""`` when nothing was cut."""
        if not self.cuts:
            return ""
        rows: dict[str, dict[tuple[int, str], list[str]]] = {}
        for c in self.cuts:
            rows.setdefault(c.sheet, {}).setdefault((c.row, c.label), []).append(c.column)
        parts = []
        for sheet, cut in rows.items():
            shown = [f"row {row} ({label}): {', '.join(columns)}"
                     for (row, label), columns in list(cut.items())[:listed]]
            more = f" and {plural(len(cut) - listed, 'more row')}" if len(cut) > listed else ""
            parts.append(f"sheet {sheet!r} {'; '.join(shown)}{more}")
        return (f"note: {plural(len(self.cuts), 'cell')} longer than Excel's 32,767 "
                f"characters cut, each ending in \"[cut: ...]\" saying where the whole "
                f"text is: {'; '.join(parts)}")


def to_xlsx(sheets: Sequence[Sheet]) -> Workbook:
    """An XLSX workbook: one sheet per :class:`Sheet`, bold frozen header, fitted widths.

    Every sheet's header row has Excel's filter buttons (an autofilter over its rows, but
    the :attr:`Sheet.totals`), to sort and filter the rows while the header stays in view.
    Percentages get the ``0.0`` number format; long-text columns are wide and wrap. A
    cell over Excel's limit is cut with a marker saying where the whole text is
    (:attr:`Sheet.whole`), and listed in the result's :attr:`Workbook.cuts`.
    """
    from qualcoder_ahp.reports import xlsx

    taken: set[str] = set()
    parts = []
    filters = []
    cuts: list[Cut] = []
    for sheet in sheets:
        title = sheet_title(sheet.name, taken)
        cut: list[tuple[int, int]] = []
        filters.append(xlsx.filter_range(len(sheet.columns),
                                         max(0, len(sheet.rows) - sheet.totals)))
        parts.append((title, xlsx.sheet_xml(
            sheet.columns, sheet.rows, [_width(sheet, i) for i in range(len(sheet.columns))],
            [c in sheet.percent for c in sheet.columns], [c in sheet.wrap for c in sheet.columns],
            [c in sheet.decimals for c in sheet.columns], frozen_columns=sheet.frozen,
            cut=cut, where=sheet.whole or "the CSV export holds it whole",
            times=[c in sheet.times for c in sheet.columns], filtered=filters[-1],
        )))
        cuts += [Cut(title, r + 2, _label(sheet.rows[r][0] if sheet.rows[r] else ""),
                     sheet.columns[i]) for r, i in cut]
    book = Workbook(xlsx.workbook(parts, filters))
    book.cuts = tuple(cuts)
    return book


def _label(value: Any) -> str:
    text = " ".join(str(value).split())
    return text if len(text) <= 40 else text[:39] + "\u2026"


def _width(sheet: Sheet, i: int) -> float:
    column = sheet.columns[i]
    if column in sheet.wrap:
        return WIDE_WIDTH
    if column in sheet.times:  # shown as yyyy-mm-dd hh:mm:ss, however the text is stored
        return float(max(len(column), 19) + 2)
    longest = len(column)
    for row in sheet.rows[:2000]:  # a sample is enough to size a column
        value = row[i]
        text = cell_text(value, pct=column in sheet.percent)
        longest = max(longest, len(text))
    return float(min(longest + 2, MAX_WIDTH))
