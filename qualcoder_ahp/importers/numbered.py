"""Line numbers a transcript carries in its text: ``1   Interviewer: How...`` /
``2   Helen: Well...``, as transcripts prepared for analysis are numbered (Word's line
numbering printed to PDF, or typed), so a quote can be cited by its line.

Read as text the numbers hid every label (a label must open its line), so the whole
interview was one ``(unlabelled)`` turn with the numbers among its words. They are left
out where they surely are line numbers: most lines of the text open with a number and
a space, at least :data:`MIN_LINES` of them, and the numbers run on one by one (a new
page may start again at 1). A list (``1. Listen first``) or a line of speech that
opens with a number (``10 years ago I...``) is left as it is.
"""

from __future__ import annotations

import re

from qualcoder_ahp.importers.blocks import CUE, PARA, Block

_NUMBERED = re.compile(r"^[ \t]*(?P<n>\d{1,5})(?:[ \t]+|$)")
MIN_LINES = 5
"""Fewer numbered lines than this are never taken for line numbers."""
_SHARE = 0.8
"""The share of the text's lines that must open with a number."""


def line_numbers_note(count: int) -> str:
    """The note saying ``count`` line numbers were left out."""
    return (f"the line numbers opening {count} lines (1, 2, 3...) are not spoken: left out "
            "of the text")


def _numbered(lines: list[str]) -> int:
    """How many of ``lines`` open with a line number, or 0 unless they surely do."""
    lines = [line for line in lines if line.strip()]
    found = [m for line in lines if (m := _NUMBERED.match(line)) is not None]
    if len(found) < MIN_LINES or len(found) < _SHARE * len(lines):
        return 0
    numbers = [int(m.group("n")) for m in found]
    steps = sum(1 for a, b in zip(numbers, numbers[1:]) if b == a + 1 or b == 1)
    return len(found) if steps >= 0.9 * (len(numbers) - 1) else 0


def _without(line: str) -> str:
    m = _NUMBERED.match(line)
    return line[m.end():] if m is not None else line


def text_without_line_numbers(text: str) -> tuple[str, int]:
    """``text`` (a PDF's, before the words its line ends broke are joined) with its line
    numbers left out, and how many were."""
    lines = text.split("\n")
    count = _numbered(lines)
    if not count:
        return text, 0
    out = []
    for line in lines:
        rest = _without(line)
        if rest.strip() or not line.strip():  # (a number alone goes; a blank line stays)
            out.append(rest)
    return "\n".join(out), count


def without_line_numbers(blocks: list[Block]) -> tuple[list[Block], int]:
    """``blocks`` with the line numbers opening their lines left out (a line that is a
    number alone, a numbered blank line, left out whole), and how many were; unchanged
    (and 0) unless the numbers are surely line numbers (see the module notes)."""
    count = _numbered([line for b in blocks if b.kind in (PARA, CUE) and not b.speaker
                       for line in b.lines])
    if not count:
        return blocks, 0
    out: list[Block] = []
    for block in blocks:
        if block.kind not in (PARA, CUE) or block.speaker:
            out.append(block)
            continue
        kept = [rest for line in block.lines if (rest := _without(line)).strip()]
        if kept:
            out.append(Block(kept, block.kind, block.speaker, block.time))
    return out, count
