"""Half-open intervals: merging, and the sweep that turns coders' spans into counts.

Agreement on a transcript of a million characters must not walk the characters:
each coder's codings of one theme are merged into sorted, disjoint half-open
intervals, and one sweep over the interval *boundaries* yields

- :func:`pair_counts` - the 2x2 table of two coders (n11, n10, n01, n00), by a
  two-pointer intersection of their merged lists;
- :func:`coverage_runs` - the runs between consecutive boundaries with the set of
  coders covering each run, for three or more coders and for the disagreement list;
- :func:`coverage_counts` - how many units are covered by exactly ``m`` coders.

The cost is O(k log k) in the number of codings k, whatever the text length.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Sequence

Interval = tuple[int, int]


def merge(spans: Iterable[Interval]) -> list[Interval]:
    """Sorted, disjoint, non-touching half-open intervals covering the same points.

    Empty or reversed spans are dropped; touching spans ``[0,5) [5,9)`` merge into
    ``[0,9)`` because they cover the same units.
    """
    out: list[list[int]] = []
    for start, end in sorted(s for s in spans if s[1] > s[0]):
        if out and start <= out[-1][1]:
            if end > out[-1][1]:
                out[-1][1] = end
        else:
            out.append([start, end])
    return [(s, e) for s, e in out]


def total_length(merged: Sequence[Interval]) -> int:
    """Points covered by merged (disjoint) intervals."""
    return sum(e - s for s, e in merged)


def intersection_length(a: Sequence[Interval], b: Sequence[Interval]) -> int:
    """Points covered by both of two merged interval lists (two-pointer sweep)."""
    i = j = total = 0
    while i < len(a) and j < len(b):
        start = max(a[i][0], b[j][0])
        end = min(a[i][1], b[j][1])
        if end > start:
            total += end - start
        if a[i][1] < b[j][1]:
            i += 1
        else:
            j += 1
    return total


def covered_length(span: Interval, merged: Sequence[Interval], ends: Sequence[int]) -> int:
    """Points of one ``span`` covered by a merged list, ``ends`` its intervals' ends.

    A binary search finds the first interval that can reach the span: counting every
    coding's participant part in a transcript of 2,000 turns walked all the turns for
    each coding (``total_length(intersect([span], turns))``), 12 of the 16 s of
    ``qcahp counts --consensus`` on a study of a million words.
    """
    start, end = span
    k = bisect.bisect_right(ends, start)
    total = 0
    while k < len(merged) and merged[k][0] < end:
        total += min(merged[k][1], end) - max(merged[k][0], start)
        k += 1
    return total


def intersect(a: Sequence[Interval], b: Sequence[Interval]) -> list[Interval]:
    """The intervals covered by both merged lists."""
    i = j = 0
    out: list[Interval] = []
    while i < len(a) and j < len(b):
        start = max(a[i][0], b[j][0])
        end = min(a[i][1], b[j][1])
        if end > start:
            out.append((start, end))
        if a[i][1] < b[j][1]:
            i += 1
        else:
            j += 1
    return out


def pair_counts(a: Sequence[Interval], b: Sequence[Interval], n: int) -> tuple[int, int, int,
                                                                                int]:
    """The 2x2 counts (n11, n10, n01, n00) of two merged lists over ``n`` units.

    Both lists must already be merged and lie inside ``[0, n)``.
    """
    both = intersection_length(a, b)
    len_a = total_length(a)
    len_b = total_length(b)
    return both, len_a - both, len_b - both, n - len_a - len_b + both


def coverage_runs(coders: Sequence[Sequence[Interval]]) -> list[tuple[int, int, frozenset[int]]]:
    """Maximal runs ``(start, end, coders covering it)`` where at least one coder covers.

    ``coders[i]`` is coder i's merged list. Adjacent runs with the same coder set are
    joined, so each run is one stretch of a constant pattern of agreement.
    """
    events: list[tuple[int, int, int]] = []  # (position, +1 open / -1 close, coder)
    for index, spans in enumerate(coders):
        for start, end in spans:
            events.append((start, 1, index))
            events.append((end, -1, index))
    events.sort()
    runs: list[tuple[int, int, frozenset[int]]] = []
    active: set[int] = set()
    pos = None
    k = 0
    while k < len(events):
        here = events[k][0]
        if active and pos is not None and here > pos:
            current = frozenset(active)
            if runs and runs[-1][1] == pos and runs[-1][2] == current:
                runs[-1] = (runs[-1][0], here, current)
            else:
                runs.append((pos, here, current))
        while k < len(events) and events[k][0] == here:
            _, kind, coder = events[k]
            if kind == 1:
                active.add(coder)
            else:
                active.discard(coder)
            k += 1
        pos = here
    return runs


def coverage_counts(coders: Sequence[Sequence[Interval]], n: int) -> dict[int, int]:
    """Units covered by exactly ``m`` of the coders, for every m from 0 to len(coders)."""
    counts = dict.fromkeys(range(len(coders) + 1), 0)
    bounds = [(s, 1) for spans in coders for s, _ in spans]
    bounds += [(e, -1) for spans in coders for _, e in spans]
    bounds.sort()
    depth = 0
    pos = 0
    for where, step in bounds:
        if where > pos:
            counts[depth] += where - pos
            pos = where
        depth += step
    counts[0] += n - pos if n > pos else 0
    return counts
