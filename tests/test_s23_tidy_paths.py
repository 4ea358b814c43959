"""Session 23, tidy: the project keeps an imported file's name, not its folders.

``transcripts.path`` kept the path ``qcahp import`` was given, often a full one holding the
researcher's login or a participant's folder (``Helen_Smith_consent/p07.txt``), in a file
copied to every coder. It served two checks: an earlier import from this same file told
apart from another file of its name, and an output never written over an interview file.
Both now use a salted hash of the full path (``path_key``, m013); ``path`` is the file
name. No command prints or exports the folder, and the database no longer holds it.
"""

from __future__ import annotations

import sqlite3
import zipfile
from pathlib import Path

from click.testing import CliRunner
from sqlite_utils import Database

from qualcoder_ahp.cli import cli
from qualcoder_ahp.importers import read_transcript
from qualcoder_ahp.model.migrations import MIGRATIONS, known_count
from qualcoder_ahp.model.store import content_hash, open_store
from qualcoder_ahp.records import Codebook, Theme
from tests.test_s22_privacy import _dump

FOLDER = "Helen_Smith_consent"
TEXT = ("Interviewer: How did you come to lead the service?\n"
        "P07: It was really by chance that the acting head post came up.\n")


def _run(db: Path, *args: str, ok: bool = True) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["--db", str(db), *args])
    if ok:
        assert result.exit_code == 0, (result.output, result.exception)
    return result.exit_code, result.stdout, result.stderr


def _project(tmp_path: Path) -> tuple[Path, Path]:
    folder = tmp_path / FOLDER
    folder.mkdir()
    interview = folder / "p07.txt"
    interview.write_text(TEXT, encoding="utf-8")
    db = tmp_path / "study.db"
    _run(db, "import", str(interview.resolve()))
    with open_store(db) as store:
        store.save_codebook(Codebook("test", (Theme("serendipity", "Serendipity"),)))
        store.code(store.transcripts()[0].id, "serendipity", "ana", 56, 80)
    return db, interview


def test_the_database_keeps_the_file_name_only(tmp_path):
    db, interview = _project(tmp_path)
    with open_store(db) as store:
        row = store.conn.execute("SELECT path, path_key FROM transcripts").fetchone()
    assert row[0] == "p07.txt" and len(row[1]) == 64
    # was: b"/tmp/.../Helen_Smith_consent/p07.txt" in the file
    assert FOLDER.encode() not in _dump(db)
    assert str(tmp_path).encode() not in _dump(db)


def test_an_output_is_still_never_written_over_the_interview(tmp_path):
    db, interview = _project(tmp_path)
    # Edited since the import: its bytes are no longer the imported ones, and it is
    # still the interview (known by its path's hash).
    interview.write_text(TEXT + "P07: And a line added later.\n", encoding="utf-8")
    kept = interview.read_bytes()
    code, _, err = _run(db, "show", "p07", "-o", str(interview), ok=False)
    assert code == 1 and "that file holds the interview the transcript p07 was imported " \
        "from" in err, err
    assert interview.read_bytes() == kept
    # Another file of the same name elsewhere is not the interview.
    other = tmp_path / "exports" / "p07.txt"
    other.parent.mkdir()
    other.write_text("last week's export\n", encoding="utf-8")
    _run(db, "show", "p07", "-o", str(other))


def test_no_command_prints_or_exports_the_folder(tmp_path):
    db, _ = _project(tmp_path)
    outputs = []
    for args in (["transcripts"], ["transcripts", "--format", "json"], ["show", "p07"],
                 ["show", "p07", "--format", "html"], ["participants", "--format", "json"],
                 ["log", "--format", "json"], ["quotes", "--coder", "ana", "--format", "json"],
                 ["counts", "--coder", "ana", "--format", "json"], ["methods"],
                 ["framework", "--coder", "ana", "--format", "json"], ["memos"]):
        _, out, err = _run(db, *args)
        outputs.append((args, out + err))
    for args, said in outputs:
        assert FOLDER not in said, args
    qdpx = tmp_path / "study.qdpx"
    _run(db, "refi", "export", str(qdpx))
    with zipfile.ZipFile(qdpx) as archive:
        for name in archive.namelist():
            assert FOLDER.encode() not in archive.read(name), name
    out = tmp_path / "p07.docx"
    _run(db, "show", "p07", "--coder", "ana", "-o", str(out))
    with zipfile.ZipFile(out) as archive:
        for name in archive.namelist():
            assert FOLDER.encode() not in archive.read(name), name


def test_a_twelfth_version_project_forgets_its_folders(tmp_path, insecure):
    """m013: full paths become file names and a salted hash; the name clash of a row
    imported before file hashes (no source_hash) still knows its own file."""
    folder = tmp_path / FOLDER
    folder.mkdir()
    interview = folder / "p07.txt"
    interview.write_text(TEXT, encoding="utf-8")
    path = tmp_path / "v12.db"
    db = Database(str(path))
    MIGRATIONS.apply(db, stop_before=MIGRATIONS._migrations[12].name)
    db.execute("PRAGMA user_version = 12")
    parsed = read_transcript(interview)
    db.execute("INSERT INTO transcripts (name, path, format, content_hash, text, words, "
               "imported_at, guid) VALUES ('p07', ?, 'txt', ?, ?, 12, '2026-11-01', 'g')",
               [str(interview), content_hash(parsed.text), parsed.text])
    db.conn.commit()
    db.close()
    assert FOLDER.encode() in _dump(path)
    with open_store(path) as store:
        assert store.conn.execute("PRAGMA user_version").fetchone()[0] == known_count()
        assert store.conn.execute("SELECT path FROM transcripts").fetchone()[0] == "p07.txt"
    assert FOLDER.encode() not in _dump(path)
    # The interview file is still recognised: not written over ...
    code, _, err = _run(path, "show", "p07", "-o", str(interview), ok=False)
    assert code == 1 and "an output never replaces an interview" in err
    # ... and, changed, it is "this file" of the earlier import, not another one.
    interview.write_text(TEXT.replace("chance", "luck"), encoding="utf-8")
    code, out, err = _run(path, "import", str(interview), ok=False)
    assert "'p07' was imported from this file by an earlier qualcoder_ahp" in " ".join(
        (out + err).split())
    backup = sqlite3.connect(tmp_path / "v12.db.bak-v12")
    assert backup.execute("SELECT path FROM transcripts").fetchone()[0] == str(interview)
    backup.close()


def test_a_project_not_yet_migrated_is_still_checked_by_its_path(tmp_path):
    """The output check reads the project before opening it: one of the release before
    m013 (full paths, no path_key) is checked as it was."""
    from qualcoder_ahp.cli.common import Project, _transcript_from

    folder = tmp_path / FOLDER
    folder.mkdir()
    interview = folder / "p07.txt"
    interview.write_text(TEXT, encoding="utf-8")
    path = tmp_path / "v12.db"
    db = Database(str(path))
    MIGRATIONS.apply(db, stop_before=MIGRATIONS._migrations[12].name)
    db.execute("INSERT INTO transcripts (name, path, format, content_hash, text, words, "
               "imported_at, guid) VALUES ('p07', ?, 'txt', 'h', 'x', 1, '2026-11-01', 'g')",
               [str(interview)])
    db.conn.commit()
    db.close()
    interview.write_text(TEXT + "more\n", encoding="utf-8")
    assert _transcript_from(Project(str(path)), interview) == "p07"
