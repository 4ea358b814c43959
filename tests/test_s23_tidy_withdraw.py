"""Session 23, tidy: a withdrawal leaves no name of the participant behind.

``qcahp withdraw`` removed a participant's interviews and scrubbed the log's events about
them, then wrote one ``withdraw`` event naming the participant id and the transcripts,
which are often the person's name (``helen_smith``, the file's name): the one place the
name stayed. As ``transcripts rename`` takes the old name out of the log, the event now
records who withdrew them, when and how many (``participant_count``,
``transcript_count``); the salted hashes keep them out and say whether an id was
withdrawn. ``m014`` rewrites the events written before.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

from click.testing import CliRunner
from sqlite_utils import Database

from qualcoder_ahp.cli import cli
from qualcoder_ahp.model.migrations import MIGRATIONS, SALT_SETTING, participant_key
from qualcoder_ahp.model.store import open_store
from qualcoder_ahp.records import Codebook, Theme
from tests.test_s22_privacy import _dump

NAME = "helen_smith"
HELEN = ("Interviewer: How did you come to lead the service?\n"
         "P07: It was really by chance that the acting head post came up.\n")
TOM = ("Interviewer: Tell me about your route.\n"
       "P08: I moved from podiatry into management slowly.\n")


def _run(db: Path, *args: str, ok: bool = True) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["--db", str(db), *args])
    if ok:
        assert result.exit_code == 0, (result.output, result.exception)
    return result.exit_code, result.stdout, result.stderr


def _project(tmp_path: Path) -> Path:
    folder = tmp_path / "interviews"
    folder.mkdir()
    (folder / f"{NAME}.txt").write_text(HELEN, encoding="utf-8")
    (folder / "tom_p08.txt").write_text(TOM, encoding="utf-8")
    db = tmp_path / "study.db"
    _run(db, "import", str(folder))
    with open_store(db) as store:
        store.save_codebook(Codebook("test", (Theme("serendipity", "Serendipity"),)))
        for info in store.transcripts():
            store.code(info.id, "serendipity", "ana", 0, 11)
        store.set_participant_attributes(NAME, {"profession": "Physio"})
    return db


def test_the_withdrawal_is_logged_without_the_name(tmp_path, insecure):
    db = _project(tmp_path)
    assert NAME.encode() in _dump(db)  # (the check can fail)
    _, out, _ = _run(db, "withdraw", "--participant", NAME, "--yes", "--by", "lead")
    assert f"transcript   {NAME} v1" in out  # the researcher's terminal is told what went
    _, log, _ = _run(db, "log", "--format", "json")
    events = json.loads(log)["events"]
    withdraw = [e for e in events if e["kind"] == "withdraw"]
    assert [e["what"] for e in withdraw] == [
        "withdrew 1 participant by lead: 1 transcript (1 transcript version, 20 words, "
        "1 coding, 0 memos, 0 decisions removed)"]
    payload = withdraw[0]["payload"]
    assert payload["participant_count"] == 1 and payload["transcript_count"] == 1
    assert "participants" not in payload and "transcripts" not in payload
    assert NAME not in log
    # was: the withdraw event's "participants": ["helen_smith"], "transcripts": [...]
    assert NAME.encode() not in _dump(db)
    # The methods paragraph still counts the transcript withdrawn.
    _, methods, _ = _run(db, "methods")
    assert ("One withdrawal was recorded: one transcript and everything made from it"
            in " ".join(methods.split()))


def test_an_id_is_still_told_withdrawn(tmp_path):
    db = _project(tmp_path)
    _run(db, "withdraw", "--participant", NAME, "--yes")
    code, _, err = _run(db, "withdraw", "--participant", NAME, "--dry-run", ok=False)
    # was: "no participant 'helen_smith' in this project (participants: tom_p08)"
    assert code == 1 and err.startswith(
        f"Error: participant {NAME!r} was withdrawn from this project on 20"), err
    assert err.rstrip().endswith("); nothing to withdraw") and "(qcahp withdraw, log event " \
        in err, err
    code, _, err = _run(db, "import", str(tmp_path / "interviews" / f"{NAME}.txt"),
                        ok=False)
    assert code == 1 and f"{NAME!r} is an interview withdrawn from this project on" in err


def test_a_coders_copy_that_withdrew_is_still_found_by_its_hashes(tmp_path):
    db = _project(tmp_path)
    copy = tmp_path / "ben.db"
    shutil.copy(db, copy)
    _run(copy, "withdraw", "--participant", NAME, "--yes")
    _, _, err = _run(db, "merge", str(copy))
    # Named as it is here (the copy's event names nothing): by the id's salted hash.
    assert (f"warning: {NAME} was withdrawn in {copy} (qcahp withdraw, 20") in err, err
    assert f"`qcahp withdraw --participant {NAME}`" in err
    # A copy that renamed the transcript and its participant (P07) first: the
    # transcript is still found, by its text's hash, under its name here.
    other = tmp_path / "cai.db"
    shutil.copy(db, other)
    _run(other, "transcripts", "rename", NAME, "P07")
    _run(other, "withdraw", "--participant", "P07", "--yes")
    _, _, err = _run(db, "merge", str(other))
    assert f"warning: {NAME} was withdrawn in {other}" in err, err
    assert f"`qcahp withdraw --transcript {NAME}`" in err


def _old_withdraw(path: Path) -> tuple[str, str]:
    """A thirteenth-version project whose log holds a withdraw event with the names, as
    the release before m014 wrote it, and a coder's copy's withdraw merged in."""
    db = Database(str(path))
    MIGRATIONS.apply(db, stop_before=MIGRATIONS._migrations[13].name)
    db.execute("PRAGMA user_version = 13")
    at, copy_at = "2026-11-27T10:00:00.000001+00:00", "2026-11-26T09:00:00.000001+00:00"
    record = {"by": "lead", "participants": [NAME], "transcripts": [NAME], "versions": 1,
              "words": 20, "codings": {"ana": 1}, "inactive_codings": 0, "memos": 0,
              "decisions": 0, "suggestions": 0, "attributes": 1, "events_scrubbed": 0}
    db.execute("INSERT INTO events (at, kind, payload) VALUES (?, 'withdraw', ?)",
               [at, json.dumps(record, sort_keys=True)])
    theirs = {**record, "by": "ben", "participants": ["tom_p08"], "transcripts": ["tom_p08"]}
    from qualcoder_ahp.model.merge_events import event_key

    key = event_key(None, copy_at, "withdraw", json.dumps(theirs, sort_keys=True))
    db.execute("INSERT INTO events (at, kind, payload) VALUES (?, 'merged', ?)",
               [copy_at, json.dumps({"key": key, "original_kind": "withdraw",
                                     "original": theirs, "source": "ben.db"},
                                    sort_keys=True)])
    salt = db.execute("SELECT value FROM settings WHERE key = ?", [SALT_SETTING]).fetchone()
    db.execute("INSERT INTO withdrawn_participants (hash, event_id) VALUES (?, 1)",
               [participant_key(salt[0], NAME)])
    db.conn.commit()
    db.close()
    return at, copy_at


def test_a_thirteenth_version_projects_withdraw_events_lose_the_names(tmp_path, insecure):
    path = tmp_path / "v13.db"
    _old_withdraw(path)
    assert NAME.encode() in _dump(path)
    with open_store(path) as store:
        payloads = [json.loads(r[0]) for r in store.conn.execute(
            "SELECT payload FROM events ORDER BY id")]
        # Still known as withdrawn, by the hash.
        assert store.withdrawn_participant(NAME) is not None
        # The log is append-only again.
        kinds = [r[0] for r in store.conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'events'")]
        assert "events_no_update" in kinds
    assert payloads[0]["participant_count"] == 1 and "participants" not in payloads[0]
    assert payloads[1]["original"]["transcript_count"] == 1
    assert "transcripts" not in payloads[1]["original"]
    data = _dump(path)
    assert NAME.encode() not in data and b"tom_p08" not in data
    _, log, _ = _run(path, "log")
    assert "withdrew 1 participant by lead: 1 transcript (" in log
    assert ("merged in from copy ben.db: withdrew 1 participant by ben: 1 transcript (1 "
            "transcript version, 20 words, 1 coding, 0 memos, 0 decisions removed) in that "
            "copy (the merge withdrew nothing here)") in " ".join(log.split())


def test_a_copy_read_through_m014_keys_its_withdraw_as_here(tmp_path):
    """The copy's withdraw merged in before keeps its key: merging an older copy that has
    it (read upgraded, in memory) adds no second one."""
    from qualcoder_ahp.model.merge_events import _keys_of, _known_keys
    from qualcoder_ahp.model.migrations import withdraw_record

    path = tmp_path / "v13.db"
    _, copy_at = _old_withdraw(path)
    with open_store(path) as store:
        known = _known_keys(store.conn)
    theirs = {"by": "ben", "participants": ["tom_p08"], "transcripts": ["tom_p08"],
              "versions": 1, "words": 20, "codings": {"ana": 1}, "inactive_codings": 0,
              "memos": 0, "decisions": 0, "suggestions": 0, "attributes": 1,
              "events_scrubbed": 0}
    upgraded = json.dumps(withdraw_record(theirs), sort_keys=True)
    assert not known.keys().isdisjoint(_keys_of(None, copy_at, "withdraw", upgraded, {}))
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT COUNT(*) FROM events").fetchone()[0] == 2
    conn.close()
