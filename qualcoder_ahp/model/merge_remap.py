"""Re-anchoring a copy's codings onto this project's text of the same file, by its words.

When a transcript of a coder's copy was read from the same source file as one here but
by another version's parser (joined subtitle cues, a PDF's headers dropped...), its text
differs: :class:`Remap` aligns the two texts word by word and places each coding of the
copy where its words are here, or says it cannot (:class:`Stranded`). :class:`SourceMatch`
is what ``qcahp merge`` reports of such a transcript.
"""

from __future__ import annotations

import bisect
import difflib
import re
from dataclasses import dataclass, field

_SPACE = re.compile(r"\s+")
_WORD = re.compile(r"\S+")


def norm_space(text: str) -> str:
    """A text with its runs of white space made one space, and none at either end."""
    return _SPACE.sub(" ", text).strip()


@dataclass(frozen=True)
class Stranded:
    """A coding of a copy that could not be re-anchored onto this project's text."""

    theme: str
    start: int
    end: int
    quote: str
    coder: str
    active: bool
    coding_id: int | None = None
    """Its id in the copy (its hand coding or accept event is marked ``left_out``)."""


@dataclass(frozen=True)
class SourceMatch:
    """A transcript of a copy matched here by its source file, and its codings' fate."""

    transcript: str
    mapped: int
    """Codings brought in at their re-anchored place."""
    as_hand: int
    """Of those, codings of a suggestion not here, brought in as hand codings."""
    stranded: list[Stranded]
    """Codings whose words were not found here: left out, with their decisions and memos."""
    decisions_out: int
    """Decisions on the copy's suggestions that have none here to map to."""


@dataclass
class Remap:
    """Offsets in a copy's text of a transcript -> offsets in this project's text of the
    same file, read by another parser (joined subtitle cues, a PDF's headers dropped...).

    The two texts are aligned word by word (:class:`difflib.SequenceMatcher` over their
    runs of non-space characters), so a difference in white space is no difference, and
    words repeated elsewhere are told apart by the words around them: the alignment is
    one for the whole text, in order. A span maps only when every word it covers is
    aligned, in one unbroken run, and the words at the new place are the same (white
    space aside); otherwise :meth:`span` gives ``None``.
    """

    label: str
    old: str
    new: str
    mapped: int = 0
    as_hand: int = 0
    decisions_out: int = 0
    stranded: list[Stranded] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._old = [(m.start(), m.end()) for m in _WORD.finditer(self.old)]
        self._new = [(m.start(), m.end()) for m in _WORD.finditer(self.new)]
        self._old_ends = [e for _, e in self._old]
        matcher = difflib.SequenceMatcher(
            None, [self.old[s:e] for s, e in self._old],
            [self.new[s:e] for s, e in self._new], autojunk=False)
        self._to: dict[int, int] = {}
        for a, b, size in matcher.get_matching_blocks():
            for k in range(size):
                self._to[a + k] = b + k

    def span(self, start: int, end: int) -> tuple[int, int] | None:
        """The place of the copy's [start, end) in this project's text, or ``None``."""
        first = bisect.bisect_right(self._old_ends, start)  # the first word ending after
        last = first
        while last < len(self._old) and self._old[last][0] < end:
            last += 1
        last -= 1  # the last word starting before the end
        if first > last or first not in self._to:
            return None
        to = self._to[first]
        if any(self._to.get(k) != to + (k - first) for k in range(first, last + 1)):
            return None
        new_start = self._new[to][0] + max(0, start - self._old[first][0])
        new_end = self._new[to + last - first][1] - max(0, self._old[last][1] - end)
        if new_start >= new_end or norm_space(self.old[start:end]) != norm_space(
                self.new[new_start:new_end]):
            return None
        return new_start, new_end
