"""CPython's regular expression parser and node kinds, as the prefilter reads them.

The prefilter (:mod:`~qualcoder_ahp.suggest.anchors` and
:mod:`~qualcoder_ahp.suggest.twin`) works on the parse tree that ``re`` itself makes,
so its reading of a pattern is exact and in step with the regex engine that runs it.
On a Python without these internals, ``sre_parse`` is None and every pattern is
scanned in full.
"""

from __future__ import annotations

import contextlib
import gc
import re
import threading
from collections.abc import Iterator
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
    )
    import _sre
except ImportError:  # pragma: no cover - other Pythons: no prefilter, full scans
    _sre_parse = _sre_compile = _sre = None
    # Never met in a tree (none is parsed), but importable by the analyser's modules.
    ASSERT = ASSERT_NOT = AT = ATOMIC_GROUP = BRANCH = CATEGORY = GROUPREF_EXISTS = None
    IN = LITERAL = MAX_REPEAT = MIN_REPEAT = NEGATE = NOT_LITERAL = None
    POSSESSIVE_REPEAT = RANGE = SUBPATTERN = INFO = SRE_INFO_CHARSET = None


IGNORECASE = int(re.IGNORECASE)
"""``re.IGNORECASE`` as a plain int, for the parser and the compiler.

They test flags bit by bit (``flags & SRE_FLAG_VERBOSE``...), and with a ``RegexFlag``
each test is an ``enum`` operation in Python: about a million of them for the shipped
codebook, most of what compiling it cost. The trees and the code are the same.
"""

_TREES: dict[str, Any] = {}
_TREES_LOCK = threading.Lock()
KEPT_TREES = 4096
"""Most parse trees a check hands on (see :func:`keep_tree`)."""


def keep_tree(pattern: str, tree: Any) -> None:
    """Hand the tree the codebook check parsed (and compiled, which reads it only) to the
    prefilter's analysis of the same pattern (:func:`parsed_tree`), which would otherwise
    parse it again: parsing is most of what checking and analysing a regex costs.

    Only the last check's trees are wanted (:func:`forget_trees`), and at most
    :data:`KEPT_TREES`: a check that no load follows leaves little behind.
    """
    with _TREES_LOCK:
        if len(_TREES) >= KEPT_TREES:
            _TREES.pop(next(iter(_TREES)))
        _TREES[pattern] = tree


def forget_trees() -> None:
    """Drop the trees an earlier check kept (a new check starts)."""
    with _TREES_LOCK:
        _TREES.clear()


def parsed_tree(pattern: str) -> Any:
    """The parse tree of a case-insensitive pattern: the one the check kept (taken: the
    analysis rewrites it in place), else a new parse (raising ``re.error``)."""
    with _TREES_LOCK:
        tree = _TREES.pop(pattern, None)
    return tree if tree is not None else _sre_parse.parse(pattern, IGNORECASE)


_PAUSE_LOCK = threading.Lock()
_paused = 0
_was_enabled = False


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while a codebook's regular expressions are
    parsed and checked.

    Parse trees are large graphs of small objects (the shipped codebook's hold about
    400,000 nodes), and each collection that parsing triggers walks every tree still
    alive (the check keeps them for the analysis: :func:`keep_tree`): with the
    collector running, checking that codebook took about twice as long. When the last
    pause ends (several threads may pause at once) one full collection does what the
    skipped ones would have done, in a few hundredths of a second, and moves the kept
    trees to the oldest generation, which the frequent young collections of the
    analysis that follows do not walk. (Pausing the analysis too gained nothing more
    and left the suggestions that follow a load in one process 5% slower.)
    """
    global _paused, _was_enabled
    with _PAUSE_LOCK:
        if _paused == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _paused += 1
    try:
        yield
    finally:
        with _PAUSE_LOCK:
            _paused -= 1
            if _paused == 0 and _was_enabled:
                gc.enable()
                gc.collect()
