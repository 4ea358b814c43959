"""Store methods for suggestions (shared by all coders) and the tokenised-doc cache.

A mixin of :class:`qualcoder_ahp.model.store.Store`. Reads are here for every front
end; the suggestion run's write logic (idempotent re-runs, retiring suggestions of
removed patterns) lives here too so that only ``model/`` names tables.
"""

from __future__ import annotations

import json
import sqlite3
from typing import TYPE_CHECKING, Any

from qualcoder_ahp.records import Suggestion

if TYPE_CHECKING:
    from qualcoder_ahp.model.store import Store

SUGGESTION_COLUMNS = (
    's.id, s.transcript_id, s.theme_id, s.unit, s.start, s."end", s.pattern_ids, s.matches, '
    "s.status"
)


def suggestion_from_row(row: tuple[Any, ...]) -> Suggestion:
    """Build a :class:`Suggestion` from a row selected with ``SUGGESTION_COLUMNS``."""
    return Suggestion(
        row[0], row[1], row[2], row[3], row[4], row[5],
        tuple(json.loads(row[6])), tuple(tuple(m) for m in json.loads(row[7])), row[8],
    )


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
    ) -> list[Suggestion]:
        """Suggestions in text order, filtered.

        Args:
            transcript_id: only this transcript.
            theme_id: only this theme.
            status: ``open`` (default), ``retired`` or ``None`` for both.
            coder: with ``decision``, filter on this coder's decision.
            decision: ``undecided``, ``accepted``, ``rejected``, ``adjusted`` or
                ``decided`` (any of the last three); needs ``coder``.
        """
        sql = f"SELECT {SUGGESTION_COLUMNS} FROM suggestions s"
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
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += ' ORDER BY s.transcript_id, s.start, s."end", s.theme_id'
        return [suggestion_from_row(r) for r in self.conn.execute(sql, args)]

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
