"""The key words of a theme on the codebook screen (w), for the working coder only.

The project of :mod:`tests.tui.test_codebook_blind`: ana codes four sentences with
*Luck*, where "chance" and "lucky" each occur three times and nowhere else; ben codes the
board sentences, with *Luck* and with *Board*. With the defaults of ``qcahp words`` (seen
3 times in the coded text, p ≤ 0.05) ana's key words of *Luck* are exactly chance and
lucky: 3 coded, 0 elsewhere, in 16 coded and 19 other running words, so G² = 5.03 for both
(by hand: 2(3 ln(3/1.371) + 13 ln(13/14.629) + 19 ln(19/17.371))); "lucky" is used by the
pattern ``luck_lucky``, "chance" by none.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from rich.text import Text
from textual.widgets import DataTable, Label, Tree

from qualcoder_ahp.cli import cli
from qualcoder_ahp.model.store import open_store
from qualcoder_ahp.tui.app import make_app
from qualcoder_ahp.tui.screens.codebook import CodebookScreen
from qualcoder_ahp.tui.screens.help import HelpScreen, binding_rows
from qualcoder_ahp.tui.screens.keywords import KeywordsScreen, theme_keywords
from qualcoder_ahp.tui.screens.search import SearchScreen
from tests.tui.conftest import CODER, open_codebook, press_for_screen, screen_text
from tests.tui.test_codebook_blind import BEN, project, to_theme  # noqa: F401 (a fixture)

SIZE = (80, 24)


async def open_keywords(pilot,  # type: ignore[no-untyped-def]
                        theme_id: str) -> KeywordsScreen:
    """From the transcripts screen: k, the theme, w; returns the screen once counted."""
    codebook = await open_codebook(pilot)
    await to_theme(pilot, codebook, theme_id)
    screen = await press_for_screen(pilot, "w", KeywordsScreen)
    await settle(pilot)
    return screen


async def settle(pilot) -> None:  # type: ignore[no-untyped-def]
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.pause()


def table_rows(screen: KeywordsScreen) -> list[list[str]]:
    table = screen.query_one(DataTable)
    return [[str(c) if not isinstance(c, Text) else c.plain for c in table.get_row_at(i)]
            for i in range(table.row_count)]


def head(screen: KeywordsScreen) -> str:
    return str(screen.query_one("#keywords-head", Label).render())


async def test_key_words_of_a_theme_for_the_working_coder(project: Path) -> None:
    app = make_app(project, coder=CODER)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_keywords(pilot, "luck")
        assert app.screen is screen and screen.title == "Key words: Luck"
        # Exactly what qcahp words --theme luck --coder ana lists, as a table.
        assert [c.label.plain for c in screen.query_one(DataTable).columns.values()] == [
            "word", "coded", "elsewhere", "G²", "in patterns", "forms"]
        assert table_rows(screen) == [["chance", "3", "0", "5.03", "no", "chance"],
                                      ["lucky", "3", "0", "5.03", "luck_lucky", "lucky"]]
        assert ("Luck: your 16 coded words in 4 passages vs 19 other participant words; "
                "2 key words, 1 used by no pattern.") in head(screen)
        assert "G²: log-likelihood" in head(screen)
        where = str(screen.query_one("#keywords-where", Label).render())
        assert where == "chance: no pattern (a candidate) · forms chance"
        await pilot.press("down")
        await pilot.pause()
        where = str(screen.query_one("#keywords-where", Label).render())
        assert where == "lucky: luck_lucky · forms lucky"
        # Everything drawn fits 80 columns: the table's columns end inside the screen.
        table = screen.query_one(DataTable)
        assert table.virtual_size.width <= table.scrollable_content_region.width
        assert "ben" not in screen_text(app)
        # Escape goes back to the codebook, on the same theme.
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, CodebookScreen)
        assert app.screen.query_one("#theme-tree", Tree).cursor_node.data == "luck"
    result = CliRunner().invoke(cli, ["--db", str(project), "words", "--theme", "luck",
                                      "--coder", CODER, "--format", "json"])
    cli_words = json.loads(result.stdout)["words"]
    assert [(w["word"], w["coded"], w["elsewhere"], round(w["g2"], 2), w["patterns"])
            for w in cli_words] == [("chance", 3, 0, 5.03, []),
                                    ("lucky", 3, 0, 5.03, ["luck_lucky"])]


async def test_a_folder_brings_the_themes_below_it(project: Path) -> None:
    app = make_app(project, coder=CODER)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_keywords(pilot, "career")
        assert [r[0] for r in table_rows(screen)] == ["chance", "lucky"]
        assert head(screen).startswith("Career: your 16 coded words in 4 passages")


async def test_a_theme_the_coder_has_not_coded_says_so_and_shows_no_others(
        project: Path) -> None:
    """Only ben coded Board: ana is told plainly, and sees nothing of ben's."""
    app = make_app(project, coder=CODER)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_keywords(pilot, "board")
        assert head(screen) == ("You have not coded Board (or a theme below it) yet: there "
                                "are no passages of yours to find key words in.")
        assert not screen.query_one(DataTable).display
        assert screen.shown is not None and screen.shown.report is None
        assert "board_board" not in screen_text(app)
        assert "enter" not in app.active_bindings  # no word to search
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, CodebookScreen)


@pytest.mark.parametrize("blind", ["1", "0"])
async def test_only_the_working_coders_codings_blind_or_not(project: Path, blind: str) -> None:
    """ben's Luck codings (the board sentences) never count: "board" is no key word, and
    the other words are the elsewhere counts of ana's comparison."""
    with open_store(project) as store:
        store.set_setting("blind", blind)
        expected = theme_keywords(store, "luck", CODER)
        pooled = theme_keywords(store, "luck", "ben")
    assert [r.word for r in pooled.report.rows] == ["board"]  # ben's own key word
    app = make_app(project, coder=CODER)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_keywords(pilot, "luck")
        assert screen.shown == expected
        assert [r[0] for r in table_rows(screen)] == ["chance", "lucky"]
        assert "board" not in "\n".join(" ".join(r) for r in table_rows(screen))


async def test_footer_help_and_search_at_80_columns(project: Path) -> None:
    app = make_app(project, coder=CODER)
    async with app.run_test(size=SIZE) as pilot:
        codebook = await open_codebook(pilot)
        await pilot.pause()
        # The codebook's footer keeps a codebook's keys and q Quit, whole; w Words is in
        # the help and the palette (and in the footer of a wider terminal).
        shown = [k for k in codebook.query("FooterKey")
                 if k.display and not k.has_class("-command-palette")]
        assert [k.key for k in shown] == ["question_mark", "tab", "escape", "a", "e", "x",
                                          "m", "f", "q"]
        assert all(k.region.right <= SIZE[0] and k.region.width == k.size.width
                   for k in shown)
        assert ("w", "Words") in [(k, d) for k, d, _ in binding_rows(codebook)]
        assert "Words (w)" in [c.title for c in app.get_system_commands(codebook)]
        await to_theme(pilot, codebook, "luck")
        screen = await press_for_screen(pilot, "w", KeywordsScreen)
        await settle(pilot)
        shown = [(k.key, k.description) for k in screen.query("FooterKey") if k.display]
        assert shown[:3] == [("question_mark", "Help"), ("enter", "Search"),
                             ("escape", "Back")]
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        keys = [row[:2] for row in app.screen.rows]
        assert ("⏎", "Search") in keys and ("esc", "Back") in keys
        assert {("home", "First"), ("end", "Last"), ("↓", "Next word")} <= set(keys)
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("end")
        assert screen.selected().word == "lucky"
        await pilot.press("home")
        assert screen.selected().word == "chance"
        # Enter: the word in every transcript, as whole words in each form.
        await pilot.press("down", "enter")
        await pilot.pause()
        search = app.screen
        assert isinstance(search, SearchScreen)
        assert (search.query_text(), search.regex, search.word, search.role) == (
            "lucky", True, True, "participant")
        await settle(pilot)
        assert search.shown is not None and len(search.shown.hits) == 3
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen
        # k goes back to the codebook rather than stacking a second one.
        await pilot.press("k")
        await pilot.pause()
        assert app.screen is codebook


async def test_follows_codings_made_in_another_window(project: Path) -> None:
    app = make_app(project, coder=CODER)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_keywords(pilot, "board")
        assert screen.shown.report is None
        with open_store(project) as other:  # ana codes Board in another window
            tid = other.transcripts()[0].id
            text = other.transcript_text(tid)
            for sentence in BEN:
                start = text.index(sentence)
                other.code(tid, "board", CODER, start, start + len(sentence))
        assert app.poll_store()
        await settle(pilot)
        assert [r[0] for r in table_rows(screen)] == ["board"]
        assert screen.query_one(DataTable).display


async def test_a_theme_merged_away_in_another_window_says_so(project: Path) -> None:
    app = make_app(project, coder=CODER)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_keywords(pilot, "luck")
        with open_store(project) as other:
            other.merge_theme("luck", "board", coder="ben")
        assert app.poll_store()
        await settle(pilot)
        # It names the theme its codings went to (it said "merged into another theme or
        # undone", leaving the researcher to guess which).
        assert head(screen) == ("Luck was merged into Board, which holds its codings now: "
                                "Escape, then w on that theme.")
        assert not screen.query_one(DataTable).display
        assert "enter" not in app.active_bindings
