"""Session 23, ``qcahp log --limit 0`` at scale: the log described a part at a time.

``audit_log`` read the whole log at once (every row, payload, coding and suggestion it
named, 600 MB at 140,000 events) and the collector walked it all again and again while
the entries were made: 27 times ``qcahp --version`` at 1M words. Now the events are
read and described :data:`~qualcoder_ahp.model.audit.DESCRIBED_AT_ONCE` at a time and
let go (``EventWords.forget``), the records are kept only for JSON (``payloads``), and
the command pauses the collector while the output is made.

What that could break, checked here with a part of one, two, three and seven events
(so that an undo, a redo and a merged event name events and codings of an earlier
part): the listing must still be the log as the rule reads it (every event described on
its own, then filtered: ``reference_log``), for every filter (kind, coder, time,
transcript, theme) and limit, oldest first; the command's CSV must be that listing; an
event logged while a listing is read must not join it; and the collector must be
running again afterwards, as it was found. These pin behaviour: they pass on the code
before too, where it had no parts.
"""

from __future__ import annotations

import csv
import datetime as dt
import gc
import io
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from qualcoder_ahp.cli import cli
from qualcoder_ahp.model import audit
from qualcoder_ahp.model.audit import audit_log
from qualcoder_ahp.model.event_words import EventWords
from qualcoder_ahp.model.event_words import stored_time as _time
from qualcoder_ahp.model.store import open_store
from tests.test_audit_log import audit_db, suggestion  # noqa: F401 (fixtures)
from tests.test_log_speed_audit import every_kind, reference_log  # noqa: F401 (a fixture)

PARTS = (1, 2, 3, 7)


def _filters(store: Any) -> list[dict[str, Any]]:
    times = [_time(at) for (at,) in store.conn.execute("SELECT at FROM events ORDER BY id")]
    middle = times[len(times) // 2]
    p1, p2 = (store.transcript(n).id for n in ("p1", "p2"))
    return [
        {}, {"kinds": ("reconcile", "undo", "redo")}, {"kinds": ("merged", "code")},
        {"coder": "anna"}, {"coder": "consensus"}, {"coder": "lead"},
        {"transcript_ids": {p1}}, {"transcript_ids": {p2}}, {"theme": "board"},
        {"since": middle}, {"until": middle}, {"since": times[2], "until": middle},
        {"coder": "anna", "since": times[3], "transcript_ids": {p1}},
        {"theme": "luck", "kinds": ("reconcile", "merged")},
    ]


@pytest.mark.parametrize("part", PARTS)
def test_a_listing_read_in_parts_is_the_log_as_the_rule_reads_it(
        every_kind: Path, monkeypatch: pytest.MonkeyPatch, part: int) -> None:  # noqa: F811
    monkeypatch.setattr(audit, "DESCRIBED_AT_ONCE", part)
    store = open_store(every_kind)
    for chosen in _filters(store):
        full = reference_log(store, **chosen)
        assert full or chosen.get("since") is None, chosen
        whole, matched = audit_log(store, **chosen)
        assert whole == full and matched == len(full), (part, chosen)
        assert [e.id for e in whole] == sorted(e.id for e in whole)  # oldest first
        for limit in (1, 2, 5, len(full) - 1, len(full) + 3):
            if limit < 1:
                continue
            entries, matched = audit_log(store, **chosen, limit=limit)
            assert matched == len(full) and entries == full[-limit:], (part, chosen, limit)
        # Without the records (a CSV, a table): the same entries, no payload.
        bare, matched = audit_log(store, **chosen, payloads=False)
        assert matched == len(full)
        assert [e.payload for e in bare] == [None] * len(full)
        assert [(e.id, e.at, e.coder, e.kind, e.what, e.transcripts, e.themes)
                for e in bare] == [(e.id, e.at, e.coder, e.kind, e.what, e.transcripts,
                                    e.themes) for e in full], (part, chosen)
    store.close()


def test_undo_named_in_a_later_part_reads_its_target_again(
        every_kind: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: F811
    """An undo described after its target's part was let go says what it undid."""
    monkeypatch.setattr(audit, "DESCRIBED_AT_ONCE", 1)
    store = open_store(every_kind)
    entries, _ = audit_log(store, kinds=("undo", "redo"))
    assert entries and all(e.what.startswith(("undid: ", "redid: ")) for e in entries)
    assert all(not e.what.endswith(("event", "event None")) for e in entries)
    words = EventWords(store)
    words.load_events([entries[0].id])
    words.forget()  # everything read is let go, and read again when asked for
    assert words.event(entries[0].id) is not None and words.raw(entries[0].id) is not None
    store.close()


def test_an_event_logged_while_a_listing_is_read_stays_out_of_it(
        every_kind: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: F811
    monkeypatch.setattr(audit, "DESCRIBED_AT_ONCE", 2)
    store = open_store(every_kind)
    before = reference_log(store)
    p1 = store.transcript("p1").id
    real = audit._described
    wrote: list[int] = []

    def described(words: EventWords, chunks: Any, *args: Any) -> Any:
        def parts() -> Any:
            for n, chunk in enumerate(chunks):
                if n == 1:  # after the first part was read: a coder codes meanwhile
                    store.code(p1, "board", "ben", 0, 3)
                    wrote.append(store.newest_event_id())
                yield chunk
        return real(words, parts(), *args)

    monkeypatch.setattr(audit, "_described", described)
    entries, matched = audit_log(store, limit=len(before) - 1)
    assert wrote and matched == len(before)
    assert entries == before[1:]
    assert wrote[0] not in {e.id for e in entries}
    store.close()


def _csv_rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))


@pytest.mark.parametrize("args", [
    (), ("--kind", "reconcile", "--kind", "merged"), ("--coder", "anna"),
    ("--limit", "4"), ("--since", "SINCE")])
def test_the_csv_is_the_listing_row_for_row(
        every_kind: Path, monkeypatch: pytest.MonkeyPatch,  # noqa: F811
        args: tuple[str, ...]) -> None:
    monkeypatch.setattr(audit, "DESCRIBED_AT_ONCE", 3)
    store = open_store(every_kind)
    times = [at for (at,) in store.conn.execute("SELECT at FROM events ORDER BY id")]
    since = times[len(times) // 2][:16]
    chosen: dict[str, Any] = {}
    if "--kind" in args:
        chosen["kinds"] = ("reconcile", "merged")
    if "--coder" in args:
        chosen["coder"] = "anna"
    if "--since" in args:
        chosen["since"] = dt.datetime.fromisoformat(since).replace(tzinfo=dt.timezone.utc)
    full = reference_log(store, **chosen)
    if "--limit" in args:
        full = full[-4:]
    store.close()
    argv = [a.replace("SINCE", since) for a in args]
    limit = [] if "--limit" in args else ["--limit", "0"]
    result = CliRunner().invoke(cli, ["--db", str(every_kind), "log", *argv, *limit,
                                      "--format", "csv"])
    assert result.exit_code == 0, result.output
    rows = _csv_rows(result.stdout)
    assert rows[0] == ["event", "time", "coder", "kind", "transcript", "theme", "what"]
    assert rows[1:] == [[str(e.id), e.at, e.coder or "", e.kind, ", ".join(e.transcripts),
                         ", ".join(e.themes), e.what] for e in full]
    assert gc.isenabled()


def test_the_collector_rests_while_the_log_is_made_and_is_left_as_found(
        every_kind: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: F811
    seen: list[bool] = []
    real = EventWords.describe

    def describe(self: EventWords, event: dict[str, Any]) -> Any:
        seen.append(gc.isenabled())
        return real(self, event)

    monkeypatch.setattr(EventWords, "describe", describe)
    assert gc.isenabled()
    for fmt in ("csv", "json", "table"):
        result = CliRunner().invoke(cli, ["--db", str(every_kind), "log", "--limit", "0",
                                          "--format", fmt])
        assert result.exit_code == 0, result.output
        assert gc.isenabled()
    assert seen and not any(seen)
    # A failure on the way leaves it running; someone else's pause is left alone.
    monkeypatch.setattr(EventWords, "describe", lambda self, event: 1 / 0)
    result = CliRunner().invoke(cli, ["--db", str(every_kind), "log", "--limit", "0",
                                      "--format", "csv"])
    assert result.exit_code != 0 and gc.isenabled()
    monkeypatch.setattr(EventWords, "describe", real)
    gc.disable()
    try:
        result = CliRunner().invoke(cli, ["--db", str(every_kind), "log", "--format", "csv"])
        assert result.exit_code == 0 and not gc.isenabled()
    finally:
        gc.enable()


def test_json_keeps_every_record_as_stored(every_kind: Path) -> None:  # noqa: F811
    import json

    store = open_store(every_kind)
    stored = {i: json.loads(p) for i, p in store.conn.execute("SELECT id, payload FROM events")}
    store.close()
    result = CliRunner().invoke(cli, ["--db", str(every_kind), "log", "--limit", "0",
                                      "--format", "json"])
    assert result.exit_code == 0, result.output
    events = json.loads(result.stdout)["events"]
    assert [e["event"] for e in events] == sorted(stored)
    for event in events:
        if event["kind"] not in ("merge", "refi_import"):  # those name a file, not a path
            assert event["payload"] == stored[event["event"]], event["event"]
