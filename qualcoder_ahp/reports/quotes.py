"""Quotes: one row per coding, with everything a paper's evidence table needs.

Each :class:`Quote` carries the transcript, the participant and their attributes,
the speaker (of the turn containing the coding's start), the theme path, the
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


@dataclass(frozen=True)
class Quote:
    """One coding as a quote."""

    coding_id: int
    theme_id: str
    theme_path: str
    transcript: str
    participant: str | None
    attributes: dict[str, str]
    speaker: str | None
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


def context_of(
    text: str, sentences: list[Sentence], ends: list[int], turns: list[Turn], starts: list[int],
    start: int, end: int,
) -> str:
    """The sentence(s) a span touches, or its turn when no sentences are stored."""
    if sentences:
        first = bisect_right(ends, start)  # first sentence ending after the start
        last = first
        while last + 1 < len(sentences) and sentences[last + 1].start < end:
            last += 1
        if first < len(sentences) and sentences[first].start < end:
            return text[sentences[first].start:sentences[last].end].strip()
    i = bisect_right(starts, start) - 1
    if i >= 0 and turns[i].end > start:
        return text[turns[i].start:max(turns[i].end, end)].strip()
    return text[start:end].strip()


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
                                                   context_of(text, sentences, ends, turns,
                                                              starts, c.start, c.end))))
    # by_transcript keeps transcript/offset order; a stable sort groups by theme.
    out.sort(key=lambda pair: pair[0])
    return [q for _, q in out]


def _quote(
    data: ReportData, c: Coding, transcript: str, participant: str | None,
    attrs: dict[str, str], speaker: str | None, context: str,
) -> Quote:
    return Quote(c.id, c.theme_id, data.path(c.theme_id), transcript, participant, dict(attrs),
                 speaker, c.quote, context, c.coder, c.memo, c.origin, c.start, c.end)


__all__ = ["Quote", "quotes", "speaker_at", "context_of"]
