"""``qcahp log --transcript/--theme`` in SQL: each event's transcripts and themes are
stored (``event_targets``, migration m008) as its words name them, so the filters and
``--limit`` no longer describe every event of the log.

The rows are written with the event: by a trigger for every event made here (decisions,
memos, undo and redo, a search's codings, theme changes, reconcile decisions, codings
imported from a file or from Word comments, a REFI-QDA import, a redaction), by the
merge for the events it brings in, by a withdrawal for the events it scrubs, and by m008
for a log written before it. Each is
checked against the words themselves (:meth:`EventWords.describe`, which the filters
read before) on a project with an event of every kind.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from qualcoder_ahp.model.audit import audit_log
from qualcoder_ahp.model.event_words import EventWords
from qualcoder_ahp.model.migrations import MIGRATIONS
from qualcoder_ahp.model.store import Store, open_store
from qualcoder_ahp.privacy import NameRule, redact_transcripts
from tests.conftest import make_parsed
from tests.test_audit_log import audit_db, run, suggestion  # noqa: F401 (fixtures)
from tests.test_log_speed_audit import every_kind, reference_log  # noqa: F401 (a fixture)
from tests.test_migrations import _dump


def stored(store: Store) -> dict[int, tuple[set[int], set[str]]]:
    out: dict[int, tuple[set[int], set[str]]] = {}
    for event_id, tid, theme in store.conn.execute(
            "SELECT event_id, transcript_id, theme_id FROM event_targets"):
        tids, themes = out.setdefault(event_id, (set(), set()))
        if tid is not None:
            tids.add(tid)
        if theme is not None:
            themes.add(theme)
    return out


def described(store: Store) -> dict[int, tuple[set[int], set[str]]]:
    """Each event's transcripts and themes as its words name them, one at a time."""
    words = EventWords(store)
    out: dict[int, tuple[set[int], set[str]]] = {}
    for (event_id,) in store.conn.execute("SELECT id FROM events ORDER BY id").fetchall():
        said = words.describe(words.event(event_id) or {})
        tids = {t for t in said.transcript_ids if isinstance(t, int)}
        themes = {str(t) for t in said.theme_ids if t}
        if tids or themes:
            out[event_id] = (tids, themes)
    return out


def add_the_rest(path: Path, tmp_path: Path) -> None:
    """What the every-kind project lacks: a REFI-QDA import, codings imported from a
    file and from Word comments (undone and redone), a memo undone and a redaction (that of
    p3 went with it)."""
    from qualcoder_ahp.refi import import_file
    from tests.test_refi_support import zip_fixture

    store = open_store(path)
    import_file(store, zip_fixture("nvivo", tmp_path / "nvivo.qdpx"))
    p1 = store.transcript("p1").id
    store.set_memo("ben", "transcript", p1, "long")
    store.set_memo("ben", "theme", "board", "b")
    store.undo("ben")
    p4, _ = store.add_transcript("p4", make_parsed([
        ("Interviewer", "interviewer", "Who?"), ("P4", "participant", "Helen did.")]))
    redact_transcripts(store, [NameRule("Helen", "[P4]")], ["p4"])
    store.set_memo("ben", "transcript", p4.id, "redacted")
    # Framework summaries, on every case there is (participants' and lone transcripts').
    cases = store.framework_cases()
    assert {c.kind for c in cases} == {"participant", "transcript"}, cases
    for case in cases:
        store.set_memo("ben", "cell", f"{case.key}|board", f"summary of {case.name}")
    texts = {n: store.transcript_text(store.transcript(n).id) for n in ("p1", "p2")}
    store.close()
    csv_file = tmp_path / "codings.csv"
    csv_file.write_text("transcript,theme,start,end,quote\n"
                        f"p1,board,0,9,{texts['p1'][0:9]}\np2,luck,0,5,{texts['p2'][0:5]}\n",
                        encoding="utf-8")
    code, _, err = run(path, "codings", "import", str(csv_file), "--coder", "dee")
    assert code == 0, err
    # Codings from Word comments (one undo_group of several themes), undone and redone.
    docx = tmp_path / "p1.docx"
    assert run(path, "show", "p1", "--coder", "anna", "-o", str(docx))[0] == 0
    for args in (("codings", "import", str(docx), "--coder", "wes"),
                 ("undo", "--coder", "wes"), ("redo", "--coder", "wes")):
        code, _, err = run(path, *args)
        assert code == 0, err
    store = open_store(path)
    word = [json.loads(p) for (p,) in store.conn.execute(
        "SELECT payload FROM events WHERE kind = 'undo_group'")]
    assert any(e.get("source") == "word" and e["theme_ids"] for e in word), word
    store.close()


def test_every_events_stored_targets_are_those_its_words_name(every_kind: Path,
                                                              tmp_path: Path) -> None:
    add_the_rest(every_kind, tmp_path)
    store = open_store(every_kind)
    kinds = {k for (k,) in store.conn.execute("SELECT DISTINCT kind FROM events")}
    assert {"accept", "adjust", "reject", "code", "remove", "memo", "undo", "redo",
            "undo_group", "reconcile", "theme_add", "theme_edit", "theme_merge", "merge",
            "merged", "refi_import", "redact", "withdraw", "withdrawn", "coder_rename",
            "coder_join"} <= kinds, kinds
    assert stored(store) == described(store)
    store.close()


def test_a_withdrawal_leaves_no_target_on_its_transcripts(every_kind: Path) -> None:
    store = open_store(every_kind)
    here = {r[0] for r in store.conn.execute("SELECT id FROM transcripts")}
    named = {r[0] for r in store.conn.execute(
        "SELECT DISTINCT transcript_id FROM event_targets WHERE transcript_id IS NOT NULL")}
    assert named and named <= here
    placeholders = [r[0] for r in store.conn.execute(
        "SELECT id FROM events WHERE kind = 'withdrawn'")]
    assert placeholders and not set(placeholders) & set(stored(store))
    store.close()


def test_a_merge_writes_the_targets_of_the_events_it_brings(audit_db: Any) -> None:  # noqa: F811
    path, ids = audit_db
    store = open_store(path)
    merged = [r[0] for r in store.conn.execute(
        "SELECT id FROM events WHERE kind = 'merged' ORDER BY id")]
    assert len(merged) == 3
    targets = stored(store)
    assert [targets.get(e) for e in merged] == [({ids["p1"]}, {"luck"}),
                                                ({ids["p2"]}, {"board"}), (set(), {"board"})]
    store.close()


def test_the_filters_describe_only_the_events_they_show(every_kind: Path,
                                                       monkeypatch: Any) -> None:
    """Describing every event to filter them cost 11 s at 288,000 events: a filtered,
    limited listing describes the events it shows, however long the log."""
    store = open_store(every_kind)
    tid = store.transcript("p1").id
    sentences = store.sentences(tid)
    for _ in range(6):
        for s in sentences:
            store.code(tid, "board", "anna", s.start, s.end)
            store.code(tid, "luck", "anna", s.start, s.end)
    said: list[int] = []
    describe = EventWords.describe

    def counted(self: EventWords, event: dict[str, Any]) -> Any:
        said.append(event["id"])
        return describe(self, event)

    monkeypatch.setattr(EventWords, "describe", counted)
    for chosen in ({"transcript_ids": [tid]}, {"theme": "board"},
                   {"transcript_ids": [tid], "theme": "luck"}):
        said.clear()
        entries, matched = audit_log(store, limit=3, **chosen)
        assert matched > 20 and [e.id for e in entries] == said, (chosen, said)
        monkeypatch.setattr(EventWords, "describe", describe)
        assert entries == reference_log(store, **{k: set(v) if k == "transcript_ids" else v
                                                  for k, v in chosen.items()})[-3:]
        monkeypatch.setattr(EventWords, "describe", counted)
    store.close()


def as_before_m008(path: Path) -> None:
    """The project as the release before m008 left it: no event_targets, no trigger."""
    db = Database(str(path))
    db.execute("DROP TRIGGER event_targets_on_insert")
    db.execute("DROP TABLE event_targets")
    db.execute("DELETE FROM _sqlite_migrations WHERE name = 'm008_add_event_targets'")
    db.execute(f"PRAGMA user_version = {len(MIGRATIONS._migrations) - 1}")
    db.conn.commit()
    db.close()


def test_m008_fills_the_targets_of_an_existing_log_and_keeps_a_backup(
        every_kind: Path) -> None:
    store = open_store(every_kind)
    want = described(store)
    store.close()
    as_before_m008(every_kind)
    old = _dump(every_kind)
    version = len(MIGRATIONS._migrations) - 1
    store = open_store(every_kind)
    assert stored(store) == want
    p1, p2 = (store.transcript(n).id for n in ("p1", "p2"))
    for chosen in ({"transcript_ids": {p1}}, {"transcript_ids": {p2}}, {"theme": "board"},
                   {"theme": "luck", "transcript_ids": {p1}}):
        assert audit_log(store, **chosen)[0] == reference_log(store, **chosen), chosen
    indexes = {i.name: i.columns for i in store.db.table("event_targets").indexes}
    assert indexes["event_targets_by_transcript"] == ["transcript_id", "event_id"]
    assert indexes["event_targets_by_theme"] == ["theme_id", "event_id"]
    from qualcoder_ahp.model.audit import _prefilter

    for chosen, index in (({"transcript_ids": [p1]}, "event_targets_by_transcript"),
                          ({"theme": "board"}, "event_targets_by_theme")):
        where, args = _prefilter(store, None, (), None, None, **chosen)
        plan = " ".join(str(r[3]) for r in store.conn.execute(
            "EXPLAIN QUERY PLAN SELECT e.id FROM events e" + where + " ORDER BY e.id DESC "
            "LIMIT 50", args))
        assert f"COVERING INDEX {index}" in plan and "SCAN e" not in plan, plan
    # New events get theirs from the trigger again.
    store.code(p1, "board", "anna", 0, 4)
    assert stored(store) == described(store)
    store.close()
    assert _dump(every_kind.with_name(every_kind.name + f".bak-v{version}")) == old


def test_log_transcript_and_theme_on_the_command_line(every_kind: Path) -> None:
    code, out, err = run(every_kind, "log", "--transcript", "p2", "--theme", "board",
                         "--format", "json")
    assert code == 0, err
    events = json.loads(out)["events"]
    assert events and all("p2" in e["transcripts"] and "board" in e["themes"]
                          for e in events)
    store = open_store(every_kind)
    p2 = store.transcript("p2").id
    assert [e["event"] for e in events] == [e.id for e in reference_log(
        store, transcript_ids={p2}, theme="board")]
    store.close()
