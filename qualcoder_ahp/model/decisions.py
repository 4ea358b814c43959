"""Coder decisions: accept, reject, adjust, code by hand, remove, memo, undo, redo.

Each decision is one transaction that appends an event to the append-only
``events`` log and updates the projections (``codings``, ``decisions``, ``memos``).
An event's payload lists its *changes* as before/after pairs, so undo is the same
changes applied backwards and redo the same changes applied forwards; both are
events too. Nothing is ever deleted: a removed coding is made inactive.

Change records (``payload["changes"]``):

- ``{"op": "coding", "id": 7, "before": 0, "after": 1}`` - a coding made (in)active;
- ``{"op": "decision", "suggestion_id": 3, "before": {...} | null, "after": {...} | null}``;
- ``{"op": "memo", "kind": "coding", "target": "7", "before": "old" | null,
  "after": "new" | null}``;
- ``{"op": "theme", "id": "caring", "before": 0, "after": 1}`` - a theme made (in)active;
- ``{"op": "theme_field", "id": "luck", "field": "name", "before": "Luck", "after": "Chance"}``
  - a theme's name, description, inclusion or exclusion criteria, examples (a JSON list,
  as stored), colour or place edited (``theme_edit``);
- ``{"op": "suggestion", "id": 3, "before": "open", "after": "retired"}`` - a suggestion's
  status (a ``theme_merge`` retires the merged theme's).

A memo change may name its ``coder_id`` (a ``theme_merge`` moves every coder's memos);
without one it is the memo of the event's coder.

An ``undo_group`` event is several changes made as one decision (the codings of every
hit of a search, :meth:`DecisionMixin.code_group`, with its ``theme_id``): one undo takes
them all back. One with ``source: "word"`` is a ``qcahp codings import FILE.docx``
(:func:`~qualcoder_ahp.importers.word_codings.import_word_plan`): the codings made and
the memos written on codings, the document's ``file`` name, its ``transcript_ids`` and
the ``theme_ids`` of those codings (no ``theme_id``).

A ``reconcile`` event is one decision of the reconcile screen: its changes replace
the consensus coder's codings of one theme in one disagreement stretch, and its
payload says how the consensus was reached (``rule``, ``taken_from``, the
``compared`` coders, who ``decided_by``, ``transcript_id``, ``theme_id``,
``start``/``end`` of the stretch, the resulting ``coding_ids`` and the ``removed_ids`` it
replaced). A rejection is a ``reconcile`` event too, so "neither coding is right" stays on record.
:mod:`qualcoder_ahp.model.reconcile_store` writes and reads those.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from qualcoder_ahp.errors import UserError
from qualcoder_ahp.model.memo_guard import check_memos
from qualcoder_ahp.model.reconcile_store import RECONCILE_RULES, ReconcileMixin
from qualcoder_ahp.records import Coding

if TYPE_CHECKING:
    from qualcoder_ahp.model.store import Store

UNDOABLE = ("accept", "reject", "adjust", "code", "remove", "memo", "undo_group", "reconcile",
            "theme_add", "theme_edit", "theme_merge", "theme_retire", "theme_restore")
MEMO_KINDS = ("coding", "theme", "transcript", "cell")
"""What a memo is on; a ``cell`` memo is a framework matrix cell's summary
(:mod:`qualcoder_ahp.model.framework_store`)."""
THEME_FIELDS = ("name", "description", "inclusion", "exclusion", "examples", "color",
                "parent_id")
"""The theme fields a ``theme_field`` change edits (each a column of ``themes``;
``parent_id`` moves the theme in the tree, ``None`` to the top level)."""
__all__ = ["RECONCILE_RULES", "UNDOABLE", "MEMO_KINDS", "DecisionMixin", "NotOnTop"]

PLACED_KINDS = frozenset({"accept", "adjust", "reject", "code", "remove", "memo", "undo",
                          "redo", "undo_group", "reconcile"})
"""Events whose changes name the codings and suggestions they touched (see
:meth:`DecisionMixin.changed_since`); any other kind (a merge, a withdrawal, a
redaction, a REFI import, a theme added, edited or merged, and whatever a later version
adds) cannot be placed."""
PLACED_OPS = frozenset({"coding", "decision", "memo"})
"""Changes that touch at most one coding or decision each (a memo none)."""
CODINGS_PLACED = "SELECT id, transcript_id, coder_id, theme_id FROM codings WHERE id IN "
SUGGESTIONS_PLACED = "SELECT id, transcript_id FROM suggestions WHERE id IN "


class NotOnTop(Exception):
    """:meth:`DecisionMixin.undo_steps` was asked to undo given decisions, and others are
    newer on the coder's undo stack (another window's): nothing was undone."""


class DecisionMixin(ReconcileMixin):
    """Decision methods of :class:`~qualcoder_ahp.model.store.Store`.

    The reconcile decisions and their log live in
    :mod:`qualcoder_ahp.model.reconcile_store` (a base of this mixin).
    """

    conn: sqlite3.Connection

    # ------------------------------------------------------------------ reads
    def codings(
        self: Store,
        *,
        transcript_id: int | None = None,
        coder: str | None = None,
        theme_id: str | None = None,
        include_inactive: bool = False,
        coding_id: int | None = None,
    ) -> list[Coding]:
        """Codings, filtered; each with its coder name and memo."""
        sql = (
            'SELECT c.id, c.transcript_id, c.theme_id, k.name, c.start, c."end", c.quote, '
            "c.origin, c.suggestion_id, m.text, c.guid FROM codings c "
            "JOIN coders k ON k.id = c.coder_id "
            "LEFT JOIN memos m ON m.target_kind = 'coding' AND m.target_id = CAST(c.id AS TEXT) "
            "AND m.coder_id = c.coder_id WHERE 1=1"
        )
        args: list[Any] = []
        if not include_inactive:
            sql += " AND c.active = 1"
        if coding_id is not None:
            sql += " AND c.id = ?"
            args.append(coding_id)
        if transcript_id is not None:
            sql += " AND c.transcript_id = ?"
            args.append(transcript_id)
        if coder is not None:
            sql += " AND k.name = ?"
            args.append(coder)
        if theme_id is not None:
            sql += " AND c.theme_id = ?"
            args.append(theme_id)
        sql += " ORDER BY c.transcript_id, c.start, c.id"
        return [Coding(*row) for row in self.conn.execute(sql, args)]

    def coding_spans(self: Store, transcript_id: int, coder: str) -> list[tuple[str, int, int]]:
        """One coder's active codings of one transcript as ``(theme id, start, end)``, in
        the order of :meth:`codings` (start, then id): what agreement and reconcile read
        of each coding, without its quote, memo and the rest (a ``Coding`` each cost a
        third of ``qcahp agreement`` at 200,000 codings).

        By the coder's index: SQLite chose the transcript's, and read every coder's
        codings of the transcript for each coder (2.5 times the rows at three coders and a
        consensus, most of the reconcile screen's reading)."""
        return self.conn.execute(
            'SELECT c.theme_id, c.start, c."end" FROM codings c INDEXED BY codings_by_coder '
            "JOIN coders k ON k.id = c.coder_id WHERE c.transcript_id = ? AND k.name = ? "
            "AND c.active = 1 ORDER BY c.start, c.id", [transcript_id, coder]).fetchall()

    def coder_spans(self: Store, coder: str) -> list[tuple[int, str, int, int]]:
        """One coder's active codings of every transcript as ``(transcript id, theme id,
        start, end)``, in the order of :meth:`codings` (transcript, start, id): the
        reconcile screen reads the consensus's so (33,000 ``Coding`` with their quotes and
        memos were a fifth of a second at 1M words)."""
        return self.conn.execute(
            'SELECT c.transcript_id, c.theme_id, c.start, c."end" FROM codings c '
            "INDEXED BY codings_by_coder JOIN coders k ON k.id = c.coder_id "
            "WHERE k.name = ? AND c.active = 1 ORDER BY c.transcript_id, c.start, c.id",
            [coder]).fetchall()

    def coding(self: Store, coding_id: int) -> Coding:
        """One coding by id (active or not)."""
        found = self.codings(include_inactive=True, coding_id=coding_id)
        if not found:
            raise UserError(f"no coding with id {coding_id}")
        return found[0]

    def decision_of(self: Store, suggestion_id: int, coder: str) -> str | None:
        """This coder's decision on a suggestion: accepted, rejected, adjusted or None."""
        row = self.conn.execute(
            "SELECT d.status FROM decisions d JOIN coders k ON k.id = d.coder_id "
            "WHERE d.suggestion_id = ? AND k.name = ?",
            [suggestion_id, coder],
        ).fetchone()
        return row[0] if row else None

    def memo(self: Store, coder: str, kind: str, target: str | int) -> str | None:
        """This coder's memo on a coding, theme or transcript."""
        row = self.conn.execute(
            "SELECT m.text FROM memos m JOIN coders k ON k.id = m.coder_id "
            "WHERE k.name = ? AND m.target_kind = ? AND m.target_id = ?",
            [coder, kind, str(target)],
        ).fetchone()
        return row[0] if row else None

    # ------------------------------------------------------------------ decisions
    def accept(
        self: Store,
        suggestion_id: int,
        coder: str,
        *,
        start: int | None = None,
        end: int | None = None,
    ) -> Coding:
        """Accept a suggestion (optionally with an adjusted span) as a coding.

        A previous decision of this coder on the same suggestion is replaced. The coder's
        own coding of exactly this span with this theme made by hand (or imported) is
        replaced by the accepted one, its memos moving with it, so that the passage is
        coded once, not counted and quoted twice (undo brings the hand coding back).
        """
        sug = self._suggestion_row(suggestion_id)
        self._check_theme_active(sug["theme_id"], "accepted")
        self._check_suggestion_open(suggestion_id, sug, "accepted")
        span_start = sug["start"] if start is None else start
        span_end = sug["end"] if end is None else end
        adjusted = (span_start, span_end) != (sug["start"], sug["end"])
        kind = "adjust" if adjusted else "accept"
        with self.write():
            coder_id = self.ensure_coder(coder)
            changes = self._clear_decision(suggestion_id, coder_id)
            coding_id = self._insert_coding(
                sug["transcript_id"], sug["theme_id"], coder_id, span_start, span_end,
                "adjusted" if adjusted else "suggested", suggestion_id,
            )
            changes += self._replace_same_coding(
                sug["transcript_id"], sug["theme_id"], coder_id, span_start, span_end,
                coding_id)
            after = {"status": "adjusted" if adjusted else "accepted", "coding_id": coding_id}
            changes += [
                {"op": "coding", "id": coding_id, "before": 0, "after": 1},
                {"op": "decision", "suggestion_id": suggestion_id, "before": None,
                 "after": after},
            ]
            self._apply_and_log(coder_id, kind, changes, {"suggestion_id": suggestion_id},
                                skip_first_coding=coding_id)
        return self.coding(coding_id)

    def reject(self: Store, suggestion_id: int, coder: str) -> None:
        """Reject a suggestion (replacing an earlier accept of this coder)."""
        self._check_suggestion_open(suggestion_id, self._suggestion_row(suggestion_id),
                                    "rejected")
        with self.write():
            coder_id = self.ensure_coder(coder)
            changes = self._clear_decision(suggestion_id, coder_id)
            changes.append({"op": "decision", "suggestion_id": suggestion_id, "before": None,
                            "after": {"status": "rejected", "coding_id": None}})
            self._apply_and_log(coder_id, "reject", changes, {"suggestion_id": suggestion_id})

    def code(
        self: Store,
        transcript_id: int,
        theme_id: str,
        coder: str,
        start: int,
        end: int,
        *,
        origin: str = "manual",
    ) -> Coding:
        """Code a span by hand with a theme (of the current codebook: not a retired one)."""
        self.check_codable(theme_id)
        with self.write():
            coder_id = self.ensure_coder(coder)
            coding_id = self._insert_coding(transcript_id, theme_id, coder_id, start, end,
                                            origin, None)
            changes = [{"op": "coding", "id": coding_id, "before": 0, "after": 1}]
            self._apply_and_log(coder_id, "code", changes,
                                {"transcript_id": transcript_id, "theme_id": theme_id},
                                skip_first_coding=coding_id)
        return self.coding(coding_id)

    def check_codable(self: Store, theme_id: str) -> None:
        """Refuse a theme that cannot be coded: unknown, a folder, or retired."""
        self._check_theme(theme_id)
        self._check_theme_active(theme_id, "coded")

    def code_group(
        self: Store,
        theme_id: str,
        coder: str,
        spans: list[tuple[int, int, int]],
        info: dict[str, Any] | None = None,
    ) -> int:
        """Code several spans with one theme by hand as ONE decision: one ``undo_group``
        event, which one undo takes back whole (and one redo brings back).

        Args:
            theme_id: the theme (codable, of the current codebook).
            coder: who codes.
            spans: ``(transcript id, start, end)`` of each coding, at least one.
            info: what to keep in the event besides the changes (where the spans came
                from, e.g. ``{"source": "search", "search": ...}``).

        Returns:
            The event's id.

        Raises:
            UserError: no span, a theme that cannot be coded, a span outside its transcript.
        """
        if not spans:
            raise UserError("nothing to code")
        self.check_codable(theme_id)
        with self.write():
            coder_id = self.ensure_coder(coder)
            texts: dict[int, str] = {}
            changes: list[dict[str, Any]] = []
            for tid, start, end in spans:
                if tid not in texts:
                    texts[tid] = self.transcript_text(tid)
                coding_id = self._insert_coding(tid, theme_id, coder_id, start, end, "manual",
                                                None, text=texts[tid])
                changes.append({"op": "coding", "id": coding_id, "before": 0, "after": 1})
            return self._apply_and_log(coder_id, "undo_group", changes, {
                **(info or {}), "theme_id": theme_id,
                "transcript_ids": sorted(texts)})

    def remove_coding(self: Store, coding_id: int, coder: str) -> None:
        """Remove (deactivate) one of this coder's codings; its decision is withdrawn too."""
        coding = self.coding(coding_id)
        if coding.coder != coder:
            raise UserError(f"coding {coding_id} belongs to {coding.coder}, not {coder}")
        with self.write():
            coder_id = self.ensure_coder(coder)
            changes: list[dict[str, Any]] = [
                {"op": "coding", "id": coding_id, "before": 1, "after": 0}
            ]
            if coding.suggestion_id is not None:
                before = self._decision_state(coding.suggestion_id, coder_id)
                if before and before.get("coding_id") == coding_id:
                    changes.append({"op": "decision", "suggestion_id": coding.suggestion_id,
                                    "before": before, "after": None})
            self._apply_and_log(coder_id, "remove", changes, {"coding_id": coding_id})

    def set_memo(self: Store, coder: str, kind: str, target: str | int, text: str) -> None:
        """Write (or, with empty text, clear) this coder's memo on a coding/theme/transcript.

        Args:
            coder: the coder's name.
            kind: ``coding``, ``theme``, ``transcript`` or ``cell``.
            target: the coding's or transcript's id (an int, or its digits as text, as the
                workbench passes it), the theme's id, or a framework cell's target
                (:func:`~qualcoder_ahp.model.framework_store.cell_target`).
            text: the memo; empty or blank clears it.

        Raises:
            UserError: an unknown kind, a target that is not an id of that kind (e.g. a
                :class:`Coding` object, whose text would otherwise be stored as the
                target and never be found again), or an id with no such row.
        """
        if kind not in MEMO_KINDS:
            raise UserError(f"a memo is on a coding, theme, transcript or framework cell, "
                            f"not {kind!r}")
        target = self._memo_target(kind, target)
        with self.write():
            coder_id = self.ensure_coder(coder)
            before = self.memo(coder, kind, target)
            after = text if text.strip() else None
            changes = [{"op": "memo", "kind": kind, "target": str(target), "before": before,
                        "after": after}]
            self._apply_and_log(coder_id, "memo", changes, {"kind": kind, "target": str(target)})

    def _memo_target(self: Store, kind: str, target: object) -> str:
        """The target of a memo as stored (its id as text), checked to exist."""
        what = type(target).__name__
        if kind == "cell":  # a framework cell: its case and theme are checked there
            return self.cell_target(target)
        if kind == "theme":
            if not isinstance(target, str) or not target.strip():
                raise UserError(f"a theme memo needs the theme's id (text), not {what} "
                                f"{_short(target)}")
            table = "themes"
        else:
            # bool is an int subclass; True would silently mean id 1.
            digits = (isinstance(target, int) and not isinstance(target, bool)) or (
                isinstance(target, str) and target.isascii() and target.isdecimal())
            if not digits:
                raise UserError(f"a {kind} memo needs the {kind}'s id (a whole number), not "
                                f"{what} {_short(target)}")
            target = str(int(target))  # type: ignore[call-overload]
            table = "codings" if kind == "coding" else "transcripts"
        if self.conn.execute(f"SELECT 1 FROM {table} WHERE id = ?",  # noqa: S608 - fixed names
                             [target]).fetchone() is None:
            raise UserError(f"no {kind} with id {target!r} to write a memo on")
        return str(target)

    # ------------------------------------------------------------------ undo / redo
    def undo_stack(self: Store, coder: str) -> tuple[list[int], list[int]]:
        """(done, undone) event ids for this coder, rebuilt from the log."""
        done, undone, _ = self._undo_history(coder)
        return done, undone

    def _undo_history(self: Store, coder: str) -> tuple[list[int], list[int], list[int]]:
        """:meth:`undo_stack`, with the id of the ``undo`` event that put each undone
        decision there (in the same order as ``undone``)."""
        done: list[int] = []
        undone: list[int] = []
        undone_by: list[int] = []
        rows = self.conn.execute(
            "SELECT e.id, e.kind, e.payload FROM events e JOIN coders k ON k.id = e.coder_id "
            "WHERE k.name = ? ORDER BY e.id",
            [coder],
        )
        for event_id, kind, payload in rows:
            if kind == "undo":
                if done:
                    undone.append(done.pop())
                    undone_by.append(event_id)
            elif kind == "redo":
                if undone:
                    done.append(undone.pop())
                    undone_by.pop()
            elif kind in UNDOABLE:
                done.append(event_id)
                undone.clear()
                undone_by.clear()
            elif kind == "withdrawn":
                # A decision on a withdrawn transcript (qcahp withdraw): there is nothing
                # to undo or redo, but when it was made it ended what could be redone.
                # (Its undo and redo became placeholders too, and pass over.)
                if _payload(payload).get("event_kind") in UNDOABLE:
                    undone.clear()
                    undone_by.clear()
            del payload
        return done, undone, undone_by

    def undo(self: Store, coder: str) -> dict[str, Any] | None:
        """Undo this coder's last decision; returns what was undone, or None."""
        undone = self.undo_steps(coder, 1)
        return undone[0] if undone else None

    def undo_steps(self: Store, coder: str, steps: int,
                   progress: Callable[[int, int], None] | None = None,
                   on_top: list[int] | None = None) -> list[dict[str, Any]]:
        """Undo this coder's last ``steps`` decisions, newest first, in one transaction
        (each its own ``undo`` event, as :meth:`undo` logs it); returns what was undone,
        fewer when fewer are left.

        The log is read once: the reconcile screen's ``u`` after ``g`` (33,259 agreed
        stretches copied on a 1M-word study) called :meth:`undo` once a stretch, each
        reading the consensus coder's whole log again, and the workbench froze for
        many minutes.

        Args:
            coder: whose decisions.
            steps: how many.
            progress: called ``(done, total)`` every 500 steps and at the end; it may
                raise to stop, and then nothing is undone.
            on_top: the event ids (oldest first) that must be the top of the undo stack,
                read from the same log in the same transaction (the reconcile screen's
                ``u`` read the whole log once to check, then again to undo).

        Raises:
            NotOnTop: ``on_top`` is not the stack's top: nothing is undone.
            UserError: a step refused (a theme in use, edited again since, a memo
                changed since: :func:`.memo_guard.check_memos`): nothing is undone.
        """
        taken: list[dict[str, Any]] = []
        with self.write():
            done, _ = self.undo_stack(coder)
            if on_top is not None and (done[-len(on_top):] if on_top else []) != on_top:
                raise NotOnTop(coder)
            total = min(steps, len(done))
            coder_id: int | None = None
            while done and len(taken) < steps:
                target_id = done.pop()
                target = self._event(target_id)
                inverse = [_invert(c) for c in reversed(target["changes"])]
                for change in inverse:
                    # Undoing a new theme must not hide codings; undoing a restore retires
                    # the theme as it was, its codings kept (shown as retired).
                    if (change["op"] == "theme" and not change["after"]
                            and target["kind"] == "theme_add"):
                        self._check_theme_unused(change["id"])
                self._check_theme_fields(inverse, "undo")
                if coder_id is None:
                    coder_id = self.ensure_coder(coder)
                check_memos(self, target, inverse, "undo", coder_id)
                if target["kind"] == "theme_merge":
                    self.check_merge_state(target, inverse, "undo")
                self._apply_and_log(coder_id, "undo", inverse, {"target": target_id})
                taken.append(target)
                if progress is not None and (len(taken) % 500 == 0 or len(taken) == total):
                    progress(len(taken), total)
        return taken

    def merged_decisions(self: Store, coder: str) -> int:
        """How many of this coder's decisions came in with ``qcahp merge`` (a copy's
        events, which undo here never replays: they are undone in the copy)."""
        return int(self.conn.execute(
            "SELECT COUNT(*) FROM events e JOIN coders k ON k.id = e.coder_id "
            "WHERE k.name = ? AND e.kind = 'merged'", [coder]).fetchone()[0])

    def undo_elsewhere(self: Store, coder: str) -> dict[str, Any] | None:
        """The decision :meth:`undo` would take back, when it was made elsewhere (another
        window or a command, on another connection) after this connection's first
        decision; else None.

        The undo log is the coder's, wherever they decided: with the workbench open in
        two windows, ``u`` in one undid the other's newest decision, out of sight, not
        the one just made there. A connection that has decided nothing yet (a window
        just opened, after a restart) undoes the coder's newest decision, as always.
        """
        if not self._own_events:
            return None
        done, _ = self.undo_stack(coder)
        return self._event(done[-1]) if done and self._logged_elsewhere(done[-1]) else None

    def _logged_elsewhere(self: Store, event_id: int) -> bool:
        """Whether an event was logged on another connection since this one's first."""
        return event_id not in self._own_events and event_id > min(self._own_events)

    def redo(self: Store, coder: str) -> dict[str, Any] | None:
        """Redo the last undone decision of this coder; returns it, or None."""
        redone = self.redo_steps(coder, 1)
        return redone[0] if redone else None

    def redo_steps(self: Store, coder: str, steps: int) -> list[dict[str, Any]]:
        """Redo this coder's last ``steps`` undone decisions, the last undone first, in
        one transaction (each its own ``redo`` event, as :meth:`redo` logs it), reading
        the log once, as :meth:`undo_steps` does; returns what was redone, fewer when
        fewer are left.

        Raises:
            UserError: a step refused (a theme edited again since, a memo changed since):
                nothing is redone.
        """
        taken: list[dict[str, Any]] = []
        with self.write():
            _, undone = self.undo_stack(coder)
            coder_id: int | None = None
            while undone and len(taken) < steps:
                target_id = undone.pop()
                target = self._event(target_id)
                self._check_theme_fields(target["changes"], "redo")
                if coder_id is None:
                    coder_id = self.ensure_coder(coder)
                check_memos(self, target, target["changes"], "redo", coder_id)
                if target["kind"] == "theme_merge":
                    self.check_merge_state(target, target["changes"], "redo")
                self._apply_and_log(coder_id, "redo", target["changes"], {"target": target_id})
                taken.append(target)
        return taken

    def redo_elsewhere(self: Store, coder: str) -> dict[str, Any] | None:
        """The decision :meth:`redo` would bring back, when it was undone elsewhere
        (another window or a command) after this connection's first decision; else None.

        As :meth:`undo_elsewhere`: with the workbench open in two windows, ``r`` in one
        brought back what the other had just undone, out of sight.
        """
        if not self._own_events:
            return None
        _, undone, undone_by = self._undo_history(coder)
        return (self._event(undone[-1]) if undone and self._logged_elsewhere(undone_by[-1])
                else None)

    def events(self: Store, coder: str | None = None) -> list[dict[str, Any]]:
        """The event log (oldest first), optionally for one coder."""
        sql = ("SELECT e.id, k.name, e.at, e.kind, e.payload FROM events e "
               "LEFT JOIN coders k ON k.id = e.coder_id")
        args: list[Any] = []
        if coder is not None:
            sql += " WHERE k.name = ?"
            args.append(coder)
        return [
            {**_payload(p), "id": i, "coder": c, "at": at, "kind": k}
            for i, c, at, k, p in self.conn.execute(sql + " ORDER BY e.id", args)
        ]

    def codings_by_id(self: Store, coding_ids: Iterable[int]) -> dict[int, Coding]:
        """Codings (active or not) by id, as :meth:`coding` gives each, in one query per
        500 ids; an id not in the project is left out."""
        listed = sorted(set(coding_ids))
        found: dict[int, Coding] = {}
        for k in range(0, len(listed), 500):
            chunk = listed[k:k + 500]
            for row in self.conn.execute(
                    'SELECT c.id, c.transcript_id, c.theme_id, k.name, c.start, c."end", '
                    "c.quote, c.origin, c.suggestion_id, m.text, c.guid FROM codings c "
                    "JOIN coders k ON k.id = c.coder_id LEFT JOIN memos m ON "
                    "m.target_kind = 'coding' AND m.target_id = CAST(c.id AS TEXT) "
                    "AND m.coder_id = c.coder_id WHERE c.id IN ("
                    + ",".join("?" * len(chunk)) + ")", chunk):
                found[row[0]] = Coding(*row)
        return found

    # ------------------------------------------------------------------ what changed
    def newest_event_id(self: Store) -> int:
        """The id of the newest event in the log (0 for none): events only ever append,
        so every commit after this one that changes codings logs a larger id."""
        return int(self.conn.execute("SELECT COALESCE(MAX(id), 0) FROM events").fetchone()[0])

    def changed_since(self: Store, after: int, upto: int, limit: int = 2000
                      ) -> dict[str, list[tuple[int, ...]]] | None:
        """The codings and suggestions the events ``after < id <= upto`` touched, or
        ``None`` when that cannot be said: more than ``limit`` events (reading everything
        again is then as quick), an event of a kind that does not list its changes
        (:data:`PLACED_KINDS`), or a coding or suggestion no longer in the project.

        Returns:
            ``{"codings": [(id, transcript_id, coder_id, theme_id), ...],
            "suggestions": [(id, transcript_id), ...]}``, as they are now.
        """
        rows = self.conn.execute("SELECT kind, payload FROM events WHERE id > ? AND id <= ? "
                                 "ORDER BY id LIMIT ?", [after, upto, limit + 1]).fetchall()
        if len(rows) > limit:
            return None
        codings: set[int] = set()
        suggestions: set[int] = set()
        for kind, raw in rows:
            if kind not in PLACED_KINDS:
                return None
            for change in json.loads(raw).get("changes", ()):
                op = change.get("op")
                if op not in PLACED_OPS:
                    return None
                if op == "coding":
                    codings.add(int(change["id"]))
                elif op == "decision":
                    suggestions.add(int(change["suggestion_id"]))
        found: dict[str, list[tuple[int, ...]]] = {}
        for name, wanted in (("codings", codings), ("suggestions", suggestions)):
            head = CODINGS_PLACED if name == "codings" else SUGGESTIONS_PLACED
            listed = sorted(wanted)
            found[name] = []
            for k in range(0, len(listed), 500):
                chunk = listed[k:k + 500]
                marks = ",".join("?" * len(chunk))
                rows = self.conn.execute(head + "(" + marks + ")", chunk).fetchall()
                if len(rows) != len(chunk):
                    return None  # withdrawn meanwhile (its withdraw event says so too)
                found[name].extend(tuple(r) for r in rows)
        return found

    def transcripts_changed_since(self: Store, after: int, upto: int,
                                  limit: int = 2000) -> set[int] | None:
        """The transcripts whose codings or decisions the events ``after < id <= upto``
        changed, or ``None`` when that cannot be said (:meth:`changed_since`): the
        reconcile screen computes only those again at a poll."""
        changed = self.changed_since(after, upto, limit)
        if changed is None:
            return None
        return {row[1] for rows in changed.values() for row in rows}

    # ------------------------------------------------------------------ internals
    def _event(self: Store, event_id: int) -> dict[str, Any]:
        row = self.conn.execute(
            "SELECT kind, payload FROM events WHERE id = ?", [event_id]
        ).fetchone()
        return {**_payload(row[1]), "id": event_id, "kind": row[0]}

    def _check_theme_unused(self: Store, theme_id: str) -> None:
        """Refuse to undo adding a theme that holds codings (anyone's): they would leave
        every report with it."""
        used = self.conn.execute(
            "SELECT COUNT(*) FROM codings WHERE theme_id = ? AND active = 1",
            [theme_id]).fetchone()[0]
        if used:
            name = self.conn.execute("SELECT name FROM themes WHERE id = ?",
                                     [theme_id]).fetchone()[0]
            raise UserError(f"theme {name!r} holds {used} coding{'' if used == 1 else 's'}; "
                            "remove them before undoing the theme")

    def _check_theme_fields(self: Store, changes: list[dict[str, Any]], step: str) -> None:
        """Refuse to undo or redo a theme edit over a later one, or onto a name in use.

        Another coder (or this one, in a later edit) may have changed the field since:
        putting the old value back would silently throw their edit away.
        """
        for change in changes:
            if change["op"] != "theme_field":
                continue
            row = self.conn.execute(
                "SELECT CASE ? WHEN 'name' THEN name WHEN 'description' THEN description "
                "WHEN 'inclusion' THEN inclusion WHEN 'exclusion' THEN exclusion "
                "WHEN 'examples' THEN examples "
                "WHEN 'color' THEN color WHEN 'parent_id' THEN parent_id END, name "
                "FROM themes WHERE id = ?",
                [change["field"], change["id"]]).fetchone()
            if row is None:
                raise UserError(f"no theme {change['id']!r} to {step} the edit of")
            if (row[0] or "") != (change["before"] or ""):
                field = change["field"]
                shown = {"color": "colour", "description": "definition",
                         "inclusion": "inclusion criteria", "exclusion": "exclusion criteria",
                         "parent_id": "place in the tree"}.get(field, field)
                # Criteria and examples are plural; examples are stored as a JSON list and
                # shown as `codebook show` shows them, never as JSON.
                verb = "were" if field in ("inclusion", "exclusion", "examples") else "was"
                now = _short(_examples_text(row[0]) if field == "examples" else row[0] or "")
                raise UserError(f"cannot {step} the edit of theme {change['id']!r}: its {shown} "
                                f"{verb} changed since (now {now}); edit it instead")
            if change["field"] == "name":
                self._check_name_free(change["after"], change["id"])
            elif change["field"] == "parent_id" and change["after"] is not None:
                self._check_parent(change["id"], change["after"])

    def _suggestion_row(self: Store, suggestion_id: int) -> dict[str, Any]:
        row = self.conn.execute(
            'SELECT transcript_id, theme_id, start, "end", status FROM suggestions WHERE id = ?',
            [suggestion_id],
        ).fetchone()
        if not row:
            raise UserError(f"no suggestion with id {suggestion_id}")
        return dict(zip(("transcript_id", "theme_id", "start", "end", "status"), row, strict=True))

    def _check_suggestion_open(self: Store, suggestion_id: int, sug: dict[str, Any],
                               done: str) -> None:
        """Refuse a decision on a suggestion today's codebook no longer makes (of a theme
        still in it: a retired theme's decided suggestions retire with it).

        It was accepted: the coding was made, but the decision counted nowhere (the
        pattern record, evaluate and the workbench leave retired suggestions out) and the
        next `suggest` left it retired.
        """
        if sug["status"] != "retired":
            return
        row = self.conn.execute("SELECT active FROM themes WHERE id = ?",
                                [sug["theme_id"]]).fetchone()
        if row is not None and not row[0]:
            return  # its theme is retired: said by _check_theme_active where it matters
        raise UserError(f"suggestion {suggestion_id} ({sug['theme_id']}) is retired: today's "
                        "codebook no longer makes it (its pattern was removed or changed, or "
                        f"an exclusion rules it out), so it cannot be {done}"
                        + ("; if the passage has the theme, code it by hand (in the "
                           "workbench, `qcahp code`)" if done == "accepted" else ""))

    def _check_theme_active(self: Store, theme_id: str, done: str) -> None:
        """Refuse a coding of a retired theme (merged into another, or out of the file)."""
        row = self.conn.execute("SELECT active FROM themes WHERE id = ?", [theme_id]).fetchone()
        if row is not None and not row[0]:
            raise UserError(f"theme {theme_id!r} is retired (not in the current codebook) and "
                            f"cannot be {done}")

    def _check_theme(self: Store, theme_id: str) -> None:
        row = self.conn.execute("SELECT codable FROM themes WHERE id = ?", [theme_id]).fetchone()
        if not row:
            raise UserError(f"no theme {theme_id!r} in the codebook")
        if not row[0]:
            raise UserError(f"theme {theme_id!r} is a folder and cannot be coded")

    def _decision_state(self: Store, suggestion_id: int, coder_id: int) -> dict[str, Any] | None:
        row = self.conn.execute(
            "SELECT status, coding_id FROM decisions WHERE suggestion_id = ? AND coder_id = ?",
            [suggestion_id, coder_id],
        ).fetchone()
        return {"status": row[0], "coding_id": row[1]} if row else None

    def _replace_same_coding(
        self: Store, transcript_id: int, theme_id: str, coder_id: int, start: int, end: int,
        new_id: int,
    ) -> list[dict[str, Any]]:
        """Changes that retire this coder's active codings of exactly this span and theme
        that no suggestion made (coded by hand, imported), moving every memo on them to
        the coding ``new_id`` that takes their place."""
        same = [r[0] for r in self.conn.execute(
            'SELECT id FROM codings WHERE transcript_id = ? AND theme_id = ? AND coder_id = ? '
            'AND start = ? AND "end" = ? AND active = 1 AND suggestion_id IS NULL',
            [transcript_id, theme_id, coder_id, start, end])]
        changes: list[dict[str, Any]] = []
        for old_id in same:
            changes.append({"op": "coding", "id": old_id, "before": 1, "after": 0})
            for memo_coder, text in self.conn.execute(
                    "SELECT coder_id, text FROM memos WHERE target_kind = 'coding' AND "
                    "target_id = ? ORDER BY coder_id", [str(old_id)]):
                changes.append({"op": "memo", "kind": "coding", "target": str(new_id),
                                "coder_id": memo_coder, "before": None, "after": text})
        return changes

    def _clear_decision(self: Store, suggestion_id: int, coder_id: int) -> list[dict[str, Any]]:
        """Changes that withdraw this coder's current decision on a suggestion."""
        before = self._decision_state(suggestion_id, coder_id)
        if before is None:
            return []
        changes: list[dict[str, Any]] = []
        if before["coding_id"] is not None:
            changes.append({"op": "coding", "id": before["coding_id"], "before": 1, "after": 0})
        changes.append({"op": "decision", "suggestion_id": suggestion_id, "before": before,
                        "after": None})
        return changes

    def _insert_coding(
        self: Store, transcript_id: int, theme_id: str, coder_id: int, start: int, end: int,
        origin: str, suggestion_id: int | None, *, text: str | None = None,
    ) -> int:
        """Insert a coding, inactive (the logged change activates it); ``text`` is the
        transcript's text when the caller has it already."""
        from qualcoder_ahp.model.store import new_guid, now

        self._check_theme(theme_id)
        if text is None:
            text = self.transcript_text(transcript_id)
        if not (0 <= start < end <= len(text)):
            raise UserError(f"span [{start}, {end}) is outside the transcript (0-{len(text)})")
        cur = self.conn.execute(
            'INSERT INTO codings (transcript_id, theme_id, coder_id, start, "end", quote, origin, '
            "suggestion_id, active, created_at, guid) VALUES (?,?,?,?,?,?,?,?,0,?,?)",
            [transcript_id, theme_id, coder_id, start, end, text[start:end], origin,
             suggestion_id, now(), new_guid()],
        )
        return int(cur.lastrowid or 0)

    def _apply_and_log(
        self: Store, coder_id: int, kind: str, changes: list[dict[str, Any]],
        info: dict[str, Any], skip_first_coding: int | None = None,
    ) -> int:
        del skip_first_coding  # new codings are inserted inactive; the change activates them
        event_id = self.log_event(coder_id, kind, {"changes": changes, **info})
        self._own_events.add(event_id)
        for change in changes:
            self._apply_change(coder_id, change, event_id)
        return event_id

    def _apply_change(self: Store, coder_id: int, change: dict[str, Any], event_id: int) -> None:
        from qualcoder_ahp.model.store import new_guid, now

        op = change["op"]
        if op == "coding":
            self.conn.execute("UPDATE codings SET active = ? WHERE id = ?",
                              [change["after"], change["id"]])
        elif op == "decision":
            after = change["after"]
            if after is None:
                self.conn.execute(
                    "DELETE FROM decisions WHERE suggestion_id = ? AND coder_id = ?",
                    [change["suggestion_id"], coder_id],
                )
            else:
                self.conn.execute(
                    "INSERT INTO decisions (suggestion_id, coder_id, status, coding_id, event_id) "
                    "VALUES (?,?,?,?,?) ON CONFLICT(suggestion_id, coder_id) DO UPDATE SET "
                    "status = excluded.status, coding_id = excluded.coding_id, "
                    "event_id = excluded.event_id",
                    [change["suggestion_id"], coder_id, after["status"], after["coding_id"],
                     event_id],
                )
        elif op == "theme":  # a theme added while coding: undo retires it, redo restores it
            self.conn.execute("UPDATE themes SET active = ? WHERE id = ?",
                              [int(change["after"]), change["id"]])
        elif op == "theme_field":  # a theme's name, description or colour edited
            if change["field"] not in THEME_FIELDS:  # pragma: no cover - written here only
                raise ValueError(f"unknown theme field {change['field']!r}")
            self.conn.execute(
                "UPDATE themes SET name = CASE WHEN ?1 = 'name' THEN ?2 ELSE name END, "
                "description = CASE WHEN ?1 = 'description' THEN ?2 ELSE description END, "
                "inclusion = CASE WHEN ?1 = 'inclusion' THEN ?2 ELSE inclusion END, "
                "exclusion = CASE WHEN ?1 = 'exclusion' THEN ?2 ELSE exclusion END, "
                "examples = CASE WHEN ?1 = 'examples' THEN ?2 ELSE examples END, "
                "color = CASE WHEN ?1 = 'color' THEN ?2 ELSE color END, "
                "parent_id = CASE WHEN ?1 = 'parent_id' THEN ?2 ELSE parent_id END WHERE id = ?3",
                [change["field"], change["after"], change["id"]])
        elif op == "suggestion":  # a theme_merge retires the merged theme's suggestions
            self.conn.execute("UPDATE suggestions SET status = ? WHERE id = ?",
                              [change["after"], change["id"]])
        elif op == "memo":
            coder_id = change.get("coder_id", coder_id)
            if change["after"] is None:
                self.conn.execute(
                    "DELETE FROM memos WHERE coder_id = ? AND target_kind = ? AND target_id = ?",
                    [coder_id, change["kind"], change["target"]],
                )
            else:
                self.conn.execute(
                    "INSERT INTO memos (coder_id, target_kind, target_id, text, updated_at, guid) "
                    "VALUES (?,?,?,?,?,?) ON CONFLICT(coder_id, target_kind, target_id) "
                    "DO UPDATE SET text = excluded.text, updated_at = excluded.updated_at",
                    [coder_id, change["kind"], change["target"], change["after"], now(),
                     new_guid()],
                )
        else:  # pragma: no cover - the log is written only by this module
            raise ValueError(f"unknown change {op!r}")


def _invert(change: dict[str, Any]) -> dict[str, Any]:
    """The change that undoes ``change``."""
    return {**change, "before": change["after"], "after": change["before"]}


def _examples_text(stored: str | None) -> str:
    """A theme's stored examples (a JSON list) as ``"a"; "b"`` (``codebook show``)."""
    try:
        examples = json.loads(stored or "[]")
    except ValueError:
        return stored or ""
    if not isinstance(examples, list):
        return str(examples)
    return "; ".join(f'"{e}"' for e in examples) or "none"


def _short(value: object) -> str:
    """A wrong memo target as a short one-line text for an error message."""
    text = repr(value).replace("\n", " ")
    return text if len(text) <= 60 else text[:57] + "..."


def _payload(text: str) -> dict[str, Any]:
    """An event's payload, with a memo's target kind as ``target_kind``.

    A memo event stores the kind of what the memo is on (coding, theme or transcript) under
    ``kind``; read back next to the event's own ``kind`` it would hide the event kind (an
    undone memo reported as "coding"), so it is renamed here.
    """
    payload = json.loads(text)
    if "kind" in payload:
        payload["target_kind"] = payload.pop("kind")
    return payload
