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


def without_line_numbers(blocks: list[Block]) -> tuple[list[Block], int]:
    """``blocks`` with the line numbers opening their lines left out (a line that is a
    number alone, a numbered blank line, left out whole), and how many were; unchanged
    (and 0) unless the numbers are surely line numbers (see the module notes)."""
    lines = [line for b in blocks if b.kind in (PARA, CUE) and not b.speaker
             for line in b.lines if line.strip()]
    found = [m for line in lines if (m := _NUMBERED.match(line)) is not None]
    if len(found) < MIN_LINES or len(found) < _SHARE * len(lines):
        return blocks, 0
    numbers = [int(m.group("n")) for m in found]
    steps = sum(1 for a, b in zip(numbers, numbers[1:]) if b == a + 1 or b == 1)
    if steps < 0.9 * (len(numbers) - 1):
        return blocks, 0
    out: list[Block] = []
    for block in blocks:
        if block.kind not in (PARA, CUE) or block.speaker:
            out.append(block)
            continue
        kept = []
        for line in block.lines:
            m = _NUMBERED.match(line)
            rest = line[m.end():] if m is not None else line
            if rest.strip():
                kept.append(rest)
        if kept:
            out.append(Block(kept, block.kind, block.speaker, block.time))
    return out, len(found)
