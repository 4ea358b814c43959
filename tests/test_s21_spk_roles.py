"""``qcahp speakers rename`` joining two speakers of different roles: a participant's or
an interviewer's turns no longer take the other speaker's role unasked (which turns get
suggestions follows the role); ``--role`` says which. A new name that is another
transcript's participant gets a note: a speaker's name does not move their turns."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from qualcoder_ahp.cli import cli

SMALL = Path(__file__).parent / "data" / "codebooks" / "small.yaml"
P01 = ("Interviewer: Can you tell me how you came to lead the ward?\n"
       "Helen: It was luck really, I was in the right place at the right time.\n"
       "Dan: And what happened next?\n"
       "Speaker 2: My mentor pushed me to apply for the post.\n"
       "Interviewer: Thank you.\n")


def invoke(db: Path, *args: str, code: int = 0) -> Result:
    res = CliRunner().invoke(cli, ["--db", str(db), *args])
    assert res.exit_code == code, res.output
    return res


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("spk_roles")
    (folder / "p01.txt").write_text(P01)
    (folder / "p02.txt").write_text("Interviewer: And you?\nOla: I was asked to act up.\n")
    db = folder / "base.db"
    invoke(db, "import", str(folder / "p01.txt"), str(folder / "p02.txt"))
    invoke(db, "codebook", "load", str(SMALL))
    invoke(db, "suggest")
    return db


@pytest.fixture
def db(base: Path, tmp_path: Path) -> Path:
    shutil.copy(base, tmp_path / "p.db")
    return tmp_path / "p.db"


def turns(db: Path) -> list[tuple[str, str]]:
    with sqlite3.connect(db) as conn:
        return list(conn.execute("SELECT speaker, role FROM turns WHERE transcript_id = 1 "
                                 "ORDER BY idx"))


def dump(db: Path) -> tuple[list[tuple[object, ...]], ...]:
    with sqlite3.connect(db) as conn:
        return tuple(list(conn.execute(f"SELECT * FROM {t} ORDER BY 1")) for t in
                     ("turns", "events"))


def test_joining_a_participant_into_the_interviewer_asks_which_role(db: Path) -> None:
    before = dump(db)
    res = invoke(db, "speakers", "rename", "p01", "Helen", "Interviewer", code=1)
    assert res.output == ("Error: p01: 'Helen' is participant and 'Interviewer' interviewer: "
                          "say which role the joined speaker has, with --role interviewer or "
                          "--role participant (nothing changed)\n")
    res = invoke(db, "speakers", "rename", "--all", "Helen", "Interviewer", code=1)
    assert dump(db) == before
    res = invoke(db, "speakers", "rename", "p01", "Helen", "Interviewer", "--role",
                 "interviewer")
    assert res.output.splitlines() == [
        "Joined speaker 'Helen' into 'Interviewer' in p01 (1 turn, now interviewer).",
        "Run `qcahp suggest` next: the turns that were Helen's in p01 are no longer a "
        "participant's, so it retires their undecided suggestions (decisions and codings "
        "are kept)."]
    assert turns(db)[:3] == [("Interviewer", "interviewer")] * 2 + [("Dan", "other")]


def test_joining_a_participant_into_an_unknown_speaker_keeps_the_role_asked(db: Path) -> None:
    invoke(db, "speakers", "rename", "p01", "Helen", "Speaker 2", code=1)
    res = invoke(db, "speakers", "rename", "p01", "Helen", "Speaker 2", "--role",
                 "participant")
    assert res.output.splitlines() == [
        "Joined speaker 'Helen' into 'Speaker 2' in p01 (1 turn; 'Speaker 2' is now "
        "participant, was other).",
        "Run `qcahp suggest` next: it matches participant-scope patterns in Speaker 2's "
        "turns in p01 too."]
    assert [t for t in turns(db) if t[0] == "Speaker 2"] == [("Speaker 2", "participant")] * 2
    # An unknown ("other") speaker joined into a participant takes the role, as before.
    assert invoke(db, "speakers", "rename", "p01", "Dan", "Speaker 2").output.splitlines()[0] \
        == "Joined speaker 'Dan' into 'Speaker 2' in p01 (1 turn, now participant)."


def test_a_new_name_that_is_another_transcripts_participant_gets_a_note(db: Path) -> None:
    res = invoke(db, "speakers", "rename", "p01", "Speaker 2", "P02")
    assert res.stdout == "Renamed speaker 'Speaker 2' to 'P02' in p01 (1 turn).\n"
    assert res.stderr == (
        "note: 'P02' is the participant of p02; a speaker's name does not make them that "
        "participant: counts and quotes by participant still count these turns as their own "
        "transcript's participant's (`qcahp participants assign` gives a transcript to "
        "another).\n")
    assert invoke(db, "speakers", "rename", "p01", "Dan", "Ola").stderr == ""


def test_a_join_made_before_joins_recorded_their_turns_is_not_undone(db: Path) -> None:
    """Session 20's joins recorded how many turns, not which: the undo cannot split them."""
    from qualcoder_ahp.model.store import open_store

    store = open_store(db)
    try:
        with store.write():
            store.conn.execute("UPDATE turns SET speaker = 'Interviewer', role = "
                               "'interviewer' WHERE speaker = 'Dan'")
            store.log_event(None, "speaker_rename", {
                "transcript_id": 1, "speaker": "Dan", "to": "Interviewer", "joined": True,
                "role": "interviewer", "role_was": "other", "turns": 1, "by": "ana"})
    finally:
        store.close()
    before = dump(db)
    assert invoke(db, "speakers", "undo", "p01", code=1).output == (
        "Error: p01: the join of 'Dan' into 'Interviewer' cannot be undone: it was made "
        "before joins recorded their turns (nothing changed)\n")
    assert dump(db) == before
