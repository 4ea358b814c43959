"""The audit trail at scale: a limited listing costs what it shows, and says the same.

``qcahp log --limit 50`` used to describe every event of the log (a coding query
each) before keeping the newest 50: 11.7 s at 288,000 events. Now the filters that SQL
can apply (kind, coder, a time range) select in SQL, newest first, and only the events
shown are described, their suggestions, codings and undone events read in batches.

On a project with an event of every kind (accepts, memos, undo and redo, a search's
codings, theme edits and merges, reconcile decisions replacing and undoing each other
and decided by coders renamed and joined since, merges of copies, a redaction, a
withdrawal) every filter and limit must give the tail of the full listing, and the
full listing must equal the log as the rule reads it: every event described on its
own, one lookup at a time, then filtered (:func:`reference_log`, the former code).
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from typing import Any

import pytest

from qualcoder_ahp.model.audit import LogEntry, _decided_by, audit_log
from qualcoder_ahp.model.event_words import EventWords
from qualcoder_ahp.model.event_words import stored_time as _time
from qualcoder_ahp.model.reconcile_store import decided_by_matcher
from qualcoder_ahp.model.store import Store, open_store
from tests.test_audit_log import audit_db, suggestion  # noqa: F401 (a fixture)


def reference_log(store: Store, *, coder: str | None = None,
                  transcript_ids: set[int] | None = None, theme: str | None = None,
                  kinds: tuple[str, ...] = (), since: dt.datetime | None = None,
                  until: dt.datetime | None = None) -> list[LogEntry]:
    """Every event described one by one with lookups as they come, then filtered."""
    import json

    rows = store.conn.execute(
        "SELECT e.id, k.name, e.at, e.kind, e.payload FROM events e "
        "LEFT JOIN coders k ON k.id = e.coder_id ORDER BY e.id").fetchall()
    events: dict[int, dict[str, Any]] = {}
    for event_id, name, at, kind, text in rows:
        body = json.loads(text)
        if "kind" in body:
            body["target_kind"] = body.pop("kind")
        events[event_id] = {**body, "id": event_id, "coder": name, "at": at, "kind": kind}
    words = EventWords(store, events)
    source = None
    for event_id, _name, _at, kind, _text in reversed(rows):
        if kind == "merge":
            source = events[event_id].get("source")
        elif kind == "merged" and source:
            words.sources[event_id] = str(source)
    decided_by = decided_by_matcher(store, coder)
    out = []
    for event_id, name, at, kind, text in rows:
        event = events[event_id]
        if kinds and kind not in kinds:
            continue
        if coder is not None and coder != name and not decided_by(
                _decided_by(event, words), at):
            continue
        if (since is not None and _time(at) < since) or (until is not None
                                                         and _time(at) >= until):
            continue
        described = words.describe(event)
        if transcript_ids is not None and not transcript_ids.intersection(
                described.transcript_ids):
            continue
        if theme is not None and theme not in described.theme_ids:
            continue
        out.append(LogEntry(
            event_id, at, name, kind, described.what,
            [words.transcripts.get(t, str(t)) for t in dict.fromkeys(described.transcript_ids)],
            list(dict.fromkeys(described.theme_ids)), json.loads(text)))
    return out


@pytest.fixture
def every_kind(audit_db: tuple[Path, dict[str, int]], tmp_path: Path) -> Path:  # noqa: F811
    """The audit project, then decisions replaced and undone, coders renamed and joined
    (ana decided as "ana" before being renamed), a second merge and a withdrawal."""
    path, ids = audit_db
    store = open_store(path)
    p1, p2 = ids["p1"], ids["p2"]
    for start, end, by in ((0, 30, "ben"), (10, 40, "ana"), (20, 50, "ana"), (5, 12, "bo")):
        store.reconcile(p1, "board", "consensus", [(start, end)], rule="take",
                        taken_from="ben", compared=["ana", "ben"], start=start, end=end,
                        decided_by=by)
    store.undo("consensus")
    store.redo("consensus")
    store.undo("consensus")
    store.reconcile(p2, "luck", "consensus", [], rule="reject", compared=["ana", "ben"],
                    start=0, end=10, decided_by="ana")
    store.close()
    copy = tmp_path / "cat.db"
    shutil.copy(path, copy)
    cat = open_store(copy)
    cat.code(p2, "board", "cat", 0, 9)
    cat.reconcile(p2, "board", "consensus", [(0, 9)], rule="take", taken_from="cat",
                  compared=["cat", "ben"], start=0, end=9, decided_by="cat")
    cat.undo("consensus")
    cat.close()
    store = open_store(path)
    store.merge_from(copy)
    store.rename_coder("ana", "anna", by="lead")
    store.join_coders("bo", "anna", by="lead")
    store.withdraw(transcripts=["p3"], by="lead")
    store.code(p1, "board", "anna", 0, 5)
    store.close()
    return path


def test_every_filter_and_limit_is_the_tail_of_the_full_listing(every_kind: Path) -> None:
    store = open_store(every_kind)
    kinds_here = {k for (k,) in store.conn.execute("SELECT DISTINCT kind FROM events")}
    assert {"merge", "merged", "theme_merge", "coder_join", "coder_rename", "withdraw",
            "withdrawn", "reconcile", "undo", "redo", "undo_group", "memo"} <= kinds_here
    times = [_time(at) for (at,) in store.conn.execute("SELECT at FROM events ORDER BY id")]
    middle = times[len(times) // 2]
    p1, p2 = (store.transcript(n).id for n in ("p1", "p2"))
    filters: list[dict[str, Any]] = [
        {}, {"kinds": ("reconcile",)}, {"kinds": ("merged", "undo", "code")},
        {"coder": "anna"}, {"coder": "ben"}, {"coder": "consensus"}, {"coder": "lead"},
        {"transcript_ids": {p1}}, {"transcript_ids": {p2}}, {"theme": "board"},
        {"theme": "luck", "kinds": ("reconcile", "merged")},
        {"since": middle}, {"until": middle}, {"since": times[3], "until": middle},
        {"coder": "anna", "since": times[3], "transcript_ids": {p1}},
        {"coder": "ben", "theme": "board"},
        {"since": middle + dt.timedelta(days=3)},
    ]
    for chosen in filters:
        full = reference_log(store, **chosen)
        whole, matched = audit_log(store, **chosen)
        assert whole == full and matched == len(full), chosen
        for limit in (0, 1, 2, 5, len(full) - 1, len(full), len(full) + 3):
            if limit < 0:
                continue
            entries, matched = audit_log(store, **chosen, limit=limit)
            assert matched == len(full), (chosen, limit)
            assert entries == (full[max(0, len(full) - limit):] if limit else []), (
                chosen, limit)
    anna = [e.what for e in reference_log(store, coder="anna") if e.kind == "reconcile"]
    # Decided as "ana" (renamed anna since) and as "bo" (joined into anna since).
    assert len(anna) == 5 and all(w.endswith(("decided by ana", "decided by bo"))
                                  for w in anna)
    store.close()


def test_a_limited_listing_reads_what_it_shows(every_kind: Path) -> None:
    store = open_store(every_kind)
    tid = store.transcript("p1").id

    def statements(**filters: Any) -> int:
        seen: list[str] = []
        store.conn.set_trace_callback(seen.append)
        audit_log(store, limit=3, **filters)
        store.conn.set_trace_callback(None)
        return len(seen)

    before = {k: statements(**f) for k, f in (("all", {}), ("kind", {"kinds": ("code",)}),
                                                ("coder", {"coder": "anna"}))}
    sentences = store.sentences(tid)
    for _ in range(6):
        for s in sentences:
            store.code(tid, "board", "anna", s.start, s.end)
            store.code(tid, "luck", "anna", s.start, s.end)
    after = {k: statements(**f) for k, f in (("all", {}), ("kind", {"kinds": ("code",)}),
                                               ("coder", {"coder": "anna"}))}
    assert after == before  # 100 more events, not one query more
    store.close()
