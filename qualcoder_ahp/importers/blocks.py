"""Paragraph blocks: the common form every reader produces before turns are found.

Readers differ in what they know. A Word file knows which run is bold (a speaker
label) and which paragraph is a heading; a subtitle file knows its cues and
times; a plain-text file knows only its lines. Each reader turns its source into a
list of :class:`Block` objects and :mod:`qualcoder_ahp.importers.turns` finds the
speaker turns in them, so that every format shares one set of turn rules.

This module also holds the plain-text reader used by ``.txt``, ``.md``, ``.rst``,
``.rtf`` and ``.pdf``: it splits text into paragraphs and recognises headings
(``# Title`` lines, reStructuredText and setext underlines), thematic breaks, a
metadata header before the first break, and procedural notes such as
``*(2.05 pm)*`` or ``*(The witness withdrew)*``, which are not spoken text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

PARA = "para"
HEADING = "heading"
NOTE = "note"
RULE = "rule"
CUE = "cue"

TIME = r"\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d{1,3})?"
"""A transcript timestamp: ``01:46``, ``00:01:02``, ``00:00:03,883``."""
_TIME = re.compile(TIME)


def stored_time(time: str | None) -> str | None:
    """A turn's time as it is stored: a recording's timestamp as ``HH:MM:SS``
    (:func:`clock_time`), whichever tool wrote it (otter.ai's ``0:03``, Trint's and Rev's
    ``00:03``, ``0:01:02.5``), so every transcript's times read and sort alike; anything
    else (a hearing's ``10.30 am``) as written."""
    return clock_time(time) if time and _TIME.fullmatch(time.strip()) else time


def same_times(a: str | None, b: str | None) -> bool:
    """Whether two stored times are the same time, however each is written (``0:03``
    and ``00:00:03``)."""
    return a == b or a is not None and b is not None and stored_time(a) == stored_time(b)


def clock_time(stamp: str) -> str:
    """A timing's start as subtitles store it, ``HH:MM:SS`` without the fraction
    (``0:00:03.0`` and ``0:0:3.0`` as ``00:00:03``, ``12:03.5`` as ``00:12:03``), so a time
    read from NVivo's spans or Teams' cues shows as one from a ``.vtt`` file does."""
    seconds = stamp_seconds(stamp)
    return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"


def stamp_seconds(stamp: str) -> int:
    """A timestamp's whole seconds: ``00:01:02,5`` is 62, ``12:03`` (minutes) 723."""
    parts = [int(float(p.replace(",", "."))) for p in stamp.strip().split(":")]
    hours, minutes, seconds = ([0] * (3 - len(parts)) + parts)[-3:]
    return hours * 3600 + minutes * 60 + seconds


CLOCK = r"\d{1,2}[.:]\d{2}\s*(?i:am|pm|a\.m\.|p\.m\.)?"
"""A clock time as a hearing transcript writes it: ``10.30 am``, ``2.05 pm``, ``11.50``."""

_CLOCK = re.compile(rf"^{CLOCK}$|^{TIME}$", re.I)
_ADORNMENT = re.compile(r"^([=\-^~*#\"'`+_:.])\1{2,}\s*$")
_MD_HEADING = re.compile(r"^#{1,6}(?:\s+|$)")
_MD_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|<>~])")
# A whole paragraph in single emphasis (not bold): *PROFESSOR X (sworn).*, _(pause)_
# ("*Really* good, *very*" is speech with emphasis, so the inside has no marker.)
_EMPHASIS_PARA = re.compile(r"^(?:\*(?P<a>[^*]+)\*|_(?P<b>[^_]+)_)$")
_PAREN = re.compile(r"^[(\[](?P<inner>[^()\[\]]+)[)\]]$")
_HEADER_WINDOW = 12
_BREAKS = str.maketrans({"\x0b": "\n", "\x0c": "\n", "\u2028": "\n", "\u2029": "\n\n"})
"""Line breaks besides ``\\n``: a vertical tab (Word's Shift+Enter, pasted), a form feed
(``pdftotext``'s page break, before a page's first line), Unicode's line and paragraph
separators. A label after one was read as speech, in the turn above."""


@dataclass
class Block:
    """One paragraph (or subtitle cue) of a source, before turns are found."""

    lines: list[str]
    kind: str = PARA
    """``para``, ``heading``, ``note`` (procedural, not spoken), ``rule`` or ``cue``."""
    speaker: str | None = None
    """A speaker known from the structure (a bold run, a ``<v Name>`` tag)."""
    time: str | None = None
    """A time known from the structure (a cue start, a ``*(2.05 pm)*`` note)."""


class Blocks(list[Block]):
    """A reader's blocks, with ``notes``: what the researcher should know about the file
    that is not a reason to refuse it (pages of a PDF with no text layer)."""

    notes: list[str]

    def __init__(self, blocks: list[Block], notes: list[str] | None = None) -> None:
        super().__init__(blocks)
        self.notes = list(notes or [])


def clock_of(note: str) -> str | None:
    """The time in a procedural note such as ``(2.05 pm)`` or ``[00:12]``, else None."""
    inner = note.strip()
    m = _PAREN.match(inner)
    if m:
        inner = m.group("inner").strip()
    # A note hard-wrapped between the time and "am" ("(10.30\nam)") gives the time
    # with one space: a line break in a stored time kept it out of REFI export labels.
    return " ".join(inner.split()) if _CLOCK.match(inner) else None


def is_note_text(inner: str) -> bool:
    """Whether an all-italic paragraph reads as a procedural note, not speech.

    Notes are short or parenthesised (``(The witness withdrew)``, ``MS X (sworn).``);
    a long italic paragraph is more likely an emphasised quotation, and is kept.
    """
    return "(" in inner or "[" in inner or len(inner.split()) <= 15


def classify_note(text: str) -> Block | None:
    """A standalone paragraph that is a procedural note or a bare time, else None.

    Notes are whole paragraphs in single emphasis (``*(The witness withdrew)*``)
    or a bare parenthesised clock time (``(10.30 am)``). A time note carries its
    time so the next turn can keep it.
    """
    stripped = text.strip()
    m = _EMPHASIS_PARA.match(stripped)
    inner = (m.group("a") or m.group("b")).strip() if m else None
    if inner is not None and is_note_text(inner):
        return Block([stripped], kind=NOTE, time=clock_of(inner))
    clock = clock_of(stripped)
    if clock is not None and _PAREN.match(stripped):
        return Block([stripped], kind=NOTE, time=clock)
    return None


def unescape_markdown(line: str) -> str:
    r"""Remove Markdown backslash escapes (``\[laughs\]`` is spoken as ``[laughs]``)."""
    return _MD_ESCAPE.sub(r"\1", line) if "\\" in line else line


def _paragraphs(lines: list[str]) -> list[list[str]]:
    out: list[list[str]] = []
    current: list[str] = []
    for line in lines:
        if line.strip():
            current.append(line)
        elif current:
            out.append(current)
            current = []
    if current:
        out.append(current)
    return out


def _strip_front_matter(lines: list[str]) -> list[str]:
    """Drop a YAML front-matter block (``---`` ... ``---`` at the very top)."""
    if lines and lines[0].strip() == "---":
        for i in range(1, min(len(lines), 200)):
            if lines[i].strip() in ("---", "..."):
                return lines[i + 1:]
    return lines


def heading_text(line: str) -> str | None:
    """The text of a ``# Heading`` line (any level), or None if it is not one."""
    stripped = line.strip()
    return stripped.lstrip("#").strip() if _MD_HEADING.match(stripped) else None


def _split_headings(para: list[str]) -> list[Block]:
    """Split one paragraph into heading / rule / text blocks.

    ``# Title`` lines are headings (or file comments) in plain text as well as in
    Markdown: nobody's speech starts with a hash and a space.
    """
    out: list[Block] = []
    text_lines: list[str] = []

    def flush() -> None:
        if text_lines:
            out.append(Block(list(text_lines)))
            text_lines.clear()

    i = 0
    while i < len(para):
        line = para[i]
        stripped = line.strip()
        if _ADORNMENT.match(stripped):
            # An underline turns the line above into a heading (rST, setext);
            # an adornment on its own is a thematic break or an rST overline.
            if text_lines and len(text_lines) == 1 and not _ADORNMENT.match(text_lines[0].strip()):
                out.append(Block([text_lines.pop().strip()], kind=HEADING))
            else:
                flush()
                is_overline = (
                    i + 2 < len(para) and _ADORNMENT.match(para[i + 2].strip()) is not None
                )
                if is_overline:
                    out.append(Block([para[i + 1].strip()], kind=HEADING))
                    i += 3
                    continue
                out.append(Block([stripped], kind=RULE))
            i += 1
            continue
        if _MD_HEADING.match(stripped):
            flush()
            out.append(Block([stripped.lstrip("#").strip()], kind=HEADING))
            i += 1
            continue
        text_lines.append(line)
        i += 1
    flush()
    return out


def text_blocks(text: str, *, markdown: bool = False) -> list[Block]:
    """Split normalised plain text into paragraph blocks.

    Args:
        text: normalised text (``\\n`` line ends).
        markdown: also drop YAML front matter and remove backslash escapes (for
            ``.md``). ``# Title`` lines are headings in every text format.
    """
    lines = text.translate(_BREAKS).split("\n")
    if markdown:
        lines = _strip_front_matter(lines)
    blocks: list[Block] = []
    for para in _paragraphs(lines):
        for block in _split_headings(para):
            if block.kind == PARA:
                if markdown:
                    block.lines = [unescape_markdown(x) for x in block.lines]
                note = classify_note("\n".join(x.strip() for x in block.lines))
                if note is not None:
                    block = note
            blocks.append(block)
    return _drop_header(blocks)


def _drop_header(blocks: list[Block]) -> list[Block]:
    """Drop a metadata header: everything before an early thematic break.

    Exported transcripts often open with a title and ``Key: value`` lines, then
    ``---``, then the conversation. Those lines are not spoken and must not become
    speakers such as ``Transcript ID``.
    """
    for i, block in enumerate(blocks[:_HEADER_WINDOW]):
        if block.kind == RULE:
            head = [b for b in blocks[:i] if b.kind == PARA]
            body = {_rough_label(b) for b in blocks[i + 1:] if b.kind == PARA}
            body.discard(None)
            # A header never shares a speaker with the conversation below it.
            if head and body and not any(_rough_label(b) in body for b in head):
                return [Block(b.lines, kind=NOTE) for b in blocks[:i]] + blocks[i:]
            return blocks
    return blocks


_ROUGH_LABEL = re.compile(r"^[*_\s]*([A-Za-z][\w .'-]{0,40}?)[*_\s]*:")


def _rough_label(block: Block) -> str | None:
    m = _ROUGH_LABEL.match(block.lines[0]) if block.lines else None
    return m.group(1).strip().lower() if m else None
