"""A theme's name as a narrow column heading: whole over two lines when it fits, else a
readable abbreviation, never a blind cut.

The framework matrix has a column per codable theme (eleven in the shipped AHP
codebook), too many for their names to stand whole side by side on a laptop's terminal.
:func:`heading` keeps a name whole where it wraps into the lines given; otherwise it
leaves out small words (*and*, *of*), shortens the longest words to their first
letters and a full stop (*perspective* -> *perspect.*) and, when that is not enough,
leaves out the last words, marked with ``…``, choosing whichever keeps the most of the
name: *Board mandate and seniority* at 9 cells is ``Board`` / ``mandate…``, *Beyond
uni-professional roles* ``Beyond`` / ``uni-prof…``, not ``Board ma…`` / ``Beyond u…``.
"""

from __future__ import annotations

import re

from qualcoder_ahp.reports.text_table import cell_head, cells

SMALL_WORDS = frozenset("a an and as at by for from in of on or the to with".split())
"""Words a heading leaves out first when the name does not fit."""
VOWELS = frozenset("aeiouy")
"""A shortened word does not end on one of these (``trad.``, not ``tradi.``)."""
FLOORS = (5, 3)
"""Letters a shortened word keeps at least: first tried with five, then with three."""

Piece = tuple[str, bool]
"""A word, or the part of a hyphenated word up to its hyphen (``uni-``), and whether a
space comes before it (a line may break after a hyphen)."""


def _pieces(name: str) -> list[Piece]:
    return [(part, i == 0) for word in name.split()
            for i, part in enumerate(re.findall(r"[^-]+-?|-", word))]


def _wrap(pieces: list[Piece], width: int) -> list[str] | None:
    """The pieces wrapped greedily into lines of ``width`` cells; ``None`` when one
    piece is wider than that."""
    lines: list[str] = []
    for text, spaced in pieces:
        if cells(text) > width:
            return None
        if lines and cells(lines[-1]) + spaced + cells(text) <= width:
            lines[-1] += " " * spaced + text
        else:
            lines.append(text)
    return lines


def _shorter(text: str) -> str:
    """Shorter, cut before a vowel as abbreviations are: ``perspective`` ->
    ``perspectiv.`` -> ``perspect.`` (not ``perspecti.``)."""
    stem = text[:-1] if text.endswith(".") else text
    stem = stem[:len(text) - 2]
    while len(stem) > 3 and stem[-1].lower() in VOWELS:
        stem = stem[:-1]
    return stem + "."


def _ended(pieces: list[Piece]) -> list[Piece]:
    """The last piece marked with ``…`` (the words after it are left out)."""
    text, spaced = pieces[-1]
    return [*pieces[:-1], ((text[:-1] if text.endswith(".") else text) + "\u2026", spaced)]


def whole_width(name: str, lines: int = 2) -> int:
    """The narrowest width (cells) at which ``name`` wraps whole into ``lines`` lines."""
    pieces = _pieces(name)
    width = max([1, *(cells(t) for t, _ in pieces)])
    while len(_wrap(pieces, width) or ()) > lines:
        width += 1
    return width


def heading(name: str, width: int, lines: int = 2) -> list[str]:
    """``name`` as at most ``lines`` lines of at most ``width`` cells (module docstring):
    ``Serendipity`` at 9 is ``Serendip-`` / ``ity``; ``System perspective`` at 9 is
    ``System`` / ``perspect.``."""
    pieces = _pieces(name) or [("", False)]

    def fits(some: list[Piece]) -> list[str] | None:
        out = _wrap(some, width)
        return out if out is not None and len(out) <= lines else None

    if (whole := fits(pieces)) is not None:
        return whole
    if len(pieces) == 1 and lines > 1 and cells(name) <= lines * (width - 1) + 1:
        word, split = name, []  # one long word: hyphenated over the lines, not shortened
        while cells(word) > width:
            head = cell_head(word, width - 1) or word[0]
            if len(word) - len(head) < 3 < len(head):  # 'Serendip-' 'ity', not '-ty'
                head = word[:len(word) - 3]
            split.append(head + "-")
            word = word[len(head):]
        return [*split, word]
    pieces = pieces[:1] + [p for p in pieces[1:] if p[0].lower() not in SMALL_WORDS]
    found: list[tuple[int, int, list[str]]] = []
    for k in range(len(pieces), 0, -1):
        if k < len(pieces) and not pieces[k][1]:
            continue  # a hyphenated word is kept or left out whole, never 'uni-…'
        for floor in FLOORS:
            some = list(pieces[:k])
            while (out := fits(some if k == len(pieces) else _ended(some))) is None:
                can = [i for i, (t, _) in enumerate(some)
                       if not t.endswith("-") and len(t.rstrip(".")) > floor]
                if not can:
                    break
                i = max(can, key=lambda i: (cells(some[i][0]), i))  # the last longest
                some[i] = (_shorter(some[i][0]), some[i][1])
            if out is not None:  # scored: letters kept, less two for each mark made
                marks = sum(line.count(".") + line.count("\u2026") for line in out)
                kept = sum(ch.isalnum() for line in out for ch in line)
                found.append((kept - 2 * marks, k, out))
    if found:
        return max(found, key=lambda f: f[:2])[2]
    return [cell_head(pieces[0][0], max(width - 1, 0)) + "\u2026"]


__all__ = ["heading", "whole_width"]
