"""Tab-separated transcripts: one turn per line, the cells separated by tabs.

Transcription tools and spreadsheets save a transcript as columns (Sonix, Trint and
Descript export ``time<TAB>speaker<TAB>text``; a table copied from Word or Excel
into a text file is ``speaker<TAB>text``)::

    00:00:01	Interviewer	How did your career begin?
    00:00:06	Helen	I qualified as a physiotherapist in 1996.

Read as ordinary text these lines have no speaker label, so the whole interview was
one ``(unlabelled)`` turn with the times and names in its text. :func:`tab_blocks`
reads such lines as speaker blocks, as :mod:`qualcoder_ahp.importers.formats` reads a
Word table: ``time | speaker | text``, ``speaker | time | text`` or ``speaker |
text``; a heading row (``Time  Speaker  Text``) is skipped, a row with no speaker (or
a line with no tab) continues the turn, and one speaker's rows in a row are one turn.

Prose is left alone: only when at least two lines read as such rows, with at least
two different speakers, and they are most of the lines of the text (an indented
paragraph, ``1.<TAB>item`` lists or a tab inside a sentence are not rows) does the
file read as columns.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from qualcoder_ahp.importers.blocks import PARA, TIME, Block, clock_time
from qualcoder_ahp.importers.turns import ANNOTATIONS, _valid_name, loose_label

# A time, or a span as NVivo writes it ("0:00:03.0 - 0:00:09.1": the start is kept).
_TIME = re.compile(rf"^[\[(]?(?P<t>{TIME})(?:[ \t]*[-\u2013][ \t]*{TIME})?[\])]?$")
_SPEAKER_HEADINGS = frozenset({"speaker", "name", "who", "person", "speaker name"})
_TIME_HEADINGS = frozenset({"time", "timestamp", "start", "timespan", "time span",
                            "start time", "begin", "in", "time in", "timecode"})
_OTHER_HEADINGS = frozenset({"#", "no", "no.", "number", "row", "line", "id", "end",
                             "end time", "stop", "out", "time out", "duration", "length"})
"""Columns a transcription tool adds that hold no words: a row number, the end of a
span (``# | Start | End | Speaker | Text``). A heading row with one was read as a turn
of a speaker ``#`` or ``Start``, and every row's number or start time as its speaker."""
_HEADINGS = _SPEAKER_HEADINGS | _TIME_HEADINGS | _OTHER_HEADINGS | frozenset({
    "text", "transcript", "words", "utterance", "content", "said", "dialogue", "speech",
    "transcription", "caption", "captions"})
"""Cells of a heading row (``Time<TAB>Speaker<TAB>Text``), compared in lower case."""
_NAME_TIME = re.compile(rf"^(?P<name>.*?\S)[ \t\n]*(?:[\[(](?P<a>{TIME})[\])]|(?P<b>{TIME}))$")


@dataclass(frozen=True)
class _Row:
    speaker: str | None
    """``None``: a row with an empty speaker cell, which continues the turn."""
    time: str | None
    text: str


def speaker_and_time(cell: str) -> tuple[str, str | None]:
    """A speaker cell's name and the time written with it, if any (``Helen Ash
    (00:00:03)``, ``Helen Ash 0:03``, or the time in a paragraph of its own below the
    name): the time was read into the speaker's name, so each turn was a new speaker."""
    cell = cell.strip().rstrip(":").strip()
    m = _NAME_TIME.match(cell)
    if m is None or not any(c.isalpha() for c in m.group("name")):
        return cell, None
    return m.group("name").rstrip(" \t\n:-\u2013,").strip(), m.group("a") or m.group("b")


def _speaker(cell: str) -> str | None:
    """The cell as a speaker's name (``Helen``, ``Speaker 1``, ``Q:``), else None."""
    name = cell.strip().rstrip(":").strip()
    if (not name or not name[0].isalpha() or len(name) > 40 or len(name.split()) > 5
            or name[-1] in ".?!,;" or name.lower() in ANNOTATIONS
            or not (_valid_name(name) or loose_label(name))):
        return None  # ("Date<TAB>12 May 2024" above the interview is no speaker)
    return name


def columns_named(cells: list[str]) -> tuple[int, int | None, int] | None:
    """``(speaker, time, text)`` column indexes a heading row's cells name, if they name
    a speaker column (NVivo's ``Timespan | Content | Speaker`` puts the speaker last)."""
    cells = [c.strip().lower().rstrip(":") for c in cells]
    who = next((i for i, c in enumerate(cells) if c in _SPEAKER_HEADINGS), None)
    if who is None or not all(c in _HEADINGS for c in cells if c):
        return None
    time = next((i for i, c in enumerate(cells) if c in _TIME_HEADINGS), None)
    text = next((i for i, c in enumerate(cells) if c in _HEADINGS
                 and c not in _SPEAKER_HEADINGS | _TIME_HEADINGS | _OTHER_HEADINGS), None)
    return None if text is None else (who, time, text)


def column_row(cells: list[str], columns: tuple[int, int | None, int]) -> _Row | None:
    """A row's cells read by the columns a heading row named; None when the row has
    too few cells or no text (a row with an empty speaker continues the turn)."""
    cells = [c.strip() for c in cells]
    who_at, time_at, text_at = columns
    if len(cells) <= max(i for i in columns if i is not None) or not cells[text_at]:
        return None
    time = _start(_TIME.match(cells[time_at])) if time_at is not None else None
    if not cells[who_at]:
        return _Row(None, time, cells[text_at])
    who, said_at = speaker_and_time(cells[who_at])
    speaker = _speaker(who)
    return _Row(speaker, time or said_at, cells[text_at]) if speaker else None


def _start(stamp: re.Match[str] | None) -> str | None:
    """A time cell's time; a span's start, or a time with a fraction, as subtitles store it
    (NVivo's ``0:00:03.0 - 0:00:09.1`` as ``00:00:03``, as a ``.vtt`` cue's time shows)."""
    if stamp is None:
        return None
    time = stamp.group("t")
    span = re.search(r"\d[ \t]*[-\u2013]", stamp.group(0)) is not None
    return clock_time(time) if span or re.search(r"[.,]", time) else time


def _row(line: str, columns: tuple[int, int | None, int] | None = None) -> _Row | None:
    """The line as a row of cells, or None when it is no such row; ``columns`` are the
    ones a heading row named."""
    if "\t" not in line:
        return None
    cells = [c.strip() for c in line.strip().split("\t")]
    if len(cells) < 2 or not cells[0] and not cells[1]:
        return None  # an indented line ("\tI started as..."): prose
    if columns is not None:
        return column_row(line.split("\t"), columns)
    if len(cells) >= 4 and cells[0].isdigit():
        cells = cells[1:]  # a row number (# | time | speaker | text)
    if len(cells) >= 4 and _TIME.match(cells[0]) and _TIME.match(cells[1]):
        cells = cells[:1] + cells[2:]  # start | end | speaker | text: the start is kept
    first, second = _TIME.match(cells[0]), _TIME.match(cells[1]) if len(cells) > 2 else None
    if first and len(cells) > 2:  # time | speaker | text (an empty speaker continues)
        who, time, words = cells[1], _start(first), cells[2:]
        if not who:
            text = " ".join(c for c in words if c)
            return _Row(None, time, text) if text else None
    elif second:  # speaker | time | text
        who, time, words = cells[0], _start(second), cells[2:]
    else:  # speaker | text
        who, time, words = cells[0], None, cells[1:]
    text = " ".join(c for c in words if c)
    who, said_at = speaker_and_time(who)
    speaker = _speaker(who)
    if speaker is None or not text:
        return None
    return _Row(speaker, time or said_at, text)


def _heading_row(line: str) -> bool:
    cells = [c.strip().lower().rstrip(":") for c in line.split("\t") if c.strip()]
    return len(cells) >= 2 and all(c in _HEADINGS for c in cells)


_PIPE_ROW = re.compile(r"^\s*\|(?P<cells>.*)\|\s*$")
_PIPE_RULE = re.compile(r"^\s*\|?(?:\s*:?-+:?\s*\|)+(?:\s*:?-+:?\s*)?\|?\s*$")


def _pipe_rows(blocks: list[Block]) -> list[Block] | None:
    """The blocks with a Markdown table's rows (``| Helen | In 1996. |``, as Notion,
    Obsidian and pandoc write a Word table) as tab-separated ones and its ``|---|---|``
    rule left out; None when no line is such a row."""
    if not any(_PIPE_ROW.match(x) for b in blocks if b.kind == PARA for x in b.lines):
        return None

    def unpiped(block: Block, out: list[Block]) -> None:
        lines = [x for x in block.lines if not _PIPE_RULE.match(x)]
        lines = ["\t".join(c.strip() for c in m.group("cells").split("|"))
                 if (m := _PIPE_ROW.match(x)) else x for x in lines]
        if lines:
            out.append(Block(lines, block.kind, block.speaker, block.time))

    return _each_unlabelled(blocks, unpiped)


def _each_unlabelled(blocks: list[Block],
                     rewrite: Callable[[Block, list[Block]], None]) -> list[Block]:
    """The blocks, each paragraph no speaker label claimed given to ``rewrite`` (which
    appends what it becomes to the blocks so far); every other block kept as it is."""
    out: list[Block] = []
    for block in blocks:
        if block.kind != PARA or block.speaker:
            out.append(block)
        else:
            rewrite(block, out)
    return out


def tab_blocks(blocks: list[Block]) -> list[Block]:
    """The blocks with tab-separated rows made speaker blocks (see the module notes);
    unchanged unless the text reads as such rows. A Markdown table's rows count as such
    rows."""
    piped = _pipe_rows(blocks)
    if piped is not None and _conversation(piped):
        read = _tab_blocks(piped)
        if read is not piped:
            return read
    return _tab_blocks(blocks)


def _conversation(blocks: list[Block]) -> bool:
    """Whether a Markdown table is a transcript's: its heading row names the columns
    (``| Speaker | Text |``), or two speakers each have two rows or more (a table of
    figures, ``| Leeds | 12 |`` / ``| York | 9 |``, is no conversation)."""
    lines = [x for b in blocks if b.kind == PARA and not b.speaker for x in b.lines]
    if any(_heading_row(x) for x in lines):
        return True
    speakers = [r.speaker for r in (_row(x) for x in lines) if r is not None and r.speaker]
    return sum(1 for n in set(speakers) if speakers.count(n) >= 2) >= 2


def _tab_blocks(blocks: list[Block]) -> list[Block]:
    lines = [line for b in blocks if b.kind == PARA and not b.speaker for line in b.lines]
    if not any("\t" in line for line in lines):
        return blocks
    columns = next((c for c in (columns_named(x.split("\t")) for x in lines if "\t" in x)
                    if c is not None), None)
    rows = [r for r in (_row(line, columns) for line in lines) if r is not None]
    named = [r for r in rows if r.speaker is not None]
    headings = sum(1 for line in lines if _heading_row(line))
    if (len(named) < 2 or len({r.speaker for r in named}) < 2
            or 2 * (len(rows) + headings) <= len(lines)):
        return blocks

    def rows_read(block: Block, out: list[Block]) -> None:
        plain: list[str] = []
        for line in block.lines:
            if _heading_row(line):
                continue
            row = _row(line, columns)
            if row is None:
                plain.append(line)  # a line with no tab: the turn goes on
                continue
            if plain:
                out.append(Block(plain))
                plain = []
            last = out[-1] if out else None
            if row.speaker is None or (last is not None and last.speaker == row.speaker):
                if last is not None and last.speaker is not None:
                    last.lines.append(row.text)  # the same speaker's next row: one turn
                else:
                    out.append(Block([row.text], time=row.time))
                continue
            out.append(Block([row.text], speaker=row.speaker, time=row.time))
        if plain:
            out.append(Block(plain))

    return _each_unlabelled(blocks, rows_read)
