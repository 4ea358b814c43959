"""Words a PDF broke over a line: ``manage-`` / ``ment`` read as the one word
``management``, while compounds keep their hyphen (``well-being``, ``self-employed``).

A PDF's text layer holds the lines as they were typeset, so a justified transcript's
words broken at the line end came out as ``manage- ment``: the word was never found by a
search, a pattern or a word count. Only a hyphen at the end of a line (or of a page)
before a lower-case letter is looked at, and it is dropped where the line break made it:
the document writes the word elsewhere without it, or the English word list (the
spacy-lookups-data tables) has the closed word (``well-`` / ``ness`` is ``wellness``,
``feed-`` / ``back`` is ``feedback``). A compound the document writes with its hyphen
keeps it, and so does one the word list has only with its hyphen (``long-term``,
``self-esteem``), or with it too after ``well-``, ``self-``, ``multi-``, ``semi-``
(``well-being``); so do halves the list does not join after a word that opens compounds
(``self-care``, ``co-design``), and two words of their own (``decision-`` /
``making``). Left as they are: hyphens inside a
line (``long-term``), a word cut off in
speech (``I was going to-`` / ``and then``), a hyphen before a capital (``non-NHS``)
and a suspended one (``full- and part-time``); a code before its number is one again
(``COVID-`` / ``19``). ``manage- ment`` within a line (lines run together before the
text was extracted) is joined only where the document or the dictionary has the word.
"""

from __future__ import annotations

import functools
import gzip
import json
import re
from pathlib import Path

# A letter, a hyphen (or a soft hyphen, which marks only where a word may break) and a
# line end; the lower-case letter that opens the next line (after a page break too).
_BROKEN = re.compile(r"(?<![^\W\d_])(?P<left>[^\W\d_]+)(?P<mark>[-\u00ad\u2010])"
                     r"(?P<gap>[ \t]*\n(?:[ \t]*\n)?[ \t]*|[ \t])(?P<right>[^\W\d_A-Z][^\W\d_]*)"
                     r"|(?<![^\W\d_])(?P<code>[A-Z]{2,})-[ \t]*\n[ \t]*(?P<number>\d+)\b")
_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")

COMPOUND_FIRST = frozenset({"self", "well", "multi", "semi"})
"""Words that open compounds even where the two halves make an English word too: a
hyphen at a line end after one is the compound's (``well-being``, ``self-employed``,
``multi-professional``), where the word after it is one of its own."""

PREFIXES = frozenset({
    "non", "co", "ex", "cross", "anti", "pre", "post", "inter", "intra", "sub", "long",
    "short", "high", "low", "mid", "full", "part", "half", "all", "one", "two", "three",
    "first", "second", "third", "face", "person", "patient", "evidence", "decision", "user",
    "family", "cost", "life", "follow", "check", "hands", "time", "year", "day", "work",
})
"""Words that open compounds (``non-clinical``, ``co-production``, ``long-term``,
``person-centred``): where the two halves make no English word, the hyphen at a line end
after one is the compound's."""


_SUSPENDED = frozenset({"and", "or", "nor", "to", "as", "than", "vs", "versus"})
# Words that follow a word cut off in speech ("I was going to-" / "and then"), not the
# second half of a word.
_SPOKEN = _SUSPENDED | frozenset({"but", "so", "then", "i", "the", "a", "we", "you", "it",
                                  "um", "er", "erm", "uh", "like", "yeah", "no", "well"})


@functools.cache
def english_words() -> frozenset[str]:
    """English words (lower case): the forms and lemmas of spacy-lookups-data's English
    tables, about 100,000. Empty when the tables cannot be read (every break is then
    decided by the document alone). Read once, when a PDF first has a hyphen at a line end
    that its own words do not explain (about 0.1 s)."""
    try:
        import spacy_lookups_data
    except ImportError:
        return frozenset()
    folder = Path(spacy_lookups_data.__file__).parent / "data"
    words: set[str] = set()
    try:
        with gzip.open(folder / "en_lemma_lookup.json.gz", "rt", encoding="utf-8") as fh:
            lookup = json.load(fh)
        words.update(lookup)
        words.update(v for v in lookup.values() if isinstance(v, str))
        with gzip.open(folder / "en_lemma_index.json.gz", "rt", encoding="utf-8") as fh:
            for forms in json.load(fh).values():
                words.update(forms)
    except (OSError, ValueError):
        return frozenset()
    return frozenset(words)  # (looked up in lower case: a few names with capitals never are)


def join_broken_words(text: str) -> str:
    """``text`` with the words its line ends broke joined (see the module notes)."""
    if "- " not in text and "-\n" not in text and "\u00ad" not in text and "\u2010" not in text:
        return text
    found = list(_BROKEN.finditer(text))
    if not found:
        return text
    seen = {w for w in _WORD.findall(text.lower())}
    out: list[str] = []
    pos = 0
    for m in found:
        if m.group("code"):  # "COVID-" / "19"
            out.append(text[pos:m.start()])
            out.append(f"{m.group('code')}-{m.group('number')}")
            pos = m.end()
            continue
        left, right, mark = m.group("left"), m.group("right"), m.group("mark")
        if text[m.end():m.end() + 1] == ":":
            joined = None  # "...going to-" above "int: Sorry": a label, not a word's end
        elif "\n" in m.group("gap"):
            joined = _join(left, right, mark, seen)
        else:  # "manage- ment": lines joined before the text was extracted
            joined = _join_inline(left, right, seen)
        out.append(text[pos:m.start()])
        out.append(joined if joined is not None else m.group(0))
        pos = m.end()
    out.append(text[pos:])
    return "".join(out)


def _join(left: str, right: str, mark: str, seen: set[str]) -> str | None:
    """``left`` and ``right`` as one word, with the hyphen or without; None to keep the
    line break (a dash, or nothing to tell)."""
    low_left, low_right = left.lower(), right.lower()
    whole, compound = low_left + low_right, f"{low_left}-{low_right}"
    if mark == "\u00ad":  # a soft hyphen is only ever a break
        return left + right
    if compound in seen:
        return f"{left}-{right}"
    if whole in seen:
        return left + right
    words = english_words()  # (read only when the document's own words do not tell)
    if compound in words and (whole not in words or low_left in COMPOUND_FIRST):
        return f"{left}-{right}"  # the dictionary's compound: long-term, well-being
    if whole in words:  # the dictionary's word: wellness, feedback, management
        return left + right
    if low_left in COMPOUND_FIRST and low_right in words:  # self-care, well-paid
        return f"{left}-{right}"
    if low_left in PREFIXES:
        return f"{left}-{right}"
    if low_right in _SPOKEN:
        return None  # "I was going to-" / "and then": a word cut off in speech
    if low_left in words and low_right in words:
        return f"{left}-{right}"
    if not words:
        return None
    # Neither part a word: a long word the typesetter broke ("multidisci-" "plinary").
    return left + right



def _join_inline(left: str, right: str, seen: set[str]) -> str | None:
    """``left- right`` within a line (a PDF's lines run together on extraction) as one
    word, only where that is surely what it is: the document or the dictionary has the
    word, and the hyphen opens no suspended compound (``full- and part-time``)."""
    low_left, low_right = left.lower(), right.lower()
    if low_right in _SUSPENDED:
        return None
    whole = low_left + low_right
    words = english_words()
    compound = f"{low_left}-{low_right}"
    if compound in seen or compound in words and (whole not in words
                                                  or low_left in COMPOUND_FIRST):
        return f"{left}-{right}"
    if whole in seen:
        return left + right
    opens = low_left in COMPOUND_FIRST | PREFIXES
    if whole in words and (opens or low_right not in words):  # "well- ness", "manage- ment"
        return left + right
    if opens and low_right in words:  # "co- design", "self- care"
        return f"{left}-{right}"
    return None
