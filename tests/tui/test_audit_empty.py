"""The second 80x24 audit: dialogs' footers, and a project with no codebook yet.

Every test drives the real workbench with Pilot and asserts on what the screen draws
and what the database holds.
"""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Static

from qualcoder_ahp.model.store import open_store
from qualcoder_ahp.tui.app import make_app
from qualcoder_ahp.tui.screens.codebook import CodebookScreen
from qualcoder_ahp.tui.screens.coding import CodingScreen
from qualcoder_ahp.tui.screens.help import HelpScreen
from qualcoder_ahp.tui.screens.modals import ChoiceModal, ThemePickerModal
from qualcoder_ahp.tui.screens.transcripts import TranscriptsScreen
from tests.conftest import make_parsed
from tests.tui.conftest import CODER, TURNS_A, open_alpha, press_for_screen
from tests.tui.test_audit_80x24 import NARROW, drawn, footer_keys


def no_codebook(tmp_path: Path) -> Path:
    """A project with one transcript and no codebook at all."""
    path = tmp_path / "nocodebook.db"
    with open_store(path) as store:
        store.add_transcript("alpha", make_parsed(TURNS_A), participant="P1")
    return path


def bottom_keys(app) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """The keys drawn on the terminal's last line (key: description)."""
    keys = [k for k in footer_keys(app) if k.display]
    assert keys and all(k.region.y == app.size.height - 1 for k in keys)
    return {k.key: k.description for k in keys}


async def test_a_dialog_footer_shows_the_dialogs_keys(project: Path):
    """Under the theme picker, the help and the filter dialog, the footer still showed the
    screen's keys below ("n Next", "a Accept", "s Sort"), which did nothing there; the
    dialog's own keys (Escape, ctrl+n) were in no footer."""
    app = make_app(project, coder=CODER)
    async with app.run_test(size=NARROW) as pilot:
        await pilot.pause()
        help_screen = await press_for_screen(pilot, "question_mark", HelpScreen)
        keys = bottom_keys(app)
        assert keys.get("escape") == "Close" and "s" not in keys, keys
        await pilot.press("escape")
        screen = await open_alpha(pilot)
        assert help_screen is not app.screen
        picker = await press_for_screen(pilot, "c", ThemePickerModal)
        keys = bottom_keys(app)
        assert keys.get("escape") == "Cancel" and keys.get("ctrl+n") == "New theme", keys
        assert not keys.keys() & {"n", "a", "x"}, keys
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen and picker is not screen
        await pilot.press("f")
        await pilot.pause()
        keys = bottom_keys(app)
        assert keys.get("escape") == "Cancel" and "a" not in keys, keys
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen
        assert bottom_keys(app).get("a") == "Accept"  # the screen's own footer again


async def test_codebook_screen_without_themes_says_how_to_start(tmp_path: Path):
    """k on a project with no codebook showed a blank screen whose footer offered e Edit,
    m Merge, f Move, M Memo and w Words, none of which did anything."""
    app = make_app(no_codebook(tmp_path), coder=CODER)
    async with app.run_test(size=NARROW) as pilot:
        screen = await press_for_screen(pilot, "k", CodebookScreen)
        text = drawn(screen.query_one("#theme-detail", Static))
        assert text.startswith("No codebook yet. Press L to load one")
        assert text.endswith("the themes you add show here."), text  # not cut off
        keys = bottom_keys(app)
        assert not keys.keys() & {"e", "m", "f", "M", "w", "tab"}, keys
        assert keys.get("escape") == "Back"
        await pilot.press("e", "m", "f", "M", "w")
        await pilot.pause()
        assert app.screen is screen


async def test_c_adds_the_first_theme_of_a_project_without_a_codebook(tmp_path: Path):
    """With no codebook, c did nothing, so a researcher coding inductively could not
    start in the workbench: the picker's ctrl+n, which makes a new theme, was out of
    reach. Now the picker opens, says how, and the new theme codes the sentence."""
    path = no_codebook(tmp_path)
    app = make_app(path, coder=CODER)
    async with app.run_test(size=NARROW) as pilot:
        screen = await open_alpha(pilot)
        assert isinstance(screen, CodingScreen)
        assert "c" in bottom_keys(app)
        picker = await press_for_screen(pilot, "c", ThemePickerModal)
        hint = " ".join(drawn(label) for label in picker.query(".hint"))
        assert hint.startswith("No themes yet: type the first one's name and press ctrl+n")
        await pilot.press(*"Luck", "ctrl+n")
        await pilot.pause()
        assert isinstance(app.screen, ChoiceModal)  # where does it go: the top level
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is screen
        assert "Luck" in drawn(screen.query_one("#codebook-panel", Static))
    with open_store(path) as store:
        (theme,) = store.themes()
        (coding,) = store.codings(coder=CODER)
        assert theme.name == "Luck" and coding.theme_id == theme.id


async def test_one_transcript_is_not_called_transcripts(tmp_path: Path):
    app = make_app(no_codebook(tmp_path), coder=CODER)
    async with app.run_test(size=NARROW) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, TranscriptsScreen)
        assert app.screen.sub_title == f"coder: {CODER} · 1 transcript"


async def test_import_dialog_says_what_enter_does_and_where_paths_start(
        tmp_path: Path, monkeypatch):
    """The import dialog was a bare box titled "Files or folders to import": nothing
    said that Enter imports, nor from which folder a relative path is read."""
    from qualcoder_ahp.tui.screens.modals import SearchModal

    monkeypatch.chdir(tmp_path)
    (tmp_path / "p2.txt").write_text("Interviewer: Hello?\n\nPat: It was luck.\n")
    path = no_codebook(tmp_path)
    app = make_app(path, coder=CODER)
    async with app.run_test(size=NARROW) as pilot:
        dialog = await press_for_screen(pilot, "i", SearchModal)
        hint = drawn(dialog.query_one(".hint", Static))
        assert hint.startswith("Enter imports · Tab completes a name · Escape cancels · a "
                               "relative path starts in")
        assert str(tmp_path)[-20:] in hint.replace(" ", "")  # wrapped, not cut off
        await pilot.press(*"p2.txt", "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
    with open_store(path) as store:
        assert [t.name for t in store.transcripts()] == ["alpha", "p2"]


async def test_search_box_footer_offers_no_slash_while_typing_in_it(project: Path):
    """Typing in the search box, the footer offered "/ Edit", but / there types a /."""
    from textual.widgets import Input

    from qualcoder_ahp.tui.screens.search import SearchScreen

    app = make_app(project, coder=CODER)
    async with app.run_test(size=NARROW) as pilot:
        screen = await press_for_screen(pilot, "F", SearchScreen)
        assert screen.query_one(Input).has_focus
        assert "/" not in {k.key for k in footer_keys(app) if k.display}
        assert "slash" not in {k.key for k in footer_keys(app) if k.display}
        await pilot.press(*"board", "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.pause()
        assert not screen.query_one(Input).has_focus
        assert bottom_keys(app).get("slash") == "Edit"
        await pilot.press("slash")
        await pilot.pause()
        assert screen.query_one(Input).has_focus
        assert "slash" not in bottom_keys(app)


async def test_escape_asks_before_throwing_away_a_memo_or_an_edit(project: Path):
    """Escape in a memo being written, or in the theme form with a field changed, closed
    it at once and threw the text away without a word."""
    from textual.widgets import Input, TextArea

    from qualcoder_ahp.tui.screens.modals import MemoModal, ThemeEditModal

    app = make_app(project, coder=CODER)
    async with app.run_test(size=NARROW) as pilot:
        screen = await press_for_screen(pilot, "k", CodebookScreen)
        memo = await press_for_screen(pilot, "M", MemoModal)
        memo.query_one(TextArea).insert("A half-written thought")
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is memo  # still open, and says how to save or discard
        assert any("not saved: ctrl+s saves it, Escape again discards it" in n.message
                   for n in app._notifications)
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen
        form = await press_for_screen(pilot, "e", ThemeEditModal)
        await pilot.press("escape")  # nothing changed: closes at once
        await pilot.pause()
        assert app.screen is screen
        form = await press_for_screen(pilot, "e", ThemeEditModal)
        form.query_one("#edit-name", Input).value = "Renamed"
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is form
        await pilot.press("ctrl+s")  # and saving still saves
        await pilot.pause()
        assert app.screen is screen
    with open_store(project) as store:
        assert store.memo(CODER, "theme", "career") is None  # the discarded memo
        assert "Renamed" in {t.name for t in store.themes()}


async def test_one_match_is_not_plural(project: Path):
    """"1 suggestions match the filter." and "search “winding”: 1 hits"."""
    from qualcoder_ahp.tui.screens.modals import FilterModal, SearchModal

    with open_store(project) as store:
        first = store.suggestions(transcript_id=1)[0]
        store.reject(first.id, CODER)
    app = make_app(project, coder=CODER)
    async with app.run_test(size=NARROW) as pilot:
        screen = await open_alpha(pilot)
        dialog = await press_for_screen(pilot, "f", FilterModal)
        statuses = dialog.query_one("#status-list")
        statuses.highlighted = statuses.get_option_index("rejected")
        await pilot.press("enter")
        await pilot.pause()
        assert "1 suggestion matches the filter." in [n.message for n in app._notifications]
        await press_for_screen(pilot, "slash", SearchModal)
        await pilot.press(*"winding", "enter")
        await pilot.pause()
        assert drawn(screen.query_one("#status-line", Static)).endswith("“winding”: 1 hit")


async def test_help_is_one_key_away_while_typing_in_the_search_box(project: Path):
    """The search screen opens in its search box, where ? types a ?: its footer offered
    only "esc Back", and the help could not be reached but by leaving the screen."""
    from textual.widgets import Input

    from qualcoder_ahp.tui.screens.search import SearchScreen

    app = make_app(project, coder=CODER)
    async with app.run_test(size=NARROW) as pilot:
        screen = await press_for_screen(pilot, "F", SearchScreen)
        assert screen.query_one(Input).has_focus
        keys = [k for k in footer_keys(app) if k.display]
        assert (keys[0].key, keys[0].description) == ("f1", "Help"), keys
        help_screen = await press_for_screen(pilot, "f1", HelpScreen)
        assert "f1" not in bottom_keys(app) and help_screen.rows
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen and screen.query_one(Input).value == ""
        await pilot.press(*"board", "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.pause()
        keys = [k for k in footer_keys(app) if k.display]
        assert keys[0].key == "question_mark"  # ? again once the box is left
        assert "f1" not in {k.key for k in keys}


async def test_merge_picker_offers_no_new_theme_and_one_coding_is_singular(project: Path):
    """Merging, the theme picker's footer offered "^n New theme", which does nothing
    there; the confirmation read "Its 1 coding (every coder's) become codings of"."""
    from tests.tui.test_codebook_edit import _to_theme

    with open_store(project) as store:
        store.accept(store.suggestions(transcript_id=1)[0].id, CODER)
        theme = store.codings(coder=CODER)[0].theme_id
    app = make_app(project, coder=CODER)
    async with app.run_test(size=NARROW) as pilot:
        screen = await press_for_screen(pilot, "k", CodebookScreen)
        await _to_theme(pilot, screen, theme)
        picker = await press_for_screen(pilot, "m", ThemePickerModal)
        keys = bottom_keys(app)
        assert keys.get("escape") == "Cancel" and "ctrl+n" not in keys, keys
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ChoiceModal) and app.screen is not picker
        title = drawn(app.screen.query(Static).first())
        assert "Its 1 coding (every coder's) becomes a coding of" in title, title
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen
