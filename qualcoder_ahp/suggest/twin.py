"""Case-sensitive twins of case-insensitive regular expressions, for lower-cased text.

Python's IGNORECASE matching is about twice as slow as plain matching. A pattern with
every literal and character-class member lower-cased, run on the lower-cased text,
matches at exactly the same offsets, provided the text has no character with extra
case equivalents (:func:`lowered_for_anchors`). This module makes such twins
(:class:`Twin`) from a parse tree, from the compiled code stored in a project
(:class:`StoredCode`), or from the pattern itself.
"""

from __future__ import annotations

import array
import re
import threading
import zlib
from typing import Any

from qualcoder_ahp.suggest.sre_tree import (
    ASSERT,
    ASSERT_NOT,
    AT,
    ATOMIC_GROUP,
    BRANCH,
    CATEGORY,
    GROUPREF_EXISTS,
    IGNORECASE,
    IN,
    INFO,
    LITERAL,
    MAX_REPEAT,
    MIN_REPEAT,
    NEGATE,
    NOT_LITERAL,
    POSSESSIVE_REPEAT,
    RANGE,
    SRE_INFO_CHARSET,
    SUBPATTERN,
    _sre,
    _sre_compile,
    _sre_parse,
)


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
        tree = _sre_parse.parse(source, IGNORECASE) if isinstance(source, str) else source
        if not _lower_nodes(tree):  # rewrites the tree in place
            return None, None
        tree.state.flags &= ~IGNORECASE
    except Exception:  # noqa: BLE001 - any surprise: use the original pattern
        return None, None
    try:  # as re._compiler.compile does, keeping the code to store
        code = _with_first_chars(tree, _sre_compile._code(tree, 0))
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


def _with_first_chars(tree: Any, code: list[int]) -> list[int]:
    """The compiled code, told which characters a match can start with when ``re`` did
    not work that out itself.

    ``re`` finds a pattern's literal prefix or first-character set only when the
    pattern begins with a literal, a character class or an alternation of literals, so
    a pattern beginning with ``\\b`` or a lookbehind, as most codebook patterns do, is
    tried at every position of the text. Zero-width assertions consume nothing, so the
    first character a match consumes is at its start: the set of characters that can
    be first (:func:`_first_chars`) goes into the info block, as ``re`` writes it for a
    pattern beginning with a character class, and the engine skips, in C, every position
    holding another character. The matches are the same; only positions that cannot
    start one are not tried.
    """
    if code[0] != INFO or code[2] != 0 or code[3] == 0:  # a prefix already, or empty matches
        return code
    first = _first_chars(list(tree))
    if first is None or first[1] or not first[0]:
        return code
    charset, hascased = _sre_compile._optimize_charset(first[0])
    if hascased:
        return code
    info = [INFO, 0, SRE_INFO_CHARSET, code[3], code[4]]
    _sre_compile._compile_charset(charset, tree.state.flags, info)
    info[1] = len(info) - 1
    return info + code[1 + code[1]:]


def _first_chars(items: Any) -> tuple[list[tuple[Any, Any]], bool] | None:
    """The characters (``LITERAL`` and ``RANGE`` items) that the first character a node
    sequence consumes can be, and whether the sequence can match the empty string (then
    what follows it can supply the first character); None when unknown."""
    chars: list[tuple[Any, Any]] = []
    for op, av in items:
        if op in (AT, ASSERT, ASSERT_NOT):  # zero width: the first character is later
            continue
        if op is LITERAL:
            chars.append((LITERAL, av))
            return chars, False
        if op is IN:
            if any(kind is not LITERAL and kind is not RANGE for kind, _ in av):
                return None  # negated sets and categories (\\w, \\s): unknown
            chars.extend(av)
            return chars, False
        if op is SUBPATTERN:
            if av[1] or av[2]:  # (?i:...) and the like: not worth the risk
                return None
            found = _first_chars(av[3])
        elif op is ATOMIC_GROUP:
            found = _first_chars(av)
        elif op is BRANCH:
            found = ([], False)
            for alternative in av[1]:
                branch = _first_chars(alternative)
                if branch is None:
                    return None
                found = (found[0] + branch[0], found[1] or branch[1])
        elif op in (MAX_REPEAT, MIN_REPEAT, POSSESSIVE_REPEAT):
            found = _first_chars(av[2])
            if found is not None and av[0] == 0:
                found = (found[0], True)
        else:
            return None  # ANY, group references, conditionals: unknown
        if found is None:
            return None
        chars.extend(found[0])
        if not found[1]:
            return chars, False
    return chars, True


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
            if av[2] & IGNORECASE:  # (?-i:...): a case-sensitive part
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
