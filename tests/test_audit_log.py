"""The audit trail (``qcahp log``) and undo/redo from the command line.

One small project gets an event of every kind the code writes (accept, reject,
adjust, code, remove, memo, undo, redo, search --code, theme add/edit/merge, a
reconcile decision, a redaction, a merge of a coder's copy with its merged events);
the log must say each in words, filter, and write every format; ``qcahp undo``/``redo``
must do exactly what the store's undo/redo do and say it in the log's words.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

import qualcoder_ahp.model.store as store_module
from qualcoder_ahp.cli import cli
from qualcoder_ahp.model.audit import EVENT_KINDS
from qualcoder_ahp.model.event_words import EventWords
from qualcoder_ahp.model.store import Store, open_store
from qualcoder_ahp.privacy import NameRule, redact_transcripts
from qualcoder_ahp.reports.search import SearchQuery, code_hits, search
from qualcoder_ahp.suggest import run_suggestions
from tests.conftest import make_parsed
from tests.test_inductive_themes import small_store, span_of


def run(db: Path, *args: str) -> tuple[int, str, str]:
    """``qcahp --db DB ARGS``: exit code, stdout, stderr."""
    result = CliRunner().invoke(cli, ["--db", str(db), *args])
    return result.exit_code, result.stdout, result.stderr


def small_project(tmp_path: Path) -> tuple[Path, Store]:
    """The small codebook, transcripts p1 and p2 (p3 left uncoded) and suggestions."""
    path = tmp_path / "p.db"
    store = open_store(path)
    small_store(store, tmp_path)
    store.add_transcript("p2", make_parsed([
        ("Interviewer", "interviewer", "And the board?"),
        ("P2", "participant", "The board asked me. It was luck, pure luck.")]))
    store.add_transcript("p3", make_parsed([
        ("Interviewer", "interviewer", "Who helped?"),
        ("P3", "participant", "Helen helped me a lot.")]))
    run_suggestions(store)
    return path, store


def suggestion(store: Store, transcript: str, theme: str) -> Any:
    """The first open suggestion of a theme in a transcript."""
    tid = store.transcript(transcript).id
    return next(s for s in store.suggestions(transcript_id=tid, theme_id=theme))


EXPECTED: list[tuple[str, str | None, str]] = [
    ("accept", "ana", "accepted suggestion {s1} (Chance) on p1 [59, 76)"),
    ("reject", "ana", "rejected suggestion {s2} (Board) on p2 [16, 35)"),
    ("adjust", "ana", "accepted suggestion {s3} (Chance) on p2 [36, 59) with the span "
                      "adjusted to [36, 58)"),
    ("code", "ana", "coded by hand: Chance on p1 [23, 58)"),
    ("memo", "ana", "wrote the memo on coding {c} (Chance) on p1 [23, 58)"),
    ("memo", "ana", "edited the memo on coding {c} (Chance) on p1 [23, 58)"),
    ("memo", "ana", "wrote the memo on theme Chance"),
    ("memo", "ana", "wrote the memo on transcript p1"),
    ("remove", "ana", "removed coding {c} (Chance) on p1 [23, 58)"),
    ("undo", "ana", "undid: removed coding {c} (Chance) on p1 [23, 58)"),
    ("redo", "ana", "redid: removed coding {c} (Chance) on p1 [23, 58)"),
    ("undo", "ana", "undid: removed coding {c} (Chance) on p1 [23, 58)"),
    ("undo_group", "bo", "coded 2 sentences found by search \u201cluck\u201d (all speakers) "
                         "with Board"),
    ("theme_add", "ana", "added theme Caring (caring) under Careers"),
    ("theme_edit", "bo", "renamed theme Luck to Chance; rewrote the definition of theme "
                         "Chance; rewrote the exclusion criteria of theme Chance; changed the "
                         "colour of theme Chance from #1F77B4 to #AA4499"),
    ("code", "ana", "coded by hand: Caring on p2 [0, 14)"),
    ("theme_merge", "ana", "merged theme Caring into Chance (1 coding moved)"),
    ("reconcile", "consensus", "reconciled Chance on p1 [59, 76) (ana, ben): union, "
                               "1 consensus coding, decided by ana"),
    # Named as here: the decision it brought in points at it (see the next test for one
    # that was replaced since).
    ("merged", "ben", "merged in from copy ben.db: accepted suggestion {s1} (Chance) on p1 "
                      "[59, 76)"),
    ("merged", "ben", "merged in from copy ben.db: coded by hand: Board on p2 [0, 5)"),
    ("merged", "ben", "merged in from copy ben.db: wrote the memo on theme Board"),
    ("merge", None, "merged in from copy ben.db (2 new codings, 1 decision, 1 memo, "
                    "1 new coder, 3 events)"),
    ("redact", None, "redacted names in transcript p3 (1 replacement)"),
]
"""The audit project's events in order: kind, coder, words (ids filled in)."""


@pytest.fixture
def audit_db(tmp_path: Path) -> tuple[Path, dict[str, int]]:
    """A closed project with an event of every kind but refi_import (see EXPECTED)."""
    path, store = small_project(tmp_path)
    s1 = suggestion(store, "p1", "luck")
    s2 = suggestion(store, "p2", "board")
    s3 = suggestion(store, "p2", "luck")
    store.close()
    copy = tmp_path / "ben.db"
    shutil.copy(path, copy)
    store = open_store(path)
    p1, p2, p3 = (store.transcript(n).id for n in ("p1", "p2", "p3"))
    store.accept(s1.id, "ana")
    store.reject(s2.id, "ana")
    store.accept(s3.id, "ana", start=s3.start, end=s3.end - 1)
    coding = store.code(p1, "luck", "ana", *span_of(store, "I looked after my mother for years."))
    store.set_memo("ana", "coding", coding.id, "carer")
    store.set_memo("ana", "coding", coding.id, "carer, for years")
    store.set_memo("ana", "theme", "luck", "chance")
    store.set_memo("ana", "transcript", p1, "short")
    store.remove_coding(coding.id, "ana")
    store.undo("ana")
    store.redo("ana")
    store.undo("ana")
    found = search(store, SearchQuery(("luck",)))
    code_hits(store, found.hits, "board", "bo", about=found.query.describe())
    store.add_theme("Caring", coder="ana", parent_id="careers")
    store.edit_theme("luck", coder="bo", name="Chance", color="#AA4499", description="Luck.",
                     exclusion="Planned moves.")
    store.code(p2, "caring", "ana", 0, 14)
    store.merge_theme("caring", "luck", coder="ana")
    store.reconcile(p1, "luck", "consensus", [(s1.start, s1.end)], rule="union",
                    compared=["ana", "ben"], start=s1.start, end=s1.end, decided_by="ana")
    store.close()
    ben = open_store(copy)
    ben.accept(s1.id, "ben")
    ben.code(p2, "board", "ben", 0, 5)
    ben.set_memo("ben", "theme", "board", "m")
    ben.close()
    store = open_store(path)
    store.merge_from(Path("ben.db"))  # as `qcahp merge ben.db` in the project's folder
    redact_transcripts(store, [NameRule("Helen", "[P3]")], ["p3"])  # after: merge needs it
    store.close()
    return path, {"s1": s1.id, "s2": s2.id, "s3": s3.id, "c": coding.id, "p1": p1, "p2": p2}


def log_json(db: Path, *args: str) -> list[dict[str, Any]]:
    code, out, err = run(db, "log", "--format", "json", *args)
    assert code == 0, err
    return json.loads(out)["events"]


# --------------------------------------------------------------------------- the words
def test_log_says_every_kind_in_words(audit_db: tuple[Path, dict[str, int]]) -> None:
    db, ids = audit_db
    events = log_json(db)
    assert [(e["kind"], e["coder"], e["what"]) for e in events] == [
        (kind, coder, what.format(**ids)) for kind, coder, what in EXPECTED]
    # Every kind the code writes is known to --kind; only a REFI-QDA import is missing here
    # (see test_log_describes_a_refi_import), a withdrawal (see test_withdraw.py), a
    # coder renamed or joined (see test_coders.py), a theme retired or restored (see
    # test_guard_retire.py) and a speaker renamed or given a role (test_speakers_s20.py).
    assert {e["kind"] for e in events} == set(EVENT_KINDS) - {
        "refi_import", "withdraw", "withdrawn", "coder_rename", "coder_join",
        "theme_retire", "theme_restore", "speaker_rename", "speaker_role",
        "transcript_rename"}  # (test_s22_privacy.py)
    assert [e["event"] for e in events] == sorted(e["event"] for e in events)


def test_log_rows_name_their_transcripts_and_themes(
        audit_db: tuple[Path, dict[str, int]]) -> None:
    db, _ids = audit_db
    by_what = {e["what"].split(" (")[0]: e for e in log_json(db)}
    search_coding = next(e for e in log_json(db) if e["kind"] == "undo_group")
    assert (search_coding["transcripts"], search_coding["themes"]) == (["p1", "p2"], ["board"])
    merge = next(e for e in log_json(db) if e["kind"] == "theme_merge")
    assert merge["themes"] == ["caring", "luck"] and merge["transcripts"] == []
    assert by_what["wrote the memo on transcript p1"]["transcripts"] == ["p1"]


def test_json_keeps_the_payload_as_stored(audit_db: tuple[Path, dict[str, int]]) -> None:
    db, _ids = audit_db
    conn = sqlite3.connect(db)
    stored = {i: json.loads(p) for i, p in conn.execute("SELECT id, payload FROM events")}
    conn.close()
    events = log_json(db)
    assert {e["event"]: e["payload"] for e in events} == stored
    memo = next(e for e in events if e["kind"] == "memo")
    assert memo["payload"]["kind"] == "coding"  # not renamed, unlike Store.events()


def test_workbench_words_are_the_core_ones(audit_db: tuple[Path, dict[str, int]]) -> None:
    """The workbench's undo messages (EventWords.short) read as they always did."""
    db, ids = audit_db
    store = open_store(db)
    words = EventWords(store)
    events = {e["id"]: e for e in store.events()}
    shorts = [words.short(e) for e in events.values() if e["kind"] not in ("merged", "merge")]
    store.close()
    assert shorts[:4] == ["accept (Chance)", "reject (Board)",
                          "accept with an adjusted span (Chance)", "code (Chance)"]
    assert "memo on the coding" in shorts and "memo on the transcript" in shorts
    assert "coding of 2 sentences found by search (Board)" in shorts
    assert "theme merge (Caring into Chance)" in shorts
    assert "new theme (Caring)" in shorts and "theme edit (Chance)" in shorts
    assert "remove (Chance)" in shorts


# --------------------------------------------------------------------------- filters
def test_filters_by_coder_transcript_theme_and_kind(
        audit_db: tuple[Path, dict[str, int]]) -> None:
    db, _ids = audit_db
    assert {e["coder"] for e in log_json(db, "--coder", "bo")} == {"bo"}
    assert len(log_json(db, "--coder", "bo")) == 2
    # A reconcile decision counts for whoever decided it, not only the consensus coder.
    assert "reconcile" in {e["kind"] for e in log_json(db, "--coder", "ana")}
    p2 = log_json(db, "--transcript", "p2")
    assert p2 and all("p2" in e["transcripts"] for e in p2)
    # ben's hand coding of p2, merged in from his copy, is about p2 here too.
    assert {e["kind"] for e in p2} == {"reject", "adjust", "undo_group", "code", "merged"}
    board = log_json(db, "--theme", "board")
    assert {e["kind"] for e in board} == {"reject", "undo_group", "merged"}
    caring = log_json(db, "--theme", "caring")
    assert [e["kind"] for e in caring] == ["theme_add", "code", "theme_merge"]
    kinds = log_json(db, "--kind", "undo", "--kind", "redo")
    assert [e["kind"] for e in kinds] == ["undo", "redo", "undo"]
    assert log_json(db, "--kind", "memo", "--coder", "bo") == []


def test_unknown_filters_are_one_line_errors(audit_db: tuple[Path, dict[str, int]]) -> None:
    db, _ids = audit_db
    for args, message in ((("--coder", "nobody"), "no coder named 'nobody'"),
                          (("--theme", "lukc"), "no theme 'lukc'"),
                          (("--transcript", "p9"), "no transcript 'p9'"),
                          (("--since", "27/11/2026"), "--since '27/11/2026' is not a date"),
                          (("--since", "2026-12-01", "--until", "2026-11-01"),
                           "--since 2026-12-01 is not before --until 2026-11-01")):
        code, _out, err = run(db, "log", *args)
        assert code == 1 and message in err and len(err.strip().splitlines()) == 1, err
    code, _out, err = run(db, "log", "--kind", "accepted")
    assert code == 2 and "'accepted' is not one of" in err


def test_dates_filter_by_day(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path, store = small_project(tmp_path)
    s1 = suggestion(store, "p1", "luck")
    s2 = suggestion(store, "p2", "board")
    day = [""]
    monkeypatch.setattr(store_module, "now", lambda: day[0])
    for stamp, decide in (("2026-10-30T23:59:59.000000+00:00", lambda: store.accept(s1.id, "ana")),
                          ("2026-11-02T00:00:00.000000+00:00", lambda: store.reject(s2.id, "ana")),
                          ("2026-11-03T12:00:00.000000+00:00", lambda: store.undo("ana"))):
        day[0] = stamp
        decide()
    store.close()
    monkeypatch.undo()
    times = [e["time"][:10] for e in log_json(path, "--since", "2026-11-02")]
    assert times == ["2026-11-02", "2026-11-03"]
    assert [e["kind"] for e in log_json(path, "--until", "2026-11-02")] == ["accept", "reject"]
    assert [e["kind"] for e in log_json(path, "--since", "2026-10-31",
                                        "--until", "2026-11-02")] == ["reject"]
    assert [e["kind"] for e in log_json(path, "--since", "2026-11-03T11:00")] == ["undo"]
    # A time to the minute as the end is the whole minute, as a bare date is the whole day
    assert [e["kind"] for e in log_json(path, "--until", "2026-11-03T12:00")] == [
        "accept", "reject", "undo"]
    assert [e["kind"] for e in log_json(path, "--since", "2026-11-03T12:00",
                                        "--until", "2026-11-03T12:00")] == ["undo"]
    assert [e["kind"] for e in log_json(path, "--until", "2026-11-03T11:59")] == [
        "accept", "reject"]
    assert log_json(path, "--since", "2026-11-04") == []
    code, out, _err = run(path, "log", "--since", "2026-11-04")
    assert (code, out) == (0, "No events match.\n")


def test_limit_shows_the_newest_and_the_terminal_default(tmp_path: Path) -> None:
    path, store = small_project(tmp_path)
    tid = store.transcripts()[0].id
    for i in range(55):
        store.set_memo("ana", "transcript", tid, f"memo {i}")
    store.close()
    code, out, err = run(path, "log")
    lines = out.splitlines()
    assert code == 0 and len(lines) == 2 + 50
    assert lines[2].split()[0] == "6" and lines[-1].split()[0] == "55"
    assert err == "Showing the newest 50 of 55 events (--limit 0 shows all).\n"
    assert len(run(path, "log", "--limit", "0")[1].splitlines()) == 2 + 55
    assert [e["event"] for e in log_json(path, "--limit", "3")] == [53, 54, 55]
    assert len(log_json(path)) == 55  # files and machine formats: all by default
    code, out, err = run(tmp_path / "empty.db", "log")
    assert code == 1 and "no project database" in err
    empty = tmp_path / "fresh.db"
    open_store(empty).close()
    assert run(empty, "log")[1] == "No decisions recorded in this project yet.\n"


# --------------------------------------------------------------------------- formats
def test_formats_csv_xlsx_md_table(audit_db: tuple[Path, dict[str, int]],
                                   tmp_path: Path) -> None:
    db, ids = audit_db
    code, out, _err = run(db, "log", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 0 and len(rows) == len(EXPECTED)
    assert list(rows[0]) == ["event", "time", "coder", "kind", "transcript", "theme", "what"]
    assert rows[0]["what"] == EXPECTED[0][2].format(**ids)
    assert rows[0]["time"].endswith("+00:00")  # the whole stored timestamp
    assert rows[12]["transcript"] == "p1, p2"

    code, _out, err = run(db, "log", "-o", str(tmp_path / "trail.xlsx"))
    assert code == 0 and err.startswith(f"Wrote {len(EXPECTED)} events to ")
    book = load_workbook(tmp_path / "trail.xlsx")
    sheet = book[book.sheetnames[0]]
    values = list(sheet.iter_rows(values_only=True))
    assert values[0] == ("event", "time", "coder", "kind", "transcript", "theme", "what")
    assert [v[6] for v in values[1:]] == [w.format(**ids) for _k, _c, w in EXPECTED]
    assert len(book.sheetnames) == 2  # and an About sheet

    code, out, _err = run(db, "log", "--format", "md", "--kind", "theme_merge")
    assert code == 0 and "| merged theme Caring into Chance (1 coding moved) |" in out

    code, out, _err = run(db, "log", "--kind", "reject")
    header, rule, row = out.splitlines()
    assert header.split() == ["event", "time", "coder", "kind", "transcript", "theme", "what"]
    assert row.split()[3:] == ["ana", "reject", "p2", "board", "rejected", "suggestion",
                               str(ids["s2"]), "(Board)", "on", "p2", "[16,", "35)"]


# --------------------------------------------------------------------------- undo / redo
def codings_state(store: Store) -> tuple[object, ...]:
    """What undo and redo change: codings, decisions, memos."""
    return (tuple((c.id, c.theme_id, c.start, c.end) for c in store.codings()),
            tuple(store.conn.execute("SELECT suggestion_id, coder_id, status, coding_id "
                                     "FROM decisions ORDER BY 1, 2")),
            tuple(store.conn.execute("SELECT coder_id, target_kind, target_id, text FROM "
                                     "memos ORDER BY 1, 2, 3")))


def test_undo_and_redo_round_trip_in_the_log_words(tmp_path: Path) -> None:
    path, store = small_project(tmp_path)
    s1 = suggestion(store, "p1", "luck")
    store.close()
    assert run(path, "decide", str(s1.id), "accept", "--coder", "ana")[0] == 0
    store = open_store(path)
    before = codings_state(store)
    store.close()

    code, out, err = run(path, "undo", "--coder", "ana")
    assert (code, err) == (0, "")
    assert out == f"undid: accepted suggestion {s1.id} (Luck) on p1 [59, 76)\n"
    store = open_store(path)
    assert store.codings() == [] and store.decision_of(s1.id, "ana") is None
    assert store.undo_stack("ana") == ([], [1])
    store.close()
    assert log_json(path)[-1]["what"] == out.strip()  # the log says it the same way

    code, out, err = run(path, "redo", "--coder", "ana")
    assert (code, out) == (0, f"redid: accepted suggestion {s1.id} (Luck) on p1 [59, 76)\n")
    store = open_store(path)
    assert codings_state(store) == before and store.decision_of(s1.id, "ana") == "accepted"
    store.close()

    code, out, err = run(path, "redo", "--coder", "ana")
    assert (code, out, err) == (1, "", "Nothing to redo for ana.\n")


def test_undo_takes_back_a_search_coding_and_steps(tmp_path: Path) -> None:
    path, store = small_project(tmp_path)
    s1 = suggestion(store, "p1", "luck")
    store.close()
    assert run(path, "search", "luck", "--code", "board", "--coder", "bo")[0] == 0
    assert run(path, "decide", str(s1.id), "reject", "--coder", "bo")[0] == 0
    code, out, err = run(path, "undo", "--coder", "bo", "--steps", "5")
    assert code == 0
    assert out.splitlines() == [
        f"undid: rejected suggestion {s1.id} (Luck) on p1 [59, 76)",
        "undid: coded 2 sentences found by search \u201cluck\u201d (all speakers) with Board"]
    assert err == "Nothing more to undo for bo (2 of 5 steps).\n"
    store = open_store(path)
    assert store.codings() == [] and store.decision_of(s1.id, "bo") is None
    store.close()
    code, out, _err = run(path, "redo", "--coder", "bo", "--steps", "2")
    assert code == 0 and len(out.splitlines()) == 2 and out.startswith("redid: coded 2 ")
    store = open_store(path)
    assert len(store.codings(coder="bo")) == 2 and store.decision_of(s1.id, "bo") == "rejected"
    store.close()


def db_bytes(path: Path) -> bytes:
    """The database file (every connection closed, so the WAL is folded in)."""
    assert not Path(str(path) + "-wal").exists()
    return path.read_bytes()


def test_nothing_to_undo_and_unknown_coder(tmp_path: Path) -> None:
    path, store = small_project(tmp_path)
    s1 = suggestion(store, "p1", "luck")
    store.accept(s1.id, "ana")
    store.close()
    before = db_bytes(path)
    code, out, err = run(path, "undo", "--coder", "bo")
    assert (code, out) == (1, "") and "no coder named 'bo'" in err
    store = open_store(path)
    store.ensure_coder("bo")
    store.close()
    before = db_bytes(path)
    assert run(path, "undo", "--coder", "bo") == (1, "", "Nothing to undo for bo.\n")
    assert db_bytes(path) == before


def test_a_refused_undo_leaves_the_database_byte_identical(tmp_path: Path) -> None:
    path, store = small_project(tmp_path)
    store.edit_theme("luck", coder="ana", name="Chance")
    store.edit_theme("luck", coder="bo", name="Fortune")
    store.close()
    before = db_bytes(path)
    code, out, err = run(path, "undo", "--coder", "ana")
    assert (code, out) == (1, "")
    assert err == ("Error: cannot undo the edit of theme 'luck': its name was changed since "
                   "(now 'Fortune'); edit it instead\n")
    assert db_bytes(path) == before
    # bo's own undo is allowed, then ana's too: the log tells the story.
    assert run(path, "undo", "--coder", "bo")[1] == "undid: renamed theme Chance to Fortune\n"
    assert run(path, "undo", "--coder", "ana")[1] == "undid: renamed theme Luck to Chance\n"
    store = open_store(path)
    assert store.theme("luck").name == "Luck"
    store.close()


def test_undo_and_log_are_in_the_help_sections() -> None:
    out = CliRunner().invoke(cli, ["--help"], terminal_width=100).output
    coding = out.index("Codebook and coding:")
    reports = out.index("Reports:")
    several = out.index("Several coders:")
    assert coding < out.index("  undo ") < reports and coding < out.index("  redo ") < reports
    assert reports < out.index("  log ") < several


def test_log_describes_a_refi_import(store: Store, tmp_path: Path) -> None:
    from qualcoder_ahp.refi import import_file
    from tests.test_refi_support import zip_fixture

    qdpx = zip_fixture("nvivo", tmp_path / "nvivo.qdpx")
    import_file(store, qdpx)
    path = Path(str(store.path))
    name = store.transcripts()[0].name
    [event] = log_json(path)
    assert event["kind"] == "refi_import" and event["coder"] == "Sam Researcher"
    # The file's name, not its path (tmp_path here; a researcher's home folder there).
    assert event["what"] == f"imported 6 codings and 1 memo from REFI-QDA {qdpx.name}"
    assert event["transcripts"] == [name]
    assert set(event["themes"]) == {"serendipity", "career-route", "board-mandate"}


def test_table_shortens_many_transcripts_files_keep_them(tmp_path: Path) -> None:
    path, store = small_project(tmp_path)
    store.close()
    assert run(path, "search", "e", "--code", "board", "--coder", "bo")[0] == 0
    code, out, _err = run(path, "log")
    assert code == 0 and out.splitlines()[2].split()[3:6] == ["bo", "undo_group", "p1"]
    assert out.splitlines()[2].split()[6:8] == ["+2", "board"]
    [event] = log_json(path)
    assert event["transcripts"] == ["p1", "p2", "p3"]
    assert next(csv.DictReader(io.StringIO(run(path, "log", "--format", "csv")[1])))[
        "transcript"] == "p1, p2, p3"


def test_merged_reconcile_undo_and_theme_edit_keep_their_words(tmp_path: Path) -> None:
    path, store = small_project(tmp_path)
    sug = suggestion(store, "p1", "luck")
    store.close()
    shutil.copy(path, tmp_path / "ben.db")
    ben = open_store(tmp_path / "ben.db")
    ben.accept(sug.id, "ben")
    ben.reject(sug.id, "ben")  # replaces the accept: no decision here points at it
    ben.reconcile(sug.transcript_id, "luck", "consensus", [(sug.start, sug.end)], rule="take",
                  taken_from="ben", compared=["ana", "ben"], start=sug.start, end=sug.end,
                  decided_by="ben")
    ben.undo("consensus")
    ben.edit_theme("luck", coder="ben", name="Chance")
    ben.set_memo("ben", "theme", "luck", "x")
    ben.set_memo("ben", "theme", "luck", "")
    ben.close()
    assert run(path, "merge", "ben.db")[0] == 0
    decision = "reconciled Luck on p1 [59, 76) (ana, ben): take ben, 1 consensus coding, " \
               "decided by ben"
    assert [(e["coder"], e["what"]) for e in log_json(path)] == [
        # Replaced in the copy by the reject: no decision points at it, and it reads as
        # one made here all the same (the merge stored this project's ids).
        ("ben", f"merged in from copy ben.db: accepted suggestion {sug.id} (Luck) on p1 "
                "[59, 76)"),
        ("ben", f"merged in from copy ben.db: rejected suggestion {sug.id} (Luck) on p1 "
                "[59, 76)"),
        ("consensus", f"merged in from copy ben.db: {decision}"),
        ("consensus", f"merged in from copy ben.db: undid: {decision}"),
        ("ben", "merged in from copy ben.db: renamed theme Luck to Chance"),
        ("ben", "merged in from copy ben.db: wrote the memo on theme Luck"),
        ("ben", "merged in from copy ben.db: cleared the memo on theme Luck"),
        (None, "merged in from copy ben.db (2 new codings, 1 decision, 2 new coders, "
               "7 events)")]
    # The reconcile decision (and its undo) count for ben, who decided it, and for p1.
    assert [e["what"].split(": ")[1][:10] for e in log_json(
        path, "--coder", "ben", "--transcript", "p1")] == [
            "accepted s", "rejected s", "reconciled", "undid"]


def test_a_move_in_the_tree_is_named_with_both_places(tmp_path: Path) -> None:
    path, store = small_project(tmp_path)
    store.edit_theme("board", coder="ana", parent_id="careers")
    store.edit_theme("luck", coder="ana", name="Chance", parent_id=None)
    store.close()
    code, out, err = run(path, "log", "--kind", "theme_edit", "--format", "json")
    assert code == 0, err
    assert [e["what"] for e in json.loads(out)["events"]] == [
        "moved theme Board from the top level to under Careers",
        "renamed theme Luck to Chance; moved theme Chance from under Careers to the top level"]
