"""Confidence intervals for the pooled agreement figures: a cluster bootstrap over
transcripts.

The units of one interview are not independent (a coding covers many neighbouring
characters or sentences at once), so the textbook standard errors, which treat every
unit as a draw of its own, give intervals far too narrow. Here whole transcripts are
resampled with replacement (the cluster bootstrap): each resample pools the theme's
counts of the transcripts drawn, as :func:`~qualcoder_ahp.agreement.compute.compute`
pools them, and the interval is the percentile interval of the figure over the
resamples. With the handful of double-coded interviews a qualitative study has it is
wide, and says so honestly. Plain Python; seeded, so a run repeats exactly.
"""

from __future__ import annotations

import math
import random
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from qualcoder_ahp.agreement import stats as st
from qualcoder_ahp.agreement.compute import Corpus, Tally, tally_cell, tally_stats
from qualcoder_ahp.records import plural

DRAWS = 1000
LEVEL = 0.95
SEED = 1
FEW = 10
"""Fewer transcripts than this make rough intervals, and :meth:`Intervals.said` says so."""
Bounds = tuple[float, float] | st.Undefined


@dataclass(frozen=True)
class Intervals:
    """Percentile intervals of the pooled figures, by theme id and for the pool."""

    keys: tuple[str, ...]
    """The figures given an interval: Cohen's kappa (Fleiss' with 3+ coders) and
    Krippendorff's alpha."""
    themes: dict[str, dict[str, Bounds]]
    overall: dict[str, Bounds]
    transcripts: int
    """The transcripts resampled (those compared)."""
    draws: int = DRAWS
    level: float = LEVEL
    seed: int = SEED

    def said(self) -> str:
        """How the intervals were made, in a sentence fit for a methods section."""
        return (f"{self.level:.0%} intervals: percentile cluster bootstrap over the "
                f"{plural(self.transcripts, 'transcript')} compared ({self.draws:,} "
                "resamples of "
                f"whole transcripts, seed {self.seed}); units within a transcript are not "
                "independent, so transcripts, not units, are resampled" + self._few())

    def _few(self) -> str:
        """With few transcripts, the warning a reader needs: from 4 of them only 35
        different resamples can be drawn (of 2, three), and a percentile interval from
        so few clusters comes out too narrow; the table printed it unqualified."""
        n = self.transcripts
        if not 2 <= n < FEW:
            return ""
        distinct = math.comb(2 * n - 1, n)
        return (f"; with only {n} transcripts ({distinct:,} different resamples) the "
                "intervals are rough and tend to be too narrow: read them as a guide, "
                f"not a test (dependable ones need {FEW} transcripts at the least)")


def interval_keys(coders: Sequence[str]) -> tuple[str, ...]:
    """The figures with an interval: kappa (Cohen's, or Fleiss' for 3+ coders), alpha."""
    return (("cohen_kappa" if len(coders) == 2 else "fleiss_kappa"), "krippendorff_alpha")


def cluster_intervals(corpus: Corpus, unit: str = "character", threshold: float = 0.9, *,
                      draws: int = DRAWS, level: float = LEVEL,
                      seed: int = SEED) -> Intervals:
    """Percentile intervals of each theme's pooled kappa and alpha, and the pool's.

    The transcripts resampled are those the pooled figures pool (with two coders, those
    both coded); a theme nobody coded in a resample has no figure there, and its
    interval is over the resamples where it has one (undefined when that is fewer than
    half of them).
    """
    keys = interval_keys(corpus.coders)
    k = len(corpus.coders)
    themes = [tid for tid, _ in corpus.themes]
    cells: list[dict[str, Tally]] = []  # one per transcript compared: theme -> tally
    for data in corpus.transcripts:
        row = {tid: tally_cell(corpus, data, tid, unit, threshold) for tid in themes}
        if any(t.units and not (k == 2 and t.missing) for t in row.values()):
            cells.append(row)
    n = len(cells)
    if n < 2:
        none = st.Undefined("fewer than two transcripts compared: no interval")
        return Intervals(keys, {tid: dict.fromkeys(keys, none) for tid in themes},
                         dict.fromkeys(keys, none), n, draws, level, seed)
    # The pool is over the themes someone coded in the whole data, as compute pools it
    # (a theme nobody coded adds only units both left alone).
    coded = {tid for tid in themes if any(_coded(row[tid]) for row in cells)}
    rng = random.Random(seed)
    found: dict[str, dict[str, list[float]]] = {tid: {key: [] for key in keys}
                                                for tid in [*themes, ""]}
    for _ in range(draws):
        # How often each transcript was drawn, in the order first drawn.
        drawn = Counter(rng.randrange(n) for _ in range(n))
        total = Tally(k)
        for tid in themes:
            pooled = _pool(k, [(cells[i][tid], times) for i, times in drawn.items()])
            values = tally_stats(pooled, corpus.coders)
            if tid in coded or not coded:
                total = total + pooled
            for key in keys:
                if isinstance(values.get(key), (int, float)):
                    found[tid][key].append(values[key])
        values = tally_stats(total, corpus.coders, pooled=True)
        for key in keys:
            if isinstance(values.get(key), (int, float)):
                found[""][key].append(values[key])
    bounds = {tid: {key: _percentile(found[tid][key], draws, level) for key in keys}
              for tid in found}
    overall = bounds.pop("")
    return Intervals(keys, bounds, overall, n, draws, level, seed)


def _pool(k: int, drawn: Sequence[tuple[Tally, int]]) -> Tally:
    """The sum of the tallies drawn, each ``times`` times: what adding them one by one
    (``Tally + Tally``) gives, counted in place (building a Tally for every addition was
    14 of the 18 s of ``qcahp agreement --ci`` on a study of 50 interviews)."""
    units = 0
    pairs: dict[tuple[int, int], list[int]] = {}
    patterns: Counter[tuple[int, int]] = Counter()
    for tally, times in drawn:
        units += times * tally.units
        for key, c in tally.pairs.items():
            got = pairs.setdefault(key, [0, 0, 0, 0])
            got[0] += times * c.n11
            got[1] += times * c.n10
            got[2] += times * c.n01
            got[3] += times * c.n00
        for key, w in tally.patterns.items():
            patterns[key] += times * w
    return Tally(k, units, {key: st.Counts2x2(*got) for key, got in pairs.items()},
                 +patterns)  # as Counter's + keeps them: the positive counts


def _coded(tally: Tally) -> bool:
    """Whether any coder coded a unit of the tally (the pool takes only such themes)."""
    return any(m for (m, _), w in tally.patterns.items() if w)


def _percentile(values: list[float], draws: int, level: float) -> Bounds:
    if len(values) * 2 < draws:
        return st.Undefined(f"undefined in {draws - len(values):,} of {draws:,} resamples")
    values.sort()
    low = values[max(0, math.floor((1 - level) / 2 * len(values)))]
    high = values[min(len(values) - 1, math.ceil((1 + level) / 2 * len(values)) - 1)]
    return low, high
