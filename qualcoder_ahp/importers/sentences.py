"""A fast, deterministic sentence splitter, run once at import.

Sentences are the default unit for suggestions, keyboard coding and agreement, so
they are split once and stored: every later step sees the same units. A sentence
ends at ``.``, ``!``, ``?`` or ``…`` (with any closing quotes or brackets) when the
next word starts with a capital, a digit or an opening quote, and at every line
break; it never crosses a turn. Titles and Latin abbreviations (``Dr.``, ``Mr.``,
``e.g.``, ``i.e.``) and single initials do not end a sentence. A regular expression
is used rather than spaCy so that import stays fast on 40k-word hearings and the
units never change when a spaCy version does.
"""

from __future__ import annotations

import re

from qualcoder_ahp.records import Sentence, Turn

ABBREVIATIONS = frozenset({
    "dr", "mr", "mrs", "ms", "mx", "prof", "st", "sr", "jr", "rev", "hon", "gen", "col",
    "capt", "lt", "sgt", "e.g", "i.e", "etc", "vs", "v", "cf", "approx", "no", "nos",
    "fig", "vol", "pp", "p", "inc", "ltd", "co", "corp", "dept", "univ", "mt", "ft",
    "al", "viz", "ca",
})

_END = re.compile(
    r"[.!?\u2026]+[\"'\u201d\u2019)\]]*"  # the stop, then closing quotes or brackets
    r"(?=\s+[\"'\u201c\u2018(\[]?[A-Z0-9\u00C0-\u024F])"  # before a capital, digit, quote
)
_NON_SPACE = re.compile(r"\S")


def _is_abbreviation(text: str, dot: int) -> bool:
    """Whether the full stop at ``dot`` closes an abbreviation or an initial."""
    start = dot
    while start > 0 and not text[start - 1].isspace() and text[start - 1] not in "(\"'\u201c":
        start -= 1
    word = text[start:dot].lower()
    if not word:
        return False
    return word in ABBREVIATIONS or (len(word) == 1 and word.isalpha()) or "." in word


def split_spans(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Sentence spans ``[s, e)`` inside ``text[start:end]``, whitespace trimmed."""
    end = len(text) if end is None else end
    spans: list[tuple[int, int]] = []
    line_start = start
    while line_start < end:
        nl = text.find("\n", line_start, end)
        line_end = end if nl < 0 else nl
        cut = line_start
        for m in _END.finditer(text, line_start, line_end):
            if text[m.start()] == "." and m.end() - m.start() == 1 and _is_abbreviation(
                    text, m.start()):
                continue
            _add(text, cut, m.end(), spans)
            cut = m.end()
        _add(text, cut, line_end, spans)
        line_start = line_end + 1
    return spans


def _add(text: str, s: int, e: int, spans: list[tuple[int, int]]) -> None:
    m = _NON_SPACE.search(text, s, e)
    if m is None:
        return
    s = m.start()
    while e > s and text[e - 1].isspace():
        e -= 1
    spans.append((s, e))


def split_sentences(text: str, turns: list[Turn]) -> list[Sentence]:
    """Every sentence of every turn, in order, each tagged with its turn index."""
    out: list[Sentence] = []
    for i, turn in enumerate(turns):
        out.extend(Sentence(s, e, i) for s, e in split_spans(text, turn.start, turn.end))
    return out
