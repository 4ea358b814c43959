"""Session 20's audit of the workbench as a researcher new to it meets it, at 80x24."""

from __future__ import annotations

from pathlib import Path

from textual.geometry import Region
from textual.widgets import Static
from textual.widgets._footer import FooterKey

from qualcoder_ahp.model.store import open_store
from qualcoder_ahp.records import Codebook, Theme
from qualcoder_ahp.tui.app import make_app
from qualcoder_ahp.tui.screens.transcripts import TranscriptsScreen
from tests.conftest import make_parsed
from tests.helpers.reconcile_host import ReconcileHost
from tests.tui.conftest import CODER, screen_text
from tests.tui.test_keys_80x24 import report_lines

QUESTION = ("I would like to hear about the years after you qualified, the posts you held "
            "on the wards and in the community, and whether any of it was planned. So what "
            "changed, in the end, that took you out of clinical work altogether?")
ANSWER = ("Honestly, I fell into management. There was no grand plan. My band 7 post was in "
          "critical care, and the therapy manager went off on long-term sick leave.")


def shown(app, selector: str) -> str:  # type: ignore[no-untyped-def]
    """The lines of a reconcile panel the reader sees (its scrolled window), as text."""
    static = app.screen.query_one(selector, Static)
    panel = static.parent
    height = panel.scrollable_content_region.height
    lines = static.render_lines(Region(0, int(panel.scroll_y), static.size.width, height))
    return " ".join(" ".join(strip.text.split()) for strip in lines)


async def test_reconcile_panels_show_the_stretch_at_80x24(store):
    """The coders' spans are in sight in every panel, not below the context before them."""
    store.save_codebook(Codebook("ahp", (Theme("roles", "Non-traditional roles"),)))
    info, _ = store.add_transcript("helen", make_parsed([
        ("Interviewer", "interviewer", QUESTION), ("Helen", "participant", ANSWER)]))
    text = store.transcript_text(info.id)
    start = text.index("Honestly")
    store.code(info.id, "roles", "asha", start, text.index("My band"))
    store.code(info.id, "roles", "ben", start, text.index(" There was"))
    app = ReconcileHost(store, "asha", coders=["asha", "ben"])
    async with app.run_test(size=(80, 24)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.pause()
        for selector in ("#coder-text-0", "#coder-text-1", "#consensus-text"):
            seen = shown(app, selector)
            assert "Honestly, I fell into management." in seen, (selector, seen)
        assert "A: asha" in shown(app, "#coder-text-0")  # who is who stays in sight
        # The context that is shown starts on a word, not "...ee in the morning".
        assert not any(word.startswith("...") and word[3:4].islower()
                       for word in shown(app, "#consensus-text").split())


CODEBOOK = """name: Leadership study
themes:
  - id: careers
    name: Careers
    codable: false
    children:
      - id: serendipity
        name: Serendipity
        description: Chance rather than planning.
        patterns:
          - id: luck
            phrase: "luck"
"""


async def test_a_new_project_loads_its_codebook_in_the_workbench(tmp_path: Path,
                                                                 monkeypatch):
    """A new project's first screen sent the researcher to a terminal for the codebook
    (`qcahp codebook load FILE`): L loads one, a bad file says each error and stores
    nothing, and with a codebook L says where a new version is loaded."""
    bad = tmp_path / "bad.yaml"
    bad.write_text(CODEBOOK.replace("phrase: \"luck\"", "regex: \"(luck\""), encoding="utf-8")
    good = tmp_path / "my codebook.yaml"
    good.write_text(CODEBOOK, encoding="utf-8")
    path = tmp_path / "new.db"
    monkeypatch.chdir(tmp_path)  # a relative path starts here (the dialog says so)
    app = make_app(path, coder=CODER)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert "press L to load one" in screen_text(app)
        keys = [k.description for k in sorted(
            (k for k in app.screen.query(FooterKey) if k.display), key=lambda k: k.region.x)]
        assert keys[:2] == ["Help", "Load codebook"], keys  # in sight at 80 columns
        for typed in ("bad.yaml", "my codebook.yaml"):
            await pilot.press("L")
            await pilot.pause()
            await pilot.press(*typed, "enter")
            await app.workers.wait_for_complete()
            await pilot.pause()
            if typed == "bad.yaml":
                report = " ".join(" ".join(report_lines(app.screen)).split())
                assert report.startswith("Codebook: bad.yaml not loaded (nothing stored)"), report
                assert "failed: bad.yaml:12: pattern luck: bad regex" in report, report
                with open_store(path) as store:
                    assert store.themes(include_inactive=True) == []
        messages = [n.message for n in app._notifications]
        assert ("Loaded 'Leadership study' from my codebook.yaml: 2 themes, 1 pattern, 0 exclusion "
                "patterns. Press S to run its suggestions.") in messages, messages
        with open_store(path) as store:
            assert [t.id for t in store.themes()] == ["careers", "serendipity"]
        assert "press L" not in screen_text(app)
        keys = [k.description for k in app.screen.query(FooterKey) if k.display]
        assert "Load codebook" not in keys
        await pilot.press("L")  # a new version is the terminal's: it says what changes
        await pilot.pause()
        assert isinstance(app.screen, TranscriptsScreen)
        assert any(n.message.startswith("This project has a codebook: load a new version in "
                                        "a terminal with `qcahp codebook load FILE`")
                   for n in app._notifications)
    with open_store(path) as store:
        assert len(store.themes()) == 2


async def test_a_copy_under_another_name_is_named_in_the_import_report(tmp_path: Path,
                                                                     monkeypatch):
    """A file with the text of another (a copy renamed) was counted "1 unchanged" in a
    passing toast: the researcher could not tell which file was not imported, nor why."""
    text = "Interviewer: How did you start?\n\nHelen: I fell into management by luck.\n"
    (tmp_path / "helen.txt").write_text(text, encoding="utf-8")
    (tmp_path / "helen_copy.txt").write_text(text, encoding="utf-8")
    path = tmp_path / "p.db"
    monkeypatch.chdir(tmp_path)
    app = make_app(path, coder=CODER)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("i")
        await pilot.pause()
        await pilot.press(*"helen.txt helen_copy.txt", "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        report = " ".join(" ".join(report_lines(app.screen)).split())
        assert report.startswith("Import: 1 imported"), report
        assert ("note: helen_copy.txt: not imported: same text as the transcript helen"
                in report), report
    with open_store(path) as store:
        assert [t.name for t in store.transcripts()] == ["helen"]


async def test_a_refused_theme_name_stays_in_the_dialog_to_correct(project: Path):
    """A new theme's name that is taken or too long closed the dialog, with a toast saying
    why: the researcher typed it all again. The refusal is said in the dialog, which keeps
    the text; corrected, it goes on to the folder."""
    from textual.widgets import Input, Label

    from qualcoder_ahp.tui.screens.codebook import CodebookScreen
    from qualcoder_ahp.tui.screens.modals import SearchModal

    app = make_app(project, coder=CODER)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("k")
        await pilot.pause()
        assert isinstance(app.screen, CodebookScreen)
        await pilot.press("a")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, SearchModal)
        box = dialog.query_one(Input)
        box.value = "Caught between clinical identity and corporate expectations in the " \
                    "first board role"
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is dialog  # still open, the text kept
        error = str(dialog.query_one("#search-error", Label).render())
        assert error.startswith("A theme name has at most 80 characters (this one has 83)")
        box.value = ""
        await pilot.press(*"serendipity", "enter")
        await pilot.pause()
        assert app.screen is dialog and box.value == "serendipity"
        assert str(dialog.query_one("#search-error", Label).render()) == (
            "There is already a theme named 'Serendipity' (Career paths / Serendipity).")
        await pilot.press(*" luck", "enter")  # corrected: on to its folder
        await pilot.pause()
        assert app.screen is not dialog
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, CodebookScreen)
    with open_store(project) as store:
        assert [t.name for t in store.themes() if t.name.lower().startswith("seren")] == [
            "Serendipity", "serendipity luck"]


async def test_the_coding_screens_help_names_the_screen(tmp_path: Path):
    """The coding screen's help was headed "Keys: " and the transcript's name, which a
    long file name broke mid-word over two lines at 80 columns."""
    from textual.widgets import Label

    from qualcoder_ahp.tui.screens.help import HelpScreen
    from tests.tui.conftest import TURNS_A

    path = tmp_path / "p.db"
    with open_store(path) as store:
        store.add_transcript("05_uk-covid-inquiry_m3_2024-09-23_college-of-paramedics_tracy",
                             make_parsed(TURNS_A))
    app = make_app(path, coder=CODER)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        title = app.screen.query(Label).first()
        lines = [title.render_line(y).text.strip() for y in range(title.size.height)]
        assert lines == ["Keys: Coding a transcript  (Escape closes; ctrl+p finds any command)"]


async def test_the_memo_list_cuts_a_quote_between_words(project: Path):
    """M listed a coding as "“It was a winding route really. I never p…”": the quote is
    cut where a word ends."""
    from textual.widgets import OptionList

    with open_store(project) as store:
        text = store.transcript_text(1)
        start = text.index("It was a winding")
        store.code(1, "mandate", CODER, start, text.index("Then I had"))
    app = make_app(project, coder=CODER)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("M")
        await pilot.pause()
        options = app.screen.query_one(OptionList)
        labels = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        shown = "Coding: Mandate — “It was a winding route really. I never…”"
        assert shown in labels, labels


async def test_the_import_dialog_completes_file_and_folder_names(tmp_path: Path,
                                                                  monkeypatch):
    """Every path in the import dialog was typed whole (Tab did nothing): Tab (or →)
    completes a folder's or file's name, as a shell does."""
    from textual.widgets import Input

    from qualcoder_ahp.tui.screens.modals import SearchModal

    folder = tmp_path / "interviews 2024"
    folder.mkdir()
    (folder / "helen.txt").write_text("Interviewer: How did you start?\n\nHelen: By luck.\n",
                                      encoding="utf-8")
    (folder / "helen-notes.md").write_text("notes", encoding="utf-8")
    (folder / "marcus.txt").write_text("Interviewer: And you?\n\nMarcus: Planned it.\n",
                                       encoding="utf-8")
    path = tmp_path / "p.db"
    monkeypatch.chdir(tmp_path)
    app = make_app(path, coder=CODER)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("i")
        await pilot.pause()
        assert isinstance(app.screen, SearchModal)
        box = app.screen.query_one(Input)
        await pilot.press(*"int", "tab")  # at once, as a shell's user types
        assert box.value == "interviews 2024/"  # a name with a space, whole
        await pilot.press("h", "tab")  # helen.txt and helen-notes.md agree as far as "helen"
        assert box.value == "interviews 2024/helen"
        await pilot.press(".", "tab")
        assert box.value == "interviews 2024/helen.txt"
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
    with open_store(path) as store:
        assert [t.name for t in store.transcripts()] == ["helen"]


async def test_a_merge_says_that_the_merged_themes_open_suggestions_close(project: Path):
    """m closed the merged theme's undecided suggestions without a word: neither the
    confirmation nor the message after it said so (x, retire, does)."""
    from textual.widgets import Tree

    from qualcoder_ahp.tui.screens.modals import ChoiceModal

    with open_store(project) as store:
        assert len(store.suggestions(theme_id="serendipity", status="open")) == 2
    app = make_app(project, coder=CODER)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("k")
        await pilot.pause()
        tree = app.screen.query_one("#theme-tree", Tree)
        line = next(i for i in range(tree.last_line + 1)
                    if tree.get_node_at_line(i).data == "serendipity")
        tree.move_cursor_to_line(line)
        await pilot.pause()
        await pilot.press("m")
        await pilot.pause()
        await pilot.press(*"mandate", "enter")
        await pilot.pause()
        assert isinstance(app.screen, ChoiceModal)
        assert app.screen.title_text.endswith(
            "Serendipity leaves the codebook; its 2 open suggestions close. u undoes it.")
        await pilot.press("enter")
        await pilot.pause()
        assert ("Merged Serendipity into Mandate: 0 codings, 0 memos, 2 open suggestions "
                "closed (u undoes it).") in [n.message for n in app._notifications]
    with open_store(project) as store:
        assert store.suggestions(theme_id="serendipity", status="open") == []


async def test_coding_a_search_hit_quotes_the_sentence_it_codes(project: Path):
    """c on a search hit opened a picker over the list that did not say which sentence it
    would code; it quotes it, as the coding screen's picker does."""
    from qualcoder_ahp.tui.screens.modals import QuoteLine, ThemePickerModal

    app = make_app(project, coder=CODER)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("F")
        await pilot.pause()
        await pilot.press(*"pure luck", "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("c")
        await pilot.pause()
        assert isinstance(app.screen, ThemePickerModal)
        quote = app.screen.query_one(QuoteLine)
        assert quote.render().plain == "“Pure luck got me the job.”"
        await pilot.press(*"serendipity", "enter")
        await pilot.pause()
    with open_store(project) as store:
        text = store.transcript_text(2)
        assert [text[c.start:c.end] for c in store.codings(coder=CODER)] == [
            "Pure luck got me the job."]


async def test_the_reconcile_panel_that_tab_focuses_shows_it(store):
    """Tab gives ↑ ↓ to a coder's panel or the consensus panel, and none looked any
    different: the one that scrolls has a heavy border."""
    from textual.containers import VerticalScroll

    store.save_codebook(Codebook("ahp", (Theme("roles", "Non-traditional roles"),)))
    info, _ = store.add_transcript("helen", make_parsed([
        ("Interviewer", "interviewer", QUESTION), ("Helen", "participant", ANSWER)]))
    text = store.transcript_text(info.id)
    store.code(info.id, "roles", "asha", text.index("Honestly"), text.index("My band"))
    store.code(info.id, "roles", "ben", text.index("Honestly"), text.index(" There was"))
    app = ReconcileHost(store, "asha", coders=["asha", "ben"])
    async with app.run_test(size=(80, 24)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        panels = [*app.screen.query(".coder-panel"), app.screen.query_one("#consensus-panel")]
        for _ in panels:
            await pilot.press("tab")
            await pilot.pause()
            focused = app.focused
            assert isinstance(focused, VerticalScroll) and focused in panels
            assert [p.styles.border_top[0] for p in panels] == [
                "heavy" if p is focused else "round" for p in panels]
