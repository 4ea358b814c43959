"""Session 22: `qcahp participants import` of an id that no transcript has refuses the
file (one line naming the file, the line and the id, and the id it likely means) and
stores nothing, unless --keep-new keeps such ids for transcripts still to come."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from click.testing import CliRunner

from qualcoder_ahp.cli import cli


def run(db: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["--db", str(db), *args])
    return result.exit_code, result.stdout, result.stderr


def _dump(db: Path) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return [tuple(r) for table in ("participants", "participant_attributes")
                for r in conn.execute(f"SELECT * FROM {table} ORDER BY 1")]


def _study(tmp_path: Path) -> Path:
    db = tmp_path / "study.db"
    files = []
    for pid in ("P10", "P11", "P12"):
        path = tmp_path / f"{pid}.txt"
        path.write_text(f"Interviewer: How did you get here?\n\n{pid}: Luck for {pid}, "
                        "pure luck.\n")
        files.append(str(path))
    assert run(db, "import", *files)[0] == 0
    return db


def test_an_id_without_a_transcript_is_refused_and_nothing_is_stored(tmp_path: Path) -> None:
    db = _study(tmp_path)
    before = _dump(db)
    csv_file = tmp_path / "people.csv"
    csv_file.write_text("participant,profession\nP11,OT\nP1O,physio\nP13,SLT\n")
    code, out, err = run(db, "participants", "import", str(csv_file))
    assert code != 0 and out == ""
    assert err == (f"Error: {csv_file}: line 3: participant 'P1O' has no transcript in this "
                   "project (did you mean P10?); nor has P13 (line 4); nothing was "
                   "imported: correct the ids, or add --keep-new to keep participants whose "
                   "transcripts are still to come\n")
    assert _dump(db) == before  # P11's row was not written either


def test_keep_new_keeps_them_and_a_kept_id_is_known_next_time(tmp_path: Path) -> None:
    db = _study(tmp_path)
    csv_file = tmp_path / "people.csv"
    csv_file.write_text("participant,profession\nP11,OT\nP13,SLT\n")
    code, out, err = run(db, "participants", "import", str(csv_file), "--keep-new")
    assert code == 0 and out == f"2 participants updated from {csv_file}\n"
    assert err.startswith("note: no transcript yet for 1 of them: P13")
    csv_file.write_text("participant,profession\nP11,OT\nP13,dietitian\n")
    code, out, _err = run(db, "participants", "import", str(csv_file))
    assert code == 0 and out == f"2 participants updated from {csv_file}\n"
    code, out, _err = run(db, "participants", "--format", "json")
    assert '"dietitian"' in out


def test_near_nothing_the_error_names_the_transcripts_ids(tmp_path: Path) -> None:
    db = _study(tmp_path)
    csv_file = tmp_path / "people.csv"
    csv_file.write_text("participant,profession\nP10,OT\nAlice,SLT\n")
    code, _out, err = run(db, "participants", "import", str(csv_file))
    assert code != 0
    assert ("line 3: participant 'Alice' has no transcript in this project (the "
            "transcripts' ids without a row are P11, P12); nothing was imported") in err


def test_before_any_transcript_every_id_waits_with_a_note(tmp_path: Path) -> None:
    db = tmp_path / "new.db"
    csv_file = tmp_path / "people.csv"
    csv_file.write_text("participant,profession\nP10,OT\n")
    code, out, err = run(db, "participants", "import", str(csv_file))
    assert code == 0 and out == f"1 participant updated from {csv_file}\n"
    assert err.startswith("note: no transcript imported yet: each id waits for the "
                          "transcript that has it")
