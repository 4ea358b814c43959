"""Krippendorff's (2004) unitizing alpha, u-alpha, for coders who mark spans of a continuum.

The present/absent coefficients of :mod:`stats` compare coders unit by unit; u-alpha
instead compares where the coded stretches *begin and end*: each coder's continuum
(a transcript, for one theme) is cut into coded sections (``w = 1``) and gaps
(``w = 0``), and two coders' sections are compared by

- overlapping coded sections: ``(b_g - b_h)^2 + (e_g - e_h)^2``;
- a coded section lying wholly inside the other coder's gap: its length squared;
- anything else: 0.

``D_o`` sums these over ordered coder pairs divided by ``m(m-1)L^2``; ``D_e`` is
Krippendorff's (2004, section 11.6) expected disagreement. Overall u-alpha over
several themes is ``1 - sum D_o / sum D_e``. The definition follows Krippendorff
(2004, p. 251-256) as implemented by DKPro Statistics; the 2016 revision used by
ATLAS.ti is a different coefficient (see ``docs/agreement.md``).

Sections are handled as sorted lists with bisect and prefix sums, so the cost grows
with the number of codings, not characters.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Sequence
from dataclasses import dataclass

from qualcoder_ahp.agreement.intervals import Interval, merge
from qualcoder_ahp.agreement.stats import Undefined, Value


@dataclass(frozen=True)
class UnitizingResult:
    """u-alpha of one category (or pooled) with its two disagreements."""

    alpha: Value
    observed: float
    expected: float


def _sections(spans: Sequence[Interval], begin: int, end: int) -> tuple[list[Interval],
                                                                         list[Interval]]:
    """A coder's coded sections and gaps over [begin, end)."""
    units = [(max(s, begin), min(e, end)) for s, e in merge(spans) if min(e, end) > max(s, begin)]
    gaps: list[Interval] = []
    pos = begin
    for s, e in units:
        if s > pos:
            gaps.append((pos, s))
        pos = e
    if pos < end:
        gaps.append((pos, end))
    return units, gaps


def _pair_observed(units_i: list[Interval], gaps_i: list[Interval],
                   units_j: list[Interval], gaps_j: list[Interval]) -> float:
    """Sum of section distances of coder i against coder j (one direction)."""
    total = 0.0
    ends_j = [e for _, e in units_j]
    for b, e in units_i:
        # Overlapping coded sections of j: those ending after b and starting before e.
        k = bisect.bisect_right(ends_j, b)
        while k < len(units_j) and units_j[k][0] < e:
            bj, ej = units_j[k]
            total += (b - bj) ** 2 + (e - ej) ** 2
            k += 1
    for units_a, gaps_b in ((units_i, gaps_j), (units_j, gaps_i)):
        starts = [s for s, _ in gaps_b]
        for b, e in units_a:
            k = bisect.bisect_right(starts, b) - 1
            if k >= 0 and gaps_b[k][1] >= e:
                total += (e - b) ** 2
    return total


def unitizing_alpha(coders: Sequence[Sequence[Interval]], begin: int, end: int) -> UnitizingResult:
    """u-alpha (Krippendorff 2004) of one category over the continuum [begin, end).

    Args:
        coders: each coder's coded spans of this category (half-open, may overlap).
        begin: start of the continuum.
        end: end of the continuum.
    """
    m = len(coders)
    length = end - begin
    if m < 2 or length <= 0:
        reason = "needs two or more coders" if m < 2 else "empty continuum"
        return UnitizingResult(Undefined(reason), 0.0, 0.0)
    sections = [_sections(spans, begin, end) for spans in coders]
    observed = 0.0
    for i in range(m):
        for j in range(i + 1, m):
            # Section distance is symmetric, so the (j, i) direction equals (i, j).
            observed += 2 * _pair_observed(*sections[i], *sections[j])
    observed /= m * (m - 1) * length**2
    unit_lengths = [e - s for units, _ in sections for s, e in units]
    gap_lengths = sorted(e - s for _, gaps in sections for s, e in gaps)
    if not unit_lengths:
        return UnitizingResult(Undefined("no coder used the category"), observed, 0.0)
    # Prefix sums let each unit find the gaps at least as long as itself in O(log G).
    suffix_len = [0] * (len(gap_lengths) + 1)
    for k in range(len(gap_lengths) - 1, -1, -1):
        suffix_len[k] = suffix_len[k + 1] + gap_lengths[k]
    n_units = len(unit_lengths)
    numerator = 0.0
    for lu in unit_lengths:
        k = bisect.bisect_left(gap_lengths, lu)
        count = len(gap_lengths) - k
        fitting = suffix_len[k] - count * (lu - 1)
        numerator += (n_units - 1) / 3 * (2 * lu**3 - 3 * lu**2 + lu) + lu**2 * fitting
    numerator *= 2 / length
    denominator = m * length * (m * length - 1) - sum(lu * (lu - 1) for lu in unit_lengths)
    expected = numerator / denominator if denominator else 0.0
    if math.isclose(expected, 0.0, abs_tol=1e-15):
        return UnitizingResult(Undefined("no expected disagreement"), observed, expected)
    return UnitizingResult(1 - observed / expected, observed, expected)


def pooled_unitizing_alpha(results: Sequence[UnitizingResult]) -> Value:
    """Overall u-alpha over categories: 1 - sum D_o / sum D_e."""
    expected = sum(r.expected for r in results)
    if math.isclose(expected, 0.0, abs_tol=1e-15):
        return Undefined("no expected disagreement")
    return 1 - sum(r.observed for r in results) / expected
