"""The units agreement is counted in: characters, sentences, turns or matched segments.

- ``character`` (NVivo): every character of the transcript is a unit; a coder
  codes it with a theme if one of their codings of the theme covers it.
- ``sentence`` / ``turn``: the sentences or speaker turns stored at import; a coder
  codes a unit if any of their codings of the theme overlaps it by at least one
  character. Spans are mapped to *unit-index* intervals (sentence 3 to 7 becomes
  ``[3, 8)``), so the same sweep counts them.
- ``segment`` (MAXQDA): the units are the coded segments themselves. A segment of
  one coder agrees with another coder when that coder has a segment of the same
  theme whose overlap is at least ``threshold`` of the two segments' *union*
  (intersection / union, MAXQDA's "overlap of the total area"). There are no
  uncoded units (n00 = 0), so chance-corrected coefficients are of limited use
  there; percent and positive agreement are the figures to read.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence

from qualcoder_ahp.agreement.intervals import Interval, merge

UNITS = ("character", "sentence", "turn", "segment")


def to_unit_space(spans: Sequence[Interval], bounds: Sequence[Interval]) -> list[Interval]:
    """Map character spans to the index intervals of the units they overlap.

    Args:
        spans: merged character spans of one coder and theme.
        bounds: the units' character spans, sorted and non-overlapping.
    """
    starts = [s for s, _ in bounds]
    ends = [e for _, e in bounds]
    out: list[Interval] = []
    for start, end in spans:
        first = bisect.bisect_right(ends, start)  # first unit ending after the span starts
        stop = bisect.bisect_left(starts, end)  # units starting before the span ends
        if stop > first:
            out.append((first, stop))
    return merge(out)


def overlap_ratio(a: Interval, b: Interval) -> float:
    """Intersection over union of two spans (0 when they do not overlap)."""
    inter = min(a[1], b[1]) - max(a[0], b[0])
    if inter <= 0:
        return 0.0
    union = max(a[1], b[1]) - min(a[0], b[0])
    return inter / union


def matches(segment: Interval, others: Sequence[Interval], threshold: float) -> bool:
    """Whether ``others`` (sorted, disjoint) holds a segment overlapping ``segment`` enough."""
    ends = [e for _, e in others]
    k = bisect.bisect_right(ends, segment[0])
    while k < len(others) and others[k][0] < segment[1]:
        ratio = overlap_ratio(segment, others[k])
        if ratio > 0 and ratio >= threshold:
            return True
        k += 1
    return False


def segment_table(coders: Sequence[Sequence[Interval]], threshold: float) -> list[tuple[int,
                                                                                  frozenset[int]]]:
    """Each coder's segments as units: ``(owner, coders who have a matching segment)``.

    ``coders[i]`` is coder i's merged segments of one theme in one transcript.
    """
    out: list[tuple[int, frozenset[int]]] = []
    for owner, segments in enumerate(coders):
        for segment in segments:
            agreeing = {owner} | {j for j, other in enumerate(coders)
                                  if j != owner and matches(segment, other, threshold)}
            out.append((owner, frozenset(agreeing)))
    return out
