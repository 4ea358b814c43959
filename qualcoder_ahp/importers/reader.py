"""``read_transcript``: one file in, a :class:`ParsedTranscript` out (no database).

The reader for the file's extension produces paragraph blocks; turns, roles, the
stored text and sentences are then found the same way for every format. Any
problem is raised as one :class:`~qualcoder_ahp.errors.ImportFailed` line naming
the file.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from qualcoder_ahp.errors import ImportFailed
from qualcoder_ahp.importers.blocks import HEADING, Block, text_blocks
from qualcoder_ahp.importers.chat import chat_blocks
from qualcoder_ahp.importers.header import drop_footer, header_interviewers, split_header
from qualcoder_ahp.importers.marks import timed_notes, untimed
from qualcoder_ahp.importers.normalise import MAX_BYTES, read_text
from qualcoder_ahp.importers.numbered import line_numbers_note, without_line_numbers
from qualcoder_ahp.importers.pasted_cues import (
    cue_blocks, dash_lines, dotted_qa, name_lines, name_time_lines,
)
from qualcoder_ahp.importers.sentences import split_sentences
from qualcoder_ahp.importers.sheets import SHEETS
from qualcoder_ahp.importers.tabbed import tab_blocks
from qualcoder_ahp.importers.turns import (
    assemble, assign_roles, build_turns, guessed_roles, merge_aliases, researcher_note,
    speaker_headings, unread_labels,
)
from qualcoder_ahp.records import ParsedTranscript

Reader = Callable[[Path, int], list[Block]]


@dataclass(frozen=True)
class ReadTranscript(ParsedTranscript):
    """A file's :class:`ParsedTranscript`, with the metadata header left out of its text."""

    header: list[tuple[str | None, str]] = field(default_factory=list)
    """The ``(key, value)`` lines of the header above the interview (key None for a
    title such as ``Interview 4``): a Word table of attributes or ``Date: ...`` lines,
    not spoken (:func:`qualcoder_ahp.importers.header.split_header`)."""


def _plain(path: Path, max_bytes: int) -> list[Block]:
    return text_blocks(read_text(path, max_bytes=max_bytes))


def _markdown(path: Path, max_bytes: int) -> list[Block]:
    return text_blocks(read_text(path, max_bytes=max_bytes), markdown=True)


def _formats() -> dict[str, tuple[str, Reader]]:
    # Imported lazily so that reading a .txt never loads python-docx or pypdf.
    from qualcoder_ahp.importers import formats, rtf, sheets

    return {
        ".txt": ("txt", _plain),
        ".text": ("txt", _plain),
        ".md": ("md", _markdown),
        ".markdown": ("md", _markdown),
        ".rst": ("rst", _plain),
        ".docx": ("docx", formats.read_docx),
        ".odt": ("odt", formats.read_odt),
        ".rtf": ("rtf", rtf.read_rtf),
        ".pdf": ("pdf", formats.read_pdf),
        ".vtt": ("vtt", formats.read_vtt),
        ".srt": ("srt", formats.read_srt),
        ".html": ("html", formats.read_html),
        ".htm": ("html", formats.read_html),
        ".csv": ("csv", sheets.read_csv),
        ".xlsx": ("xlsx", sheets.read_xlsx),
    }


_SPREADSHEET = (" (a spreadsheet: save it as .xlsx or .csv, with a heading row naming a "
                "speaker column and a text column; participant attributes go in with "
                "`qcahp participants import` as .csv)")
SAVE_AS = {
    ".doc": " (an old Word file: save it as .docx in Word or LibreOffice)",
    ".pages": " (export it from Pages as .docx)",
    ".wpd": " (save it as .docx or .odt)",
    ".qdpx": " (a REFI-QDA project: bring it in with `qcahp refi import`)",
    ".qdc": " (a REFI-QDA codebook: bring it in with `qcahp refi import`)",
    ".yaml": " (a codebook? load it with `qcahp codebook load`)",
    ".tsv": " (tab-separated text: rename it to .txt; a speaker column and a text column, "
            "with or without a time column, read as turns)",
    ".xls": _SPREADSHEET,
    ".ods": _SPREADSHEET,
    **{ext: " (a web archive: open it in a browser or Word and save it as a web page, "
            ".html, or as .docx)" for ext in (".mht", ".mhtml", ".webarchive")},
    ".json": " (a transcription service's data file: export the transcript from it as "
             ".docx, .txt or .vtt)",
    **{ext: " (a recording: import its transcript, .docx, .txt, .vtt or .srt)"
       for ext in (".mp3", ".m4a", ".wav", ".aac", ".ogg", ".flac", ".mp4", ".mov", ".m4v",
                   ".webm", ".avi")},
}
"""What to do with a file people give ``import`` that is not a transcript it reads."""

SUPPORTED = (".txt", ".text", ".md", ".markdown", ".rst", ".docx", ".odt", ".rtf", ".pdf",
             ".vtt", ".srt", ".html", ".htm")
"""File extensions :func:`read_transcript` understands (lower case)."""


OFFICE_LOCK_PREFIX = "~$"
"""How Word, Excel and PowerPoint name the owner ("lock") file they write beside a
document while it is open (``~$p01.docx``, or ``~$ercept.docx`` for a longer name):
162 bytes holding the user's name, left behind when Word crashes or the folder is
synced while the document is open."""


def office_lock_file(file: Path) -> bool:
    """True when ``file`` is an Office lock file: named ``~$...``, small, and no zip
    package (a real document someone named so is read as one)."""
    if not file.name.startswith(OFFICE_LOCK_PREFIX):
        return False
    try:
        if file.stat().st_size > 4096:
            return False
        with file.open("rb") as handle:
            return not handle.read(4).startswith(b"PK")
    except OSError:
        return False


def read_transcript(
    path: str | os.PathLike[str],
    *,
    interviewers: Iterable[str] = (),
    participants: Iterable[str] = (),
    max_bytes: int = MAX_BYTES,
) -> ReadTranscript:
    """Read one transcript file into normalised text, speaker turns and sentences.

    Args:
        path: a supported file (see :data:`SUPPORTED`).
        interviewers: speaker names to treat as interviewers, besides the default
            labels (Interviewer, Q, Int, AI, Assistant, Counsel, Host…).
        participants: speaker names to treat as the participant, instead of the
            non-interviewer who speaks most.
        max_bytes: refuse larger files.

    Raises:
        ImportFailed: unsupported extension, unreadable, empty, binary, too large,
            corrupt, or no transcript text in it.
    """
    file = Path(path)
    ext = file.suffix.lower()
    if not file.exists():
        raise ImportFailed("a symbolic link to nothing (a missing file, or a loop of links)"
                           if file.is_symlink() else "no such file", path=str(file))
    if file.is_dir():
        raise ImportFailed("is a folder, not a file", path=str(file))
    if office_lock_file(file):
        raise ImportFailed(
            "a lock file Word keeps beside a document while it is open, not a transcript: "
            "import the document itself (its name has no '~$'); importing a folder skips "
            "these files", path=str(file))
    if ext not in SUPPORTED and ext not in SHEETS:
        hint = SAVE_AS.get(ext, "")
        raise ImportFailed(
            f"unsupported file type {ext or '(no extension)'!r}{hint}; supported: "
            + " ".join(SUPPORTED),
            path=str(file),
        )
    fmt, reader = _formats()[ext]
    blocks = reader(file, max_bytes)
    notes = list(getattr(blocks, "notes", []))
    _whole_characters(blocks)
    if fmt not in ("vtt", "srt"):
        blocks, numbered = without_line_numbers(blocks)  # "12   Helen: ..." (cited by line)
        if numbered:
            notes.append(line_numbers_note(numbered))
        blocks = chat_blocks(blocks)  # a Zoom chat saved as text
        blocks = cue_blocks(blocks)  # a Teams transcript saved as a document
        blocks = name_time_lines(blocks)  # Teams: the name, the time below
        blocks = tab_blocks(blocks)  # time<TAB>speaker<TAB>text columns
        blocks = dash_lines(blocks, (*interviewers, *participants))  # "Int - text"
        blocks = dotted_qa(blocks)  # "Q. text" / "A. text"
        # a name alone above the words (otter.ai)
        blocks = name_lines(blocks, (*interviewers, *participants))
    blocks, header = split_header(drop_footer(blocks))
    if header:
        shown = min((f"{k}: {v}" for k, v in header if k is not None), key=len, default=None)
        if shown is None:  # a title alone (Teams: the meeting, its date and length)
            lines = "" if len(header) == 1 else f"{len(header)} lines, such as "
            notes.append(f"the title above the interview ({lines}{header[0][1]!r}) is not "
                         "spoken: left out of the text")
        else:
            notes.append(f"the header above the interview ({len(header)} "
                         f"line{'s' if len(header) != 1 else ''}, such as {shown!r}) is "
                         "not spoken: left out of the text")
    # The interviewer a header names ("Interviewer: Dr Price") is one, as if given.
    interviewers = (*interviewers, *header_interviewers(header))
    drafts, questioners, sections = build_turns(blocks, interviewers, participants)
    drafts = merge_aliases(drafts)
    if not drafts:
        raise ImportFailed("no transcript text found in the file", path=str(file))
    drafts, timed = _untimed_notes(drafts)
    if timed is not None:
        notes.append(timed)
    for label, lines in unread_labels(blocks, {d[0] for d in drafts}).items():
        notes.append(f"{label!r} opens {lines} lines but is read as speech, not as a "
                     "speaker (a label is written as a name); if it is one, import with "
                     f"--participant-speaker {label!r} (or --interviewer)")
    roles = assign_roles(drafts, interviewers=interviewers, participants=participants,
                         questioners=questioners, sections=sections)
    guess = guessed_roles(roles, interviewers, participants, questioners, sections)
    if guess is not None:
        notes.append(guess)
    if (researcher := researcher_note(roles, interviewers)) is not None:
        notes.append(researcher)
    text, turns = assemble(drafts, roles)
    dropped = _headings_left_out(blocks, text)
    if dropped:
        many = f"{len(dropped)} headings, such as " if len(dropped) > 1 else "the heading "
        first = dropped[0] if len(dropped[0]) <= 60 else dropped[0][:59].rstrip() + "…"
        notes.append(f"{many}{first!r} (a title or section heading, not spoken) "
                     f"{'are' if len(dropped) > 1 else 'is'} left out of the text")
    return ReadTranscript(text, turns, fmt, split_sentences(text, turns), notes, header)


def _untimed_notes(drafts: list[tuple[str, str | None, str]]
                   ) -> tuple[list[tuple[str, str | None, str]], str | None]:
    """The turns with the times of the transcriber's notes in them left out
    (``[inaudible 00:00:05]`` is stored as ``[inaudible]``: the time counted as a word
    and showed in quotes; the turn keeps its own time), and the note saying so.

    In a turn with no time of its own (Rev's export without timestamps) a note keeps its
    time: the only place in the recording the transcript gives, to listen again."""
    out: list[tuple[str, str | None, str]] = []
    count = kept_times = 0
    first = ""
    for speaker, time, text in drafts:
        if time is None:
            kept_times += len(timed_notes(text))
            out.append((speaker, time, text))
            continue
        kept, n = untimed(text)
        if n and not first:
            first = timed_notes(text)[0]
        count += n
        out.append((speaker, time, kept))
    if not count:
        return drafts, None
    said = (f"the times in {count} transcriber's notes, such as {first!r}, are" if count > 1
            else f"the time in the transcriber's note {first!r} is")
    also = ("" if not kept_times else
            "; 1 in a turn with no time keeps its time, the only place in the recording it "
            "gives" if kept_times == 1 else f"; {kept_times} in turns with no time keep "
            "theirs, the only place in the recording they give")
    return out, (f"{said} left out of the text (not words; each turn keeps its own "
                 f"time){also}")


def _headings_left_out(blocks: list[Block], text: str) -> list[str]:
    """The headings of a document (Markdown ``#``, Word's heading styles) whose words are
    not in the stored text: a title or section heading is not spoken, so not a turn, and
    the import says so (a header above a plain-text interview was said; these were left
    out without a word). Headings used as speaker labels are not counted."""
    out: list[str] = []
    for block in blocks:
        if block.kind != HEADING:
            continue
        heading = " ".join(block.lines).strip()
        if heading and heading not in text and heading not in out:
            out.append(heading)
    if out:  # only then look for speaker headings (build_turns found them too)
        speakers = speaker_headings(blocks)
        out = [heading for heading in out if heading not in speakers]
    return out


_SURROGATE = re.compile("[\ud800-\udfff]")


def _whole_characters(blocks: list[Block]) -> None:
    """Join the halves of characters written as UTF-16 pairs (an emoji in RTF is
    ``\\u-10179?\\u-8704?``; a PDF's text can hold them too) into one, in place; a
    half without its other half becomes U+FFFD. They could not be stored, and the
    traceback ended the whole import."""
    for block in blocks:
        if any(_SURROGATE.search(line) for line in block.lines):
            block.lines = [line.encode("utf-16-le", "surrogatepass").decode(
                "utf-16-le", "replace") if _SURROGATE.search(line) else line
                for line in block.lines]


def source_hash(path: str | os.PathLike[str]) -> str:
    """SHA-256 of a file's bytes: what stays the same when a better parser reads the
    same file differently (stored with the transcript, see ``Store.add_transcript``)."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()
