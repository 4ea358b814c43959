"""Store methods for the codebook: themes and their patterns.

A mixin of :class:`qualcoder_ahp.model.store.Store`. Loading a new version of a
codebook keeps theme ids (and so every coding made with them) and GUIDs; themes and
patterns that disappear are marked inactive, never deleted, because codings and
suggestions still point at them.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from typing import TYPE_CHECKING

from qualcoder_ahp.errors import UserError
from qualcoder_ahp.records import Codebook, Pattern, Theme

if TYPE_CHECKING:
    from qualcoder_ahp.model.store import Store


def pattern_hash(pattern: Pattern) -> str:
    """A hash of everything that changes what a pattern matches."""
    key = json.dumps(
        [pattern.theme_id, pattern.kind, pattern.body, pattern.scope, pattern.unit,
         pattern.exclude],
        sort_keys=True,
    )
    return hashlib.sha256(key.encode()).hexdigest()[:16]


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
            for theme_id in set(existing) - keep:
                self.conn.execute("UPDATE themes SET active = 0 WHERE id = ?", [theme_id])
                stats["themes_retired"] += 1
            old = {r[0]: (r[1], r[2]) for r in
                   self.conn.execute("SELECT id, body_hash, active FROM patterns")}
            seen = set()
            for pattern in codebook.patterns:
                seen.add(pattern.id)
                digest = pattern_hash(pattern)
                row = [pattern.theme_id, pattern.kind, json.dumps(pattern.body), pattern.scope,
                       pattern.unit, int(pattern.exclude), digest]
                if pattern.id not in old:
                    self.conn.execute(
                        "INSERT INTO patterns (theme_id, kind, body, scope, unit, exclude, "
                        "body_hash, active, id) VALUES (?,?,?,?,?,?,?,1,?)", [*row, pattern.id])
                    stats["patterns_added"] += 1
                else:
                    self.conn.execute(
                        "UPDATE patterns SET theme_id=?, kind=?, body=?, scope=?, unit=?, "
                        "exclude=?, body_hash=?, active=1 WHERE id=?", [*row, pattern.id])
                    unchanged = old[pattern.id] == (digest, 1)
                    stats["patterns_unchanged" if unchanged else "patterns_changed"] += 1
            for pattern_id, (_, active) in old.items():
                if pattern_id not in seen and active:
                    self.conn.execute("UPDATE patterns SET active = 0 WHERE id = ?", [pattern_id])
                    stats["patterns_retired"] += 1
            raw = json.dumps([codebook.name, [t.id for t in codebook.themes],
                              [pattern_hash(p) for p in codebook.patterns]])
            self.conn.execute(
                "INSERT INTO codebooks (name, path, content_hash, pipeline, loaded_at) "
                "VALUES (?,?,?,?,?)",
                [codebook.name, codebook.source, hashlib.sha256(raw.encode()).hexdigest(),
                 codebook.pipeline, now()])
        return stats

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
        names = {t.id: t for t in self.themes(include_inactive=True)}
        parts, current = [], names.get(theme_id)
        while current is not None:
            parts.append(current.name)
            current = names.get(current.parent_id) if current.parent_id else None
        return " / ".join(reversed(parts))

    def patterns(self: Store, *, include_inactive: bool = False) -> list[Pattern]:
        """Every stored pattern."""
        sql = "SELECT id, theme_id, kind, body, scope, unit, exclude FROM patterns"
        if not include_inactive:
            sql += " WHERE active = 1"
        return [
            Pattern(r[0], r[1], r[2], json.loads(r[3]), r[4], r[5], bool(r[6]))
            for r in self.conn.execute(sql + " ORDER BY theme_id, id")
        ]

    def codebook(self: Store) -> Codebook:
        """The codebook currently stored (active themes and patterns)."""
        row = self.conn.execute(
            "SELECT name, pipeline, path FROM codebooks ORDER BY id DESC LIMIT 1").fetchone()
        name, pipeline, source = row if row else ("(none)", None, None)
        return Codebook(name, tuple(self.themes()), tuple(self.patterns()), pipeline, source)


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
