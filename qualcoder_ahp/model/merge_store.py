"""Store methods for merging coders' project copies.

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
- the copy's speaker renames, joins, swaps and role changes are made here too where this
  project's turns still carry the old name or role; where this project changed that
  speaker otherwise, its change stands and :attr:`merge_speakers` says so
  (:mod:`~qualcoder_ahp.model.merge_speakers`);
- a transcript the copy renamed (``qcahp transcripts rename``) is renamed here too, unless
  this project renamed it since or another transcript here has the name: then its name
  stands and :attr:`merge_renames` says so (:mod:`~qualcoder_ahp.model.merge_renames`);
- suggestions that coders decided on are copied when missing (matched by
  transcript, theme and span), then decisions and memos;
- a transcript withdrawn from this project (``qcahp withdraw``, known by its hashes)
  that the copy still holds brings nothing in: not its suggestions, decisions,
  codings or memos, nor the copy's events about them (:attr:`merge_withdrawn` says
  which, and how many codings were left out).

The merge is in pieces: this module matches the copy's transcripts, themes and coders
and runs the merge; :mod:`~qualcoder_ahp.model.merge_rows` copies its themes,
suggestions, codings, decisions and memos; :mod:`~qualcoder_ahp.model.merge_events`
appends its log events with their ids translated; :mod:`~qualcoder_ahp.model.merge_remap`
re-anchors codings by their words. Codings move as CSV in
:mod:`~qualcoder_ahp.model.codings_csv_store`.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from qualcoder_ahp.errors import UserError
from qualcoder_ahp.model.coders_store import NameStep, coder_names
from qualcoder_ahp.model.merge_events import MergeEventsMixin, withdrawn_in
from qualcoder_ahp.model.merge_remap import Remap, SourceMatch
from qualcoder_ahp.model.merge_renames import MergeRenamesMixin
from qualcoder_ahp.model.merge_rows import MergeRowsMixin
from qualcoder_ahp.model.merge_speakers import MergeSpeakersMixin
from qualcoder_ahp.model.withdraw_store import Gone
from qualcoder_ahp.records import Theme, transcript_label

if TYPE_CHECKING:
    from qualcoder_ahp.model.codebook_store import FieldEdits
    from qualcoder_ahp.model.store import Store


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


def read_only_uri(path: Path) -> str:
    """The ``file:`` URI that reads a project without writing beside it: ``mode=ro``
    with its ``-wal`` when it has one, else ``immutable`` (no lock, no side file)."""
    live = Path(f"{path}-wal").exists()
    return path.resolve().as_uri() + ("?mode=ro" if live else "?mode=ro&immutable=1")


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
    shm = Path(f"{path}-shm")
    had_shm = shm.exists()
    live = Path(f"{path}-wal").exists()
    conn = sqlite3.connect(read_only_uri(path), uri=True)
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


class MergeMixin(MergeEventsMixin, MergeRowsMixin, MergeSpeakersMixin, MergeRenamesMixin):
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
    merge_placed_apart: list[PlacedApart] = []  # noqa: RUF012 - replaced per merge
    """After :meth:`merge_from`: each theme added in the copy and, apart, here (or in
    another copy merged before) under another parent: this project's place stands."""
    merge_redacted: int = 0
    """After :meth:`merge_from`: the names this project's redaction replaced that the
    copy's codebook text brought back, replaced again (0: none)."""
    merge_examples_dropped: int = 0
    """After :meth:`merge_from`: the codebook examples quoting a transcript withdrawn
    here that the copy brought back (in a theme it added or its log's theme edits),
    dropped again."""
    _incoming_scrub: Callable[[str, str], str] | None = None
    """After :meth:`merge_from`: what it did to the copy's codebook text (a field's
    name and value -> the value redacted, or without the withdrawn quotes), if any."""
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
        from qualcoder_ahp.importers.normalise import refuse_special
        from qualcoder_ahp.model.migrations import known_count

        self.merge_withdrawn = {}
        self.merge_by_source = []
        self.merge_coders_as = []
        self.merge_names_again = []
        self.merge_events_by = {}
        self.merge_upgraded_from = None
        self.merge_speakers = []
        self.merge_renames = []
        self.merge_conflicts = []
        self.merge_memo_conflicts = []
        self.merge_placed_apart = []
        self.merge_redacted = 0
        self.merge_examples_dropped = 0
        self._incoming_scrub = None
        path = Path(other_path)
        refuse_special(path)  # a named pipe was called "no such project database"
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
        try:
            with read_copy(Path(other_path)) as other:
                return self.theme_edits_in_conn(other)
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
        placed_apart = self._placed_apart(other, added_there & here_themes)
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
        scrub = withdrawn_in(other, gone)
        remaps = {oid: self._remap(other, oid, label_t, here_id)
                  for oid, (label_t, here_id) in by_source.items()}
        # A transcript the copy renamed is renamed here too, and its old name leaves this
        # file as `qcahp transcripts rename` makes it leave (secure_delete, WAL truncated).
        renames = other.execute(
            "SELECT 1 FROM events WHERE kind = 'transcript_rename' LIMIT 1").fetchone()
        redacted = self.conn.execute(
            "SELECT 1 FROM events WHERE kind = 'redact' LIMIT 1").fetchone()
        with self.erasing() if renames or redacted else self.write():
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
            # The copy's speaker changes, made here before their events are logged (a
            # merge copies codings, not turns: the names and roles would stay behind).
            speakers = self._merge_speakers(other, tmap, label, scrub, aliases)
            speakers.update(self._merge_renames(other, tmap, label, scrub, aliases))
            emap = self._merge_events(other, cmap, counts, (label, tmap, kmap), scrub,
                                      (smap, found), left_out, remaps, aliases, speakers)
            if fresh:
                self._merge_decisions(other, cmap, smap, kmap, emap, counts, remaps, first,
                                      newest)
            self._merge_memos(other, tmap, cmap, kmap, counts, gone, newest)
            if redacted:
                self.merge_redacted = self._redact_incoming(other, label)
            if gone.transcripts:
                self.merge_examples_dropped = self._drop_withdrawn_examples(other, gone)
            self._record_merged_targets(newest)
            # Said once: when the copy's addition of the theme comes in.
            arrived = {r[0] for r in self.conn.execute(
                "SELECT json_extract(payload, '$.original.theme_id') FROM events WHERE "
                "id > ? AND kind = 'merged' AND json_valid(payload) AND "
                "json_extract(payload, '$.original_kind') = 'theme_add'", [newest])}
            self.merge_placed_apart = [p for p in placed_apart if p.theme in arrived]
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
                from qualcoder_ahp.model.event_words import file_name

                self.log_event(None, "merge", {"source": file_name(label), **counts,
                                               **extra})  # (not the path: a login)
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

    def _placed_apart(self: Store, other: sqlite3.Connection, ids: set[str]
                      ) -> list[PlacedApart]:
        """The themes of ``ids`` (added while coding in the copy, and here by id) that
        were added apart (another GUID: each side made its own, as two coders adding
        "Burnout" do) under another parent than here's. A merge joins coders' work, not
        codebooks: this project's place stands, and the team moves it if need be."""
        if not ids:
            return []
        marks = ",".join("?" * len(ids))
        here = {r[0]: r[1:] for r in self.conn.execute(
            f"SELECT id, guid, parent_id, name FROM themes WHERE id IN ({marks})",
            sorted(ids))}
        moved = self.theme_edits_in_conn(other)
        out = []
        for theme_id, guid, parent, name in other.execute(
                f"SELECT id, guid, parent_id, name FROM themes WHERE id IN ({marks}) "
                "ORDER BY id", sorted(ids)):
            mine = here.get(theme_id)
            if (mine is None or not guid or guid == mine[0] or parent == mine[1]
                    or "parent_id" in moved.get(theme_id, {})):
                continue  # one theme (copied), the same place, or a move already said
            out.append(PlacedApart(theme_id, mine[2], mine[1], parent,
                                   _parent_name(other, parent), _adder(other, theme_id),
                                   _adder(self.conn, theme_id)))
        return out

    def theme_edits_in_conn(self: Store, other: sqlite3.Connection) -> FieldEdits:
        """:meth:`theme_edits_in` of an open copy."""
        from qualcoder_ahp.model.codebook_store import edits_differing

        columns = "id, name, parent_id, description, inclusion, exclusion, examples, color"
        theirs = {r[0]: Theme(r[0], r[1], r[2], r[3] or "", r[4] or "", r[5] or "",
                              tuple(json.loads(r[6] or "[]")), color=r[7] or "")
                  for r in other.execute(f"SELECT {columns} FROM themes")}
        edits = edits_differing(other, theirs,
                                {t.id: t for t in self.themes(include_inactive=True)})
        scrub = self._incoming_scrub
        if scrub is None:
            return edits
        # A field that differs only by what the merge redacted or dropped again is no
        # edit to take (taking it would bring the names or quotes back).
        out: FieldEdits = {}
        for theme_id, fields in edits.items():
            kept = {f: v for f, v in fields.items() if scrub(f, v[0]) != v[1]}
            if kept:
                out[theme_id] = kept
        return out

    def _redact_incoming(self: Store, other: sqlite3.Connection, label: str) -> int:
        """Redact again what a copy made before this project's redaction brought back
        (call inside the merge's transaction, after its themes and events are in).

        ``qcahp redact`` keeps no list of the names it replaced (that list would hold
        them), but the copy's codebook text still holds them where this project's has a
        replacement (``Helen said ...`` there, ``[REDACTED] said ...`` here): each name so
        found is replaced as the redaction replaced it, in the themes the copy added, its
        ``theme_edit`` events merged in (and the redacted event's copy it brought again),
        as :meth:`redact_codebook` does, with a ``redact`` event about the codebook.
        Returns the replacements made.
        """
        from qualcoder_ahp.model.event_words import file_name
        from qualcoder_ahp.privacy import NameRule, name_rewriter

        pairs: dict[str, str] = {}
        fields = "id, description, inclusion, exclusion, examples"
        here = {r[0]: r[1:] for r in self.conn.execute(f"SELECT {fields} FROM themes")}
        for theme_id, *theirs in other.execute(f"SELECT {fields} FROM themes"):
            for there, mine in zip(theirs, here.get(theme_id, ()), strict=False):
                if there and mine and there != mine:
                    pairs.update(_replaced_names(there, mine))
        if not pairs:
            return 0
        rules = [NameRule(name, token) for name, token in pairs.items()]
        rewrite = name_rewriter(rules, "[REDACTED]")
        scrub = self.codebook_scrub(lambda value: rewrite(value, False))
        before = self._incoming_scrub
        self._incoming_scrub = lambda f, v: rewrite(before(f, v) if before else v, False)
        if not scrub:
            return 0
        pattern = re.compile("|".join(rf"(?<!\w){re.escape(n)}(?!\w)" for n in pairs),
                             re.IGNORECASE)
        count = sum(len(pattern.findall(v)) for v in scrub.old) + sum(
            len(pattern.findall(self.conn.execute(
                "SELECT payload FROM events WHERE id = ?", [i]).fetchone()[0]))
            for i in scrub.events)
        event_id = self.log_event(None, "redact", {
            "codebook": True, "names": len(rules), "replacements": count,
            "log_scrubbed": len(scrub.events), "merge": file_name(label),
            "codebook_text": ("dropped" if scrub.source_dropped else
                              "redacted" if scrub.source is not None else "none")})
        self.apply_codebook_scrub(scrub, event_id)
        return count

    def _drop_withdrawn_examples(self: Store, other: sqlite3.Connection, gone: Gone) -> int:
        """Drop again the codebook examples quoting a transcript withdrawn here that the
        copy (made before the withdrawal, still holding the transcript) brought back: in
        a theme it added, or its ``theme_edit`` events merged in. As ``qcahp withdraw``
        finds them (:class:`QuoteOfWithdrawn`): an example of four words or more in the withdrawn
        text (the copy's) and in no transcript here. Returns how many examples went."""
        from qualcoder_ahp.model.withdraw_store import QuoteOfWithdrawn

        ids = sorted(gone.transcripts)
        is_quote = QuoteOfWithdrawn(
            [t for (t,) in other.execute(
                f"SELECT text FROM transcripts WHERE id IN ({','.join('?' * len(ids))})", ids)],
            lambda: (t for (t,) in self.conn.execute("SELECT text FROM transcripts")))
        quoted: set[str] = set()

        def drop(example: str) -> bool:
            if not is_quote(example):
                return False
            quoted.add(example)
            return True

        scrub = self.codebook_scrub(lambda value: value, drop=drop)
        before = self._incoming_scrub

        def without(fname: str, value: str) -> str:
            value = before(fname, value) if before else value
            if fname != "examples":
                return value
            try:
                listed = json.loads(value or "[]")
            except ValueError:
                return value
            return json.dumps([e for e in listed if not (isinstance(e, str) and drop(e))]
                              if isinstance(listed, list) else listed)

        self._incoming_scrub = without
        if not scrub:
            return 0
        row = self.conn.execute("SELECT MAX(id) FROM events WHERE kind = 'withdraw'").fetchone()
        self.apply_codebook_scrub(scrub, int(row[0] or 0))
        return len(quoted)

    def where_coded(self: Store) -> CodedWhere:
        """Where each coder's coding decisions (accept, adjust, reject, code, remove) were
        made, as the log says: in this project, or in a copy merged here (``merged``
        events, which keep the time each was made); when each coder first and last coded,
        and when their work first reached this project (made here, or the merge that
        brought it); with the merges made here and the copies' file names."""
        kinds = ",".join(f"'{k}'" for k in CODING_KINDS)
        merges = self.conn.execute(
            "SELECT id, at, CASE WHEN json_valid(payload) THEN json_extract(payload, "
            "'$.source') END FROM events WHERE kind = 'merge' ORDER BY id").fetchall()
        out = CodedWhere({}, {}, len(merges), sorted({str(r[2]) for r in merges if r[2]}))
        for name, merged, n, first, last, first_id in self.conn.execute(
                "SELECT k.name, e.kind = 'merged', COUNT(*), MIN(e.at), MAX(e.at), "
                "MIN(e.id) FROM events e JOIN coders k ON k.id = e.coder_id WHERE e.kind IN "
                f"({kinds}) OR (e.kind = 'merged' AND json_valid(e.payload) AND "
                f"json_extract(e.payload, '$.original_kind') IN ({kinds})) "
                "GROUP BY k.name, e.kind = 'merged'"):
            (out.in_copies if merged else out.here)[str(name)] = int(n)
            # A merged event reached this project with the merge logged after it.
            came = first if not merged else next(
                (at for mid, at, _src in merges if mid > first_id), last)
            for seen, value, pick in ((out.first, first, min), (out.last, last, max),
                                      (out.arrived, came, min)):
                seen[name] = pick(seen.get(name, value), value)
        return out

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


def placed_apart_line(store: Store, placed: PlacedApart, other: str) -> str:
    """The merge's warning of a theme added apart under two parents: which, where each
    has it, which place stands, and the command that moves it."""
    here = (f"under {store.theme_path(placed.parent_here)!r}" if placed.parent_here
            else "at the top level")
    known = placed.parent_there is not None and placed.parent_there in {
        t.id for t in store.themes()}
    if placed.parent_there is None:
        there, move = "at the top level", "--top-level"
    else:
        name = placed.parent_there_name or placed.parent_there
        there = f"under {name!r}" + ("" if known else " (not in this codebook)")
        move = f"--parent {placed.parent_there}"
    by = f" by {placed.added_by}" if placed.added_by else ""
    by_here = f" by {placed.added_here_by}" if placed.added_here_by else ""
    fix = (f"; to put it where {other} has it: `qcahp codebook edit-theme {placed.theme} "
           f"{move} --coder NAME`" if known or placed.parent_there is None else "")
    return (f"warning: theme {placed.theme} ({placed.name!r}) was added{by} in {other} "
            f"{there}, and apart{by_here} {here} in this project: it stays {here}, "
            f"holding every coder's codings of it{fix}.")


REPLACEMENT = re.compile(r"\[[^\[\]\s]{1,40}\]")
"""What ``qcahp redact`` puts for a name: ``[REDACTED]``, ``[P01]``."""
TOKEN = re.compile(r"\[[^\[\]\s]{1,40}\]|\w+(?:['\u2019]\w+)*|\S")


def _replaced_names(there: str, here: str) -> dict[str, str]:
    """The names a redaction replaced in ``here`` that ``there`` (the same text, as a copy
    made before it holds it) still has: ``{"Helen": "[REDACTED]"}`` for ``Helen said`` and
    ``[REDACTED] said``. Only a run of one to four words, starting with a capital, in the
    place of one replacement counts (an edit that changed words is no redaction)."""
    import difflib

    a, b = TOKEN.findall(there), TOKEN.findall(here)
    out: dict[str, str] = {}
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False
                                                       ).get_opcodes():
        words = a[i1:i2]
        if (tag == "replace" and j2 - j1 == 1 and REPLACEMENT.fullmatch(b[j1])
                and 1 <= len(words) <= 4 and words[0][:1].isupper()
                and all(re.fullmatch(r"\w+(?:['\u2019]\w+)*", w) for w in words)
                and not REPLACEMENT.fullmatch(words[0])):
            out[" ".join(words)] = b[j1]
    return out


def _parent_name(conn: sqlite3.Connection, parent: str | None) -> str:
    """A parent theme's name in ``conn`` (``""`` for the top level or one not there)."""
    if parent is None:
        return ""
    row = conn.execute("SELECT name FROM themes WHERE id = ?", [parent]).fetchone()
    return str(row[0]) if row else ""


def _adder(conn: sqlite3.Connection, theme_id: str) -> str:
    """Who added ``theme_id`` while coding in ``conn``'s project (its ``theme_add`` event,
    made there or merged in there); ``""`` if no event says."""
    row = conn.execute(
        "SELECT k.name FROM events e JOIN coders k ON k.id = e.coder_id WHERE json_valid("
        "e.payload) AND ((e.kind = 'theme_add' AND json_extract(e.payload, '$.theme_id') = ?) "
        "OR (e.kind = 'merged' AND json_extract(e.payload, '$.original_kind') = 'theme_add' "
        "AND json_extract(e.payload, '$.original.theme_id') = ?)) ORDER BY e.id DESC LIMIT 1",
        [theme_id, theme_id]).fetchone()
    return str(row[0]) if row else ""


LISTED = 8
"""At most this many names in a refusal's list (then "and N more")."""


def _listed(names: list[str]) -> str:
    """``a, b, c`` or, past :data:`LISTED` names, ``a, ..., h and 12 more``."""
    if len(names) <= LISTED:
        return ", ".join(names)
    return ", ".join(names[:LISTED]) + f" and {len(names) - LISTED} more"


CODING_KINDS = ("accept", "adjust", "reject", "code", "remove")
"""The kinds of event by which a coder codes (a decision on a suggestion, a hand coding
or its removal): where they were made says where the coder coded."""


@dataclass(frozen=True)
class CodedWhere:
    """Where the coders coded (:meth:`MergeMixin.where_coded`)."""

    here: dict[str, int]
    """Coder -> coding events made in this project."""
    in_copies: dict[str, int]
    """Coder -> coding events made in a copy of the project and merged here."""
    merges: int
    """The merges made here (``qcahp merge`` of a copy that brought something)."""
    copies: list[str]
    """The file names of the copies merged (each once)."""
    first: dict[str, str] = field(default_factory=dict)
    """Coder -> when they first coded (here or in their copy)."""
    last: dict[str, str] = field(default_factory=dict)
    """Coder -> when they last coded."""
    arrived: dict[str, str] = field(default_factory=dict)
    """Coder -> when their coding first reached this project (made here, or merged)."""


@dataclass(frozen=True)
class PlacedApart:
    """A theme a copy's coder added under one parent and that is here, added apart,
    under another: this project's place stands."""

    theme: str
    name: str
    """Its name here."""
    parent_here: str | None
    parent_there: str | None
    parent_there_name: str
    """The copy's parent's name (``""``: the top level, or a folder not here)."""
    added_by: str
    """Who added it in the copy (``""`` if its log does not say)."""
    added_here_by: str = ""
    """Who added it here (or in a copy merged here before)."""


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
