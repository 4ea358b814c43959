"""The patterns screen (``y`` on the codebook screen): each pattern's record, its
suggestions, and the way to the coding screen and back, at 80x24.

The project of :mod:`tests.tui.conftest` with an exclusion pattern added to Serendipity:
"luck" suggests Serendipity twice (one in each transcript), "board" Mandate three times,
"winding route" and "never planned" Winding route once each. ben rejects both luck
suggestions and accepts the first board one; ana rejects the second board one.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rich.text import Text
from textual.widgets import DataTable, Label, OptionList

from qualcoder_ahp.model.store import open_store
from qualcoder_ahp.records import Codebook, Pattern
from qualcoder_ahp.tui.app import make_app
from qualcoder_ahp.tui.commands import key_commands
from qualcoder_ahp.tui.follow import BLIND_NOTE
from qualcoder_ahp.tui.screens.coding import CodingScreen
from qualcoder_ahp.tui.screens.help import HelpScreen
from qualcoder_ahp.tui.screens.pattern_suggestions import PatternSuggestionsScreen
from qualcoder_ahp.suggest.runner import add_exclusion_record
from qualcoder_ahp.tui.screens.patterns import PatternsScreen, exclusion_words
from tests.conftest import make_parsed
from tests.tui.conftest import (
    CODER,
    PATTERNS,
    THEMES,
    TURNS_A,
    TURNS_B,
    open_codebook,
    press_for_screen,
    suggest_by_sql,
)
from tests.tui.test_codebook_blind import to_theme

SIZE = (80, 24)
EXCLUSION = Pattern("not-bad-luck", "serendipity", "phrase", "bad luck", exclude=True)


def _ids(store, pattern: str) -> list[int]:  # type: ignore[no-untyped-def]
    return [s.id for s, _ in store.pattern_suggestions(pattern)]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    path = tmp_path / "patterns.db"
    with open_store(path) as store:
        store.save_codebook(Codebook("test", THEMES, (*PATTERNS, EXCLUSION)))
        store.add_transcript("alpha", make_parsed(TURNS_A), participant="P1")
        store.add_transcript("beta", make_parsed(TURNS_B), participant="P2")
        suggest_by_sql(store)
        luck, board = _ids(store, "luck"), _ids(store, "board")
        assert len(luck) == 2 and len(board) == 3
        for sid in luck:
            store.reject(sid, "ben")
        store.accept(board[0], "ben")
        store.reject(board[1], CODER)
    return path


async def settle(pilot) -> None:  # type: ignore[no-untyped-def]
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.pause()


async def open_patterns(pilot, theme_id: str) -> PatternsScreen:  # type: ignore[no-untyped-def]
    """From the transcripts screen: k, the theme, y; the screen once counted."""
    codebook = await open_codebook(pilot)
    await to_theme(pilot, codebook, theme_id)
    screen = await press_for_screen(pilot, "y", PatternsScreen)
    await settle(pilot)
    return screen


def rows(screen: PatternsScreen) -> dict[str, list[str]]:
    table = screen.query_one(DataTable)
    out = {}
    for i in range(table.row_count):
        cells = [c.plain if isinstance(c, Text) else str(c) for c in table.get_row_at(i)]
        # The five figures share one column (an exclusion's words take its width).
        record = cells[3] if cells[3].startswith(("rules out", "exclusion")) else None
        out[cells[0]] = cells[:3] + ([record] if record else cells[3].split())
    return out


def expected(path: Path, patterns: set[str], coder: str | None = None
             ) -> dict[str, list[str]]:
    """The figures ``pattern_stats`` gives, as the table's cells (made, acc, rej, open, prec)."""
    with open_store(path) as store:
        stats = [r for r in store.pattern_stats(coder=coder) if r["pattern"] in patterns]
        add_exclusion_record(store, stats, coder)  # what each exclusion rules out
    assert {r["pattern"] for r in stats} == patterns
    return {r["pattern"]: [exclusion_words(r)] if r["exclude"] else
            [str(r["suggestions"]), str(r["accepted"]), str(r["rejected"]), str(r["open"]),
             "\u2014" if r["precision"] is None else f"{r['precision']:.0%}"]
            for r in stats}


def head(screen: PatternsScreen) -> str:
    return str(screen.query_one("#patterns-head", Label).render())


async def test_rows_are_pattern_stats_of_the_theme_and_those_below(project: Path) -> None:
    app = make_app(project, coder=CODER)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_patterns(pilot, "career")  # a folder: its children's patterns
        assert screen.title == "Patterns: Career paths"
        table = screen.query_one(DataTable)
        assert [c.label.plain.split() for c in table.columns.values()] == [
            ["id"], ["kind"], ["pattern"], ["made", "acc", "rej", "open", "prec"]]
        shown = rows(screen)
        assert list(shown) == ["luck", "never-planned", "not-bad-luck", "winding-route"]
        assert {k: v[3:] for k, v in shown.items()} == expected(
            project, {"luck", "never-planned", "not-bad-luck", "winding-route"})
        assert shown["luck"][3:] == ["2", "0", "2", "0", "0%"]  # ben's two rejections
        assert shown["winding-route"][1:3] == ["phrase", "\u201cwinding route\u201d"]
        assert shown["not-bad-luck"][2] == "exclusion: \u201cbad luck\u201d"
        assert "all coders' decisions" in head(screen)
        # 80 columns: every column inside the screen, keys in the footer and the help.
        assert table.virtual_size.width <= table.scrollable_content_region.width
        for key in ("enter", "s", "c", "escape"):
            assert key in app.active_bindings
        # s sorts as --sort: rejected (most first), then precision (least precise first).
        await pilot.press("s")
        await pilot.pause()
        assert list(rows(screen))[0] == "luck" and "most rejected first" in head(screen)
        await pilot.press("s")
        await pilot.pause()
        # 0%, then the undecided in the store's order (by theme), as qcahp patterns sorts.
        assert list(rows(screen)) == ["luck", "not-bad-luck", "never-planned", "winding-route"]
        # c: only ana's decisions (none on these patterns).
        await pilot.press("c")
        await settle(pilot)
        assert {k: v[3:] for k, v in rows(screen).items()} == expected(
            project, {"luck", "never-planned", "not-bad-luck", "winding-route"}, CODER)
        assert rows(screen)["luck"][3:] == ["2", "0", "0", "2", "\u2014"]
        assert "your decisions" in head(screen)
        await press_for_screen(pilot, "question_mark", HelpScreen)
        described = {row[1] for row in app.screen.rows}
        assert {"Suggestions", "Sort", "Coders", "Back"} <= described
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        # The palette offers it on the codebook screen (y), and y anywhere else opens the
        # whole codebook's patterns.
        titles = [c.title for c in key_commands(app, app.screen)]
        assert "Patterns (y)" in titles
        await pilot.press("escape")
        screen = await press_for_screen(pilot, "y", PatternsScreen)
        await settle(pilot)
        assert screen.title == "Patterns: whole codebook"
        assert set(rows(screen)) == {"board", "luck", "never-planned", "not-bad-luck",
                                     "winding-route"}
        assert rows(screen)["board"][3:] == ["3", "1", "1", "1", "50%"]


async def test_sorting_shows_the_top_of_the_new_order(project: Path) -> None:
    app = make_app(project, coder=CODER)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_patterns(pilot, "career")
        table = screen.query_one(DataTable)
        await pilot.press("end")  # on winding-route, the last by id (no rejection)
        await pilot.pause()
        assert table.cursor_row == 3
        await pilot.press("s")  # most rejected first: the cursor on the first, luck
        await pilot.pause()
        assert "most rejected first" in head(screen)
        assert table.cursor_row == 0 and list(rows(screen))[0] == "luck"
        assert screen.selected()["pattern"] == "luck"


async def test_accepting_in_the_coding_screen_moves_the_accepted_count(
        project: Path) -> None:
    """Enter on a pattern lists its suggestions; Enter opens the coding screen at one; a
    there accepts it; y comes back to the list (ticked), Escape to the table (counted)."""
    app = make_app(project, coder=CODER)
    async with app.run_test(size=SIZE) as pilot:
        table_screen = await open_patterns(pilot, "serendipity")
        assert rows(table_screen)["luck"][3:] == ["2", "0", "2", "0", "0%"]
        listing = await press_for_screen(pilot, "enter", PatternSuggestionsScreen)
        await settle(pilot)
        assert listing.title == "Suggestions of luck"
        found = listing.shown
        assert found is not None and [i.transcript for i in found.items] == ["alpha", "beta"]
        first = found.items[0]
        assert first.decisions == {"ben": "rejected"}
        assert first.text == "Then I had some luck with a secondment."
        drawn = listing.query_one(OptionList).get_option_at_index(0).prompt.plain
        assert drawn.startswith("ben \u2717  alpha \u00b7 P1 \u00b7 turn 2\n")
        assert "Then I had some luck with a secondment." in drawn
        coding = await press_for_screen(pilot, "enter", CodingScreen)
        assert coding.session.current is not None
        assert coding.session.current.id == first.suggestion.id
        assert "y" in app.active_bindings  # the way back, in the footer
        await pilot.press("a")
        await pilot.pause()
        with open_store(project) as store:
            assert store.decisions_for(CODER)[first.suggestion.id] == "accepted"
        await pilot.press("y")
        await settle(pilot)
        assert app.screen is listing
        assert listing.shown is not None
        assert listing.shown.items[0].decisions == {"ana": "accepted", "ben": "rejected"}
        drawn = listing.query_one(OptionList).get_option_at_index(0).prompt.plain
        assert drawn.startswith("ana \u2713 \u00b7 ben \u2717")
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is table_screen
        assert rows(table_screen)["luck"][3:] == ["2", "1", "2", "0", "33%"]
        assert rows(table_screen)["luck"][3:] == expected(project, {"luck"})["luck"]


async def test_blind_coding_counts_and_lists_only_the_working_coders_decisions(
        project: Path) -> None:
    with open_store(project) as store:
        store.set_setting("blind", "1")
    app = make_app(project, coder=CODER)
    notes: list[str] = []
    async with app.run_test(size=SIZE) as pilot:
        app.notify = lambda message, **kw: notes.append(message)  # type: ignore[method-assign]
        screen = await open_patterns(pilot, "mandate")
        assert rows(screen)["board"][3:] == ["3", "0", "1", "2", "0%"]  # ana's only
        assert rows(screen)["board"][3:] == expected(project, {"board"}, CODER)["board"]
        assert "your decisions (blind coding is on)" in head(screen)
        # c is greyed out: no other coder's decisions while blind (it says so if run).
        assert app.active_bindings["c"].enabled is False
        await pilot.press("c")
        await settle(pilot)
        assert rows(screen)["board"][3:] == ["3", "0", "1", "2", "0%"]
        screen.action_coders()
        assert notes[-1] == BLIND_NOTE and screen.counted_coder() == CODER
        listing = await press_for_screen(pilot, "enter", PatternSuggestionsScreen)
        await settle(pilot)
        assert listing.shown is not None
        assert [i.decisions for i in listing.shown.items] == [{}, {CODER: "rejected"}, {}]
        options = listing.query_one(OptionList)
        drawn = [options.get_option_at_index(i).prompt.plain
                 for i in range(options.option_count)]
        assert [d.split("  ")[0] for d in drawn] == ["\u25cb undecided", "\u2717 rejected",
                                                     "\u25cb undecided"]
        assert not any("ben" in d for d in drawn)


def test_pattern_gist_and_suggestions_agree_with_pattern_stats(project: Path) -> None:
    """The short form of each kind, and the list behind a row: its open suggestions and
    every decision on them, the same ones ``pattern_stats`` counts."""
    from qualcoder_ahp.tui.screens.patterns import pattern_gist

    token = Pattern("t", "winding", "token", [
        {"LOWER": {"IN": ["not", "never"]}}, {"LOWER": "a", "OP": "?"},
        {"LEMMA": "plan"}, {}, {"LIKE_NUM": True}])
    assert pattern_gist(token) == "not|never (a)? plan~ * like_num"
    regex = Pattern("r", "winding", "regex", r"(?<!not )\b(?:by|pure)\s+chance\b|lucky")
    assert pattern_gist(regex) == "(by|pure) chance|lucky"
    with open_store(project) as store:
        for stat in store.pattern_stats():
            listed = store.pattern_suggestions(stat["pattern"])
            assert len(listed) == stat["suggestions"]
            statuses = [s for _, d in listed for s in d.values()]
            assert statuses.count("rejected") == stat["rejected"]
            assert len(statuses) - statuses.count("rejected") == stat["accepted"]
            assert sum(not d for _, d in listed) == stat["open"]
        assert [d for _, d in store.pattern_suggestions("board", "ben")] == [
            {"ben": "accepted"}, {}, {}]
