"""Store methods for withdrawal: a participant's interviews leave the project, for real.

A mixin of :class:`qualcoder_ahp.model.store.Store`. A participant who withdraws from a
study (UK GDPR, NHS REC approvals) has their interviews and everything derived from
them removed: every version of the transcripts chosen with its turns and sentences,
suggestions and every coder's decisions, codings (consensus included) and memos on
those codings and transcripts, the framework summaries of a case left with no
transcript, the participant's attributes (when the participant withdraws), and the
tokenised-doc cache. It is one transaction run by
:meth:`~qualcoder_ahp.model.privacy_store.PrivacyMixin.erasing` (``secure_delete`` on,
then the WAL checkpointed), so the text does not stay in the file's free pages.

The event log is append-only (triggers refuse edits), so withdrawal is the one writer
allowed to lift them, inside its transaction: each event about a withdrawn item (an
accept, a code, a memo with its text, a reconcile decision, the undo and redo of
those) becomes a ``withdrawn`` placeholder that keeps its id, coder and time and says
what kind it was, and nothing else; an event that touched other transcripts too (the
codings of a search, a theme merge, a REFI import) keeps its other changes. Undo and
redo pass over placeholders (see :meth:`DecisionMixin.undo_stack`). One ``withdraw``
event records who, when and how many of each (participants, transcripts, versions,
words, codings...): no text, and no participant id or transcript name, which are often the
person's name (:func:`~qualcoder_ahp.model.migrations.withdraw_record`).

So that the interview does not come back by accident, the hashes of its file and
text (never the text) go in the ``withdrawn`` table: import refuses the file,
merge leaves a coder's copy's codings of it out, REFI-QDA import skips it. A withdrawn
participant's id goes in ``withdrawn_participants`` as a salted hash
(:func:`~qualcoder_ahp.model.migrations.participant_key`): no route that creates
participants or attributes (``participants import``, a transcript import, REFI-QDA
cases) brings them back unless readmitted (``--readmit``).
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from qualcoder_ahp.errors import UserError
from qualcoder_ahp.model.framework_store import case_key_of, cases_gone
from qualcoder_ahp.model.migrations import (
    SALT_SETTING,
    participant_key,
    withdraw_record,
)

if TYPE_CHECKING:
    from qualcoder_ahp.model.store import Store

PLACEHOLDER = "withdrawn"
"""The kind of an event about a withdrawn item, once scrubbed."""
EVENTS_NO_UPDATE = ("CREATE TRIGGER events_no_update BEFORE UPDATE ON events\n"
                    "BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;")
"""The log's append-only trigger as m001 creates it (put back after the scrub)."""
NEVER_SCRUBBED = ("withdraw", PLACEHOLDER, "merge")
"""Events that carry no transcript's text or ids (counts and names only)."""


@dataclass
class Gone:
    """The ids (of one database) of what a withdrawal removes."""

    transcripts: set[int] = field(default_factory=set)
    transcript_names: set[str] = field(default_factory=set)
    suggestions: set[int] = field(default_factory=set)
    codings: set[int] = field(default_factory=set)
    events: set[int] = field(default_factory=set)
    """Events found to be about those (filled in as the log is read, oldest first)."""
    decided_by: set[int] = field(default_factory=set)
    """Events that made a decision on a withdrawn suggestion (``decisions.event_id``)."""
    memo_texts: set[str] = field(default_factory=set)
    """Texts of memos on withdrawn codings and transcripts (to recognise the merged-in
    events that carry them, whose ids are another copy's)."""
    cases: set[str] = field(default_factory=set)
    """Framework cases left with no transcript (``participant:p07``): their cell
    summaries go (:func:`~qualcoder_ahp.model.framework_store.cases_gone`)."""

    def change_gone(self, change: Any) -> bool:
        """Whether one change record of an event is about a withdrawn item."""
        if not isinstance(change, dict):
            return False
        op = change.get("op")
        if op == "coding":
            return change.get("id") in self.codings
        if op == "decision":
            return change.get("suggestion_id") in self.suggestions
        if op == "suggestion":
            return change.get("id") in self.suggestions
        if op == "memo":
            return self.memo_gone(change.get("kind"), change.get("target"))
        return False

    def memo_gone(self, kind: Any, target: Any) -> bool:
        if kind == "coding":
            return _as_int(target) in self.codings
        if kind == "transcript":
            return _as_int(target) in self.transcripts or target in self.transcript_names
        if kind == "cell":
            return case_key_of(target) in self.cases
        return False

    def top_gone(self, event_id: int, kind: str, payload: dict[str, Any]) -> bool:
        """Whether the event as a whole is about a withdrawn item."""
        if event_id in self.decided_by:
            return True
        if kind in ("undo", "redo"):
            return payload.get("target") in self.events
        if payload.get("transcript_id") in self.transcripts:
            return True
        if payload.get("suggestion_id") in self.suggestions:
            return True
        if payload.get("coding_id") in self.codings:
            return True
        if kind == "memo" and self.memo_gone(payload.get("kind"), payload.get("target")):
            return True
        if kind == "merged":
            return self._merged_gone(payload)
        return False

    def _merged_gone(self, payload: dict[str, Any]) -> bool:
        """A merged-in event: its ``local`` ids are ours, its ``original`` the copy's."""
        local = payload.get("local")
        if isinstance(local, dict):
            if local.get("transcript_id") in self.transcripts:
                return True
            if local.get("target") in self.events:  # an undo's (a memo's is a string)
                return True
            if local.get("suggestion_id") in self.suggestions:
                return True
            if local.get("coding_id") in self.codings:
                return True
            changes = local.get("changes")
            if isinstance(changes, list) and changes and all(
                    self.change_gone(c) for c in changes):
                return True
            for key in ("coding_ids", "removed_ids"):
                ids = local.get(key)
                if isinstance(ids, list) and self.codings.intersection(
                        i for i in ids if isinstance(i, int)):
                    return True
        original = payload.get("original")
        changes = original.get("changes") if isinstance(original, dict) else None
        for change in changes if isinstance(changes, list) else ():
            if isinstance(change, dict) and change.get("op") == "memo" and (
                    change.get("before") in self.memo_texts
                    or change.get("after") in self.memo_texts):
                return True
        return False


def _as_int(value: Any) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.isascii() and value.isdecimal():
        return int(value)
    return None


def _memo_texts(payload: dict[str, Any]) -> set[str]:
    """Memo texts an event carries (its memo changes' before and after)."""
    out: set[str] = set()
    original = payload.get("original")
    for body in (payload, original if isinstance(original, dict) else {}):
        changes = body.get("changes")
        for change in changes if isinstance(changes, list) else ():
            if isinstance(change, dict) and change.get("op") == "memo":
                out.update(v for v in (change.get("before"), change.get("after"))
                           if isinstance(v, str))
    return out


def scrub_events(rows: Iterable[tuple[int, str, str]], gone: Gone
                 ) -> dict[int, tuple[str, dict[str, Any]]]:
    """How each event about a withdrawn item must change, by event id.

    Args:
        rows: ``(id, kind, payload)`` of the log, oldest first.
        gone: what is withdrawn; its ``events`` and ``memo_texts`` grow as events
            are found to be about it.

    Returns:
        ``{event id: ("withdrawn", {}) }`` for an event to replace by a placeholder,
        ``{event id: (kind, payload) }`` for one that keeps its other changes.
    """
    rows = list(rows)
    out: dict[int, tuple[str, dict[str, Any]]] = {}
    merged: list[tuple[int, str, dict[str, Any]]] = []
    for event_id, kind, text in rows:
        if kind in NEVER_SCRUBBED:
            continue
        try:
            payload = json.loads(text)
        except ValueError:
            continue
        if not isinstance(payload, dict):
            continue
        if kind == "merged":
            merged.append((event_id, kind, payload))  # after the memo texts are known
            continue
        _classify(event_id, kind, payload, gone, out)
    # A merged-in memo event carries a memo's text under the copy's ids: known by its
    # text, and one found gives the texts of the memo's earlier versions (a fixpoint).
    while True:
        before = len(out)
        for event_id, kind, payload in merged:
            if event_id not in out:
                _classify(event_id, kind, payload, gone, out)
        if len(out) == before:
            return out


def _classify(event_id: int, kind: str, payload: dict[str, Any], gone: Gone,
              out: dict[int, tuple[str, dict[str, Any]]]) -> None:
    if gone.top_gone(event_id, kind, payload):
        out[event_id] = (PLACEHOLDER, {"event_kind": kind})
        gone.events.add(event_id)
        gone.memo_texts |= _memo_texts(payload)
        return
    local = payload.get("local")
    if kind == "merged" and isinstance(local, dict):
        # Its ``local`` changes are in this database's ids (the original's are the
        # copy's): a merged search coding keeps its other transcripts' codings.
        rewritten_local = _kept_changes(local, gone)
        if rewritten_local is not None:
            out[event_id] = (kind, {**payload, "local": rewritten_local})
        return
    rewritten = _kept_changes(payload, gone)
    if rewritten is None:
        return
    if not rewritten["changes"]:
        out[event_id] = (PLACEHOLDER, {"event_kind": kind})
        gone.events.add(event_id)
        return
    out[event_id] = (kind, rewritten)


def _kept_changes(payload: dict[str, Any], gone: Gone) -> dict[str, Any] | None:
    """``payload`` without its changes (and ``transcript_ids``) about withdrawn items;
    ``None`` if it has none of those."""
    changes = payload.get("changes")
    if not isinstance(changes, list):
        return None
    kept = [c for c in changes if not gone.change_gone(c)]
    if len(kept) == len(changes):
        return None
    gone.memo_texts |= _memo_texts({"changes": [c for c in changes if c not in kept]})
    rewritten = {**payload, "changes": kept}
    ids = payload.get("transcript_ids")
    if isinstance(ids, list):
        rewritten["transcript_ids"] = [t for t in ids if t not in gone.transcripts]
    return rewritten


@dataclass
class WithdrawPlan:
    """What a withdrawal removes (the dry run prints it; :meth:`withdraw` does it)."""

    participants: list[str]
    """Participants withdrawn (their attributes go too)."""
    transcripts: list[tuple[int, str, int, int, str | None]]
    """(id, name, version, words, participant) of every version withdrawn."""
    codings: Counter[str] = field(default_factory=Counter)
    """Codings in effect per coder (the consensus coder included)."""
    inactive_codings: int = 0
    """Removed or undone codings (kept for redo): they go too."""
    memos: int = 0
    decisions: int = 0
    suggestions: int = 0
    attributes: int = 0
    events: int = 0
    """Log events scrubbed (made placeholders, or kept without the withdrawn changes)."""
    orphans: list[str] = field(default_factory=list)
    """Participants left with no transcript by a withdrawal of transcripts (by name)."""
    gone: Gone = field(default_factory=Gone, repr=False)
    scrub: dict[int, tuple[str, dict[str, Any]]] = field(default_factory=dict, repr=False)
    hashes: set[tuple[str, str]] = field(default_factory=set, repr=False)
    """(hash, kind) pairs to remember in the ``withdrawn`` table."""
    examples: list[tuple[str, str]] = field(default_factory=list)
    """(theme id, example) of the codebook's examples quoted from the withdrawn
    transcripts (and from no other): they go, from the kept codebook file's text too."""
    quoting_memos: list[str] = field(default_factory=list)
    """The memos kept (on themes, other transcripts...) and themes' definitions and
    criteria that quote the withdrawn transcripts, described (``the memo on theme
    serendipity (ana)``): the researchers' own words, left for them to edit."""

    @property
    def names(self) -> list[str]:
        """The transcripts' names, one each (versions together)."""
        return list(dict.fromkeys(name for _, name, *_ in self.transcripts))

    @property
    def words(self) -> int:
        return sum(t[3] for t in self.transcripts)

    def summary(self) -> dict[str, Any]:
        """Counts for the ``withdraw`` event: no text, and no participant id or transcript
        name (a participant who withdrew is not named in the project after)."""
        return {"participant_count": len(self.participants),
                "transcript_count": len(self.names),
                "versions": len(self.transcripts), "words": self.words,
                "codings": dict(sorted(self.codings.items())),
                "inactive_codings": self.inactive_codings, "memos": self.memos,
                "decisions": self.decisions, "suggestions": self.suggestions,
                "attributes": self.attributes, "events_scrubbed": self.events,
                **({"examples": len(self.examples)} if self.examples else {})}


class WithdrawMixin:
    """Withdrawal methods of :class:`~qualcoder_ahp.model.store.Store`."""

    conn: sqlite3.Connection

    def withdrawal_plan(self: Store, participants: Sequence[str] = (),
                        transcripts: Sequence[str] = ()) -> WithdrawPlan:
        """What withdrawing these participants (all their transcripts) and transcripts
        (every version of each name; ``name@2`` one version) would remove.

        Raises:
            UserError: nothing named, or a participant or transcript not in the project.
        """
        if not participants and not transcripts:
            raise UserError("name a participant (--participant ID) or a transcript "
                            "(--transcript NAME) to withdraw")
        ids: dict[int, None] = {}
        for code in participants:
            row = self.conn.execute("SELECT id FROM participants WHERE code = ?",
                                    [code]).fetchone()
            if row is None:
                self.refuse_withdrawn_again(code)
                known = ", ".join(self.participants()) or "none"
                raise UserError(f"no participant {code!r} in this project (participants: "
                                f"{known})")
            ids.update(dict.fromkeys(r[0] for r in self.conn.execute(
                "SELECT id FROM transcripts WHERE participant_id = ? ORDER BY name, version",
                [row[0]])))
        for ref in transcripts:
            name, _, version = ref.partition("@")
            sql, args = "SELECT id FROM transcripts WHERE name = ?", [name]
            if version:
                sql += " AND version = ?"
                args.append(version)
            found = [r[0] for r in self.conn.execute(sql + " ORDER BY version", args)]
            if not found:
                raise UserError(f"no transcript {ref!r} in this project (see `qcahp "
                                "transcripts`)")
            ids.update(dict.fromkeys(found))
        return self._plan(list(dict.fromkeys(participants)), list(ids))

    def _plan(self: Store, participants: list[str], ids: list[int]) -> WithdrawPlan:
        rows = [self.conn.execute(
            "SELECT t.id, t.name, t.version, t.words, p.code, t.content_hash, t.source_hash "
            "FROM transcripts t LEFT JOIN participants p ON p.id = t.participant_id "
            "WHERE t.id = ?", [i]).fetchone() for i in ids]
        plan = WithdrawPlan(participants, [tuple(r[:5]) for r in rows])  # type: ignore[misc]
        gone = plan.gone
        gone.transcripts = set(ids)
        gone.transcript_names = {r[1] for r in rows}
        for r in rows:
            plan.hashes.add((r[5], "text"))
            if r[6]:
                plan.hashes.add((r[6], "source"))
        marks = ",".join("?" * len(ids))
        if ids:
            gone.suggestions = {r[0] for r in self.conn.execute(
                f"SELECT id FROM suggestions WHERE transcript_id IN ({marks})", ids)}
            for cid, coder, active in self.conn.execute(
                    "SELECT c.id, k.name, c.active FROM codings c JOIN coders k "
                    f"ON k.id = c.coder_id WHERE c.transcript_id IN ({marks})", ids):
                gone.codings.add(cid)
                if active:
                    plan.codings[coder] += 1
                else:
                    plan.inactive_codings += 1
            for sid, event in self.conn.execute(
                    "SELECT suggestion_id, event_id FROM decisions WHERE suggestion_id IN "
                    f"(SELECT id FROM suggestions WHERE transcript_id IN ({marks}))", ids):
                plan.decisions += 1
                gone.decided_by.add(event)
            # The text before `qcahp redact` rewrote it is that interview too.
            for (old,) in self.conn.execute(
                    "SELECT json_extract(payload, '$.old_hash') FROM events WHERE kind = "
                    "'redact' AND json_valid(payload) AND "
                    f"json_extract(payload, '$.transcript_id') IN ({marks})", ids):
                if isinstance(old, str):
                    plan.hashes.add((old, "text"))
        plan.suggestions = len(gone.suggestions)
        gone.cases = cases_gone(self.conn, gone.transcripts)
        for target_id, kind, text in self.conn.execute(
                "SELECT target_id, target_kind, text FROM memos "
                "WHERE target_kind IN ('coding', 'transcript', 'cell')"):
            if gone.memo_gone(kind, target_id):
                plan.memos += 1
                gone.memo_texts.add(text)
        if participants:
            marks_p = ",".join("?" * len(participants))
            plan.attributes = self.conn.execute(
                "SELECT COUNT(*) FROM participant_attributes WHERE participant_id IN "
                f"(SELECT id FROM participants WHERE code IN ({marks_p}))",
                participants).fetchone()[0]
        left = {r[4] for r in rows if r[4]} - set(participants)
        for code in sorted(left):
            others = self.conn.execute(
                "SELECT id FROM transcripts WHERE participant_id = "
                "(SELECT id FROM participants WHERE code = ?)", [code]).fetchall()
            if not {o[0] for o in others} - gone.transcripts:
                plan.orphans.append(code)
        plan.scrub = scrub_events(self.conn.execute(
            "SELECT id, kind, payload FROM events ORDER BY id"), gone)
        plan.events = len(plan.scrub)
        if ids:
            self._quotes_of(plan, ids)
        return plan

    def _quotes_of(self: Store, plan: WithdrawPlan, ids: list[int]) -> None:
        """Find what quotes the withdrawn transcripts ``ids`` outside them: the codebook's
        examples (an example is a quote from an interview; one whose words are in a
        withdrawn transcript and in no other is taken from it) and the memos kept."""
        marks = ",".join("?" * len(ids))
        quoted = QuoteOfWithdrawn(
            [t for (t,) in self.conn.execute(
                f"SELECT text FROM transcripts WHERE id IN ({marks})", ids)],
            lambda: (t for (t,) in self.conn.execute(
                f"SELECT text FROM transcripts WHERE id NOT IN ({marks})", ids)))
        grams = {g for words in quoted.withdrawn for g in _grams(words)}
        for theme_id, *texts in self.conn.execute(
                "SELECT id, description, inclusion, exclusion FROM themes WHERE active = 1 "
                "ORDER BY position, id"):
            for what, text in zip(("definition", "inclusion criteria", "exclusion criteria"),
                                  texts, strict=True):
                if text and grams & set(_grams(_words(text))):
                    plan.quoting_memos.append(f"the {what} of theme {theme_id}")
        for theme_id, stored in self.conn.execute(
                "SELECT id, examples FROM themes ORDER BY position, id"):
            try:
                listed = json.loads(stored or "[]")
            except ValueError:
                continue
            for example in listed if isinstance(listed, list) else []:
                if quoted(example):
                    plan.examples.append((theme_id, example))
        for kind, target, coder, text in self.conn.execute(
                "SELECT m.target_kind, m.target_id, k.name, m.text FROM memos m "
                "LEFT JOIN coders k ON k.id = m.coder_id ORDER BY m.id"):
            if plan.gone.memo_gone(kind, target) or text in plan.gone.memo_texts:
                continue  # (it goes)
            if grams & set(_grams(_words(text))):
                if kind == "transcript" and str(target).isdigit():
                    row = self.conn.execute("SELECT name FROM transcripts WHERE id = ?",
                                            [int(target)]).fetchone()
                    target = row[0] if row else target
                on = {"cell": "framework cell"}.get(kind, kind)
                plan.quoting_memos.append(f"the memo on {on} {target} ({coder})")

    def withdraw(self: Store, participants: Sequence[str] = (),
                 transcripts: Sequence[str] = (), *, by: str | None = None) -> WithdrawPlan:
        """Withdraw participants and transcripts: remove them and all derived data.

        The plan is made again under the write lock (a coder's decision cannot slip
        in between), then everything goes in one ``secure_delete`` transaction with a
        ``withdraw`` event (``by``: who withdrew them), and the WAL is checkpointed.

        Returns:
            What was removed.
        """
        with self.erasing():
            plan = self.withdrawal_plan(participants, transcripts)
            ids = sorted(plan.gone.transcripts)
            event_id = self.log_event(None, "withdraw", {"by": by, **plan.summary()})
            marks = ",".join("?" * len(ids))
            if ids:
                self.conn.execute(
                    "DELETE FROM memos WHERE (target_kind = 'coding' AND target_id IN (SELECT "
                    f"CAST(id AS TEXT) FROM codings WHERE transcript_id IN ({marks}))) OR "
                    f"(target_kind = 'transcript' AND (target_id IN ({marks}) OR target_id "
                    f"IN (SELECT name FROM transcripts WHERE id IN ({marks}))))",
                    [*ids, *(str(i) for i in ids), *ids])
                # The summaries of the cases left with no transcript (framework cells).
                self.conn.executemany(
                    "DELETE FROM memos WHERE target_kind = 'cell' AND target_id = ?",
                    [(t,) for (t,) in self.conn.execute(
                        "SELECT target_id FROM memos WHERE target_kind = 'cell'").fetchall()
                     if plan.gone.memo_gone("cell", t)])
                for table in ("decisions", "codings"):
                    column = "suggestion_id" if table == "decisions" else "transcript_id"
                    inner = ("(SELECT id FROM suggestions WHERE transcript_id IN "
                             f"({marks}))" if table == "decisions" else f"({marks})")
                    self.conn.execute(
                        f"DELETE FROM {table} WHERE {column} IN {inner}", ids)
                for table in ("suggestions", "sentences", "turns"):
                    self.conn.execute(
                        f"DELETE FROM {table} WHERE transcript_id IN ({marks})", ids)
                self.conn.execute(f"DELETE FROM transcripts WHERE id IN ({marks})", ids)
            for code in plan.participants:
                self.conn.execute(
                    "DELETE FROM participant_attributes WHERE participant_id = "
                    "(SELECT id FROM participants WHERE code = ?)", [code])
                self.conn.execute("DELETE FROM participants WHERE code = ?", [code])
                self.conn.execute(
                    "INSERT INTO withdrawn_participants (hash, event_id) VALUES (?, ?) "
                    "ON CONFLICT (hash) DO UPDATE SET event_id = excluded.event_id",
                    [self._participant_key(code, create=True), event_id])
            self.conn.execute("DELETE FROM doc_cache")  # tokenised texts (rebuilt on demand)
            self.conn.executemany(
                "INSERT INTO withdrawn (hash, kind, event_id) VALUES (?, ?, ?) "
                "ON CONFLICT (hash, kind) DO UPDATE SET event_id = excluded.event_id",
                [(h, k, event_id) for h, k in sorted(plan.hashes)])
            self._rewrite_events(plan.scrub, event_id)
            self._rewrite_targets(plan.scrub, ids)
            self._forget_places(ids)
            if plan.examples:
                dropped = {example for _theme, example in plan.examples}
                self.apply_codebook_scrub(self.codebook_scrub(
                    lambda value: value, drop=dropped.__contains__,
                    edit_source=lambda text: _without_examples(text, dropped),
                    holds=lambda text: any(_words(e) in _words(text) for e in dropped)),
                    event_id)
        return plan

    def _forget_places(self: Store, ids: list[int]) -> None:
        """Take the withdrawn transcripts out of each coder's remembered places (the
        workbench's ``place:CODER`` settings): a transcript imported next can be given a
        withdrawn one's id, and would open at the withdrawn one's place."""
        for key, raw in self.conn.execute(
                "SELECT key, value FROM settings WHERE key LIKE 'place:%'").fetchall():
            try:
                places = json.loads(raw or "{}")
            except ValueError:
                continue
            if not isinstance(places, dict):
                continue
            at = places.get("at")
            new = {**places, "at": {k: v for k, v in at.items() if k not in {
                str(i) for i in ids}}} if isinstance(at, dict) else dict(places)
            if new.get("last") in ids:
                new.pop("last")
            if new != places:
                self.conn.execute("UPDATE settings SET value = ? WHERE key = ?",
                                  [json.dumps(new), key])

    def _rewrite_targets(self: Store, scrub: dict[int, tuple[str, dict[str, Any]]],
                         ids: list[int]) -> None:
        """The ``event_targets`` of the events scrubbed and of those about a withdrawn
        transcript, from their words now (a placeholder names nothing): ``qcahp log
        --transcript/--theme`` find them as they read."""
        from qualcoder_ahp.model.audit import record_targets

        marks = ",".join("?" * len(ids))
        about = [r[0] for r in self.conn.execute(
            f"SELECT DISTINCT event_id FROM event_targets WHERE transcript_id IN ({marks})",
            ids)] if ids else []
        record_targets(self, [*scrub, *about])

    def _rewrite_events(self: Store, scrub: dict[int, tuple[str, dict[str, Any]]],
                        withdraw_event: int) -> None:
        """Apply the scrubbed events, lifting the log's append-only trigger meanwhile
        (call inside the withdrawal's transaction: a failure puts the trigger back)."""
        if not scrub:
            return
        self.conn.execute("DROP TRIGGER IF EXISTS events_no_update")
        for event_id, (kind, payload) in sorted(scrub.items()):
            if kind == PLACEHOLDER:
                payload = {**payload, "withdrawal": withdraw_event}
            self.conn.execute("UPDATE events SET kind = ?, payload = ? WHERE id = ?",
                              [kind, json.dumps(payload, sort_keys=True), event_id])
        self.conn.execute(EVENTS_NO_UPDATE)

    def withdrawals_in(self: Store, other_path: str | Path) -> list[dict[str, Any]]:
        """Withdrawals made in a coder's copy whose participants or transcripts are
        still here: ``[{"at": ..., "participants": [...], "transcripts": [...]}]``, named
        as they are here.

        A merge brings a copy's work, not its withdrawals: a coder who ran ``qcahp
        withdraw`` on their copy, then merged it, left the participant here with no word
        said. A withdrawal this project has too (the copy was made after it) is not one
        of the copy's. The copy's ``withdraw`` events name nothing (nor did their names
        follow a rename), so what each withdrew is found by the hashes it kept: a
        transcript here by its file's or text's hash in the copy's ``withdrawn``, a
        participant here by their id's salted hash in its ``withdrawn_participants``
        (the copy's salt is this project's, copied with it). ``[]`` for a file that
        cannot be read.
        """
        from qualcoder_ahp.model.merge_store import read_copy

        mine = {(at, _bare(payload)) for at, payload in self.conn.execute(
            "SELECT at, payload FROM events WHERE kind = 'withdraw'")}
        try:
            with read_copy(Path(other_path)) as other:
                theirs = other.execute(
                    "SELECT id, at, payload FROM events WHERE kind = 'withdraw' ORDER BY id"
                ).fetchall()
                hashes: dict[int, set[str]] = {}
                for digest, event_id in other.execute("SELECT hash, event_id FROM withdrawn"):
                    hashes.setdefault(event_id, set()).add(digest)
                people: dict[int, set[str]] = {}
                for key, event_id in other.execute(
                        "SELECT hash, event_id FROM withdrawn_participants"):
                    people.setdefault(event_id, set()).add(key)
                row = other.execute("SELECT value FROM settings WHERE key = ?",
                                    [SALT_SETTING]).fetchone()
                salt = str(row[0]) if row and row[0] else None
        except (sqlite3.Error, OSError):
            return []
        here_people = list(self.participants())
        here_files = self.conn.execute(
            "SELECT name, content_hash, source_hash FROM transcripts ORDER BY name, version"
        ).fetchall()
        out = []
        for event_id, at, payload in theirs:
            if (at, _bare(payload)) in mine:
                continue
            keys = people.get(event_id, set())
            who = [code for code in here_people
                   if salt is not None and participant_key(salt, code) in keys]
            digests = hashes.get(event_id, set())
            names = list(dict.fromkeys(name for name, text, source in here_files
                                       if text in digests or source in digests))
            if who or names:
                out.append({"at": str(at)[:10], "participants": who, "transcripts": names})
        return out

    # ------------------------------------------------------------------ tombstones
    def withdrawn_event(self: Store, *hashes: str | None) -> dict[str, Any] | None:
        """The ``withdraw`` event (its payload, ``id`` and ``at``) that withdrew a
        transcript with one of these file or text hashes, or ``None``."""
        wanted = [h for h in hashes if h]
        if not wanted:
            return None
        row = self.conn.execute(
            "SELECT e.id, e.at, e.payload FROM withdrawn w JOIN events e ON e.id = w.event_id "
            f"WHERE w.hash IN ({','.join('?' * len(wanted))}) ORDER BY e.id DESC LIMIT 1",
            wanted).fetchone()
        if row is None:
            return None
        return {**json.loads(row[2]), "id": row[0], "at": row[1]}

    def readmit(self: Store, *hashes: str | None) -> None:
        """Forget these hashes as withdrawn (``qcahp import --readmit``: deliberately
        bringing an interview back; call inside :meth:`write`)."""
        for digest in hashes:
            if digest:
                self.conn.execute("DELETE FROM withdrawn WHERE hash = ?", [digest])

    def has_transcript(self: Store, transcript_id: int) -> bool:
        """Whether the transcript is (still) in the project: another window may have
        withdrawn it."""
        return self.conn.execute("SELECT 1 FROM transcripts WHERE id = ?",
                                 [transcript_id]).fetchone() is not None

    def _participant_key(self: Store, code: str, *, create: bool = False) -> str | None:
        """The salted hash a withdrawn participant ``code`` is remembered by; ``None``
        when the project has no salt yet (and so no withdrawn participant) unless
        ``create`` (inside :meth:`write`) makes one."""
        row = self.conn.execute("SELECT value FROM settings WHERE key = ?",
                                [SALT_SETTING]).fetchone()
        if not (row and row[0]):
            if not create:
                return None
            import secrets

            self.conn.execute("INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)",
                              [SALT_SETTING, secrets.token_hex(16)])
            return self._participant_key(code)
        return participant_key(str(row[0]), code)

    def refuse_withdrawn_again(self: Store, code: str) -> None:
        """Say so when participant ``code`` (not in the project) was withdrawn: the log's
        ``withdraw`` event does not name them, so this is how a researcher checks an id.

        Raises:
            UserError: ``participant 'ot_dev' was withdrawn from this project on
                2026-11-28 (qcahp withdraw, log event 12); nothing to withdraw``.
        """
        event = self.withdrawn_participant(code)
        if event is not None:
            note = withdrawn_note(event).removesuffix(")")
            raise UserError(f"participant {code!r} was {note}, log event {event['id']}); "
                            "nothing to withdraw")

    def withdrawn_participant(self: Store, code: str) -> dict[str, Any] | None:
        """The ``withdraw`` event (its payload, ``id`` and ``at``) that withdrew the
        participant ``code`` (``qcahp withdraw --participant``; case and spaces
        ignored), or ``None``: not withdrawn, or readmitted since."""
        key = self._participant_key(code)
        if key is None:
            return None
        row = self.conn.execute(
            "SELECT e.id, e.at, e.payload FROM withdrawn_participants w JOIN events e "
            "ON e.id = w.event_id WHERE w.hash = ?", [key]).fetchone()
        if row is None:
            return None
        return {**json.loads(row[2]), "id": row[0], "at": row[1]}

    def readmit_participant(self: Store, code: str) -> bool:
        """Forget participant ``code`` as withdrawn (``--readmit``: deliberately bringing
        them back; call inside :meth:`write`). Returns whether they were withdrawn."""
        key = self._participant_key(code)
        if key is None:
            return False
        return self.conn.execute("DELETE FROM withdrawn_participants WHERE hash = ?",
                                 [key]).rowcount > 0

    def check_participant_not_withdrawn(self: Store, code: str, *, advice: str,
                                        path: str | None = None) -> None:
        """Refuse to bring back a withdrawn participant.

        Raises:
            UserError: ``participant 'ot_dev' was withdrawn from this project on ...;``
                followed by ``advice`` (how to readmit them).
        """
        event = self.withdrawn_participant(code)
        if event is not None:
            raise UserError(f"participant {code!r} was {withdrawn_note(event)}; {advice}",
                            path=path)

    def withdrawn_participants(self: Store) -> WithdrawnParticipants:
        """The participants withdrawn and not readmitted, for ``code in ...`` tests
        (only their salted hashes are kept, so they cannot be listed)."""
        return WithdrawnParticipants(self)

    def withdrawn_hashes(self: Store) -> set[str]:
        """Every file and text hash of a withdrawn transcript."""
        return {r[0] for r in self.conn.execute("SELECT hash FROM withdrawn")}


class WithdrawnParticipants:
    """``code in store.withdrawn_participants()``: whether a participant id was withdrawn
    (by its salted hash; case and spaces ignored)."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def __contains__(self, code: object) -> bool:
        return isinstance(code, str) and self._store.withdrawn_participant(code) is not None


QUOTE_WORDS = 4
"""The fewest words an example has for withdrawal to take it as a quote (``by chance``
is a phrase any interview may have)."""
MEMO_QUOTE_WORDS = 8
"""The run of an interview's words a memo must repeat to be said to quote it."""


def _words(text: str) -> str:
    """``text``'s words, lower case, one space apart and between spaces (`` i fell into
    the ``): a quote is found whatever its punctuation, quotes and line breaks."""
    return " " + " ".join(re.findall(r"\w+(?:'\w+)*", text.casefold().replace("\u2019", "'"))
                          ) + " "


class QuoteOfWithdrawn:
    """Whether a codebook example is a quote taken from a withdrawn interview: it has
    :data:`QUOTE_WORDS` words or more, they are in a withdrawn transcript's text and in
    no other transcript's (``others`` reads those, only when an example is in a
    withdrawn one). Used by ``qcahp withdraw`` and by a merge of a copy made before it."""

    def __init__(self, withdrawn: list[str], others: Callable[[], Iterable[str]]) -> None:
        self.withdrawn = [_words(t) for t in withdrawn]
        self._others = others
        self._kept: list[str] | None = None

    def __call__(self, example: object) -> bool:
        said = _words(example) if isinstance(example, str) else ""
        if len(said.split()) < QUOTE_WORDS or not any(said in w for w in self.withdrawn):
            return False
        if self._kept is None:
            self._kept = [_words(t) for t in self._others()]
        return not any(said in w for w in self._kept)


def _grams(words: str) -> list[str]:
    """Each run of :data:`MEMO_QUOTE_WORDS` words of ``words`` (:func:`_words`)."""
    split = words.split()
    return [" ".join(split[i:i + MEMO_QUOTE_WORDS])
            for i in range(len(split) - MEMO_QUOTE_WORDS + 1)]


def _without_examples(text: str, dropped: set[str]) -> str:
    """A codebook file's YAML ``text`` without the list items that are one of the
    ``dropped`` examples (``- I fell into ...`` on its line; an item of a one-line list,
    ``examples: ["...", "..."]``, which is written again without it). What it misses (an
    item over several lines) is caught when the text is checked
    (:func:`~qualcoder_ahp.model.privacy_store.revised_source`)."""
    import yaml

    def value(raw: str) -> Any:
        try:
            return yaml.safe_load(raw)
        except yaml.YAMLError:
            return None

    lines = []
    for line in text.splitlines(keepends=True):
        item = re.match(r"^\s*-\s+(.+?)\s*$", line)
        said = value(item.group(1)) if item else None
        if isinstance(said, str) and said in dropped:
            continue
        flow = re.match(r"^(\s*(?:-\s+)?examples:\s*)(\[.*\])\s*$", line)
        listed = value(flow.group(2)) if flow else None
        if isinstance(listed, list) and dropped & {e for e in listed if isinstance(e, str)}:
            kept = [e for e in listed if e not in dropped]
            line = flow.group(1) + json.dumps(kept, ensure_ascii=False) + "\n"
        lines.append(line)
    return "".join(lines)


def _bare(payload: str) -> str:
    """A ``withdraw`` event's payload as this version writes it (no names): one written
    before m014, in a copy not upgraded, is the same withdrawal."""
    try:
        record = json.loads(payload)
    except ValueError:
        return payload
    return json.dumps(withdraw_record(record), sort_keys=True) if isinstance(
        record, dict) else payload


def withdrawn_note(event: dict[str, Any]) -> str:
    """``withdrawn from this project on 2026-11-27 (qcahp withdraw)``."""
    return f"withdrawn from this project on {str(event.get('at', ''))[:10]} (qcahp withdraw)"


__all__ = ["Gone", "PLACEHOLDER", "WithdrawMixin", "WithdrawPlan", "WithdrawnParticipants",
           "scrub_events", "withdrawn_note"]
