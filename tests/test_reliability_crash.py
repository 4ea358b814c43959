"""Crash safety: SIGKILL a process in the middle of a stream of decisions, many times.

A helper process (``tests/helpers/decide_stream.py``) accepts, rejects, adjusts,
codes, removes, memos, undoes and redoes through the Store API and prints
``COMMITTED <event id>`` after each call returns. We kill it at a random moment
(often inside a transaction), then check with a plain sqlite3 connection that:

- ``PRAGMA integrity_check`` is ok and ``foreign_key_check`` is empty;
- every event it reported committed is in the log, with its kind;
- at most one event was committed but not yet reported (the one being printed);
- nothing is half-written: the codings/decisions/memos projections equal a
  replay of the event log from scratch, and every quote matches its span.

The same database takes all the kills in turn, so damage would accumulate.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time

import pytest

from tests.conftest import REPO
from tests.helpers.project import build_project, check_consistent

HELPER = REPO / "tests" / "helpers" / "decide_stream.py"
RUNS = int(os.environ.get("QCAHP_CRASH_RUNS", "30"))

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs SIGKILL")


def _run_and_kill(db, coder: str, seed: int, rng: random.Random) -> list[tuple[int, str]]:
    """Start the stream, kill it at a random moment, return what it reported."""
    errors = db.with_name(f"stderr-{seed}.txt")
    with errors.open("w") as err_file:
        proc = subprocess.Popen(
            [sys.executable, str(HELPER), str(db), coder, str(seed)],
            stdout=subprocess.PIPE, stderr=err_file, text=True, cwd=REPO,
        )
        assert proc.stdout is not None
        ready = proc.stdout.readline()
        assert ready.strip() == "READY", errors.read_text()
        time.sleep(rng.uniform(0.0, 0.2))
        proc.send_signal(signal.SIGKILL)
        # Read through the same buffered pipe object as readline() (communicate()
        # would bypass lines already buffered).
        out = proc.stdout.read()
        proc.wait(timeout=30)
    err = errors.read_text()
    assert proc.returncode == -signal.SIGKILL, err
    assert "Traceback" not in err, err
    reported = []
    # The last piece is whatever followed the last newline: possibly a line cut in half.
    for line in out.split("\n")[:-1]:
        kind, _, rest = line.partition(" ")
        if kind == "COMMITTED":
            event_id, event_kind = rest.split()
            reported.append((int(event_id), event_kind))
    return reported


def test_sigkill_mid_stream_loses_no_committed_decision(tmp_path):
    db = tmp_path / "crash.db"
    build_project(db).close()
    rng = random.Random(20261126)
    total_reported = 0
    for run in range(RUNS):
        coder = ("ana", "ben")[run % 2]
        before = check_consistent(db)
        max_before = before.execute("SELECT COALESCE(MAX(id), 0) FROM events").fetchone()[0]
        before.close()
        reported = _run_and_kill(db, coder, seed=run, rng=rng)
        total_reported += len(reported)
        conn = check_consistent(db)
        logged = dict(conn.execute("SELECT id, kind FROM events WHERE id > ?", [max_before]))
        for event_id, kind in reported:
            assert logged.get(event_id) == kind, f"run {run}: reported event {event_id} lost"
        # Only the decision whose COMMITTED line was being written may be unreported.
        assert len(logged) - len(reported) in (0, 1), (run, len(logged), len(reported))
        conn.close()
    # The kills must have landed in the stream, not only before it started.
    assert total_reported > RUNS


def test_sigkill_during_import_leaves_whole_transcripts_only(tmp_path):
    """A killed import keeps each transcript whole (text, turns, sentences) or not at all."""
    db = tmp_path / "import.db"
    helper = REPO / "tests" / "helpers" / "open_and_import.py"
    rng = random.Random(99)
    counts = []
    for run in range(8):
        proc = subprocess.Popen([sys.executable, str(helper), str(db), "0", "60"],
                                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                                cwd=REPO)
        assert proc.stdout is not None and proc.stdout.readline().strip() == "OPENED"
        time.sleep(rng.uniform(0.0, 0.3))
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        proc.stdout.close()
        conn = check_consistent(db)
        rows = conn.execute(
            "SELECT t.id, length(t.text), (SELECT COUNT(*) FROM turns u WHERE u.transcript_id "
            "= t.id), (SELECT COUNT(*) FROM sentences s WHERE s.transcript_id = t.id), "
            '(SELECT MAX("end") FROM turns u WHERE u.transcript_id = t.id) FROM transcripts t'
        ).fetchall()
        for tid, length, turns, sentences, last_end in rows:
            assert turns >= 4 and sentences >= turns, (run, tid, turns, sentences)
            assert last_end == length, (run, tid)
        counts.append(len(rows))
        conn.close()
    assert counts == sorted(counts)  # imports only ever add whole transcripts
    assert counts and counts[-1] > 0
