"""CPython's regular expression parser and node kinds, as the prefilter reads them.

The prefilter (:mod:`~qualcoder_ahp.suggest.anchors` and
:mod:`~qualcoder_ahp.suggest.twin`) works on the parse tree that ``re`` itself makes,
so its reading of a pattern is exact and in step with the regex engine that runs it.
On a Python without these internals, ``sre_parse`` is None and every pattern is
scanned in full.
"""

from __future__ import annotations

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
