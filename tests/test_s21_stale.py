"""A decided suggestion that a changed pattern no longer finds (session 21).

``qcahp suggest`` keeps it open for its decisions, but ``qcahp patterns`` went on
counting it, and its decisions, for the pattern: a team pruning its codebook read a
record the current pattern no longer has. It is now marked (``suggestions.found``,
migration m011) and shown apart as "decided, no longer found" in ``qcahp patterns``,
``qcahp suggestions``, ``qcahp evaluate`` and the workbench's patterns screen.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from textual.widgets import Label, OptionList

from qualcoder_ahp.model.migrations import MIGRATIONS, known_count
from qualcoder_ahp.model.store import open_store
from qualcoder_ahp.tui.app import make_app
from qualcoder_ahp.tui.screens.pattern_suggestions import PatternSuggestionsScreen
from tests.test_migrations import _dump
from tests.test_patterns_tui import head, open_patterns, rows, settle
from tests.test_s21_stale_versions import BY_CHANCE, SMALL, build, load, patterns_json, run
from tests.tui.conftest import press_for_screen

NARROWED = r'regex: "\\bby pure chance\\b"'


def changed(tmp_path: Path) -> Path:
    """The project of the versions test after ser_by_chance stopped finding "by chance":
    transcript two's suggestion (ben accepted it) is kept, found by no pattern; one's
    first sentence (ana accepted, ben rejected) is still found, by ser_fell_into."""
    db = build(tmp_path)
    load(db, tmp_path, SMALL.read_text().replace(BY_CHANCE, NARROWED))
    return db


def test_patterns_no_longer_counts_what_a_changed_pattern_does_not_find(
        tmp_path: Path) -> None:
    db = changed(tmp_path)
    rows_ = patterns_json(db)
    assert (rows_["ser_by_chance"]["suggestions"], rows_["ser_by_chance"]["accepted"],
            rows_["ser_by_chance"]["rejected"], rows_["ser_by_chance"]["precision"]) == (
        0, 0, 0, None)
    assert rows_["ser_by_chance"]["no_longer_found"] == {
        "suggestions": 2, "accepted": 2, "rejected": 1, "open": 0}
    assert (rows_["ser_fell_into"]["suggestions"], rows_["ser_fell_into"]["accepted"],
            rows_["ser_fell_into"]["rejected"]) == (1, 1, 1)
    # ana has not decided two's: for her it is open, still not counted for the pattern.
    assert patterns_json(db, "--coder", "ana")["ser_by_chance"]["no_longer_found"] == {
        "suggestions": 2, "accepted": 1, "rejected": 0, "open": 1}
    table = " ".join(run(db, "patterns").split())
    assert ("Decided, no longer found (a coder decided on them; the pattern found them once "
            "and no longer does: not counted above; the accepted ones are what a change made "
            "it miss): ser_by_chance 2 (2 accepted, 1 rejected).") in table
    # The decision is kept, and the suggestion says it is found by no pattern.
    listed = json.loads(run(db, "suggestions", "--format", "json"))
    (kept,) = [s for s in listed if not s["found"]]
    assert (kept["transcript"], kept["patterns"], kept["status"]) == (
        "two", ["ser_by_chance"], "open")
    (first,) = [s for s in listed if s["lost_patterns"]]
    assert (first["transcript"], first["patterns"], first["lost_patterns"], first["found"]
            ) == ("one", ["ser_fell_into"], ["ser_by_chance"], True)
    assert "open*" in run(db, "suggestions")
    with open_store(db) as store:
        assert store.decision_of(kept["id"], "ben") == "accepted"
        assert [s.id for s, _ in store.pattern_suggestions("ser_by_chance")] == []
        assert [s.id for s, _ in store.pattern_suggestions("ser_by_chance", found=False)] == [
            first["id"], kept["id"]]
    # Changed back: found again, it counts for the pattern again.
    load(db, tmp_path, SMALL.read_text())
    rows_ = patterns_json(db)
    assert (rows_["ser_by_chance"]["suggestions"], rows_["ser_by_chance"]["accepted"]) == (
        2, 2)
    assert rows_["ser_by_chance"]["no_longer_found"]["suggestions"] == 0
    assert all(s["found"] and not s["lost_patterns"]
               for s in json.loads(run(db, "suggestions", "--format", "json")))
    # A retired suggestion is made by no pattern of today's codebook.
    run(db, "codebook", "retire", "interviewing", "--coder", "ana")
    retired = json.loads(run(db, "suggestions", "--status", "retired", "--format", "json"))
    assert [(s["theme"], s["found"]) for s in retired] == [("interviewing", False)]


def test_evaluate_judges_todays_patterns_and_says_what_it_left_out(tmp_path: Path) -> None:
    """ben accepted transcript two's "by chance": it was credited to ser_by_chance by
    --by-pattern, which no longer finds it; now it is left out, and his coding there is
    a sentence today's codebook misses."""
    db = changed(tmp_path)
    result = json.loads(run(db, "evaluate", "--coder", "ben", "--by-pattern",
                            "--format", "json"))
    assert "ser_by_chance" not in {p["pattern"] for p in result["patterns"]}
    assert result["no_longer_found_left_out"] == 1
    assert any(m["where"] == "two:0-22" for m in result["missed"]), result["missed"]
    out = " ".join(run(db, "evaluate", "--coder", "ben").split())
    assert ("Left out too: 1 suggestion no pattern finds any more (kept open for the "
            "decisions on it;") in out


def test_a_tenth_version_database_marks_the_suggestions_no_pattern_finds(
        tmp_path: Path) -> None:
    """m011: an open suggestion none of whose patterns is an active one of its theme is
    marked not found; the others (and retired ones) keep found = 1, the next suggest run
    sets the rest. The backup opens as it was."""
    from sqlite_utils import Database

    path = tmp_path / "v10.db"
    db = Database(str(path))
    MIGRATIONS.apply(db, stop_before=MIGRATIONS._migrations[10].name)
    db.execute("PRAGMA user_version = 10")
    db.execute("INSERT INTO transcripts (name, format, content_hash, text, words, "
               "imported_at, guid) VALUES ('t', 'txt', 'h', 'luck here and there', 4, "
               "'2026-11-01', 'g-t')")
    for theme in ("luck", "place"):
        db.execute("INSERT INTO themes (id, name, guid) VALUES (?, ?, ?)",
                   [theme, theme.title(), f"g-{theme}"])
    for pid, theme, active, exclude in (("lucky", "luck", 1, 0), ("gone", "luck", 0, 0),
                                        ("moved", "place", 1, 0), ("not", "luck", 1, 1)):
        db.execute("INSERT INTO patterns (id, theme_id, kind, body, body_hash, active, "
                   "exclude) VALUES (?, ?, 'phrase', '\"x\"', 'h', ?, ?)",
                   [pid, theme, active, exclude])
    for start, pids, status in ((0, '["lucky", "gone"]', "open"), (1, '["gone"]', "open"),
                                (2, '["moved"]', "open"), (3, '["not"]', "open"),
                                (4, '["gone"]', "retired")):
        db.execute('INSERT INTO suggestions (transcript_id, theme_id, unit, start, "end", '
                   "pattern_ids, matches, status, created_at) VALUES (1, 'luck', 'sentence', "
                   "?, 9, ?, '[]', ?, '2026-11-01')", [start, pids, status])
    db.conn.commit()
    db.close()
    old_dump = _dump(path)
    store = open_store(path)
    assert store.conn.execute("PRAGMA user_version").fetchone()[0] == known_count() == 15
    assert [(s.start, s.found, s.lost_pattern_ids) for s in store.suggestions(status=None)] == [
        (0, True, ()), (1, False, ()), (2, False, ()), (3, False, ()), (4, True, ())]
    store.close()
    assert _dump(tmp_path / "v10.db.bak-v10") == old_dump
    conn = sqlite3.connect(path)
    try:
        assert [c[1:5] for c in conn.execute("PRAGMA table_info(suggestions)").fetchall()[-2:]
                ] == [("found", "INTEGER", 1, "1"), ("lost_pattern_ids", "TEXT", 1, "'[]'")]
    finally:
        conn.close()


async def test_the_patterns_screen_shows_the_current_record_and_the_history_apart(
        tmp_path: Path) -> None:
    db = changed(tmp_path)
    app = make_app(db, coder="ana")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_patterns(pilot, "serendipity")
        assert rows(screen)["ser_by_chance"][3:] == ["0", "0", "0", "0", "\u2014"]
        assert ("Not counted: 2 decided suggestions these patterns no longer find "
                "(2 accepted, 1 rejected)") in head(screen)
        while screen.selected()["pattern"] != "ser_by_chance":
            await pilot.press("down")
        await pilot.pause()
        where = str(screen.query_one("#patterns-where", Label).render())
        assert where.startswith("ser_by_chance (2 decided, no longer found): regex of")
        listing = await press_for_screen(pilot, "enter", PatternSuggestionsScreen)
        await settle(pilot)
        found = listing.shown
        assert found is not None and [i.suggestion.found for i in found.items] == [
            True, False]  # one's, still found by ser_fell_into; two's, by no pattern
        assert [i.gone for i in found.items] == [True, True] and found.current == []
        listed = str(listing.query_one("#pattern-list-head", Label).render())
        assert "0 suggestions in 0 transcripts" in listed
        assert "Then 2 decided that it found once and no longer finds" in listed
        drawn = listing.query_one(OptionList).get_option_at_index(0).prompt.plain
        assert drawn.startswith("ana \u2713 \u00b7 ben \u2717  one") and "no longer found" in drawn
        drawn = listing.query_one(OptionList).get_option_at_index(1).prompt.plain
        assert drawn.startswith("ben \u2713  two") and "no longer found" in drawn


def test_the_coding_screens_side_panel_says_no_pattern_finds_it(tmp_path: Path) -> None:
    """ana, who has not decided transcript two's kept suggestion, reads which patterns
    last found it, and that they no longer do."""
    from qualcoder_ahp.tui.session import CodingSession
    from qualcoder_ahp.tui.widgets.side_panel import suggestion_text

    db = changed(tmp_path)
    with open_store(db) as store:
        session = CodingSession(store, "ana", 2)
        kept = next(s for s in session.suggestions if not s.found)
        session.go_to(kept)
        text = suggestion_text(session, {p.id: p for p in store.patterns()}).plain
        assert ("Patterns: ser_by_chance (no longer found: kept for its decisions)"
                in text)
        found = next(s for s in session.suggestions if s.found)
        session.go_to(found)
        assert "no longer" not in suggestion_text(
            session, {p.id: p for p in store.patterns()}).plain


def test_a_merged_copys_suggestion_no_pattern_finds_stays_apart(tmp_path: Path) -> None:
    """A copy's decided suggestion that its patterns no longer find, copied by a merge
    into a project that lacks it, came in marked as found: counted for its pattern."""
    import shutil

    from tests.test_merge import _base, _suggest

    main = _base(tmp_path / "main.db")
    asha = main.transcript("asha")
    main.close()
    shutil.copy(tmp_path / "main.db", tmp_path / "ben.db")
    with open_store(tmp_path / "ben.db") as ben:
        sid = _suggest(ben, asha.id, "mandate", 72, 97)
        ben.accept(sid, "ben")
        ben.conn.execute("UPDATE suggestions SET found = 0, lost_pattern_ids = '[\"p0\"]' "
                         "WHERE id = ?", [sid])
        ben.conn.commit()
    with open_store(tmp_path / "main.db") as store:
        assert store.merge_from(tmp_path / "ben.db")["suggestions"] == 1
        (copied,) = store.suggestions(theme_id="mandate")
        assert not copied.found and store.decision_of(copied.id, "ben") == "accepted"
        assert copied.lost_pattern_ids == ("p0",)
