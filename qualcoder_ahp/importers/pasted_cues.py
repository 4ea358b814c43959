"""Subtitle cues written out as a document: Microsoft Teams' transcript download.

Teams saves a meeting transcript as a Word file (or people paste it into a text file)
with each cue as a timing line, the speaker's name on the next line and the words
below::

    0:0:0.0 --> 0:0:5.120
    Hannah Price
    Thanks for joining me. Could you start by describing your role?

Read as an ordinary document, this had no speaker label, so the whole interview was
one ``(unlabelled)`` turn with the timings and names in its text. :func:`cue_blocks`
turns such cues into speaker blocks (the time of the cue on the turn); the cues of
one speaker in a row are one turn, as Teams cuts a turn into several cues.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from qualcoder_ahp.importers.blocks import PARA, Block, clock_time
from qualcoder_ahp.importers.turns import (
    ANNOTATIONS, _valid_name, accepted_labels, heading_like, label_role, loose_label,
)

_PART = r"\d{1,2}:\d{1,2}(?::\d{1,2})?(?:[.,]\d{1,3})?"
_TIMING = re.compile(rf"^\s*(?P<t>{_PART})\s*-->\s*{_PART}\s*$")


def _name(line: str) -> str | None:
    name = line.strip()
    if (not name or len(name.split()) > 5 or len(name) > 50 or name[-1] in ".?!,;:"
            or not (_valid_name(name) or loose_label(name))):
        return None
    return name


def cue_blocks(blocks: list[Block]) -> list[Block]:
    """The blocks with Teams-style cues (timing line, name line, words) made speaker
    blocks; unchanged unless at least two timing lines open such cues."""
    lines = [line for b in blocks if b.kind == PARA and not b.speaker for line in b.lines]
    if sum(1 for x in lines if _TIMING.match(x)) < 2:
        return blocks
    out: list[Block] = []
    cue: Block | None = None  # the cue being read: its speaker is None until named
    named = 0
    for block in blocks:
        if block.kind != PARA or block.speaker:
            out.append(block)
            cue = None
            continue
        plain: list[str] = []
        for line in block.lines:
            m = _TIMING.match(line)
            if m:
                if plain:
                    out.append(Block(plain))
                    plain = []
                cue = Block([], speaker=None, time=clock_time(m.group("t")))
                continue
            if cue is None:
                plain.append(line)
                continue
            if cue.speaker is None and not cue.lines:
                name = _name(line)
                if name is not None:
                    cue.speaker = name
                    named += 1
                    last = out[-1] if out else None
                    if last is not None and last.speaker == name and last.time is not None:
                        cue = last  # the same speaker's next cue continues the turn
                    else:
                        out.append(cue)
                    continue
                cue = None  # a timing line not followed by a name: leave the text as it is
                plain.append(line)
                continue
            cue.lines.append(line)
        if plain:
            out.append(Block(plain))
    return out if named >= 2 else blocks


_BARE = re.compile(rf"^\s*[\[(]?(?P<t>{_PART})[\])]?\s*$")


def name_time_lines(blocks: list[Block]) -> list[Block]:
    """The blocks with a speaker's name on one line and the time on the next (Teams'
    transcript as a Word file or copied from the browser: ``Hannah Price`` / ``0:03`` /
    the words) joined into one ``Hannah Price  0:03`` line, the form otter.ai writes and
    :func:`~qualcoder_ahp.importers.turns.match_label` reads; unchanged unless two such
    pairs are found. (The whole interview was one ``(unlabelled)`` turn with the names
    and times in its text.)"""
    pairs = 0
    out: list[Block] = []
    for block in blocks:
        if block.kind != PARA or block.speaker:
            out.append(block)
            continue
        lines = list(block.lines)
        prev = out[-1] if out else None
        if (prev is not None and prev.kind == PARA and not prev.speaker
                and len(prev.lines) == 1 and lines and _BARE.match(lines[0])
                and _name(prev.lines[0]) is not None):
            # The name and the time in paragraphs of their own.
            out.pop()
            lines[0] = f"{_name(prev.lines[0])}  {_BARE.match(lines[0]).group('t')}"
            pairs += 1
        joined: list[str] = []
        i = 0
        while i < len(lines):
            time = _BARE.match(lines[i + 1]) if i + 1 < len(lines) else None
            name = _name(lines[i]) if time is not None else None
            if name is not None and time is not None:
                joined.append(f"{name}  {time.group('t')}")
                pairs += 1
                i += 2
                continue
            joined.append(lines[i])
            i += 1
        out.append(Block(joined, block.kind, block.speaker, block.time))
    return out if pairs >= 2 else blocks


def name_lines(blocks: list[Block], given: Iterable[str] = ()) -> list[Block]:
    """The blocks with a speaker's name alone on the line above the words made speaker
    blocks, in a source with no other labels: otter.ai's export without timestamps
    (``Hannah Price`` / the words / a blank line), or a transcriber's ``Interviewer`` /
    the words. Unchanged unless two names each head two or more paragraphs and such
    paragraphs are most of the text (a title or a line of speech is not a name), and a
    name is a role label or has two to four words (``Monday`` above a day's notes is no
    one). They were one ``(unlabelled)`` turn with the names in its text. Section headings
    that recur (``Morning Shift`` / ``Night Shift``, ``Part One`` / ``Part Two``:
    :func:`~qualcoder_ahp.importers.turns.heading_like`) are not names, unless ``given``
    (the speakers the researcher named) has them."""
    paras = [b for b in blocks if b.kind == PARA]
    if len(paras) < 4 or any(b.speaker for b in blocks):
        return blocks
    found: list[tuple[int, str, bool]] = []  # (block index, name, the words are below it)
    for i, block in enumerate(blocks):
        if block.kind != PARA or not block.lines or ":" in block.lines[0]:
            continue
        name = _name(block.lines[0])
        # A person's full name (otter.ai writes them), "Speaker 2", or a role label: one
        # word alone may head a paragraph of notes ("Monday" / the day's notes).
        if (name is None or len(name.split()) > 4
                or len(name.split()) < 2 and label_role(name) is None):
            continue
        if len(block.lines) > 1:
            found.append((i, name, True))
        elif (i + 1 < len(blocks) and blocks[i + 1].kind == PARA and blocks[i + 1].lines
              and _name(blocks[i + 1].lines[0]) is None):
            found.append((i, name, False))
    heads: dict[str, int] = {}
    for _, name, _ in found:
        heads[name] = heads.get(name, 0) + 1
    # A speaker the researcher named makes the file a conversation (a couple: "John
    # Smith" / "Mary Smith" share a word, as headings do).
    named = {x.strip().lower() for x in given}
    sections = (set() if any(n.lower() in named for n in heads)
                else heading_like(n for n, k in heads.items() if k >= 2))
    found = [x for x in found if x[1] not in sections]
    for name in sections:
        del heads[name]
    covered = sum(1 if below else 2 for _, _, below in found)  # paragraphs of the turns
    if (sum(1 for n in heads.values() if n >= 2) < 2 or 2 * covered < len(paras)
            or accepted_labels(paras)):  # labelled otherwise: the names are speech
        return blocks
    out: list[Block] = []
    skip = -1
    names = {i: (name, below) for i, name, below in found if heads[name] >= 2}
    for i, block in enumerate(blocks):
        if i == skip:
            continue
        if i not in names:
            out.append(block)
            continue
        name, below = names[i]
        if below:
            out.append(Block(block.lines[1:], speaker=name))
        else:  # the name in a paragraph of its own (a Word file), the words in the next
            out.append(Block(list(blocks[i + 1].lines), speaker=name))
            skip = i + 1
    return out


_DASH_LABEL = re.compile(r"^(?P<lead>[ \t]*)(?P<name>[^\W\d_][\w.'\u2019 ]{0,40}?)[ \t]+"
                         r"(?:--?|\u2013|\u2014)[ \t]+(?=\S)")
_CALENDAR = frozenset({
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "today",
    "yesterday", "tomorrow", "morning", "afternoon", "evening", "night", "january",
    "february", "march", "april", "may", "june", "july", "august", "september", "october",
    "november", "december",
})


def dash_lines(blocks: list[Block], given: Iterable[str] = ()) -> list[Block]:
    """The blocks with ``Int - So how did you start?`` labels (a name, a dash, the words;
    no time) written ``Int: So how did you start?``, the form
    :func:`~qualcoder_ahp.importers.turns.match_label` reads; unchanged unless the source
    has no other labels and two names each open two or more lines that way, their lines
    opening most of the paragraphs (or of the lines, one turn per line). A dash in prose
    (``Well - I don't know``, a day's notes ``Monday - clinic``) is left as it is: such a
    name opens few lines, a day or a heading is no speaker. The whole interview was one
    ``(unlabelled)`` turn with the labels in its text."""
    paras = [b for b in blocks if b.kind == PARA and not b.speaker and b.lines]
    if len(paras) < 1 or any(b.speaker for b in blocks):
        return blocks
    named = {x.strip().lower() for x in given}
    opens: dict[str, int] = {}
    for block in paras:
        for line in block.lines:
            name = _dash_name(line, named)
            if name is not None:
                opens[name] = opens.get(name, 0) + 1
    names = {n for n, k in opens.items() if k >= 2}
    names -= heading_like(names) - {n for n in names if n.lower() in named}
    if len(names) < 2 and not (names and named):
        return blocks
    firsts = sum(1 for b in paras if _dash_name(b.lines[0], named) in names)
    lines = sum(1 for b in paras for x in b.lines if _dash_name(x, named) in names)
    if (2 * firsts < len(paras) and 2 * lines < sum(len(b.lines) for b in paras)
            or accepted_labels(paras, tuple(given))):  # labelled otherwise: dashes are prose
        return blocks
    out: list[Block] = []
    for block in blocks:
        if block not in paras:
            out.append(block)
            continue
        rewritten = []
        for line in block.lines:
            m = _DASH_LABEL.match(line)
            if m is not None and _dash_name(line, named) in names:
                line = f"{m.group('lead')}{m.group('name').strip()}: {line[m.end():]}"
            rewritten.append(line)
        out.append(Block(rewritten, block.kind, block.speaker, block.time))
    return out


_DOTTED_QA = re.compile(r"^(?P<lead>[ \t]*)(?P<name>[QA])\.[ \t]+(?=\S)")


def dotted_qa(blocks: list[Block]) -> list[Block]:
    """The blocks with ``Q. How did you start?`` / ``A. In 1996.`` (as depositions, older
    transcripts and typists write them) written ``Q: ...`` / ``A: ...``; unchanged
    unless the source has no other labels, ``Q.`` and ``A.`` each open two or more lines
    and such lines open most of the paragraphs (or of the lines). The whole interview was
    one ``(unlabelled)`` turn, the questions read as the participant's."""
    paras = [b for b in blocks if b.kind == PARA and not b.speaker and b.lines]
    if not paras or any(b.speaker for b in blocks):
        return blocks
    opens = {"Q": 0, "A": 0}
    for block in paras:
        for line in block.lines:
            m = _DOTTED_QA.match(line) if line[:8].lstrip()[:2] in ("Q.", "A.") else None
            if m is not None:
                opens[m.group("name")] += 1
    if min(opens.values()) < 2:
        return blocks
    firsts = sum(1 for b in paras if _DOTTED_QA.match(b.lines[0]))
    lines = sum(opens.values())
    if (2 * firsts < len(paras) and 2 * lines < sum(len(b.lines) for b in paras)
            or accepted_labels(paras)):  # labelled otherwise: "A. Smith said" is speech
        return blocks
    return [Block([_DOTTED_QA.sub(r"\g<lead>\g<name>: ", x, count=1) for x in b.lines],
                  b.kind, b.speaker, b.time) if b in paras else b for b in blocks]


def _dash_name(line: str, named: set[str]) -> str | None:
    m = _DASH_LABEL.match(line) if "-" in line or "\u2013" in line or "\u2014" in line else None
    if m is None:
        return None
    name = m.group("name").strip()
    low = name.lower()
    if low in named:
        return name
    if (len(name.split()) > 4 or _name(name) is None or low in ANNOTATIONS
            or low in _CALENDAR or len(name.split()) == 1 and len(name) == 1
            and label_role(name) is None):
        return None
    return name
