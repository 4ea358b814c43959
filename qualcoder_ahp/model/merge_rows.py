"""The merge's rows: a copy's themes, suggestions, codings, decisions and memos copied here.

A mixin of :class:`~qualcoder_ahp.model.merge_store.MergeMixin`, called inside its one
write transaction with the maps it found (the copy's transcript, coder, suggestion and
coding ids -> this database's). Codings match by GUID, so a second merge adds nothing;
on a transcript matched by its source file they are re-anchored by their words
(:class:`~qualcoder_ahp.model.merge_remap.Remap`).
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from qualcoder_ahp.model.framework_store import case_map, map_cell
from qualcoder_ahp.model.merge_remap import Remap, Stranded, norm_space
from qualcoder_ahp.model.withdraw_store import Gone
from qualcoder_ahp.records import transcript_label

if TYPE_CHECKING:
    from qualcoder_ahp.model.store import Store


@dataclass(frozen=True)
class DecisionConflict:
    """A suggestion a coder decided one way in a merged copy and another way here (or in
    another copy merged before): the later decision stands."""

    suggestion_id: int
    coder: str
    theme: str
    transcript: str
    here: str
    """The decision here before the merge (accepted, adjusted, rejected)."""
    here_at: str
    copy: str
    """The copy's decision."""
    copy_at: str
    copy_stands: bool
    """The copy's decision was the later one and replaced the one here."""


@dataclass(frozen=True)
class MemoConflict:
    """A memo a coder wrote one way in a merged copy and another way here, neither copy
    having held the other's text: the newer text stands, the other is said."""

    coder: str
    target: str
    """What the memo is on, as ``qcahp memos`` words it (``theme serendipity``)."""
    kept: str
    lost: str
    lost_at: str
    copy_stands: bool


class MergeRowsMixin:
    """The row-copying part of :class:`~qualcoder_ahp.model.merge_store.MergeMixin`."""

    conn: sqlite3.Connection
    merge_conflicts: list[DecisionConflict] = []  # noqa: RUF012 - replaced per merge
    """After :meth:`~qualcoder_ahp.model.merge_store.MergeMixin.merge_from`: each
    suggestion a coder of the copy decided otherwise here, and which decision stands."""
    merge_memo_conflicts: list[MemoConflict] = []  # noqa: RUF012 - replaced per merge
    """After :meth:`~qualcoder_ahp.model.merge_store.MergeMixin.merge_from`: each memo
    written apart in the copy and here (neither held the other's text), and its fate."""
    _restored: set[int] = set()  # noqa: RUF012 - replaced per merge
    """During a merge: the codings made active again by their GUID (counted as restored),
    so one a decision that lost makes inactive again is not counted."""

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
            "status, created_at, found, lost_pattern_ids FROM suggestions WHERE id IN (SELECT "
            "suggestion_id FROM decisions UNION SELECT suggestion_id FROM codings WHERE "
            "suggestion_id IS NOT NULL)")
        for (oid, tid, theme, unit, start, end, pids, matches, status, created, found,
             lost) in rows:
            if tid not in tmap:
                continue  # a transcript withdrawn here
            if tid in remaps:
                mapped = self._suggestion_by_words(remaps[tid], tmap[tid], theme, pids,
                                                   start, end)
                if mapped is not None:
                    smap[oid] = mapped
                continue
            here = suggestion_at(self.conn, tmap[tid], theme, start, end)
            if here is not None:
                smap[oid] = here
                continue
            cur = self.conn.execute(
                'INSERT INTO suggestions (transcript_id, theme_id, unit, start, "end", '
                "pattern_ids, matches, status, created_at, found, lost_pattern_ids) "
                "VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                [tmap[tid], theme, unit, start, end, pids, matches, status, created or now(),
                 found, lost])
            smap[oid] = int(cur.lastrowid or 0)
            counts["suggestions"] += 1
        return smap

    def _suggestion_by_words(self: Store, remap: Remap, tid: int, theme: str, pids: str,
                             start: int, end: int) -> int | None:
        """This project's suggestion of ``theme`` with the same patterns over the words the
        copy's suggestion [start, end) covers: the one at the re-anchored place, else the
        only one with those words; ``None`` if there is none or it is ambiguous."""
        words = norm_space(remap.old[start:end])
        patterns = _patterns(pids)
        candidates = [
            (i, s, e) for i, s, e, p in self.conn.execute(
                'SELECT id, start, "end", pattern_ids FROM suggestions WHERE '
                "transcript_id = ? AND theme_id = ?", [tid, theme])
            if _patterns(p) == patterns and norm_space(remap.new[s:e]) == words]
        place = remap.span(start, end)
        at = [i for i, s, e in candidates
              if place is not None and s <= place[0] and place[1] <= e]
        if len(at) == 1:
            return int(at[0])
        return int(candidates[0][0]) if len(candidates) == 1 else None

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
        self._restored = set()
        made: dict[tuple[Any, ...], int] = {}  # span -> the copy's coder who brought it
        kmap: dict[int, int] = {}
        for row in other.execute(
                'SELECT id, transcript_id, theme_id, coder_id, start, "end", quote, origin, '
                "suggestion_id, active, created_at, guid FROM codings ORDER BY id"):
            oid, tid, theme, coder, start, end, quote, origin, sid, active, created, guid = row
            if tid not in tmap:  # a transcript withdrawn here: none of its codings come in
                name = other.execute("SELECT name, version FROM transcripts WHERE id = ?",
                                     [tid]).fetchone()
                label_t = transcript_label(name[0], name[1])
                self.merge_withdrawn = {**self.merge_withdrawn,
                                        label_t: self.merge_withdrawn.get(label_t, 0) + 1}
                continue
            if guid in here:
                kmap[oid], was = here[guid]
                if was != active and fresh and not (active and kmap[oid] in joined_away):
                    self.conn.execute("UPDATE codings SET active = ? WHERE id = ?",
                                      [active, kmap[oid]])
                    counts["codings_updated"] += 1
                    self._restored.add(kmap[oid])
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
            if not active:  # brought for the log it explains; said apart from those in effect
                counts["codings_inactive"] = counts.get("codings_inactive", 0) + 1
            if active and span not in same_span:
                same_span[span], made[span] = kmap[oid], coder
        return kmap

    def _merge_decisions(self: Store, other: sqlite3.Connection, cmap: dict[int, int],
                         smap: dict[int, int], kmap: dict[int, int], emap: dict[int, int],
                         counts: dict[str, int], remaps: dict[int, Remap],
                         first_new: int | None = None, newest: int | None = None) -> None:
        """Copy each coder's decision unless the same decision is already here
        (``first_new``: the id of the first coding this merge brought in; ``newest``: this
        project's newest event before the merge).

        A decision that an earlier merge of the copy brought here (made by one of the
        copy's events) and that the copy no longer holds was undone there: it goes here
        too, as its coding did, so the suggestion is undecided again for that coder.

        Where the coder here decided the suggestion otherwise, by an event the copy does
        not hold (under another name the coder was joined from, or in another copy), or
        where two of the copy's coders are one coder here, the later decision stands, as
        :meth:`~qualcoder_ahp.model.store.Store.join_coders` keeps it; a coding this
        merge brought in for a decision that does not stand is made inactive again.
        The conflict is said (:attr:`merge_conflicts`) when the two decisions first meet:
        when one of them comes in with this merge. A later merge of the copy that lost
        (its coder went on coding there) keeps it as it stands, without a word.
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
                "SELECT event_id, status, coding_id FROM decisions WHERE suggestion_id = ? "
                "AND coder_id = ?", list(key)).fetchone()
            if here and here[0] not in from_copy:
                # The coder decided it otherwise in another copy (or here): said, and the
                # later decision stands, its coding alone in effect.
                copy_stands = at(here[0]) <= at(values[4])
                if newest is None or values[4] > newest or here[0] > newest:
                    self.merge_conflicts = [*self.merge_conflicts, self._conflict(
                        key, here[1], at(here[0]), values[2], at(values[4]), copy_stands)]
                if not copy_stands:
                    drop(values)
                    if values[3] is not None and values[3] != here[2]:
                        # A coding an earlier merge of this copy brought, made active
                        # again above by its GUID: the decision it was made for lost.
                        self.conn.execute("UPDATE codings SET active = 0 WHERE id = ?",
                                          [values[3]])
                        if values[3] in self._restored:  # back as it was: no change
                            self._restored.discard(values[3])
                            counts["codings_updated"] -= 1
                    continue
            if here and here[2] is not None and here[2] != values[3]:
                # The decision replaced here was an accept: its coding goes out of effect
                # with it, as when the coder decides again in one copy (else the coder
                # would keep a coding of a suggestion they rejected, counted in agreement).
                self.conn.execute("UPDATE codings SET active = 0 WHERE id = ?", [here[2]])
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

    def _conflict(self: Store, key: tuple[int, int], here: str, here_at: str, copy: str,
                  copy_at: str, copy_stands: bool) -> DecisionConflict:
        """A :class:`DecisionConflict` on suggestion and coder ``key`` (ids here), named."""
        theme, name, version = self.conn.execute(
            "SELECT s.theme_id, t.name, t.version FROM suggestions s JOIN transcripts t "
            "ON t.id = s.transcript_id WHERE s.id = ?", [key[0]]).fetchone()
        coder = self.conn.execute("SELECT name FROM coders WHERE id = ?", [key[1]]).fetchone()
        return DecisionConflict(key[0], coder[0], theme, transcript_label(name, version),
                                here, here_at, copy, copy_at, copy_stands)

    def _merge_memos(self: Store, other: sqlite3.Connection, tmap: dict[int, int],
                     cmap: dict[int, int], kmap: dict[int, int], counts: dict[str, int],
                     gone: Gone, before: int) -> None:
        """Copy memos (coding/transcript targets re-pointed); the newer text wins (a text
        written apart from the one here, each side never having held the other's, is said
        in :attr:`merge_memo_conflicts`; ``before``: this project's newest event before
        the merge); none on
        a transcript withdrawn here (``gone``) or its codings, nor on a coding a join here
        kept once (its memo went to the coding kept, with the other name's)."""
        from qualcoder_ahp.model.store import new_guid

        joined_away = _joined_away(self.conn)
        cases = case_map(other, self.conn, tmap)
        # Every memo text each side has held (its log's memo events, its own and those
        # merged in), this project's as it was before this merge.
        there = _memo_texts(other)
        here = _memo_texts(self.conn, before)
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
            if row and row[0] != text and row[0] not in there and text not in here:
                # Written apart (one coder's two copies): the newer text stands, as it
                # did, but the other was dropped without a word.
                self.merge_memo_conflicts = [*self.merge_memo_conflicts, MemoConflict(
                    _coder_name(self.conn, cmap[coder]),
                    f"{kind} {_memo_target(self.conn, kind, target)}",
                    *((text, row[0], row[1], True) if updated > row[1]
                      else (row[0], text, updated, False)))]
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


def _memo_texts(conn: sqlite3.Connection, upto: int | None = None) -> set[str]:
    """Every memo text (before or after an edit) the memo events of a project's log hold,
    made there or merged in; only events up to id ``upto`` when given."""
    texts: set[str] = set()
    rows = conn.execute(
        "SELECT kind, payload FROM events WHERE (kind = 'memo' OR (kind = 'merged' AND "
        "json_valid(payload) AND json_extract(payload, '$.original_kind') = 'memo')) "
        "AND id <= ?", [upto if upto is not None else 2 ** 62]).fetchall()
    for kind, payload in rows:
        try:
            data = json.loads(payload)
        except ValueError:
            continue
        if kind == "merged":
            data = data.get("original") or {}
        for change in data.get("changes", []) if isinstance(data, dict) else []:
            for side in ("before", "after"):
                if isinstance(change, dict) and isinstance(change.get(side), str):
                    texts.add(change[side])
    return texts


def _memo_target(conn: sqlite3.Connection, kind: str, target: str) -> str:
    """A memo's target in words: a theme's id, a transcript's name, a coding's theme,
    transcript and span."""
    if kind == "transcript":
        row = conn.execute("SELECT name, version FROM transcripts WHERE id = ?",
                           [target]).fetchone()
        return transcript_label(*row) if row else target
    if kind == "coding":
        row = conn.execute(
            'SELECT c.theme_id, t.name, t.version, c.start, c."end" FROM codings c JOIN '
            "transcripts t ON t.id = c.transcript_id WHERE c.id = ?", [target]).fetchone()
        if row:
            return f"{row[0]} in {transcript_label(row[1], row[2])} [{row[3]}, {row[4]})"
    return target


def suggestion_at(conn: sqlite3.Connection, transcript_id: int, theme: str, start: int,
                  end: int) -> int | None:
    """The id of the suggestion of ``theme`` at [start, end) of a transcript in ``conn``, or
    ``None``: where a copy's suggestion is here (the same transcript, theme and span)."""
    row = conn.execute("SELECT id FROM suggestions WHERE transcript_id = ? AND theme_id = ? "
                       'AND start = ? AND "end" = ?', [transcript_id, theme, start, end]
                       ).fetchone()
    return int(row[0]) if row else None

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
