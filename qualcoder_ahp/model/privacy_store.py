"""Store methods for redaction: rewrite a transcript's stored text before coding.

A mixin of :class:`qualcoder_ahp.model.store.Store`. Redaction replaces the text
*in place* (with an event in the log), not as a new version: a new version would
keep the unredacted text, and so the names, in the database. The rewrite runs with
``PRAGMA secure_delete`` on (SQLite zeroes the freed pages that held the old text)
and the old tokenised-doc cache is dropped (it holds the old text too), then the
WAL is checkpointed so the old pages leave the ``-wal`` file as well.
:meth:`PrivacyMixin.erasing` is that recipe, shared with withdrawal
(:mod:`qualcoder_ahp.model.withdraw_store`).

The names leave the event log too: each event about the transcript (a
``speaker_rename`` naming the old speaker, say) is rewritten in the same transaction,
the way withdrawal scrubs its events
(:meth:`~qualcoder_ahp.model.withdraw_store.WithdrawMixin._rewrite_events`).
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from qualcoder_ahp.errors import UserError
from qualcoder_ahp.records import Sentence, Turn

if TYPE_CHECKING:
    from qualcoder_ahp.model.store import Store

Rewrite = Callable[[str, bool], str]
"""Redacts one string of an event (``True``: it is a speaker label, ``[P01]`` as ``P01``)."""
SPEAKER_KEYS = frozenset({"speaker", "to", "speakers"})
"""An event's keys whose strings are speaker labels (redacted as the turns' labels are)."""
WHO_KEYS = frozenset({"by", "coder"})
"""An event's keys naming who did it (a login, a coder): the audit trail's, kept."""


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
        rewrite: Rewrite | None = None,
    ) -> int:
        """Replace a transcript's text, turns and sentences in one transaction.

        Undecided suggestions of the transcript are deleted (their offsets no longer
        hold; ``qcahp suggest`` remakes them) and the doc cache is cleared. Refused
        if anything is coded or decided on the transcript (checked under the write
        lock, so a coder's decision cannot slip in between). ``rewrite``: the log's
        events about the transcript are scrubbed with it (:meth:`log_scrub`), in the
        same transaction; the ``redact`` event says how many (``log_scrubbed``).
        Returns the event id.
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
            scrub = self.log_scrub(transcript_id, rewrite) if rewrite else {}
            event_id = self.log_event(None, "redact", {
                "transcript_id": transcript_id, "old_hash": info.content_hash,
                "new_hash": digest, **summary, "log_scrubbed": len(scrub)})
            self._apply_scrub(scrub, event_id)
        return event_id

    def log_scrub(self: Store, transcript_id: int, rewrite: Rewrite
                  ) -> dict[int, tuple[str, dict[str, Any]]]:
        """The events about a transcript (``event_targets``, or its id in the payload)
        whose strings ``rewrite`` changes, with their payload rewritten, by event id."""
        from qualcoder_ahp.model.withdraw_store import NEVER_SCRUBBED

        out: dict[int, tuple[str, dict[str, Any]]] = {}
        for event_id, kind, text in self.conn.execute(
                "SELECT id, kind, payload FROM events WHERE id IN (SELECT event_id FROM "
                "event_targets WHERE transcript_id = ?) OR (json_valid(payload) AND "
                "json_extract(payload, '$.transcript_id') = ?) ORDER BY id",
                [transcript_id, transcript_id]):
            if kind in NEVER_SCRUBBED or kind == "memo":
                continue  # (memo text is the researcher's, not redacted: see the docs)
            try:
                payload = json.loads(text)
            except ValueError:
                continue
            new = _rewritten(payload, rewrite, False)
            if isinstance(new, dict) and new != payload:
                out[event_id] = (kind, new)
        return out

    def scrub_log(self: Store, transcript_id: int, rewrite: Rewrite,
                  summary: dict[str, Any]) -> int:
        """Scrub the names from the log's events about a transcript whose text and speakers
        hold none of them now (a speaker renamed before redaction), with a ``redact``
        event. Returns the number of events scrubbed."""
        with self.erasing():
            info = self.transcript(transcript_id)
            scrub = self.log_scrub(transcript_id, rewrite)
            if scrub:
                event_id = self.log_event(None, "redact", {
                    "transcript_id": transcript_id, "old_hash": info.content_hash,
                    "new_hash": info.content_hash, **summary, "log_scrubbed": len(scrub)})
                self._apply_scrub(scrub, event_id)
        return len(scrub)

    def _apply_scrub(self: Store, scrub: dict[int, tuple[str, dict[str, Any]]],
                     event_id: int) -> None:
        """Write the scrubbed events as withdrawal does (inside the transaction), and
        their ``event_targets`` from their words now."""
        from qualcoder_ahp.model.audit import record_targets

        self._rewrite_events(scrub, event_id)
        record_targets(self, list(scrub))

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


def _rewritten(value: Any, rewrite: Rewrite, label: bool) -> Any:
    """``value`` (an event's payload, or a part of it) with every string rewritten."""
    if isinstance(value, str):
        return rewrite(value, label)
    if isinstance(value, list):
        return [_rewritten(v, rewrite, label) for v in value]
    if isinstance(value, dict):
        # A key may be a speaker's name too ({"speakers": {"Helen": "participant"}}).
        return {rewrite(k, True) if label else k:
                v if k in WHO_KEYS else _rewritten(v, rewrite, label or k in SPEAKER_KEYS)
                for k, v in value.items()}
    return value
