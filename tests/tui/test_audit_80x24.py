"""What a keyboard-only researcher saw at 80x24 (the TUI audit), each now fixed.

Every test drives the real workbench with Pilot on an 80-column terminal and asserts
on what the screen draws and what the database holds.
"""

from __future__ import annotations

from pathlib import Path

from textual import events
from textual.containers import VerticalScroll
from textual.widgets import DataTable, Static, Tree
from textual.widgets._footer import FooterKey

from qualcoder_ahp.model.store import open_store
from qualcoder_ahp.records import Codebook
from qualcoder_ahp.tui.app import make_app
from qualcoder_ahp.tui.screens.codebook import CodebookScreen
from qualcoder_ahp.tui.screens.coding import CodingScreen
from qualcoder_ahp.tui.screens.counts import CountsScreen
from qualcoder_ahp.tui.screens.help import HelpScreen
from qualcoder_ahp.tui.screens.reconcile import ReconcileScreen
from qualcoder_ahp.tui.screens.transcripts import TranscriptsScreen
from qualcoder_ahp.tui.widgets.footer import WorkbenchFooter
from tests.conftest import make_parsed
from tests.tui.conftest import (
    CODER, PATTERNS, THEMES, TURNS_A, open_alpha, open_codebook, press_for_screen,
    screen_text,
)

NARROW = (80, 24)


def footer_keys(app) -> list[FooterKey]:  # type: ignore[no-untyped-def]
    """The keys the footer of the current screen draws, left to right."""
    footer = app.screen.query_one(WorkbenchFooter)
    return sorted(footer.query(FooterKey), key=lambda k: k.region.x)


def accept_first(project: Path) -> Path:
    """Accept the first suggestion of transcript 1, so the project has a coding."""
    with open_store(project) as store:
        store.accept(store.suggestions(transcript_id=1)[0].id, CODER)
    return project


def long_definition(project: Path, sentences: int) -> None:
    """Give the theme ``winding`` a definition of ``sentences`` sentences."""
    with open_store(project) as store:
        themes = tuple(t if t.id != "winding" else t.__class__(
            **{**t.__dict__, "description": "A non-linear route through roles. " * sentences})
            for t in THEMES)
        store.save_codebook(Codebook("test", themes, PATTERNS))


def drawn(widget: Static) -> str:
    """The lines a Static actually draws (inside its height), joined."""
    lines = [widget.render_line(y).text.rstrip() for y in range(widget.size.height)]
    return " ".join(" ".join(line.split()) for line in lines if line.strip())


async def test_help_key_is_first_in_every_footer_at_80_columns(project: Path):
    app = make_app(project, coder=CODER)
    async with app.run_test(size=NARROW) as pilot:
        await pilot.pause()
        keys = footer_keys(app)
        assert keys[0].key == "question_mark" and keys[0].region.right <= 80
        # Enter (open) was hidden by the table's own binding; it shows now.
        assert "enter" in [k.key for k in keys if k.region.right <= 80]
        await open_alpha(pilot)
        keys = footer_keys(app)
        # The coding screen has more keys than 80 columns hold: ? is never the one cut.
        assert keys[0].key == "question_mark" and keys[0].region.right <= 80
        assert any(not k.display for k in keys)  # the rest are left out whole
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)


async def test_navigation_keys_do_not_stack_the_screen_already_shown(project: Path):
    app = make_app(project, coder=CODER)
    async with app.run_test(size=NARROW) as pilot:
        counts = await press_for_screen(pilot, "C", CountsScreen)
        depth = len(app.screen_stack)
        await pilot.press("C")
        await pilot.pause()
        assert app.screen is counts and len(app.screen_stack) == depth
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, TranscriptsScreen)  # one Escape, not two
        await open_codebook(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        help_keys = [key for key, _, _ in app.screen.rows]
        assert "k" not in help_keys and "C" in help_keys  # k would do nothing here
        await pilot.press("C")  # under a dialog: nothing stacks on top of it
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, CodebookScreen)


async def test_reconcile_with_one_coder_says_it_all_and_offers_no_dead_keys(project: Path):
    app = make_app(accept_first(project), coder=CODER)
    async with app.run_test(size=NARROW) as pilot:
        screen = await press_for_screen(pilot, "R", ReconcileScreen)
        await app.workers.wait_for_complete()
        await pilot.pause()
        status = drawn(screen.query_one("#reconcile-status", Static))
        assert status.startswith(f"Nothing to reconcile yet: only {CODER} has coded")
        assert status.endswith("looks again whenever someone codes."), status  # not cut off
        assert not screen.query_one("#consensus-panel").display
        shown = {k.key for k in footer_keys(app)}
        assert not shown & {"a", "b", "u", "i", "x", "g", "z", "n", "p", "f", "d"}, shown
        await pilot.press("x", "g")
        await pilot.pause()
    with open_store(project) as store:
        assert store.codings(coder="consensus") == []


async def test_reconcile_status_shows_both_lines_at_80_columns(project: Path):
    with open_store(project) as store:
        first = store.suggestions(transcript_id=1)[0]
        store.accept(first.id, CODER)
        store.ensure_coder("bo")  # bo codes only half of the same sentence
        store.code(first.transcript_id, first.theme_id, "bo", first.start,
                   (first.start + first.end) // 2)
    app = make_app(project, coder=CODER)
    async with app.run_test(size=NARROW) as pilot:
        screen = await press_for_screen(pilot, "R", ReconcileScreen)
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.pause()
        status = drawn(screen.query_one("#reconcile-status", Static))
        assert status.startswith("Disagreement 1/1 (0 decided)")
        assert "o union, i intersection, x reject n/p:" in status, status
        assert status.endswith("f: filter by theme or transcript"), status  # not cut off
        assert screen.query_one("#consensus-panel").display
        assert {"a", "b", "x"} <= {k.key for k in footer_keys(app)}
        assert "z" not in {k.key for k in footer_keys(app)}  # nothing to undo yet
        await pilot.press("a")
        await pilot.pause()
        assert "z" in app.screen.active_bindings
    with open_store(project) as store:
        [coding] = store.codings(coder="consensus")
        assert (coding.start, coding.end) == (first.start, first.end)


async def test_status_line_shortens_a_long_name_not_the_figures(tmp_path: Path):
    path = tmp_path / "long.db"
    name = "05_uk-covid-inquiry_m3_2024-09-23_college-of-paramedics_day-two_afternoon"
    with open_store(path) as store:
        store.save_codebook(Codebook("test", THEMES, PATTERNS))
        store.add_transcript(name, make_parsed(TURNS_A), participant="P1")
    app = make_app(path, coder=CODER)
    async with app.run_test(size=NARROW) as pilot:
        screen = await open_alpha(pilot)
        line = drawn(screen.query_one("#status-line", Static))
        assert line.endswith("decided 0/0 · codings 0"), line
        assert name[:20] in line and "…" in line
        await pilot.resize_terminal(160, 30)
        await pilot.pause()
        line = drawn(screen.query_one("#status-line", Static))
        assert name in line and "…" not in line


async def test_project_without_codebook_says_so_instead_of_an_empty_picker(tmp_path: Path):
    path = tmp_path / "nocodebook.db"
    with open_store(path) as store:
        store.add_transcript("alpha", make_parsed(TURNS_A), participant="P1")
    app = make_app(path, coder=CODER)
    async with app.run_test(size=NARROW) as pilot:
        await pilot.pause()
        await pilot.press("g")
        await pilot.pause()
        messages = [n.message for n in app._notifications]
        assert "No suggestions yet: load a codebook (L), then press S " \
               "to run the codebook's patterns." in messages, messages
        screen = await open_alpha(pilot)
        text = " ".join(screen_text(app).split())
        assert "No codebook loaded yet: press L to load one" in text
        assert "No themes yet" in text
        shown = {k.key for k in footer_keys(app)}
        assert not shown & {"1", "f", "n"}, shown  # c makes the first theme: test_audit_empty
        await pilot.press("1", "f")
        await pilot.pause()
        assert app.screen is screen  # no empty dialog opened
    with open_store(path) as store:
        assert store.codings() == []


async def test_transcript_without_suggestions_says_why(tmp_path: Path):
    path = tmp_path / "nosuggestions.db"
    with open_store(path) as store:
        store.save_codebook(Codebook("test", THEMES, PATTERNS))
        store.add_transcript("alpha", make_parsed(TURNS_A), participant="P1")
    app = make_app(path, coder=CODER)
    async with app.run_test(size=NARROW) as pilot:
        screen = await open_alpha(pilot)
        text = " ".join(screen_text(app).split())
        assert "No suggestions in this transcript" in text and "c codes by hand" in text
        assert screen.check_action("code", ()) is True  # coding by hand still works
        await pilot.press("1")
        await pilot.pause()
    with open_store(path) as store:
        [coding] = store.codings(coder=CODER)
        assert coding.theme_id == "winding" and coding.origin == "manual"


async def test_codebook_details_scroll_by_keyboard(project: Path):
    # A long definition, as in the shipped codebook: the details run off the screen.
    long_definition(project, 40)
    app = make_app(project, coder=CODER)
    async with app.run_test(size=NARROW) as pilot:
        screen = await open_codebook(pilot)
        tree = screen.query_one("#theme-tree", Tree)
        pane = screen.query_one("#theme-detail-pane", VerticalScroll)
        await pilot.press("down")  # Winding route
        await pilot.pause()
        assert tree.cursor_node.data == "winding"
        assert pane.max_scroll_y > 0  # more than the screen holds
        assert "tab" in {k.key for k in footer_keys(app)}
        await pilot.press("tab")
        await pilot.pause()
        assert pane.has_focus
        await pilot.press("end")
        await pilot.pause()
        assert pane.scroll_y == pane.max_scroll_y > 0
        await pilot.press("tab")
        await pilot.pause()
        assert tree.has_focus
        await pilot.press("down")  # another theme is read from the top
        await pilot.pause()
        assert tree.cursor_node.data == "serendipity"
        assert pane.scroll_y == 0
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, TranscriptsScreen)


async def test_help_from_the_coding_screen_returns_focus_and_keys(project: Path):
    app = make_app(project, coder=CODER)
    async with app.run_test(size=NARROW) as pilot:
        screen = await open_alpha(pilot)
        before = screen.session.current.id
        await pilot.press("question_mark")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen and isinstance(screen, CodingScreen)
        await pilot.press("a")
        await pilot.pause()
        assert screen.session.current.id != before  # the next suggestion is selected
    with open_store(project) as store:
        assert store.decision_of(before, CODER) == "accepted"


async def test_import_dialog_takes_names_with_apostrophes_and_spaces(project: Path):
    body = "Interviewer: How did you start?\nAnn: I fell into it.\nInterviewer: Then?\nAnn: Luck.\n"
    Path("O'Brien interview.txt").write_text(body)  # the test's temporary working directory
    app = make_app(project, coder=CODER)
    async with app.run_test(size=NARROW) as pilot:
        await pilot.pause()
        await pilot.press("i")
        await pilot.pause()
        await pilot.press(*"O'Brien interview.txt", "enter")  # crashed in shlex before
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, TranscriptsScreen)
        table = app.screen.query_one("#transcripts", DataTable)
        names = [str(table.get_row_at(i)[0]) for i in range(table.row_count)]
        assert "O'Brien interview" in names
        await pilot.press("i")
        await pilot.pause()
        await pilot.press(*"nowhere/O'Brien 2.txt", "enter")  # no such file, odd quote
        await pilot.pause()
        messages = [n.message for n in app._notifications]
        assert any(m.startswith("Could not read those paths") for m in messages), messages
        assert isinstance(app.screen, TranscriptsScreen)
    with open_store(project) as store:
        assert sorted(t.name for t in store.transcripts()) == ["O'Brien interview", "alpha", "beta"]


async def test_suggestion_panel_reads_on_by_keyboard_at_80x24(project: Path):
    # A definition as long as the shipped codebook's: the criteria fall off the panel.
    long_definition(project, 12)
    app = make_app(project, coder=CODER)
    async with app.run_test(size=NARROW) as pilot:
        screen = await open_alpha(pilot)
        await pilot.pause()
        panel = screen.query_one("#suggestion-panel", Static)
        first = screen.session.current
        assert first.theme_id == "winding"
        shown = drawn(panel)
        assert "more lines (Tab, then ↓)" in shown and "Planned promotions" not in shown
        cursor = screen.session.cursor
        await pilot.press("tab", "pagedown", "pagedown", "down")
        await pilot.pause()
        shown = drawn(panel)
        assert "lines above" in shown and "Exclude: Planned promotions." in shown, shown
        assert screen.session.cursor == cursor and screen.session.current == first
        await pilot.press("escape", "down")  # the arrows move the sentence cursor again
        await pilot.pause()
        assert screen.session.cursor == cursor + 1 and not screen.panel_keys
        await pilot.press("n", "tab", "pagedown", "a")  # another suggestion, from the top
        await pilot.pause()
        assert screen.panel_offset == 0 and screen.session.current != first
    with open_store(project) as store:
        assert len(store.codings(coder=CODER)) == 1


async def test_down_then_enter_typed_fast_opens_the_row_below(project: Path):
    app = make_app(project, coder=CODER)
    async with app.run_test(size=NARROW) as pilot:
        await pilot.pause()
        # As a terminal delivers a fast typist's keys: both queued before either is
        # handled (Pilot's press() would wait for each).
        app.post_message(events.Key("down", None))
        app.post_message(events.Key("enter", "\r"))
        await pilot.pause()
        await pilot.pause()
        assert isinstance(app.screen, CodingScreen)
        assert app.screen.session.info.name == "beta"


async def test_open_and_sort_appear_in_the_footer_after_the_first_import(tmp_path: Path):
    path = tmp_path / "empty.db"
    open_store(path).close()
    Path("ann.txt").write_text("Interviewer: How did you start?\nAnn: I fell into it.\n")
    app = make_app(path, coder=CODER)
    async with app.run_test(size=NARROW) as pilot:
        await pilot.pause()
        assert not {"enter", "s"} & {k.key for k in footer_keys(app)}
        await pilot.press("i")
        await pilot.pause()
        await pilot.press(*"ann.txt", "enter")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.pause()
        assert {"enter", "s"} <= {k.key for k in footer_keys(app)}
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, CodingScreen) and app.screen.session.info.name == "ann"


async def test_counts_columns_beyond_80_are_announced_and_reached_in_a_few_keys(project: Path):
    app = make_app(accept_first(project), coder=CODER)
    async with app.run_test(size=NARROW) as pilot:
        screen = await press_for_screen(pilot, "C", CountsScreen)
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.pause()
        caption = drawn(screen.query_one("#counts-caption", Static))
        assert caption.endswith("← → more columns"), caption
        grid = screen.query_one("#counts-table", DataTable)
        assert grid.max_scroll_x > 0
        for _ in range(12):  # the CLI table's last column in a dozen presses at most
            await pilot.press("right")
        await pilot.pause()
        assert grid.scroll_x == grid.max_scroll_x
        await pilot.press("left")
        await pilot.pause()
        assert grid.scroll_x == grid.max_scroll_x - 10


async def test_codebook_pane_keeps_each_theme_and_its_counts_on_one_line(project: Path):
    long_name = "Winding route through roles not seen as traditional for AHPs"
    with open_store(project) as store:
        themes = tuple(t if t.id != "winding" else t.__class__(**{**t.__dict__,
                                                                  "name": long_name})
                       for t in THEMES)
        store.save_codebook(Codebook("test", themes, PATTERNS))
    app = make_app(project, coder=CODER)
    async with app.run_test(size=NARROW) as pilot:
        screen = await open_alpha(pilot)
        await pilot.press("a")  # accept the winding-route suggestion: counts 1/1
        await pilot.pause()
        pane = screen.query_one("#codebook-panel", Static)
        lines = [pane.render_line(y).text.rstrip() for y in range(pane.size.height)]
        [winding] = [line for line in lines if "Winding route" in line]
        assert winding.endswith("… 1/1"), lines
        assert any(line.endswith("Serendipity 0/0") for line in lines), lines
        assert all(len(line) <= pane.content_region.width for line in lines)
    with open_store(project) as store:
        assert [c.theme_id for c in store.codings(coder=CODER)] == ["winding"]


async def test_a_second_job_waits_for_the_first(project: Path, monkeypatch):
    import threading

    from qualcoder_ahp.tui import jobs

    release, calls = threading.Event(), []

    def slow_suggest(store_path, progress=None):  # type: ignore[no-untyped-def]
        calls.append(store_path)
        release.wait(10)
        return "done"

    monkeypatch.setattr(jobs, "suggest", slow_suggest)
    app = make_app(project, coder=CODER)
    async with app.run_test(size=NARROW) as pilot:
        await pilot.pause()
        await pilot.press("S")
        await pilot.pause()
        await pilot.press("S", "i")
        await pilot.pause()
        messages = [n.message for n in app._notifications]
        assert any(m.startswith("Wait for the running job (suggestions)") for m in messages), \
            messages
        assert isinstance(app.screen, TranscriptsScreen)  # no import dialog over the job
        release.set()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert len(calls) == 1
        assert any(n.message == "done" for n in app._notifications)


async def test_status_line_keeps_the_hit_count_of_a_long_search(project: Path):
    """A search of a few words (F from a hit, or /) pushed "N hits" off the 80-column
    status line ('search “chief nurse”: 3'): the words are shortened, not the count."""
    app = make_app(project, coder=CODER)
    async with app.run_test(size=NARROW) as pilot:
        screen = await open_alpha(pilot)
        await pilot.press("slash", *"the board listens to AHPs again and again", "enter")
        await pilot.pause()
        status = screen.query_one("#status-line", Static)
        line = drawn(status)
        assert status.size.height == 1 and len(status.render_line(0).text.rstrip()) <= 80
        assert line.endswith("”: 0 hits"), line
        assert "search “the board" in line and "…" in line
        await pilot.press("slash", *"board", "enter")
        await pilot.pause()
        assert drawn(status).endswith("codings 0 · search “board”: hit 1 of 3")
