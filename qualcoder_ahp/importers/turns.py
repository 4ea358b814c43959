"""Speaker turns: labels found in paragraph blocks, stored text built, roles given.

A speaker label starts a line, in any of the forms real transcripts use::

    Name: text                      **Name:** text        **Name**: text
    Q: / A:  Interviewer: / Participant:                  [00:01:02] Name: text
    [10.30 am] Name: text           00:00:05 Name: text
    Speaker 1 (00:00):   (own line, text below)           Name (00:01:02) - text
    Name  0:03           (own line, as otter.ai writes; also Name (00:03), Name - 0:03)
    [Name] 14:02:37      (own line, as Zoom's saved transcript writes)
    00:00:03 Speaker 1   (own line, as NVivo and Trint write; also [00:00:03] Speaker 1)

or is known from the structure (a bold run in Word, a ``<v Name>`` voice tag). A
paragraph without a label continues the current speaker's turn, so a subtitle file
that names the speaker only when it changes reads correctly, and hard-wrapped lines
inside a paragraph are joined with one space.

The stored text is only what was spoken: labels, timestamps and procedural notes
are removed; the paragraphs of one turn are joined by ``\\n`` and turns by a blank
line (``\\n\\n``), so each turn's ``[start, end)`` slices exactly its words and
``text.split("\\n\\n")`` gives the turns back.

Speech must not be read as labels, so: a name with a lower-case word is not a
name (``So I said: ...``), except a role label as transcribers type it (``int:``,
``resp:``, ``p1:``, ``interviewer:``, ``speaker 1:``) or a surname with a particle
(``van Dijk:``), which is a label where it opens two or more lines, or opens a paragraph
of a conversation whose other labels are certain (:func:`loose_label`); a plain
``Name:`` that appears only once in the middle of a paragraph is speech (``Note:
...``), unless the paragraph is one turn per line (most of its lines open with a label)
and the name is not an annotation word; in a source labelled in bold, plain ``Question:
...`` lines are speech; ``Name  0:03`` lines count only when the source uses them more
than once, and ``00:00:03 Name`` lines only for a name that heads two. The strong forms
(bold, timestamped, structural) and the usual role labels are always labels. Shortened
names are merged into the full name they abbreviate, and labels that differ only in case
into one; roles are decided last (:func:`assign_roles`).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from qualcoder_ahp.importers.blocks import (CLOCK, CUE, HEADING, NOTE, PARA, TIME, Block,
                                            stamp_seconds, stored_time)
from qualcoder_ahp.records import Turn

UNLABELLED = "(unlabelled)"
_VOICE = re.compile(r"\(unlabelled \d+\)")


def unnamed_voice(n: int) -> str:
    """The name of the ``n``-th voice no label names in a cue of several (subtitle
    dialogue dashes, ``- Did you plan it?`` / ``- No.``): ``(unlabelled 1)``. Each such
    line is a voice of its own, so ``qcahp speakers rename`` can give each its speaker;
    as ``(unlabelled)`` they were one name, and a rename moved every one at once."""
    return f"(unlabelled {n})"


def unlabelled(name: str) -> bool:
    """``(unlabelled)`` or an :func:`unnamed_voice`: no speaker a label names, never
    merged with another name, and no one the roles are guessed from."""
    return name == UNLABELLED or (name.startswith("(unlabelled ")
                                  and _VOICE.fullmatch(name) is not None)

DEFAULT_INTERVIEWERS = frozenset({
    "interviewer", "int", "i", "q", "ai", "assistant", "counsel",
    "counsel inquiry", "counsel to the inquiry", "host", "moderator", "facilitator",
    "researcher", "iv", "interviewer 1", "interviewer 2", "mod",
})
"""Labels taken as interviewers when no names are given (compared case-insensitively)."""

_INTERVIEWER_WORDS = frozenset({"interviewer", "counsel", "host", "moderator", "facilitator",
                                "researcher"})
DEFAULT_PARTICIPANTS = frozenset({
    "participant", "interviewee", "respondent", "resp", "a", "p", "r", "ie", "the witness",
    "witness",
})

ANNOTATIONS = frozenset({
    "note", "notes", "nb", "n.b", "ps", "p.s", "edit", "update", "source", "date", "time",
    "location", "place", "duration", "subject", "re", "ref", "tags", "keywords", "summary",
    "comment", "comments", "transcriber", "transcript", "recording", "audio", "link", "email",
    "tel", "phone", "title", "topic", "context", "background",
})
"""Words that open annotation lines, not speech (``Note: ...``); never promoted to a speaker
by the one-turn-per-line rule (a recurring or role label is still a label)."""

MINUTES = frozenset({
    "present", "apologies", "apologies for absence", "attendees", "in attendance", "absent",
    "action", "actions", "action point", "agenda", "aob", "minutes", "decision", "decisions",
    "agreed", "resolved",
})
"""Words that open the lines of meeting minutes (``Present:``, ``Apologies:``, ``Action:``):
where two of them do, the plain ``Name:`` lines are reported speech, not turns."""
_MINUTES_ANY_CASE = frozenset(f(m) for m in MINUTES for f in (str.lower, str.capitalize,
                                                              str.title, str.upper))

_COUNT = (r"(?:\d{1,3}[a-z]?|one|two|three|four|five|six|seven|eight|nine|ten|first|second"
          r"|third|fourth|fifth")
_NUMBER = rf"{_COUNT}|i|ii|iii|iv|v|vi|vii|viii|ix|x)"
_ENUMERATED = re.compile(
    r"^(?:q|qu|question|item|agenda item|section|part|step|task|point|no|number|objective"
    r"|aim|theme|topic|week|day|phase|stage|session|module|chapter|unit|issue|risk"
    rf"|recommendation|finding|rq)[ .#]*{_NUMBER}$", re.I)
"""A numbered item (``Q1``, ``Question 2``, ``Item 3``, ``Part One``): a survey's or an
agenda's, never a speaker unless the researcher names it one."""
@lru_cache(maxsize=4096)
def _enumerated(name: str) -> bool:
    return _ENUMERATED.match(name) is not None


_NUMBERED_HEADING = re.compile(rf"^\S.*\s{_COUNT})$", re.I)
_TITLES = frozenset({"dr", "mr", "mrs", "ms", "miss", "mx", "prof", "professor", "sir",
                     "dame", "lady", "lord", "rev", "cllr", "judge", "kc", "qc"})
_PEOPLE = frozenset({"guest", "caller", "student", "patient", "nurse", "doctor", "parent",
                     "teacher", "panellist", "panelist", "voice", "man", "woman", "child",
                     "pupil", "client", "carer", "staff", "member", "user", "person", "host",
                     "presenter", "audience", "dr", "mr", "mrs", "ms", "miss", "prof"})
"""First words of labels that name people (``Guest 2``, ``Dr Price``): speakers, however
numbered or alike."""
_QUESTION_WORDS = frozenset({"what", "how", "why", "when", "where", "which", "who", "whose"})

PARTICLES = frozenset({"of", "the", "to", "de", "da", "del", "der", "van", "von", "le", "la",
                       "du", "di", "bin", "al", "y", "and", "&"})
"""Lower-case words allowed inside a speaker name (``Counsel to the Inquiry``)."""
# Any script's letters are allowed by the pattern; _valid_name then rejects a
# "name" with a lower-case word, so "So I said: ..." stays speech.
NAME = (r"[^\W\d_][\w.'\u2019\-]*(?:[ \t][\w.'\u2019\-&]+){0,4}"
        r"(?:[ \t]*\((?![\d:.,]+\))[^()\n]{1,30}\)){0,2}")
"""A speaker's name: up to five words, and up to two qualifiers in brackets (``Hannah
Price (she/her) (NHS Leeds)``, as Teams shows a name with pronouns and organisation)."""
LABEL_TIME = rf"(?:{TIME}|{CLOCK})"
"""A time in brackets before a label: a timestamp (``[00:01:02] Name:``) or a clock
time (``[10.30 am] Name:``, the form REFI-QDA export writes a hearing's note time in)."""
# A time before a label, in brackets, as f4/f5transcript writes it ("#00:00:05-1# I: ...")
# or bare ("00:00:05 Hannah Price: ...", as Zoom's and NVivo's text exports and many
# transcribers write it); a bare one (t2) makes the label no surer than a plain one:
# "12:30 Lunch: ..." in notes is not a turn.
_TPRE = (rf"(?:(?:[\[(](?P<t0>{LABEL_TIME})[\])][ \t]*|#(?P<t4>{TIME})(?:-\d{{1,2}})?#[ \t]*"
         rf"|(?P<t2>{TIME})[ \t]+))?")
_TLAB = rf"(?:[ \t]*[\[(](?P<t1>{TIME})[\])])?"

_BOLD = re.compile(
    rf"^[ \t]*{_TPRE}(?:\*\*|__)(?P<name>{NAME}){_TLAB}[ \t]*"
    r"(?::[ \t]*(?:\*\*|__)|(?:\*\*|__)[ \t]*:)[ \t]*"
)
_DASH = re.compile(rf"^[ \t]*(?P<name>{NAME})[ \t]*\((?P<t1>{TIME})\)[ \t]*[-\u2013\u2014][ \t]+")
# A name as a directory writes it, surname first: "Price, Hannah (NHS Leeds)", as Teams
# shows a member of an NHS organisation (only on a label's own line, before its time).
_SURNAME_FIRST = (r"[^\W\d_][\w.'\u2019\-]*,[ \t]+[^\W\d_][\w.'\u2019\-]*"
                  r"(?:[ \t][\w.'\u2019\-&]+){0,2}"
                  r"(?:[ \t]*\((?![\d:.,]+\))[^()\n]{1,30}\)){0,2}")
# "Jane Doe  0:03" (otter.ai), "Speaker 1 (00:00:03)", "Jane Doe [00:03]", "Jane Doe - 0:03"
_OWNLINE = re.compile(rf"^[ \t]*(?P<name>{_SURNAME_FIRST}|{NAME})(?:[ \t]*[-\u2013\u2014,])?"
                      r"[ \t]+"
                      rf"(?:(?P<t1>{TIME})|[\[(](?P<t0>{TIME})[\])])[ \t]*$")
# "[Hannah Price] 14:02:37" on its own line, the text below: Zoom's saved transcript.
_BRACKET_OWNLINE = re.compile(rf"^[ \t]*\[(?P<name>{_SURNAME_FIRST}|{NAME})\][ \t]+"
                              rf"(?P<t1>{TIME})[ \t]*$")
# "00:00:03 Speaker 1" or "[00:00:03] Speaker 1" on its own line, the text below: NVivo's
# and Trint's text exports. Only a name that heads two such lines counts (a stamped line
# of speech, "[00:00:05] Right", is not a label).
_TIME_OWNLINE = re.compile(rf"^[ \t]*(?:\[(?P<t0>{TIME})\]|\((?P<t2>{TIME})\)|(?P<t3>{TIME}))"
                           rf"(?:[ \t]*[-\u2013\u2014])?[ \t]+(?P<name>{NAME})[ \t]*$")
_PLAIN = re.compile(rf"^[ \t]*{_TPRE}(?P<name>{NAME}){_TLAB}[ \t]*:(?:[ \t]+|$)")
_STAMP = re.compile(rf"[ \t]*(?:[\[(](?P<t>{TIME})[\])]|#(?P<f>{TIME})(?:-\d{{1,2}})?#)[ \t]*")
"""A timestamp inside a turn: ``[00:01:02]``, ``(01:46)``, or f4/f5transcript's
``#00:01:02-5#`` (the form NVivo and MAXQDA read), which is not spoken."""
_LEAD_STAMP = re.compile(rf"^[ \t]*[\[(](?P<t>{TIME})[\])][ \t]*")
_BARE_TIME = re.compile(rf"^[ \t]*(?:[\[(](?P<a>{TIME})[\])]|(?P<b>{TIME}))[ \t]*$")
_LABEL_REACH = 160
_QUESTIONS_FROM = re.compile(r"^questions?\s+(?:from|by)\s+(?P<who>.+)$", re.I)


@dataclass
class _Label:
    name: str
    time: str | None
    rest: str
    strong: bool
    bold: bool = False
    own_line: bool = False
    loose: bool = False
    """Not written as a name (``int:``, ``resp:``, ``p1:``): a role label in lower case,
    a speaker only where it opens two or more lines (:func:`accepted_labels`)."""
    time_first: bool = False
    """``00:00:03 Speaker 1`` on its own line: a speaker only when the name heads two."""
    led_by_time: bool = False
    """A time with no brackets before the name (``00:00:05 Name: ...``) or a time-first own
    line: read only where the times run as a recording's (:func:`_schedule`)."""


@dataclass
class _Draft:
    speaker: str
    time: str | None
    paragraphs: list[list[str]] = field(default_factory=list)
    had_text: bool = False
    break_next: bool = False


def _clean_name(name: str) -> str:
    return " ".join(name.replace("*", "").replace("_", " ").split()).rstrip(
        " -\u2013\u2014,").strip(" .")


def _valid_name(name: str) -> bool:
    """A speaker name: each word capitalised (or uncased, or a digit) except particles."""
    words = name.split("(")[0].split()
    if not words or words[0][0].islower():
        return False
    return all(not w[0].islower() or w in PARTICLES for w in words[1:])


_ROLE_WORD = re.compile(
    r"^(?:(?:participant|respondent|interviewee|speaker|person|member)[ _-]?"
    r"(?:\d{1,3}|[a-z]|one|two|three|four|five|six|seven|eight|nine|ten)|user"
    r"|(?:i|int|iv|interviewer|researcher|mod|moderator|fac|facilitator)[ _-]?\d{1,2})$")
"""Role labels with a number or letter, in lower case, besides the numbered participants
(``participant b``, ``speaker 3``, ``int2``, ``user``)."""
_SURNAME_PARTICLES = frozenset({"de", "da", "del", "der", "van", "von", "le", "la", "du",
                                "di", "bin", "al"})


@lru_cache(maxsize=4096)
def loose_label(name: str) -> bool:
    """A label not written as a name that real transcripts use all the same: a role label
    in lower case (``interviewer``, ``int``, ``resp``, ``p1``, ``participant 2``,
    ``speaker one``), or a surname with a lower-case particle (``van Dijk``)."""
    low = name.lower()
    if low in ANNOTATIONS:
        return False
    if _is_role_word(low):
        return True
    if "(" in low:
        m = _QUALIFIER.match(low)
        if m is not None and _is_role_word(m.group("q").strip()):
            return True
    words = name.split("(")[0].split()
    if not words or words[0] not in _SURNAME_PARTICLES:
        return False
    lead = 0
    while lead < len(words) - 1 and words[lead] in _SURNAME_PARTICLES:
        lead += 1
    return len(words) <= 4 and _valid_name(" ".join(words[lead:]))


def _is_role_word(low: str) -> bool:
    return (low in DEFAULT_INTERVIEWERS or low in DEFAULT_PARTICIPANTS
            or _NUMBERED_PARTICIPANT.match(low) is not None or _ROLE_WORD.match(low) is not None)


_NO_BREAK = str.maketrans({"\u00a0": " ", "\u202f": " ", "\u2007": " "})
_TIME_END = frozenset("0123456789)]")
_TIME_START = frozenset("0123456789[(")


def match_label(line: str, given: Iterable[str] = ()) -> _Label | None:
    """The speaker label at the start of ``line``, if it has one.

    ``given``: speaker names the researcher gave (lower case), labels even where they
    are not capitalised as names are ("Nurse lead:", "Head of therapies:").
    """
    # Every label form has a colon near the start (after the name or inside the
    # time); most lines of speech have none, and skipping them keeps import fast.
    if ":" not in line[:_LABEL_REACH]:
        return None
    # A no-break space after the colon or inside the name (Word's French spacing, text
    # pasted from a web page or Teams: "Sarah Price:\u00a0Thanks") separates as a space
    # does; the words after the label keep theirs (the same length, so the same offsets).
    said, line = line, line.translate(_NO_BREAK)
    # Cheap tests first: a label line of each form has its tell-tale character.
    ends_in_time = line.rstrip()[-1:] in _TIME_END
    for pattern, strong in ((_BOLD, True), (_DASH, True), (_PLAIN, False), (_OWNLINE, True),
                            (_BRACKET_OWNLINE, True), (_TIME_OWNLINE, True)):
        if ((pattern is _OWNLINE or pattern is _BRACKET_OWNLINE) and not ends_in_time
                or pattern is _BOLD and "*" not in line and "_" not in line
                or pattern is _DASH and "(" not in line
                or pattern is _TIME_OWNLINE and line.lstrip()[:1] not in _TIME_START):
            continue
        m = pattern.match(line)
        if m is None:
            continue
        name = _clean_name(m.group("name"))
        if _enumerated(name) and name.lower() not in given:
            continue  # "Q1: How long have you worked here?" is a survey's item
        loose = False
        if not (_valid_name(m.group("name")) or (given and name.lower() in given)):
            loose = loose_label(name)
            if not loose:
                continue
        groups = m.groupdict()
        time = groups.get("t0") or groups.get("t1") or groups.get("t4")
        bare_time = groups.get("t2") or groups.get("t3")
        rest = said[m.end():]
        time_first = pattern is _TIME_OWNLINE
        own_line = pattern in (_OWNLINE, _BRACKET_OWNLINE, _TIME_OWNLINE)
        if own_line:
            rest = ""
        if time_first and m.group("name").rstrip()[-1:] in ".?!,;":
            continue  # "[00:00:05] Right." is a stamped line of speech
        return _Label(name, time or bare_time, rest,
                      (strong or time is not None) and not loose, pattern is _BOLD, own_line,
                      loose, time_first, time_first or bare_time is not None)
    return None


def _known(name: str, interviewers: Iterable[str]) -> bool:
    """A role label (``Q``, ``Interviewer 2``, ``P3``) or a name the researcher gave."""
    return label_role(name) is not None or name.lower() in interviewers


def accepted_labels(blocks: list[Block], interviewers: Iterable[str] = ()) -> set[str]:
    """Label names that really are speakers in this source (see the module notes)."""
    wanted = {x.lower() for x in interviewers}
    counts: Counter[str] = Counter()
    strong: set[str] = set()
    at_start: set[str] = set()
    own_line: set[str] = set()
    time_first: set[str] = set()
    loose: set[str] = set()
    heads: set[str] = set()  # labels that open a block (a paragraph, a cue)
    # A source labelled in bold (Markdown ``**Name**:``, Word bold runs) speaks any
    # plain "Question: ..." line; only role labels stay labels there.
    bold_style = any(b.speaker for b in blocks if b.kind == PARA)
    found = [(block, [match_label(line, wanted) for line in block.lines]) for block in blocks
             if block.kind in (PARA, CUE) and not block.speaker]
    timed: list[str | None] = []
    markers: set[str] = set()
    for _, labels in found:
        for x in labels:
            if x is None:
                continue
            if x.led_by_time and x.name.lower() not in wanted:
                timed.append(x.time)
            if x.name in _MINUTES_ANY_CASE:
                markers.add(x.name.lower())
    if _schedule(timed):
        # "12:30 Lunch" / "15:00 Coffee": a diary's or an agenda's times, not a recording's.
        found = [(block, [None if x is not None and x.led_by_time and x.name.lower()
                          not in wanted else x for x in labels]) for block, labels in found]
    # Meeting minutes ("Present:", "Apologies:", "Action:"): "Ann Lee: ..." reports what
    # was said; only a role label or a name the researcher gave is a speaker there.
    minutes = len(markers) >= 2
    for block, labels in found:
        # One turn per line ("Interviewer: ...\nBob: ...", no blank lines): when most of a
        # block's lines open with a label, each of those labels opens a turn, so a
        # focus-group member who speaks once is still a speaker.
        labelled = sum(x is not None for x in labels)
        per_line = labelled >= 2 and 2 * labelled > len(labels)
        opens = True  # the first line, or a line after a bare timestamp line
        if labels and labels[0] is not None:
            heads.add(labels[0].name)
        for line, label in zip(block.lines, labels):
            if label is None:
                opens = _BARE_TIME.match(line) is not None
                continue
            opens = opens or (per_line and label.name.lower() not in ANNOTATIONS)
            counts[label.name] += 1
            bold_style = bold_style or label.bold
            if label.loose:
                loose.add(label.name)
            elif label.time_first:
                time_first.add(label.name)
            elif label.own_line:
                own_line.add(label.name)
            elif label.strong:
                strong.add(label.name)
            if opens:
                at_start.add(label.name)
            opens = False
    # "Name  0:03" lines are a convention only when the source uses them repeatedly;
    # a single line like "By 10:30" is speech.
    if sum(counts[n] for n in own_line) >= 2:
        strong |= own_line
    else:
        for name in own_line - strong:
            counts.pop(name, None)
            at_start.discard(name)
    # A label not written as a name ("int:", "resp:", "p1:", in any case) is a speaker
    # where it opens two or more lines, and so is a time and a name on their own line
    # ("00:00:03 Speaker 1"): once, either may be speech ("i: ...", "[00:05] Right").
    lines_of: Counter[str] = Counter()
    for name, n in counts.items():
        lines_of[name.lower()] += n
    # A role label used once ("assistant:" greeting, then "ai:") is one where it opens a
    # paragraph of a conversation whose other labels are certain; not a single letter
    # ("a: stay in post" / "b: leave", options read out, are speech).
    once: set[str] = set()
    laid_out = _time_first_layout(found)
    for name in loose | time_first:
        if lines_of[name.lower()] >= 2 or name in time_first and name in laid_out:
            strong.add(name)
        elif name in loose and name in heads and len(name) > 1:
            once.add(name)
        else:
            counts.pop(name, None)
            at_start.discard(name)
    if bold_style or minutes:
        return {n for n in counts if (n in strong and not minutes)
                or n not in once and _known(n, wanted)}
    sure = {n for n in counts
            if n in strong or n not in once and (counts[n] >= 2 or _known(n, wanted))}
    # Labels opening paragraphs are speakers once the source is clearly a
    # conversation: another label is certain, or several different ones open paragraphs.
    if sure or len(at_start - once) >= 2:
        sure |= at_start
    return sure


def _time_first_layout(found: list[tuple[Block, list[_Label | None]]]) -> set[str]:
    """The names of ``00:00:03 Jane Doe`` lines in a file laid out in them: every
    paragraph (but a first, a title) opens with such a line and has words below it, and
    two or more names do. In a short file each speaker may head one (one turn each), and
    a name that heads one line was read as speech: both turns were one ``(unlabelled)``
    turn with the times and names in its text."""
    heads = [labels[0] if labels and labels[0] is not None and labels[0].time_first
             and len(block.lines) > 1 else None for block, labels in found]
    if len(heads) >= 2 and heads[0] is None:
        heads = heads[1:]
    names = {x.name for x in heads if x is not None}
    if len(heads) < 2 or None in heads or len(names) < 2:
        return set()
    return names


def _schedule(times: list[str | None]) -> bool:
    """Times before names that are a diary's or an agenda's (``09:00 Clinic: ...``,
    ``12:30 Lunch``), not a recording's: they go back (a new day; not to the first minute,
    as a second recording's do), or every one is on a
    quarter hour (a recording's seconds hardly ever are)."""
    stamps = [t for t in times if t]
    if len(stamps) < 2:
        return False
    secs = [stamp_seconds(t) for t in stamps]
    # (A recording restarted, a second part from 00:00:00, goes back to its first minute.)
    if any(b < a and b >= 60 for a, b in zip(secs, secs[1:])):
        return True
    return all(re.split(r"[.,]", t)[0].split(":")[-1] in ("00", "15", "30", "45")
               for t in stamps)


def heading_like(names: Iterable[str]) -> set[str]:
    """The names among ``names`` (each heading two or more paragraphs) that are a document's
    section headings, not speakers: a numbered item (``Part One``, ``Week 2``), a question
    (``What Happened``), or names that all share a word (``Morning Shift`` / ``Night
    Shift``; people who share a surname are rarer than such headings; a title such as
    ``Dr`` is no shared word). Role labels (``Speaker 1``, ``Interviewer``) and people
    (``Guest 2``, ``Dr Price``) are speakers however they are written."""
    names = [n for n in names if label_role(n) is None and not _is_role_word(n.lower())
             and n.split()[0].lower().rstrip(".") not in _PEOPLE]
    out = {n for n in names if _ENUMERATED.match(n) or _NUMBERED_HEADING.match(n)
           or n.split()[0].lower() in _QUESTION_WORDS}
    words = [set(n.lower().replace(".", "").split()) - _TITLES for n in names]
    if len(names) >= 2 and set.intersection(*words):
        out.update(names)
    return out


def unread_labels(blocks: list[Block], speakers: Iterable[str]) -> dict[str, int]:
    """Line openings such as ``Nurse lead:`` that recur in a labelled source but are
    read as speech, not being written as names (``{label: lines}``): the researcher is
    told, since only they can say it is a speaker (``--participant-speaker``)."""
    known = {s.lower() for s in speakers}
    if not known:
        return {}
    counts: Counter[str] = Counter()
    for block in blocks:
        if block.kind not in (PARA, CUE):
            continue
        for line in block.lines:
            m = _PLAIN.match(line)
            name = _clean_name(m.group("name")) if m is not None else ""
            if (name and len(name.split()) <= 3 and not _valid_name(name)
                    and name.lower() not in known and name.lower() not in ANNOTATIONS):
                counts[name] += 1
    return {name: n for name, n in counts.items() if n >= 2}


def build_turns(blocks: list[Block], interviewers: Iterable[str] = (),
                participants: Iterable[str] = ()) -> tuple[
        list[tuple[str, str | None, str]], set[str], set[str]]:
    """Find the turns in ``blocks``; the speakers named in ``interviewers`` and
    ``participants`` are labels however they are written.

    Returns:
        ``(speaker, time, text)`` per non-empty turn in order; the speakers named as
        questioners by ``Questions From ...`` headings; and the section headings
        (lower case), which name the witness of a hearing section.
    """
    given = (*interviewers, *participants)
    accepted = accepted_labels(blocks, given)
    wanted = {x.strip().lower() for x in given if x.strip()}
    mid = _midline_speakers(blocks, accepted)
    mid_names = tuple(mid or ())
    said_labels = _turn_labels(blocks, accepted, wanted)
    bare_names = tuple(said_labels)
    headings = speaker_headings(blocks)
    drafts: list[_Draft] = []
    current: _Draft | None = None
    pending_time: str | None = None
    questioner_next = False
    questioners: set[str] = set()
    section = ""
    sections: set[str] = set()

    def start(speaker: str, time: str | None) -> _Draft:
        nonlocal pending_time, questioner_next
        draft = _Draft(speaker, time or pending_time)
        pending_time = None
        # "Questions From Counsel to the Inquiry": the first speaker of the section
        # who is not the witness named by the section heading asks the questions.
        if questioner_next and speaker.lower() != section:
            questioners.add(speaker)
            questioner_next = False
        drafts.append(draft)
        return draft

    def add(draft: _Draft, piece: str, new_paragraph: bool) -> None:
        draft.break_next = draft.break_next or new_paragraph
        piece = piece.strip()
        if not draft.had_text:
            m = _LEAD_STAMP.match(piece)
            if m:
                draft.time = draft.time or m.group("t")
        if "[" in piece or "(" in piece or "#" in piece:
            piece = _STAMP.sub(" ", piece).strip()
        if not piece:
            return
        if draft.break_next or not draft.paragraphs:
            draft.paragraphs.append([piece])
        else:
            draft.paragraphs[-1].append(piece)
        draft.break_next = False
        draft.had_text = True

    def feed(draft: _Draft, piece: str, new_paragraph: bool) -> _Draft:
        """``add``, opening a new turn at each label of a known speaker in the middle
        of the line (``...that was that. HELEN: And then I moved``); the draft the
        line ends in."""
        if ":" not in piece:
            add(draft, piece, new_paragraph)
            return draft
        found = []
        if mid is not None and _named_colon(piece, mid_names):
            found = [(m, name) for m in _MID_LABEL.finditer(piece)
                     if (name := _clean_name(m.group("name"))) in mid]
        if said_labels and _named_colon(piece, bare_names):
            # No sentence end before it ("that was that HELEN: And then I..."): only a
            # label that opens this file's turns, written exactly as it does there.
            found += [(m, name) for m in _BARE_LABEL.finditer(piece)
                      if (name := _clean_name(m.group("name"))) in said_labels]
        pos = 0
        for m, name in sorted(found, key=lambda f: f[0].start()):
            if name == draft.speaker or m.start() < pos:
                continue  # the speaker's own name, or a label already taken: as written
            add(draft, piece[pos:m.end("end")], new_paragraph)
            draft = start(name, m.group("t"))
            new_paragraph, pos = True, m.end("all")
        piece = piece[pos:]
        add(draft, piece, new_paragraph)
        return draft

    for block in blocks:
        if block.kind == HEADING:
            heading = " ".join(block.lines).strip()
            if heading in headings:
                current = start(*headings[heading])
                continue
            current = None
            m = _QUESTIONS_FROM.match(heading)
            if m is None:
                section = heading.lower()
                sections.add(section)
                questioner_next = False
            elif m.group("who").lower().startswith(("counsel", "the ")):
                questioner_next = True
            else:
                questioners.add(_clean_name(m.group("who")))
            continue
        if block.kind == NOTE:
            if block.time:
                pending_time = block.time
            continue
        if block.kind not in (PARA, CUE):
            continue
        new_paragraph = block.kind == PARA
        if block.speaker:
            current = start(_clean_name(block.speaker), block.time)
            new_paragraph = True
        for i, line in enumerate(block.lines):
            bare = _BARE_TIME.match(line)
            if bare is not None and not (block.speaker and i == 0):
                # A timestamp on its own line dates the turn that follows it.
                pending_time = bare.group("a") or bare.group("b")
                continue
            label = match_label(line, wanted) if not (block.speaker and i == 0) else None
            if label is not None and label.name in accepted:
                if (block.kind == CUE and i == 0 and current is not None
                        and current.speaker == label.name and not label.time):
                    # Zoom and Teams name the speaker on every cue, and cut cues
                    # mid-sentence: the same speaker's next cue continues the turn, as
                    # an unlabelled cue does (each cue was a turn, and "...and then I" /
                    # "fell into management" two sentences no pattern could match).
                    current = feed(current, label.rest, False)
                    continue
                current = start(label.name, label.time or (block.time if i == 0 else None))
                current = feed(current, label.rest, True)
                continue
            if current is None:
                current = start(UNLABELLED, block.time)
            elif current.speaker == UNLABELLED and current.had_text and _LEAD_STAMP.match(line):
                # No labels, but stamped lines: each stamp opens a turn, so every turn
                # keeps its own time (a quote can be cited by it).
                current = start(UNLABELLED, None)
            # Unlabelled text: a heading line ("Part 2: Moving into management") is a
            # paragraph of its own, not the start of the sentence below it.
            # So is each item of a list ("- listen first" / "- ask for help").
            titled = (block.kind == PARA and current.speaker == UNLABELLED
                      and (_heading_line(block.lines, i) or _heading_line(block.lines, i - 1)
                           or i > 0 and _LIST_ITEM.match(line) is not None))
            current = feed(current, line, new_paragraph and (i == 0 or block.kind == PARA and
                                                  _BARE_TIME.match(block.lines[i - 1]) is not None)
                or titled)
    out: list[tuple[str, str | None, str]] = []
    for d in drafts:
        text = "\n".join(" ".join(p) for p in d.paragraphs if p)
        if text:
            out.append((d.speaker, stored_time(d.time), text))
    return out, questioners, sections


# The end of a sentence, of an interruption ("I was going to -- HELEN: ..."), or of a note
# in brackets ("[laughs] HELEN: ...") before a label in the middle of a line.
_MID_END = r"(?P<end>(?:[.?!\u2026\])]|--|[-\u2013\u2014])[\"'\u201d\u2019)\]]*)[ \t]+"
_MID_TIME = rf"(?:[\[(](?P<t>{TIME})[\])][ \t]*)?"
# (A look-ahead, so that matches overlap: in "ok? Sure. HELEN: yes" the "name" after "ok?"
# is "Sure. HELEN", and the label after "Sure." is found too.)
_MID_LABEL = re.compile(rf"(?=(?P<all>{_MID_END}{_MID_TIME}(?:\*\*|__)?(?P<name>{NAME})"
                        r"(?:\*\*|__)?[ \t]*:(?:\*\*|__)?[ \t]+(?=\S)))")


# A label with no sentence end before it (:func:`_turn_labels`), followed by words that
# open a sentence (a capital, a quote, a bracket): "...that was that HELEN: And then I".
_BARE_LABEL = re.compile(rf"(?=(?P<all>(?P<end>)[ \t]+{_MID_TIME}(?:\*\*|__)?(?P<name>{NAME})"
                         r"(?:\*\*|__)?[ \t]*:(?:\*\*|__)?[ \t]+"
                         r"(?=[^\W\d_a-z]|[\"'\u201c\u2018(\[])))")


def _turn_labels(blocks: list[Block], accepted: set[str], given: set[str]) -> set[str]:
    """The labels that open this file's turns at the start of a line (or a Word bold run),
    as written (``HELEN``, not ``Helen``): the only names a label in the middle of a line
    with no sentence end before it may be (``...that was that HELEN: And then I``).
    Annotation and minutes words (``Note:``, ``Action:``), numbered items and a letter
    alone (``A:``, as in ``plan A: The board``) never are."""
    found = {_clean_name(b.speaker) for b in blocks if b.speaker}
    for block in blocks:
        if block.kind not in (PARA, CUE):
            continue
        for line in block.lines:
            label = match_label(line, given)
            if label is not None and label.name in accepted and not label.own_line:
                found.add(label.name)
    # (Not a letter alone: "Q:" / "A:" labels, and "we went with plan A: The board...")
    return {n for n in found if len(n) > 1 and n.lower() not in ANNOTATIONS and n not in
            _MINUTES_ANY_CASE and not _enumerated(n) and not unlabelled(n)}


_SENTENCE_INSIDE = re.compile(r"[.?!\u2026][ \t]")
# What a new label in the middle of a line needs, found without trying every position of
# the line: a sentence's end, then a colon after words that each start with a capital.
_MID_HINT = re.compile(r"(?:[.?!\u2026\])]|--|[-\u2013\u2014])[\"'\u201d\u2019)\]]*[ \t]+"
                       r"(?:[\[(][\d:.,]+[\])][ \t]*)?(?:\*\*|__)?[^\W\d_a-z][^\s:]*"
                       r"(?:[ \t]+[^\Wa-z][^\s:]*){0,4}(?:\*\*|__)?[ \t]*:[ \t]")


def _named_colon(text: str, names: tuple[str, ...]) -> bool:
    """Whether a colon in ``text`` comes right after one of ``names`` (``HELEN:``,
    ``**HELEN**:``): the cheap test before the labels are looked for."""
    i = text.find(":")
    while i != -1:
        if text[max(0, i - 80):i].rstrip(" \t*_").endswith(names):
            return True
        i = text.find(":", i + 1)
    return False


def _midline_speakers(blocks: list[Block], accepted: set[str]) -> set[str] | None:
    """The speakers whose labels open a turn in the middle of a line, after the end of a
    sentence (``...that was that. HELEN: And then I moved``, as notes are typed by hand),
    or None.

    Only the labels of this transcript's speakers count: those that open lines (and
    structural ones, a Word bold run), and a name that is a label twice in the middle
    of lines that hold one of theirs (a transcript typed as one long paragraph). Prose
    ("The aim: to...", "at 10:30") names no speaker, and a label must follow the end
    of a sentence, so "I told Helen: no" stays speech.
    """
    known = set(accepted)
    known.update(_clean_name(b.speaker) for b in blocks if b.speaker)
    if not known:
        return None
    # Names that are labels only in the middle of lines: a transcript typed as one
    # paragraph ("Interviewer: How? Helen: In 1996. Interviewer: And? Helen: ...").
    found: Counter[str] = Counter()
    for block in blocks:
        if block.kind not in (PARA, CUE):
            continue
        for line in block.lines:
            # (Two labels in the line, a known one and the new one: two colons at least.)
            if line.count(":") < 2 or _MID_HINT.search(line) is None:
                continue
            names = [_clean_name(m.group("name")) for m in _MID_LABEL.finditer(line)
                     if _valid_name(m.group("name")) and not _SENTENCE_INSIDE.search(
                         m.group("name"))]
            if names and (any(n in known for n in names) or
                          (lab := match_label(line)) is not None and lab.name in known):
                found.update(n for n in names if n not in known)
    known.update(n for n, k in found.items()
                 if k >= 2 and len(n.split()) <= 3 and n.lower() not in ANNOTATIONS
                 and n not in _MINUTES_ANY_CASE and not _enumerated(n))
    return known


_SMALL_WORDS = frozenset({"a", "an", "the", "and", "or", "but", "nor", "of", "in", "into",
                          "on", "onto", "at", "to", "for", "with", "from", "by", "as", "vs",
                          "per", "via", "up", "out", "over", "is", "my", "our", "your"})
_TITLED = re.compile(
    r"^(?:(?:part|section|chapter|interview|session|transcript|appendix|theme|topic|question"
    rf"|stage|phase|week|day|module|unit|q)[ .#]*{_NUMBER}[ \t]*(?::|[-\u2013\u2014][ \t]|$)"
    rf"|(?:part|section|chapter|question|q)[ .#]*{_NUMBER}[ \t]+(?-i:[A-Z]))", re.I)
"""A numbered title: ``Part 2: Moving into management``, ``Interview 3 — Band 8a
physiotherapist``."""
_SENTENCE_END = re.compile(r"[.!?\u2026][\"'\u201d\u2019)\]]*$")
_LIST_ITEM = re.compile(r"^[ \t]*(?:[-*+\u2022\u2013]|\d{1,2}[.)])[ \t]+\S")
_SECTION_WORDS = frozenset({
    "background", "introduction", "summary", "conclusion", "conclusions", "reflection",
    "reflections", "context", "overview", "abstract", "findings", "discussion", "method",
    "methods", "recommendations", "actions", "objectives", "aims", "notes", "afterword"})
"""One-word headings (``Background``); any other line of one word (``Yes``) may be
speech."""


def _heading_line(lines: list[str], i: int) -> bool:
    """Whether ``lines[i]`` is a heading above the next line of its paragraph, in text
    without speaker labels: short, no full stop or comma at its end, numbered (``Part 2:
    Moving into management``) or in Title Case (``Why I Stayed``), after the end of a
    sentence (or at the top) and before a line that starts one. A hard-wrapped line of
    a sentence fails one of these."""
    if i < 0 or i + 1 >= len(lines):
        return False
    line, below = lines[i].strip(), lines[i + 1].strip()
    words = line.split()
    if (not words or len(words) > 10 or len(line) > 70 or not below
            or line[-1] in ".,;:!?\u2026-\u2013\u2014(\"'\u201c\u2018\u2019\u201d"
            or _LIST_ITEM.match(line)
            or not (below[0].isupper() or below[0].isdigit() or below[0] in "\"'\u201c\u2018"
                    or _LIST_ITEM.match(below))
            or i > 0 and _SENTENCE_END.search(lines[i - 1].rstrip()) is None
            and not _LIST_ITEM.match(lines[i - 1])):
        return False
    if _TITLED.match(line) or line.lower() in _SECTION_WORDS:
        return True
    cased = [w for w in words if any(c.isalpha() for c in w)]
    if len(cased) >= 2 and all(w[0].isupper() or not w[0].isalpha()
                               or w.lower() in _SMALL_WORDS for w in cased):
        return True
    # A heading in sentence case ("Early career" above the paragraph it heads, with no
    # blank line between) was read into the sentence below it. A line of a hard-wrapped
    # sentence breaks only where the next word did not fit; a heading is short where it
    # did, so the line must end well before the width of the lines around it.
    if not (2 <= len(cased) <= 6 and line[0].isupper() and len(line) <= 50):
        return False
    width = max(len(x.rstrip()) for x in lines[max(i - 1, 0):i + 3])
    return len(line) + 1 + len(below.split()[0]) < 0.6 * width


NAME_AND_TIME = re.compile(rf"^(?P<name>.+?)(?:\s*[\[(]?(?P<t>{TIME})[\])]?)?\s*:?\s*$")
"""A speaker's name, maybe a time after it and a colon (``Jane Doe [00:01:02]:``): a
heading used as a speaker label (:func:`speaker_headings`) and a bold label run of a
Word file (``importers.formats``)."""


def speaker_headings(blocks: list[Block]) -> dict[str, tuple[str, str | None]]:
    """Headings used as speaker labels (``## Jane Doe`` above each of her turns).

    A short heading that reads as a name and is repeated is a speaker, not a
    section: sections are not named twice, speakers are. Returns heading text →
    (speaker, time).
    """
    names: dict[str, tuple[str, str | None]] = {}
    counts: Counter[str] = Counter()
    for block in blocks:
        if block.kind != HEADING:
            continue
        heading = " ".join(block.lines).strip()
        m = NAME_AND_TIME.match(heading)
        if m is None or _QUESTIONS_FROM.match(heading):
            continue
        name = _clean_name(m.group("name"))
        if 0 < len(name.split()) <= 4 and _valid_name(name):
            names[heading] = (name, m.group("t"))
            counts[name] += 1
    # "## What Happened" / "## What I Learned" above each part of an essay are sections.
    sections = heading_like(n for n, k in counts.items() if k >= 2)
    return {h: v for h, v in names.items() if counts[v[0]] >= 2 and v[0] not in sections}


def merge_aliases(turns: list[tuple[str, str | None, str]]) -> list[tuple[str, str | None, str]]:
    """Give a shortened label the full name it abbreviates (``Dan`` → ``Dan Ott``).

    Only a label whose words begin exactly one longer label is renamed, so
    ``Speaker 1`` never merges with ``Speaker 10`` and ``Dr`` with nobody.
    """
    turns = _merge_case(turns)
    names = list(dict.fromkeys(s for s, _, _ in turns))
    # Every label under each of its word prefixes: a file of thousands of labels (a chat
    # log named .txt) compared every label with every other, and took minutes.
    words = {name: tuple(name.split(" ")) for name in names}
    starting: dict[tuple[str, ...], list[str]] = {}
    for name, split in words.items():
        for k in range(1, len(split) + 1):
            starting.setdefault(split[:k], []).append(name)
    rename: dict[str, str] = {}
    for short in names:
        longer = [n for n in starting[words[short]] if n != short]
        if len(longer) == 1 and not unlabelled(short):
            rename[short] = longer[0]
    rename.update(_same_person(names, rename))
    for short, full in rename.items():  # "Dan" -> "Dan Ott" -> "Dr Dan Ott"
        seen = {short}
        while full in rename and full not in seen:
            seen.add(full)
            full = rename[full]
        rename[short] = full
    if not rename:
        return turns
    return [(rename.get(s, s), t, x) for s, t, x in turns]


def _same_person(names: list[str], renamed: dict[str, str]) -> dict[str, str]:
    """The full name that another way of writing one person's name stands for, where
    exactly one speaker's name fits it: without a title or in another case (``Sarah
    Price``, ``SARAH`` for ``Dr Sarah Price``), then with an initial (``S. Price``), then
    as initials (``SP``). One interviewer written five ways was five speakers. Role
    labels (``AI``, ``P1``, ``Speaker 2``) are never merged."""
    people = [n for n in names if n not in renamed and not unlabelled(n)
              and label_role(n) is None and not _is_role_word(n.lower())]
    keys = {n: _person_words(n) for n in people}
    out: dict[str, str] = {}
    # "Interviewer (Sarah)" and "Sarah": the name in a role label's brackets, or before
    # them ("Ann Lee (P3)"), is the same speaker.
    qualified: dict[tuple[str, ...], set[str]] = {}
    for name in names:
        m = _QUALIFIER.match(name) if "(" in name else None
        if m is None or name in renamed:
            continue
        for role, person in ((m.group("name"), m.group("q")), (m.group("q"), m.group("name"))):
            if label_role(role.strip()) is not None and _valid_name(person.strip()):
                qualified.setdefault(_person_words(person), set()).add(name)
    for name in people:
        fits = qualified.get(keys[name], set())
        if len(fits) == 1:
            out[name] = next(iter(fits))

    # "Interveiwer" for "Interviewer": a role word mistyped is that role's label.
    roles_used = {n.lower(): n for n in names if n.lower() in _TYPED_ROLES}
    for name in people:
        word = _mistyped_role(name.lower())
        if word is not None and word in roles_used:
            out[name] = roles_used[word]

    def merge(index: Callable[[tuple[str, ...]], Iterable[tuple[str, ...]]],
              wanted: Callable[[str], tuple[str, ...] | None]) -> None:
        left = [n for n in people if n not in out]
        found: dict[tuple[str, ...], set[str]] = {}
        for name in left:
            for k in index(keys[name]):
                found.setdefault(k, set()).add(name)
        for name in left:
            want = wanted(name)
            fits = found.get(want, set()) - {name} if want is not None else set()
            longest = max(fits, key=lambda n: (len(keys[n]), len(n)), default=None)
            # (Names alike but for a title are one person only where one has none: Mr
            # Price and Mrs Price are two.)
            if longest is None or keys[longest] == keys[name] and (
                    len(longest) <= len(name) or len(name.split()) > len(keys[name])):
                continue
            # One person: every name that fits is the longest one, shortened.
            if all(keys[longest][:len(keys[n])] == keys[n] for n in fits):
                out[name] = longest

    def full(key: tuple[str, ...]) -> Iterable[tuple[str, ...]]:
        return [key[:k] for k in range(1, len(key) + 1)] if len(key) >= 2 else [key]

    merge(full, lambda n: keys[n])
    merge(lambda key: [(key[0][0], key[-1], str(len(key)))] if len(key) >= 2 else [],
          lambda n: ((keys[n][0], keys[n][-1], str(len(keys[n])))
                     if len(keys[n]) >= 2 and len(keys[n][0]) == 1 else None))
    merge(lambda key: [("".join(w[0] for w in key),)] if len(key) >= 2 else [],
          lambda n: (n.lower(),) if 2 <= len(n) <= 3 and n.isalpha() and n.isupper()
          else None)
    return out


def names_speaker(speaker: str, name: str) -> bool:
    """Whether a name the researcher gave (``--interviewer NAME``) names this speaker: the
    same name or its first words (``Bo`` names ``Bo Guest``), ignoring case and a title
    (``Sarah Price`` names ``Dr Sarah Price``, the speaker ``SARAH`` and ``S. Price``
    became)."""
    low, wanted = speaker.lower(), name.strip().lower()
    if low == wanted or low.startswith(wanted + " "):
        return True
    words = _person_words(wanted)
    return bool(words) and _person_words(low)[:len(words)] == words


_TYPED_ROLES = frozenset({"interviewer", "participant", "respondent", "interviewee",
                          "moderator", "facilitator", "researcher"})


def _mistyped_role(low: str) -> str | None:
    """The role word ``low`` is a typing slip of (one letter wrong, missing, extra, or two
    swapped: ``interveiwer``, ``intervewer``, ``particpant``), else None. Role words only:
    two people's names can be that close (Christina, Christine)."""
    if low in _TYPED_ROLES:
        return None
    fits = []
    for word in _TYPED_ROLES:
        if abs(len(word) - len(low)) > 1 or low[:1] != word[:1]:
            continue
        i = 0
        while i < min(len(low), len(word)) and low[i] == word[i]:
            i += 1
        a, b = low[i:], word[i:]
        if (a[1:] == b[1:] or a == b[1:] or a[1:] == b
                or len(a) == len(b) >= 2 and a[:2] == b[1::-1] and a[2:] == b[2:]):
            fits.append(word)
    return fits[0] if len(fits) == 1 else None  # ("interviewe": -er or -ee?)


def _person_words(name: str) -> tuple[str, ...]:
    """A name's words in lower case, without a title before them (``Dr Sarah Price`` and
    ``sarah price`` are ``("sarah", "price")``) or full stops (``S. Price``)."""
    words = name.lower().replace(".", " ").split()
    while len(words) > 1 and words[0] in _TITLES:
        words = words[1:]
    return tuple(words)


def _merge_case(turns: list[tuple[str, str | None, str]]) -> list[tuple[str, str | None, str]]:
    """One speaker for labels that differ only in case (``Interviewer``, ``INTERVIEWER``,
    ``interviewer`` as a transcriber typed them): the form used in most turns (the first
    on a tie), where they were two or three speakers."""
    forms: dict[str, Counter[str]] = {}
    for speaker, _, _ in turns:
        forms.setdefault(speaker.lower(), Counter())[speaker] += 1
    rename = {name: used.most_common(1)[0][0] for used in forms.values() if len(used) > 1
              for name in used}
    if not rename:
        return turns
    return [(rename.get(s, s), t, x) for s, t, x in turns]


_NUMBERED_PARTICIPANT = re.compile(
    r"^(?:p|pt|participant|respondent|resp|r|interviewee|ie)[ _-]?\d{1,3}$", re.I)
_QUALIFIER = re.compile(r"^(?P<name>.*?)\s*\((?P<q>[^()]+)\)$")


def label_role(name: str) -> str | None:
    """The role a label itself implies, if any.

    ``Interviewer``, ``Q``, ``Host 2``, ``Jane Smith (Interviewer)`` are
    interviewers; ``Participant``, ``A``, ``P3``, ``Respondent 12``, ``Ann Lee (P3)``
    are participants (so every member of a focus group is one).
    """
    m = _QUALIFIER.match(name)
    candidates = [name, m.group("q").strip()] if m else [name]
    for label in candidates:
        low = label.lower()
        if low in DEFAULT_INTERVIEWERS or low.split(" ")[0] in _INTERVIEWER_WORDS:
            return "interviewer"
        if low in DEFAULT_PARTICIPANTS or _NUMBERED_PARTICIPANT.match(low):
            return "participant"
    return None


def assign_roles(
    turns: list[tuple[str, str | None, str]],
    *,
    interviewers: Iterable[str] = (),
    participants: Iterable[str] = (),
    questioners: Iterable[str] = (),
    sections: Iterable[str] = (),
) -> dict[str, str]:
    """Decide each speaker's role.

    Interviewers: the names given, the questioners found in the source, and the
    default labels (Interviewer, Q, Int, AI, Assistant, Counsel…, Host…, also as a
    qualifier: ``Jane (Interviewer)``). Named participants and participant labels
    (Participant, A, P3, Respondent 2, The Witness…) are
    participants, and so are a speaker whose name heads a section (each witness of
    a hearing) and the non-interviewer who speaks the most words. When no
    interviewer is found at all, the remaining speakers are taken as interviewers
    (a two-person interview or hosts of a podcast); otherwise they are ``other``.
    """
    words: Counter[str] = Counter()
    for speaker, _, text in turns:
        words[speaker] += len(text.split())
    given = {x.strip().lower() for x in interviewers if x.strip()}
    named_p = {x.strip().lower() for x in participants if x.strip()}
    asked = {x.lower() for x in questioners}
    headed = {x.lower() for x in sections}

    def matches(name: str, wanted: set[str]) -> bool:
        return any(names_speaker(name, w) for w in wanted)

    roles: dict[str, str] = {}
    for name in words:
        low = name.lower()
        if unlabelled(name):
            continue
        if matches(name, named_p):
            roles[name] = "participant"
        elif matches(name, given) or matches(name, asked):
            roles[name] = "interviewer"
        elif low in headed:
            roles[name] = "participant"
        elif (role := label_role(name)) is not None:
            roles[name] = role
    if (researcher := researcher_r(roles)) is not None and not matches(researcher, named_p):
        roles[researcher] = "interviewer"
    if not named_p:
        rest = [n for n in words if n not in roles and not unlabelled(n)]
        labelled = sum(words[n] for n, r in roles.items() if r == "participant")
        if rest:
            first = {n: k for k, n in enumerate(words)}  # ties: the first to speak
            top = max(rest, key=lambda n: (words[n], -first[n]))
            top = _answerer(top, rest, turns, words)
            if words[top] > labelled:
                roles[top] = "participant"
    has_interviewer = "interviewer" in roles.values()
    for name in words:
        if name in roles:
            continue
        if unlabelled(name):
            only = len(words) == 1
            roles[name] = "participant" if only else "other"
        else:
            roles[name] = "other" if has_interviewer else "interviewer"
    return roles


def researcher_r(roles: dict[str, str]) -> str | None:
    """The speaker ``R`` when it labels the researcher, not the respondent: ``R`` is the
    respondent beside ``I`` (``I:`` / ``R:``), but beside ``P`` (``R:`` / ``P:``, or
    ``P1`` and ``P2`` in a focus group), with no interviewer label, it is the one who
    asks. Both were read as participants, and every question got suggestions."""
    if "interviewer" in roles.values():
        return None
    found = [n for n, role in roles.items() if role == "participant"
             and n.strip().rstrip(".").lower() == "r"]
    others = [n for n, role in roles.items() if role == "participant" and n not in found]
    return found[0] if len(found) == 1 and others else None


def researcher_note(roles: dict[str, str], interviewers: Iterable[str]) -> str | None:
    """The note on an ``R`` read as the researcher (:func:`researcher_r`), or None."""
    said = {x.strip().lower() for x in interviewers}
    for name, role in roles.items():
        if (role == "interviewer" and name.strip().rstrip(".").lower() == "r"
                and name.strip().lower() not in said
                and researcher_r({**roles, name: "participant"}) == name):
            others = [n for n, r in roles.items() if r == "participant"]
            return (f"{name!r} is read as the researcher (the interviewer) beside "
                    f"{others[0]!r}; if {name!r} is the respondent, import the file again "
                    f"with --participant-speaker {name}")
    return None


def guessed_roles(roles: dict[str, str], interviewers: Iterable[str],
                  participants: Iterable[str], questioners: Iterable[str],
                  sections: Iterable[str]) -> str | None:
    """A note naming the roles :func:`assign_roles` had to guess, or None.

    When no speaker is labelled as interviewer or participant (``Speaker 1``, ``Hannah
    Price``, initials) and none was named, roles come from who answers the questions and
    speaks most (:func:`_answerer`): right for most interviews, but the researcher
    should look, as suggestions go on the participant's turns.
    """
    named = [x.strip().lower() for x in (*interviewers, *participants) if x.strip()]
    people = [n for n in roles if not unlabelled(n)]
    if len(people) < 2 or any(questioners) or any(sections):
        return None
    for name in people:
        if label_role(name) is not None or any(names_speaker(name, w) for w in named):
            return None
    def named_as(role: str) -> str:
        names = [n for n in people if roles[n] == role]
        if not names:
            return ""
        who = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
        return f"{who} as the {role}" if len(names) == 1 else f"{who} as {role}s"

    said = [x for x in (named_as("participant"), named_as("interviewer"), named_as("other"))
            if x]
    return (f"no speaker is labelled interviewer or participant: {', '.join(said)}; if that "
            "is wrong, import the file again with --interviewer NAME")


def _answerer(top: str, rest: list[str], turns: list[tuple[str, str | None, str]],
              words: Counter[str]) -> str:
    """The participant among unlabelled speakers: the one who speaks most (``top``),
    unless most of their turns are questions and another's hardly any are.

    An interviewer who asks long questions of a participant who answers briefly spoke
    more words, and was taken for the participant (``JS`` / ``KM``, otter.ai's ``Speaker
    1`` / ``Speaker 2``): every question then got suggestions, and every answer none.

    In a short file (one turn a speaker) a turn ending with a question asks, where another
    speaker's one turn asks nothing: the one who spoke more was taken for the participant
    whatever they said (``How did you start in nursing, and why?`` / ``By chance.``).
    """
    asked: Counter[str] = Counter()
    spoke: Counter[str] = Counter()
    ends: Counter[str] = Counter()
    for speaker, _, text in turns:
        spoke[speaker] += 1
        asked[speaker] += "?" in text
        ends[speaker] += text.rstrip().endswith("?")

    def share(name: str) -> float:
        return asked[name] / spoke[name]

    if not (spoke[top] >= 2 and share(top) >= 0.5 or spoke[top] == 1 and ends[top] == 1):
        return top
    answering = [n for n in rest if n != top and (
        spoke[n] >= 2 and share(n) <= 0.25 or spoke[n] == 1 and asked[n] == 0)]
    if not answering:
        return top
    return max(answering, key=lambda n: (words[n], -list(words).index(n)))


def assemble(
    turns: list[tuple[str, str | None, str]], roles: dict[str, str]
) -> tuple[str, list[Turn]]:
    """Join turn texts with blank lines and compute each turn's offsets."""
    parts: list[str] = []
    out: list[Turn] = []
    pos = 0
    for speaker, time, text in turns:
        if parts:
            parts.append("\n\n")
            pos += 2
        parts.append(text)
        out.append(Turn(speaker, roles.get(speaker, "other"), pos, pos + len(text), time))
        pos += len(text)
    return "".join(parts), out
