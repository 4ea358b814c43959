"""The audit trail: every event of the ``events`` log in words, filtered.

Qualitative rigour asks who decided what, when, and why a coding exists. Every decision
is an event (:mod:`qualcoder_ahp.model.decisions`); :func:`audit_log` lists the log in
the words of :class:`~qualcoder_ahp.model.event_words.EventWords` (``qcahp log``),
filtered by coder, transcript, theme, kind and time. The transcripts and themes each
event's words name are stored in ``event_targets`` (:func:`record_targets`), so the
``--transcript`` and ``--theme`` filters are SQL.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from qualcoder_ahp.errors import UserError
from qualcoder_ahp.model.event_words import Described, EventWords, stored_time
from qualcoder_ahp.model.reconcile_store import decided_by_matcher
from qualcoder_ahp.records import plural

if TYPE_CHECKING:
    from qualcoder_ahp.model.store import Store

EVENT_KINDS = ("accept", "adjust", "reject", "code", "remove", "memo", "undo", "redo",
               "undo_group", "reconcile", "theme_add", "theme_edit", "theme_merge",
               "theme_retire", "theme_restore", "merge", "merged", "refi_import", "redact",
               "withdraw", "withdrawn", "coder_rename", "coder_join", "speaker_rename",
               "speaker_role", "transcript_rename")
"""Every kind of event the code writes (``qcahp log --kind`` takes these)."""


@dataclass
class LogEntry:
    """One row of the audit trail."""

    id: int
    at: str
    """UTC timestamp, ISO 8601 with microseconds, as stored."""
    coder: str | None
    """Who made it (``None`` for a project-wide event: a merge, a redaction)."""
    kind: str
    what: str
    transcripts: list[str]
    themes: list[str]
    payload: dict[str, Any] | None
    """The event's record as stored (``None`` if it is not readable JSON)."""


def parse_when(text: str, option: str, *, end: bool = False) -> dt.datetime:
    """A ``--since``/``--until`` date (``2026-11-27``) or time (``2026-11-27T13:05``), in UTC.

    A bare date as the end of a range means the whole of that day, and a time without
    seconds the whole of that minute (``--until 2026-11-27T13:05`` includes an event of
    13:05:42, and ``--since`` and ``--until`` the same minute select that minute).

    Raises:
        UserError: not an ISO date or date and time.
    """
    try:
        when = dt.datetime.fromisoformat(text.strip())
    except ValueError:
        raise UserError(f"{option} {text!r} is not a date: use YYYY-MM-DD (or "
                        "YYYY-MM-DDTHH:MM), e.g. 2026-11-27") from None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.timezone.utc)
    if end and len(text.strip()) == 10:
        when += dt.timedelta(days=1)
    elif end and len(text.strip()) == 16:  # YYYY-MM-DDTHH:MM
        when += dt.timedelta(minutes=1)
    return when


def audit_log(
    store: Store,
    *,
    coder: str | None = None,
    transcript_ids: Iterable[int] | None = None,
    theme: str | None = None,
    kinds: Iterable[str] = (),
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
    limit: int | None = None,
    payloads: bool = True,
) -> tuple[list[LogEntry], int]:
    """The event log in words, oldest first, filtered.

    Args:
        store: the project.
        coder: only events this coder made (or, for a reconcile decision, decided,
            under this name or one they had before: ``decided_by_matcher``), and those
            someone else made that moved this coder's work (:func:`their_work`: a theme
            merge, its undo or redo, a summary moved by ``participants assign``).
        transcript_ids: only events about one of these transcripts (as their words
            name them, stored in ``event_targets``: :func:`record_targets`).
        theme: only events about this theme (a merge of it, into it, its codings...).
        kinds: only events of these kinds (none: every kind).
        since: only events at or after this time.
        until: only events before this time.
        limit: only the newest ``limit`` of the matching events (``None``: all).
        payloads: give each entry its record as stored (``False``: ``None``, for a
            listing that does not show it; the rest is the same).

    Returns:
        The entries, and how many events matched before ``limit``.
    """
    words = EventWords(store)
    where, args = _prefilter(store, coder, kinds, since, until, transcript_ids, theme)
    head = "FROM events e LEFT JOIN coders k ON k.id = e.coder_id" + where
    if coder is None and since is None and until is None:
        # SQL selects exactly: count, and read the newest only
        matched = int(store.conn.execute("SELECT COUNT(*) " + head, args).fetchone()[0])
        shown = matched if limit is None else min(limit, matched)
        return _described(words, _newest(store, words, where, args, shown), payloads), matched
    # Newest first: the event's id, coder, time and kind, then what each filter needs.
    light = store.conn.execute("SELECT e.id, k.name, e.at, e.kind " + head
                               + " ORDER BY e.id DESC", args).fetchall()
    if since is not None or until is not None:
        light = [row for row in light if (since is None or stored_time(row[2]) >= since)
                 and (until is None or stored_time(row[2]) < until)]
    work: dict[int, str] = {}  # what of the coder's each event by someone else moved
    if coder is not None:
        # A reconcile decision names its decider as they were called then: a coder's
        # own, made under a name they had before a rename or join, are theirs.
        decided_by = decided_by_matcher(store, coder)
        others = words.load_events(row[0] for row in light if row[1] != coder)
        words.prefetch(e for e in others if e["kind"] in ("undo", "redo", "merged"))
        # Someone else's event that moved this coder's work is part of its story ("what
        # happened to ana's summary?"): kept, its words saying what of hers it moved.
        found = store.conn.execute("SELECT id FROM coders WHERE name = ?", [coder]).fetchone()
        work = {e["id"]: moved for e in others if found and e["kind"] in WORK_KINDS
                and (moved := their_work(store, words, e, found[0])) is not None}
        light = [row for row in light if row[1] == coder or row[0] in work or decided_by(
            _decided_by(words.event(row[0]) or {}, words), row[2])]
    matched = len(light)
    light = light if limit is None else light[:limit]
    ids = [row[0] for row in reversed(light)]
    chunks = (words.load_events(ids[k:k + DESCRIBED_AT_ONCE])
              for k in range(0, len(ids), DESCRIBED_AT_ONCE))
    return _described(words, chunks, payloads, coder, work), matched


def _newest(store: Store, words: EventWords, where: str, args: list[Any], shown: int
            ) -> Iterator[list[dict[str, Any]]]:
    """The newest ``shown`` events that ``where`` selects, oldest first, read
    :data:`DESCRIBED_AT_ONCE` at a time as they are described (not the whole log at
    once)."""
    if shown <= 0:
        return
    head = "FROM events e LEFT JOIN coders k ON k.id = e.coder_id" + where
    first, last = store.conn.execute(
        "SELECT MIN(id), MAX(id) FROM (SELECT e.id " + head + " ORDER BY e.id DESC "
        "LIMIT ?)", [*args, shown]).fetchone()
    # Between the two ids, the same events (one logged since is newer than the last).
    cursor = store.conn.execute(
        "SELECT e.id, k.name, e.at, e.kind, e.payload " + head
        + (" AND " if where else " WHERE ") + "e.id BETWEEN ? AND ? ORDER BY e.id",
        [*args, first, last])
    while rows := cursor.fetchmany(DESCRIBED_AT_ONCE):
        yield [words.take(*row) for row in rows]


def _described(words: EventWords, chunks: Iterable[list[dict[str, Any]]], payloads: bool,
               coder: str | None = None, work: dict[int, str] | None = None
               ) -> list[LogEntry]:
    """The entries of events read in chunks, oldest first: each chunk's lookups read
    at once (:meth:`EventWords.prefetch`), described, then let go
    (:meth:`EventWords.forget`), so that a log of 140,000 events does not hold every
    event, payload, coding and suggestion it named until the end.

    ``work``: what of ``coder``'s each event by someone else moved, said first."""
    entries: list[LogEntry] = []
    for chosen in chunks:
        words.prefetch(chosen)
        for event in chosen:
            described = words.describe(event)
            if work and event["id"] in work and f"{coder}'s" not in described.what:
                # First, where an 80-column table still shows it (it cuts the words' end).
                described.what = f"[{coder}'s work: {work[event['id']]}] {described.what}"
            entries.append(_entry(words, event, described, payloads))
        words.forget()
    return entries


WORK_KINDS = ("theme_merge", "undo", "redo", "memo")
"""The kinds of event by one coder (or none) that can move another coder's work: a
theme merge moves every coder's codings and memos of the theme, and its undo and redo
move them back and forth; ``participants assign`` moves each coder's summaries of a case
(a ``memo`` event logged for no coder)."""


def their_work(store: Store, words: EventWords, event: dict[str, Any], coder_id: int
               ) -> str | None:
    """What of the coder's an event by someone else moved (``3 codings, 1 memo``), or
    ``None``: a theme merge (or an undo or redo of one) counts the coder's codings and
    memos of the merged theme, a summary moved by ``participants assign`` is a memo."""
    if event["kind"] in ("undo", "redo"):
        target = words.event(event.get("target"))
        if target is None or target["kind"] != "theme_merge":
            return None
        event = target
    elif event["kind"] == "memo" and event.get("coder") is not None:
        return None  # a coder's own memo
    changes = [c for c in event.get("changes") or () if isinstance(c, dict)]
    # A moved memo leaves where it was (after None); a moved coding is retired (and a
    # copy made under the other theme), as is one the coder had coded there already.
    memos = sum(1 for c in changes if c.get("op") == "memo" and c.get("after") is None
                and c.get("coder_id") == coder_id)
    retired = sorted({int(c["id"]) for c in changes if c.get("op") == "coding"
                      and c.get("before") == 1 and c.get("after") == 0})
    codings = 0
    for k in range(0, len(retired), 500):
        chunk = retired[k:k + 500]
        codings += int(store.conn.execute(
            "SELECT COUNT(*) FROM codings WHERE coder_id = ? AND id IN ("
            + ",".join("?" * len(chunk)) + ")", [coder_id, *chunk]).fetchone()[0])
    if not (codings or memos):
        return None
    return ", ".join(plural(n, noun) for n, noun in ((codings, "coding"), (memos, "memo")) if n)


REASSIGNED_KINDS = ("reconcile", "undo", "redo", "merged")
"""The kinds of event ``--coder`` can select though another coder's: a reconcile
decision (logged for the consensus coder, decided by a person: ``decided_by``), an undo
or redo of one (``target``), and one merged in (its ``original`` and ``local``); see
:func:`_decided_by`."""
DESCRIBED_AT_ONCE = 2000
"""Events read and described together (:func:`record_targets`)."""


def _prefilter(store: Store, coder: str | None, kinds: Iterable[str],
               since: dt.datetime | None, until: dt.datetime | None,
               transcript_ids: Iterable[int] | None = None, theme: str | None = None
               ) -> tuple[str, list[Any]]:
    """The SQL ``WHERE`` that keeps at least every event the filters select (exactly,
    for ``kinds``, ``transcript_ids`` and ``theme``: the ``event_targets`` the event's
    words name, :func:`record_targets`), and its arguments.

    A time is stored as ISO 8601 (``2026-11-27T13:05:42.123456+00:00``; an old or merged
    record may lack the zone or the time): compared as text with a date a day before
    ``since`` and two days after ``until``, every event in the range is kept whatever
    its zone (at most 14 hours from UTC), and :func:`audit_log` compares the times
    themselves after. ``coder``: the coder's own events and those of
    :data:`REASSIGNED_KINDS`.
    """
    where: list[str] = []
    args: list[Any] = []
    wanted = sorted(set(kinds))
    if wanted:
        where.append(f"e.kind IN ({','.join('?' * len(wanted))})")
        args += wanted
    if since is not None:
        where.append("e.at >= ?")
        args.append(_day(since, -1))
    if until is not None:
        where.append("e.at < ?")
        args.append(_day(until, 2))
    if transcript_ids is not None:
        tids = sorted(set(transcript_ids))
        where.append("e.id IN (SELECT t.event_id FROM event_targets t WHERE t.transcript_id "
                     f"IN ({','.join('?' * len(tids))}))")
        args += tids
    if theme is not None:
        where.append("e.id IN (SELECT t.event_id FROM event_targets t WHERE t.theme_id = ?)")
        args.append(theme)
    if coder is not None:
        # Besides, what may have moved the coder's work (WORK_KINDS): a theme merge, and
        # a memo event logged for no coder (a summary moved by participants assign).
        row = store.conn.execute("SELECT id FROM coders WHERE name = ?", [coder]).fetchone()
        where.append(f"(e.coder_id = ? OR e.kind IN "
                     f"({','.join('?' * len(REASSIGNED_KINDS))}) OR e.kind = 'theme_merge' "
                     "OR (e.kind = 'memo' AND e.coder_id IS NULL))")
        args += [row[0] if row else None, *REASSIGNED_KINDS]
    return (" WHERE " + " AND ".join(where) if where else ""), args


def record_targets(store: Store, event_ids: Iterable[int]) -> None:
    """(Re)write the ``event_targets`` of these events: the transcripts and themes their
    words name (:meth:`EventWords.describe`), for ``qcahp log --transcript/--theme``.

    The trigger ``event_targets_on_insert`` writes those of every new event but a
    ``merged`` one; the merge calls this for the events it brings in, a withdrawal for
    those it scrubs, and migration m008 for the log as it was. Call inside
    :meth:`Store.write`.
    """
    ids = sorted(set(event_ids))
    words = EventWords(store)
    for k in range(0, len(ids), DESCRIBED_AT_ONCE):
        chunk = ids[k:k + DESCRIBED_AT_ONCE]
        store.conn.execute("DELETE FROM event_targets WHERE event_id IN ("
                           + ",".join("?" * len(chunk)) + ")", chunk)
        events = words.load_events(chunk)
        words.prefetch(events)
        rows: list[tuple[int, int | None, str | None]] = []
        for event in events:
            rows += target_rows(event["id"], words.describe(event))
        store.conn.executemany("INSERT INTO event_targets (event_id, transcript_id, theme_id) "
                               "VALUES (?, ?, ?)", rows)


def target_rows(event_id: int, described: Described
                ) -> list[tuple[int, int | None, str | None]]:
    """The ``event_targets`` rows of an event: each transcript and theme it names, paired
    in order while both last (a row's pair says no more than the two rows would)."""
    tids = [t for t in dict.fromkeys(described.transcript_ids) if isinstance(t, int)]
    themes = [str(t) for t in dict.fromkeys(described.theme_ids) if t]
    n = max(len(tids), len(themes))
    return [(event_id, tids[i] if i < len(tids) else None,
             themes[i] if i < len(themes) else None) for i in range(n)]


def _day(when: dt.datetime, days: int) -> str:
    """``YYYY-MM-DD`` of ``when`` in UTC moved by ``days`` (a bound to compare text with)."""
    return (when.astimezone(dt.timezone.utc) + dt.timedelta(days=days)).strftime("%Y-%m-%d")


def _entry(words: EventWords, event: dict[str, Any], described: Described,
           payload: bool = True) -> LogEntry:
    """An event and its words as a row of the audit trail (``payload``: with its record
    as stored)."""
    names = words.transcripts
    return LogEntry(
        event["id"], event["at"], event["coder"], event["kind"], described.what,
        [names[t] if t in names else str(t) for t in dict.fromkeys(described.transcript_ids)],
        list(dict.fromkeys(described.theme_ids)), words.raw(event["id"]) if payload else None)


def _decided_by(event: dict[str, Any], words: EventWords, depth: int = 0) -> str | None:
    """Who decided a reconcile decision (or the one an undo or redo takes back or brings
    back), here or in a merged-in copy: usually not the consensus coder it is logged for."""
    original = event.get("original") if isinstance(event.get("original"), dict) else {}
    for record in (event, original):
        if record.get("decided_by"):
            return str(record["decided_by"])
    local = event.get("local") if isinstance(event.get("local"), dict) else {}
    target = words.event(event.get("target", local.get("target")))
    if target is not None and depth < 2:
        return _decided_by(target, words, depth + 1)
    return None


__all__ = ["EVENT_KINDS", "LogEntry", "WORK_KINDS", "audit_log", "parse_when",
           "record_targets", "their_work"]
