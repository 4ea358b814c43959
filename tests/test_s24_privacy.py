"""Session 24, privacy: what a project keeps about a participant after `qcahp redact` and
`qcahp withdraw`.

A codebook's examples are often quotes, and a quote can name the participant (``Zebulon
Quartermaine is my name and ...``). The stored themes and the kept text of the codebook
file (``settings.codebook_source``, which ``codebook export`` writes back with its
comments) were not touched by either command: the name, and the withdrawn interview's
words, stayed in the project file.
"""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from qualcoder_ahp.cli import cli
from qualcoder_ahp.model.codebook_store import SOURCE_SETTING
from qualcoder_ahp.model.store import open_store

P07 = ("Interviewer: How did you come to lead the service, Zebulon?\n"
       "P07: It was really by chance. Zebulon Quartermaine is my name and I fell into the "
       "acting head post.\n"
       "P07: My manager Ottoline said I was in the right place at the right time.\n")
P08 = ("Interviewer: Tell me about your route.\n"
       "P08: I fell into management slowly, from podiatry, nothing special.\n")
CODEBOOK = """\
name: test codebook
version: 1
themes:
  - id: serendipity
    name: Serendipity
    color: "#CC6677"
    description: Chance events. As Zebulon put it, luck.
    # quote from Zebulon Quartermaine's interview
    examples:
      - Zebulon Quartermaine is my name and I fell into the acting head post.
      - "I was in the right place at the right time."
      - I fell into management slowly, from podiatry
    patterns:
      - id: ser_fell_into
        phrase: "fell into"
"""
NAMES = "Zebulon Quartermaine\nZebulon\nOttoline,[manager]\n"


def _run(db: Path, *args: str, ok: bool = True) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["--db", str(db), *args])
    if ok:
        assert result.exit_code == 0, (result.output, result.exception)
    return result.exit_code, result.stdout, result.stderr


def _dump(db: Path) -> bytes:
    return b"".join(Path(str(db) + s).read_bytes() for s in ("", "-wal")
                    if Path(str(db) + s).exists())


def _project(tmp_path: Path, codebook: str = CODEBOOK) -> Path:
    folder = tmp_path / "interviews"
    folder.mkdir()
    (folder / "physio_p07.txt").write_text(P07, encoding="utf-8")
    (folder / "ot_p08.txt").write_text(P08, encoding="utf-8")
    (tmp_path / "codes.yaml").write_text(codebook, encoding="utf-8")
    (tmp_path / "names.txt").write_text(NAMES, encoding="utf-8")
    db = tmp_path / "study.db"
    _run(db, "import", str(folder))
    _run(db, "codebook", "load", str(tmp_path / "codes.yaml"))
    return db


def _kept_text(db: Path) -> str | None:
    with open_store(db) as store:
        return json.loads(store.get_setting(SOURCE_SETTING) or "{}").get("text")


# ---------------------------------------------------------------- redact
def test_redact_replaces_the_names_in_the_codebook_and_its_kept_text(tmp_path, insecure):
    db = _project(tmp_path)
    assert b"Zebulon" in _dump(db)  # (the check can fail)
    _, out, err = _run(db, "redact", "--names", str(tmp_path / "names.txt"), "--all")
    assert "Replaced 2 names in the codebook's definitions and examples." in out
    # The file loaded is the researcher's, outside the project: said, with the command.
    assert ("note: codes.yaml, the codebook file loaded, still holds the names: `qcahp "
            "codebook export --force codes.yaml` in its folder (or with its path) writes "
            "the codebook as it is now over it") in " ".join(err.split())
    _run(db, "codebook", "export", "--force", str(tmp_path / "codes.yaml"))
    written = (tmp_path / "codes.yaml").read_text(encoding="utf-8")
    assert "Zebulon" not in written and "# quote from [REDACTED]'s interview" in written
    with open_store(db) as store:
        theme = store.theme("serendipity")
    assert theme.description == "Chance events. As [REDACTED] put it, luck."
    assert theme.examples[0] == "[REDACTED] is my name and I fell into the acting head post."
    # was: the name stayed in the themes table and in settings.codebook_source
    assert b"Zebulon" not in _dump(db) and b"Quartermaine" not in _dump(db)
    # The file's text is still exported as it was loaded (comments kept), redacted: the
    # replacement that starts a list item is put in quotes, so that it still loads.
    _, exported, err = _run(db, "codebook", "export")
    assert "written as it was loaded (its comments kept)" in exported
    assert "# quote from [REDACTED]'s interview" in exported
    assert '      - "[REDACTED] is my name and I fell into the acting head post."' in exported
    assert "Zebulon" not in exported and "not carried over" not in err
    _, log, _ = _run(db, "log", "--format", "json")
    words = [e["what"] for e in json.loads(log)["events"]]
    assert "redacted names in the codebook (2 replacements)" in words


def test_redact_dry_run_counts_the_codebook_and_changes_nothing(tmp_path):
    db = _project(tmp_path)
    before = _kept_text(db)
    _, out, _ = _run(db, "redact", "--names", str(tmp_path / "names.txt"), "--all",
                     "--dry-run")
    assert "Would replace 2 names in the codebook's definitions and examples." in out
    assert _kept_text(db) == before
    with open_store(db) as store:
        assert store.theme("serendipity").examples[0].startswith("Zebulon")


def test_a_kept_text_that_cannot_be_redacted_is_dropped_and_the_pattern_named(tmp_path,
                                                                             insecure):
    # A pattern naming the person: the theme's patterns are not rewritten (suggestions
    # are made with them), so the file's text, rewritten, is no longer that codebook.
    db = _project(tmp_path, CODEBOOK + '      - id: ser_zeb\n        phrase: "Zebulon said"\n')
    _, out, err = _run(db, "redact", "--names", str(tmp_path / "names.txt"), "--all")
    assert "was dropped, as it would not load as the redacted codebook" in err
    assert "pattern ser_zeb of theme serendipity holds a listed name" in err
    assert _kept_text(db) is None
    with open_store(db) as store:
        assert store.codebook_source() is None
        settings = store.get_setting(SOURCE_SETTING) or ""
    assert "Quartermaine" not in settings
    _, exported, _ = _run(db, "codebook", "export")
    assert "Quartermaine" not in exported and "[REDACTED] is my name" in exported


def test_redact_rewrites_the_theme_edit_events_that_set_an_example(tmp_path, insecure):
    db = _project(tmp_path)
    with open_store(db) as store:
        store.edit_theme("serendipity", coder="ana",
                         examples=["Ottoline said I was in the right place"])
    assert b"Ottoline said" in _dump(db)
    _, out, _ = _run(db, "redact", "--names", str(tmp_path / "names.txt"), "--all")
    assert "(and in 1 log event that set them)" in out
    with open_store(db) as store:
        assert store.theme("serendipity").examples == (
            "[manager] said I was in the right place",)
        edit = [e for e in store.events() if e["kind"] == "theme_edit"][0]
    assert "[manager] said" in json.dumps(edit) and "Ottoline" not in json.dumps(edit)
    assert b"Ottoline" not in _dump(db) and b"Quartermaine" not in _dump(db)
    # The coder's undo still puts the theme's examples back as they were (redacted).
    _run(db, "undo", "--coder", "ana")
    with open_store(db) as store:
        assert store.theme("serendipity").examples[0].startswith("[REDACTED] is my name")


def test_redact_rewrites_the_undo_of_an_example_edit_too(tmp_path, insecure):
    # An undo logs the edit's changes reversed: the example with the name was in it.
    db = _project(tmp_path)
    with open_store(db) as store:
        store.edit_theme("serendipity", coder="ana", examples=["Luck, mostly"])
    _run(db, "undo", "--coder", "ana")
    _, out, _ = _run(db, "redact", "--names", str(tmp_path / "names.txt"), "--codebook")
    assert "(and in 2 log events that set them)" in out
    with open_store(db) as store:  # (the transcript, not redacted, still names him)
        assert store.conn.execute("SELECT COUNT(*) FROM events WHERE payload LIKE "
                                  "'%Quartermaine%'").fetchone()[0] == 0
    _run(db, "redo", "--coder", "ana")
    with open_store(db) as store:
        assert store.theme("serendipity").examples == ("Luck, mostly",)


# ---------------------------------------------------------------- withdraw
def test_withdraw_removes_the_examples_quoted_from_the_interview(tmp_path, insecure):
    db = _project(tmp_path)
    with open_store(db) as store:
        store.set_memo("ana", "theme", "serendipity",
                       "P07: 'my name and I fell into the acting head post', by chance")
    _, plan, _ = _run(db, "withdraw", "--transcript", "physio_p07", "--dry-run")
    assert "examples     2 in the codebook quote them (theme serendipity)" in plan
    _, out, err = _run(db, "withdraw", "--transcript", "physio_p07", "--yes")
    assert "Removed 2 examples quoted from them from the codebook" in out
    assert "note: codes.yaml, the codebook file loaded, still holds those examples" in err
    assert "note: the withdrawn text is quoted in the memo on theme serendipity (ana)" in err
    with open_store(db) as store:
        # The example from the other interview stays.
        assert store.theme("serendipity").examples == (
            "I fell into management slowly, from podiatry",)
        withdraw = [e for e in store.events() if e["kind"] == "withdraw"][0]
    assert withdraw["examples"] == 2
    _, log, _ = _run(db, "log", "--kind", "withdraw", "--format", "json")
    assert json.loads(log)["events"][0]["what"].endswith(
        "0 decisions, 2 codebook examples removed)")
    # was: the quotes stayed in the themes table and in settings.codebook_source
    assert b"Quartermaine is my name" not in _dump(db)
    assert b"the right time" not in _dump(db)
    _, exported, err = _run(db, "codebook", "export")
    assert "written as it was loaded (its comments kept)" in exported
    assert "acting head post" not in exported and "from podiatry" in exported


def test_a_definition_quoting_the_interview_is_named(tmp_path):
    db = _project(tmp_path)
    with open_store(db) as store:
        store.edit_theme("serendipity", coder="ana", inclusion=(
            "Luck, as in 'said I was in the right place at the right time'"))
    _, out, err = _run(db, "withdraw", "--transcript", "physio_p07", "--yes")
    assert ("note: the withdrawn text is quoted in the inclusion criteria of theme "
            "serendipity; edit it") in " ".join(err.split())


def test_a_quote_left_in_a_comment_drops_the_kept_text(tmp_path):
    db = _project(tmp_path, CODEBOOK.replace(
        "# quote from Zebulon Quartermaine's interview",
        "# Zebulon Quartermaine is my name and I fell into the acting head post"))
    _run(db, "withdraw", "--transcript", "physio_p07", "--yes")
    assert _kept_text(db) is None
    _, exported, _ = _run(db, "codebook", "export")
    assert "acting head post" not in exported


def test_an_example_said_in_another_interview_too_is_kept(tmp_path):
    db = _project(tmp_path)
    folder = tmp_path / "more"
    folder.mkdir()
    (folder / "ot_p09.txt").write_text(
        "P09: Zebulon Quartermaine is my name and I fell into the acting head post.\n",
        encoding="utf-8")
    _run(db, "import", str(folder))
    with open_store(db) as store:
        plan = store.withdrawal_plan(transcripts=["physio_p07"])
    assert plan.examples == [("serendipity", "I was in the right place at the right time.")]


def test_withdraw_leaves_no_earlier_version_of_a_memo_in_the_free_space(tmp_path, insecure):
    # An SQLite built with secure_delete off (Python's on Windows and macOS) leaves an
    # edited row's old version in its page's free space; the withdrawal cleared only
    # what it deleted itself. The file is now rebuilt (VACUUM) after it.
    db = _project(tmp_path)
    with open_store(db) as store:
        tid = store.transcript("physio_p07").id
        store.set_memo("ana", "transcript", tid, "First draft: Zebulon cried at this point")
        store.set_memo("ana", "transcript", tid, "Second draft")
    assert b"Zebulon cried" in _dump(db)
    _run(db, "withdraw", "--transcript", "physio_p07", "--yes")
    assert b"Zebulon cried" not in _dump(db) and b"Quartermaine is my name" not in _dump(db)


# ---------------------------------------------------------------- merged withdrawals
def test_a_copys_withdrawal_merged_in_reads_as_a_withdrawal_here_does(tmp_path):
    import shutil

    db = _project(tmp_path)
    with open_store(db) as store:
        for info in store.transcripts():
            store.code(info.id, "serendipity", "ana", 0, 11)
    copy = tmp_path / "ben.db"
    shutil.copy(db, copy)
    _run(copy, "withdraw", "--transcript", "ot_p08", "--yes", "--by", "ben")
    _run(db, "merge", str(copy))
    _, log, _ = _run(db, "log", "--format", "json")
    words = [e["what"] for e in json.loads(log)["events"] if e["kind"] == "merged"]
    # was: "merged in from copy ben.db: withdrew transcripts"
    assert ("merged in from copy ben.db: withdrew transcripts by ben: 1 transcript "
            "(1 transcript version, 14 words, 1 coding, 0 memos, 0 decisions, 1 codebook "
            "example removed) in that copy (the merge withdrew nothing here)") in words
    _, local, _ = _run(db, "withdraw", "--transcript", "ot_p08", "--yes", "--by", "ana")
    _, log, _ = _run(db, "log", "--format", "json")
    assert ("withdrew transcripts by ana: 1 transcript (1 transcript version, 14 words, "
            "1 coding, 0 memos, 0 decisions, 1 codebook example removed)") in [
                e["what"] for e in json.loads(log)["events"] if e["kind"] == "withdraw"]


# ---------------------------------------------------------------- m015
def test_a_fourteenth_version_projects_paths_become_file_names(tmp_path, insecure):
    # Codebook loads before session 23 kept the file's full path (a login), and so did
    # the log's merge and REFI-QDA import events: m015 keeps the file names.
    import sqlite3

    from sqlite_utils import Database

    from qualcoder_ahp.model.merge_events import event_key
    from qualcoder_ahp.model.migrations import MIGRATIONS, known_count

    path = tmp_path / "v14.db"
    db = Database(str(path))
    MIGRATIONS.apply(db, stop_before=MIGRATIONS._migrations[14].name)
    db.execute("PRAGMA user_version = 14")
    db.execute("INSERT INTO coders (name, guid, created_at) VALUES ('ben', 'g', '2026')")
    db.execute("INSERT INTO codebooks (name, path, content_hash, loaded_at) VALUES "
               "('c', '/home/jsmith/Study/codes.yaml', 'h', '2026-11-01')")
    at = "2026-11-02T10:00:00.000001+00:00"
    db.execute("INSERT INTO events (at, kind, payload) VALUES (?, 'merge', ?)",
               [at, json.dumps({"source": "/home/jsmith/copies/ben.db", "events": 1})])
    refi = {"changes": [], "file": "C:\\Users\\jsmith\\Desktop\\nvivo.qdpx"}
    db.execute("INSERT INTO events (coder_id, at, kind, payload) VALUES (1, ?, "
               "'refi_import', ?)", [at, json.dumps(refi, sort_keys=True)])
    key = event_key("ben", at, "refi_import", json.dumps(refi, sort_keys=True))
    db.execute("INSERT INTO events (coder_id, at, kind, payload) VALUES (1, ?, 'merged', ?)",
               [at, json.dumps({"key": key, "original_kind": "refi_import",
                                "original": refi, "source": "/home/jsmith/copies/ben.db"},
                               sort_keys=True)])
    db.conn.commit()
    db.close()
    assert b"jsmith" in _dump(path)
    with open_store(path) as store:
        assert store.conn.execute("PRAGMA user_version").fetchone()[0] == known_count() == 15
        assert [load.path for load in store.codebook_loads()] == ["codes.yaml"]
        payloads = [json.loads(r[0]) for r in store.conn.execute(
            "SELECT payload FROM events ORDER BY id")]
        triggers = [r[0] for r in store.conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'events'")]
    assert "events_no_update" in triggers
    assert payloads[0]["source"] == "ben.db" and payloads[1]["file"] == "nvivo.qdpx"
    assert payloads[2]["source"] == "ben.db"
    assert payloads[2]["original"]["file"] == "nvivo.qdpx"
    bare = {**refi, "file": "nvivo.qdpx"}
    assert payloads[2]["key"] == event_key("ben", at, "refi_import",
                                           json.dumps(bare, sort_keys=True))
    assert b"jsmith" not in _dump(path)
    old = sqlite3.connect(tmp_path / "v14.db.bak-v14")
    assert old.execute("PRAGMA user_version").fetchone()[0] == 14
    old.close()


def test_withdraw_forgets_the_coders_places_in_the_withdrawn_transcripts(tmp_path):
    # The workbench remembers where each coder stopped, by transcript id; SQLite gives
    # the next import the withdrawn transcript's id when it was the last one, which
    # then opened at the withdrawn interview's place.
    db = _project(tmp_path)
    with open_store(db) as store:
        gone, kept = store.transcript("physio_p07").id, store.transcript("ot_p08").id
        store.set_setting("place:ana", json.dumps(
            {"last": gone, "at": {str(gone): [40, None], str(kept): [12, None]}}))
    _run(db, "withdraw", "--transcript", "physio_p07", "--yes")
    with open_store(db) as store:
        assert json.loads(store.get_setting("place:ana") or "") == {
            "at": {str(kept): [12, None]}}


def test_redact_names_the_memos_and_attributes_it_leaves_a_name_in(tmp_path):
    db = _project(tmp_path)
    with open_store(db) as store:
        tid = store.transcript("physio_p07").id
        store.set_memo("ana", "transcript", tid, "Zebulon was nervous at first")
        store.set_memo("ana", "theme", "serendipity", "Luck stories, all of them")
        store.set_participant_attributes("physio_p07", {"team": "Ottoline's ward"})
    _, out, err = _run(db, "redact", "--names", str(tmp_path / "names.txt"), "--all")
    # was: nothing said; the memo and the attribute keep the names
    assert ("note: a listed name is still written in the memo on transcript physio_p07 "
            "(ana); attribute 'team' of participant physio_p07: redaction does not change "
            "memos or attributes; edit them") in " ".join(err.split())
    assert "theme serendipity" not in err


def test_redact_codebook_alone_works_after_coding(tmp_path, insecure):
    # A name found in an example once coding has started: editing the example left the
    # name in the log's theme_edit event and in the file's kept text, and redaction was
    # refused for the coded transcripts. --codebook moves no offsets.
    db = _project(tmp_path)
    with open_store(db) as store:
        store.code(store.transcript("physio_p07").id, "serendipity", "ana", 0, 11)
    code, _, err = _run(db, "redact", "--names", str(tmp_path / "names.txt"), "--all",
                        ok=False)
    assert code == 1 and "redact before coding" in err
    _, out, _ = _run(db, "redact", "--names", str(tmp_path / "names.txt"), "--codebook")
    assert "Replaced 2 names in the codebook's definitions and examples." in out
    assert "transcript" not in out
    with open_store(db) as store:
        assert "Zebulon" in store.transcript_text(store.transcript("physio_p07").id)
        assert "Zebulon" not in " ".join(store.theme("serendipity").examples)
    assert "Quartermaine is my name" not in (_kept_text(db) or "")
    _, out, _ = _run(db, "redact", "--names", str(tmp_path / "names.txt"), "--codebook")
    assert out.strip() == "The codebook has none of the names."
    code, _, err = _run(db, "redact", "--names", str(tmp_path / "names.txt"), "--codebook",
                        "--all", ok=False)
    assert code == 1 and "--codebook redacts the codebook alone" in err


def test_a_copys_codebook_redaction_merged_in_reads_as_one(tmp_path):
    import shutil

    db = _project(tmp_path)
    copy = tmp_path / "ben.db"
    shutil.copy(db, copy)
    with open_store(copy) as store:  # (a coder's work, so that the copy has some)
        store.code(store.transcript("ot_p08").id, "serendipity", "ben", 0, 11)
    _run(copy, "redact", "--names", str(tmp_path / "names.txt"), "--codebook")
    _run(db, "merge", str(copy))
    _, log, _ = _run(db, "log", "--format", "json")
    words = [e["what"] for e in json.loads(log)["events"] if e["kind"] == "merged"]
    assert ("merged in from copy ben.db: redacted names in the codebook (2 replacements) "
            "in that copy") in words


def test_redact_always_says_that_exports_made_before_still_hold_the_names(tmp_path):
    # Said only when there were migration backups: a REFI-QDA file or a `show -o` of the
    # imported interviews, made before, holds the names too.
    db = _project(tmp_path)
    _, _, err = _run(db, "redact", "--names", str(tmp_path / "names.txt"), "--all")
    assert ("note: copies made before now still hold the names: coders' copies of the "
            "project and exported files; delete or remake them") in " ".join(err.split())
    _, _, err = _run(db, "redact", "--names", str(tmp_path / "names.txt"), "--all",
                     "--dry-run")
    assert "copies made before now" not in err


def test_withdraw_rewrites_a_one_line_list_of_examples_in_the_kept_text(tmp_path):
    flow = CODEBOOK.replace(
        '''    examples:
      - Zebulon Quartermaine is my name and I fell into the acting head post.
      - "I was in the right place at the right time."
      - I fell into management slowly, from podiatry
''', '''    examples: ["It was really by chance.", "I fell into management slowly, from podiatry"]
''')
    db = _project(tmp_path, flow)
    _run(db, "withdraw", "--transcript", "physio_p07", "--yes")
    kept = _kept_text(db) or ""
    assert '    examples: ["I fell into management slowly, from podiatry"]\n' in kept
    assert "# quote from Zebulon Quartermaine's interview" in kept  # (a name, not a quote)
