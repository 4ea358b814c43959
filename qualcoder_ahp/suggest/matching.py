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
from collections.abc import Mapping, Sequence
from typing import Any

from qualcoder_ahp.records import Sentence, Turn
from qualcoder_ahp.suggest.prefilter import AnchorIndex, Twin, lowered_for_anchors

ARRAY_COLUMNS = ["ORTH", "LOWER", "NORM", "LEMMA", "IDX"]


def char_span(doc: Any, start: int, end: int) -> tuple[int, int]:
    """Character offsets of the token range ``[start, end)`` of a doc."""
    last = doc[end - 1]
    return doc[start].idx, last.idx + len(last)


class Segments:
    """A transcript's sentences and turns, with per-text facts computed once."""

    def __init__(self, text: str, turns: Sequence[Turn], sentences: Sequence[Sentence],
                 anchors: AnchorIndex | Mapping[str, AnchorIndex] | None = None) -> None:
        """Index the segments of a text (and, with ``anchors``, find their occurrences).

        ``anchors`` is one index for every unit, or an index per unit (``sentence``,
        ``turn``) holding only the anchors of the patterns run on that unit: the text is
        scanned once per unit, and a scan costs a step per occurrence of an anchor it
        holds, so the turns are not scanned for the sentence patterns' anchors.
        """
        self.text = text
        self.turns = turns
        self.lowered = lowered_for_anchors(text) if anchors is not None else None
        self._indexes: dict[str, AnchorIndex] = (
            {} if anchors is None else {"sentence": anchors, "turn": anchors}
            if isinstance(anchors, AnchorIndex) else dict(anchors))
        self._unit_masks: dict[str, dict[str, int]] = {}
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
        self._list_masks: dict[tuple[str, int], int] = {}
        self._keep_alive: list[list[int]] = []
        self._all_set_masks: dict[str, list[int]] = {}
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
    def anchor_set_mask(self, strings: tuple[str, ...], unit: str) -> int:
        """Segments of ``unit`` containing any of these anchors, as a bit mask (bit i: segment i).

        Unions and intersections of masks are single integer operations, where sets of
        indexes cost a Python step per element: with hundreds of patterns, each with
        tens of anchors, that difference is most of the prefilter's cost.
        """
        # By identity: hashing a tuple of many strings on every call costs more than
        # the lookup saves (the index keeps the tuple, so its id stays its own).
        index = self._indexes.get(unit)
        if index is not None:
            j = index.set_ids.get(id(strings))
            if j is not None and index.sets[j] is strings:
                return self._set_masks(unit)[j]
        if index is None or not index.anchors.issuperset(strings):
            return -1  # anchors not looked for in this unit: every segment may hold them
        mask = 0  # a set the index does not hold: look up each string
        masks = self._masks(unit)
        for anchor in strings:
            found = masks.get(anchor)  # most anchors occur nowhere in a given text
            if found:
                mask |= found
        return mask

    def anchors_mask(self, anchors: Sequence[Sequence[tuple[str, ...]]], unit: str) -> int:
        """Segments of ``unit`` that may hold a match: for one alternative of ``anchors``,
        a string of each of its sets (the alternatives' masks, each the AND of its sets'
        masks, ORed). The sets are resolved to the index's set numbers once per pattern,
        so a transcript costs a list lookup per set."""
        index = self._indexes.get(unit)
        resolved = index.resolve(anchors) if index is not None else None
        allowed = 0
        if resolved is None:  # a set the index does not hold: look each one up
            for sets in anchors:
                mask = -1
                for strings in sets:
                    mask &= self.anchor_set_mask(strings, unit)
                    if not mask:
                        break
                allowed |= mask
            return allowed
        masks = self._set_masks(unit)
        for row in resolved:
            mask = -1
            for j in row:
                mask &= masks[j]
                if not mask:
                    break
            allowed |= mask
        return allowed

    def _set_masks(self, unit: str) -> list[int]:
        """The mask of every anchor set the index knows, filled in one pass over the
        anchors present in the text (most of a codebook's anchors occur nowhere in it)."""
        masks = self._all_set_masks.get(unit)
        if masks is None:
            index = self._indexes[unit]
            masks = [0] * len(index.sets)
            sets_of = index.sets_of
            for anchor, found in self._masks(unit).items():
                for j in sets_of.get(anchor, ()):
                    masks[j] |= found
            self._all_set_masks[unit] = masks
        return masks

    def _masks(self, unit: str) -> dict[str, int]:
        """Each anchor present in the text: the bit mask of the segments of ``unit`` holding it.

        Each segment is scanned on its own (the automaton runs over a range of the
        lower-cased text, in C), so an anchor counts only inside one segment, as the
        pattern will be searched.
        """
        masks = self._unit_masks.get(unit)
        if masks is None:
            masks = {}
            index = self._indexes.get(unit)
            if index is not None and self.lowered is not None:
                present = index.present
                lowered = self.lowered
                get = masks.get
                for i, (start, end, _turn) in enumerate(self.units[unit]):
                    bit = 1 << i
                    for anchor in present(lowered, start, end):
                        masks[anchor] = get(anchor, 0) | bit
            self._unit_masks[unit] = masks
        return masks

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


def match_regex(pattern: str, lowered: Twin | None,
                anchors: Sequence[Sequence[tuple[str, ...]]], where: tuple[str, list[int]],
                ctx: Segments) -> list[tuple[int, int]]:
    """Matches of a regular expression in the given segments, each over its own text.

    Args:
        pattern: the regular expression (matched case-insensitively).
        lowered: its case-sensitive twin for lower-cased text, if it has one
            (compiled here, when a segment first needs it).
        anchors: alternatives of sets of lower-cased strings; every match contains,
            for one alternative, a string of each of its sets (none: no filter).
        where: the unit (``sentence`` or ``turn``) and the segment indexes to search.
        ctx: the transcript's segments.
    """
    unit, candidates = where
    if anchors and ctx.lowered is not None:
        allowed = ctx.anchors_mask(anchors, unit)  # a Python int, bit i = segment i
        if not allowed:
            return []
        allowed &= ctx.mask_of(unit, candidates)
        candidates = []
        while allowed:  # the set bits, lowest first: few, where the anchors are selective
            low = allowed & -allowed
            candidates.append(low.bit_length() - 1)
            allowed ^= low
    if not candidates:
        return []
    segs = ctx.units[unit]
    twin = lowered.regex if lowered is not None and ctx.lowered is not None else None
    if twin is not None:
        regex, text = twin, ctx.lowered  # same offsets, half the time
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
