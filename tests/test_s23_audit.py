"""Session 23 audit, as a researcher new to the workbench would meet it at 80x24: the
keyboard-only daily coding work (reading, hand coding, memos, quitting and coming back).
Each test failed before its fix."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Static

from qualcoder_ahp.model.store import open_store
from qualcoder_ahp.tui.app import make_app
from qualcoder_ahp.tui.screens.coding import CodingScreen
from qualcoder_ahp.tui.screens.modals import MemoModal
from tests.helpers.pilot import settle
from tests.tui.conftest import CODER, build_project, open_alpha, screen_text

SIZE = (80, 24)


def drawn(app) -> str:  # type: ignore[no-untyped-def]
    """What the screen shows, its notifications too (the toasts over it)."""
    from textual.widgets._toast import Toast

    toasts = [str(t.render()) for t in app.screen.query(Toast)]
    return "\n".join([screen_text(app), *toasts])


async def _memo_on_transcript(pilot, text: str) -> None:  # type: ignore[no-untyped-def]
    """M, the last choice (the transcript), then ``text`` typed in the memo box."""
    await pilot.press("M")
    await pilot.pause()
    await pilot.press("end", "enter")
    await pilot.pause()
    assert isinstance(pilot.app.screen, MemoModal)
    await pilot.press(*text)


# ------------------------------- ctrl+q over a memo being written asks first, as Escape does
async def test_ctrl_q_over_an_unsaved_memo_keeps_it_and_says_so(tmp_path: Path) -> None:
    """ctrl+q in the memo box quit the workbench at once: the memo being written was gone,
    though Escape there asks first. Now the first ctrl+q keeps the box open and says so;
    ctrl+s then stores it, and its "not saved" warning goes with the box."""
    path = tmp_path / "p.db"
    build_project(path)
    app = make_app(path, coder=CODER)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        await open_alpha(pilot)
        await _memo_on_transcript(pilot, "Half a thought")
        await pilot.press("ctrl+q")
        await settle(app, pilot)
        assert app.is_running and isinstance(app.screen, MemoModal)
        assert "This memo is not saved: ctrl+s saves it, ctrl+q again quits without it." \
            in drawn(app)
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, CodingScreen)
        shown = drawn(app)
        assert "Memo on the transcript saved." in shown
        assert "not saved" not in shown  # the stale warning left with the box
    with open_store(path) as store:
        alpha = store.transcripts()[0].id
        assert store.memo(CODER, "transcript", str(alpha)) == "Half a thought"


async def test_ctrl_q_twice_over_a_memo_quits_without_it(tmp_path: Path) -> None:
    path = tmp_path / "p.db"
    build_project(path)
    app = make_app(path, coder=CODER)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        await open_alpha(pilot)
        await _memo_on_transcript(pilot, "Thrown away")
        await pilot.press("escape")  # warned about Escape: ctrl+q still asks once
        await pilot.pause()
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert app.is_running
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert not app.is_running
    with open_store(path) as store:
        alpha = store.transcripts()[0].id
        assert store.memo(CODER, "transcript", str(alpha)) is None


# ----------------------------- a long transcript is read a page at a time and coded from it
def _long_project(path: Path) -> None:
    """A project with one 40-turn interview (turn N says "Answer N.") and no suggestions."""
    from qualcoder_ahp.records import Codebook
    from tests.conftest import make_parsed
    from tests.tui.conftest import PATTERNS, THEMES

    turns = []
    for n in range(1, 41):
        turns.append(("Interviewer", "interviewer", f"Question {n}?"))
        turns.append(("P1", "participant", f"Answer {n}. It was like that, really."))
    with open_store(path) as store:
        store.save_codebook(Codebook("test", THEMES, PATTERNS))
        store.add_transcript("long", make_parsed(turns), participant="P1")


def _view_rows(app) -> list[str]:  # type: ignore[no-untyped-def]
    from qualcoder_ahp.tui.widgets.transcript_view import TranscriptView

    view = app.screen.query_one(TranscriptView)
    return [view.render_line(y).text.rstrip()
            for y in range(view.scrollable_content_region.height)]


async def test_down_after_page_down_codes_a_sentence_on_the_page_read(tmp_path: Path) -> None:
    """PgDn scrolled the text but left the cursor where it was: ↓ then jumped back pages to
    the sentence after it, and `c` coded that, not what was being read. Now ↓ puts the
    cursor on the first sentence starting on the page shown; v, PgDn, ↓ selects down to
    the page shown; End and ↑ reach the last sentence, Home and ↓ the first."""
    path = tmp_path / "long.db"
    _long_project(path)
    app = make_app(path, coder=CODER)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        await open_alpha(pilot)
        await pilot.press("pagedown", "pagedown")
        await pilot.pause()
        page = _view_rows(app)
        await pilot.press("down")
        await pilot.pause()
        rows = _view_rows(app)
        assert [r[2:] for r in rows] == [r[2:] for r in page]  # still the page read
        marked = [row[2:].strip() for row in rows if row.startswith("▶")]
        quote = " ".join(marked)
        assert marked and quote in " ".join(r[2:].strip() for r in page)
        await pilot.press("c", *"Serendipity", "enter")
        await settle(app, pilot)
        assert "Coded: Serendipity" in drawn(app)
        await pilot.press("end", "up")
        await pilot.pause()
        assert [r for r in _view_rows(app) if r.startswith("▶")] == [
            "▶ Answer 40. It was like that, really."]
        assert "Answer 40." in "\n".join(_view_rows(app))
        await pilot.press("home", "down")
        await pilot.pause()
        assert _view_rows(app)[:2] == ["  Interviewer", "▶ Question 1?"]
        assert "Cursor: sentence 1/" in screen_text(app)
    with open_store(path) as store:
        [coding] = store.codings(coder=CODER)
        assert coding.theme_id == "serendipity"
        assert " ".join(coding.quote.split()) == quote
        assert not coding.quote.startswith("Question 1?")


async def test_v_page_down_down_selects_to_the_page_read(tmp_path: Path) -> None:
    path = tmp_path / "long.db"
    _long_project(path)
    app = make_app(path, coder=CODER)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        await open_alpha(pilot)
        await pilot.press("v", "pagedown", "down")
        await pilot.pause()
        shown = screen_text(app)
        assert "Selecting sentences:" in shown
        await pilot.press("c", *"Mandate", "enter")
        await settle(app, pilot)
    with open_store(path) as store:
        [coding] = store.codings(coder=CODER)
        assert coding.quote.startswith("Question 1?")
        assert coding.quote.count("Answer") >= 4  # the whole first page and more


# ------------------------------------------- quitting and coming back keeps the coder's place
async def test_quitting_and_coming_back_reopens_where_the_coder_was(tmp_path: Path) -> None:
    """The workbench came back on the first transcript, and Enter opened it at the first
    undecided suggestion: a coder reading and hand coding the 40th page of a hearing was
    sent back to its start. Now the transcripts screen starts on the transcript last open,
    and Enter reopens it at the sentence (or suggestion) the coder was on; each transcript
    keeps its own place. Another coder's place is their own."""
    path = tmp_path / "long.db"
    _long_project(path)
    build_project(path)  # and alpha, beta: the rows are alpha, beta, long
    app = make_app(path, coder=CODER)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        await pilot.press("down", "down", "enter")
        await settle(app, pilot)
        assert app.screen.title == "long"
        await pilot.press("pagedown", "pagedown", "down", "down")
        await pilot.pause()
        place = screen_text(app).split("Cursor: sentence ")[1].split()[0]
        await pilot.press("escape")  # back to the list
        await settle(app, pilot)
        await pilot.press("up", "up", "enter")  # alpha: its first suggestion
        await settle(app, pilot)
        assert app.screen.title == "alpha"
        await pilot.press("n")
        await pilot.pause()
        alpha_at = screen_text(app).split("Suggestion ")[1].split()[0]
        await pilot.press("q")
        await pilot.pause()
    assert place != "1/" and alpha_at != "1/"

    app = make_app(path, coder=CODER)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        await pilot.press("enter")  # the row it starts on: alpha, the last one open
        await settle(app, pilot)
        assert app.screen.title == "alpha"
        assert f"Suggestion {alpha_at}" in screen_text(app)
        await pilot.press("t", "down", "down", "enter")  # long, at its own place
        await settle(app, pilot)
        assert app.screen.title == "long"
        assert f"Cursor: sentence {place}" in screen_text(app)

    app = make_app(path, coder="ben")  # a coder of their own: from the start
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        await pilot.press("down", "down", "enter")
        await settle(app, pilot)
        assert app.screen.title == "long"
        assert "Cursor: sentence 1/" in screen_text(app)


async def test_end_and_home_on_the_transcripts_list(tmp_path: Path) -> None:
    """End did nothing on the transcripts list (a table's End scrolls sideways), so End,
    Enter opened the first transcript, not the last."""
    path = tmp_path / "p.db"
    build_project(path)
    app = make_app(path, coder=CODER)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        await pilot.press("end", "enter")
        await settle(app, pilot)
        assert app.screen.title == "beta"
        assert "Pure luck got me the job." in screen_text(app)
        await pilot.press("t", "home", "enter")
        await settle(app, pilot)
        assert app.screen.title == "alpha"


# --------------------------- the codebook pane shows the themes its number keys code with
async def test_the_codebook_pane_shows_key_1_when_the_tree_does_not_fit(tmp_path: Path) -> None:
    """At 80x24 the pane showed the top of a longer tree, cut without a word: a theme made
    while coding (key 1, at the bottom of the tree) was nowhere on screen while 2, 3 …
    were, so 1 coded with a theme the coder could not see. A tree that does not fit now
    gives way to the number keys' themes, 1 first, and says how many more there are."""
    path = tmp_path / "p.db"
    build_project(path)
    with open_store(path) as store:
        for n in range(1, 7):
            store.add_theme(f"Extra theme {n}", coder=CODER)
    app = make_app(path, coder=CODER)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        await open_alpha(pilot)
        await pilot.press("c", *"Imposter feelings", "ctrl+n")
        await pilot.pause()
        await pilot.press("enter")  # at the top level: the last line of the tree
        await settle(app, pilot)
        pane = app.screen.query_one("#codebook-panel", Static)
        lines = [pane.render_line(y).text.rstrip() for y in range(pane.size.height)]
        assert lines[0] == "Codebook: your codings here/all"
        assert lines[1].startswith("1 ") and lines[1].endswith("Imposter feelings 1/1"), lines
        assert lines[2].startswith("2 "), lines
        more = [line for line in lines if line.startswith("▼ ")]
        assert more and more[0].endswith("more in the codebook (k)"), lines
        await pilot.press("down", "1")  # the next sentence, with key 1: the theme shown
        await settle(app, pilot)
    with open_store(path) as store:
        themes = {t.id: t.name for t in store.themes()}
        assert [themes[c.theme_id] for c in store.codings(coder=CODER)] == [
            "Imposter feelings", "Imposter feelings"]


# ------------------------------------ a selection widened is named as what will be coded
async def test_a_selection_widened_to_the_turn_is_coded_as_the_picker_says(
        tmp_path: Path) -> None:
    """v ↓ w: the panel still said "Selecting sentences: 2" and the picker "Code the
    selection (2 sentences) with…", then coded the whole turn. The widened selection is
    now the marked span, named so, and the coding is the text the picker quotes."""
    path = tmp_path / "p.db"
    build_project(path)
    app = make_app(path, coder=CODER)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        await open_alpha(pilot)
        await pilot.press("v", "down")
        await pilot.pause()
        assert "Selecting sentences: 2" in screen_text(app)
        await pilot.press("w")
        await pilot.pause()
        assert "Selecting sentences" not in screen_text(app)
        await pilot.press("c")
        await pilot.pause()
        dialog = "\n".join(str(w.render()) for w in app.screen.query("Label, QuoteLine"))
        assert "Code the marked span with…" in dialog
        assert "selection" not in dialog
        await pilot.press(*"Mandate", "enter")
        await settle(app, pilot)
    with open_store(path) as store:
        [coding] = store.codings(coder=CODER)
        assert coding.quote == ("It was a winding route really. I never planned to lead "
                                "anything. Then I had some luck with a secondment.")
