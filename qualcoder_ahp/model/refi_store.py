"""Store methods for what REFI-QDA export reads and import writes.

A mixin of :class:`qualcoder_ahp.model.store.Store`, the only place naming the
tables this area touches. :meth:`RefiMixin.refi_snapshot` gathers what an export
needs with the stored GUIDs (themes, coders, transcripts, participants, codings,
memos), so GUIDs are stable from one export to the next. :meth:`RefiMixin.refi_import`
writes a whole file's records in ONE transaction: nothing is half-imported, and
everything is matched first by GUID (then by content hash, name or identical span),
so importing the same file twice adds nothing.

Imported codings and memos are also written to the event log (one ``refi_import``
event per coder, listing its changes like any decision), so the log still explains
every coding; the kind is not undoable by the coder's undo key.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import TYPE_CHECKING, Any

from qualcoder_ahp.errors import UserError
from qualcoder_ahp.records import Coding, Theme, TranscriptInfo, Turn

if TYPE_CHECKING:
    from qualcoder_ahp.model.store import Store
    from qualcoder_ahp.refi.reader import ImportSource, RefiData


@dataclass(frozen=True)
class MemoRow:
    """A memo with the GUIDs an export needs."""

    guid: str
    coder: str
    coder_guid: str
    kind: str
    target_guid: str
    target_label: str
    text: str
    updated_at: str


@dataclass(frozen=True)
class SummaryRow:
    """A framework cell summary (a ``cell`` memo) with what an export writes of it."""

    guid: str
    coder: str
    coder_guid: str
    case_key: str
    """``participant:P01`` or ``transcript:NAME``."""
    case_label: str
    theme_id: str
    theme_name: str
    source_guids: tuple[str, ...]
    """The GUIDs of the case's transcripts (every version)."""
    text: str
    updated_at: str


@dataclass
class ConsensusAdded:
    """Codings an import added to a consensus coder (:meth:`Store.consensus_coders`):
    the team's reconciled result, which here comes from reconcile decisions, but came in
    without any. ``held`` counts the coder's codings here before the import (0: none,
    a consensus coder new to the project or without codings yet)."""

    name: str
    added: int = 0
    held: int = 0


@dataclass(frozen=True)
class IdleCoder:
    """A coder an import added who brought no codings or memos, and why: the file held
    none of theirs, or what it held is here already or was left out (counted)."""

    name: str
    here_codings: int = 0
    here_memos: int = 0
    gone_codings: int = 0
    gone_memos: int = 0


@dataclass
class UnlistedUser:
    """A ``creatingUser`` the file's ``Users`` does not list: the coder whose codings
    and memos they became (:meth:`RefiMixin._unlisted_user`), and how many were added."""

    guid: str
    coder_id: int
    name: str
    new: bool
    """The import made the coder (else it was here: by the GUID, or the mapped name)."""
    mapped: bool = False
    """``--coder-map`` named the coder."""
    codings: int = 0
    memos: int = 0


def coding_label(theme_name: str, quote: str) -> str:
    """How a coding memo's ``Note`` names its coding, in the other tool's list of notes:
    ``Serendipity: "It was by chance, really"`` (the quote cut at 60 characters, on one
    line). It named the coding by its row number here (``coding 272``), which means
    nothing in NVivo, and changed from one project to the next."""
    words = " ".join(quote.split())
    if len(words) > 60:
        words = words[:59] + "\u2026"
    return f'{theme_name}: "{words}"'


def unlisted_name(guid: str) -> str:
    """The coder name of a user known only by a GUID: ``unknown user 3f2a9c1e``."""
    return f"unknown user {guid[:8]}"


@dataclass
class RefiSnapshot:
    """What an export writes, with stored GUIDs."""

    coders: list[tuple[str, str]] = field(default_factory=list)
    """``(name, guid)`` of every coder."""
    themes: list[tuple[Theme, str]] = field(default_factory=list)
    """Active themes and every theme an exported coding uses, in tree order."""
    retired: set[str] = field(default_factory=set)
    """Ids of those themes that are retired (kept for their codings)."""
    transcripts: list[TranscriptInfo] = field(default_factory=list)
    codings: list[tuple[Coding, str]] = field(default_factory=list)
    """Active codings with their ``created_at``."""
    memos: list[MemoRow] = field(default_factory=list)
    participants: list[tuple[str, str, dict[str, str], list[str]]] = field(default_factory=list)
    """``(code, guid, attributes, transcript guids)``."""
    attribute_order: list[str] = field(default_factory=list)
    """The attribute names, in the order they were defined (the participants file's
    columns): the file's ``Variables`` and each case's values keep it."""
    sources: dict[int, tuple[str, list[Turn]]] = field(default_factory=dict)
    """Transcript id -> stored text and turns (only in a snapshot with its codings)."""
    summaries: list[SummaryRow] = field(default_factory=list)
    """Framework cell summaries of a case of the project on an exported theme."""
    consensus: list[str] = field(default_factory=list)
    """The coders holding the team's reconciled codings (``consensus``, or any coder a
    reconcile decision went into), which the project's ``Description`` names."""
    merged: dict[str, list[tuple[str, str, str, str]]] = field(default_factory=dict)
    """Exported theme id -> the themes merged into it (``qcahp codebook merge-theme``):
    ``(name, id, coder, when)``, in the order they were merged; a theme merged into one
    that was merged on is listed under the theme that holds the codings now."""
    added: dict[int, str] = field(default_factory=dict)
    """Transcript id -> when it was added to the project (``imported_at``): the
    source's ``creationDateTime``."""
    uncoloured: set[str] = field(default_factory=set)
    """GUIDs of the themes that came from a REFI file without a colour
    (:data:`UNCOLOURED`): still grey, they go back without one."""


class RefiMixin:
    """REFI-QDA export and import methods of :class:`~qualcoder_ahp.model.store.Store`."""

    conn: sqlite3.Connection

    # ------------------------------------------------------------------ export
    def refi_snapshot(self: Store, *, codebook_only: bool = False,
                      codings: bool = True) -> RefiSnapshot:
        """Everything an export writes (themes only when ``codebook_only``).

        With ``codings=False`` the codings are left out of the snapshot (everything
        else is the same): a streaming export reads them one transcript at a time
        with :meth:`refi_codings` instead of holding a study's codings in memory.
        """
        snap = RefiSnapshot()
        guids = dict(self.conn.execute("SELECT id, guid FROM themes"))
        coded = [] if codebook_only or not codings else self.codings()
        if codebook_only:
            used: set[str] = set()
        elif codings:
            used = {c.theme_id for c in coded}
        else:
            used = {r[0] for r in self.conn.execute(
                "SELECT DISTINCT theme_id FROM codings WHERE active = 1")}
        all_themes = {t.id: t for t in self.themes(include_inactive=True)}
        active = {t.id for t in self.themes()}
        keep = set(active)
        for theme_id in used:  # retired themes still coded, with their ancestors
            while theme_id and theme_id not in keep:
                keep.add(theme_id)
                theme_id = all_themes[theme_id].parent_id
        snap.themes = [(t, guids[t.id]) for t in all_themes.values() if t.id in keep]
        snap.retired = keep - active
        snap.uncoloured = self.refi_uncoloured()
        snap.merged = self._refi_merges(all_themes, keep)
        if codebook_only:
            return snap
        snap.coders = list(self.conn.execute("SELECT name, guid FROM coders ORDER BY id"))
        special = self.consensus_coders()
        snap.consensus = [name for name, _ in snap.coders if name in special]
        snap.transcripts = self.transcripts()
        snap.added = dict(self.conn.execute("SELECT id, imported_at FROM transcripts"))
        if codings:
            created = dict(self.conn.execute(
                "SELECT id, created_at FROM codings WHERE active = 1"))
            snap.codings = [(c, created[c.id]) for c in coded]
            snap.sources = {t.id: (self.transcript_text(t.id), self.turns(t.id))
                            for t in snap.transcripts}
            coding_guids = {str(c.id): (c.guid, c.theme_id, c.quote) for c in coded}
        else:
            # Only the codings memos are written on (active ones, as above).
            coding_guids = {row[0]: tuple(row[1:]) for row in self.conn.execute(
                "SELECT CAST(id AS TEXT), guid, theme_id, quote FROM codings WHERE active = 1 "
                "AND CAST(id AS TEXT) IN (SELECT target_id FROM memos WHERE target_kind = "
                "'coding')")}
        transcript_guids = {str(t.id): t for t in snap.transcripts}
        for guid, coder, coder_guid, kind, target, text, updated in self.conn.execute(
            "SELECT m.guid, k.name, k.guid, m.target_kind, m.target_id, m.text, m.updated_at "
            "FROM memos m JOIN coders k ON k.id = m.coder_id ORDER BY m.id"
        ):
            if kind == "coding" and target in coding_guids:
                coding_guid, theme_id, quote = coding_guids[target]
                snap.memos.append(MemoRow(guid, coder, coder_guid, kind, coding_guid,
                                          coding_label(all_themes[theme_id].name, quote),
                                          text, updated))
            elif kind == "theme" and target in guids and target in keep:
                snap.memos.append(MemoRow(guid, coder, coder_guid, kind, guids[target],
                                          all_themes[target].name, text, updated))
            elif kind == "transcript":
                info = transcript_guids.get(target) or self._transcript_by_name(target)
                if info is not None:
                    snap.memos.append(MemoRow(guid, coder, coder_guid, kind, info.guid,
                                              info.name, text, updated))
        snap.summaries = self._refi_summaries(snap, all_themes, keep)
        by_participant: dict[str, list[str]] = {}
        for info in snap.transcripts:
            if info.participant:
                by_participant.setdefault(info.participant, []).append(info.guid)
        codes = dict(self.conn.execute("SELECT code, guid FROM participants"))
        snap.attribute_order = self.attribute_names()
        for code, attributes in self.participants().items():
            snap.participants.append((code, codes[code], attributes,
                                      by_participant.get(code, [])))
        return snap

    def _refi_merges(self: Store, themes: dict[str, Theme],
                     exported: set[str]) -> dict[str, list[tuple[str, str, str, str]]]:
        """:attr:`RefiSnapshot.merged`: each theme merged away (and not brought back),
        with who merged it and when, under the exported theme its codings are in now."""
        from qualcoder_ahp.reports.data import merged_target

        merged = self.merged_into()
        if not merged:
            return {}
        last: dict[str, tuple[str, str]] = {}
        for payload, coder, at in self.conn.execute(
                "SELECT e.payload, k.name, e.at FROM events e JOIN coders k ON k.id = "
                "e.coder_id WHERE e.kind = 'theme_merge' ORDER BY e.id"):
            theme_id = json.loads(payload).get("theme_id")
            if theme_id in merged:
                last[theme_id] = (coder, at)
        out: dict[str, list[tuple[str, str, str, str]]] = {}
        for theme_id in sorted(merged, key=lambda t: last.get(t, ("", ""))[1]):
            target = merged_target(theme_id, merged)
            if target in exported and theme_id in themes and theme_id in last:
                coder, at = last[theme_id]
                out.setdefault(target, []).append((themes[theme_id].name, theme_id, coder, at))
        return out

    def _refi_summaries(self: Store, snap: RefiSnapshot, themes: dict[str, Theme],
                        exported: set[str]) -> list[SummaryRow]:
        """The cell summaries an export writes: those of a case of the project (with
        its transcripts' GUIDs) on an exported theme, in the order they were written."""
        from qualcoder_ahp.model.framework_store import parse_cell, read_cases

        guid_of = {t.id: t.guid for t in snap.transcripts}
        cases = {c.key: c for c in read_cases(self.conn)}
        out = []
        for guid, coder, coder_guid, target, text, updated in self.conn.execute(
            "SELECT m.guid, k.name, k.guid, m.target_id, m.text, m.updated_at FROM memos m "
            "JOIN coders k ON k.id = m.coder_id WHERE m.target_kind = 'cell' ORDER BY m.id"
        ):
            parsed = parse_cell(target)
            case = cases.get(f"{parsed[0]}:{parsed[1]}") if parsed else None
            if parsed is None or case is None or parsed[2] not in exported:
                continue
            out.append(SummaryRow(guid, coder, coder_guid, case.key, case.label, parsed[2],
                                  themes[parsed[2]].name,
                                  tuple(guid_of[t] for t in case.transcripts if t in guid_of),
                                  text, updated))
        return out

    def refi_uncoloured(self: Store) -> set[str]:
        """The GUIDs of the themes made from REFI codes that had no colour
        (:data:`UNCOLOURED`), and not given one here since (a logged colour change: red,
        then back to grey, is a grey chosen on purpose)."""
        marks = self._uncoloured_marks()
        if not marks:
            return set()
        guids = dict(self.conn.execute("SELECT id, guid FROM themes"))
        recoloured: set[str] = set()
        for event_id, payload in self.conn.execute(
                "SELECT id, payload FROM events WHERE kind = 'theme_edit' AND id > ?",
                [min(marks.values())]):
            try:
                changes = json.loads(payload).get("changes") or []
            except (ValueError, AttributeError):
                continue
            recoloured |= {guids.get(c.get("id")) for c in changes if isinstance(c, dict)
                           and c.get("op") == "theme_field" and c.get("field") == "color"
                           and marks.get(guids.get(c.get("id")), event_id) < event_id}
        return set(marks) - recoloured

    def _uncoloured_marks(self: Store) -> dict[str, int]:
        """:data:`UNCOLOURED` read: GUID -> the last event's id when the theme came
        without a colour (a colour change logged after it gives the theme a colour).
        The list it was before (GUIDs only) reads as marks of 0."""
        try:
            found = json.loads(self.get_setting(UNCOLOURED) or "[]")
        except ValueError:
            return {}
        if isinstance(found, list):
            return {g: 0 for g in found if isinstance(g, str)}
        if isinstance(found, dict):
            return {g: m for g, m in found.items() if isinstance(m, int)}
        return {}

    def refi_mark_uncoloured(self: Store, uncoloured: set[str], coloured: set[str]) -> None:
        """Record that the themes ``uncoloured`` (ids) came from a REFI file without a
        colour, and that ``coloured`` came with one (they leave the list), as of now: a
        colour given here later makes a theme coloured again (:meth:`refi_uncoloured`).

        ``qcahp refi import`` marks the themes it adds; ``qcahp codebook load X.qdc``
        every theme of the file, since a new version replaces their colours.
        """
        guids = dict(self.conn.execute("SELECT id, guid FROM themes"))
        marks = self._uncoloured_marks()
        last = self.conn.execute("SELECT COALESCE(MAX(id), 0) FROM events").fetchone()[0]
        for theme_id in coloured:
            marks.pop(guids.get(theme_id, ""), None)
        marks.update({guids[t]: last for t in uncoloured if t in guids})
        if not marks and self.get_setting(UNCOLOURED) is None:
            return
        with self.write():
            self.conn.execute("INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) "
                              "DO UPDATE SET value = excluded.value",
                              [UNCOLOURED, json.dumps(dict(sorted(marks.items())))])

    def refi_keep_guids(self: Store, guids: dict[str, str]) -> int:
        """Give the themes ``guids`` names (theme id -> a ``.qdc`` code's GUID, valid
        and normalised) those GUIDs, after ``qcahp codebook load X.qdc``: the file's
        codes keep their identity when the codebook goes back to the other tool.

        A GUID is kept only where it is free (no other theme has it) and the theme has
        no codings yet: a theme with codings may have gone out under its GUID already,
        and a later import matches that one. Returns how many GUIDs changed.
        """
        changed = 0
        with self.write():
            held = dict(self.conn.execute("SELECT id, lower(guid) FROM themes"))
            owner = {guid: theme_id for theme_id, guid in held.items()}
            coded = {r[0] for r in self.conn.execute("SELECT DISTINCT theme_id FROM codings")}
            for theme_id, guid in sorted(guids.items()):
                if (theme_id not in held or held[theme_id] == guid or guid in owner
                        or theme_id in coded):
                    continue
                self.conn.execute("UPDATE themes SET guid = ? WHERE id = ?", [guid, theme_id])
                owner.pop(held[theme_id], None)
                owner[guid] = theme_id
                held[theme_id] = guid
                changed += 1
        return changed

    def refi_theme_ids(self: Store, guids: set[str]) -> dict[str, str]:
        """GUID (lower case) -> the id of the theme here that has it, for ``guids``."""
        return {guid: theme_id for theme_id, guid in self.conn.execute(
            "SELECT id, lower(guid) FROM themes") if guid in guids}

    def refi_imported_from(self: Store, coding_ids: set[int]) -> dict[int, tuple[str, str]]:
        """For each of ``coding_ids`` a ``refi import`` made: the file's name and the
        day it was imported (``2026-11-28``), from its ``refi_import`` event. The
        reconcile log says so of consensus codings that came without a decision."""
        found: dict[int, tuple[str, str]] = {}
        if not coding_ids:
            return found
        for raw, at in self.conn.execute(
                "SELECT payload, at FROM events WHERE kind = 'refi_import' ORDER BY id"):
            try:
                payload = json.loads(raw)
            except ValueError:
                continue
            name = PurePath(str(payload.get("file") or "a REFI-QDA file")).name
            for change in payload.get("changes") or []:
                cid = change.get("id") if isinstance(change, dict) else None
                if (change.get("op") == "coding" and change.get("before") == 0
                        and cid in coding_ids and cid not in found):
                    found[cid] = (name, str(at)[:10])
        return found

    def refi_codings(self: Store, transcript_id: int) -> list[tuple[Coding, str]]:
        """One transcript's active codings with their ``created_at``, in export order."""
        created = dict(self.conn.execute(
            "SELECT id, created_at FROM codings WHERE active = 1 AND transcript_id = ?",
            [transcript_id]))
        return [(c, created[c.id]) for c in self.codings(transcript_id=transcript_id)]

    def refi_find_transcript(self: Store, *, text: str | None = None,
                             guid: str | None = None) -> int | None:
        """The id of the transcript holding exactly ``text``, or having ``guid``."""
        from qualcoder_ahp.model.store import content_hash

        if text is not None:
            row = self.conn.execute("SELECT id FROM transcripts WHERE content_hash = ?",
                                    [content_hash(text)]).fetchone()
        else:
            row = self.conn.execute("SELECT id FROM transcripts WHERE lower(guid) = ?",
                                    [(guid or "").lower()]).fetchone()
        return int(row[0]) if row else None

    def _transcript_by_name(self: Store, ref: str) -> TranscriptInfo | None:
        try:
            return self.transcript(ref)
        except UserError:
            return None

    # ------------------------------------------------------------------ import
    def refi_import(
        self: Store,
        data: RefiData,
        *,
        coder_map: dict[str, str] | None = None,
        default_coder: str | None = None,
        new_version: bool = False,
        dry_run: bool = False,
        transcript_clash: str = "refuse",
        code_clash: str = "refuse",
    ) -> dict[str, Any]:
        """Write one file's records in one transaction; returns counts of what was added.

        Args:
            data: what :func:`qualcoder_ahp.refi.reader.read_refi` read.
            coder_map: file user name (or GUID) -> coder name here.
            default_coder: coder for codings and notes that name no known user. None:
                the file's only user for those that name no user at all, when it has
                one user, else :data:`DEFAULT_CODER`.
            new_version: store a source whose name is taken by other content as a new
                version instead of refusing the import.
            dry_run: do everything, count it, then roll the transaction back.
            transcript_clash: a source whose name a transcript here has, with other
                text: ``refuse`` the import (every such name is listed), store it as a
                ``new-version`` of that transcript (``new_version`` says the same),
                ``rename`` it (``grace (team)``), or ``skip`` it with its codings.
            code_clash: a code whose name a theme here has, elsewhere in the tree (not
                the same code: another GUID, no ``Theme id:`` of ours, another parent):
                ``refuse`` the import, ``merge`` it into that theme, or ``rename`` it
                (a new theme ``Board (team)``). See :data:`TRANSCRIPT_CLASH`.
        """
        from qualcoder_ahp.refi.safe import norm_guid

        # A user's GUID as --coder-map gives it: any case, with or without braces.
        coder_map = {**(coder_map or {}), **{norm_guid(k): v for k, v in (
            coder_map or {}).items() if norm_guid(k)}}
        stats = dict.fromkeys(("themes", "coders", "transcripts", "codings", "memos",
                               "participants", "attributes"), 0)
        stats["cell_summaries"] = 0  # of the memos: framework summaries
        stats["skipped"] = []
        stats["notes"] = []
        # What the file held that was here already, and what was left out and why: the
        # summary says it (an import that only added a coder used to read as a success).
        stats["present"] = dict.fromkeys(("themes", "transcripts", "codings", "memos",
                                          "participants"), 0)
        stats["left_out"] = dict.fromkeys(LEFT_OUT, 0)
        stats["new_coders"] = {}
        stats["new_versions"] = []
        if transcript_clash not in TRANSCRIPT_CLASH or code_clash not in CODE_CLASH:
            raise UserError(f"unknown clash choice {transcript_clash!r} / {code_clash!r}")
        if new_version:
            transcript_clash = "new-version"
        clashes = _Clashes(transcript_clash, code_clash, PurePath(data.path).stem)
        stats["clashes"] = clashes
        try:
            with self.write():
                if data.kind == "project" and data.name and not self.conn.execute(
                        "SELECT 1 FROM themes UNION ALL SELECT 1 FROM transcripts "
                        "UNION ALL SELECT 1 FROM settings WHERE key = ? LIMIT 1",
                        [PROJECT_NAME]).fetchone():
                    # A project made from this file keeps its name when it goes back out.
                    self.conn.execute("INSERT INTO settings (key, value) VALUES (?, ?)",
                                      [PROJECT_NAME, data.name])
                themes = _ThemeMatcher(self).run(data, stats)
                coders = self._import_users(data, coder_map, stats)
                withdrawn: dict[str, int] = {}
                moved: dict[int, tuple[str, list[int]]] = {}
                sources = self._import_sources(data, clashes, stats, withdrawn, moved)
                clashes.refuse(data.path)  # every name taken, in one line; nothing written
                ctx = _ImportContext(themes, coders, sources, default_coder or DEFAULT_CODER,
                                     {}, {}, withdrawn, coder_map=coder_map, moved=moved)
                if default_coder is None and len(data.users) == 1:
                    # A one-user file whose codings name no user (creatingUser is
                    # optional) is that user's work, not an anonymous "imported" coder's.
                    ctx.sole = coders.get(data.users[0].guid)
                self._import_codings(data, ctx, stats)
                for source in data.sources:
                    if source.guid in withdrawn:
                        stats["skipped"].append(
                            f"source {source.name!r}: withdrawn from this project (qcahp "
                            f"withdraw); skipped, with its {withdrawn[source.guid]} coding(s) "
                            "and notes")
                stats["withdrawn_sources"] = len(withdrawn)
                stats["left_out"]["withdrawn_sources"] = len(withdrawn)
                self._import_cases(data, sources, stats, withdrawn,
                                   {guid for guid, _ in clashes.sources})
                self._import_notes(data, ctx, stats)
                stats["left_out"]["withdrawn_codings"] = sum(withdrawn.values())
                if ctx.sole is not None and any(ctx.attributed.values()):
                    stats["attributed"] = (self._coder_name(ctx.sole), ctx.attributed)
                stats["coders"] += sum(u.new for u in ctx.unlisted.values())
                stats["unlisted"] = [u for u in ctx.unlisted.values()
                                     if u.codings or u.memos]
                stats["idle_coders"] = [
                    IdleCoder(name, **ctx.tally.get(coder_id, {}))
                    for coder_id, name in stats.pop("new_coders").items()
                    if coder_id not in ctx.changes]
                for coder_id, changes in ctx.changes.items():
                    self.log_event(coder_id, "refi_import", {  # the name, not a login
                        "changes": changes, "file": PurePath(data.path).name})
                if dry_run:
                    raise _RolledBack
        except _RolledBack:
            pass
        return stats

    def _import_users(self: Store, data: RefiData, coder_map: dict[str, str],
                      stats: dict[str, Any]) -> dict[str, int]:
        from qualcoder_ahp.model.store import new_guid, now

        out: dict[str, int] = {}
        file_names = {user.guid: user.name for user in data.users}
        for user in data.users:
            row = self.conn.execute("SELECT id FROM coders WHERE lower(guid) = ?",
                                    [user.guid]).fetchone()
            name = coder_map.get(user.name) or coder_map.get(user.guid)
            if row and not name:
                out[user.guid] = int(row[0])
                continue
            name = (name or user.name).strip() or user.guid
            row = self.conn.execute("SELECT id FROM coders WHERE name = ?", [name]).fetchone()
            if row:
                out[user.guid] = int(row[0])
                first = next((g for g, c in out.items() if c == row[0] and g != user.guid),
                             None)
                if (first is not None and file_names.get(first) == user.name
                        and user.guid not in coder_map):
                    # Two people called "Admin" (ATLAS.ti's first user) became one coder
                    # without a word: their agreement is lost. (Users of other names that
                    # --coder-map joins are joined on purpose.)
                    stats["notes"].append(
                        f"users {first} and {user.guid} of the file are both called "
                        f"{user.name!r}: their work is one coder's here, {name} (--coder-map "
                        f'"{user.guid}=NAME" keeps them apart)')
                continue
            taken = self.conn.execute("SELECT 1 FROM coders WHERE lower(guid) = ?",
                                      [user.guid]).fetchone()
            cur = self.conn.execute(
                "INSERT INTO coders (name, guid, created_at) VALUES (?, ?, ?)",
                [name, new_guid() if taken else user.guid, now()])
            out[user.guid] = int(cur.lastrowid or 0)
            stats["coders"] += 1
            stats["new_coders"][out[user.guid]] = name
        return out

    def _import_sources(self: Store, data: RefiData, clashes: _Clashes,
                        stats: dict[str, Any], withdrawn: dict[str, int],
                        moved: dict[int, tuple[str, list[int]]]) -> dict[str, int]:
        from qualcoder_ahp.model.store import content_hash

        new_version = clashes.transcripts == "new-version"

        out: dict[str, int] = {}
        versioned: set[str] = set()  # transcripts an earlier version in the file is of
        renamed: dict[str, str] = {}  # a renamed source's later versions follow it
        stored: set[str] = set()  # names this import gave transcripts
        for source in _in_version_order(data.sources):
            name = source.version[0] if source.version else source.name
            name = renamed.get(name, name)
            same = self.conn.execute("SELECT id, name FROM transcripts WHERE content_hash = ?",
                                     [content_hash(source.text)]).fetchone()
            if not same:
                same = self._stored_unnormalised(source, name, moved)
            if same:  # this text is here already (with its turns): nothing to parse
                out[source.guid] = int(same[0])
                stats["present"]["transcripts"] += 1
                if source.version and same[1] == name:
                    versioned.add(name)
                continue
            if self.withdrawn_event(content_hash(source.text), source.former
                                    and content_hash(source.former)) is not None:
                withdrawn[source.guid] = 0  # a participant withdrew it: it stays out
                continue
            guid_taken = self.conn.execute("SELECT 1 FROM transcripts WHERE guid = ?",
                                           [source.guid]).fetchone()
            if (not new_version and name not in versioned
                    and self._name_taken(name, content_hash(source.text))):
                # Another text under this name: the researcher chose what to do
                # (--transcript-clash), else every such name is listed and nothing kept.
                if name in stored:  # NVivo names two files in two folders alike
                    clashes.twice.add(name)
                if clashes.transcripts == "rename":
                    new_name = self._free_transcript_name(f"{name} ({clashes.stem})")
                    clashes.renamed_sources.append((name, new_name))
                    renamed[name] = name = new_name
                else:
                    clashes.sources.append((source.guid, name))
                    continue
            # A later version of a transcript whose earlier one the file brought (ours:
            # "Helen (v2)" after "Helen (v1)") is a new version of it, not a name clash.
            info, _ = self.add_transcript(name, source.parsed, path=data.path,
                                          new_version=new_version or name in versioned)
            if info.version > 1 and name not in versioned:
                # --new-version: the file's text differs from the transcript of that name
                # here, and the summary says it became a version of it.
                stats["new_versions"].append((name, info.version))
            if source.version:
                versioned.add(name)
            out[source.guid] = info.id
            stored.add(name)
            stats["transcripts"] += 1
            if not guid_taken:  # keep the other tool's GUID so a second import matches it
                self.conn.execute("UPDATE transcripts SET guid = ? WHERE id = ?",
                                  [source.guid, info.id])
            if source.created:  # when the file's project added it, as a coding's time
                self.conn.execute("UPDATE transcripts SET imported_at = ? WHERE id = ?",
                                  [source.created, info.id])
        return out

    def _stored_unnormalised(self: Store, source: ImportSource, name: str,
                             moved: dict[int, tuple[str, list[int]]]
                             ) -> tuple[int, str] | None:
        """The transcript here (of the source's GUID, name or text as stored before
        session 24) whose stored text is the file's once normalised as an import now
        stores text, or None.

        A transcript imported before ``qcahp import`` stored Unicode's other spaces as
        spaces and dropped soft hyphens (session 24) still holds them, and so does its
        ``.qdpx``; the file's text, normalised on the way in, was no longer the stored
        text, and the project's own export was refused as another text of that name.
        ``moved`` gets the transcript's normalised text and, for each offset in it, the
        offset in the stored text, so the file's codings land on the same words.
        """
        from qualcoder_ahp.refi.text import normalise

        from qualcoder_ahp.model.store import content_hash

        former = content_hash(source.former) if source.former else ""
        rows = self.conn.execute("SELECT id, name, text FROM transcripts WHERE guid = ? "
                                 "OR name = ? OR content_hash = ? ORDER BY content_hash = ? "
                                 "DESC, guid = ? DESC, version DESC",
                                 [source.guid, name, former, former, source.guid]).fetchall()
        for tid, here, stored in rows:
            normal, bounds = normalise(stored)
            if normal != source.text or normal == stored or len(bounds) != len(stored) + 1:
                continue
            back = [len(stored)] * (len(normal) + 1)
            for offset in range(len(stored), -1, -1):  # the first stored offset of each
                back[bounds[offset]] = offset
            moved[int(tid)] = (normal, back)
            return int(tid), str(here)
        return None

    def _name_taken(self: Store, name: str, digest: str) -> bool:
        """Whether ``name`` is a transcript's here whose text is other than ``digest``'s
        (the unredacted original of a redacted transcript is that transcript)."""
        taken = self.conn.execute("SELECT 1 FROM transcripts WHERE name = ?",
                                  [name]).fetchone()
        return taken is not None and self._redacted_from(digest) is None

    def _free_transcript_name(self: Store, name: str) -> str:
        """``name``, or ``name 2``, ``name 3``... the first no transcript here has."""
        candidate, n = name, 2
        while self.conn.execute("SELECT 1 FROM transcripts WHERE name = ?",
                                 [candidate]).fetchone():
            candidate, n = f"{name} {n}", n + 1
        return candidate

    def _coder_name(self: Store, coder_id: int) -> str:
        return str(self.conn.execute("SELECT name FROM coders WHERE id = ?",
                                     [coder_id]).fetchone()[0])

    def _coder_for(self: Store, user_guid: str | None, ctx: _ImportContext) -> int:
        """The coder of a coding or note: its user's, else (naming no user) the file's
        only user, else the default coder. A user the file does not list is a coder of
        their own (:meth:`_unlisted_user`), never the default coder."""
        if not user_guid and ctx.sole is not None:
            return ctx.sole
        if user_guid and user_guid in ctx.coders:
            return ctx.coders[user_guid]
        if user_guid:
            return self._unlisted_user(user_guid, ctx).coder_id
        return self.ensure_coder(ctx.default_coder)

    def _unlisted_user(self: Store, user_guid: str, ctx: _ImportContext) -> UnlistedUser:
        """The coder of a ``creatingUser`` the file's ``Users`` does not list.

        Such codings used to go to the default coder without a word, mixed with the
        codings that name no user: two people's work became one coder's, and agreement
        between them was lost. Each unlisted GUID is a coder of its own instead: the
        coder here with that GUID, else the one ``--coder-map GUID=NAME`` (or
        ``"unknown user 3f2a9c1e=NAME"``) names, else a new coder ``unknown user
        3f2a9c1e`` (the GUID's first eight digits) holding the GUID, so that a later
        import matches them and a file that lists the user finds the same coder. The
        report says whose they became (:class:`UnlistedUser`).
        """
        from qualcoder_ahp.model.store import now

        if user_guid in ctx.unlisted:
            return ctx.unlisted[user_guid]
        stand_in = unlisted_name(user_guid)
        row = self.conn.execute("SELECT id, name FROM coders WHERE lower(guid) = ?",
                                [user_guid]).fetchone()
        new = False
        mapped = ctx.coder_map.get(user_guid) or ctx.coder_map.get(stand_in)
        if row is None:
            name = (mapped or stand_in).strip()
            row = self.conn.execute("SELECT id, name FROM coders WHERE name = ?",
                                    [name]).fetchone()
            if row is not None and name == stand_in:  # another GUID with the same start
                name = f"unknown user {user_guid}"
                row = self.conn.execute("SELECT id, name FROM coders WHERE name = ?",
                                        [name]).fetchone()
            if row is None:
                cur = self.conn.execute(
                    "INSERT INTO coders (name, guid, created_at) VALUES (?, ?, ?)",
                    [name, user_guid, now()])
                row, new = (int(cur.lastrowid or 0), name), True
        found = UnlistedUser(user_guid, int(row[0]), str(row[1]), new, bool(mapped))
        ctx.unlisted[user_guid] = found
        return found

    def _import_codings(self: Store, data: RefiData, ctx: _ImportContext,
                        stats: dict[str, Any]) -> None:
        from qualcoder_ahp.model.store import now

        texts: dict[int, str] = {}
        consensus = {u.guid for u in data.users if u.name in data.consensus}
        # A coder who holds the reconciled result here (`consensus`, or one a reconcile
        # decision went into) holds only consensus codings, whatever the file calls the
        # user: their codings are counted apart, as they come without decisions.
        reconciling = self.consensus_coders()
        added: dict[tuple[int, bool], ConsensusAdded | None] = {}
        for coding in data.codings:
            tid = ctx.sources.get(coding.source_guid)
            theme_id = ctx.themes.get(coding.theme_guid)
            if theme_id is None:  # a code this project already has, not listed in the file
                row = self.conn.execute("SELECT id FROM themes WHERE lower(guid) = ?",
                                        [coding.theme_guid]).fetchone()
                theme_id = row[0] if row else None
            if tid is None and coding.source_guid in ctx.withdrawn:
                ctx.withdrawn[coding.source_guid] += 1  # said once for the source
                ctx.count(ctx.owner(coding.user_guid), "gone_codings")
                continue
            if tid is None or theme_id is None:
                what = ("source was not imported" if tid is None
                        else "code is in neither the file nor this project")
                stats["skipped"].append(f"coding {coding.guid}: its {what}")
                stats["left_out"]["codings"] += 1
                ctx.count(ctx.owner(coding.user_guid), "gone_codings")
                continue
            if tid not in texts:
                texts[tid] = self.transcript_text(tid)
            start, end, quote = coding.start, coding.end, coding.quote
            if tid in ctx.moved:  # the file's offsets are in the text normalised
                normal, back = ctx.moved[tid]
                if 0 <= start <= end <= len(normal) and normal[start:end] == quote:
                    start, end = back[start], back[end]
                    quote = texts[tid][start:end]
            if texts[tid][start:end] != quote:
                # Never a coding in the wrong place: the words there must be the words
                # the file selected (a file whose sources share a GUID did this).
                stats["skipped"].append(
                    f"coding {coding.guid}: [{coding.start}, {coding.end}) of its transcript "
                    f"is not the text the file selected ({coding.quote[:60]!r}); not imported")
                stats["left_out"]["codings"] += 1
                ctx.count(ctx.owner(coding.user_guid), "gone_codings")
                continue
            row = self.conn.execute("SELECT id FROM codings WHERE guid = ?",
                                    [coding.guid]).fetchone()
            coder_id = self._coder_for(coding.user_guid, ctx)
            if row is None:
                row = self.conn.execute(
                    'SELECT id FROM codings WHERE transcript_id = ? AND theme_id = ? AND '
                    'coder_id = ? AND start = ? AND "end" = ? AND active = 1',
                    [tid, theme_id, coder_id, start, end]).fetchone()
            if row is not None:
                ctx.codings[coding.guid] = (int(row[0]), coder_id)
                stats["present"]["codings"] += 1
                ctx.count(coder_id, "here_codings")
                continue
            # A consensus coder's codings are the team's reconciled result: origin
            # "consensus" keeps them one (reports leave them out of agreement, and no
            # one codes into them by hand), whatever the coder is called here.
            key = (coder_id, coding.user_guid in consensus)
            if key not in added:
                name = self._coder_name(coder_id)
                held = self.conn.execute("SELECT COUNT(*) FROM codings WHERE coder_id = ? "
                                         "AND active = 1", [coder_id]).fetchone()[0]
                added[key] = (ConsensusAdded(name, 0, int(held))
                              if key[1] or name in reconciling else None)
            origin = "imported"
            if added[key] is not None:
                origin = "consensus"
                added[key].added += 1  # type: ignore[union-attr]
            cur = self.conn.execute(
                'INSERT INTO codings (transcript_id, theme_id, coder_id, start, "end", quote, '
                "origin, suggestion_id, active, created_at, guid) "
                "VALUES (?,?,?,?,?,?,?,NULL,1,?,?)",
                [tid, theme_id, coder_id, start, end, quote, origin,
                 coding.created or now(), coding.guid])
            coding_id = int(cur.lastrowid or 0)
            ctx.codings[coding.guid] = (coding_id, coder_id)
            ctx.changes.setdefault(coder_id, []).append(
                {"op": "coding", "id": coding_id, "before": 0, "after": 1})
            stats["codings"] += 1
            ctx.attributed["codings"] += not coding.user_guid and ctx.sole is not None
            if coding.user_guid in ctx.unlisted:
                ctx.unlisted[coding.user_guid].codings += 1
        by_coder: dict[str, ConsensusAdded] = {}
        for found in added.values():
            if found is not None and found.added:
                mine = by_coder.setdefault(found.name, ConsensusAdded(found.name, 0, found.held))
                mine.added += found.added
        stats["consensus"] = list(by_coder.values())

    def _import_cases(self: Store, data: RefiData, sources: dict[str, int],
                      stats: dict[str, Any], withdrawn: dict[str, int],
                      skipped: set[str]) -> None:
        gone = self.withdrawn_participants()
        # The file's variables in its order (a case leaves out those it has no value of).
        self.define_attributes(data.variables.values())
        for case in data.cases:
            row = self.conn.execute("SELECT id, code FROM participants WHERE lower(guid) = ?",
                                    [case.guid]).fetchone()
            if row is None and case.source_guids and all(g in skipped
                                                         for g in case.source_guids):
                # Its transcripts were skipped (--transcript-clash skip): its attributes
                # are another person's than a participant of its name here.
                stats["skipped"].append(f"case {case.name!r}: its sources were skipped "
                                        "(--transcript-clash skip); skipped")
                continue
            if row is None and (case.name in gone or (case.source_guids and all(
                    g in withdrawn for g in case.source_guids))):
                stats["skipped"].append(f"case {case.name!r}: a participant withdrawn from "
                                        "this project (qcahp withdraw); skipped")
                stats["left_out"]["withdrawn_cases"] += 1
                continue
            if row is None:
                row = self.conn.execute("SELECT id, code FROM participants WHERE code = ?",
                                        [case.name]).fetchone()
            if row is not None:
                stats["present"]["participants"] += 1
            else:
                cur = self.conn.execute("INSERT INTO participants (code, guid) VALUES (?, ?)",
                                        [case.name, case.guid])
                row = (int(cur.lastrowid or 0), case.name)
                stats["participants"] += 1
            pid = int(row[0])
            self.define_attributes(case.attributes)  # the file's variables, in its order
            for name, value in case.attributes.items():
                old = self.conn.execute(
                    "SELECT value FROM participant_attributes WHERE participant_id = ? "
                    "AND name = ?", [pid, name]).fetchone()
                if old is None:
                    self.conn.execute("INSERT INTO participant_attributes (participant_id, "
                                      "name, value) VALUES (?, ?, ?)", [pid, name, value])
                    stats["attributes"] += 1
                elif old[0] != value:
                    stats["left_out"]["attributes"] += 1
                    stats["skipped"].append(f"participant {row[1]}: {name} stays {old[0]!r} "
                                            f"(file says {value!r})")
            for guid in case.source_guids:
                if guid in sources:
                    self.conn.execute("UPDATE transcripts SET participant_id = ? WHERE id = ? "
                                      "AND participant_id IS NULL", [pid, sources[guid]])

    def _import_notes(self: Store, data: RefiData, ctx: _ImportContext,
                      stats: dict[str, Any]) -> None:
        from qualcoder_ahp.model.store import new_guid, now

        targets: dict[str, list[tuple[str, str, int | None]]] = {}
        written: dict[tuple[int, str, str], int] = {}  # memos this import wrote: row id
        cells = self._refi_cells(data, ctx, stats)
        for note, target in cells.items():
            targets[note] = [("cell", target, None)]
        for theme in data.themes:
            for note in theme.note_guids:
                if theme.guid in ctx.themes and note not in cells:
                    targets.setdefault(note, []).append(("theme", ctx.themes[theme.guid], None))
        for source in data.sources:
            for note in source.note_guids:
                if source.guid in ctx.sources and note not in cells:
                    targets.setdefault(note, []).append(
                        ("transcript", str(ctx.sources[source.guid]), None))
        for coding in data.codings:
            for note in coding.note_guids:
                if coding.guid in ctx.codings:
                    coding_id, coder_id = ctx.codings[coding.guid]
                    targets.setdefault(note, []).append(("coding", str(coding_id), coder_id))
        for note in data.notes:
            if note.guid not in targets:
                stats["skipped"].append(f"note {note.name!r}: attached to nothing imported")
                stats["left_out"]["notes"] += 1
                ctx.count(ctx.owner(note.user_guid), "gone_memos")
            for kind, target, owner in targets.get(note.guid, []):
                coder_id = (self._coder_for(note.user_guid, ctx) if note.user_guid
                            else owner or self._coder_for(None, ctx))
                old = self.conn.execute(
                    "SELECT text, guid, id FROM memos WHERE coder_id = ? AND target_kind = ? "
                    "AND target_id = ?", [coder_id, kind, target]).fetchone()
                if old is not None and written.get((coder_id, kind, target)) == old[2] \
                        and note.text not in old[0]:
                    # Two notes of one coder on one thing in this file (a source's
                    # description and a memo linked to it, say): one memo holds both.
                    both = f"{old[0]}\n\n{note.text}"
                    self.conn.execute("UPDATE memos SET text = ? WHERE id = ?", [both, old[2]])
                    ctx.changes.setdefault(coder_id, []).append(
                        {"op": "memo", "kind": kind, "target": target, "before": old[0],
                         "after": both})
                    continue
                if old is not None:
                    if old[0] != note.text and note.text not in old[0]:
                        stats["skipped"].append(f"note {note.name!r}: a different memo is "
                                                "already there; kept")
                        stats["left_out"]["memos_kept"] += 1
                        ctx.count(coder_id, "gone_memos")
                    else:
                        stats["present"]["memos"] += 1
                        ctx.count(coder_id, "here_memos")
                    continue
                taken = self.conn.execute("SELECT 1 FROM memos WHERE guid = ?",
                                          [note.guid]).fetchone()
                cur = self.conn.execute(
                    "INSERT INTO memos (coder_id, target_kind, target_id, text, updated_at, "
                    "guid) VALUES (?,?,?,?,?,?)",
                    [coder_id, kind, target, note.text, note.created or now(),
                     new_guid() if taken else note.guid])
                written[(coder_id, kind, target)] = int(cur.lastrowid or 0)
                ctx.changes.setdefault(coder_id, []).append(
                    {"op": "memo", "kind": kind, "target": target, "before": None,
                     "after": note.text})
                stats["memos"] += 1
                stats["cell_summaries"] += kind == "cell"
                ctx.attributed["memos"] += (not note.user_guid and owner is None
                                            and ctx.sole is not None)
                if note.user_guid in ctx.unlisted:
                    ctx.unlisted[note.user_guid].memos += 1

    def _refi_cells(self: Store, data: RefiData, ctx: _ImportContext,
                    stats: dict[str, Any]) -> dict[str, str]:
        """The file's framework cell summaries (notes :mod:`qualcoder_ahp.refi.export`
        wrote as such): note GUID -> the cell here (``participant:P01|serendipity``).

        The case is the one here holding the transcripts whose sources refer to the
        note (a participant's code may differ here), else the case the note names; the
        theme is the file's code with the theme id the note names (or that theme here).
        A summary whose case or theme is not here stays a memo on its transcripts.
        """
        from qualcoder_ahp.model.framework_store import cell_target, read_cases

        wanted = {n.guid: n for n in data.notes if n.summary is not None}
        if not wanted:
            return {}
        case_of = {tid: case.key for case in read_cases(self.conn) for tid in case.transcripts}
        keys = set(case_of.values())
        referred: dict[str, set[str]] = {}
        for source in data.sources:
            for note in source.note_guids:
                if note in wanted and source.guid in ctx.sources:
                    referred.setdefault(note, set()).add(case_of[ctx.sources[source.guid]])
        theme_of = {t.theme.id: ctx.themes[t.guid] for t in data.themes
                    if t.guid and t.guid in ctx.themes}
        out: dict[str, str] = {}
        for guid, note in wanted.items():
            named_case, named_theme = note.summary or ("", "")
            found = referred.get(guid, set())
            case = (found.pop() if len(found) == 1 else
                    named_case if named_case in keys and not found else None)
            theme = theme_of.get(named_theme)
            if theme is None and self.conn.execute(
                    "SELECT 1 FROM themes WHERE id = ?", [named_theme]).fetchone():
                theme = named_theme
            if case is None or theme is None:
                stats["notes"].append(f"note {note.name!r}: a framework summary whose "
                                      f"{'case' if case is None else 'theme'} is not in this "
                                      "project; kept as a memo on its transcripts")
                continue
            out[guid] = cell_target(case, theme)
        return out


DEFAULT_CODER = "imported"
"""The coder of codings and notes that name no user, in a file of no user or several."""

UNCOLOURED = "refi_uncoloured_themes"
"""The setting listing (JSON) the GUIDs of themes an import made from codes that had no
colour. They are shown grey (``#888888``) like a theme given that grey on purpose; the
list tells them apart, so that only they go back without a colour."""

PROJECT_NAME = "refi_project_name"
"""The setting holding the name of the REFI project a project was made from: its
export's name, unless ``--name`` gives another."""

LEFT_OUT = ("withdrawn_sources", "withdrawn_codings", "withdrawn_cases", "codings", "notes",
            "memos_kept", "attributes")
"""What an import leaves out, counted (each also has a warning): sources withdrawn here
and their codings, their cases, codings of a source not imported or a code unknown,
notes attached to nothing imported, notes where a different memo is kept, and attribute
values that differ from the ones here (kept)."""


TRANSCRIPT_CLASH = ("refuse", "new-version", "rename", "skip")
"""What to do with a source whose name a transcript here has, with other text."""
CODE_CLASH = ("refuse", "merge", "rename")
"""What to do with a code whose name a theme here has, elsewhere in the tree."""


@dataclass
class _Clashes:
    """The names of the file taken here, and what became of them (the summary says)."""

    transcripts: str
    codes: str
    stem: str
    """The file's name without its suffix: what a renamed source or code is marked by."""
    sources: list[tuple[str, str]] = field(default_factory=list)
    """``(guid, name)`` of each source refused or skipped."""
    twice: set[str] = field(default_factory=set)
    """Of those, names an earlier source of the file took (not a transcript here)."""
    renamed_sources: list[tuple[str, str]] = field(default_factory=list)
    """``(name in the file, name here)``."""
    codes_taken: list[tuple[str, str, str]] = field(default_factory=list)
    """``(code name, its place in the file, the theme here of that name)``."""
    merged_codes: list[tuple[str, str, str]] = field(default_factory=list)
    """``(code name, its place in the file, theme id here)`` merged by ``merge``."""
    into_folder: list[tuple[str, str]] = field(default_factory=list)
    """``(code name, theme id)``: ``merge`` asked of a code into a folder here, which
    cannot take codings (refused)."""
    renamed_codes: list[tuple[str, str, str]] = field(default_factory=list)
    """``(code name, new theme name, new theme id)``."""
    by_name: list[str] = field(default_factory=list)
    """Codes matched to the theme of their name and place here, whose GUID differs."""
    by_id: list[str] = field(default_factory=list)
    """Codes matched by their ``Theme id:`` line and name, whose GUID differs (two
    projects that loaded one YAML codebook each gave its themes their own GUIDs)."""

    def refuse(self, path: str) -> None:
        """Raise one line naming every clash the researcher has not chosen for."""
        parts = []
        here = [n for _, n in self.sources if n not in self.twice]
        if here and self.transcripts == "refuse":
            names = ", ".join(repr(n) for n in here)
            noun = "transcript" if len(here) == 1 else "transcripts"
            parts.append(f"a different {noun} named {names} "
                         f"{'is' if len(here) == 1 else 'are'} already stored")
        if self.twice and self.transcripts == "refuse":
            names = ", ".join(repr(n) for n in sorted(self.twice))
            parts.append(f"the file has sources of one name with different texts ({names}: "
                         "files of one name in two folders?)")
        if self.codes_taken and self.codes == "refuse":
            listed = ", ".join(f"{name!r} ({where} in the file; theme {here} here)"
                               for name, where, here in self.codes_taken)
            parts.append(f"{'a code' if len(self.codes_taken) == 1 else 'codes'} named "
                         f"like a theme elsewhere in this codebook: {listed}")
        if self.into_folder:
            listed = ", ".join(f"{name!r} into {theme_id}" for name, theme_id in
                               self.into_folder)
            parts.append(f"--code-clash merge cannot put a code into a folder, which "
                         f"cannot be coded ({listed})")
        if not parts:
            return
        choose = []
        if self.sources and self.transcripts == "refuse":
            choose.append("--transcript-clash new-version, rename or skip (--new-version "
                          "stores it as a new version)")
        if self.codes_taken and self.codes == "refuse":
            choose.append("--code-clash merge or rename")
        if self.into_folder:
            choose.append("--code-clash rename")
        raise UserError(f"{'; '.join(parts)}; nothing imported: choose with "
                        f"{' and '.join(choose)}", path=path)


class _RolledBack(Exception):
    """Raised inside the import transaction of a dry run to undo it."""


@dataclass
class _ImportContext:
    themes: dict[str, str]
    coders: dict[str, int]
    sources: dict[str, int]
    default_coder: str
    codings: dict[str, tuple[int, int]]
    changes: dict[int, list[dict[str, Any]]] = field(default_factory=dict)
    withdrawn: dict[str, int] = field(default_factory=dict)
    """GUIDs of the file's sources withdrawn from this project (``qcahp withdraw``), with
    how many of their codings were left out."""
    sole: int | None = None
    """The coder of the file's only user, who is given the codings and notes that name
    no user (None: they go to :attr:`default_coder`)."""
    attributed: dict[str, int] = field(default_factory=lambda: {"codings": 0, "memos": 0})
    """Codings and memos added that named no user and were given to :attr:`sole`."""
    coder_map: dict[str, str] = field(default_factory=dict)
    """``--coder-map``: file user name or GUID -> coder name here."""
    unlisted: dict[str, UnlistedUser] = field(default_factory=dict)
    """The users that codings or notes name and the file does not list, by GUID."""
    moved: dict[int, tuple[str, list[int]]] = field(default_factory=dict)
    """Transcript id -> its text normalised as the file's is, and each offset in it as an
    offset in the stored text: transcripts stored before import normalised spaces and
    soft hyphens (:meth:`RefiMixin._stored_unnormalised`)."""
    tally: dict[int, dict[str, int]] = field(default_factory=dict)
    """Coder id -> the file's codings and memos of theirs here already or left out
    (:class:`IdleCoder`'s counts), so a coder who brings nothing is told apart from
    one the file names with no work at all."""

    def owner(self, user_guid: str | None) -> int | None:
        """The coder a record of ``user_guid`` (None: naming no user) is counted for."""
        return self.coders.get(user_guid) if user_guid else self.sole

    def count(self, coder_id: int | None, what: str) -> None:
        """Count one of the file's codings or memos, by its coder, as ``what``."""
        if coder_id is not None:
            mine = self.tally.setdefault(coder_id, {})
            mine[what] = mine.get(what, 0) + 1


class _ThemeMatcher:
    """Match file codes to themes: by GUID, then by our id with the same name, then
    by name under the same parent; otherwise insert with the file's GUID."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.conn = store.conn

    def run(self, data: RefiData, stats: dict[str, Any]) -> dict[str, str]:
        from qualcoder_ahp.model.store import new_guid

        out: dict[str, str] = {}
        local: dict[str, str] = {}  # file theme id -> our theme id (for parents)
        rows = self.conn.execute("SELECT id, name, parent_id, lower(guid), active FROM themes")
        existing = {r[0]: r for r in rows}
        by_guid = {r[3]: r[0] for r in existing.values()}
        position = self.conn.execute("SELECT COALESCE(MAX(position), -1) FROM themes "
                                     "WHERE parent_id IS NULL").fetchone()[0] + 1
        uncoloured: set[str] = set()  # new themes of codes the file gave no colour
        clashes: _Clashes = stats["clashes"]
        before = [r for r in existing.values() if r[4]]  # active themes, before the file's
        names = {t.theme.id: t.theme.name for t in data.themes}
        for item in data.themes:
            theme = item.theme
            parent = local.get(theme.parent_id) if theme.parent_id else None
            found = by_guid.get(item.guid) if item.guid else None
            # Our id (a "Theme id:" line) with the same name is the same theme wherever
            # it is; a name alone, only in the same place.
            by_id = (found is None and item.explicit_id and theme.id in existing
                     and _same(existing[theme.id], theme))
            if by_id:
                found = theme.id
            if found is None:
                found = next((r[0] for r in existing.values()
                              if _same(r, theme) and r[2] == parent), None)
            if found is not None and item.guid and item.guid != existing[found][3]:
                (clashes.by_id if by_id else clashes.by_name).append(theme.name)
            new_name = theme.name
            if found is None:
                taken = next((r for r in before if _same(r, theme)), None)
                if taken is not None:
                    where = (f"under {names.get(theme.parent_id, theme.parent_id)!r}"
                             if theme.parent_id else "at the top")
                    folder = not self.conn.execute("SELECT codable FROM themes WHERE id = ?",
                                                   [taken[0]]).fetchone()[0]
                    if clashes.codes == "merge" and folder and theme.codable:
                        clashes.into_folder.append((theme.name, taken[0]))
                    elif clashes.codes == "merge":
                        found = taken[0]
                        clashes.merged_codes.append((theme.name, where, found))
                    elif clashes.codes == "rename":
                        new_name = self._free_name(f"{theme.name} ({clashes.stem})",
                                                   existing)
                    else:
                        clashes.codes_taken.append((theme.name, where, taken[0]))
            if found is not None:
                stats["present"]["themes"] += 1
                # An import adds to the codebook; it does not undo its decisions. A theme
                # retired here stays retired (its codings from the file are kept, as a
                # retired theme's are), and a theme the file's project retired stays
                # current here.
                if not existing[found][4] and not item.retired:
                    stats["notes"].append(
                        f"code {theme.name!r}: theme {found} is retired in this project and "
                        "stays retired (its codings are kept; a codebook with its id makes "
                        "it current again: qcahp codebook load)")
                elif existing[found][4] and item.retired:
                    stats["notes"].append(
                        f"code {theme.name!r}: retired in the file, current here (theme "
                        f"{found}); it stays current")
                local[theme.id] = found
                if item.guid:
                    out[item.guid] = found
                continue
            theme_id = theme.id
            n = 2
            while theme_id in existing:
                theme_id = f"{theme.id}-{n}"
                n += 1
            guid = item.guid if item.guid and item.guid not in by_guid else new_guid()
            pos = theme.position if parent else position + theme.position
            self.conn.execute(
                "INSERT INTO themes (id, parent_id, name, description, inclusion, exclusion, "
                "examples, color, codable, position, active, guid) "
                "VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                [theme_id, parent, new_name, theme.description, theme.inclusion,
                 theme.exclusion, _json(theme.examples), theme.color, int(theme.codable), pos,
                 int(not item.retired), guid])  # retired there: retired here, with codings
            existing[theme_id] = (theme_id, new_name, parent, guid, int(not item.retired))
            if new_name != theme.name:
                clashes.renamed_codes.append((theme.name, new_name, theme_id))
            by_guid[guid] = theme_id
            local[theme.id] = theme_id
            if item.guid:
                out[item.guid] = theme_id
            if not item.coloured:
                uncoloured.add(theme_id)
            stats["themes"] += 1
        if uncoloured:
            self.store.refi_mark_uncoloured(uncoloured, set())
        return out


    @staticmethod
    def _free_name(name: str, existing: dict[str, tuple[Any, ...]]) -> str:
        """``name``, or ``name 2``, ``name 3``... the first no theme here has (any case)."""
        taken = {str(r[1]).casefold() for r in existing.values()}
        candidate, n = name, 2
        while candidate.casefold() in taken:
            candidate, n = f"{name} {n}", n + 1
        return candidate


def _in_version_order(sources: list[ImportSource]) -> list[ImportSource]:
    """The file's sources in its order, but the versions of one transcript together, in
    version order, where the first of them is (so version 1 is stored first)."""
    first: dict[str, int] = {}
    keys = []
    for index, source in enumerate(sources):
        if source.version:
            keys.append((first.setdefault(source.version[0], index), source.version[1]))
        else:
            keys.append((index, 0))
    return [s for _, s in sorted(zip(keys, sources, strict=True), key=lambda pair: pair[0])]


def _same(row: tuple[Any, ...], theme: Theme) -> bool:
    return str(row[1]).casefold() == theme.name.casefold()


def _json(values: tuple[str, ...]) -> str:
    return json.dumps(list(values))
