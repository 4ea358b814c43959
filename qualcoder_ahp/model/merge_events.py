"""The merge's log: a copy's events appended here as ``merged`` events, their ids translated.

A mixin of :class:`~qualcoder_ahp.model.merge_store.MergeMixin`. Each event of the copy
not here yet (by its content key, :func:`event_key`, under any name its coder had) is
appended as a ``merged`` event carrying the original (kind, time, payload), and the ids
it names in this database's terms (``local``: :meth:`MergeEventsMixin._local_ids`), so
``qcahp log`` and ``qcahp reconcile log`` read it as it was made. Events about a
transcript withdrawn here stay out (:func:`withdrawn_in`).
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from qualcoder_ahp.errors import UserError
from qualcoder_ahp.model.framework_store import case_map, cases_gone, map_cell
from qualcoder_ahp.model.merge_remap import Remap
from qualcoder_ahp.model.merge_rows import suggestion_at
from qualcoder_ahp.model.reconcile_store import translate_merged
from qualcoder_ahp.model.withdraw_store import PLACEHOLDER, Gone, scrub_events

if TYPE_CHECKING:
    from qualcoder_ahp.model.store import Store


def event_key(coder: str | None, at: str, kind: str, payload: str) -> str:
    """A content key identifying one event across project copies."""
    raw = json.dumps([coder, at, kind, payload])
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()[:32]


class MergeEventsMixin:
    """The event-log part of :class:`~qualcoder_ahp.model.merge_store.MergeMixin`."""

    conn: sqlite3.Connection

    def _merge_events(self: Store, other: sqlite3.Connection, cmap: dict[int, int],
                      counts: dict[str, int],
                      where: tuple[str, dict[int, int], dict[int, int]],
                      scrub: dict[int, tuple[str, dict[str, Any]]],
                      smaps: tuple[dict[int, int], dict[int, int | None]],
                      left_out: set[int | None] | None = None,
                      remaps: dict[int, Remap] | None = None,
                      aliases: dict[str, tuple[str, ...]] | None = None,
                      speakers: dict[int, dict[str, Any]] | None = None) -> dict[int, int]:
        """Append the other copy's events not yet here; map their ids to ours.

        ``speakers``: what became here of the copy's speaker changes, by its event id
        (:meth:`~qualcoder_ahp.model.merge_speakers.MergeSpeakersMixin._merge_speakers`),
        kept in their merged events (``here``).

        ``left_out``: the copy's codings the merge could not re-anchor (:class:`Stranded`);
        the event that made one, or wrote a memo on one, is stored with ``"left_out":
        true``, so the log does not read it as applied here. ``remaps``: the transcripts
        matched by their file, to place what a merged event names (:meth:`_local_ids`).

        Every merged event that names transcripts, suggestions, codings or memo targets
        gets them in this database's ids too (``local``, :meth:`_local_ids`), so the log
        reads it as it reads the events made here. ``smaps`` is (the suggestions the
        merge mapped, a cache of the others looked up by span).

        ``scrub``: the copy's events about transcripts withdrawn here, left out (or, when
        they touched other transcripts too, brought in without the withdrawn changes).

        ``where`` is (source file, transcript map, coding map): a reconcile decision
        (and an undo or redo, which may target one) also gets its ids in this
        database's terms, so the reconcile log can show it as it was made.
        """
        label, tmap, kmap = where
        maps = _IdMaps(tmap, kmap, smaps[0], cmap, smaps[1], remaps or {},
                       case_map(other, self.conn, tmap))
        known = _known_keys(self.conn)
        aliases = aliases or {}
        emap: dict[int, int] = {}
        for eid, coder_id, coder, at, kind, payload in other.execute(
                "SELECT e.id, e.coder_id, k.name, e.at, e.kind, e.payload FROM events e "
                "LEFT JOIN coders k ON k.id = e.coder_id ORDER BY e.id"):
            kept = _kept_payload(eid, payload, scrub)
            if kept is None:
                continue  # about a transcript withdrawn here: it stays out
            payload = kept
            key = _key_of(coder, at, kind, payload)
            # Made under another name of the coder (renamed or joined, here or in the
            # copy): the same event, whose key named the coder as they were called then.
            same = next((known[k] for k in _keys_of(coder, at, kind, payload, aliases)
                         if k in known), None)
            if same is not None:
                emap[eid] = same
                continue
            try:
                data = json.loads(payload)
            except ValueError:
                raise UserError(f"damaged event {eid} (its record is not JSON); nothing merged",
                                path=label) from None
            local = translate_merged(kind, data, label, tmap, kmap, emap)
            if not local:
                local = self._local_ids(other, kind, data, label, maps)
            if kind == "merged" and isinstance(data, dict) and "local" in data:
                # Its ids are the other copy's: translated, or dropped if they cannot be.
                kept = {k: v for k, v in data.items() if k != "local"}
                body = json.dumps({**kept, **local}, sort_keys=True)
            elif kind == "merged":
                body = payload
            else:
                # Key names must not clash with the event columns Store.events() adds.
                out = {"key": key, "original_kind": kind, "original": data, **local}
                if left_out and (_makes_coding(data, left_out)
                                 or _memo_on(data, left_out)):
                    out["left_out"] = True
                if speakers and eid in speakers:
                    out["here"] = speakers[eid]
                body = json.dumps(out, sort_keys=True)
            cur = self.conn.execute(
                "INSERT INTO events (coder_id, at, kind, payload) VALUES (?, ?, 'merged', ?)",
                [cmap.get(coder_id) if coder_id is not None else None, at, body])
            known[key] = emap[eid] = int(cur.lastrowid or 0)
            counts["events"] += 1
            if coder is not None:
                self.merge_events_by[coder] = self.merge_events_by.get(coder, 0) + 1
        return emap

    def _local_ids(self: Store, other: sqlite3.Connection, kind: str, data: Any,
                   label: str, maps: _IdMaps) -> dict[str, Any]:
        """``{"local": ..., "source": ...}`` for a merged accept, code, memo...: the ids
        of its record (``suggestion_id``, ``coding_id``, ``transcript_id(s)``, memo
        ``target``, ``changes``) in this database's terms, each left out when it cannot
        be translated (an id the copy no longer has, a suggestion this project lacks).

        An event the copy had merged in from a third copy is translated from its own
        ``local`` (the copy's ids), when it has one.
        """
        if not isinstance(data, dict):
            return {}
        source = label
        record = data  # the event as it was made (a memo's kind of target is there)
        if kind == "merged":
            ids, kind = data.get("local"), str(data.get("original_kind"))
            source = str(data.get("source") or label)
            record = data.get("original") if isinstance(data.get("original"), dict) else {}
            if not isinstance(ids, dict):
                return {}
        else:
            ids = data
        if kind not in TRANSLATED:
            return {}

        def suggestion(oid: Any) -> int | None:
            if oid in maps.suggestions:
                return maps.suggestions[oid]
            return maps.suggestion_here(self, other, oid)

        local: dict[str, Any] = {}
        for key, lookup in (("transcript_id", maps.transcripts.get),
                            ("suggestion_id", suggestion), ("coding_id", maps.codings.get)):
            if key in ids:
                found = lookup(ids[key]) if isinstance(ids[key], int) else None
                if found is not None:
                    local[key] = found
        if isinstance(ids.get("transcript_ids"), list):
            found_ids = [maps.transcripts.get(t) for t in ids["transcript_ids"]]
            if None not in found_ids:
                local["transcript_ids"] = found_ids
        if kind == "memo" and "target" in ids:
            target = _memo_target(ids.get("kind"), ids["target"], maps)
            if target is not None:
                local["target"] = target
        if isinstance(ids.get("changes"), list):
            changes = [_change_here(c, maps, suggestion) for c in ids["changes"]]
            if None not in changes:
                local["changes"] = changes
        # A suggestion this project lacks, or a coding that did not come in: its theme
        # and place (here) are kept, so the log names them as it names those made here.
        about: dict[str, Any] | None = None
        if kind in ("accept", "adjust", "reject") and "suggestion_id" not in local:
            about = maps.about(other, "suggestions", ids.get("suggestion_id"))
        elif kind == "memo" and "target" not in local and record.get("kind") == "coding":
            about = maps.about(other, "codings", ids.get("target"))
        if about is not None:
            local.update(about or _carried(ids, maps))
        # Even empty: it tells the log this merge translated what it could, so the guess
        # made for merges from before ``local`` existed is not made for it.
        from qualcoder_ahp.model.event_words import file_name

        return {"local": local, "source": file_name(source)}  # (not the path: a login)

    def _brings_new_events(self: Store, other: sqlite3.Connection,
                           scrub: dict[int, tuple[str, dict[str, Any]]],
                           aliases: dict[str, tuple[str, ...]] | None = None) -> bool:
        """Whether the copy holds an event (by content, as :meth:`_merge_events` keys
        them, under any name of its coder: ``aliases``) that is not in this project."""
        known = _known_keys(self.conn).keys()
        for eid, coder, at, kind, payload in other.execute(
                "SELECT e.id, k.name, e.at, e.kind, e.payload FROM events e "
                "LEFT JOIN coders k ON k.id = e.coder_id"):
            kept = _kept_payload(eid, payload, scrub)
            if kept is None:
                continue
            if known.isdisjoint(_keys_of(coder, at, kind, kept, aliases or {})):
                return True
        return False


TRANSLATED = ("accept", "adjust", "reject", "code", "remove", "memo", "undo_group",
              "refi_import", "speaker_rename", "speaker_role", "transcript_rename")
"""Kinds of merged event whose ids a merge translates with :meth:`MergeEventsMixin._local_ids`
(``reconcile``, ``undo`` and ``redo`` by :func:`translate_merged`; theme ids are shared)."""


@dataclass
class _IdMaps:
    """The other copy's ids -> this database's, as one merge found them."""

    transcripts: dict[int, int]
    codings: dict[int, int]
    suggestions: dict[int, int]
    coders: dict[int, int]
    found: dict[int, int | None]
    """Suggestions no decision or coding brought in, looked up here by span (cached)."""
    remaps: dict[int, Remap] = field(default_factory=dict)
    """Transcripts matched by their file, with the alignment of their words."""
    cases: dict[str, str] = field(default_factory=dict)
    """The copy's framework cases -> cases here (:func:`case_map`)."""

    def about(self, other: sqlite3.Connection, table: str, oid: Any) -> dict[str, Any]:
        """The theme of the copy's suggestion or coding ``oid`` (one not here), with its
        transcript here and its span in this transcript's text (where its words are
        here): ``{"theme_id", "transcript_id", "span"}``, each when known."""
        try:
            key = int(oid)
        except (TypeError, ValueError):
            return {}
        row = _span_of(other, "suggestions" if table == "suggestions" else "codings", key)
        if row is None:
            return {}
        tid, theme, start, end = row
        out: dict[str, Any] = {"theme_id": theme}
        if tid in self.transcripts:
            out["transcript_id"] = self.transcripts[tid]
            remap = self.remaps.get(tid)
            span = remap.span(start, end) if remap is not None else (start, end)
            if span is not None:
                out["span"] = list(span)
        return out

    def suggestion_here(self, store: Store, other: sqlite3.Connection,
                        oid: Any) -> int | None:
        """This database's suggestion at the same transcript, theme and span as the
        copy's suggestion ``oid`` (one an undone reject named), or ``None``."""
        if not isinstance(oid, int):
            return None
        if oid not in self.found:
            row = _span_of(other, "suggestions", oid)
            here = None
            if row is not None and row[0] in self.transcripts:
                here = suggestion_at(store.conn, self.transcripts[row[0]], row[1], row[2],
                                     row[3])
            self.found[oid] = here
        return self.found[oid]


def _span_of(other: sqlite3.Connection, table: str, oid: int) -> Any:
    """``(transcript_id, theme_id, start, end)`` of the copy's suggestion or coding ``oid``
    (``table``: ``suggestions`` or ``codings``), or ``None``."""
    if table == "codings":  # two literal queries: no table name formatted into SQL
        return other.execute('SELECT transcript_id, theme_id, start, "end" FROM codings '
                             "WHERE id = ?", [oid]).fetchone()
    return other.execute('SELECT transcript_id, theme_id, start, "end" FROM suggestions '
                         "WHERE id = ?", [oid]).fetchone()


def _carried(ids: dict[str, Any], maps: _IdMaps) -> dict[str, Any]:
    """What the copy's own merge kept of a record it did not bring in either (``ids``: that
    merge's ``local``), in this database's terms: the theme, the transcript and, when the
    transcript's text is the same here, the span."""
    out: dict[str, Any] = {}
    if isinstance(ids.get("theme_id"), str):
        out["theme_id"] = ids["theme_id"]
    tid, span = ids.get("transcript_id"), ids.get("span")
    if tid in maps.transcripts:
        out["transcript_id"] = maps.transcripts[tid]
        if isinstance(span, list) and tid not in maps.remaps:
            out["span"] = span
    return out


def _memo_target(kind: Any, target: Any, maps: _IdMaps) -> str | None:
    """A memo's target in this database: a coding's or transcript's id translated, a
    theme id as it is; ``None`` if it cannot be."""
    if kind == "theme":
        return str(target)
    if kind == "cell":  # a framework cell: its case mapped by its transcripts
        return map_cell(target, maps.cases)
    ids = maps.codings if kind == "coding" else maps.transcripts if kind == "transcript" \
        else None
    try:
        found = ids.get(int(target)) if ids is not None else None
    except (TypeError, ValueError):
        return None
    return str(found) if found is not None else None


def _change_here(change: Any, maps: _IdMaps,
                 suggestion: Callable[[Any], int | None]) -> dict[str, Any] | None:
    """One change record with this database's ids, or ``None`` if one cannot be found."""
    if not isinstance(change, dict):
        return None
    out = dict(change)
    op = change.get("op")
    if op == "coding":
        out["id"] = maps.codings.get(change.get("id"))  # type: ignore[arg-type]
        return out if out["id"] is not None else None
    if op in ("decision", "suggestion"):
        key = "suggestion_id" if op == "decision" else "id"
        out[key] = suggestion(change.get(key))
        if out[key] is None:
            return None
        for side in ("before", "after"):
            value = change.get(side)
            if isinstance(value, dict) and value.get("coding_id") is not None:
                coding = maps.codings.get(value["coding_id"])
                if coding is None:
                    return None
                out[side] = {**value, "coding_id": coding}
        return out
    if op == "memo":
        target = _memo_target(change.get("kind"), change.get("target"), maps)
        if target is None:
            return None
        out["target"] = target
        if change.get("coder_id") is not None:
            out["coder_id"] = maps.coders.get(change["coder_id"])
            if out["coder_id"] is None:
                return None
        return out
    return out  # themes and their fields: ids shared by every copy


def withdrawn_in(other: sqlite3.Connection, gone: Gone
                  ) -> dict[int, tuple[str, dict[str, Any]]]:
    """The copy's events about its transcripts that were withdrawn here (``gone``, in
    the copy's ids; filled in with their suggestions, codings, decisions and memos)."""
    if not gone.transcripts:
        return {}
    ids = sorted(gone.transcripts)
    marks = ",".join("?" * len(ids))
    gone.suggestions = {r[0] for r in other.execute(
        f"SELECT id FROM suggestions WHERE transcript_id IN ({marks})", ids)}
    gone.codings = {r[0] for r in other.execute(
        f"SELECT id FROM codings WHERE transcript_id IN ({marks})", ids)}
    gone.decided_by = {r[1] for r in other.execute(
        "SELECT suggestion_id, event_id FROM decisions") if r[0] in gone.suggestions}
    gone.cases = cases_gone(other, gone.transcripts)
    for kind, target, text in other.execute(
            "SELECT target_kind, target_id, text FROM memos"):
        if gone.memo_gone(kind, target):
            gone.memo_texts.add(text)
    return scrub_events(other.execute("SELECT id, kind, payload FROM events ORDER BY id"),
                        gone)


def _key_of(coder: str | None, at: str, kind: str, payload: str) -> str:
    """The key of an event: a merged event keeps the key of its original."""
    if kind == "merged":
        try:
            return str(json.loads(payload)["key"])
        except (ValueError, KeyError, TypeError):
            pass
    return event_key(coder, at, kind, payload)


def _known_keys(conn: sqlite3.Connection) -> dict[str, int]:
    """The key of each event of ``conn`` (:func:`_key_of`), with its id; a transcript
    rename (made here or merged in) by its time too (:func:`_rename_key`)."""
    out = {}
    for eid, coder, at, kind, payload in conn.execute(
            "SELECT e.id, k.name, e.at, e.kind, e.payload FROM events e "
            "LEFT JOIN coders k ON k.id = e.coder_id"):
        out[_key_of(coder, at, kind, payload)] = eid
        if _is_rename(kind, payload):
            out[_rename_key(at)] = eid
    return out


def _is_rename(kind: str, payload: str) -> bool:
    """Whether an event is a transcript rename, or a copy's merged in (its record is
    written with sorted keys, so the text is found as it is)."""
    return kind == "transcript_rename" or (
        kind == "merged" and '"original_kind": "transcript_rename"' in payload)


def _rename_key(at: str) -> str:
    """A transcript rename's key by its time alone: a later rename rewrites the name in
    the earlier ones (the old name leaves the log), so one made before a copy was taken
    reads differently there and here; its time (to the microsecond, and no coder's)
    does not change. (An empty record: no event's key is made of one.)"""
    return event_key(None, at, "transcript_rename", "")


def _kept_payload(eid: int, payload: str,
                  scrub: dict[int, tuple[str, dict[str, Any]]]) -> str | None:
    """The payload of the copy's event ``eid`` as a merge keys it: ``None`` for one about a
    transcript withdrawn here (it stays out); one that touched other transcripts too keeps
    its other changes, keyed as the withdrawal here rewrote the same event (a copy made
    before it has the same ids)."""
    if eid not in scrub:
        return payload
    if scrub[eid][0] == PLACEHOLDER:
        return None
    return json.dumps(scrub[eid][1], sort_keys=True)

def _new_copy_records(
        rows: list[tuple[int, str | None, str, str, str]], known: dict[str, int],
        scrub: dict[int, tuple[str, dict[str, Any]]],
        aliases: dict[str, tuple[str, ...]]) -> Iterator[tuple[int, str, dict[str, Any]]]:
    """``(event id, kind, record)`` of each of the copy's events ``rows`` (id, coder, time,
    kind, payload) that this project has not yet, about no transcript withdrawn here,
    whose record is a JSON object (one that is not, :meth:`_merge_events` refuses, and the
    merge with it). The copy's renames and speaker changes made here are read so."""
    for eid, coder, at, kind, payload in rows:
        body = _kept_payload(eid, payload, scrub)
        if body is None or not known.keys().isdisjoint(
                _keys_of(coder, at, kind, body, aliases)):
            continue  # about a transcript withdrawn here, or here already
        try:
            data = json.loads(body)
        except ValueError:
            continue
        if isinstance(data, dict):
            yield eid, kind, data


def _keys_of(coder: str | None, at: str, kind: str, payload: str,
             aliases: dict[str, tuple[str, ...]]) -> list[str]:
    """The keys an event of the copy may have here: its own (:func:`_key_of`), then, for
    an event a coder made (not a merged one: that keeps its key), its key under each
    other name of the coder (``aliases``: the copy's coder name -> those names)."""
    keys = [_key_of(coder, at, kind, payload)]
    if kind != "merged" and coder is not None:
        keys += [event_key(name, at, kind, payload) for name in aliases.get(coder, ())
                 if name != coder]
    if _is_rename(kind, payload):
        keys.append(_rename_key(at))
    return keys


def _memo_on(data: Any, codings: set[int | None]) -> bool:
    """Whether an event's record is a memo on one of ``codings``."""
    if not isinstance(data, dict) or data.get("kind") != "coding":
        return False
    changes = data.get("changes")
    return isinstance(changes, list) and any(
        isinstance(c, dict) and c.get("op") == "memo" and c.get("kind") == "coding"
        and str(c.get("target")) in {str(i) for i in codings} for c in changes)


def _makes_coding(data: Any, codings: set[int | None]) -> bool:
    """Whether an event's record (``changes``) creates one of ``codings``."""
    changes = data.get("changes") if isinstance(data, dict) else None
    return isinstance(changes, list) and any(
        isinstance(c, dict) and c.get("op") == "coding" and c.get("id") in codings
        and not c.get("before") for c in changes)
