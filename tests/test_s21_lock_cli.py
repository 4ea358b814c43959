"""Commands that wait for another process's write lock (``qcahp suggest`` or an import in
a second terminal, a colleague's workbench on a shared drive).

A real second sqlite3 connection holds ``BEGIN IMMEDIATE`` on the project. The waiting
command used to be silent for the whole busy timeout (30 s) and ignored Ctrl+C and
SIGTERM until then (SQLite waits in C, where Python cannot act on a signal). Now it
says once, after about a second, what it waits for and how to stop; a signal stops it
at once with the usual one line; a timeout says the project is busy.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from qualcoder_ahp.model.store import open_store
from tests.conftest import REPO
from tests.helpers.project import build_project

WAITING = "Waiting for another qcahp to finish writing to "
STOPPED = ("Stopped ({}): nothing is half-written (each step finished before it came is "
           "stored whole, the rest not begun); run the same command again to carry on.")


@pytest.fixture
def held(tmp_path):
    """A project with suggestions, and another connection holding its write lock."""
    db = tmp_path / "study.db"
    build_project(db, transcripts=1).close()
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    yield db
    holder.execute("ROLLBACK")
    holder.close()


def _events(db: Path) -> int:
    conn = sqlite3.connect(db)
    try:
        return conn.execute("SELECT COUNT(*) FROM events").fetchone()[0]
    finally:
        conn.close()


def _start(db: Path, timeout: str = "60") -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "QCAHP_DB")}
    env["QCAHP_BUSY_TIMEOUT"] = timeout
    return subprocess.Popen(
        [sys.executable, "-m", "qualcoder_ahp", "--db", str(db), "decide", "1", "accept",
         "--coder", "ana"], cwd=REPO, env=env, text=True, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE)


def _waiting_line(proc: subprocess.Popen[str]) -> tuple[str, float]:
    """The first line on stderr, and when it came."""
    assert proc.stderr is not None
    line = proc.stderr.readline()
    return line.rstrip("\n"), time.monotonic()


@pytest.mark.parametrize(("sig", "name", "code"), [
    (signal.SIGTERM, "SIGTERM", 143),
    (signal.SIGHUP, "SIGHUP", 129),  # the terminal window closed
    (signal.SIGINT, None, 130),  # Ctrl+C
])
def test_a_waiting_command_says_so_and_a_signal_stops_it_at_once(held, sig, name, code):
    began = time.monotonic()
    proc = _start(held)
    try:
        line, seen = _waiting_line(proc)
        assert line.startswith(WAITING + str(held)), line
        assert "Ctrl+C stops" in line and "gives up after 60 s" in line
        assert seen - began < 15  # (start-up, then about a second of waiting)
        proc.send_signal(sig)
        rest = proc.communicate(timeout=10)[1]
        stopped = time.monotonic() - seen
    finally:
        proc.kill()
    # The old code went on waiting until the 60 s were up (it heard the signal only then).
    assert stopped < 3, stopped
    assert proc.returncode == code, rest
    if name:
        assert rest.strip().splitlines() == [STOPPED.format(name)]
    else:
        assert rest.strip().startswith("Interrupted: nothing is half-written")
    assert _events(held) == 0


def test_a_wait_that_times_out_says_the_project_is_busy(held):
    proc = _start(held, timeout="1.5")
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 1
    lines = err.strip().splitlines()
    assert lines[0].startswith(WAITING) and "gives up after 1.5 s" in lines[0]
    assert len(lines) == 2 and lines[1].startswith(f"Error: {held}: the project is busy: "
                                                   "another process")
    assert "kept writing to it for " in lines[1]
    assert "nothing was changed" in lines[1] and "QCAHP_BUSY_TIMEOUT" in lines[1]
    assert _events(held) == 0


def test_the_store_waits_in_short_tries_and_reports_how_long(held):
    from qualcoder_ahp.errors import ProjectBusy

    store = open_store(held)
    waited: list[float] = []
    store.lock_wait_s = 0.4
    store.on_lock_wait = waited.append
    try:
        began = time.monotonic()
        with pytest.raises(ProjectBusy) as caught:
            store.accept(1, "ana")
        assert 0.4 <= time.monotonic() - began < 2
        assert store.last_busy is caught.value and caught.value.waited >= 0.4
        assert len(waited) >= 3 and waited == sorted(waited)  # a try every ~50 ms
        assert not store.write_lock_free()
        assert not store.conn.in_transaction
    finally:
        store.close()
    assert _events(held) == 0


def test_a_free_project_is_written_at_once(tmp_path):
    db = tmp_path / "free.db"
    store = build_project(db, transcripts=1)
    try:
        assert store.write_lock_free() and not store.conn.in_transaction
        store.lock_wait_s = 0.0  # no wait at all still writes when nobody else is
        store.accept(1, "ana")
        assert store.decision_of(1, "ana") == "accepted" and store.last_busy is None
    finally:
        store.close()


HANG_UP_AT = """
import os, signal, sys
from qualcoder_ahp.model.suggestion_store import SuggestionMixin
real, calls = SuggestionMixin.apply_suggestions, [0]
def step(*a, **kw):
    calls[0] += 1
    if calls[0] == 2:  # before the second transcript's suggestions are stored
        os.kill(os.getpid(), signal.SIGHUP)
    return real(*a, **kw)
SuggestionMixin.apply_suggestions = step
from qualcoder_ahp.cli import cli
cli(sys.argv[1:], prog_name="qcahp")
"""


def test_sighup_stops_suggest_and_its_workers_as_sigterm_does(tmp_path):
    """The terminal window closed while ``qcahp suggest --processes 2`` ran: Python's
    default ended the command at once and left its forked worker running, orphaned."""
    from click.testing import CliRunner

    from qualcoder_ahp.cli import cli

    db = tmp_path / "study.db"
    samples = REPO / "transcripts"
    three = [str(samples / n) for n in ("physio_helen.txt", "slt_priya.md", "ot_dev.vtt")]
    codebook = str(REPO / "tests" / "data" / "codebooks" / "small.yaml")
    for args in (["import", *three], ["codebook", "load", codebook]):
        assert CliRunner().invoke(cli, ["--db", str(db), *args]).exit_code == 0
    result = subprocess.run([sys.executable, "-c", HANG_UP_AT, "--db", str(db), "suggest",
                             "--processes", "2"], cwd=REPO, capture_output=True, text=True,
                            timeout=90)
    assert result.returncode == 129, result.stderr
    assert result.stderr.strip().splitlines() == [STOPPED.format("SIGHUP")]
    conn = sqlite3.connect(db)
    try:
        stored = conn.execute("SELECT COUNT(DISTINCT transcript_id) FROM suggestions").fetchone()
        assert stored == (1,)  # the first transcript whole, nothing of the second
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    finally:
        conn.close()


@pytest.mark.parametrize(("sig", "code"), [("SIGTERM", 143), ("SIGHUP", 129)])
def test_sigterm_or_sighup_while_qcahp_starts_is_one_line(tmp_path, sig, code):
    """As Ctrl+C while loading (session 20): was no word at all, exit -15 or -1."""
    script = tmp_path / "start.py"
    script.write_text(
        "import os, signal, sys\n"
        "class Hook:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name == 'sqlite_utils':\n"
        f"            os.kill(os.getpid(), signal.{sig})\n"
        "sys.meta_path.insert(0, Hook())\n"
        "from qualcoder_ahp.cli import cli\n"
        "cli(['--version'])\n", encoding="utf-8")
    result = subprocess.run([sys.executable, str(script)], cwd=REPO, capture_output=True,
                            text=True, timeout=60,
                            env={**os.environ, "PYTHONPATH": str(REPO)})
    assert result.returncode == code
    assert result.stderr == f"Stopped ({sig}) while starting: nothing was done.\n"
    assert result.stdout == ""
