"""A metadata header at the top of a transcript: not spoken, so not a turn.

Researchers' own transcripts open with what the file is about before anyone speaks:
a Word table of attributes (``Participant ID | P1``, ``Role | District nurse``), or
lines such as ``Interview 4`` / ``Date: 2 April 2025`` / ``Location: Team base``. Read
as speech, each ``Key: value`` became a speaker of its own (``Date (other): 2 April
2025``), its words were counted and exported as the interview's, and ``qcahp
transcripts`` listed ``Participant ID`` as the first speaker.

:func:`split_header` finds such a header among the first blocks and turns it into
notes (not spoken), returning its ``(key, value)`` lines. A header is a run of short
lines before the conversation: ``Key: value`` lines with a short value, and titles
(short lines with no label). It is a header only when a key that names metadata
(``Date``, ``Participant ID``), or two keys that are no one's name (``Years
qualified``), are never used as a speaker's label again, or when it is a title alone
(``Community nursing interview 3``); a key that is also a speaker (``Interviewer: Dr
Price`` above ``Interviewer: Could you...``) stays in the header only with a short,
name-like value. A conversation that opens with short turns, or with people who speak
once, is therefore left as it is. A header that runs into the first turns without a
blank line (Word's RTF) is split off where the conversation starts.

:func:`header_participant` reads the participant id a header names
(``Participant ID: P1``), so that the participants CSV, keyed by the study's ids,
meets the transcript.
"""

from __future__ import annotations

import re
from collections import Counter

from qualcoder_ahp.importers.blocks import CUE, NOTE, PARA, Block
from qualcoder_ahp.importers.turns import ANNOTATIONS, _valid_name, label_role, match_label

_KEY_VALUE = re.compile(r"^(?P<key>[^\W\d_][^\W\d_ .#/&'-]*(?:[ .#/&'-]+[^\W\d_]+){0,4})"
                        r"[ .#]*:\s*(?P<value>\S.*)$")
_REACH = 15
"""Blocks from the top in which a header may start (headings and notes not counted)."""
_MAX_WORDS = 12
"""Words of a header value or title at most: more is a sentence someone said."""

META_KEYS = ANNOTATIONS | frozenset({
    "participant", "participant id", "participant no", "participant number",
    "participant code", "interviewee", "interviewee id", "respondent", "respondent id",
    "pid", "case", "case id", "study id", "id", "code", "pseudonym", "interviewer",
    "interviewers", "role", "job title", "job", "profession", "band", "grade", "age",
    "gender", "sex", "ethnicity", "setting", "site", "team", "trust", "organisation",
    "organization", "service", "years qualified", "years in post", "experience",
    "interview date", "date of interview", "interview", "interview no", "length", "mode",
    "format", "study", "project", "file", "file name", "filename", "transcribed by",
    "recorded", "recorded on", "venue", "language", "consent", "summary keywords",
    "speakers", "attendees",
})
"""Keys (lower case) that name a transcript's metadata: one of them never used as a
speaker again is enough to make the lines around it a header."""

PARTICIPANT_KEYS = frozenset({
    "participant", "participant id", "participant no", "participant number",
    "participant code", "participant ref", "interviewee", "interviewee id",
    "respondent", "respondent id", "pid", "case", "case id", "study id",
})
"""Header keys (lower case, ``.`` and ``#`` dropped) whose value is the participant id."""

_ID = re.compile(r"^[\w][\w.\-/]{0,29}$")


def _key(key: str) -> str:
    return " ".join(key.replace(".", " ").replace("#", " ").split()).lower()


def _short(value: str) -> bool:
    value = value.strip()
    return bool(value) and len(value.split()) <= _MAX_WORDS and not value.endswith("?")


def _name_like(value: str) -> bool:
    """A value that names someone or something rather than saying something (``Dr
    Price``, ``HP``, ``P4``): at most four words, no sentence punctuation at the end."""
    value = value.strip()
    return len(value.split()) <= 4 and value[-1:] not in ".?!,;"


_TITLE_WORDS = frozenset({"interview", "interviews", "transcript", "transcription"})
_SPEECH_WORDS = frozenset({"i", "we", "you", "so", "okay", "ok", "yeah", "um", "my", "our",
                           "re", "m", "s", "ll", "ve", "d", "t"})
_FOOTER = re.compile(r"^\s*(?:transcribed by\s+(?:https?://)?\S*otter\.ai\S*"
                     r"|this editable transcript was computer generated\b.*)\s*$", re.I)
"""The last line a tool writes below its transcript: otter.ai's ``Transcribed by
https://otter.ai``, Google Meet's ``This editable transcript was computer generated and
might contain errors...``."""


def _title(text: str) -> bool:
    """A line that reads as a transcript's title, not speech: no closing punctuation, a
    number or the word "interview" or "transcript" in it, and no "I", "we", "so"..."""
    words = re.findall(r"\w+", text.lower())
    return (text.strip()[-1:] not in ".?!,;:" and len(words) <= 10
            and (any(w.isdigit() or w in _TITLE_WORDS for w in words)
                 or _DATE.search(text.strip()) is not None)
            and not any(w in _SPEECH_WORDS for w in words))


_TRANSCRIPTION = re.compile(r"^\s*\S.{0,60}?\s+(?:started|stopped) transcription\s*$", re.I)
"""Microsoft Teams' ``Hannah Price started transcription`` and ``... stopped
transcription`` lines, which are no one's words."""


def drop_tool_lines(blocks: list[Block]) -> list[Block]:
    """The blocks without the lines a meeting tool writes that no one said: Teams'
    ``Hannah Price started transcription`` (it kept a Teams transcript's title and date
    above it in the text as an ``(unlabelled)`` turn) and ``... stopped transcription``
    (stored as the last speaker's words)."""
    if not any(_TRANSCRIPTION.match(x) for b in blocks if b.kind == PARA for x in b.lines):
        return blocks
    out: list[Block] = []
    for block in blocks:
        kept = [x for x in block.lines if not _TRANSCRIPTION.match(x)]
        if block.kind != PARA or len(kept) == len(block.lines):
            out.append(block)
        elif any(x.strip() for x in kept):
            out.append(Block(kept, block.kind, block.speaker, block.time))
        elif block.speaker is None:
            out.append(Block(block.lines, kind=NOTE))
    return out


def drop_footer(blocks: list[Block]) -> list[Block]:
    """The blocks without otter.ai's ``Transcribed by https://otter.ai`` last line,
    which was stored as the last speaker's words, and without Teams' transcription
    lines (:func:`drop_tool_lines`)."""
    blocks = drop_tool_lines(blocks)
    for i in range(len(blocks) - 1, -1, -1):
        block = blocks[i]
        if block.kind != PARA:
            continue
        if block.lines and _FOOTER.match(block.lines[-1]):
            kept = block.lines[:-1]
            if any(x.strip() for x in kept):
                return [*blocks[:i], Block(kept, block.kind, block.speaker, block.time),
                        *blocks[i + 1:]]
            return [*blocks[:i], Block(block.lines, kind=NOTE), *blocks[i + 1:]]
        return blocks
    return blocks


_DATE = re.compile(
    r"(?i)^(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*,|\b\d{1,2}:\d{2}\s*[ap]m\b"
    r"|\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.? \d{1,2},? \d{4}\b"
    r"|\b\d{1,2}/\d{1,2}/\d{2,4}\b"
    r"|^(?:\d{1,2}h ?)?\d{1,3}m ?\d{1,2}s$")
"""A date or a clock time with am/pm, as a recording's date line has it (otter.ai's
``Tue, Apr 02, 2025 2:15PM • 42:31``), or a recording's length (Teams' ``45m 12s``)."""
_OTTER_SECTIONS = ("SUMMARY KEYWORDS", "SPEAKERS", "KEYWORDS", "Attendees")
"""The headings of the sections otter.ai (and Google Meet: ``Attendees``) writes above a
transcript, each with its line of keywords or speaker names below."""


def _line(text: str) -> tuple[str | None, str] | None:
    """One line's ``(key, value)`` as a header line (key None for a title), or None
    when it is not one."""
    text = text.strip()
    if _DATE.search(text) and _short(text) and text[-1:] not in ".!":
        label = match_label(text)
        if label is None or not _valid_name(label.name):
            return None, text
    label = match_label(text)
    if label is not None and (label.time or label.own_line or not label.rest.strip()):
        return None  # a timed label ("Jane (00:01) - ..."): a turn, never metadata
    m = _KEY_VALUE.match(text)
    if m:
        return (m.group("key").strip(), m.group("value").strip()) \
            if _short(m.group("value")) else None
    return (None, text) if _short(text) and ":" not in text else None


def _lines(block: Block, counts: Counter[str]) -> tuple[list[tuple[str | None, str]], int]:
    """The ``(key, value)`` header lines that open a block (key None for a title): all
    of its lines when it is all header, else those before the conversation starts; and
    how many of the block's (non-blank) lines they take up.

    A key that is also a speaker's label (it recurs, or is a role such as Interviewer
    or P1) is metadata only with a short, name-like value ("Interviewer: Dr Price");
    "Interviewer: Thanks for coming." is the conversation starting.
    """
    kept = [x.strip() for x in block.lines if x.strip()]
    if not block.speaker and kept and kept[0] in _OTTER_SECTIONS:
        return [(kept[0], " ".join(kept[1:]))], len(kept)
    if block.speaker:  # a row of a Word table, or a bold label: the key is known
        value = " ".join(x.strip() for x in block.lines if x.strip())
        found: tuple[str | None, str] | None = (block.speaker.strip(), value)
        if not _short(value) or (_speaker(block.speaker, counts) and not _name_like(value)):
            found = None
        return ([found], len(kept)) if found else ([], 0)
    out: list[tuple[str | None, str]] = []
    for line in block.lines:
        if not line.strip():
            continue
        one = _line(line)
        if one is None or (one[0] is not None and _speaker(one[0], counts)
                           and not _name_like(one[1])):
            break
        out.append(one)
    return out, len(out)


def _speaker(key: str, counts: Counter[str]) -> bool:
    """Whether a header key is (also) a speaker: a label used again, or a role label."""
    return counts[key.lower()] >= 2 or label_role(key) is not None


def _speaker_counts(blocks: list[Block]) -> Counter[str]:
    """How often each label opens a line or a block (lower case)."""
    counts: Counter[str] = Counter()
    for block in blocks:
        if block.kind not in (PARA, CUE):
            continue
        if block.speaker:
            counts[block.speaker.strip().lower()] += 1
        for line in block.lines:
            label = match_label(line)
            if label is not None:
                counts[label.name.lower()] += 1
    return counts


def split_header(blocks: list[Block]) -> tuple[list[Block], list[tuple[str | None, str]]]:
    """The blocks with a metadata header at the top turned into notes, and the header's
    ``(key, value)`` lines (key None for a title line); the blocks unchanged and ``[]``
    when there is no header (see the module notes)."""
    if any(b.kind == CUE for b in blocks):  # subtitles: every cue is spoken
        return blocks, []
    original = blocks
    blocks = _sections(blocks)
    counts = _speaker_counts(blocks)
    start = next((i for i, b in enumerate(blocks[:_REACH]) if b.kind == PARA), None)
    if start is None:
        return blocks, []
    lines: list[tuple[str | None, str]] = []
    end = start
    for i in range(start, len(blocks)):
        block = blocks[i]
        if block.kind != PARA:
            end = i + 1
            continue
        found, used = _lines(block, counts)
        if not found:
            break
        lines.extend(found)
        end = i + 1
        kept = [x for x in block.lines if x.strip()]
        if used < len(kept):
            # The header and the first turns in one block (RTF and PDF lines, text
            # written without blank lines): split it where the conversation starts.
            blocks = [*blocks[:i], Block(kept[:used]), Block(kept[used:]), *blocks[i + 1:]]
            break
    # The evidence: keys no speaker uses, with values that are not sentences, that name
    # metadata (Date) or are no one's name (Years qualified); or a title alone
    # ("Community nursing interview 3", as otter.ai puts above its export). Names that
    # speak once ("Sam: career") are not evidence: a group's members may speak once.
    once = [k for k, v in lines if k is not None and not _speaker(k, counts)
            and v[-1:] not in ".?!"]
    unnamed = [k for k in once if not _valid_name(k)]
    # (Teams puts three such lines above its transcript: the meeting, its date, its length.)
    titled = bool(lines) and len(lines) <= 3 and all(k is None and _title(v) for k, v in lines)
    rest = blocks[end:]
    spoken_after = any(b.kind == PARA and (b.speaker or any(match_label(x) for x in b.lines))
                       for b in rest)
    if not spoken_after or not (len(unnamed) >= 2 or titled
                                or any(_key(k) in META_KEYS for k in once)):
        return original, []
    notes = [Block(b.lines, kind=NOTE) if b.kind == PARA else b for b in blocks[:end]]
    return notes + rest, lines


def _sections(blocks: list[Block]) -> list[Block]:
    """otter.ai's section headings as a Word file has them (``SUMMARY KEYWORDS`` in bold,
    alone, read as a speaker label) joined to the paragraph below, as in its text export."""
    out: list[Block] = []
    i = 0
    while i < len(blocks):
        block = blocks[i]
        bare = block.speaker in _OTTER_SECTIONS and not any(x.strip() for x in block.lines)
        if (block.kind == PARA and not block.speaker
                and [x.strip() for x in block.lines if x.strip()] == ["Attendees"]):
            block, bare = Block([], speaker="Attendees"), True  # Google Meet's, not bold
        if (bare and i + 1 < len(blocks) and blocks[i + 1].kind == PARA
                and not blocks[i + 1].speaker):
            out.append(Block([str(block.speaker), *blocks[i + 1].lines]))
            i += 2
            continue
        out.append(block)
        i += 1
    return out


def header_participant(lines: list[tuple[str | None, str]]) -> tuple[str, str] | None:
    """``(key, id)`` of the first header line naming the participant id
    (``Participant ID: P1``), if any; a value that is not an id (``Participant: Jane
    Smith, district nurse``) names none."""
    for key, value in lines:
        if key is not None and _key(key) in PARTICIPANT_KEYS and _ID.match(value.strip()):
            return key, value.strip()
    return None


INTERVIEWER_KEYS = frozenset({"interviewer", "interviewers", "interviewed by", "researcher",
                              "moderator", "facilitator"})
"""Header keys (lower case) whose value names the interviewer(s)."""


def header_interviewers(lines: list[tuple[str | None, str]]) -> list[str]:
    """The interviewers a header names (``Interviewer: Dr Price``, ``Interviewers: Ann
    Lee and Bo Ray``), to be given the interviewer's role as ``--interviewer`` would."""
    out: list[str] = []
    for key, value in lines:
        if key is not None and _key(key) in INTERVIEWER_KEYS:
            out.extend(n.strip() for n in re.split(r",|;|\band\b|&", value) if n.strip())
    return out
