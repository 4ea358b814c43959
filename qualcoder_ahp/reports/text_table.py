"""Plain-text tables for the terminal: aligned, and fitted to its width.

:func:`to_table` prints :class:`~qualcoder_ahp.reports.writers.Sheet` objects as aligned
columns (numbers right-aligned). On a terminal (:func:`screen_width`) a table too wide
for it first gives up what its :class:`~qualcoder_ahp.reports.writers.Narrowing` allows
(:func:`narrow`: columns holding one value, short headings, words under each row,
optional columns), then cuts its cells with ``…`` (:func:`fit_widths`, :func:`shorten`),
or prints a matrix in column groups (:func:`column_groups`). Widths are counted in
terminal cells (:func:`cells`), so wide characters keep the columns in line. In a pipe
or a file every cell is whole.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from rich.cells import cell_len

from qualcoder_ahp.reports.writers import EMPTY, Narrowing, Sheet, is_number, row_texts


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
        rows = row_texts(sheet, 1)
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
