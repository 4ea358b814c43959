"""Interval arithmetic on half-open ``[start, end)`` spans, and word counting.

Every figure in the reports is computed from *merged* spans: a coder who codes the
same passage twice, or two overlapping passages, with one theme has coded that text
once. Merging also joins spans that merely touch (``[0, 5)`` and ``[5, 9)``), so a
word cut by the boundary is not counted twice.
"""

from __future__ import annotations

from collections.abc import Iterable

Span = tuple[int, int]


def merge(spans: Iterable[Span]) -> list[Span]:
    """Merge overlapping or touching spans into a sorted list of disjoint spans."""
    out: list[Span] = []
    for start, end in sorted(spans):
        if out and start <= out[-1][1]:
            if end > out[-1][1]:
                out[-1] = (out[-1][0], end)
        else:
            out.append((start, end))
    return out


def intersect(a: list[Span], b: list[Span]) -> list[Span]:
    """The intersection of two merged span lists (a linear sweep), as merged spans.

    Only a non-empty overlap counts: spans that merely touch do not intersect.
    """
    out: list[Span] = []
    i = j = 0
    while i < len(a) and j < len(b):
        start = max(a[i][0], b[j][0])
        end = min(a[i][1], b[j][1])
        if start < end:
            if out and start <= out[-1][1]:
                out[-1] = (out[-1][0], max(end, out[-1][1]))
            else:
                out.append((start, end))
        if a[i][1] < b[j][1]:
            i += 1
        else:
            j += 1
    return out


def count_words(text: str) -> int:
    """Whitespace-separated words: the same rule as the store's transcript word count."""
    return len(text.split())


def words_in(text: str, spans: list[Span]) -> int:
    """Words in the text of merged spans (a word cut by a span edge counts as one)."""
    return sum(count_words(text[s:e]) for s, e in spans)


def chars_in(spans: list[Span]) -> int:
    """Characters (code points) covered by merged spans."""
    return sum(e - s for s, e in spans)
