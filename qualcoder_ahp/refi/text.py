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
changing a character of the text, so offsets stay valid. Import uses it for a
source without speaker labels; a labelled source has its labels taken out by
:func:`qualcoder_ahp.refi.speakers.strip_labels` instead.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace
from itertools import accumulate

from qualcoder_ahp.importers.normalise import _CONTROL_CHARS
from qualcoder_ahp.importers.normalise import decode as store_decode
from qualcoder_ahp.importers.normalise import normalise as store_normalise
from qualcoder_ahp.importers.normalise import respaced
from qualcoder_ahp.importers.sentences import split_sentences
from qualcoder_ahp.importers.turns import UNLABELLED, assign_roles
from qualcoder_ahp.records import ParsedTranscript, Turn
from qualcoder_ahp.refi.safe import xml_safe
from qualcoder_ahp.refi.speakers import heading_labels, label_of, text_speakers


def decode(data: bytes, *, path: str | None = None) -> str:
    """Decode source bytes exactly as the transcript importer does.

    UTF-8/UTF-16 with a BOM, then UTF-8, then cp1252; binary data is refused.

    Raises:
        ImportFailed: the bytes are not text.
    """
    return store_decode(data, path=path)


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
    if unicodedata.is_normalized("NFC", lf) and respaced(lf) is lf:
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
            # (a non-breaking space becomes a space, a soft hyphen nothing, as stored)
            chunk = unicodedata.normalize("NFC", respaced(raw_nobom[i:j]))
        for k in range(i, j):
            bounds[k + shift] = pos
        parts.append(chunk)
        pos += len(chunk)
        i = j
    bounds[n + shift] = pos
    text = "".join(parts)
    whole = store_normalise(raw_nobom)
    if text != whole:
        # Composition across starters (rare scripts): keep the store's exact text; offsets
        # are then checked against quotes like any other and mismatches reported.
        text = whole
    return text, bounds


def unspaced(raw: str) -> str | None:
    """``raw`` normalised as imports stored text before session 24, keeping Unicode's
    other spaces and invisible characters (a no-break space, a soft hyphen) as they
    came; None when the text has none, and so is stored the same now.

    A transcript imported before keeps them in the database, and a withdrawn one is
    known by the hash of that text (``qcahp withdraw``), so a file's source is compared
    with both texts.
    """
    text = raw[1:] if raw.startswith("\ufeff") else raw
    if respaced(text) is text:
        return None
    text = text.replace("\r\n", "\n").replace("\r", "\n").translate(_CONTROL_CHARS)
    return unicodedata.normalize("NFC", text)


def normalise_quote(quote: str) -> str:
    """A selection's quoted name normalised like the text it quotes."""
    return store_normalise(quote)


_ASTRAL = re.compile("[\U00010000-\U0010FFFF]")


def _utf16_to_cp(text: str) -> list[int] | range:
    """Map each UTF-16 code-unit offset of ``text`` to a code-point offset (-1 mid-pair)."""
    if _ASTRAL.search(text) is None:  # every character is one unit: the identity
        return range(len(text) + 1)
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
    units: tuple[str, ...] = ()
    """Every unit under which a quoted selection matched (before the first emoji or
    line break they all do)."""


class OffsetResolver:
    """Convert one source's selection offsets to code points in the normalised text."""

    UNITS = ("codepoints", "utf16", "crlf", "utf16-lf")

    def __init__(self, raw: str) -> None:
        self.raw = raw[1:] if raw.startswith("\ufeff") else raw
        self.text, bounds = normalise(self.raw)
        self.bounds = bounds
        self._u16_raw: list[int] | range | None = None
        self._u16_norm: list[int] | range | None = None
        self.votes: dict[str, int] = {}
        self.matched: list[tuple[str, ...]] = []
        """The units each quoted selection placed so far matched (see :meth:`counted`)."""

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

    def resolve(self, start: int, end: int, quote: str | None,
                default: str = "codepoints") -> Resolved:
        """Place one selection; with a quote, the first unit whose slice matches wins.

        Every unit that matches gets a vote, so that early selections (before any
        emoji or line break, where all units agree) do not outvote the later ones that
        tell the units apart. Without a quote the unit with most votes in this source
        is used, else ``default``. A quote that matches under no unit is a mismatch
        (``ok=False``) and must be reported, not stored.
        """
        if quote:
            wanted = xml_safe(normalise_quote(quote))
            for match in (_same, _same_spaced, _truncated_match):
                placed: Resolved | None = None
                units: list[str] = []
                for unit in self.UNITS:
                    span = self._convert(unit, start, end)
                    if span is None or span[0] >= span[1]:
                        continue
                    got = self._slice(span)
                    if match(got, wanted):
                        self.votes[unit] = self.votes.get(unit, 0) + 1
                        units.append(unit)
                        placed = placed or Resolved(span[0], span[1], unit, True)
                if placed:
                    self.matched.append(tuple(units))
                    return replace(placed, units=tuple(units))
            first = self._convert("codepoints", start, end)
            found = self._slice(first) if first else ""
            return Resolved(start, end, "codepoints", False, found)
        unit = self.best_unit() or default
        span = self._convert(unit, start, end)
        if span is None or span[0] >= span[1]:
            return Resolved(start, end, unit, False, "")
        return Resolved(span[0], span[1], unit, True)


    def best_unit(self) -> str | None:
        """The unit most quoted selections of this source matched (ties: list order)."""
        if not self.votes:
            return None
        return max(self.UNITS, key=lambda u: (self.votes.get(u, 0), -self.UNITS.index(u)))


def _same(got: str, wanted: str) -> bool:
    return got == wanted


_ATTRIBUTE_SPACES = str.maketrans("\t\n\r", "   ")


def _same_spaced(got: str, wanted: str) -> bool:
    """The quote of a selection across a line break, written into the ``name``
    attribute with a raw line break rather than ``&#10;``: XML reads every line break
    and tab in an attribute as a space, so such a quote never matched its text."""
    return " " in wanted and got.translate(_ATTRIBUTE_SPACES) == wanted


def _truncated_match(got: str, wanted: str) -> bool:
    """Some tools store only the beginning of a long quote as the selection's name."""
    stem = wanted.rstrip(".…").rstrip()
    return (len(stem) >= 12 and len(stem) < len(got)
            and got.translate(_ATTRIBUTE_SPACES).startswith(stem))


def segment(text: str, fmt: str = "refi") -> ParsedTranscript:
    """Speaker turns and sentences of an imported source, leaving the text untouched.

    Labels are recognised by the transcript importer's own rules
    (:func:`~qualcoder_ahp.refi.speakers.text_speakers`: ``Name:``, ``**Name:**``,
    ``[00:01:02] Name:``, ``Name (00:01:02) -``..., read as ``qcahp import`` reads
    them); roles come from
    :func:`~qualcoder_ahp.importers.turns.assign_roles` and sentences from
    :func:`~qualcoder_ahp.importers.sentences.split_sentences`, so units match those
    of transcripts imported from files. Unlike a file import, the label stays in the
    text (the other tool's offsets count it); it is only left out of the turn's span.
    A line without a label continues the current turn; in text with no labels at
    all (what a file import stores), each blank-line separated paragraph is a turn.
    """
    lines: list[tuple[int, int, object]] = []
    pos = 0
    headings = heading_labels(text)
    for line in text.split("\n"):
        lines.append((pos, pos + len(line), label_of(line, headings)))
        pos += len(line) + 1
    accepted = text_speakers(text)
    drafts: list[list] = []  # [speaker, time, start, end]
    after_blank = True
    for line_start, line_end, label in lines:
        if label is not None and label.name in accepted:
            body = line_end - len(label.rest) if label.rest else line_end + 1
            drafts.append([label.name, label.time, body, max(body, line_end)])
        elif text[line_start:line_end].strip():
            # Text exported from a file import has no labels left: its turns are
            # the blank-line separated paragraphs, so keep those boundaries.
            if drafts and not (after_blank and not accepted):
                drafts[-1][3] = line_end
            else:
                drafts.append([UNLABELLED, None, line_start, line_end])
        after_blank = not text[line_start:line_end].strip()
    drafts = [d for d in drafts if text[d[2]:d[3]].strip()]
    for d in drafts:
        # A label alone on its line, then a blank line ("## Jane Doe", "Jane:"): the
        # turn starts at its first word, not with a line break.
        while text[d[2]].isspace():
            d[2] += 1
    roles = assign_roles([(d[0], d[1], text[d[2]:d[3]]) for d in drafts])
    turns = [Turn(d[0], roles.get(d[0], "other"), d[2], d[3], d[1]) for d in drafts]
    return ParsedTranscript(text, turns, fmt, split_sentences(text, turns))
