"""Privacy: owner-only files, no network, and redaction of names before coding.

- The database, its WAL/SHM side files, migration backups and every ``-o`` export
  are created readable by the owner only (mode 0600).
- No socket connects during a full workflow through the CLI (an autouse fixture
  makes any connection attempt fail the test).
- ``qcahp redact`` replaces listed names in the stored text before coding, moves
  turns with the text, re-splits sentences as an import would, refuses coded
  transcripts, logs an event without the names, and leaves no copy of a name in
  the database file or its WAL.
"""

from __future__ import annotations

import json
import os
import socket
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner

from qualcoder_ahp.cli import cli
from qualcoder_ahp.errors import UserError
from qualcoder_ahp.importers.sentences import split_sentences
from qualcoder_ahp.model.store import open_store
from qualcoder_ahp.privacy import NameRule, read_names, redact_text, redact_transcripts
from qualcoder_ahp.records import Turn
from tests.conftest import REPO, make_parsed
from tests.helpers.project import build_project

SAMPLES = REPO / "transcripts"
CODEBOOK = REPO / "codebooks" / "ahp-leadership.yaml"


@pytest.fixture(autouse=True)
def _no_network(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Fail the test if anything tries to open a network connection."""
    attempts: list[str] = []

    def refuse(*args: object, **kwargs: object) -> None:
        attempts.append(repr(args[:2]))
        raise AssertionError(f"network connection attempted: {args[:2]!r}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    return attempts


def _mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def _run(*args: str) -> str:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def test_the_network_guard_itself_works():
    with pytest.raises(AssertionError, match="network"):
        socket.create_connection(("example.org", 80))


def test_database_side_files_and_backups_are_owner_only(tmp_path):
    path = tmp_path / "private.db"
    store = build_project(path)
    store.code(store.transcripts()[0].id, "serendipity", "ana", 0, 5)
    for suffix in ("", "-wal", "-shm"):
        side = Path(str(path) + suffix)
        assert side.exists(), suffix
        assert _mode(side) == 0o600, (suffix, oct(_mode(side)))
    backup = store.backup(tmp_path / "copy.db")
    assert _mode(backup) == 0o600
    store.close()


def test_an_existing_world_readable_database_is_tightened(tmp_path):
    path = tmp_path / "loose.db"
    open_store(path).close()
    os.chmod(path, 0o644)
    open_store(path).close()
    assert _mode(path) == 0o600


def test_full_workflow_opens_no_connection_and_writes_owner_only_files(tmp_path, _no_network):
    db = str(tmp_path / "study.db")
    out = tmp_path / "out"
    out.mkdir()
    _run("--db", db, "import", str(SAMPLES))
    _run("--db", db, "codebook", "load", str(CODEBOOK))
    _run("--db", db, "suggest")
    listing = json.loads(_run("--db", db, "suggestions", "--format", "json"))
    assert len(listing) >= 10
    ids = [row["id"] for row in listing][:12]
    for coder, verdicts in (("ana", "aaraaraaraar"), ("ben", "aarraaraaarr"),
                            ("cat", "araaraaraara")):
        for sid, verdict in zip(ids, verdicts, strict=True):
            _run("--db", db, "decide", str(sid), "accept" if verdict == "a" else "reject",
                 "--coder", coder)
    exports = {
        "counts.csv": ["counts", "--format", "csv"],
        "counts.xlsx": ["counts", "--format", "xlsx"],
        "quotes.csv": ["quotes", "--format", "csv"],
        "quotes.docx": ["quotes", "--format", "docx"],
        "agreement.csv": ["agreement", "--coders", "ana,ben,cat", "--format", "csv"],
        "codings.csv": ["codings", "export"],
    }
    for name, args in exports.items():
        _run("--db", db, *args, "-o", str(out / name))
    _run("--db", db, "chart", "counts", "-o", str(out / "counts.png"))
    _run("--db", db, "refi", "export", str(out / "study.qdpx"))
    _run("--db", db, "refi", "export-codebook", str(out / "codebook.qdc"))
    written = sorted(p.name for p in out.iterdir())
    assert written == sorted([*exports, "counts.png", "study.qdpx", "codebook.qdc"])
    for path in out.iterdir():
        assert path.stat().st_size > 0, path.name
        assert _mode(path) == 0o600, (path.name, oct(_mode(path)))
    assert _mode(Path(db)) == 0o600
    assert _no_network == []


# ---------------------------------------------------------------- redaction
@pytest.fixture
def names_file(tmp_path):
    path = tmp_path / "names.txt"
    path.write_text("# people named in interview 1\nHelen Smith\nMarcus,[colleague]\n\n"
                    "Royal Leeds, [hospital]\nHelen\n", encoding="utf-8")
    return path


def _helen(store, filler: str = ""):
    parsed = make_parsed([
        ("Interviewer", "interviewer", "Helen Smith, thank you. Tell me about Marcus."),
        ("Helen", "participant",
         "Marcus and I met at the Royal   Leeds. helen's plan was never a plan. "
         "Helenium is a flower, and Marcusson is a surname." + filler),
    ])
    info, _ = store.add_transcript("interview1", parsed, participant="P01")
    return info


@pytest.mark.parametrize("encoding", ["utf-16", "cp1252", "utf-8-sig"])
def test_names_files_from_windows_editors_read(tmp_path, encoding):
    # Notepad's "Unicode" (UTF-16) and ANSI (Windows-1252) files were refused as
    # "not UTF-8 text"; the transcripts in the same encodings import.
    path = tmp_path / "names.txt"
    path.write_bytes("Zoë O’Neill\r\nRoyal Leeds,[hospital]\r\n".encode(encoding))
    assert read_names(path) == [NameRule("Zoë O’Neill"), NameRule("Royal Leeds", "[hospital]")]


def test_read_names_parses_defaults_replacements_and_comments(names_file):
    assert read_names(names_file) == [
        NameRule("Helen Smith"), NameRule("Marcus", "[colleague]"),
        NameRule("Royal Leeds", "[hospital]"), NameRule("Helen"),
    ]


@pytest.mark.parametrize("content, match", [
    ("", "no names"), ("# only a comment\n", "no names"), (",[x]\n", "no name"),
])
def test_bad_names_files_are_one_line_errors(tmp_path, content, match):
    path = tmp_path / "names.txt"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(UserError, match=match) as info:
        read_names(path)
    assert "names.txt" in str(info.value)
    with pytest.raises(UserError, match="cannot read"):
        read_names(tmp_path / "missing.txt")


def test_redact_text_replaces_whole_names_and_moves_turns():
    text = "Hi Helen Smith.\n\nI am Helen; Marcus too. Helenium stays. Royal\nLeeds"
    turns = [Turn("Interviewer", "interviewer", 0, 15), Turn("Helen", "participant", 17,
                                                             len(text))]
    rules = [NameRule("Helen Smith"), NameRule("Marcus", "[colleague]"),
             NameRule("Royal Leeds", "[hospital]"), NameRule("Helen")]
    out = redact_text(text, turns, rules, "[P01]")
    assert out.text == ("Hi [P01].\n\nI am [P01]; [colleague] too. Helenium stays. "
                        "[hospital]")
    assert [out.text[t.start:t.end] for t in out.turns] == [
        "Hi [P01].", "I am [P01]; [colleague] too. Helenium stays. [hospital]"]
    assert out.turns[1].speaker == "P01"
    assert out.sentences == split_sentences(out.text, out.turns)
    assert out.counts == {"Helen Smith": 1, "Helen": 1, "Marcus": 1, "Royal Leeds": 1}


def test_redaction_rewrites_the_stored_transcript_and_leaves_no_trace(tmp_path, names_file,
                                                                      insecure):
    path = tmp_path / "redact.db"
    store = open_store(path)
    # The name in every line, so the shorter redacted text frees overflow pages that held
    # it: with secure_delete off (the insecure fixture) they keep the name.
    info = _helen(store, " We worked with Helen Smith on the wards for years." * 400)
    before_hash = info.content_hash
    other_coder = open_store(path)  # keeps the WAL file alive after we close ours
    report = redact_transcripts(store, read_names(names_file), ["interview1"])
    assert report.redacted["interview1"]["Helen"] == 1
    text = store.transcript_text(info.id)
    assert "Helen" not in text.replace("Helenium", "") and "Marcus " not in text
    assert "[P01], thank you" in text and "Marcusson" in text and "Helenium" in text
    assert "[P01]'s plan" in text and "[colleague] and I met at the [hospital]." in text
    turns = store.turns(info.id)
    assert [t.speaker for t in turns] == ["Interviewer", "P01"]
    assert store.sentences(info.id) == split_sentences(text, turns)
    after = store.transcript(info.id)
    assert after.content_hash != before_hash and after.words == len(text.split())
    event = store.events()[-1]
    assert event["kind"] == "redact" and event["replacements"] == 5 + 400
    assert "Helen" not in json.dumps(event) and "Marcus" not in json.dumps(event)
    assert store.integrity_ok()
    store.close()
    assert Path(str(path) + "-wal").exists()
    for suffix in ("", "-wal"):
        raw = Path(str(path) + suffix).read_bytes()
        assert b"Helen Smith" not in raw and b"Royal   Leeds" not in raw, suffix
    other_coder.close()


def test_redaction_is_refused_once_coded_even_if_undone(tmp_path, names_file):
    store = build_project(tmp_path / "coded.db", transcripts=2)
    first, second = store.transcripts()
    store.code(first.id, "serendipity", "ana", 0, 5)
    store.undo("ana")  # an undone coding can be redone: its offsets still matter
    sid = store.suggestions(transcript_id=second.id)[0].id
    store.reject(sid, "ben")
    texts = {t.id: store.transcript_text(t.id) for t in (first, second)}
    events = len(store.events())
    with pytest.raises(UserError, match="redact before coding") as info:
        redact_transcripts(store, read_names(names_file), all_transcripts=True)
    assert "story0@1" in str(info.value) and "story1@1" in str(info.value)
    assert {t.id: store.transcript_text(t.id) for t in (first, second)} == texts
    assert len(store.events()) == events
    store.close()


def test_undecided_suggestions_are_dropped_and_dry_run_changes_nothing(tmp_path):
    store = build_project(tmp_path / "sugg.db", transcripts=1)
    info = store.transcripts()[0]
    assert store.suggestions(transcript_id=info.id)
    rules = [NameRule("Leeds", "[city]")]
    before = store.transcript_text(info.id)
    report = redact_transcripts(store, rules, [info.name], dry_run=True)
    assert report.redacted[info.name]["Leeds"] == 1
    assert store.transcript_text(info.id) == before and store.suggestions()
    redact_transcripts(store, rules, [info.name])
    assert "[city]" in store.transcript_text(info.id)
    assert store.suggestions(transcript_id=info.id, status=None) == []
    store.close()


def test_cli_redact(tmp_path, names_file):
    db = str(tmp_path / "cli.db")
    store = open_store(db)
    _helen(store)
    store.close()
    output = _run("--db", db, "redact", "--names", str(names_file), "--transcript", "interview1")
    assert "interview1" in output and "1 transcript redacted" in output
    shown = _run("--db", db, "show", "interview1")
    assert "[P01], thank you" in shown and "Helen Smith" not in shown
    again = _run("--db", db, "redact", "--names", str(names_file), "--all")
    assert "0 transcripts redacted; 1 had none of the names" in again
    result = CliRunner().invoke(cli, ["--db", db, "redact", "--names", str(names_file)])
    assert result.exit_code == 1 and "--all" in result.output
    assert "Traceback" not in result.output


def test_reimporting_the_unredacted_original_changes_nothing(tmp_path, names_file):
    # After `redact`, importing the folder again failed on the original file ("a
    # different transcript named ... use --new-version"), and --new-version put the
    # names back into the database as version 2.
    folder = tmp_path / "interviews"
    folder.mkdir()
    (folder / "interview1.txt").write_text(
        "Interviewer: Helen Smith, thank you. Tell me about Marcus.\n\n"
        "Helen: Marcus and I met at the Royal Leeds.\n", encoding="utf-8")
    db = str(tmp_path / "again.db")
    _run("--db", db, "import", str(folder))
    _run("--db", db, "redact", "--names", str(names_file), "--all")
    for extra in ((), ("--new-version",)):
        result = CliRunner().invoke(cli, ["--db", db, "import", *extra, str(folder)])
        assert result.exit_code == 0, result.output
        assert "unchanged  interview1" in result.output
    with open_store(db) as store:
        assert [(t.name, t.version) for t in store.transcripts()] == [("interview1", 1)]
        assert "Helen" not in store.transcript_text(store.transcript("interview1").id)


def test_a_name_that_is_also_a_word_is_pointed_out_and_match_case_spares_it(tmp_path):
    # A participant called Will: every "will" became [P01], for good (the redacted text
    # is all the database keeps), and nothing said so.
    text = "Will Jones, welcome. Will you tell me more?\n\nI will. Will Jones is my name."
    turns = [Turn("Interviewer", "interviewer", 0, 43), Turn("Will", "participant", 45,
                                                             len(text))]
    rules = [NameRule("Will Jones"), NameRule("Will")]
    loose = redact_text(text, turns, rules, "[P01]")
    assert "I [P01]." in loose.text and loose.lowercase == {"Will": 1}
    strict = redact_text(text, turns, rules, "[P01]", match_case=True)
    assert "I will." in strict.text and strict.lowercase == {}
    # "Will you" opens a sentence with a capital: only the dry run's table can tell.
    assert "[P01] you tell me" in strict.text
    db = str(tmp_path / "will.db")
    with open_store(db) as store:
        store.add_transcript("t1", make_parsed([(t.speaker, t.role, text[t.start:t.end])
                                                for t in turns]), participant="P01")
    names = tmp_path / "names.txt"
    names.write_text("Will Jones\nWill\n", encoding="utf-8")
    dry = CliRunner().invoke(cli, ["--db", db, "redact", "--names", str(names), "--all",
                                   "--dry-run"])
    assert dry.exit_code == 0
    assert ("note: 'Will' would replace 'will' in lower case 1 time: that may be the "
            "ordinary word; --match-case replaces only 'Will' as written") in dry.stderr
    done = CliRunner().invoke(cli, ["--db", db, "redact", "--names", str(names), "--all",
                                    "--match-case"])
    # (The one note is that copies made before still hold the names.)
    assert done.exit_code == 0 and "in lower case" not in done.stderr
    with open_store(db) as store:
        assert "I will." in store.transcript_text(store.transcript("t1").id)
