"""Store methods for the codebook: themes and their patterns.

A mixin of :class:`qualcoder_ahp.model.store.Store`. Loading a new version of a
codebook keeps theme ids (and so every coding made with them) and GUIDs; themes and
patterns that disappear are marked inactive, never deleted, because codings and
suggestions still point at them.
"""

from __future__ import annotations

import hashlib
import json
import re
import sqlite3
from collections.abc import Iterable, Sequence
from types import EllipsisType
from typing import TYPE_CHECKING

from qualcoder_ahp.errors import UserError
from qualcoder_ahp.model.migrations import source_file_name
from qualcoder_ahp.records import (
    THEME_ID,
    Codebook,
    CodebookLoad,
    Pattern,
    Theme,
    theme_name_problem,
    theme_path,
    theme_slug,
)
from qualcoder_ahp.suggest.colours import distinct_colour

if TYPE_CHECKING:
    from qualcoder_ahp.model.store import Store


SOURCE_SETTING = "codebook_source"
"""The setting that keeps the text of the YAML codebook file last loaded, with the
``codebooks`` row of that load: ``{"load": id, "text": ...}`` (:meth:`codebook_source`)."""

FieldEdits = dict[str, dict[str, tuple[str, str]]]
"""``{theme_id: {field: (edited value, other value)}}``: theme edits one side has and the
other has not (a codebook file being loaded, or a copy being merged)."""


def pattern_hash(pattern: Pattern) -> str:
    """A hash of everything that changes what a pattern matches."""
    key = json.dumps(
        [pattern.theme_id, pattern.kind, pattern.body, pattern.scope, pattern.unit,
         pattern.exclude],
        sort_keys=True,
    )
    return hashlib.sha256(key.encode()).hexdigest()[:16]


def written_hash(codebook: Codebook) -> str:
    """A hash of ``codebook`` as ``qcahp codebook export`` writes it (its themes, their
    texts, colours and places, its patterns and their order, its name, version and
    description): two codebooks with the same hash export the same file."""
    from qualcoder_ahp.suggest.codebook_yaml import codebook_yaml

    return hashlib.sha256(codebook_yaml(codebook).encode()).hexdigest()


class CodebookMixin:
    """Codebook methods of :class:`~qualcoder_ahp.model.store.Store`."""

    conn: sqlite3.Connection

    def save_codebook(self: Store, codebook: Codebook) -> dict[str, int]:
        """Store a codebook (a new version replaces the old one, keeping ids and GUIDs).

        Returns counts: themes added/updated/retired, patterns added/changed/retired.
        """
        from qualcoder_ahp.model.store import new_guid, now

        stats = dict.fromkeys(
            ("themes_added", "themes_updated", "themes_retired", "patterns_added",
             "patterns_changed", "patterns_retired", "patterns_unchanged"), 0)
        with self.write():
            existing = {r[0]: r[1] for r in self.conn.execute("SELECT id, guid FROM themes")}
            keep = set()
            # Parents first so the foreign key on parent_id always resolves.
            for theme in _parents_first(codebook.themes):
                keep.add(theme.id)
                values = [theme.parent_id, theme.name, theme.description, theme.inclusion,
                          theme.exclusion, json.dumps(list(theme.examples)), theme.color,
                          int(theme.codable), theme.position]
                if theme.id in existing:
                    self.conn.execute(
                        "UPDATE themes SET parent_id=?, name=?, description=?, inclusion=?, "
                        "exclusion=?, examples=?, color=?, codable=?, position=?, active=1 "
                        "WHERE id=?", [*values, theme.id])
                    stats["themes_updated"] += 1
                else:
                    self.conn.execute(
                        "INSERT INTO themes (parent_id, name, description, inclusion, exclusion, "
                        "examples, color, codable, position, active, guid, id) "
                        "VALUES (?,?,?,?,?,?,?,?,?,1,?,?)", [*values, new_guid(), theme.id])
                    stats["themes_added"] += 1
            # A theme a coder added while coding is not in the file, but its codings are
            # the team's work: it stays until someone brings it into the file (export, edit,
            # load) or removes its codings. One added and never used retires as usual.
            kept = self._added_themes_in_use(set(existing) - keep)
            for theme_id in set(existing) - keep - kept:
                self.conn.execute("UPDATE themes SET active = 0 WHERE id = ?", [theme_id])
                stats["themes_retired"] += 1
            stats["themes_kept"] = len(kept)
            old = {r[0]: (r[1], r[2]) for r in
                   self.conn.execute("SELECT id, body_hash, active FROM patterns")}
            seen = set()
            # Each pattern's place in the file: an export writes them in it (m009).
            for position, pattern in enumerate(codebook.patterns):
                seen.add(pattern.id)
                digest = pattern_hash(pattern)
                row = [pattern.theme_id, pattern.kind, json.dumps(pattern.body), pattern.scope,
                       pattern.unit, int(pattern.exclude), digest, position]
                if pattern.id not in old:
                    self.conn.execute(
                        "INSERT INTO patterns (theme_id, kind, body, scope, unit, exclude, "
                        "body_hash, position, active, id) VALUES (?,?,?,?,?,?,?,?,1,?)",
                        [*row, pattern.id])
                    stats["patterns_added"] += 1
                else:
                    self.conn.execute(
                        "UPDATE patterns SET theme_id=?, kind=?, body=?, scope=?, unit=?, "
                        "exclude=?, body_hash=?, position=?, active=1 WHERE id=?",
                        [*row, pattern.id])
                    unchanged = old[pattern.id] == (digest, 1)
                    stats["patterns_unchanged" if unchanged else "patterns_changed"] += 1
            for pattern_id, (_, active) in old.items():
                if pattern_id not in seen and active:
                    self.conn.execute("UPDATE patterns SET active = 0 WHERE id = ?", [pattern_id])
                    stats["patterns_retired"] += 1
            raw = json.dumps([codebook.name, [t.id for t in codebook.themes],
                              [pattern_hash(p) for p in codebook.patterns]])
            # The file's description: (m010), NULL when it has none: the stored codebook
            # is the file, so a version without one clears the last one's. The file's
            # name only, not its folders (a login, a shared drive's team folder), as for
            # transcripts: exports and the methods draft name it.
            load = self.conn.execute(
                "INSERT INTO codebooks (name, path, content_hash, pipeline, loaded_at, "
                "version, description) VALUES (?,?,?,?,?,?,?)",
                [codebook.name, source_file_name(codebook.source) if codebook.source else None,
                 hashlib.sha256(raw.encode()).hexdigest(),
                 codebook.pipeline, now(), codebook.version, codebook.description or None]
            ).lastrowid
            # The YAML file's text, comments and all, for an export (this load's only),
            # with the file's codebook as an export writes it (hashed): the same as the
            # stored one's until a theme or pattern is changed in the project.
            self.conn.execute(
                "INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE "
                "SET value = excluded.value",
                [SOURCE_SETTING, json.dumps({
                    "load": load, "text": codebook.source_text,
                    "written": written_hash(codebook) if codebook.source_text else None})])
        return stats

    def codebook_source(self: Store) -> tuple[str, str] | None:
        """The text of the YAML file the stored codebook was last loaded from, as read
        (comments and all), and the hash of that file's codebook as an export writes it
        (:func:`written_hash`: when the stored codebook's is the same, nothing was changed
        since); ``None`` when the last load was of another kind of file (or of a YAML
        file with a patterns JSONL merged in), or made before loads kept the text."""
        row = self.conn.execute("SELECT value FROM settings WHERE key = ?",
                                [SOURCE_SETTING]).fetchone()
        last = self.conn.execute("SELECT MAX(id) FROM codebooks").fetchone()[0]
        try:
            kept = json.loads(row[0]) if row else None
        except ValueError:
            return None
        if not isinstance(kept, dict) or kept.get("load") != last:
            return None
        text, written = kept.get("text"), kept.get("written")
        return (text, written) if isinstance(text, str) and isinstance(written, str) else None

    def codebook_loads(self: Store) -> list[CodebookLoad]:
        """Each load of a codebook file, oldest first (``qcahp methods`` names the last
        and counts them)."""
        return [CodebookLoad(*row) for row in self.conn.execute(
            "SELECT name, path, content_hash, pipeline, loaded_at, version, description "
            "FROM codebooks ORDER BY id")]

    def added_themes(self: Store) -> set[str]:
        """Ids of the themes coders added while coding (here, or in a copy merged in)."""
        from qualcoder_ahp.model.merge_store import added_theme_ids

        return added_theme_ids(self.conn)

    def theme_added_by(self: Store, theme_id: str) -> tuple[str | None, str] | None:
        """``(coder, when)`` a coder added this theme while coding (here or in a copy
        merged in), or ``None`` for a theme that came from a codebook file."""
        rows = self.conn.execute(
            "SELECT k.name, e.at, e.kind, e.payload FROM events e "
            "LEFT JOIN coders k ON k.id = e.coder_id "
            "WHERE e.kind IN ('theme_add', 'merged') ORDER BY e.id")
        for coder, at, kind, payload in rows:
            try:
                data = json.loads(payload)
            except ValueError:
                continue
            if kind == "merged" and isinstance(data, dict):
                data = data.get("original") if data.get("original_kind") == "theme_add" else None
            if isinstance(data, dict) and data.get("theme_id") == theme_id:
                return coder, at
        return None

    def coding_counts_by_theme(self: Store, theme_ids: Iterable[str]) -> dict[str, int]:
        """Active codings of each of these themes, for those that have any."""
        wanted = list(theme_ids)
        if not wanted:
            return {}
        marks = ",".join("?" * len(wanted))
        return dict(self.conn.execute(
            f"SELECT theme_id, COUNT(*) FROM codings WHERE active = 1 AND theme_id IN ({marks}) "
            "GROUP BY theme_id ORDER BY theme_id", wanted).fetchall())

    def _added_themes_in_use(self: Store, theme_ids: set[str]) -> set[str]:
        return set(self.coding_counts_by_theme(theme_ids & self.added_themes()))

    def add_theme(self: Store, name: str, *, coder: str, parent_id: str | None = None,
                  description: str = "", theme_id: str | None = None) -> Theme:
        """Add one codable theme to the stored codebook, as a coder does while coding.

        Inductive coding: a theme that emerges from the data is added where the coder is,
        without leaving the workbench. It has no patterns (so no suggestions) until someone
        writes them; ``qcahp codebook export`` writes the stored codebook, this theme
        included, as YAML to edit and load again. The id is ``theme_id`` or a slug of the
        name made unique; the colour is the palette's farthest from those in use. One
        transaction with a ``theme_add`` event naming the coder, so the log says who added
        it and when.

        Raises:
            UserError: an empty or over-long name, one with no letter or digit, a name or
                id already in use, a bad id, or a parent that is not an active theme or
                folder.
        """
        self.refuse_consensus_theme_change(coder)
        from qualcoder_ahp.model.store import new_guid

        name = " ".join(name.split())
        problem = theme_name_problem(name)
        if problem:
            raise UserError(problem)
        with self.write():
            rows = self.conn.execute(
                "SELECT id, name, active, color FROM themes").fetchall()
            for row in rows:
                if row[1].casefold() == name.casefold() and row[2]:
                    raise UserError(f"there is already a theme named {row[1]!r} ({row[0]})")
            # A theme added and then undone keeps its row (the log refers to it); adding
            # it again takes that row back rather than making "name_2".
            undone = {r[0] for r in rows if not r[2]} & self.added_themes()
            undone -= set(self.coding_counts_by_theme(undone))
            taken = {r[0] for r in rows} - undone
            if theme_id is None:
                theme_id = unique_slug(name, taken)
            elif not THEME_ID.match(theme_id):
                raise UserError(f"bad theme id {theme_id!r}: use lower-case letters, digits, "
                                "_ and -, starting with a letter or digit")
            elif theme_id in taken:
                retired = [r for r in rows if r[0] == theme_id and not r[2]]
                into = self.merged_into().get(theme_id) if retired else None
                if into is not None:
                    raise UserError(
                        f"theme id {theme_id!r} belongs to the theme {retired[0][1]!r}, "
                        f"merged into {into}: give the new theme another id")
                if retired:  # ids are never reused: the log and its codings refer to it
                    raise UserError(
                        f"theme id {theme_id!r} belongs to the retired theme "
                        f"{retired[0][1]!r}: "
                        f"bring it back with `qcahp codebook restore {theme_id} --coder "
                        f"{coder}`, or give the new theme another id")
                raise UserError(f"theme id {theme_id!r} is already used in this codebook")
            if parent_id is not None:
                parent = self.conn.execute(
                    "SELECT active FROM themes WHERE id = ?", [parent_id]).fetchone()
                if not parent or not parent[0]:
                    raise UserError(f"no theme or folder {parent_id!r} to put the new theme in"
                                    + (" (it is retired)" if parent else ""))
            used = {r[3].upper() for r in rows if r[2]}
            color = distinct_colour(used)
            position = self.conn.execute(
                "SELECT COALESCE(MAX(position), -1) + 1 FROM themes").fetchone()[0]
            values = [parent_id, name, description.strip(), color, position]
            if theme_id in undone:
                self.conn.execute(
                    "UPDATE themes SET parent_id=?, name=?, description=?, color=?, position=?, "
                    "codable=1 WHERE id=?", [*values, theme_id])
            else:
                self.conn.execute(
                    "INSERT INTO themes (parent_id, name, description, color, codable, position, "
                    "active, guid, id) VALUES (?,?,?,?,1,?,0,?,?)",
                    [*values, new_guid(), theme_id])
            # Inserted retired; the logged change makes it active, so undo retires it again.
            self._apply_and_log(self.ensure_coder(coder), "theme_add",
                                [{"op": "theme", "id": theme_id, "before": 0, "after": 1}],
                                {"theme_id": theme_id, "name": name, "parent_id": parent_id})
        return self.theme(theme_id)

    def edit_theme(self: Store, theme_id: str, *, coder: str, name: str | None = None,
                   description: str | None = None, color: str | None = None,
                   parent_id: str | None | EllipsisType = ...,
                   inclusion: str | None = None, exclusion: str | None = None,
                   examples: Sequence[str] | None = None) -> Theme:
        """Rename a theme or folder, rewrite its definition, criteria, examples or colour,
        or move it.

        Any active theme, shipped or added while coding. ``None`` leaves a field as it is
        (``...`` for ``parent_id``, whose ``None`` is the top level); a name is tidied as
        :meth:`add_theme` tidies it, a colour is upper-cased and a definition stripped
        (empty clears it), and so are the inclusion and exclusion criteria; ``examples``
        replaces the theme's examples (each on one line, its runs of spaces and line
        breaks made one space, empty ones dropped; ``[]`` clears them), logged as the
        stored JSON list. A move puts the theme (with everything below it) under another
        active theme or folder, never under itself or its own descendants. One transaction
        with a ``theme_edit`` event naming the coder, whose changes are before/after records
        of each field (``{"op": "theme_field", "id": ..., "field": "name", "before": ...,
        "after": ...}``), so the coder's undo puts the old values back and redo the new ones.

        Raises:
            UserError: no such active theme; a bad name (empty, no letter or digit, too
                long) or one another active theme has, in any case; a colour that is not
                ``#RRGGBB``; or nothing to change.
        """
        self.refuse_consensus_theme_change(coder)
        wanted: dict[str, str] = {}
        if name is not None:
            name = " ".join(name.split())
            if not name:
                raise UserError("a theme's name cannot be empty")
            problem = theme_name_problem(name)
            if problem:
                raise UserError(problem)
            wanted["name"] = name
        if description is not None:
            wanted["description"] = description.strip()
        for field, text in (("inclusion", inclusion), ("exclusion", exclusion)):
            if text is not None:
                wanted[field] = text.strip()
        if examples is not None:
            # One line each: an example with a line break broke the tree of `codebook
            # show`, and the edit form (one example per line) split it in two.
            wanted["examples"] = json.dumps([" ".join(e.split()) for e in examples
                                             if e.strip()])
        if color is not None:
            if not re.fullmatch(r"#[0-9A-Fa-f]{6}", color.strip()):
                raise UserError(f"bad colour {color!r}: use #RRGGBB, e.g. #CC6677")
            wanted["color"] = color.strip().upper()
        moving = parent_id is not ...
        if not wanted and not moving:
            raise UserError("nothing to change: give a new name, description, criteria, "
                            "examples, colour or place in the tree")
        with self.write():
            row = self.conn.execute(
                "SELECT name, description, color, active, inclusion, exclusion, examples "
                "FROM themes WHERE id = ?", [theme_id]).fetchone()
            if row is None or not row[3]:
                what = "is retired (not in the current codebook)" if row else "does not exist"
                raise UserError(f"theme {theme_id!r} {what}: nothing to edit")
            current = {"name": row[0], "description": row[1] or "", "color": row[2] or "",
                       "inclusion": row[4] or "", "exclusion": row[5] or "",
                       "examples": json.dumps(json.loads(row[6] or "[]"))}
            if "name" in wanted:
                self._check_name_free(wanted["name"], theme_id)
            changes = [{"op": "theme_field", "id": theme_id, "field": field,
                        "before": current[field], "after": value}
                       for field, value in wanted.items()
                       if value != (current[field].upper() if field == "color"
                                    else current[field])]
            if moving:
                assert not isinstance(parent_id, EllipsisType)
                if parent_id is not None:
                    self._check_parent(theme_id, parent_id)
                was = self.conn.execute("SELECT parent_id FROM themes WHERE id = ?",
                                        [theme_id]).fetchone()[0]
                if was != parent_id:
                    changes.append({"op": "theme_field", "id": theme_id, "field": "parent_id",
                                    "before": was, "after": parent_id})
            if not changes:
                asked = [*wanted, *(["parent_id"] if moving else [])]
                raise UserError(f"nothing changed: theme {theme_id!r} ({row[0]!r}) already "
                                f"has that {_fields(asked)}")
            self._apply_and_log(self.ensure_coder(coder), "theme_edit", changes,
                                {"theme_id": theme_id})
        return self.theme(theme_id)

    def retire_theme(self: Store, theme_id: str, *, coder: str) -> dict[str, int]:
        """Retire a theme (or an empty folder) from the codebook, keeping its codings.

        What a theme left out of a loaded codebook file becomes, done from the workbench:
        it leaves the tree, the pickers and ``qcahp suggest`` (its patterns stay stored,
        unused); its open suggestions are retired (every coder's, decided or not, as a
        merge retires them), so no coder is offered it again; its codings stay, every
        coder's, and still count in reports and agreement with the theme named
        "... (retired)", and a REFI export keeps it (``Status: retired``). One
        transaction with a ``theme_retire`` event naming the coder, whose changes are the
        theme's and each suggestion's status before and after, so the coder's undo puts
        them back and redo retires again. :meth:`restore_theme` brings it back later.

        Returns counts: ``codings`` (active codings kept, every coder's) and
        ``suggestions`` (open suggestions retired).

        Raises:
            UserError: no such theme, one already retired, or a theme or folder with
                active themes below it (retire or move those first: a retired parent
                would leave them out of the tree).
        """
        self.refuse_consensus_theme_change(coder)
        with self.write():
            row = self.conn.execute("SELECT name, active FROM themes WHERE id = ?",
                                    [theme_id]).fetchone()
            if row is None:
                raise UserError(f"no theme {theme_id!r} in the codebook")
            if not row[1]:
                raise UserError(f"theme {theme_id!r} ({row[0]}) is already retired: nothing "
                                "to retire")
            below = [r[0] for r in self.conn.execute(
                "SELECT id FROM themes WHERE parent_id = ? AND active = 1 ORDER BY position, id",
                [theme_id])]
            if below:
                shown = ", ".join(below[:5]) + (f" and {len(below) - 5} more"
                                                if len(below) > 5 else "")
                raise UserError(f"theme {theme_id!r} ({row[0]}) has themes below it ({shown}): "
                                "retire them or move them out first (`qcahp codebook "
                                "edit-theme ID --parent ID`, or f on the codebook screen)")
            counts = {"codings": self.coding_counts_by_theme([theme_id]).get(theme_id, 0),
                      "suggestions": 0}
            changes: list[dict[str, object]] = []
            for (suggestion_id,) in self.conn.execute(
                    "SELECT id FROM suggestions WHERE theme_id = ? AND status = 'open' "
                    "ORDER BY id", [theme_id]).fetchall():
                changes.append({"op": "suggestion", "id": suggestion_id, "before": "open",
                                "after": "retired"})
                counts["suggestions"] += 1
            changes.append({"op": "theme", "id": theme_id, "before": 1, "after": 0})
            self._apply_and_log(self.ensure_coder(coder), "theme_retire", changes,
                                {"theme_id": theme_id, **counts})
        return counts

    def restore_theme(self: Store, theme_id: str, *, coder: str) -> dict[str, int]:
        """Bring a retired theme back into the codebook (``qcahp codebook restore``).

        The theme returns to the tree, the pickers and ``qcahp suggest``; the suggestions
        the last :meth:`retire_theme` of it retired, and which are still retired, open
        again (``qcahp suggest`` reopens any others it finds again). A theme retired by
        loading a codebook file without it can be restored too (the next load of such a
        file retires it again). One transaction with a ``theme_restore`` event, undoable.

        Returns counts: ``codings`` (its active codings) and ``suggestions`` (reopened).

        Raises:
            UserError: no such theme, one not retired, one merged into another (undo the
                merge instead: its codings went to the other theme), a theme whose parent
                is retired (restore that first), or one whose name an active theme has.
        """
        self.refuse_consensus_theme_change(coder)
        with self.write():
            row = self.conn.execute("SELECT name, active, parent_id FROM themes WHERE id = ?",
                                    [theme_id]).fetchone()
            if row is None:
                raise UserError(f"no theme {theme_id!r} in the codebook")
            if row[1]:
                raise UserError(f"theme {theme_id!r} ({row[0]}) is not retired: nothing to "
                                "restore")
            into = self.merged_into().get(theme_id)
            if into is not None:
                raise UserError(f"theme {theme_id!r} ({row[0]}) was merged into {into!r}, "
                                "which holds its codings: undo the merge instead (`qcahp "
                                "undo --coder NAME`, or u on the codebook screen)")
            if row[2] is not None:
                parent = self.conn.execute("SELECT active FROM themes WHERE id = ?",
                                           [row[2]]).fetchone()
                if parent is not None and not parent[0]:
                    raise UserError(f"theme {theme_id!r} ({row[0]}) is under {row[2]!r}, "
                                    f"which is retired too: restore {row[2]!r} first")
            twin = [r[0] for r in self.conn.execute(
                "SELECT id, name FROM themes WHERE active = 1") if r[1].casefold() ==
                row[0].casefold()]
            if twin:
                raise UserError(
                    f"theme {theme_id!r} ({row[0]}) cannot come back while {twin[0]!r} has "
                    f"its name: move its codings into {twin[0]} instead (`qcahp codebook "
                    f"merge-theme {theme_id} {twin[0]} --coder {coder}`), or rename "
                    f"{twin[0]} first (`qcahp codebook edit-theme {twin[0]} --name NAME "
                    f"--coder {coder}`)")
            changes: list[dict[str, object]] = [
                {"op": "theme", "id": theme_id, "before": 0, "after": 1}]
            retired = self._retired_by_last_retire(theme_id)
            for (suggestion_id,) in self.conn.execute(
                    "SELECT id FROM suggestions WHERE theme_id = ? AND status = 'retired' "
                    "ORDER BY id", [theme_id]).fetchall():
                if suggestion_id in retired:
                    changes.append({"op": "suggestion", "id": suggestion_id,
                                    "before": "retired", "after": "open"})
            counts = {"codings": self.coding_counts_by_theme([theme_id]).get(theme_id, 0),
                      "suggestions": len(changes) - 1}
            self._apply_and_log(self.ensure_coder(coder), "theme_restore", changes,
                                {"theme_id": theme_id, **counts})
        return counts

    def _retired_by_last_retire(self: Store, theme_id: str) -> set[int]:
        """The suggestions the last ``theme_retire`` of this theme retired."""
        for (payload,) in self.conn.execute(
                "SELECT payload FROM events WHERE kind = 'theme_retire' ORDER BY id DESC"):
            data = json.loads(payload)
            if data.get("theme_id") == theme_id:
                return {int(c["id"]) for c in data.get("changes", [])
                        if c.get("op") == "suggestion"}
        return set()

    def retired_here(self: Store) -> dict[str, tuple[str | None, str]]:
        """``{theme: (coder, when)}`` for each retired theme whose retirement is a
        ``theme_retire`` in this project still in effect (not undone, not restored): a
        codebook file that has the theme would bring it back (``qcahp codebook load``
        warns)."""
        retired = {r[0] for r in self.conn.execute("SELECT id FROM themes WHERE active = 0")}
        if not retired:
            return {}
        kinds: dict[int, str] = {}
        last: dict[str, tuple[str | None, str] | None] = {}
        for event_id, kind, coder, at, payload in self.conn.execute(
                "SELECT e.id, e.kind, k.name, e.at, e.payload FROM events e "
                "LEFT JOIN coders k ON k.id = e.coder_id WHERE e.kind IN ('theme_retire', "
                "'theme_restore', 'theme_add', 'theme_merge', 'undo', 'redo') ORDER BY e.id"):
            kinds[event_id] = kind
            try:
                data = json.loads(payload)
            except ValueError:
                continue
            origin = kinds.get(data.get("target"), "") if kind in ("undo", "redo") else kind
            for change in data.get("changes", []):
                if not isinstance(change, dict) or change.get("op") != "theme":
                    continue
                # Retired by a retire (or its redo), or by undoing a restore: in effect.
                here = not change.get("after") and (
                    (origin == "theme_retire" and kind != "undo")
                    or (origin == "theme_restore" and kind == "undo"))
                last[str(change.get("id"))] = (coder, at) if here else None
        return {t: who for t, who in last.items() if who is not None and t in retired}

    def edits_overwritten(self: Store, codebook: Codebook) -> FieldEdits:
        """The project's theme edits that storing ``codebook`` would overwrite.

        For each theme of the file whose stored name, definition or colour was set by a
        ``theme_edit`` in this project (and not undone) and differs from the file's:
        ``{theme_id: {field: (stored, file's)}}``. Edits merged in from a copy were never
        applied here, so they are not counted.
        """
        return edits_differing(self.conn, {t.id: t for t in self.themes()},
                               {t.id: t for t in codebook.themes})

    def _check_parent(self: Store, theme_id: str, parent_id: str) -> None:
        """Refuse ``parent_id`` as the place of ``theme_id``: it must be another active
        theme or folder, and not one below ``theme_id`` (the tree would become a loop)."""
        parents = dict(self.conn.execute("SELECT id, parent_id FROM themes WHERE active = 1"))
        if parent_id not in parents:
            retired = self.conn.execute("SELECT 1 FROM themes WHERE id = ?",
                                        [parent_id]).fetchone()
            raise UserError(f"no theme or folder {parent_id!r} to move {theme_id!r} under"
                            + (" (it is retired: `qcahp codebook restore` brings it back)"
                               if retired else ""))
        node: str | None = parent_id
        while node is not None:
            if node == theme_id:
                what = "itself" if parent_id == theme_id else f"{parent_id!r}, which is below it"
                raise UserError(f"theme {theme_id!r} cannot move under {what}")
            node = parents.get(node)

    def _check_name_free(self: Store, name: str, theme_id: str) -> None:
        """Refuse ``name`` for ``theme_id`` when another active theme has it (any case)."""
        taken = [r for r in self.conn.execute(
            "SELECT id, name FROM themes WHERE active = 1 AND id != ?", [theme_id])
            if r[1].casefold() == name.casefold()]
        if taken:
            raise UserError(f"there is already a theme named {taken[0][1]!r} ({taken[0][0]})")

    def themes(self: Store, *, include_inactive: bool = False) -> list[Theme]:
        """The theme tree in display order (parents before children, by position)."""
        sql = ("SELECT id, name, parent_id, description, inclusion, exclusion, examples, color, "
               "codable, position FROM themes")
        if not include_inactive:
            sql += " WHERE active = 1"
        rows = [
            Theme(r[0], r[1], r[2], r[3], r[4], r[5], tuple(json.loads(r[6])), r[7], bool(r[8]),
                  r[9])
            for r in self.conn.execute(sql + " ORDER BY position, id")
        ]
        return _tree_order(rows)

    def theme(self: Store, theme_id: str) -> Theme:
        """One theme by id (active or retired)."""
        for theme in self.themes(include_inactive=True):
            if theme.id == theme_id:
                return theme
        raise UserError(f"no theme {theme_id!r} in the codebook")

    def theme_guid(self: Store, theme_id: str) -> str:
        """The stable GUID of a theme (for REFI-QDA)."""
        row = self.conn.execute("SELECT guid FROM themes WHERE id = ?", [theme_id]).fetchone()
        if not row:
            raise UserError(f"no theme {theme_id!r} in the codebook")
        return str(row[0])

    def theme_path(self: Store, theme_id: str) -> str:
        """The theme's path in the tree, ``Parent / Child``."""
        return theme_path({t.id: t for t in self.themes(include_inactive=True)}, theme_id)

    def patterns(self: Store, *, include_inactive: bool = False) -> list[Pattern]:
        """Every stored pattern, each theme's in the order of the file last loaded."""
        sql = "SELECT id, theme_id, kind, body, scope, unit, exclude FROM patterns"
        if not include_inactive:
            sql += " WHERE active = 1"
        return [
            Pattern(r[0], r[1], r[2], json.loads(r[3]), r[4], r[5], bool(r[6]))
            for r in self.conn.execute(sql + " ORDER BY theme_id, position, id")
        ]

    def codebook(self: Store) -> Codebook:
        """The codebook currently stored (active themes and their active patterns), with
        the ``description:`` of the file last loaded.

        A theme merged into another is retired with its patterns still active (undo
        brings both back): they are left out, so ``qcahp suggest`` does not suggest it.
        """
        row = self.conn.execute(
            "SELECT name, pipeline, path, description FROM codebooks ORDER BY id DESC "
            "LIMIT 1").fetchone()
        name, pipeline, source, description = row if row else ("(none)", None, None, None)
        themes = tuple(self.themes())
        ids = {t.id for t in themes}
        patterns = tuple(p for p in self.patterns() if p.theme_id in ids)
        return Codebook(name, themes, patterns, pipeline, source,
                        description=description or "")


def codings_kept(n: int) -> str:
    """What retiring a theme did with its ``n`` codings, in words (the command line and
    the codebook screen's x): ``3 codings kept``, or ``nobody had coded it``."""
    from qualcoder_ahp.records import plural

    return f"{plural(n, 'coding')} kept" if n else "nobody had coded it"


def edited_fields(conn: sqlite3.Connection) -> set[tuple[str, str, str]]:
    """``(theme_id, field, value)`` for every value a ``theme_edit`` in this database set
    (undone or not; merged events were never applied here and do not count)."""
    made: set[tuple[str, str, str]] = set()
    for (payload,) in conn.execute("SELECT payload FROM events WHERE kind = 'theme_edit'"):
        try:
            changes = json.loads(payload).get("changes", [])
        except (ValueError, AttributeError):
            continue
        for change in changes:
            if isinstance(change, dict) and change.get("op") == "theme_field":
                after = change.get("after")
                made.add((str(change.get("id")), str(change.get("field")),
                          "" if after is None else str(after)))
    return made


def edits_differing(conn: sqlite3.Connection, edited: dict[str, Theme],
                    other: dict[str, Theme]) -> FieldEdits:
    """The fields of ``edited`` (the themes of ``conn``'s database) that a ``theme_edit``
    there set and that ``other`` has otherwise: ``{theme_id: {field: (edited's, other's)}}``.
    Colours compare in any case, definitions ignoring how the lines are broken."""
    made = edited_fields(conn)
    if not made:
        return {}
    out: FieldEdits = {}
    for theme_id, theirs in other.items():
        mine = edited.get(theme_id)
        if mine is None:
            continue
        for field in ("name", "description", "inclusion", "exclusion", "examples", "color",
                      "parent_id"):
            value, other_value = _field_text(mine, field), _field_text(theirs, field)
            same = (value.upper() == other_value.upper() if field == "color"
                    else " ".join(value.split()) == " ".join(other_value.split()))
            if not same and (theme_id, field, value) in made:
                out.setdefault(theme_id, {})[field] = (value, other_value)
    return out


def _field_text(theme: Theme, field: str) -> str:
    """A theme's field as a ``theme_field`` change stores it (examples as a JSON list)."""
    if field == "examples":
        return json.dumps(list(theme.examples))
    return getattr(theme, field) or ""


def _fields(fields: list[str]) -> str:
    """``name``, ``name and colour``, ``name, description and colour``."""
    words = [{"color": "colour", "parent_id": "place in the tree",
              "inclusion": "inclusion criteria", "exclusion": "exclusion criteria"}.get(f, f)
             for f in fields]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def unique_slug(name: str, taken: set[str]) -> str:
    """A theme id from a name (:func:`~qualcoder_ahp.records.theme_slug`), unique."""
    base = theme_slug(name) or "theme"
    candidate, n = base, 2
    while candidate in taken:
        candidate = f"{base}_{n}"
        n += 1
    return candidate


def _parents_first(themes: tuple[Theme, ...] | list[Theme]) -> list[Theme]:
    by_id = {t.id: t for t in themes}
    out: list[Theme] = []
    placed: set[str] = set()

    def place(theme: Theme) -> None:
        if theme.id in placed:
            return
        if theme.parent_id and theme.parent_id in by_id:
            place(by_id[theme.parent_id])
        placed.add(theme.id)
        out.append(theme)

    for theme in themes:
        place(theme)
    return out


def _tree_order(themes: list[Theme]) -> list[Theme]:
    children: dict[str | None, list[Theme]] = {}
    ids = {t.id for t in themes}
    for theme in themes:
        parent = theme.parent_id if theme.parent_id in ids else None
        children.setdefault(parent, []).append(theme)
    out: list[Theme] = []

    def walk(parent: str | None) -> None:
        for theme in children.get(parent, []):
            out.append(theme)
            walk(theme.id)

    walk(None)
    return out
