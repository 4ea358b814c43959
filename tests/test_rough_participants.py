"""`qcahp participants assign` and `remove`: a transcript's participant can be changed
after import, and a participant with no transcript (a mistyped CSV row) removed.

Before, the participant an import took from the file name stayed for good, and so did
every id of a mistyped participants CSV, in `qcahp participants` and the reports.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from click.testing import CliRunner

from qualcoder_ahp.cli import cli
from qualcoder_ahp.model.store import open_store


def run(db: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["--db", str(db), *args])
    return result.exit_code, result.stdout, result.stderr


def ok(db: Path, *args: str) -> str:
    code, out, err = run(db, *args)
    assert code == 0, out + err
    return out


def owners(db: Path) -> dict[str, str | None]:
    store = open_store(db)
    try:
        return {f"{t.name}@{t.version}": t.participant for t in store.transcripts()}
    finally:
        store.close()


def digest(db: Path) -> str:
    return hashlib.sha256(db.read_bytes()).hexdigest()


@pytest.fixture
def study(tmp_path: Path) -> Path:
    db = tmp_path / "study.db"
    folder = tmp_path / "in"
    folder.mkdir()
    for name, words in (("p07_zoom", "I fell into management."),
                        ("p08_teams", "It was never planned.")):
        (folder / f"{name}.txt").write_text(
            f"Interviewer: How did it start?\n\nAnn: {words}\n", encoding="utf-8")
    ok(db, "import", str(folder))
    (tmp_path / "people.csv").write_text(
        "participant,profession\nP07,physiotherapist\nP8,dietitian\nP08,dietitian\n",
        encoding="utf-8")
    ok(db, "participants", "import", str(tmp_path / "people.csv"), "--keep-new")
    return db


def test_assign_gives_every_version_to_the_participant(study: Path, tmp_path: Path):
    changed = tmp_path / "v2" / "p07_zoom.txt"
    changed.parent.mkdir()
    changed.write_text("Interviewer: And then?\n\nAnn: I said yes.\n", encoding="utf-8")
    ok(study, "import", str(changed), "--new-version")
    out = ok(study, "participants", "assign", "p07_zoom", "P07")
    assert out == ("p07_zoom (v1, v2) now belongs to participant P07 (was p07_zoom, "
                   "removed: no transcript or attributes left)\n")
    assert owners(study) == {"p07_zoom@1": "P07", "p07_zoom@2": "P07",
                             "p08_teams@1": "p08_teams"}
    store = open_store(study)
    try:
        people = store.participants()
    finally:
        store.close()
    # The id the import took from the file name went with it; P07's attributes stay.
    assert "p07_zoom" not in people and people["P07"] == {"profession": "physiotherapist"}
    # The reports now see the attribute on the transcript.
    counts = ok(study, "transcripts", "--format", "json")
    assert '"participant": "P07"' in counts
    # Again: nothing to do, said plainly.
    assert "already belongs to participant P07; nothing changed" in ok(
        study, "participants", "assign", "p07_zoom@1", "P07")


def test_assign_to_a_new_id_says_it_has_no_attributes(study: Path):
    code, out, err = run(study, "participants", "assign", "p08_teams", "P8x")
    assert code == 0
    assert "now belongs to participant P8x" in out
    assert "note: P8x is a new participant with no attributes yet" in err
    assert "did you mean P8?" in err
    assert owners(study)["p08_teams@1"] == "P8x"


def test_assign_keeps_a_participant_with_attributes(study: Path):
    ok(study, "participants", "assign", "p08_teams", "P08")
    code, out, err = run(study, "participants", "assign", "p08_teams", "P8")
    assert code == 0 and "(was P08)" in out and "removed" not in out
    assert "note: P08 has no transcript now; its attributes stay" in err
    assert "P08" in ok(study, "participants", "--format", "json")


@pytest.mark.parametrize("args, message", [
    (("nobody", "P07"), "Error: no transcript 'nobody' in this project\n"),
    (("p08_team", "P07"), "Error: no transcript 'p08_team' in this project; did you mean "
                          "'p08_teams'? (`qcahp transcripts` lists them)\n"),
    (("p08_teams", " "), "Error: give a participant id (not empty)\n"),
])
def test_assign_errors_are_one_line_and_change_nothing(study: Path, args, message):
    before = digest(study)
    code, out, err = run(study, "participants", "assign", *args)
    assert code != 0 and out == "" and err == message
    assert digest(study) == before


def test_remove_a_mistyped_participant(study: Path):
    out = ok(study, "participants", "remove", "P8")
    assert out == "removed participant P8 (1 attribute, no transcripts)\n"
    listing = ok(study, "participants")
    assert "P8 " not in listing and "P08" in listing and "P07" in listing


@pytest.mark.parametrize("code, message", [
    ("p07_zoom", "Error: participant 'p07_zoom' still has 1 transcript (p07_zoom); give it "
                 "to another participant first (`qcahp participants assign TRANSCRIPT "
                 "PARTICIPANT`), or withdraw it (`qcahp withdraw`)\n"),
    ("p8", "Error: no participant 'p8' in this project; did you mean 'P8'?\n"),
    ("zzz", "Error: no participant 'zzz' in this project (participants: P07, P08, P8, "
            "p07_zoom, p08_teams)\n"),
])
def test_remove_refuses_in_one_line_and_changes_nothing(study: Path, code, message):
    before = digest(study)
    result = run(study, "participants", "remove", code)
    assert result == (1, "", message)
    assert digest(study) == before


def test_a_withdrawn_participant_stays_out(study: Path):
    ok(study, "participants", "assign", "p08_teams", "P08")
    ok(study, "withdraw", "--participant", "P08", "--yes")
    before = digest(study)
    code, out, err = run(study, "participants", "assign", "p07_zoom", "P08")
    assert code == 1 and out == ""
    assert err.startswith("Error: participant 'P08' was withdrawn from this project")
    assert "--readmit" in err and len(err.splitlines()) == 1
    assert digest(study) == before
    assert owners(study) == {"p07_zoom@1": "p07_zoom"}
