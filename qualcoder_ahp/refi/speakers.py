"""Speaker labels in exchanged text: written on export, taken out again on import.

A transcript is stored as ``qcahp import`` leaves it: only what was spoken, turns
joined by a blank line, and each turn's speaker, role and time in the ``turns``
table. REFI-QDA has no speaker turns, so a ``TextSource`` whose text is just the
stored text would show nobody in NVivo, MAXQDA, ATLAS.ti or QualCoder who said
what. So:

- :func:`label_text` writes each turn's label (``Name: ``, ``[00:01:02] Name: `` or
  ``[10.30 am] Name: ``, forms :func:`~qualcoder_ahp.importers.turns.match_label`
  reads, so every stored time comes back) at the start of the turn, everything else
  as stored, and returns the :class:`OffsetMap` that moves every stored offset into
  the labelled text;
- :func:`strip_labels` does the reverse for an imported text that carries labels:
  the labels come out, turns get their speakers (and roles, by the importer's
  rules), and the returned map moves every offset of the labelled text into the
  stored one. A selection that begins inside a label starts at the turn's first
  character; one that ends inside a label ends where the turn before it ended.
  Which labels are speakers is decided as ``qcahp import`` decides it
  (:func:`text_speakers`), except in our own export and in a file that lists its
  speakers (see :func:`_speakers` for why).

Only the labels, blank lines between paragraphs and whitespace at the edges of
paragraphs are dropped; every other character, line breaks inside a paragraph
included, stays as the other tool counted it.

Roles cannot be read from a label when they came from the source's headings or
the researcher's ``--interviewer`` names, so the export also lists each speaker's
role in the source's ``Description`` (:func:`describe_speakers`, a short text
other tools show), and the import takes roles from there when it is present
(:func:`read_speakers`).
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from qualcoder_ahp.importers.blocks import heading_text, text_blocks
from qualcoder_ahp.importers.turns import (
    LABEL_TIME,
    UNLABELLED,
    accepted_labels,
    assign_roles,
    match_label,
    merge_aliases,
    speaker_headings,
    unlabelled,
)
from qualcoder_ahp.records import Turn

_TIME = re.compile(LABEL_TIME)
ROLES = ("interviewer", "participant", "other")
SPEAKERS_HEADING = "Speakers and roles:"


class OffsetMap:
    """Offsets of one text moved into another that keeps some of its characters.

    ``pieces`` are ``(a_start, a_end, b_start)``: characters ``[a_start, a_end)`` of
    text A are characters ``[b_start, b_start + a_end - a_start)`` of text B. They are
    sorted and do not overlap; whatever lies between them is in only one text.
    """

    def __init__(self, pieces: list[tuple[int, int, int]], length: int) -> None:
        self.pieces = [p for p in pieces if p[1] > p[0]]
        self.length = length
        """The length of text B."""
        self._starts = [p[0] for p in self.pieces]
        self._ends = [p[1] for p in self.pieces]

    def start(self, pos: int) -> int:
        """Where a span starting at ``pos`` starts: at the next kept character."""
        i = bisect_right(self._starts, pos) - 1
        if i >= 0 and pos < self._ends[i]:
            a, _, b = self.pieces[i]
            return b + pos - a
        return self.pieces[i + 1][2] if i + 1 < len(self.pieces) else self.length

    def end(self, pos: int) -> int:
        """Where a span ending at ``pos`` ends: after the last kept character before it."""
        i = bisect_left(self._ends, pos)
        if i < len(self.pieces) and self.pieces[i][0] < pos:
            a, _, b = self.pieces[i]
            return b + pos - a
        if i == 0:
            return 0
        a, e, b = self.pieces[i - 1]
        return b + e - a

    def span(self, start: int, end: int) -> tuple[int, int]:
        """A span ``[start, end)`` of text A in text B (may be empty: check it)."""
        return self.start(start), self.end(end)

    def inverse(self) -> OffsetMap:
        """The map from text B back to text A (``length`` of A unknown: its kept end)."""
        pieces = [(b, b + e - a, a) for a, e, b in self.pieces]
        return OffsetMap(pieces, pieces[-1][1] if pieces else 0)


def speaker_label(turn: Turn) -> str:
    """The label written before a turn: ``Name: ``, with ``[time] `` when it has one.

    Every time an import stores is a timestamp (``00:01:02``) or a clock time read
    from a note (``10.30 am``); both are label times that
    :func:`~qualcoder_ahp.importers.turns.match_label` reads back exactly.
    """
    name = " ".join(turn.speaker.split())
    # A time stored with a line break in it ("10.30\nam", from a hard-wrapped note
    # before that was normalised at import) is written on one line, as it reads back.
    time = " ".join(turn.time.split()) if turn.time else ""
    if not _TIME.fullmatch(time):
        time = ""
    if unlabelled(turn.speaker) or not name:
        # No speaker (nor a voice no label named, "(unlabelled 1)"): the time alone, as
        # a stamp ("[00:00:05] So tell me..."), which both imports read back as an
        # unlabelled turn's time.
        return f"[{time}] " if time else ""
    return f"[{time}] {name}: " if time else f"{name}: "


def describe_speakers(turns: list[Turn]) -> str | None:
    """The source description listing each named speaker's role (None if none).

    One ``Name: role`` line per speaker in order of first turn, after a heading, so
    that it reads well in another tool and :func:`read_speakers` can read it back.
    """
    roles: dict[str, str] = {}
    for turn in turns:
        if not unlabelled(turn.speaker) and turn.role in ROLES:
            roles.setdefault(" ".join(turn.speaker.split()), turn.role)
    if not roles:
        return None
    return "\n".join([SPEAKERS_HEADING, *(f"{name}: {role}" for name, role in roles.items())])


def read_speakers(description: str | None) -> dict[str, str]:
    """Speaker -> role from a description written by :func:`describe_speakers`."""
    if not description:
        return {}
    lines = description.replace("\r\n", "\n").split("\n")
    try:
        first = [line.strip() for line in lines].index(SPEAKERS_HEADING)
    except ValueError:
        return {}
    roles: dict[str, str] = {}
    for line in lines[first + 1:]:
        name, colon, role = line.rpartition(":")
        if not colon or role.strip() not in ROLES or not name.strip():
            break
        roles[name.strip()] = role.strip()
    return roles


def label_text(text: str, turns: list[Turn]) -> tuple[str, OffsetMap]:
    """The stored text with each turn's speaker label, and the map into it.

    A turn of no known speaker gets only its time as a stamp (``[00:00:05] ``), or
    nothing when it has no time; a turn with text before it on its line gets no label
    (a text imported before labels were taken out keeps the labels it has). So an
    unlabelled text without times comes back unchanged.
    """
    parts: list[str] = []
    pieces: list[tuple[int, int, int]] = []
    pos = out = 0
    for turn in turns:
        label = speaker_label(turn)
        if not label or turn.start < pos:
            continue
        line_start = text.rfind("\n", 0, turn.start) + 1
        if text[line_start:turn.start].strip():
            continue
        if turn.start > pos:
            parts.append(text[pos:turn.start])
            pieces.append((pos, turn.start, out))
            out += turn.start - pos
        parts.append(label)
        out += len(label)
        pos = turn.start
    if len(text) > pos:
        parts.append(text[pos:])
        pieces.append((pos, len(text), out))
        out += len(text) - pos
    return "".join(parts), OffsetMap(pieces, out)


@dataclass(frozen=True)
class Stripped:
    """A labelled text with its labels taken out."""

    text: str
    """The text as it is stored: turns joined by a blank line, no labels."""
    turns: tuple[Turn, ...]
    offsets: OffsetMap
    """Labelled-text offsets -> stored-text offsets."""


def text_speakers(text: str) -> set[str]:
    """The label names ``qcahp import`` takes as speakers in this plain text.

    The one rule for every text: the text is cut into the paragraph blocks a ``.txt``
    import makes (:func:`~qualcoder_ahp.importers.blocks.text_blocks`) and
    :func:`~qualcoder_ahp.importers.turns.accepted_labels` decides, so a REFI source
    reads the same as the same text given to ``qcahp import`` (a ``Dee:`` line after
    ``Interviewer: ...``, one turn per line, is Dee speaking).
    """
    blocks = text_blocks(text)
    return accepted_labels(blocks) | {name for name, _ in speaker_headings(blocks).values()}


@dataclass(frozen=True)
class _HeadingLabel:
    """A ``## Jane Doe`` heading that ``qcahp import`` reads as a speaker label."""

    name: str
    time: str | None
    rest: str = ""


def heading_labels(text: str) -> dict[str, _HeadingLabel]:
    """Heading text -> label, for the headings that are speakers (a short name heading
    that repeats, as :func:`~qualcoder_ahp.importers.turns.speaker_headings` decides)."""
    if "#" not in text:
        return {}
    return {heading: _HeadingLabel(name, time)
            for heading, (name, time) in speaker_headings(text_blocks(text)).items()}


@dataclass(frozen=True)
class _StampLabel:
    """``[00:00:05] text`` opening a line: the time of a turn with no speaker."""

    time: str
    rest: str
    name: str = UNLABELLED


_STAMP_OPENER = re.compile(rf"^\[(?P<t>{LABEL_TIME})\] (?=\S)")


def _stamp_of(line: str) -> _StampLabel | None:
    m = _STAMP_OPENER.match(line)
    return _StampLabel(m.group("t"), line[m.end():]) if m else None


_LISTED_TIME = re.compile(rf"\[(?P<t>{LABEL_TIME})\] ")


def _listed_label(line: str, names: list[str]) -> _HeadingLabel | None:
    """The label of a speaker the file lists (``Speakers and roles:``) opening
    ``line`` as :func:`speaker_label` writes it, ``Name: `` or ``[time] Name: ``.

    A name the import's label rules do not read as one (a speaker renamed here to
    ``Helen & Tom``, ``Zoë 🐝`` or ``Q: Int``) was left in the text, and the turn was
    joined to the one before it: the participant's words became the interviewer's.
    """
    stamp = _LISTED_TIME.match(line)
    body = line[stamp.end():] if stamp else line
    for name in names:
        if body.startswith(f"{name}:") and body[len(name) + 1:len(name) + 2] in ("", " "):
            return _HeadingLabel(name, stamp.group("t") if stamp else None,
                                 body[len(name) + 2:])
    return None


def label_of(line: str, headings: dict[str, _HeadingLabel]) -> Any:
    """The speaker label opening ``line``: a ``Name:`` form or a speaker heading."""
    if not line.strip():
        return None
    if headings:
        heading = heading_text(line)
        if heading is not None:
            return headings.get(heading)
    return match_label(line)


def _speakers(text: str, lines: list[tuple[int, int, Any]], ours: bool,
              listed: Iterable[str]) -> tuple[set[str], bool]:
    """The label names that are speakers, and whether only paragraph openers count.

    In order:

    1. Our own export (``ours``, every paragraph after the first opening with a
       label): :func:`label_text` writes exactly one label at the start of each
       turn, so the names opening paragraphs are the speakers and a label-like line
       inside a turn is speech. The importer's rule would differ here, which is the
       reason for this exception: a stored turn can hold such a line (counsel reading
       out "Question: ..." in the Covid inquiry transcript), and once our label opens
       the turn the one-turn-per-line rule would make ``Question`` a speaker.
    2. The file lists its speakers (``Speakers and roles:`` in the source's
       description, written by our export and kept by the tool that rewrote the
       file): the labels of those names, and no others.
    3. Otherwise :func:`text_speakers`, exactly as ``qcahp import`` reads the text.
    """
    openers: list[Any] = []
    blank_before = True
    for start, end, label in lines:
        blank = not text[start:end].strip()
        if not blank and blank_before:
            openers.append(label)
        blank_before = blank
    opening = {label.name for label in openers if label is not None}
    if ours and opening and all(label is not None for label in openers[1:]):
        return opening, True  # a one-turn transcript of ours is labelled too
    listed = set(listed)
    named = {label.name for _, _, label in lines if label is not None and label.name in listed}
    if named:
        return named, False
    return text_speakers(text), False


def strip_labels(text: str, *, ours: bool = False,
                 roles: dict[str, str] | None = None) -> Stripped | None:
    """Take the speaker labels out of an imported text; None if it has none.

    Args:
        text: the normalised text of a source.
        ours: the file was written by qualcoder_ahp (labels only open paragraphs).
        roles: speaker -> role listed by the file (:func:`read_speakers`): the
            file's own list of its speakers; the other speakers' roles are decided
            by the transcript importer's rules.
    """
    lines: list[tuple[int, int, Any]] = []  # (start, end, label or None)
    pos = 0
    headings = heading_labels(text)
    stamped = False
    listed = sorted(roles or (), key=len, reverse=True)  # "Q: Int" before "Q"
    for line in text.split("\n"):
        label = label_of(line, headings)
        if listed and (label is None or label.name not in listed):
            label = _listed_label(line, listed) or label
        if label is None and line.startswith("["):
            label = _stamp_of(line)
            stamped = stamped or label is not None
        lines.append((pos, pos + len(line), label))
        pos += len(line) + 1
    accepted, openers_only = _speakers(text, lines, ours, roles or ())
    if not accepted and not stamped:
        return None
    drafts: list[list] = []  # [speaker, time, [[start, end], ...paragraphs]]
    new_paragraph = True
    for start, end, label in lines:
        if not text[start:end].strip():
            new_paragraph = True
            continue
        opens = new_paragraph
        line_start = start
        if isinstance(label, _StampLabel):
            # Our export stamps only where a turn of no speaker starts; in another
            # tool's text a stamped line opens a turn only where no speaker is
            # talking, as ``qcahp import`` reads it (otherwise it is speech).
            takes = opens if openers_only else (not drafts or drafts[-1][0] == UNLABELLED)
        else:
            takes = label is not None and label.name in accepted and (opens or not openers_only)
        if takes:
            drafts.append([label.name, label.time, []])
            new_paragraph = True
            rest = label.rest
            if not rest.strip():
                continue
            start = end - len(rest)
        elif not drafts:
            drafts.append([UNLABELLED, None, []])
        paragraphs = drafts[-1][2]
        if new_paragraph or not paragraphs:
            paragraphs.append([start, end, line_start])
        else:
            paragraphs[-1][1] = end
        new_paragraph = False
    pieces: list[tuple[int, int, int]] = []
    parts: list[str] = []
    found: list[tuple[str, str | None, int, int]] = []
    out = 0
    last = 0  # where the previous kept piece ended in the labelled text

    def join(separator: str, line_start: int) -> None:
        # A separator that is in the labelled text as well is kept as a piece, so
        # offsets in it (a selection ending after a turn's blank line) map too.
        nonlocal out
        if text[last:line_start] == separator:
            pieces.append((last, line_start, out))
        parts.append(separator)
        out += len(separator)

    for speaker, time, paragraphs in drafts:
        spans = []
        for a, b, line_start in paragraphs:
            while a < b and text[a].isspace():
                a += 1
            while b > a and text[b - 1].isspace():
                b -= 1
            if b > a:
                spans.append((a, b, line_start))
        if not spans:
            continue
        if found:
            join("\n\n", spans[0][2])
        turn_start = out
        for k, (a, b, line_start) in enumerate(spans):
            if k:
                join("\n", line_start)
            pieces.append((a, b, out))
            parts.append(text[a:b])
            out += b - a
            last = b
        found.append((speaker, time, turn_start, out))
    if not found:
        return None
    stored = "".join(parts)
    named = merge_aliases([(s, t, stored[a:b]) for s, t, a, b in found])
    decided = assign_roles(named) | (roles or {})
    turns = tuple(Turn(s, decided.get(s, "other"), a, b, t)
                  for (s, t, _), (_, _, a, b) in zip(named, found, strict=True))
    return Stripped(stored, turns, OffsetMap(pieces, out))
