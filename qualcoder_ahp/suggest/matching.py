"""Matching one pattern over the segments of one transcript, guided by anchors.

A transcript's *segments* are its stored sentences (a turn without stored sentences
counts as one sentence) and its turns. A pattern runs segment by segment, so a match
never straddles a segment boundary, and a regular expression sees exactly the segment
text, as a researcher writing one expects.

Most patterns match in few segments. :mod:`~qualcoder_ahp.suggest.prefilter` gives
each pattern anchors (strings or token values one of which every match contains); the
anchors' occurrences in the text pick the segments worth matching, and the others are
skipped. Occurrences are found once per transcript and shared by every pattern with
the same anchor. The result is the same as matching every segment.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from qualcoder_ahp.records import Sentence, Turn
from qualcoder_ahp.suggest.prefilter import AnchorIndex, lowered_for_anchors

ARRAY_COLUMNS = ["ORTH", "LOWER", "NORM", "LEMMA", "IDX"]


def char_span(doc: Any, start: int, end: int) -> tuple[int, int]:
    """Character offsets of the token range ``[start, end)`` of a doc."""
    last = doc[end - 1]
    return doc[start].idx, last.idx + len(last)


class Segments:
    """A transcript's sentences and turns, with per-text facts computed once."""

    def __init__(self, text: str, turns: Sequence[Turn], sentences: Sequence[Sentence],
                 anchors: AnchorIndex | None = None) -> None:
        """Index the segments of a text (and, with ``anchors``, find their occurrences)."""
        self.text = text
        self.turns = turns
        self.lowered = lowered_for_anchors(text) if anchors is not None else None
        self._positions: dict[str, list[int]] = (
            anchors.positions(self.lowered) if anchors is not None and self.lowered is not None
            else {})
        with_sentences = {s.turn_index for s in sentences}
        sents = [(s.start, s.end, s.turn_index) for s in sentences
                 if 0 <= s.turn_index < len(turns)]
        sents += [(t.start, t.end, i) for i, t in enumerate(turns) if i not in with_sentences]
        sents.sort()
        self.units: dict[str, list[tuple[int, int, int]]] = {
            "sentence": sents,
            "turn": [(t.start, t.end, i) for i, t in enumerate(turns)],
        }
        self.starts = {unit: [s[0] for s in segs] for unit, segs in self.units.items()}
        self._roles: dict[tuple[str, frozenset[str]], list[int]] = {}
        self._arrays: dict[tuple[str, str], Any] = {}
        self._anchor_segments: dict[tuple[str, str], set[int]] = {}
        self._anchor_masks: dict[tuple[str, str], int] = {}
        self._list_masks: dict[tuple[str, int], int] = {}
        self._keep_alive: list[list[int]] = []
        self._anchor_set_masks: dict[tuple[tuple[str, ...], str], int] = {}
        self.array: Any = None
        self._token_ranges: dict[str, list[tuple[int, int]]] = {}

    def in_roles(self, unit: str, roles: frozenset[str]) -> list[int]:
        """Indexes of the segments of ``unit`` inside turns of these roles."""
        key = (unit, roles)
        if key not in self._roles:
            self._roles[key] = [i for i, seg in enumerate(self.units[unit])
                                if self.turns[seg[2]].role in roles]
        return self._roles[key]

    # ------------------------------------------------------------------ text anchors
    def anchor_segments(self, anchor: str, unit: str) -> set[int]:
        """Indexes of the segments of ``unit`` that contain an anchor."""
        key = (anchor, unit)
        if key not in self._anchor_segments:
            positions = self._positions.get(anchor)
            if not positions:
                self._anchor_segments[key] = set()
                return self._anchor_segments[key]
            import numpy

            pos = numpy.asarray(positions, dtype=numpy.int64)
            index = numpy.searchsorted(self._starts_array(unit), pos, side="right") - 1
            ok = index >= 0
            ends = self._ends_array(unit)
            ok[ok] &= pos[ok] + len(anchor) <= ends[index[ok]]
            self._anchor_segments[key] = set(index[ok].tolist())
        return self._anchor_segments[key]

    def anchor_set_mask(self, strings: tuple[str, ...], unit: str) -> int:
        """Segments of ``unit`` containing any of these anchors, as a bit mask (bit i: segment i).

        Unions and intersections of masks are single integer operations, where sets of
        indexes cost a Python step per element: with hundreds of patterns, each with
        tens of anchors, that difference is most of the prefilter's cost.
        """
        key = (strings, unit)
        mask = self._anchor_set_masks.get(key)
        if mask is None:
            mask = 0
            positions = self._positions
            for anchor in strings:
                if anchor in positions:  # most anchors occur nowhere in a given text
                    mask |= self._anchor_mask(anchor, unit)
            self._anchor_set_masks[key] = mask
        return mask

    def mask_of(self, unit: str, indexes: list[int]) -> int:
        """The bit mask of a list of segment indexes (cached: the lists come from
        :meth:`in_roles`, one object per unit and roles)."""
        key = (unit, id(indexes))
        mask = self._list_masks.get(key)
        if mask is None:
            mask = 0
            for i in indexes:
                mask |= 1 << i
            self._list_masks[key] = mask
            self._keep_alive.append(indexes)  # the id stays this list's while cached
        return mask

    def _anchor_mask(self, anchor: str, unit: str) -> int:
        key = (anchor, unit)
        mask = self._anchor_masks.get(key)
        if mask is None:
            mask = 0
            for i in self.anchor_segments(anchor, unit):
                mask |= 1 << i
            self._anchor_masks[key] = mask
        return mask

    def _starts_array(self, unit: str) -> Any:
        if (unit, "starts") not in self._arrays:
            import numpy

            self._arrays[(unit, "starts")] = numpy.asarray(self.starts[unit], dtype=numpy.int64)
            self._arrays[(unit, "ends")] = numpy.asarray([s[1] for s in self.units[unit]],
                                                         dtype=numpy.int64)
        return self._arrays[(unit, "starts")]

    def _ends_array(self, unit: str) -> Any:
        self._starts_array(unit)
        return self._arrays[(unit, "ends")]

    # ------------------------------------------------------------------ token anchors
    def index_tokens(self, doc: Any) -> None:
        """Token attribute arrays (once per doc)."""
        if self.array is None:
            self.array = doc.to_array(ARRAY_COLUMNS)

    def token_ranges(self, unit: str) -> list[tuple[int, int]]:
        """Each segment's token range ``[first, last)``."""
        if unit not in self._token_ranges:
            import numpy

            idx = self.array[:, ARRAY_COLUMNS.index("IDX")].astype(numpy.int64)
            segs = self.units[unit]
            firsts = numpy.searchsorted(idx, [s[0] for s in segs], side="left")
            lasts = numpy.searchsorted(idx, [s[1] for s in segs], side="left")
            self._token_ranges[unit] = list(zip(firsts.tolist(), lasts.tolist(), strict=True))
        return self._token_ranges[unit]

    def token_segments(self, tokens: Any, unit: str) -> set[int]:
        """Indexes of the segments of ``unit`` that hold these token positions."""
        import numpy

        idx = self.array[tokens, ARRAY_COLUMNS.index("IDX")].astype(numpy.int64)
        found = numpy.searchsorted(self.starts[unit], idx, side="right") - 1
        return set(found[found >= 0].tolist())


def match_regex(pattern: str, lowered: re.Pattern[str] | None,
                anchors: list[tuple[str, ...]], where: tuple[str, list[int]],
                ctx: Segments) -> list[tuple[int, int]]:
    """Matches of a regular expression in the given segments, each over its own text.

    Args:
        pattern: the regular expression (matched case-insensitively).
        lowered: its case-sensitive twin for lower-cased text, if it has one.
        anchors: sets of lower-cased strings; every match contains one of each set.
        where: the unit (``sentence`` or ``turn``) and the segment indexes to search.
        ctx: the transcript's segments.
    """
    unit, candidates = where
    if anchors and ctx.lowered is not None:
        allowed = -1  # all segments; masks are Python ints, bit i = segment i
        for strings in anchors:
            allowed &= ctx.anchor_set_mask(strings, unit)
            if not allowed:
                return []
        allowed &= ctx.mask_of(unit, candidates)
        candidates = []
        while allowed:  # the set bits, lowest first: few, where the anchors are selective
            low = allowed & -allowed
            candidates.append(low.bit_length() - 1)
            allowed ^= low
    segs = ctx.units[unit]
    if lowered is not None and ctx.lowered is not None:
        regex, text = lowered, ctx.lowered  # same offsets, half the time
    else:
        regex, text = re.compile(pattern, re.IGNORECASE), ctx.text  # re caches compiles
    found = []
    search = regex.search
    for i in candidates:
        start, end, _ = segs[i]
        segment = text[start:end]
        if search(segment) is None:  # most candidates: one C call, no iterator
            continue
        found.extend((start + m.start(), start + m.end())
                     for m in regex.finditer(segment) if m.end() > m.start())
    return found


def match_tokens(matcher: Any, anchors: list[tuple[int, Any]], where: tuple[str, list[int]],
                 ctx: Segments, doc: Any) -> list[tuple[int, int]]:
    """Matches of a one-pattern spaCy ``Matcher`` in the given segments.

    Args:
        matcher: a Matcher holding one token pattern.
        anchors: ``(array column, value hashes)`` specs; every match has a token with
            one of the values in that column, for each spec.
        where: the unit and the segment indexes to search.
        ctx: the transcript's segments (with :meth:`Segments.index_tokens` done).
        doc: the tokenised text.
    """
    import numpy

    unit, candidates = where
    if anchors:
        # Every anchor spec must be met inside the segment.
        allowed: set[int] | None = None
        for column, hashes in anchors:
            hits = numpy.flatnonzero(numpy.isin(ctx.array[:, column], hashes))
            segs = ctx.token_segments(hits, unit) if len(hits) else set()
            allowed = segs if allowed is None else allowed & segs
            if not allowed:
                return []
        assert allowed is not None
        candidates = [i for i in candidates if i in allowed]
    ranges = ctx.token_ranges(unit)
    found = []
    for i in candidates:
        first, last = ranges[i]
        if first < last:
            found.extend(char_span(doc, first + s, first + e)
                         for _key, s, e in matcher(doc[first:last]))
    return found
