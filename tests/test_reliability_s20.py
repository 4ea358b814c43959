"""Session 20's reliability audit: a command stopped by SIGTERM, a full disk, a project
in a read-only folder, the words of a database error.

SIGTERM is a real signal, sent by the process to itself at an exact step
(``tests/helpers/sigterm_at.py``), so nothing depends on timing.
"""

from __future__ import annotations

import os
import resource
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from tests.conftest import REPO
from tests.helpers.project import build_project

SAMPLES = REPO / "transcripts"
CODEBOOK = REPO / "tests" / "data" / "codebooks" / "small.yaml"
STOPPED = ("Stopped (SIGTERM): nothing is half-written (each step finished before it came "
           "is stored whole, the rest not begun); run the same command again to carry on.")


def _qcahp(*args: str, **kwargs: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "qualcoder_ahp", *args], cwd=REPO,
                          capture_output=True, text=True, timeout=120, **kwargs)


def _here(*args: str):  # noqa: ANN202 - click's Result
    """Run ``qcahp ARGS`` in this process (the steps around the one under test)."""
    from click.testing import CliRunner

    from qualcoder_ahp.cli import cli

    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def _sigterm_at(step: str, nth: int, *args: str) -> subprocess.CompletedProcess[str]:
    """Run ``qcahp ARGS`` that sends itself SIGTERM at the ``nth`` call of ``step``.

    The timeout catches a run that never ends: SIGTERM used to end ``qcahp suggest``
    at once and leave its forked worker waiting for work, forever, holding the pipes.
    """
    return subprocess.run([sys.executable, "-m", "tests.helpers.sigterm_at", step, str(nth),
                           "--", *args], cwd=REPO, capture_output=True, text=True,
                          timeout=90)


def _rows(db: Path, sql: str) -> list[tuple]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def _whole(db: Path) -> None:
    """The file is sound and every transcript has its turns and sentences."""
    assert _rows(db, "PRAGMA integrity_check") == [("ok",)]
    assert _rows(db, "PRAGMA foreign_key_check") == []
    assert _rows(db, "SELECT name FROM transcripts t WHERE NOT EXISTS (SELECT 1 FROM turns "
                     "WHERE transcript_id = t.id) OR NOT EXISTS (SELECT 1 FROM sentences "
                     "WHERE transcript_id = t.id)") == []


def test_sigterm_during_import_says_so_and_the_same_command_carries_on(tmp_path):
    folder = tmp_path / "interviews"
    folder.mkdir()
    for name in ("physio_helen.txt", "paramedic_marcus.txt", "podiatrist_tom.txt"):
        shutil.copy(SAMPLES / name, folder / name)
    db = tmp_path / "study.db"
    # Before the second file is read: the first is stored whole, the rest not begun.
    result = _sigterm_at("qualcoder_ahp.importers.batch:read_transcript", 2,
                         "--db", str(db), "import", str(folder))
    assert result.returncode == 143, result.stderr  # was -15: no message at all
    assert result.stderr.strip().splitlines() == [STOPPED]
    assert _rows(db, "SELECT name FROM transcripts") == [("paramedic_marcus",)]
    _whole(db)
    again = _here("--db", str(db), "import", str(folder))
    assert again.exit_code == 0, again.output
    assert "unchanged  paramedic_marcus" in again.stdout
    assert sorted(_rows(db, "SELECT name FROM transcripts")) == [
        ("paramedic_marcus",), ("physio_helen",), ("podiatrist_tom",)]
    _whole(db)


def test_sigterm_during_suggest_stops_the_workers_and_stores_whole_transcripts(tmp_path):
    db = tmp_path / "study.db"
    three = [str(SAMPLES / n) for n in ("physio_helen.txt", "slt_priya.md", "ot_dev.vtt")]
    for args in (["import", *three], ["codebook", "load", str(CODEBOOK)]):
        assert _here("--db", str(db), *args).exit_code == 0
    # A forked worker tokenises while this process stores; SIGTERM before the second
    # transcript's suggestions are stored. The old code died at once and left the
    # worker running with no parent (the run below then never ended: the timeout).
    result = _sigterm_at(
        "qualcoder_ahp.model.suggestion_store:SuggestionMixin.apply_suggestions", 2,
        "--db", str(db), "suggest", "--processes", "2")
    assert result.returncode == 143, result.stderr
    assert result.stderr.strip().splitlines() == [STOPPED]
    partial = dict(_rows(db, "SELECT transcript_id, COUNT(*) FROM suggestions "
                             "GROUP BY transcript_id"))
    assert len(partial) == 1  # the first transcript, whole; nothing of the second
    assert _rows(db, "SELECT COUNT(*) FROM suggestions WHERE pattern_ids IN ('', '[]') "
                     "OR matches IN ('', '[]')") == [(0,)]
    again = _here("--db", str(db), "suggest", "--processes", "1")
    assert again.exit_code == 0, again.output
    full = dict(_rows(db, "SELECT transcript_id, COUNT(*) FROM suggestions "
                          "GROUP BY transcript_id"))
    assert len(full) == 3
    assert {t: full[t] for t in partial} == partial  # the stored one was whole
    _whole(db)


def test_sigterm_while_writing_a_report_leaves_no_half_file_or_debris(tmp_path):
    db = tmp_path / "study.db"
    assert _here("--db", str(db), "import", str(SAMPLES / "physio_helen.txt")).exit_code == 0
    out = tmp_path / "reports" / "log.csv"
    out.parent.mkdir()
    out.write_text("the old report\n", encoding="utf-8")
    # Between the temporary file being filled and its taking the report's name.
    result = _sigterm_at("qualcoder_ahp.reports.writers:os.replace", 1,
                         "--db", str(db), "log", "-o", str(out))
    assert result.returncode == 143, result.stderr
    assert result.stderr.strip().splitlines() == [STOPPED]
    assert [p.name for p in out.parent.iterdir()] == ["log.csv"]  # was: a .log.csv.*.tmp too
    assert out.read_text(encoding="utf-8") == "the old report\n"


def _limit_file_size(limit: int):  # noqa: ANN202 - a preexec_fn
    def limit_it() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    return limit_it


def test_a_full_disk_during_import_is_not_sent_to_a_backup(tmp_path):
    """A file size limit (``ulimit -f``) stands in for a full disk: SQLite gets EFBIG."""
    folder = tmp_path / "interviews"
    folder.mkdir()
    text = (SAMPLES / "physio_helen.txt").read_text(encoding="utf-8")
    for k in range(25):  # each its own text, so each is stored
        (folder / f"p{k:02}.txt").write_text(text.replace("Thank you", f"Thank you ({k})"),
                                             encoding="utf-8")
    db = tmp_path / "study.db"
    assert _here("--db", str(db), "import", str(folder / "p00.txt")).exit_code == 0
    size = db.stat().st_size + (Path(f"{db}-wal").stat().st_size
                                if Path(f"{db}-wal").exists() else 0)
    result = _qcahp("--db", str(db), "import", str(folder),
                    preexec_fn=_limit_file_size(size + 600_000))
    assert result.returncode == 1
    line = result.stderr.strip()
    assert len(line.splitlines()) == 1 and line.startswith(f"Error: {db}: could not write")
    # was: "database problem: disk I/O error (if the file is damaged, restore a .bak copy...)"
    assert "restore" not in line and "nothing was half-written" in line
    stored = _rows(db, "SELECT COUNT(*) FROM transcripts")[0][0]
    assert 1 < stored < 25
    _whole(db)
    again = _here("--db", str(db), "import", str(folder))
    assert again.exit_code == 0 and _rows(db, "SELECT COUNT(*) FROM transcripts") == [(25,)]


@pytest.mark.parametrize(("error", "says", "never"), [
    (sqlite3.OperationalError("database or disk is full"), "the disk is full", "restore"),
    (sqlite3.OperationalError("disk I/O error"), "could not write to the disk", "restore"),
    (sqlite3.OperationalError("database is locked"), "the project is busy", "restore"),
    (sqlite3.OperationalError("attempt to write a readonly database"), "read-only",
     "restore"),
    (sqlite3.DatabaseError("database disk image is malformed"), "restore a .bak copy",
     "nothing was half-written"),
])
def test_database_problems_say_what_happened(error, says, never):
    from qualcoder_ahp.errors import database_problem, problem_text

    line = database_problem(error)
    assert says in line and never not in line
    # The workbench's notification for a failed decision uses the same words.
    assert problem_text(error) == line
    assert problem_text(ValueError("x")) == "ValueError: x"


def _without_root() -> list[str]:
    """The command prefix that makes file permissions count: none for a normal user;
    ``unshare -U`` for root (a user namespace: root's override of permissions goes)."""
    if os.geteuid() != 0:
        return []
    if shutil.which("unshare") and subprocess.run(["unshare", "-U", "true"],
                                                  capture_output=True).returncode == 0:
        return ["unshare", "-U"]
    pytest.skip("root ignores file permissions here, and unshare -U is not available")


def _as_user(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*_without_root(), sys.executable, "-m", "qualcoder_ahp", *args],
                          cwd=REPO, capture_output=True, text=True, timeout=120)


@pytest.fixture
def shared_read_only(tmp_path):
    """A project with one coding, in a folder this user may only read (a colleague's
    folder on a shared drive); the folder is made writable again afterwards."""
    folder = tmp_path / "shared"
    folder.mkdir()
    db = folder / "study.db"
    store = build_project(db, transcripts=1)
    store.accept(store.suggestions()[0].id, "ana")
    store.close()
    assert not Path(f"{db}-wal").exists()  # every command closed it: all in the file
    before = db.read_bytes()
    folder.chmod(0o555)
    yield db, before
    folder.chmod(0o755)


def test_a_project_in_a_read_only_folder_is_read_and_never_called_damaged(shared_read_only):
    db, before = shared_read_only
    # was: "not a qualcoder_ahp database, or damaged (attempt to write a readonly
    # database)" for every command, reports included
    listed = _as_user("--db", str(db), "transcripts", "--format", "json")
    assert listed.returncode == 0, listed.stderr
    assert '"story0"' in listed.stdout
    decided = _as_user("--db", str(db), "decide", "2", "accept", "--coder", "ana")
    assert decided.returncode == 1
    assert decided.stderr.strip().splitlines() == [
        f"Error: {db}: the project database is read-only, so nothing was changed (check the "
        "permissions of the file and its folder)"]
    assert db.read_bytes() == before
    assert sorted(p.name for p in db.parent.iterdir()) == ["study.db"]


@pytest.mark.parametrize("where", ["file", "folder"])
def test_the_workbench_on_a_read_only_project_is_one_line_not_a_traceback(
        shared_read_only, where):
    db, before = shared_read_only
    if where == "file":
        db.parent.chmod(0o755)
        db.chmod(0o444)
    # was: the workbench opened, wrote its coder, and Textual showed a traceback, exit 0
    result = _as_user("--db", str(db), "code", "--coder", "zed")
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        f"Error: {db}: the project database is read-only (check the permissions of the file "
        "and its folder, or copy it to a folder you can write to); nothing can be saved to it"]
    assert db.read_bytes() == before


def test_an_output_file_that_is_a_link_is_written_through(tmp_path):
    from click.testing import CliRunner

    from qualcoder_ahp.cli import cli

    db = tmp_path / "study.db"
    store = build_project(db, transcripts=1)
    store.accept(store.suggestions()[0].id, "ana")
    store.close()
    shared = tmp_path / "team" / "audit.csv"
    shared.parent.mkdir()
    shared.write_text("last week's log\n", encoding="utf-8")
    link = tmp_path / "latest.csv"
    link.symlink_to(shared)
    result = CliRunner().invoke(cli, ["--db", str(db), "log", "-o", str(link)])
    assert result.exit_code == 0, result.output
    # was: the link replaced by a new file, and the team's file still last week's
    assert link.is_symlink() and link.resolve() == shared
    assert "accepted suggestion 1" in shared.read_text(encoding="utf-8-sig")
    assert sorted(p.name for p in shared.parent.iterdir()) == ["audit.csv"]


def test_a_full_disk_during_an_upgrade_keeps_the_good_backup_and_leaves_no_cut_one(tmp_path):
    """The backup made before a migration, on a disk that fills (a file size limit)."""
    from sqlite_utils import Database

    from qualcoder_ahp.model.migrations import MIGRATIONS, known_count

    db = tmp_path / "old.db"
    old = Database(str(db))
    MIGRATIONS.apply(old, stop_before=MIGRATIONS._migrations[-1].name)
    old.execute(f"PRAGMA user_version = {known_count() - 1}")
    old.execute("INSERT INTO settings (key, value) VALUES ('notes', ?)", ["x" * 400_000])
    old.conn.commit()
    old.close()
    before = db.read_bytes()
    backup = tmp_path / f"old.db.bak-v{known_count() - 1}"
    shutil.copy(db, backup)  # made by an earlier try, whose migration then failed
    result = _qcahp("--db", str(db), "transcripts",
                    preexec_fn=_limit_file_size(len(before) // 2))
    assert result.returncode == 1
    line = result.stderr.strip()
    # was: "not a qualcoder_ahp database, or damaged (disk I/O error)", the good backup
    # deleted and a cut one in its place
    assert len(line.splitlines()) == 1 and "could not write to the disk" in line, line
    assert "damaged" not in line
    assert backup.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []
    assert _rows(db, "PRAGMA user_version") == [(known_count() - 1,)]  # not upgraded
    assert _rows(db, "SELECT COUNT(*) FROM _sqlite_migrations") == [(known_count() - 1,)]
    again = _here("--db", str(db), "transcripts")
    assert again.exit_code == 0, again.output
    assert _rows(backup, "PRAGMA integrity_check") == [("ok",)]
    assert _rows(backup, "SELECT length(value) FROM settings WHERE key = 'notes'") == [
        (400_000,)]


def test_ctrl_c_before_anything_is_stored_leaves_no_empty_new_project(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from qualcoder_ahp.cli import cli
    from qualcoder_ahp.importers import batch

    def interrupted(path, **kwargs):  # noqa: ANN001, ANN003, ANN202 - Ctrl+C while reading
        raise KeyboardInterrupt

    monkeypatch.setattr(batch, "read_transcript", interrupted)
    db = tmp_path / "study.db"
    result = CliRunner().invoke(cli, ["--db", str(db), "import", str(SAMPLES)])
    assert result.exit_code == 130
    # was: an empty project left behind, which later commands took for the study
    assert not db.exists()


def test_ctrl_c_while_qcahp_starts_is_one_line(tmp_path):
    # Ctrl+C while sqlite-utils is being imported (the command line takes ~0.4 s to load).
    script = tmp_path / "start.py"
    script.write_text(
        "import os, signal, sys\n"
        "class Hook:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name == 'sqlite_utils':\n"
        "            os.kill(os.getpid(), signal.SIGINT)\n"
        "sys.meta_path.insert(0, Hook())\n"
        "from qualcoder_ahp.cli import cli\n"
        "cli(['--version'])\n", encoding="utf-8")
    result = subprocess.run([sys.executable, str(script)], cwd=REPO, capture_output=True,
                            text=True, timeout=60,
                            env={**os.environ, "PYTHONPATH": str(REPO)})
    # was: some thirty lines of KeyboardInterrupt traceback from inside an import
    assert result.returncode == 130
    assert result.stderr == "Interrupted while starting: nothing was done.\n"
    assert result.stdout == ""


def test_a_new_project_that_a_full_disk_stopped_before_anything_is_taken_away(tmp_path):
    text = (SAMPLES / "physio_helen.txt").read_text(encoding="utf-8")
    long = tmp_path / "long.txt"  # one interview of some 60,000 words
    long.write_text(text + "".join(text.split("\n", 2)[2].replace("Thank you", f"Thanks {k}")
                                   for k in range(40)), encoding="utf-8")
    db = tmp_path / "study.db"
    # The new project's tables fit under the limit; the interview does not.
    result = _qcahp("--db", str(db), "import", str(long),
                    preexec_fn=_limit_file_size(320_000))
    assert result.returncode == 1
    assert "could not write to the disk" in result.stderr
    # was: the empty project left behind, its -wal holding the failed write (on a full
    # disk, keeping it full)
    assert not db.exists() and not Path(f"{db}-wal").exists()


def test_a_read_only_folder_with_a_wal_file_is_said_not_called_damaged(shared_read_only):
    db, _before = shared_read_only
    db.parent.chmod(0o755)
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA wal_autocheckpoint = 0")
    conn.execute("INSERT INTO settings (key, value) VALUES ('k', 'v')")
    conn.commit()
    wal = Path(f"{db}-wal")
    kept = wal.read_bytes()  # a -wal not yet in the file (a coder's copy, sent with it)
    conn.close()
    wal.write_bytes(kept)
    Path(f"{db}-shm").unlink(missing_ok=True)
    db.parent.chmod(0o555)
    result = _as_user("--db", str(db), "transcripts")
    assert result.returncode == 1
    # was: "not a qualcoder_ahp database, or damaged (unable to open database file)"
    assert result.stderr.strip().splitlines() == [
        f"Error: {db}: the project is in a read-only folder with a -wal file beside it, which "
        "SQLite cannot read there; open it once where the folder can be written, or copy the "
        "project with its -wal file to a folder you can write to"]
