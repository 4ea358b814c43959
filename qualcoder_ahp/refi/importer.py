"""Import a REFI-QDA file into a project: read it safely, then write it in one go.

Reading (:func:`qualcoder_ahp.refi.reader.read_refi`) touches no database and
refuses unsafe files before anything is written; writing
(:meth:`~qualcoder_ahp.model.refi_store.RefiMixin.refi_import`) is one transaction,
so a failure leaves the project as it was. The report lists what was added, what
was skipped and why, and every selection whose text did not match its quote.

A source with speaker labels is stored without them (see
:mod:`qualcoder_ahp.refi.speakers`). Before writing, each such source is checked
against the transcripts the project already holds, so that importing a project's
own export finds its transcripts even where the labels would not give the stored
text back exactly, and a text stored with its labels by an earlier version is
found as it is.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from qualcoder_ahp.refi.reader import ImportCase, RefiData, read_refi
from qualcoder_ahp.refi.speakers import OffsetMap, label_text

if TYPE_CHECKING:
    from qualcoder_ahp.model.refi_store import (
        ConsensusAdded,
        IdleCoder,
        UnlistedUser,
        _Clashes,
    )
    from qualcoder_ahp.model.store import Store


@dataclass
class ImportReport:
    """What one import added, skipped and could not match."""

    path: str
    kind: str
    added: dict[str, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    mismatches: list[str] = field(default_factory=list)
    units: dict[str, int] = field(default_factory=dict)
    unchecked: int = 0
    """Selections that had no quote to check (placed by the unit the others used)."""
    held: int = 0
    """Codes, sources, codings, notes and cases the file holds (users not counted)."""
    skipped: int = 0
    """Records left out, each with a warning (a withdrawn source, a coding of it...)."""
    withdrawn: int = 0
    """Sources skipped because they were withdrawn from this project."""
    sources: int = 0
    """Sources the file holds."""
    present: dict[str, int] = field(default_factory=dict)
    """What the file holds that the project has already (themes, transcripts, codings,
    memos, participants), matched and not copied."""
    left_out: dict[str, int] = field(default_factory=dict)
    """What was left out, by reason (:data:`~qualcoder_ahp.model.refi_store.LEFT_OUT`)."""
    idle_coders: list[IdleCoder] = field(default_factory=list)
    """Coders the import added who brought nothing with them: the file held no work of
    theirs, or every coding and note of theirs was here already or left out (counted)."""
    summaries: int = 0
    """Of the memos added, the framework cell summaries (``qcahp framework``)."""
    not_imported: list[str] = field(default_factory=list)
    """What a text tool cannot bring in, one line per kind
    (:attr:`~qualcoder_ahp.refi.reader.RefiData.not_imported`)."""
    attributed: tuple[str, dict[str, int]] | None = None
    """The coder of a one-user file's only user, with the codings and memos added that
    named no user and were given to them (None when there were none)."""
    notices: list[str] = field(default_factory=list)
    """Information, not warnings: where the file's data went when it has another place
    here (:attr:`~qualcoder_ahp.refi.reader.RefiData.notices`)."""
    unlisted: list[UnlistedUser] = field(default_factory=list)
    """Users that codings or memos name (``creatingUser``) but the file does not list,
    with the coder whose work they became and how much was added."""
    new_versions: list[tuple[str, int]] = field(default_factory=list)
    """``(name, version)`` of each source stored as a new version of the transcript of
    that name here, whose text differs (``--new-version``)."""
    consensus: list[ConsensusAdded] = field(default_factory=list)
    """The consensus coders codings were added to, with how many, and how many codings
    each held here before: they came without the reconcile decisions that made them."""
    clashes: list[str] = field(default_factory=list)
    """What became of each name of the file taken here (``--transcript-clash``,
    ``--code-clash``), one line each."""
    matched: list[str] = field(default_factory=list)
    """The codes matched to themes here by name or theme id alone (their GUIDs differ),
    one line for each way."""

    @property
    def nothing_added(self) -> bool:
        """True when the import added nothing (see :meth:`nothing_why` for why)."""
        return not any(self.added.values())

    def nothing_why(self) -> str:
        """Why nothing was added, in words: already imported only when it was.

        ``the file holds no codes or sources``, ``its 2 sources were withdrawn from
        this project``, ``3 records were skipped or did not fit the text``, or
        ``already imported``.
        """
        if not self.held:
            if self.not_imported and self.kind != "codebook":  # only PDFs, pictures...
                return ("nothing imported: the file holds no codes or text sources (see "
                        "what was not imported)")
            return ("nothing imported: the file holds no codes" if self.kind == "codebook"
                    else "nothing imported: the file holds no codes or sources")
        if self.sources and self.withdrawn == self.sources:
            noun = "source was" if self.sources == 1 else f"{self.sources} sources were"
            return (f"nothing imported: its {noun} withdrawn from this project "
                    "(see the warnings)")
        left_out = self.skipped + len(self.mismatches)
        if left_out:
            return (f"nothing imported: {left_out:,} record{'' if left_out == 1 else 's'} "
                    "skipped or not matching the text (see the warnings); the rest is "
                    "already here")
        return "nothing new (already imported)"

    def details(self) -> list[str]:
        """After an import that added something, the truth about the rest: what was here
        already, what was left out and why, and any new coder who brought nothing.

        ``Already here: 1 transcript, 2 codings.``, ``Left out: 1 transcript withdrawn
        from this project (qcahp withdraw), with its 2 codings; 1 participant withdrawn
        from this project (see the warnings).``, ``Ana, a new coder: named in the file,
        with no codings or memos in it.``, ``bob, a new coder, brings no new codings or
        memos: 2 codings here already; 1 memo left out (see the warnings).``
        """
        out = []
        if self.attributed:
            name, counts = self.attributed
            what = " and ".join(n for n in (_n(counts["codings"], "coding"),
                                            _n(counts["memos"], "memo")) if n)
            them = "it" if counts["codings"] + counts["memos"] == 1 else "them"
            out.append(f"{what[0].upper()}{what[1:]} name{'s' if them == 'it' else ''} no "
                       f"coder: attributed to {name}, the file's only user (--default-coder "
                       f"NAME gives {them} to another coder).")
        out.extend(_unlisted_line(user) for user in self.unlisted)
        out.extend(_consensus_line(coder, self.path) for coder in self.consensus)
        out.extend(self.clashes)
        out.extend(self.matched)
        for name, version in self.new_versions:
            out.append(f"{name}: the file's text differs from the {name} here: stored as "
                       f"version {version} (--new-version), each version with its own "
                       f"codings; '{name}' now names version {version}, '{name}@"
                       f"{version - 1}' the one before.")
        if self.summaries:
            what = ("is a framework summary" if self.summaries == 1
                    else "are framework summaries")
            out.append(f"Of the memos, {self.summaries:,} {what} (qcahp framework shows "
                       "them).")
        here = [_n(self.present.get(key, 0), noun) for key, noun in (
            ("themes", "theme"), ("transcripts", "transcript"), ("codings", "coding"),
            ("memos", "memo"), ("participants", "participant"))]
        if any(here):
            out.append(f"Already here: {', '.join(h for h in here if h)}.")
        gone = self.left_out
        parts = []
        if gone.get("withdrawn_sources"):
            with_codings = (f", with {'its' if gone['withdrawn_sources'] == 1 else 'their'} "
                            f"{_n(gone['withdrawn_codings'], 'coding')}"
                            if gone.get("withdrawn_codings") else "")
            parts.append(f"{_n(gone['withdrawn_sources'], 'transcript')} withdrawn from this "
                         f"project (qcahp withdraw){with_codings}")
        for key, words in (("withdrawn_cases", ("participant", "withdrawn from this project")),
                           ("codings", ("coding", "of a source or code not imported")),
                           ("notes", ("note", "attached to nothing imported")),
                           ("memos_kept", ("note", "where a different memo is kept")),
                           ("attributes", ("attribute value", "that differs from the one "
                                           "here (kept)"))):
            if gone.get(key):
                parts.append(f"{_n(gone[key], words[0])} {words[1]}")
        if parts:
            out.append(f"Left out: {'; '.join(parts)} (see the warnings).")
        out.extend(_idle_line(coder) for coder in self.idle_coders)
        return out


def _idle_line(coder: IdleCoder) -> str:
    """What a new coder who brought nothing had in the file: nothing at all, or how many
    codings and memos of theirs are here already and how many were left out."""
    here = " and ".join(n for n in (_n(coder.here_codings, "coding"),
                                    _n(coder.here_memos, "memo")) if n)
    gone = " and ".join(n for n in (_n(coder.gone_codings, "coding"),
                                    _n(coder.gone_memos, "memo")) if n)
    if not here and not gone:
        return f"{coder.name}, a new coder: named in the file, with no codings or memos in it."
    why = [f"{here} here already"] if here else []
    why += [f"{gone} left out (see the warnings)"] if gone else []
    return f"{coder.name}, a new coder, brings no new codings or memos: {'; '.join(why)}."


def _consensus_line(coder: ConsensusAdded, file: str) -> str:
    """What the codings added to a consensus coder are, and what they lack: here a
    consensus coding comes from a reconcile decision (rule, coders compared), logged;
    these came from the file with none. ``qcahp reconcile log`` lists each as imported
    from the file, on the day (:meth:`~qualcoder_ahp.model.refi_store.RefiMixin.
    refi_imported_from`); when the coder held codings already they sit beside them."""
    added = _n(coder.added, "consensus coding")
    one = coder.added == 1
    listed = (f"qcahp reconcile log lists {'it' if one else 'them'} as imported from "
              f"{Path(file).name}, without a rule or the coders compared")
    if not coder.held:
        return (f"{added[0].upper()}{added[1:]} of {coder.name} (the team's reconciled "
                "result in the file) came without the reconcile decision"
                f"{' that made it' if one else 's that made them'}: {listed}.")
    return (f"{added[0].upper()}{added[1:]} added to {coder.name}, this project's "
            f"consensus coder, beside the {_n(coder.held, 'coding')} it held: "
            f"{'it has' if one else 'the added ones have'} no reconcile decision here "
            f"({listed}).")


def _unlisted_line(user: UnlistedUser) -> str:
    """Whose the codings and memos of a user the file does not list became:
    ``2 codings and 1 memo name a user the file does not list (3f2a9c1e-...): kept
    apart as the new coder 'unknown user 3f2a9c1e' (...).``"""
    what = " and ".join(n for n in (_n(user.codings, "coding"), _n(user.memos, "memo")) if n)
    verb = "names" if user.codings + user.memos == 1 else "name"
    them = "it" if user.codings + user.memos == 1 else "them"
    if user.new and not user.mapped:
        whose = (f"kept apart as the new coder {user.name!r} (name the coder with qcahp "
                 f"coders rename, or give {them} to a coder of yours with --coder-map "
                 f"\"{user.guid}=NAME\")")
    elif user.new:
        whose = f"given to the new coder {user.name!r} (--coder-map)"
    else:
        whose = f"given to the coder {user.name!r} here"
    return (f"{what[0].upper()}{what[1:]} {verb} a user the file does not list "
            f"({user.guid}): {whose}.")


def _clash_lines(data: RefiData, clashes: _Clashes) -> tuple[list[str], list[str]]:
    """One line for each choice made on a name of the file taken here; and one for the
    codes matched to themes here by name alone, one for those matched by theme id
    (their GUIDs differ)."""
    out: list[str] = []
    matched: list[str] = []

    def why(name: str) -> str:
        return (f"another source of the file is named {name} too" if name in clashes.twice
                else f"the file's text differs from the {name} here")

    for old, new in clashes.renamed_sources:
        out.append(f"{old}: {why(old)}: stored as {new!r} (--transcript-clash rename), "
                   "with its codings.")
    for guid, name in clashes.sources if clashes.transcripts == "skip" else ():
        mine = [c for c in data.codings if c.source_guid == guid]
        source = next(s for s in data.sources if s.guid == guid)
        codings = len(mine)
        memos = len(set(source.note_guids).union(*(c.note_guids for c in mine)))
        lost = " and ".join(n for n in (_n(codings, "coding"), _n(memos, "memo")) if n)
        out.append(f"{name}: {why(name)}: not imported (--transcript-clash skip)"
                   f"{f', nor its {lost}' if lost else ''}.")
    for name, where, theme_id in clashes.merged_codes:
        out.append(f"Code {name!r} ({where} in the file) went into theme {theme_id}, which "
                   "has its name here (--code-clash merge), with its codings.")
    for name, new, theme_id in clashes.renamed_codes:
        out.append(f"Code {name!r} is the new theme {new!r} ({theme_id}): a theme elsewhere "
                   "here has its name (--code-clash rename).")
    for found, how in ((clashes.by_name, ("name", "of the same name and place")),
                       (clashes.by_id, ("theme id", "with the same theme id and name"))):
        if found:
            names = ", ".join(repr(n) for n in found[:3])
            more = f" and {len(found) - 3} more" if len(found) > 3 else ""
            matched.append(f"Matched by {how[0]}: {_n(len(found), 'code')} of the file "
                           f"{'is a theme' if len(found) == 1 else 'are themes'} here "
                           f"{how[1]}, with another GUID ({names}{more}).")
    return out, matched


def _n(count: int, noun: str) -> str:
    """``1 transcript``, ``2 codings``; ``""`` for none."""
    return f"{count:,} {noun}{'' if count == 1 else 's'}" if count else ""


def import_file(
    store: Store,
    path: str | Path,
    *,
    coder_map: dict[str, str] | None = None,
    default_coder: str | None = None,
    new_version: bool = False,
    dry_run: bool = False,
    progress: Callable[[int, int], None] | None = None,
    transcript_clash: str = "refuse",
    code_clash: str = "refuse",
) -> ImportReport:
    """Import a ``.qdc``, ``.qdpx`` or ``.qde`` file into ``store``.

    Args:
        store: the project.
        path: the file.
        coder_map: file user name (or GUID) -> coder name in this project.
        default_coder: the coder of codings and notes that name no user (None: the
            file's only user when it has one, else ``imported``).
        new_version: store a source whose name is taken by different text as a new
            version (otherwise the whole import is refused).
        dry_run: report what would be added, and write nothing.
        progress: called with (done, total) sources while reading.
        transcript_clash: a source named like a transcript here with other text:
            ``refuse`` (default), ``new-version``, ``rename`` or ``skip``.
        code_clash: a code named like a theme elsewhere here: ``refuse`` (default),
            ``merge`` or ``rename`` (see :meth:`~qualcoder_ahp.model.refi_store.
            RefiMixin.refi_import`).

    Raises:
        UserError: unsafe, unreadable or conflicting input; nothing is written.
    """
    data = read_refi(path, progress)
    _match_held_forms(store, data)
    _own_participants(store, data)
    stats = store.refi_import(data, coder_map=coder_map, default_coder=default_coder,
                              new_version=new_version, dry_run=dry_run,
                              transcript_clash=transcript_clash, code_clash=code_clash)
    clashes, matched = _clash_lines(data, stats.pop("clashes"))
    skipped = stats.pop("skipped")
    notes = stats.pop("notes")
    withdrawn = stats.pop("withdrawn_sources", 0)
    present, left_out = stats.pop("present"), stats.pop("left_out")
    idle = stats.pop("idle_coders", [])
    summaries = stats.pop("cell_summaries", 0)
    unlisted = stats.pop("unlisted", [])
    consensus = stats.pop("consensus", [])
    new_versions = stats.pop("new_versions", [])
    held = sum(len(records) for records in (data.themes, data.sources, data.codings,
                                            data.notes, data.cases))
    return ImportReport(data.path, data.kind, stats, data.warnings + skipped + notes,
                        data.mismatches, data.units, data.unchecked, held=held,
                        skipped=len(skipped), withdrawn=withdrawn, sources=len(data.sources),
                        present=present, left_out=left_out, idle_coders=idle,
                        summaries=summaries, not_imported=data.not_imported,
                        attributed=stats.pop("attributed", None), notices=data.notices,
                        unlisted=unlisted, consensus=consensus, new_versions=new_versions,
                        clashes=clashes, matched=matched)


def _own_participants(store: Store, data: RefiData) -> None:
    """A case, so a participant, for each new transcript no case of another tool's file
    names, named as the transcript is: ``qcahp import`` names every transcript's
    participant (after its file), and a transcript with none is left out of every report
    by participant. One case for the versions of one transcript.

    Not for a file this tool exported (a transcript it wrote with no case had no
    participant, as a focus group may have none), nor for a source the project holds
    already or whose name a transcript here has (its participant is the project's).
    """
    if data.origin.lower().startswith("qualcoder_ahp"):
        return
    cased = {guid for case in data.cases for guid in case.source_guids}
    here = {info.name.casefold() for info in store.transcripts()}
    gone = store.withdrawn_participants()
    made: dict[str, int] = {}
    for source in data.sources:
        name = source.version[0] if source.version else source.name
        if (source.guid in cased or name.casefold() in here or name in gone
                or store.refi_find_transcript(text=source.text) is not None
                or store.refi_find_transcript(guid=source.guid) is not None):
            continue
        if name in made:
            case = data.cases[made[name]]
            data.cases[made[name]] = replace(case, source_guids=(*case.source_guids,
                                                                 source.guid))
            continue
        made[name] = len(data.cases)
        data.cases.append(ImportCase(
            str(uuid.uuid5(uuid.NAMESPACE_URL, f"refi-case:{source.guid}")), name, {},
            (source.guid,)))
    if made:
        listed = ", ".join(repr(n) for n in list(made)[:3]) + (
            f" and {len(made) - 3} more" if len(made) > 3 else "")
        which = (f"Source {listed} has no case: it is" if len(made) == 1
                 else f"Sources {listed} have no case: each is")
        data.notices.append(f"{which} the participant named as its transcript, as `qcahp "
                            "import` names one after its file.")


def _match_held_forms(store: Store, data: RefiData) -> None:
    """Use the project's own form of a labelled source it already holds.

    The labels were taken out while reading, giving the text a new transcript would
    store. The project may instead hold the source (1) exactly as the file has it,
    labels included (imported before labels were taken out), or (2) under the same
    GUID, with the text and turns whose export is exactly this file's text (a
    transcript whose turns the labels alone do not give back). Either way that
    transcript is the one matched, and the codings are moved into its text from
    their spans in the labelled text.
    """
    moved: dict[str, tuple[str, OffsetMap | None]] = {}
    for index, source in enumerate(data.sources):
        if source.offsets is None or store.refi_find_transcript(text=source.text):
            continue
        if store.refi_find_transcript(text=source.labelled):
            data.sources[index] = replace(source, text=source.labelled, turns=None,
                                          offsets=None)
            moved[source.guid] = (source.labelled, None)
            continue
        held = store.refi_find_transcript(guid=source.guid)
        if held is None:
            continue
        text, turns = store.transcript_text(held), store.turns(held)
        labelled, offsets = label_text(text, turns)
        if labelled != source.labelled:
            continue
        back = offsets.inverse()
        data.sources[index] = replace(source, text=text, turns=tuple(turns), offsets=back)
        moved[source.guid] = (text, back)
    if not moved:
        return
    kept = []
    for coding in data.codings:
        if coding.source_guid not in moved or coding.labelled is None:
            kept.append(coding)
            continue
        text, back = moved[coding.source_guid]
        start, end = back.span(*coding.labelled) if back else coding.labelled
        if start >= end:
            data.warnings.append(f"coding {coding.guid}: selects only a speaker label; "
                                 "not imported")
            continue
        kept.append(replace(coding, start=start, end=end, quote=text[start:end]))
    data.codings = kept
