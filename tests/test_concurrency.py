"""Two coders in one database at once: both succeed, nothing lost or duplicated.

Real processes (``tests/helpers``) race on one file the way two coders on a shared
drive would; in-process tests check that a writer waits on the busy timeout rather
than failing, that :meth:`Store.data_version` lets the workbench notice another
coder's commit, and that undo works from the log as it is now (never a stale copy).
"""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from collections import Counter

from qualcoder_ahp.model.store import open_store
from tests.conftest import REPO
from tests.helpers.project import build_project, check_consistent

HELPERS = REPO / "tests" / "helpers"


def _spawn(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, cwd=REPO)


def test_two_coders_deciding_at_once_lose_and_duplicate_nothing(tmp_path):
    db = tmp_path / "shared.db"
    build_project(db, transcripts=3).close()
    go = tmp_path / "go"
    procs = {coder: _spawn(str(HELPERS / "decide_stream.py"), str(db), coder, str(seed), "120",
                           str(go))
             for seed, coder in enumerate(("ana", "ben"))}
    for proc in procs.values():  # both are open and waiting: start them together
        assert proc.stdout is not None and proc.stdout.readline().strip() == "READY"
    go.touch()
    reported: dict[str, list[int]] = {}
    spans: dict[str, tuple[float, float]] = {}
    for coder, proc in procs.items():
        assert proc.stdout is not None
        out = proc.stdout.read()
        err = proc.stderr.read() if proc.stderr else ""
        proc.wait(timeout=120)
        assert proc.returncode == 0, err
        lines = out.splitlines()
        assert lines[0].startswith("STARTED") and lines[-1].startswith("DONE")
        spans[coder] = (float(lines[0].split()[1]), float(lines[-1].split()[1]))
        reported[coder] = [int(line.split()[1]) for line in out.splitlines()
                           if line.startswith("COMMITTED")]
        assert len(reported[coder]) > 60  # undo/redo/memo with nothing to act on are skipped
    conn = check_consistent(db)
    per_coder = Counter(name for (name,) in conn.execute(
        "SELECT k.name FROM events e JOIN coders k ON k.id = e.coder_id"))
    assert per_coder == {coder: len(ids) for coder, ids in reported.items()}
    logged = {coder: [i for (i,) in conn.execute(
        "SELECT e.id FROM events e JOIN coders k ON k.id = e.coder_id WHERE k.name = ? "
        "ORDER BY e.id", [coder])] for coder in reported}
    assert logged == reported
    # The two streams really ran at the same time (each began before the other ended).
    # They need not interleave: SQLite's busy handler backs off, so a writer in a tight
    # loop can keep the lock while the other waits; waiting is the guarantee, not order.
    (a0, a1), (b0, b1) = spans["ana"], spans["ben"]
    assert a0 < b1 and b0 < a1
    conn.close()


def test_two_processes_creating_and_importing_one_project(tmp_path):
    for trial in range(3):
        db = tmp_path / f"new{trial}.db"
        start_at = f"{time.time() + 0.8:.3f}"
        procs = [_spawn(str(HELPERS / "open_and_import.py"), str(db), start_at, "12")
                 for _ in range(2)]
        created = 0
        for proc in procs:
            out, err = proc.communicate(timeout=120)
            assert proc.returncode == 0, err
            created += int(out.split()[-1])
        assert created == 12
        conn = check_consistent(db)
        assert conn.execute("SELECT COUNT(*) FROM transcripts").fetchone()[0] == 12
        assert conn.execute(
            "SELECT COUNT(*) FROM (SELECT DISTINCT transcript_id, idx FROM turns)"
        ).fetchone()[0] == conn.execute("SELECT COUNT(*) FROM turns").fetchone()[0]
        assert conn.execute("SELECT COUNT(*) FROM _sqlite_migrations").fetchone()[0] >= 1
        assert conn.execute("SELECT COUNT(*) FROM participants").fetchone()[0] == 12
        conn.close()


def test_a_writer_waits_for_the_other_rather_than_failing(tmp_path):
    db = tmp_path / "busy.db"
    first = build_project(db)
    second = open_store(db)
    sid = second.suggestions()[0].id
    holding = threading.Event()

    def hold_lock() -> None:
        with first.write():
            first.conn.execute("INSERT INTO settings (key, value) VALUES ('held', '1')")
            holding.set()
            time.sleep(1.0)

    thread = threading.Thread(target=hold_lock)
    thread.start()
    holding.wait(5)
    began = time.monotonic()
    coding = second.accept(sid, "ben")  # blocks on the busy timeout, then commits
    waited = time.monotonic() - began
    thread.join()
    assert waited > 0.5
    assert second.decision_of(sid, "ben") == "accepted" and coding.coder == "ben"
    assert first.get_setting("held") == "1"
    first.close()
    second.close()


def test_data_version_notices_only_another_coders_commit(tmp_path):
    db = tmp_path / "watch.db"
    mine = build_project(db)
    theirs = open_store(db)
    sid = mine.suggestions()[0].id
    seen = mine.data_version()
    mine.accept(sid, "ana")  # our own commit: nothing to refresh
    assert mine.data_version() == seen
    theirs.reject(sid, "ben")
    assert mine.data_version() != seen  # another connection committed: refresh
    assert mine.decision_of(sid, "ben") == "rejected"
    assert mine.decision_of(sid, "ana") == "accepted"  # their decision did not touch ours
    mine.close()
    theirs.close()


def test_same_coder_in_two_windows_undoes_from_the_log_not_a_stale_copy(tmp_path):
    db = tmp_path / "twice.db"
    left = build_project(db)
    right = open_store(db)
    first, second = (s.id for s in left.suggestions()[:2])
    left.accept(first, "ana")
    right.accept(second, "ana")
    undone = left.undo("ana")  # the latest decision in the log, made in the other window
    assert undone is not None and undone["suggestion_id"] == second
    assert right.decision_of(second, "ana") is None
    assert right.decision_of(first, "ana") == "accepted"
    left.close()
    right.close()
    check_consistent(db).close()


def test_a_lock_held_past_the_busy_timeout_is_a_one_line_error(tmp_path, monkeypatch):
    import sqlite3

    from click.testing import CliRunner

    from qualcoder_ahp.cli import cli
    from qualcoder_ahp.model import store as store_module

    db = tmp_path / "held.db"
    build_project(db).close()
    monkeypatch.setattr(store_module, "BUSY_TIMEOUT_S", 0.3)
    holder = sqlite3.connect(str(db), isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another coder's very long transaction
    try:
        result = CliRunner().invoke(cli, ["--db", str(db), "decide", "1", "accept",
                                          "--coder", "ana"])
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert result.exit_code == 1
    assert "database is locked" in result.output and "try again" in result.output
    assert isinstance(result.exception, SystemExit)
    assert open_store(db).decision_of(1, "ana") is None


def test_every_write_takes_the_lock_up_front(tmp_path, monkeypatch):
    """No write starts a deferred transaction (Python's implicit ``BEGIN``).

    A deferred transaction that later writes cannot wait on the busy timeout when
    another coder committed in between (SQLite returns SQLITE_BUSY at once), so every
    write must go through ``Store.write()`` (``BEGIN IMMEDIATE``). We trace every
    statement of every connection the store opens during a workflow through the CLI.
    """
    import sqlite3

    from click.testing import CliRunner

    from qualcoder_ahp.cli import cli
    from qualcoder_ahp.model import store as store_module

    statements: list[str] = []
    real_connect = sqlite3.connect

    def traced(*args, **kwargs):
        conn = real_connect(*args, **kwargs)
        conn.set_trace_callback(statements.append)
        return conn

    monkeypatch.setattr(store_module.sqlite3, "connect", traced)
    samples = REPO / "transcripts"
    db = str(tmp_path / "traced.db")
    names = tmp_path / "names.txt"
    names.write_text("Helen\n", encoding="utf-8")
    runner = CliRunner()
    steps = [
        ["import", str(samples / "physio_helen.txt"), str(samples / "slt_priya.md")],
        ["redact", "--names", str(names), "--transcript", "physio_helen"],
        ["codebook", "load", str(REPO / "codebooks" / "ahp-leadership.yaml")],
        ["suggest", "--processes", "1"],
        ["decide", "1", "accept", "--coder", "ana"],
        ["decide", "2", "reject", "--coder", "ana"],
        ["decide", "1", "accept", "--coder", "ben"],
        ["codings", "export", "-o", str(tmp_path / "codings.csv")],
        ["counts", "--format", "csv", "-o", str(tmp_path / "counts.csv")],
        ["refi", "export", str(tmp_path / "p.qdpx")],
    ]
    for step in steps:
        result = runner.invoke(cli, ["--db", db, *step], catch_exceptions=False)
        assert result.exit_code == 0, (step, result.output)
    begins = [s.strip() for s in statements if s.strip().upper().startswith("BEGIN")]
    assert begins and all(s.upper() == "BEGIN IMMEDIATE" for s in begins), sorted(set(begins))
