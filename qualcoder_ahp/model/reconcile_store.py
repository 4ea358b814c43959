"""Reconcile decisions: deciding a disagreement into the consensus coder, and the log of them.

A mixin of :class:`qualcoder_ahp.model.store.Store` (through
:class:`~qualcoder_ahp.model.decisions.DecisionMixin`, whose change machinery it
uses). :meth:`ReconcileMixin.reconcile` writes one ``reconcile`` event per
decision; :meth:`ReconcileMixin.reconcile_log` reads them back for a methods
section, and :meth:`ReconcileMixin.unrecorded_consensus` lists the consensus
codings no decision accounts for, so that the two together account for every
consensus coding in the project.

Decisions come from two places:

- ``reconcile`` events made here;
- ``merged`` events carrying another copy's ``reconcile`` event. Since this
  version, :meth:`~qualcoder_ahp.model.merge_store.MergeMixin.merge_from` stores
  with each of them a ``local`` part: the transcript and coding ids translated to
  this database's (and, for a merged ``undo``/``redo``, the event it targets), plus
  the ``source`` file. The original payload stays untouched, so the event's
  content key - and the recognition of an already merged event - is unchanged.
  A ``merged`` reconcile event without ``local`` (merged by an earlier version)
  cannot be translated; its consensus codings are listed as unrecorded.

A consensus coding is an active coding of the coder ``consensus`` or of any coder
a decision was made into, or any active coding with origin ``consensus``.
"""

from __future__ import annotations

import bisect
import json
import sqlite3
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from qualcoder_ahp.errors import UserError
from qualcoder_ahp.model.event_words import file_name
from qualcoder_ahp.records import plural

if TYPE_CHECKING:
    from qualcoder_ahp.model.store import Store

RECONCILE_RULES = ("take", "union", "intersection", "reject", "agreed")
"""How a reconcile decision was reached (``agreed``: every coder coded the same)."""
UNRECORDED = "unrecorded"
"""The ``rule`` of a consensus coding that no reconcile decision accounts for."""
STATUSES = ("in effect", "replaced", "undone")
CONSENSUS_CODER = "consensus"
"""The reconcile screen's default consensus coder (``agreement.compute.CONSENSUS``)."""
CREATING_KINDS = ("code", "accept", "adjust", "refi_import", "undo_group")
"""Events that make a coding here (a CSV import logs ``code`` events)."""
ORIGIN_WORDS = {"manual": "coded by hand", "suggested": "an accepted suggestion",
                "adjusted": "an accepted (adjusted) suggestion",
                "imported": "imported from a CSV file"}
"""How an unrecorded consensus coding made here reads, by its origin."""


@dataclass(frozen=True)
class ReconcileRecord:
    """What :meth:`ReconcileMixin.reconcile_record` returns."""

    entries: list[dict[str, Any]]
    """The selected decisions and unrecorded consensus codings, oldest first."""
    decisions: list[dict[str, Any]]
    """Every decision (unfiltered), for the totals."""
    unrecorded: list[dict[str, Any]]
    """Every consensus coding without a reconcile record (unfiltered)."""
    consensus_codings: int
    """Active consensus codings in the project."""

    @property
    def conflicts(self) -> list[tuple[int, int]]:
        """Pairs of event ids of decisions in effect on overlapping stretches of one theme.

        Two copies can each decide the same disagreement; after a merge both stand (their
        consensus codings both stay), which a methods section must not report as one
        decision. Deciding the stretch again in the reconcile screen settles it.
        """
        live = sorted((d for d in self.decisions if d["status"] == "in effect"),
                      key=lambda d: (d["transcript_id"], d["theme_id"], d["coder"],
                                     d["start"], d["id"]))
        pairs = []
        for i, a in enumerate(live):
            # By index: a slice of the rest for every decision copied the list each
            # time (3 s of `qcahp reconcile log` with 32,000 decisions).
            for j in range(i + 1, len(live)):
                b = live[j]
                if (b["transcript_id"], b["theme_id"], b["coder"]) != (
                        a["transcript_id"], a["theme_id"], a["coder"]) or b["start"] >= a["end"]:
                    break
                pairs.append((a["id"], b["id"]))
        return pairs


CONSENSUS_PROBLEM = ("{coder!r} is the consensus coder, which holds the reconciled result; "
                     "hand coding would mix into it")
"""Why a consensus coder may not code by hand (:meth:`ReconcileMixin.consensus_problem`)."""
CONSENSUS_CLI_ADVICE = ("give your own name with --coder NAME, and decide the consensus on "
                        "the reconcile screen (R) or with `qcahp reconcile decide`; "
                        "nothing was changed")
"""What a command refusing a consensus coder says to do instead."""


class ReconcileMixin:
    """Reconcile methods of :class:`~qualcoder_ahp.model.store.Store`."""

    conn: sqlite3.Connection

    # ------------------------------------------------------------------ the consensus guard
    def consensus_coders(self: Store) -> set[str]:
        """The coders that hold a reconciled result: ``consensus``, any coder a
        reconcile decision (made here or merged in) went into, and any owner of a coding
        of origin ``consensus`` (:meth:`consensus_problem` asks the same of one coder)."""
        rows = self.conn.execute(
            "SELECT DISTINCT k.name FROM codings c JOIN coders k ON k.id = c.coder_id "
            "WHERE c.origin = 'consensus' UNION SELECT DISTINCT k.name FROM events e "
            "JOIN coders k ON k.id = e.coder_id WHERE e.kind = 'reconcile' OR "
            "(e.kind = 'merged' AND json_valid(e.payload) AND "
            "json_extract(e.payload, '$.original_kind') = 'reconcile')")
        return {CONSENSUS_CODER} | {r[0] for r in rows}

    def consensus_problem(self: Store, coder: str) -> str | None:
        """Why ``coder`` may not code by hand, or None when they may.

        The consensus coder's codings are the team's reconciled result: each comes from
        a reconcile decision, logged with its rule and the coders compared. Accepting,
        rejecting, coding or importing codings under that name (``consensus``, or any
        coder a decision went into: ``qcahp reconcile decide --consensus NAME``) would
        mix unlogged codings into it. Undo and redo stay open to it: they take back or
        bring back a logged decision. The caller says what to do instead.
        """
        coder = coder.strip()
        if coder != CONSENSUS_CODER and not self._decided_into(coder):
            return None
        return CONSENSUS_PROBLEM.format(coder=coder)

    def refuse_consensus(self: Store, coder: str, advice: str = CONSENSUS_CLI_ADVICE) -> None:
        """Raise a one-line :class:`UserError` when ``coder`` is a consensus coder
        (:meth:`consensus_problem`), before anything is written."""
        problem = self.consensus_problem(coder)
        if problem is not None:
            raise UserError(f"{problem}: {advice}")

    def refuse_consensus_theme_change(self: Store, coder: str) -> None:
        """Raise a one-line :class:`UserError` when a theme would be added, edited,
        merged, retired or restored under a consensus coder's name: its log and undo hold
        the reconcile decisions, and ``qcahp undo --coder consensus`` would take back a
        theme change instead of the last decision."""
        if self.consensus_problem(coder) is not None:
            raise UserError(f"{coder.strip()!r} is the consensus coder, whose log holds the "
                            "reconcile decisions: change themes under your own name with "
                            "--coder NAME; nothing was changed")

    def consensus_target_problem(self: Store, consensus: str) -> str | None:
        """Why reconcile decisions may not go into ``consensus``, or None when they may.

        A coder who codes on their own (codings not made by a reconcile decision, or
        decisions on suggestions) is a coder, not a consensus: ``--consensus cai``
        naming one mixed reconcile codings into cai's own (their own then read as
        "without a reconcile record"), and made cai a consensus coder, so ``qcahp
        agreement`` and ``qcahp methods`` silently stopped comparing cai. ``consensus``
        itself and a coder decided into before keep working (a consensus holding codings
        from before the reconcile log is listed by ``qcahp reconcile log`` as such).
        """
        name = consensus.strip()
        if not name:
            return "the consensus coder needs a name (--consensus NAME)"
        if name == CONSENSUS_CODER or self._decided_into(name):
            return None
        row = self.conn.execute(
            "SELECT (SELECT count(*) FROM codings c WHERE c.coder_id = k.id AND c.active = 1 "
            "AND c.origin != 'consensus'), (SELECT count(*) FROM codings c WHERE c.coder_id "
            "= k.id AND c.origin != 'consensus'), (SELECT count(*) FROM decisions d WHERE "
            "d.coder_id = k.id) FROM coders k WHERE k.name = ?", [name]).fetchone()
        if row is None or not (row[1] or row[2]):
            return None
        own = [plural(row[0], "coding") + " in effect" if row[0]
               else plural(row[1], "coding") + ", undone or removed" if row[1] else "",
               plural(row[2], "decision") + " on suggestions" if row[2] else ""]
        return (f"{name!r} codes on their own ({' and '.join(p for p in own if p)}), so "
                "reconcile decisions cannot go into them: their codings would be mixed with "
                f"the consensus and they would no longer be compared; decide into "
                f"{CONSENSUS_CODER!r} (the default) or a name no coder uses; nothing was "
                "changed")

    def refuse_consensus_target(self: Store, consensus: str) -> None:
        """Raise a one-line :class:`UserError` when ``consensus`` may not be decided into
        (:meth:`consensus_target_problem`), before anything is written."""
        problem = self.consensus_target_problem(consensus)
        if problem is not None:
            raise UserError(problem)

    def _decided_into(self: Store, coder: str) -> bool:
        """Whether a reconcile decision (here or merged in) went into ``coder``: it holds
        a consensus coding (kept, inactive, when undone), or a logged decision (a
        rejection makes no coding)."""
        row = self.conn.execute(
            "SELECT 1 FROM coders k WHERE k.name = ? AND (EXISTS (SELECT 1 FROM codings c "
            "WHERE c.coder_id = k.id AND c.origin = 'consensus') OR EXISTS (SELECT 1 FROM "
            "events e WHERE e.coder_id = k.id AND (e.kind = 'reconcile' OR (e.kind = "
            "'merged' AND json_valid(e.payload) AND "
            "json_extract(e.payload, '$.original_kind') = 'reconcile'))))",
            [coder]).fetchone()
        return row is not None

    def reconcile(
        self: Store,
        transcript_id: int,
        theme_id: str,
        consensus: str,
        spans: list[tuple[int, int]],
        *,
        rule: str,
        compared: list[str],
        start: int,
        end: int,
        taken_from: str | None = None,
        decided_by: str | None = None,
    ) -> list[int]:
        """Decide one disagreement stretch into the consensus coder, in one event.

        The consensus coder's active codings of the theme overlapping ``[start, end)``
        are removed and ``spans`` coded (origin ``consensus``); one ``reconcile`` event
        records the changes (so one undo reverts the whole decision) and how the
        decision was made. ``spans`` empty is a rejection: logged all the same.
        ``decided_by`` names the person deciding (the workbench's coder), who is
        usually not the consensus coder the codings belong to.

        Returns:
            The ids of the new consensus codings.
        """
        if rule not in RECONCILE_RULES:
            raise UserError(f"unknown reconcile rule {rule!r}")
        self.refuse_consensus_target(consensus)
        return self._reconcile(transcript_id, theme_id, consensus, spans, rule=rule,
                               compared=compared, start=start, end=end,
                               taken_from=taken_from, decided_by=decided_by)

    def _reconcile(self: Store, transcript_id: int, theme_id: str, consensus: str,
                   spans: list[tuple[int, int]], *, rule: str, compared: list[str],
                   start: int, end: int, taken_from: str | None = None,
                   decided_by: str | None = None) -> list[int]:
        """:meth:`reconcile` once its arguments are checked (``copy_agreed`` checks the
        consensus once for all its stretches)."""
        self._check_theme(theme_id)
        with self.write():
            coder_id = self.ensure_coder(consensus)
            # The ids alone, by the coder's index (codings() names the coder and reads the
            # memos, and SQLite chose the transcript's index, every coder's codings: a
            # third of `qcahp reconcile copy-agreed`'s time went here).
            removed = [int(row[0]) for row in self.conn.execute(
                "SELECT id FROM codings INDEXED BY codings_by_coder WHERE coder_id = ? AND "
                'transcript_id = ? AND active = 1 AND theme_id = ? AND start < ? AND "end" > ? '
                "ORDER BY start, id", [coder_id, transcript_id, theme_id, end, start])]
            changes: list[dict[str, Any]] = [
                {"op": "coding", "id": cid, "before": 1, "after": 0} for cid in removed]
            created = [self._insert_coding(transcript_id, theme_id, coder_id, s, e,
                                           "consensus", None) for s, e in spans]
            changes += [{"op": "coding", "id": cid, "before": 0, "after": 1} for cid in created]
            info = {"rule": rule, "taken_from": taken_from, "compared": list(compared),
                    "decided_by": decided_by,
                    "transcript_id": transcript_id, "theme_id": theme_id, "start": start,
                    "end": end, "coding_ids": created, "removed_ids": removed}
            self._apply_and_log(coder_id, "reconcile", changes, info)
        return created

    def copy_agreed(self: Store, stretches: Sequence[Any], consensus: str, *,
                    decided_by: str | None,
                    progress: Callable[[int, int], None] | None = None,
                    ) -> tuple[list[Any], list[int]]:
        """Copy each stretch every compared coder coded identically into the consensus,
        in one transaction: one ``reconcile`` event each (rule ``agreed``), as
        ``qcahp reconcile copy-agreed`` and the reconcile screen's ``g`` do.

        A stretch the consensus already codes (a coding of the theme overlapping it) is
        left as it is; the consensus is read once, inside the transaction, so a second
        copy made meanwhile (another window, a second ``g``) copies nothing twice.

        Args:
            stretches: :class:`~qualcoder_ahp.agreement.reconcile.ReconcileItem` of the
                agreed stretches.
            consensus: the coder to copy into.
            decided_by: who decides (recorded in each event).
            progress: called ``(done, total)`` every 500 stretches and at the end; it may
                raise to stop, and then nothing is copied.

        Returns:
            The stretches copied and their events' ids, in the same order.
        """
        events: list[int] = []
        self.refuse_consensus_target(consensus)
        with self.write():
            there: dict[tuple[int, str], list[tuple[int, int]]] = {}
            for c in self.codings(coder=consensus):  # read once, not once a stretch
                there.setdefault((c.transcript_id, c.theme_id), []).append((c.start, c.end))
            todo = [it for it in stretches if not any(
                s < it.end and e > it.start
                for s, e in there.get((it.transcript_id, it.theme_id), ()))]
            for done, item in enumerate(todo, start=1):
                self._reconcile(item.transcript_id, item.theme_id, consensus, item.union(),
                                rule="agreed", compared=[c for c, _ in item.spans],
                                start=item.start, end=item.end, decided_by=decided_by)
                events.append(self.newest_event_id())
                if progress is not None and (done % 500 == 0 or done == len(todo)):
                    progress(done, len(todo))
        return todo, events

    def reconcile_log(self: Store, stretch: tuple[int, str] | None = None, *,
                      stretches: Collection[tuple[int, str]] | None = None,
                      ) -> list[dict[str, Any]]:
        """Every reconcile decision here or merged in, oldest first, each with its ``status``.

        Each entry is the event's payload (ids in this database's terms) plus ``id``
        (the event here), ``coder`` (the consensus coder), ``at``, ``status`` and
        ``source`` (``None``, or the project file a merged decision came from).
        ``status`` is ``in effect``, ``undone`` (undone and not redone) or
        ``replaced`` (a later decision in effect covers the same stretch and none of
        this one's codings is still active).

        ``stretch``: ``(transcript_id, theme_id)``, only the decisions on that theme in
        that transcript, with the statuses they have in the whole log (a decision's
        status depends on the decisions of its coder, transcript and theme only): the
        reconcile screen reads again only what its own decision or undo changed, not
        the whole log (a second on a 1M-word study: :meth:`reconcile_stretches_changed`).
        ``stretches``: the same for several stretches (a decision on another one is
        passed over before its payload is read).
        """
        rows: list[dict[str, Any]] = []
        undos: dict[int, int] = {}
        # An undo or redo is read for its target only, and a decision on another stretch
        # not at all, in SQLite (their payloads parsed here were most of the time).
        where, args = "", []
        if stretch is not None:
            where = ("AND (e.kind != 'reconcile' OR (json_extract(e.payload, '$.transcript_id') "
                     "= ? AND json_extract(e.payload, '$.theme_id') = ?)) ")
            args = [stretch[0], stretch[1]]
        wanted = None if stretches is None else {(int(t), str(h)) for t, h in stretches}
        if stretch is not None and wanted is not None:
            wanted &= {(int(stretch[0]), str(stretch[1]))}
        elif stretch is not None:
            wanted = {(int(stretch[0]), str(stretch[1]))}
        for event_id, coder, at, kind, target, raw, tid, theme in self.conn.execute(
                "SELECT e.id, k.name, e.at, e.kind, CASE WHEN e.kind IN ('undo', 'redo') THEN "
                "json_extract(e.payload, '$.target') END, CASE WHEN e.kind IN ('undo', 'redo') "
                "THEN NULL ELSE e.payload END, "
                + ("CASE WHEN e.kind = 'reconcile' THEN json_extract(e.payload, "
                   "'$.transcript_id') END, CASE WHEN e.kind = 'reconcile' THEN "
                   "json_extract(e.payload, '$.theme_id') END " if stretches is not None
                   else "NULL, NULL ")
                + "FROM events e LEFT JOIN coders k ON k.id = e.coder_id "
                "WHERE (e.kind IN ('reconcile', 'undo', 'redo') OR (e.kind = 'merged' AND "
                "json_extract(e.payload, '$.original_kind') IN ('reconcile', 'undo', 'redo'))) "
                + where + "ORDER BY e.id", args):
            if kind in ("undo", "redo"):
                undos[target] = undos.get(target, 0) + (1 if kind == "undo" else -1)
                continue
            if tid is not None and (tid, theme) not in wanted:  # type: ignore[operator]
                continue  # a decision on a stretch not asked for: its payload not parsed
            payload = json.loads(raw)
            source = None
            if kind == "merged":
                if "local" not in payload:
                    continue  # merged before ids were translated: cannot be placed here
                # The copy by its file name alone, as `qcahp log` names it: the log is
                # exported and shared, and the path can hold a login or a participant.
                kind, source = payload["original_kind"], file_name(payload.get("source"))
                payload = {**payload["original"], **payload["local"]}
            if kind in ("undo", "redo"):
                target = payload.get("target")
                undos[target] = undos.get(target, 0) + (1 if kind == "undo" else -1)
                continue
            if wanted is not None and (payload["transcript_id"],
                                       payload["theme_id"]) not in wanted:
                continue  # a merged decision on another stretch
            rows.append({**payload, "id": event_id, "coder": coder, "at": at,
                         "kind": "reconcile", "source": source})
        # Merged decisions keep their own time: the log reads in the order they were made.
        rows.sort(key=lambda e: (e["at"], e["id"]))
        for event in rows:
            event["_done"] = undos.get(event["id"], 0) <= 0
        active = self._active_consensus({cid for e in rows for cid in e["coding_ids"]})
        # A decision is replaced when a later one in effect, of the same consensus coder,
        # covers part of its stretch of the theme: by groups of (coder, transcript,
        # theme), each read from its newest decision back, so that the later ones are
        # the ones already read (:class:`_LaterStretches`), not the whole log again.
        groups: dict[tuple[Any, Any, Any], list[dict[str, Any]]] = {}
        for event in rows:
            groups.setdefault((event["coder"], event["transcript_id"], event["theme_id"]),
                              []).append(event)
        for group in groups.values():
            later = _LaterStretches([e["start"] for e in group])
            for event in reversed(group):
                # A coding of it still active keeps it in effect: two copies that decided
                # the same stretch independently both stand after a merge (both codings
                # are active).
                kept = any(cid in active for cid in event["coding_ids"])
                covered = later.overlaps(event["start"], event["end"])
                event["status"] = ("undone" if not event["_done"] else
                                   "replaced" if covered and not kept else "in effect")
                if event["_done"]:
                    later.add(event["start"], event["end"])
        for event in rows:
            del event["_done"]
        return rows

    def rejection_log(self: Store) -> list[dict[str, Any]]:
        """The :meth:`reconcile_log` of the stretches where a decision (here or merged in)
        left its consensus coder no coding (a rejection), every decision on them with the
        status it has in the whole log; the others' are not read.

        What the reconcile screen needs of the log, to tell a rejected stretch from an
        undecided one (no coding marks it): reading every decision took a second of the
        screen's opening at 1M words (33,000 decisions after ``copy-agreed``), and a
        project holds far fewer rejections than decisions.
        """
        found = {(int(tid), str(theme)) for tid, theme in self.conn.execute(
            "SELECT DISTINCT json_extract(payload, '$.transcript_id'), "
            "json_extract(payload, '$.theme_id') FROM events WHERE kind = 'reconcile' AND "
            "json_array_length(payload, '$.coding_ids') = 0")}
        for (raw,) in self.conn.execute(
                "SELECT payload FROM events WHERE kind = 'merged' AND "
                "json_extract(payload, '$.original_kind') = 'reconcile'"):
            payload = json.loads(raw)
            if "local" in payload:  # else not placed here (as reconcile_log passes it over)
                decision = {**payload["original"], **payload["local"]}
                if not decision["coding_ids"]:
                    found.add((int(decision["transcript_id"]), str(decision["theme_id"])))
        return self.reconcile_log(stretches=found) if found else []

    def reconcile_stretches_changed(self: Store, after: int, upto: int, limit: int = 50
                                    ) -> set[tuple[int, str]] | None:
        """The ``(transcript_id, theme_id)`` whose reconcile decisions or codings the
        events ``after < id <= upto`` changed, or ``None`` when that cannot be said (more
        than ``limit`` events, or one that does not say what it changed: a merge, a
        withdrawal, a theme edit; :meth:`~DecisionMixin.changed_since`).

        A decision names its stretch even when it changed no coding (a rejection of a
        stretch the consensus did not code), and an undo or redo the decision it took
        back or brought back; the codings changed name theirs.
        """
        changed = self.changed_since(after, upto, limit)
        if changed is None:
            return None
        stretches = {(int(row[1]), str(row[3])) for row in changed["codings"]}
        for (tid, theme) in self.conn.execute(
                "SELECT json_extract(d.payload, '$.transcript_id'), "
                "json_extract(d.payload, '$.theme_id') FROM events e JOIN events d ON d.id = "
                "CASE WHEN e.kind = 'reconcile' THEN e.id "
                "WHEN e.kind IN ('undo', 'redo') THEN json_extract(e.payload, '$.target') END "
                "WHERE e.id > ? AND e.id <= ? AND d.kind = 'reconcile'", [after, upto]):
            stretches.add((int(tid), str(theme)))
        return stretches

    def _active_consensus(self: Store, coding_ids: set[int]) -> set[int]:
        """Which of these codings are active consensus codings (origin ``consensus``),
        looked up by id: the decisions' own codings, not every coding of the study."""
        listed = sorted(coding_ids)
        found: set[int] = set()
        for k in range(0, len(listed), 500):
            chunk = listed[k:k + 500]
            found.update(cid for (cid,) in self.conn.execute(
                "SELECT id FROM codings WHERE origin = 'consensus' AND active = 1 AND id IN ("
                + ",".join("?" * len(chunk)) + ")", chunk))
        return found

    def spans_by_id(self: Store, coding_ids: Iterable[int]) -> dict[int, tuple[int, int]]:
        """Codings' ``(start, end)`` (active or not) by id, in one query per 500 ids; an
        id not in the project is left out. What the reconcile log shows of a decision's
        codings, without the coder, quote and memo :meth:`codings_by_id` reads for each."""
        listed = sorted(set(coding_ids))
        found: dict[int, tuple[int, int]] = {}
        for k in range(0, len(listed), 500):
            chunk = listed[k:k + 500]
            found.update((cid, (start, end)) for cid, start, end in self.conn.execute(
                'SELECT id, start, "end" FROM codings WHERE id IN ('
                + ",".join("?" * len(chunk)) + ")", chunk))
        return found

    def unrecorded_consensus(
        self: Store, log: list[dict[str, Any]] | None = None,
        consensus: list[tuple[Any, ...]] | None = None,
    ) -> list[dict[str, Any]]:
        """The active consensus codings that no reconcile decision accounts for.

        Each is shaped like a :meth:`reconcile_log` entry (``rule`` ``unrecorded``,
        ``id`` ``None``, ``coding_ids`` the one coding, ``at`` its creation time) with
        a ``reason`` saying where it came from as far as the project can tell: made
        here before the reconcile log (or by hand, an import), merged in from another
        project file, or no record at all.

        Args:
            log: :meth:`reconcile_log` if the caller has it already.
            consensus: :meth:`_consensus_codings` of that log, if the caller has them.
        """
        log = self.reconcile_log() if log is None else log
        if consensus is None:
            consensus = self._consensus_codings(log)
        recorded = {cid for e in log for cid in e["coding_ids"]}
        missing = [row for row in consensus if row[0] not in recorded]
        if not missing:
            return []
        made_here = self._coding_creators({row[0] for row in missing})
        imported = self.refi_imported_from({c for c, k in made_here.items()
                                            if k == "refi_import"})
        merges = self._merged_ranges()
        entries = []
        for cid, tid, theme, coder, start, end, origin, created in missing:
            source = next((src for lo, hi, src in merges if lo <= cid <= hi), None)
            reason = _reason(made_here.get(cid), origin, source, bool(merges))
            if cid in imported and source is None:  # which file, and when
                reason = "imported from {} (REFI-QDA) on {}".format(*imported[cid])
            entries.append({
                "id": None, "coder": coder, "at": created, "kind": UNRECORDED,
                "rule": UNRECORDED, "taken_from": None, "compared": [], "decided_by": None,
                "transcript_id": tid, "theme_id": theme, "start": start, "end": end,
                "coding_ids": [cid], "removed_ids": [], "status": "in effect",
                "source": source, "reason": reason,
            })
        return entries

    def reconcile_record(
        self: Store, *, theme: str | None = None, transcript: str | None = None,
        rule: str | None = None, by: str | None = None, status: str | None = None,
    ) -> ReconcileRecord:
        """The reconcile log and the unrecorded consensus codings, filtered, with totals.

        Args:
            theme: a theme id; a folder theme also selects the themes under it.
            transcript: a transcript id, ``name`` (every version) or ``name@version``.
            rule: one of :data:`RECONCILE_RULES` or ``unrecorded``.
            by: the coder who decided (unrecorded codings have no decider); a coder's
                decisions recorded under a name they had before (renamed, or joined into
                them) are theirs too (:func:`decided_by_matcher`).
            status: ``in effect``, ``replaced`` or ``undone``.

        Raises:
            UserError: an unknown theme, transcript, rule, coder or status, named.
        """
        themes = self._theme_and_below(theme) if theme is not None else None
        transcripts = self._transcript_ids(transcript) if transcript is not None else None
        if rule is not None and rule not in (*RECONCILE_RULES, UNRECORDED):
            raise UserError(f"no reconcile rule {rule!r} (rules: "
                            f"{', '.join((*RECONCILE_RULES, UNRECORDED))})")
        if status is not None and status not in STATUSES:
            raise UserError(f"no status {status!r} (statuses: {', '.join(STATUSES)})")
        log = self.reconcile_log()
        # The decider is the workbench's coder; one who only decided may own no coding.
        people = sorted(set(self.coders()) | {e["decided_by"] for e in log
                                              if e.get("decided_by")})
        if by is not None and by not in people:
            from qualcoder_ahp.model.coders_store import coder_names, shell_arg

            became = coder_names(self.conn).now(by)
            hint = (f"; {by!r} was renamed or joined: the coder is {became!r} now, and "
                    f"--by {shell_arg(became)} finds their decisions" if became else "")
            raise UserError(f"no coder named {by!r} in this project (coders: "
                            f"{', '.join(people) or 'none yet'}){hint}")
        # Read once for the unrecorded and the total (every consensus coding: 32,000 rows
        # after copy-agreed at 1M words).
        consensus = self._consensus_codings(log)
        unrecorded = self.unrecorded_consensus(log, consensus)
        entries = sorted(log + unrecorded, key=lambda e: (e["at"], e["id"] is None, e["id"] or 0))
        decided = decided_by_matcher(self, by)
        shown = [e for e in entries
                 if (themes is None or e["theme_id"] in themes)
                 and (transcripts is None or e["transcript_id"] in transcripts)
                 and (rule is None or rule_matches(e, rule))
                 and (by is None or decided(e.get("decided_by"), e["at"]))
                 and (status is None or e["status"] == status)]
        return ReconcileRecord(shown, log, unrecorded, len(consensus))

    def _theme_and_below(self: Store, theme: str) -> set[str]:
        """The theme's id and those of every theme under it (a folder selects its children)."""
        tree = [(t.id, t.parent_id) for t in self.themes()]
        if theme not in {tid for tid, _ in tree}:
            raise UserError(f"no theme {theme!r} in the codebook")
        chosen = {theme}
        grew = True
        while grew:
            below = {tid for tid, parent in tree if parent in chosen}
            grew = not below <= chosen
            chosen |= below
        return chosen

    def _transcript_ids(self: Store, ref: str) -> set[int]:
        """Ids a transcript reference selects: every version of a bare name."""
        found = self.transcript(ref)  # raises "no transcript 'x' in this project"
        if "@" in ref or ref.isdigit():
            return {found.id}
        return {t.id for t in self.transcripts() if t.name == found.name}

    def _consensus_codings(self: Store, log: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
        """Active consensus codings: origin consensus, or of the consensus coder(s)."""
        coders = {CONSENSUS_CODER} | {e["coder"] for e in log if e["coder"]}
        marks = ",".join("?" * len(coders))
        return self.conn.execute(
            'SELECT c.id, c.transcript_id, c.theme_id, k.name, c.start, c."end", c.origin, '
            "c.created_at FROM codings c JOIN coders k ON k.id = c.coder_id "
            f"WHERE c.active = 1 AND (c.origin = 'consensus' OR k.name IN ({marks})) "
            "ORDER BY c.created_at, c.id", sorted(coders)).fetchall()

    def _coding_creators(self: Store, ids: set[int]) -> dict[int, str]:
        """For each of ``ids`` made by an event here: that event's kind."""
        kinds = CREATING_KINDS
        creators: dict[int, str] = {}
        for kind, raw in self.conn.execute(
                f"SELECT kind, payload FROM events WHERE kind IN ({','.join('?' * len(kinds))}) "
                "ORDER BY id", kinds):
            for change in json.loads(raw).get("changes", []):
                cid = change.get("id")
                if (change.get("op") == "coding" and change.get("before") == 0
                        and cid in ids and cid not in creators):
                    creators[cid] = kind
        return creators

    def _merged_ranges(self: Store) -> list[tuple[int, int, str | None]]:
        """(first, last coding id, source) of each merge here; (0, -1, source) if unknown."""
        ranges = []
        for (raw,) in self.conn.execute("SELECT payload FROM events WHERE kind = 'merge' "
                                        "ORDER BY id"):
            payload = json.loads(raw)
            lo, hi = payload.get("coding_range") or (0, -1)
            ranges.append((int(lo), int(hi), file_name(payload.get("source"))))
        return ranges


def rejects(event: dict[str, Any]) -> bool:
    """Whether a decision left the consensus coding nothing in its stretch: a ``reject``,
    or ``take CODER`` where that coder coded nothing there (logged as ``take``, as the
    decider chose it; its effect is a rejection, and the screen shows it as rejected)."""
    return event["rule"] != UNRECORDED and not event["coding_ids"]


def rule_matches(event: dict[str, Any], rule: str) -> bool:
    """Whether ``--rule RULE`` selects a log entry: its own rule, and for ``reject`` every
    decision that left the consensus nothing there (read so, the logged event unchanged)."""
    return event["rule"] == rule or (rule == "reject" and rejects(event))


def _reason(creator: str | None, origin: str, source: str | None, merged_any: bool) -> str:
    """Why a consensus coding has no reconcile record, in words for the log."""
    if source is not None:
        return f"merged from {source}"
    if creator == "refi_import":
        return "imported from a REFI-QDA project"
    if creator is not None:
        if origin == "consensus":  # the reconcile screen wrote plain codings before the log
            return "made before the reconcile log"
        return ORIGIN_WORDS.get(origin, f"made here (origin {origin})")
    if merged_any:
        return "merged from another project"
    return "no event records how it was made"


class _LaterStretches:
    """The stretches ``[start, end)`` of a group's later decisions, asked whether any
    overlaps a stretch, in O(log n) per question and per stretch added.

    A Fenwick tree over the group's starts keeps, for the starts up to each one, the
    largest end added: a stretch added overlaps ``[start, end)`` exactly when one with
    a start before ``end`` ends after ``start``.
    """

    def __init__(self, starts: list[Any]) -> None:
        self.starts = sorted(set(starts))
        self.ends: list[Any] = [None] * (len(self.starts) + 1)

    def add(self, start: Any, end: Any) -> None:
        """Add a later decision's stretch."""
        k = bisect.bisect_left(self.starts, start) + 1
        while k < len(self.ends):
            if self.ends[k] is None or self.ends[k] < end:
                self.ends[k] = end
            k += k & -k

    def overlaps(self, start: Any, end: Any) -> bool:
        """Whether a stretch added overlaps ``[start, end)``."""
        k = bisect.bisect_left(self.starts, end)  # the starts before ``end``
        while k > 0:
            if self.ends[k] is not None and self.ends[k] > start:
                return True
            k -= k & -k
        return False


def translate_merged(kind: str, payload: dict[str, Any], source: str,
                     tmap: dict[int, int], kmap: dict[int, int],
                     emap: dict[int, int]) -> dict[str, Any]:
    """The ``local`` and ``source`` parts of a merged event that the reconcile log reads.

    Args:
        kind: the event's kind in the other copy (``merged`` when it was merged
            there in turn; then its own ``local`` ids are translated again).
        payload: the event's payload in the other copy.
        source: the other copy's file, as given to the merge.
        tmap, kmap, emap: the other copy's transcript, coding and event ids -> ours.

    Returns:
        ``{"local": ..., "source": ...}`` to add to the merged body, or ``{}`` for an
        event the log does not read (or one merged there without ``local``).
    """
    try:
        if kind == "merged":
            if "local" not in payload:
                return {}
            kind, source = payload["original_kind"], payload.get("source") or source
            ids = payload["local"]
        else:
            ids = payload
        if kind == "reconcile":
            local: dict[str, Any] = {
                "transcript_id": tmap[ids["transcript_id"]],
                "coding_ids": [kmap[c] for c in ids["coding_ids"]],
                "removed_ids": [kmap[c] for c in ids["removed_ids"]]}
        elif kind in ("undo", "redo"):
            local = {"target": emap[ids["target"]]}
        else:
            return {}
    except (KeyError, TypeError, AttributeError):
        return {}  # an id the other copy does not have: leave it unplaced, not misplaced
    return {"local": local, "source": source}


def decided_by_matcher(store: Store, by: str | None) -> Callable[[str | None, str], bool]:
    """Whether a record's ``decided_by`` (a name as it was when the record was made, at
    its time) names ``by``.

    Records keep the names of the time (``decided_by``, ``compared``, ``taken_from``).
    A record made under ``by`` is ``by``'s; so, when ``by`` is a coder of this project,
    is one made under a name that coder had then (renamed since, or joined into them:
    ``qcahp coders rename``/``join``). A former name finds what was recorded under it.
    """
    from qualcoder_ahp.model.coders_store import coder_names

    if by is None or by not in store.coders():
        return lambda name, _at: name == by
    names = coder_names(store.conn)
    return lambda name, at: name is not None and (name == by or names.now(name, at) == by)
