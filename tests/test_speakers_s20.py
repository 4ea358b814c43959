"""``qcahp speakers``: list, rename (join two into one, ``--all``) and set a role, after
coding too: only the turns' speaker and role change, never the text or a coding."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from qualcoder_ahp.cli import cli

SMALL = Path(__file__).parent / "data" / "codebooks" / "small.yaml"
FILES = {
    "p01": "Interviewer: Can you tell me how you came to lead the ward?\n"
           "Helen: It was luck really, I was in the right place at the right time.\n"
           "Dan: And what happened next?\n"
           "Speaker 2: My mentor pushed me to apply for the post.\n"
           "Interviewer: Thank you.\n",
    "p02": "Dr Dan Ott: How did you start?\nMary: By chance, a colleague left.\n",
    "p03": "Dr Dan Ott: And you?\nOla: I was asked to act up, then stayed.\n",
}


def run(db: Path, *args: str, code: int = 0) -> str:
    res = CliRunner().invoke(cli, ["--db", str(db), *args])
    assert res.exit_code == code, res.output
    return res.output


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """p01-p03 imported, the small codebook's suggestions made, ana's accept on p01
    (Helen's turn), p02's suggestion left undecided."""
    folder = tmp_path_factory.mktemp("speakers")
    for name, text in FILES.items():
        (folder / f"{name}.txt").write_text(text)
    db = folder / "base.db"
    run(db, "import", *(str(folder / f"{n}.txt") for n in FILES))
    run(db, "codebook", "load", str(SMALL))
    run(db, "suggest")
    rows = json.loads(run(db, "suggestions", "--format", "json"))
    assert [(r["transcript"], r["status"]) for r in rows] == [("p01", "open"), ("p02", "open")]
    run(db, "decide", str(rows[0]["id"]), "accept", "--coder", "ana")
    return db


@pytest.fixture
def db(base: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "p.db"
    shutil.copy(base, copy)
    return copy


def turns(db: Path, name: str) -> list[tuple[str, str, int, int]]:
    with sqlite3.connect(db) as conn:
        return list(conn.execute(
            'SELECT speaker, role, start, "end" FROM turns WHERE transcript_id = '
            "(SELECT id FROM transcripts WHERE name = ?) ORDER BY idx", [name]))


def snapshot(db: Path) -> tuple[list[tuple[object, ...]], ...]:
    with sqlite3.connect(db) as conn:
        return tuple(list(conn.execute(f"SELECT * FROM {table} ORDER BY 1, 2"))
                     for table in ("turns", "transcripts", "codings", "events"))


def test_list_shows_role_and_turns(db: Path) -> None:
    out = run(db, "speakers", "-t", "p01")
    assert [line.split() for line in out.splitlines()[2:]] == [
        ["p01", "Interviewer", "interviewer", "2"], ["p01", "Helen", "participant", "1"],
        ["p01", "Dan", "other", "1"], ["p01", "Speaker", "2", "other", "1"]]


def test_rename_keeps_text_and_coding_and_reports_use_the_new_name(db: Path) -> None:
    before = snapshot(db)
    out = run(db, "speakers", "rename", "p01", "Helen", "Helen Ash")
    assert out == "Renamed speaker 'Helen' to 'Helen Ash' in p01 (1 turn).\n"
    after = snapshot(db)
    assert after[1:3] == before[1:3]  # transcripts (text, hash) and codings as they were
    assert [t[5:] for t in after[0]] == [t[5:] for t in before[0]]  # offsets, times
    assert turns(db, "p01")[1][:2] == ("Helen Ash", "participant")
    quotes = json.loads(run(db, "quotes", "--format", "json"))["quotes"]
    assert [q["speaker"] for q in quotes] == ["Helen Ash"]
    assert "Helen Ash (participant): It was luck" in run(db, "show", "p01")
    log = json.loads(run(db, "log", "--format", "json", "--transcript", "p01"))["events"]
    assert (log[-1]["kind"], log[-1]["what"], log[-1]["transcripts"]) == (
        "speaker_rename", "renamed speaker 'Helen' to 'Helen Ash' in transcript p01 (1 turn)",
        ["p01"])


def test_join_two_speakers_into_one_takes_its_role(db: Path) -> None:
    out = run(db, "speakers", "rename", "p01", "Dan", "Interviewer")
    assert out.splitlines()[0] == ("Joined speaker 'Dan' into 'Interviewer' in p01 "
                                   "(1 turn, now interviewer).")
    assert [t[:2] for t in turns(db, "p01")] == [
        ("Interviewer", "interviewer"), ("Helen", "participant"),
        ("Interviewer", "interviewer"), ("Speaker 2", "other"),
        ("Interviewer", "interviewer")]
    out = run(db, "speakers", "rename", "p01", "Speaker 2", "Helen")
    assert out.splitlines() == [
        "Joined speaker 'Speaker 2' into 'Helen' in p01 (1 turn, now participant).",
        "Run `qcahp suggest` next: it matches participant-scope patterns in the turns that "
        "were Speaker 2's in p01 too."]
    assert run(db, "transcripts").splitlines()[2].endswith("Interviewer (I), Helen (P)")
    what = [e["what"] for e in json.loads(run(db, "log", "--format", "json",
                                               "--kind", "speaker_rename"))["events"]]
    assert what == ["joined speaker 'Dan' into 'Interviewer' in transcript p01 "
                    "(1 turn, now interviewer)",
                    "joined speaker 'Speaker 2' into 'Helen' in transcript p01 "
                    "(1 turn, now participant)"]


def test_role_change_says_run_suggest_which_keeps_decisions(db: Path) -> None:
    out = run(db, "speakers", "role", "p02", "Mary", "interviewer")
    assert out.splitlines() == [
        "Speaker 'Mary' of p02 is now interviewer (was participant; 1 turn).",
        "Run `qcahp suggest` next: Mary's turns in p02 are no longer a participant's, so it "
        "retires their undecided suggestions (decisions and codings are kept)."]
    assert turns(db, "p02")[1][:2] == ("Mary", "interviewer")
    # The role change of Helen (accepted suggestion) keeps ana's coding and decision.
    run(db, "speakers", "role", "p01", "Helen", "other")
    run(db, "suggest")
    rows = json.loads(run(db, "suggestions", "--format", "json"))
    assert [(r["transcript"], r["status"]) for r in rows] == [("p01", "open")]
    assert len(json.loads(run(db, "quotes", "--format", "json"))["quotes"]) == 1
    assert run(db, "speakers", "role", "p01", "Helen", "other") == (
        "Speaker 'Helen' of p01 is already other: nothing changed.\n")
    log = json.loads(run(db, "log", "--format", "json", "--kind", "speaker_role"))["events"]
    assert [e["what"] for e in log] == [
        "made speaker 'Mary' interviewer (was participant) in transcript p02 (1 turn)",
        "made speaker 'Helen' other (was participant) in transcript p01 (1 turn)"]


def test_rename_all_changes_every_transcript_with_that_speaker(db: Path) -> None:
    out = run(db, "speakers", "rename", "--all", "Dr Dan Ott", "Dan Ott")
    assert out.splitlines() == ["Renamed speaker 'Dr Dan Ott' to 'Dan Ott' in p02 (1 turn).",
                                "Renamed speaker 'Dr Dan Ott' to 'Dan Ott' in p03 (1 turn)."]
    assert turns(db, "p02")[0][:2] == turns(db, "p03")[0][:2] == ("Dan Ott", "interviewer")
    assert "Dan Ott" not in {t[0] for t in turns(db, "p01")}
    out = run(db, "speakers", "role", "--all", "Dan Ott", "other")
    assert len(out.splitlines()) == 3  # two transcripts, one with a suggestion to follow
    log = json.loads(run(db, "log", "--format", "json", "--transcript", "p03"))["events"]
    assert [e["kind"] for e in log] == ["speaker_rename", "speaker_role"]


@pytest.mark.parametrize(("args", "error"), [
    (["rename", "p01", "Helne", "Helen Ash"],
     "Error: p01: no speaker 'Helne'; did you mean 'Helen'? (its speakers: Interviewer, "
     "Helen, Dan, Speaker 2)"),
    (["role", "p01", "Interviewr", "participant"],
     "Error: p01: no speaker 'Interviewr'; did you mean 'Interviewer'? (its speakers: "
     "Interviewer, Helen, Dan, Speaker 2)"),
    (["rename", "--all", "Dr Dan Ot", "Dan"],
     "Error: no transcript has a speaker 'Dr Dan Ot'; did you mean 'Dr Dan Ott'? "
     "(`qcahp speakers` lists them)"),
    (["rename", "p09", "Helen", "Helen Ash"],
     "Error: no transcript 'p09' in this project; did you mean 'p03'? (`qcahp transcripts` "
     "lists them)"),
    (["rename", "Helen", "Helen Ash"],
     "Error: expected TRANSCRIPT OLD NEW (or --all OLD NEW), got 2 arguments"),
    (["role", "p01", "Helen", "boss"],
     "Error: speaker 'Helen': role 'boss' is not one of interviewer, participant, other"),
    (["rename", "p01", "Helen", " "], "Error: speaker 'Helen': give a new name (got '')"),
])
def test_bad_names_change_nothing(db: Path, args: list[str], error: str) -> None:
    before = snapshot(db)
    out = run(db, "speakers", *args, code=1)
    assert out.splitlines() == [error]
    assert snapshot(db) == before


def test_a_copys_speaker_change_merged_in_is_made_here_too(db: Path, tmp_path: Path) -> None:
    """(Session 21: the merge makes a copy's speaker changes here; it used to log them
    "not applied here".)"""
    copy = tmp_path / "ben.db"
    shutil.copy(db, copy)
    run(copy, "speakers", "rename", "p02", "Mary", "Mary Ng")
    run(db, "merge", "ben.db")  # (the test runs in tmp_path)
    assert turns(db, "p02")[1][0] == "Mary Ng"
    log = json.loads(run(db, "log", "--format", "json", "--kind", "merged"))["events"]
    assert [e["what"] for e in log] == [
        "merged in from copy ben.db: renamed speaker 'Mary' to 'Mary Ng' in transcript p02 "
        "(1 turn), made here too"]
