"""Quotes: one row per coding, with everything a paper's evidence table needs.

Each :class:`Quote` carries the transcript, the participant and their attributes,
the speaker, turn number and timestamp (of the turn containing the coding's start:
the place a reader looks the quote up, since character offsets cannot be cited), the theme path, the
quoted text, the surrounding sentence(s) (every stored sentence the coding
touches; the turn when a transcript has no sentences), the coder, their memo and
the origin of the coding (``suggested``, ``adjusted``, ``manual``, ``imported`` or
``consensus``). Rows are ordered by theme (tree order), then transcript (import order) and offset.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass

from qualcoder_ahp.records import Coding, Sentence, Turn
from qualcoder_ahp.reports.data import Progress, ReportData


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


def speaker_at(turns: list[Turn], starts: list[int], pos: int) -> str | None:
    """The speaker of the turn containing ``pos`` (or the last turn before it)."""
    i = bisect_right(starts, pos) - 1
    return turns[i].speaker if i >= 0 else None


def turn_at(turns: list[Turn], starts: list[int], pos: int) -> tuple[int | None, str | None]:
    """``(1-based number, timestamp)`` of the turn containing ``pos`` (or the last before it)."""
    i = bisect_right(starts, pos) - 1
    return (i + 1, turns[i].time) if i >= 0 else (None, None)


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
    data: ReportData, *, theme: str | None = None, progress: Progress | None = None,
) -> list[Quote]:
    """Every selected coding as a :class:`Quote`, by theme, transcript and offset.

    Args:
        data: the snapshot (its coder selection applies).
        theme: keep codings of this theme and its descendants.
        progress: ``progress(done, total)`` over transcripts.
    """
    order = {t: i for i, t in enumerate(data.selected_themes(theme))}
    selected = [c for c in data.codings if c.theme_id in order]
    turns_all = data.store.report_turns()
    sentences_all = data.store.report_sentences()
    out: list[tuple[int, Quote]] = []
    for transcript, text, codings in data.by_transcript(selected, progress=progress):
        turns = turns_all.get(transcript.id, [])
        starts = [t.start for t in turns]
        sentences = sentences_all.get(transcript.id, [])
        ends = [s.end for s in sentences]
        attrs = data.participants.get(transcript.participant or "", {})
        for c in codings:
            out.append((order[c.theme_id], _quote(data, c, transcript.label,
                                                   transcript.participant, attrs,
                                                   speaker_at(turns, starts, c.start),
                                                   turn_at(turns, starts, c.start),
                                                   context_of(text, sentences, ends, turns,
                                                              starts, c.start, c.end))))
    # by_transcript keeps transcript/offset order; a stable sort groups by theme.
    out.sort(key=lambda pair: pair[0])
    return [q for _, q in out]


def _quote(
    data: ReportData, c: Coding, transcript: str, participant: str | None,
    attrs: dict[str, str], speaker: str | None, turn: tuple[int | None, str | None],
    context: str,
) -> Quote:
    # The participant's attributes dict is shared by their quotes (a study has
    # hundreds of thousands), not copied for each.
    return Quote(c.id, c.theme_id, data.path(c.theme_id), transcript, participant, attrs,
                 speaker, *turn, c.quote, context, c.coder, c.memo, c.origin, c.start, c.end)


__all__ = ["Quote", "quotes", "speaker_at", "turn_at", "context_of"]
