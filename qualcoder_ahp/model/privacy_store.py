"""Store methods for redaction: rewrite a transcript's stored text before coding.

A mixin of :class:`qualcoder_ahp.model.store.Store`. Redaction replaces the text
*in place* (with an event in the log), not as a new version: a new version would
keep the unredacted text, and so the names, in the database. The rewrite runs with
``PRAGMA secure_delete`` on (SQLite zeroes the freed pages that held the old text)
and the old tokenised-doc cache is dropped (it holds the old text too), then the
WAL is checkpointed so the old pages leave the ``-wal`` file as well.
:meth:`PrivacyMixin.erasing` is that recipe, shared with withdrawal
(:mod:`qualcoder_ahp.model.withdraw_store`).
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from qualcoder_ahp.errors import UserError
from qualcoder_ahp.records import Sentence, Turn

if TYPE_CHECKING:
    from qualcoder_ahp.model.store import Store


class PrivacyMixin:
    """Redaction methods of :class:`~qualcoder_ahp.model.store.Store`."""

    conn: sqlite3.Connection

    def redaction_blockers(self: Store, transcript_id: int) -> dict[str, int]:
        """What pins a transcript's offsets: its codings (even undone) and decided suggestions."""
        codings = self.conn.execute(
            "SELECT COUNT(*) FROM codings WHERE transcript_id = ?", [transcript_id]
        ).fetchone()[0]
        decided = self.conn.execute(
            "SELECT COUNT(*) FROM decisions d JOIN suggestions s ON s.id = d.suggestion_id "
            "WHERE s.transcript_id = ?", [transcript_id]
        ).fetchone()[0]
        return {"codings": int(codings), "decisions": int(decided)}

    def replace_transcript_text(
        self: Store,
        transcript_id: int,
        text: str,
        turns: list[Turn],
        sentences: list[Sentence],
        summary: dict[str, Any],
    ) -> int:
        """Replace a transcript's text, turns and sentences in one transaction.

        Undecided suggestions of the transcript are deleted (their offsets no longer
        hold; ``qcahp suggest`` remakes them) and the doc cache is cleared. Refused
        if anything is coded or decided on the transcript (checked under the write
        lock, so a coder's decision cannot slip in between). Returns the event id.
        """
        from qualcoder_ahp.model.store import content_hash, count_words

        with self.erasing():
            info = self.transcript(transcript_id)
            blockers = self.redaction_blockers(transcript_id)
            if any(blockers.values()):
                raise UserError(
                    f"transcript {info.name!r} already has {blockers['codings']} coding(s) "
                    f"and {blockers['decisions']} decided suggestion(s); redaction would "
                    "move their offsets, so redact before coding"
                )
            digest = content_hash(text)
            clash = self.conn.execute(
                "SELECT name FROM transcripts WHERE content_hash = ? AND id != ?",
                [digest, transcript_id]).fetchone()
            if clash:
                raise UserError(f"redacted {info.name!r} would be identical to "
                                f"transcript {clash[0]!r}")
            self.conn.execute(
                "UPDATE transcripts SET text = ?, content_hash = ?, words = ? WHERE id = ?",
                [text, digest, count_words(text), transcript_id])
            self.conn.execute("DELETE FROM turns WHERE transcript_id = ?", [transcript_id])
            self.conn.execute("DELETE FROM sentences WHERE transcript_id = ?",
                              [transcript_id])
            self.conn.executemany(
                'INSERT INTO turns (transcript_id, idx, speaker, role, start, "end", time) '
                "VALUES (?,?,?,?,?,?,?)",
                [(transcript_id, i, t.speaker, t.role, t.start, t.end, t.time)
                 for i, t in enumerate(turns)])
            self.conn.executemany(
                'INSERT INTO sentences (transcript_id, idx, turn_idx, start, "end") '
                "VALUES (?,?,?,?,?)",
                [(transcript_id, i, s.turn_index, s.start, s.end)
                 for i, s in enumerate(sentences)])
            self.conn.execute("DELETE FROM suggestions WHERE transcript_id = ?",
                              [transcript_id])
            self.conn.execute("DELETE FROM doc_cache")
            event_id = self.log_event(None, "redact", {
                "transcript_id": transcript_id, "old_hash": info.content_hash,
                "new_hash": digest, **summary})
        return event_id

    @contextlib.contextmanager
    def erasing(self: Store) -> Iterator[Store]:
        """One write transaction whose deleted or overwritten data leaves the files.

        ``PRAGMA secure_delete`` is on for it (SQLite zeroes the freed space and pages
        that held the old rows, instead of leaving them readable on disk), and once it
        has committed the WAL is checkpointed and truncated, so the old pages leave the
        ``-wal`` file as well. A reader still holding an old snapshot can keep the
        checkpoint from finishing; the next checkpoint then does it.
        """
        secure = self.conn.execute("PRAGMA secure_delete").fetchone()[0]
        self.conn.execute("PRAGMA secure_delete = ON")
        try:
            with self.write():
                yield self
        finally:
            self.conn.execute(f"PRAGMA secure_delete = {int(secure)}")
        if self.path is not None:
            with contextlib.suppress(sqlite3.Error):  # busy readers: the next checkpoint will do
                self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
