"""The project store: schema, migrations, file mode, transcripts and decisions."""

from __future__ import annotations

import os
import sqlite3
import stat

import pytest

from qualcoder_ahp.errors import SchemaTooNew, UserError
from qualcoder_ahp.model.migrations import known_count
from qualcoder_ahp.model.store import open_store
from tests.conftest import make_parsed

EXPECTED_TABLES = {
    "participants", "participant_attributes", "transcripts", "turns", "sentences", "coders",
    "codebooks", "themes", "patterns", "suggestions", "codings", "decisions", "memos",
    "events", "settings", "doc_cache",
}


def _add_theme(store, theme_id="serendipity", codable=1):
    with store.write():
        store.conn.execute(
            "INSERT INTO themes (id, name, codable, guid) VALUES (?, ?, ?, ?)",
            [theme_id, theme_id.title(), codable, f"guid-{theme_id}"],
        )


def _add_suggestion(store, tid, theme_id, start, end):
    with store.write():
        cur = store.conn.execute(
            'INSERT INTO suggestions (transcript_id, theme_id, unit, start, "end", pattern_ids, '
            "matches, created_at) VALUES (?, ?, 'sentence', ?, ?, '[]', '[]', 'now')",
            [tid, theme_id, start, end],
        )
    return cur.lastrowid


@pytest.fixture
def coded(store):
    parsed = make_parsed([
        ("Interviewer", "interviewer", "How did you get here?"),
        ("Asha", "participant", "I fell into management by chance. Then I stayed."),
    ])
    info, created = store.add_transcript("asha", parsed, participant="P01")
    assert created
    _add_theme(store)
    _add_theme(store, "folder", codable=0)
    return store, info


def test_blank_database_has_every_table_wal_and_foreign_keys(store):
    assert EXPECTED_TABLES <= set(store.db.table_names())
    assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert store.conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert store.conn.execute("PRAGMA user_version").fetchone()[0] == known_count()
    cols = store.db.table("codings").columns_dict
    assert {"transcript_id", "theme_id", "coder_id", "start", "end", "quote", "origin"} <= set(cols)
    fks = {(fk.column, fk.other_table) for fk in store.db.table("codings").foreign_keys}
    assert ("coder_id", "coders") in fks and ("transcript_id", "transcripts") in fks


def test_database_file_is_owner_only(tmp_path):
    path = tmp_path / "private.db"
    open_store(path).close()
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600


def test_newer_schema_is_refused_and_left_alone(tmp_path):
    path = tmp_path / "future.db"
    open_store(path).close()
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {known_count() + 5}")
    conn.close()
    with pytest.raises(SchemaTooNew, match="newer"):
        open_store(path)
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == known_count() + 5


def test_not_a_database_is_a_clear_error(tmp_path):
    path = tmp_path / "junk.db"
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(UserError, match="junk.db"):
        open_store(path)


def test_same_content_is_a_no_op_and_new_content_needs_new_version(coded):
    store, info = coded
    parsed = make_parsed([("Asha", "participant",
                           "I fell into management by chance. Then I stayed.")])
    again, created = store.add_transcript(
        "asha", make_parsed([
            ("Interviewer", "interviewer", "How did you get here?"),
            ("Asha", "participant", "I fell into management by chance. Then I stayed."),
        ]), participant="P01")
    assert not created and again.id == info.id
    with pytest.raises(UserError, match="already stored; import it as a new version"):
        store.add_transcript("asha", parsed)
    v2, created = store.add_transcript("asha", parsed, new_version=True)
    assert created and v2.version == 2
    assert store.transcript("asha").version == 2
    assert store.transcript("asha@1").id == info.id
    assert [t.label for t in store.transcripts()] == ["asha", "asha@2"]


def test_accept_reject_undo_redo_are_logged_and_survive_reopen(coded, tmp_path):
    store, info = coded
    text = store.transcript_text(info.id)
    start = text.index("I fell")
    end = text.index("chance.") + len("chance.")
    sid = _add_suggestion(store, info.id, "serendipity", start, end)
    coding = store.accept(sid, "ana")
    assert coding.quote == "I fell into management by chance."
    assert store.decision_of(sid, "ana") == "accepted"
    store.reject(sid, "ana")
    assert store.decision_of(sid, "ana") == "rejected"
    assert store.codings(coder="ana") == []
    store.undo("ana")
    assert store.decision_of(sid, "ana") == "accepted"
    assert [c.id for c in store.codings(coder="ana")] == [coding.id]
    store.close()
    reopened = open_store(tmp_path / "project.db")
    reopened.redo("ana")
    assert reopened.decision_of(sid, "ana") == "rejected"
    reopened.undo("ana")
    reopened.undo("ana")
    assert reopened.decision_of(sid, "ana") is None
    assert reopened.codings(coder="ana") == []
    assert reopened.undo("ana") is None
    kinds = [e["kind"] for e in reopened.events("ana")]
    assert kinds == ["accept", "reject", "undo", "redo", "undo", "undo"]
    assert reopened.integrity_ok()
    reopened.close()


def test_adjust_manual_remove_and_memo(coded):
    store, info = coded
    sid = _add_suggestion(store, info.id, "serendipity", 22, 40)
    adjusted = store.accept(sid, "ana", start=22, end=30)
    assert adjusted.origin == "adjusted" and store.decision_of(sid, "ana") == "adjusted"
    manual = store.code(info.id, "serendipity", "ana", 0, 5)
    assert manual.origin == "manual" and manual.quote == "How d"
    store.set_memo("ana", "coding", manual.id, "interviewer framing")
    assert store.coding(manual.id).memo == "interviewer framing"
    store.remove_coding(adjusted.id, "ana")
    assert store.decision_of(sid, "ana") is None
    assert [c.id for c in store.codings(coder="ana")] == [manual.id]
    store.undo("ana")
    assert store.decision_of(sid, "ana") == "adjusted"
    with pytest.raises(UserError, match="folder"):
        store.code(info.id, "folder", "ana", 0, 5)
    with pytest.raises(UserError, match="outside"):
        store.code(info.id, "serendipity", "ana", 0, 10_000)
    with pytest.raises(UserError, match="belongs to"):
        store.remove_coding(manual.id, "ben")


def test_a_memo_event_reads_back_as_a_memo_with_its_target_kind(coded):
    """The memo's target kind does not hide the event kind (undo said "coding")."""
    store, info = coded
    coding = store.code(info.id, "serendipity", "ana", 0, 5)
    store.set_memo("ana", "coding", coding.id, "why")
    memo = store.events("ana")[-1]
    assert (memo["kind"], memo["target_kind"], memo["target"]) == ("memo", "coding", str(coding.id))
    undone = store.undo("ana")
    assert undone is not None and (undone["kind"], undone["target_kind"]) == ("memo", "coding")
    redone = store.redo("ana")
    assert redone is not None and redone["kind"] == "memo"
    assert store.coding(coding.id).memo == "why"


def test_set_memo_refuses_a_target_that_is_not_an_id_of_its_kind(coded):
    store, info = coded
    coding = store.code(info.id, "serendipity", "ana", 0, 5)

    def memo_rows():
        return store.conn.execute("SELECT target_kind, target_id, text FROM memos "
                                  "ORDER BY id").fetchall()

    events = len(store.events())
    bad = [("coding", coding, "the coding's id (a whole number), not Coding"),
           ("coding", "serendipity", "not str 'serendipity'"),
           ("coding", True, "not bool True"), ("coding", 1.0, "not float 1.0"),
           ("coding", 99, "no coding with id '99'"),
           ("transcript", info, "the transcript's id (a whole number), not TranscriptInfo"),
           ("transcript", "asha", "not str 'asha'"),
           ("transcript", 99, "no transcript with id '99'"),
           ("theme", coding, "the theme's id (text), not Coding"),
           ("theme", 7, "not int 7"), ("theme", "nope", "no theme with id 'nope'")]
    for kind, target, message in bad:
        with pytest.raises(UserError) as caught:
            store.set_memo("ana", kind, target, "lost text")
        assert message in str(caught.value) and "\n" not in str(caught.value)
    assert memo_rows() == [] and len(store.events()) == events  # nothing stored or logged
    # What callers pass keeps working: ids as ints (the CLI, tests) or as text (the
    # workbench's "coding:12" choices), theme ids as text.
    store.set_memo("ana", "coding", coding.id, "by int")
    store.set_memo("ana", "coding", str(coding.id), "by text")
    store.set_memo("ana", "transcript", str(info.id), "on the transcript")
    store.set_memo("ana", "theme", "serendipity", "on the theme")
    assert memo_rows() == [("coding", str(coding.id), "by text"),
                           ("transcript", str(info.id), "on the transcript"),
                           ("theme", "serendipity", "on the theme")]
    assert store.coding(coding.id).memo == "by text"


def test_events_are_append_only(coded):
    store, info = coded
    store.code(info.id, "serendipity", "ana", 0, 5)
    with pytest.raises(sqlite3.IntegrityError, match="append-only"), store.write():
        store.conn.execute("DELETE FROM events")
    assert len(store.events()) == 1


def test_failed_decision_leaves_database_unchanged(coded):
    store, info = coded
    before = store.conn.execute("SELECT COUNT(*) FROM events").fetchone()[0]
    with pytest.raises(UserError):
        store.code(info.id, "no_such_theme", "ana", 0, 5)
    assert store.conn.execute("SELECT COUNT(*) FROM events").fetchone()[0] == before


def test_checkpoint_mark_is_an_attribute_from_the_start(store):
    """The last checkpoint's change count is set in ``__init__`` (it was read with a
    ``getattr`` default, so a typo in its name would have gone unnoticed)."""
    assert vars(store)["_checkpointed_at"] == 0
    store.checkpoint_writes()  # what opening wrote (the schema)
    assert store.checkpoint_writes() is False  # nothing new since
    with store.write():
        store.conn.execute("INSERT INTO settings (key, value) VALUES ('probe', '1')")
    assert store.checkpoint_writes() is True
    assert store._checkpointed_at == store.conn.total_changes
    assert store.checkpoint_writes() is False
