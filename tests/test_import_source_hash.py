"""Re-importing the same, unchanged file after the importers improved.

An imported file was "unchanged" only when its *parsed* text hashed the same. A better
parser (Zoom cues of one speaker joined into one turn, PDF running headers dropped)
reads the very same file differently, and re-importing the folder, as researchers do
after adding one interview, failed with "a different transcript ... use --new-version";
following that advice stored a second, uncoded copy. The hash of the file's bytes
(``transcripts.source_hash``, migration m003) now says the file did not change.

The "older parser" here is the real one that also keeps a PDF-style running header as
a turn of its own: the stored text of the first import differs from what the current
importers read from the same bytes.
"""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from qualcoder_ahp.cli import cli
from qualcoder_ahp.importers import batch, import_paths, read_transcript
from qualcoder_ahp.model.store import open_store
from qualcoder_ahp.records import ParsedTranscript
from qualcoder_ahp.tui import jobs
from tests.conftest import make_parsed

INTERVIEW = ("Interviewer: How did your career begin?\n\n"
             "Helen: I qualified in 1996. I loved the wards, and Helen Smith was my name.\n\n"
             "Interviewer: What changed?\n\n"
             "Helen: A secondment nobody wanted. That is where I learned how it fits.\n")
NOTE = "unchanged file; this version reads it differently"


def _older_reading(path, **kwargs) -> ParsedTranscript:
    """What an older parser made of the file: its running header kept as a turn."""
    real = read_transcript(path, **kwargs)
    turns = [("Helen", "participant", "Career stories, page 1")]
    turns += [(t.speaker, t.role, real.text[t.start:t.end]) for t in real.turns]
    return make_parsed(turns, real.format)


@pytest.fixture
def interview(tmp_path: Path) -> Path:
    folder = tmp_path / "interviews"
    folder.mkdir()
    (folder / "physio.txt").write_text(INTERVIEW, encoding="utf-8")
    return folder / "physio.txt"


def _import_with_older_parser(db: Path, file: Path, monkeypatch) -> int:
    """Import ``file`` as an older version would have, and code its first turn."""
    with monkeypatch.context() as patch:
        patch.setattr(batch, "read_transcript", _older_reading)
        with open_store(db) as store:
            report = import_paths(store, [file])
            info = report.imported[0]
            coder = store.ensure_coder("ana")
            with store.write():
                store.conn.execute(
                    "INSERT INTO themes (id, name, guid) VALUES ('s', 'Serendipity', 'g')")
                store.conn.execute(
                    'INSERT INTO codings (transcript_id, theme_id, coder_id, start, "end", '
                    "quote, origin, created_at, guid) VALUES (?, 's', ?, 0, 6, 'Career', "
                    "'manual', '2026-01-01', 'g-c')", [info.id, coder])
    return info.id


def _rows(db: Path) -> list[tuple]:
    conn = sqlite3.connect(str(db))
    try:
        return conn.execute(
            "SELECT name, version, content_hash, source_hash, text FROM transcripts "
            "ORDER BY version").fetchall()
    finally:
        conn.close()


def _cli(db: Path, *args: str):
    return CliRunner().invoke(cli, ["--db", str(db), "import", *args])


def test_source_hash_is_the_files_bytes(tmp_path, interview):
    db = tmp_path / "p.db"
    with open_store(db) as store:
        import_paths(store, [interview])
    assert _rows(db)[0][3] == hashlib.sha256(interview.read_bytes()).hexdigest()


def test_same_file_read_differently_is_unchanged_with_a_note(tmp_path, interview,
                                                             monkeypatch):
    db = tmp_path / "p.db"
    tid = _import_with_older_parser(db, interview, monkeypatch)
    before = _rows(db)
    result = _cli(db, str(interview.parent))
    assert result.exit_code == 0, result.output
    assert "unchanged  physio (already stored as v1)" in result.output
    assert f"note: physio: physio.txt: {NOTE} (the stored text is kept; --new-version " \
           "stores the new reading)" in result.output
    assert "0 imported (0 words), 1 unchanged, 0 failed" in result.output
    assert _rows(db) == before  # the stored text is the older reading, still
    with open_store(db) as store:
        assert [c.quote for c in store.codings(transcript_id=tid)] == ["Career"]
    again = _cli(db, str(interview))  # and stays so, with the note, every time
    assert again.exit_code == 0 and NOTE in again.output


def test_new_version_stores_the_new_reading_as_version_2(tmp_path, interview, monkeypatch):
    db = tmp_path / "p.db"
    _import_with_older_parser(db, interview, monkeypatch)
    result = _cli(db, "--new-version", str(interview))
    assert result.exit_code == 0, result.output
    assert "imported   physio (v2" in result.output
    rows = _rows(db)
    assert [r[1] for r in rows] == [1, 2]
    assert rows[0][3] == rows[1][3]  # the same file ...
    assert rows[1][4] == read_transcript(interview).text  # ... read anew
    assert "Career stories" in rows[0][4]
    # The file read as version 2 holds is unchanged, and read the same: no note.
    again = _cli(db, str(interview))
    assert "unchanged  physio (already stored as v2)" in again.output
    assert NOTE not in again.output
    with open_store(db) as store:  # v1 keeps its codings; none were moved
        assert len(store.codings(transcript_id=store.transcript("physio@1").id)) == 1


def test_a_changed_file_is_still_refused(tmp_path, interview, monkeypatch):
    db = tmp_path / "p.db"
    _import_with_older_parser(db, interview, monkeypatch)
    interview.write_text(INTERVIEW.replace("1996", "1997"), encoding="utf-8")
    result = _cli(db, str(interview))
    assert result.exit_code == 1
    assert "a different transcript named 'physio' is already stored; use --new-version" \
        in result.output
    assert _cli(db, "--new-version", str(interview)).exit_code == 0
    assert [r[1] for r in _rows(db)] == [1, 2]


def _forget_source_hashes(db: Path) -> None:
    """Make the rows look imported before m003: no file hash recorded."""
    conn = sqlite3.connect(str(db))
    conn.execute("UPDATE transcripts SET source_hash = NULL")
    conn.commit()
    conn.close()


def test_legacy_row_from_the_same_path_is_refused_with_an_accurate_message(
        tmp_path, interview, monkeypatch):
    db = tmp_path / "p.db"
    _import_with_older_parser(db, interview, monkeypatch)
    _forget_source_hashes(db)
    before = _rows(db)
    result = _cli(db, str(interview))
    assert result.exit_code == 1
    message = " ".join(result.output.split())
    assert "'physio' was imported from this file by an earlier qualcoder_ahp" in message
    assert "if the file is unchanged, this version reads it differently and nothing " \
           "needs doing (the stored text and its codings are kept)" in message
    assert "use --new-version" in message and "a different transcript" not in message
    assert _rows(db) == before
    # Another file of the same name, elsewhere, is another transcript as before.
    other = tmp_path / "elsewhere"
    other.mkdir()
    (other / "physio.txt").write_text(INTERVIEW, encoding="utf-8")
    result = _cli(db, str(other / "physio.txt"))
    assert "a different transcript named 'physio'" in result.output


def test_legacy_row_is_back_filled_when_its_reading_matches(tmp_path, interview,
                                                            monkeypatch):
    db = tmp_path / "p.db"
    with open_store(db) as store:
        import_paths(store, [interview])
    _forget_source_hashes(db)
    result = _cli(db, str(interview))
    assert result.exit_code == 0 and "unchanged  physio" in result.output
    digest = hashlib.sha256(interview.read_bytes()).hexdigest()
    assert _rows(db)[0][3] == digest  # recorded now: the next parser change is handled
    # The next version reads the file differently: still unchanged, with the note.
    monkeypatch.setattr(batch, "read_transcript", _older_reading)
    result = _cli(db, str(interview))
    assert result.exit_code == 0 and NOTE in result.output
    assert len(_rows(db)) == 1


NAMES = "Helen Smith\nHelen\n"


def _redact(db: Path, tmp_path: Path) -> None:
    names = tmp_path / "names.txt"
    names.write_text(NAMES, encoding="utf-8")
    result = CliRunner().invoke(cli, ["--db", str(db), "redact", "--names", str(names),
                                      "--all"])
    assert result.exit_code == 0, result.output


def test_redacted_transcript_keeps_its_original_files_hash(tmp_path, interview, monkeypatch):
    db = tmp_path / "p.db"
    with open_store(db) as store:
        import_paths(store, [interview])
    source = _rows(db)[0][3]
    _redact(db, tmp_path)
    assert _rows(db)[0][3] == source and "Helen" not in _rows(db)[0][4]
    for extra in ((), ("--new-version",)):
        result = _cli(db, *extra, str(interview))
        assert result.exit_code == 0, result.output
        assert "unchanged  physio" in result.output and NOTE not in result.output
    # A newer parser reads the original differently: unchanged, and the note says the
    # stored text is the redacted one (a new reading would have the names back).
    monkeypatch.setattr(batch, "read_transcript", _older_reading)
    result = _cli(db, str(interview))
    assert result.exit_code == 0, result.output
    assert "(the stored, redacted text is kept; --new-version stores the new reading, " \
           "unredacted)" in " ".join(result.output.split())
    assert len(_rows(db)) == 1 and "Helen" not in _rows(db)[0][4]


def test_legacy_redacted_transcript_is_back_filled_by_its_original(tmp_path, interview):
    db = tmp_path / "p.db"
    with open_store(db) as store:
        import_paths(store, [interview])
    _redact(db, tmp_path)
    _forget_source_hashes(db)
    result = _cli(db, str(interview))
    assert result.exit_code == 0 and "unchanged  physio" in result.output
    assert _rows(db)[0][3] == hashlib.sha256(interview.read_bytes()).hexdigest()


def test_the_import_dialog_names_the_command_in_the_note(tmp_path, interview, monkeypatch):
    db = tmp_path / "p.db"
    _import_with_older_parser(db, interview, monkeypatch)
    summary = jobs.import_files(db, [str(interview)])
    assert summary.startswith("0 imported"), summary
    assert f"physio: physio.txt: {NOTE}" in summary
    assert "`qcahp import --new-version FILE` stores the new reading" in summary


def test_store_without_a_source_hash_behaves_as_before(tmp_path):
    # REFI-QDA sources and other callers pass no file hash: matched by text only.
    with open_store(tmp_path / "p.db") as store:
        parsed = make_parsed([("Ann", "participant", "By chance, in a clinic.")])
        info, written = store.add_transcript("ann", parsed)
        assert written
        assert store.add_transcript("ann", parsed) == (info, False)
        other = make_parsed([("Ann", "participant", "I planned it.")])
        with pytest.raises(Exception, match="a different transcript named 'ann'"):
            store.add_transcript("ann", other)
        assert store.conn.execute("SELECT source_hash FROM transcripts").fetchall() == [
            (None,)]


def test_refi_sources_have_no_file_hash_and_import_twice_unchanged(tmp_path):
    # A .qdpx member is text another tool wrote, matched by its text (and GUID): no
    # file hash is recorded for it, and importing the project again adds nothing.
    from qualcoder_ahp.refi import import_file
    from tests.test_refi_support import zip_fixture

    qdpx = zip_fixture("qualcoder", tmp_path / "qc.qdpx")
    with open_store(tmp_path / "p.db") as store:
        assert import_file(store, qdpx).added["transcripts"] >= 1
        assert {r[0] for r in store.conn.execute("SELECT source_hash FROM transcripts")} \
            == {None}
        assert import_file(store, qdpx).added["transcripts"] == 0


def test_the_same_bytes_under_another_name_are_that_transcript(tmp_path, interview,
                                                                monkeypatch):
    db = tmp_path / "p.db"
    _import_with_older_parser(db, interview, monkeypatch)
    renamed = tmp_path / "helen.txt"
    renamed.write_bytes(interview.read_bytes())
    for extra in ((), ("--new-version",)):
        result = _cli(db, *extra, str(renamed))
        assert result.exit_code == 0, result.output
        assert "unchanged" in result.output
        assert "helen.txt: the same file as 'physio'; this version reads it differently " \
               "(the stored text is kept)" in " ".join(result.output.split())
        assert "--new-version stores" not in result.output
    assert [(r[0], r[1]) for r in _rows(db)] == [("physio", 1)]
