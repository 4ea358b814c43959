"""From raw pattern matches to suggestions: one theme on one segment.

Each match is placed in its turn and sentence; a positive pattern supports its
theme on the sentence (or the turn, by its unit) when the turn's speaker is in the
pattern's scope, and an exclusion pattern suppresses its theme on the segments it
matches in. A turn of one sentence is both units and gets one suggestion.
"""

from __future__ import annotations

import bisect
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from qualcoder_ahp.records import Pattern, Sentence, Turn

SCOPE_ROLES = {
    "participant": frozenset({"participant"}),
    "interviewer": frozenset({"interviewer"}),
    "all": frozenset({"participant", "interviewer", "other"}),
}


@dataclass(frozen=True)
class Found:
    """A suggestion the engine makes: one theme on one segment."""

    theme_id: str
    unit: str
    start: int
    end: int
    pattern_ids: tuple[str, ...]
    matches: tuple[tuple[int, int], ...]


@dataclass
class _Hit:
    pattern_ids: set[str] = field(default_factory=set)
    matches: set[tuple[int, int]] = field(default_factory=set)


def suggestions_from_matches(patterns: Mapping[str, Pattern],
                             raw: dict[str, list[tuple[int, int]]], turns: Sequence[Turn],
                             sentences: Sequence[Sentence]) -> list[Found]:
    """The suggestions that raw matches make.

    Args:
        patterns: the codebook's patterns by id (matches of other ids are ignored).
        raw: each pattern's matches, offsets into the text
            (:meth:`~qualcoder_ahp.suggest.engine.Engine.raw_matches`).
        turns: the stored speaker turns.
        sentences: the stored sentences (a turn without any counts as one sentence).
    """
    if not turns:
        return []
    turn_starts = [t.start for t in turns]
    sent_starts = [s.start for s in sentences]
    with_sentences = {s.turn_index for s in sentences}
    positive: dict[tuple[str, str, int, int], _Hit] = {}
    excluded: set[tuple[str, str, int, int]] = set()
    for pattern_id, start, end in (
            (pid, s, e) for pid, spans in raw.items() if pid in patterns
            for s, e in spans):
        pattern = patterns[pattern_id]
        ti = bisect.bisect_right(turn_starts, start) - 1
        if ti < 0 or end > turns[ti].end:
            continue
        turn = turns[ti]
        if not pattern.exclude and turn.role not in SCOPE_ROLES[pattern.scope]:
            continue
        if ti not in with_sentences:
            sent_span: tuple[int, int] | None = (turn.start, turn.end)
        else:
            # A match straddling two stored sentences supports neither.
            si = bisect.bisect_right(sent_starts, start) - 1
            sentence = sentences[si] if si >= 0 else None
            ok = (sentence is not None and sentence.turn_index == ti
                  and sentence.start <= start and end <= sentence.end)
            sent_span = (sentence.start, sentence.end) if ok and sentence else None
        if pattern.exclude:
            excluded.add((pattern.theme_id, "turn", turn.start, turn.end))
            if sent_span:
                excluded.add((pattern.theme_id, "sentence", *sent_span))
            continue
        if pattern.unit == "turn":
            key = (pattern.theme_id, "turn", turn.start, turn.end)
        elif sent_span is not None:
            key = (pattern.theme_id, "sentence", *sent_span)
        else:
            continue
        hit = positive.setdefault(key, _Hit())
        hit.pattern_ids.add(pattern_id)
        hit.matches.add((start, end))
    # A turn of one sentence is both units: one suggestion (the store keeps one
    # per theme and span), called a sentence, with every pattern that fired.
    merged: dict[tuple[str, int, int], tuple[str, _Hit]] = {}
    for (theme, unit, start, end), hit in positive.items():
        if (theme, unit, start, end) in excluded:
            continue
        if (theme, start, end) in merged:
            _, other = merged[(theme, start, end)]
            other.pattern_ids |= hit.pattern_ids
            other.matches |= hit.matches
            merged[(theme, start, end)] = ("sentence", other)
        else:
            merged[(theme, start, end)] = (unit, hit)
    out = [Found(theme, unit, start, end, tuple(sorted(hit.pattern_ids)),
                 _merge_spans(hit.matches))
           for (theme, start, end), (unit, hit) in merged.items()]
    out.sort(key=lambda f: (f.start, f.end, f.theme_id))
    return out


def ruled_out(patterns: Mapping[str, Pattern], raw: dict[str, list[tuple[int, int]]],
              turns: Sequence[Turn], sentences: Sequence[Sentence],
              ) -> dict[str, set[tuple[str, int, int]]]:
    """Each exclusion pattern with matches here: the ``(theme_id, start, end)`` of the
    suggestions its theme's patterns find that it rules out (whether or not another
    exclusion rules them out too), so ``qcahp patterns`` can say what each one does."""
    themes: dict[str, list[str]] = {}
    for pid, hits in raw.items():
        if hits and pid in patterns and patterns[pid].exclude:
            themes.setdefault(patterns[pid].theme_id, []).append(pid)
    out: dict[str, set[tuple[str, int, int]]] = {}
    for theme, exclusions in themes.items():
        finding = {pid: hits for pid, hits in raw.items() if pid in patterns
                   and not patterns[pid].exclude and patterns[pid].theme_id == theme}
        found = {(f.start, f.end) for f in suggestions_from_matches(
            patterns, finding, turns, sentences)}
        for pid in exclusions:
            kept = {(f.start, f.end) for f in suggestions_from_matches(
                patterns, {**finding, pid: raw[pid]}, turns, sentences)} if found else set()
            out[pid] = {(theme, start, end) for start, end in found - kept}
    return out


def _merge_spans(spans: set[tuple[int, int]]) -> tuple[tuple[int, int], ...]:
    """Overlapping matches (``right place`` and ``right place at``) as one span each."""
    merged: list[list[int]] = []
    for start, end in sorted(spans):
        if merged and start < merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return tuple((s, e) for s, e in merged)
