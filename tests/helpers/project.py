"""Build a small project database for crash, concurrency and privacy tests.

Used both in-process by the tests and by the subprocess scripts in this folder,
so it depends only on the Store API (plus one raw insert for suggestions, which
stands in for the suggest engine: the tests here are about the decision path).
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from collections.abc import Callable
from typing import Any

from qualcoder_ahp.model.store import Store, open_store
from qualcoder_ahp.records import Codebook, ParsedTranscript, Theme
from tests.conftest import make_parsed

THEMES = ("serendipity", "winding_route", "mandate", "relationships")

TURNS = [
    ("Interviewer", "interviewer", "Tell me how you came to lead the therapies directorate."),
    ("P01", "participant",
     "I trained as a physiotherapist in Leeds. I never planned to manage anyone. "
     "It was really by chance that the acting head post came up. "
     "My manager said go for it and I did."),
    ("Interviewer", "interviewer", "What helped you most?"),
    ("P01", "participant",
     "Relationships with the nursing director mattered most. "
     "We broke down the barriers between professions. "
     "Being close to the trust board gave me a real mandate."),
]


def parsed_transcript(variant: int = 0) -> ParsedTranscript:
    """A two-speaker transcript; ``variant`` changes the text (and so the hash)."""
    turns = list(TURNS)
    if variant:
        turns.append(("P01", "participant", f"That is story number {variant}."))
    return make_parsed(turns)


def add_suggestions(store: Store, transcript_id: int) -> list[int]:
    """One suggestion per (participant sentence, theme) pair, written as the engine would."""
    ids: list[int] = []
    roles = [t.role for t in store.turns(transcript_id)]
    with store.write():
        for sentence in store.sentences(transcript_id):
            if roles[sentence.turn_index] != "participant":
                continue
            for theme in THEMES[:2]:
                cur = store.conn.execute(
                    'INSERT INTO suggestions (transcript_id, theme_id, unit, start, "end", '
                    "pattern_ids, matches, created_at) VALUES (?,?,?,?,?,?,?,?)",
                    [transcript_id, theme, "sentence", sentence.start, sentence.end,
                     json.dumps([f"{theme}-p1"]), json.dumps([[sentence.start, sentence.end]]),
                     "2026-01-01T00:00:00"],
                )
                ids.append(int(cur.lastrowid or 0))
    return ids


def build_project(path: Path, transcripts: int = 2) -> Store:
    """A project with ``transcripts`` transcripts, the themes and open suggestions."""
    store = open_store(path)
    store.save_codebook(Codebook("test", tuple(Theme(t, t.replace("_", " ").title())
                                               for t in THEMES)))
    for n in range(transcripts):
        info, _ = store.add_transcript(f"story{n}", parsed_transcript(n), participant=f"P{n:02d}")
        add_suggestions(store, info.id)
    return store


def replay(conn: sqlite3.Connection) -> dict[str, Any]:
    """Replay the event log from scratch into the projections it should produce."""
    coders = dict(conn.execute("SELECT id, name FROM coders"))
    active: dict[int, int] = {}
    decisions: dict[tuple[int, int], tuple[str, int | None, int]] = {}
    memos: dict[tuple[int, str, str], str] = {}
    for event_id, coder_id, payload in conn.execute(
        "SELECT id, coder_id, payload FROM events ORDER BY id"
    ):
        for change in json.loads(payload).get("changes", []):
            if change["op"] == "coding":
                active[change["id"]] = change["after"]
            elif change["op"] == "decision":
                key = (change["suggestion_id"], coder_id)
                if change["after"] is None:
                    decisions.pop(key, None)
                else:
                    decisions[key] = (change["after"]["status"], change["after"]["coding_id"],
                                      event_id)
            elif change["op"] == "memo":
                key3 = (coder_id, change["kind"], change["target"])
                if change["after"] is None:
                    memos.pop(key3, None)
                else:
                    memos[key3] = change["after"]
    return {"coders": coders, "active": active, "decisions": decisions, "memos": memos}


def projections(conn: sqlite3.Connection) -> dict[str, Any]:
    """The projections as stored, in the shape :func:`replay` returns."""
    return {
        "coders": dict(conn.execute("SELECT id, name FROM coders")),
        "active": dict(conn.execute("SELECT id, active FROM codings")),
        "decisions": {
            (s, c): (st, cid, e)
            for s, c, st, cid, e in conn.execute(
                "SELECT suggestion_id, coder_id, status, coding_id, event_id FROM decisions")
        },
        "memos": {
            (c, k, t): text
            for c, k, t, text in conn.execute(
                "SELECT coder_id, target_kind, target_id, text FROM memos")
        },
    }


def check_consistent(path: Path) -> sqlite3.Connection:
    """Assert the database is sound and its projections equal a replay of its log.

    Opens a plain sqlite3 connection (not the Store) so nothing is repaired or
    migrated on the way in. Returns the connection for further checks.
    """
    conn = sqlite3.connect(str(path))
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    replayed, stored = replay(conn), projections(conn)
    # Every coding row belongs to an event (inserted inactive, activated by its event).
    assert set(stored["active"]) == set(replayed["active"]), "coding without an event"
    assert stored["active"] == replayed["active"]
    assert stored["decisions"] == replayed["decisions"]
    assert stored["memos"] == replayed["memos"]
    for cid, quote, start, end, text in conn.execute(
        'SELECT c.id, c.quote, c.start, c."end", t.text FROM codings c '
        "JOIN transcripts t ON t.id = c.transcript_id"
    ):
        assert text[start:end] == quote, f"coding {cid} quote does not match its span"
    return conn


REPO = Path(__file__).resolve().parent.parent.parent


def bundled_two(db: Path, run: Callable[..., object]) -> Path:
    """Two bundled transcripts with the shipped codebook's suggestions (as ``qcahp demo``),
    built through a test module's own ``run(db, *args)`` CLI helper."""
    run(db, "import", *(str(REPO / "transcripts" / f) for f in ("dietitian_grace.md",
                                                                 "slt_priya.md")))
    run(db, "codebook", "load", str(REPO / "codebooks" / "ahp-leadership.yaml"))
    run(db, "suggest")
    return db


def ana_and_ben_disagree(db: Path) -> Path:
    """ana and ben decide every suggestion in ``db``, rejecting different ones, so they
    disagree on some (the same decisions in every test that uses it)."""
    store = open_store(db)
    for coder, every in (("ana", 5), ("ben", 3)):
        for i, s in enumerate(store.suggestions()):
            ((store.reject if (i * 7 + len(coder)) % every == 0 else store.accept)
             (s.id, coder))
    store.close()
    return db
