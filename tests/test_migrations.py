"""Schema migrations: from a blank database, from the first version, failing, too new.

Like llm's ``tests/test_migrate.py``: migrate a blank database and assert the
columns and foreign keys of the tables. Then take a database made by the first
schema version only (``m001``), as a researcher's old project would be, and check
that opening it migrates it, writing an owner-only backup first that still opens
as the old version; that a migration which fails leaves the file untouched; and
that a database from a newer qualcoder_ahp is refused with a clear message.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import stat

import pytest
from sqlite_utils import Database
from sqlite_utils.db import ForeignKey

from qualcoder_ahp.errors import SchemaTooNew
from qualcoder_ahp.importers import import_participants, import_paths, read_transcript
from qualcoder_ahp.model import migrations as migrations_module
from qualcoder_ahp.model.migrations import MIGRATIONS, known_count
from qualcoder_ahp.model.store import content_hash, open_store
from tests.helpers.project import build_project, parsed_transcript

FIRST = MIGRATIONS._migrations[0].name
SECOND = MIGRATIONS._migrations[1].name
THIRD = MIGRATIONS._migrations[2].name


def _dump(path) -> list[str]:
    conn = sqlite3.connect(str(path))
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


def _fks(db: Database, table: str) -> set[tuple[str, str, str]]:
    return {(fk.column, fk.other_table, fk.on_delete) for fk in db.table(table).foreign_keys}


def _make_v1(path) -> None:
    """A project as the first release wrote it: only m001, user_version 1, some data."""
    db = Database(str(path))
    MIGRATIONS.apply(db, stop_before=SECOND)
    db.execute("PRAGMA user_version = 1")
    db.execute(
        "INSERT INTO coders (name, guid, created_at) VALUES ('ana', 'g-ana', '2026-01-01')")
    db.execute(
        "INSERT INTO themes (id, name, guid) VALUES ('serendipity', 'Serendipity', 'g-th')")
    text = parsed_transcript().text
    db.execute(
        "INSERT INTO transcripts (name, format, content_hash, text, words, imported_at, guid) "
        "VALUES ('story', 'txt', 'h1', ?, 40, '2026-01-01', 'g-t')", [text])
    db.execute(
        'INSERT INTO codings (transcript_id, theme_id, coder_id, start, "end", quote, origin, '
        "active, created_at, guid) VALUES (1, 'serendipity', 1, 0, 4, ?, 'manual', 1, "
        "'2026-01-01', 'g-c')", [text[:4]])
    db.conn.commit()
    db.close()


def test_blank_database_migrates_to_the_full_schema():
    db = Database(memory=True)
    MIGRATIONS.apply(db)
    assert [m.name for m in MIGRATIONS.applied(db)] == [m.name for m in MIGRATIONS._migrations]
    assert db.table("codings").columns_dict == {
        "id": int, "transcript_id": int, "theme_id": str, "coder_id": int, "start": int,
        "end": int, "quote": str, "origin": str, "suggestion_id": int, "active": int,
        "created_at": str, "guid": str,
    }
    assert db.table("decisions").columns_dict == {
        "suggestion_id": int, "coder_id": int, "status": str, "coding_id": int, "event_id": int,
    }
    assert db.table("events").columns_dict == {
        "id": int, "coder_id": int, "at": str, "kind": str, "payload": str,
    }
    assert db.table("suggestions").columns_dict == {
        "id": int, "transcript_id": int, "theme_id": str, "unit": str, "start": int, "end": int,
        "pattern_ids": str, "matches": str, "status": str, "created_at": str, "found": int,
        "lost_pattern_ids": str,
    }
    assert {("coder_id", "coders", "NO ACTION"), ("suggestion_id", "suggestions", "NO ACTION"),
            ("transcript_id", "transcripts", "CASCADE"), ("theme_id", "themes", "NO ACTION")} \
        == _fks(db, "codings")
    assert _fks(db, "decisions") == {
        ("suggestion_id", "suggestions", "CASCADE"), ("coder_id", "coders", "NO ACTION"),
        ("coding_id", "codings", "NO ACTION"), ("event_id", "events", "NO ACTION")}
    assert _fks(db, "turns") == {("transcript_id", "transcripts", "CASCADE")}
    assert _fks(db, "themes") == {("parent_id", "themes", "NO ACTION")}
    assert ForeignKey("events", "coder_id", "coders", "id") in db.table("events").foreign_keys
    assert db.table("transcripts").columns_dict == {
        "id": int, "name": str, "version": int, "path": str, "format": str,
        "content_hash": str, "text": str, "participant_id": int, "words": int,
        "imported_at": str, "guid": str, "source_hash": str, "path_key": str,
    }
    indexes = {i.name: i.columns for t in ("codings", "suggestions", "decisions",
                                           "transcripts") for i in db.table(t).indexes}
    assert indexes["transcripts_by_source"] == ["source_hash"]
    assert indexes["codings_by_theme"] == ["theme_id", "active"]
    assert indexes["suggestions_by_theme"] == ["theme_id", "status"]
    assert indexes["decisions_by_coder"] == ["coder_id"]


def test_report_queries_use_the_m002_indexes(tmp_path):
    store = build_project(tmp_path / "plan.db")
    plans = {
        "codings_by_theme": "SELECT COUNT(*) FROM codings WHERE theme_id = ? AND active = 1",
        "suggestions_by_theme": "SELECT id FROM suggestions WHERE theme_id = ? AND status = ?",
        "decisions_by_coder": "SELECT suggestion_id FROM decisions WHERE coder_id = ?",
    }
    for index, sql in plans.items():
        args = ["serendipity", "open"][: sql.count("?")] if "theme" in sql else [1]
        plan = " ".join(r[-1] for r in store.conn.execute("EXPLAIN QUERY PLAN " + sql, args))
        assert index in plan, (sql, plan)
    store.close()


def test_first_version_database_migrates_with_an_owner_only_backup(tmp_path):
    path = tmp_path / "old.db"
    _make_v1(path)
    old_dump = _dump(path)
    store = open_store(path)
    assert store.conn.execute("PRAGMA user_version").fetchone()[0] == known_count()
    assert [m.name for m in MIGRATIONS.applied(store.db)] == [
        m.name for m in MIGRATIONS._migrations]
    assert store.codings(coder="ana")[0].quote == parsed_transcript().text[:4]  # data kept
    assert store.integrity_ok()
    store.close()
    backup = tmp_path / "old.db.bak-v1"
    assert backup.exists()
    assert stat.S_IMODE(os.stat(backup).st_mode) == 0o600
    conn = sqlite3.connect(str(backup))
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
    assert [r[0] for r in conn.execute("SELECT name FROM _sqlite_migrations")] == [FIRST]
    conn.close()
    assert _dump(backup) == old_dump  # the backup is the old database, byte for byte in SQL


def test_failed_migration_leaves_the_original_untouched(tmp_path, monkeypatch):
    path = tmp_path / "old.db"
    _make_v1(path)
    old_dump = _dump(path)
    second = MIGRATIONS._migrations[1]
    real = second.fn

    def half_then_fail(db):
        real(db)  # the indexes are created ...
        raise RuntimeError("disk full")  # ... then the migration fails

    monkeypatch.setattr(second, "fn", half_then_fail)
    with pytest.raises(RuntimeError, match="disk full"):
        open_store(path)
    assert _dump(path) == old_dump
    conn = sqlite3.connect(str(path))
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()
    monkeypatch.setattr(second, "fn", real)
    store = open_store(path)  # and a later, working version migrates it normally
    assert store.conn.execute("PRAGMA user_version").fetchone()[0] == known_count()
    store.close()


def test_failed_first_migration_of_a_new_project_leaves_no_half_schema(tmp_path, monkeypatch):
    path = tmp_path / "new.db"
    first = MIGRATIONS._migrations[0]
    real = first.fn

    def fail_late(db):
        real(db)
        raise RuntimeError("interrupted")

    monkeypatch.setattr(first, "fn", fail_late)
    with pytest.raises(RuntimeError):
        open_store(path)
    conn = sqlite3.connect(str(path))
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert "codings" not in tables and "transcripts" not in tables
    conn.close()


def test_newer_schema_is_refused_with_a_clear_message_and_not_touched(tmp_path):
    path = tmp_path / "future.db"
    open_store(path).close()
    conn = sqlite3.connect(str(path))
    conn.execute(f"PRAGMA user_version = {known_count() + 1}")
    conn.close()
    before = _dump(path)
    with pytest.raises(SchemaTooNew) as info:
        open_store(path)
    message = str(info.value)
    assert "future.db" in message and "newer" in message and "upgrade" in message
    assert "\n" not in message
    assert _dump(path) == before
    assert not list(tmp_path.glob("future.db.bak*"))


def test_reopening_a_current_database_writes_no_backup(tmp_path):
    path = tmp_path / "current.db"
    open_store(path).close()
    open_store(path).close()
    assert not list(tmp_path.glob("current.db.bak*"))


def test_migrations_are_appended_never_renumbered():
    # Guards the numbering rule: migrations are appended, never renumbered.
    names = [m.name for m in MIGRATIONS._migrations]
    assert names[:4] == ["m001_create_tables", "m002_add_report_indexes",
                         "m003_add_transcript_source_hash", "m004_add_withdrawn"]
    assert names == sorted(names)
    assert callable(migrations_module.m003_add_transcript_source_hash)


def _make_v2(path, source) -> None:
    """A project as the release before m003 wrote it: an imported file, no file hash."""
    db = Database(str(path))
    MIGRATIONS.apply(db, stop_before=THIRD)
    db.execute("PRAGMA user_version = 2")
    parsed = read_transcript(source)
    db.execute(
        "INSERT INTO transcripts (name, path, format, content_hash, text, words, imported_at,"
        " guid) VALUES ('story', ?, 'txt', ?, ?, 9, '2026-01-01', 'g-t')",
        [str(source), content_hash(parsed.text), parsed.text])
    db.conn.commit()
    db.close()


def test_second_version_database_gains_source_hash_and_back_fills_it(tmp_path):
    # m003 adds transcripts.source_hash (NULL for what was imported before): the same
    # file imported again, read as stored, records it then.
    source = tmp_path / "story.txt"
    source.write_text("Interviewer: How did it start?\n\nAnn: By chance, in a clinic.\n",
                      encoding="utf-8")
    path = tmp_path / "v2.db"
    _make_v2(path, source)
    old_dump = _dump(path)
    store = open_store(path)
    assert store.conn.execute("PRAGMA user_version").fetchone()[0] == known_count() == 15
    assert store.conn.execute("SELECT name, source_hash FROM transcripts").fetchall() == [
        ("story", None)]
    report = import_paths(store, [source])
    assert [t.name for t in report.unchanged] == ["story"] and not report.notes
    assert store.conn.execute("SELECT source_hash FROM transcripts").fetchone()[0] == \
        hashlib.sha256(source.read_bytes()).hexdigest()
    assert store.integrity_ok()
    store.close()
    assert _dump(tmp_path / "v2.db.bak-v2") == old_dump


def test_a_migrated_project_is_refused_by_the_previous_version(tmp_path, monkeypatch):
    # A project opened here is at the newest schema; a copy of an earlier release (three
    # migrations) elsewhere refuses it before touching it, as for any newer schema.
    path = tmp_path / "shared.db"
    open_store(path).close()
    before = _dump(path)
    newest = known_count()
    monkeypatch.setattr(MIGRATIONS, "_migrations", MIGRATIONS._migrations[:3])
    with pytest.raises(SchemaTooNew, match=rf"version {newest} is newer .*understands \(3\)"):
        open_store(path)
    assert _dump(path) == before


def test_third_version_database_gains_the_withdrawn_table_with_a_backup(tmp_path):
    # m004 adds the table of withdrawn transcripts' hashes (qcahp withdraw); a project
    # of the release before it keeps its data and leaves a backup that equals it.
    path = tmp_path / "v3.db"
    db = Database(str(path))
    MIGRATIONS.apply(db, stop_before=MIGRATIONS._migrations[3].name)
    db.execute("PRAGMA user_version = 3")
    db.execute("INSERT INTO coders (name, guid, created_at) VALUES ('ana', 'g', '2026-01-01')")
    db.conn.commit()
    db.close()
    old_dump = _dump(path)
    store = open_store(path)
    assert store.conn.execute("PRAGMA user_version").fetchone()[0] == known_count()
    assert store.coders() == ["ana"]
    assert store.db.table("withdrawn").columns_dict == {"hash": str, "kind": str,
                                                        "event_id": int}
    assert _fks(store.db, "withdrawn") == {("event_id", "events", "NO ACTION")}
    store.close()
    assert _dump(tmp_path / "v3.db.bak-v3") == old_dump
    assert stat.S_IMODE(os.stat(tmp_path / "v3.db.bak-v3").st_mode) == 0o600


def test_fourth_version_database_remembers_its_withdrawn_participants(tmp_path):
    # m005 adds the salted hashes of withdrawn participants: a project of the release
    # before it, where `qcahp withdraw --participant` ran, keeps the participant out of
    # the next `participants import` (which restored their attributes), unless they were
    # in the project again already; a backup equal to the old file is left.
    path = tmp_path / "v4.db"
    db = Database(str(path))
    MIGRATIONS.apply(db, stop_before=MIGRATIONS._migrations[4].name)
    db.execute("PRAGMA user_version = 4")
    db.execute("INSERT INTO participants (code, guid) VALUES ('back', 'g-b')")
    db.execute("INSERT INTO events (at, kind, payload) VALUES ('2026-11-20T10:00:00', "
               "'withdraw', ?)", ['{"participants": ["ot_dev", "back"], "transcripts": []}'])
    db.execute("INSERT INTO events (at, kind, payload) VALUES ('2026-11-21', 'withdraw', "
               "'not json')")
    db.conn.commit()
    db.close()
    old_dump = _dump(path)
    store = open_store(path)
    assert store.conn.execute("PRAGMA user_version").fetchone()[0] == known_count() == 15
    assert _fks(store.db, "withdrawn_participants") == {("event_id", "events", "NO ACTION")}
    assert store.conn.execute("SELECT COUNT(*) FROM withdrawn_participants").fetchone()[0] == 1
    assert store.withdrawn_participant("ot_dev")["at"].startswith("2026-11-20")
    assert store.withdrawn_participant("back") is None
    salt = store.get_setting(migrations_module.SALT_SETTING)
    assert salt and len(salt) == 32
    csv_file = tmp_path / "people.csv"
    csv_file.write_text("participant,profession\not_dev,OT\nback,Physio\n", encoding="utf-8")
    report = import_participants(store, csv_file)
    assert report.updated == ["back"] and [c for c, _ in report.withdrawn] == ["ot_dev"]
    assert "ot_dev" not in store.participants()
    store.close()
    assert _dump(tmp_path / "v4.db.bak-v4") == old_dump
    # Each project has its own salt: the same id hashes differently.
    other = open_store(tmp_path / "other.db")
    assert other.get_setting(migrations_module.SALT_SETTING) != salt
    other.close()


def test_fifth_version_database_gains_the_log_and_count_indexes(tmp_path):
    # m006 indexes the event log by kind (the reconcile log, `qcahp log --kind`) and a
    # coder's codings by theme (the coding screen's counts); a project of the release
    # before it keeps its data, leaves a backup equal to it, and the queries use them.
    path = tmp_path / "v5.db"
    db = Database(str(path))
    MIGRATIONS.apply(db, stop_before=MIGRATIONS._migrations[5].name)
    db.execute("PRAGMA user_version = 5")
    db.execute("INSERT INTO coders (name, guid, created_at) VALUES ('ana', 'g', '2026-01-01')")
    db.execute("INSERT INTO events (coder_id, at, kind, payload) VALUES (1, '2026-11-20', "
               "'reconcile', '{}')")
    db.conn.commit()
    db.close()
    old_dump = _dump(path)
    store = open_store(path)
    assert store.conn.execute("PRAGMA user_version").fetchone()[0] == known_count() == 15
    indexes = {i.name: i.columns for t in ("events", "codings")
               for i in store.db.table(t).indexes}
    assert indexes["events_by_kind"] == ["kind"]
    assert indexes["codings_by_coder_theme"] == ["coder_id", "theme_id", "active"]
    plans = {
        "events_by_kind": "SELECT id FROM events WHERE kind IN ('reconcile', 'undo')",
        "codings_by_coder_theme": "SELECT COUNT(*) FROM codings WHERE coder_id = 1 "
                                  "AND theme_id = 'luck' AND active = 1",
    }
    for index, sql in plans.items():
        plan = " ".join(r[-1] for r in store.conn.execute("EXPLAIN QUERY PLAN " + sql))
        assert index in plan, (sql, plan)
    assert store.conn.execute("SELECT kind FROM events").fetchall() == [("reconcile",)]
    store.close()
    assert _dump(tmp_path / "v5.db.bak-v5") == old_dump


def test_eighth_version_database_keeps_its_pattern_order_and_gains_a_version(tmp_path):
    # m009 stores each pattern's place in the codebook file (an export wrote them sorted
    # by id) and the file's `version:`. A project of the release before it takes the
    # patterns' row order, which is the order of the file first loaded, not their ids'.
    path = tmp_path / "v8.db"
    db = Database(str(path))
    MIGRATIONS.apply(db, stop_before=MIGRATIONS._migrations[8].name)
    db.execute("PRAGMA user_version = 8")
    db.execute("INSERT INTO themes (id, name, guid) VALUES ('luck', 'Luck', 'g-th')")
    for pid in ("zz_fell_into", "aa_by_chance", "mm_asked"):
        db.execute("INSERT INTO patterns (id, theme_id, kind, body, body_hash) VALUES "
                   "(?, 'luck', 'phrase', ?, 'h')", [pid, f'"{pid}"'])
    db.execute("INSERT INTO codebooks (name, path, content_hash, loaded_at) VALUES "
               "('c', 'c.yaml', 'h', '2026-11-01')")
    db.conn.commit()
    db.close()
    old_dump = _dump(path)
    store = open_store(path)
    assert store.conn.execute("PRAGMA user_version").fetchone()[0] == known_count() == 15
    assert store.db.table("patterns").columns_dict["position"] is int
    assert [p.id for p in store.patterns()] == ["zz_fell_into", "aa_by_chance", "mm_asked"]
    assert [load.version for load in store.codebook_loads()] == [None]
    store.close()
    assert _dump(tmp_path / "v8.db.bak-v8") == old_dump


def test_ninth_version_database_gains_the_codebook_description(tmp_path):
    # m010 stores the codebook file's own `description:`, which load accepted and
    # dropped. A project of the release before it has loads with none (NULL): its
    # stored codebook has no description until a file with one is loaded.
    path = tmp_path / "v9.db"
    db = Database(str(path))
    MIGRATIONS.apply(db, stop_before=MIGRATIONS._migrations[9].name)
    db.execute("PRAGMA user_version = 9")
    db.execute("INSERT INTO themes (id, name, guid) VALUES ('luck', 'Luck', 'g-th')")
    db.execute("INSERT INTO codebooks (name, path, content_hash, loaded_at, version) VALUES "
               "('Night shifts', 'c.yaml', 'h', '2026-11-01', '2')")
    db.conn.commit()
    db.close()
    old_dump = _dump(path)
    store = open_store(path)
    assert store.conn.execute("PRAGMA user_version").fetchone()[0] == known_count() == 15
    assert store.db.table("codebooks").columns_dict["description"] is str
    assert [(x.version, x.description) for x in store.codebook_loads()] == [("2", None)]
    assert store.codebook().description == ""
    store.close()
    assert _dump(tmp_path / "v9.db.bak-v9") == old_dump
