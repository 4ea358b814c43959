"""Thematic saturation: did the interviews stop bringing new themes?

Two standard, citable views of one ordered list of cases:

- **The curve** (Guest, Bunce and Johnson 2006, *Field Methods* 18:59-82): per case in
  order, the themes coded there for the first time, and the cumulative number and
  share of all the themes found.
- **Guest, Namey and Chen (2020)**, "A simple method to assess and report thematic
  saturation in qualitative research", *PLoS ONE* 15(5): e0232076. The *base* is the
  first ``base`` cases (default 4) and its unique themes; a *run* is ``run`` cases in a
  row (default 2), the first one right after the base, then moved on one case at a
  time. A run's new information is the number of themes first seen in it (not in any
  case before it), as a share of the base's themes (the denominator stays the base's).
  Saturation is reached at the first run whose share is at most the *new information
  threshold* (default 5%; 0% is reported too), and is reported as the case count at
  the run's end: "saturation at 8 interviews (base 4, run 2, new information 0%)".

A **case** is a participant with all their chosen transcripts (every version), or a
transcript with no participant, as in the framework matrix
(:meth:`~qualcoder_ahp.model.store.Store.framework_cases`); ``unit="transcript"``
makes each interview a case of its own (two versions of one interview are one).
Cases with no coding in the snapshot are left out and named (most are not coded
yet: counting them would read as "no new themes"). A theme is **present** in a case
when the case has at least ``min_codings`` coded passages of it (overlapping codings,
by one coder or two, are one passage, as ``counts``' segments). Themes are counted as
coded; with ``level`` a coding counts for its ancestor at that depth of the codebook
tree (1: the top-level themes). Coder choice, ``--transcript``/``--where`` and retired
themes are the snapshot's (:class:`~qualcoder_ahp.reports.data.ReportData`), as in
every report; a merged theme's codings are the theme they went to.

**Pooled coders.** A snapshot of the pooled codings (``coder=None``) is pooled: a theme
is present in a case when any coder pooled coded it there. ``coders`` pools exactly those
coders (``qcahp saturation --coders ana,ben``); without it the pool is every report's
default (:func:`~qualcoder_ahp.reports.data.left_out_of_pool`): every coder but a
consensus coder, whose codings are named as left out (``--consensus`` assesses them).
The consensus is the coders' codings taken, joined or dropped: pooled with them it adds
no theme a coder did not code, but its spans are passages too, so ``min_codings`` would
count the reconciliation's passages beside the coders', and it read as one more coder in
the coverage note.

**Order** matters, so cases come in import order (a case's first transcript), in the
order of a participant attribute (dates and numbers as such, cases without it last),
or in an order given; and ``orders`` random orders (seeded) give the median and the
5th-95th percentile of the case count at saturation, and how many never reach it.

The verdicts in words and the files (sheets, JSON, Markdown, Word) are
:mod:`qualcoder_ahp.reports.saturation_output`; the chart is
:func:`qualcoder_ahp.reports.charts.saturation_chart`.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from qualcoder_ahp.errors import UserError, closest
from qualcoder_ahp.records import plural
from qualcoder_ahp.reports.data import NO_VALUE, Progress, ReportData, value_order
from qualcoder_ahp.reports.selection import Selection
from qualcoder_ahp.reports.spans import merge

UNITS = ("participant", "transcript")
BASE, RUN, THRESHOLD, ORDERS, SEED = 4, 2, 5.0, 1000, 1
"""Guest et al.'s defaults (base 4, run 2, at most 5% new information); random orders."""
CITATION = ("Guest G, Namey E, Chen M (2020) A simple method to assess and report "
            "thematic saturation in qualitative research. PLoS ONE 15(5): e0232076")
DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%d/%m/%Y", "%m/%d/%Y", "%d.%m.%Y", "%d-%m-%Y",
                "%d %B %Y", "%d %b %Y", "%B %d, %Y", "%b %d, %Y", "%B %Y", "%b %Y", "%Y-%m")
"""Dates an ``--order-by`` attribute may hold, in any mix (a team types them as each
likes: ``2024-03-05``, ``05/03/2024``, ``5 March 2024``). Numeric dates with ``/`` are
read day first (UK) unless one of them can only be month first (``03/25/2024``)."""


@dataclass(frozen=True)
class Step:
    """One case at its place in the order."""

    position: int
    case: str
    kind: str
    """``participant`` or ``transcript`` (its own case)."""
    transcripts: tuple[str, ...]
    themes: tuple[str, ...]
    """The themes present in the case, in codebook order."""
    new: tuple[str, ...]
    """Of those, the ones no earlier case has."""
    cumulative: int
    cumulative_pct: float | None
    """Share of every theme found in all the cases."""
    order_value: str | None = None
    """The ``--order-by`` attribute's value (``None``: the case has none)."""


@dataclass(frozen=True)
class Run:
    """``run`` cases in a row after the base, and the themes first seen in them."""

    first: int
    last: int
    new: tuple[str, ...]
    pct_of_base: float | None
    """``100 × len(new) / the base's themes`` (``None`` when the base has none)."""

    @property
    def label(self) -> str:
        return f"{self.first}-{self.last}" if self.last > self.first else str(self.first)


@dataclass(frozen=True)
class Verdict:
    """Where one new-information threshold is met (``at``: the case count)."""

    threshold: float
    at: int | None
    run: Run | None
    text: str


@dataclass(frozen=True)
class OrdersResult:
    """The case count at saturation over random orders, for one threshold."""

    threshold: float
    reached: int
    never: int
    median: int | None
    """``None``: not reached (more than half the orders never reach it)."""
    p5: int | None
    p95: int | None


@dataclass
class Saturation:
    """The curve, the runs, the verdicts and the random orders of one assessment."""

    unit: str
    coder: str | None
    base: int
    run: int
    thresholds: tuple[float, ...]
    min_codings: int
    level: int | None
    theme: str | None
    order: str
    """How the cases are ordered, in words: ``import order``, ``interview_date``..."""
    steps: list[Step]
    runs: list[Run]
    base_themes: int
    total_themes: int
    verdicts: list[Verdict]
    reason: str = ""
    """Why saturation cannot be assessed (``""``: it can)."""
    names: dict[str, str] = field(default_factory=dict)
    """Theme id -> path, for the themes found."""
    orders: list[OrdersResult] = field(default_factory=list)
    order_count: int = 0
    seed: int = SEED
    uncoded: list[str] = field(default_factory=list)
    """Cases chosen that have no coding in the snapshot, left out."""
    unordered: list[str] = field(default_factory=list)
    """Cases without the ``--order-by`` attribute, put last."""
    not_dates: list[str] = field(default_factory=list)
    """``--order-by`` values that are not dates when others are (so all sort as text)."""
    order_attribute: str | None = None
    selection: Selection | None = None
    coverage: dict[str, int] = field(default_factory=dict)
    """Pooled coders who coded different cases: the cases each coded (else empty)."""
    coders: tuple[str, ...] = ()
    """The coders pooled by ``coders`` (``--coders``); empty: not chosen."""
    not_pooled: tuple[str, ...] = ()
    """Consensus coders with codings in the selection that the pool of every coder left
    out."""

    @property
    def noun(self) -> str:
        """What a case is: ``participant``, ``interview``, or ``case`` for a mix (a
        participant's interviews beside a transcript with no participant)."""
        if self.unit == "transcript":
            return "interview"
        return "participant" if all(s.kind == "participant" for s in self.steps) else "case"


@dataclass(frozen=True)
class _Unit:
    case: str
    kind: str
    ids: tuple[int, ...]
    participant: str | None


# --------------------------------------------------------------------------- cases
def _units(data: ReportData, unit: str) -> list[_Unit]:
    """The cases among the chosen transcripts, in import order (first transcript)."""
    if unit not in UNITS:
        raise UserError(f"unknown unit {unit!r} (use participant or transcript)")
    out = []
    if unit == "participant":
        for case in data.store.framework_cases():
            ids = tuple(t for t in case.transcripts if t in data.transcripts)
            if ids:
                out.append(_Unit(case.name, case.kind, ids,
                                 case.name if case.kind == "participant" else None))
    else:
        groups: dict[str, list[int]] = {}
        for t in data.transcripts.values():
            groups.setdefault(t.name, []).append(t.id)
        for name, ids in groups.items():
            latest = max(ids, key=lambda i: data.transcripts[i].version)
            out.append(_Unit(name, "transcript", tuple(sorted(ids)),
                             data.transcripts[latest].participant))
    return sorted(out, key=lambda u: min(u.ids))


def _presence(data: ReportData, units: list[_Unit], theme: str | None, level: int | None,
              min_codings: int) -> dict[str, set[str]]:
    """Each coded case's themes present (at least ``min_codings`` passages)."""
    wanted = set(data.selected_themes(theme))
    case_of = {t: u.case for u in units for t in u.ids}
    target: dict[str, str] = {}
    spans: dict[tuple[str, str], dict[int, list[tuple[int, int]]]] = {}
    coded: dict[str, set[str]] = {}
    for c in data.codings:
        case = case_of.get(c.transcript_id)
        if case is None or c.theme_id not in wanted:
            continue
        coded.setdefault(case, set())
        if c.theme_id not in target:
            up = [a for a in data.ancestors(c.theme_id)
                  if a in wanted and level is not None and data.depth(a) >= level - 1]
            target[c.theme_id] = up[-1] if up else c.theme_id
        key = (case, target[c.theme_id])
        spans.setdefault(key, {}).setdefault(c.transcript_id, []).append((c.start, c.end))
    for (case, theme_id), by_transcript in spans.items():
        if sum(len(merge(s)) for s in by_transcript.values()) >= min_codings:
            coded[case].add(theme_id)
    return coded


def _date_key(values: list[str]) -> dict[str, Any] | None:
    """Each value as a date, when every one is a date in one of :data:`DATE_FORMATS` (the
    formats may differ from value to value, but not day and month first); else ``None``."""
    day_first = [f for f in DATE_FORMATS if f != "%m/%d/%Y"]
    month_first = [f for f in DATE_FORMATS if f != "%d/%m/%Y"]
    for formats in (day_first, month_first):
        dates = {v: _date(v.strip(), formats) for v in values}
        if None not in dates.values():
            return dates
    return None


def _date(value: str, formats: list[str]) -> datetime | None:
    """``value`` read with the first of ``formats`` it fits (or as ISO 8601), else ``None``."""
    for fmt in formats:
        try:
            return datetime.strptime(value, fmt)
        except ValueError:
            continue
    try:
        return datetime.fromisoformat(value).replace(tzinfo=None)
    except ValueError:
        return None


def _ordered(data: ReportData, units: list[_Unit], order_by: str | None,
             order: Sequence[str]) -> tuple[list[_Unit], dict[str, str], list[str], str]:
    """The cases in the order asked: ``(cases, value by case, cases lacking it, words)``."""
    if order_by and order:
        raise UserError("give either --order-by or --order, not both")
    if order:
        by_name = {u.case: u for u in units}
        wanted = [n.strip() for part in order for n in part.split(",") if n.strip()]
        for name in wanted:
            if name not in by_name:
                close = closest(name, by_name)
                hint = f"; did you mean {close!r}?" if close else ""
                raise UserError(f"--order: no case {name!r} among those chosen{hint} "
                                f"(cases: {', '.join(u.case for u in units[:12])}"
                                f"{' ...' if len(units) > 12 else ''})")
        twice = sorted({n for n in wanted if wanted.count(n) > 1})
        if twice:
            raise UserError(f"--order names {', '.join(twice)} more than once")
        missing = [u.case for u in units if u.case not in wanted]
        if missing:
            raise UserError(f"--order leaves out {plural(len(missing), 'case')}: "
                            f"{', '.join(missing[:12])}{' ...' if len(missing) > 12 else ''} "
                            "(name every case, or choose some with --transcript or --where)")
        return [by_name[n] for n in wanted], {}, [], "the order given"
    if not order_by:
        return units, {}, [], "import order"
    attribute = data.resolve_attribute(order_by)
    values = {u.case: data.participants.get(u.participant or "", {}).get(attribute, "")
              for u in units}
    values = {k: v for k, v in values.items() if v.strip() and v != NO_VALUE}
    dates = _date_key(list(set(values.values()))) if values else None
    if dates is not None:
        rank = {v: i for i, v in enumerate(sorted(dates, key=lambda v: (dates[v], v)))}
    else:  # numbers as numbers, else text with its digits as numbers
        rank = {v: i for i, v in enumerate(value_order(values.values()))}
    lacking = [u.case for u in units if u.case not in values]
    ranked = sorted((u for u in units if u.case in values), key=lambda u: rank[values[u.case]])
    return (ranked + [u for u in units if u.case in lacking], values, lacking,
            f"order of {attribute}")


# --------------------------------------------------------------------------- method
def _runs(news: list[int], base: int, run: int) -> list[tuple[int, int, int]]:
    """``(first, last, new themes)`` of every run, 1-based, from the new themes per case."""
    return [(s + 1, s + run, sum(news[s:s + run])) for s in range(base, len(news) - run + 1)]


def meets(new: int, base_themes: int, threshold: float) -> bool:
    """Whether ``new`` themes are at most ``threshold`` % of the base's (none: never)."""
    return base_themes > 0 and new * 100 <= threshold * base_themes


def first_saturation(news: list[int], base: int, run: int, threshold: float) -> int | None:
    """The case count at the end of the first run meeting ``threshold`` (``None``: none).

    ``news`` holds the number of themes first seen in each case, in order; the base's
    themes are the sum of its first ``base``.
    """
    base_themes = sum(news[:base])
    for _first, last, new in _runs(news, base, run):
        if meets(new, base_themes, threshold):
            return last
    return None


def _percentile(sorted_counts: list[float], p: float) -> int | None:
    """The nearest-rank percentile (``inf``, never reached, reads ``None``)."""
    value = sorted_counts[max(0, math.ceil(p / 100 * len(sorted_counts)) - 1)]
    return None if value == math.inf else int(value)


def random_orders(themes: list[set[str]], base: int, run: int,
                  thresholds: Sequence[float], orders: int, seed: int,
                  progress: Progress | None = None) -> list[OrdersResult]:
    """Saturation over ``orders`` random orders of the cases (``random.Random(seed)``),
    saying ``progress(done, orders)`` every 500 orders."""
    index = {t: i for i, t in enumerate(sorted(set().union(*themes)))}
    masks = [sum(1 << index[t] for t in s) for s in themes]
    rng = random.Random(seed)
    at: dict[float, list[float]] = {t: [] for t in thresholds}
    order = list(range(len(masks)))
    for done in range(1, orders + 1):
        rng.shuffle(order)
        seen, news = 0, []
        for k in order:
            news.append((masks[k] & ~seen).bit_count())
            seen |= masks[k]
        for t in thresholds:
            found = first_saturation(news, base, run, t)
            at[t].append(math.inf if found is None else found)
        if progress is not None and (done % 500 == 0 or done == orders):
            progress(done, orders)
    out = []
    for t in thresholds:
        counts = sorted(at[t])
        never = sum(1 for c in counts if c == math.inf)
        out.append(OrdersResult(t, len(counts) - never, never, _percentile(counts, 50),
                                _percentile(counts, 5), _percentile(counts, 95)))
    return out


def pct(threshold: float) -> str:
    """``5%``, ``2.5%``."""
    return f"{threshold:g}%"


def saturation(data: ReportData, *, coders: Sequence[str] | None = None,
               unit: str = "participant", base: int = BASE, run: int = RUN,
               threshold: float = THRESHOLD, min_codings: int = 1,
               level: int | None = None, theme: str | None = None,
               order_by: str | None = None, order: Sequence[str] = (),
               orders: int = ORDERS, seed: int = SEED,
               progress: Progress | None = None) -> Saturation:
    """Assess thematic saturation over the snapshot's cases (see the module's docstring).

    ``coders``: pool exactly these coders' codings, from a snapshot of every coder's
    (``None``: every coder's but a consensus coder's; ignored for one coder's snapshot).

    Raises:
        UserError: a bad base, run, threshold or level; an unknown theme or attribute; an
            ``order`` naming an unknown case, a case twice, or leaving one out.
    """
    if base < 1 or run < 1:
        raise UserError("--base and --run must be at least 1 case")
    if not 0 <= threshold <= 100:
        raise UserError(f"--threshold must be between 0 and 100 (%), not {threshold:g}")
    thresholds = (threshold,) if threshold == 0 else (threshold, 0.0)
    deepest = 1 + max((data.depth(t.id) for t in data.themes), default=0)
    if level is not None and level > deepest:
        # Else "11 themes at level 7 found": the themes as coded, under a level's name.
        raise UserError(f"--level {level}: the codebook's themes go {deepest} "
                        f"level{'s' if deepest > 1 else ''} deep (1: the top-level themes)")
    data = data.pooled(coders)  # the rule of every report (reports.data.left_out_of_pool)
    units = _units(data, unit)
    present = _presence(data, units, theme, level, max(1, min_codings))
    units, values, lacking, how = _ordered(data, units, order_by, order)
    uncoded = [u.case for u in units if u.case not in present]
    units = [u for u in units if u.case in present]
    rank = {t.id: i for i, t in enumerate(data.themes)}
    labels = {t.id: t.label for t in data.transcripts.values()}
    found = set().union(*present.values()) if present else set()
    seen: set[str] = set()
    steps = []
    for k, u in enumerate(units, start=1):
        mine = sorted(present[u.case], key=rank.__getitem__)
        new = tuple(t for t in mine if t not in seen)
        seen.update(new)
        steps.append(Step(k, u.case, u.kind, tuple(labels[i] for i in u.ids), tuple(mine),
                          new, len(seen), 100.0 * len(seen) / len(found) if found else None,
                          values.get(u.case) if order_by else None))
    news = [len(s.new) for s in steps]
    base_themes = sum(news[:base])
    runs = [Run(first, last, tuple(t for s in steps[first - 1:last] for t in s.new),
                100.0 * new / base_themes if base_themes else None)
            for first, last, new in _runs(news, base, run)]
    sat = Saturation(unit, data.coder, base, run, thresholds, max(1, min_codings), level,
                     theme, how, steps, runs, base_themes, len(found), [],
                     names={t: data.path(t) for t in found}, order_count=0, seed=seed,
                     uncoded=uncoded, unordered=[c for c in lacking if c in present],
                     order_attribute=how.removeprefix("order of ") if order_by else None,
                     selection=data.selection,
                     coders=tuple(coders) if data.coder is None and coders is not None
                     else (), not_pooled=data.not_pooled)
    if order_by and values and _date_key(list(values.values())) is None:
        day_first = [f for f in DATE_FORMATS if f != "%m/%d/%Y"]
        odd = sorted({v for v in values.values() if _date(v.strip(), day_first) is None})
        if 2 * len(odd) <= len(set(values.values())):  # most are dates: a slip
            sat.not_dates = odd
    if data.coder is None:
        sat.coverage = _coverage(data, units)
    sat.reason = _reason(sat)
    sat.verdicts = [_verdict(sat, t) for t in thresholds]
    if not sat.reason and orders > 0:
        sat.orders = random_orders([present[u.case] for u in units], base, run,
                                   thresholds, orders, seed, progress)
        sat.order_count = orders
    return sat


def _coverage(data: ReportData, units: list[_Unit]) -> dict[str, int]:
    """The cases each coder coded, when the coders pooled did not all code the same
    cases (a case then holds the themes of whoever coded it); else ``{}``."""
    case_of = {t: u.case for u in units for t in u.ids}
    cases: dict[str, set[str]] = {}
    for c in data.codings:
        if c.transcript_id in case_of:
            cases.setdefault(c.coder, set()).add(case_of[c.transcript_id])
    if len(cases) < 2 or len({frozenset(v) for v in cases.values()}) == 1:
        return {}
    return {coder: len(v) for coder, v in sorted(cases.items())}


def _reason(sat: Saturation) -> str:
    """Why the method cannot be applied, or ``""``."""
    n, need = len(sat.steps), sat.base + sat.run
    if n == 0:
        return "no case is coded in this selection, so there are no themes to follow"
    if n < need:
        return (f"{plural(n, 'coded case')}: the method needs at least base + run = "
                f"{need} ({sat.base} + {sat.run}); code more interviews, or give a smaller "
                "--base or --run")
    if sat.base_themes == 0:
        return (f"the base (cases 1-{sat.base}) has no theme present, so new information "
                "cannot be a share of it")
    return ""


def _verdict(sat: Saturation, threshold: float) -> Verdict:
    """The verdict line for one threshold (Guest et al.'s "base + run" wording)."""
    head = f"Saturation (new information ≤ {pct(threshold)})"
    if sat.reason:
        return Verdict(threshold, None, None, f"Saturation cannot be assessed: {sat.reason}.")
    for r in sat.runs:
        if meets(len(r.new), sat.base_themes, threshold):
            return Verdict(threshold, r.last, r, (
                f"{head}: reached at {r.last} {sat.noun}s (base {sat.base}, run {sat.run}, "
                f"new information {r.pct_of_base:.1f}%): run {r.label} brought "
                f"{plural(len(r.new), 'new theme')}, of the base's {sat.base_themes}."
                + _after(sat, r.last)))
    last = sat.runs[-1]
    return Verdict(threshold, None, None, (
        f"{head}: not reached in {len(sat.steps)} {sat.noun}s: the last run, "
        f"{last.label}, brought {plural(len(last.new), 'new theme')} "
        f"({last.pct_of_base:.1f}% of the base's {sat.base_themes})."))


def _after(sat: Saturation, last: int) -> str:
    """`` After it, participants 6 and 7 still brought 3 new themes.``: the method stops
    at the first run that meets the threshold, so say what the cases after it brought
    (``""``: nothing new)."""
    later = [s for s in sat.steps[last:] if s.new]
    if not later:
        return ""
    where = [str(s.position) for s in later]
    cases = (where[0] if len(where) == 1 else
             f"{', '.join(where[:-1])} and {where[-1]}" if len(where) <= 5 else
             f"{', '.join(where[:4])} and {len(where) - 4} more")
    return (f" After it, {sat.noun}{'s' if len(later) > 1 else ''} {cases} still brought "
            f"{plural(sum(len(s.new) for s in later), 'new theme')}.")


__all__ = ["BASE", "CITATION", "ORDERS", "RUN", "SEED", "THRESHOLD", "UNITS",
           "OrdersResult", "Run", "Saturation", "Step", "Verdict", "first_saturation",
           "meets", "pct", "random_orders", "saturation"]
