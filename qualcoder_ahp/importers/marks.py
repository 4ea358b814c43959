"""A transcriber's notes with a time in them: ``[inaudible 00:00:05]``.

Rev writes ``[inaudible 00:00:05]``, ``[crosstalk 00:01:02]`` and ``[foreign language
00:02:03]`` (the time is where in the recording to listen again), and transcription
services write ``(inaudible 12:34)``, ``[unclear, 00:12:34]`` or ``[laughs @ 01:02]``. The
time was kept in the stored text, where it counted as a word (in word counts, the
interviewer/participant guess and every report) and showed in quotes. The note is kept, as
``[inaudible]`` is a fact about the passage; its time is left out: the turn keeps its own
time (``Speaker 1 (00:00:01):``), the place in the recording a reader goes back to.
"""

from __future__ import annotations

import re

_TIME = r"(?:\d{1,2}:)?\d{1,2}:\d{2}(?:[.,]\d{1,3})?"
_TIMES = rf"{_TIME}(?:[ \t]*(?:-|\u2013|\u2014|to)[ \t]*{_TIME})?"
NOTES = frozenset({
    "inaudible", "unintelligible", "indistinct", "unclear", "crosstalk", "cross-talk",
    "overtalk", "overlapping", "overlap", "foreign", "laughs", "laughing", "laughter", "laugh",
    "chuckles", "chuckling", "giggles", "sighs", "sigh", "coughs", "cough", "pause", "pauses",
    "paused", "silence", "background", "noise", "noises", "music", "applause", "phonetic",
    "sp", "audio", "recording", "gap", "interruption", "interrupted", "static", "distortion",
    "distorted", "muffled", "garbled", "redacted", "crying", "cries", "whispers", "whispering",
    "mumbles", "mumbling", "silent", "break", "tape", "technical", "connection", "video",
    "multiple", "speakers", "transcriber", "transcriber's", "unknown", "blank", "drop",
})
"""First words of a transcriber's note (``inaudible``, ``foreign language``): a time beside
other words in brackets (``[the meeting at 10:30]``, ``(back by 9:30)``) is speech or an
editor's insertion, and kept."""
_NOTE = "|".join(re.escape(w) for w in sorted(NOTES, key=len, reverse=True))
_WORDS = (rf"(?i:{_NOTE})(?![\w'\u2019-])"
          r"(?:[ \t'\u2019\-]+[^\W\d_]+){0,3}?")
"""One to four words of letters, the first a note's (``inaudible``, ``foreign language``,
``laughs``)."""
_MARK = re.compile(
    rf"(?P<open>[\[(])[ \t]*(?:"
    rf"{_WORDS}(?P<after>[ \t]*(?:[,;\-\u2013@][ \t]*|[ \t]at[ \t]+|[ \t]+){_TIMES})"
    rf"|(?P<before>{_TIMES}(?:[ \t]*[,;\-\u2013:@][ \t]*|[ \t]+)){_WORDS}"
    rf")[ \t]*(?P<close>[\])])")


def _notes(text: str) -> list[re.Match[str]]:
    # "(laughs 00:05]" is not one note.
    return [m for m in _MARK.finditer(text)
            if (m.group("open") == "[") == (m.group("close") == "]")]


def timed_notes(text: str) -> list[str]:
    """The transcriber's notes with a time in ``text``, as written
    (``[inaudible 00:00:05]``)."""
    return [m.group() for m in _notes(text)]


def timed_marks(text: str) -> list[tuple[int, int]]:
    """The ``[start, end)`` spans of the times (with what joins them to the words) in
    the bracketed notes of ``text``: `` 00:00:05`` in ``[inaudible 00:00:05]``."""
    return [m.span("after" if m.group("after") is not None else "before")
            for m in _notes(text)]


def untimed(text: str) -> tuple[str, int]:
    """``text`` with the times of its notes left out (``[inaudible]``), and how many."""
    spans = timed_marks(text)
    if not spans:
        return text, 0
    parts, pos = [], 0
    for start, end in spans:
        parts.append(text[pos:start])
        pos = end
    parts.append(text[pos:])
    return "".join(parts), len(spans)


__all__ = ["timed_marks", "timed_notes", "untimed"]
