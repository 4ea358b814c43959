"""The second keyboard-only audit of the coding screen (80x24 and 100x30), each fix tested.

- The footer holds about six of the coding screen's keys at 80 columns: the ones the
  coder needs in the current state now come first (Undo was never on screen), and a
  key that does not fit is left out whole instead of cut ("k Co", "m Narr").
- Undo and redo say what they undid ("Undone: coding" was a memo).
- A memo the database refused was still reported "saved".
- Widening the terminal scrolled the transcript pages away from the current suggestion.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from textual.widgets._footer import FooterKey

from qualcoder_ahp.model.store import open_store
from qualcoder_ahp.records import Codebook
from qualcoder_ahp.tui.app import WorkbenchApp, make_app
from qualcoder_ahp.tui.screens.modals import ChoiceModal, MemoModal
from qualcoder_ahp.tui.widgets.footer import WorkbenchFooter
from qualcoder_ahp.tui.widgets.transcript_view import TranscriptView
from tests.conftest import make_parsed
from tests.tui.conftest import CODER, PATTERNS, THEMES, add_suggestion, open_alpha

NARROW = (80, 24)


def shown_keys(app: WorkbenchApp) -> list[str]:
    """The footer keys drawn whole, left to right (not cut off, nor under ``^p palette``)."""
    footer = app.screen.query_one(WorkbenchFooter)
    keys = list(footer.query(FooterKey))
    palette = [k for k in keys if k.has_class("-command-palette")]
    right = min([k.region.x for k in palette] + [app.size.width])
    return [k.key for k in sorted(keys, key=lambda k: k.region.x)
            if k not in palette and k.region.width and k.region.right <= right]


def cut_keys(app: WorkbenchApp) -> list[str]:
    """Footer keys drawn only in part (past the edge, or under ``^p palette``)."""
    footer = app.screen.query_one(WorkbenchFooter)
    keys = [k for k in footer.query(FooterKey) if k.display]
    palette = [k.region.x for k in keys if k.has_class("-command-palette")]
    right = min(palette + [app.size.width])
    return [k.key for k in keys if not k.has_class("-command-palette")
            and (k.region.width < k.size.width or k.region.right > right)]


def messages(app: WorkbenchApp) -> list[str]:
    return [n.message for n in app._notifications]


async def test_footer_shows_the_keys_of_the_current_state_first(project: Path):
    app = make_app(project, coder=CODER)
    async with app.run_test(size=NARROW) as pilot:
        screen = await open_alpha(pilot)
        first = screen.session.current
        assert first is not None and first.theme_id == "winding"
        # A suggestion: walk, decide, undo (u was cut off behind Widen/Narrow/Select).
        assert shown_keys(app)[:6] == ["question_mark", "n", "p", "a", "x", "u"]
        await pilot.press("a")
        await pilot.pause()
        with open_store(project) as store:
            assert [c.suggestion_id for c in store.codings(coder=CODER)] == [first.id]
        await pilot.press("u")
        await pilot.pause()
        assert "Undone: accept (Winding route)" in messages(app)
        with open_store(project) as store:
            assert store.codings(coder=CODER) == []
        # Selecting sentences: stop, code it (picker or number), undo.
        await pilot.press("v")
        await pilot.pause()
        assert shown_keys(app)[:5] == ["question_mark", "v", "c", "1", "u"]
        theme_1 = screen.session.recent_themes()[0]
        await pilot.press("down", "1")
        await pilot.pause()
        with open_store(project) as store:
            [coding] = store.codings(coder=CODER)
        sentences = screen.session.sentences
        assert (coding.origin, coding.theme_id) == ("manual", theme_1)
        assert coding.start == first.start and coding.end > first.end  # two sentences
        assert any(s.end == coding.end for s in sentences)
        # On that coding: code again, remove it, memo on it, undo.
        assert screen.session.current is None and screen.session.anchor is None
        assert shown_keys(app)[:5] == ["question_mark", "c", "d", "M", "u"]
        await pilot.press("d")
        await pilot.pause()
        with open_store(project) as store:
            assert store.codings(coder=CODER) == []
        name = app.store.theme_path(theme_1)
        assert f"Removed your coding of {name} (u undoes)." in messages(app)


async def test_footer_leaves_out_whole_keys_that_do_not_fit(project: Path):
    app = make_app(project, coder=CODER)
    async with app.run_test(size=NARROW) as pilot:
        await pilot.pause()
        await pilot.pause()
        assert cut_keys(app) == []
        assert "k" not in shown_keys(app)  # it was drawn as "k Co"
        await pilot.resize_terminal(120, 30)
        await pilot.pause()
        await pilot.pause()
        assert "k" in shown_keys(app) and cut_keys(app) == []
        await pilot.resize_terminal(*NARROW)
        await pilot.pause()
        await pilot.pause()
        assert "k" not in shown_keys(app) and cut_keys(app) == []
        screen = await open_alpha(pilot)
        await pilot.pause()
        assert cut_keys(app) == [] and "m" not in shown_keys(app)  # it was "m Narr"
        await pilot.press("m", "a")  # a key left out still works
        await pilot.pause()
        assert screen.session.current is not None
    with open_store(project) as store:
        [coding] = store.codings(coder=CODER)
        first = store.suggestions(transcript_id=coding.transcript_id)[0]
        assert coding.origin == "adjusted" and (coding.start, coding.end) == first.matches[0]


async def test_undo_and_redo_of_a_memo_say_memo(project: Path):
    app = make_app(project, coder=CODER)
    async with app.run_test(size=NARROW) as pilot:
        await open_alpha(pilot)
        await pilot.press("M")
        await pilot.pause()
        assert isinstance(app.screen, ChoiceModal)
        await pilot.press("enter")  # the first choice: the suggestion's theme
        await pilot.pause()
        assert isinstance(app.screen, MemoModal)
        await pilot.press(*"chance", "ctrl+s")
        await pilot.pause()
        assert "Memo on the theme saved." in messages(app)
        with open_store(project) as store:
            assert store.memo(CODER, "theme", "winding") == "chance"
        await pilot.press("u")
        await pilot.pause()
        assert "Undone: memo on the theme" in messages(app)  # it said "Undone: theme"
        with open_store(project) as store:
            assert store.memo(CODER, "theme", "winding") is None
        await pilot.press("r")
        await pilot.pause()
        assert "Redone: memo on the theme" in messages(app)
        with open_store(project) as store:
            assert store.memo(CODER, "theme", "winding") == "chance"


async def test_a_memo_the_database_refused_is_not_called_saved(project: Path, monkeypatch):
    app = make_app(project, coder=CODER)
    async with app.run_test(size=NARROW) as pilot:
        await open_alpha(pilot)

        def locked(*args: object) -> None:
            raise sqlite3.OperationalError("database is locked")

        monkeypatch.setattr(app.store, "set_memo", locked)
        await pilot.press("M")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press(*"lost", "ctrl+s")
        await pilot.pause()
        said = messages(app)
        assert any(m.startswith("the project is busy") for m in said), said
        assert not any("saved" in m for m in said), said
    with open_store(project) as store:
        assert store.memo(CODER, "theme", "winding") is None


def long_project(path: Path) -> tuple[int, int, int]:
    """A 60-turn transcript with one suggestion in turn 50; returns (transcript, start, end)."""
    body = ("I moved between many roles over the years and each one taught me something "
            "about the system, the people in it and how decisions were really made there")
    turns = [("Interviewer" if i % 2 == 0 else "P1",
              "interviewer" if i % 2 == 0 else "participant",
              f"Turn {i}. " + body + (". Then I had some luck." if i == 51 else "."))
             for i in range(60)]
    with open_store(path) as store:
        store.save_codebook(Codebook("test", THEMES, PATTERNS))
        info, _ = store.add_transcript("long", make_parsed(turns), participant="P1")
        tid = info.id
        text = store.transcript_text(tid)
        start = text.index("Then I had some luck.")
        end = start + len("Then I had some luck.")
        add_suggestion(store, tid, "serendipity", "luck", start, end, "luck")
    return tid, start, end


def span_rows(app: WorkbenchApp) -> list[str]:
    """The transcript rows on screen that the pending span marks (▶ in the gutter)."""
    view = app.screen.query_one(TranscriptView)
    rows = [view.render_line(y).text for y in range(view.scrollable_content_region.height)]
    return [row for row in rows if row.startswith("▶")]


async def test_widening_the_terminal_keeps_the_current_suggestion_on_screen(tmp_path: Path):
    path = tmp_path / "long.db"
    _, start, end = long_project(path)
    app = make_app(path, coder=CODER)
    async with app.run_test(size=NARROW) as pilot:
        await open_alpha(pilot)
        await pilot.pause()
        assert any("luck" in row for row in span_rows(app))
        await pilot.resize_terminal(100, 30)
        await pilot.pause()
        await pilot.pause()
        assert any("luck" in row for row in span_rows(app)), "the suggestion scrolled away"
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        await pilot.pause()
        assert any("luck" in row for row in span_rows(app))
        await pilot.press("a")
        await pilot.pause()
    with open_store(path) as store:
        [coding] = store.codings(coder=CODER)
        assert (coding.start, coding.end, coding.theme_id) == (start, end, "serendipity")


async def test_tab_on_a_panel_that_fits_leaves_the_arrows_to_the_transcript(project: Path):
    app = make_app(project, coder=CODER)
    async with app.run_test(size=NARROW) as pilot:
        screen = await open_alpha(pilot)
        await pilot.press("down")  # off the suggestion: the panel says little
        await pilot.pause()
        cursor = screen.session.cursor
        await pilot.press("tab", "down", "down")
        await pilot.pause()
        assert not screen.panel_keys  # Tab took the arrows to a panel with nothing to scroll
        assert screen.session.cursor == cursor + 2
        assert "The suggestion panel shows all it has: nothing to scroll." in messages(app)
        theme_1 = screen.session.recent_themes()[0]
        await pilot.press("1")
        await pilot.pause()
        sentence = screen.session.sentences[cursor + 2]
    with open_store(project) as store:
        [coding] = store.codings(coder=CODER)
        assert (coding.start, coding.end, coding.theme_id) == (sentence.start, sentence.end,
                                                               theme_1)


async def test_a_key_run_from_the_palette_leaves_the_footer_uncut(project: Path):
    """After running a key from the command palette (ctrl+p, "Next", Enter), the coding
    screen's footer drew every key, the last ones past the edge and under ``^p palette``
    ("m Narr"), until the terminal was resized: the keys were laid out only after the
    footer had stopped looking."""
    app = make_app(project, coder=CODER)
    async with app.run_test(size=NARROW) as pilot:
        screen = await open_alpha(pilot)
        first = screen.session.current
        assert cut_keys(app) == [] and len(shown_keys(app)) >= 6
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"Next")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause(0.6)
        assert app.screen is screen and screen.session.current != first  # it ran
        assert cut_keys(app) == []
        assert shown_keys(app)[0] == "question_mark"
