"""Cheap necessary conditions for patterns, so expensive matching runs only where it can succeed.

A codebook has tens to hundreds of patterns and most of them match nowhere in a
given turn. Running Python's regular expression engine over every character for
every pattern, or spaCy's Matcher (whose ``IN``/``REGEX`` predicates are Python
calls per token and pattern) over every token, costs many times what tokenising
does. So each pattern gets *anchors*: strings at least one of which must be present
wherever the pattern matches.

- A regular expression's anchors come from its parse tree (``re._parser``): literal
  runs that every match must contain (or that its lookaheads and lookbehinds need in
  the segment searched), taken from alternations where every branch has one.
  ``\\b(?:went|moved)\\s+into\\s+(?:management|operations)\\b`` has the anchor
  sets ``{went, moved}``, ``{into}`` and ``{management, operations}``; the two whose
  shortest strings are longest are kept, and a segment must hold a string of each.
  A pattern that is an alternation of whole phrasings (``A|B|C``, as codebooks grow)
  is analysed branch by branch: a segment is a candidate when it holds the anchors of
  one branch, which is far more selective than the union of every branch's words. Text is
  compared lower-cased, which is exact for case-insensitive patterns except for a few
  characters with extra case equivalents (``ſ``, the Kelvin sign...): a text containing one
  of them is scanned in full.
- A token pattern's anchors are the values of one mandatory token's ``ORTH``,
  ``TEXT``, ``LOWER``, ``NORM`` or ``LEMMA`` equality or ``IN`` list; the engine picks,
  per document, the token spec whose values occur least often.

The result is identical to a full scan; only the work differs.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path
from typing import Any

from qualcoder_ahp.suggest.anchors import (
    ANCHOR_ATTRS,
    COMMON,
    MAX_BRANCHES,
    MAX_EXPANSION,
    MAX_SETS,
    MIN_ANCHOR,
    RARE_MARKS,
    Anchors,
    analyse_regex,
    lowered_regex,
    regex_anchors,
    token_anchor_specs,
)
from qualcoder_ahp.suggest.sre_tree import _sre
from qualcoder_ahp.suggest.twin import UNSAFE_CASE, StoredCode, Twin, lowered_for_anchors

__all__ = [
    "ANCHOR_ATTRS", "COMMON", "MAX_BRANCHES", "MAX_EXPANSION", "MAX_SETS", "MIN_ANCHOR",
    "RARE_MARKS", "UNSAFE_CASE", "AnchorIndex", "Anchors", "StoredCode", "Twin",
    "analyse_regex", "analysis_from_bytes", "analysis_key", "analysis_to_bytes",
    "lowered_for_anchors", "lowered_regex", "regex_anchors", "token_anchor_specs",
]

# The analysis of a pattern depends only on the pattern, the analyser's modules and the
# regex engine of this Python: stored analyses are keyed by all three, so a changed
# analyser or Python never reads anchors or compiled code made by another (wrong anchors
# would lose matches).
_ANALYSER_MODULES = ("prefilter.py", "anchors.py", "twin.py", "sre_tree.py")
_ANALYSER = hashlib.sha256(
    b"".join((Path(__file__).parent / name).read_bytes() for name in _ANALYSER_MODULES)
    + repr((sys.version, getattr(_sre, "MAGIC", None), getattr(_sre, "CODESIZE", None)))
    .encode()).hexdigest()[:12]


def analysis_key(pattern: str) -> str:
    """The cache key of a regular expression's stored analysis (anchors, twin code)."""
    return f"a:{_ANALYSER}:{hashlib.sha256(pattern.encode()).hexdigest()[:24]}"


def analysis_to_bytes(anchors: Anchors, twin: Twin | None, *, compile_twin: bool) -> bytes:
    """A regular expression's analysis, for storing in the project.

    A JSON header (anchors; the twin's flags and groups) then the twin's compressed code.
    With ``compile_twin`` false a twin not compiled yet is stored as "make it from the
    pattern" rather than compiled now.
    """
    header: dict[str, Any] = {"anchors": anchors, "twin": None}
    body = b""
    if twin is not None:
        if compile_twin or twin.compiled:
            code = twin.code()
            if code is not None:  # None: no twin can be made; the original pattern runs
                flags, body, groups, groupindex, indexgroup = code
                header["twin"] = [flags, groups, groupindex, list(indexgroup)]
        else:
            header["twin"] = "pattern"
    head = json.dumps(header, separators=(",", ":")).encode()
    return len(head).to_bytes(4, "big") + head + body


def analysis_from_bytes(data: bytes, pattern: str) -> tuple[Anchors, Twin | None]:
    """Anchors and twin stored by :func:`analysis_to_bytes`."""
    size = int.from_bytes(data[:4], "big")
    header = json.loads(data[4:4 + size])
    anchors = tuple(tuple(tuple(strings) for strings in sets) for sets in header["anchors"])
    twin = header["twin"]
    if twin is None:
        return anchors, None
    if twin == "pattern":
        return anchors, Twin(pattern)
    flags, groups, groupindex, indexgroup = twin
    return anchors, Twin(StoredCode((flags, bytes(data[4 + size:]), groups, groupindex,
                                     tuple(indexgroup))))


class AnchorIndex:
    """Finds every occurrence of many anchors in a text in one pass.

    An Aho-Corasick automaton (``pyahocorasick``, in C) holds the anchors: building
    it for thousands of anchors takes milliseconds, and a scan reports every
    occurrence of every anchor, overlapping ones included. (A trie-shaped regular
    expression did the same job; Python's regex compiler took most of a second over
    ten thousand anchors and the scan was four times slower.)
    """

    def __init__(self, anchors: set[str] | None = None,
                 sets: list[tuple[str, ...]] | None = None) -> None:
        """Build the automaton for the anchors (lower-cased strings) and the strings of
        the anchor sets.

        ``sets`` are the patterns' anchor sets (the tuple objects the patterns hold):
        each string is indexed to the sets that contain it, so a transcript's mask of
        every set is filled from the few anchors present in it, rather than each set
        looking up each of its strings (see ``Segments.anchor_set_mask``).
        """
        import ahocorasick

        anchors = set(anchors or ()).union(*(sets or ()))
        self.anchors = anchors
        self.sets: list[tuple[str, ...]] = []
        self.set_ids: dict[int, int] = {}  # id of a set tuple -> its index in self.sets
        self.sets_of: dict[str, list[int]] = {}
        for strings in sets or ():
            if id(strings) in self.set_ids:
                continue
            self.set_ids[id(strings)] = len(self.sets)
            for anchor in set(strings):
                self.sets_of.setdefault(anchor, []).append(len(self.sets))
            self.sets.append(strings)  # kept alive: the ids above stay theirs
        self.resolved: dict[int, tuple[Any, list[list[int]] | None]] = {}
        self.automaton: Any = None
        if anchors:
            self.automaton = ahocorasick.Automaton()
            for anchor in anchors:
                self.automaton.add_word(anchor, anchor)
            self.automaton.make_automaton()

    def resolve(self, anchors: Any) -> list[list[int]] | None:
        """A pattern's anchors (alternatives of sets, as the engine holds them) as the
        indexes of their sets here, or None when a set is not held (cached by identity:
        the engine keeps each pattern's anchors for its lifetime, and so does this cache)."""
        key = id(anchors)
        hit = self.resolved.get(key)
        if hit is None or hit[0] is not anchors:
            rows = [[self.set_ids.get(id(strings)) for strings in sets] for sets in anchors]
            held = all(j is not None and self.sets[j] is strings
                       for row, sets in zip(rows, anchors, strict=True)
                       for j, strings in zip(row, sets, strict=True))
            hit = self.resolved[key] = (anchors, rows if held else None)
        return hit[1]

    def present(self, lowered: str, start: int = 0, end: int | None = None) -> set[str]:
        """The anchors that occur in ``lowered[start:end]`` (a lower-cased text)."""
        if self.automaton is None:
            return set()
        # A slice, not iter(text, start, end): that converts the whole text per call.
        return {anchor for _end, anchor in self.automaton.iter(lowered[start:end])}
