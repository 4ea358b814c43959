"""Cheap necessary conditions for patterns, so expensive matching runs only where it can succeed.

A codebook has tens to hundreds of patterns and most of them match nowhere in a
given turn. Running Python's regular expression engine over every character for
every pattern, or spaCy's Matcher (whose ``IN``/``REGEX`` predicates are Python
calls per token and pattern) over every token, costs many times what tokenising
does. So each pattern gets *anchors*: strings at least one of which must be present
wherever the pattern matches.

- A regular expression's anchors come from its parse tree (``re._parser``): literal
  runs that every match must contain (or that its lookaheads and lookbehinds need in
  the segment searched), taken from alternations where every branch has one. ``\\b(?:went|moved)\\s+into\\s+(?:management|operations)\\b`` has the anchor
  sets ``{went, moved}``, ``{into}`` and ``{management, operations}``; the two whose
  shortest strings are longest are kept, and a segment must hold a string of each.
  A pattern that is an alternation of whole phrasings (``A|B|C``, as codebooks grow)
  is analysed branch by branch: a segment is a candidate when it holds the anchors of
  one branch, which is far more selective than the union of every branch's words. Text is compared lower-cased, which is exact for
  case-insensitive patterns except for a few characters with extra case equivalents
  (``ſ``, the Kelvin sign...): a text containing one of them is scanned in full.
- A token pattern's anchors are the values of one mandatory token's ``ORTH``,
  ``TEXT``, ``LOWER``, ``NORM`` or ``LEMMA`` equality or ``IN`` list; the engine picks,
  per document, the token spec whose values occur least often.

The result is identical to a full scan; only the work differs.
"""

from __future__ import annotations

import array
import functools
import hashlib
import json
import re
import sys
import threading
import zlib
from pathlib import Path
from typing import Any

try:  # CPython's own parser: exact, and kept in step with the regex engine we run
    from re import _compiler as _sre_compile  # type: ignore[attr-defined]
    from re import _parser as _sre_parse  # type: ignore[attr-defined]
    from re._constants import (  # type: ignore[attr-defined]
        ASSERT,
        ASSERT_NOT,
        AT,
        ATOMIC_GROUP,
        BRANCH,
        CATEGORY,
        GROUPREF_EXISTS,
        IN,
        LITERAL,
        MAX_REPEAT,
        MIN_REPEAT,
        NEGATE,
        NOT_LITERAL,
        POSSESSIVE_REPEAT,
        RANGE,
        SUBPATTERN,
    )
    import _sre
except ImportError:  # pragma: no cover - other Pythons: no prefilter, full scans
    _sre_parse = None
    _sre = None

MIN_ANCHOR = 2
"""Shorter anchors are too common to save anything..."""
RARE_MARKS = frozenset("?!;%£$&")
"""...except these marks: a question's "?" picks out the few sentences that are questions."""
MAX_EXPANSION = 16
MAX_SETS = 2
"""Most strings a finite stretch of a regular expression is expanded into."""

ANCHOR_ATTRS = {"ORTH": "ORTH", "TEXT": "ORTH", "LOWER": "LOWER", "NORM": "NORM",
                "LEMMA": "LEMMA"}


def lowered_regex(pattern: str) -> re.Pattern[str] | None:
    """A case-sensitive twin of a case-insensitive pattern, for lower-cased text.

    Python's IGNORECASE matching is about twice as slow as plain matching. On text
    lower-cased by :func:`lowered_for_anchors` (same length, no characters with
    extra case equivalents), the pattern with every literal and character-class
    member lower-cased matches at exactly the same offsets. Returns None when that
    cannot be guaranteed (inline case flags, huge character ranges), and the
    original pattern runs on the original text.
    """
    twin = analyse_regex(pattern)[1]
    return None if twin is None else twin.regex


class Twin:
    """A pattern's lower-cased twin (see :func:`lowered_regex`), made when first used.

    Lowering and compiling are most of what analysing a regular expression costs,
    and in a given corpus many patterns never meet a segment their anchors allow:
    those are never compiled. A twin is made from the parse tree the anchors came
    from; or, when the analysis was read from the project (:func:`analysis_key`),
    from the compiled code stored with it (Python's regex compiler is written in
    Python and costs about a millisecond per codebook pattern; handing the stored
    code to the C engine costs almost nothing), or from the pattern itself.
    """

    __slots__ = ("_source", "_regex", "_code")

    def __init__(self, source: Any) -> None:
        """Keep the lowered parse tree, stored code (:class:`StoredCode`) or the
        pattern string until the twin is wanted."""
        self._source = source
        self._regex: re.Pattern[str] | None = None
        self._code: StoredCode | None = source if isinstance(source, StoredCode) else None

    @property
    def regex(self) -> re.Pattern[str] | None:
        """The compiled twin; None if it cannot be made (then use the original)."""
        if self._source is not None:
            with _TWIN_LOCK:  # lowering rewrites the tree: one thread at a time
                if self._source is not None:
                    self._regex, code = _compile_lowered(self._source)
                    self._code = self._code or code
                    self._source = None
        return self._regex

    @property
    def from_pattern(self) -> bool:
        """Whether the twin will be made by parsing the pattern (no tree, no stored code)."""
        return isinstance(self._source, str)

    @property
    def compiled(self) -> bool:
        """Whether the twin has been made (or found impossible)."""
        return self._source is None

    def code(self) -> StoredCode | None:
        """The twin's compiled code, for storing (compiles the twin if need be)."""
        return self._code if self.regex is not None else None


class StoredCode(tuple):  # type: ignore[type-arg]
    """What ``_sre.compile`` takes for a twin: flags, code (array bytes), groups,
    group index and index group (see ``re._compiler.compile``)."""

    __slots__ = ()


_TWIN_LOCK = threading.Lock()
_CODE_TYPE = next((t for t in "IL" if array.array(t).itemsize == getattr(_sre, "CODESIZE", 4)),
                  "I")


def _compile_lowered(source: Any) -> tuple[re.Pattern[str] | None, StoredCode | None]:
    try:
        if isinstance(source, StoredCode):
            flags, code, groups, groupindex, indexgroup = source
            words = array.array(_CODE_TYPE)
            words.frombytes(zlib.decompress(code))
            # The C engine validates the code it is given ("invalid SRE code").
            return _sre.compile(None, flags, words.tolist(), groups, groupindex,
                                tuple(indexgroup)), None
        tree = _sre_parse.parse(source, re.IGNORECASE) if isinstance(source, str) else source
        if not _lower_nodes(tree):  # rewrites the tree in place
            return None, None
        tree.state.flags &= ~re.IGNORECASE
    except Exception:  # noqa: BLE001 - any surprise: use the original pattern
        return None, None
    try:  # as re._compiler.compile does, keeping the code to store
        code = _sre_compile._code(tree, 0)
        groupindex = dict(tree.state.groupdict)
        indexgroup = [None] * tree.state.groups
        for name, i in groupindex.items():
            indexgroup[i] = name
        args = (tree.state.flags, code, tree.state.groups - 1, groupindex, tuple(indexgroup))
        regex = _sre.compile(None, *args)
        stored = StoredCode((args[0], zlib.compress(array.array(_CODE_TYPE, code).tobytes()),
                             *args[2:]))
        return regex, stored
    except Exception:  # noqa: BLE001 - another Python's internals: compile, store nothing
        try:
            return _sre_compile.compile(tree, 0), None
        except Exception:  # noqa: BLE001
            return None, None


Anchors = tuple[tuple[tuple[str, ...], ...], ...]
"""Alternatives of anchor sets: a match contains, for one alternative, a string of each set.
Empty: no anchors (the pattern runs on every segment)."""

MAX_BRANCHES = 64
"""Largest top-level alternation analysed branch by branch."""


@functools.lru_cache(maxsize=4096)
def analyse_regex(pattern: str) -> tuple[Anchors, Twin | None]:
    """Anchors and lower-cased twin of a pattern, from one parse (cached per pattern)."""
    if _sre_parse is None:
        return (), None
    try:
        tree = _sre_parse.parse(pattern, re.IGNORECASE)
    except Exception:  # noqa: BLE001 - validated elsewhere; no anchors means a full scan
        return (), None
    return _anchor_alternatives(list(tree)), Twin(tree)


# The analysis of a pattern depends only on the pattern, this module and the regex
# engine of this Python: stored analyses are keyed by all three, so a changed analyser
# or Python never reads anchors or compiled code made by another (wrong anchors would
# lose matches).
_ANALYSER = hashlib.sha256(
    Path(__file__).read_bytes()
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


def _anchor_alternatives(items: list[tuple[Any, Any]]) -> Anchors:
    """The anchor alternatives of a node sequence (see :data:`Anchors`).

    The sequence is split at its largest top-level alternation of phrasings (bare, or
    a group holding only the alternation; a list of words or fixed phrases is better
    left as one anchor set): each branch, with what comes before and after it, gets
    its own anchor sets. If any branch has none, the pattern has none.
    """
    split, branches = None, []
    for i, (op, av) in enumerate(items):
        node_branches = _branches(op, av)
        if (len(node_branches) > len(branches)
                and any(_finite(list(branch)) is None for branch in node_branches)):
            split, branches = i, node_branches
    if split is None or len(branches) > MAX_BRANCHES:
        sets = _anchor_sets(items)
        return (tuple(sets),) if sets else ()
    out: list[tuple[tuple[str, ...], ...]] = []
    for branch in branches:
        sets = _anchor_sets([*items[:split], *branch, *items[split + 1:]])
        if not sets:
            return ()
        out.append(tuple(sets))
    return tuple(dict.fromkeys(out))


def _branches(op: Any, av: Any) -> list[Any]:
    """The alternatives of an alternation node, or of a group that holds only one."""
    if op is BRANCH:
        return list(av[1])
    if op is SUBPATTERN and len(av[3]) == 1:
        return _branches(*av[3][0])
    return []


def _lower_nodes(items: Any) -> bool:
    """Lower-case literals in place; False if the pattern cannot be lowered safely."""
    for i, (op, av) in enumerate(items):
        if op in (LITERAL, NOT_LITERAL):
            lower = chr(av).lower()
            if len(lower) != 1:
                return False
            items[i] = (op, ord(lower))
        elif op is IN:
            extra = []
            for kind, value in av:
                if kind is LITERAL:
                    extra.append((LITERAL, ord(chr(value).lower())))
                elif kind is RANGE:
                    low, high = value
                    if high - low > 1024:
                        return False
                    extra.extend((LITERAL, ord(chr(c).lower())) for c in range(low, high + 1)
                                 if chr(c).lower() != chr(c) and len(chr(c).lower()) == 1)
                elif kind not in (NEGATE, CATEGORY):
                    return False
            av.extend(x for x in dict.fromkeys(extra) if x not in av)
        elif op is SUBPATTERN:
            if av[2] & re.IGNORECASE:  # (?-i:...): a case-sensitive part
                return False
            if not _lower_nodes(av[3]):
                return False
        elif op is BRANCH:
            if not all(_lower_nodes(alt) for alt in av[1]):
                return False
        elif op in (MAX_REPEAT, MIN_REPEAT, POSSESSIVE_REPEAT):
            if not _lower_nodes(av[2]):
                return False
        elif op in (ASSERT, ASSERT_NOT):
            if not _lower_nodes(av[1]):
                return False
        elif op is ATOMIC_GROUP:
            if not _lower_nodes(av):
                return False
        elif op is GROUPREF_EXISTS:
            if not _lower_nodes(av[1]) or (av[2] is not None and not _lower_nodes(av[2])):
                return False
    return True


def _unsafe_case_chars() -> frozenset[str]:
    """Characters whose case-insensitive matches ``str.lower`` does not reproduce."""
    chars = {"\u0130"}  # 'İ' lower-cases to two characters
    try:
        from re._casefix import _EXTRA_CASES  # type: ignore[import-not-found]

        for key, values in _EXTRA_CASES.items():
            chars.update(chr(c) for c in (key, *values) if c >= 128)
    except ImportError:  # pragma: no cover
        chars.update("µıſͅςϐϑϕϖϰϱϵẛιﬅﬆ\u212a\u212b")
    chars.update("\u212a\u212b")  # Kelvin and Angstrom signs
    return frozenset(chars)


UNSAFE_CASE = _unsafe_case_chars()


def lowered_for_anchors(text: str) -> str | None:
    """The text lower-cased for anchor search, or None if anchors are not exact for it."""
    if not text.isascii() and not UNSAFE_CASE.isdisjoint(text):
        return None
    lowered = text.lower()
    return lowered if len(lowered) == len(text) else None


def regex_anchors(pattern: str) -> list[list[tuple[str, ...]]]:
    """Anchors of a regular expression: every match contains, for one of the
    alternatives, a string of each of its sets.

    Each alternative has the usable sets (lower-cased, at most :data:`MAX_SETS`,
    most selective first); an empty list means the pattern has to be run on every
    segment.
    """
    return [list(sets) for sets in analyse_regex(pattern)[0]]


def _anchor_sets(items: list[tuple[Any, Any]]) -> list[tuple[str, ...]]:
    usable = {tuple(sorted(_minimal(s))) for s in _sequence(items)
              if s and all(_long_enough(x) for x in s)}
    ranked = sorted(usable, key=_selectivity, reverse=True)
    # A set holding a very common word ("the", " in ", "n't") occurs in most segments,
    # and each occurrence costs the scan a step: used only when nothing better exists.
    strong = [s for s in ranked if not any(_common(x) for x in s)]
    return (strong or ranked)[:MAX_SETS]


COMMON = frozenset("""
a about all an and are as at be been but by can did do for from get got had has have
he her his i if in is it its me my no not of on one or our out she so than that the
their them then there they this to up us was we were what when which who will with
would you your
""".split()) | {"n't", "n’t"}


def _common(string: str) -> bool:
    """Whether an anchor string is too common in speech to filter anything."""
    stripped = string.strip(" '’")
    return (len(stripped) <= 2 and not RARE_MARKS.intersection(stripped)) or stripped in COMMON


def _long_enough(string: str) -> bool:
    return len(string) >= MIN_ANCHOR or string in RARE_MARKS


def _selectivity(strings: tuple[str, ...] | set[str]) -> tuple[int, int]:
    # Beyond 8 characters a string is rare enough; then fewer strings cost less.
    # A rare mark counts as a word of four.
    return min(min(4 if x in RARE_MARKS else len(x) for x in strings), 8), -len(strings)


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


def _sequence(items: list[tuple[Any, Any]]) -> list[set[str]]:
    """Every anchor set (one string of each must occur) a sequence of nodes implies.

    Stretches of the sequence that match a small finite set of strings (literals,
    alternations of literals, optional parts, ``\\b``) are expanded into that set, so
    ``f(?:ell|allen)`` gives ``{fell, fallen}`` rather than the weaker ``{ell, allen}``.
    """
    sets: list[set[str]] = []
    current = {""}

    def flush() -> None:
        nonlocal current
        if current != {""}:
            sets.append(current)
        current = {""}

    for op, av in items:
        if op is LITERAL:  # the common case, without building a one-string set
            char = chr(av).lower()
            current = {a + char for a in current}
            continue
        finite = _finite_node(op, av)
        if finite is not None:
            product = {a + b for a in current for b in finite}
            if len(product) <= MAX_EXPANSION:
                current = product
                continue
            flush()
            current = finite if len(finite) <= MAX_EXPANSION else {""}
            continue
        flush()
        if op is SUBPATTERN:
            sets.extend(_sequence(list(av[3])))
        elif op is ATOMIC_GROUP:
            sets.extend(_sequence(list(av)))
        elif op is BRANCH:
            union: set[str] = set()
            for alternative in av[1]:
                best = _best(_sequence(list(alternative)))
                if best is None:
                    union = set()
                    break
                union |= best
            if union:
                sets.append(union)
        elif op in (MAX_REPEAT, MIN_REPEAT, POSSESSIVE_REPEAT) and av[0] >= 1:
            sets.extend(_sequence(list(av[2])))
        elif op is ASSERT:
            # A lookahead or lookbehind must match too, inside the segment searched
            # (each segment is searched on its own), so its anchors are the segment's.
            sets.extend(_sequence(list(av[1])))
        # IN with classes, ANY, CATEGORY, negative lookarounds, group references: none.
    flush()
    return sets


def _finite(items: list[tuple[Any, Any]]) -> set[str] | None:
    """The (lower-cased) strings a node sequence matches, if few; else None."""
    out = {""}
    for op, av in items:
        if op is LITERAL:  # most nodes: one character appended to every string
            char = chr(av).lower()
            out = {a + char for a in out}
            continue
        node = _finite_node(op, av)
        if node is None:
            return None
        out = {a + b for a in out for b in node}
        if len(out) > MAX_EXPANSION:
            return None
    return out


def _finite_node(op: Any, av: Any) -> set[str] | None:
    if op is LITERAL:
        return {chr(av).lower()}
    if op is AT:
        return {""}  # \b, ^, $: zero width
    if op is IN:
        if all(kind is LITERAL for kind, _ in av) and len(av) <= 8:
            return {chr(c).lower() for _, c in av}
        return None
    if op is SUBPATTERN:
        return _finite(list(av[3]))
    if op is BRANCH:
        out: set[str] = set()
        if len(av[1]) > MAX_EXPANSION:  # every alternative gives at least one string
            return None
        for alternative in av[1]:
            strings = _finite(list(alternative))
            if strings is None:
                return None
            out |= strings
            if len(out) > MAX_EXPANSION:
                return None
        return out
    if op in (MAX_REPEAT, MIN_REPEAT, POSSESSIVE_REPEAT) and av[1] is not None and av[1] <= 2:
        inner = _finite(list(av[2]))
        if inner is None:
            return None
        out = set()
        for count in range(av[0], av[1] + 1):
            strings = {""}
            for _ in range(count):
                strings = {a + b for a in strings for b in inner}
            out |= strings
        return out if len(out) <= MAX_EXPANSION else None
    return None


def _best(sets: list[set[str]]) -> set[str] | None:
    """The most selective anchor set: longest shortest string, then fewest strings."""
    usable = [_minimal(s) for s in sets if s and all(_long_enough(x) for x in s)]
    if not usable:
        return None
    return max(usable, key=_selectivity)


def _minimal(strings: set[str]) -> set[str]:
    """Drop strings that contain another string of the set (that one occurs too)."""
    if len(strings) < 2:
        return set(strings)
    kept: list[str] = []
    for string in sorted(strings, key=len):  # a string can only contain shorter ones
        if not any(shorter in string for shorter in kept):
            kept.append(string)
    return set(kept)


def token_anchor_specs(body: list[dict[str, Any]]) -> list[tuple[str, tuple[str, ...]]]:
    """``(attribute, values)`` of each mandatory token spec that can anchor a token pattern.

    A token is mandatory when it has no ``OP`` or one that needs at least one token
    (``+``, ``{n}``, ``{n,m}`` with n >= 1). Every match of the pattern contains a
    token whose attribute has one of the values, for each spec returned.
    """
    specs: list[tuple[str, tuple[str, ...]]] = []
    for token in body:
        if not isinstance(token, dict) or not _mandatory(token.get("OP", token.get("op"))):
            continue
        for attr, value in token.items():
            column = ANCHOR_ATTRS.get(str(attr).upper())
            if column is None:
                continue
            if isinstance(value, str):
                specs.append((column, (value,)))
            elif (isinstance(value, dict) and len(value) == 1
                  and str(next(iter(value))).upper() == "IN"):
                values = next(iter(value.values()))
                if isinstance(values, list) and values and all(isinstance(v, str)
                                                               for v in values):
                    specs.append((column, tuple(values)))
    return specs


def _mandatory(op: Any) -> bool:
    if op is None or op == "+":
        return True
    if isinstance(op, str) and op.startswith("{"):
        low = op[1:-1].split(",")[0]
        return low.isdigit() and int(low) >= 1
    return False
