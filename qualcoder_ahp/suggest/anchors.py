"""Anchors: strings (or token values) one of which every match of a pattern contains.

A regular expression's anchors come from its parse tree (see
:mod:`~qualcoder_ahp.suggest.prefilter` for the whole scheme): literal runs that
every match must contain, alternations where every branch has one, small finite
stretches expanded into the strings they match, and a top-level alternation of
phrasings analysed branch by branch. A token pattern's anchors are the values of
its mandatory token specs.
"""

from __future__ import annotations

import functools
import re
from typing import Any

from qualcoder_ahp.suggest.sre_tree import (
    ASSERT,
    AT,
    ATOMIC_GROUP,
    BRANCH,
    IN,
    LITERAL,
    MAX_REPEAT,
    MIN_REPEAT,
    POSSESSIVE_REPEAT,
    SUBPATTERN,
    _sre_parse,
    parsed_tree,
)
from qualcoder_ahp.suggest.twin import Twin

MIN_ANCHOR = 2
"""Shorter anchors are too common to save anything..."""
RARE_MARKS = frozenset("?!;%£$&")
"""...except these marks: a question's "?" picks out the few sentences that are questions."""
MAX_EXPANSION = 16
"""Most strings a finite stretch of a regular expression is expanded into."""
MAX_SETS = 2
"""Most anchor sets kept for one alternative (the most selective ones)."""

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
        tree = parsed_tree(pattern)
    except Exception:  # noqa: BLE001 - validated elsewhere; no anchors means a full scan
        return (), None
    return _anchor_alternatives(list(tree)), Twin(tree)


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
