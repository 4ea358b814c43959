"""The search screen: every transcript searched, hits in context, opened and coded.

Driven with Textual's Pilot at 80x24 on the workbench fixture project (alpha: "And the
board?" asked, "I report to the board now. The board listens to AHPs." answered; beta:
"Then the board noticed our work."). Each test asserts on what the screen draws, where
Enter lands on the coding screen, and what the database holds after ``c`` and ``u``.
"""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input, Label

from qualcoder_ahp.model.store import open_store
from qualcoder_ahp.records import ParsedTranscript, Sentence, Turn
from qualcoder_ahp.reports.search import SearchQuery, code_hits, search
from qualcoder_ahp.tui.app import make_app
from qualcoder_ahp.tui.screens.codebook import CodebookScreen
from qualcoder_ahp.tui.screens.coding import CodingScreen
from qualcoder_ahp.tui.screens.help import HelpScreen
from qualcoder_ahp.tui.screens.modals import ThemePickerModal
from qualcoder_ahp.tui.screens.search import HitList, HitThemePicker, SearchScreen
from qualcoder_ahp.tui.screens.transcripts import TranscriptsScreen
from qualcoder_ahp.tui.session import Span
from tests.tui.conftest import CODER, press_for_screen
from tests.tui.test_audit_keys import cut_keys, messages, shown_keys
from tests.tui.test_codebook_edit import _to_theme

NARROW = (80, 24)


def drawn(app) -> list[str]:  # type: ignore[no-untyped-def]
    """The search screen's lines as drawn: the count line, the list rows, the where-line."""
    screen = app.screen
    listing = screen.query_one(HitList)
    rows = [listing.render_line(y).text.rstrip()
            for y in range(listing.scrollable_content_region.height)] if listing.display else []
    head = str(screen.query_one("#search-head", Label).render())
    where = str(screen.query_one("#search-where", Label).render())
    return [head, *rows, where]


async def settle(pilot) -> SearchScreen:  # type: ignore[no-untyped-def]
    """Wait for the search worker and the redraw; the search screen."""
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, SearchScreen)
    return screen


async def open_search(pilot, text: str) -> SearchScreen:  # type: ignore[no-untyped-def]
    """From the transcripts screen: F, type ``text``, Enter; wait for the hits."""
    await pilot.pause()
    await pilot.press("F")
    await pilot.pause()
    assert isinstance(pilot.app.screen, SearchScreen)
    await pilot.press(*text, "enter")
    return await settle(pilot)


def coded_sentences(path: Path, theme: str) -> list[str]:
    with open_store(path) as store:
        return [c.quote for c in store.codings(coder=CODER, theme_id=theme)]


async def test_find_all_lists_every_hit_in_context(project: Path):
    app = make_app(project, coder=CODER)
    async with app.run_test(size=NARROW) as pilot:
        for _ in range(3):  # the footer leaves out the keys that do not fit, a refresh later
            await pilot.pause()
        assert {"F", "q"} <= set(shown_keys(app)) and cut_keys(app) == []  # transcripts
        screen = await open_search(pilot, "BOARD")
        lines = drawn(app)
        assert lines[0] == "\u201cBOARD\u201d: 4 hits in 2 of 2 transcripts (all speakers)"
        text = "\n".join(lines)
        assert "alpha \u00b7 Interviewer \u00b7 turn 3 (interviewer)\nAnd the board?" in text
        assert "alpha \u00b7 P1 \u00b7 turn 4\nI report to the board now." in text
        assert "beta \u00b7 P2 \u00b7 turn 2\n\u2026 luck got me the job. Then the board " \
               "noticed our work." in text
        assert lines[-1].startswith("Hit 1 of 4 \u00b7 alpha")
        assert all(len(line) <= NARROW[0] for line in lines)
        # The same hits as the core (and qcahp search), in the same order.
        with open_store(project) as store:
            core = search(store, SearchQuery(("BOARD",)))
        assert [(h.transcript_id, h.start) for h in screen.shown.hits] == [
            (h.transcript_id, h.start) for h in core.hits]
        # The list has the keys: the footer shows them, whole; the help lists them.
        assert screen.query_one(HitList).has_focus
        assert shown_keys(app)[:8] == ["question_mark", "enter", "c", "slash", "R", "W", "o",
                                       "escape"]
        assert cut_keys(app) == []
        searches = screen._request
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        rows = {d for _, d, _ in app.screen.rows}
        assert {"Open", "Code…", "Edit", "Regex", "Words", "Role", "Back"} <= rows
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen and screen._request == searches  # no search again
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, TranscriptsScreen)


async def test_options_regex_words_role_and_a_bad_pattern(project: Path):
    app = make_app(project, coder=CODER)
    async with app.run_test(size=NARROW) as pilot:
        screen = await open_search(pilot, "luck|board")
        assert drawn(app)[0].startswith("No hits for \u201cluck|board\u201d")
        await pilot.press("R")  # regex on: luck or board
        await settle(pilot)
        assert drawn(app)[0] == ("\u201cluck|board\u201d: 7 hits in 2 of 2 transcripts "
                                 "(all speakers)")
        assert "regex (R)" in str(screen.query_one("#search-options", Label).render())
        await pilot.press("o")  # participants only
        await settle(pilot)
        assert drawn(app)[0].endswith(": 5 hits in 2 of 2 transcripts (participants)")
        assert {h.role for h in screen.shown.hits} == {"participant"}
        await pilot.press("o")  # interviewers
        await settle(pilot)
        assert [h.match for h in screen.shown.hits] == ["board", "luck"]
        await pilot.press("o", "slash")  # all again; back to the search box
        await pilot.pause()
        assert screen.query_one(Input).has_focus
        await pilot.press("ctrl+u", *"boar", "enter")
        await settle(pilot)
        assert len(screen.shown.hits) == 4
        await pilot.press("W")  # whole words: "boar" is in no word
        await settle(pilot)
        assert drawn(app)[0].startswith("No hits for \u201cboar\u201d")
        await pilot.press("slash", "ctrl+u", *"board(", "enter")  # a bad regex: a warning
        await pilot.pause()
        assert app.screen is screen
        assert any("bad regular expression 'board('" in m for m in messages(app))


async def test_enter_opens_the_coding_screen_at_the_sentence_and_F_comes_back(project: Path):
    app = make_app(project, coder=CODER)
    async with app.run_test(size=NARROW) as pilot:
        screen = await open_search(pilot, "board")
        await pilot.press("end")  # beta's hit
        await pilot.pause()
        hit = screen.selected()
        assert hit.transcript == "beta"
        await pilot.press("enter")
        await pilot.pause()
        coding = app.screen
        assert isinstance(coding, CodingScreen)
        session = coding.session
        assert session.transcript_id == hit.transcript_id
        assert session.span == Span(hit.sentence_start, hit.sentence_end)
        assert session.text[hit.sentence_start:hit.sentence_end] == (
            "Then the board noticed our work.")
        sentence = session.sentences[session.cursor]
        assert (sentence.start, sentence.end) == (hit.sentence_start, hit.sentence_end)
        assert session.search_query == "board" and session.search_hits  # marked there too
        await pilot.press("F")
        await settle(pilot)
        assert app.screen is screen and screen.selected().start == hit.start


async def test_c_codes_the_sentence_once_and_u_undoes_it(project: Path):
    app = make_app(project, coder=CODER)
    async with app.run_test(size=NARROW) as pilot:
        screen = await open_search(pilot, "board")
        await pilot.press("down")  # "I report to the board now."
        await pilot.pause()
        await pilot.press("c")
        await pilot.pause()
        assert isinstance(app.screen, ThemePickerModal)
        assert app.screen.query_one("#theme-options").highlighted == 0
        await pilot.press(*"mand", "enter")
        await settle(pilot)
        assert coded_sentences(project, "mandate") == ["I report to the board now."]
        assert any("Coded: Mandate" in m for m in messages(app))
        lines = drawn(app)
        assert lines[0].endswith("; 1 coded with Mandate by you")
        assert "alpha \u00b7 P1 \u00b7 turn 4  \u2713 Mandate" in "\n".join(lines)
        # Coding it again adds nothing.
        assert screen.selected().sentence_start == screen.shown.hits[1].sentence_start
        await pilot.press("c", *"mand", "enter")
        await settle(pilot)
        assert coded_sentences(project, "mandate") == ["I report to the board now."]
        assert any("Already coded with Mandate here." in m for m in messages(app))
        # The picker starts on the theme last used here: c Enter codes the next hit with it.
        await pilot.press("end", "c")
        await pilot.pause()
        assert isinstance(app.screen, HitThemePicker)
        await pilot.pause()
        await pilot.press("enter")
        await settle(pilot)
        assert coded_sentences(project, "mandate") == ["I report to the board now.",
                                                       "Then the board noticed our work."]
        await pilot.press("home", "down")
        await pilot.pause()
        # It is one ordinary decision: u on the coding screen takes it back.
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, CodingScreen)
        await pilot.press("u")
        await pilot.pause()
        assert coded_sentences(project, "mandate") == ["I report to the board now."]
        assert any(m == "Undone: code (Mandate)" for m in messages(app))
        await pilot.press("F")
        await settle(pilot)
        assert drawn(app)[0].endswith("; 1 coded with Mandate by you")  # beta's was undone


async def test_u_undoes_a_search_coding_of_many_sentences_in_one_step(project: Path):
    with open_store(project) as store:
        hits = search(store, SearchQuery(("board",), role="participant")).hits
        assert code_hits(store, hits, "mandate", CODER).coded == 3
    app = make_app(project, coder=CODER)
    async with app.run_test(size=NARROW) as pilot:
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, CodingScreen)
        await pilot.press("u")
        await pilot.pause()
        assert coded_sentences(project, "mandate") == []
        assert "Undone: coding of 3 sentences found by search (Mandate)" in messages(app)
        await pilot.press("r")
        await pilot.pause()
        assert len(coded_sentences(project, "mandate")) == 3


async def test_escape_leaves_from_the_search_box_and_an_empty_search_says_so(project: Path):
    app = make_app(project, coder=CODER)
    async with app.run_test(size=NARROW) as pilot:
        await pilot.pause()
        await pilot.press("F")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, SearchScreen) and screen.query_one(Input).has_focus
        assert drawn(app)[-1] == "Type a word or phrase and press Enter."
        await pilot.press("enter")
        await pilot.pause()
        assert "Type a word or phrase to search for." in messages(app)
        assert screen.shown is None
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, TranscriptsScreen)


async def test_the_coding_screens_search_carries_over(project: Path):
    app = make_app(project, coder=CODER)
    async with app.run_test(size=NARROW) as pilot:
        await pilot.pause()
        await pilot.press("enter", "slash", *"luck", "enter")
        await pilot.pause()
        assert isinstance(app.screen, CodingScreen)
        await pilot.press("F")
        screen = await settle(pilot)
        assert screen.query_one(Input).value == "luck"
        assert drawn(app)[0].startswith("\u201cluck\u201d: 3 hits in 2 of 2 transcripts")
        assert screen.query_one(HitList).has_focus  # the keys are the hits', as after Enter


def add_long_transcript(path: Path, hits: int) -> None:
    """A transcript of ``hits`` participant sentences, each naming covid once."""
    sentences, parts, pos = [], [], 0
    for i in range(hits):
        body = f"Sentence {i} is about covid and more."
        sentences.append(Sentence(pos, pos + len(body), 0))
        parts.append(body)
        pos += len(body) + 1
    text = " ".join(parts)
    with open_store(path) as store:
        store.add_transcript("long", ParsedTranscript(
            text, [Turn("P9", "participant", 0, len(text))], "txt", sentences))


async def test_thousands_of_hits_fill_in_batches_and_keys_keep_working(project: Path,
                                                                       monkeypatch):
    import qualcoder_ahp.tui.screens.search as module

    monkeypatch.setattr(module, "MAX_SHOWN", 2500)
    monkeypatch.setattr(module, "FIRST_BATCH", 10)
    monkeypatch.setattr(module, "BATCH", 100)
    add_long_transcript(project, 3000)
    filled: list[int] = []  # the list's length as each batch arrives
    add_batch = module.SearchScreen._add_batch

    def spy(self, request, options, start, size):  # type: ignore[no-untyped-def]
        add_batch(self, request, options, start, size)
        filled.append(self.query_one(HitList).option_count)

    monkeypatch.setattr(module.SearchScreen, "_add_batch", spy)
    app = make_app(project, coder=CODER)
    async with app.run_test(size=NARROW) as pilot:
        screen = await open_search(pilot, "covid")
        listing = screen.query_one(HitList)
        assert drawn(app)[0] == ("\u201ccovid\u201d: 3,000 hits in 1 of 3 transcripts (all "
                                 "speakers); the first 2,500 listed")
        # Ten hits at once, then a hundred per refresh: the screen is never blocked
        # for the whole list.
        assert filled[:3] == [10, 110, 210]
        await pilot.press("down", "down")  # the keys work while the list fills
        await pilot.pause()
        assert screen.selected() is screen.shown.hits[2]
        for _ in range(100):
            await pilot.pause()
            if listing.option_count == 2500:
                break
        assert listing.option_count == 2500 and filled[-1] == 2500 and len(filled) == 26
        await pilot.press("end")
        await pilot.pause()
        assert screen.selected() is screen.shown.hits[2499]
        assert drawn(app)[-1].startswith("Hit 2,500 of 3,000 \u00b7 long")


async def test_another_windows_coding_is_ticked_when_the_app_polls(project: Path):
    app = make_app(project, coder=CODER)
    async with app.run_test(size=NARROW) as pilot:
        screen = await open_search(pilot, "board")
        await pilot.press("c", *"mand", "enter")
        await settle(pilot)
        assert drawn(app)[0].endswith("; 1 coded with Mandate by you")
        with open_store(project) as other:  # a second window of the same coder
            hit = screen.shown.hits[-1]
            other.code(hit.transcript_id, "mandate", CODER, hit.sentence_start,
                       hit.sentence_end)
        assert app.poll_store()
        await settle(pilot)
        assert drawn(app)[0].endswith("; 2 coded with Mandate by you")
        assert "\u2713 Mandate" in "\n".join(drawn(app)).split("beta")[-1]


async def test_ctrl_n_in_the_picker_makes_a_new_theme_and_codes_the_hit(project: Path):
    """A theme that emerges from the hits (inductive coding) is made from the search
    screen as from the coding screen: named in the picker, placed, stored, then coded."""
    from qualcoder_ahp.tui.screens.modals import ChoiceModal

    app = make_app(project, coder=CODER)
    async with app.run_test(size=NARROW) as pilot:
        await open_search(pilot, "board")
        await pilot.press("down", "c")  # "I report to the board now."
        await pilot.pause()
        assert isinstance(app.screen, HitThemePicker)
        await pilot.press(*"Reporting lines", "ctrl+n")
        await pilot.pause()
        assert isinstance(app.screen, ChoiceModal)
        await pilot.press("escape")  # no place chosen: nothing made
        await settle(pilot)
        with open_store(project) as store:
            assert "Reporting lines" not in [t.name for t in store.themes()]
        await pilot.press("c", *"Reporting lines", "ctrl+n")
        await pilot.pause()
        await pilot.press("enter")  # at the top level
        await settle(pilot)
        with open_store(project) as store:
            theme = next(t for t in store.themes() if t.name == "Reporting lines")
            assert theme.parent_id is None
        assert coded_sentences(project, theme.id) == ["I report to the board now."]
        assert any("Coded: Reporting lines" in m for m in messages(app))
        # Two decisions, undone in turn on the coding screen: the coding, then the theme.
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, CodingScreen)
        await pilot.press("u")
        await pilot.pause()
        assert coded_sentences(project, theme.id) == []
        await pilot.press("u")
        await pilot.pause()
        with open_store(project) as store:
            assert "Reporting lines" not in [t.name for t in store.themes()]


async def test_a_theme_merged_away_in_another_window_is_followed(project: Path):
    """The theme last coded with here is merged into another in a second window: the count
    line and the ticks name the theme it went into (its codings went there too), and
    ``c`` starts on that one; a theme whose making is undone is forgotten."""
    app = make_app(project, coder=CODER)
    async with app.run_test(size=NARROW) as pilot:
        screen = await open_search(pilot, "board")
        await pilot.press("down", "c", *"secret", "enter")  # "I report to the board now."
        await settle(pilot)
        assert drawn(app)[0].endswith("; 1 coded with Secret weapon by you")
        with open_store(project) as other:
            other.merge_theme("secret", "mandate", coder="ben")
        assert app.poll_store()
        await settle(pilot)
        text = "\n".join(drawn(app))
        assert "Secret weapon" not in text
        assert drawn(app)[0].endswith("; 1 coded with Mandate by you")
        assert screen.mark_theme == "mandate"
        await pilot.press("c")
        await pilot.pause()
        picker = app.screen
        assert isinstance(picker, HitThemePicker)
        options = picker.query_one("#theme-options")
        assert options.get_option_at_index(options.highlighted).id == "mandate"
        await pilot.press("escape")
        await pilot.pause()
        # A theme made here (ctrl+n) and then undone in another window: forgotten.
        await pilot.press("c", *"Hidden gem", "ctrl+n")
        await pilot.pause()
        await pilot.press("enter")  # at the top level
        await settle(pilot)
        made = screen.mark_theme
        assert made not in (None, "mandate")
        with open_store(project) as other:
            other.undo(CODER)  # the coding with it
            other.undo(CODER)  # its making
        assert app.poll_store()
        await settle(pilot)
        assert screen.mark_theme is None


async def test_a_hit_coded_on_its_coding_screen_is_ticked_with_that_theme(project: Path):
    """c codes a hit with Mandate here; Enter opens another hit, c there codes it with
    Secret weapon: back (F), that hit was left unticked, the ticks being Mandate's. Now
    the ticks, the count line and the picker follow the theme last coded with there."""
    app = make_app(project, coder=CODER)
    async with app.run_test(size=NARROW) as pilot:
        screen = await open_search(pilot, "board")
        await pilot.press("down", "c", *"mand", "enter")
        await settle(pilot)
        assert drawn(app)[0].endswith("; 1 coded with Mandate by you")
        await pilot.press("end", "enter")  # beta's hit, on its coding screen
        for _ in range(3):
            await pilot.pause()
        assert isinstance(app.screen, CodingScreen)
        await pilot.press("c")
        await pilot.pause()
        await pilot.press(*"secret", "enter")
        await pilot.pause()
        assert coded_sentences(project, "secret") == ["Then the board noticed our work."]
        await pilot.press("F")
        await settle(pilot)
        assert app.screen is screen and screen.mark_theme == "secret"
        lines = drawn(app)
        assert lines[0].endswith("; 1 coded with Secret weapon by you")
        assert [h.coded for h in screen.shown.hits][-1] is True
        assert "beta \u00b7 P2 \u00b7 turn 2  \u2713 Secret weapon" in lines
        assert not any("Mandate" in line for line in lines[1:])  # the ticks are one theme's
        await pilot.press("c")
        await pilot.pause()
        options = app.screen.query_one("#theme-options")
        assert options.get_option_at_index(options.highlighted).id == "secret"
        await pilot.press("escape")
        await pilot.pause()
        # A hit opened and left uncoded (or its coding undone there) changes nothing.
        await pilot.press("home", "enter")
        for _ in range(3):
            await pilot.pause()
        assert isinstance(app.screen, CodingScreen)
        await pilot.press("c", *"mand", "enter")
        await pilot.pause()
        assert len(coded_sentences(project, "mandate")) == 2
        await pilot.press("u")
        await pilot.pause()
        assert coded_sentences(project, "mandate") == ["I report to the board now."]
        await pilot.press("F")
        await settle(pilot)
        assert screen.mark_theme == "secret"


async def test_a_merge_on_the_codebook_screen_is_followed(project: Path):
    """c codes a hit with Secret weapon; on the codebook screen (k from the hit's coding
    screen) m merges Secret weapon into Mandate; back on the hits, they are marked with
    Mandate and c starts on it."""
    app = make_app(project, coder=CODER)
    async with app.run_test(size=NARROW) as pilot:
        screen = await open_search(pilot, "board")
        await pilot.press("down", "c", *"secret", "enter")
        await settle(pilot)
        assert drawn(app)[0].endswith("; 1 coded with Secret weapon by you")
        await pilot.press("enter")  # the hit's coding screen
        for _ in range(3):
            await pilot.pause()
        assert isinstance(app.screen, CodingScreen)
        codebook = await press_for_screen(pilot, "k", CodebookScreen)
        await _to_theme(pilot, codebook, "secret")
        await press_for_screen(pilot, "m", ThemePickerModal)
        await pilot.press(*"mandate", "enter")
        await pilot.pause()
        await pilot.press("enter")  # confirm: Merge into Mandate
        await pilot.pause()
        assert app.screen is codebook
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("F")  # back to the hits
        await settle(pilot)
        assert app.screen is screen and screen.mark_theme == "mandate"
        assert drawn(app)[0].endswith("; 1 coded with Mandate by you")
        await pilot.press("c")
        await pilot.pause()
        options = app.screen.query_one("#theme-options")
        assert options.get_option_at_index(options.highlighted).id == "mandate"


async def test_the_coding_screen_opened_at_a_hit_shows_F_back_to_the_hits(project: Path):
    """Escape on the coding screen only clears, and the note naming F fades: so the footer
    of a coding screen opened from a hit shows F (first, whole, at 80 columns) and the help
    says what it does; opened from the transcripts screen, F is the app's "Find all"."""
    app = make_app(project, coder=CODER)
    async with app.run_test(size=NARROW) as pilot:
        screen = await open_search(pilot, "board")
        await pilot.press("enter")
        for _ in range(3):
            await pilot.pause()
        coding = app.screen
        assert isinstance(coding, CodingScreen)
        assert shown_keys(app)[:2] == ["question_mark", "F"] and cut_keys(app) == []
        labels = [k.description for k in app.screen.query("FooterKey") if k.key == "F"]
        assert labels == ["Hits"]
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        assert [r[1] for r in app.screen.rows if r[0] == "F"] == ["Hits"]
        await pilot.press("escape", "escape")  # the help, then the coding screen's clear
        await pilot.pause()
        assert app.screen is coding
        await pilot.press("F")
        await settle(pilot)
        assert app.screen is screen
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, TranscriptsScreen)
        await pilot.press("enter")  # a coding screen of its own: F searches, as ever
        for _ in range(3):
            await pilot.pause()
        assert isinstance(app.screen, CodingScreen)
        assert "F" not in shown_keys(app)
        await pilot.press("question_mark")
        await pilot.pause()
        assert [r[1] for r in app.screen.rows if r[0] == "F"] == ["Find all"]
        await pilot.press("escape", "F")
        await pilot.pause()
        assert isinstance(app.screen, SearchScreen) and app.screen is not screen


async def test_keys_pressed_while_the_search_runs_act_on_the_hits_not_the_box(
        project: Path, monkeypatch):
    """Enter starts the search; a key pressed before the hits arrive (o, W) used to be
    typed into the box ("boardo"), so the list showed one search and the box another."""
    import threading

    from qualcoder_ahp.tui.screens import search as search_module

    gate = threading.Event()
    real = search_module.search

    def slow(*args, **kwargs):  # type: ignore[no-untyped-def]
        gate.wait(10)
        return real(*args, **kwargs)

    monkeypatch.setattr(search_module, "search", slow)
    app = make_app(project, coder=CODER)
    async with app.run_test(size=NARROW) as pilot:
        await pilot.pause()
        await pilot.press("F")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, SearchScreen)
        await pilot.press(*"board", "enter")
        await pilot.pause()
        assert drawn(app)[-1].startswith("Searching")
        await pilot.press("o")  # still searching: the speakers searched, not a letter
        await pilot.pause()
        assert screen.query_one(Input).value == "board"
        assert screen.role == "participant"
        gate.set()
        await settle(pilot)
        assert screen.query_one(HitList).has_focus
        assert drawn(app)[0] == "\u201cboard\u201d: 3 hits in 2 of 2 transcripts (participants)"


async def test_escape_in_the_box_over_a_list_of_hits_cancels_the_edit(project: Path):
    """/ then Escape (changing one's mind) left the screen and its hits: now Escape puts
    back the search the list shows and gives the keys to the hits; Escape again leaves."""
    app = make_app(project, coder=CODER)
    async with app.run_test(size=NARROW) as pilot:
        screen = await open_search(pilot, "board")
        await pilot.press("down", "slash", *"xyz")
        await pilot.pause()
        assert screen.query_one(Input).value == "xyz"  # the old words were selected
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen
        assert screen.query_one(Input).value == "board"
        assert screen.query_one(HitList).has_focus and screen.selected() is screen.shown.hits[1]
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, TranscriptsScreen)


async def test_u_on_the_search_screen_undoes_the_coding_made_there(project: Path):
    app = make_app(project, coder=CODER)
    async with app.run_test(size=NARROW) as pilot:
        await open_search(pilot, "board")
        await pilot.press("down", "c")  # "I report to the board now."
        await pilot.pause()
        await pilot.press(*"mand", "enter")
        await settle(pilot)
        assert coded_sentences(project, "mandate") == ["I report to the board now."]
        assert "\u2713 Mandate" in "\n".join(drawn(app))
        await pilot.press("u")
        await settle(pilot)
        assert coded_sentences(project, "mandate") == []
        assert any(m == "Undone: code (Mandate)" for m in messages(app))
        assert "\u2713 Mandate" not in "\n".join(drawn(app))  # searched again: no tick
        await pilot.press("r")
        await settle(pilot)
        assert coded_sentences(project, "mandate") == ["I report to the board now."]
        # In the search box, u and r are letters of the search.
        await pilot.press("slash", "u")
        await pilot.pause()
        assert pilot.app.screen.query_one(Input).value.endswith("u")
        assert coded_sentences(project, "mandate") == ["I report to the board now."]


async def test_the_palette_of_a_coding_screen_opened_at_a_hit_has_one_F(project: Path):
    """The coding screen's F (back to the hits) and the app's F (find all, which does the
    same from there) were both in the command palette; one entry per key now, and the
    app's "Find all (F)" where F does search (a coding screen of its own)."""
    app = make_app(project, coder=CODER)
    async with app.run_test(size=NARROW) as pilot:
        await open_search(pilot, "board")
        await pilot.press("enter")
        for _ in range(3):
            await pilot.pause()
        coding = app.screen
        assert isinstance(coding, CodingScreen)
        titles = [c.title for c in app.get_system_commands(coding)]
        assert [t for t in titles if t.endswith("(F)")] == ["Hits (F)"]
        await pilot.press("F")
        await settle(pilot)
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("enter")  # from the transcripts screen
        for _ in range(3):
            await pilot.pause()
        assert isinstance(app.screen, CodingScreen)
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert [t for t in titles if t.endswith("(F)")] == ["Find all (F)"]


async def test_coding_a_hit_of_a_transcript_withdrawn_meanwhile_says_so(project: Path):
    """`qcahp withdraw` in another window while the theme picker was open: Enter said
    only "no transcript with id 2"."""
    app = make_app(project, coder=CODER)
    async with app.run_test(size=NARROW) as pilot:
        screen = await open_search(pilot, "board")
        hit = screen.selected()
        assert hit is not None
        await pilot.press("c", *"mand")
        await pilot.pause()
        assert isinstance(app.screen, HitThemePicker)
        with open_store(project) as other:
            other.withdraw(transcripts=[hit.transcript], by="x")
            events = len(other.events())
        await pilot.press("enter")
        await settle(pilot)
        assert app.is_running
        assert any(f"{hit.transcript} was withdrawn from the project (qcahp withdraw); "
                   "nothing was coded." in m for m in messages(app))
        with open_store(project) as other:
            assert len(other.events()) == events
