"""Store methods for the read queries behind counts, quotes and co-occurrence.

A mixin of :class:`qualcoder_ahp.model.store.Store`: it may use ``self.conn``,
``self.write()`` and the other Store methods, and is the only place naming the
tables it touches for this area.

Reports read a whole project at once (every coding, every turn and sentence), so
these queries are bulk reads: one ``SELECT`` per table rather than one per
transcript, which keeps a 20,000-coding export well under a second of SQL.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Collection, Iterator
from typing import TYPE_CHECKING, Any

from qualcoder_ahp.records import Coding, Sentence, Turn

if TYPE_CHECKING:
    from qualcoder_ahp.model.store import Store


class ReportMixin:
    """Store methods for the read queries behind counts, quotes and co-occurrence."""

    conn: sqlite3.Connection

    def report_transcripts(self: Store) -> list[tuple[int, str, int, str | None, int, int]]:
        """Every transcript as ``(id, name, version, participant code, chars, words)``.

        ``chars`` is SQLite's ``length()`` of the stored text, which counts code
        points, the same unit as every offset.
        """
        rows = self.conn.execute(
            "SELECT t.id, t.name, t.version, p.code, length(t.text), t.words "
            "FROM transcripts t LEFT JOIN participants p ON p.id = t.participant_id "
            "ORDER BY t.name, t.version"
        )
        return [tuple(r) for r in rows]  # type: ignore[misc]

    def report_memos(self: Store, coder: str | None = None) -> list[tuple[Any, ...]]:
        """Every memo as ``(kind, target, coder, text, updated, transcript_id, theme_id,
        start, end, quote)``; the last five come from the coding a coding memo is on.

        A memo on a coding that was since removed is left out (the coding is no longer
        part of the analysis; it comes back with the coding on undo).
        """
        sql = (
            'SELECT m.target_kind, m.target_id, k.name, m.text, m.updated_at, '
            'c.transcript_id, c.theme_id, c.start, c."end", c.quote FROM memos m '
            "JOIN coders k ON k.id = m.coder_id "
            "LEFT JOIN codings c ON m.target_kind = 'coding' "
            "AND c.id = CAST(m.target_id AS INTEGER) "
            "WHERE (m.target_kind != 'coding' OR c.active = 1)"
        )
        args: list[str] = []
        if coder is not None:
            sql += " AND k.name = ?"
            args.append(coder)
        return [tuple(r) for r in self.conn.execute(sql + " ORDER BY m.id", args)]

    def report_codebook_loaded(self: Store) -> str | None:
        """When a codebook was last stored in this project (``qcahp codebook load``, a
        REFI import), as a UTC timestamp; ``None`` if never."""
        return self.conn.execute("SELECT MAX(loaded_at) FROM codebooks").fetchone()[0]

    def report_coded_coders(self: Store) -> list[str]:
        """Names of coders that have at least one active coding, in order of creation."""
        rows = self.conn.execute(
            "SELECT k.name FROM coders k WHERE EXISTS "
            "(SELECT 1 FROM codings c WHERE c.coder_id = k.id AND c.active = 1) ORDER BY k.id"
        )
        return [r[0] for r in rows]

    def report_codings(self: Store, coder: str | None = None,
                       transcript_id: int | None = None,
                       themes: Collection[str] | None = None) -> list[Coding]:
        """Active codings (of one coder, or all; of one transcript, or all; of these
        ``themes``, or all) in text order, as ``Store.codings()`` gives.

        The same :class:`Coding` values, built straight from the cursor with the few
        distinct theme ids, coder names and origins shared between rows (instead of
        a string object per row each): a 200-transcript study holds hundreds of
        thousands of codings at once, and ``Store.codings()`` would build them all
        a first time before they could be made lighter.
        """
        sql = (
            'SELECT c.id, c.transcript_id, c.theme_id, k.name, c.start, c."end", c.quote, '
            "c.origin, c.suggestion_id, m.text, c.guid FROM codings c "
            "JOIN coders k ON k.id = c.coder_id "
            "LEFT JOIN memos m ON m.target_kind = 'coding' AND m.target_id = CAST(c.id AS TEXT) "
            "AND m.coder_id = c.coder_id WHERE c.active = 1"
        )
        args: list[str | int] = []
        if coder is not None:
            sql += " AND k.name = ?"
            args.append(coder)
        if transcript_id is not None:
            sql += " AND c.transcript_id = ?"
            args.append(transcript_id)
        if themes is not None:  # one theme's passages: its index, not every coding
            wanted = sorted(set(themes))
            sql += f" AND c.theme_id IN ({', '.join('?' * len(wanted))})"
            args.extend(wanted)
        sql += " ORDER BY c.transcript_id, c.start, c.id"
        shared: dict[str, str] = {}
        keep = shared.setdefault
        return [Coding(cid, tid, keep(theme, theme), keep(name, name), start, end, quote,
                       keep(origin, origin), sid, memo, guid)
                for cid, tid, theme, name, start, end, quote, origin, sid, memo, guid
                in self.conn.execute(sql, args)]

    def report_turns(self: Store) -> dict[int, list[Turn]]:
        """Every transcript's turns, in order, keyed by transcript id (one query)."""
        out: dict[int, list[Turn]] = {}
        for tid, speaker, role, start, end, time in self.conn.execute(
            'SELECT transcript_id, speaker, role, start, "end", time FROM turns '
            "ORDER BY transcript_id, idx"
        ):
            out.setdefault(tid, []).append(Turn(speaker, role, start, end, time))
        return out

    def report_sentences(self: Store) -> dict[int, list[Sentence]]:
        """Every transcript's sentences, in order, keyed by transcript id (one query)."""
        out: dict[int, list[Sentence]] = {}
        for tid, start, end, turn_idx in self.conn.execute(
            'SELECT transcript_id, start, "end", turn_idx FROM sentences '
            "ORDER BY transcript_id, idx"
        ):
            out.setdefault(tid, []).append(Sentence(start, end, turn_idx))
        return out

    def report_texts(self: Store, transcript_ids: list[int]) -> Iterator[tuple[int, str]]:
        """Yield ``(id, text)`` for the given transcripts, one row at a time.

        Streaming keeps only one transcript's text in memory at once (a corpus of
        200 long interviews is tens of megabytes).
        """
        for tid in transcript_ids:
            row = self.conn.execute("SELECT text FROM transcripts WHERE id = ?", [tid]).fetchone()
            if row is not None:
                yield tid, str(row[0])
