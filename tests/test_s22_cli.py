"""Session 22, the CLI's bad-input sweep: the mistakes researchers really make.

The promise: bad input gets one clear line naming the file and the problem, a non-zero
exit, and leaves the database as it was (bytes and rows, :func:`state`), never a
traceback. Each case here fell short of it before this session (``# was: ...``).
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from qualcoder_ahp.cli import cli
from tests.conftest import REPO
from tests.helpers.dbstate import state
from tests.helpers.project import build_project

DOCX = (REPO / "transcripts" / "radiographer_sam.docx").read_bytes()


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


def one_error(result: Result, code: int = 1) -> str:
    """The one ``Error:`` line of a failed command (checked: exit code, no traceback)."""
    assert result.exit_code == code, result.output
    assert isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith("Error: "), lines[0]
    return lines[0]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A small project (two transcripts, a codebook, ana's coding), closed."""
    db = tmp_path / "study.db"
    store = build_project(db)
    store.accept(store.suggestions()[0].id, "ana")
    store.close()
    return db


# ------------------------------------------------------------ a folder for a file
@pytest.mark.parametrize(("args", "says"), [
    (["counts", "-o", "{d}"], "-o needs the name of the file to write, such as {d}/counts.csv"),
    (["show", "story0", "-o", "{d}"], "such as {d}/show.md"),
    (["codings", "export", "-o", "{d}"], "such as {d}/codings.csv"),
    (["chart", "counts", "-o", "{d}"], "such as {d}/chart.png"),
    (["refi", "export", "{d}"], "FILE needs the name of the file to write, such as "
                                "{d}/project.qdpx"),
    (["codebook", "export", "{d}"], "such as {d}/codebook.yaml"),
    (["merge", "{d}"], "OTHER needs a file (one of the files in it, not the folder)"),
])
def test_a_folder_given_for_a_file_says_what_file_goes_there(
        project: Path, tmp_path: Path, args: list[str], says: str) -> None:
    folder = tmp_path / "results"
    folder.mkdir()
    before = state(project)
    result = run("--db", str(project), *[a.replace("{d}", str(folder)) for a in args])
    # was: "Invalid value for '-o' / '--output': File '.../results' is a directory."
    line = one_error(result, code=2)
    assert line.startswith(f"Error: {folder}: is a directory, not a file: "), line
    assert says.replace("{d}", str(folder)) in line
    assert "Invalid value" not in line and "--help`)" in line
    assert state(project) == before
    assert list(folder.iterdir()) == []


def test_a_folder_given_as_db_names_the_project_in_it(project: Path, tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    line = one_error(run("--db", str(empty), "transcripts"), code=2)
    assert line.startswith(f"Error: {empty}: is a directory, not a file: --db needs the "
                           f"project's database file, such as {empty}/qcahp.db"), line
    # The folder the project is in, given for the project: the file in it is named.
    line = one_error(run("--db", str(tmp_path), "transcripts"), code=2)
    assert f"did you mean --db {project}?" in line
    assert sorted(p.name for p in empty.iterdir()) == []


# ---------------------------------------------------------------- ~ in a quoted path
def test_a_quoted_tilde_is_the_home_folder(project: Path, tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    home = Path(os.environ["HOME"])
    (home / "My studies").mkdir()
    moved = home / "My studies" / "ahp study.db"
    project.rename(moved)
    before = state(moved)
    # was: "~/My studies/ahp study.db: no project database here" (a folder named ~ was
    # looked for in the current folder)
    listed = run("--db", "~/My studies/ahp study.db", "transcripts")
    assert listed.exit_code == 0, listed.output
    assert "story0" in listed.stdout
    written = run("--db", "~/My studies/ahp study.db", "counts", "-o", "~/My studies/c.csv")
    assert written.exit_code == 0, written.output
    assert (home / "My studies" / "c.csv").is_file()
    monkeypatch.setenv("QCAHP_DB", "~/My studies/ahp study.db")  # as a .env file sets it
    assert run("transcripts").exit_code == 0
    assert not (tmp_path / "~").exists()
    assert state(moved) == before
    # A new project under ~ is made there, not in a folder named "~" here.
    story = tmp_path / "p01.txt"
    story.write_text("Interviewer: How did you start?\n\nAsha: By chance, really.\n")
    made = run("--db", "~/My studies/new.db", "import", str(story))
    assert made.exit_code == 0, made.output
    assert (home / "My studies" / "new.db").is_file() and not (tmp_path / "~").exists()


def test_a_folder_really_named_tilde_is_kept(project: Path, tmp_path: Path) -> None:
    (tmp_path / "~").mkdir()
    project.rename(tmp_path / "~" / "p.db")
    assert run("--db", "~/p.db", "transcripts").exit_code == 0


# ------------------------------------------------------------- --db not a project
@pytest.mark.parametrize(("name", "data", "says"), [
    ("interview.docx", DOCX, "but a Word document; nothing was changed (give --db the "
                             "project's .db file; a transcript goes in with `qcahp import "
                             "FILE`)"),
    ("notes.txt", b"Interviewer: hello\n" * 40, "but a text file"),
    ("study.qdpx", b"PK\x03\x04" + bytes(200), "but a REFI-QDA project; nothing was changed "
                                                "(give --db the project's .db file; `qcahp "
                                                "refi import FILE` reads it into a project)"),
    ("report.pdf", b"%PDF-1.7\n" + bytes(100), "but a PDF document"),
    ("codes.yaml", b"name: x\nthemes: []\n", "a codebook goes in with `qcahp codebook load"),
])
@pytest.mark.parametrize("command", [["transcripts"], ["import", "{story}"], ["demo"]])
def test_a_file_that_is_not_sqlite_is_named_for_what_it_is(
        tmp_path: Path, name: str, data: bytes, says: str, command: list[str]) -> None:
    story = tmp_path / "p01.txt"
    story.write_text("Interviewer: How did you start?\n\nAsha: By chance, really.\n")
    target = tmp_path / name
    target.write_bytes(data)
    result = run("--db", str(target), *[a.replace("{story}", str(story)) for a in command])
    # was: "not a qualcoder_ahp database, or damaged (file is not a database)", which
    # sent researchers looking for a backup of a project that was never harmed
    line = one_error(result)
    assert line.startswith(f"Error: {target}: not a qualcoder_ahp project database "), line
    assert says in line
    assert "damaged" not in line
    assert target.read_bytes() == data
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["home", "p01.txt", name])


# ------------------------------------------------- an empty --db file stays empty
@pytest.mark.parametrize("command", [["code", "--coder", "ana"], ["demo"], ["merge", "{other}"]])
def test_an_empty_file_stays_empty_when_the_command_fails(
        project: Path, tmp_path: Path, command: list[str]) -> None:
    empty = tmp_path / "new.db"
    empty.touch()
    empty.chmod(0o640)
    result = run("--db", str(empty), *[a.replace("{other}", str(project)) for a in command])
    one_error(result)
    # was: the empty file left a full project (every table, no data), so the next
    # command saw "a project" with nothing in it
    assert empty.read_bytes() == b""
    assert oct(empty.stat().st_mode & 0o777) == oct(0o640)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["home", "new.db", "study.db"]


def test_an_empty_file_becomes_the_project_a_command_makes(tmp_path: Path) -> None:
    empty = tmp_path / "study.db"
    empty.touch()  # `touch study.db`, then import: as before, that is the new project
    story = tmp_path / "p01.txt"
    story.write_text("Interviewer: How did you start?\n\nAsha: By chance, really.\n")
    assert run("--db", str(empty), "import", str(story)).exit_code == 0
    assert "p01" in run("--db", str(empty), "transcripts").stdout


def test_a_db_in_a_folder_that_is_not_there_says_so(tmp_path: Path) -> None:
    line = one_error(run("--db", str(tmp_path / "Studies" / "ahp.db"), "counts"))
    # was: "no project database here", which read as if the folder were right
    assert f"no project database here (there is no folder {tmp_path / 'Studies'})" in line
    assert not (tmp_path / "Studies").exists()


# ------------------------------------------------- Ctrl+C while the command loads
def test_ctrl_c_inside_a_class_being_loaded_is_one_line(tmp_path: Path) -> None:
    """A Ctrl+C that lands while Python builds a class (a dataclass's fields call
    ``__set_name__``) as `qcahp` loads its modules."""
    script = tmp_path / "load.py"
    script.write_text(
        "import importlib.util, os, signal\n"
        f"spec = importlib.util.spec_from_file_location('starting', "
        f"{str(REPO / 'qualcoder_ahp' / 'cli' / 'starting.py')!r})\n"
        "module = importlib.util.module_from_spec(spec)\n"
        "spec.loader.exec_module(module)\n"
        "class Field:\n"
        "    def __set_name__(self, owner, name):\n"
        "        os.kill(os.getpid(), signal.SIGINT)\n"
        "        for _ in range(10000):\n"
        "            pass\n"
        "class Report:\n"
        "    paragraphs = Field()\n"
        "print('went on')\n")
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                          timeout=60)
    # was: "RuntimeError: Error calling __set_name__ on 'Field' instance 'paragraphs'",
    # a traceback and exit 1, under the line that said "nothing was done"
    assert (done.returncode, done.stdout) == (130, "")
    assert done.stderr == "Interrupted while starting: nothing was done.\n"


# --------------------------------------------------------------- codebook export
@pytest.mark.parametrize(("name", "says"), [
    ("codes.csv", "the codebook is written as YAML, not .csv: name the file codes.yaml (or "
                  ".yml), which `qcahp codebook load` reads back"),
    ("codes.xlsx", "not .xlsx: name the file codes.yaml"),
    ("codes", "the codebook is written as YAML: name the file codes.yaml"),
])
def test_codebook_export_refuses_a_file_that_would_not_load_back(
        project: Path, tmp_path: Path, name: str, says: str) -> None:
    before = state(project)
    line = one_error(run("--db", str(project), "codebook", "export", str(tmp_path / name)))
    # was: YAML written into codes.csv, exit 0 (Excel opened one garbled column, and
    # `codebook load codes.csv` refused it)
    assert line == f"Error: {tmp_path / name}: {says}" or says in line, line
    assert not (tmp_path / name).exists()
    assert state(project) == before
    done = run("--db", str(project), "codebook", "export", str(tmp_path / "codes.YML"))
    assert done.exit_code == 0, done.output


def test_codebook_export_to_standard_output_by_name_does_not_wait(project: Path) -> None:
    # was: it read the first line of /dev/stdout (its own output pipe) to see whether an
    # earlier export wrote it, and waited for ever
    done = subprocess.run([sys.executable, "-m", "qualcoder_ahp", "--db", str(project),
                           "codebook", "export", "/dev/stdout"], capture_output=True,
                          text=True, timeout=60, cwd=REPO)
    assert done.returncode == 0, done.stderr
    assert "themes:" in done.stdout and "written by `qcahp codebook export`" in done.stdout


# ------------------------------------------------------------- a coder's name
@pytest.mark.parametrize("command", [
    ["decide", "{sid}", "accept", "--coder", "{who}"],
    ["codebook", "add-theme", "Luck", "--coder", "{who}"],
    ["codebook", "retire", "mandate", "--coder", "{who}"],
    ["codebook", "edit-theme", "mandate", "--name", "Remit", "--coder", "{who}"],
])
@pytest.mark.parametrize("who", ["Ana", "ANA", " a na "])
def test_a_coder_named_but_for_case_is_refused(project: Path, command: list[str],
                                               who: str) -> None:
    conn = sqlite3.connect(project)
    (sid,) = conn.execute("SELECT max(id) FROM suggestions").fetchone()
    conn.close()
    before = state(project)
    args = [a.replace("{sid}", str(sid)).replace("{who}", who) for a in command]
    line = one_error(run("--db", str(project), *args))
    # was: a second coder 'Ana' started silently, beside ana, and counted against her in
    # every agreement figure
    assert line == (f"Error: no coder {who.strip()!r} in this project, but there is 'ana' "
                    "(the same name but for case or spaces): use --coder ana; nothing was "
                    "changed")
    assert state(project) == before


def test_a_new_coder_is_still_taken_with_a_note(project: Path) -> None:
    done = run("--db", str(project), "decide", "2", "reject", "--coder", "anna")
    assert done.exit_code == 0, done.output
    assert "note: 'anna' is a new coder in this project (coders so far: ana)" in done.stderr


# ------------------------------------------------------- withdraw and redact typos
@pytest.mark.parametrize(("args", "says"), [
    (["withdraw", "--transcript", "stroy0", "--yes"],
     "no transcript 'stroy0' in this project; did you mean 'story0'?"),
    (["withdraw", "--participant", "p01", "--yes"],
     "no participant 'p01' in this project (participants: P00, P01); did you mean 'P01'?"),
    (["withdraw", "--participant", "P01", "--transcript", "story", "--dry-run"],
     "did you mean 'story0'?"),
    (["redact", "--names", "{names}", "--transcript", "stroy1"],
     "no transcript 'stroy1' in this project; did you mean 'story1'?"),
])
def test_withdraw_and_redact_name_the_likely_one(project: Path, tmp_path: Path,
                                                 args: list[str], says: str) -> None:
    (tmp_path / "names.txt").write_text("Leeds\n")
    before = state(project)
    line = one_error(run("--db", str(project),
                         *[a.replace("{names}", str(tmp_path / "names.txt")) for a in args]))
    assert says in line, line
    assert state(project) == before


# ----------------------------------------------- an output over an interview
def test_an_output_never_replaces_an_imported_interview(tmp_path: Path) -> None:
    folder = tmp_path / "interviews"
    folder.mkdir()
    story = folder / "p01.txt"
    story.write_text("Interviewer: How did you start?\n\nAsha: By chance, really.\n")
    copy = tmp_path / "p01 copy.txt"
    copy.write_bytes(story.read_bytes())
    db = tmp_path / "study.db"
    assert run("--db", str(db), "import", str(story)).exit_code == 0
    kept = story.read_bytes()
    before = state(db)
    for target in (story, copy):
        line = one_error(run("--db", str(db), "show", "p01", "-o", str(target)))
        # was: "Wrote the coded transcript p01 ... (replaced the old file)": the
        # interview itself gone, the export in its place
        assert line == (f"Error: {target}: that file holds the interview the transcript p01 "
                        "was imported from, and an output never replaces an interview: give "
                        "the output another file name")
        assert target.read_bytes() == kept
    assert state(db) == before
    other = tmp_path / "notes.txt"
    other.write_text("last week's export\n")  # any other file is replaced, as before
    done = run("--db", str(db), "show", "p01", "-o", str(other))
    assert done.exit_code == 0 and "(replaced the old file)" in done.stderr


# ---------------------------------------------- the disk refusing an export half-way
def _file_limit() -> None:  # in the child: writes past 35 KB fail (EFBIG), as a full disk
    import resource
    import signal

    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (35_000, 35_000))  # -shm: 32 KiB


@pytest.mark.parametrize("args", [["show", "story0", "-o", "{out}.docx"],
                                  ["codebook", "show", "-o", "{out}.docx"]])
def test_an_export_the_disk_refuses_leaves_the_old_file_and_no_part(
        project: Path, tmp_path: Path, args: list[str]) -> None:
    """Guard: the write goes to a temporary file that replaces the old one only when
    whole, so a full disk leaves the last good export and nothing half-written."""
    out = tmp_path / "exports" / "p"
    out.parent.mkdir()
    argv = [a.replace("{out}", str(out)) for a in args]
    old = Path(argv[-1])
    old.write_bytes(b"last week's export")
    before = state(project)
    done = subprocess.run([sys.executable, "-m", "qualcoder_ahp", "--db", str(project), *argv],
                          capture_output=True, text=True, timeout=120, cwd=REPO,
                          preexec_fn=_file_limit)
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    (line,) = done.stderr.strip().splitlines()
    assert line.startswith(f"Error: {old}: cannot write the ") and "too large" in line, line
    assert old.read_bytes() == b"last week's export"
    assert [p.name for p in out.parent.iterdir()] == [old.name]
    assert state(project) == before
