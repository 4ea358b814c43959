"""Store methods for suggestions (shared by all coders) and the tokenised-doc cache.

A mixin of :class:`qualcoder_ahp.model.store.Store`. Reads are here for every front
end; the suggestion run's write logic (idempotent re-runs, retiring suggestions of
removed patterns) lives here too so that only ``model/`` names tables.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Collection
from typing import TYPE_CHECKING, Any

from qualcoder_ahp.records import Suggestion

if TYPE_CHECKING:
    from qualcoder_ahp.model.store import Store

SUGGESTION_COLUMNS = (
    's.id, s.transcript_id, s.theme_id, s.unit, s.start, s."end", s.pattern_ids, s.matches, '
    "s.status, s.found, s.lost_pattern_ids"
)
_SUGGESTION_WIDTH = len(SUGGESTION_COLUMNS.split(","))
"""How many columns :data:`SUGGESTION_COLUMNS` selects."""

PATTERN_ORDERS: dict[str, Callable[[dict[str, Any]], Any]] = {
    "pattern": lambda r: r["pattern"],
    "rejected": lambda r: -r["rejected"],
    "precision": lambda r: (r["precision"] is None, r["precision"] or 0.0, -r["rejected"]),
    "suggestions": lambda r: -r["suggestions"],
}
"""Sort keys of :meth:`SuggestionMixin.pattern_stats` rows (``qcahp patterns --sort`` and
the workbench's patterns screen): by id; most rejected, least precise (undecided last) or
most suggested first. Sorts are stable, so ties keep the order by pattern id."""


def suggestion_from_row(row: tuple[Any, ...]) -> Suggestion:
    """Build a :class:`Suggestion` from a row selected with ``SUGGESTION_COLUMNS``."""
    return Suggestion(
        row[0], row[1], row[2], row[3], row[4], row[5],
        tuple(json.loads(row[6])), tuple(tuple(m) for m in json.loads(row[7])), row[8],
        bool(row[9]), tuple(json.loads(row[10])),
    )


def _suggestions_where(transcript_id: int | None, theme_id: str | None, status: str | None,
                       coder: str | None, decision: str | None, found: bool | None = None,
                       ) -> tuple[str, list[Any]]:
    """The join and ``WHERE`` of :meth:`SuggestionMixin.suggestions`' filters, with their
    arguments."""
    sql = ""
    args: list[Any] = []
    where: list[str] = []
    if coder is not None and decision is not None:
        sql += (" LEFT JOIN decisions d ON d.suggestion_id = s.id AND d.coder_id = "
                "(SELECT id FROM coders WHERE name = ?)")
        args.append(coder)
        if decision == "undecided":
            where.append("d.status IS NULL")
        elif decision == "decided":
            where.append("d.status IS NOT NULL")
        else:
            where.append("d.status = ?")
            args.append(decision)
    if transcript_id is not None:
        where.append("s.transcript_id = ?")
        args.append(transcript_id)
    if theme_id is not None:
        where.append("s.theme_id = ?")
        args.append(theme_id)
    if status is not None:
        where.append("s.status = ?")
        args.append(status)
    if found is not None:
        where.append("s.found = ?")
        args.append(int(found))
    if where:
        sql += " WHERE " + " AND ".join(where)
    return sql, args


def _add(gone: dict[str, int], suggestions: int, undecided: int, accepted: int,
         rejected: int) -> None:
    gone["suggestions"] += suggestions
    gone["open"] += undecided
    gone["accepted"] += accepted
    gone["rejected"] += rejected


def _lost_patterns(old_pids: str, old_lost: str, now: tuple[str, ...]) -> str:
    """``lost_pattern_ids`` of a suggestion found again by the patterns ``now``: those
    lost before and those that found it last time, less the ones finding it now (JSON)."""
    lost = (set(json.loads(old_lost)) | set(json.loads(old_pids))) - set(now)
    return json.dumps(sorted(lost))


class SuggestionMixin:
    """Suggestion methods of :class:`~qualcoder_ahp.model.store.Store`."""

    conn: sqlite3.Connection

    def suggestions(
        self: Store,
        *,
        transcript_id: int | None = None,
        theme_id: str | None = None,
        status: str | None = "open",
        coder: str | None = None,
        decision: str | None = None,
        found: bool | None = None,
    ) -> list[Suggestion]:
        """Suggestions in text order, filtered.

        Args:
            transcript_id: only this transcript.
            theme_id: only this theme.
            status: ``open`` (default), ``retired`` or ``None`` for both.
            coder: with ``decision``, filter on this coder's decision.
            decision: ``undecided``, ``accepted``, ``rejected``, ``adjusted`` or
                ``decided`` (any of the last three); needs ``coder``.
            found: only those the codebook's patterns find (True), or only those kept
                open for their decisions that no pattern finds any more (False).
        """
        sql, args = _suggestions_where(transcript_id, theme_id, status, coder, decision, found)
        sql = (f"SELECT {SUGGESTION_COLUMNS} FROM suggestions s{sql} "
               'ORDER BY s.transcript_id, s.start, s."end", s.theme_id')
        return [suggestion_from_row(r) for r in self.conn.execute(sql, args)]

    def count_suggestions(
        self: Store,
        *,
        transcript_id: int | None = None,
        theme_id: str | None = None,
        status: str | None = "open",
        coder: str | None = None,
        decision: str | None = None,
        found: bool | None = None,
    ) -> int:
        """How many suggestions :meth:`suggestions` with the same filters lists, counted
        in the database (the methods draft built all 100,000 of a large study six times
        over to count them: two thirds of its time)."""
        sql, args = _suggestions_where(transcript_id, theme_id, status, coder, decision, found)
        return int(self.conn.execute(f"SELECT COUNT(*) FROM suggestions s{sql}",
                                     args).fetchone()[0])

    def suggestion(self: Store, suggestion_id: int) -> Suggestion:
        """One suggestion by id."""
        from qualcoder_ahp.errors import UserError

        row = self.conn.execute(
            f"SELECT {SUGGESTION_COLUMNS} FROM suggestions s WHERE s.id = ?", [suggestion_id]
        ).fetchone()
        if not row:
            raise UserError(f"no suggestion with id {suggestion_id}")
        return suggestion_from_row(row)

    def decisions_for(self: Store, coder: str, transcript_id: int | None = None) -> dict[int, str]:
        """This coder's decision status by suggestion id."""
        sql = ("SELECT d.suggestion_id, d.status FROM decisions d JOIN coders k "
               "ON k.id = d.coder_id JOIN suggestions s ON s.id = d.suggestion_id "
               "WHERE k.name = ?")
        args: list[Any] = [coder]
        if transcript_id is not None:
            sql += " AND s.transcript_id = ?"
            args.append(transcript_id)
        return {sid: status for sid, status in self.conn.execute(sql, args)}

    # ------------------------------------------------------------------ suggestion runs
    def apply_suggestions(self: Store, transcript_id: int, found: list[Any],
                          ruled_out: Callable[[], Collection[tuple[str, int, int]]] | None
                          = None) -> dict[str, int]:
        """Make a transcript's stored suggestions agree with what the engine found now.

        ``found`` items have ``theme_id, unit, start, end, pattern_ids, matches``. A
        suggestion found again keeps its id (and every decision on it) and gets the
        current pattern ids and matches; a retired one found again is reopened; a new
        one is inserted. An open suggestion no longer found is retired when no coder
        has decided on it, and kept (with its last pattern ids, marked ``found = 0``) when
        someone has, unless its theme was retired from the codebook or made a folder.
        ``ruled_out`` gives the ``(theme_id, start, end)`` a pattern still finds but an
        exclusion pattern rules out; it is called only when an open suggestion is no
        longer found (finding them runs the patterns again: a re-run that retires nothing
        should not pay for it).
        One transaction. Returns counts: new, kept, reopened, retired, decided_kept; and
        of those, retired_excluded and decided_kept_excluded (in ``ruled_out``) and
        retired_decided (a coder decided on it: its theme is retired or a folder).
        """
        from qualcoder_ahp.model.store import now

        stats = dict.fromkeys(("new", "kept", "reopened", "retired", "decided_kept",
                               "retired_excluded", "decided_kept_excluded",
                               "retired_decided"), 0)
        with self.write():
            existing = {
                (r[1], r[2], r[3]): (r[0], r[4], r[5], r[6], r[7], r[8])
                for r in self.conn.execute(
                    'SELECT id, theme_id, start, "end", status, pattern_ids, matches, found, '
                    "lost_pattern_ids FROM suggestions WHERE transcript_id = ?",
                    [transcript_id])
            }
            seen: set[int] = set()
            stamp = now()
            done: set[tuple[str, int, int]] = set()
            for f in found:
                key = (f.theme_id, f.start, f.end)
                if key in done:  # one suggestion per theme and span (UNIQUE in the table)
                    continue
                done.add(key)
                pids = json.dumps(list(f.pattern_ids))
                matches = json.dumps([list(m) for m in f.matches])
                if key in existing:
                    sid, status, old_pids, old_matches, was_found, old_lost = existing[key]
                    seen.add(sid)
                    if status == "retired":
                        stats["reopened"] += 1
                    else:
                        stats["kept"] += 1
                    lost = (old_lost if old_pids == pids else
                            _lost_patterns(old_pids, old_lost, f.pattern_ids))
                    if (status, old_pids, old_matches, was_found, old_lost) != (
                            "open", pids, matches, 1, lost):
                        self.conn.execute(
                            "UPDATE suggestions SET status = 'open', unit = ?, pattern_ids = ?, "
                            "matches = ?, found = 1, lost_pattern_ids = ? WHERE id = ?",
                            [f.unit, pids, matches, lost, sid])
                else:
                    self.conn.execute(
                        'INSERT INTO suggestions (transcript_id, theme_id, unit, start, "end", '
                        "pattern_ids, matches, status, created_at) VALUES (?,?,?,?,?,?,?,'open',?)",
                        [transcript_id, f.theme_id, f.unit, f.start, f.end, pids, matches, stamp])
                    stats["new"] += 1
            decided = {r[0] for r in self.conn.execute(
                "SELECT DISTINCT d.suggestion_id FROM decisions d JOIN suggestions s "
                "ON s.id = d.suggestion_id WHERE s.transcript_id = ?", [transcript_id])}
            # A theme the codebook no longer has cannot be accepted, nor one a version made
            # a folder: its suggestions retire even when a coder decided on them (the
            # decisions and codings stay), or they would wait in every other coder's
            # queue, as a merged theme's do not.
            active = {r[0] for r in self.conn.execute(
                "SELECT id FROM themes WHERE active = 1 AND codable = 1")}
            excluded: Collection[tuple[str, int, int]] | None = None
            for key, (sid, status, _, _, was_found, _) in existing.items():
                if sid in seen or status != "open":
                    continue
                if excluded is None:
                    excluded = ruled_out() if ruled_out is not None else ()
                ruled = key in excluded
                if sid in decided and key[0] in active:
                    # Kept for its decisions, with the pattern ids that last found it; no
                    # longer counted for them (pattern_stats shows it apart).
                    if was_found:
                        self.conn.execute("UPDATE suggestions SET found = 0 WHERE id = ?",
                                          [sid])
                    stats["decided_kept"] += 1
                    stats["decided_kept_excluded"] += ruled
                else:
                    self.conn.execute(
                        "UPDATE suggestions SET status = 'retired' WHERE id = ?", [sid])
                    stats["retired"] += 1
                    stats["retired_excluded"] += ruled
                    stats["retired_decided"] += sid in decided
        return stats

    def doc_cache_get(self: Store, keys: list[str]) -> dict[str, bytes]:
        """Cached tokenised docs (DocBin bytes) for these keys, where present."""
        out: dict[str, bytes] = {}
        for i in range(0, len(keys), 500):
            chunk = keys[i:i + 500]
            marks = ",".join("?" * len(chunk))
            for key, data in self.conn.execute(
                    f"SELECT key, data FROM doc_cache WHERE key IN ({marks})", chunk):
                out[key] = bytes(data)
        return out

    def doc_cache_has(self: Store, keys: list[str]) -> set[str]:
        """Which of these keys the cache holds (without reading the data)."""
        out: set[str] = set()
        for i in range(0, len(keys), 500):
            chunk = keys[i:i + 500]
            marks = ",".join("?" * len(chunk))
            out.update(r[0] for r in self.conn.execute(
                f"SELECT key FROM doc_cache WHERE key IN ({marks})", chunk))
        return out

    def doc_cache_put(self: Store, key: str, data: bytes) -> None:
        """Store one tokenised doc in the cache (replacing an older entry)."""
        with self.write():
            self.conn.execute("INSERT OR REPLACE INTO doc_cache (key, data) VALUES (?, ?)",
                              [key, data])

    def doc_cache_prune(self: Store, keep: set[str]) -> int:
        """Delete cache entries whose keys are not in ``keep``; returns how many."""
        stale = [r[0] for r in self.conn.execute("SELECT key FROM doc_cache")
                 if r[0] not in keep]
        with self.write():
            for i in range(0, len(stale), 500):
                chunk = stale[i:i + 500]
                self.conn.execute(
                    f"DELETE FROM doc_cache WHERE key IN ({','.join('?' * len(chunk))})", chunk)
        return len(stale)

    def doc_cache_size(self: Store) -> tuple[int, int]:
        """Number of cached docs, and the cache's total size in bytes (docs and matches)."""
        row = self.conn.execute("SELECT SUM(key NOT LIKE 'm:%' AND key NOT LIKE 'a:%'), "
                                "COALESCE(SUM(LENGTH(data)), 0) FROM doc_cache")
        count, size = row.fetchone()
        return int(count or 0), int(size)

    def span_decisions(self: Store, coder: str | None = None,
                       ) -> list[tuple[tuple[int, str, int, int], str]]:
        """Every decision on a suggestion (or ``coder``'s), whatever its status:
        ``((transcript_id, theme_id, start, end), status)``, status accepted, adjusted or
        rejected. One per coder and suggestion."""
        sql = ("SELECT s.transcript_id, s.theme_id, s.start, s.\"end\", d.status "
               "FROM decisions d JOIN suggestions s ON s.id = d.suggestion_id")
        args: list[Any] = []
        if coder is not None:
            sql += " WHERE d.coder_id = (SELECT id FROM coders WHERE name = ?)"
            args.append(coder)
        return [((t, theme, start, end), status)
                for t, theme, start, end, status in self.conn.execute(sql, args)]

    def pattern_stats(self: Store, coder: str | None = None) -> list[dict[str, Any]]:
        """Per pattern: suggestions made (open), accepted, rejected, undecided.

        A suggestion counts for every pattern that fired on it, while the pattern is of
        the suggestion's theme (one a new codebook version moved to another theme made
        its suggestions for the old theme: they are not the new theme's). Decisions are
        counted across coders, or only ``coder``'s; ``adjusted`` counts as accepted.

        A suggestion kept open only for its decisions, which no pattern finds any more
        (``found = 0``: the pattern was changed, removed or moved), counts for none of
        them: it is in ``no_longer_found`` (suggestions, accepted, rejected, open) of
        each pattern that last found it; so is a decided one other patterns still find,
        for each active pattern that found it once and no longer does
        (``lost_pattern_ids``). The figures are the current patterns', and the history
        stays in sight (the accepted ones are what a change made a pattern miss).
        Inactive (removed) patterns are listed when they still have either; the patterns
        of a retired (or merged) theme, which suggest nothing, say ``theme_retired``.
        """
        rows = list(self.conn.execute(
            "SELECT p.id, p.theme_id, p.kind, p.active, p.exclude, COALESCE(t.active, 0) "
            "FROM patterns p LEFT JOIN themes t ON t.id = p.theme_id "
            "ORDER BY p.theme_id, p.id"))
        stats = {r[0]: {"pattern": r[0], "theme": r[1], "kind": r[2], "active": bool(r[3]),
                        "theme_retired": not r[5],
                        "exclude": bool(r[4]), "suggestions": 0, "accepted": 0, "rejected": 0,
                        "undecided": 0, "no_longer_found": dict.fromkeys(
                            ("suggestions", "accepted", "rejected", "open"), 0)}
                 for r in rows}
        # Counted per suggestion, then per list of pattern ids, in SQLite: a large study's
        # 100,000 suggestions share a few hundred lists (the codebook screen asks twice as
        # it opens, on the UI thread: 0.7 s at 2M words counted row by row in Python).
        join = ""
        args: list[Any] = []
        if coder is not None:
            join = " AND d.coder_id = (SELECT id FROM coders WHERE name = ?)"
            args.append(coder)
        sql = ("SELECT pattern_ids, theme_id, found, lost, anyone, COUNT(*), SUM(n = 0), "
               "SUM(n - rejected), SUM(rejected) FROM (SELECT s.pattern_ids AS pattern_ids, "
               "s.theme_id AS theme_id, s.found AS found, s.lost_pattern_ids AS lost, "
               # Asked only where a pattern lost it (the common case costs no lookup).
               "s.lost_pattern_ids != '[]' AND EXISTS (SELECT 1 FROM decisions a "
               "WHERE a.suggestion_id = s.id) AS anyone, "
               "COUNT(d.status) AS n, TOTAL(d.status = 'rejected') AS rejected "
               f"FROM suggestions s LEFT JOIN decisions d ON d.suggestion_id = s.id{join} "
               "WHERE s.status = 'open' GROUP BY s.id) "
               "GROUP BY pattern_ids, theme_id, found, lost, anyone")
        for (pids, theme, found, lost, anyone, suggestions, undecided, accepted,
             rejected) in self.conn.execute(sql, args):
            figures = (suggestions, undecided, int(accepted), int(rejected))
            # Found by none of them now: every pattern that last found it (of whichever
            # theme the pattern is of now). Still found by others: the active patterns
            # that found it once, if a coder decided on it (a renamed or removed pattern's
            # suggestions are their successors' or nobody's).
            gone = ([*json.loads(pids)] if not found else []) + (
                [pid for pid in json.loads(lost) if pid in stats and stats[pid]["active"]]
                if anyone else [])
            for pid in gone:
                if pid in stats:
                    _add(stats[pid]["no_longer_found"], *figures)
            if not found:
                continue
            for pid in json.loads(pids):
                st = stats.get(pid)
                if st is None or st["theme"] != theme:
                    continue
                st["suggestions"] += suggestions
                st["undecided"] += undecided
                st["accepted"] += int(accepted)
                st["rejected"] += int(rejected)
        out = []
        for st in stats.values():
            if not st["active"] and not st["suggestions"] \
                    and not st["no_longer_found"]["suggestions"]:
                continue
            decided = st["accepted"] + st["rejected"]
            st["open"] = st["undecided"]
            st["precision"] = st["accepted"] / decided if decided else None
            out.append(st)
        return out

    def pattern_suggestions(self: Store, pattern_id: str, coder: str | None = None,
                            found: bool = True) -> list[tuple[Suggestion, dict[str, str]]]:
        """The open suggestions ``pattern_id`` fired on, in text order, each with its
        decisions (coder name to status): every coder's, or only ``coder``'s.

        The suggestions and decisions :meth:`pattern_stats` counts for the pattern, so
        a list of them agrees with its figures; with ``found=False``, those it counts in
        the pattern's ``no_longer_found`` instead (decided ones it found once: no pattern
        finds them any more, or, while the pattern is active, others still do).
        """
        sql = (f"SELECT {SUGGESTION_COLUMNS}, k.name, d.status FROM suggestions s "
               "LEFT JOIN decisions d ON d.suggestion_id = s.id")
        args: list[Any] = []
        if coder is not None:
            sql += " AND d.coder_id = (SELECT id FROM coders WHERE name = ?)"
            args.append(coder)
        sql += " LEFT JOIN coders k ON k.id = d.coder_id WHERE s.status = 'open' AND "
        fired = "EXISTS (SELECT 1 FROM json_each(s.pattern_ids) j WHERE j.value = ?)"
        if found:
            sql += (f"{fired} AND s.found = 1 AND s.theme_id = "
                    "(SELECT theme_id FROM patterns WHERE id = ?) ")
            args += [pattern_id, pattern_id]
        else:
            sql += (f"(({fired} AND s.found = 0) OR (EXISTS (SELECT 1 FROM "
                    "json_each(s.lost_pattern_ids) j WHERE j.value = ?) AND EXISTS (SELECT 1 "
                    "FROM decisions a WHERE a.suggestion_id = s.id) AND EXISTS (SELECT 1 FROM "
                    "patterns p WHERE p.id = ? AND p.active = 1))) ")
            args += [pattern_id, pattern_id, pattern_id]
        sql += 'ORDER BY s.transcript_id, s.start, s."end", s.theme_id, k.name'
        listed: dict[int, tuple[Suggestion, dict[str, str]]] = {}
        width = _SUGGESTION_WIDTH
        for row in self.conn.execute(sql, args):
            entry = listed.get(row[0])
            if entry is None:
                entry = listed[row[0]] = (suggestion_from_row(row[:width]), {})
            if row[width + 1] is not None:
                entry[1][row[width]] = row[width + 1]
        return list(listed.values())
