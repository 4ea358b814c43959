"""Store methods for merging one theme into another while coding.

A mixin of :class:`qualcoder_ahp.model.store.Store`. Two themes that turn out to be one
idea (two coders each added "Caring for carers" under other names, or a shipped theme
the data never separates from another) are joined with :meth:`ThemeMergeMixin.merge_theme`:
one transaction and one ``theme_merge`` event, undoable by the coder who made it.

The event's changes (see :mod:`qualcoder_ahp.model.decisions`) move every coder's work:

- each active coding of the merged theme (``A``) is made inactive and a coding of the
  target (``B``) over the same span, by the same coder, with the same origin, is made
  active, unless that coder already has an active ``B`` coding with exactly that span;
- a coding's memo goes with it (appended to the ``B`` coding's memo when there was one);
- each coder's memo on ``A`` is appended to their memo on ``B``, headed with ``A``'s name,
  and cleared from ``A``; so is each framework summary of a case on ``A`` (to the case's
  summary on ``B``);
- ``A``'s open suggestions are retired (every coder's, decided or not: an accepted one
  would otherwise still be offered to the coders who had not decided it, and accepting
  it would code the retired theme);
- ``A`` is retired, as undoing a new theme retires it: it leaves the pickers, counts and
  reports, and its patterns no longer suggest (:meth:`codebook` leaves out the patterns
  of retired themes).

:meth:`ThemeMergeMixin.namesake_note` is what a coder is told when a new theme takes a
retired theme's name: the two stay apart, and a merge is how they join.
"""

from __future__ import annotations

import json
import sqlite3
from typing import TYPE_CHECKING, Any

from qualcoder_ahp.errors import UserError
from qualcoder_ahp.model.framework_store import parse_cell

if TYPE_CHECKING:
    from qualcoder_ahp.model.store import Store

STATE_OPS = ("coding", "memo", "theme", "suggestion")
"""The change records whose current state an undo or redo of a theme merge checks first."""


class ThemeMergeMixin:
    """Theme-merge methods of :class:`~qualcoder_ahp.model.store.Store`."""

    conn: sqlite3.Connection

    def merge_theme(self: Store, source_id: str, target_id: str, *,
                    coder: str) -> dict[str, int]:
        """Merge theme ``source_id`` into ``target_id`` (see the module's description).

        Returns counts: ``moved`` (codings made anew under the target), ``joined`` (codings
        the coder already had under the target, span for span), ``memos`` (memos moved or
        appended) and ``suggestions`` (open suggestions retired).

        Raises:
            UserError: a theme that does not exist, is retired (a merged theme may be
                retired if it holds codings again) or is a folder, or a theme merged into
                itself; nothing changes then.
        """
        self.refuse_consensus_theme_change(coder)
        if source_id == target_id:
            raise UserError(f"cannot merge theme {source_id!r} into itself")
        counts = dict.fromkeys(("moved", "joined", "memos", "suggestions"), 0)
        with self.write():
            source = self._mergeable(source_id, source=True)
            self._mergeable(target_id)
            active = self.conn.execute("SELECT active FROM themes WHERE id = ?",
                                       [source_id]).fetchone()[0]
            changes: list[dict[str, Any]] = []
            memos = MemoMoves(self.conn)
            into: dict[tuple[int, int, int, int], int] = {
                (r[0], r[1], r[2], r[3]): r[4] for r in self.conn.execute(
                    'SELECT transcript_id, coder_id, start, "end", id FROM codings '
                    "WHERE theme_id = ? AND active = 1 ORDER BY id DESC", [target_id])}
            rows = self.conn.execute(
                'SELECT id, transcript_id, coder_id, start, "end", origin FROM codings '
                "WHERE theme_id = ? AND active = 1 ORDER BY id", [source_id]).fetchall()
            for coding_id, transcript_id, owner, start, end, origin in rows:
                changes.append({"op": "coding", "id": coding_id, "before": 1, "after": 0})
                key = (transcript_id, owner, start, end)
                if key in into:
                    counts["joined"] += 1
                else:
                    into[key] = self._insert_coding(transcript_id, target_id, owner, start, end,
                                                    origin, None)
                    changes.append({"op": "coding", "id": into[key], "before": 0, "after": 1})
                    counts["moved"] += 1
                memo = memos.get(owner, "coding", str(coding_id))
                if memo is not None:
                    changes += memos.move(owner, "coding", str(coding_id), str(into[key]), memo)
                    counts["memos"] += 1
            for owner, text in self.conn.execute(
                    "SELECT coder_id, text FROM memos WHERE target_kind = 'theme' "
                    "AND target_id = ? ORDER BY coder_id", [source_id]).fetchall():
                changes += memos.move(owner, "theme", source_id, target_id,
                                      f"{source.name}: {text}")
                counts["memos"] += 1
            for owner, cell, text in self.conn.execute(
                    "SELECT coder_id, target_id, text FROM memos WHERE target_kind = 'cell' "
                    "ORDER BY coder_id, target_id").fetchall():
                parsed = parse_cell(cell)
                if parsed is None or parsed[2] != source_id:
                    continue
                case = f"{parsed[0]}:{parsed[1]}"
                changes += memos.move(owner, "cell", cell, f"{case}|{target_id}",
                                      f"{source.name}: {text}")
                counts["memos"] += 1
            for (suggestion_id,) in self.conn.execute(
                    "SELECT id FROM suggestions WHERE theme_id = ? AND status = 'open' "
                    "ORDER BY id", [source_id]).fetchall():
                changes.append({"op": "suggestion", "id": suggestion_id, "before": "open",
                                "after": "retired"})
                counts["suggestions"] += 1
            if active:
                changes.append({"op": "theme", "id": source_id, "before": 1, "after": 0})
            self._apply_and_log(self.ensure_coder(coder), "theme_merge", changes,
                                {"theme_id": source_id, "into": target_id, **counts})
        return counts

    def _mergeable(self: Store, theme_id: str, *, source: bool = False) -> Any:
        """The theme, if it can take part in a merge (active and codable).

        A retired theme can still be merged *from* while it holds active codings: a copy
        merged in (``qcahp merge``) brings back codings a merge here had moved, as every
        coding follows its copy, and merging again moves them.
        """
        row = self.conn.execute("SELECT active, codable FROM themes WHERE id = ?",
                                [theme_id]).fetchone()
        if row is None:
            raise UserError(f"no theme {theme_id!r} in the codebook")
        held = source and self.coding_counts_by_theme([theme_id])
        if not row[0] and not held:
            raise UserError(f"theme {theme_id!r} is retired (not in the current codebook): "
                            "nothing to merge")
        if not row[1]:
            raise UserError(f"{theme_id!r} is a folder: only codable themes merge (merge "
                            "its themes one by one)")
        return self.theme(theme_id)

    def merged_back(self: Store) -> dict[str, tuple[str, int]]:
        """``{merged theme: (target, active codings)}`` for each theme a ``theme_merge``
        retired that holds active codings again (brought back by a merged copy)."""
        merged = self.merged_into()
        held = self.coding_counts_by_theme(merged)
        return {a: (merged[a], n) for a, n in held.items()}

    def namesake_note(self: Store, theme_id: str, coder: str = "NAME") -> str:
        """What a researcher should know when a new theme takes a retired theme's name.

        A retired theme keeps its id (its codings, suggestions and the log refer to it),
        so a new theme of the same name gets another (``guilt_2``) and starts empty: the
        old theme's codings stay apart, reported as "Guilt (retired)". Adding the name
        again is allowed (the team may have retired the old theme for its definition, not
        its name); this note says that the two are apart and how to join them. ``""``
        when no retired theme has this theme's name.
        """
        row = self.conn.execute("SELECT name FROM themes WHERE id = ?", [theme_id]).fetchone()
        if row is None:
            return ""
        twins = [r for r in self.conn.execute(
            "SELECT id, name FROM themes WHERE active = 0 AND id != ? ORDER BY id", [theme_id])
            if r[1].casefold() == row[0].casefold()]
        if not twins:
            return ""
        old, old_name = twins[0]
        into = self.merged_into().get(old)
        codings = self.coding_counts_by_theme([old]).get(old, 0)
        if into is not None and not codings:
            return (f"note: a theme of this name, {old}, was merged into {into} earlier (its "
                    f"codings are there); {theme_id} is a new theme, apart from it.")
        held = (f"{codings} coding{'s' if codings != 1 else ''}, reported as "
                f"{old_name + ' (retired)'!r}" if codings else "no codings")
        join = (f"to move its codings into {theme_id}: `qcahp codebook merge-theme {old} "
                f"{theme_id} --coder {coder}`; " if codings else "")
        return (f"note: the retired theme {old} has this name too ({held}), kept apart from "
                f"the new {theme_id}: {join}to use {old} instead, undo this (u, or `qcahp "
                f"undo --coder {coder}`) and `qcahp codebook restore {old} --coder {coder}`.")

    def merged_into(self: Store) -> dict[str, str]:
        """``{merged theme: target}`` for each retired theme a ``theme_merge`` retired (the
        last merge of it, in this project)."""
        out: dict[str, str] = {}
        retired = {r[0] for r in self.conn.execute("SELECT id FROM themes WHERE active = 0")}
        for (payload,) in self.conn.execute(
                "SELECT payload FROM events WHERE kind = 'theme_merge' ORDER BY id"):
            data = json.loads(payload)
            if data.get("theme_id") in retired:
                out[data["theme_id"]] = data["into"]
        return out

    def check_merge_state(self: Store, event: dict[str, Any], changes: list[dict[str, Any]],
                          step: str) -> None:
        """Refuse to undo or redo a theme merge over what changed since.

        ``changes`` are about to be applied: every coding, memo, suggestion and theme they
        touch must still be as they expect (``before``), and on redo no coding of the merged
        theme may have been made since the undo (it would be left active under a retired
        theme). Undo "restores everything exactly", or does nothing.
        """
        what = f"merging {event.get('theme_id')!r} into {event.get('into')!r}"
        for change in changes:
            if change["op"] not in STATE_OPS:
                continue
            now = self._state_of(change)
            if now != change["before"]:
                raise UserError(f"cannot {step} {what}: {_describe(change)} was changed since; "
                                "undo or redo that first")
        if step == "redo":
            listed = {c["id"] for c in changes if c["op"] == "coding"}
            made = [r[0] for r in self.conn.execute(
                "SELECT id FROM codings WHERE theme_id = ? AND active = 1",
                [event.get("theme_id")]) if r[0] not in listed]
            if made:
                raise UserError(f"cannot redo {what}: the theme has {len(made)} coding"
                                f"{'' if len(made) == 1 else 's'} made since; merge it again "
                                "instead")

    def _state_of(self: Store, change: dict[str, Any]) -> Any:
        """The current value of what a change record sets."""
        op = change["op"]
        if op == "memo":
            row = self.conn.execute(
                "SELECT text FROM memos WHERE coder_id = ? AND target_kind = ? "
                "AND target_id = ?", [change["coder_id"], change["kind"],
                                      change["target"]]).fetchone()
            return row[0] if row else None
        if op == "coding":
            row = self.conn.execute("SELECT active FROM codings WHERE id = ?",
                                    [change["id"]]).fetchone()
        elif op == "theme":
            row = self.conn.execute("SELECT active FROM themes WHERE id = ?",
                                    [change["id"]]).fetchone()
        else:
            row = self.conn.execute("SELECT status FROM suggestions WHERE id = ?",
                                    [change["id"]]).fetchone()
        if row is None:
            return None
        return row[0] if op == "suggestion" else int(row[0])


class MemoMoves:
    """Memo texts as one merge or move leaves them (read from the table, then as changed):
    a theme merge and a framework case given to another participant append a moved memo
    to the one already there, headed with where it came from."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self.pending: dict[tuple[int, str, str], str | None] = {}

    def get(self, coder_id: int, kind: str, target: str) -> str | None:
        """The memo's text now (with this merge's changes so far)."""
        key = (coder_id, kind, target)
        if key not in self.pending:
            row = self.conn.execute(
                "SELECT text FROM memos WHERE coder_id = ? AND target_kind = ? "
                "AND target_id = ?", [coder_id, kind, target]).fetchone()
            self.pending[key] = row[0] if row else None
        return self.pending[key]

    def move(self, coder_id: int, kind: str, source: str, target: str,
             text: str) -> list[dict[str, Any]]:
        """Changes that clear ``source``'s memo and append ``text`` to ``target``'s."""
        there = self.get(coder_id, kind, target)
        after = text if not there else f"{there}\n\n{text}"
        out = [{"op": "memo", "kind": kind, "target": source, "coder_id": coder_id,
                "before": self.get(coder_id, kind, source), "after": None},
               {"op": "memo", "kind": kind, "target": target, "coder_id": coder_id,
                "before": there, "after": after}]
        self.pending[(coder_id, kind, source)] = None
        self.pending[(coder_id, kind, target)] = after
        return out


def _describe(change: dict[str, Any]) -> str:
    """``coding 12``, ``a memo on theme luck``: what a change record is about."""
    if change["op"] == "memo":
        return f"a memo on {change['kind']} {change['target']}"
    return f"{change['op']} {change['id']}"
