"""Writers: rows to plain text, CSV, Markdown and XLSX (:mod:`.xlsx`); owner-only files.

Every report is first turned into one or more :class:`Sheet` objects (a name, a
header and rows of plain values) and then written by one function per format, so
all formats show the same numbers. Output files are created owner-only (mode
0600) because quotes are sensitive interview data; the content is rendered in
memory first and written to a temporary file that then replaces the target, so a
failing report never leaves a half-written file behind (nor spoils an old one).
"""

from __future__ import annotations

import csv
import io
import os
import re
import shutil
import sys
import tempfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rich.cells import cell_len

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
    """Free-text columns a table on a narrow terminal may shorten (:func:`to_table` with a
    ``width``), each with the side cut: ``"end"``, or ``"start"`` for text that leads up
    to something (a search hit's context before the match), which is then right-aligned;
    ``"keep"`` marks a column never cut (a search's match). Empty: the ``wrap`` columns,
    cut at their end."""
    narrow: Narrowing | None = None
    """How the table makes room on a terminal too narrow for it (:func:`narrow`), before
    any cell is cut: columns left out, short headings."""
    frozen: int = 0
    """Leading columns an XLSX sheet keeps in view while the rest scroll (a matrix's
    case)."""
    whole: str = ""
    """Where a reader finds the whole text of a cell that Excel's limit cut (``see the
    quotes sheet``); empty: the CSV export (:data:`xlsx.CUT_MARK`)."""


@dataclass(frozen=True)
class Narrowing:
    """What a table gives up, in this order, on a terminal too narrow for it (never in a
    file or a pipe): see :func:`narrow`."""

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
    a line of their own under each row (:func:`put_under`) when the rest of the table
    leaves them fewer than :data:`UNDER_LEAST` cells, rather than be cut to a few."""
    names: tuple[str, ...] = ()
    """Columns of ids a reader types back (a theme), cut only last and only to make the
    table fit (:data:`MIN_NAME`), though a cell holds spaces (the agreement's mean row):
    a table would otherwise cut them first, as words."""
    lead: tuple[str, ...] = ()
    """Columns that lead every column group of a table still too wide once everything
    above is given up (a matrix of figures, which are never cut): rather than cut its
    names, its other columns are split, in order, into groups that each fit, each
    printed as a table of its own led by these columns (as R prints a wide data frame),
    and a line under the last says so (:func:`column_groups`)."""


@dataclass
class Narrowed:
    """The outcome of :func:`narrow`: the columns kept, their headings, the lines that
    say what changed (under the table)."""

    columns: list[str]
    headings: dict[str, str]
    notes: list[str]
    under: list[str] = field(default_factory=list)
    """Columns taken out of the table to go under each row (:func:`put_under`)."""


def narrow(columns: Sequence[str], texts: Mapping[str, Sequence[str]], width: int | None,
           rules: Narrowing | None, free: Iterable[str] = ()) -> Narrowed:
    """Make a table fit ``width`` terminal cells by leaving columns out and shortening
    headings, as ``rules`` allow, before its cells are cut (:func:`fit_widths`).

    Only when the table with every cell whole is wider than ``width``: first the
    ``same`` columns holding one value in every row go (named under the table); then,
    if still too wide, the ``short`` headings are taken (a legend line under the
    table); then each ``under`` column that the rest would leave fewer than
    :data:`UNDER_LEAST` cells (and fewer than its widest cell) leaves the table, to go
    under each row; then the ``optional`` columns go, one at a time, while it is too
    wide even with the ``free`` columns (text :func:`fit_widths` may cut) at their least.
    ``texts`` holds each column's cells as text. Without a ``width`` nothing changes.
    """
    kept = list(columns)
    heads: dict[str, str] = {}
    cuttable = set(free)

    def natural(cols: list[str], least: bool = False) -> int:
        total = 2 * (len(cols) - 1)
        for c in cols:
            head = cell_len(heads.get(c, c))
            whole = max(head, *(cell_len(t) for t in texts[c]))
            total += min(whole, max(head, MIN_FREE)) if least and c in cuttable else whole
        return total

    if width is None or rules is None or natural(kept) <= width:
        return Narrowed(kept, {}, [])
    notes: list[str] = []
    constant = [c for c in rules.same
                if c in kept and texts[c] and len(set(texts[c])) == 1]
    if constant:
        kept = [c for c in kept if c not in constant]
        notes.append("In every row: " + ", ".join(f"{c} {texts[c][0]}" for c in constant)
                     + ".")
    short = {c: h for c, h in rules.short if c in kept}
    if short and natural(kept) > width:
        heads = short
    under = []
    for c in rules.under:
        rest = [k for k in kept if k != c]
        if c in kept and rest and width - natural(rest) - 2 < min(UNDER_LEAST,
                                                                 natural([c])):
            kept = rest
            under.append(c)
    gone = []
    for c in rules.optional:
        if c in kept and len(kept) > 1 and natural(kept, least=True) > width:
            kept.remove(c)
            gone.append(c)
    if gone:
        notes.append(f"Left out to fit the terminal: {', '.join(gone)} (a pipe, -o FILE or "
                     "--format md keeps every column).")
    legend = [f"{h}: {c}" for c, h in heads.items() if c in kept]  # not of columns left out
    if legend:
        notes.insert(0, pack(legend, width))
    return Narrowed(kept, heads, notes, under)


def pack(items: Sequence[str], width: int) -> str:
    """``items`` joined by ``", "`` in lines (``\n``) of at most ``width`` cells, a line
    broken only between two items: a legend wrapped as words put ``E:`` at the end of
    one line and ``Podiatrist`` at the start of the next. An item wider than ``width``
    is alone on its line (:func:`wrap_note` then wraps it)."""
    lines: list[str] = []
    for item in items:
        if lines and cell_len(lines[-1]) + 2 + cell_len(item) + 1 <= width:
            lines[-1] += ", " + item
        else:
            lines[-1:] = [lines[-1] + ","] if lines else []
            lines.append(item)
    return "\n".join(lines)


UNDER_LEAST = 40
"""Narrowest a :attr:`Narrowing.under` column of words is cut to in a row; on a terminal
too narrow for that, its words go on a line of their own under the row."""
UNDER_INDENT = 8
"""Most an under-row line is indented: past a table's first column (an event's number),
never further (a long transcript name would leave the words little room)."""


def put_under(lines: Sequence[str], headings: Sequence[str],
              words: Sequence[Sequence[str]], width: int, wrap: bool = False) -> list[str]:
    """A fitted table's ``lines`` (heading, rule, one line per row, then any notes) with
    each row's ``words`` (one text per :attr:`Narrowed.under` column) on lines of their
    own under it, and the ``headings`` of those columns under the table's heading.

    The under lines are indented past the table's first column (at most
    :data:`UNDER_INDENT` cells) and cut to ``width`` cells with ``…``, or with ``wrap``
    wrapped onto as many lines as they need (a list a reader checks whole: the speakers
    of a focus group); a text's line breaks and runs of spaces read as one space.
    """
    indent = " " * min(len(lines[1].split("  ")[0]) + 2, UNDER_INDENT)
    room = max(1, width - len(indent))
    out = [lines[0], *(indent + shorten(h, room) for h in headings), lines[1]]
    for line, texts in zip(lines[2:2 + len(words)], words, strict=True):
        out.append(line)
        if wrap:
            out += [indent + w for t in texts for w in (wrap_cells(t, room) or [""])]
        else:
            out += [indent + shorten(" ".join(t.split()), room) for t in texts]
    return out + list(lines[2 + len(words):])


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
    tmp: str | None = None
    try:
        folder = target.parent if str(target.parent) else Path(".")
        # mkstemp creates the file owner-only (0600) before any byte is in it.
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
        with os.fdopen(fd, "wb") as fh:
            if isinstance(data, bytes):
                fh.write(data)
            else:  # encoded a slice at a time: no second copy of a large report
                for i in range(0, len(data), WRITE_CHUNK):
                    fh.write(data[i:i + WRITE_CHUNK].encode("utf-8"))
        os.replace(tmp, target)
        tmp = None
    except OSError as exc:
        raise UserError(f"cannot write the output file ({exc.strerror or exc})",
                        path=str(target)) from None
    finally:
        if tmp is not None:  # failed or interrupted: the old file stays, no debris
            Path(tmp).unlink(missing_ok=True)
    return target


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


def _row_texts(sheet: Sheet, decimals: int) -> list[list[str]]:
    return list(_iter_row_texts(sheet, decimals))


def _iter_row_texts(sheet: Sheet, decimals: int) -> Iterator[list[str]]:
    pct = [c in sheet.percent for c in sheet.columns]
    for row in sheet.rows:
        yield [cell_text(v, pct=p, decimals=decimals) for v, p in zip(row, pct, strict=True)]


# ---------------------------------------------------------------------- text formats
MIN_FREE = 10
"""Narrowest a free-text column (words, context) is shortened to on a narrow terminal."""
MIN_NAME = 14
"""Narrowest a name column (a theme id, a transcript: text without spaces) is shortened
to, and only when that makes the table fit."""
ELLIPSIS = "\u2026"


def screen_width() -> int | None:
    """The width a table printed on stdout must fit, or ``None`` (no limit).

    ``$COLUMNS`` when it is set (the user's choice, honoured in a pipe too:
    ``COLUMNS=80 qcahp log | less``), else the terminal's width when stdout is a
    terminal. Output into a pipe or a file is never shortened otherwise, so scripts and
    ``grep`` see every character.
    """
    env = os.environ.get("COLUMNS", "").strip()
    if env.isdigit() and int(env) > 0:
        return int(env)
    return shutil.get_terminal_size().columns if stdout_is_terminal() else None


def stdout_is_terminal() -> bool:
    """Whether stdout is a terminal (not a pipe, a file or a closed stream)."""
    stream = sys.stdout
    try:
        return stream is not None and stream.isatty()
    except ValueError:  # a closed stream
        return False


def cells(text: str) -> int:
    """The terminal cells ``text`` takes: a CJK character or an emoji takes two
    (:func:`rich.cells.cell_len`, as Textual measures), a combining mark none."""
    return cell_len(text)


def wrap_note(text: str, width: int | None) -> list[str]:
    """A note under a table (``Selection: ...``) in lines of at most ``width`` cells,
    as :func:`wrap_cells` wraps the other notes; whole when ``width`` is ``None`` (a
    pipe or a file: :func:`screen_width`)."""
    if width is None:
        return text.split("\n")
    return [w for line in text.split("\n")
            for w in (wrap_cells(line, max(20, width)) or [""])]


def wrap_cells(text: str, width: int, initial_indent: str = "",
               subsequent_indent: str = "") -> list[str]:
    """``textwrap.wrap`` by terminal cells, not characters: a wide character (CJK, most
    emoji) takes two, so such a line no longer runs past ``width``. Lines break at
    spaces only (never at hyphens), the spaces between words on a line are kept as they
    are, and a word wider than the room is cut by cells."""
    lines: list[str] = []
    line, fresh = initial_indent, True  # fresh: nothing but the indent on the line yet
    gap = ""  # the spaces before the next word
    for chunk in re.findall(r"\S+|\s+", text):
        if chunk.isspace():
            gap = "" if fresh else chunk
            continue
        word = chunk
        while word:
            room = width - cells(line) - cells(gap)
            if cells(word) <= room:
                line, fresh, word = line + gap + word, False, ""
                break
            if not fresh and cells(word) <= width - cells(subsequent_indent):
                lines.append(line)  # the word fits whole on the next line
                line, fresh, gap = subsequent_indent, True, ""
                continue
            head = cell_head(word, max(room, 0)) or (word[0] if fresh else "")
            if head:
                lines.append(line + gap + head)
                word = word[len(head):]
            else:
                lines.append(line)
            line, fresh, gap = subsequent_indent, True, ""
        gap = ""
    if not fresh:
        lines.append(line)
    return lines


def word_safe(text: str) -> str:
    """``text`` without the control characters Word (and XML) refuse, which a transcript,
    memo, definition or summary can carry; tabs and line breaks stay."""
    return "".join(ch for ch in text if ch in "\t\n" or ord(ch) >= 32)


def letters(n: int) -> str:
    """The ``n``-th column letter, from 0: ``A`` ... ``Z``, ``AA``, ``AB`` ... (a table too
    wide for the terminal heads its columns so, with a key under it)."""
    return (letters(n // 26 - 1) if n >= 26 else "") + chr(ord("A") + n % 26)


def pad(text: str, width: int, right: bool = False) -> str:
    """``text`` padded with spaces to ``width`` terminal cells (on its left when
    ``right``): :meth:`str.ljust` counts characters, so wide ones misaligned a column."""
    room = " " * max(0, width - cell_len(text))
    return room + text if right else text + room


def cell_head(text: str, width: int) -> str:
    """The longest start of ``text`` that fits in ``width`` cells."""
    if len(text) <= width and text.isascii():
        return text
    used = 0
    for i, ch in enumerate(text):
        used += cell_len(ch)
        if used > width:
            return text[:i]
    return text


def _tail(text: str, width: int) -> str:
    """The longest end of ``text`` that fits in ``width`` cells."""
    return cell_head(text[::-1], width)[::-1]


def shorten(text: str, width: int, side: str = "end") -> str:
    """``text`` in at most ``width`` terminal cells (:func:`cells`), cut at its ``"end"``
    or ``"start"`` and marked ``…`` where cut; at a word boundary when one is near (as a
    search hit's context is cut), else mid-word. An id with a count of more
    (``ntr_into_management +2``, ``dietitian_grace +3``) keeps its count: the id is cut
    (``ntr_into… +2``)."""
    if cell_len(text) <= width:
        return text
    if width <= 1:
        return ELLIPSIS[:width]
    more = _MORE.fullmatch(text) if side == "end" else None
    if more is not None and width >= len(more[2]) + 2:
        return shorten(more[1], width - len(more[2])) + more[2]
    if side == "start":
        tail = _tail(text, width - 2) if width > 2 else ""
        space = tail.find(" ")
        if 0 <= space < width // 3 and not text[len(text) - len(tail) - 1].isspace():
            tail = tail[space + 1:]
        return pad(f"{ELLIPSIS} {tail.lstrip()}", width, right=True) if width > 2 else ELLIPSIS
    head = cell_head(text, width - 1)
    space = head.rfind(" ")
    if space > width - 1 - width // 3 and not text[len(head)].isspace():
        head = head[:space]
    return head.rstrip() + ELLIPSIS


_MORE = re.compile(r"(\S+)( \+\d+)")
"""An id and how many more (``ser_acting +33``): :func:`shorten` keeps the ``+33``."""


def fit_widths(columns: Sequence[str], widths: list[int], numeric: Sequence[bool],
               free: Sequence[bool], width: int | None,
               names: Sequence[bool] | None = None) -> list[int]:
    """Column widths that make a table (columns two spaces apart) at most ``width``
    wide where possible.

    The widest ``free`` columns (words, context) give way first, down to
    :data:`MIN_FREE` (or their header). Then, only if that makes the table fit, the
    widest ``names`` columns (ids and names, which a reader types back into a command),
    down to :data:`MIN_NAME`; a table that cannot fit keeps its names whole and stays
    wider than ``width``. Numbers are never shortened.
    """
    fitted = list(widths)
    if width is None:
        return fitted
    names = names or [False] * len(fitted)
    excess = sum(fitted) + 2 * (len(fitted) - 1) - width
    for tier, (marks, least) in enumerate(((free, MIN_FREE), (names, MIN_NAME))):
        floors = [min(w, max(cell_len(c), least)) if m and not n else w
                  for c, w, n, m in zip(columns, fitted, numeric, marks, strict=True)]
        if tier == 1 and sum(fitted) - sum(floors) < excess:
            break  # names cut and the table still too wide: keep them whole
        while excess > 0:
            room = [i for i, w in enumerate(fitted) if w > floors[i]]
            if not room:
                break
            widest = max(room, key=lambda i: fitted[i])
            fitted[widest] -= 1
            excess -= 1
    return fitted


def name_columns(rows: Sequence[Sequence[str]], numeric: Sequence[bool]) -> list[bool]:
    """The columns of names (ids, transcript names): text, no cell with a space."""
    return [not n and not any(" " in r[i] for r in rows) for i, n in enumerate(numeric)]


def to_table(sheets: Sequence[Sheet], *, width: int | None = None) -> str:
    """Aligned plain-text tables (numbers right-aligned), one per sheet.

    With a ``width`` (:func:`screen_width`, for a table shown on the terminal) each
    table is fitted to it as :func:`fit_widths` says, its cells shortened with ``…``;
    without one every cell is whole (files, pipes, tests).
    """
    out: list[str] = []
    for sheet in sheets:
        if sheet.title and len(sheets) > 1:
            out += [*wrap_note(sheet.title, width), ""]
        rows = _row_texts(sheet, 1)
        if not rows:
            out.append(sheet.empty or EMPTY)
            if sheet.footer:
                out += ["", *wrap_note(sheet.footer, width)]
            out.append("")
            continue
        rows = [[v.replace("\n", " ") for v in r] for r in rows]
        sides = sheet.shrink or dict.fromkeys(sheet.wrap, "end")
        fit = narrow(sheet.columns, {c: [r[i] for r in rows]
                                     for i, c in enumerate(sheet.columns)}, width, sheet.narrow,
                     [c for c in sheet.columns if sides.get(c) in ("start", "end")])
        words = [[r[sheet.columns.index(c)] for c in fit.under] for r in rows]
        if fit.columns != sheet.columns:
            at = [sheet.columns.index(c) for c in fit.columns]
            rows = [[r[i] for i in at] for r in rows]
        columns = [fit.headings.get(c, c) for c in fit.columns]
        natural = [max(cell_len(c), *(cell_len(r[i]) for r in rows))
                   for i, c in enumerate(columns)]
        numeric = [all(is_number(r[i]) for r in rows) for i in range(len(natural))]
        free = [sides.get(c) in ("start", "end") for c in fit.columns]
        names = [n and c not in sides
                 for c, n in zip(fit.columns, name_columns(rows, numeric), strict=True)]
        widths = fit_widths(columns, natural, numeric, free, width, names)
        right = [n or sides.get(c) == "start" for c, n in zip(fit.columns, numeric,
                                                             strict=True)]
        cut = [sides.get(c, "end") for c in fit.columns]
        lead = [i for i, c in enumerate(fit.columns)
                if sheet.narrow is not None and c in sheet.narrow.lead]
        groups = [list(range(len(columns)))]
        if lead and width is not None:  # names whole in groups rather than cut in one
            whole = fit_widths(columns, natural, numeric, free, width)
            if sum(whole) + 2 * (len(whole) - 1) > width:
                groups = column_groups(natural, lead, width)
        for k, group in enumerate(groups):
            shown = [columns[i] for i in group]
            sizes = (widths if len(groups) == 1 else
                     fit_widths(shown, [natural[i] for i in group], [numeric[i] for i in group],
                                [free[i] for i in group], width, [names[i] for i in group]))

            def line(texts: list[str], group: list[int] = group, sizes: list[int] = sizes
                     ) -> str:
                return "  ".join(pad(shorten(texts[i], w, cut[i]), w, right[i])
                                 for i, w in zip(group, sizes, strict=True)).rstrip()

            lines = [line(columns), "  ".join("-" * w for w in sizes), *map(line, rows)]
            if fit.under and width is not None:
                lines = put_under(lines, fit.under, words, width)
            out.extend([""] * bool(k) + lines)
        notes = list(fit.notes)
        if len(groups) > 1:
            heads = " and ".join(fit.columns[i] for i in lead)
            said = any(n.startswith("Left out") for n in notes)  # the pipe is named there
            notes.append(f"In {len(groups)} column groups to fit the terminal, each led by "
                         f"the {heads} column{'s' * (len(lead) > 1)}"
                         + ("." if said else " (a pipe, -o FILE or --format md keeps one "
                                             "table)."))
        if notes and width is not None:
            out += [w for note in notes for w in wrap_note(note, max(20, width))]
        if sheet.note:  # how to read the table: wrapped on a terminal, as the footer
            out += ["", *wrap_note(sheet.note, width)]
        if sheet.footer:
            out += ["", *wrap_note(sheet.footer, width)]
        out.append("")
    return "\n".join(out).rstrip("\n") + "\n"


def column_groups(natural: Sequence[int], lead: Sequence[int], width: int) -> list[list[int]]:
    """The columns of a table too wide for ``width`` cells in groups that each fit: the
    ``lead`` columns (indexes) first in every group, then as many of the others, in
    their order, as fit beside them at their ``natural`` widths (at least one)."""
    base = sum(natural[i] for i in lead) + 2 * (len(lead) - 1)
    groups: list[list[int]] = []
    group: list[int] = []
    used = base
    for i, w in enumerate(natural):
        if i in lead:
            continue
        if group and used + 2 + w > width:
            groups.append(group)
            group, used = [], base
        group.append(i)
        used += 2 + w
    groups.append(group)
    return [[*lead, *g] for g in groups]


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
    writer.writerows([t if isinstance(v, (int, float)) else csv_cell(t)
                      for v, t in zip(row, texts, strict=True)]
                     for row, texts in zip(sheet.rows, _iter_row_texts(sheet, 2), strict=True))
    return buf.getvalue()


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
    return _MD_CELL.sub(r"\\\1", text).replace("|", "\\|").replace("\n", "<br>")


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
        rows = _row_texts(sheet, 1)
        if not rows:
            # A header-only table renders as an empty grid that looks like a fault.
            out += [sheet.empty or EMPTY, ""]
            out += [_md_escape(sheet.footer), ""] if sheet.footer else []
            continue
        numeric = [all(is_number(r[i]) for r in rows) for i in range(len(sheet.columns))]
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


def sheet_title(name: str, taken: set[str]) -> str:
    """A valid, unique XLSX sheet name (max 31 characters, no ``[]*?/\\:``)."""
    base = _BAD_SHEET_CHARS.sub("-", name).strip("'") or "Sheet"
    title, n = base[:31], 2
    while title.lower() in taken:
        suffix = f" ({n})"
        title, n = base[:31 - len(suffix)] + suffix, n + 1
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

    Percentages get the ``0.0`` number format; long-text columns are wide and wrap. A
    cell over Excel's limit is cut with a marker saying where the whole text is
    (:attr:`Sheet.whole`), and listed in the result's :attr:`Workbook.cuts`.
    """
    from qualcoder_ahp.reports import xlsx

    taken: set[str] = set()
    parts = []
    cuts: list[Cut] = []
    for sheet in sheets:
        title = sheet_title(sheet.name, taken)
        cut: list[tuple[int, int]] = []
        parts.append((title, xlsx.sheet_xml(
            sheet.columns, sheet.rows, [_width(sheet, i) for i in range(len(sheet.columns))],
            [c in sheet.percent for c in sheet.columns], [c in sheet.wrap for c in sheet.columns],
            [c in sheet.decimals for c in sheet.columns], frozen_columns=sheet.frozen,
            cut=cut, where=sheet.whole or "the CSV export holds it whole",
        )))
        cuts += [Cut(title, r + 2, _label(sheet.rows[r][0] if sheet.rows[r] else ""),
                     sheet.columns[i]) for r, i in cut]
    book = Workbook(xlsx.workbook(parts))
    book.cuts = tuple(cuts)
    return book


def _label(value: Any) -> str:
    text = " ".join(str(value).split())
    return text if len(text) <= 40 else text[:39] + "\u2026"


def _width(sheet: Sheet, i: int) -> float:
    column = sheet.columns[i]
    if column in sheet.wrap:
        return WIDE_WIDTH
    longest = len(column)
    for row in sheet.rows[:2000]:  # a sample is enough to size a column
        value = row[i]
        text = cell_text(value, pct=column in sheet.percent)
        longest = max(longest, len(text))
    return float(min(longest + 2, MAX_WIDTH))
