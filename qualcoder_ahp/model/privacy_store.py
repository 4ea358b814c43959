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

A transcript's *name* is the other place a participant's name sits (``physio_helen``, its
file's name, in every quote's attribution, export and REFI-QDA file):
:meth:`PrivacyMixin.rename_transcript` renames every version of it. Everything points at
the transcript's id, so codings, decisions, memos and events stay attached; the old name
leaves the log's events too, and the stored name of the file it was imported from.
"""

from __future__ import annotations

import contextlib
import json
import re
import sqlite3
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from qualcoder_ahp.errors import UserError
from qualcoder_ahp.records import Codebook, Sentence, Turn

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

    def codebook_scrub(self: Store, edit: Callable[[str], str], *,
                       drop: Callable[[str], bool] | None = None,
                       edit_source: Callable[[str], str] | None = None,
                       holds: Callable[[str], bool] | None = None) -> CodebookScrub:
        """What ``edit`` (and ``drop``) change in the stored codebook: a theme's definition,
        criteria and examples (``edit`` rewrites each; ``drop`` says which examples go),
        the description of each codebook load, the ``theme_edit`` events that set those,
        and the kept text of the YAML file last loaded (``edit_source``, default
        ``edit``, rewrites it). The text is kept only if it still loads as the file's
        codebook with the same change made (so that ``codebook export`` writes the
        stored codebook, comments and all, as before), and if ``holds`` does not find
        in it still what is to go (a comment quoting it): otherwise it is dropped.

        Redaction replaces names with it (an example quoting a participant by name), and
        withdrawal drops the examples quoting a withdrawn interview. A theme's name and
        patterns are not changed (codings and suggestions are made with them): ``held``
        says where ``edit`` would have changed them.
        """
        from qualcoder_ahp.model.codebook_store import SOURCE_SETTING

        drop = drop or (lambda _example: False)
        out = CodebookScrub()

        def examples(stored: str | None) -> str:
            try:
                listed = json.loads(stored or "[]")
            except ValueError:
                return stored or "[]"
            if not isinstance(listed, list):
                return stored or "[]"
            new = [edit(e) if isinstance(e, str) else e for e in listed
                   if not (isinstance(e, str) and drop(e))]
            return (stored or "[]") if new == listed else json.dumps(new)

        def edited(fname: str, value: str | None) -> str | None:
            if value is None:
                return None
            return examples(value) if fname == "examples" else edit(value)

        for row in self.conn.execute(
                "SELECT id, name, description, inclusion, exclusion, examples FROM themes"):
            theme_id, name = row[0], row[1]
            for fname, value in zip(THEME_TEXTS, row[2:], strict=True):
                new = edited(fname, value)
                if value is not None and new != value:
                    out.themes.setdefault(theme_id, {})[fname] = new
                    out.old.append(value)
            if edit(name) != name:
                out.held.append(f"the name of theme {theme_id}")
        for pid, theme_id, body in self.conn.execute(
                "SELECT id, theme_id, body FROM patterns WHERE active = 1"):
            if edit(body) != body:
                out.held.append(f"pattern {pid} of theme {theme_id}")
        for load, description in self.conn.execute(
                "SELECT id, description FROM codebooks WHERE description IS NOT NULL"):
            if edit(description) != description:
                out.loads[load] = edit(description)
                out.old.append(description)
        # A theme_edit's changes, and the undo and redo of one (their changes are its
        # own, reversed), made here or merged in.
        for event_id, kind, text in self.conn.execute(
                "SELECT id, kind, payload FROM events WHERE payload LIKE '%theme_field%'"):
            try:
                payload = json.loads(text)
            except ValueError:
                continue
            if not isinstance(payload, dict):
                continue
            inner = payload.get("original") if kind == "merged" else payload
            if not isinstance(inner, dict) or not isinstance(inner.get("changes"), list):
                continue
            changes = [
                {**c, **{side: edited(c["field"], c.get(side)) for side in ("before", "after")
                         if isinstance(c.get(side), str)}}
                if isinstance(c, dict) and c.get("op") == "theme_field"
                and c.get("field") in THEME_TEXTS else c
                for c in inner["changes"]]
            if changes != inner["changes"]:
                inner = {**inner, "changes": changes}
                out.events[event_id] = (kind, {**payload, "original": inner}
                                        if kind == "merged" else inner)
        row = self.conn.execute("SELECT value FROM settings WHERE key = ?",
                                [SOURCE_SETTING]).fetchone()
        try:
            kept = json.loads(row[0]) if row else None
        except ValueError:
            kept = None
        text = kept.get("text") if isinstance(kept, dict) else None
        if isinstance(text, str):
            new_text = (edit_source or edit)(text)
            if new_text != text or (holds is not None and holds(text)):
                revised = revised_source(text, new_text, edit, drop)
                if revised is None or (holds is not None and holds(revised)):
                    out.source_dropped = True
                else:
                    out.source = revised
        return out

    def left_holding(self: Store, holds: Callable[[str], bool]) -> list[str]:
        """Where a redaction leaves a name as written, described: the memos whose text
        ``holds`` one (``the memo on theme serendipity (ana)``: the researchers' words,
        and the log's memo events keep them as written too) and participants' attribute
        values (``attribute 'team' of participant P07``)."""
        out = []
        for kind, target, coder, text in self.conn.execute(
                "SELECT m.target_kind, m.target_id, k.name, m.text FROM memos m "
                "LEFT JOIN coders k ON k.id = m.coder_id ORDER BY m.id"):
            if holds(text):
                if kind == "transcript" and str(target).isdigit():
                    row = self.conn.execute("SELECT name FROM transcripts WHERE id = ?",
                                            [int(target)]).fetchone()
                    target = row[0] if row else target
                on = {"cell": "framework cell"}.get(kind, kind)
                out.append(f"the memo on {on} {target} ({coder})")
        for code, name, value in self.conn.execute(
                "SELECT p.code, a.name, a.value FROM participant_attributes a JOIN "
                "participants p ON p.id = a.participant_id ORDER BY p.code, a.name"):
            if value and holds(str(value)):
                out.append(f"attribute {name!r} of participant {code}")
        return out

    def redact_codebook(self: Store, edit: Callable[[str], str],
                        count: Callable[[list[str]], int], summary: dict[str, Any]
                        ) -> CodebookScrub:
        """Redact the stored codebook with ``edit`` (:meth:`codebook_scrub`), in one
        :meth:`erasing` transaction with a ``redact`` event about the codebook (no
        ``transcript_id``) saying how many replacements (``count`` of the values changed)
        and events were made, never the names. Nothing is written when nothing changes."""
        with self.erasing():
            scrub = self.codebook_scrub(edit)
            if scrub:
                event_id = self.log_event(None, "redact", {
                    "codebook": True, **summary, "replacements": count(scrub.old),
                    "log_scrubbed": len(scrub.events),
                    "codebook_text": ("dropped" if scrub.source_dropped else
                                      "redacted" if scrub.source is not None else "none")})
                self.apply_codebook_scrub(scrub, event_id)
        return scrub

    def apply_codebook_scrub(self: Store, scrub: CodebookScrub, event_id: int) -> None:
        """Write a :meth:`codebook_scrub` (inside :meth:`erasing`; ``event_id``: the
        redaction's or withdrawal's event, which the scrubbed events point to)."""
        from qualcoder_ahp.model.codebook_store import SOURCE_SETTING, written_hash

        for theme_id, fields in scrub.themes.items():
            # One statement of literal SQL: a field left out keeps its value (never None).
            self.conn.execute(
                "UPDATE themes SET description = COALESCE(?, description), inclusion = "
                "COALESCE(?, inclusion), exclusion = COALESCE(?, exclusion), examples = "
                "COALESCE(?, examples) WHERE id = ?",
                [*(fields.get(f) for f in THEME_TEXTS), theme_id])
        for load, description in scrub.loads.items():
            self.conn.execute("UPDATE codebooks SET description = ? WHERE id = ?",
                              [description, load])
        if scrub.source is not None or scrub.source_dropped:
            row = self.conn.execute("SELECT value FROM settings WHERE key = ?",
                                    [SOURCE_SETTING]).fetchone()
            kept = json.loads(row[0])
            written = None
            if scrub.source is not None:
                written = written_hash(_parsed(scrub.source))  # type: ignore[arg-type]
            self.conn.execute(
                "UPDATE settings SET value = ? WHERE key = ?",
                [json.dumps({"load": kept.get("load"), "text": scrub.source,
                             "written": written}), SOURCE_SETTING])
        if scrub.events:
            self._rewrite_events(scrub.events, event_id)

    def rename_transcript(self: Store, ref: str | int, new: str, *, by: str | None = None,
                          source: str | None = None) -> dict[str, Any]:
        """Rename a transcript (every version of its name): the same ids, so every
        coding, decision, memo and event stays attached.

        The old name leaves the database: the log's events about the transcript that
        named it (whole, as in ``physio_helen.docx``) say the new name, the stored name of
        the file it was imported from (which holds the old name) is cleared, and the
        ``transcript_rename`` event records the new name and who renamed (``by``), not
        the old one (``source``: the coder's copy a merge took the rename from, by file
        name). Run as :meth:`erasing` runs, so the old strings leave the files. The hash
        of the file's full path stays (``path_key``: an output is never written over it).

        Returns:
            ``{"from", "to", "ids", "versions", "log_scrubbed", "event_id"}``.

        Raises:
            UserError: ``ref`` unknown; ``new`` refused (:func:`transcript_name_problem`),
                the same name, or another transcript's.
        """
        new = unicodedata.normalize("NFC", new.strip())
        problem = transcript_name_problem(new)
        if problem:
            raise UserError(problem)
        with self.erasing():
            old = self.transcript(ref).name
            if new == old:
                raise UserError(f"transcript {old!r} is named {new!r} already; "
                                "nothing to rename")
            taken = self.conn.execute(
                "SELECT name FROM transcripts WHERE name = ? COLLATE NOCASE AND name != ? "
                "LIMIT 1", [new, old]).fetchone()
            if taken:
                raise UserError(f"another transcript is named {taken[0]!r} already; "
                                "choose another name; nothing was changed")
            ids = [int(r[0]) for r in self.conn.execute(
                "SELECT id FROM transcripts WHERE name = ? ORDER BY version", [old])]
            whole = re.compile(rf"(?<![\w.-]){re.escape(old)}(?![\w-])")

            def rewrite(value: str, label: bool) -> str:
                return value if label else whole.sub(new, value)

            scrub: dict[int, tuple[str, dict[str, Any]]] = {}
            for tid in ids:
                scrub.update(self.log_scrub(tid, rewrite))
            self._earlier_renames(ids, old, new, scrub)
            participant = self._rename_participant_too(ids, old, new)
            self.conn.execute("UPDATE transcripts SET name = ?, path = NULL WHERE name = ?",
                              [new, old])
            event_id = self.log_event(None, "transcript_rename", {
                "transcript_id": ids[-1], "transcript_ids": ids, "to": new,
                "versions": len(ids), "by": by, "log_scrubbed": len(scrub),
                "participant": participant, **({"from": source} if source else {})})
            if scrub:
                self._apply_scrub(scrub, event_id)
        return {"from": old, "to": new, "ids": ids, "versions": len(ids),
                "log_scrubbed": len(scrub), "participant": participant, "event_id": event_id}

    def _earlier_renames(self: Store, ids: list[int], old: str, new: str,
                         scrub: dict[int, tuple[str, dict[str, Any]]]) -> None:
        """Add to ``scrub`` the earlier renames of the transcript (``ids``) to ``old``:
        their ``to`` is a name, which :meth:`log_scrub` leaves as it leaves a speaker's
        label (a second rename kept the first one's name in the log). A copy's rename
        merged in keeps it in its ``original``."""
        for event_id, kind, text in self.conn.execute(
                "SELECT id, kind, payload FROM events WHERE json_valid(payload) AND ("
                "(kind = 'transcript_rename' AND json_extract(payload, '$.transcript_id') IN "
                "(SELECT value FROM json_each(?))) OR (kind = 'merged' AND "
                "json_extract(payload, '$.original_kind') = 'transcript_rename' AND "
                "json_extract(payload, '$.local.transcript_id') IN "
                "(SELECT value FROM json_each(?))))", [json.dumps(ids)] * 2):
            payload = scrub[event_id][1] if event_id in scrub else json.loads(text)
            inner = payload.get("original") if kind == "merged" else payload
            if isinstance(inner, dict) and inner.get("to") == old:
                inner = {**inner, "to": new}
                payload = {**payload, "original": inner} if kind == "merged" else inner
                scrub[event_id] = (kind, payload)

    def _rename_participant_too(self: Store, ids: list[int], old: str, new: str
                                ) -> str | None:
        """The participant of transcripts ``ids`` renamed with them (call inside the
        rename's transaction) when its code is the old name, as an import without a
        participants file makes it: reports name participants by code. Kept (``None``)
        when the participant has other transcripts too, or ``new`` is another's code
        (``qcahp participants assign`` then gives the transcript to that participant)."""
        rows = self.conn.execute(
            "SELECT DISTINCT p.id, p.code FROM transcripts t JOIN participants p "
            "ON p.id = t.participant_id WHERE t.id IN (SELECT value FROM json_each(?))",
            [json.dumps(ids)]).fetchall()
        if len(rows) != 1 or rows[0][1] != old:
            return None
        pid = int(rows[0][0])
        others = self.conn.execute(
            "SELECT COUNT(*) FROM transcripts WHERE participant_id = ? AND name != ?",
            [pid, old]).fetchone()[0]
        taken = self.conn.execute("SELECT 1 FROM participants WHERE code = ? AND id != ?",
                                  [new, pid]).fetchone()
        if others or taken:
            return None
        self.conn.execute("UPDATE participants SET code = ? WHERE id = ?", [new, pid])
        return new

    @contextlib.contextmanager
    def erasing(self: Store) -> Iterator[Store]:
        """One write transaction whose deleted or overwritten data leaves the files.

        ``PRAGMA secure_delete`` is on for it (SQLite zeroes the freed space and pages
        that held the old rows, instead of leaving them readable on disk), and once it
        has committed the WAL is checkpointed and truncated, so the old pages leave the
        ``-wal`` file as well. A reader still holding an old snapshot can keep the
        checkpoint from finishing; the next checkpoint then does it.

        Where SQLite is built with ``secure_delete`` off (Python's on Windows and macOS),
        the file is rebuilt (``VACUUM``) before the checkpoint: this transaction clears
        only what it frees, and every earlier edit left its old rows in the free space of
        their pages (an example quoting a participant, edited since; a theme's old
        definition), where redaction and withdrawal never reached them. Built with it on
        (Debian's), nothing was left, and a large project is not copied for nothing.
        """
        secure = self.conn.execute("PRAGMA secure_delete").fetchone()[0]
        self.conn.execute("PRAGMA secure_delete = ON")
        try:
            with self.write():
                yield self
        finally:
            self.conn.execute(f"PRAGMA secure_delete = {int(secure)}")
        if self.path is not None:
            if not secure:
                with contextlib.suppress(sqlite3.Error):  # (a statement still open: skipped)
                    self.conn.execute("VACUUM")
            with contextlib.suppress(sqlite3.Error):  # busy readers: the next checkpoint will do
                self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")


THEME_TEXTS = ("description", "inclusion", "exclusion", "examples")
"""A theme's fields that hold the researchers' words, where a quote from an interview can
sit (examples, above all): what :meth:`PrivacyMixin.codebook_scrub` rewrites."""
YAML_INDICATORS = "[]{}&*!|>'\"%@`,?:-"
"""A plain YAML value cannot start with these: one that a replacement (``[P01]``) starts
is put in quotes (``#`` starts a comment, which is left as it is)."""


@dataclass
class CodebookScrub:
    """What redaction or withdrawal changes in the stored codebook
    (:meth:`PrivacyMixin.codebook_scrub`)."""

    themes: dict[str, dict[str, str]] = field(default_factory=dict)
    """New values by theme id and field (``examples`` as its stored JSON list)."""
    loads: dict[int, str] = field(default_factory=dict)
    """New descriptions of codebook loads (``codebooks`` rows), by id."""
    old: list[str] = field(default_factory=list)
    """The values changed, as they were (to count what was replaced)."""
    source: str | None = None
    """The kept YAML text of the file last loaded, changed the same way."""
    source_dropped: bool = False
    """The kept text could not be changed so that it still loads as the stored codebook:
    it is dropped (an export writes the codebook from the database)."""
    events: dict[int, tuple[str, dict[str, Any]]] = field(default_factory=dict)
    """The ``theme_edit`` events, their undo and redo (and those merged in), whose values
    change too."""
    held: list[str] = field(default_factory=list)
    """Where the stored codebook still holds it and is left so (a theme's name, a
    pattern): ``theme serendipity's name``."""

    def __bool__(self) -> bool:
        return bool(self.themes or self.loads or self.source is not None
                    or self.source_dropped or self.events)


NAME_MAX = 80
"""The longest transcript name :meth:`PrivacyMixin.rename_transcript` takes (it heads
report sections and names a REFI-QDA source)."""


def transcript_name_problem(name: str) -> str | None:
    """Why ``name`` cannot be a transcript's name (``None``: it can).

    Refused: empty, longer than :data:`NAME_MAX`, only digits (``qcahp show 12`` takes
    it as the transcript's id), an ``@`` (``name@2`` names a version), a slash (several
    exports name files after transcripts), a line break or other control character.
    """
    if not name:
        return "a transcript needs a name: NEW is empty"
    if len(name) > NAME_MAX:
        return f"a transcript name is at most {NAME_MAX} characters ({len(name)} given)"
    if name.isdigit():
        return (f"{name!r} is only digits, which commands read as a transcript's id; "
                "add a letter (P07, say)")
    if "@" in name:
        return f"{name!r} has an '@', which commands read as NAME@VERSION; leave it out"
    if "/" in name or "\\" in name:
        return f"{name!r} has a slash, which file names cannot hold; use - or _"
    if any(unicodedata.category(c).startswith("C") for c in name):
        return "a transcript name cannot hold a line break, tab or other control character"
    return None


def _parsed(text: str) -> Codebook | None:
    """The codebook a YAML text loads as (``None``: it does not load), read in memory:
    the text holds what is being taken out of the project, so it is never written to a
    temporary file."""
    from qualcoder_ahp.suggest.codebook import check_codebook_text

    result = check_codebook_text(text)
    if result.errors or result.codebook is None:
        return None
    return replace(result.codebook, source=None)


def revised_source(text: str, new_text: str, edit: Callable[[str], str],
                   drop: Callable[[str], bool]) -> str | None:
    """``new_text`` (the kept YAML text ``text`` of a codebook file, changed) if it loads as
    ``text`` does with each theme's definition, criteria and examples and the codebook's
    description changed by ``edit`` (and the examples ``drop`` says dropped); else the
    same with each value a replacement now starts (``- [P01] said``, a YAML list) put in
    quotes, if that does; else ``None``."""
    from qualcoder_ahp.model.codebook_store import written_hash

    before = _parsed(text)
    if before is None:
        return None
    themes = tuple(replace(
        t, description=edit(t.description), inclusion=edit(t.inclusion),
        exclusion=edit(t.exclusion),
        examples=tuple(edit(e) for e in t.examples if not drop(e))) for t in before.themes)
    wanted = written_hash(replace(before, themes=themes,
                                  description=edit(before.description)))
    for candidate in (new_text, _quoted_values(text, new_text)):
        after = _parsed(candidate)
        if after is not None and written_hash(after) == wanted:
            return candidate
    return None


def _quoted_values(text: str, new_text: str) -> str:
    """``new_text`` with each line's plain value that now starts with a YAML indicator
    (``[``, as ``[P01]`` does) and did not in ``text`` put in double quotes."""
    value = re.compile(r"^(\s*(?:-\s+)?(?:[\w-]+:\s+)?)(\S.*?)\s*$")
    before = set(text.splitlines())
    lines = []
    for line in new_text.splitlines(keepends=True):
        body = line.rstrip("\r\n")
        match = value.match(body)
        if (body not in before and match and match.group(2)[0] in YAML_INDICATORS
                and " #" not in match.group(2)):
            body = match.group(1) + json.dumps(match.group(2), ensure_ascii=False)
        lines.append(body + line[len(line.rstrip("\r\n")):])
    return "".join(lines)


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
