"""Store reads for the coding workbench: per-coder progress, counts, pattern precision.

A mixin of :class:`qualcoder_ahp.model.store.Store`. The workbench shows, for the
coder at the keyboard, how far each transcript has got and how often each theme
was used, and for the whole team how precise each suggestion pattern has been. These
are aggregate reads that would be slow as Python loops over ``suggestions()``, so
they are single SQL queries here (only ``model/`` names tables). Pattern precision
comes from ``SuggestionMixin.pattern_stats`` (the suggestion area's method).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import TYPE_CHECKING

from qualcoder_ahp.model.suggestion_store import SUGGESTION_COLUMNS, suggestion_from_row
from qualcoder_ahp.records import Suggestion

if TYPE_CHECKING:
    from qualcoder_ahp.model.store import Store


@dataclass(frozen=True)
class TranscriptProgress:
    """One coder's progress on one transcript."""

    suggestions: int
    """Open suggestions in the transcript."""
    decided: int
    """Of those, how many this coder accepted, adjusted or rejected."""
    codings: int
    """This coder's active codings in the transcript (any origin)."""


class WorkbenchMixin:
    """Workbench read methods of :class:`~qualcoder_ahp.model.store.Store`."""

    conn: sqlite3.Connection

    def transcript_progress(self: Store, coder: str) -> dict[int, TranscriptProgress]:
        """This coder's progress on every transcript, by transcript id."""
        rows = self.conn.execute(
            "SELECT t.id, "
            "(SELECT COUNT(*) FROM suggestions s WHERE s.transcript_id = t.id "
            " AND s.status = 'open'), "
            "(SELECT COUNT(*) FROM suggestions s JOIN decisions d ON d.suggestion_id = s.id "
            " WHERE s.transcript_id = t.id AND s.status = 'open' AND d.coder_id = k.id), "
            "(SELECT COUNT(*) FROM codings c WHERE c.transcript_id = t.id AND c.active = 1 "
            " AND c.coder_id = k.id) "
            "FROM transcripts t LEFT JOIN coders k ON k.name = ?",
            [coder],
        )
        return {r[0]: TranscriptProgress(r[1], r[2], r[3]) for r in rows}

    def theme_counts(self: Store, coder: str, transcript_id: int | None = None) -> dict[str, int]:
        """This coder's active codings per theme id (in one transcript, or all).

        The counts over the whole study (the coding screen's codebook pane asks at every
        key) are kept on this store with the newest event they account for, and brought
        up to date by counting again only the themes whose codings the events since
        touched, one indexed count each (``codings_by_coder_theme``). Events that cannot
        be placed (a merge, a withdrawal, a theme merged, a coder renamed or joined, more
        than 2,000 at once: :meth:`~DecisionMixin.changed_since`) count everything again.
        The newest event is read before the counts, so a commit landing in between is
        counted again at the next call, never missed.
        """
        if transcript_id is not None:
            # By the coder's codings of the transcript: left to itself, SQLite reads every
            # coding of the coder in theme order (codings_by_coder_theme) to skip a sort.
            return {theme: n for theme, n in self.conn.execute(
                "SELECT c.theme_id, COUNT(*) FROM codings c INDEXED BY codings_by_coder "
                "JOIN coders k ON k.id = c.coder_id WHERE c.active = 1 AND k.name = ? "
                "AND c.transcript_id = ? GROUP BY c.theme_id", [coder, transcript_id])}
        kept: dict[str, tuple[int, dict[str, int]]] = self.__dict__.setdefault(
            "_theme_counts_kept", {})
        newest = self.newest_event_id()
        seen, counts = kept.get(coder, (-1, {}))
        changed = self.changed_since(seen, newest) if 0 <= seen <= newest else None
        if changed is None:
            counts = {theme: n for theme, n in self.conn.execute(
                "SELECT c.theme_id, COUNT(*) FROM codings c JOIN coders k ON k.id = c.coder_id "
                "WHERE c.active = 1 AND k.name = ? GROUP BY c.theme_id", [coder])}
        elif changed["codings"]:
            row = self.conn.execute("SELECT id FROM coders WHERE name = ?", [coder]).fetchone()
            counts = dict(counts)
            for theme in sorted({r[3] for r in changed["codings"]
                                 if row is not None and r[2] == row[0]}):
                n = self.conn.execute(
                    "SELECT COUNT(*) FROM codings WHERE coder_id = ? AND theme_id = ? "
                    "AND active = 1", [row[0], theme]).fetchone()[0]  # type: ignore[index]
                if n:
                    counts[theme] = n
                else:
                    counts.pop(theme, None)
        kept[coder] = (newest, counts)
        return dict(sorted(counts.items()))  # in theme id order, as GROUP BY gives

    def next_undecided(
        self: Store, coder: str, transcript_id: int, after: int, theme_id: str | None = None,
    ) -> Suggestion | None:
        """The first open suggestion this coder has not decided, after a position.

        Searches forward from offset ``after`` in ``transcript_id``, then through the
        following transcripts (by id), then wraps round to the start of the corpus.
        """
        sql = (f"SELECT {SUGGESTION_COLUMNS} FROM suggestions s WHERE s.status = 'open' "
               "AND NOT EXISTS (SELECT 1 FROM decisions d JOIN coders k ON k.id = d.coder_id "
               "WHERE d.suggestion_id = s.id AND k.name = ?)")
        args: list[object] = [coder]
        if theme_id is not None:
            sql += " AND s.theme_id = ?"
            args.append(theme_id)
        order = ' ORDER BY s.transcript_id, s.start, s."end", s.theme_id LIMIT 1'
        row = self.conn.execute(
            sql + " AND (s.transcript_id > ? OR (s.transcript_id = ? AND s.start > ?))" + order,
            [*args, transcript_id, transcript_id, after],
        ).fetchone()
        if row is None:
            row = self.conn.execute(sql + order, args).fetchone()
        return suggestion_from_row(row) if row else None
