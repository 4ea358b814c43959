"""Session 24: a new user's keyboard audit of the workbench's secondary screens.

Driven with Pilot at 80x24 on the workbench's test project (tests/tui/conftest.py):

* The key words screen opened with K from another screen (the search screen, say) took
  k, the codebook's key, as "back", and its help said Escape and k went "Back to the
  codebook": k went back to the search screen. Now k opens the codebook there, and goes
  back to it only when the key words were opened from it (its w), without stacking a
  second codebook.
* P and K opened their theme picker on the codebook's first theme wherever they were
  pressed but on the coding screen, the framework matrix and the codebook: K on
  Serendipity's passages offered the key words of "Career paths". They now start on the
  theme the screen shows or highlights (passages, key words, a framework cell, the
  counts' row, a pattern's or a suggestion's theme).
"""

from __future__ import annotations

from pathlib import Path

from textual.widgets import OptionList

from qualcoder_ahp.model.store import open_store
from qualcoder_ahp.tui.app import make_app
from qualcoder_ahp.tui.screens.codebook import CodebookScreen
from qualcoder_ahp.tui.screens.counts import CountsScreen
from qualcoder_ahp.tui.screens.help import HelpScreen
from qualcoder_ahp.tui.screens.keywords import KeywordsScreen
from qualcoder_ahp.tui.screens.passages import PassagesScreen, PassageThemePicker
from qualcoder_ahp.tui.screens.search import SearchScreen
from tests.helpers.pilot import settle
from tests.tui.conftest import CODER, build_project

SIZE = (80, 24)


def project_with_codings(path: Path) -> Path:
    """The test project, ana having coded the 'luck' sentences with Serendipity."""
    build_project(path)
    with open_store(path) as store:
        for info in store.transcripts():
            text = store.transcript_text(info.id)
            for sentence in store.sentences(info.id):
                if "luck" in text[sentence.start:sentence.end]:
                    store.code(info.id, "serendipity", CODER, sentence.start, sentence.end)
    return path


def events(path: Path) -> list[tuple]:
    with open_store(path) as store:
        return [tuple(r) for r in store.conn.execute("SELECT * FROM events ORDER BY id")]


def picked(app) -> str | None:  # type: ignore[no-untyped-def]
    """The theme highlighted in the theme picker on top."""
    picker = app.screen
    assert isinstance(picker, PassageThemePicker)
    options = picker.query_one("#theme-options", OptionList)
    assert options.highlighted is not None
    return options.get_option_at_index(options.highlighted).id


def help_text(app) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """The help on top: each key's description and details."""
    screen = app.screen
    assert isinstance(screen, HelpScreen)
    return {key: f"{does}: {details}" for key, does, details in screen.rows}


async def open_key_words_from_search(app, pilot) -> KeywordsScreen:  # type: ignore[no-untyped-def]
    await settle(app, pilot)
    await pilot.press("F")
    await settle(app, pilot)
    assert isinstance(app.screen, SearchScreen)
    await pilot.press(*"luck", "enter")  # the hits have the keys (the box types a K)
    await settle(app, pilot)
    await pilot.press("K")
    await settle(app, pilot)
    await pilot.press(*"serendip", "enter")
    await settle(app, pilot)
    screen = app.screen
    assert isinstance(screen, KeywordsScreen) and screen.theme_id == "serendipity"
    return screen


async def test_k_on_key_words_opened_from_search_opens_the_codebook(tmp_path: Path) -> None:
    path = project_with_codings(tmp_path / "p.db")
    app = make_app(path, coder=CODER)
    async with app.run_test(size=SIZE) as pilot:
        words = await open_key_words_from_search(app, pilot)
        await pilot.press("question_mark")
        await settle(app, pilot)
        keys = help_text(app)
        # Escape goes back to the search screen: the help does not say "the codebook".
        assert keys["esc"] == "Back: Back to the screen you came from (the codebook, after its w)"
        assert keys["k"].startswith("Codebook: Themes, definitions")
        await pilot.press("escape")
        await settle(app, pilot)
        await pilot.press("k")
        await settle(app, pilot)
        assert isinstance(app.screen, CodebookScreen)  # not back on the search screen
        assert [type(s) for s in app.screen_stack[-3:]] == [SearchScreen, KeywordsScreen,
                                                            CodebookScreen]
        await pilot.press("escape")
        await settle(app, pilot)
        assert app.screen is words  # Escape: back to the key words
        await pilot.press("escape")
        await settle(app, pilot)
        assert isinstance(app.screen, SearchScreen)


async def test_k_on_key_words_opened_with_w_goes_back_to_that_codebook(
        tmp_path: Path) -> None:
    path = project_with_codings(tmp_path / "p.db")
    app = make_app(path, coder=CODER)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("k")
        await settle(app, pilot)
        codebook = app.screen
        assert isinstance(codebook, CodebookScreen)
        await pilot.press("down", "down")  # Career paths / Serendipity
        await pilot.press("w")
        await settle(app, pilot)
        assert isinstance(app.screen, KeywordsScreen) and app.screen.theme_id == "serendipity"
        depth = len(app.screen_stack)
        await pilot.press("question_mark")
        await settle(app, pilot)
        assert help_text(app)["k"] == "Codebook: Back to the codebook below"
        await pilot.press("escape", "k")
        await settle(app, pilot)
        assert app.screen is codebook and len(app.screen_stack) == depth - 1


async def test_pickers_start_on_the_theme_the_screen_shows(tmp_path: Path) -> None:
    path = project_with_codings(tmp_path / "p.db")
    before = events(path)
    app = make_app(path, coder=CODER)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        app.push_screen(PassagesScreen(app.store, CODER, "serendipity"))
        await settle(app, pilot)
        assert "Passage 1 of 3" in str(app.screen.query_one("#passages-where").render())
        await pilot.press("K")  # Serendipity's key words, not the first theme's
        await settle(app, pilot)
        assert picked(app) == "serendipity"
        await pilot.press("enter")
        await settle(app, pilot)
        words = app.screen
        assert isinstance(words, KeywordsScreen) and words.theme_id == "serendipity"
        assert words.title == "Key words: Serendipity"
        await pilot.press("P")  # back to the passages below, still Serendipity's
        await settle(app, pilot)
        assert isinstance(app.screen, PassagesScreen)
        assert app.screen.theme_id == "serendipity"

        await pilot.press("C")  # the counts: the highlighted row's theme
        await settle(app, pilot)
        counts = app.screen
        assert isinstance(counts, CountsScreen)
        names = [name for _, name in counts.shown.themes]
        for _ in range(names.index("Mandate")):
            await pilot.press("down")
        await pilot.pause()
        assert "id mandate" in str(counts.query_one("#counts-theme").render())
        await pilot.press("K")
        await settle(app, pilot)
        assert picked(app) == "mandate"
        await pilot.press("escape")
        await settle(app, pilot)
        assert app.screen is counts
    assert events(path) == before  # reading and picking wrote nothing


async def test_an_import_says_that_s_looks_for_the_new_transcripts_suggestions(
        tmp_path: Path) -> None:
    """A transcript imported into a project with patterns has no suggestions until S: its
    row said "decided 0/0" and the import's toast said only "1 imported (32 words), …"."""
    from qualcoder_ahp.tui.screens.transcripts import TranscriptsScreen

    path = project_with_codings(tmp_path / "p.db")
    source = tmp_path / "gamma.txt"
    source.write_text("Interviewer: How did you get here?\n\nP3: By luck, really. Then the "
                      "board asked me to act up.\n")
    app = make_app(path, coder=CODER)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("i")
        await pilot.pause()
        await pilot.press(*str(source), "enter")
        await settle(app, pilot)
        assert isinstance(app.screen, TranscriptsScreen)
        toasts = [n.message for n in app._notifications]
        hint = "; next: press S to look for suggestions in the new transcript"
        assert any(m.startswith("1 imported (") and m.endswith(hint) for m in toasts), toasts
    with open_store(path) as store:
        gamma = next(t for t in store.transcripts() if t.name == "gamma")
        assert store.suggestions(transcript_id=gamma.id) == []  # indeed none until S


def test_the_import_summary_names_s_only_when_the_project_has_patterns(
        tmp_path: Path) -> None:
    from qualcoder_ahp.tui import jobs

    for name in ("ann", "bob"):
        (tmp_path / f"{name}.txt").write_text(f"Interviewer: hi\n{name}: hello, by luck\n")
    bare = tmp_path / "bare.db"
    open_store(bare).close()
    assert "press S" not in jobs.import_files(bare, [str(tmp_path / "ann.txt")])
    coded = project_with_codings(tmp_path / "p.db")
    summary = jobs.import_files(coded, [str(tmp_path / "ann.txt"), str(tmp_path / "bob.txt")])
    assert summary == ("2 imported (10 words), 0 unchanged, 0 failed; next: press S to "
                       "look for suggestions in the new transcripts")
    # Nothing new (the same files again): nothing to suggest on.
    again = jobs.import_files(coded, [str(tmp_path / "ann.txt")])
    assert again.startswith("0 imported") and "press S" not in again


async def test_merging_a_theme_nobody_coded_says_so_and_whose_memos_go_where(
        tmp_path: Path) -> None:
    """The confirmation read "Its 0 codings (every coder's) become codings of Serendipity,
    memos on it are added to theirs": now "Nobody has coded it", and the memos named."""
    from textual.widgets import Label

    from qualcoder_ahp.tui.screens.modals import ChoiceModal, ThemePickerModal

    path = project_with_codings(tmp_path / "p.db")
    with open_store(path) as store:
        store.set_memo(CODER, "theme", "secret", "AHPs nobody asks.")
    app = make_app(path, coder=CODER)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("k")
        await settle(app, pilot)
        codebook = app.screen
        assert isinstance(codebook, CodebookScreen)
        await pilot.press("end")  # Secret weapon, nobody's codings
        await pilot.pause()
        assert codebook._selected() == "secret"
        await pilot.press("m")
        await pilot.pause()
        assert isinstance(app.screen, ThemePickerModal)
        await pilot.press(*"serendip", "enter")
        await pilot.pause()
        confirm = app.screen
        assert isinstance(confirm, ChoiceModal)
        title = str(confirm.query(Label).first().render())
        assert title == ("Merge Secret weapon into Serendipity? Nobody has coded it, each "
                         "coder's memo on it is added to their memo on Serendipity, and "
                         "Secret weapon leaves the codebook; it has no open suggestion. "
                         "u undoes it.")
        await pilot.press("enter")  # Merge into Serendipity
        await settle(app, pilot)
        assert app.screen is codebook and codebook._selected() == "serendipity"
        await pilot.press("u")
        await settle(app, pilot)
        # Still on Serendipity, with ana's 3 codings: said as such.
        assert codebook._selected() == "serendipity"
        await pilot.press("m")
        await pilot.pause()
        await pilot.press(*"winding", "enter")
        await pilot.pause()
        title = str(app.screen.query(Label).first().render())
        assert title.startswith("Merge Serendipity into Winding route? Its 3 codings (every "
                                "coder's) become codings of Winding route, each coder's memo "
                                "on it is added to their memo on Winding route, and "), title
        await pilot.press("escape")
        await settle(app, pilot)
    with open_store(path) as store:  # the merge undone, the memo back on its theme
        assert "secret" in {t.id for t in store.themes()}
        assert store.memo(CODER, "theme", "secret") == "AHPs nobody asks."
        assert store.memo(CODER, "theme", "serendipity") is None


async def test_a_theme_memo_emptied_on_the_codebook_is_said_cleared_and_u_brings_it_back(
        tmp_path: Path) -> None:
    from textual.widgets import TextArea

    from qualcoder_ahp.tui.screens.modals import MemoModal

    path = project_with_codings(tmp_path / "p.db")
    with open_store(path) as store:
        store.set_memo(CODER, "theme", "winding", "Routes nobody planned.")
    app = make_app(path, coder=CODER)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("k")
        await settle(app, pilot)
        codebook = app.screen
        assert isinstance(codebook, CodebookScreen)
        await pilot.press("down")
        await pilot.pause()
        assert codebook._selected() == "winding"
        await pilot.press("M")
        await pilot.pause()
        assert isinstance(app.screen, MemoModal)
        assert app.screen.query_one(TextArea).text == "Routes nobody planned."
        app.screen.query_one(TextArea).text = ""
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert app.screen is codebook
        assert [n.message for n in app._notifications][-1] == (
            "Theme memo cleared (u undoes it).")
        with open_store(path) as store:  # stored before it is said
            assert store.memo(CODER, "theme", "winding") is None
        await pilot.press("u")
        await settle(app, pilot)
        with open_store(path) as store:
            assert store.memo(CODER, "theme", "winding") == "Routes nobody planned."
        assert "Your memo: Routes nobody planned." in str(
            codebook.query_one("#theme-detail").render())


async def test_escape_on_counts_and_framework_is_said_to_go_back_where_it_goes(
        tmp_path: Path) -> None:
    """Opened from the codebook, the counts' and the matrix's help said Escape went "Back
    to the workbench"; it goes back to the codebook."""
    path = project_with_codings(tmp_path / "p.db")
    app = make_app(path, coder=CODER)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("k")
        await settle(app, pilot)
        codebook = app.screen
        for key in ("C", "X"):
            await pilot.press(key)
            await settle(app, pilot)
            await pilot.press("f1")
            await settle(app, pilot)
            assert help_text(app)["esc"] == "Back: Back to the previous screen"
            await pilot.press("escape", "escape")
            await settle(app, pilot)
            assert app.screen is codebook


async def test_the_counts_and_matrix_help_lists_the_keys_that_reach_off_screen_columns(
        tmp_path: Path) -> None:
    """The counts' and the framework matrix's help listed neither ← → (the one way to the
    figures and themes beyond the edge at 80 columns) nor ↑ ↓ Home End: they are listed,
    and do what the grid does with them, also when the grid has lost the focus."""
    from textual.widgets import DataTable

    path = project_with_codings(tmp_path / "p.db")
    app = make_app(path, coder=CODER)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("C")
        await settle(app, pilot)
        counts = app.screen
        assert isinstance(counts, CountsScreen)
        await pilot.press("f1")
        await settle(app, pilot)
        keys = help_text(app)
        assert keys["→"].startswith("Columns ▶: Scroll the figures right")
        assert keys["←"].startswith("Columns ◀: Scroll the figures left")
        assert keys["end"] == "Last columns: The rightmost figures"
        assert keys["↓"].startswith("Next row") and keys["^end"] == "Last row: The last row"
        await pilot.press("escape")
        await settle(app, pilot)
        grid = counts.query_one(DataTable)
        assert grid.max_scroll_x > 0  # at 80 columns some figures lie beyond the edge
        app.set_focus(None)  # the keys still reach the grid
        await pilot.press("right")
        await pilot.pause()
        assert grid.scroll_x > 0
        await pilot.press("home", "down")
        await pilot.pause()
        assert grid.scroll_x == 0 and grid.cursor_row == 1
        await pilot.press("escape")
        await settle(app, pilot)

        await pilot.press("X")
        await settle(app, pilot)
        await pilot.press("f1")
        await settle(app, pilot)
        keys = help_text(app)
        assert keys["→"].startswith("Next theme: The next theme's column")
        assert keys["←"] == "Previous theme: The previous theme's column"
        assert keys["↓"] == "Next case: The next case's row"
        assert keys["home"] == "Case column: The case column, at the left"
        await pilot.press("escape")
        await settle(app, pilot)
        grid = app.screen.query_one(DataTable)
        column = grid.cursor_coordinate.column
        app.set_focus(None)
        await pilot.press("right", "down")
        await pilot.pause()
        assert grid.cursor_coordinate == (1, column + 1)


async def test_the_transcripts_help_speaks_plainly_of_import_and_suggest(
        tmp_path: Path) -> None:
    """The help said "Import transcript files (a worker)": programmer's words."""
    path = project_with_codings(tmp_path / "p.db")
    app = make_app(path, coder=CODER)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("question_mark")
        await settle(app, pilot)
        keys = help_text(app)
        assert keys["i"] == ("Import: Import transcript files or folders (in the background, "
                             "with a progress bar)")
        assert keys["S"] == ("Suggest: Run the codebook's patterns over every transcript for "
                             "suggestions (in the background, with a progress bar)")
        assert not [k for k, text in keys.items() if "worker" in text]


async def test_a_commit_from_another_window_is_not_read_while_the_workbench_closes(
        tmp_path: Path) -> None:
    """The poll re-read the codebook while the app was shutting down (its tree already
    gone): "NoMatches: No nodes match '#theme-tree' on CodebookScreen()" on the way out."""
    path = project_with_codings(tmp_path / "p.db")
    app = make_app(path, coder=CODER)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("k")
        await settle(app, pilot)
        codebook = app.screen
        assert isinstance(codebook, CodebookScreen)
        with open_store(path) as other:
            other.edit_theme("serendipity", coder="bo", name="Chance")
        await codebook.query_one("#theme-tree").remove()  # taken down, as on the way out
        app._running = False  # what Textual's shutdown sets first
        try:
            assert app.poll_store() is False  # on base: NoMatches
        finally:
            app._running = True
        assert app.screen is codebook


def typing_line(app) -> str | None:  # type: ignore[no-untyped-def]
    from textual.widgets import Label

    found = app.screen.query("#help-typing")
    return str(found.first(Label).render()) if found else None


async def test_help_opened_from_a_box_says_the_letter_keys_type_there(tmp_path: Path) -> None:
    """F1 from the search box (or a framework cell's summary) listed R Regex, W Words,
    c Code…, q Quit: pressed after closing the help, each typed a letter in the box."""
    from qualcoder_ahp.tui.screens.framework import FrameworkCellScreen

    path = project_with_codings(tmp_path / "p.db")
    app = make_app(path, coder=CODER)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("F")
        await settle(app, pilot)
        await pilot.press("f1")
        await settle(app, pilot)
        assert typing_line(app) == (
            "The cursor is in the search box, where letters type: Enter searches and leaves "
            "it (Escape too, once there are hits); then the keys below work.")
        assert "R" in help_text(app)
        await pilot.press("escape", *"luck", "enter")
        await settle(app, pilot)
        await pilot.press("question_mark")  # on the hits: ? is the help, the keys work
        await settle(app, pilot)
        assert isinstance(app.screen, HelpScreen) and typing_line(app) is None
        await pilot.press("escape", "escape", "escape")
        await settle(app, pilot)

        await pilot.press("X")
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        cell = app.screen
        assert isinstance(cell, FrameworkCellScreen)
        await pilot.press("f1")
        await settle(app, pilot)
        assert typing_line(app).startswith("The cursor is in the summary box, where letters "
                                           "type: Tab moves to the codings")
        await pilot.press("escape", "tab")
        await settle(app, pilot)
        await pilot.press("f1")
        await settle(app, pilot)
        assert isinstance(app.screen, HelpScreen) and typing_line(app) is None
        await pilot.press("escape")
        await settle(app, pilot)
    with open_store(path) as store:  # nothing typed into the summary
        assert store.conn.execute("SELECT count(*) FROM memos").fetchone()[0] == 0
