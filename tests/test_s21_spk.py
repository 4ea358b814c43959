"""Speakers across a team's workflow: ``qcahp merge`` makes a copy's speaker renames,
joins, swaps and role changes here too (this project's own change of that speaker
stands, and the merge says so), and a re-import whose speakers now read the other way
round suggests commands that give each speaker its name (``qcahp speakers swap``)."""

from __future__ import annotations

import json
import re
import shlex
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
P02 = "Dr Dan Ott: How did you start?\nMary: By chance, a colleague left.\n"


def invoke(db: Path, *args: str, code: int = 0) -> Result:
    res = CliRunner().invoke(cli, ["--db", str(db), *args])
    assert res.exit_code == code, res.output
    return res


def run(db: Path, *args: str, code: int = 0) -> str:
    return invoke(db, *args, code=code).output


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """p01 and p02 imported, the small codebook's suggestions made (one in each)."""
    folder = tmp_path_factory.mktemp("spk")
    (folder / "p01.txt").write_text(P01)
    (folder / "p02.txt").write_text(P02)
    db = folder / "base.db"
    run(db, "import", str(folder / "p01.txt"), str(folder / "p02.txt"))
    run(db, "codebook", "load", str(SMALL))
    run(db, "suggest")
    return db


@pytest.fixture
def main(base: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The lead's project, with a coder's copy ``ben.db`` of it beside (cwd)."""
    monkeypatch.chdir(tmp_path)
    shutil.copy(base, tmp_path / "main.db")
    shutil.copy(base, tmp_path / "ben.db")
    return tmp_path / "main.db"


def speakers(db: Path, name: str) -> list[tuple[str, str]]:
    """Each turn's (speaker, role), in order."""
    with sqlite3.connect(db) as conn:
        return list(conn.execute(
            "SELECT speaker, role FROM turns WHERE transcript_id = "
            "(SELECT id FROM transcripts WHERE name = ?) ORDER BY idx", [name]))


def state(db: Path) -> tuple[list[tuple[object, ...]], ...]:
    with sqlite3.connect(db) as conn:
        return tuple(list(conn.execute(f"SELECT * FROM {table} ORDER BY 1, 2"))
                     for table in ("turns", "events", "codings"))


def test_merge_makes_a_copys_speaker_changes_here(main: Path) -> None:
    """The merge logged ben's changes "(not applied here)": the project still read
    "Speaker 2" where ben had made it Helen, and Mary stayed a participant."""
    ben = main.parent / "ben.db"
    run(ben, "speakers", "rename", "p01", "Speaker 2", "Helen")
    run(ben, "speakers", "role", "p02", "Mary", "interviewer")
    run(ben, "speakers", "rename", "p02", "Dr Dan Ott", "Dan Ott")
    res = invoke(main, "merge", "ben.db")
    assert res.stdout.splitlines() == [
        "Merged ben.db: 3 log events.",
        "Joined speaker 'Speaker 2' into 'Helen' in p01 (1 turn, now participant), as in "
        "ben.db.",
        "Speaker 'Mary' of p02 is now interviewer (was participant; 1 turn), as in ben.db.",
        "Renamed speaker 'Dr Dan Ott' to 'Dan Ott' in p02 (1 turn), as in ben.db.",
        "Run `qcahp suggest` next: it matches participant-scope patterns in the turns that "
        "were Speaker 2's in p01 too.",
        "Run `qcahp suggest` next: Mary's turns in p02 are no longer a participant's, so it "
        "retires their undecided suggestions (decisions and codings are kept)."]
    assert res.stderr == ""
    assert speakers(main, "p01") == speakers(ben, "p01")
    assert speakers(main, "p02") == [("Dan Ott", "interviewer"), ("Mary", "interviewer")]
    log = json.loads(run(main, "log", "--format", "json", "--transcript", "p02"))["events"]
    assert [e["what"] for e in log] == [
        "made speaker 'Mary' interviewer (was participant) in transcript p02 (1 turn), as "
        "in copy ben.db",
        "renamed speaker 'Dr Dan Ott' to 'Dan Ott' in transcript p02 (1 turn), as in copy "
        "ben.db",
        "merged in from copy ben.db: made speaker 'Mary' interviewer (was participant) in "
        "transcript p02 (1 turn), made here too",
        "merged in from copy ben.db: renamed speaker 'Dr Dan Ott' to 'Dan Ott' in "
        "transcript p02 (1 turn), made here too"]
    # Merging the same copy again changes nothing, and says nothing about speakers.
    before = state(main)
    res = invoke(main, "merge", "ben.db")
    assert (res.stdout, res.stderr) == ("Nothing new in ben.db.\n", "")
    assert state(main) == before
    # The re-import of the original file: ben's rename is the project's, not a difference.
    (main.parent / "p02.txt").write_text(P02)
    assert "note:" not in invoke(main, "import", "p02.txt").stderr


def test_this_projects_own_change_of_a_speaker_stands_and_the_merge_says_so(
        main: Path) -> None:
    ben = main.parent / "ben.db"
    run(ben, "speakers", "rename", "p02", "Dr Dan Ott", "Dan Ott")
    run(ben, "speakers", "rename", "p02", "Dan Ott", "Dan O")  # a later change of him
    run(ben, "speakers", "role", "p02", "Mary", "interviewer")
    run(ben, "speakers", "rename", "p01", "Helen", "Helen Ash")
    run(ben, "speakers", "rename", "p01", "Speaker 2", "Sam")
    run(ben, "speakers", "rename", "p01", "Dan", "Interviewer")
    run(main, "speakers", "rename", "p02", "Dr Dan Ott", "Daniel Ott")
    run(main, "speakers", "role", "p02", "Mary", "other")
    run(main, "speakers", "rename", "p01", "Dan", "Sam")  # another speaker called Sam here
    turns = {"p01": speakers(main, "p01"), "p02": speakers(main, "p02")}
    res = invoke(main, "merge", "ben.db")
    assert res.stdout.splitlines() == [
        "Merged ben.db: 6 log events.",
        "Renamed speaker 'Helen' to 'Helen Ash' in p01 (1 turn), as in ben.db."]
    assert res.stderr.splitlines() == [
        "note: p02: ben.db renamed speaker 'Dr Dan Ott' to 'Dan Ott' (and 1 later change of "
        "that speaker there), but here 'Dr Dan Ott' is 'Daniel Ott' now: this project's "
        "stands; `qcahp speakers rename p02 'Daniel Ott' 'Dan O'` takes the copy's.",
        "note: p02: ben.db made speaker 'Mary' interviewer (was participant), but here "
        "'Mary' was made other: this project's stands; `qcahp speakers role p02 Mary "
        "interviewer` takes the copy's.",
        "note: p01: ben.db renamed speaker 'Speaker 2' to 'Sam', but here 'Sam' is another "
        "speaker of p01: this project's stands; `qcahp speakers rename p01 'Speaker 2' Sam` "
        "takes the copy's.",
        "note: p01: ben.db joined speaker 'Dan' into 'Interviewer', but here 'Dan' is 'Sam' "
        "now: this project's stands; `qcahp speakers rename p01 Sam Interviewer` takes the "
        "copy's."]
    assert speakers(main, "p02") == turns["p02"]
    assert speakers(main, "p01") == [(("Helen Ash", r) if s == "Helen" else (s, r))
                                     for s, r in turns["p01"]]
    what = [e["what"] for e in json.loads(run(main, "log", "--format", "json", "--kind",
                                               "merged"))["events"]]
    assert what[0] == ("merged in from copy ben.db: renamed speaker 'Dr Dan Ott' to 'Dan Ott' "
                       "in transcript p02 (1 turn), not made here: this project's "
                       "'Daniel Ott' stands")
    assert what[2] == ("merged in from copy ben.db: made speaker 'Mary' interviewer (was "
                       "participant) in transcript p02 (1 turn), not made here: 'Mary' is "
                       "other in this project")
    before = state(main)
    res = invoke(main, "merge", "ben.db")
    assert (res.stdout, res.stderr) == ("Nothing new in ben.db.\n", "")
    assert state(main) == before


def test_a_change_made_on_both_sides_is_made_once(main: Path) -> None:
    ben = main.parent / "ben.db"
    for db in (ben, main):
        run(db, "speakers", "rename", "p02", "Mary", "Mary Ng")
        run(db, "speakers", "swap", "p01", "Helen", "Speaker 2")
        run(db, "speakers", "role", "p01", "Dan", "interviewer")
    turns = speakers(main, "p01")
    res = invoke(main, "merge", "ben.db")
    assert (res.stdout, res.stderr) == ("Merged ben.db: 3 log events.\n", "")
    assert speakers(main, "p01") == turns  # not swapped back
    assert speakers(main, "p02")[1] == ("Mary Ng", "participant")


def test_a_copys_swap_and_join_into_a_speaker_renamed_here(main: Path) -> None:
    ben = main.parent / "ben.db"
    run(ben, "speakers", "swap", "p01", "Helen", "Speaker 2")
    run(ben, "speakers", "rename", "p01", "Dan", "Interviewer")
    run(main, "speakers", "rename", "p01", "Interviewer", "Dr Ott")
    res = invoke(main, "merge", "ben.db")
    assert res.stdout.splitlines()[1:3] == [
        "Swapped speakers 'Helen' and 'Speaker 2' in p01: Helen's 1 turn is now Speaker "
        "2's (other), Speaker 2's 1 turn Helen's (participant), as in ben.db.",
        "Joined speaker 'Dan' into 'Dr Ott' in p01 (1 turn, now interviewer), as in ben.db."]
    assert speakers(main, "p01") == [
        ("Dr Ott", "interviewer"), ("Speaker 2", "other"), ("Dr Ott", "interviewer"),
        ("Helen", "participant"), ("Dr Ott", "interviewer")]


def note_commands(note: str) -> list[list[str]]:
    """The ``qcahp ...`` commands a note names, as arguments."""
    return [shlex.split(c)[1:] for c in re.findall(r"`(qcahp [^`]*)`", note)]


@pytest.mark.parametrize(("relabel", "expected"), [
    # Helen and Speaker 2 read the other way round: two renames joined them into one.
    ({"Helen": "Speaker 2", "Speaker 2": "Helen"}, ["swap p01 Helen 'Speaker 2'"]),
    # A chain: Helen is now Mary and Dan Helen (Dan first joined Helen, then both Mary).
    ({"Dan": "Helen", "Helen": "Mary"}, ["rename p01 Helen Mary", "rename p01 Dan Helen"]),
    # Three names round in a circle.
    ({"Helen": "Dan", "Dan": "Speaker 2", "Speaker 2": "Helen"},
     ["swap p01 Dan 'Speaker 2'", "swap p01 Helen Dan"]),
])
def test_reimport_note_commands_give_each_speaker_its_name(
        main: Path, relabel: dict[str, str], expected: list[str]) -> None:
    (main.parent / "p01.txt").write_text(P01)
    before = speakers(main, "p01")
    text = "".join(f"{relabel.get(line.split(':')[0], line.split(':')[0])}:"
                   f"{line.split(':', 1)[1]}\n" for line in P01.splitlines())
    (main.parent / "p01.txt").write_text(text)
    note = invoke(main, "import", "p01.txt").stderr
    assert [" ".join(shlex.quote(a) for a in c[1:]) for c in note_commands(note)] == expected
    assert speakers(main, "p01") == before  # the note changes nothing
    for command in note_commands(note):
        run(main, *command)
    names = [relabel.get(s, s) for s, _ in before]
    assert [s for s, _ in speakers(main, "p01")] == names
    assert "note:" not in invoke(main, "import", "p01.txt").stderr  # applied: no difference


def test_swap_keeps_each_names_role_and_refuses_bad_names(main: Path) -> None:
    out = run(main, "speakers", "swap", "p01", "Helen", "Speaker 2")
    assert out.splitlines()[0] == (
        "Swapped speakers 'Helen' and 'Speaker 2' in p01: Helen's 1 turn is now Speaker 2's "
        "(other), Speaker 2's 1 turn Helen's (participant).")
    assert speakers(main, "p01")[1:4:2] == [("Speaker 2", "other"), ("Helen", "participant")]
    log = json.loads(run(main, "log", "--format", "json", "--kind", "speaker_rename"))
    assert log["events"][0]["what"] == ("swapped speakers 'Helen' and 'Speaker 2' in "
                                        "transcript p01 (1 turn and 1 turn)")
    before = state(main)
    for args, error in ((["Helen", "Helen"], "Error: p01: give two different speakers to "
                         "swap (got 'Helen' twice)"),
                        (["Helen", "Hlen"], "Error: p01: no speaker 'Hlen'; did you mean "
                         "'Helen'? (its speakers: Interviewer, Speaker 2, Dan, Helen)")):
        assert run(main, "speakers", "swap", "p01", *args, code=1).splitlines() == [error]
    assert state(main) == before


def test_speakers_undo_takes_changes_back_newest_first(main: Path) -> None:
    """A mistaken join could not be taken back: the turns were one speaker's for good."""
    start = speakers(main, "p01")
    run(main, "speakers", "rename", "p01", "Helen", "Helen Ash")
    run(main, "speakers", "rename", "p01", "Dan", "Interviewer")
    run(main, "speakers", "swap", "p01", "Helen Ash", "Speaker 2")
    run(main, "speakers", "role", "p01", "Interviewer", "other")
    out = [run(main, "speakers", "undo", "p01").splitlines()[0] for _ in range(4)]
    assert out == [
        "Undid: made speaker 'Interviewer' other (was interviewer) in transcript p01 "
        "(3 turns).",
        "Undid: swapped speakers 'Helen Ash' and 'Speaker 2' in transcript p01 (1 turn and "
        "1 turn).",
        "Undid: joined speaker 'Dan' into 'Interviewer' in transcript p01 (1 turn, now "
        "interviewer).",
        "Undid: renamed speaker 'Helen' to 'Helen Ash' in transcript p01 (1 turn)."]
    assert speakers(main, "p01") == start
    assert run(main, "speakers", "undo", "p01", code=1) == (
        "Error: p01: no speaker change to undo (`qcahp log --kind speaker_rename --kind "
        "speaker_role --transcript p01` lists them)\n")
    what = [e["what"] for e in json.loads(run(main, "log", "--format", "json", "--kind",
                                               "speaker_rename"))["events"]]
    assert what[-1] == ("undid: renamed speaker 'Helen' to 'Helen Ash' in transcript p01 "
                        "(1 turn)")
    # After the undo the file's own names are no difference to note.
    (main.parent / "p01.txt").write_text(P01)
    assert "note:" not in invoke(main, "import", "p01.txt").stderr


def test_a_join_with_role_undone_gives_both_speakers_their_roles_back(main: Path) -> None:
    start = speakers(main, "p01")
    run(main, "speakers", "rename", "p01", "Helen", "Speaker 2", "--role", "participant")
    assert run(main, "speakers", "undo", "p01").splitlines()[0] == (
        "Undid: joined speaker 'Helen' into 'Speaker 2' in transcript p01 (1 turn).")
    assert speakers(main, "p01") == start


def test_a_copys_undo_is_made_here_when_its_change_is_the_last_here(main: Path) -> None:
    ben = main.parent / "ben.db"
    run(ben, "speakers", "rename", "p02", "Mary", "Mary Ng")
    run(ben, "speakers", "rename", "p01", "Dan", "Interviewer")
    run(main, "merge", "ben.db")
    run(ben, "speakers", "undo", "p01")  # ben takes the join back
    run(ben, "speakers", "undo", "p02")
    run(main, "speakers", "rename", "p02", "Dr Dan Ott", "Dan Ott")  # a change here since
    res = invoke(main, "merge", "ben.db")
    assert res.stdout.splitlines()[1] == (
        "Undid: joined speaker 'Dan' into 'Interviewer' in transcript p01 (1 turn, now "
        "interviewer), as in ben.db.")
    assert res.stderr.splitlines() == [
        "note: p02: ben.db undid: renamed speaker 'Mary' to 'Mary Ng' (1 turn), but here "
        "that is not the last change of its speakers (`qcahp speakers undo` undoes the last "
        "one): this project's stands."]
    assert speakers(main, "p01") == speakers(ben, "p01")
    assert speakers(main, "p02") == [("Dan Ott", "interviewer"), ("Mary Ng", "participant")]
    assert invoke(main, "merge", "ben.db").output == "Nothing new in ben.db.\n"


def test_a_role_set_by_a_reimport_is_logged_merged_and_undone(main: Path) -> None:
    """A re-import naming the interviewer changed roles with no event: the log did not
    show it, and a merge of that copy left the main project's roles as they were."""
    ben = main.parent / "ben.db"
    (main.parent / "p02.txt").write_text(P02)
    invoke(ben, "import", "p02.txt", "--interviewer", "Mary")
    assert speakers(ben, "p02") == [("Dr Dan Ott", "participant"), ("Mary", "interviewer")]
    log = json.loads(run(ben, "log", "--format", "json", "--kind", "speaker_role"))["events"]
    assert [e["what"] for e in log] == [
        "made speaker 'Dr Dan Ott' participant (was interviewer) in transcript p02 (1 turn), "
        "by a re-import",
        "made speaker 'Mary' interviewer (was participant) in transcript p02 (1 turn), by a "
        "re-import"]
    res = invoke(main, "merge", "ben.db")
    assert res.stdout.splitlines()[1:3] == [
        "Speaker 'Dr Dan Ott' of p02 is now participant (was interviewer; 1 turn), as in "
        "ben.db.",
        "Speaker 'Mary' of p02 is now interviewer (was participant; 1 turn), as in ben.db."]
    assert speakers(main, "p02") == speakers(ben, "p02")
    run(main, "speakers", "undo", "p02")
    run(main, "speakers", "undo", "p02")
    assert speakers(main, "p02") == [("Dr Dan Ott", "interviewer"), ("Mary", "participant")]


def test_a_role_kept_out_does_not_keep_out_a_later_rename(main: Path) -> None:
    ben = main.parent / "ben.db"
    run(ben, "speakers", "role", "p02", "Mary", "interviewer")
    run(ben, "speakers", "rename", "p02", "Mary", "Mary Ng")
    run(main, "speakers", "role", "p02", "Mary", "other")
    res = invoke(main, "merge", "ben.db")
    assert res.stdout.splitlines()[1:] == [
        "Renamed speaker 'Mary' to 'Mary Ng' in p02 (1 turn), as in ben.db."]
    assert len(res.stderr.splitlines()) == 1  # the role: this project's stands
    assert speakers(main, "p02")[1] == ("Mary Ng", "other")
