"""Quotes: one row per coding, with everything a paper's evidence table needs.

Each :class:`Quote` carries the transcript, the participant and their attributes,
the speaker, turn number and timestamp (of the turn containing the coding's start:
the place a reader looks the quote up, since character offsets cannot be cited), the theme path, the
quoted text, the surrounding sentence(s) (every stored sentence the coding
touches; the turn when a transcript has no sentences), the coder, their memo and
the origin of the coding (``suggested``, ``adjusted``, ``manual``, ``imported`` or
``consensus``). Rows are ordered by theme (tree order), then transcript (import order) and offset.

A :class:`CodingQuery` narrows them as NVivo's coding query and MAXQDA's complex
coding query do: only the codings that overlap (or share a sentence, or a turn, with)
a coding of every ``--with`` theme and of no ``--without`` theme, by the same rules as
:mod:`~qualcoder_ahp.reports.cooccurrence` (so a cell's passages are the ones it
counts). Each theme stands for itself and the themes below it; the coder selection
applies to both sides. Per transcript, each co-coded theme's spans are merged once and
each coding looks them up by bisection: linear in the codings, never pairwise.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from qualcoder_ahp.errors import UserError
from qualcoder_ahp.records import Coding, Sentence, Turn, plural
from qualcoder_ahp.reports.cooccurrence import UNITS
from qualcoder_ahp.reports.data import Progress, ReportData, merged_target
from qualcoder_ahp.reports.spans import Span, merge


MAX_CONTEXT = 2000
"""Longest context kept whole (characters)."""
WINDOW = 300
"""Characters kept either side of a quote whose context is longer than ``MAX_CONTEXT``."""


@dataclass(frozen=True, slots=True)
class Quote:
    """One coding as a quote (slotted: a study exports hundreds of thousands)."""

    coding_id: int
    theme_id: str
    theme_path: str
    transcript: str
    participant: str | None
    attributes: dict[str, str]
    speaker: str | None
    turn: int | None
    """1-based number of the speaker turn the quote starts in (``None``: no turns)."""
    time: str | None
    """That turn's timestamp as written in the source (subtitles, timed transcripts)."""
    quote: str
    context: str
    coder: str
    memo: str | None
    origin: str
    start: int
    end: int
    cocoded: tuple[tuple[str, str], ...] = ()
    """``(theme id, path)`` of each ``--with`` theme coded near the quote (the themes
    actually coded, tree order: ``serendipity`` for ``--with career``)."""
    shared: str | None = None
    """The words the quote shares with those codings (``--near overlap``), pieces
    joined by ``…``."""
    last_turn: int | None = None
    """1-based number of the turn the quote ends in, when it runs past its first turn
    (an interviewer's question and the answer coded as one passage); else ``None``."""
    speakers: tuple[str, ...] = ()
    """Every speaker of the turns the quote covers, in order, when there are several
    (``("Interviewer", "Helen")``); else empty: :attr:`speaker` said it all."""

    @property
    def speaker_label(self) -> str | None:
        """The speaker, or every speaker of a quote over several speakers' turns
        (``Interviewer; Helen``), as the quote tables' speaker column gives it."""
        return "; ".join(self.speakers) if self.speakers else self.speaker

    @property
    def turns_label(self) -> str | None:
        """``turn 4``, or ``turns 4-5`` for a quote over several turns (``None``: no turns)."""
        if self.turn is None:
            return None
        return f"turn {self.turn}" if self.last_turn is None else \
            f"turns {self.turn}-{self.last_turn}"

    @property
    def speakers_named(self) -> str | None:
        """The speaker, or every speaker of a quote over several speakers' turns in words
        (``Interviewer and Helen``; ``A, B and C``), as a quote's attribution names them."""
        return in_words(self.speakers) if self.speakers else self.speaker


def in_words(names: Sequence[str]) -> str:
    """``Interviewer and Helen``; ``A, B and C``; ``A`` alone."""
    return " and ".join([", ".join(names[:-1]), names[-1]]) if len(names) > 1 else names[0]


@dataclass(frozen=True)
class CodingQuery:
    """Which co-coding a quote must have: a coding of every ``with_`` theme and of no
    ``without`` theme ``near`` it (``overlap``, same ``sentence`` or same ``turn``)."""

    with_: tuple[str, ...] = ()
    without: tuple[str, ...] = ()
    near: str = "overlap"

    @classmethod
    def given(cls, with_: Iterable[str], without: Iterable[str],
              near: str | None) -> CodingQuery | None:
        """The query of ``--with``, ``--without`` and ``--near`` (``None``: no query).

        Raises:
            UserError: ``--near`` without a theme to be near.
        """
        with_, without = tuple(dict.fromkeys(with_)), tuple(dict.fromkeys(without))
        if not with_ and not without:
            if near is not None:
                raise UserError(f"--near {near} says where the --with or --without themes "
                                "must be: give --with ID or --without ID too")
            return None
        return cls(with_, without, near or "overlap")

    def label(self, data: ReportData) -> str:
        """The query in words: ``overlapping Serendipity, not overlapping Mandate``."""
        def names(ids: tuple[str, ...]) -> str:
            return " and ".join(data.path(t) for t in ids)
        yes, no = {"overlap": ("overlapping ", "not overlapping "),
                   "sentence": ("in a sentence with ", "in no sentence with "),
                   "turn": ("in a turn with ", "in no turn with ")}[self.near]
        parts = [yes + names(self.with_)] if self.with_ else []
        if self.without:
            parts.append(no + names(self.without))
        return ", ".join(parts)

    def json(self) -> dict[str, object]:
        """The ``query`` object of a quotes JSON document."""
        return {"with": list(self.with_), "without": list(self.without), "near": self.near}


def cocoded_line(q: Quote, near: str) -> str:
    """What a quote is co-coded with, under its attribution: ``With Career route /
    Serendipity; both cover: “by chance”`` (overlap; ``…: the whole passage`` rather
    than the quote again), ``With Mandate, in the same turn``."""
    if not q.cocoded:
        return ""
    names = "; ".join(path for _, path in q.cocoded)
    if near != "overlap":
        return f"With {names}, in the same {near}"
    if q.shared == " ".join(q.quote.split()):
        return f"With {names}: the whole passage"
    return f"With {names}; both cover: \u201c{q.shared or ''}\u201d"


def check_query(data: ReportData, theme: str | None, query: CodingQuery) -> None:
    """Refuse a query that cannot be answered, in one line.

    Raises:
        UserError: an unknown theme (with the likely one), a theme both with and
            without, a unit that is none of :data:`UNITS`, or a theme paired with
            itself, its parent or its child (they co-occur by construction).
    """
    if query.near not in UNITS:
        raise UserError(f"unknown --near {query.near!r} (use {', '.join(UNITS)})")
    if theme is not None:
        data.theme(theme)
    given = [("--with", t) for t in query.with_] + [("--without", t) for t in query.without]
    for option, t in given:
        try:
            data.theme(t)
        except UserError as e:
            target = merged_target(t, data.store.merged_into())
            if target is not None:  # not "give --theme ...": it was given as --with
                raise UserError(f"{option} {t}: theme {t!r} was merged into {target!r}, "
                                f"which holds its codings now: give {option} {target}") from None
            raise UserError(f"{option} {t}: {e}") from None
    both = [t for t in query.with_ if t in query.without]
    if both:
        raise UserError(f"--with {both[0]} and --without {both[0]}: a passage cannot both "
                        "have it near and not; give the theme once")
    for option, t in given if theme is not None else ():
        if t == theme:
            raise UserError(f"{option} {t} is the --theme itself: every passage "
                            "co-occurs with itself; give another theme")
        if t in data.ancestors(theme) or theme in data.ancestors(t):
            where = "above" if t in data.ancestors(theme) else "below"
            raise UserError(f"{option} {t} is {where} --theme {theme} in the codebook, so "
                            "their codings co-occur by construction (the co-occurrence "
                            "table leaves that cell blank); give a theme outside that branch")


def speaker_at(turns: list[Turn], starts: list[int], pos: int) -> str | None:
    """The speaker of the turn containing ``pos`` (or the last turn before it)."""
    i = bisect_right(starts, pos) - 1
    return turns[i].speaker if i >= 0 else None


def turn_at(turns: list[Turn], starts: list[int], pos: int) -> tuple[int | None, str | None]:
    """``(1-based number, timestamp)`` of the turn containing ``pos`` (or the last before it)."""
    i = bisect_right(starts, pos) - 1
    return (i + 1, turns[i].time) if i >= 0 else (None, None)


def spoken_span(text: str, start: int, end: int) -> tuple[int, int]:
    """The span without the whitespace at its ends: a passage selected from the blank
    line between two turns starts in the next turn, not in the question before it."""
    if start < end <= len(text) and not (text[start].isspace() or text[end - 1].isspace()):
        return start, end  # the usual quote: nothing to strip, no copy of it made
    stripped = text[start:end]
    lead = len(stripped) - len(stripped.lstrip())
    if lead == len(stripped):
        return start, end
    return start + lead, end - (len(stripped) - len(stripped.rstrip()))


def turns_of(turns: list[Turn], starts: list[int], text: str, start: int,
             end: int) -> tuple[str | None, tuple[int | None, str | None], int | None,
                                tuple[str, ...]]:
    """Who says a quote and where: the speaker and ``(turn, time)`` of the turn its
    first word is in, the turn its last word is in when that is a later one, and every
    speaker of those turns when they are more than one (see :class:`Quote`)."""
    lo, hi = spoken_span(text, start, end) if text else (start, end)
    first = bisect_right(starts, lo) - 1
    if first < 0:
        return None, (None, None), None, ()
    last = max(first, bisect_right(starts, max(lo, hi - 1)) - 1)
    if last == first:  # the usual quote, within one turn: its speaker said it all
        return turns[first].speaker, (first + 1, turns[first].time), None, ()
    who = list(dict.fromkeys(t.speaker for t in turns[first:last + 1] if t.speaker))
    return (turns[first].speaker, (first + 1, turns[first].time),
            last + 1 if last > first else None, tuple(who) if len(who) > 1 else ())


def context_of(
    text: str, sentences: list[Sentence], ends: list[int], turns: list[Turn], starts: list[int],
    start: int, end: int,
) -> str:
    """The sentence(s) a span touches, or its turn when no sentences are stored.

    A context longer than :data:`MAX_CONTEXT` characters (a transcript without
    sentences or turns is one long block) is cut to :data:`WINDOW` characters either
    side of the span, at word boundaries, marked with ``…``.
    """
    lo, hi = start, end
    first = bisect_right(ends, start) if sentences else 0  # first sentence ending after start
    if sentences and first < len(sentences) and sentences[first].start < end:
        last = first
        while last + 1 < len(sentences) and sentences[last + 1].start < end:
            last += 1
        lo, hi = sentences[first].start, sentences[last].end
    else:
        i = bisect_right(starts, start) - 1
        if i >= 0 and turns[i].end > start:
            lo, hi = turns[i].start, max(turns[i].end, end)
    lo, hi = min(lo, start), max(hi, end)
    if hi - lo <= MAX_CONTEXT:
        return text[lo:hi].strip()
    left = max(lo, start - WINDOW)
    right = min(hi, end + WINDOW)
    if left > lo:
        space = text.find(" ", left, start)
        left = space + 1 if space != -1 else left
    if right < hi:
        space = text.rfind(" ", end, right)
        right = space if space != -1 else right
    return (("\u2026 " if left > lo else "") + text[left:right].strip()
            + (" \u2026" if right < hi else ""))


def quotes(
    data: ReportData, *, theme: str | None = None, query: CodingQuery | None = None,
    progress: Progress | None = None, context: bool = True,
) -> list[Quote]:
    """Every selected coding as a :class:`Quote`, by theme, transcript and offset.

    Args:
        data: the snapshot (its coder selection applies).
        theme: keep codings of this theme and its descendants.
        query: keep only the codings with (and without) these themes near them; without
            ``theme``, of every theme outside their lines (not above or below them).
        progress: ``progress(done, total)`` over transcripts.
        context: each quote's :attr:`Quote.context` (its sentences); ``False``: left
            empty, and no sentence read, for a report that never shows it (the
            framework matrix's references).

    Raises:
        UserError: an unknown theme, or a query :func:`check_query` refuses.
    """
    themes = data.selected_themes(theme)
    near = None
    if query is not None and (query.with_ or query.without):
        check_query(data, theme, query)
        near = _Near(data, query)
        themes = [t for t in themes if not near.related(t)]
    order = {t: i for i, t in enumerate(themes)}
    selected = [c for c in data.codings if c.theme_id in order]
    turns_all = data.store.report_turns()
    sentences_all = data.store.report_sentences() if context or near else {}
    out: list[tuple[int, Quote]] = []
    for transcript, text, codings in data.by_transcript(selected, progress=progress):
        turns = turns_all.get(transcript.id, [])
        starts = [t.start for t in turns]
        sentences = sentences_all.get(transcript.id, [])
        ends = [s.end for s in sentences]
        attrs = data.participants.get(transcript.participant or "", {})
        label = transcript.label  # once a transcript, not once a quote
        match = near.matcher(transcript.id, text, sentences, turns) if near else None
        for c in codings:
            found = match(c) if match else ((), None)
            if found is None:
                continue
            speaker, turn, last_turn, speakers = turns_of(turns, starts, text, c.start,
                                                          c.end)
            out.append((order[c.theme_id], _quote(data, c, label,
                                                   transcript.participant, attrs,
                                                   speaker, turn,
                                                   context_of(text, sentences, ends, turns,
                                                              starts, c.start, c.end)
                                                   if context else "",
                                                   found, last_turn, speakers)))
    # by_transcript keeps transcript/offset order; a stable sort groups by theme.
    out.sort(key=lambda pair: pair[0])
    return [q for _, q in out]


def _quote(
    data: ReportData, c: Coding, transcript: str, participant: str | None,
    attrs: dict[str, str], speaker: str | None, turn: tuple[int | None, str | None],
    context: str, found: tuple[tuple[str, ...], str | None],
    last_turn: int | None = None, speakers: tuple[str, ...] = (),
) -> Quote:
    # The participant's attributes dict is shared by their quotes (a study has
    # hundreds of thousands), not copied for each.
    return Quote(c.id, c.theme_id, data.path(c.theme_id), transcript, participant, attrs,
                 speaker, *turn, c.quote, context, c.coder, c.memo, c.origin, c.start, c.end,
                 tuple((t, data.path(t)) for t in found[0]) if found[0] else (), found[1],
                 last_turn, speakers)


Match = Callable[[Coding], "tuple[tuple[str, ...], str | None] | None"]
"""A coding's co-coded themes and shared words, or ``None`` when the query drops it."""


def why_no_quotes(data: ReportData, theme: str | None, query: CodingQuery) -> str:
    """Why a coding query found nothing, in one line: a side has no codings, or
    ``Serendipity has 57 codings; none is overlapping Mandate (by sentence: 3 would)``.

    The looser units are counted only where a ``--with`` theme could meet more, by the
    same test :func:`quotes` makes, without building the quotes.
    """
    near = _Near(data, query)
    themes = {t for t in data.selected_themes(theme) if not near.related(t)}
    mine = [c for c in data.codings if c.theme_id in themes]
    subject = data.path(theme) if theme else "the themes outside the query's"
    if not mine:
        return f"{subject} {'has' if theme else 'have'} no codings here"
    for q in query.with_:
        if not any(q in by for by in near.spans.values()):
            return f"{data.path(q)} has no codings here"
    said = f"{subject} {'has' if theme else 'have'} {plural(len(mine), 'coding')}; "
    if not query.with_:  # only --without: each coding has one of those themes near it
        return said + f"every one is {CodingQuery(query.without, (), query.near).label(data)}"
    said += f"none is {query.label(data)}"
    sentences, turns = data.store.report_sentences(), data.store.report_turns()
    by_transcript: dict[int, list[Coding]] = {}
    for c in mine:
        by_transcript.setdefault(c.transcript_id, []).append(c)
    for unit in UNITS[UNITS.index(query.near) + 1:]:
        looser = _Near(data, CodingQuery(query.with_, query.without, unit))
        found = 0
        for tid, codings in by_transcript.items():  # no text: only the overlap quotes it
            match = looser.matcher(tid, "", sentences.get(tid, []), turns.get(tid, []))
            found += sum(match(c) is not None for c in codings)
        if found:
            return said + f" (by {unit}: {found} would)"
    return said


class _Near:
    """The co-coded themes' codings by transcript, and the test a coding must pass."""

    def __init__(self, data: ReportData, query: CodingQuery) -> None:
        self.query = query
        self.lines = {a for t in query.with_ + query.without
                      for a in (*data.ancestors(t), *data.subtree(t))}
        self.rank = {t: i for i, t in enumerate(data.selected_themes(None))}
        under = {t: [q for q in query.with_ + query.without if q in data.ancestors(t)]
                 for t in self.rank}
        # transcript -> condition theme -> coded theme -> spans
        self.spans: dict[int, dict[str, dict[str, list[Span]]]] = {}
        for c in data.codings:
            for q in under.get(c.theme_id, ()):
                (self.spans.setdefault(c.transcript_id, {}).setdefault(q, {})
                 .setdefault(c.theme_id, []).append((c.start, c.end)))

    def related(self, theme_id: str) -> bool:
        """Whether a theme is one of the query's themes, above or below one."""
        return theme_id in self.lines

    def matcher(self, transcript_id: int, text: str, sentences: list[Sentence],
                turns: list[Turn]) -> Match:
        """The test for one transcript's codings: each co-coded theme's merged spans
        (``--near overlap``) or the runs of sentences / turns they touch, which a
        coding's span (or its run of units) meets when it overlaps one, found by
        bisection."""
        near = self.query.near
        coded = self.spans.get(transcript_id, {})
        merged = {q: {t: merge(s) for t, s in by.items()} for q, by in coded.items()}
        units = sentences if near == "sentence" else turns
        starts, ends = [u.start for u in units], [u.end for u in units]

        def place(start: int, end: int) -> Span:
            """The span itself; by sentence or turn, the units (sorted, disjoint) it
            touches as cooccurrence counts them: an index range, empty outside them."""
            if near == "overlap":
                return start, end
            return bisect_right(ends, start), bisect_left(starts, end)

        keyed = merged if near == "overlap" else {
            q: {t: merge(r for r in (place(*sp) for sp in spans) if r[0] < r[1])
                for t, spans in by.items()} for q, by in merged.items()}
        stops = {q: {t: [e for _, e in s] for t, s in by.items()} for q, by in keyed.items()}
        union = merge(sp for q in self.query.with_
                      for spans in merged.get(q, {}).values() for sp in spans)
        union_ends = [e for _, e in union]

        def hits(q: str, lo: int, hi: int) -> list[str]:
            out: list[str] = []
            if lo >= hi:  # a coding between units (the blank between two turns) meets none
                return out
            for t, spans in keyed.get(q, {}).items():
                i = bisect_right(stops[q][t], lo)
                if i < len(spans) and spans[i][0] < hi:
                    out.append(t)
            return out

        def match(c: Coding) -> tuple[tuple[str, ...], str | None] | None:
            lo, hi = place(c.start, c.end)
            if any(hits(q, lo, hi) for q in self.query.without):
                return None
            found: set[str] = set()
            for q in self.query.with_:
                got = hits(q, lo, hi)
                if not got:
                    return None
                found.update(got)
            if near != "overlap" or not self.query.with_:
                return tuple(sorted(found, key=self.rank.__getitem__)), None
            pieces, i = [], bisect_right(union_ends, c.start)
            while i < len(union) and union[i][0] < c.end:
                lo, hi = max(union[i][0], c.start), min(union[i][1], c.end)
                pieces.append(" ".join(text[lo:hi].split()))
                i += 1
            return tuple(sorted(found, key=self.rank.__getitem__)), " \u2026 ".join(pieces)

        return match


__all__ = ["CodingQuery", "Quote", "check_query", "cocoded_line", "context_of", "quotes",
           "speaker_at", "turn_at", "why_no_quotes"]
