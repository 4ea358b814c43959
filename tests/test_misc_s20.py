"""Session 20's small fixes in the CLI and model: redaction scrubs the names from the
log (a speaker rename logged the old name), a --db in a missing folder is refused, the
theme-name advice names the field the researcher sees, retiring a theme says its real
number of codings, and a re-import notes speakers that now read differently."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from qualcoder_ahp.cli import cli

SMALL = Path(__file__).parent / "data" / "codebooks" / "small.yaml"

P01 = ("Interviewer: How was the ward?\n"
       "Helen: Busy. We were short again.\n"
       "Interviewer: And then?\n"
       "Helen: Mark left in May.\n")


def run(db: Path, *args: str, code: int = 0) -> str:
    res = CliRunner().invoke(cli, ["--db", str(db), *args])
    assert res.exit_code == code, res.output
    return res.output


def events_text(db: Path) -> str:
    with sqlite3.connect(db) as conn:
        return "\n".join(r[0] for r in conn.execute("SELECT payload FROM events"))


def test_redact_scrubs_a_renamed_speakers_old_name_from_the_log(tmp_path: Path) -> None:
    (tmp_path / "p01.txt").write_text(P01)
    db = tmp_path / "p.db"
    run(db, "import", str(tmp_path / "p01.txt"))
    run(db, "speakers", "rename", "p01", "Helen", "Helen Smith")
    assert "Helen" in events_text(db)
    (tmp_path / "names.txt").write_text("Helen Smith\nHelen\n")
    dry = run(db, "redact", "--names", str(tmp_path / "names.txt"), "--all", "--dry-run")
    assert "Would scrub the names from 1 log event about them too." in dry
    assert "Helen" in events_text(db)
    out = run(db, "redact", "--names", str(tmp_path / "names.txt"), "--all")
    assert "Scrubbed the names from 1 log event about them too." in out
    assert "Helen" not in events_text(db)
    assert "Helen" not in run(db, "log")
    assert "Helen" not in run(db, "speakers")


def test_redact_scrubs_the_log_when_only_the_log_names_them(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The speaker was renamed to a code before redaction: text and labels hold no name,
    the rename event does; it is scrubbed all the same (and the log still reads). Who
    renamed it (a login that happens to be a listed name) is the audit trail's: kept."""
    (tmp_path / "p01.txt").write_text(P01.replace("Mark", "a colleague"))
    db = tmp_path / "p.db"
    run(db, "import", str(tmp_path / "p01.txt"))
    monkeypatch.setattr("qualcoder_ahp.cli.common.getpass.getuser", lambda: "helen")
    run(db, "speakers", "rename", "p01", "Helen", "P01")
    (tmp_path / "names.txt").write_text("Helen,[P01]\n")
    out = run(db, "redact", "--names", str(tmp_path / "names.txt"), "--transcript", "p01")
    assert "0 transcripts redacted; 1 had none of the names." in out
    assert "Scrubbed the names from 1 log event about them too." in out
    assert "Helen" not in events_text(db) and '"by": "helen"' in events_text(db)
    log = run(db, "log")
    assert "renamed speaker 'P01' to 'P01' in transcript p01" in log
    assert "redact" in log


def test_a_db_in_a_missing_folder_is_refused_and_nothing_is_made(tmp_path: Path) -> None:
    """``qcahp --db /tmp/typo/x.db import ...`` made the folder and a new project: a typo
    gave an empty workbench. Now one line, exit 1, nothing created; a new file in a
    folder that exists is still a new project."""
    (tmp_path / "p01.txt").write_text(P01)
    db = tmp_path / "typo" / "x.db"
    for args in (["import", str(tmp_path / "p01.txt")], ["codebook", "load", str(SMALL)]):
        res = CliRunner().invoke(cli, ["--db", str(db), *args])
        assert res.exit_code == 1, res.output
        assert res.stderr == (f"Error: {db}: no folder {tmp_path / 'typo'} for the project: "
                              "create it first, or check the path\n")
        assert not (tmp_path / "typo").exists()
    assert "1 imported" in run(tmp_path / "x.db", "import", str(tmp_path / "p01.txt"))


LONG = ("How nurses came to lead the ward after the restructuring of the trust in the "
        "years before the pandemic")


def test_a_long_theme_name_is_told_the_field_the_researcher_sees(tmp_path: Path) -> None:
    """"put the rest in its description": the workbench's form calls it Definition, the
    command line --description."""
    from qualcoder_ahp.model.codebook_store import theme_name_problem

    assert theme_name_problem(LONG) == ("a theme name has at most 80 characters (this one "
                                        "has 102): put the rest in its definition")
    db = tmp_path / "p.db"
    (tmp_path / "p01.txt").write_text(P01)
    run(db, "import", str(tmp_path / "p01.txt"))
    out = run(db, "codebook", "add-theme", LONG, "--coder", "ana", code=1)
    assert out.endswith("put the rest in its definition (--description)\n")
    run(db, "codebook", "add-theme", "Luck", "--coder", "ana")
    out = run(db, "codebook", "edit-theme", "luck", "--name", LONG, "--coder", "ana", code=1)
    assert out.endswith("put the rest in its definition (--description)\n")


def test_retiring_a_theme_says_nothing_of_codings_it_never_had(tmp_path: Path) -> None:
    """"0 codings kept (shown as Luck (retired))" for a theme nobody coded; with codings,
    their number, every coder's."""
    from qualcoder_ahp.model.store import open_store

    db = tmp_path / "p.db"
    (tmp_path / "p01.txt").write_text(P01)
    run(db, "import", str(tmp_path / "p01.txt"))
    run(db, "codebook", "add-theme", "Luck", "--coder", "ana")
    run(db, "codebook", "add-theme", "Staffing", "--coder", "ana")
    with open_store(db) as store:
        tid = store.transcripts()[0].id
        store.code(tid, "staffing", "ana", 0, 12)
        store.code(tid, "staffing", "ben", 13, 30)
    out = run(db, "codebook", "retire", "luck", "--coder", "ana")
    assert out == "Retired theme luck (Luck): nobody had coded it, 0 open suggestions retired.\n"
    out = run(db, "codebook", "retire", "staffing", "--coder", "ana")
    assert out == ("Retired theme staffing (Staffing): 2 codings kept (shown as Staffing "
                   "(retired)), 0 open suggestions retired.\n")
    log = run(db, "log")
    assert "retired theme Luck (luck; nobody had coded it)" in log
    assert "retired theme Staffing (staffing; 2 codings kept)" in log


def test_reimport_notes_speakers_that_now_read_differently(tmp_path: Path) -> None:
    """The re-import check compares the text only: "Helen:" made "Helen Smith:" in the
    file said "unchanged" and kept Helen silently. Now a note names the difference and
    the command; nothing changes. A rename made here is not such a difference."""
    file = tmp_path / "p01.txt"
    file.write_text(P01)
    db = tmp_path / "p.db"
    run(db, "import", str(file))
    file.write_text(P01.replace("Helen:", "Helen Smith:"))
    res = CliRunner().invoke(cli, ["--db", str(db), "import", str(file)])
    assert res.exit_code == 0, res.output
    assert "0 imported (0 words), 1 unchanged, 0 failed" in res.stdout
    assert ("note: p01: p01.txt: unchanged text, but its speakers read differently now "
            "('Helen' is 'Helen Smith' in the file); the stored speakers are kept: "
            "`qcahp speakers rename p01 Helen 'Helen Smith'` applies it\n") in res.stderr
    assert "Helen Smith" not in run(db, "speakers")  # nothing changed
    run(db, "speakers", "rename", "p01", "Helen", "Helen Smith")
    for text in (P01, P01.replace("Helen:", "Helen Smith:")):  # the researcher's rename
        file.write_text(text)
        res = CliRunner().invoke(cli, ["--db", str(db), "import", str(file)])
        assert res.exit_code == 0 and "note:" not in res.stderr, res.stderr


def test_reimport_notes_a_speaker_now_read_as_two(tmp_path: Path) -> None:
    """One stored speaker is two in the file: no rename applies it, so the note says the
    stored speakers are kept and how to store the new reading."""
    file = tmp_path / "p01.txt"
    file.write_text(P01)
    db = tmp_path / "p.db"
    run(db, "import", str(file))
    file.write_text(P01.replace("Helen: Mark", "Nurse: Mark"))
    res = CliRunner().invoke(cli, ["--db", str(db), "import", str(file)])
    assert res.exit_code == 0, res.output
    assert ("note: p01: p01.txt: unchanged text, but its speakers read differently now "
            "('Helen' is 'Helen' and 'Nurse' in the file); the stored speakers are kept "
            "(--new-version stores the new reading)\n") in res.stderr
