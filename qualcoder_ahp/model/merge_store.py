"""Store methods for merging coders' project copies and importing codings made elsewhere.

A mixin of :class:`qualcoder_ahp.model.store.Store`. Coders who work blind on
copies of a project bring their work together with :meth:`MergeMixin.merge_from`:

- transcripts match by content hash, themes by id, coders by GUID or name, following
  this project's renames and joins of coders (:meth:`MergeMixin._merge_coders`), and
  events by content under any name their coder had; a transcript or
  theme of the other copy that has no match here is reported and *nothing* is
  merged (the whole merge is one transaction);
- a transcript whose text matches none here but whose source file (``source_hash``)
  does (the same file read by another version's parser) is matched by its file: its
  codings are re-anchored onto this project's text by their words (:class:`Remap`),
  and a coding whose words are not found there stays out whole, reported
  (:attr:`merge_by_source`); each version of a transcript of the copy lands on its own
  version here (the same version number first), so two versions read from one file
  never land on one transcript: one with no version here left is reported and nothing
  is merged;
- codings match by GUID, so merging the same copy twice adds nothing; a coding
  the other copy has since removed (or restored) follows the other copy;
- the other copy's events are appended here as ``merged`` events carrying the
  original (kind, time, payload) under a content key, so the log still explains
  every coding, a second merge recognises them, and undo never replays another
  database's row ids; a merged event also carries its ids translated to this
  database's (``local``: suggestion, coding, transcript, memo target, changes; first
  for reconcile decisions and undo/redo only, now for every kind with ids) and its
  ``source`` file, so ``qcahp reconcile log`` and ``qcahp log`` read it as it was made;
- the copy is only read, its folder left as it was (:func:`read_copy`); one made by an
  earlier version is read upgraded in memory, one by a newer version refused;
- suggestions that coders decided on are copied when missing (matched by
  transcript, theme and span), then decisions and memos;
- a transcript withdrawn from this project (``qcahp withdraw``, known by its hashes)
  that the copy still holds brings nothing in: not its suggestions, decisions,
  codings or memos, nor the copy's events about them (:attr:`merge_withdrawn` says
  which, and how many codings were left out).

:meth:`import_codings` and :meth:`export_codings` move codings as CSV rows
(transcript, theme, start, end, quote), checking every quote against the text.
"""

from __future__ import annotations

import bisect
import csv
import difflib
import hashlib
import io
import json
import re
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from qualcoder_ahp.errors import UserError
from qualcoder_ahp.model.coders_store import NameStep, coder_names
from qualcoder_ahp.model.framework_store import case_map, cases_gone, map_cell
from qualcoder_ahp.model.reconcile_store import translate_merged
from qualcoder_ahp.model.withdraw_store import PLACEHOLDER, Gone, scrub_events
from qualcoder_ahp.records import Theme, transcript_label

if TYPE_CHECKING:
    from qualcoder_ahp.model.codebook_store import FieldEdits
    from qualcoder_ahp.model.store import Store

CSV_COLUMNS = ("transcript", "theme", "start", "end", "quote")
IMPORT_BATCH = 10_000
"""Imported codings inserted per ``executemany`` (bounds the rows held at once)."""


def added_theme_ids(conn: sqlite3.Connection) -> set[str]:
    """Ids of the themes coders added while coding in this database (``theme_add``
    events, made here or merged in from a copy).

    Picked out by SQLite's JSON functions: a project holds far more merged events than
    merged theme additions, and reading each into Python on every codebook load or merge
    would be work for nothing. A payload that is not JSON is passed over (``CASE`` keeps
    ``json_extract`` from reading it).
    """
    rows = conn.execute(
        "SELECT CASE WHEN json_valid(payload) THEN json_extract(payload, '$.theme_id') END "
        "FROM events WHERE kind = 'theme_add' "
        "UNION SELECT CASE WHEN json_valid(payload) AND "
        "json_extract(payload, '$.original_kind') = 'theme_add' "
        "THEN json_extract(payload, '$.original.theme_id') END "
        "FROM events WHERE kind = 'merged'")
    return {r[0] for r in rows if isinstance(r[0], str)}


@contextmanager
def read_copy(path: Path) -> Iterator[sqlite3.Connection]:
    """Open a coder's copy of the project read-only, leaving its folder as it was.

    SQLite opening a WAL database read-only (``mode=ro``) still makes the ``-wal`` and
    ``-shm`` files beside it, and leaves them there: a coder's folder would gain two
    empty files at every merge. A copy with no ``-wal`` beside it holds everything in
    the file itself, so it is opened ``immutable`` (no lock, no side file, the file only
    read). A copy with a ``-wal`` (sent with the file, or the workbench still open on it)
    is read with it, and the ``-shm`` SQLite made for that is removed again. The path
    goes in as a ``file:`` URI, so a name with ``?``, ``#`` or ``%`` opens that file.
    """
    wal, shm = Path(f"{path}-wal"), Path(f"{path}-shm")
    had_shm = shm.exists()
    live = wal.exists()
    uri = path.resolve().as_uri() + ("?mode=ro" if live else "?immutable=1")
    conn = sqlite3.connect(uri, uri=True)
    try:
        yield conn
    finally:
        conn.close()
        if live and not had_shm:
            shm.unlink(missing_ok=True)


@contextmanager
def _upgraded(other: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """A copy made by an earlier version, with this version's migrations applied to an
    in-memory image of it (the file itself is never written)."""
    from sqlite_utils import Database

    from qualcoder_ahp.model.migrations import MIGRATIONS, known_count

    memory = sqlite3.connect(":memory:")
    try:
        other.backup(memory)
        with memory:
            MIGRATIONS.apply(Database(memory))
            memory.execute(f"PRAGMA user_version = {known_count()}")
        yield memory
    finally:
        memory.close()


def event_key(coder: str | None, at: str, kind: str, payload: str) -> str:
    """A content key identifying one event across project copies."""
    raw = json.dumps([coder, at, kind, payload])
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()[:32]


class MergeMixin:
    """Merge and CSV-exchange methods of :class:`~qualcoder_ahp.model.store.Store`."""

    conn: sqlite3.Connection
    merge_withdrawn: dict[str, int] = {}  # noqa: RUF012 - replaced per merge, never mutated
    """After :meth:`merge_from`: each transcript of the copy that was withdrawn here, with
    how many of its codings (every coder's) were left out."""
    merge_by_source: list[SourceMatch] = []  # noqa: RUF012 - replaced per merge
    """After :meth:`merge_from`: each transcript of the copy matched here by its source
    file, not its text, with what became of its codings."""
    merge_coders_as: list[CoderMatch] = []  # noqa: RUF012 - replaced per merge
    """After :meth:`merge_from`: each coder of the copy whose work came in under another
    coder here (renamed or joined here, or the same GUID under another name)."""
    merge_names_again: list[CoderMatch] = []  # noqa: RUF012 - replaced per merge
    """After :meth:`merge_from`: each coder of the copy whose name a coder here gave up
    (renamed or joined) and that a coder here has again (``here``: the first holder
    now), so the work went to the coder of that name."""
    merge_events_by: dict[str, int] = {}  # noqa: RUF012 - replaced per merge
    """After :meth:`merge_from`: the copy's coder names, each with how many of their log
    events came in (none: nothing new of theirs), so "Ana's work merged as ana" is said
    only when some did."""
    merge_upgraded_from: int | None = None
    """After :meth:`merge_from`: the schema version of a copy made by an earlier version
    of qualcoder_ahp (read as upgraded, in memory; the file is left as it was)."""

    # ------------------------------------------------------------------ merge
    def merge_from(self: Store, other_path: str | Path) -> dict[str, int]:
        """Merge another project database's coders, codings, decisions, memos and events.

        Returns counts of what was added or updated (all zero on a repeated merge).

        Raises:
            UserError: the file is not a project database of this schema, or one of
                its transcripts (by content hash) or themes (by id) is not in this
                project; nothing is merged then.
        """
        from qualcoder_ahp.model.migrations import known_count

        self.merge_withdrawn = {}
        self.merge_by_source = []
        self.merge_coders_as = []
        self.merge_names_again = []
        self.merge_events_by = {}
        self.merge_upgraded_from = None
        path = Path(other_path)
        if not path.is_file():
            raise UserError("no such project database", path=str(path))
        if self.path is not None and path.resolve() == Path(self.path).resolve():
            raise UserError("cannot merge a project into itself", path=str(path))
        with read_copy(path) as other:
            try:
                version = other.execute("PRAGMA user_version").fetchone()[0]
                other.execute("SELECT 1 FROM codings LIMIT 1").fetchall()
                # A damaged copy is refused before any of it is read into this project.
                check = other.execute("PRAGMA quick_check").fetchone()[0]
                if check != "ok" or other.execute("PRAGMA foreign_key_check").fetchone():
                    problem = check if check != "ok" else "broken references"
                    raise UserError(f"damaged database ({problem}); nothing merged",
                                    path=str(path))
            except (sqlite3.DatabaseError, UnicodeDecodeError) as exc:
                raise UserError(f"not a qualcoder_ahp database ({exc})",
                                path=str(path)) from None
            try:
                if version > known_count():
                    raise UserError(
                        f"written by a newer qualcoder_ahp (schema version {version}; this "
                        f"one knows {known_count()}); nothing merged: upgrade qualcoder_ahp "
                        "here, then merge again", path=str(path))
                if version < known_count():
                    # A copy from an earlier version: upgraded in memory, the file only read.
                    with _upgraded(other) as newer:
                        counts = self._merge(newer, str(path))
                    self.merge_upgraded_from = version
                    return counts
                return self._merge(other, str(path))
            except (sqlite3.DatabaseError, UnicodeDecodeError) as exc:
                # A damaged file can open and still fail mid-read; the merge rolled back.
                raise UserError(f"damaged or not a qualcoder_ahp database ({exc})",
                                path=str(path)) from None

    def theme_edits_in(self: Store, other_path: str | Path) -> FieldEdits:
        """Theme edits made in another copy that a merge does not bring here.

        A merge joins coders' work, not codebooks: a copy's renamed, redefined or
        recoloured theme keeps this project's name, definition, criteria, examples and
        colour (the team decides which to keep, and makes it with ``qcahp codebook
        edit-theme``). Returns
        ``{theme_id: {field: (copy's, this project's)}}`` for each field a ``theme_edit``
        in the copy set that differs here; ``{}`` for a file that cannot be read.
        """
        from qualcoder_ahp.model.codebook_store import edits_differing

        try:
            with read_copy(Path(other_path)) as other:
                columns = ("id, name, parent_id, description, inclusion, exclusion, examples, "
                           "color")
                theirs = {r[0]: Theme(r[0], r[1], r[2], r[3] or "", r[4] or "", r[5] or "",
                                      tuple(json.loads(r[6] or "[]")), color=r[7] or "")
                          for r in other.execute(f"SELECT {columns} FROM themes")}
                return edits_differing(other, theirs,
                                       {t.id: t for t in self.themes(include_inactive=True)})
        except (sqlite3.Error, UnicodeDecodeError, OSError):
            return {}

    def theme_merges_in(self: Store, other_path: str | Path) -> dict[str, str]:
        """Themes merged into another in another copy that stay apart here.

        The copy's codings follow it (the merged theme's inactive, the target's new ones
        brought in), but the theme itself is this project's: it stays, holding the codings
        made here. Returns ``{merged theme: target}`` for each theme retired there by a
        ``theme_merge`` that is active here; ``{}`` for a file that cannot be read.
        """
        try:
            with read_copy(Path(other_path)) as other:
                retired = {r[0] for r in other.execute(
                    "SELECT id FROM themes WHERE active = 0")}
                merged: dict[str, str] = {}
                for (payload,) in other.execute(
                        "SELECT payload FROM events WHERE kind = 'theme_merge' ORDER BY id"):
                    data = json.loads(payload)
                    if isinstance(data, dict) and data.get("theme_id") in retired:
                        merged[str(data["theme_id"])] = str(data.get("into"))
        except (sqlite3.Error, ValueError, UnicodeDecodeError, OSError):
            return {}
        active = {t.id for t in self.themes()}
        return {a: b for a, b in merged.items() if a in active}

    def _merge(self: Store, other: sqlite3.Connection, label: str) -> dict[str, int]:
        here_hash = {h: i for i, h in self.conn.execute("SELECT id, content_hash FROM transcripts")}
        withdrawn_here = self.withdrawn_hashes()
        tmap: dict[int, int] = {}
        by_source: dict[int, tuple[str, int]] = {}  # copy's id -> (its label, id here)
        missing_t = []
        unplaced: list[tuple[str, str]] = []  # (copy's version, the one here it shares)
        gone = Gone()  # the copy's ids of what was withdrawn here
        rows = other.execute("SELECT id, name, version, content_hash, source_hash FROM "
                             "transcripts ORDER BY id").fetchall()
        names = {oid: name for oid, name, *_ in rows}
        for oid, _name, _version, digest, _source in rows:
            if digest in here_hash:  # by text first: a version matched by its file must
                tmap[oid] = here_hash[digest]  # not take the one another version matches
        for oid, name, version, digest, source in rows:
            label_t = transcript_label(name, version)
            if oid in tmap:
                continue
            versions = {here for there, here in tmap.items() if names[there] == name}
            if digest in withdrawn_here or source in withdrawn_here:
                gone.transcripts.add(oid)
                gone.transcript_names.add(name)
                self.merge_withdrawn = {**self.merge_withdrawn, label_t: 0}
            elif (same := self._same_source(source, name, version, versions)) is not None:
                # The same file, read differently (another version's parser): its
                # codings are re-anchored onto this project's text by their words.
                tmap[oid] = same
                by_source[oid] = (label_t, same)
            elif (shared := self._same_source(source, name, version)) is not None:
                # Two versions of the copy read from one file, one version of it here:
                # each version here takes the work of one version there, never two.
                unplaced.append((label_t, self._label(shared)))
            else:
                missing_t.append(label_t)
        here_themes = {r[0] for r in self.conn.execute("SELECT id FROM themes")}
        missing_th = [r[0] for r in other.execute("SELECT id FROM themes ORDER BY id")
                      if r[0] not in here_themes]
        # A theme the other coder added while coding comes along with its codings; any
        # other theme missing here means the copies hold different codebooks.
        added_there = added_theme_ids(other)
        bring = [t for t in missing_th if t in added_there]
        missing_th = [t for t in missing_th if t not in added_there]
        if missing_t and not here_hash and not withdrawn_here:
            raise UserError(
                "this project has no transcripts yet; nothing merged (start from a copy of "
                "the file instead, or import the same transcripts here first)", path=label)
        if missing_t and not tmap and not gone.transcripts and not self._shares_a_name(
                other):
            theirs = len(missing_t)
            raise UserError(
                f"a different project: none of its {theirs} transcript"
                f"{'' if theirs == 1 else 's'} is in this one; nothing merged (merge joins "
                "copies of one project; `qcahp refi import` brings another project in)",
                path=label)
        if missing_t or missing_th or unplaced:
            parts = []
            if missing_t:
                names_here = {r[0] for r in self.conn.execute("SELECT name FROM transcripts")}
                new = any(m.split("@")[0] not in names_here for m in missing_t)
                parts.append("transcripts not in this project (by content): "
                             + _listed(missing_t)
                             + (" (import the same files here first, then merge again)"
                                if new else ""))
            if unplaced:
                each = ", ".join(f"{there} (the same file as {here}, which another version "
                                 "of the copy matches)" for there, here in unplaced)
                parts.append(f"no version here for {each}: import that file here again "
                             "with --new-version, then merge again")
            if missing_th:
                parts.append("themes not in this codebook: " + _listed(missing_th))
            raise UserError("nothing merged; " + "; ".join(parts), path=label)
        counts = dict.fromkeys(("themes", "coders", "codings", "codings_updated", "suggestions",
                                "decisions", "decisions_undone", "memos", "events"), 0)
        scrub = _withdrawn_in(other, gone)
        remaps = {oid: self._remap(other, oid, label_t, here_id)
                  for oid, (label_t, here_id) in by_source.items()}
        with self.write():
            newest = self.newest_event_id()
            counts["themes"] = self._merge_themes(other, bring)
            cmap, aliases = self._merge_coders(other, counts)
            smap = self._merge_suggestions(other, tmap, counts, remaps)
            first = self._next_coding_id()
            # A copy holding no event that is not here already (the same copy, or an
            # older one sent again) must not undo what newer work here did: states of
            # codings and decisions follow a copy only when it brings new events.
            fresh = self._brings_new_events(other, scrub, aliases)
            kmap = self._merge_codings(other, tmap, cmap, smap, counts, remaps, fresh)
            # Suggestions of a transcript matched by its file are found here only as the
            # merge mapped them (by their sentence), never by the copy's offsets.
            found: dict[int, int | None] = {
                r[0]: smap.get(r[0]) for r in other.execute(
                    "SELECT id, transcript_id FROM suggestions") if r[1] in remaps}
            # After the codings, so merged reconcile decisions get their ids translated.
            left_out = {s.coding_id for r in remaps.values() for s in r.stranded}
            emap = self._merge_events(other, cmap, counts, (label, tmap, kmap), scrub,
                                      (smap, found), left_out, remaps, aliases)
            if fresh:
                self._merge_decisions(other, cmap, smap, kmap, emap, counts, remaps, first)
            self._merge_memos(other, tmap, cmap, kmap, counts, gone)
            self._record_merged_targets(newest)
            if any(counts.values()):
                extra: dict[str, Any] = {}
                if counts["codings"]:
                    # Inserted in one transaction, so their ids run contiguously: the
                    # reconcile log names this file as where such a coding came from.
                    extra["coding_range"] = [first, self._next_coding_id() - 1]
                if remaps:
                    extra["by_source"] = {r.label: {"mapped": r.mapped,
                                                    "not_mapped": len(r.stranded)}
                                          for r in remaps.values()}
                self.log_event(None, "merge", {"source": label, **counts, **extra})
        self.merge_by_source = [SourceMatch(r.label, r.mapped, r.as_hand, r.stranded,
                                            r.decisions_out) for r in remaps.values()]
        return counts

    def _record_merged_targets(self: Store, newest: int) -> None:
        """The ``event_targets`` of the events merged in (after ``newest``), from their
        words in this project's ids (the trigger that writes them leaves these out)."""
        from qualcoder_ahp.model.audit import record_targets

        record_targets(self, [r[0] for r in self.conn.execute(
            "SELECT id FROM events WHERE id > ? AND kind = 'merged'", [newest])])

    def _merge_coders(self: Store, other: sqlite3.Connection, counts: dict[str, int]
                      ) -> tuple[dict[int, int], dict[str, tuple[str, ...]]]:
        """Map the copy's coders to coders here (call inside :meth:`write`); add the new.

        A coder of the copy is, in this order: the coder here with its GUID (the same
        coder, whatever either database calls it now); the coder a join here moved that
        GUID into; the coder here of its name; the coder its name became here by renames
        and joins (``Ana`` renamed ``Ana Silva``: Ana's copy still says ``Ana``); else a
        new coder, with the copy's GUID. Names only ever match exactly, so two people of
        one name in two copies are one coder here, as they always were.

        Returns the map (the copy's coder id -> id here) and, for each of the copy's
        coder names, every name the coder had (there or here), under which events
        already merged may be keyed. Sets :attr:`merge_coders_as` and
        :attr:`merge_names_again`.
        """
        from qualcoder_ahp.model.store import new_guid, now

        here = coder_names(self.conn)
        theirs = coder_names(other)
        ids = {name: (cid, guid) for cid, name, guid in self.conn.execute(
            "SELECT id, name, guid FROM coders")}
        by_guid = {guid: name for name, (_cid, guid) in ids.items()}
        cmap: dict[int, int] = {}
        aliases: dict[str, tuple[str, ...]] = {}
        matched: list[CoderMatch] = []
        again: list[CoderMatch] = []
        for oid, name, guid in other.execute("SELECT id, name, guid FROM coders ORDER BY id"):
            target, steps, same_guid = name, [], False
            joined = here.by_guid(guid)
            if guid in by_guid:
                target = by_guid[guid]
                same_guid = target != name
                steps = here.steps(name) if here.now(name) == target else []
            elif joined is not None and joined[0] in ids:
                target, steps = joined
            elif name in ids:
                first = here.gave_up(name)
                if first is not None and first != name:  # taken again after a rename
                    again.append(CoderMatch(name, first, here.steps(name)))
            elif (became := here.now(name)) is not None and became in ids:
                target, steps = became, here.steps(name)
            if target not in ids:
                cur = self.conn.execute(
                    "INSERT INTO coders (name, guid, created_at) VALUES (?, ?, ?)",
                    [target, guid if guid and guid not in by_guid else new_guid(), now()])
                ids[target] = (int(cur.lastrowid or 0), guid)
                by_guid[guid] = target
                counts["coders"] += 1
            cmap[oid] = ids[target][0]
            aliases[name] = tuple(dict.fromkeys(
                [name, *theirs.former(name), target, *here.former(target)]))
            if target != name:
                matched.append(CoderMatch(name, target, steps, same_guid))
        self.merge_coders_as = matched
        self.merge_names_again = again
        return cmap, aliases

    def _same_source(self: Store, source: str | None, name: str, version: int,
                     taken: set[int] | None = None) -> int | None:
        """The transcript here imported from the same file (``source_hash``), as
        :meth:`add_transcript` finds it: the same name first, then the same version, then
        the latest version; none of ``taken`` (matched to another version of the copy's)."""
        if not source:
            return None
        for (found,) in self.conn.execute(
                "SELECT id FROM transcripts WHERE source_hash = ? "
                "ORDER BY name = ? DESC, version = ? DESC, version DESC",
                [source, name, version]):
            if found not in (taken or ()):
                return int(found)
        return None

    def _label(self: Store, transcript_id: int) -> str:
        """``helen`` (version 1) or ``helen@2``."""
        name, version = self.conn.execute("SELECT name, version FROM transcripts WHERE id = ?",
                                          [transcript_id]).fetchone()
        return transcript_label(str(name), version)

    def _remap(self: Store, other: sqlite3.Connection, oid: int, label_t: str,
               here_id: int) -> Remap:
        """The word alignment of the copy's transcript ``oid`` with this one's text."""
        old = other.execute("SELECT text FROM transcripts WHERE id = ?", [oid]).fetchone()[0]
        return Remap(label_t, old, self.transcript_text(here_id))

    def _shares_a_name(self: Store, other: sqlite3.Connection) -> bool:
        """Whether a transcript of the copy has a name used here (another version of it)."""
        here = {r[0] for r in self.conn.execute("SELECT name FROM transcripts")}
        return any(r[0] in here for r in other.execute("SELECT name FROM transcripts"))

    def _merge_themes(self: Store, other: sqlite3.Connection, ids: list[str]) -> int:
        """Copy the themes the other coder added while coding (parents first, same GUIDs)."""
        if not ids:
            return 0
        columns = ("id, parent_id, name, description, inclusion, exclusion, examples, color, "
                   "codable, position, active, guid")
        rows = {r[0]: r for r in other.execute(
            f"SELECT {columns} FROM themes WHERE id IN ({','.join('?' * len(ids))})", ids)}
        here = {r[0] for r in self.conn.execute("SELECT id FROM themes")}
        position = self.conn.execute(
            "SELECT COALESCE(MAX(position), -1) + 1 FROM themes").fetchone()[0]
        pending = list(ids)
        while pending:  # parents first: a theme added under another added theme
            ready = [i for i in pending if rows[i][1] is None or rows[i][1] in here
                     or rows[i][1] not in rows]
            for theme_id in ready or pending:
                row = list(rows[theme_id])
                if row[1] is not None and row[1] not in here:
                    row[1] = None  # its folder is not in this codebook: top level
                row[9] = position
                position += 1
                self.conn.execute(f"INSERT INTO themes ({columns}) VALUES "
                                  f"({','.join('?' * len(row))})", row)
                here.add(theme_id)
            pending = [i for i in pending if i not in here]
        return len(ids)

    def _next_coding_id(self: Store) -> int:
        """The id SQLite gives the next coding (no AUTOINCREMENT; we hold the write lock)."""
        return int(self.conn.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM codings")
                   .fetchone()[0])

    def _merge_events(self: Store, other: sqlite3.Connection, cmap: dict[int, int],
                      counts: dict[str, int],
                      where: tuple[str, dict[int, int], dict[int, int]],
                      scrub: dict[int, tuple[str, dict[str, Any]]],
                      smaps: tuple[dict[int, int], dict[int, int | None]],
                      left_out: set[int | None] | None = None,
                      remaps: dict[int, Remap] | None = None,
                      aliases: dict[str, tuple[str, ...]] | None = None) -> dict[int, int]:
        """Append the other copy's events not yet here; map their ids to ours.

        ``left_out``: the copy's codings the merge could not re-anchor (:class:`Stranded`);
        the event that made one, or wrote a memo on one, is stored with ``"left_out":
        true``, so the log does not read it as applied here. ``remaps``: the transcripts
        matched by their file, to place what a merged event names (:meth:`_local_ids`).

        Every merged event that names transcripts, suggestions, codings or memo targets
        gets them in this database's ids too (``local``, :meth:`_local_ids`), so the log
        reads it as it reads the events made here. ``smaps`` is (the suggestions the
        merge mapped, a cache of the others looked up by span).

        ``scrub``: the copy's events about transcripts withdrawn here, left out (or, when
        they touched other transcripts too, brought in without the withdrawn changes).

        ``where`` is (source file, transcript map, coding map): a reconcile decision
        (and an undo or redo, which may target one) also gets its ids in this
        database's terms, so the reconcile log can show it as it was made.
        """
        label, tmap, kmap = where
        maps = _IdMaps(tmap, kmap, smaps[0], cmap, smaps[1], remaps or {},
                       case_map(other, self.conn, tmap))
        known: dict[str, int] = {}
        for eid, coder, at, kind, payload in self.conn.execute(
                "SELECT e.id, k.name, e.at, e.kind, e.payload FROM events e "
                "LEFT JOIN coders k ON k.id = e.coder_id"):
            known[_key_of(coder, at, kind, payload)] = eid
        aliases = aliases or {}
        emap: dict[int, int] = {}
        for eid, coder_id, coder, at, kind, payload in other.execute(
                "SELECT e.id, e.coder_id, k.name, e.at, e.kind, e.payload FROM events e "
                "LEFT JOIN coders k ON k.id = e.coder_id ORDER BY e.id"):
            if eid in scrub and scrub[eid][0] == PLACEHOLDER:
                continue  # about a transcript withdrawn here: it stays out
            if eid in scrub:
                # Its other changes come in, keyed as the withdrawal here rewrote the
                # same event (a copy made before it has the same ids).
                payload = json.dumps(scrub[eid][1], sort_keys=True)
            key = _key_of(coder, at, kind, payload)
            # Made under another name of the coder (renamed or joined, here or in the
            # copy): the same event, whose key named the coder as they were called then.
            same = next((known[k] for k in _keys_of(coder, at, kind, payload, aliases)
                         if k in known), None)
            if same is not None:
                emap[eid] = same
                continue
            try:
                data = json.loads(payload)
            except ValueError:
                raise UserError(f"damaged event {eid} (its record is not JSON); nothing merged",
                                path=label) from None
            local = translate_merged(kind, data, label, tmap, kmap, emap)
            if not local:
                local = self._local_ids(other, kind, data, label, maps)
            if kind == "merged" and isinstance(data, dict) and "local" in data:
                # Its ids are the other copy's: translated, or dropped if they cannot be.
                kept = {k: v for k, v in data.items() if k != "local"}
                body = json.dumps({**kept, **local}, sort_keys=True)
            elif kind == "merged":
                body = payload
            else:
                # Key names must not clash with the event columns Store.events() adds.
                out = {"key": key, "original_kind": kind, "original": data, **local}
                if left_out and (_makes_coding(data, left_out)
                                 or _memo_on(data, left_out)):
                    out["left_out"] = True
                body = json.dumps(out, sort_keys=True)
            cur = self.conn.execute(
                "INSERT INTO events (coder_id, at, kind, payload) VALUES (?, ?, 'merged', ?)",
                [cmap.get(coder_id) if coder_id is not None else None, at, body])
            known[key] = emap[eid] = int(cur.lastrowid or 0)
            counts["events"] += 1
            if coder is not None:
                self.merge_events_by[coder] = self.merge_events_by.get(coder, 0) + 1
        return emap

    def _local_ids(self: Store, other: sqlite3.Connection, kind: str, data: Any,
                   label: str, maps: _IdMaps) -> dict[str, Any]:
        """``{"local": ..., "source": ...}`` for a merged accept, code, memo...: the ids
        of its record (``suggestion_id``, ``coding_id``, ``transcript_id(s)``, memo
        ``target``, ``changes``) in this database's terms, each left out when it cannot
        be translated (an id the copy no longer has, a suggestion this project lacks).

        An event the copy had merged in from a third copy is translated from its own
        ``local`` (the copy's ids), when it has one.
        """
        if not isinstance(data, dict):
            return {}
        source = label
        record = data  # the event as it was made (a memo's kind of target is there)
        if kind == "merged":
            ids, kind = data.get("local"), str(data.get("original_kind"))
            source = str(data.get("source") or label)
            record = data.get("original") if isinstance(data.get("original"), dict) else {}
            if not isinstance(ids, dict):
                return {}
        else:
            ids = data
        if kind not in TRANSLATED:
            return {}

        def suggestion(oid: Any) -> int | None:
            if oid in maps.suggestions:
                return maps.suggestions[oid]
            return maps.suggestion_here(self, other, oid)

        local: dict[str, Any] = {}
        for key, lookup in (("transcript_id", maps.transcripts.get),
                            ("suggestion_id", suggestion), ("coding_id", maps.codings.get)):
            if key in ids:
                found = lookup(ids[key]) if isinstance(ids[key], int) else None
                if found is not None:
                    local[key] = found
        if isinstance(ids.get("transcript_ids"), list):
            found_ids = [maps.transcripts.get(t) for t in ids["transcript_ids"]]
            if None not in found_ids:
                local["transcript_ids"] = found_ids
        if kind == "memo" and "target" in ids:
            target = _memo_target(ids.get("kind"), ids["target"], maps)
            if target is not None:
                local["target"] = target
        if isinstance(ids.get("changes"), list):
            changes = [_change_here(c, maps, suggestion) for c in ids["changes"]]
            if None not in changes:
                local["changes"] = changes
        # A suggestion this project lacks, or a coding that did not come in: its theme
        # and place (here) are kept, so the log names them as it names those made here.
        about: dict[str, Any] | None = None
        if kind in ("accept", "adjust", "reject") and "suggestion_id" not in local:
            about = maps.about(other, "suggestions", ids.get("suggestion_id"))
        elif kind == "memo" and "target" not in local and record.get("kind") == "coding":
            about = maps.about(other, "codings", ids.get("target"))
        if about is not None:
            local.update(about or _carried(ids, maps))
        # Even empty: it tells the log this merge translated what it could, so the guess
        # made for merges from before ``local`` existed is not made for it.
        return {"local": local, "source": source}

    def _merge_suggestions(self: Store, other: sqlite3.Connection, tmap: dict[int, int],
                           counts: dict[str, int], remaps: dict[int, Remap]) -> dict[int, int]:
        """Map the other copy's suggestions that carry codings or decisions; copy missing ones.

        On a transcript matched by its source file (``remaps``) a suggestion is mapped
        only to one here of the same theme and patterns over the same words (the one at
        its re-anchored place, or the only one with those words); none is copied: this
        project's suggestions are made from its own reading of the file.
        """
        from qualcoder_ahp.model.store import now

        smap: dict[int, int] = {}
        rows = other.execute(
            'SELECT id, transcript_id, theme_id, unit, start, "end", pattern_ids, matches, '
            "status, created_at FROM suggestions WHERE id IN (SELECT suggestion_id FROM "
            "decisions UNION SELECT suggestion_id FROM codings WHERE suggestion_id IS NOT NULL)")
        for oid, tid, theme, unit, start, end, pids, matches, status, created in rows:
            if tid not in tmap:
                continue  # a transcript withdrawn here
            if tid in remaps:
                mapped = self._suggestion_by_words(remaps[tid], tmap[tid], theme, pids,
                                                   start, end)
                if mapped is not None:
                    smap[oid] = mapped
                continue
            here = self.conn.execute(
                "SELECT id FROM suggestions WHERE transcript_id = ? AND theme_id = ? "
                'AND start = ? AND "end" = ?', [tmap[tid], theme, start, end]).fetchone()
            if here:
                smap[oid] = int(here[0])
                continue
            cur = self.conn.execute(
                'INSERT INTO suggestions (transcript_id, theme_id, unit, start, "end", '
                "pattern_ids, matches, status, created_at) VALUES (?,?,?,?,?,?,?,?,?)",
                [tmap[tid], theme, unit, start, end, pids, matches, status, created or now()])
            smap[oid] = int(cur.lastrowid or 0)
            counts["suggestions"] += 1
        return smap

    def _suggestion_by_words(self: Store, remap: Remap, tid: int, theme: str, pids: str,
                             start: int, end: int) -> int | None:
        """This project's suggestion of ``theme`` with the same patterns over the words the
        copy's suggestion [start, end) covers: the one at the re-anchored place, else the
        only one with those words; ``None`` if there is none or it is ambiguous."""
        words = _norm(remap.old[start:end])
        patterns = _patterns(pids)
        candidates = [
            (i, s, e) for i, s, e, p in self.conn.execute(
                'SELECT id, start, "end", pattern_ids FROM suggestions WHERE '
                "transcript_id = ? AND theme_id = ?", [tid, theme])
            if _patterns(p) == patterns and _norm(remap.new[s:e]) == words]
        place = remap.span(start, end)
        at = [i for i, s, e in candidates
              if place is not None and s <= place[0] and place[1] <= e]
        if len(at) == 1:
            return int(at[0])
        return int(candidates[0][0]) if len(candidates) == 1 else None

    def _brings_new_events(self: Store, other: sqlite3.Connection,
                           scrub: dict[int, tuple[str, dict[str, Any]]],
                           aliases: dict[str, tuple[str, ...]] | None = None) -> bool:
        """Whether the copy holds an event (by content, as :meth:`_merge_events` keys
        them, under any name of its coder: ``aliases``) that is not in this project."""
        known = {_key_of(coder, at, kind, payload) for coder, at, kind, payload in
                 self.conn.execute("SELECT k.name, e.at, e.kind, e.payload FROM events e "
                                   "LEFT JOIN coders k ON k.id = e.coder_id")}
        for eid, coder, at, kind, payload in other.execute(
                "SELECT e.id, k.name, e.at, e.kind, e.payload FROM events e "
                "LEFT JOIN coders k ON k.id = e.coder_id"):
            if eid in scrub:
                if scrub[eid][0] == PLACEHOLDER:
                    continue
                payload = json.dumps(scrub[eid][1], sort_keys=True)
            if known.isdisjoint(_keys_of(coder, at, kind, payload, aliases or {})):
                return True
        return False

    def _merge_codings(self: Store, other: sqlite3.Connection, tmap: dict[int, int],
                       cmap: dict[int, int], smap: dict[int, int],
                       counts: dict[str, int], remaps: dict[int, Remap],
                       fresh: bool = True) -> dict[int, int]:
        """Copy codings by GUID; an existing one takes the other copy's active state
        when the copy brings new events (``fresh``; else it is an older or the same copy).

        A coding the same coder already has here, active, on the same transcript, theme
        and span (the same CSV imported into two copies, say) is that coding: it does not
        come in twice.

        A coding on a transcript matched by its source file (``remaps``) is re-anchored
        by its words; one whose words are not found here stays out (with its decision
        and memo) and is listed. One whose suggestion is not here comes in as a hand
        coding (the coder's judgement on those words is kept; there is nothing here to
        record a decision on).

        A coding a join here kept once (``qcahp coders join``: the same coding under
        both names, or the coding of a decision that did not stand) stays removed: the
        copy, still holding it under the old name, does not bring it back. Two codings
        of the copy's coders who are one coder here, on one span, come in once.
        """
        here = {g: (i, a) for i, g, a in self.conn.execute("SELECT id, guid, active FROM codings")}
        same_span = {tuple(r[1:]): r[0] for r in self.conn.execute(
            'SELECT id, transcript_id, theme_id, coder_id, start, "end" FROM codings '
            "WHERE active = 1")}
        joined_away = _joined_away(self.conn)
        made: dict[tuple[Any, ...], int] = {}  # span -> the copy's coder who brought it
        kmap: dict[int, int] = {}
        for row in other.execute(
                'SELECT id, transcript_id, theme_id, coder_id, start, "end", quote, origin, '
                "suggestion_id, active, created_at, guid FROM codings ORDER BY id"):
            oid, tid, theme, coder, start, end, quote, origin, sid, active, created, guid = row
            if tid not in tmap:  # a transcript withdrawn here: none of its codings come in
                name = other.execute("SELECT name, version FROM transcripts WHERE id = ?",
                                     [tid]).fetchone()
                label_t = name[0] if name[1] == 1 else f"{name[0]}@{name[1]}"
                self.merge_withdrawn = {**self.merge_withdrawn,
                                        label_t: self.merge_withdrawn.get(label_t, 0) + 1}
                continue
            if guid in here:
                kmap[oid], was = here[guid]
                if was != active and fresh and not (active and kmap[oid] in joined_away):
                    self.conn.execute("UPDATE codings SET active = ? WHERE id = ?",
                                      [active, kmap[oid]])
                    counts["codings_updated"] += 1
                continue
            sid_here = smap.get(sid) if sid is not None else None
            remap = remaps.get(tid)
            if remap is not None:
                place = remap.span(start, end)
                if place is None:
                    remap.stranded.append(
                        Stranded(theme, start, end, quote, _coder_name(other, coder),
                                 bool(active), oid))
                    continue
                start, end = place
                quote = remap.new[start:end]
                if sid is not None and sid_here is None:
                    origin = "manual"
                    remap.as_hand += 1
                remap.mapped += 1
            span = (tmap[tid], theme, cmap[coder], start, end)
            twin = same_span.get(span)
            if active and twin is not None and made.get(span) != coder:
                kmap[oid] = twin
                continue
            cur = self.conn.execute(
                'INSERT INTO codings (transcript_id, theme_id, coder_id, start, "end", quote, '
                "origin, suggestion_id, active, created_at, guid) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                [tmap[tid], theme, cmap[coder], start, end, quote, origin,
                 sid_here, active, created, guid])
            kmap[oid] = int(cur.lastrowid or 0)
            counts["codings"] += 1
            if active and span not in same_span:
                same_span[span], made[span] = kmap[oid], coder
        return kmap

    def _merge_decisions(self: Store, other: sqlite3.Connection, cmap: dict[int, int],
                         smap: dict[int, int], kmap: dict[int, int], emap: dict[int, int],
                         counts: dict[str, int], remaps: dict[int, Remap],
                         first_new: int | None = None) -> None:
        """Copy each coder's decision unless the same decision is already here
        (``first_new``: the id of the first coding this merge brought in).

        A decision that an earlier merge of the copy brought here (made by one of the
        copy's events) and that the copy no longer holds was undone there: it goes here
        too, as its coding did, so the suggestion is undecided again for that coder.

        Where the coder here decided the suggestion otherwise, by an event the copy does
        not hold (under another name the coder was joined from, or in another copy), or
        where two of the copy's coders are one coder here, the later decision stands, as
        :meth:`~qualcoder_ahp.model.store.Store.join_coders` keeps it; a coding this
        merge brought in for a decision that does not stand is made inactive again.
        """
        theirs: set[tuple[int, int]] = set()
        from_copy = set(emap.values())
        new_codings = {k for k in kmap.values() if first_new is not None and k >= first_new}

        def at(event_id: int) -> str:
            return str(self.conn.execute("SELECT at FROM events WHERE id = ?",
                                         [event_id]).fetchone()[0])

        def drop(values: list[Any]) -> None:
            """A decision that does not stand: a coding this merge brought for it goes
            too (made inactive), as in a join."""
            if values[3] in new_codings:
                self.conn.execute("UPDATE codings SET active = 0 WHERE id = ?", [values[3]])

        standing: dict[tuple[int, int], list[Any]] = {}
        for sid, coder, status, coding, event, tid in other.execute(
                "SELECT d.suggestion_id, d.coder_id, d.status, d.coding_id, d.event_id, "
                "s.transcript_id FROM decisions d JOIN suggestions s ON s.id = d.suggestion_id"):
            if tid in remaps and (sid not in smap or (coding is not None
                                                      and coding not in kmap)):
                # Matched by its file: a decision on a suggestion not here, or whose
                # coding's words were not found here, stays out (never half of one).
                if sid not in smap:
                    remaps[tid].decisions_out += 1
                continue
            if sid not in smap or event not in emap:
                continue  # on a transcript withdrawn here
            key = (smap[sid], cmap[coder])
            theirs.add(key)
            values = [smap[sid], cmap[coder], status,
                      kmap.get(coding) if coding is not None else None, emap[event]]
            other_name = standing.get(key)   # two of the copy's coders, one coder here
            if other_name is not None and at(other_name[4]) > at(values[4]):
                drop(values)
                continue
            if other_name is not None:
                drop(other_name)
            standing[key] = values
        for key, values in standing.items():
            same = self.conn.execute(
                "SELECT 1 FROM decisions WHERE suggestion_id = ? AND coder_id = ? AND status = ? "
                "AND coding_id IS ?", values[:4]).fetchone()
            if same:
                continue
            here = self.conn.execute(
                "SELECT event_id FROM decisions WHERE suggestion_id = ? AND coder_id = ?",
                list(key)).fetchone()
            if here and here[0] not in from_copy and at(here[0]) > at(values[4]):
                drop(values)
                continue
            self.conn.execute(
                "INSERT INTO decisions (suggestion_id, coder_id, status, coding_id, event_id) "
                "VALUES (?,?,?,?,?) ON CONFLICT(suggestion_id, coder_id) DO UPDATE SET "
                "status = excluded.status, coding_id = excluded.coding_id, "
                "event_id = excluded.event_id", values)
            counts["decisions"] += 1
        coders = sorted(set(cmap.values()))
        if not from_copy or not coders:
            return
        for sid, coder_id, event in self.conn.execute(
                "SELECT suggestion_id, coder_id, event_id FROM decisions WHERE coder_id IN "
                f"({','.join('?' * len(coders))})", coders).fetchall():
            if event in from_copy and (sid, coder_id) not in theirs:
                self.conn.execute("DELETE FROM decisions WHERE suggestion_id = ? AND "
                                  "coder_id = ?", [sid, coder_id])
                counts["decisions_undone"] += 1

    def _merge_memos(self: Store, other: sqlite3.Connection, tmap: dict[int, int],
                     cmap: dict[int, int], kmap: dict[int, int], counts: dict[str, int],
                     gone: Gone) -> None:
        """Copy memos (coding/transcript targets re-pointed); the newer text wins; none on
        a transcript withdrawn here (``gone``) or its codings, nor on a coding a join here
        kept once (its memo went to the coding kept, with the other name's)."""
        from qualcoder_ahp.model.store import new_guid

        joined_away = _joined_away(self.conn)
        cases = case_map(other, self.conn, tmap)
        for coder, kind, target, text, updated, guid in other.execute(
                "SELECT coder_id, target_kind, target_id, text, updated_at, guid FROM memos"):
            if kind == "coding":
                mapped = kmap.get(int(target))
                if mapped is None or mapped in joined_away:
                    continue
                target = str(mapped)
            elif kind == "transcript":
                if gone.memo_gone(kind, target):
                    continue  # a transcript withdrawn here
                target = str(tmap.get(int(target), target))
            elif kind == "cell":
                mapped_cell = map_cell(target, cases)
                if mapped_cell is None:
                    continue  # its case is not here (withdrawn here, or never imported)
                target = mapped_cell
            row = self.conn.execute(
                "SELECT text, updated_at FROM memos WHERE coder_id = ? AND target_kind = ? "
                "AND target_id = ?", [cmap[coder], kind, target]).fetchone()
            if row and (row[0] == text or row[1] >= updated):
                continue
            if not row and self.conn.execute("SELECT 1 FROM memos WHERE guid = ?",
                                             [guid]).fetchone():
                guid = new_guid()
            self.conn.execute(
                "INSERT INTO memos (coder_id, target_kind, target_id, text, updated_at, guid) "
                "VALUES (?,?,?,?,?,?) ON CONFLICT(coder_id, target_kind, target_id) DO UPDATE SET "
                "text = excluded.text, updated_at = excluded.updated_at",
                [cmap[coder], kind, target, text, updated, guid])
            counts["memos"] += 1

    # ------------------------------------------------------------------ CSV exchange
    def import_codings(self: Store, path: str | Path, coder: str) -> dict[str, int]:
        """Import codings from a CSV file (transcript, theme, start, end, quote) for ``coder``.

        Every row is checked first (transcript and theme exist, offsets are integers
        inside the text, the quote equals the text there, a ``coder`` column, if the
        file has one, names one coder throughout); the first bad row stops the
        import with an error naming the file and line, and nothing is stored. A row
        the coder already has as an active coding is skipped, so re-importing is safe.

        Returns ``{"imported": n, "already_present": m}``.
        """
        from qualcoder_ahp.reports.writers import csv_unquote

        file = Path(path)
        rows = _read_csv(file)
        checked: list[tuple[int, str, int, int]] = []
        # Looked up once per distinct transcript and theme, not once per row: a study's
        # file holds hundreds of thousands of rows over a few hundred transcripts.
        infos: dict[str, Any] = {}
        themes: dict[str, Any] = {}
        texts: dict[int, str] = {}
        first_coder: tuple[str, int] | None = None
        for line, row in rows:
            where = f"line {line}"
            made_by = (row.get("coder") or "").strip()
            if made_by and first_coder is None:
                first_coder = (made_by, line)
            elif made_by and first_coder is not None and made_by != first_coder[0]:
                # An export of every coder's codings: importing it as one coder would
                # make the others' codings theirs (and hide their disagreements).
                raise UserError(f"{where}: coded by {made_by!r}, line {first_coder[1]} by "
                                f"{first_coder[0]!r}; import one coder's codings at a time "
                                "(`qcahp codings export --coder NAME`)", path=str(file))
            ref = row["transcript"].strip()
            info = infos.get(ref)
            if info is None:
                try:
                    info = infos[ref] = self.transcript(ref)
                except UserError:
                    raise UserError(f"{where}: no transcript {row['transcript']!r} in this "
                                    "project", path=str(file)) from None
            theme = row["theme"].strip()
            if theme not in themes:
                themes[theme] = self.conn.execute("SELECT codable FROM themes WHERE id = ?",
                                                  [theme]).fetchone()
            found = themes[theme]
            if not found or not found[0]:
                what = "no theme" if not found else "folder (not codable) theme"
                raise UserError(f"{where}: {what} {theme!r}", path=str(file))
            try:
                start, end = int(row["start"]), int(row["end"])
            except (TypeError, ValueError):
                raise UserError(f"{where}: start and end must be whole numbers",
                                path=str(file)) from None
            text = texts.get(info.id)
            if text is None:
                text = texts[info.id] = self.transcript_text(info.id)
            if not 0 <= start < end <= len(text):
                raise UserError(f"{where}: span [{start}, {end}) is outside the transcript "
                                f"(0-{len(text)})", path=str(file))
            # An export's quote carries a ' before a text that would start a formula; a
            # file made by hand may hold the text as it is, even one starting with '=.
            if text[start:end] not in (csv_unquote(row["quote"]), row["quote"]):
                raise UserError(f"{where}: quote does not match the transcript text at "
                                f"[{start}, {end}) ({text[start:end][:40]!r}...)", path=str(file))
            checked.append((info.id, theme, start, end))
        counts = {"imported": 0, "already_present": 0}
        with self.write():
            self._import_checked(checked, coder, texts, counts)
        return counts

    def _import_checked(self: Store, checked: list[tuple[int, str, int, int]], coder: str,
                        texts: dict[int, str], counts: dict[str, int]) -> None:
        """Store checked rows as ``code`` decisions (call inside :meth:`write`).

        The same rows and events as one :meth:`code` call per row, written in bulk:
        the coder's active codings are read once (instead of a query per row), and
        the codings (inserted active) and their ``code`` events go in two
        ``executemany`` calls, instead of a coding inserted inactive, logged and
        activated in a savepoint per row that also re-read the transcript's text.
        """
        from qualcoder_ahp.model.store import new_guid, now

        have = set(self.conn.execute(
            'SELECT c.transcript_id, c.theme_id, c.start, c."end" FROM codings c '
            "JOIN coders k ON k.id = c.coder_id WHERE k.name = ? AND c.active = 1", [coder]))
        coder_id = self.ensure_coder(coder)
        # Ids as SQLite would assign them (the rowid after the largest; no AUTOINCREMENT,
        # and we hold the write lock), so every row can go in one executemany.
        next_id = int(self.conn.execute("SELECT COALESCE(MAX(id), 0) FROM codings")
                      .fetchone()[0]) + 1
        rows: list[tuple[Any, ...]] = []
        events: list[tuple[int, str, str, str]] = []
        for tid, theme, start, end in checked:
            key = (tid, theme, start, end)
            if key in have:
                counts["already_present"] += 1
                continue
            have.add(key)
            stamp = now()
            rows.append((next_id, tid, theme, coder_id, start, end, texts[tid][start:end],
                         stamp, new_guid()))
            payload = {"changes": [{"op": "coding", "id": next_id, "before": 0, "after": 1}],
                       "transcript_id": tid, "theme_id": theme}
            events.append((coder_id, stamp, "code", json.dumps(payload, sort_keys=True)))
            next_id += 1
            counts["imported"] += 1
            if len(rows) >= IMPORT_BATCH:
                self._insert_imported(rows, events)
        self._insert_imported(rows, events)

    def _insert_imported(self: Store, rows: list[tuple[Any, ...]],
                         events: list[tuple[int, str, str, str]]) -> None:
        """Insert a batch of imported codings and their events; empties both lists."""
        self.conn.executemany(
            'INSERT INTO codings (id, transcript_id, theme_id, coder_id, start, "end", quote, '
            "origin, suggestion_id, active, created_at, guid) "
            "VALUES (?,?,?,?,?,?,?,'imported',NULL,1,?,?)", rows)
        self.conn.executemany(
            "INSERT INTO events (coder_id, at, kind, payload) VALUES (?, ?, ?, ?)", events)
        rows.clear()
        events.clear()

    def export_codings(self: Store, coder: str | None = None) -> list[dict[str, Any]]:
        """Active codings as CSV rows (transcript, theme, start, end, quote, coder, origin)."""
        if coder is not None:
            self.coder_id(coder)
        names = {t.id: t.label for t in self.transcripts()}
        return [
            {"transcript": names[c.transcript_id], "theme": c.theme_id, "start": c.start,
             "end": c.end, "quote": c.quote, "coder": c.coder, "origin": c.origin}
            for c in self.codings(coder=coder)
        ]


LISTED = 8
"""At most this many names in a refusal's list (then "and N more")."""


def _listed(names: list[str]) -> str:
    """``a, b, c`` or, past :data:`LISTED` names, ``a, ..., h and 12 more``."""
    if len(names) <= LISTED:
        return ", ".join(names)
    return ", ".join(names[:LISTED]) + f" and {len(names) - LISTED} more"


TRANSLATED = ("accept", "adjust", "reject", "code", "remove", "memo", "undo_group",
              "refi_import")
"""Kinds of merged event whose ids a merge translates with :meth:`MergeMixin._local_ids`
(``reconcile``, ``undo`` and ``redo`` by :func:`translate_merged`; theme ids are shared)."""


@dataclass
class _IdMaps:
    """The other copy's ids -> this database's, as one merge found them."""

    transcripts: dict[int, int]
    codings: dict[int, int]
    suggestions: dict[int, int]
    coders: dict[int, int]
    found: dict[int, int | None]
    """Suggestions no decision or coding brought in, looked up here by span (cached)."""
    remaps: dict[int, Remap] = field(default_factory=dict)
    """Transcripts matched by their file, with the alignment of their words."""
    cases: dict[str, str] = field(default_factory=dict)
    """The copy's framework cases -> cases here (:func:`case_map`)."""

    def about(self, other: sqlite3.Connection, table: str, oid: Any) -> dict[str, Any]:
        """The theme of the copy's suggestion or coding ``oid`` (one not here), with its
        transcript here and its span in this transcript's text (where its words are
        here): ``{"theme_id", "transcript_id", "span"}``, each when known."""
        try:
            key = int(oid)
        except (TypeError, ValueError):
            return {}
        if table == "suggestions":
            row = other.execute('SELECT transcript_id, theme_id, start, "end" FROM '
                                "suggestions WHERE id = ?", [key]).fetchone()
        else:
            row = other.execute('SELECT transcript_id, theme_id, start, "end" FROM codings '
                                "WHERE id = ?", [key]).fetchone()
        if row is None:
            return {}
        tid, theme, start, end = row
        out: dict[str, Any] = {"theme_id": theme}
        if tid in self.transcripts:
            out["transcript_id"] = self.transcripts[tid]
            remap = self.remaps.get(tid)
            span = remap.span(start, end) if remap is not None else (start, end)
            if span is not None:
                out["span"] = list(span)
        return out

    def suggestion_here(self, store: Store, other: sqlite3.Connection,
                        oid: Any) -> int | None:
        """This database's suggestion at the same transcript, theme and span as the
        copy's suggestion ``oid`` (one an undone reject named), or ``None``."""
        if not isinstance(oid, int):
            return None
        if oid not in self.found:
            row = other.execute('SELECT transcript_id, theme_id, start, "end" FROM '
                                "suggestions WHERE id = ?", [oid]).fetchone()
            here = None
            if row is not None and row[0] in self.transcripts:
                here = store.conn.execute(
                    "SELECT id FROM suggestions WHERE transcript_id = ? AND theme_id = ? "
                    'AND start = ? AND "end" = ?',
                    [self.transcripts[row[0]], row[1], row[2], row[3]]).fetchone()
            self.found[oid] = int(here[0]) if here else None
        return self.found[oid]


def _carried(ids: dict[str, Any], maps: _IdMaps) -> dict[str, Any]:
    """What the copy's own merge kept of a record it did not bring in either (``ids``: that
    merge's ``local``), in this database's terms: the theme, the transcript and, when the
    transcript's text is the same here, the span."""
    out: dict[str, Any] = {}
    if isinstance(ids.get("theme_id"), str):
        out["theme_id"] = ids["theme_id"]
    tid, span = ids.get("transcript_id"), ids.get("span")
    if tid in maps.transcripts:
        out["transcript_id"] = maps.transcripts[tid]
        if isinstance(span, list) and tid not in maps.remaps:
            out["span"] = span
    return out


def _memo_target(kind: Any, target: Any, maps: _IdMaps) -> str | None:
    """A memo's target in this database: a coding's or transcript's id translated, a
    theme id as it is; ``None`` if it cannot be."""
    if kind == "theme":
        return str(target)
    if kind == "cell":  # a framework cell: its case mapped by its transcripts
        return map_cell(target, maps.cases)
    ids = maps.codings if kind == "coding" else maps.transcripts if kind == "transcript" \
        else None
    try:
        found = ids.get(int(target)) if ids is not None else None
    except (TypeError, ValueError):
        return None
    return str(found) if found is not None else None


def _change_here(change: Any, maps: _IdMaps,
                 suggestion: Callable[[Any], int | None]) -> dict[str, Any] | None:
    """One change record with this database's ids, or ``None`` if one cannot be found."""
    if not isinstance(change, dict):
        return None
    out = dict(change)
    op = change.get("op")
    if op == "coding":
        out["id"] = maps.codings.get(change.get("id"))  # type: ignore[arg-type]
        return out if out["id"] is not None else None
    if op in ("decision", "suggestion"):
        key = "suggestion_id" if op == "decision" else "id"
        out[key] = suggestion(change.get(key))
        if out[key] is None:
            return None
        for side in ("before", "after"):
            value = change.get(side)
            if isinstance(value, dict) and value.get("coding_id") is not None:
                coding = maps.codings.get(value["coding_id"])
                if coding is None:
                    return None
                out[side] = {**value, "coding_id": coding}
        return out
    if op == "memo":
        target = _memo_target(change.get("kind"), change.get("target"), maps)
        if target is None:
            return None
        out["target"] = target
        if change.get("coder_id") is not None:
            out["coder_id"] = maps.coders.get(change["coder_id"])
            if out["coder_id"] is None:
                return None
        return out
    return out  # themes and their fields: ids shared by every copy


def _withdrawn_in(other: sqlite3.Connection, gone: Gone
                  ) -> dict[int, tuple[str, dict[str, Any]]]:
    """The copy's events about its transcripts that were withdrawn here (``gone``, in
    the copy's ids; filled in with their suggestions, codings, decisions and memos)."""
    if not gone.transcripts:
        return {}
    ids = sorted(gone.transcripts)
    marks = ",".join("?" * len(ids))
    gone.suggestions = {r[0] for r in other.execute(
        f"SELECT id FROM suggestions WHERE transcript_id IN ({marks})", ids)}
    gone.codings = {r[0] for r in other.execute(
        f"SELECT id FROM codings WHERE transcript_id IN ({marks})", ids)}
    gone.decided_by = {r[1] for r in other.execute(
        "SELECT suggestion_id, event_id FROM decisions") if r[0] in gone.suggestions}
    gone.cases = cases_gone(other, gone.transcripts)
    for kind, target, text in other.execute(
            "SELECT target_kind, target_id, text FROM memos"):
        if gone.memo_gone(kind, target):
            gone.memo_texts.add(text)
    return scrub_events(other.execute("SELECT id, kind, payload FROM events ORDER BY id"),
                        gone)


def _key_of(coder: str | None, at: str, kind: str, payload: str) -> str:
    """The key of an event: a merged event keeps the key of its original."""
    if kind == "merged":
        try:
            return str(json.loads(payload)["key"])
        except (ValueError, KeyError, TypeError):
            pass
    return event_key(coder, at, kind, payload)


def _joined_away(conn: sqlite3.Connection) -> set[int]:
    """The codings a ``coder_join`` here made inactive (kept once, or the coding of a
    decision that did not stand)."""
    out: set[int] = set()
    for (payload,) in conn.execute("SELECT payload FROM events WHERE kind = 'coder_join'"):
        try:
            changes = json.loads(payload).get("changes")
        except (ValueError, AttributeError):
            continue
        for change in changes if isinstance(changes, list) else ():
            if isinstance(change, dict) and change.get("op") == "coding" and \
                    change.get("after") == 0 and isinstance(change.get("id"), int):
                out.add(change["id"])
    return out


def _keys_of(coder: str | None, at: str, kind: str, payload: str,
             aliases: dict[str, tuple[str, ...]]) -> list[str]:
    """The keys an event of the copy may have here: its own (:func:`_key_of`), then, for
    an event a coder made (not a merged one: that keeps its key), its key under each
    other name of the coder (``aliases``: the copy's coder name -> those names)."""
    keys = [_key_of(coder, at, kind, payload)]
    if kind != "merged" and coder is not None:
        keys += [event_key(name, at, kind, payload) for name in aliases.get(coder, ())
                 if name != coder]
    return keys


def _read_csv(file: Path) -> Iterable[tuple[int, dict[str, str]]]:
    """Rows of a codings CSV with their line numbers; a clear error if it is unusable.

    Read as a spreadsheet may have saved it: with or without a byte order mark, the
    columns in any order, headings in any case and with stray spaces, separated by
    commas, semicolons (Excel where the decimal mark is a comma) or tabs, and with
    the empty rows a spreadsheet leaves at the end skipped. The ``'`` that ``qcahp
    codings export`` puts before a text that would start a formula ("-p01", "=x") is
    taken off again (:func:`~qualcoder_ahp.reports.writers.csv_unquote`).
    """
    from qualcoder_ahp.reports.writers import csv_unquote

    try:
        data = file.read_bytes()
    except FileNotFoundError:
        raise UserError("no such file", path=str(file)) from None
    except OSError as exc:
        raise UserError(f"cannot read ({exc.strerror or exc.__class__.__name__})",
                        path=str(file)) from None
    try:
        raw = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise UserError(f"line {line}: not UTF-8 text (in a spreadsheet, save it as "
                        "\"CSV UTF-8\")", path=str(file)) from None
    first = raw.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first.count) if first else ","
    reader = csv.DictReader(io.StringIO(raw, newline=""), delimiter=delimiter)
    try:
        header = [(name or "").strip().lower() for name in reader.fieldnames or []]
    except csv.Error as exc:
        raise UserError(f"line 1: {exc}", path=str(file)) from None
    reader.fieldnames = header
    missing = [c for c in CSV_COLUMNS if c not in header]
    if missing:
        raise UserError(f"line 1: missing column(s) {', '.join(missing)} "
                        f"(need {', '.join(CSV_COLUMNS)})", path=str(file))
    rows = []
    last = reader.line_num
    try:
        for row in reader:
            # line_num is where the row ends; a quoted field may span several lines.
            line, last = last + 1, reader.line_num
            if not any((v or "").strip() for k, v in row.items() if k is not None):
                continue  # an empty row (",,,,"), as spreadsheets leave at the end
            if any(row.get(c) is None for c in CSV_COLUMNS):
                raise UserError(f"line {line}: too few fields", path=str(file))
            # Without the ' the export put before a text that would start a spreadsheet
            # formula; the quote stays as read (import_codings matches it either way).
            rows.append((line, {k: csv_unquote(v.strip()) if isinstance(v, str)
                                and k != "quote" else v for k, v in row.items()}))
    except csv.Error as exc:
        raise UserError(f"line {reader.line_num}: {exc}", path=str(file)) from None
    if not rows:
        raise UserError("no codings in the file", path=str(file))
    return rows


_SPACE = re.compile(r"\s+")
_WORD = re.compile(r"\S+")


def _norm(text: str) -> str:
    """A text with its runs of white space made one space, and none at either end."""
    return _SPACE.sub(" ", text).strip()


def _patterns(pids: str | None) -> list[str]:
    """A suggestion's pattern ids, sorted (``[]`` for a record that is not a JSON list)."""
    try:
        ids = json.loads(pids or "[]")
    except ValueError:
        return []
    return sorted(map(str, ids)) if isinstance(ids, list) else []


def _coder_name(other: sqlite3.Connection, coder_id: int) -> str:
    row = other.execute("SELECT name FROM coders WHERE id = ?", [coder_id]).fetchone()
    return str(row[0]) if row else "?"


def _memo_on(data: Any, codings: set[int | None]) -> bool:
    """Whether an event's record is a memo on one of ``codings``."""
    if not isinstance(data, dict) or data.get("kind") != "coding":
        return False
    changes = data.get("changes")
    return isinstance(changes, list) and any(
        isinstance(c, dict) and c.get("op") == "memo" and c.get("kind") == "coding"
        and str(c.get("target")) in {str(i) for i in codings} for c in changes)


def _makes_coding(data: Any, codings: set[int | None]) -> bool:
    """Whether an event's record (``changes``) creates one of ``codings``."""
    changes = data.get("changes") if isinstance(data, dict) else None
    return isinstance(changes, list) and any(
        isinstance(c, dict) and c.get("op") == "coding" and c.get("id") in codings
        and not c.get("before") for c in changes)


@dataclass(frozen=True)
class CoderMatch:
    """A coder of a copy and the coder here whose work it is."""

    name: str
    """The coder's name in the copy."""
    here: str
    """The coder here."""
    steps: list[NameStep]
    """How the name became that coder here (renamed, joined), oldest first."""
    same_guid: bool = False
    """Found by the coder's GUID under another name (renamed in the copy, say)."""


@dataclass(frozen=True)
class Stranded:
    """A coding of a copy that could not be re-anchored onto this project's text."""

    theme: str
    start: int
    end: int
    quote: str
    coder: str
    active: bool
    coding_id: int | None = None
    """Its id in the copy (its hand coding or accept event is marked ``left_out``)."""


@dataclass(frozen=True)
class SourceMatch:
    """A transcript of a copy matched here by its source file, and its codings' fate."""

    transcript: str
    mapped: int
    """Codings brought in at their re-anchored place."""
    as_hand: int
    """Of those, codings of a suggestion not here, brought in as hand codings."""
    stranded: list[Stranded]
    """Codings whose words were not found here: left out, with their decisions and memos."""
    decisions_out: int
    """Decisions on the copy's suggestions that have none here to map to."""


@dataclass
class Remap:
    """Offsets in a copy's text of a transcript -> offsets in this project's text of the
    same file, read by another parser (joined subtitle cues, a PDF's headers dropped...).

    The two texts are aligned word by word (:class:`difflib.SequenceMatcher` over their
    runs of non-space characters), so a difference in white space is no difference, and
    words repeated elsewhere are told apart by the words around them: the alignment is
    one for the whole text, in order. A span maps only when every word it covers is
    aligned, in one unbroken run, and the words at the new place are the same (white
    space aside); otherwise :meth:`span` gives ``None``.
    """

    label: str
    old: str
    new: str
    mapped: int = 0
    as_hand: int = 0
    decisions_out: int = 0
    stranded: list[Stranded] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._old = [(m.start(), m.end()) for m in _WORD.finditer(self.old)]
        self._new = [(m.start(), m.end()) for m in _WORD.finditer(self.new)]
        self._old_ends = [e for _, e in self._old]
        matcher = difflib.SequenceMatcher(
            None, [self.old[s:e] for s, e in self._old],
            [self.new[s:e] for s, e in self._new], autojunk=False)
        self._to: dict[int, int] = {}
        for a, b, size in matcher.get_matching_blocks():
            for k in range(size):
                self._to[a + k] = b + k

    def span(self, start: int, end: int) -> tuple[int, int] | None:
        """The place of the copy's [start, end) in this project's text, or ``None``."""
        first = bisect.bisect_right(self._old_ends, start)  # the first word ending after
        last = first
        while last < len(self._old) and self._old[last][0] < end:
            last += 1
        last -= 1  # the last word starting before the end
        if first > last or first not in self._to:
            return None
        to = self._to[first]
        if any(self._to.get(k) != to + (k - first) for k in range(first, last + 1)):
            return None
        new_start = self._new[to][0] + max(0, start - self._old[first][0])
        new_end = self._new[to + last - first][1] - max(0, self._old[last][1] - end)
        if new_start >= new_end or _norm(self.old[start:end]) != _norm(
                self.new[new_start:new_end]):
            return None
        return new_start, new_end
