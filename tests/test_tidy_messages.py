"""Messages a new researcher found confusing, said plainly: a coder a REFI file names
with no work in it, a participant id mistyped in a CSV, a merge that brought nothing of
a joined coder's."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from qualcoder_ahp.cli import cli
from tests.test_withdraw import _two_transcripts


def run(db: Path, *args: str) -> tuple[int, str, str]:
    """``qcahp --db DB ARGS``: exit code, stdout, stderr."""
    result = CliRunner().invoke(cli, ["--db", str(db), *args])
    return result.exit_code, result.stdout, result.stderr


# --------------------------------------------------------------------------- refi import
def test_refi_import_names_a_coder_with_no_work_in_the_file_as_such(tmp_path: Path) -> None:
    """Ana only rejected a suggestion: the file names her and holds nothing of hers, so
    "theirs are here already or left out" was untrue in a fresh project."""
    path, store, alpha, _beta = _two_transcripts(tmp_path)
    store.accept(store.suggestions(transcript_id=alpha)[0].id, "ben")
    store.reject(store.suggestions(transcript_id=alpha)[1].id, "Ana")
    store.close()
    qdpx = tmp_path / "study.qdpx"
    assert run(path, "refi", "export", str(qdpx))[0] == 0
    code, out, err = run(tmp_path / "fresh.db", "refi", "import", str(qdpx))
    assert code == 0, err
    assert out.splitlines() == [
        f"Imported {qdpx} (project): 5 themes, 2 coders, 2 transcripts, 1 coding, "
        "2 participants.",
        "Ana, a new coder: named in the file, with no codings or memos in it."]


def test_refi_import_counts_a_new_coders_work_here_already_and_left_out(
        tmp_path: Path) -> None:
    path, store, alpha, beta = _two_transcripts(tmp_path)
    for sug in store.suggestions(transcript_id=alpha)[:2]:
        coding = store.accept(sug.id, "ana")
    store.set_memo("ana", "coding", coding.id, "lucky break")
    store.accept(store.suggestions(transcript_id=beta)[0].id, "ana")
    store.close()
    qdpx = tmp_path / "study.qdpx"
    assert run(path, "refi", "export", str(qdpx))[0] == 0
    assert run(path, "withdraw", "--participant", "P1", "--yes")[0] == 0
    code, out, err = run(path, "refi", "import", str(qdpx), "--coder-map", "ana=bob")
    assert code == 0, err
    assert out.splitlines()[-1] == (
        "bob, a new coder, brings no new codings or memos: 1 coding here already; "
        "2 codings and 1 memo left out (see the warnings).")


# --------------------------------------------------------------------------- participants
def _three_interviews(tmp_path: Path) -> Path:
    """A project with transcripts P10, P11 and P12 (each its own participant)."""
    db = tmp_path / "study.db"
    files = []
    for pid in ("P10", "P11", "P12"):
        path = tmp_path / f"{pid}.txt"
        path.write_text(f"Interviewer: How did you get here?\n{pid}: It was luck for {pid}, "
                        "pure luck. The board noticed.\n")
        files.append(str(path))
    assert run(db, "import", *files)[0] == 0
    return db


def _people(db: Path) -> dict[str, dict[str, str]]:
    from qualcoder_ahp.model.store import open_store

    with open_store(db) as store:
        return store.participants()


def test_participants_csv_mistyped_id_names_the_participant_it_likely_means(
        tmp_path: Path) -> None:
    """P1O (letter O) for P10 was a stray participant whose note guessed P11 or P12 (a
    tie broken by the alphabet), or nothing; P1 is as near P10 as P11: no guess."""
    db = _three_interviews(tmp_path)
    csv_file = tmp_path / "people.csv"
    csv_file.write_text("participant,profession\nP1O,physio\nP1,OT\nP12,SLT\n")
    code, out, err = run(db, "participants", "import", str(csv_file), "--keep-new")
    assert code == 0, err
    assert out == f"3 participants updated from {csv_file}\n"
    assert err == (
        "note: no transcript yet for 2 of them: P1O (did you mean P10?), P1; fix the CSV "
        "and import it again, or `qcahp participants assign TRANSCRIPT ID`; `qcahp "
        "participants remove ID` removes a stray id\n")
    # A transcript's name is recognised too, naming the participant it belongs to.
    assert run(db, "participants", "assign", "P12", "Helen")[0] == 0
    csv_file.write_text("participant,profession\nP-l2,SLT\n")
    code, _out, err = run(db, "participants", "import", str(csv_file),
                          "--keep-new")
    assert code == 0, err
    assert err.startswith("note: no transcript yet for 1 of them: P-l2 (did you mean "
                          "Helen, whose transcript is P12?); ")


def test_participants_csv_id_differing_only_in_case_is_that_participant(
        tmp_path: Path) -> None:
    """p11 for P11 made a stray participant p11, its attributes in no report."""
    db = _three_interviews(tmp_path)
    csv_file = tmp_path / "people.csv"
    csv_file.write_text("participant,profession\np11,OT\nP12,SLT\n")
    code, out, err = run(db, "participants", "import", str(csv_file))
    assert code == 0, err
    assert out == f"2 participants updated from {csv_file}\n"
    assert err == "note: p11 taken as P11 (ids that differ only in case are one participant)\n"
    assert _people(db) == {"P10": {}, "P11": {"profession": "OT"},
                           "P12": {"profession": "SLT"}}
    # Two rows for one participant, differing only in case: refused, nothing written.
    csv_file.write_text("participant,profession\nP10,OT\np10,SLT\n")
    code, out, err = run(db, "participants", "import", str(csv_file))
    assert code == 1 and out == ""
    assert err == (f"Error: {csv_file}: line 3 repeats participant 'P10' (line 2) as "
                   "'p10': ids that differ only in case are one participant\n")
    assert _people(db)["P10"] == {}


@pytest.mark.parametrize(("typed", "ids", "meant"), [
    ("P1O", {"P10": "P10", "P11": "P11", "P12": "P12"}, ["P10"]),
    ("p-l0", {"P10": "P10", "P11": "P11"}, ["P10"]),
    ("P1", {"P10": "P10", "P11": "P11"}, []),            # as near both: no guess
    ("helen_imt", {"helen_int": "P03", "P03": "P03"}, ["helen_int"]),
    # The participant and its transcript both carry the number: one participant.
    ("P2", {"P02x": "P02x", "p02_zoom": "P02x", "p03": "p03"}, ["P02x"]),
])
def test_likely_ids(typed: str, ids: dict[str, str], meant: list[str]) -> None:
    from qualcoder_ahp.importers.participants import likely_ids

    assert likely_ids(typed, ids) == meant


# --------------------------------------------------------------------------- merge
def test_merge_says_a_joined_coders_work_merged_only_when_some_came_in(
        tmp_path: Path) -> None:
    """After `coders join Ana ana`, merging Ana's copy said "Ana's work merged as ana"
    even when the copy held nothing new of hers (only ben's new work, or nothing)."""
    from tests.test_merge_renamed_coders import copy, decide, merge, project

    main = project(tmp_path)
    ana = copy(main, "ana.db")
    decide(main, "ana", (0, "accept"))
    decide(ana, "Ana", (1, "accept"))
    merge(main, ana)
    assert run(main, "coders", "join", "Ana", "ana")[0] == 0
    decide(ana, "ben", (2, "accept"))     # the copy brings ben's work, none of Ana's
    assert merge(main, ana).splitlines() == [
        f"Merged {ana}: 1 new coder (ben), 1 coding, 1 decision, 1 log event.",
        "Nothing new from Ana (ana here)."]
    assert merge(main, ana).splitlines() == [f"Nothing new in {ana}.",
                                             "Nothing new from Ana (ana here)."]
    decide(ana, "Ana", (3, "accept"))     # now something of hers
    lines = merge(main, ana).splitlines()
    assert lines[0] == f"Merged {ana}: 1 coding, 1 decision, 1 log event."
    assert lines[1].startswith("Ana's work merged as ana (here 'Ana' was joined into 'ana' ")


# --------------------------------------------------------------------------- reconcile
def _reconcile(db: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["--db", str(db), "reconcile", *args],
                                env={"QCAHP_CODER": "lead"})
    return result.exit_code, result.stdout, result.stderr


def test_reconcile_without_coders_picks_who_coded_as_agreement_does(tmp_path: Path) -> None:
    """Agreement compared ana and ben (ben only rejected suggestions), while reconcile
    said "1 coders have coded (ana)"; after a decision into `--consensus agreed`, it
    counted agreed as a third coder."""
    path, store, alpha, _beta = _two_transcripts(tmp_path)
    sugs = store.suggestions(transcript_id=alpha)
    store.accept(sugs[0].id, "ana")
    store.reject(sugs[0].id, "ben")
    store.close()
    code, _out, err = run(path, "agreement")
    assert code == 0 and err.startswith("Comparing ana, ben: every coder who coded")
    code, out, err = _reconcile(path, "copy-agreed")
    assert (code, err) == (0, "")
    assert out == "Copied 0 agreed stretches into consensus as lead.\n"
    code, out, err = _reconcile(path, "decide", "take", "ana", "--transcript", "alpha",
                                "--theme", sugs[0].theme_id, "--at", str(sugs[0].start),
                                "--consensus", "agreed")
    assert code == 0, err
    assert out.startswith(f"Decided {sugs[0].theme_id} in alpha [{sugs[0].start}, "
                          f"{sugs[0].end}) by take ana as lead")
    code, out, err = _reconcile(path, "copy-agreed")
    assert (code, err) == (0, "")
    # One coder is not two: said as agreement says it, with what to do.
    path2, store, alpha, _beta = _two_transcripts(tmp_path / "one")
    store.accept(store.suggestions(transcript_id=alpha)[0].id, "ana")
    store.close()
    code, _out, err = _reconcile(path2, "copy-agreed")
    assert code == 1
    assert err == ("Error: reconciling needs two coders and only ana has coded: a second "
                   "coder codes a copy of the project (qcahp merge brings it in), or name "
                   "them with --coders A,B\n")
