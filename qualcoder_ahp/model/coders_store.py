"""Coders: list them, rename one, join two spellings of one person into one.

A mixin of :class:`qualcoder_ahp.model.store.Store` (``qcahp coders``). A coder is
one row of ``coders`` (name, REFI-QDA user GUID); their work points at it by id:
``codings``, ``decisions``, ``memos`` and the ``events`` log (a ``theme_merge``'s
memo changes name it as ``coder_id`` too). Project settings name coders by name:
the workbench's remembered coder (``coder``) and each coder's recent themes
(``recent_themes:NAME``). Blind coding (``blind``) is one switch for everyone.

- :meth:`CodersMixin.rename_coder` changes the name and nothing else: the id, and so
  every coding, decision, memo and event, stays; the GUID stays, so a REFI-QDA export
  made before the rename still finds the coder when it is imported again. The two
  settings follow the name. One ``coder_rename`` event records old name, new name,
  GUID and who renamed.
- :meth:`CodersMixin.join_coders` moves everything of one coder (FROM) to another
  (INTO) and removes FROM: a mistyped name (``Ana`` one day, ``ana`` the next) or a
  case twin a merge brought in. In one transaction, with one ``coder_join`` event
  whose ``changes`` say what the join changed, so a replay of the log still gives the
  projections. The rules:

  * both decided the same suggestion: the later decision stands (by the time of the
    event that made it), as when a coder decides a suggestion again; the other is
    removed with its coding. "identical" when both said the same (status and span),
    a conflict otherwise: every conflict is listed;
  * identical codings (same transcript, theme and span, both in effect) are kept
    once: the one a decision stands on, else the later; the other is removed
    (made inactive, as every removal is), its memo going to the one kept;
    overlapping codings of a theme stay as they are: a coder's codings may overlap,
    and agreement takes the union of a coder's spans;
  * memos on the same target are joined into one (oldest text first);
  * FROM's events become INTO's (the append-only trigger is lifted for that update
    only, as :mod:`~qualcoder_ahp.model.withdraw_store` does): the log keeps their
    kind, time and record, and the ``coder_join`` event lists their ids, so which
    events were made under the other name stays on record. INTO's undo then reaches
    FROM's decisions too, in time order; a join whose two undo histories would not
    replay as one (one name undid a decision made before the other name's last one)
    is refused, since undo would then take back the wrong decision;
  * INTO keeps its GUID; FROM's is recorded in the event.

A copy that still calls the coder by the old name (a coder who goes on coding in their
copy) merges as the coder the name became: :class:`CoderNames` follows the renames
and joins, and :meth:`~qualcoder_ahp.model.store.Store.merge_from` uses it.

The consensus coder (``consensus``, or any coder a reconcile decision was made into)
can be neither renamed nor joined: reports find it by that name (``--consensus``)
and the reconcile log by the coder of its decisions.
"""

from __future__ import annotations

import difflib
import json
import sqlite3
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from qualcoder_ahp.errors import UserError
from qualcoder_ahp.model.reconcile_store import CONSENSUS_CODER

if TYPE_CHECKING:
    from qualcoder_ahp.model.store import Store

CODER_SETTING = "coder"
"""The workbench's remembered coder (``tui.app.CODER_SETTING``)."""
RECENT_PREFIX = "recent_themes:"
"""Each coder's recently used themes (``tui.session``), ``recent_themes:NAME``."""
RECENT_SIZE = 9
"""How many recent themes the workbench keeps (``tui.session.RECENT_SIZE``)."""
OWN_PREFIXES = {"theme:": "colour_scheme", "place:": "place"}
"""The other settings each coder has, ``PREFIX + NAME``, with the name a rename or join
reports them by: the colour scheme the coder chose (``tui.app.THEME_SETTING``) and where
they were reading (``tui.screens.coding.PLACE_SETTING``)."""
EVENTS_NO_UPDATE = ("CREATE TRIGGER events_no_update BEFORE UPDATE ON events\n"
                    "BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;")
"""The log's append-only trigger as m001 creates it (put back after the update)."""


@dataclass(frozen=True)
class CoderSummary:
    """One coder's work, for ``qcahp coders``."""

    name: str
    guid: str
    codings: int
    """Codings in effect."""
    decisions: int
    memos: int
    events: int
    last: str | None
    """Time of the coder's newest event (UTC, ISO 8601), ``None`` if none."""
    consensus: bool
    """The consensus coder (reconciled codings): not renamed or joined."""
    reconciled: int = 0
    """Reconcile decisions this coder made (``decided_by``, under a name they had then):
    logged as the consensus coder's events, whose codings they are, so a lead who only
    reconciled counted 0 codings and 0 decisions."""
    reconciled_in_effect: int = 0
    """Of :attr:`reconciled`, those in effect (not undone, not decided again)."""
    decided_into: tuple[str, ...] = ()
    """The consensus coders those decisions went into."""
    into: Received | None = None
    """For a consensus coder: the reconcile decisions made into it, which made its
    codings (``None`` for any other coder)."""


@dataclass(frozen=True)
class Received:
    """What a consensus coder holds and how it came to: the reconcile decisions made into
    it (logged as its events, ``decided_by`` the person) and the codings they made. Its
    own :attr:`CoderSummary.decisions` (suggestions) are none: it decides nothing."""

    decisions: int = 0
    """Reconcile decisions made into it, here or merged in, undone ones included."""
    in_effect: int = 0
    """Of :attr:`decisions`, those in effect (not undone, not decided again)."""
    coding_nothing: int = 0
    """Of those in effect, the ones that leave the stretch uncoded (reject, or take a
    coder who coded nothing there)."""
    deciders: tuple[tuple[str | None, int], ...] = ()
    """Who decided them, under their name now, with how many (most first); ``None``:
    decisions that name nobody."""
    unrecorded: int = 0
    """Its codings in effect that no reconcile decision made (``qcahp reconcile log``
    lists them as unrecorded)."""


@dataclass(frozen=True)
class Conflict:
    """Two different decisions on one suggestion, one of them kept."""

    suggestion_id: int
    theme_id: str
    transcript_id: int
    start: int
    end: int
    kept: tuple[str, str, str]
    """(coder, decision, time) of the decision that stands."""
    dropped: tuple[str, str, str]


@dataclass
class JoinResult:
    """What :meth:`CodersMixin.join_coders` did (or, in a dry run, would do)."""

    source: str
    into: str
    source_guid: str
    into_guid: str
    decisions: int = 0
    """FROM's decisions moved to INTO."""
    codings: int = 0
    """FROM's codings in effect moved to INTO."""
    inactive_codings: int = 0
    """FROM's removed or undone codings moved too (redo may bring them back)."""
    memos: int = 0
    """FROM's memos moved (a joined one included)."""
    events: int = 0
    """Log events of FROM that are now INTO's."""
    identical_decisions: int = 0
    """Suggestions both decided the same way: kept once."""
    conflicts: list[Conflict] = field(default_factory=list)
    identical_codings: int = 0
    """Codings both had (transcript, theme, span): kept once."""
    memos_joined: int = 0
    """Targets both wrote a memo on: one memo holding both texts."""
    settings: list[str] = field(default_factory=list)
    """The settings that followed the coder (``coder``, ``recent_themes``)."""
    event_id: int | None = None


@dataclass(frozen=True)
class NameStep:
    """One step in a coder's names: ``renamed`` to a name, or ``joined`` into a coder."""

    how: str
    name: str
    at: str


class CoderNames:
    """Who each coder name stands for, following the ``coder_rename`` and ``coder_join``
    events of one database (:func:`coder_names`).

    A name used before a rename or join belongs, for what was recorded under it until
    then, to the coder it became: ``Ana`` renamed ``Ana S`` and then joined into ``ana``
    is ``ana`` now. A name taken again later (a coder of that name made afresh) is that
    new coder from then on; what was recorded under it before still belongs to the
    first. A GUID a rename or join recorded finds its coder the same way.
    """

    def __init__(self) -> None:
        self._parent: dict[int, int] = {}
        self._name: dict[int, str] = {}  # a coder (its token, a root) -> its name now
        self._holder: dict[str, int] = {}  # a name in use -> its coder's token
        self._periods: dict[str, list[tuple[str, int, int]]] = defaultdict(list)
        """name -> (until, token, seq) for each coder that gave the name up."""
        self._steps: dict[int, list[tuple[int, NameStep]]] = defaultdict(list)
        self._guids: dict[str, tuple[int, int]] = {}

    def finish(self, coders: Iterable[str]) -> None:
        """After the events: the coders there are now (a name given up and taken again
        is a coder of its own)."""
        for name in coders:
            self._token(name)

    def _token(self, name: str) -> int:
        if name not in self._holder:
            token = len(self._parent)
            self._parent[token] = token
            self._holder[name] = token
            self._name[token] = name
        return self._holder[name]

    def _root(self, token: int) -> int:
        while self._parent[token] != token:
            token = self._parent[token]
        return token

    def apply(self, seq: int, at: str, kind: str, data: Any) -> None:
        """Take one ``coder_rename`` (``from``, ``to``) or ``coder_join`` (``from``,
        ``into``) event into account; events are applied in the order they were made."""
        if not isinstance(data, dict) or not isinstance(data.get("from"), str):
            return
        source = data["from"]
        target = data.get("to" if kind == "coder_rename" else "into")
        if not isinstance(target, str) or target == source:
            return
        token = self._token(source)
        del self._holder[source]
        self._periods[source].append((at, token, seq))
        guid = data.get("guid" if kind == "coder_rename" else "from_guid")
        if isinstance(guid, str):
            self._guids.setdefault(guid, (token, seq))
        if kind == "coder_rename":
            self._holder[target] = token
            self._name[token] = target
            self._steps[token].append((seq, NameStep("renamed", target, at)))
        else:
            into = self._token(target)
            self._parent[token] = into
            self._steps[token].append((seq, NameStep("joined", target, at)))

    def now(self, name: str, at: str | None = None) -> str | None:
        """The name now of the coder who was ``name`` at time ``at`` (``None``: the
        coder who has it now, else the last to give it up); ``None`` if none was."""
        if at is not None:
            for until, token, _seq in self._periods.get(name, ()):
                if at <= until:
                    return self._name[self._root(token)]
        if name in self._holder:
            return name
        periods = self._periods.get(name)
        return self._name[self._root(periods[-1][1])] if periods else None

    def steps(self, name: str) -> list[NameStep]:
        """How ``name`` (given up) became the coder it is now, oldest step first."""
        periods = self._periods.get(name)
        if not periods:
            return []
        return self._chain(periods[-1][1], periods[-1][2])

    def by_guid(self, guid: str) -> tuple[str, list[NameStep]] | None:
        """The coder now, and the steps, of a GUID a rename or join recorded."""
        found = self._guids.get(guid)
        if found is None:
            return None
        token, seq = found
        return self._name[self._root(token)], self._chain(token, seq)

    def _chain(self, token: int, seq: int) -> list[NameStep]:
        out: list[NameStep] = []
        while True:
            later = [(s, step) for s, step in self._steps[token] if s >= seq]
            out.extend(step for _s, step in later)
            if self._parent[token] == token:
                return out
            seq, token = (later[-1][0] if later else seq), self._parent[token]

    def former(self, name: str) -> list[str]:
        """The names the coder now called ``name`` had before (renamed or joined)."""
        if name not in self._holder:
            return []
        root = self._root(self._holder[name])
        return [old for old, periods in self._periods.items() if old != name
                and any(self._root(token) == root for _u, token, _s in periods)]

    def gave_up(self, name: str) -> str | None:
        """The coder now of the last one who gave ``name`` up (renamed, or joined into
        another), ``None`` if none did."""
        periods = self._periods.get(name)
        return self._name[self._root(periods[-1][1])] if periods else None


def coder_names(conn: sqlite3.Connection) -> CoderNames:
    """The :class:`CoderNames` of a database: its coders now, and the renames and joins
    made in it (not those merged in from a copy: a copy's coders are its own)."""
    names = CoderNames()
    for seq, at, kind, payload in conn.execute(
            "SELECT id, at, kind, payload FROM events WHERE kind IN "
            "('coder_rename', 'coder_join') ORDER BY id"):
        try:
            names.apply(int(seq), str(at), str(kind), json.loads(payload))
        except ValueError:
            continue
    names.finish(r[0] for r in conn.execute("SELECT name FROM coders ORDER BY id"))
    return names


class _DryRun(Exception):
    """Rolls a dry run's transaction back (carrying what it found)."""

    def __init__(self, result: Any) -> None:
        super().__init__("dry run")
        self.result = result


class CodersMixin:
    """Coder methods of :class:`~qualcoder_ahp.model.store.Store` (rename, join, list)."""

    conn: sqlite3.Connection

    # ------------------------------------------------------------------ reads
    def coders_who_coded(self: Store) -> list[str]:
        """The coders who coded (a coding, or a decision on a suggestion: a coder who only
        rejected read the text and disagrees), in order of creation, no consensus coder.

        The consensus coders (:meth:`consensus_coders`: ``consensus``, any coder a
        reconcile decision was made into, any owner of a consensus coding made before
        the reconcile log) hold the agreed coding, not a coder's own. ``qcahp
        agreement``, ``qcahp methods``, ``qcahp reconcile`` and the reconcile screen
        compare these.
        """
        special = self.consensus_coders()
        rows = self.conn.execute(
            "SELECT k.name FROM coders k WHERE EXISTS (SELECT 1 FROM codings c "
            "WHERE c.coder_id = k.id AND c.active = 1) OR EXISTS (SELECT 1 FROM decisions d "
            "WHERE d.coder_id = k.id) ORDER BY k.id").fetchall()
        return [name for (name,) in rows if name not in special]

    def themes_added_in_copies(self: Store) -> dict[str, str]:
        """Theme id -> the coder who added it while coding in their copy of the project
        (``qcahp codebook add-theme`` or ``ctrl+n`` there), brought here by ``qcahp
        merge``: a coder whose copy lacked it could not code it. Themes added here are
        in everyone's codebook and are not listed."""
        rows = self.conn.execute(
            "SELECT json_extract(e.payload, '$.original.theme_id'), k.name FROM events e "
            "JOIN coders k ON k.id = e.coder_id WHERE e.kind = 'merged' AND "
            "json_valid(e.payload) AND json_extract(e.payload, '$.original_kind') = "
            "'theme_add' ORDER BY e.id").fetchall()
        return {theme: name for theme, name in reversed(rows) if isinstance(theme, str)}

    def coder_summaries(self: Store) -> list[CoderSummary]:
        """Every coder with their work, in order of creation."""
        special = self.consensus_coders()
        rows = self.conn.execute(
            "SELECT k.name, k.guid, "
            "(SELECT COUNT(*) FROM codings c WHERE c.coder_id = k.id AND c.active = 1), "
            "(SELECT COUNT(*) FROM decisions d WHERE d.coder_id = k.id), "
            "(SELECT COUNT(*) FROM memos m WHERE m.coder_id = k.id), "
            "(SELECT COUNT(*) FROM events e WHERE e.coder_id = k.id), "
            "(SELECT MAX(e.at) FROM events e WHERE e.coder_id = k.id) "
            "FROM coders k ORDER BY k.id").fetchall()
        made, into, unrecorded = self._reconciled_by(special)
        out = []
        for row in rows:
            mine = made.get(row[0], [])
            last = max([t for t in (row[6], *(e["at"] for e in mine)) if t], default=None)
            out.append(CoderSummary(
                *row[:6], last, consensus=row[0] in special, reconciled=len(mine),
                reconciled_in_effect=sum(e["status"] == "in effect" for e in mine),
                decided_into=tuple(dict.fromkeys(str(e["coder"]) for e in mine)),
                into=_received(into.get(row[0], []), unrecorded.get(row[0], 0))
                if row[0] in special else None))
        return out

    def _reconciled_by(self: Store, special: set[str]) -> tuple[
            dict[str, list[dict[str, Any]]], dict[str, list[dict[str, Any]]], dict[str, int]]:
        """The reconcile decisions (here and merged in) by the coder who made them, under
        their name now (a decision keeps the name of its time), each ``decided_by`` made
        a name now too; the same decisions by the consensus coder they went into; and
        how many codings of each consensus coder no decision made."""
        logged = self.conn.execute("SELECT 1 FROM events WHERE kind IN ('reconcile', "
                                   "'merged') LIMIT 1").fetchone() is not None
        log = self.reconcile_log() if logged else []
        names = coder_names(self.conn) if log else None
        made: dict[str, list[dict[str, Any]]] = {}
        into: dict[str, list[dict[str, Any]]] = {}
        for event in log:
            by = event.get("decided_by")
            if by and names is not None:
                by = names.now(by, event["at"]) or by
                made.setdefault(by, []).append(event)
            into.setdefault(str(event["coder"]), []).append({**event, "decided_by": by})
        unrecorded: dict[str, int] = {}
        if self.conn.execute("SELECT 1 FROM coders WHERE name IN (" + ",".join(
                "?" * len(special)) + ") LIMIT 1", sorted(special)).fetchone():
            for entry in self.unrecorded_consensus(log):
                unrecorded[entry["coder"]] = unrecorded.get(entry["coder"], 0) + 1
        return made, into, unrecorded

    def find_coder(self: Store, name: str) -> tuple[int, str, str]:
        """(id, name, guid) of an existing coder.

        Raises:
            UserError: no such coder, naming the likeliest one (case and spaces aside,
                else a close spelling) and every coder.
        """
        name = name.strip()
        row = self.conn.execute("SELECT id, name, guid FROM coders WHERE name = ?",
                                [name]).fetchone()
        if row:
            return int(row[0]), str(row[1]), str(row[2])
        known = self.coders()
        close = self.similar_coders(name)
        hint = f"; did you mean {' or '.join(map(repr, close))}?" if close else ""
        # In the words of an unknown theme (reports.data.unknown_theme): the likeliest
        # name, then every one.
        raise UserError(f"no coder named {name!r} in this project{hint} (coders: "
                        f"{', '.join(known) or 'none yet'})")

    def similar_coders(self: Store, name: str) -> list[str]:
        """The coders whose names are like ``name``, case and spaces aside or spelt
        closely: who a mistyped name was meant to be (``Ana`` or ``anna`` for ``ana``)."""
        known = self.coders()
        folded = {c: fold_name(c) for c in known}
        near = difflib.get_close_matches(fold_name(name.strip()),
                                         list(folded.values()), n=3, cutoff=0.5)
        return [c for c in known if folded[c] in near and c != name.strip()]

    def _check_not_consensus(self: Store, name: str, verb: str) -> None:
        # The one test of a consensus coder (consensus, or any coder a reconcile
        # decision went into) that hand coding and theme changes use too.
        if self.consensus_problem(name) is not None:
            raise UserError(
                f"{name!r} is the consensus coder (the reconciled codings that "
                "`--consensus` reports and `qcahp reconcile log` read by that name); it "
                f"cannot be {verb}; nothing was changed")

    # ------------------------------------------------------------------ rename
    def rename_coder(self: Store, old: str, new: str, *, by: str | None = None
                     ) -> dict[str, Any]:
        """Rename a coder: the same coder (id, GUID, work) under a new name.

        The workbench's remembered coder and the coder's recent themes follow the name;
        one ``coder_rename`` event records it (``by``: who renamed).

        Returns:
            ``{"from", "to", "guid", "settings", "event_id"}``.

        Raises:
            UserError: OLD unknown, NEW empty, the same, taken (``qcahp coders join``
                makes one coder of two), or either the consensus coder.
        """
        new = new.strip()
        if not new:
            raise UserError("a coder needs a name: NEW is empty")
        problem = coder_name_problem(new)
        if problem is not None:
            raise UserError(f"{problem}; nothing was changed")
        with self.write():
            coder_id, old, guid = self.find_coder(old)
            if new == old:
                raise UserError(f"coder {old!r} is named {new!r} already; nothing to rename")
            self._check_not_consensus(old, "renamed")
            if new == CONSENSUS_CODER:
                raise UserError(f"{new!r} is the name of the consensus coder the reconcile "
                                "screen decides into; choose another name; nothing was changed")
            if self.conn.execute("SELECT 1 FROM coders WHERE name = ?", [new]).fetchone():
                raise UserError(f"a coder named {new!r} exists already; to make one coder "
                                f"of the two, `qcahp coders join {shell_arg(old)} "
                                f"{shell_arg(new)}`")
            self.conn.execute("UPDATE coders SET name = ? WHERE id = ?", [new, coder_id])
            moved = self._move_settings(old, new)
            event_id = self.log_event(coder_id, "coder_rename", {
                "from": old, "to": new, "guid": guid, "by": by, "settings": moved})
        return {"from": old, "to": new, "guid": guid, "settings": moved,
                "event_id": event_id}

    def _move_settings(self: Store, old: str, new: str) -> list[str]:
        """Point the coder settings naming ``old`` at ``new`` (call inside :meth:`write`);
        a recent-themes list ``new`` has already is joined with ``old``'s, ``new``'s first,
        and ``new``'s own colour scheme and place are kept over ``old``'s.
        Returns the settings that changed."""
        moved = []
        if self.get_setting(CODER_SETTING) == old:
            self.conn.execute("UPDATE settings SET value = ? WHERE key = ?",
                              [new, CODER_SETTING])
            moved.append(CODER_SETTING)
        theirs = self.get_setting(RECENT_PREFIX + old)
        if theirs is not None:
            mine = self.get_setting(RECENT_PREFIX + new)
            joined = list(dict.fromkeys([*_themes(mine), *_themes(theirs)]))[:RECENT_SIZE]
            self.conn.execute("DELETE FROM settings WHERE key = ?", [RECENT_PREFIX + old])
            self.conn.execute(
                "INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE "
                "SET value = excluded.value", [RECENT_PREFIX + new, json.dumps(joined)])
            moved.append("recent_themes")
        for prefix, name in OWN_PREFIXES.items():
            # Theirs follows them to the new name; a joined coder who has one keeps it.
            theirs = self.get_setting(prefix + old)
            if theirs is None:
                continue
            self.conn.execute("DELETE FROM settings WHERE key = ?", [prefix + old])
            if self.get_setting(prefix + new) is None:
                self.conn.execute("INSERT INTO settings (key, value) VALUES (?, ?)",
                                  [prefix + new, theirs])
                moved.append(name)
        return moved

    # ------------------------------------------------------------------ join
    def join_coders(self: Store, source: str, into: str, *, dry_run: bool = False,
                    by: str | None = None) -> JoinResult:
        """Move everything of coder ``source`` to coder ``into`` and remove ``source``.

        See the module's docstring for the rules. One transaction; a dry run makes the
        same changes and rolls them back, so it finds exactly what the join would do
        (and refuses what it would refuse).

        Raises:
            UserError: either coder unknown, the same coder, either the consensus coder,
                or undo histories that would not replay as one.
        """
        try:
            with self.write():
                result = self._join(source, into, by)
                if dry_run:
                    raise _DryRun(result)
        except _DryRun as done:
            result = done.result
        return result

    def _join(self: Store, source: str, into: str, by: str | None) -> JoinResult:
        fid, source, fguid = self.find_coder(source)
        iid, into, iguid = self.find_coder(into)
        if fid == iid:
            raise UserError(f"cannot join coder {source!r} into itself")
        self._check_not_consensus(source, "joined into another")
        self._check_not_consensus(into, "joined with another")
        result = JoinResult(source, into, fguid, iguid)
        done_f, undone_f = self.undo_stack(source)
        done_i, undone_i = self.undo_stack(into)
        changes: list[dict[str, Any]] = []
        names = {fid: source, iid: into}
        # What FROM has, before identical ones are kept once (counted apart).
        result.decisions = self.conn.execute(
            "SELECT COUNT(*) FROM decisions WHERE coder_id = ?", [fid]).fetchone()[0]
        result.codings, result.inactive_codings = self.conn.execute(
            "SELECT COALESCE(SUM(active = 1), 0), COALESCE(SUM(active = 0), 0) FROM codings "
            "WHERE coder_id = ?", [fid]).fetchone()
        self._join_decisions(fid, iid, names, changes, result)
        retarget = self._join_codings(fid, iid, changes, result)
        self.conn.execute("UPDATE decisions SET coder_id = ? WHERE coder_id = ?", [iid, fid])
        self.conn.execute("UPDATE codings SET coder_id = ? WHERE coder_id = ?", [iid, fid])
        self._join_memos(fid, iid, retarget, changes, result)
        moved_events = self._repoint_events(fid, iid)
        result.events = len(moved_events)
        result.settings = self._move_settings(source, into)
        self.conn.execute("DELETE FROM coders WHERE id = ?", [fid])
        done, undone = self.undo_stack(into)
        if set(done) != set(done_f) | set(done_i) or not (
                set(undone) <= set(undone_f) | set(undone_i)):
            raise UserError(
                f"{source!r} and {into!r} undid decisions in between each other's, so "
                f"their undo histories do not replay as one: after a join, `qcahp undo "
                f"--coder {shell_arg(into)}` would take back the wrong decision; nothing joined")
        result.event_id = self.log_event(iid, "coder_join", {
            "from": source, "into": into, "from_guid": fguid, "into_guid": iguid, "by": by,
            "changes": changes, "events": _ranges(moved_events),
            "counts": {"decisions": result.decisions, "codings": result.codings,
                       "inactive_codings": result.inactive_codings, "memos": result.memos,
                       "events": result.events,
                       "identical_decisions": result.identical_decisions,
                       "conflicts": len(result.conflicts),
                       "identical_codings": result.identical_codings,
                       "memos_joined": result.memos_joined},
            "conflicts": [{"suggestion": c.suggestion_id, "kept": c.kept[0],
                           "kept_decision": c.kept[1], "dropped_decision": c.dropped[1]}
                          for c in result.conflicts],
            "settings": result.settings})
        return result

    def _join_decisions(self: Store, fid: int, iid: int, names: dict[int, str],
                        changes: list[dict[str, Any]], result: JoinResult) -> None:
        """Both decided one suggestion: the later decision stands, the other goes with
        its coding (the coding made inactive, as every removal is)."""
        rows = self.conn.execute(
            "SELECT d.suggestion_id, d.coder_id, d.status, d.coding_id, d.event_id, e.at, "
            's.theme_id, s.transcript_id, s.start, s."end", c.start, c."end", c.active '
            "FROM decisions d JOIN events e ON e.id = d.event_id "
            "JOIN suggestions s ON s.id = d.suggestion_id "
            "LEFT JOIN codings c ON c.id = d.coding_id "
            "WHERE d.coder_id IN (?, ?) AND d.suggestion_id IN (SELECT suggestion_id FROM "
            "decisions WHERE coder_id = ? INTERSECT SELECT suggestion_id FROM decisions "
            "WHERE coder_id = ?) ORDER BY d.suggestion_id, e.at, d.event_id",
            [fid, iid, fid, iid]).fetchall()
        pairs: dict[int, list[tuple[Any, ...]]] = defaultdict(list)
        for row in rows:
            pairs[row[0]].append(row)
        for sid, (older, later) in pairs.items():
            self.conn.execute("DELETE FROM decisions WHERE suggestion_id = ? AND coder_id = ?",
                              [sid, older[1]])
            if older[3] is not None and older[12]:
                self.conn.execute("UPDATE codings SET active = 0 WHERE id = ?", [older[3]])
                changes.append({"op": "coding", "id": older[3], "before": 1, "after": 0})
            if (older[2], older[10], older[11]) == (later[2], later[10], later[11]):
                result.identical_decisions += 1
                continue
            result.conflicts.append(Conflict(
                sid, later[6], later[7], later[8], later[9],
                (names[later[1]], _decision(later), later[5]),
                (names[older[1]], _decision(older), older[5])))

    def _join_codings(self: Store, fid: int, iid: int, changes: list[dict[str, Any]],
                      result: JoinResult) -> dict[str, str]:
        """Identical codings of the two (transcript, theme, span) kept once: the ones a
        decision stands on, else the later. Returns {removed coding id: kept id}."""
        standing = {r[0] for r in self.conn.execute(
            "SELECT coding_id FROM decisions WHERE coder_id IN (?, ?) AND coding_id IS NOT "
            "NULL", [fid, iid])}
        groups: dict[tuple[Any, ...], list[tuple[Any, ...]]] = defaultdict(list)
        for row in self.conn.execute(
                'SELECT id, coder_id, transcript_id, theme_id, start, "end", created_at '
                "FROM codings WHERE active = 1 AND coder_id IN (?, ?) ORDER BY id",
                [fid, iid]):
            groups[row[2:6]].append(row)
        retarget: dict[str, str] = {}
        for group in groups.values():
            if len({r[1] for r in group}) < 2:
                continue  # one coder's own: not the join's business
            kept = [r for r in group if r[0] in standing] or [
                max(group, key=lambda r: (r[6], r[0]))]
            gone = [r for r in group if r not in kept]
            for row in gone:
                self.conn.execute("UPDATE codings SET active = 0 WHERE id = ?", [row[0]])
                changes.append({"op": "coding", "id": row[0], "before": 1, "after": 0})
                retarget[str(row[0])] = str(kept[0][0])
            if gone:
                result.identical_codings += 1
        return retarget

    def _join_memos(self: Store, fid: int, iid: int, retarget: dict[str, str],
                    changes: list[dict[str, Any]], result: JoinResult) -> None:
        """FROM's memos become INTO's; two on one target (or on two codings kept once)
        become one, holding both texts, oldest first."""
        from qualcoder_ahp.model.store import now

        groups: dict[tuple[str, str], list[tuple[Any, ...]]] = defaultdict(list)
        for row in self.conn.execute(
                "SELECT id, coder_id, target_kind, target_id, text, updated_at FROM memos "
                "WHERE coder_id IN (?, ?) ORDER BY updated_at, id", [fid, iid]):
            target = retarget.get(row[3], row[3]) if row[2] == "coding" else row[3]
            groups[(row[2], target)].append(row)
        for (kind, target), rows in groups.items():
            result.memos += sum(1 for r in rows if r[1] == fid)
            if len(rows) == 1 and rows[0][3] == target:
                continue  # moved with the rest, below
            texts = list(dict.fromkeys(r[4] for r in rows))
            text = "\n\n".join(texts)
            keeper = next((r for r in rows if r[1] == iid and r[3] == target),
                          next((r for r in rows if r[1] == iid), rows[0]))
            for row in rows:
                if row[3] != target:
                    changes.append({"op": "memo", "kind": kind, "target": row[3],
                                    "before": row[4], "after": None})
                if row is not keeper:
                    self.conn.execute("DELETE FROM memos WHERE id = ?", [row[0]])
            here = next((r[4] for r in rows if r[1] == iid and r[3] == target), None)
            changes.append({"op": "memo", "kind": kind, "target": target, "before": here,
                            "after": text})
            self.conn.execute(
                "UPDATE memos SET coder_id = ?, target_id = ?, text = ?, updated_at = ? "
                "WHERE id = ?", [iid, target, text, now(), keeper[0]])
            if len(rows) > 1:
                result.memos_joined += 1
        self.conn.execute("UPDATE memos SET coder_id = ? WHERE coder_id = ?", [iid, fid])

    def _repoint_events(self: Store, fid: int, iid: int) -> list[int]:
        """FROM's events become INTO's, and a memo change naming FROM (a theme merge
        moves every coder's memos) names INTO: the one update of the append-only log a
        join makes, with its trigger lifted meanwhile (call inside :meth:`write`: a
        failure puts the trigger back). Returns the ids of FROM's events."""
        ids = [r[0] for r in self.conn.execute(
            "SELECT id FROM events WHERE coder_id = ? ORDER BY id", [fid])]
        named = []
        for event_id, raw in self.conn.execute(
                "SELECT id, payload FROM events WHERE payload LIKE '%\"coder_id\"%' "
                "ORDER BY id").fetchall():
            payload = json.loads(raw)
            if _name_coder(payload, fid, iid):
                named.append((json.dumps(payload, sort_keys=True), event_id))
        self.conn.execute("DROP TRIGGER IF EXISTS events_no_update")
        self.conn.execute("UPDATE events SET coder_id = ? WHERE coder_id = ?", [iid, fid])
        self.conn.executemany("UPDATE events SET payload = ? WHERE id = ?", named)
        self.conn.execute(EVENTS_NO_UPDATE)
        return ids


def _received(events: list[dict[str, Any]], unrecorded: int) -> Received:
    """A consensus coder's :class:`Received`, from the reconcile decisions made into it."""
    live = [e for e in events if e["status"] == "in effect"]
    deciders: dict[str | None, int] = {}
    for event in events:
        deciders[event.get("decided_by")] = deciders.get(event.get("decided_by"), 0) + 1
    ranked = sorted(deciders.items(), key=lambda item: (-item[1], item[0] is None))
    return Received(len(events), len(live), sum(not e["coding_ids"] for e in live),
                    tuple(ranked), unrecorded)


def _name_coder(payload: Any, fid: int, iid: int) -> bool:
    """Make memo changes naming coder ``fid`` name ``iid`` (in ``changes`` and a merged
    event's ``local`` changes); whether any did."""
    if not isinstance(payload, dict):
        return False
    found = False
    for body in (payload, payload.get("local")):
        changes = body.get("changes") if isinstance(body, dict) else None
        for change in changes if isinstance(changes, list) else ():
            if isinstance(change, dict) and change.get("coder_id") == fid:
                change["coder_id"] = iid
                found = True
    return found


def _decision(row: tuple[Any, ...]) -> str:
    """``rejected``, ``accepted`` or ``accepted [3, 40)`` (an adjusted span)."""
    status = str(row[2])
    if status == "adjusted" and row[10] is not None:
        return f"accepted [{row[10]}, {row[11]})"
    return status


def _themes(raw: str | None) -> list[str]:
    try:
        value = json.loads(raw) if raw else []
    except ValueError:
        return []
    return [str(t) for t in value] if isinstance(value, list) else []


def _ranges(ids: list[int]) -> list[list[int]]:
    """``[1, 2, 3, 7]`` as ``[[1, 3], [7, 7]]``: the event ids a join moved, short."""
    out: list[list[int]] = []
    for i in ids:
        if out and out[-1][1] == i - 1:
            out[-1][1] = i
        else:
            out.append([i, i])
    return out


def fold_name(name: str) -> str:
    """A coder's name with case and spaces aside: two names that fold alike (``Ana S``,
    ``ana s``, ``AnaS``) are likely one person."""
    return "".join(name.split()).casefold()


def shell_arg(name: str) -> str:
    """A coder's name as a shell argument in advice (quoted when it has a space)."""
    return name if name and all(c.isalnum() or c in "._-@" for c in name) else repr(name)


def coder_name_problem(name: str) -> str | None:
    """Why ``name`` cannot be given to a coder by ``qcahp coders rename``, or None.

    A comma: ``--coders A,B`` lists coders by commas, so ``--coders ana,ben`` could not
    tell a coder renamed "ana,ben" from ana and ben. A tab, line break or other control
    character: it breaks the tables and files that name coders.
    """
    if "," in name:
        return ("a coder's name cannot hold a comma (--coders A,B separates names by "
                "commas): write it without one, e.g. 'Smith John' or 'smith-john'")
    if any(ord(c) < 32 or ord(c) == 127 for c in name):
        return "a coder's name cannot hold a line break, tab or other control character"
    return None


def split_coders(value: str, known: Sequence[str]) -> list[str]:
    """The coder names of a ``--coders`` value, split at commas, except where a coder's
    name holds one (``Smith, John`` from an NVivo project brought in by ``qcahp refi
    import`` or a copy): ``--coders "Smith, John,ben"`` is two coders, not three."""
    raw = value.split(",")
    names: list[str] = []
    at = 0
    while at < len(raw):
        upto = next((end for end in range(len(raw), at + 1, -1)
                     if ",".join(raw[at:end]).strip() in known), at + 1)
        name = ",".join(raw[at:upto]).strip()
        if name:
            names.append(name)
        at = upto
    return names


__all__ = ["CoderNames", "CoderSummary", "CodersMixin", "Conflict", "JoinResult", "NameStep",
           "coder_name_problem", "coder_names", "fold_name", "shell_arg", "split_coders"]
