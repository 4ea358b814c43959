"""The passages screen: every passage of a theme (and the themes below it), by transcript.

Driven with Textual's Pilot at 80x24 and 100x30 on the workbench fixture project, with
codings by two coders made through the Store API. Each test asserts on what the
screen draws, on where Enter lands on the coding screen, and that reading passages
leaves the database as it was.
"""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Label

from qualcoder_ahp.model.store import open_store
from qualcoder_ahp.reports import ReportData, quotes
from qualcoder_ahp.tui.app import make_app
from qualcoder_ahp.tui.screens.coding import CodingScreen
from qualcoder_ahp.tui.screens.help import HelpScreen
from qualcoder_ahp.tui.screens.passages import PassageList, PassagesScreen, PassageThemePicker
from qualcoder_ahp.tui.screens.transcripts import TranscriptsScreen
from qualcoder_ahp.tui.session import Span
from tests.tui.conftest import CODER
from tests.tui.test_audit_keys import cut_keys, shown_keys

NARROW = (80, 24)
WIDE = (100, 30)


def code_project(path: Path) -> dict[str, list[tuple[int, int, int]]]:
    """Codings by ana and ben: luck and route passages in both transcripts, a memo.

    Returns ``{theme: [(transcript id, start, end), ...]}`` of ana's codings.
    """
    with open_store(path) as store:
        alpha, beta = (t.id for t in store.transcripts())
        a_text, b_text = store.transcript_text(alpha), store.transcript_text(beta)
        made: dict[str, list[tuple[int, int, int]]] = {}

        def code(tid: int, text: str, theme: str, coder: str, phrase: str) -> int:
            start = text.index(phrase)
            coding = store.code(tid, theme, coder, start, start + len(phrase))
            if coder == CODER:
                made.setdefault(theme, []).append((tid, start, start + len(phrase)))
            return coding.id

        # Out of text order on purpose: the screen orders by transcript, then position.
        code(beta, b_text, "serendipity", CODER, "Pure luck got me the job.")
        lucky = code(alpha, a_text, "serendipity", CODER,
                     "Then I had some luck with a secondment.")
        code(alpha, a_text, "winding", CODER, "It was a winding route really.")
        code(alpha, a_text, "serendipity", "ben", "Then I had some luck with a secondment.")
        code(alpha, a_text, "mandate", "ben", "I report to the board now.")
        code(alpha, a_text, "mandate", "ben", "Markup like [bold]this[/] and [link=x]that[/link]")
        store.set_memo(CODER, "coding", lucky, "Chance, not a plan.")
    return made


def snapshot(path: Path) -> tuple[list[tuple], list[tuple]]:
    """Every coding and event row, to show that reading passages writes nothing."""
    with open_store(path) as store:
        codings = [tuple(r) for r in store.conn.execute("SELECT * FROM codings ORDER BY id")]
        events = [tuple(r) for r in store.conn.execute("SELECT * FROM events ORDER BY id")]
    return codings, events


def drawn(app) -> list[str]:  # type: ignore[no-untyped-def]
    """The passages screen's lines as drawn: head, list rows, where-line."""
    screen = app.screen
    listing = screen.query_one(PassageList)
    rows = [listing.render_line(y).text.rstrip()
            for y in range(listing.scrollable_content_region.height)] if listing.display else []
    head = str(screen.query_one("#passages-head", Label).render())
    where = str(screen.query_one("#passages-where", Label).render())
    return [head, *rows, where]


async def open_passages(pilot, query: str) -> PassagesScreen:  # type: ignore[no-untyped-def]
    """Press P, type ``query`` in the picker, Enter; wait for the collecting worker."""
    await pilot.pause()
    await pilot.press("P")
    await pilot.pause()
    assert isinstance(pilot.app.screen, PassageThemePicker)
    await pilot.press(*query, "enter")
    return await settle(pilot)


async def settle(pilot) -> PassagesScreen:  # type: ignore[no-untyped-def]
    """Wait for the worker and the redraw; the passages screen."""
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()  # the first batch is in the list by then
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, PassagesScreen)
    return screen


async def test_lists_passages_by_transcript_with_speaker_coder_and_memo(project: Path):
    code_project(project)
    before = snapshot(project)
    app = make_app(project, coder=CODER)
    size = NARROW  # 100x30: the batches test
    async with app.run_test(size=size) as pilot:
        screen = await open_passages(pilot, "seren")
        lines = drawn(app)
        assert lines[0] == ("Serendipity: 3 passages in 2 transcripts, coders ana, ben")
        text = "\n".join(lines)
        # alpha before beta, each under its heading; speaker, turn, coder and origin.
        assert text.index("alpha (P1)") < text.index("beta (P2)")
        assert "P1 · turn 2  ana, coded by hand" in text
        assert "P1 · turn 2  ben, coded by hand" in text
        assert "Memo: Chance, not a plan." in text
        assert "\u201cPure luck got me the job.\u201d" in text
        assert [p.quote.coder for p in screen.shown.passages] == ["ana", "ben", "ana"]
        # The same rows as the core's quotes for the theme, reordered by transcript.
        with open_store(project) as store:
            core = quotes(ReportData(store), theme="serendipity")
        assert sorted(q.coding_id for q in core) == sorted(
            p.quote.coding_id for p in screen.shown.passages)
        assert all(len(line) <= size[0] for line in lines)
        assert lines[-1].startswith("Passage 1 of 3 · alpha")
    assert snapshot(project) == before


async def test_a_grouping_theme_includes_its_subthemes_and_names_each(project: Path):
    code_project(project)
    app = make_app(project, coder=CODER)
    async with app.run_test(size=NARROW) as pilot:
        screen = await open_passages(pilot, "career")
        assert screen.theme_id == "career"
        lines = drawn(app)
        assert lines[0].startswith("Career paths and the 2 themes below it: 4 passages in "
                                   "2 transcripts")
        assert [p.quote.theme_id for p in screen.shown.passages] == [
            "winding", "serendipity", "serendipity", "serendipity"]
        text = "\n".join(lines)
        assert "Career paths / Winding route" in text
        assert "Career paths / Serendipity" in text
        assert "Mandate" not in text
        # P on this screen picks another theme; quoted markup is drawn as text.
        await pilot.press("P")
        await pilot.pause()
        assert isinstance(app.screen, PassageThemePicker)
        await pilot.press(*"mand", "enter")
        assert await settle(pilot) is screen and screen.theme_id == "mandate"
        assert drawn(app)[0] == "Mandate: 2 passages in 1 transcript, coder ben"
        assert ("\u201cMarkup like [bold]this[/] and [link=x]that[/link]\u201d"
                in "\n".join(drawn(app)))


async def test_keys_move_cycle_coders_and_enter_lands_on_the_passage(project: Path):
    made = code_project(project)
    before = snapshot(project)
    app = make_app(project, coder=CODER)
    async with app.run_test(size=NARROW) as pilot:
        screen = await open_passages(pilot, "seren")
        assert screen.selected().quote.coder == "ana"
        await pilot.press("down")
        await pilot.pause()
        assert screen.selected().quote.coder == "ben"
        assert drawn(app)[-1].startswith("Passage 2 of 3")
        # c: all coders -> ana -> ben -> all; the worker's line shows until it is done.
        screen.action_next_coder()
        assert drawn(app)[-1].startswith("Collecting passages…")
        await settle(pilot)
        assert drawn(app)[0] == "Serendipity: 2 passages in 2 transcripts, coder ana"
        assert {p.quote.coder for p in screen.shown.passages} == {"ana"}
        await pilot.press("c")
        await settle(pilot)
        assert drawn(app)[0] == "Serendipity: 1 passage in 1 transcript, coder ben"
        await pilot.press("c")
        await settle(pilot)
        assert len(screen.shown.passages) == 3
        assert screen.check_action("consensus", ()) is None  # greyed: no consensus coding
        await pilot.press("n")
        await pilot.pause()
        assert screen.show_coder is None and len(screen.shown.passages) == 3
        # Enter on beta's passage (the last: ↓ stops there): the coding screen on beta.
        await pilot.press("down", "down")
        await pilot.pause()
        target = screen.selected()
        assert target.quote.transcript == "beta"
        await pilot.press("enter")
        await pilot.pause()
        coding = app.screen
        assert isinstance(coding, CodingScreen)
        tid, start, end = next(m for m in made["serendipity"] if m[0] == target.transcript_id)
        assert coding.session.transcript_id == tid
        assert coding.session.span == Span(start, end)
        assert coding.session.coding_under_cursor().id == target.quote.coding_id
        sentence = coding.session.sentences[coding.session.cursor]
        assert sentence.start <= start < sentence.end
        # The footer says how to go back (P, first), once the note saying so has faded.
        for _ in range(2):
            await pilot.pause()
        assert shown_keys(app)[:2] == ["question_mark", "P"] and cut_keys(app) == []
        # P goes back to the list, on the same passage; Escape leaves it.
        await pilot.press("P")
        await settle(pilot)
        assert app.screen is screen
        assert screen.selected().quote.coding_id == target.quote.coding_id
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, TranscriptsScreen)
    assert snapshot(project) == before


async def test_an_empty_theme_says_so_and_help_lists_the_keys(project: Path):
    code_project(project)
    app = make_app(project, coder=CODER)
    async with app.run_test(size=NARROW) as pilot:
        await pilot.pause()
        await pilot.press("question_mark")
        await pilot.pause()
        assert ("P", "Passages") in {(k, d) for k, d, _ in app.screen.rows}
        await pilot.press("escape")
        screen = await open_passages(pilot, "weapon")
        lines = drawn(app)
        assert lines[0] == "No passages coded with Secret weapon yet."
        assert not screen.query_one(PassageList).display
        await pilot.press("enter")  # nothing to open
        await pilot.pause()
        assert app.screen is screen
        assert "enter" not in shown_keys(app)
        assert drawn(app)[-1] == "P: another theme; Escape: back."
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        keys = {k for k, _, _ in app.screen.rows}
        assert {"enter", "c", "n", "P", "escape", "↓", "↑"} <= keys or {
            "⏎", "c", "n", "P", "esc"} <= keys, keys


async def test_a_long_list_fills_in_batches_and_keeps_the_passage_on_return(
        project: Path, monkeypatch):
    import qualcoder_ahp.tui.screens.passages as passages

    monkeypatch.setattr(passages, "FIRST_BATCH", 1)
    monkeypatch.setattr(passages, "BATCH", 1)
    code_project(project)
    app = make_app(project, coder=CODER)
    async with app.run_test(size=WIDE) as pilot:
        screen = await open_passages(pilot, "seren")
        listing = screen.query_one(PassageList)
        for _ in range(10):  # one batch per refresh
            await pilot.pause()
        ids = [listing.get_option_at_index(i).id for i in range(listing.option_count)]
        assert ids == [f"t{screen.shown.passages[0].transcript_id}",
                       *(str(p.quote.coding_id) for p in screen.shown.passages[:2]),
                       f"t{screen.shown.passages[2].transcript_id}",
                       str(screen.shown.passages[2].quote.coding_id)]
        assert shown_keys(app)[:6] == ["question_mark", "enter", "c", "n", "P", "escape"]
        assert cut_keys(app) == []
        await pilot.press("end")
        await pilot.pause()
        last = screen.selected()
        assert last is screen.shown.passages[-1]
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, CodingScreen)
        await pilot.press("P")  # back: the last passage arrives in a later batch
        await settle(pilot)
        for _ in range(10):
            await pilot.pause()
        assert screen.selected().quote.coding_id == last.quote.coding_id
        assert drawn(app)[-1].startswith("Passage 3 of 3 · beta")


async def test_the_opened_passage_is_the_coding_under_the_cursor(project: Path):
    code_project(project)
    with open_store(project) as store:
        alpha = store.transcripts()[0].id
        text = store.transcript_text(alpha)
        start = text.index("Then I had some luck")
        # A shorter coding of another theme at the same place: the innermost one, which
        # the cursor used to take (so d removed it, not the passage opened).
        other = store.code(alpha, "winding", CODER, start, start + len("Then I had"))
    app = make_app(project, coder=CODER)
    async with app.run_test(size=NARROW) as pilot:
        await pilot.pause()
        await pilot.press("enter")  # alpha, at its first suggestion (winding)
        await pilot.pause()
        assert isinstance(app.screen, CodingScreen)
        await pilot.press("P")  # the picker starts on the theme under the cursor
        await pilot.pause()
        await pilot.pause()
        assert isinstance(app.screen, PassageThemePicker)
        await pilot.press("enter")
        screen = await settle(pilot)
        assert screen.theme_id == "winding"
        assert "\u201cIt was a winding route really.\u201d" in "\n".join(drawn(app))
        assert all(len(line) <= app.size.width for line in drawn(app))
        await pilot.press("P")  # another theme, on the same screen
        await pilot.pause()
        await pilot.press(*"seren", "enter")
        assert await settle(pilot) is screen
        passage = screen.selected()
        assert (passage.quote.coder, passage.quote.start) == (CODER, start)
        await pilot.press("enter")
        await pilot.pause()
        session = app.screen.session
        assert session.coding_under_cursor().id == passage.quote.coding_id
        await pilot.press("d")
        await pilot.pause()
        with open_store(project) as store:
            left = {c.id for c in store.codings(coder=CODER)}
        assert passage.quote.coding_id not in left and other.id in left
        await pilot.press("P")  # back: the removed passage is gone from the list
        screen = await settle(pilot)
        assert passage.quote.coding_id not in {p.quote.coding_id for p in screen.shown.passages}
        assert drawn(app)[0].startswith("Serendipity: 2 passages in 2 transcripts")


async def test_a_theme_merged_away_in_another_window_is_followed(project: Path):
    """The theme whose passages are shown is merged into another in a second window: the
    screen said "Collecting the passages failed." over the old list, then "merged into
    another theme or undone" without naming it; now it names the theme the codings went
    to and shows that theme's passages, until P picks another theme."""
    code_project(project)
    app = make_app(project, coder=CODER)
    async with app.run_test(size=NARROW) as pilot:
        screen = await open_passages(pilot, "seren")
        assert len(screen.shown.passages) == 3
        with open_store(project) as other:
            other.merge_theme("serendipity", "winding", coder="ben")
        assert app.poll_store()
        screen = await settle(pilot)
        note, head = drawn(app)[0].split("\n")
        assert note == "Serendipity was merged into Winding route, which holds its codings now."
        assert head.startswith("Winding route: 4 passages in 2 transcripts")
        assert screen.theme_id == "winding" and screen.title == "Passages: Winding route"
        with open_store(project) as store:
            core = quotes(ReportData(store, None), theme="winding")
        assert {p.quote.coding_id for p in screen.shown.passages} == {q.coding_id for q in core}
        assert any("merged into Winding route" in n.message for n in app._notifications)
        assert "enter" in shown_keys(app)
        await pilot.press("P", *"mandate", "enter")  # another theme: the note goes
        screen = await settle(pilot)
        assert not drawn(app)[0].startswith("Serendipity")


async def test_a_theme_whose_making_is_undone_in_another_window_says_so(project: Path):
    """A theme made and then undone away in another window has nowhere to follow: the
    screen says so and offers P, with nothing stale left to open."""
    code_project(project)
    with open_store(project) as store:
        alpha = store.transcripts()[0].id
        store.add_theme("Hunch", coder=CODER, theme_id="hunch")
        text = store.transcript_text(alpha)
        store.code(alpha, "hunch", CODER, 0, text.index("."))
    app = make_app(project, coder=CODER)
    async with app.run_test(size=NARROW) as pilot:
        screen = await open_passages(pilot, "hunch")
        assert len(screen.shown.passages) == 1
        with open_store(project) as other:
            other.undo(CODER)
            other.undo(CODER)
            assert "hunch" not in {t.id for t in other.themes()}
        assert app.poll_store()
        await settle(pilot)
        lines = drawn(app)
        assert lines[0] == ("Hunch is no longer in the codebook (merged into another theme "
                            "or undone).")
        assert lines[-1] == "P: another theme; Escape: back."
        assert not screen.query_one(PassageList).display
        assert "enter" not in shown_keys(app)
        await pilot.press("enter")  # nothing stale to open
        await pilot.pause()
        assert app.screen is screen
        await pilot.press("P")
        await pilot.pause()
        assert isinstance(app.screen, PassageThemePicker)


async def test_blind_coding_shows_only_this_coders_passages(project: Path):
    """While blind, the passages screen shows none of ben's passages, whatever key."""
    code_project(project)
    with open_store(project) as store:
        store.set_setting("blind", "1")
    app = make_app(project, coder=CODER)
    async with app.run_test(size=NARROW) as pilot:
        screen = await open_passages(pilot, "seren")
        assert [p.quote.coder for p in screen.shown.passages] == ["ana", "ana"]
        assert not app.active_bindings["c"].enabled
        for key in ("c", "c", "n"):
            await pilot.press(key)
            screen = await settle(pilot)
            assert {p.quote.coder for p in screen.shown.passages} == {"ana"}
            assert "ben" not in "\n".join(drawn(app))
        await pilot.press("P", *"mandate", "enter")  # only ben coded mandate
        screen = await settle(pilot)
        assert screen.shown.passages == []
        assert "ben" not in "\n".join(drawn(app))
