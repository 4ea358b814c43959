"""Word-wrapping a transcript into display lines, once per width (no Textual here).

The transcript view draws only the lines on screen (Textual's Line API), so it
needs, for a given width, the list of display lines with the text offsets each one
shows. :func:`wrap_transcript` computes that list in one pass over the text: for
each speaker turn a header line (speaker and time), the turn's text wrapped at word
boundaries, and a blank separator. Offsets are the stored half-open code-point
offsets, so styles for codings, suggestions and search hits are applied by slicing,
at render time, only for visible lines.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

from rich.cells import cell_len

from qualcoder_ahp.records import Turn

HEADER, TEXT, BLANK = 0, 1, 2
_WORD = re.compile(r"\S+")
# Control characters would move the terminal cursor; they are drawn as spaces
# (one cell each, so offsets and cells stay aligned).
_CONTROL = {i: " " for i in range(32)} | {127: " "}


def display_text(text: str) -> str:
    """The text as drawn: control characters (tabs, newlines) become spaces."""
    return text.translate(_CONTROL)


@dataclass(frozen=True, slots=True)
class Line:
    """One display line: a header, a slice of text, or a blank separator."""

    kind: int
    turn: int
    start: int
    end: int


class Layout:
    """Display lines of a transcript at one width, with offset-to-line lookup."""

    def __init__(self, lines: list[Line], width: int) -> None:
        self.lines = lines
        self.width = width
        self._text_rows = [i for i, line in enumerate(lines) if line.kind == TEXT]
        self._text_starts = [lines[i].start for i in self._text_rows]

    def __len__(self) -> int:
        return len(self.lines)

    def row_of(self, offset: int) -> int:
        """The display row showing text offset ``offset`` (the nearest text row)."""
        if not self._text_rows:
            return 0
        i = max(0, bisect_right(self._text_starts, offset) - 1)
        return self._text_rows[i]

    def rows_of(self, start: int, end: int) -> range:
        """The display rows covering ``[start, end)``."""
        first = self.row_of(start)
        last = self.row_of(max(start, end - 1))
        return range(first, last + 1)


def wrap_transcript(text: str, turns: list[Turn], width: int) -> Layout:
    """Wrap every turn of ``text`` to ``width`` cells.

    Args:
        text: the transcript's stored text.
        turns: its speaker turns (text outside any turn is not shown).
        width: available cells per line (at least 8 are used).

    Returns:
        The layout: header, wrapped text and blank lines for each turn.
    """
    width = max(8, width)
    ascii_only = text.isascii()
    lines: list[Line] = []
    for t, turn in enumerate(turns):
        lines.append(Line(HEADER, t, turn.start, turn.start))
        pos = turn.start
        for paragraph in text[turn.start:turn.end].split("\n"):
            p_start, p_end = pos, pos + len(paragraph)
            pos = p_end + 1
            if paragraph.strip():
                _wrap_paragraph(text, p_start, p_end, width, ascii_only, t, lines)
        lines.append(Line(BLANK, t, turn.end, turn.end))
    return Layout(lines, width)


def _wrap_paragraph(
    text: str, start: int, end: int, width: int, ascii_only: bool, turn: int,
    out: list[Line],
) -> None:
    """Greedy word wrap of ``text[start:end]``; over-long words are cut."""
    line_start: int | None = None
    line_end = start
    used = 0
    for match in _WORD.finditer(text, start, end):
        w_start, w_end = match.span()
        w_cells = (w_end - w_start) if ascii_only else cell_len(match.group())
        gap = 0 if line_start is None else (
            (w_start - line_end) if ascii_only else cell_len(text[line_end:w_start]))
        if line_start is not None and used + gap + w_cells <= width:
            used += gap + w_cells
            line_end = w_end
            continue
        if line_start is not None:
            out.append(Line(TEXT, turn, line_start, line_end))
        # A word wider than the line is cut into line-sized pieces.
        while w_cells > width:
            cut = w_start + width if ascii_only else _cut_at(text, w_start, w_end, width)
            out.append(Line(TEXT, turn, w_start, cut))
            w_start = cut
            w_cells = (w_end - w_start) if ascii_only else cell_len(text[w_start:w_end])
        line_start, line_end, used = w_start, w_end, w_cells
    if line_start is not None:
        out.append(Line(TEXT, turn, line_start, line_end))


def _cut_at(text: str, start: int, end: int, width: int) -> int:
    """The offset where ``text[start:end]`` reaches ``width`` cells (at least one char)."""
    used = 0
    for i in range(start, end):
        used += cell_len(text[i])
        if used > width:
            return max(start + 1, i)
    return end
