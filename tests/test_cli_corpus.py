"""``qcahp import / transcripts / show / participants`` through the real CLI."""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from qualcoder_ahp.cli import cli
from qualcoder_ahp.model.store import open_store

DATA = Path(__file__).parent / "data" / "import"


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def db_path() -> Path:
    return Path(os.environ["QCAHP_DB"])


def dump() -> list[str]:
    """Every row of the project database, to prove a command changed nothing."""
    conn = sqlite3.connect(db_path())
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


def rows(sql: str) -> list[tuple]:
    conn = sqlite3.connect(db_path())
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def test_import_files_and_show() -> None:
    result = run("import", str(DATA / "bold.md"), str(DATA / "qa.txt"))
    assert result.exit_code == 0, result.output
    assert "imported   bold (v1" in result.stdout
    assert "2 imported" in result.stdout and "0 failed" in result.stdout
    assert rows("SELECT name, version, format FROM transcripts ORDER BY name") == [
        ("bold", 1, "md"), ("qa", 1, "txt")]
    assert rows("SELECT p.code FROM transcripts t JOIN participants p "
                "ON p.id = t.participant_id ORDER BY t.name") == [("bold",), ("qa",)]
    turns = rows("SELECT speaker, role, time FROM turns t JOIN transcripts x "
                 "ON x.id = t.transcript_id WHERE x.name = 'bold' ORDER BY idx")
    assert turns == [("Interviewer", "interviewer", None), ("Jane Doe", "participant", None),
                     ("Interviewer", "interviewer", "00:02:10"),
                     ("Jane Doe", "participant", None)]
    assert rows("SELECT COUNT(*) FROM sentences")[0][0] > 6

    shown = run("show", "bold")
    assert shown.exit_code == 0
    lines = shown.stdout.splitlines()
    assert "[00:02:10] Interviewer (interviewer): Was that hard?" in lines
    assert "Jane Doe (participant): Yes. Dr. Smith helped, e.g. with the budget." in lines


def test_import_folder_sorted_and_transcripts_json(tmp_path: Path) -> None:
    folder = tmp_path / "corpus"
    (folder / "sub").mkdir(parents=True)
    (folder / "b.txt").write_text((DATA / "qa.txt").read_text())
    (folder / "sub" / "a.vtt").write_text((DATA / "voices.vtt").read_text())
    (folder / "notes.xlsx").write_bytes(b"ignored in folders")
    (folder / ".hidden.txt").write_text("Interviewer: hidden")
    result = run("import", str(folder))
    assert result.exit_code == 0, result.output
    assert result.stdout.index("imported   b ") < result.stdout.index("imported   a ")
    listed = json.loads(run("transcripts", "--format", "json").stdout)
    assert [(t["name"], t["format"], t["turns"]) for t in listed] == [("a", "vtt", 3),
                                                                      ("b", "txt", 4)]
    assert listed[0]["speakers"] == {"Interviewer": "interviewer", "Kim Lee": "participant"}
    assert listed[1]["words"] == rows("SELECT words FROM transcripts WHERE name='b'")[0][0]
    table = run("transcripts").stdout
    assert "Kim Lee (P)" in table and "Interviewer (I)" in table


def test_same_content_again_is_unchanged() -> None:
    assert run("import", str(DATA / "qa.txt")).exit_code == 0
    before = dump()
    again = run("import", str(DATA / "qa.txt"))
    assert again.exit_code == 0
    assert "unchanged  qa (already stored as v1)" in again.stdout
    assert "0 imported (0 words), 1 unchanged, 0 failed" in again.stdout
    assert dump() == before


def test_a_copy_under_another_name_is_unchanged(tmp_path: Path) -> None:
    assert run("import", str(DATA / "qa.txt")).exit_code == 0
    copy = tmp_path / "copy.txt"
    copy.write_bytes((DATA / "qa.txt").read_bytes())
    result = run("import", str(copy))
    assert result.exit_code == 0
    assert f"unchanged  {copy}: same text as qa v1" in result.stdout
    assert rows("SELECT name FROM transcripts") == [("qa",)]


def test_each_copy_in_one_import_names_its_own_file(tmp_path: Path) -> None:
    """Three copies of one interview in a folder: each "unchanged" line named the last
    copy (the report mapped the transcript to one file), so two files went unnamed."""
    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("a_first", "b_copy", "c_copy", "d_copy"):
        (folder / f"{name}.txt").write_bytes((DATA / "qa.txt").read_bytes())
    result = run("import", str(folder))
    assert result.exit_code == 0
    assert "imported   a_first (v1" in result.stdout
    assert [line for line in result.stdout.splitlines() if line.startswith("unchanged")] == [
        f"unchanged  {folder / name}.txt: same text as a_first v1"
        for name in ("b_copy", "c_copy", "d_copy")]


def test_same_name_new_content_needs_new_version(tmp_path: Path) -> None:
    f = tmp_path / "qa.txt"
    f.write_text("Q: First?\n\nA: Yes.\n")
    assert run("import", str(f)).exit_code == 0
    f.write_text("Q: First?\n\nA: Yes, and more.\n")
    before = dump()
    refused = run("import", str(f))
    assert refused.exit_code == 1
    assert "--new-version" in refused.stderr and str(f) in refused.stderr
    assert dump() == before
    accepted = run("import", "--new-version", str(f))
    assert accepted.exit_code == 0
    assert rows("SELECT version FROM transcripts WHERE name='qa' ORDER BY version") == [(1,), (2,)]
    assert "Yes, and more." in run("show", "qa").stdout
    assert "and more" not in run("show", "qa@1").stdout
    assert "note:" not in accepted.stderr  # v1 had no codings: nothing to say


def test_new_version_says_where_the_codings_are(tmp_path: Path) -> None:
    # The codings stay on v1; "imported qa (v2, ...)" alone left that to be found out.
    f = tmp_path / "qa.txt"
    f.write_text("Q: First?\n\nA: Yes.\n")
    assert run("import", str(f)).exit_code == 0
    with open_store(db_path()) as store:
        tid = store.transcript("qa").id
        start = store.transcript_text(tid).index("Yes.")
        store.code(tid, store.add_theme("Luck", coder="ana").id, "ana", start, start + 4)
    f.write_text("Q: First?\n\nA: Yes, and more.\n")
    accepted = run("import", "--new-version", str(f))
    assert accepted.exit_code == 0
    assert accepted.stderr == ("note: qa: the codings stay on the text they were made on "
                               "(1 on v1); v2 starts uncoded\n")


def _bad_files(tmp_path: Path) -> list[Path]:
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "empty.txt").write_bytes(b"")
    (bad / "binary.txt").write_bytes(b"\x00\x01\x02\x03binary")
    (bad / "corrupt.docx").write_bytes(b"PK\x03\x04not a zip")
    (bad / "table.xlsx").write_bytes(b"PK\x03\x04")
    with open(bad / "huge.txt", "wb") as fh:  # sparse: 50 MB on paper, nothing on disk
        fh.truncate(50 * 1024 * 1024)
    return sorted(bad.iterdir())


def test_bad_files_each_one_line_and_database_unchanged(tmp_path: Path) -> None:
    assert run("import", str(DATA / "qa.txt")).exit_code == 0
    for path in _bad_files(tmp_path):
        before = dump()
        result = run("import", str(path))
        assert result.exit_code == 1, path
        failed = [x for x in result.stderr.splitlines() if x.startswith("failed")]
        assert len(failed) == 1 and str(path) in failed[0], result.stderr
        assert "Traceback" not in result.output
        assert dump() == before, path


def test_batch_goes_on_past_bad_files(tmp_path: Path) -> None:
    bad = _bad_files(tmp_path)
    result = run("import", str(bad[0]), str(DATA / "qa.txt"), str(bad[1]), str(DATA / "dash.txt"))
    assert result.exit_code == 1
    assert "2 imported" in result.stdout and "2 failed" in result.stdout
    assert rows("SELECT name FROM transcripts ORDER BY name") == [("dash",), ("qa",)]
    assert "huge.txt: file is too large (50.0 MB" in run("import", str(bad[3])).stderr


def test_interviewer_and_participant_options() -> None:
    result = run("import", "--interviewer", "Bo", "--participant", "P07",
                 str(DATA / "changes.srt"))
    assert result.exit_code == 0, result.output
    assert rows("SELECT speaker, role FROM turns GROUP BY speaker ORDER BY speaker") == [
        ("Ann Host", "participant"), ("Bo Guest", "interviewer")]
    assert rows("SELECT p.code FROM transcripts t JOIN participants p "
                "ON p.id = t.participant_id") == [("P07",)]


def test_naming_interviewers_again_fixes_roles_only() -> None:
    assert run("import", str(DATA / "changes.srt")).exit_code == 0
    text_before = rows("SELECT text, content_hash FROM transcripts")
    offsets_before = rows('SELECT speaker, start, "end" FROM turns ORDER BY idx')
    result = run("import", "--interviewer", "Bo Guest", str(DATA / "changes.srt"))
    assert result.exit_code == 0
    assert "unchanged  changes" in result.stdout
    assert "roles      changes: Ann Host -> participant, Bo Guest -> interviewer" in result.stdout
    assert rows("SELECT speaker, role FROM turns GROUP BY speaker ORDER BY speaker") == [
        ("Ann Host", "participant"), ("Bo Guest", "interviewer")]
    assert rows("SELECT text, content_hash FROM transcripts") == text_before
    assert rows('SELECT speaker, start, "end" FROM turns ORDER BY idx') == offsets_before
    before = dump()
    assert "roles" not in run("import", "--interviewer", "Bo Guest",
                              str(DATA / "changes.srt")).stdout
    assert dump() == before


def test_participants_csv_ids_that_differ_from_a_transcript_say_which(tmp_path: Path) -> None:
    # "QA" for the transcript's participant qa: the attributes went to a new participant
    # without a transcript. Ids that differ only in case are one participant now (as
    # withdrawal takes them), and the note says so.
    csv_file = tmp_path / "people.csv"
    csv_file.write_text("participant,profession\nQA,physio\nP09,dietitian\n")
    assert run("import", str(DATA / "qa.txt")).exit_code == 0
    result = run("participants", "import", str(csv_file), "--keep-new")
    assert result.exit_code == 0
    assert result.stderr == (
        "note: QA taken as qa (ids that differ only in case are one participant)\n"
        "note: no transcript yet for 1 of them: P09\n")
    with open_store(db_path()) as store:
        assert store.participants() == {"P09": {"profession": "dietitian"},
                                        "qa": {"profession": "physio"}}


def test_participants_csv(tmp_path: Path) -> None:
    csv_file = tmp_path / "people.csv"
    csv_file.write_text("Participant,Profession,Seniority,Trust type,Board distance\n"
                        "qa,physiotherapist,director,acute,1\n"
                        "P02,dietitian,head of service,community,\n")
    assert run("import", str(DATA / "qa.txt")).exit_code == 0
    result = run("participants", "import", str(csv_file), "--keep-new")
    assert result.exit_code == 0, result.output
    assert "2 participants updated" in result.stdout
    assert "note: no transcript yet for 1 of them: P02" in result.stderr
    with open_store(db_path()) as store:
        assert store.participants() == {
            "P02": {"profession": "dietitian", "seniority": "head of service",
                    "trust_type": "community"},
            "qa": {"board_distance": "1", "profession": "physiotherapist",
                   "seniority": "director", "trust_type": "acute"},
        }
    listed = run("participants").stdout.splitlines()
    # In the file's order (Board distance last), not by name.
    assert listed[0].split() == ["participant", "profession", "seniority", "trust_type",
                                 "board_distance"]
    assert any(x.split()[:2] == ["qa", "physiotherapist"] for x in listed)
    as_json = json.loads(run("participants", "--format", "json").stdout)
    assert as_json["P02"]["profession"] == "dietitian"


@pytest.mark.parametrize(("content", "problem"), [
    ("", "empty"),
    ("participant,profession\n", "at least one participant row"),
    ("participant,profession\nP1,physio,extra\n", "line 2 has 3 cells"),
    ("participant,profession\nP1,physio\nP1,dietitian\n", "line 3 repeats participant 'P1'"),
    ("participant,profession\n,physio\n", "line 2 has no participant id"),
    ("participant,role,Role\nP1,a,b\n", "names column 'role' twice"),
    # A stray quote swallowed the rest of the file into one participant id, silently.
    ('participant,profession\n"P1,physio\nP2,dietitian\n',
     "line 2 opens a quoted cell (\") that never closes"),
    # Line numbers are the file's: blank lines and cells over two lines count.
    ("participant,profession\n\n\nP1,physio,extra\n", "line 4 has 3 cells"),
    ('participant,notes\nP1,"two\nlines"\nP2,a,b\n', "line 4 has 3 cells"),
    # A file of something else made participants of its first column's values.
    ("a,b\n1,2\n3,4\n", "the first column's heading 'a' does not name the participant id: "
     "head it 'participant' (or participant_id, id, case), with ids such as a "
     "transcript's file name below"),
    ("profession,participant\nphysio,P1\n", "heading 'profession' does not name"),
])
def test_bad_participants_csv(tmp_path: Path, content: str, problem: str) -> None:
    csv_file = tmp_path / "people.csv"
    csv_file.write_text(content)
    open_store(db_path()).close()  # an empty project (listing creates none)
    before = dump()
    result = run("participants", "import", str(csv_file))
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith(f"Error: {csv_file}: ") and problem in result.stderr
    assert dump() == before


def test_participants_from_a_spreadsheet_say_how_to_save_csv(tmp_path: Path) -> None:
    book = tmp_path / "people.xlsx"
    book.write_bytes(b"PK\x03\x04")
    result = run("participants", "import", str(book))
    assert result.exit_code == 1
    assert result.stderr == (f"Error: {book}: participants must be a .csv file (in Excel: "
                             "File > Save As > CSV UTF-8; in LibreOffice: File > Save As > "
                             "Text CSV)\n")


def test_participants_csv_from_excel_bom_semicolons(tmp_path: Path) -> None:
    csv_file = tmp_path / "excel.csv"
    csv_file.write_bytes("\ufeffParticipant;Profession;Board distance\r\n"
                         "P1;Ergothérapeute;2\r\n".encode("utf-8"))
    assert run("participants", "import", str(csv_file)).exit_code == 0
    with open_store(db_path()) as store:
        assert store.participants() == {"P1": {"profession": "Ergothérapeute",
                                               "board_distance": "2"}}


def test_show_unknown_transcript() -> None:
    open_store(os.environ["QCAHP_DB"]).close()  # an empty project, not a missing one
    result = run("show", "nope")
    assert result.exit_code == 1
    assert "no transcript 'nope'" in result.stderr


def test_folder_without_transcripts_and_missing_path(tmp_path: Path) -> None:
    (tmp_path / "nothing").mkdir()
    (tmp_path / "nothing" / "data.xlsx").write_bytes(b"x")
    result = run("import", str(tmp_path / "nothing"), str(tmp_path / "missing"))
    assert result.exit_code == 1
    assert f"{tmp_path / 'nothing'}: no supported transcript files" in result.stderr
    assert f"{tmp_path / 'missing'}: no such file" in result.stderr
    assert not db_path().exists()  # nothing imported: no empty project left behind


def test_folder_walk_skips_readme_but_not_when_named(tmp_path: Path) -> None:
    folder = tmp_path / "interviews"
    folder.mkdir()
    (folder / "README.md").write_text("# About these interviews\n\nAll are fictional.\n")
    (folder / "qa.txt").write_text("# FICTIONAL\n\n" + (DATA / "qa.txt").read_text())
    result = run("import", str(folder))
    assert result.exit_code == 0
    assert rows("SELECT name FROM transcripts") == [("qa",)]
    assert "FICTIONAL" not in rows("SELECT text FROM transcripts")[0][0]
    assert run("import", str(folder / "README.md")).exit_code == 0
    assert rows("SELECT name FROM transcripts ORDER BY name") == [("README",), ("qa",)]


def test_unexpected_reader_error_fails_that_file_only(monkeypatch: pytest.MonkeyPatch) -> None:
    from qualcoder_ahp.importers import batch

    real = batch.read_transcript

    def flaky(path: Path, **kw: object):  # type: ignore[no-untyped-def]
        if Path(path).name == "qa.txt":
            raise TypeError("odd structure")
        return real(path, **kw)

    monkeypatch.setattr(batch, "read_transcript", flaky)
    result = run("import", str(DATA / "qa.txt"), str(DATA / "dash.txt"))
    assert result.exit_code == 1
    assert "qa.txt: could not be read (TypeError: odd structure)" in result.stderr
    assert rows("SELECT name FROM transcripts") == [("dash",)]


def test_import_paths_reports_progress_and_results(store) -> None:  # type: ignore[no-untyped-def]
    from qualcoder_ahp.importers import import_paths

    calls: list[tuple[int, int, str]] = []
    files = [DATA / "qa.txt", DATA / "nope.txt", DATA / "dash.txt"]
    report = import_paths(store, files, progress=lambda *a: calls.append(a))
    assert calls == [(0, 3, str(files[0])), (1, 3, str(files[1])), (2, 3, str(files[2])),
                     (3, 3, "")]
    assert [t.name for t in report.imported] == ["qa", "dash"]
    assert report.failed == [(str(files[1]), f"{files[1]}: no such file")]
    assert not report.ok
    assert report.summary() == "2 imported (43 words), 0 unchanged, 1 failed"
    again = import_paths(store, files[:1])
    assert again.ok and [t.name for t in again.unchanged] == ["qa"] and not again.imported


@pytest.mark.parametrize("name", ["broken.odt", "broken.pdf", "broken.rtf", "broken.srt",
                                  "broken.vtt", "controls.txt", "nodoc.docx", "noext"])
def test_more_bad_files_through_the_cli(tmp_path: Path, name: str) -> None:
    from tests.test_importers_formats import BAD

    assert run("import", str(DATA / "qa.txt")).exit_code == 0
    path = tmp_path / name
    BAD[name][0](path)
    before = dump()
    result = run("import", str(path))
    assert result.exit_code == 1
    failed = [x for x in result.stderr.splitlines() if x.strip()]
    assert len(failed) == 1 and failed[0].startswith(f"failed     {path}: ")
    assert dump() == before


def test_counts_in_messages_read_as_english(tmp_path: Path) -> None:
    note = tmp_path / "note.txt"
    note.write_text("Interviewer: One question only?\n")
    result = run("import", str(note))
    assert "imported   note (v1, 3 words, 1 turn)" in result.stdout, result.stdout
    people = tmp_path / "people.csv"
    people.write_text("participant,profession\nnote,Dietitian\n")
    assert "1 participant updated from" in run("participants", "import", str(people)).stdout


def test_codebook_counts_read_as_english(tmp_path: Path) -> None:
    book = tmp_path / "cb.yaml"
    book.write_text("name: cb\nthemes:\n  - id: luck\n    name: Luck\n"
                    "    patterns:\n      - id: luck_phrase\n        phrase: lucky break\n")
    assert f"{book}: OK: 1 theme, 1 pattern, 0 exclusion patterns" in run(
        "codebook", "check", str(book)).stdout
    assert f"Loaded 'cb' from {book}: 1 theme, 1 pattern, 0 exclusion patterns." in run(
        "codebook", "load", str(book)).stdout
    assert run("codebook", "show").stdout.startswith(
        "cb  (1 theme, 1 pattern, 0 exclusion patterns)")


def test_a_file_without_speaker_labels_gets_a_note(tmp_path: Path) -> None:
    mono = tmp_path / "mono.txt"
    mono.write_text("How did you start?\nI fell into it.\n", encoding="utf-8")
    labelled = tmp_path / "two.txt"
    labelled.write_text("Interviewer: How did you start?\n\nAnna: I fell into it.\n",
                        encoding="utf-8")
    result = run("import", str(mono), str(labelled))
    assert result.exit_code == 0
    assert ("note: mono: no speaker labels found, so all of it is read as the participant's"
            in result.stderr)
    assert "two:" not in result.stderr


@pytest.mark.parametrize("heading", ["participant", "Participant ID", "id", "Case",
                                     "participant_no", "study_id", "", "code"])
def test_participants_csv_id_headings_that_are_recognised(tmp_path: Path, heading: str) -> None:
    csv_file = tmp_path / "people.csv"
    csv_file.write_text(f"{heading},profession\nP1,physio\n")
    result = run("participants", "import", str(csv_file))
    assert result.exit_code == 0, result.stderr
    with open_store(db_path()) as store:
        assert store.participants() == {"P1": {"profession": "physio"}}


def test_ctrl_c_during_an_import_says_what_was_kept_and_what_to_do(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """"Interrupted." alone left a researcher unsure whether the project was damaged or
    half an interview stored; the interview read before Ctrl+C is whole, the rest not
    begun, and the same command carries on."""
    from qualcoder_ahp.importers import batch

    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text("Q: First?\n\nA: Yes, I fell into it.\n")
    (folder / "b.txt").write_text("Q: Second?\n\nA: It was never planned.\n")
    read = batch.read_transcript

    def interrupted(path, **kwargs):  # type: ignore[no-untyped-def]
        if Path(path).name == "b.txt":
            raise KeyboardInterrupt
        return read(path, **kwargs)

    monkeypatch.setattr(batch, "read_transcript", interrupted)
    result = run("import", str(folder))
    assert result.exit_code == 130
    assert result.stderr.strip().endswith(
        "Interrupted: nothing is half-written (each step finished before Ctrl+C is stored "
        "whole, the rest not begun); run the same command again to carry on.")
    assert rows("SELECT name FROM transcripts") == [("a",)]
    monkeypatch.setattr(batch, "read_transcript", read)
    again = run("import", str(folder))
    assert "imported   b (v1" in again.stdout and "unchanged  a" in again.stdout
