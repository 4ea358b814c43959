"""Agreement coefficients computed from counts, never from per-unit lists.

Everything here takes small count structures and returns floats or
:class:`Undefined`:

- :class:`Counts2x2` - the two-coder present/absent table of one theme
  (``n11`` both coded, ``n10`` only A, ``n01`` only B, ``n00`` neither), the
  figures NVivo and MAXQDA report;
- a q x q contingency table (two raters, any nominal categories) for
  :func:`table_stats`;
- *unit value counts* for any number of coders with missing values: a sequence of
  ``(counts_by_category, weight)`` pairs, one per distinct unit pattern, where
  ``weight`` is how many units share the pattern. A run of 10,000 characters coded
  by two of three coders is one pair ``({1: 2, 0: 1}, 10000)``, so corpus-sized
  data stays a handful of numbers.

A coefficient that cannot be computed (no units, or no variation at all so that
chance agreement is 1) is returned as ``Undefined(reason)``, rendered
``"undefined (reason)"``: never NaN and never a made-up 1.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

METRICS = ("nominal", "ordinal", "interval", "ratio")


@dataclass(frozen=True)
class Undefined:
    """A coefficient that has no value on these data, with the reason why."""

    reason: str

    def __str__(self) -> str:
        return f"undefined ({self.reason})"


Value = float | Undefined

NO_UNITS = "no units"
NEITHER_USED = "neither coder used the theme"
ALL_CODED = "every unit was coded by every coder"


def is_defined(value: Any) -> bool:
    """True for a number, False for :class:`Undefined` (or None)."""
    return isinstance(value, int | float) and not isinstance(value, bool)


def render(value: Any, digits: int = 3) -> str:
    """A value as text: a number at ``digits`` decimals, or ``undefined (reason)``."""
    if isinstance(value, Undefined):
        return str(value)
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return "" if value is None else str(value)


@dataclass(frozen=True)
class Counts2x2:
    """Two coders' present/absent counts for one theme over ``n`` units."""

    n11: int = 0
    """Units both coders coded with the theme."""
    n10: int = 0
    """Units only coder A coded."""
    n01: int = 0
    """Units only coder B coded."""
    n00: int = 0
    """Units neither coder coded."""

    @property
    def n(self) -> int:
        """All units."""
        return self.n11 + self.n10 + self.n01 + self.n00

    @property
    def n_a(self) -> int:
        """Units coder A coded."""
        return self.n11 + self.n10

    @property
    def n_b(self) -> int:
        """Units coder B coded."""
        return self.n11 + self.n01

    def __add__(self, other: Counts2x2) -> Counts2x2:
        return Counts2x2(self.n11 + other.n11, self.n10 + other.n10, self.n01 + other.n01,
                         self.n00 + other.n00)

    def table(self) -> list[list[int]]:
        """As a contingency table: rows coder A (coded, not), columns coder B."""
        return [[self.n11, self.n10], [self.n01, self.n00]]

    def units(self) -> list[tuple[dict[int, int], int]]:
        """As unit value counts (category 1 = coded, 0 = not) for the multi-coder functions."""
        return [(counts, w) for counts, w in (
            ({1: 2}, self.n11), ({1: 1, 0: 1}, self.n10 + self.n01), ({0: 2}, self.n00)) if w]

    def _degenerate(self) -> str:
        if self.n == 0:
            return NO_UNITS
        if self.n_a == 0 and self.n_b == 0:
            return NEITHER_USED
        if self.n00 == 0 and self.n10 == 0 and self.n01 == 0:
            return ALL_CODED
        return "no variation between units"


# --------------------------------------------------------------------------- two coders, 2x2


def percent_agreement(c: Counts2x2) -> Value:
    """Share of units on which the two coders agree, (n11 + n00) / n."""
    if c.n == 0:
        return Undefined(NO_UNITS)
    return (c.n11 + c.n00) / c.n


def cohen_kappa(c: Counts2x2) -> Value:
    """Cohen's kappa with NVivo's formula (identical to Cohen's on a 2x2 table).

    ``EF = (nA*nB + (n-nA)*(n-nB)) / n`` is the agreement expected by chance and
    ``kappa = (n11 + n00 - EF) / (n - EF)``.
    """
    n = c.n
    if n == 0:
        return Undefined(NO_UNITS)
    ef = (c.n_a * c.n_b + (n - c.n_a) * (n - c.n_b)) / n
    if math.isclose(n - ef, 0.0, abs_tol=1e-12 * n):
        return Undefined(c._degenerate())
    return (c.n11 + c.n00 - ef) / (n - ef)


def scott_pi(c: Counts2x2) -> Value:
    """Scott's pi: chance agreement from the coders' pooled proportions."""
    return _table_coefficients(c.table(), what="scott", reason=c._degenerate)


def brennan_prediger(c: Counts2x2, categories: int = 2) -> Value:
    """Brennan-Prediger (free-marginal) kappa, chance agreement 1/q (MAXQDA's chance model)."""
    if c.n == 0:
        return Undefined(NO_UNITS)
    return _free_marginal(percent_agreement(c), categories)  # type: ignore[arg-type]


def gwet_ac1(c: Counts2x2) -> Value:
    """Gwet's AC1: chance agreement from pooled proportions, robust to rare themes."""
    return _table_coefficients(c.table(), what="ac1", reason=c._degenerate)


def krippendorff_alpha_2x2(c: Counts2x2) -> Value:
    """Krippendorff's alpha (nominal) for two coders with no missing values."""
    if c.n == 0:
        return Undefined(NO_UNITS)
    result = krippendorff_alpha(c.units())
    if isinstance(result.alpha, Undefined):
        return Undefined(c._degenerate())
    return result.alpha


def positive_agreement(c: Counts2x2) -> Value:
    """Positive (specific) agreement 2*n11 / (2*n11 + n10 + n01); ignores uncoded units."""
    denominator = 2 * c.n11 + c.n10 + c.n01
    if denominator == 0:
        return Undefined(NO_UNITS if c.n == 0 else NEITHER_USED)
    return 2 * c.n11 / denominator


def jaccard(c: Counts2x2) -> Value:
    """Jaccard index n11 / (n11 + n10 + n01): overlap over union of the coded units."""
    denominator = c.n11 + c.n10 + c.n01
    if denominator == 0:
        return Undefined(NO_UNITS if c.n == 0 else NEITHER_USED)
    return c.n11 / denominator


def two_coder_stats(c: Counts2x2) -> dict[str, Value]:
    """Every two-coder coefficient of one 2x2 table, keyed by column name."""
    return {
        "percent_agreement": percent_agreement(c),
        "cohen_kappa": cohen_kappa(c),
        "scott_pi": scott_pi(c),
        "brennan_prediger": brennan_prediger(c),
        "gwet_ac1": gwet_ac1(c),
        "krippendorff_alpha": krippendorff_alpha_2x2(c),
        "positive_agreement": positive_agreement(c),
        "jaccard": jaccard(c),
    }


# --------------------------------------------------------------------------- two raters, q x q


def table_stats(table: Sequence[Sequence[float]]) -> dict[str, Value]:
    """Two-rater coefficients of a q x q contingency table (rows rater 1, columns rater 2).

    Returns ``p_observed``, ``p_chance`` (Cohen), ``kappa``, ``kappa_max`` (Cohen's
    maximum given the marginals), ``scott_pi``, ``brennan_prediger`` (with
    ``bp_chance`` = 1/q), ``gwet_ac1`` and ``krippendorff_alpha``.
    """
    q = len(table)
    n = float(sum(sum(row) for row in table))
    if n == 0:
        undefined = Undefined(NO_UNITS)
        return dict.fromkeys(("p_observed", "p_chance", "kappa", "kappa_max", "scott_pi",
                              "brennan_prediger", "bp_chance", "gwet_ac1",
                              "krippendorff_alpha"), undefined)
    rows = [sum(row) / n for row in table]
    cols = [sum(table[i][j] for i in range(q)) / n for j in range(q)]
    p_o = sum(table[i][i] for i in range(q)) / n
    p_c = sum(r * k for r, k in zip(rows, cols, strict=True))
    p_max = sum(min(r, k) for r, k in zip(rows, cols, strict=True))
    units: list[tuple[dict[int, int], float]] = []
    for i in range(q):
        for j in range(q):
            if table[i][j]:
                units.append(({i: 2} if i == j else {i: 1, j: 1}, table[i][j]))
    return {
        "p_observed": p_o,
        "p_chance": p_c,
        "kappa": _chance_corrected(p_o, p_c, "one category used by both raters"),
        "kappa_max": _chance_corrected(p_max, p_c, "one category used by both raters"),
        "scott_pi": _table_coefficients(table, what="scott"),
        "brennan_prediger": _free_marginal(p_o, q),
        "bp_chance": 1 / q,
        "gwet_ac1": _table_coefficients(table, what="ac1"),
        "krippendorff_alpha": krippendorff_alpha(units).alpha,
    }


def _table_coefficients(table: Sequence[Sequence[float]], *, what: str,
                        reason: Any = None) -> Value:
    q = len(table)
    n = float(sum(sum(row) for row in table))
    if n == 0:
        return Undefined(NO_UNITS)
    p_o = sum(table[i][i] for i in range(q)) / n
    pooled = [(sum(table[k]) + sum(table[i][k] for i in range(q))) / (2 * n) for k in range(q)]
    if what == "scott":
        p_e = sum(p * p for p in pooled)
    else:  # Gwet's AC1 chance agreement
        p_e = sum(p * (1 - p) for p in pooled) / (q - 1)
    why = reason() if callable(reason) else "one category used by both raters"
    return _chance_corrected(p_o, p_e, why)


def _chance_corrected(p_o: float, p_e: float, reason: str) -> Value:
    if math.isclose(1.0 - p_e, 0.0, abs_tol=1e-12):
        return Undefined(reason)
    return (p_o - p_e) / (1 - p_e)


def _free_marginal(p_o: float, categories: int) -> Value:
    if categories < 2:
        return Undefined("needs two or more categories")
    chance = 1 / categories
    return (p_o - chance) / (1 - chance)


# --------------------------------------------------------------------------- any number of coders

UnitCounts = Iterable[tuple[Mapping[Any, int], float]]


@dataclass(frozen=True)
class AlphaResult:
    """Krippendorff's alpha with its parts."""

    alpha: Value
    observed: float
    """D_o, the observed disagreement."""
    expected: float
    """D_e, the disagreement expected by chance."""
    pairable: float
    """n, the number of pairable values (values in units with two or more values)."""


def krippendorff_alpha(units: UnitCounts, metric: str = "nominal") -> AlphaResult:
    """Krippendorff's alpha from the coincidence matrix, any coders, missing values allowed.

    Args:
        units: ``(counts_by_value, weight)`` per unit pattern; units with fewer than
            two values are unpairable and ignored, as Krippendorff prescribes.
        metric: ``nominal``, ``ordinal``, ``interval`` or ``ratio`` (values must be
            numbers for the last three).
    """
    if metric not in METRICS:
        raise ValueError(f"unknown metric {metric!r}")
    coincidence: dict[tuple[Hashable, Hashable], float] = {}
    for counts, weight in units:
        m = sum(counts.values())
        if m < 2 or not weight:
            continue
        for c, n_c in counts.items():
            for k, n_k in counts.items():
                pairs = n_c * (n_k - 1) if c == k else n_c * n_k
                if pairs:
                    coincidence[c, k] = coincidence.get((c, k), 0.0) + weight * pairs / (m - 1)
    marginals: dict[Hashable, float] = {}
    for (c, _), o in coincidence.items():
        marginals[c] = marginals.get(c, 0.0) + o
    n = sum(marginals.values())
    if n < 2:
        return AlphaResult(Undefined("fewer than two pairable values"), 0.0, 0.0, n)
    delta = _metric(metric, marginals)
    observed = sum(o * delta(c, k) for (c, k), o in coincidence.items()) / n
    values = sorted(marginals, key=_sort_key)
    expected = sum(marginals[c] * marginals[k] * delta(c, k)
                   for c in values for k in values) / (n * (n - 1))
    if math.isclose(expected, 0.0, abs_tol=1e-15):
        return AlphaResult(Undefined("only one value was used"), observed, expected, n)
    return AlphaResult(1 - observed / expected, observed, expected, n)


def _sort_key(value: Hashable) -> tuple[int, Any]:
    return (0, value) if isinstance(value, int | float) else (1, str(value))


def _metric(metric: str, marginals: Mapping[Hashable, float]) -> Any:
    if metric == "nominal":
        return lambda c, k: 0.0 if c == k else 1.0
    if metric == "interval":
        return lambda c, k: float(c - k) ** 2  # type: ignore[operator]
    if metric == "ratio":
        return lambda c, k: 0.0 if c == k else ((c - k) / (c + k)) ** 2  # type: ignore[operator]
    ranks = sorted(marginals, key=_sort_key)
    position = {v: i for i, v in enumerate(ranks)}

    def ordinal(c: Any, k: Any) -> float:
        lo, hi = sorted((position[c], position[k]))
        between = sum(marginals[ranks[g]] for g in range(lo, hi + 1))
        return (between - (marginals[c] + marginals[k]) / 2) ** 2

    return ordinal


@dataclass(frozen=True)
class MultiRater:
    """Multi-rater figures that share one observed agreement (Fleiss / Gwet, missing allowed)."""

    percent_agreement: Value
    """P-bar: mean over units rated by two or more coders of the share of agreeing pairs."""
    fleiss_kappa: Value
    fleiss_chance: Value
    gwet_ac1: Value
    brennan_prediger: Value


def multi_rater(units: UnitCounts, categories: Sequence[Hashable] | None = None) -> MultiRater:
    """Fleiss' kappa, Gwet's AC1 and Brennan-Prediger for any number of coders.

    With every unit rated by the same number of coders this is Fleiss (1971); with
    missing ratings it is Gwet's generalisation (as in R irrCAC): agreement is
    averaged over units with two or more ratings, category proportions over all
    rated units.

    Args:
        units: ``(counts_by_category, weight)`` per unit pattern.
        categories: all categories (so q counts categories nobody used); by default
            the categories seen.
    """
    units = [(dict(c), w) for c, w in units if w and sum(c.values()) > 0]
    cats = list(categories) if categories is not None else sorted(
        {k for c, _ in units for k in c}, key=_sort_key)
    q = max(len(cats), 2)
    rated = sum(w for _, w in units)
    paired = [(c, w, sum(c.values())) for c, w in units if sum(c.values()) >= 2]
    paired_units = sum(w for _, w, _ in paired)
    if rated == 0 or paired_units == 0:
        undefined = Undefined(NO_UNITS if rated == 0 else "no unit has two ratings")
        return MultiRater(undefined, undefined, undefined, undefined, undefined)
    p_a = sum(w * sum(n * (n - 1) for n in c.values()) / (r * (r - 1))
              for c, w, r in paired) / paired_units
    share = dict.fromkeys(cats, 0.0)
    for c, w in units:
        r = sum(c.values())
        for k, n in c.items():
            share[k] = share.get(k, 0.0) + w * n / r
    pi = [s / rated for s in share.values()]
    p_fleiss = sum(p * p for p in pi)
    p_gwet = sum(p * (1 - p) for p in pi) / (q - 1)
    return MultiRater(
        percent_agreement=p_a,
        fleiss_kappa=_chance_corrected(p_a, p_fleiss, "only one category was used"),
        fleiss_chance=p_fleiss,
        gwet_ac1=_chance_corrected(p_a, p_gwet, "only one category was used"),
        brennan_prediger=_free_marginal(p_a, q),
    )


def fleiss_per_category(subject_counts: Sequence[Sequence[int]]) -> list[Value]:
    """Fleiss' (1971) kappa of each category, from subject x category counts (equal raters)."""
    m = sum(subject_counts[0])
    subjects = len(subject_counts)
    out: list[Value] = []
    for j in range(len(subject_counts[0])):
        p = sum(row[j] for row in subject_counts) / (subjects * m)
        if p in (0.0, 1.0):
            out.append(Undefined("category never or always used"))
            continue
        disagree = sum(row[j] * (m - row[j]) for row in subject_counts)
        out.append(1 - disagree / (subjects * m * (m - 1) * p * (1 - p)))
    return out


def specific_positive(units: UnitCounts) -> Value:
    """Positive agreement for any number of coders (Uebersax's specific agreement).

    The share of coder pairs agreeing that a unit is coded, among all pairs in
    which at least the first coder coded it; equals 2*n11/(2*n11+n10+n01) for two.
    """
    num = den = 0.0
    for counts, w in units:
        r = sum(counts.values())
        yes = counts.get(1, 0)
        num += w * yes * (yes - 1)
        den += w * yes * (r - 1)
    if den == 0:
        return Undefined(NEITHER_USED)
    return num / den


def mean_defined(values: Iterable[Any]) -> tuple[Value, int, int]:
    """Mean of the defined values; returns (mean, how many defined, how many undefined)."""
    items = list(values)
    got = [float(v) for v in items if is_defined(v)]
    mean: Value = sum(got) / len(got) if got else Undefined("no defined value")
    return mean, len(got), len(items) - len(got)
