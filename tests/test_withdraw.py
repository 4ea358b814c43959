"""A participant's withdrawal (``qcahp withdraw``): everything goes, for real, for good.

The demo project (the bundled interviews, the shipped codebook, spaCy suggestions) is
coded by two coders and a consensus, with memos; then participant ``ot_dev`` withdraws.
Every table keyed on the transcript is emptied of it, the database file and its WAL no
longer hold a sentence of it, the log keeps one ``withdraw`` event and placeholders,
undo and redo pass over what went, reports and the workbench work without it, and
import, merge and REFI-QDA import do not bring it back.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from qualcoder_ahp.cli import cli
from qualcoder_ahp.errors import UserError
from qualcoder_ahp.model.store import Store, open_store
from tests.conftest import REPO, make_parsed

GONE = "ot_dev"
SENTENCE = "seconded half-time into the other"
"""A sentence of ot_dev's interview found nowhere else."""
MEMO = "Dev's carer story, told in confidence"
TRANSCRIPT_MEMO = "Dev asked to skip the question on his manager"


def run(db: Path, *args: str, input: str | None = None) -> tuple[int, str, str]:
    """``qcahp --db DB ARGS``: exit code, stdout, stderr."""
    result = CliRunner().invoke(cli, ["--db", str(db), *args], input=input)
    return result.exit_code, result.stdout, result.stderr


def dump(path: Path) -> list[str]:
    conn = sqlite3.connect(str(path))
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo project coded by ana and ben (every suggestion), a consensus, memos."""
    from qualcoder_ahp.tui.jobs import build_demo

    path = tmp_path_factory.mktemp("demo") / "study.db"
    store = open_store(path)
    build_demo(store)
    for coder, every in (("ana", 5), ("ben", 3)):
        for i, s in enumerate(store.suggestions()):
            if (i * 7 + len(coder)) % every == 0:
                store.reject(s.id, coder)
            else:
                store.accept(s.id, coder)
    for name in (GONE, "physio_helen"):
        tid = store.transcript(name).id
        c = store.codings(transcript_id=tid, coder="ana")[0]
        store.reconcile(tid, c.theme_id, "consensus", [(c.start, c.end)], rule="union",
                        compared=["ana", "ben"], start=c.start, end=c.end, decided_by="ana")
    dev = store.transcript(GONE).id
    coding = store.codings(transcript_id=dev, coder="ana")[1]
    store.set_memo("ana", "coding", coding.id, MEMO + " (draft)")
    store.set_memo("ana", "coding", coding.id, MEMO)
    store.set_memo("ben", "transcript", dev, TRANSCRIPT_MEMO)
    store.set_memo("ana", "theme", coding.theme_id, "A theme memo stays.")
    store.close()
    return path


@pytest.fixture
def study(built: Path, tmp_path: Path) -> Path:
    """A fresh copy of the coded demo project for one test."""
    path = tmp_path / "study.db"
    shutil.copy(built, path)
    return path


def rows_of(store: Store, tid: int) -> dict[str, int]:
    """Rows keyed on one transcript, table by table."""
    conn = store.conn
    q = {
        "transcripts": "SELECT COUNT(*) FROM transcripts WHERE id = ?",
        "turns": "SELECT COUNT(*) FROM turns WHERE transcript_id = ?",
        "sentences": "SELECT COUNT(*) FROM sentences WHERE transcript_id = ?",
        "suggestions": "SELECT COUNT(*) FROM suggestions WHERE transcript_id = ?",
        "codings": "SELECT COUNT(*) FROM codings WHERE transcript_id = ?",
        "decisions": "SELECT COUNT(*) FROM decisions WHERE suggestion_id IN "
                     "(SELECT id FROM suggestions WHERE transcript_id = ?)",
    }
    return {table: conn.execute(sql, [tid]).fetchone()[0] for table, sql in q.items()}


# --------------------------------------------------------------------------- really gone
def test_withdrawing_a_participant_removes_everything_and_leaves_no_bytes(study: Path,
                                                                          insecure: None):
    store = open_store(study)
    dev = store.transcript(GONE)
    before = rows_of(store, dev.id)
    assert all(before.values()), before
    consensus = len(store.codings(transcript_id=dev.id, coder="consensus"))
    assert consensus == 1
    kept = store.transcript("physio_helen").id
    kept_rows = rows_of(store, kept)
    kept_codings = {c: len(store.codings(transcript_id=kept, coder=c))
                    for c in ("ana", "ben", "consensus")}
    assert store.conn.execute("SELECT COUNT(*) FROM doc_cache").fetchone()[0] > 0
    assert store.participants()[GONE]["profession"] == "Occupational therapist"
    store.close()
    raw = study.read_bytes() + Path(str(study) + "-wal").read_bytes() \
        if Path(str(study) + "-wal").exists() else study.read_bytes()
    assert SENTENCE.encode() in raw and MEMO.encode() in raw  # (the check can fail)

    reader = open_store(study)  # another window: keeps the WAL file alive
    code, out, err = run(study, "withdraw", "--participant", GONE, "--yes", "--by", "lead")
    assert code == 0, err
    assert "ana 5" in out or "ana " in out
    assert f"transcript   {GONE} v1 (1,566 words)" in out
    assert "withdrew 1 transcript (1 version, 1,566 words)" in out
    assert "must be deleted by hand" in err and "coders' copies" in err

    store = open_store(study)
    assert rows_of(store, dev.id) == dict.fromkeys(before, 0)
    assert rows_of(store, kept) == kept_rows  # the others are untouched
    assert {c: len(store.codings(transcript_id=kept, coder=c))
            for c in ("ana", "ben", "consensus")} == kept_codings
    assert GONE not in store.participants()
    assert not store.conn.execute(
        "SELECT COUNT(*) FROM participant_attributes WHERE participant_id NOT IN "
        "(SELECT id FROM participants)").fetchone()[0]
    memos = [r[0] for r in store.conn.execute("SELECT text FROM memos")]
    assert memos == ["A theme memo stays."]
    assert store.conn.execute("SELECT COUNT(*) FROM doc_cache").fetchone()[0] == 0
    assert store.integrity_ok()
    # One withdraw event, naming who withdrew them, with counts and no text (and no
    # name of the participant or transcript: tests/test_s23_tidy_withdraw.py).
    withdraw = [e for e in store.events() if e["kind"] == "withdraw"]
    assert len(withdraw) == 1
    event = withdraw[0]
    assert event["by"] == "lead" and event["participant_count"] == 1
    assert event["transcript_count"] == 1 and event["words"] == 1566
    assert event["codings"]["consensus"] == 1 and event["memos"] == 2
    # The log holds none of its text, and no id of what went.
    payloads = "\n".join(r[0] for r in store.conn.execute("SELECT payload FROM events"))
    assert SENTENCE not in payloads and "carer story" not in payloads
    assert "Dev asked" not in payloads
    # The log is append-only again.
    with pytest.raises(sqlite3.IntegrityError, match="append-only"), store.write():
        store.conn.execute("UPDATE events SET payload = '{}' WHERE id = 1")
    store.close()

    assert Path(str(study) + "-wal").exists()
    for suffix in ("", "-wal"):
        data = Path(str(study) + suffix).read_bytes()
        for secret in (SENTENCE, MEMO, TRANSCRIPT_MEMO, "Dev Mistry"):
            assert secret.encode() not in data, (suffix, secret)
    reader.close()


def test_the_tombstone_holds_hashes_only(study: Path):
    store = open_store(study)
    dev = store.transcript(GONE)
    source = store.conn.execute("SELECT source_hash FROM transcripts WHERE id = ?",
                                [dev.id]).fetchone()[0]
    store.withdraw([GONE])
    rows = set(store.conn.execute("SELECT hash, kind FROM withdrawn"))
    assert rows == {(dev.content_hash, "text"), (source, "source")}
    store.close()


def test_reports_agreement_and_refi_export_work_without_it(study: Path, tmp_path: Path):
    assert run(study, "withdraw", "--participant", GONE, "--yes")[0] == 0
    for args in (("counts", "--coder", "ana"), ("counts", "--by", "participant"),
                 ("quotes", "--coder", "ana"), ("agreement", "--coders", "ana,ben"),
                 ("disagreements", "--coders", "ana,ben"), ("transcripts",),
                 ("participants",), ("memos",), ("cooccurrence", "--coder", "ana"),
                 ("counts", "--coder", "ana", "--by", "attribute:profession")):
        code, out, err = run(study, *args)
        assert code == 0, (args, err)
        assert GONE not in out and SENTENCE not in out, args
        assert "Occupational therapist" not in out, args
    code, out, err = run(study, "log", "--limit", "0")
    assert code == 0, err
    # Nothing names it, the withdrawal neither.
    assert [line for line in out.splitlines() if GONE in line] == []
    assert [line for line in out.splitlines() if "withdraw " in line]
    code, _out, err = run(study, "refi", "export", str(tmp_path / "study.qdpx"))
    assert code == 0, err
    with zipfile.ZipFile(tmp_path / "study.qdpx") as archive:
        for name in archive.namelist():
            data = archive.read(name)
            assert SENTENCE.encode() not in data and GONE.encode() not in data, name


# --------------------------------------------------------------------------- asking first
def test_dry_run_lists_and_changes_nothing(study: Path):
    before = dump(study)
    code, out, err = run(study, "withdraw", "--participant", GONE, "--dry-run")
    assert code == 0, err
    assert "1 transcript would be withdrawn (1 version, 1,566 words)" in out
    assert f"participant  {GONE} (and its 4 attributes)" in out
    assert "codings      ana " in out and "consensus 1" in out
    assert "memos        2" in out and "Dry run: nothing was changed." in out
    assert dump(study) == before


def test_without_a_terminal_or_yes_it_is_refused_in_one_line(study: Path):
    before = dump(study)
    code, out, err = run(study, "withdraw", "--participant", GONE)
    assert code == 1 and out == ""
    assert err.strip().splitlines() == [
        "Error: withdrawal cannot be undone: run it at a terminal to confirm, or pass --yes "
        "(--dry-run lists what would go)"]
    assert dump(study) == before


def test_at_a_terminal_it_asks_and_no_changes_nothing(study: Path, monkeypatch):
    import qualcoder_ahp.cli.withdraw as withdraw_cli

    monkeypatch.setattr(withdraw_cli, "at_terminal", lambda: True)
    before = dump(study)
    code, out, err = run(study, "withdraw", "--transcript", GONE, input="n\n")
    assert code == 1 and "This cannot be undone [y/N]" in out
    assert err == "Nothing was withdrawn.\n"  # not click's bare "Aborted!"
    assert dump(study) == before
    code, out, err = run(study, "withdraw", "--transcript", GONE, input="y\n")
    assert code == 0, err
    assert "withdrew 1 transcript" in out
    # By transcript, the participant stays (with a note), unlike --participant.
    assert f"note: participant {GONE} has no transcript left" in err
    store = open_store(study)
    assert GONE in store.participants()
    store.close()


@pytest.mark.parametrize(("args", "named"), [
    (("--participant", "P99"), "no participant 'P99' in this project"),
    (("--transcript", "nobody"), "no transcript 'nobody' in this project"),
    (("--participant", GONE, "--transcript", "nobody"), "no transcript 'nobody'"),
    ((), "name a participant (--participant ID) or a transcript"),
])
def test_unknown_names_are_one_line_errors_and_change_nothing(study: Path, args, named):
    before = dump(study)
    code, out, err = run(study, "withdraw", *args, "--yes")
    assert code == 1 and out == ""
    assert len(err.strip().splitlines()) == 1 and named in err, err
    assert dump(study) == before


def test_backups_next_to_the_database_are_listed(study: Path):
    backup = study.with_name(study.name + ".bak-v3")
    backup.write_bytes(b"old")
    code, _out, err = run(study, "withdraw", "--participant", GONE, "--yes")
    assert code == 0 and "study.db.bak-v3" in err


# --------------------------------------------------------------------------- undo and the log
def _two_transcripts(tmp_path: Path) -> tuple[Path, Store, int, int]:
    from tests.tui.conftest import PATTERNS, THEMES, suggest_by_sql
    from qualcoder_ahp.records import Codebook

    path = tmp_path / "two.db"
    store = open_store(path)
    store.save_codebook(Codebook("test", THEMES, PATTERNS))
    a, _ = store.add_transcript("alpha", make_parsed([
        ("Interviewer", "interviewer", "How did you get here?"),
        ("P1", "participant", "It was luck. The board noticed me. More luck.")]),
        participant="P1")
    b, _ = store.add_transcript("beta", make_parsed([
        ("Interviewer", "interviewer", "And then?"),
        ("P2", "participant", "Pure luck got me the job. Then the board noticed.")]),
        participant="P2")
    suggest_by_sql(store)
    return path, store, a.id, b.id


def test_undo_passes_over_decisions_on_a_withdrawn_transcript(tmp_path: Path):
    path, store, alpha, beta = _two_transcripts(tmp_path)
    kept = store.suggestions(transcript_id=beta)[0]
    gone = store.suggestions(transcript_id=alpha)
    store.accept(kept.id, "ana")
    store.accept(gone[0].id, "ana")
    store.reject(gone[1].id, "ana")
    store.undo("ana")  # an undo of a withdrawn decision, and its redo
    store.redo("ana")
    store.close()
    code, _out, err = run(path, "withdraw", "--participant", "P1", "--yes")
    assert code == 0, err
    code, out, err = run(path, "undo", "--coder", "ana")
    assert code == 0, err
    assert out.startswith(f"accepted suggestion {kept.id}") or f"{kept.id}" in out
    store = open_store(path)
    assert store.decision_of(kept.id, "ana") is None
    store.close()
    code, out, err = run(path, "redo", "--coder", "ana")
    assert code == 0 and str(kept.id) in out
    code, out, err = run(path, "redo", "--coder", "ana")  # nothing withdrawn comes back
    assert code == 1 and "nothing" in err.lower()
    store = open_store(path)
    assert store.transcripts()[0].name == "beta" and len(store.transcripts()) == 1
    assert store.integrity_ok()
    store.close()


def test_a_decision_on_it_still_ends_what_could_be_redone(tmp_path: Path):
    # beta decided, undone, then a decision on alpha: redo of beta was no longer possible,
    # and withdrawing alpha must not make it possible again.
    path, store, alpha, beta = _two_transcripts(tmp_path)
    store.accept(store.suggestions(transcript_id=beta)[0].id, "ana")
    store.undo("ana")
    store.accept(store.suggestions(transcript_id=alpha)[0].id, "ana")
    assert store.undo_stack("ana")[1] == []
    store.withdraw(["P1"])
    assert store.undo_stack("ana") == ([], [])
    assert store.redo("ana") is None
    store.close()


def test_a_search_coding_across_transcripts_keeps_its_other_codings(tmp_path: Path):
    from qualcoder_ahp.reports.search import SearchQuery, code_hits, search

    path, store, alpha, beta = _two_transcripts(tmp_path)
    found = search(store, SearchQuery(("luck",)))
    code_hits(store, found.hits, "serendipity", "ana", about=found.query.describe())
    assert {c.transcript_id for c in store.codings(coder="ana")} == {alpha, beta}
    store.withdraw([], ["alpha"])
    group = [e for e in store.events("ana") if e["kind"] == "undo_group"]
    assert len(group) == 1 and group[0]["transcript_ids"] == [beta]
    kept = [c.id for c in store.codings(coder="ana")]
    assert kept and {c.transcript_id for c in store.codings(coder="ana")} == {beta}
    assert store.undo("ana") is not None  # takes back beta's codings only, without error
    assert store.codings(coder="ana") == []
    assert store.redo("ana") is not None
    assert [c.id for c in store.codings(coder="ana")] == kept
    assert store.integrity_ok()
    store.close()


def test_the_log_says_what_went_without_saying_what_it_was(tmp_path: Path):

    path, store, alpha, _beta = _two_transcripts(tmp_path)
    sid = store.suggestions(transcript_id=alpha)[0].id
    store.accept(sid, "ana")
    store.set_memo("ana", "transcript", alpha, "Secret note on alpha")
    store.close()
    assert run(path, "withdraw", "--transcript", "alpha", "--yes", "--by", "lead")[0] == 0
    code, out, err = run(path, "log", "--format", "json")
    assert code == 0, err
    events = json.loads(out)["events"]
    kinds = [e["kind"] for e in events]
    assert kinds == ["withdrawn", "withdrawn", "withdraw"]
    assert events[0]["what"].startswith("(accept on a withdrawn transcript")
    assert events[-1]["what"] == ("withdrew transcripts by lead: 1 transcript (1 transcript "
                                  "version, 14 words, 1 coding, 1 memo, 1 decision removed)")
    assert "Secret note" not in out and str(sid) not in json.dumps(events[0]["payload"])
    code, out, err = run(path, "log", "--kind", "withdraw")
    assert code == 0 and "withdrew transcripts by lead" in out


# --------------------------------------------------------------------------- it stays out
def test_importing_the_same_file_again_is_refused_unless_readmitted(study: Path):
    assert run(study, "withdraw", "--participant", GONE, "--yes")[0] == 0
    file = REPO / "transcripts" / "ot_dev.vtt"
    before = dump(study)
    code, out, err = run(study, "import", str(file))
    assert code == 1
    failed = [line for line in err.splitlines() if line.startswith("failed")]
    assert failed == [f"failed     {file}: 'ot_dev' is an interview withdrawn from this "
                      "project on "
                      f"{failed[0].split(' on ')[1][:10]} (qcahp withdraw); it is not imported "
                      "again (`qcahp import --readmit` brings it back deliberately)"]
    assert dump(study) == before
    # A copy of the file under another name is the same interview.
    copy = study.parent / "renamed.vtt"
    shutil.copy(file, copy)
    code, out, err = run(study, "import", str(copy))
    assert code == 1 and dump(study) == before
    # ... and the message does not say the new name was here (nor the withdrawn name,
    # which the withdrawal did not keep).
    assert f"{copy}: 'renamed' is an interview withdrawn from this project on" in err, err
    code, out, err = run(study, "import", str(file), "--readmit")
    assert code == 0 and "imported   ot_dev" in out, err
    store = open_store(study)
    assert not store.withdrawn_hashes() & {store.transcript(GONE).content_hash}
    store.close()


def test_a_folder_holding_the_withdrawn_file_imports_the_rest(study: Path):
    """The study's folder of interviews still holds the withdrawn one: it is skipped with
    a line naming it, the others import, and the import succeeds; named by itself, the
    file is still refused (the README's example)."""
    assert run(study, "withdraw", "--participant", GONE, "--yes")[0] == 0
    folder = study.parent / "interviews"
    folder.mkdir()
    for name in (f"{GONE}.vtt", "physio_helen.txt"):
        shutil.copy(REPO / "transcripts" / name, folder / name)
    new = folder / "extra.txt"
    new.write_text("Interviewer: Where did it start?\n\nSam: On the wards.\n",
                   encoding="utf-8")
    code, out, err = run(study, "import", str(folder))
    assert code == 0, err
    lines = err.splitlines()
    assert [line.split(" on 20")[0] for line in lines] == [
        f"withdrawn  {folder / GONE}.vtt: '{GONE}' is an interview withdrawn from this "
        "project"], err
    assert lines[0].endswith(" (qcahp withdraw); skipped (`qcahp import --readmit` brings "
                             "it back deliberately)"), err
    assert out.splitlines() == [
        "imported   extra (v1, 7 words, 2 turns)",
        "unchanged  physio_helen (already stored as v1)",
        "1 imported (7 words), 1 unchanged, 1 withdrawn (skipped), 0 failed"]
    store = open_store(study)
    assert GONE not in {t.name for t in store.transcripts()}
    store.close()
    # The folder and the file named too: the file named is refused, exit 1.
    code, out, err = run(study, "import", str(folder), str(REPO / "transcripts" / "ot_dev.vtt"))
    assert code == 1
    assert out.splitlines()[-1] == "0 imported (0 words), 2 unchanged, 1 withdrawn (skipped), " \
        "1 failed"
    # --readmit brings it back from the folder too.
    code, out, err = run(study, "import", str(folder), "--readmit")
    assert code == 0 and f"imported   {GONE}" in out, err


def test_merging_a_copy_that_still_holds_it_brings_none_of_it_in(study: Path):
    copy = study.with_name("ben.db")
    shutil.copy(study, copy)
    assert run(study, "withdraw", "--participant", GONE, "--yes")[0] == 0
    code, out, err = run(study, "merge", str(copy))
    assert code == 0, err
    assert "Nothing new" in out
    assert f"still holds transcripts withdrawn from this project: {GONE} (" in err
    store = open_store(study)
    assert GONE not in {t.name for t in store.transcripts()}
    assert all(c.transcript_id in {t.id for t in store.transcripts()}
               for c in store.codings(include_inactive=True))
    assert [r[0] for r in store.conn.execute("SELECT text FROM memos")] == [
        "A theme memo stays."]
    payloads = "\n".join(r[0] for r in store.conn.execute("SELECT payload FROM events"))
    assert "carer story" not in payloads and "Dev asked" not in payloads
    assert store.integrity_ok()
    store.close()
    # New work in the copy on another transcript still comes in.
    ben = open_store(copy)
    helen = ben.transcript("physio_helen").id
    ben.code(helen, ben.codings(transcript_id=helen)[0].theme_id, "ben", 0, 10)
    dev = ben.transcript(GONE).id
    ben.code(dev, ben.codings(transcript_id=dev)[0].theme_id, "ben", 0, 10)
    ben.close()
    code, out, err = run(study, "merge", str(copy))
    assert code == 0 and " 1 coding, " in out, (out, err)


def test_refi_import_skips_it_and_says_so(study: Path, tmp_path: Path):
    qdpx = tmp_path / "before.qdpx"
    assert run(study, "refi", "export", str(qdpx))[0] == 0
    assert run(study, "withdraw", "--participant", GONE, "--yes")[0] == 0
    code, out, err = run(study, "refi", "import", str(qdpx))
    assert code == 0, err
    assert f"source '{GONE}': withdrawn from this project (qcahp withdraw); skipped" in err
    assert f"case '{GONE}': a participant withdrawn" in err
    store = open_store(study)
    assert GONE not in {t.name for t in store.transcripts()}
    assert GONE not in store.participants()
    store.close()


# --------------------------------------------------------------------------- the workbench
def _transcript_rows(app) -> list[str]:  # type: ignore[no-untyped-def]
    from textual.widgets import DataTable

    table = app.screen.query_one("#transcripts", DataTable)
    return [" ".join(str(c) for c in table.get_row_at(i)) for i in range(table.row_count)]


async def test_the_workbench_opens_without_it(study: Path):
    from qualcoder_ahp.tui.app import make_app
    from qualcoder_ahp.tui.screens.transcripts import TranscriptsScreen

    assert run(study, "withdraw", "--participant", GONE, "--yes")[0] == 0
    app = make_app(study, coder="ana")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, TranscriptsScreen)
        rows = _transcript_rows(app)
        assert len(rows) == 6 and not [r for r in rows if GONE in r]
        assert any("physio_helen" in r for r in rows)


async def test_a_workbench_showing_it_closes_it_on_its_next_poll(tmp_path: Path,
                                                                monkeypatch):
    from qualcoder_ahp.tui import app as app_module
    from qualcoder_ahp.tui.app import make_app
    from qualcoder_ahp.tui.screens.coding import CodingScreen
    from qualcoder_ahp.tui.screens.transcripts import TranscriptsScreen
    from tests.tui.conftest import SIZE, build_project, open_alpha

    monkeypatch.setattr(app_module, "POLL_SECONDS", 3600.0)  # the test polls itself
    path = tmp_path / "open.db"
    build_project(path)
    app = make_app(path, coder="ana")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_alpha(pilot)
        assert screen.session.info.name == "alpha"
        await pilot.press("a")  # a decision of this window on it
        await pilot.pause()
        other = open_store(path)  # the lead, in another window
        other.withdraw(["P1"], by="lead")
        other.close()
        assert app.poll_store() is True
        await pilot.pause()
        assert isinstance(app.screen, TranscriptsScreen)
        notes = [n.message for n in app._notifications]
        assert "alpha was withdrawn from the project (qcahp withdraw) and is closed" in notes
        rows = _transcript_rows(app)
        assert len(rows) == 1 and "beta" in rows[0]
        await pilot.press("enter")  # and the next transcript opens as usual
        await pilot.pause()
        assert isinstance(app.screen, CodingScreen)
        assert app.screen.session.info.name == "beta"


def test_every_kind_of_event_survives_a_withdrawal(tmp_path: Path):
    # The audit tests' project has an event of every kind (accept ... theme merge,
    # reconcile, a merged-in copy, a redaction); p1 withdraws, then the log reads, and
    # every coder's undo and redo either works or is refused in one line.
    from tests.test_audit_log import audit_db

    path, ids = audit_db.__wrapped__(tmp_path)  # type: ignore[attr-defined]
    store = open_store(path)
    p1_memo = store.memo("ana", "transcript", ids["p1"])
    assert p1_memo == "short"
    store.close()
    code, out, err = run(path, "withdraw", "--transcript", "p1", "--yes")
    assert code == 0, err
    code, out, err = run(path, "log", "--format", "json")
    assert code == 0, err
    events = json.loads(out)["events"]
    assert [e["kind"] for e in events].count("withdraw") == 1
    assert all("p1 " not in e["what"] for e in events if e["kind"] != "withdraw")
    assert "withdrawn" in {e["kind"] for e in events}
    for coder in ("ana", "bo", "ben", "consensus"):
        for step in ("undo", "redo", "undo"):
            code, out, err = run(path, step, "--coder", coder)
            assert code in (0, 1) and "Traceback" not in err, (coder, step, err)
            assert code == 0 or len(err.strip().splitlines()) == 1, err
    store = open_store(path)
    assert store.integrity_ok()
    assert {t.name for t in store.transcripts()} == {"p2", "p3"}
    store.close()


def test_a_copy_made_before_brings_no_second_copy_of_a_rewritten_event(tmp_path: Path):
    # A search's codings across alpha and beta, made before the copy was taken: the
    # withdrawal of alpha rewrites the event here, and the copy's same event (which
    # still names alpha) is recognised as that one, not brought in again.
    from qualcoder_ahp.reports.search import SearchQuery, code_hits, search

    path, store, alpha, beta = _two_transcripts(tmp_path)
    found = search(store, SearchQuery(("luck",)))
    code_hits(store, found.hits, "serendipity", "ana", about=found.query.describe())
    store.close()
    copy = tmp_path / "copy.db"
    shutil.copy(path, copy)
    assert run(path, "withdraw", "--participant", "P1", "--yes")[0] == 0
    events = len(open_store(path).events())
    code, out, err = run(path, "merge", str(copy))
    assert code == 0 and "Nothing new" in out, (out, err)
    assert "alpha (2 codings)" in err
    store = open_store(path)
    assert len(store.events()) == events
    assert {c.transcript_id for c in store.codings(include_inactive=True)} == {beta}
    store.close()


def test_a_participant_with_no_transcript_left_says_only_the_attributes_go(study: Path):
    """After `--transcript ot_dev`, `--participant ot_dev` said "withdrew 0 transcripts
    (0 versions, 0 words): 0 codings, 0 memos, 0 decisions removed." (as if nothing had
    happened, though the attributes went) and logged "withdrew participant ot_dev by
    x: (0 transcript versions, ...)"."""
    assert run(study, "withdraw", "--transcript", GONE, "--yes", "--by", "x")[0] == 0
    code, out, err = run(study, "withdraw", "--participant", GONE, "--dry-run")
    assert code == 0
    assert out.splitlines()[0] == ("1 participant would be withdrawn (no transcript left, "
                                   "only the attributes):")
    code, out, err = run(study, "withdraw", "--participant", GONE, "--yes", "--by", "x")
    assert code == 0, err
    assert out.splitlines()[-1] == ("withdrew 1 participant (ot_dev): 4 attributes removed; "
                                    "no transcript was left.")
    with open_store(study) as store:
        assert GONE not in store.participants()
    code, out, err = run(study, "log", "--kind", "withdraw", "--format", "csv")
    assert "withdrew 1 participant by x: no transcript left (4 attributes removed)" \
        in out, out


def test_merging_a_copy_where_it_was_withdrawn_says_it_is_still_here(study: Path):
    """A coder ran `qcahp withdraw` on their copy, then it was merged: "Merged ben.db:
    149 log events." and nothing more, the participant still in the project."""
    copy = study.parent / "ben.db"
    shutil.copy(study, copy)
    assert run(copy, "withdraw", "--participant", GONE, "--yes")[0] == 0
    before = open(copy, "rb").read()
    code, out, err = run(study, "merge", str(copy))
    assert code == 0, err
    assert (f"warning: {GONE} was withdrawn in {copy} (qcahp withdraw, ") in err
    assert ("but is still in this project; to withdraw it here too: `qcahp withdraw "
            f"--participant {GONE}`") in err
    assert open(copy, "rb").read() == before
    # Withdrawn here too: nothing to say; nor for a copy made after a withdrawal here.
    assert run(study, "withdraw", "--participant", GONE, "--yes")[0] == 0
    assert "warning" not in run(study, "merge", str(copy))[2]
    later = study.parent / "later.db"
    shutil.copy(study, later)
    assert "warning" not in run(study, "merge", str(later))[2]


# --------------------------------------------------------------------------- the participant
CSV = REPO / "transcripts" / "participants.csv"


def _attributes_of(path: Path, code: str) -> int:
    with open_store(path) as store:
        return store.conn.execute(
            "SELECT COUNT(*) FROM participant_attributes a JOIN participants p "
            "ON p.id = a.participant_id WHERE p.code = ?", [code]).fetchone()[0]


def test_participants_import_does_not_bring_a_withdrawn_participant_back(study: Path):
    """After `withdraw --participant ot_dev`, `participants import` of the study's CSV
    restored ot_dev's profession, seniority... with only "note: no transcript yet"."""
    assert run(study, "withdraw", "--participant", GONE, "--yes")[0] == 0
    code, out, err = run(study, "participants", "import", str(CSV))
    assert code == 0, err
    assert out.splitlines() == [
        f"6 participants updated from {CSV}, 1 withdrawn (skipped)"]
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith(f"withdrawn  {CSV}: participant '{GONE}' was withdrawn from "
                               "this project on 20"), err
    assert lines[0].endswith(" (qcahp withdraw); skipped (`qcahp participants import "
                             "--readmit` brings it back deliberately)"), err
    with open_store(study) as store:
        assert GONE not in store.participants()
        assert store.conn.execute("SELECT COUNT(*) FROM participants WHERE code = ?",
                                  [GONE]).fetchone()[0] == 0
        assert len(store.participants()) == 6
        assert store.participants()["physio_helen"]["profession"] == "Physiotherapist"
    assert _attributes_of(study, GONE) == 0
    # Typed again another way (case, spaces), it is the same participant.
    other = study.parent / "more.csv"
    other.write_text("participant,profession\n OT_Dev ,OT\nnew_p,Physio\n", encoding="utf-8")
    code, out, err = run(study, "participants", "import", str(other), "--keep-new")
    assert code == 0 and out == f"1 participant updated from {other}, 1 withdrawn (skipped)\n"
    assert "participant 'OT_Dev' was withdrawn" in err
    with open_store(study) as store:
        assert {"OT_Dev", GONE}.isdisjoint(store.participants())
        assert store.participants()["new_p"] == {"profession": "Physio"}
    # --readmit brings it back on purpose, and then it is a participant like any other.
    code, out, err = run(study, "participants", "import", str(CSV), "--readmit")
    assert code == 0, err
    assert out.splitlines()[0] == f"7 participants updated from {CSV} (1 readmitted: {GONE})"
    assert _attributes_of(study, GONE) == 4
    code, out, err = run(study, "participants", "import", str(CSV))
    assert code == 0 and "withdrawn" not in out + err


def test_no_other_route_brings_the_participant_back(study: Path):
    """A transcript import (another file of theirs, or --participant) and the store's own
    participant methods refuse a withdrawn participant; --readmit brings them back."""
    assert run(study, "withdraw", "--participant", GONE, "--yes")[0] == 0
    before = dump(study)
    with open_store(study) as store:
        for call in (lambda: store.set_participant_attributes(GONE, {"band": "8c"}),
                     lambda: store.ensure_participant(GONE.upper())):
            with pytest.raises(UserError, match=f"participant '{GONE}' was withdrawn|"
                                                f"participant '{GONE.upper()}' was withdrawn"):
                call()
    assert dump(study) == before
    # Another file of the same participant (not the file withdrawn: other hashes).
    folder = study.parent / "new"
    folder.mkdir()
    other = folder / f"{GONE}.txt"
    other.write_text("Interviewer: And later?\n\nDev: I moved on.\n", encoding="utf-8")
    code, out, err = run(study, "import", str(other))
    assert code == 1
    assert err.splitlines()[0].startswith(
        f"failed     {other}: participant '{GONE}' was withdrawn from this project on 20"), err
    assert err.splitlines()[0].endswith("(qcahp withdraw); it is not imported again (`qcahp "
                                        "import --readmit` brings it back deliberately)")
    code, out, err = run(study, "import", str(folder))  # in a folder: skipped, exit 0
    assert code == 0 and out.endswith("1 withdrawn (skipped), 0 failed\n"), (out, err)
    assert err.startswith(f"withdrawn  {other}: participant '{GONE}' was withdrawn"), err
    named = study.parent / "p99.txt"
    named.write_text("Interviewer: Hi?\n\nDev: Hello.\n", encoding="utf-8")
    code, out, err = run(study, "import", str(named), "--participant", GONE)
    assert code == 1 and f"participant '{GONE}' was withdrawn" in err
    assert dump(study) == before
    code, out, err = run(study, "import", str(other), "--readmit")
    assert code == 0, err
    with open_store(study) as store:
        assert store.transcript(GONE).participant == GONE
        assert store.withdrawn_participant(GONE) is None


def test_the_participant_tombstone_is_a_salted_hash(study: Path):
    import hashlib

    with open_store(study) as store:
        store.withdraw([GONE])
        rows = store.conn.execute("SELECT hash FROM withdrawn_participants").fetchall()
        assert len(rows) == 1
        (digest,) = rows[0]
        assert len(digest) == 64 and GONE not in digest
        assert digest != hashlib.sha256(GONE.encode()).hexdigest()
        assert GONE in store.withdrawn_participants()
        assert "physio_helen" not in store.withdrawn_participants()


def test_refi_import_brings_a_readmitted_participant_back(study: Path, tmp_path: Path):
    """REFI import skipped a withdrawn participant's case even after `import --readmit`
    brought them back deliberately (it read the withdraw events, which stay)."""
    qdpx = tmp_path / "before.qdpx"
    assert run(study, "refi", "export", str(qdpx))[0] == 0
    assert run(study, "withdraw", "--participant", GONE, "--yes")[0] == 0
    file = REPO / "transcripts" / "ot_dev.vtt"
    assert run(study, "import", str(file), "--readmit")[0] == 0
    assert _attributes_of(study, GONE) == 0
    code, out, err = run(study, "refi", "import", str(qdpx))
    assert code == 0, err
    assert f"case '{GONE}'" not in err
    assert _attributes_of(study, GONE) == 4
