"""Source text for REFI-QDA import: normalisation with an offset map, and offset units.

Stored transcript text is normalised once (BOM stripped, CRLF and lone CR to LF,
Unicode NFC) and every offset in the database counts code points in it. Files from
other tools count differently: NVivo counts UTF-16 code units over the original
text (astral characters such as emoji count two, CRLF counts two, the BOM not at
all); most other tools count code points. :func:`normalise` therefore returns,
besides the text, a map from every code-point offset of the *original* decoded text
to the normalised text, and :class:`OffsetResolver` tries each unit in turn per
selection, accepting the first whose slice equals the selection's quoted name.

:func:`segment` gives an imported source its speaker turns and sentences without
changing a character of the text, so offsets stay valid.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from itertools import accumulate

from qualcoder_ahp.records import ParsedTranscript, Sentence, Turn
from qualcoder_ahp.refi.safe import xml_safe

INTERVIEWER_LABELS = {"interviewer", "int", "i", "q", "ai", "assistant", "counsel",
                      "moderator", "facilitator", "researcher"}
_LABEL = re.compile(r"(?P<speaker>[^\W\d_][\w .'’()-]{0,39}?)\s*:\s+")
_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"'”’)]*\s+")


def decode(data: bytes) -> str:
    """Decode source bytes: UTF-16 with a BOM, else UTF-8 (BOM removed), else cp1252."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _starter(ch: str) -> bool:
    return unicodedata.combining(ch) == 0 and not ("\u1160" <= ch <= "\u11ff")


def normalise(raw: str) -> tuple[str, list[int]]:
    """Normalise text as the store does and map original offsets to normalised ones.

    Returns ``(text, bounds)`` where ``bounds[i]`` is the normalised offset of
    original code-point offset ``i`` (``len(bounds) == len(raw) + 1``). An offset
    inside a CRLF pair or a composed sequence maps to the start of its result.
    """
    raw_nobom = raw[1:] if raw.startswith("\ufeff") else raw
    shift = len(raw) - len(raw_nobom)
    lf = raw_nobom.replace("\r\n", "\n").replace("\r", "\n")
    if unicodedata.is_normalized("NFC", lf):
        # Fast path (nearly every file): only CRLF pairs shrink, so a running sum of
        # 1 per character, 0 for the CR of a pair, is the whole map.
        steps = [1] * len(raw_nobom)
        for match in re.finditer("\r\n", raw_nobom):
            steps[match.start()] = 0
        return lf, [0] * (shift + 1) + list(accumulate(steps))
    bounds = [0] * (len(raw) + 1)
    parts: list[str] = []
    pos = 0
    i = 0
    n = len(raw_nobom)
    while i < n:
        ch = raw_nobom[i]
        if ch == "\r":
            j = i + 2 if i + 1 < n and raw_nobom[i + 1] == "\n" else i + 1
            chunk = "\n"
        else:
            j = i + 1
            while j < n and not _starter(raw_nobom[j]) and raw_nobom[j] != "\r":
                j += 1
            chunk = unicodedata.normalize("NFC", raw_nobom[i:j])
        for k in range(i, j):
            bounds[k + shift] = pos
        parts.append(chunk)
        pos += len(chunk)
        i = j
    bounds[n + shift] = pos
    text = "".join(parts)
    whole = unicodedata.normalize("NFC", raw_nobom.replace("\r\n", "\n").replace("\r", "\n"))
    if text != whole:
        # Composition across starters (rare scripts): keep the store's exact text; offsets
        # are then checked against quotes like any other and mismatches reported.
        text = whole
    return text, bounds


def normalise_quote(quote: str) -> str:
    """A selection's quoted name normalised like the text it quotes."""
    return unicodedata.normalize("NFC", quote.replace("\r\n", "\n").replace("\r", "\n"))


def _utf16_to_cp(text: str) -> list[int]:
    """Map each UTF-16 code-unit offset of ``text`` to a code-point offset (-1 mid-pair)."""
    out: list[int] = []
    for index, ch in enumerate(text):
        out.append(index)
        if ord(ch) > 0xFFFF:
            out.append(-1)
    out.append(len(text))
    return out


@dataclass(frozen=True)
class Resolved:
    """A selection placed in the normalised text, or why it could not be."""

    start: int
    end: int
    unit: str
    """``codepoints``, ``utf16``, ``crlf`` or ``utf16-lf``: how the file counted."""
    ok: bool
    found: str = ""


class OffsetResolver:
    """Convert one source's selection offsets to code points in the normalised text."""

    UNITS = ("codepoints", "utf16", "crlf", "utf16-lf")

    def __init__(self, raw: str) -> None:
        self.raw = raw[1:] if raw.startswith("\ufeff") else raw
        self.text, bounds = normalise(self.raw)
        self.bounds = bounds
        self._u16_raw: list[int] | None = None
        self._u16_norm: list[int] | None = None
        self.votes: dict[str, int] = {}

    def _convert(self, unit: str, start: int, end: int) -> tuple[int, int] | None:
        if unit == "codepoints":
            return (start, end) if 0 <= start < end <= len(self.text) else None
        if unit == "crlf":
            if not 0 <= start < end <= len(self.raw):
                return None
            return self.bounds[start], self.bounds[end]
        if unit == "utf16":
            if self._u16_raw is None:
                self._u16_raw = _utf16_to_cp(self.raw)
            table = self._u16_raw
            if not 0 <= start < end < len(table) or table[start] < 0 or table[end] < 0:
                return None
            return self.bounds[table[start]], self.bounds[table[end]]
        if self._u16_norm is None:
            self._u16_norm = _utf16_to_cp(self.text)
        table = self._u16_norm
        if not 0 <= start < end < len(table) or table[start] < 0 or table[end] < 0:
            return None
        return table[start], table[end]

    def _slice(self, span: tuple[int, int]) -> str:
        return xml_safe(self.text[span[0]:span[1]])

    def resolve(self, start: int, end: int, quote: str | None) -> Resolved:
        """Place one selection; with a quote, the first unit whose slice matches wins.

        Without a quote the unit most other selections of this source matched with is
        used (code points if none did). A quote that matches under no unit is a
        mismatch (``ok=False``) and must be reported, not stored.
        """
        if quote:
            wanted = xml_safe(normalise_quote(quote))
            for exact in (True, False):
                for unit in self.UNITS:
                    span = self._convert(unit, start, end)
                    if span is None or span[0] >= span[1]:
                        continue
                    got = self._slice(span)
                    if got == wanted or (not exact and _truncated_match(got, wanted)):
                        self.votes[unit] = self.votes.get(unit, 0) + 1
                        return Resolved(span[0], span[1], unit, True)
            first = self._convert("codepoints", start, end)
            found = self._slice(first) if first else ""
            return Resolved(start, end, "codepoints", False, found)
        unit = max(self.votes, key=lambda u: self.votes[u]) if self.votes else "codepoints"
        span = self._convert(unit, start, end)
        if span is None or span[0] >= span[1]:
            return Resolved(start, end, unit, False, "")
        return Resolved(span[0], span[1], unit, True)


def _truncated_match(got: str, wanted: str) -> bool:
    """Some tools store only the beginning of a long quote as the selection's name."""
    stem = wanted.rstrip(".…").rstrip()
    return len(stem) >= 12 and len(stem) < len(got) and got.startswith(stem)


def segment(text: str, fmt: str = "refi") -> ParsedTranscript:
    """Speaker turns and sentences of an imported source, leaving the text untouched.

    A line starting ``Label: `` opens a turn of that speaker (labels such as
    Interviewer, Q or Int are the interviewer); other lines continue the current
    turn, or open one for an unnamed participant. The label stays in the text (so
    the other tool's offsets stay right) but not inside the turn's span.
    """
    turns: list[Turn] = []
    sentences: list[Sentence] = []
    pos = 0
    for line in text.split("\n"):
        line_start, line_end = pos, pos + len(line)
        pos = line_end + 1
        if not line.strip():
            continue
        match = _LABEL.match(line)
        if match and len(match.group("speaker").split()) <= 4:
            speaker = match.group("speaker").strip()
            role = ("interviewer" if speaker.casefold() in INTERVIEWER_LABELS
                    else "participant")
            turns.append(Turn(speaker, role, line_start + match.end(), line_end))
        elif turns and turns[-1].end == line_start - 1:
            last = turns[-1]
            turns[-1] = Turn(last.speaker, last.role, last.start, line_end, last.time)
        else:
            turns.append(Turn("Participant", "participant", line_start, line_end))
    for index, turn in enumerate(turns):
        start = turn.start
        body = text[turn.start:turn.end]
        for match in _SENTENCE_END.finditer(body):
            end = turn.start + match.start()
            if end > start:
                sentences.append(Sentence(start, end, index))
            start = turn.start + match.end()
        if turn.end > start:
            sentences.append(Sentence(start, turn.end, index))
    return ParsedTranscript(text, turns, fmt, sentences)
