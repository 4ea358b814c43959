"""Theme counts: per theme, per theme × transcript/participant/coder, and theme × attribute.

Definitions (the README repeats them; tests check each one exactly):

- **codings**: the number of codings of the theme, or of any theme below it.
- **segments**: distinct coded passages. Within one transcript, the selected codings
  of the theme (and, for a parent, of all its descendants) are merged where they
  overlap or touch; each merged passage is one segment. A passage coded twice
  (two coders, or one coder twice, or two children of the same parent) is one.
- **transcripts** / **participants**: how many distinct interviews / participants
  have at least one such coding (a transcript without a participant counts for none);
  an interview imported again (``--new-version``) with codings on two versions is one.
- **words**: whitespace-separated words in the text of the merged segments, so
  overlapping codings are counted once; a word cut by a segment edge counts as one.
- **chars**: code points in the merged segments.
- **share %**: ``100 × chars / characters of the transcripts in the row's scope``
  (all transcripts; the one transcript; the participant's transcripts; the
  transcripts of participants with that attribute value). ``words %`` is the same
  over words. Each interview's text counts once, in the version(s) the report's
  codings lie on (:meth:`ReportData.read_versions`; its latest when none does), so an
  interview imported again does not count its text twice.

Without a coder, every coder's codings are pooled before merging, so text coded by
two coders counts once in segments, words and share; ``codings`` still counts both.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from qualcoder_ahp.errors import UserError
from qualcoder_ahp.records import Coding
from qualcoder_ahp.reports.data import (
    NO_VALUE,
    Progress,
    ReportData,
    TranscriptRow,
    value_order,
)
from qualcoder_ahp.reports.spans import Span, chars_in, merge, words_in

VIEWS = ("theme", "transcript", "participant", "coder")
MEASURES = ("segments", "codings", "words", "transcripts", "participants")


@dataclass(frozen=True)
class Figures:
    """The figures of one theme within one scope."""

    codings: int = 0
    segments: int = 0
    transcripts: int = 0
    participants: int = 0
    words: int = 0
    chars: int = 0
    total_words: int = 0
    """Words in the transcripts of the scope (the denominator of ``words_pct``)."""
    total_chars: int = 0
    """Characters in the transcripts of the scope (the denominator of ``share_pct``)."""

    @property
    def share_pct(self) -> float | None:
        """Percent of the scope's characters coded (``None`` for an empty scope)."""
        return 100.0 * self.chars / self.total_chars if self.total_chars else None

    @property
    def words_pct(self) -> float | None:
        """Percent of the scope's words coded (``None`` for an empty scope)."""
        return 100.0 * self.words / self.total_words if self.total_words else None


@dataclass(frozen=True)
class CountRow:
    """One theme (in one group of a breakdown) and its figures."""

    theme_id: str
    path: str
    depth: int
    group: str | None
    """Transcript label, participant code or coder name; ``None`` in the theme view."""
    figures: Figures


@dataclass(frozen=True)
class CountsReport:
    """Rows of a counts view, with what was selected."""

    view: str
    coder: str | None
    rows: list[CountRow]
    not_pooled: tuple[str, ...] = ()
    """The consensus coders the pooled default left out (named in titles)."""


@dataclass(frozen=True)
class MatrixCell:
    """One theme × attribute value cell."""

    count: int
    row_pct: float | None
    col_pct: float | None


@dataclass(frozen=True)
class MatrixRow:
    """One theme's row of the attribute matrix."""

    theme_id: str
    path: str
    depth: int
    cells: list[MatrixCell]
    total: int


@dataclass(frozen=True)
class Matrix:
    """Theme × attribute value matrix of one measure.

    ``row_pct`` = cell / row total; ``col_pct`` = cell / column total, where the
    column total is the column's sum over the top rows of the selection (the
    top-level themes, or the ``--theme`` chosen), so those rows' column percents
    add to 100 and a child row shows its share of the same total. For the
    ``transcripts`` and ``participants`` measures the column total is the number of
    distinct transcripts (participants) of the column coded with any of those themes,
    as each cell counts them: a column percent is then the share of them that
    mention the theme, and the top rows' percents need not add to 100.
    """

    attribute: str
    measure: str
    coder: str | None
    columns: list[str]
    rows: list[MatrixRow]
    column_totals: list[int]
    grand_total: int
    not_pooled: tuple[str, ...] = ()
    """The consensus coders the pooled default left out (named in titles)."""


@dataclass
class _Acc:
    codings: int = 0
    segments: int = 0
    words: int = 0
    chars: int = 0
    transcripts: set[str] = field(default_factory=set)
    """The interviews (names): two versions of one are one interview."""
    participants: set[str] = field(default_factory=set)


KeyFn = Callable[[TranscriptRow, Coding], str]


def _accumulate(
    data: ReportData, themes: list[str], key: KeyFn, progress: Progress | None,
) -> dict[tuple[str, str], _Acc]:
    wanted = set(themes)
    accs: dict[tuple[str, str], _Acc] = {}
    for transcript, text, codings in data.by_transcript(progress=progress):
        spans: dict[tuple[str, str], list[Span]] = {}
        for c in codings:
            k = key(transcript, c)
            # Roll up: a coding counts for its theme and every ancestor.
            for theme_id in data.ancestors(c.theme_id):
                if theme_id in wanted:
                    spans.setdefault((theme_id, k), []).append((c.start, c.end))
        for bucket, raw in spans.items():
            merged = merge(raw)
            acc = accs.setdefault(bucket, _Acc())
            acc.codings += len(raw)
            acc.segments += len(merged)
            acc.chars += chars_in(merged)
            acc.words += words_in(text, merged)
            acc.transcripts.add(transcript.name)
            if transcript.participant is not None:
                acc.participants.add(transcript.participant)
    return accs


def _figures(acc: _Acc | None, totals: tuple[int, int]) -> Figures:
    chars, words = totals
    if acc is None:
        return Figures(total_words=words, total_chars=chars)
    return Figures(acc.codings, acc.segments, len(acc.transcripts), len(acc.participants),
                   acc.words, acc.chars, words, chars)


def _group_totals(
    data: ReportData, of: Callable[[TranscriptRow], str],
    read: Sequence[TranscriptRow] | None = None,
) -> dict[str, tuple[int, int]]:
    """Characters and words of each group's text: of the ``read`` transcripts (default
    :meth:`ReportData.read_versions`, each interview once)."""
    totals: dict[str, tuple[int, int]] = {}
    for t in data.read_versions() if read is None else read:
        chars, words = totals.get(of(t), (0, 0))
        totals[of(t)] = (chars + t.chars, words + t.words)
    return totals


def theme_counts(
    data: ReportData, *, by: str = "theme", theme: str | None = None,
    progress: Progress | None = None,
) -> CountsReport:
    """Counts per theme (``by="theme"``) or per theme × transcript/participant/coder.

    The theme view lists every theme (zeros included); a breakdown lists only the
    theme × group pairs with at least one coding.

    Raises:
        UserError: unknown view or theme.
    """
    themes = data.selected_themes(theme)
    read = data.read_versions()
    everything = (sum(t.chars for t in read), sum(t.words for t in read))
    if by == "theme":
        key: KeyFn = lambda t, c: ""  # noqa: E731
        totals: dict[str, tuple[int, int]] = {"": everything}
        groups = [""]
    elif by == "transcript":
        key = lambda t, c: t.label  # noqa: E731
        # Each version its own row, with its own text (a version no coding lies on too).
        totals = _group_totals(data, lambda t: t.label, list(data.transcripts.values()))
        groups = [t.label for t in data.transcripts.values()]
    elif by == "participant":
        key = lambda t, c: t.participant or NO_VALUE  # noqa: E731
        totals = _group_totals(data, lambda t: t.participant or NO_VALUE)
        groups = value_order(totals)  # numbers as numbers (9 before 12)
    elif by == "coder":
        key = lambda t, c: c.coder  # noqa: E731
        groups = data.store.report_coded_coders() if data.coder is None else [data.coder]
        totals = {}
        for name in groups:  # of the versions this coder's codings lie on
            mine = data.read_versions([c for c in data.codings if c.coder == name])
            totals[name] = (sum(t.chars for t in mine), sum(t.words for t in mine))
    else:
        raise UserError(f"unknown view {by!r} (use theme, transcript, participant, coder "
                        "or attribute:NAME)")
    accs = _accumulate(data, themes, key, progress)
    rows = []
    for theme_id in themes:
        for group in groups:
            acc = accs.get((theme_id, group))
            if acc is None and by != "theme":
                continue
            rows.append(CountRow(theme_id, data.path(theme_id), data.depth(theme_id),
                                 None if by == "theme" else group,
                                 _figures(acc, totals.get(group, (0, 0)))))
    return CountsReport(by, data.coder, rows, data.not_pooled)


def attribute_matrix(
    data: ReportData, attribute: str, *, measure: str = "segments", theme: str | None = None,
    progress: Progress | None = None,
) -> Matrix:
    """Theme × value of a participant attribute, with row and column percentages.

    Columns are the attribute's values among the project's transcripts (sorted as
    :func:`~qualcoder_ahp.reports.data.value_order` sorts them: numbers as numbers;
    ``(none)`` last for transcripts whose participant lacks it).

    Raises:
        UserError: unknown attribute, measure or theme.
    """
    data.check_attribute(attribute)
    if measure not in MEASURES:
        raise UserError(f"unknown measure {measure!r} (use {', '.join(MEASURES)})")
    themes = data.selected_themes(theme)
    totals = _group_totals(data, lambda t: data.attribute(t.id, attribute))
    columns = value_order(totals)
    accs = _accumulate(data, themes, lambda t, c: data.attribute(t.id, attribute), progress)
    counts = {
        theme_id: [getattr(_figures(accs.get((theme_id, col)), totals[col]), measure)
                   for col in columns]
        for theme_id in themes
    }
    top_depth = min((data.depth(t) for t in themes), default=0)
    top = [t for t in themes if data.depth(t) == top_depth]
    if measure in ("transcripts", "participants"):
        # Distinct, as a theme's own figure is: summed over the themes, an interview
        # mentioning three themes counted three times (3 3 4 4 14 for seven interviews).
        who = [set().union(*(getattr(accs[(t, col)], measure) for t in top
                             if (t, col) in accs)) for col in columns]
        column_totals = [len(w) for w in who]
        grand_total = len(set().union(*who))
    else:
        column_totals = [sum(counts[t][i] for t in top) for i in range(len(columns))]
        grand_total = sum(column_totals)
    rows = []
    for theme_id in themes:
        row_total = sum(counts[theme_id])
        cells = [
            MatrixCell(n, 100.0 * n / row_total if row_total else None,
                       100.0 * n / column_totals[i] if column_totals[i] else None)
            for i, n in enumerate(counts[theme_id])
        ]
        rows.append(MatrixRow(theme_id, data.path(theme_id), data.depth(theme_id), cells,
                              row_total))
    return Matrix(attribute, measure, data.coder, columns, rows, column_totals, grand_total,
                  data.not_pooled)


def parse_by(by: str, attributes: Sequence[str] = ()) -> tuple[str, str | None]:
    """Split ``--by`` into a view and, for ``attribute:NAME``, the attribute name.

    ``attributes`` (the participant attributes) let ``--by profession`` point at
    ``--by attribute:profession`` instead of only listing the views.
    """
    if by.startswith("attribute:"):
        name = by.split(":", 1)[1].strip()
        if not name:
            raise UserError("--by attribute:NAME needs an attribute name")
        return "attribute", name
    if by not in VIEWS:
        meant = next((a for a in attributes
                      if a == re.sub(r"[^\w]+", "_", by.strip().lower()).strip("_")), None)
        hint = f"; for the attribute, use --by attribute:{meant}" if meant else ""
        raise UserError(f"unknown view {by!r}{hint} (use theme, transcript, participant, "
                        "coder or attribute:NAME)")
    return by, None
