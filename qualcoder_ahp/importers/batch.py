"""``import_paths``: files and folders into the project store, one file at a time.

Each file is read and parsed before anything is written, then stored in one
transaction by :meth:`Store.add_transcript`, so a bad file leaves the database as
it was and the batch goes on to the next file. The report lists what was imported,
what was already there (same content, or the same file by the hash of its bytes even
when this version reads it differently: nothing written, except speaker roles when
the researcher names interviewers or participants again), what was skipped because
its participant withdrew (a file found in a folder; one named by itself fails), and
what failed, with a one-line reason for each.
"""

from __future__ import annotations

import os
import shlex
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from qualcoder_ahp.errors import UserError, closest, shown_path
from qualcoder_ahp.importers.blocks import same_times
from qualcoder_ahp.importers.header import header_participant
from qualcoder_ahp.importers.reader import (
    SUPPORTED,
    office_lock_file,
    read_transcript,
    source_hash,
)
from qualcoder_ahp.importers.sheets import SHEETS
from qualcoder_ahp.importers.turns import names_speaker
from qualcoder_ahp.model.store import Store, content_hash
from qualcoder_ahp.records import TranscriptInfo, Turn

SKIPPED_IN_FOLDERS = frozenset({"readme", "license", "licence", "changelog", "contributing",
                                "sources", "authors", "copying"})
"""File stems (lower case) that are never transcripts when a folder is walked: a
folder of interviews often carries a README.md describing them."""

SYSTEM_FILES = {
    "thumbs.db": "the thumbnails Windows keeps for a folder",
    "desktop.ini": "the settings Windows keeps for a folder",
    "icon\r": "the folder icon macOS keeps",
    ".ds_store": "the view settings macOS keeps for a folder",
    "__macosx": "the Mac file details a zip archive made on a Mac holds",
}
"""Files (lower case) the system keeps beside interviews, never transcripts: named by a
shell's ``interviews/*`` they are skipped with a line saying what they are, as Word's
lock files are (they failed, and the import exited 1 with every interview imported)."""

Progress = Callable[[int, int, str], None]
"""``progress(done, total, current_file)``, called before and after each file."""


@dataclass
class ImportReport:
    """What a batch import did, file by file."""

    imported: list[TranscriptInfo] = field(default_factory=list)
    unchanged: list[TranscriptInfo] = field(default_factory=list)
    roles_updated: list[tuple[TranscriptInfo, dict[str, str]]] = field(default_factory=list)
    """Unchanged transcripts whose speaker roles the given names changed."""
    failed: list[tuple[str, str]] = field(default_factory=list)
    """``(path, one-line reason)`` per file that was not imported."""
    withdrawn: list[tuple[str, str]] = field(default_factory=list)
    """``(path, one-line reason)`` per file found in a folder that was skipped because its
    transcript was withdrawn from the project (``qcahp withdraw``): a folder of a study's
    interviews still holds the withdrawn one, and the others import. A file named by
    itself is refused instead (:attr:`failed`)."""
    skipped: list[tuple[str, str]] = field(default_factory=list)
    """``(path, one-line reason)`` per file named (by a shell's ``interviews/*``) that is
    no transcript but a file the system or Word keeps beside them (:func:`not_a_transcript`):
    skipped, not failed."""
    unchanged_files: list[str] = field(default_factory=list)
    """The file of each :attr:`unchanged` transcript, in the same order: several files of
    one batch can hold one stored text (copies under other names), and a map from the
    transcript named the last of them for every one."""
    unmatched: list[tuple[str, str, str | None]] = field(default_factory=list)
    """``(option, name, closest speaker or None)`` for each ``--interviewer`` or
    ``--participant-speaker`` name that matched no speaker of any file read: a typo
    there used to change nothing, silently."""
    notes: list[tuple[TranscriptInfo, str]] = field(default_factory=list)
    """``(transcript, note)`` for what a reader noticed in a file it imported (a PDF's
    pages without text), and for an unchanged file that this version reads differently
    from the stored text (:func:`reread_note`)."""

    @property
    def ok(self) -> bool:
        """True when no file failed."""
        return not self.failed

    def summary(self) -> str:
        """One line: counts of imported, unchanged, withdrawn (skipped, when any) and
        failed files, and words added."""
        words = sum(t.words for t in self.imported)
        skipped = f"{len(self.withdrawn)} withdrawn (skipped), " if self.withdrawn else ""
        if self.skipped:
            skipped += f"{len(self.skipped)} skipped (not transcripts), "
        return (f"{len(self.imported)} imported ({words:,} word{'' if words == 1 else 's'}), "
                f"{len(self.unchanged)} unchanged, {skipped}{len(self.failed)} failed")


def not_a_transcript(path: Path) -> str | None:
    """Why ``path`` is no transcript but a file Word or the system keeps beside the
    interviews (Word's ``~$p01.docx`` lock file, ``Thumbs.db``, ``__MACOSX``), else None."""
    if office_lock_file(path):
        return "a lock file Word keeps beside a document while it is open, not a transcript"
    kind = SYSTEM_FILES.get(path.name.lower())
    return f"{kind}, not a transcript" if kind else None


def collect_files(paths: Iterable[str | os.PathLike[str]],
                  empty: list[Path] | None = None) -> list[Path]:
    """Expand folders into their supported files (recursively, sorted); keep files as given.

    A file named explicitly is kept whatever its extension, so that an unsupported
    one is reported rather than silently skipped; inside folders only supported
    extensions are taken (hidden files and folders are skipped, and so are
    ``README``, ``LICENSE``, ``SOURCES`` and similar files). Folders without
    any supported file are appended to ``empty`` when it is given.
    """
    out: list[Path] = []
    seen: set[Path] = set()
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found = sorted(
                p for p in path.rglob("*")
                if p.is_file() and p.suffix.lower() in SUPPORTED
                and p.stem.lower() not in SKIPPED_IN_FOLDERS
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
                and not_a_transcript(p) is None  # Word's ~$p01.docx beside an open p01.docx
            )
            if not found and empty is not None:
                empty.append(path)
        else:
            found = [path]
        for p in found:
            key = _resolved(p)
            if key not in seen:
                seen.add(key)
                out.append(p)
    return out


def import_paths(
    store: Store,
    paths: Sequence[str | os.PathLike[str]],
    *,
    interviewers: Iterable[str] = (),
    participants: Iterable[str] = (),
    participant: str | None = None,
    new_version: bool = False,
    progress: Progress | None = None,
    readmit: bool = False,
) -> ImportReport:
    """Import files and folders into ``store``.

    Args:
        store: the open project.
        paths: files and/or folders (folders are walked for supported files).
        interviewers: speaker names to treat as interviewers (besides the defaults).
        participants: speaker names to treat as the participant. When either is
            given for a file already stored with the same text, the roles they imply
            are applied to it (text and offsets do not change).
        participant: the participant id for every file; by default the id a file's
            header names (``Participant ID: P1``), else the file's name without its
            extension.
        new_version: store a file whose name is already used, with new content,
            as a new version instead of refusing it; and an unchanged file that this
            version reads differently (a better parser) as a new version with the new
            reading (without it, the stored text is kept, with a note).
        readmit: import a transcript withdrawn from the project (``qcahp withdraw``)
            again, deliberately; without it such a file is skipped when a folder holds
            it (:attr:`ImportReport.withdrawn`) and refused when it is named itself.
        progress: called as ``progress(done, total, path)`` before each file and once at
            the end; a worker may raise from it to stop between files (files already
            imported stay imported).

    Returns:
        The report; files that failed are listed there, never raised.
    """
    empty: list[Path] = []
    report = ImportReport()
    given: list[str | os.PathLike[str]] = []
    for raw in paths:
        why = not_a_transcript(Path(raw))
        if why is None:
            given.append(raw)
        else:  # named by a shell's `interviews/*`: said, not failed
            report.skipped.append((str(raw), f"{shown_path(Path(raw))}: {why}"))
    paths = given
    files = collect_files(paths, empty)
    named_files = {_resolved(Path(p)) for p in paths if not Path(p).is_dir()}
    interviewers = tuple(interviewers)
    participants = tuple(participants)
    for folder in empty:
        report.failed.append((str(folder), f"{shown_path(folder)}: no supported transcript "
                                           f"files in this folder{_found_instead(folder)}"))
    speakers: set[str] = set()  # every speaker of the files read, to check the names given
    named: dict[str, Path] = {}  # transcript name -> the first file of this batch stored so
    for done, file in enumerate(files):
        if progress is not None:
            progress(done, len(files), str(file))
        try:
            try:
                parsed = read_transcript(file, interviewers=interviewers,
                                         participants=participants)
            except UserError:
                raise
            except Exception as exc:  # a reader bug on an odd file must not end the batch
                raise UserError(f"could not be read ({type(exc).__name__}: {exc}); "
                                "please report this file's format", path=str(file)) from exc
            try:
                file_hash = source_hash(file)
            except OSError as exc:
                raise UserError(f"could not be read ({exc.strerror or exc})",
                                path=str(file)) from None
            speakers.update(t.speaker for t in parsed.turns)
            # The participant: --participant, else the id the file's header names
            # ("Participant ID: P1", as the study's participants CSV has it), else the
            # file's name.
            header = getattr(parsed, "header", [])  # (a ParsedTranscript from elsewhere has none)
            named_by = None if participant else header_participant(header)
            own = participant or (named_by[1] if named_by else file.stem)
            try:
                info, written = store.add_transcript(
                    file.stem, parsed, path=str(file),
                    participant=own, new_version=new_version,
                    source_hash=file_hash, readmit=readmit,
                )
            except UserError as exc:
                if (not readmit and _resolved(file) not in named_files
                        and (store.withdrawn_event(file_hash, content_hash(parsed.text))
                             or store.withdrawn_participant(own))):
                    # Found in a folder of the study's interviews: skipped, not a failure.
                    report.withdrawn.append((str(file), _skipped(str(exc))))
                    continue
                first = named.get(file.stem)
                if first is None:
                    raise
                # Two different files of one import give the same name (p01.docx and
                # p01.txt, or site_a/p01.txt and site_b/p01.txt). The store's "already
                # stored; use --new-version" read as if the file had been imported
                # before, and proposed making one interview a version of another.
                raise UserError(
                    f"another file of this import, {first}, is already stored as "
                    f"'{file.stem}' (a transcript is named after its file); rename one of "
                    "them, or use --new-version if this is a new version of that interview",
                    path=str(file)) from exc
        except UserError as exc:
            reason = str(exc)
            if exc.path is None:
                reason = f"{shown_path(file)}: {reason}"
            report.failed.append((str(file), reason))
            continue
        named.setdefault(info.name, file)
        if written:
            report.imported.append(info)
            report.notes.extend((info, note) for note in parsed.notes)
            if named_by is not None and info.participant == named_by[1]:
                report.notes.append((info, f"participant {named_by[1]}, from the header's "
                                           f"'{named_by[0]}: {named_by[1]}' (--participant "
                                           "ID sets another)"))
            continue
        report.unchanged.append(info)
        report.unchanged_files.append(str(file))
        if not store.reads_as_stored(info, parsed.text):
            report.notes.append((info, reread_note(file, store.was_redacted(info.id),
                                                   stored_as=info.name)))
        elif (note := _speakers_note(store, info, file, parsed.turns)) is not None:
            report.notes.append((info, note))
        elif (rewritten := _times_rewritten(store, info, parsed.turns)) is not None:
            report.notes.append((info, f"{file.name}: unchanged file; its turns' times are "
                                       f"now stored as every format's are ({rewritten[1]}, "
                                       f"not {rewritten[0]}); nothing else changed"))
        if interviewers or participants:
            # Same text, but the researcher named speakers: apply the roles they imply.
            new = {t.speaker: t.role for t in parsed.turns}
            old = store.speakers(info.id)
            diff = {s: r for s, r in new.items() if old.get(s) not in (None, r)}
            if diff and store.set_speaker_roles(info.id, diff):
                report.roles_updated.append((info, diff))
    if progress is not None:
        progress(len(files), len(files), "")
    if speakers:
        for option, names in (("--interviewer", interviewers),
                               ("--participant-speaker", participants)):
            for name in names:
                if name.strip() and not any(names_speaker(speaker, name) for speaker in speakers):
                    report.unmatched.append((option, name, closest(name, speakers)))
    return report


def _times_rewritten(store: Store, info: TranscriptInfo,
                     turns: Sequence[Turn]) -> tuple[str, str] | None:
    """Store the times of an unchanged file's turns as this version writes them, where
    they are the same times written another way (``0:03`` stored by an older version,
    ``00:00:03`` now): the same file, read the same, is not a different reading, and its
    times then show and sort as a new import's do. The first time rewritten, as
    ``(stored, new)``, or None when none was (times that differ as times are kept)."""
    stored = store.turns(info.id)
    if len(stored) != len(turns) or any(
            (a.speaker, a.start, a.end) != (b.speaker, b.start, b.end)
            or not same_times(a.time, b.time) for a, b in zip(stored, turns, strict=True)):
        return None
    first = next(((a.time, b.time) for a, b in zip(stored, turns, strict=True)
                  if a.time != b.time and a.time is not None and b.time is not None), None)
    if first is None or not store.set_turn_times(info.id, [t.time for t in turns]):
        return None
    return first


def _speakers_note(store: Store, info: TranscriptInfo, file: Path,
                   turns: Sequence[Turn]) -> str | None:
    """The note on an unchanged file whose speakers read differently from the stored
    ones (the text is compared, not the labels: ``Helen:`` made ``Helen Smith:`` in the
    file kept ``Helen`` silently), naming the command that applies it; nothing changes.
    A speaker renamed here since (``qcahp speakers rename``) or by ``qcahp redact`` is
    the researcher's doing, not a difference."""
    stored = store.turns(info.id)
    if len(stored) != len(turns) or store.was_redacted(info.id):
        return None
    every = {(a.speaker, b.speaker) for a, b in zip(stored, turns, strict=True)}
    pairs = {(a, b) for a, b in every if a != b and store.speaker_renamed(info.id, b) != a}
    if not pairs:
        return None
    said = ", ".join(f"{old!r} is {new!r}" for old, new in sorted(pairs))
    olds = [a for a, _ in every]
    if any(olds.count(a) > 1 for a, _ in pairs):  # one stored speaker is two in the file
        said = ", ".join(f"{a!r} is " + " and ".join(repr(b) for b in sorted(
            {b for a2, b in every if a2 == a})) for a in sorted({a for a, _ in pairs}))
        return (f"{file.name}: unchanged text, but its speakers read differently now ({said} "
                f"in the file); the stored speakers are kept ({REREAD_ADVICE})")
    commands = [f"`qcahp speakers {step} {shlex.quote(info.label)} {shlex.quote(a)} "
                f"{shlex.quote(b)}`" for step, a, b in speaker_steps(dict(pairs))]
    said_commands = (f"{commands[0]} applies it" if len(commands) == 1 else
                     "run " + ", then ".join(commands) + " to apply it (in this order)")
    return (f"{file.name}: unchanged text, but its speakers read differently now ({said} in "
            f"the file); the stored speakers are kept: {said_commands}")


def speaker_steps(renamed: dict[str, str]) -> list[tuple[str, str, str]]:
    """The ``qcahp speakers`` commands that give each stored speaker (a key) the name the
    file now reads (its value), in the order to run them: ``("rename", a, b)`` or
    ``("swap", a, b)``.

    Renaming one at a time joins a speaker into the next one's old name: Helen and
    Speaker 2 read the other way round (Helen -> Speaker 2, Speaker 2 -> Helen) would
    end as one speaker. So a name another speaker still has to give up is renamed to
    only after that one has moved (B -> C before A -> B), and names that go round in a
    circle are swapped. Two stored speakers the file reads as one name become one (a
    join, as the file reads them).
    """
    now = {a: a for a in renamed}  # each stored speaker's name as the steps go
    pending = {a for a, b in renamed.items() if a != b}
    steps: list[tuple[str, str, str]] = []
    while pending:
        free = sorted(a for a in pending if not any(
            now[o] == renamed[a] for o in pending if o != a))
        if free:  # its new name is no other pending speaker's now
            a = free[0]
            steps.append(("rename", now[a], renamed[a]))
            now[a] = renamed[a]
        else:  # every new name is held by another pending speaker: a circle
            a = min(pending)
            holder = next(o for o in pending if o != a and now[o] == renamed[a])
            steps.append(("swap", now[a], renamed[a]))
            now[holder], now[a] = now[a], renamed[a]
        pending = {o for o in pending if now[o] != renamed[o]}
    return steps


def _found_instead(folder: Path) -> str:
    """What a folder without transcripts holds, by extension (``(it holds 3 .m4a files
    and 1 .xlsx file; supported: ...)``), so the researcher sees why."""
    found: dict[str, int] = {}
    try:
        for p in folder.rglob("*"):
            if (p.is_file() and not any(x.startswith(".") for x in p.relative_to(folder).parts)
                    and not_a_transcript(p) is None):
                ext = p.suffix.lower() or "(no extension)"
                found[ext] = found.get(ext, 0) + 1
    except OSError:
        return ""
    if not found:
        return " (it is empty)"
    kinds = sorted(found.items(), key=lambda kv: (-kv[1], kv[0]))
    held = ", ".join(f"{n} {ext} file{'s' if n != 1 else ''}" for ext, n in kinds[:4])
    more = f" and {len(kinds) - 4} other kinds" if len(kinds) > 4 else ""
    sheets = [ext for ext in SHEETS if ext in found]
    named = (f"; a spreadsheet ({', '.join(sheets)}) is read as a transcript when the file "
             "is named, not from a folder" if sheets else "")
    return f" (it holds {held}{more}; supported: {' '.join(SUPPORTED)}{named})"


def _resolved(path: Path) -> Path:
    """``path`` with its symbolic links followed, or as given when they cannot be: a
    link that points at itself (or a loop of links) raised RuntimeError from
    :meth:`Path.resolve` and ended the whole import in a traceback; reading it then
    fails in one line, as any unreadable file does."""
    try:
        return path.resolve() if path.exists() else path
    except (OSError, RuntimeError):
        return path


def _skipped(refused: str) -> str:
    """The store's refusal of a withdrawn file, said of a file skipped in a folder."""
    return refused.replace("; it is not imported again (", "; skipped (")


REREAD_ADVICE = "--new-version stores the new reading"
"""How a file that is unchanged but read differently can be stored anew (the import
dialog, which has no flag, names the command instead)."""


def reread_note(file: Path, redacted: bool = False, stored_as: str | None = None) -> str:
    """The note on an unchanged file that this version reads differently.

    ``stored_as``: the name of the transcript it is; when that is not the file's own
    name (the same bytes under another file name), ``--new-version`` does not apply:
    a new version belongs to the file's name, and this file is that other transcript.
    """
    if stored_as is not None and stored_as != file.stem:
        return (f"{file.name}: the same file as {stored_as!r}; this version reads it "
                "differently (the stored text is kept)")
    if redacted:  # a new reading of the original file has the redacted names back
        return (f"{file.name}: unchanged file; this version reads it differently (the "
                f"stored, redacted text is kept; {REREAD_ADVICE}, unredacted)")
    return (f"{file.name}: unchanged file; this version reads it differently (the stored "
            f"text is kept; {REREAD_ADVICE})")


