"""Whether a span's edge falls inside a word, and the span widened to whole words.

Character spans are legitimate in qualitative coding (part of a compound, a prefix), so
nothing here refuses one; ``qcahp decide --start/--end`` warns when an edge cuts a word
(a typo in an offset, most often) and ``--snap`` widens it, and the workbench's span keys
use :func:`snap` so that they never make such a span themselves.

A word is a run of letters and digits, with an apostrophe or hyphen between two of them
inside it (``don't``, ``well-being``). Scripts written without spaces between words
(Chinese, Japanese, Thai...) have no word edges to find this way: an edge there is never
said to cut a word.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

JOINERS = frozenset("'\u2019-\u2010\u2011")
"""Inside a word when between two of its letters: apostrophes and hyphens."""
_UNSPACED = ("CJK", "HIRAGANA", "KATAKANA", "THAI", "LAO", "KHMER", "MYANMAR", "TIBETAN",
             "YI ", "HALFWIDTH KATAKANA", "IDEOGRAPHIC")
"""How the Unicode names of letters of scripts written without spaces between words begin
(Korean is spaced: its letters count as letters)."""


@lru_cache(maxsize=4096)
def _letter(char: str) -> bool:
    if not char.isalnum():
        return False
    if char.isascii():
        return True
    return not unicodedata.name(char, "").startswith(_UNSPACED)


def _in_word(text: str, i: int) -> bool:
    """Whether ``text[i]`` is part of a word (a letter or digit, or a joiner between two)."""
    if not 0 <= i < len(text):
        return False
    char = text[i]
    if char in JOINERS:
        return 0 < i < len(text) - 1 and _letter(text[i - 1]) and _letter(text[i + 1])
    return _letter(char)


def cuts_word(text: str, offset: int) -> bool:
    """Whether ``offset`` (a span's start or end) falls inside a word of ``text``."""
    return 0 < offset < len(text) and _in_word(text, offset - 1) and _in_word(text, offset)


def word_at(text: str, offset: int) -> str:
    """The whole word that ``offset`` falls inside (``""`` when it cuts none)."""
    if not cuts_word(text, offset):
        return ""
    start, end = snap(text, offset, offset)
    return text[start:end]


def snap(text: str, start: int, end: int) -> tuple[int, int]:
    """``(start, end)`` widened to whole words: a start inside a word moves back to the
    word's start, an end inside one forward to its end; edges between words stay."""
    while cuts_word(text, start):
        start -= 1
    while cuts_word(text, end):
        end += 1
    return start, end
