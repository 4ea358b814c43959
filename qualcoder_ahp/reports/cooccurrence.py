"""Co-occurrence of themes: how often two themes overlap or share a sentence or turn.

Units (``--unit``):

- ``overlap``: the number of separate stretches of text coded with both themes
  (the intersection of the two themes' merged spans, counted as disjoint pieces).
  The diagonal is the theme's number of segments (merged passages).
- ``sentence`` / ``turn``: the number of stored sentences / speaker turns that
  overlap at least one coding of each theme. The diagonal is the number of
  sentences / turns the theme touches.

Parents are rolled up (a parent's spans are the union of its descendants'), and a
theme paired with its own ancestor or descendant is left empty (``None``): it
co-occurs by construction. Without a coder, all coders' codings are pooled.
Only themes with at least one coding are listed.
"""

from __future__ import annotations

import shlex
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import combinations

from qualcoder_ahp.errors import UserError
from qualcoder_ahp.reports.data import Progress, ReportData
from qualcoder_ahp.reports.spans import Span, intersect, merge

UNITS = ("overlap", "sentence", "turn")


@dataclass(frozen=True)
class Cooccurrence:
    """A symmetric theme × theme matrix of co-occurrence counts."""

    unit: str
    coder: str | None
    theme_ids: list[str]
    paths: list[str]
    depths: list[int]
    cells: list[list[int | None]]
    """``cells[i][j]``; ``None`` where one theme is an ancestor of the other."""
    not_pooled: tuple[str, ...] = ()
    """The consensus coders the pooled default left out (named in titles)."""


def _units_touched(spans: list[Span], units: list[Span], starts: list[int]) -> set[int]:
    """Indexes of the units (sorted, disjoint) that overlap any of the spans."""
    hit: set[int] = set()
    for start, end in spans:
        i = max(bisect_right(starts, start) - 1, 0)
        while i < len(units) and units[i][0] < end:
            if units[i][1] > start:
                hit.add(i)
            i += 1
    return hit


def cooccurrence(
    data: ReportData, *, unit: str = "overlap", theme: str | None = None,
    progress: Progress | None = None,
) -> Cooccurrence:
    """Count co-occurrences of every pair of coded themes.

    Raises:
        UserError: unknown unit or theme.
    """
    if unit not in UNITS:
        raise UserError(f"unknown unit {unit!r} (use {', '.join(UNITS)})")
    wanted = data.selected_themes(theme)
    wanted_set = set(wanted)
    used = {a for c in data.codings for a in data.ancestors(c.theme_id)} & wanted_set
    ids = [t for t in wanted if t in used]
    index = {t: i for i, t in enumerate(ids)}
    cells: list[list[int | None]] = [[0] * len(ids) for _ in ids]
    for i, a in enumerate(ids):
        for j, b in enumerate(ids):
            if i != j and (a in data.ancestors(b) or b in data.ancestors(a)):
                cells[i][j] = None
    unit_spans: dict[int, list[Span]] = {}
    if unit == "sentence":
        unit_spans = {tid: [(s.start, s.end) for s in ss]
                      for tid, ss in data.store.report_sentences().items()}
    elif unit == "turn":
        unit_spans = {tid: [(t.start, t.end) for t in ts]
                      for tid, ts in data.store.report_turns().items()}
    for transcript, _text, codings in data.by_transcript(progress=progress):
        raw: dict[str, list[Span]] = {}
        for c in codings:
            for a in data.ancestors(c.theme_id):
                if a in index:
                    raw.setdefault(a, []).append((c.start, c.end))
        merged = {t: merge(s) for t, s in raw.items()}
        if unit == "overlap":
            for t, spans in merged.items():
                _add(cells, index[t], index[t], len(spans))
            for a, b in combinations(sorted(merged, key=index.__getitem__), 2):
                if cells[index[a]][index[b]] is not None:
                    n = len(intersect(merged[a], merged[b]))
                    _add(cells, index[a], index[b], n)
                    _add(cells, index[b], index[a], n)
            continue
        units = unit_spans.get(transcript.id, [])
        starts = [u[0] for u in units]
        touched = {t: _units_touched(spans, units, starts) for t, spans in merged.items()}
        for t, hit in touched.items():
            _add(cells, index[t], index[t], len(hit))
        for a, b in combinations(sorted(touched, key=index.__getitem__), 2):
            if cells[index[a]][index[b]] is not None:
                n = len(touched[a] & touched[b])
                _add(cells, index[a], index[b], n)
                _add(cells, index[b], index[a], n)
    return Cooccurrence(unit, data.coder, ids, [data.path(t) for t in ids],
                        [data.depth(t) for t in ids], cells, data.not_pooled)


def passages_command(unit: str, coder: str | None = None, consensus: bool = False,
                     transcripts: Iterable[str] = (), where: Iterable[str] = ()) -> str:
    """The sentence under a co-occurrence table naming the ``qcahp quotes`` command that
    lists the passages behind a cell, with the same unit, coder and transcripts: its
    ROW theme's codings near a coding of its COLUMN theme (``--near overlap``: a cell
    counts the stretches both cover, the command lists the codings of ROW that meet them).
    The command is on a line of its own, with no full stop after it, so that a copy of the
    line runs as it is."""
    given = [*(["--coder", coder] if coder else []), *(["--consensus"] if consensus else []),
             *(a for t in transcripts for a in ("--transcript", t)),
             *(a for w in where for a in ("--where", w))]
    return ("A cell's passages (ROW and COLUMN: the two themes' ids):\n"
            "qcahp quotes --theme ROW --with COLUMN"
            + (f" --near {unit}" if unit != "overlap" else "")
            + "".join(f" {_shell_word(a)}" for a in given))


def _shell_word(word: str) -> str:
    """``word`` as a shell reads it: ``shlex.quote``'s, but a name with an apostrophe and
    nothing else a shell treats specially in double quotes as ``"Mary O'Neil"``."""
    if "'" in word and not any(c in word for c in '"$`\\!'):
        return f'"{word}"'
    return shlex.quote(word)


def _add(cells: list[list[int | None]], i: int, j: int, n: int) -> None:
    current = cells[i][j]
    if current is not None:
        cells[i][j] = current + n
