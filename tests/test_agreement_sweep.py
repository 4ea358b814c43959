"""The interval sweep against a brute-force per-character count (brute force only here)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as hst

from qualcoder_ahp.agreement.intervals import (
    coverage_counts,
    coverage_runs,
    intersect,
    merge,
    pair_counts,
)
from qualcoder_ahp.agreement.unitizing import unitizing_alpha
from qualcoder_ahp.agreement.units import matches, overlap_ratio, segment_table, to_unit_space

N = 120


@hst.composite
def span_sets(draw, n=N):
    spans = draw(hst.lists(hst.tuples(hst.integers(0, n), hst.integers(0, n)), max_size=12))
    return [(min(a, b), max(a, b)) for a, b in spans]


def _marks(spans, n=N):
    marks = [0] * n
    for s, e in spans:
        for i in range(s, e):
            marks[i] = 1
    return marks


@settings(max_examples=300, deadline=None)
@given(span_sets(), span_sets())
def test_pair_counts_equal_brute_force(a_raw, b_raw):
    a, b = merge(a_raw), merge(b_raw)
    ma, mb = _marks(a_raw), _marks(b_raw)
    brute = (
        sum(x and y for x, y in zip(ma, mb, strict=True)),
        sum(x and not y for x, y in zip(ma, mb, strict=True)),
        sum(y and not x for x, y in zip(ma, mb, strict=True)),
        sum(not x and not y for x, y in zip(ma, mb, strict=True)),
    )
    assert pair_counts(a, b, N) == brute


@settings(max_examples=200, deadline=None)
@given(hst.lists(span_sets(), min_size=1, max_size=4))
def test_coverage_counts_and_runs_equal_brute_force(coders):
    merged = [merge(c) for c in coders]
    marks = [_marks(c) for c in coders]
    depth = [sum(m[i] for m in marks) for i in range(N)]
    assert coverage_counts(merged, N) == {k: depth.count(k) for k in range(len(coders) + 1)}
    covered = [None] * N
    for start, end, who in coverage_runs(merged):
        for i in range(start, end):
            covered[i] = who
    for i in range(N):
        who = frozenset(j for j, m in enumerate(marks) if m[i])
        assert covered[i] == (who or None)
    runs = coverage_runs(merged)
    # maximal: adjacent runs always differ in who covers them
    for left, right in zip(runs, runs[1:], strict=False):
        assert left[1] < right[0] or left[2] != right[2]


@settings(max_examples=200, deadline=None)
@given(span_sets())
def test_merge_is_disjoint_sorted_and_covers_the_same_points(spans):
    merged = merge(spans)
    assert _marks(merged) == _marks(spans)
    for (_, e1), (s2, _) in zip(merged, merged[1:], strict=False):
        assert e1 < s2
    assert all(s < e for s, e in merged)


@settings(max_examples=200, deadline=None)
@given(span_sets(), span_sets())
def test_intersect_equals_brute_force(a, b):
    both = intersect(merge(a), merge(b))
    assert _marks(both) == [x and y for x, y in zip(_marks(a), _marks(b), strict=True)]


@settings(max_examples=200, deadline=None)
@given(span_sets(), hst.lists(hst.integers(1, 15), min_size=1, max_size=12))
def test_unit_space_marks_every_overlapped_unit(spans, lengths):
    bounds, pos = [], 0
    for length in lengths:  # units with one-character gaps between them, like sentences
        bounds.append((pos, pos + length))
        pos += length + 1
    n = pos
    spans = [(min(s, n), min(e, n)) for s, e in spans]
    marks = _marks(spans, n)
    expected = [int(any(marks[s:e])) for s, e in bounds]
    got = _marks(to_unit_space(merge(spans), bounds), len(bounds))
    assert got == expected


def test_segment_matching_uses_intersection_over_union():
    assert overlap_ratio((0, 100), (10, 100)) == 0.9
    assert overlap_ratio((0, 10), (10, 20)) == 0.0
    assert matches((0, 100), [(10, 100)], 0.9)
    assert not matches((0, 100), [(11, 100)], 0.9)
    assert not matches((0, 10), [(10, 20)], 0.0)  # touching is not overlapping
    table = segment_table([[(0, 100), (200, 210)], [(5, 100)]], 0.9)
    assert table == [(0, frozenset({0, 1})), (0, frozenset({0})), (1, frozenset({0, 1}))]


def test_unitizing_alpha_is_one_for_identical_coders_and_lower_otherwise():
    same = unitizing_alpha([[(10, 30), (50, 60)], [(10, 30), (50, 60)]], 0, 100)
    assert same.alpha == 1.0 and same.observed == 0
    shifted = unitizing_alpha([[(10, 30)], [(15, 35)]], 0, 100)
    assert 0 < shifted.alpha < 1
    assert str(unitizing_alpha([[], []], 0, 100).alpha).startswith("undefined (")


@settings(max_examples=100, deadline=None)
@given(hst.lists(span_sets(), min_size=3, max_size=3))
def test_three_coder_tally_equals_brute_force(coders):
    from collections import Counter

    from qualcoder_ahp.agreement.compute import Corpus, TranscriptData, tally_cell

    names = ("a", "b", "c")
    corpus = Corpus(names, [("t", "T")], [TranscriptData(1, "x", "z" * N)],
                    {(1, "t", n): merge(c) for n, c in zip(names, coders, strict=True)},
                    {1: names})
    tally = tally_cell(corpus, corpus.transcripts[0], "t", "character", 0.9)
    marks = [_marks(c) for c in coders]
    expected = Counter((sum(m[i] for m in marks), 3) for i in range(N))
    assert +tally.patterns == +expected
    for (i, j), counts in tally.pairs.items():
        pairs = list(zip(marks[i], marks[j], strict=True))
        assert (counts.n11, counts.n10, counts.n01, counts.n00) == (
            pairs.count((1, 1)), pairs.count((1, 0)), pairs.count((0, 1)), pairs.count((0, 0)))
