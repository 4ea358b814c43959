"""Pilot tests of the coding screen: every key, asserting on database rows and the screen."""

from __future__ import annotations

from pathlib import Path

from qualcoder_ahp.model.store import open_store
from qualcoder_ahp.tui.app import make_app
from qualcoder_ahp.tui.screens.coding import CodingScreen
from qualcoder_ahp.tui.screens.modals import ChoiceModal
from tests.tui.conftest import CODER, SIZE, THEMES, open_alpha, screen_text



def sentence_text(screen: CodingScreen) -> str:
    span = screen.session.span
    return screen.session.text[span.start:span.end]


async def test_opens_at_first_suggestion_with_panel(app):
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_alpha(pilot)
        shown = screen_text(app)
        assert screen.session.current is not None
        assert screen.session.current.theme_id == "winding"
        assert "Winding route" in shown and "A non-linear route through roles." in shown
        assert "Include: Moves between roles" in shown and "Exclude: Planned promotions." in shown
        assert "winding-route" in shown and "“winding route”" in shown
        assert "undecided" in shown
        assert "Interviewer" in shown and "P1" in shown
        assert "coder: ana" in (screen.sub_title or "")


async def test_markup_in_transcript_is_literal(app):
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await open_alpha(pilot)
        shown = screen_text(app)
        assert "[bold]this[/]" in shown
        assert "[link=x]that[/link]" in shown
        # user text in notifications is literal too
        await pilot.press("/")
        await pilot.pause()
        await pilot.press(*"[/x]", "enter")
        await pilot.pause()
        await pilot.pause()
        toasts = [str(t.render()) for t in app.screen.query("Toast")]
        assert any("“[/x]” is not in this transcript." in t for t in toasts)


async def test_accept_stores_coding_and_advances(app):
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_alpha(pilot)
        first = screen.session.current
        await pilot.press("a")
        await pilot.pause()
        store = app.store
        assert store.decision_of(first.id, CODER) == "accepted"
        [coding] = store.codings(coder=CODER)
        assert (coding.start, coding.end, coding.origin) == (first.start, first.end, "suggested")
        assert store.events(CODER)[-1]["kind"] == "accept"
        assert screen.session.current.id != first.id
        assert "Decided 1/5" in screen_text(app)
        assert screen.session.codings == [coding]


async def test_reject(app):
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_alpha(pilot)
        first = screen.session.current
        await pilot.press("x")
        await pilot.pause()
        assert app.store.decision_of(first.id, CODER) == "rejected"
        assert app.store.codings(coder=CODER) == []
        await pilot.press("p")
        await pilot.pause()
        assert screen.session.current.id == first.id
        assert "rejected" in screen_text(app)


async def test_widen_to_turn_then_accept_is_adjusted(app):
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_alpha(pilot)
        first = screen.session.current
        turn = screen.session.turns[1]
        await pilot.press("w")
        await pilot.pause()
        assert "span adjusted" in screen_text(app)
        await pilot.press("a")
        await pilot.pause()
        [coding] = app.store.codings(coder=CODER)
        assert (coding.start, coding.end) == (turn.start, turn.end)
        assert coding.origin == "adjusted"
        assert app.store.decision_of(first.id, CODER) == "adjusted"


async def test_narrow_to_match(app):
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_alpha(pilot)
        match = screen.session.current.matches[0]
        await pilot.press("m", "a")
        await pilot.pause()
        [coding] = app.store.codings(coder=CODER)
        assert (coding.start, coding.end) == tuple(match)
        assert coding.quote == "winding route"


async def test_move_edges_by_sentence_and_word(app):
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_alpha(pilot)
        assert sentence_text(screen) == "It was a winding route really."
        await pilot.press("}")
        assert sentence_text(screen).endswith("I never planned to lead anything.")
        await pilot.press("{")
        assert sentence_text(screen) == "It was a winding route really."
        await pilot.press("full_stop", "full_stop")
        assert sentence_text(screen) == "a winding route really."
        await pilot.press("less_than_sign")
        assert sentence_text(screen) == "a winding route"
        await pilot.press("comma", "greater_than_sign")
        assert sentence_text(screen) == "was a winding route really."
        await pilot.press("[")
        assert sentence_text(screen).startswith("It was")
        await pilot.press("]")
        await pilot.pause()
        # start cannot pass the end: ignored, span unchanged
        assert sentence_text(screen).startswith("It was")
        await pilot.press("a")
        await pilot.pause()
        [coding] = app.store.codings(coder=CODER)
        assert coding.quote == "It was a winding route really."
        assert coding.origin == "suggested"


async def test_manual_coding_with_fuzzy_picker(app):
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_alpha(pilot)
        await pilot.press("down")  # cursor to the next sentence: no suggestion selected
        await pilot.pause()
        assert screen.session.current is None
        target = sentence_text(screen)
        await pilot.press("c")
        await pilot.pause()
        await pilot.press(*"weapon")
        await pilot.press("enter")
        await pilot.pause()
        [coding] = app.store.codings(coder=CODER)
        assert (coding.theme_id, coding.origin, coding.quote) == ("secret", "manual", target)
        assert "Secret weapon" in screen_text(app)
        assert screen.session.recent_themes()[0] == "secret"


async def test_number_keys_code_with_recent_themes(app):
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_alpha(pilot)
        recent = screen.session.recent_themes()
        assert recent[:4] == ["winding", "serendipity", "mandate", "secret"]
        await pilot.press("down", "3")
        await pilot.pause()
        [coding] = app.store.codings(coder=CODER)
        assert coding.theme_id == "mandate"
        assert screen.session.recent_themes()[0] == "mandate"
        assert "1   Mandate 1/1" in screen_text(app)


async def test_selection_codes_a_range_of_sentences(app):
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_alpha(pilot)
        start = screen.session.span.start
        await pilot.press("v", "down", "down")
        await pilot.pause()
        assert "Selecting sentences" in screen_text(app)
        await pilot.press("2")
        await pilot.pause()
        [coding] = app.store.codings(coder=CODER)
        assert coding.start == start
        assert coding.quote.startswith("It was a winding route")
        assert coding.quote.endswith("luck with a secondment.")
        assert screen.session.anchor is None


async def test_remove_coding_under_cursor(app):
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_alpha(pilot)
        first = screen.session.current
        assert screen.check_action("remove", ()) is False
        await pilot.press("a", "p")
        await pilot.pause()
        assert screen.check_action("remove", ()) is True
        assert "Your coding here: Winding route" in screen_text(app)
        await pilot.press("d")
        await pilot.pause()
        assert app.store.codings(coder=CODER) == []
        assert app.store.decision_of(first.id, CODER) is None
        assert app.store.events(CODER)[-1]["kind"] == "remove"


async def test_memos_on_coding_theme_and_transcript(app):
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_alpha(pilot)
        await pilot.press("a", "p")
        await pilot.pause()
        coding = app.store.codings(coder=CODER)[0]
        for index, (kind, target, text) in enumerate([
            ("coding", str(coding.id), "strong"),
            ("theme", "winding", "check"),
            ("transcript", str(screen.session.transcript_id), "pauses"),
        ]):
            await pilot.press("M")
            await pilot.pause()
            for _ in range(index):
                await pilot.press("down")
            await pilot.press("enter")
            await pilot.pause()
            await pilot.press(*text)
            await pilot.press("ctrl+s")
            await pilot.pause()
            assert app.store.memo(CODER, kind, target) == text
        assert "Memo: strong" in screen_text(app)
        assert [e["changes"][0]["op"] for e in app.store.events(CODER)][-3:] == ["memo"] * 3


async def test_undo_redo_survive_a_restart(project: Path):
    app = make_app(project, coder=CODER)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_alpha(pilot)
        await pilot.press("a", "a", "x")
        await pilot.pause()
        assert len(app.store.codings(coder=CODER)) == 2
        await pilot.press("u")
        await pilot.pause()
        assert len(screen.session.decisions) == 2
    store = open_store(project)
    assert len(store.decisions_for(CODER)) == 2
    store.close()

    app2 = make_app(project, coder=CODER)
    async with app2.run_test(size=SIZE) as pilot:
        screen = await open_alpha(pilot)
        assert "Decided 2/5" in screen_text(app2)
        # it resumes at the first suggestion this coder has not decided
        assert screen.session.current.id == app2.store.suggestions()[2].id
        await pilot.press("u")
        await pilot.pause()
        assert len(app2.store.codings(coder=CODER)) == 1
        # and undo shows the suggestion whose decision it took back
        assert screen.session.current.id == app2.store.suggestions()[1].id
        assert screen.session.status_of(screen.session.current) == "undecided"
        assert "Decided 1/5" in screen_text(app2)
        await pilot.press("r", "r")
        await pilot.pause()
        assert len(app2.store.codings(coder=CODER)) == 2
        assert len(app2.store.decisions_for(CODER)) == 3
        assert "Decided 3/5" in screen_text(app2)
        await pilot.press("r")
        await pilot.pause()
        assert "Nothing to redo." in [n.message for n in app2._notifications]


async def test_filter_by_theme_and_status(app):
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_alpha(pilot)
        first = screen.session.current
        await pilot.press("x")  # reject the winding-route suggestion
        await pilot.press("f")
        await pilot.pause()
        await pilot.press("down")  # status: undecided
        await pilot.press("tab", "down", "down", "down")  # all, winding, serendipity, mandate
        await pilot.press("enter")
        await pilot.pause()
        session = screen.session
        assert (session.status_filter, session.theme_filter) == ("undecided", "mandate")
        seen = set()
        for _ in range(4):
            await pilot.press("n")
            seen.add(session.current.theme_id)
        assert seen == {"mandate"}
        assert "filter: undecided, Mandate" in screen_text(app)
        # now only what this coder rejected, any theme
        await pilot.press("f")
        await pilot.pause()
        for _ in range(4):  # undecided -> decided, accepted, adjusted, rejected
            await pilot.press("down")
        await pilot.press("tab", "home", "enter")
        await pilot.pause()
        assert (session.status_filter, session.theme_filter) == ("rejected", None)
        assert [s.id for s in session.visible_suggestions()] == [first.id]
        assert session.current.id == first.id


async def test_search_and_next_hit(app):
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_alpha(pilot)
        await pilot.press("/")
        await pilot.pause()
        await pilot.press(*"board", "enter")
        await pilot.pause()
        session = screen.session
        assert len(session.search_hits) == 3
        assert "board" in sentence_text(screen).lower()
        assert session.current is None
        first = session.span
        await pilot.press("semicolon")
        await pilot.pause()
        assert session.span != first and "board" in sentence_text(screen).lower()
        assert "search “board”: hit 2 of 3" in screen_text(app)
        await pilot.press("escape")
        assert session.search_hits == []


async def test_jump_to_next_undecided_across_transcripts(app):
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_alpha(pilot)
        for _ in range(5):
            await pilot.press("x")
        await pilot.pause()
        assert len(app.store.decisions_for(CODER)) == 5
        await pilot.press("g")
        await pilot.pause()
        assert screen.session.info.name == "beta"
        assert screen.title == "beta"
        assert screen.session.current is not None
        assert screen.session.status_of(screen.session.current) == "undecided"
        assert "Pure luck got me the job." in screen_text(app)


async def test_check_action_hides_keys_without_a_suggestion(app):
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_alpha(pilot)
        keys = {b.binding.action for b in screen.active_bindings.values()}
        assert "accept" in keys
        assert screen.check_action("accept", ()) is True
        await pilot.press("down")
        await pilot.pause()
        assert screen.check_action("accept", ()) is False
        assert screen.check_action("reject", ()) is False
        assert screen.check_action("next_hit", ()) is False
        titles = [c.title for c in app.get_system_commands(screen)]
        assert not any(t.startswith("Accept") for t in titles)
        assert "Code… (c)" in titles and "Undo (u)" in titles


async def test_palette_offers_screen_keys(app):
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_alpha(pilot)
        commands = {c.title: c for c in app.get_system_commands(screen)}
        assert "Accept (a)" in commands and "Widen (w)" in commands
        await commands["Accept (a)"].callback()
        await pilot.pause()
        assert len(app.store.codings(coder=CODER)) == 1


async def test_layout_at_80_by_24(project: Path):
    app = make_app(project, coder=CODER)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_alpha(pilot)
        view = screen.query_one("#transcript")
        side = screen.query_one("#side")
        assert view.size.width >= 38 and side.outer_size.width == 38
        assert view.region.right <= side.region.x
        assert screen.query_one("Footer").region.bottom == 24
        shown = screen_text(app)
        assert "Winding route" in shown and "It was a winding route" in shown
        await pilot.press("a")
        await pilot.pause()
        assert len(app.store.codings(coder=CODER)) == 1


async def test_random_keys_never_crash_and_screen_matches_database(app):
    import random

    # Not Escape: with nothing to clear it goes back to the transcripts (tested apart).
    keys = [*"npaxwm[]{}.<>v1234dur;g", "comma", "down", "up", "pagedown"]
    rnd = random.Random(7)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_alpha(pilot)
        for key in [rnd.choice(keys) for _ in range(80)]:
            await pilot.press(key)
            if app.screen is not screen:  # d asks which, where two themes code a sentence
                assert key == "d" and isinstance(app.screen, ChoiceModal)
                await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen
        session = screen.session
        assert session.codings == app.store.codings(transcript_id=session.transcript_id,
                                                    coder=CODER)
        assert session.decisions == app.store.decisions_for(CODER, session.transcript_id)
        assert app.store.events(CODER) and app.store.integrity_ok()
        assert not [n for n in app._notifications if n.severity == "error"]


def options_shown(app) -> list[str]:
    """The options of the open dialog's list, as drawn."""
    from textual.widgets import OptionList

    options = app.screen.query_one(OptionList)
    return [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]


async def test_a_new_theme_is_made_in_the_picker_and_coded(app):
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        screen = await open_alpha(pilot)
        await pilot.press("down")
        await pilot.pause()
        target = sentence_text(screen)
        await pilot.press("c")
        await pilot.pause()
        await pilot.press(*"Lucky break")
        await pilot.pause()
        assert options_shown(app)[-1] == '+ New theme "Lucky break"'
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert 'New theme "Lucky break": where does it go?' in screen_text(app)
        assert options_shown(app) == ["At the top level", "In Career paths"]
        await pilot.press("down", "enter")  # "In Career paths", after "At the top level"
        await pilot.pause()
        await pilot.pause()
        store = app.store
        theme = store.theme("lucky_break")
        assert (theme.name, theme.parent_id, theme.codable) == ("Lucky break", "career", True)
        [coding] = store.codings(coder=CODER)
        assert (coding.theme_id, coding.origin, coding.quote) == ("lucky_break", "manual", target)
        assert [e["theme_id"] for e in store.events(CODER) if e["kind"] == "theme_add"] == [
            "lucky_break"]
        assert "Lucky break 1/1" in screen_text(app)
        toasts = [str(t.render()) for t in app.screen.query("Toast")]
        assert any("Coded with the new theme 'Career paths / Lucky break'. It has no "
                   "patterns, so it is never suggested (k: the codebook)." in t
                   for t in toasts)
        # The theme is there for the next coding, found like any other.
        await pilot.press("down", "c")
        await pilot.pause()
        await pilot.press(*"lucky", "enter")
        await pilot.pause()
        assert [c.theme_id for c in store.codings(coder=CODER)] == ["lucky_break"] * 2


async def test_escape_from_the_folder_choice_makes_no_theme(app):
    async with app.run_test(size=SIZE) as pilot:
        await open_alpha(pilot)
        await pilot.press("down", "c")
        await pilot.pause()
        await pilot.press(*"Half an idea", "ctrl+n")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert "half_an_idea" not in {t.id for t in app.store.themes()}
        assert not app.store.codings(coder=CODER)


async def test_a_new_name_typed_in_full_lists_no_unrelated_theme(app):
    """Enter after typing a new theme's name makes that theme; it never codes the text
    with an unrelated theme that the fuzzy search ranked first (it did: "Ré-entry to
    practice" listed Mandate first, at a score of 85)."""
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        screen = await open_alpha(pilot)
        await pilot.press("down")
        await pilot.pause()
        target = sentence_text(screen)
        await pilot.press("c")
        await pilot.pause()
        await pilot.press(*"Ré-entry to practice")
        await pilot.pause()
        assert options_shown(app) == ['+ New theme "Ré-entry to practice"']
        await pilot.press("enter")
        await pilot.pause()
        assert 'New theme "Ré-entry to practice": where does it go?' in screen_text(app)
        await pilot.press("enter")  # at the top level
        await pilot.pause()
        await pilot.pause()
        store = app.store
        theme = store.theme("re_entry_to_practice")
        assert (theme.name, theme.parent_id) == ("Ré-entry to practice", None)
        [coding] = store.codings(coder=CODER)
        assert (coding.theme_id, coding.quote) == ("re_entry_to_practice", target)
        # Parts of names, ids and definitions still find their themes, best first.
        await pilot.press("down", "c")
        await pilot.pause()
        for query, first in (("serend", "Career paths / Serendipity"), ("mandate", "Mandate"),
                             ("untapped", "Secret weapon"), ("re-entry", "Ré-entry to practice")):
            await pilot.press(*query)
            await pilot.pause()
            assert options_shown(app)[0] == first, query
            await pilot.press(*["backspace"] * len(query))
        await pilot.press("escape")


async def test_the_picker_refuses_names_no_theme_can_have(app):
    """Only punctuation, or longer than a tree row: no "+ New theme" option, ctrl+n says
    why, and nothing is stored (before, "!!!" became theme "theme" and a 180-character
    name was taken as it was)."""
    long_name = "A very long name " * 5
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await open_alpha(pilot)
        await pilot.press("down", "c")
        await pilot.pause()
        for name, why in (("!!!", "needs a letter or a digit"),
                          (long_name, "at most 80 characters")):
            app.screen.query_one("#theme-query").value = name
            await pilot.pause()
            assert not [o for o in options_shown(app) if o.startswith("+ New theme")]
            await pilot.press("ctrl+n")
            await pilot.pause()
            assert "where does it go?" not in screen_text(app)
            toasts = [str(t.render()) for t in app.screen.query("Toast")]
            assert any(why in t for t in toasts), toasts
        assert {t.id for t in app.store.themes()} == {t.id for t in THEMES}
        assert not [e for e in app.store.events() if e["kind"] == "theme_add"]


async def test_the_codebook_screen_says_who_added_a_theme_and_why_it_is_never_suggested(
        project: Path):
    """A theme added while coding showed only its id and colour on the codebook screen:
    nothing said where it came from or why it never comes up in the suggestions."""
    store = open_store(project)
    store.add_theme("Lucky break", coder="bo", parent_id="career")
    store.close()
    app = make_app(project, coder=CODER)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_alpha(pilot)
        await pilot.press("k")
        await pilot.pause()
        tree = app.screen.query_one("#theme-tree")
        lines = [str(tree.get_node_at_line(i).label) for i in range(tree.last_line + 1)]
        line = lines.index("Lucky break  0")
        tree.move_cursor_to_line(line)
        await pilot.pause()
        shown = " ".join(screen_text(app).split())
        day = app.store.events()[-1]["at"][:10]
        assert "Career paths / Lucky break" in shown
        assert (f"Added while coding by bo on {day}. No patterns: coded by hand, never "
                "suggested. e edits its name, definition, criteria, examples and colour; to "
                "give it patterns: `qcahp codebook export FILE.yaml`, edit it, then `qcahp "
                "codebook load FILE.yaml`.") in shown
        # A theme from the file with patterns says neither.
        tree.move_cursor_to_line(lines.index("Serendipity  0"))
        await pilot.pause()
        shown = " ".join(screen_text(app).split())
        assert "Chance rather than planning." in shown
        assert "Added while coding" not in shown and "No patterns" not in shown


async def test_a_name_made_meanwhile_in_another_window_is_coded_with(project: Path):
    """Two windows on one project: while ana's picker is open, bo adds "Peer support".
    ana's ctrl+n then codes with bo's theme (as a merge of two copies would join them)
    instead of refusing with "there is already a theme" and coding nothing."""
    app = make_app(project, coder=CODER)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        screen = await open_alpha(pilot)
        await pilot.press("down")
        await pilot.pause()
        target = sentence_text(screen)
        await pilot.press("c")
        await pilot.pause()
        await pilot.press(*"peer  support")
        await pilot.pause()
        other = open_store(project)
        theirs = other.add_theme("Peer support", coder="bo")
        other.close()
        await pilot.press("ctrl+n")
        await pilot.pause()
        await pilot.press("enter")  # at the top level
        await pilot.pause()
        await pilot.pause()
        store = app.store
        [coding] = store.codings(coder=CODER)
        assert (coding.theme_id, coding.quote) == (theirs.id, target)
        assert [t.id for t in store.themes() if t.name == "Peer support"] == ["peer_support"]
        assert not [e for e in store.events(CODER) if e["kind"] == "theme_add"]
        toasts = [str(t.render()) for t in app.screen.query("Toast")]
        assert any("'Peer support' was made meanwhile, in another window: coded with it"
                   in t for t in toasts), toasts


async def test_undo_takes_back_the_coding_then_the_new_theme(app):
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        screen = await open_alpha(pilot)
        await pilot.press("down", "c")
        await pilot.pause()
        await pilot.press(*"Typo theem", "ctrl+n")
        await pilot.pause()
        await pilot.press("enter")  # at the top level
        await pilot.pause()
        store = app.store
        assert "Typo theem 1/1" in screen_text(app)

        def toasts() -> list[str]:
            return [str(t.render()) for t in app.screen.query("Toast")]

        await pilot.press("u")
        await pilot.pause()
        assert not store.codings(coder=CODER)
        assert any("Undone: code (Typo theem)" in t for t in toasts())
        await pilot.press("u")
        await pilot.pause()
        assert "typo_theem" not in {t.id for t in store.themes()}
        assert any("Undone: new theme (Typo theem)" in t for t in toasts())
        assert "Typo theem" not in screen_text(app)  # gone from the codebook pane
        assert "typo_theem" not in screen.session.recent_themes()
        await pilot.press("r")
        await pilot.pause()
        assert "typo_theem" in {t.id for t in store.themes()}
        assert "Typo theem 0/0" in screen_text(app)


async def test_picker_puts_themes_whose_words_start_as_typed_first(app):
    async with app.run_test(size=SIZE) as pilot:
        await open_alpha(pilot)
        await pilot.press("down", "c")
        await pilot.pause()
        for typed, first in (("secret", "Secret weapon"), ("mand", "Mandate"),
                             ("ser", "Career paths / Serendipity"),
                             ("wind rou", "Career paths / Winding route"),
                             ("route", "Career paths / Winding route")):
            field = app.screen.query_one("#theme-query")
            field.value = typed
            await pilot.pause()
            assert options_shown(app)[0] == first, (typed, options_shown(app))


def test_picker_ranks_the_shipped_codebook_as_a_coder_means_it():
    from qualcoder_ahp.suggest.codebook import check_codebook
    from qualcoder_ahp.tui.screens.modals import ThemePickerModal

    codebook = check_codebook(Path(__file__).parents[2] / "codebooks" /
                              "ahp-leadership.yaml").codebook
    by_id = {t.id: t for t in codebook.themes}
    paths = {t.id: (f"{by_id[t.parent_id].name} / " if t.parent_id else "") + t.name
             for t in codebook.themes}
    picker = ThemePickerModal(list(codebook.themes), paths, "Code with…")
    for typed, first in (("role", "role_ambiguity"), ("secret", "visibility"),
                         ("board", "board_mandate"), ("visib", "visibility"),
                         ("lead dev", "leadership_development"), ("serend", "serendipity")):
        assert picker._ranked(typed)[0] == first, (typed, picker._ranked(typed))


async def test_palette_has_one_quit_one_help_and_writes_no_screenshot(app):
    """Textual's own "Quit" stood beside the workbench's "Quit (q)", its "Keys" panel
    beside "Help (?)", and its "Screenshot" wrote the transcript on screen to a file
    anyone could read (or failed, with no ~/Downloads)."""
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_alpha(pilot)
        titles = [c.title for c in app.get_system_commands(screen)]
        assert [t for t in titles if t.startswith("Quit")] == ["Quit (q)"]
        assert "Help (?)" in titles and "Keys" not in titles
        assert not any("screenshot" in t.lower() for t in titles)
        # Textual's others stay; its "Theme" (a colour scheme, not a coding theme) is
        # named so.
        assert "Theme" not in titles and "Colour scheme" in titles
