"""Numbered schema migrations for the project database.

Each migration is a function ``m00N_verb_noun`` registered on :data:`MIGRATIONS`
(sqlite-utils 4 ships ``Migrations``). The DDL is written as SQL so that every
foreign key, CHECK and UNIQUE constraint is explicit and reviewable in one place.
``PRAGMA user_version`` mirrors the number of applied migrations so that a database
written by a newer version can be refused before anything touches it.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import sqlite3
from collections.abc import Iterable, Sequence

from sqlite_utils import Database, Migrations

MIGRATIONS = Migrations("qualcoder_ahp")

SCHEMA_V1 = """
CREATE TABLE participants (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    guid TEXT NOT NULL UNIQUE
);
CREATE TABLE participant_attributes (
    participant_id INTEGER NOT NULL REFERENCES participants(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    value TEXT,
    PRIMARY KEY (participant_id, name)
);
CREATE TABLE transcripts (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    path TEXT,
    format TEXT NOT NULL,
    content_hash TEXT NOT NULL UNIQUE,
    text TEXT NOT NULL,
    participant_id INTEGER REFERENCES participants(id),
    words INTEGER NOT NULL,
    imported_at TEXT NOT NULL,
    guid TEXT NOT NULL UNIQUE,
    UNIQUE (name, version)
);
CREATE TABLE turns (
    id INTEGER PRIMARY KEY,
    transcript_id INTEGER NOT NULL REFERENCES transcripts(id) ON DELETE CASCADE,
    idx INTEGER NOT NULL,
    speaker TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('interviewer', 'participant', 'other')),
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    time TEXT,
    UNIQUE (transcript_id, idx)
);
CREATE TABLE sentences (
    id INTEGER PRIMARY KEY,
    transcript_id INTEGER NOT NULL REFERENCES transcripts(id) ON DELETE CASCADE,
    idx INTEGER NOT NULL,
    turn_idx INTEGER NOT NULL,
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    UNIQUE (transcript_id, idx)
);
CREATE INDEX sentences_span ON sentences (transcript_id, start);
CREATE TABLE coders (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    guid TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL
);
CREATE TABLE codebooks (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    path TEXT,
    content_hash TEXT NOT NULL,
    pipeline TEXT,
    loaded_at TEXT NOT NULL
);
CREATE TABLE themes (
    id TEXT PRIMARY KEY,
    parent_id TEXT REFERENCES themes(id),
    name TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    inclusion TEXT NOT NULL DEFAULT '',
    exclusion TEXT NOT NULL DEFAULT '',
    examples TEXT NOT NULL DEFAULT '[]',
    color TEXT NOT NULL DEFAULT '#888888',
    codable INTEGER NOT NULL DEFAULT 1,
    position INTEGER NOT NULL DEFAULT 0,
    active INTEGER NOT NULL DEFAULT 1,
    guid TEXT NOT NULL UNIQUE
);
CREATE TABLE patterns (
    id TEXT PRIMARY KEY,
    theme_id TEXT NOT NULL REFERENCES themes(id),
    kind TEXT NOT NULL CHECK (kind IN ('token', 'phrase', 'regex', 'dependency')),
    body TEXT NOT NULL,
    scope TEXT NOT NULL DEFAULT 'participant',
    unit TEXT NOT NULL DEFAULT 'sentence',
    exclude INTEGER NOT NULL DEFAULT 0,
    body_hash TEXT NOT NULL,
    active INTEGER NOT NULL DEFAULT 1
);
CREATE TABLE suggestions (
    id INTEGER PRIMARY KEY,
    transcript_id INTEGER NOT NULL REFERENCES transcripts(id) ON DELETE CASCADE,
    theme_id TEXT NOT NULL REFERENCES themes(id),
    unit TEXT NOT NULL,
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    pattern_ids TEXT NOT NULL,
    matches TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'retired')),
    created_at TEXT NOT NULL,
    UNIQUE (transcript_id, theme_id, start, "end")
);
CREATE INDEX suggestions_by_transcript ON suggestions (transcript_id, start);
CREATE TABLE codings (
    id INTEGER PRIMARY KEY,
    transcript_id INTEGER NOT NULL REFERENCES transcripts(id) ON DELETE CASCADE,
    theme_id TEXT NOT NULL REFERENCES themes(id),
    coder_id INTEGER NOT NULL REFERENCES coders(id),
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    quote TEXT NOT NULL,
    origin TEXT NOT NULL,
    suggestion_id INTEGER REFERENCES suggestions(id),
    active INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    guid TEXT NOT NULL UNIQUE,
    CHECK (start >= 0 AND "end" > start)
);
CREATE INDEX codings_by_coder ON codings (coder_id, transcript_id, active);
CREATE TABLE decisions (
    suggestion_id INTEGER NOT NULL REFERENCES suggestions(id) ON DELETE CASCADE,
    coder_id INTEGER NOT NULL REFERENCES coders(id),
    status TEXT NOT NULL CHECK (status IN ('accepted', 'rejected', 'adjusted')),
    coding_id INTEGER REFERENCES codings(id),
    event_id INTEGER NOT NULL REFERENCES events(id),
    PRIMARY KEY (suggestion_id, coder_id)
);
CREATE TABLE memos (
    id INTEGER PRIMARY KEY,
    coder_id INTEGER NOT NULL REFERENCES coders(id),
    target_kind TEXT NOT NULL CHECK (target_kind IN ('coding', 'theme', 'transcript')),
    target_id TEXT NOT NULL,
    text TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    guid TEXT NOT NULL UNIQUE,
    UNIQUE (coder_id, target_kind, target_id)
);
CREATE TABLE events (
    id INTEGER PRIMARY KEY,
    coder_id INTEGER REFERENCES coders(id),
    at TEXT NOT NULL,
    kind TEXT NOT NULL,
    payload TEXT NOT NULL
);
CREATE INDEX events_by_coder ON events (coder_id, id);
CREATE TABLE settings (
    key TEXT PRIMARY KEY,
    value TEXT
);
CREATE TABLE doc_cache (
    key TEXT PRIMARY KEY,
    data BLOB NOT NULL
);
-- The event log is append-only: the database itself refuses edits and deletes.
CREATE TRIGGER events_no_update BEFORE UPDATE ON events
BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
CREATE TRIGGER events_no_delete BEFORE DELETE ON events
BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
"""


@MIGRATIONS()
def m001_create_tables(db: Database) -> None:
    """Create the first schema: corpus, codebook, suggestions, codings, events."""
    for statement in _split_sql(SCHEMA_V1):
        db.execute(statement)


@MIGRATIONS()
def m002_add_report_indexes(db: Database) -> None:
    """Index the lookups that reports, agreement and the workbench make per theme or coder.

    Without them, counts per theme, a transcript's codings for every coder and a
    coder's decisions each scan the whole table, which grows with the study.
    """
    for statement in (
        "CREATE INDEX codings_by_theme ON codings (theme_id, active)",
        "CREATE INDEX codings_by_transcript ON codings (transcript_id, start)",
        "CREATE INDEX suggestions_by_theme ON suggestions (theme_id, status)",
        "CREATE INDEX decisions_by_coder ON decisions (coder_id)",
    ):
        db.execute(statement)


@MIGRATIONS()
def m003_add_transcript_source_hash(db: Database) -> None:
    """Record the SHA-256 of each imported file's bytes (``transcripts.source_hash``).

    The stored text's hash changes when a better parser reads the same file
    differently; the file's own hash does not, so re-importing an unchanged file stays
    "unchanged". Nullable: rows imported before this migration (and REFI-QDA sources,
    which come as text) have none. Adding a column keeps every row and every older
    query valid; a version that knows only m001-m002 refuses the file anyway
    (``user_version`` is then newer than it understands) before touching it.
    """
    db.execute("ALTER TABLE transcripts ADD COLUMN source_hash TEXT")
    db.execute("CREATE INDEX transcripts_by_source ON transcripts (source_hash)")


@MIGRATIONS()
def m004_add_withdrawn(db: Database) -> None:
    """Remember the transcripts withdrawn from the study (``qcahp withdraw``), by hash only.

    One row per hash of a withdrawn transcript: the SHA-256 of the file it was
    imported from (``source``, when known) and of its stored text (``text``, and the
    text before ``qcahp redact`` rewrote it), with the ``withdraw`` event that removed
    it. No text and no name: it is there so that importing, merging or REFI-importing
    the same interview again is refused instead of bringing it back by accident.
    """
    db.execute(
        "CREATE TABLE withdrawn (\n"
        "    hash TEXT NOT NULL,\n"
        "    kind TEXT NOT NULL CHECK (kind IN ('source', 'text')),\n"
        "    event_id INTEGER NOT NULL REFERENCES events(id),\n"
        "    PRIMARY KEY (hash, kind)\n"
        ")")


SALT_SETTING = "participant_key_salt"
"""The ``settings`` key of the project's random salt for :func:`participant_key`."""


def participant_key(salt: str, code: str) -> str:
    """The hash a withdrawn participant is remembered by: SHA-256 of the project's salt
    and the id as a researcher would type it again (trimmed, case folded).

    Salted per project, so the table is no dictionary of bare ids' hashes."""
    return hashlib.sha256(f"{salt}\n{code.strip().casefold()}".encode()).hexdigest()


@MIGRATIONS()
def m005_add_withdrawn_participants(db: Database) -> None:
    """Remember the participants withdrawn from the study (``qcahp withdraw
    --participant``), by a salted hash of their id only.

    A participant's id and attributes came back with the next ``qcahp participants
    import`` of the study's CSV. One row per withdrawn participant: the SHA-256 of a
    random salt kept in ``settings`` (made here, once per project) and the id
    (:func:`participant_key`), with the ``withdraw`` event. Participants withdrawn
    before this migration are remembered from their ``withdraw`` events, unless they
    are in the project again.
    """
    db.execute(
        "CREATE TABLE withdrawn_participants (\n"
        "    hash TEXT PRIMARY KEY,\n"
        "    event_id INTEGER NOT NULL REFERENCES events(id)\n"
        ")")
    row = db.execute("SELECT value FROM settings WHERE key = ?", [SALT_SETTING]).fetchone()
    salt = row[0] if row and row[0] else secrets.token_hex(16)
    db.execute("INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)",
               [SALT_SETTING, salt])
    here = {r[0] for r in db.execute("SELECT code FROM participants")}
    for event_id, payload in db.execute(
            "SELECT id, payload FROM events WHERE kind = 'withdraw' ORDER BY id").fetchall():
        try:
            people = json.loads(payload).get("participants") or []
        except (ValueError, AttributeError):
            continue
        for code in people:
            if isinstance(code, str) and code not in here:
                db.execute("INSERT OR REPLACE INTO withdrawn_participants (hash, event_id) "
                           "VALUES (?, ?)", [participant_key(salt, code), event_id])


@MIGRATIONS()
def m006_add_event_kind_and_coder_theme_indexes(db: Database) -> None:
    """Index the event log by kind, and a coder's codings by theme.

    The reconcile log reads the ``reconcile``, ``undo``, ``redo`` and ``merged`` events
    and the audit trail's ``--kind`` and ``--coder`` read some kinds only; without
    ``events_by_kind`` each scans the whole log (288,000 events at 2M words). The coding
    screen's codebook pane counts the coder's codings of each theme a decision touched
    (``WorkbenchMixin.theme_counts``); ``codings_by_coder_theme`` answers that from the
    index alone instead of reading every coding of the coder. Indexes only: every row and
    query stays valid for a version that knows m001-m005, which refuses the file anyway
    (``user_version`` is newer than it understands).
    """
    db.execute("CREATE INDEX events_by_kind ON events (kind)")
    db.execute("CREATE INDEX codings_by_coder_theme ON codings (coder_id, theme_id, active)")


@MIGRATIONS()
def m007_allow_cell_memos(db: Database) -> None:
    """Let a memo be on a cell of the framework matrix (``target_kind = 'cell'``).

    A cell summary (``qcahp framework summarise``) is one coder's memo on one case and
    one theme, its target ``participant:<participant id>|<theme id>`` or
    ``transcript:<transcript name>|<theme id>``
    (:mod:`qualcoder_ahp.model.framework_store`), so that the log, undo and redo, merge,
    ``qcahp memos`` and withdrawal treat it as every other memo. SQLite cannot change a
    CHECK constraint in place: the table is rebuilt with every row, id and GUID kept. A
    version that knows m001-m006 refuses the file (``user_version`` is newer than it
    understands) before it could meet a memo kind it does not know.
    """
    db.execute(
        "CREATE TABLE memos_m007 (\n"
        "    id INTEGER PRIMARY KEY,\n"
        "    coder_id INTEGER NOT NULL REFERENCES coders(id),\n"
        "    target_kind TEXT NOT NULL\n"
        "        CHECK (target_kind IN ('coding', 'theme', 'transcript', 'cell')),\n"
        "    target_id TEXT NOT NULL,\n"
        "    text TEXT NOT NULL,\n"
        "    updated_at TEXT NOT NULL,\n"
        "    guid TEXT NOT NULL UNIQUE,\n"
        "    UNIQUE (coder_id, target_kind, target_id)\n"
        ")")
    db.execute("INSERT INTO memos_m007 (id, coder_id, target_kind, target_id, text, "
               "updated_at, guid) SELECT id, coder_id, target_kind, target_id, text, "
               "updated_at, guid FROM memos")
    db.execute("DROP TABLE memos")
    db.execute("ALTER TABLE memos_m007 RENAME TO memos")


EVENT_TARGETS_TABLE = """
CREATE TABLE event_targets (
    event_id INTEGER NOT NULL REFERENCES events(id),
    transcript_id INTEGER,
    theme_id TEXT,
    CHECK (transcript_id IS NOT NULL OR theme_id IS NOT NULL)
);
CREATE INDEX event_targets_by_event ON event_targets (event_id);
CREATE INDEX event_targets_by_transcript ON event_targets (transcript_id, event_id);
CREATE INDEX event_targets_by_theme ON event_targets (theme_id, event_id);
"""
"""The transcripts and themes each event of the log is about (:func:`m008_add_event_targets`)."""

_MADE = ("(SELECT json_extract(j.value, '$.id') FROM json_each(NEW.payload, '$.changes') j "
         "WHERE json_extract(j.value, '$.op') = 'coding' AND json_extract(j.value, '$.after') "
         "= 1 ORDER BY j.key LIMIT 1)")
_MEMO = ("(SELECT j.value FROM json_each(NEW.payload, '$.changes') j "
         "WHERE json_extract(j.value, '$.op') = 'memo' ORDER BY j.key LIMIT 1)")
_INSERT = "INSERT INTO event_targets (event_id, transcript_id, theme_id) "
# A framework summary's target, ``participant:p07|theme`` or ``transcript:name|theme``:
# the case is before the last "|" (a name may hold one, a theme id never does), which
# rtrim finds by stripping every other character of the target from the right.
_CELL = f"json_extract({_MEMO}, '$.target')"
_CELL_CASE_BAR = f"rtrim({_CELL}, replace({_CELL}, '|', ''))"
_CELL_THEME = f"substr({_CELL}, length({_CELL_CASE_BAR}) + 1)"
_CELL_CASE = f"substr({_CELL_CASE_BAR}, 1, length({_CELL_CASE_BAR}) - 1)"
_IS_CELL = f"NEW.kind = 'memo' AND json_extract({_MEMO}, '$.kind') = 'cell'"
_CASE_TRANSCRIPTS = (
    "SELECT t.id FROM transcripts t LEFT JOIN participants p ON p.id = t.participant_id "
    f"WHERE (p.code IS NOT NULL AND {_CELL_CASE} = 'participant:' || p.code) "
    f"OR (p.code IS NULL AND {_CELL_CASE} = 'transcript:' || t.name)")
EVENT_TARGETS_TRIGGER = (
    "CREATE TRIGGER event_targets_on_insert AFTER INSERT ON events\n"
    "WHEN NEW.kind != 'merged' AND json_valid(NEW.payload)\nBEGIN\n"
    # A decision on a suggestion: its transcript and theme.
    + _INSERT + "SELECT NEW.id, s.transcript_id, s.theme_id FROM suggestions s "
    "WHERE NEW.kind IN ('accept', 'adjust', 'reject') "
    "AND s.id = json_extract(NEW.payload, '$.suggestion_id');\n"
    # A hand coding: the coding it made (or, not found, the theme it names).
    + _INSERT + "SELECT NEW.id, c.transcript_id, c.theme_id FROM codings c "
    f"WHERE NEW.kind = 'code' AND c.id = {_MADE};\n"
    + _INSERT + "SELECT NEW.id, NULL, json_extract(NEW.payload, '$.theme_id') "
    "WHERE NEW.kind = 'code' AND COALESCE(json_extract(NEW.payload, '$.theme_id'), '') "
    f"!= '' AND NOT EXISTS (SELECT 1 FROM codings c WHERE c.id = {_MADE});\n"
    + _INSERT + "SELECT NEW.id, c.transcript_id, c.theme_id FROM codings c "
    "WHERE NEW.kind = 'remove' AND c.id = json_extract(NEW.payload, '$.coding_id');\n"
    # A memo: on a theme, a transcript, or a coding (its transcript and theme).
    + _INSERT + f"SELECT NEW.id, NULL, json_extract({_MEMO}, '$.target') "
    f"WHERE NEW.kind = 'memo' AND json_extract({_MEMO}, '$.kind') = 'theme';\n"
    + _INSERT + f"SELECT NEW.id, CAST(json_extract({_MEMO}, '$.target') AS INTEGER), NULL "
    f"WHERE NEW.kind = 'memo' AND json_extract({_MEMO}, '$.kind') = 'transcript' "
    f"AND json_extract({_MEMO}, '$.target') GLOB '[0-9]*' "
    f"AND json_extract({_MEMO}, '$.target') NOT GLOB '*[^0-9]*';\n"
    + _INSERT + "SELECT NEW.id, c.transcript_id, c.theme_id FROM codings c "
    f"WHERE NEW.kind = 'memo' AND json_extract({_MEMO}, '$.kind') = 'coding' "
    f"AND c.id = CAST(json_extract({_MEMO}, '$.target') AS INTEGER);\n"
    # A framework summary: the case's transcripts and the theme (the theme alone when
    # the case has no transcript left).
    + _INSERT + f"SELECT NEW.id, id, {_CELL_THEME} FROM ({_CASE_TRANSCRIPTS}) "
    f"WHERE {_IS_CELL} AND {_CELL_THEME} != '';\n"
    + _INSERT + f"SELECT NEW.id, NULL, {_CELL_THEME} WHERE {_IS_CELL} "
    f"AND {_CELL_THEME} != '' AND {_CELL_CASE} != '' AND NOT EXISTS ({_CASE_TRANSCRIPTS});\n"
    # An undo or redo: what the event it takes back or brings back was about.
    + _INSERT + "SELECT NEW.id, t.transcript_id, t.theme_id FROM event_targets t "
    "WHERE NEW.kind IN ('undo', 'redo') "
    "AND t.event_id = json_extract(NEW.payload, '$.target');\n"
    # The codings of a search: its transcripts, one theme.
    + _INSERT + "SELECT NEW.id, CAST(j.value AS INTEGER), json_extract(NEW.payload, "
    "'$.theme_id') FROM json_each(NEW.payload, '$.transcript_ids') j "
    "WHERE NEW.kind = 'undo_group' AND json_extract(NEW.payload, '$.theme_id') IS NOT NULL;\n"
    + _INSERT + "SELECT NEW.id, NULL, json_extract(NEW.payload, '$.theme_id') "
    "WHERE NEW.kind = 'undo_group' AND json_extract(NEW.payload, '$.theme_id') IS NOT NULL "
    "AND COALESCE(json_array_length(NEW.payload, '$.transcript_ids'), 0) = 0;\n"
    # Codings from Word comments: their transcript and every theme.
    + _INSERT + "SELECT NEW.id, CAST(j.value AS INTEGER), h.value "
    "FROM json_each(NEW.payload, '$.transcript_ids') j, json_each(NEW.payload, '$.theme_ids') h "
    "WHERE NEW.kind = 'undo_group' AND json_extract(NEW.payload, '$.theme_id') IS NULL;\n"
    + _INSERT + "SELECT NEW.id, json_extract(NEW.payload, '$.transcript_id'), "
    "json_extract(NEW.payload, '$.theme_id') WHERE NEW.kind = 'reconcile' "
    "AND json_extract(NEW.payload, '$.transcript_id') IS NOT NULL "
    "AND json_extract(NEW.payload, '$.theme_id') IS NOT NULL;\n"
    # A change of the codebook: its theme (a theme merge: both).
    + _INSERT + "SELECT NEW.id, NULL, json_extract(NEW.payload, '$.theme_id') "
    "WHERE NEW.kind IN ('theme_add', 'theme_edit', 'theme_retire', 'theme_restore', "
    "'theme_merge') AND json_extract(NEW.payload, '$.theme_id') IS NOT NULL;\n"
    + _INSERT + "SELECT NEW.id, NULL, json_extract(NEW.payload, '$.into') "
    "WHERE NEW.kind = 'theme_merge' AND json_extract(NEW.payload, '$.theme_id') IS NOT NULL "
    "AND json_extract(NEW.payload, '$.into') IS NOT NULL;\n"
    # A REFI-QDA import: the transcripts and themes of the codings it made.
    + _INSERT + "SELECT DISTINCT NEW.id, c.transcript_id, c.theme_id "
    "FROM json_each(NEW.payload, '$.changes') j JOIN codings c "
    "ON c.id = json_extract(j.value, '$.id') WHERE NEW.kind = 'refi_import' "
    "AND json_extract(j.value, '$.op') = 'coding' AND json_extract(j.value, '$.after');\n"
    + _INSERT + "SELECT NEW.id, json_extract(NEW.payload, '$.transcript_id'), NULL "
    "WHERE NEW.kind = 'redact' AND json_extract(NEW.payload, '$.transcript_id') IS NOT NULL;\n"
    "END")
"""Writes the ``event_targets`` of each new event in the statement that logs it, as
:meth:`~qualcoder_ahp.model.event_words.EventWords.describe` names its transcripts and themes.
A ``merged`` event (ids of a copy, translated) is written by the merge
(:func:`~qualcoder_ahp.model.audit.record_targets`), and a withdrawal rewrites those of
the events it scrubs."""


@MIGRATIONS()
def m008_add_event_targets(db: Database) -> None:
    """Store the transcripts and themes each event of the log is about (``event_targets``).

    ``qcahp log --transcript/--theme`` described every event to find those about a
    transcript or theme (288,000 events at 2M words); with one row per transcript
    and theme an event names, indexed, the filters and ``--limit`` are SQL. Each row
    names a transcript, a theme or both; an event is about every transcript and
    theme its rows name. Existing events are filled in from their words (the same
    :meth:`~qualcoder_ahp.model.event_words.EventWords.describe` the filters used), new ones
    by the trigger ``event_targets_on_insert`` (merged events by the merge). A new
    table and trigger only: a version that knows m001-m007 refuses the file anyway
    (``user_version`` is newer than it understands).
    """
    from qualcoder_ahp.model.audit import record_targets
    from qualcoder_ahp.model.store import Store

    for statement in _split_sql(EVENT_TARGETS_TABLE):
        db.execute(statement)
    store = Store(db, None)
    record_targets(store, [r[0] for r in db.execute("SELECT id FROM events ORDER BY id")])
    db.execute(EVENT_TARGETS_TRIGGER)


@MIGRATIONS()
def m009_add_pattern_position_and_codebook_version(db: Database) -> None:
    """Keep each pattern's place in its codebook file, and the file's ``version:``.

    ``qcahp codebook export`` wrote each theme's patterns sorted by id and without the
    file's ``version:``, so a researcher who groups patterns by idea lost the grouping in
    an export, edit and reload. ``patterns.position`` is the pattern's place in the file
    last loaded (each load writes it; row order is the first load's, and a reordered or
    edited file keeps its rows); ``codebooks.version`` is that load's ``version:`` (NULL
    when the file had none). Existing patterns take their row order, which is the file's
    unless a later load reordered them. New columns only: a version that knows m001-m008
    refuses the file anyway (``user_version`` is newer than it understands).
    """
    db.execute("ALTER TABLE patterns ADD COLUMN position INTEGER NOT NULL DEFAULT 0")
    db.execute("UPDATE patterns SET position = rowid")
    db.execute("ALTER TABLE codebooks ADD COLUMN version TEXT")


@MIGRATIONS()
def m010_add_codebook_description(db: Database) -> None:
    """Keep the codebook file's own ``description:`` (what the codebook is for).

    A codebook's top-level ``description:`` was accepted by ``qcahp codebook check`` and
    ``load`` but not stored, so ``qcahp codebook export`` dropped it and ``qcahp codebook
    show`` never showed it. ``codebooks.description`` is that load's ``description:``
    (NULL when the file had none): the stored codebook is the file last loaded, so a
    new version without one clears it. Loads made before this migration keep NULL (their
    file's description was never read). A new column only: a version that knows
    m001-m009 refuses the file anyway (``user_version`` is newer than it understands).
    """
    db.execute("ALTER TABLE codebooks ADD COLUMN description TEXT")


@MIGRATIONS()
def m011_add_suggestion_found_and_lost_patterns(db: Database) -> None:
    """Keep whether the codebook's patterns still find each suggestion
    (``suggestions.found``), and which patterns found it once and no longer do
    (``suggestions.lost_pattern_ids``).

    ``qcahp suggest`` keeps a suggestion open when a coder decided on it, even once no
    pattern finds it any more (a changed, removed or moved pattern): the decisions stay.
    It kept its last pattern ids, and ``qcahp patterns`` went on counting it, and its
    decisions, for patterns that no longer find it. ``found`` is 1 when the last run made
    the suggestion, 0 when it is kept open only for its decisions; ``lost_pattern_ids``
    (a JSON list, ``[]`` by default) holds the patterns that found it in an earlier run
    and not in the last, while others still do (a changed pattern's record would
    otherwise lose its decisions there without a trace). ``qcahp patterns`` counts both
    apart from the figures, as "decided, no longer found". Existing open suggestions none
    of whose patterns is still an active, non-exclusion pattern of their theme take
    ``found = 0`` here; the first ``suggest`` run after the upgrade sets the rest (a
    pattern whose words changed can only be told by running it). New columns only: a
    version that knows m001-m010 refuses the file anyway (``user_version`` is newer than
    it understands).
    """
    db.execute("ALTER TABLE suggestions ADD COLUMN found INTEGER NOT NULL DEFAULT 1 "
               "CHECK (found IN (0, 1))")
    db.execute("ALTER TABLE suggestions ADD COLUMN lost_pattern_ids TEXT NOT NULL "
               "DEFAULT '[]'")
    db.execute("UPDATE suggestions SET found = 0 WHERE status = 'open' AND json_valid("
               "pattern_ids) AND NOT EXISTS (SELECT 1 FROM json_each(suggestions.pattern_ids) "
               "j JOIN patterns p ON p.id = j.value WHERE p.theme_id = suggestions.theme_id "
               "AND p.active = 1 AND p.exclude = 0)")


@MIGRATIONS()
def m012_add_attribute_order(db: Database) -> None:
    """Keep the order participant attributes were defined in (``attributes``).

    Reports, ``qcahp participants`` and the workbench listed a participant's attributes
    by name (``board_distance`` before ``profession``), not in the order of the study's
    participants file. ``attributes`` holds each attribute name once; its ``id`` is the
    order it was first defined (a participants CSV's columns, left to right; a REFI-QDA
    file's variables; a script's dict). Existing attributes take the order they were
    stored in: each participant's rows were written in the file's column order, and
    those orders are merged (:func:`merged_order`), so an empty cell in the first row
    does not move its column to the end. A new table only: a version that knows
    m001-m011 refuses the file anyway (``user_version`` is newer than it understands).
    """
    db.execute(
        "CREATE TABLE attributes (\n"
        "    id INTEGER PRIMARY KEY,\n"
        "    name TEXT NOT NULL UNIQUE\n"
        ")")
    rows: dict[int, list[str]] = {}
    for pid, name in db.execute("SELECT participant_id, name FROM participant_attributes "
                                "ORDER BY rowid").fetchall():
        rows.setdefault(pid, []).append(name)
    for name in merged_order(rows.values()):
        db.execute("INSERT INTO attributes (name) VALUES (?)", [name])


def merged_order(sequences: Iterable[Sequence[str]]) -> list[str]:
    """One order of the names in ``sequences``, each of which lists some of them in the
    order they were defined (a participant's attributes, with the empty ones left out):
    a name not seen yet goes just before the first name seen already that follows it in
    its sequence, else at the end. ``[["b", "c"], ["a", "b"]]`` gives ``a, b, c``."""
    out: list[str] = []
    for seq in sequences:
        for i, name in enumerate(seq):
            if name in out:
                continue
            later = next((out.index(n) for n in seq[i + 1:] if n in out), len(out))
            out.insert(later, name)
    return out


def source_file_name(path: str) -> str:
    """The file name of an imported file's path (``p07.txt`` of
    ``/home/jsmith/Helen_Smith_consent/p07.txt``; a Windows path too)."""
    return path.replace("\\", "/").rstrip("/").rsplit("/", 1)[-1] or path


def path_key(salt: str, path: str | os.PathLike[str]) -> str:
    """The hash a transcript's source file is known by (``transcripts.path_key``):
    SHA-256 of the project's salt (:data:`SALT_SETTING`) and the file's full path, made
    absolute from the folder the command runs in, links followed. An output is never
    written over that file (``qcahp show p07 -o interviews/p07.txt``), and an earlier
    import from the same file is told apart from another file of the same name, without
    the folders (a login, a participant's name) in the project."""
    full = os.path.normcase(os.path.realpath(os.fspath(path)))
    return hashlib.sha256(f"{salt}\npath\n{full}".encode()).hexdigest()


def project_salt(db: Database | sqlite3.Connection) -> str:
    """The project's random salt (:data:`SALT_SETTING`), made and kept on first use
    (inside a write)."""
    row = db.execute("SELECT value FROM settings WHERE key = ?", [SALT_SETTING]).fetchone()
    if row and row[0]:
        return str(row[0])
    salt = secrets.token_hex(16)
    db.execute("INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)",
               [SALT_SETTING, salt])
    return salt


@MIGRATIONS()
def m013_keep_file_names_not_folders(db: Database) -> None:
    """Keep an imported transcript's file name, not the folders it sat in.

    ``transcripts.path`` held the path given to ``qcahp import`` (or ``refi import``):
    often a full path, with the researcher's login (``/home/jsmith/...``) or a
    participant's folder (``Helen_Smith_consent/``), in a file copied to every coder and
    shared with supervisors. It was read for two things only: to tell an earlier import
    from this same file apart from another file of its name, and to refuse an output
    written over an interview file. Both need only to recognise the file, so
    ``path_key`` holds a salted hash of its full path (:func:`path_key`) and ``path``
    only its file name. Existing rows are rewritten so (with ``secure_delete`` on, so
    the old paths do not stay in free space); a relative path is taken from the folder
    the project is opened from, as it was read before. A new column only: a version
    that knows m001-m012 refuses the file anyway (``user_version`` is newer than it
    understands).
    """
    db.execute("ALTER TABLE transcripts ADD COLUMN path_key TEXT")
    rows = db.execute("SELECT id, path FROM transcripts WHERE path IS NOT NULL").fetchall()
    if not rows:
        return
    salt = project_salt(db)
    secure = db.execute("PRAGMA secure_delete").fetchone()[0]
    db.execute("PRAGMA secure_delete = ON")
    try:
        for tid, path in rows:
            db.execute("UPDATE transcripts SET path = ?, path_key = ? WHERE id = ?",
                       [source_file_name(str(path)), path_key(salt, str(path)), tid])
    finally:
        db.execute(f"PRAGMA secure_delete = {int(secure)}")


WITHDRAW_NAMES = ("participants", "transcripts")
"""The keys of a ``withdraw`` event that named the participants and transcripts."""


def withdraw_record(record: dict[str, object]) -> dict[str, object]:
    """A ``withdraw`` event's record without the names of what was withdrawn: how many
    (``participant_count``, ``transcript_count``) in their place. A participant's id or a
    transcript's name often is the person's name (``physio_helen``, the file's name),
    and a participant who withdraws consent is not to be named in the project after."""
    out = {k: v for k, v in record.items() if k not in WITHDRAW_NAMES}
    for key, count in (("participants", "participant_count"),
                       ("transcripts", "transcript_count")):
        if isinstance(record.get(key), list):
            out.setdefault(count, len(record[key]))  # type: ignore[arg-type]
    return out


def _old_event_key(coder: str | None, at: str, kind: str, payload: str) -> str:
    """:func:`~qualcoder_ahp.model.merge_events.event_key` as m014 found it."""
    raw = json.dumps([coder, at, kind, payload])
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()[:32]


@MIGRATIONS()
def m014_drop_names_from_withdraw_events(db: Database) -> None:
    """Take the participants' ids and transcripts' names out of the ``withdraw`` events.

    ``qcahp withdraw`` removed a participant's interviews and scrubbed the log's events
    about them, then wrote one ``withdraw`` event naming them: the participant id and
    transcript names, which are often the person's name (``physio_helen``). It now
    records who withdrew them, when, and how many of each (:func:`withdraw_record`);
    the salted hashes in ``withdrawn`` and ``withdrawn_participants`` still keep them
    out, and say whether a given id was withdrawn. The events written before are
    rewritten so, and so are the ``merged`` events that carry a coder's copy's
    ``withdraw`` (their ``key`` remade from the record without names, as a copy read
    through this migration keys it, so merging that copy again adds nothing). The log's
    append-only trigger is lifted for it and put back; ``secure_delete`` is on meanwhile.
    Rows only: a version that knows m001-m013 refuses the file anyway.
    """
    rows = db.execute(
        "SELECT id, at, kind, payload FROM events WHERE kind = 'withdraw' OR (kind = "
        "'merged' AND json_valid(payload) AND json_extract(payload, '$.original_kind') "
        "= 'withdraw')").fetchall()
    changed: list[tuple[str, int]] = []
    for event_id, at, kind, payload in rows:
        try:
            record = json.loads(payload)
        except ValueError:
            continue
        if not isinstance(record, dict):
            continue
        if kind == "withdraw":
            new = withdraw_record(record)
        else:
            original = record.get("original")
            if not isinstance(original, dict):
                continue
            bare = withdraw_record(original)
            new = {**record, "original": bare}
            old_key = _old_event_key(None, at, "withdraw", json.dumps(original, sort_keys=True))
            if record.get("key") == old_key:
                new["key"] = _old_event_key(None, at, "withdraw",
                                            json.dumps(bare, sort_keys=True))
        if new != record:
            changed.append((json.dumps(new, sort_keys=True), event_id))
    if not changed:
        return
    secure = db.execute("PRAGMA secure_delete").fetchone()[0]
    db.execute("PRAGMA secure_delete = ON")
    try:
        db.execute("DROP TRIGGER IF EXISTS events_no_update")
        for payload, event_id in changed:
            db.execute("UPDATE events SET payload = ? WHERE id = ?", [payload, event_id])
        db.execute("CREATE TRIGGER events_no_update BEFORE UPDATE ON events\n"
                   "BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;")
    finally:
        db.execute(f"PRAGMA secure_delete = {int(secure)}")


FILE_KEYS = {"merge": "source", "merged": "source", "refi_import": "file"}
"""The key of each kind of event that names a file (a coder's copy, a REFI-QDA file)."""


def _file_named(kind: str, record: dict[str, object]) -> dict[str, object]:
    """``record`` (an event's) with the file it names by its name alone: a ``merged``
    event's own ``source`` and, for a copy's merge or REFI-QDA import, its original's."""
    key = FILE_KEYS.get(kind)
    out = dict(record)
    if key is not None and isinstance(out.get(key), str) and out[key]:
        out[key] = source_file_name(str(out[key]))
    original = out.get("original")
    if kind == "merged" and isinstance(original, dict):
        inner = str(out.get("original_kind"))
        if inner in ("merge", "refi_import"):
            out["original"] = _file_named(inner, original)
    return out


@MIGRATIONS()
def m015_keep_file_names_in_codebook_loads_and_the_log(db: Database) -> None:
    """Keep the codebook file's name, and the name of a merged copy or REFI-QDA file in
    the log, not the folders they sat in.

    ``codebooks.path`` held the path given to ``qcahp codebook load`` (often a full
    path: ``/home/jsmith/Study/codebook.yaml``, the researcher's login, in a file copied
    to every coder), and ``merge`` and ``refi_import`` events (and those merged in from
    a copy) the path of the file merged or imported. Loads and events written since keep
    the file's name only (m013 did the same for transcripts); this rewrites the rows
    written before, with ``secure_delete`` on so the old paths do not stay in free space.
    The log's append-only trigger is lifted for it and put back. Rows only: a version
    that knows m001-m014 refuses the file anyway.
    """
    secure = db.execute("PRAGMA secure_delete").fetchone()[0]
    db.execute("PRAGMA secure_delete = ON")
    try:
        for load, path in db.execute(
                "SELECT id, path FROM codebooks WHERE path IS NOT NULL").fetchall():
            if source_file_name(str(path)) != path:
                db.execute("UPDATE codebooks SET path = ? WHERE id = ?",
                           [source_file_name(str(path)), load])
        changed: list[tuple[str, int]] = []
        for event_id, coder, at, kind, payload in db.execute(
                "SELECT e.id, k.name, e.at, e.kind, e.payload FROM events e LEFT JOIN "
                "coders k ON k.id = e.coder_id WHERE e.kind IN "
                "('merge', 'merged', 'refi_import')").fetchall():
            try:
                record = json.loads(payload)
            except ValueError:
                continue
            if not isinstance(record, dict):
                continue
            new = _file_named(kind, record)
            if new == record:
                continue
            original, bare = record.get("original"), new.get("original")
            if kind == "merged" and original != bare:
                # Keyed as a copy read through this migration keys it, so that merging
                # the copy again adds nothing (as m014 does).
                inner = str(record.get("original_kind"))
                for who in (coder, None):
                    if record.get("key") == _old_event_key(
                            who, at, inner, json.dumps(original, sort_keys=True)):
                        new["key"] = _old_event_key(who, at, inner,
                                                    json.dumps(bare, sort_keys=True))
                        break
            changed.append((json.dumps(new, sort_keys=True), event_id))
        if changed:
            db.execute("DROP TRIGGER IF EXISTS events_no_update")
            for new, event_id in changed:
                db.execute("UPDATE events SET payload = ? WHERE id = ?", [new, event_id])
            db.execute("CREATE TRIGGER events_no_update BEFORE UPDATE ON events\n"
                       "BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;")
    finally:
        db.execute(f"PRAGMA secure_delete = {int(secure)}")


def _split_sql(script: str) -> list[str]:
    """Split a DDL script into statements, keeping trigger bodies whole."""
    statements, current = [], []
    for line in script.strip().splitlines():
        if line.strip().startswith("--"):
            continue
        current.append(line)
        joined = "\n".join(current).strip()
        if joined.endswith(";") and (
            not joined.upper().startswith("CREATE TRIGGER") or joined.upper().endswith("END;")
        ):
            statements.append(joined)
            current = []
    return statements


def known_count() -> int:
    """How many migrations this version of qualcoder_ahp knows."""
    return len(MIGRATIONS._migrations)
