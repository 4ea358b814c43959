"""Session 22, privacy: renaming a transcript whose name identifies someone.

A transcript is named after its file (``physio_helen``), so a participant's first name
stayed in every quote's attribution, export and REFI-QDA file even after ``qcahp redact``,
and nothing renamed a transcript. ``qcahp transcripts rename OLD NEW`` keeps every
coding, decision, memo and event attached (ids stay), logs a ``transcript_rename``
event, and the old name leaves the database file.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from qualcoder_ahp.cli import cli
from qualcoder_ahp.model.store import open_store
from qualcoder_ahp.records import Codebook, Theme

HELEN = ("Interviewer: How did you come to lead the service?\n"
         "Helen: It was really by chance that the acting head post came up.\n"
         "Interviewer: What helped most?\n"
         "Helen: Relationships with the nursing director mattered most.\n")
TOM = ("Interviewer: Tell me about your route.\n"
       "Tom: I moved from podiatry into management slowly.\n")


def _run(*args: str, ok: bool = True) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    if ok:
        assert result.exit_code == 0, (result.output, result.exception)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """Two transcripts named after their files, one coded, with a memo, by ana."""
    folder = tmp_path / "interviews"
    folder.mkdir()
    (folder / "physio_helen.txt").write_text(HELEN, encoding="utf-8")
    (folder / "podiatrist_tom.txt").write_text(TOM, encoding="utf-8")
    _run("import", str(folder))
    db = tmp_path / "qcahp.db"
    store = open_store(db)
    store.save_codebook(Codebook("test", (Theme("serendipity", "Serendipity"),)))
    tid = store.transcript("physio_helen").id
    store.code(tid, "serendipity", "ana", 68, 120)
    store.set_memo("ana", "transcript", tid, "Came up by chance.")
    store.close()
    return db


def _dump(db: Path) -> bytes:
    return b"".join(Path(str(db) + s).read_bytes() for s in ("", "-wal")
                    if Path(str(db) + s).exists())


def test_rename_keeps_codings_memos_and_ids_and_the_old_name_leaves_the_file(project):
    store = open_store(project)
    before = store.transcript("physio_helen")
    codings = [(c.id, c.start, c.end) for c in store.codings(transcript_id=before.id)]
    store.close()
    _, out, _ = _run("transcripts", "rename", "physio_helen", "physio_P07")
    assert "Renamed transcript 'physio_helen' to 'physio_P07'" in out
    store = open_store(project)
    after = store.transcript("physio_P07")
    assert (after.id, after.guid, after.content_hash) == (
        before.id, before.guid, before.content_hash)
    assert [(c.id, c.start, c.end) for c in store.codings(transcript_id=after.id)] == codings
    assert store.memo("ana", "transcript", after.id) == "Came up by chance."
    # The participant id the import gave it (the file's name) follows.
    assert after.participant == "physio_P07"
    store.close()
    _, quotes, _ = _run("quotes", "--coder", "ana", "--format", "csv")
    assert "physio_P07" in quotes and "physio_helen" not in quotes
    _, log, _ = _run("log", "--format", "json")
    events = json.loads(log)["events"]
    assert [e["kind"] for e in events if e["kind"] == "transcript_rename"]
    assert "physio_helen" not in log
    assert b"physio_helen" not in _dump(project)


def test_rename_every_version_and_the_list_still_works(project, tmp_path):
    changed = tmp_path / "v2" / "physio_helen.txt"
    changed.parent.mkdir()
    changed.write_text(HELEN + "Helen: One more thing.\n", encoding="utf-8")
    _run("import", "--new-version", str(changed))
    _run("transcripts", "rename", "physio_helen", "P07")
    _, out, _ = _run("transcripts", "--format", "json")
    rows = json.loads(out)
    assert sorted((r["name"], r["version"]) for r in rows) == [
        ("P07", 1), ("P07", 2), ("podiatrist_tom", 1)]


@pytest.mark.parametrize(("new", "said"), [
    ("podiatrist_tom", "another transcript is named 'podiatrist_tom'"),
    ("PODIATRIST_TOM", "another transcript is named 'podiatrist_tom'"),
    ("42", "only digits"),
    ("p@2", "'@'"),
    ("a/b", "slash"),
    ("two\nlines", "line break"),
    ("   ", "NEW is empty"),
    ("physio_helen", "named 'physio_helen' already"),
])
def test_bad_or_taken_names_are_one_line_and_change_nothing(project, new, said):
    before = _dump(project)
    code, out, err = _run("transcripts", "rename", "physio_helen", new, ok=False)
    assert code == 1
    assert said in err and err.count("\n") == 1, err
    conn = sqlite3.connect(project)
    names = [r[0] for r in conn.execute("SELECT name FROM transcripts ORDER BY id")]
    kinds = [r[0] for r in conn.execute("SELECT kind FROM events")]
    conn.close()
    assert names == ["physio_helen", "podiatrist_tom"]
    assert "transcript_rename" not in kinds
    assert len(before) > 0


def test_unknown_transcript_is_one_line(project):
    code, _, err = _run("transcripts", "rename", "physio_hellen", "P07", ok=False)
    assert code == 1 and "no transcript 'physio_hellen'" in err


def test_a_shared_participant_is_not_renamed(project):
    _run("participants", "assign", "podiatrist_tom", "physio_helen")
    _, out, _ = _run("transcripts", "rename", "physio_helen", "P07")
    assert "participant" not in out
    store = open_store(project)
    assert store.transcript("P07").participant == "physio_helen"
    store.close()


@pytest.mark.parametrize(("label", "held"), [
    ("physio_helen", ["Helen"]), ("helen-smith-2", ["Helen Smith"]), ("HELEN", ["Helen"]),
    ("paramedic_marcus", ["Marcus"]), ("P07", []), ("helena_x", []), ("van_dam", []),
])
def test_names_in_a_transcript_name(label, held):
    from qualcoder_ahp.privacy import NameRule, names_in_label

    rules = [NameRule("Helen"), NameRule("Helen Smith"), NameRule("Marcus Smith"),
             NameRule("Anna van Dijk")]
    assert names_in_label(label, rules) == held


def test_redact_points_out_transcript_names_that_hold_a_name(tmp_path):
    folder = tmp_path / "interviews"
    folder.mkdir()
    (folder / "physio_helen.txt").write_text(HELEN, encoding="utf-8")
    (folder / "podiatrist_tom.txt").write_text(TOM, encoding="utf-8")
    _run("import", str(folder))
    (tmp_path / "names.txt").write_text("Helen\n", encoding="utf-8")
    for dry in (["--dry-run"], []):
        _, _, err = _run("redact", "--names", str(tmp_path / "names.txt"), "--all", *dry)
        assert ("note: transcript 'physio_helen' is named after 'Helen'" in err
                and "qcahp transcripts rename physio_helen NEW" in err), err
        assert "podiatrist_tom" not in err
    _run("transcripts", "rename", "physio_helen", "physio_P07")
    _, _, err = _run("redact", "--names", str(tmp_path / "names.txt"), "--all")
    assert "named after" not in err


def test_rename_and_redact_name_the_backups_that_still_hold_the_names(project, tmp_path):
    Path(str(project) + ".bak-v9").write_bytes(project.read_bytes())
    _, _, err = _run("transcripts", "rename", "physio_helen", "P07")
    assert "still hold the old name: backups of qcahp.db (qcahp.db.bak-v9)" in err
    (tmp_path / "names.txt").write_text("Tom\n", encoding="utf-8")
    _, _, err = _run("redact", "--names", str(tmp_path / "names.txt"), "--transcript",
                     "podiatrist_tom")
    assert "still hold the names: backups of qcahp.db (qcahp.db.bak-v9)" in err


def test_a_rename_in_a_coders_copy_is_made_here_too(project, tmp_path):
    # (Session 23: it was said "not applied here"; tests/test_s23_tidy_merge_rename.py.)
    import shutil

    copy = tmp_path / "ben.db"
    shutil.copy(project, copy)
    _run("--db", str(copy), "transcripts", "rename", "physio_helen", "P07")
    _run("merge", str(copy))
    _, log, _ = _run("log", "--format", "json")
    said = [e["what"] for e in json.loads(log)["events"] if e["kind"] == "merged"]
    assert len(said) == 1 and said[0].startswith(
        "merged in from copy ben.db: renamed a transcript to 'P07'")
    assert said[0].endswith(", made here too")
    store = open_store(project)
    assert [t.name for t in store.transcripts()] == ["P07", "podiatrist_tom"]
    store.close()


def test_a_change_of_case_only_is_a_rename(project):
    _, out, _ = _run("transcripts", "rename", "physio_helen", "Physio_Helen")
    assert "Renamed transcript 'physio_helen' to 'Physio_Helen'" in out
