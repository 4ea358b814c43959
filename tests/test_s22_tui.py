"""Session 22, a researcher's first hour in the workbench at 80x24: what repeated itself,
was cut off or was missing on the screens, each checked on screen and in the database."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Static

from qualcoder_ahp.model.store import open_store
from qualcoder_ahp.tui.app import make_app
from qualcoder_ahp.tui.screens.framework import FrameworkCellScreen, FrameworkScreen
from tests.test_framework import extend


SIZE = (80, 24)


async def settle(app, pilot) -> None:  # type: ignore[no-untyped-def]
    await app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.pause()


# ------------------------------------------------ the framework cell names its case once
def _framework_project(tmp_path: Path) -> Path:
    path = tmp_path / "fw.db"
    store = open_store(path)
    extend(store)  # cases P01 (t1, t4), P02 (t2), P03 (t3), fg (a transcript alone)
    with store.write():  # P03's interview carries the case's name, as in the demo
        store.conn.execute("UPDATE transcripts SET name = 'P03' WHERE name = 't3'")
    store.close()
    return path


async def _open_cell(app, pilot, row: int, column: int) -> str:  # type: ignore[no-untyped-def]
    await settle(app, pilot)
    await pilot.press("X")
    await settle(app, pilot)
    assert isinstance(app.screen, FrameworkScreen)
    await pilot.press(*["down"] * row, *["right"] * column, "enter")
    await settle(app, pilot)
    assert isinstance(app.screen, FrameworkCellScreen)
    return str(app.screen.query_one("#cell-quotes-text", Static).render())


async def test_a_cell_does_not_repeat_its_case_s_own_transcript(tmp_path: Path) -> None:
    path = _framework_project(tmp_path)
    with open_store(path) as store:
        coded = store.conn.execute(
            "SELECT t.name FROM codings c JOIN transcripts t ON t.id = c.transcript_id "
            "JOIN coders k ON k.id = c.coder_id WHERE k.name = 'alice' AND c.active "
            "AND c.theme_id = 'mandate' AND t.participant_id IS NOT NULL").fetchall()
    assert ("P03",) in coded  # the cell read below has a coding in the transcript P03
    app = make_app(path, "alice")
    async with app.run_test(size=SIZE) as pilot:
        cell = await _open_cell(app, pilot, 2, 2)  # P03 x mandate
        title = str(app.screen.query_one("#cell-title").render())
        assert title.startswith("P03 \u00b7 ")  # the case, named once in the title
        assert "P03" not in cell  # not again on each coding
        assert cell.startswith("turn 2, Cara\n\u201c")
        await pilot.press("escape")
        await settle(app, pilot)
        await pilot.press("up", "up", "left")  # P01 x serendipity: two transcripts t1, t4
        await pilot.press("enter")
        await settle(app, pilot)
        cell = str(app.screen.query_one("#cell-quotes-text", Static).render())
        assert "t1, turn 2, Asha\n" in cell and "t4, turn 2, Asha\n" in cell


# ------------------------------------------- a search's words before the repeated coder
def _named_project(tmp_path: Path, name: str) -> Path:
    from tests.tui.conftest import build_project

    path = tmp_path / "p.db"
    build_project(path)
    with open_store(path) as store, store.write():
        store.conn.execute("UPDATE transcripts SET name = ? WHERE name = 'alpha'", [name])
    return path


WHO = "researcher"  # a coder's name of ten letters, as a team's often are


def _events(path: Path) -> int:
    with open_store(path) as store:
        return int(store.conn.execute("SELECT COUNT(*) FROM events").fetchone()[0])


async def test_the_search_word_is_shown_whole_at_80_columns(tmp_path: Path) -> None:
    """On the demo, `/ board` read `dietitian_g…  coder demo · … · search “boa…”: hit 1
    of 5`: the transcript and the coder, both in the header, kept their room and the
    words the researcher typed were cut. The coder now gives way to the words."""
    path = _named_project(tmp_path, "advanced_practice")
    before = _events(path)
    app = make_app(path, coder=WHO)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        await pilot.press("slash", *"board", "enter")
        await pilot.pause()
        status = app.screen.query_one("#status-line", Static)
        line = status.render_line(0).text.rstrip()
        assert len(line) <= 80 and status.size.height == 1
        assert line.endswith("· codings 0 · search “board”: hit 1 of 3"), line
        assert "advanced_pr" in line and f"coder {WHO}" not in line
        await pilot.press("escape")  # the search cleared: the coder is back
        await pilot.pause()
        assert f"coder {WHO} · decided 0/" in status.render_line(0).text
    assert _events(path) == before  # a search stores nothing


# ------------------------- counts by transcript: no columns of 1s, headings in words
async def test_counts_by_transcript_leave_out_the_columns_of_ones(tmp_path: Path) -> None:
    """By transcript, every row is one transcript of one participant: the transcripts
    and participants columns said 1 on every row and pushed words and shares off the
    80-column screen, where `share_pct` headed a column. As `qcahp counts` does: left
    out and said once ("in every row: transcripts 1, participants 1"), `share%`."""
    from textual.widgets import DataTable

    from qualcoder_ahp.reports import ReportData, theme_counts
    from qualcoder_ahp.tui.screens.counts import CountsScreen
    from tests.tui.conftest import build_project

    path = tmp_path / "p.db"
    build_project(path)
    with open_store(path) as store:
        text = store.transcript_text(1)
        start = text.index("I never planned")
        store.code(1, "winding", "ana", start, start + len("I never planned"))
    app = make_app(path, coder="ana")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("C")
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, CountsScreen)
        grid = screen.query_one(DataTable)
        heads = [str(c.label) for c in grid.ordered_columns]
        assert "share%" in heads and "share_pct" not in heads  # the theme view too
        await pilot.press("v")
        await settle(app, pilot)
        assert screen.view == "transcript"
        heads = [str(c.label) for c in grid.ordered_columns]
        assert heads == ["theme", "transcript", "codings", "segments", "words", "chars",
                         "share%", "words%"]
        caption = screen.query_one("#counts-caption")
        said = " ".join(" ".join(caption.render_line(y).text.split())
                        for y in range(caption.size.height))
        assert "in every row: transcripts 1, participants 1" in said
        with open_store(path) as store:
            core = theme_counts(ReportData(store, "ana"), by="transcript").rows
        row = [str(v) for v in grid.get_row_at(1)]
        assert row[1:5] == ["alpha", str(core[1].figures.codings),
                            str(core[1].figures.segments), str(core[1].figures.words)]
        assert core[1].figures.codings == 1 and core[1].figures.transcripts == 1
        await pilot.press("v")  # by participant: the same
        await settle(app, pilot)
        assert "transcripts" not in screen.shown.columns
        await pilot.press("v")  # by coder the columns count: kept
        await settle(app, pilot)
        assert screen.view == "coder" and "transcripts" in screen.shown.columns
        assert "in every row" not in screen.shown.caption


# ------------------------------------------------------- the memo box names its target
async def test_the_memo_box_names_the_theme_or_coding_it_is_on(tmp_path: Path) -> None:
    """`M`, then a theme from the list, opened a box titled "Memo on the theme (yours
    only)": which theme, of the two or three offered, was not said."""
    from qualcoder_ahp.tui.screens.modals import MemoModal
    from tests.tui.conftest import build_project

    path = tmp_path / "p.db"
    build_project(path)
    app = make_app(path, coder="ana")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        current = app.screen.session.current
        assert current is not None and current.theme_id == "winding"
        await pilot.press("a")  # accepted: a coding of Winding route under the cursor
        await pilot.pause()
        await pilot.press("p", "M")  # back on it; memo on…
        await pilot.pause()
        await pilot.press("down", "enter")  # the coding first, then its theme
        await pilot.pause()
        assert isinstance(app.screen, MemoModal)
        assert app.screen.title_text == "Memo on the theme Winding route (yours only)"
        await pilot.press(*"Not always planned", "ctrl+s")
        await pilot.pause()
        await pilot.press("M", "enter")  # the coding itself
        await pilot.pause()
        assert isinstance(app.screen, MemoModal)
        assert app.screen.title_text.startswith(
            "Memo on the coding Winding route \u2014 \u201cIt was a winding route")
        await pilot.press("escape")
        await pilot.pause()
    with open_store(path) as store:
        assert store.memo("ana", "theme", "winding") == "Not always planned"


# ------------------------------------------------ a selection says how much it holds
async def test_a_selection_says_how_many_sentences_and_what_next(tmp_path: Path) -> None:
    """`v` and `↓ ↓` said "Selecting sentences (v to stop)": not how many were held, nor
    that c codes them; the count came only in c's picker."""
    from tests.tui.conftest import build_project, screen_text

    path = tmp_path / "p.db"
    build_project(path)
    app = make_app(path, coder="ana")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        screen = app.screen
        sentences = screen.session.sentences
        first = screen.session.cursor
        await pilot.press("v")
        await pilot.pause()
        assert "Selecting sentences: 1 (↓ ↑ extend, c codes, v stops)" in screen_text(app)
        await pilot.press("down", "down")
        await pilot.pause()
        assert "Selecting sentences: 3 (↓ ↑ extend, c codes, v stops)" in screen_text(app)
        assert "No suggestion selected" not in screen_text(app)  # said once, above
        await pilot.press("up")
        await pilot.pause()
        assert "Selecting sentences: 2 (" in screen_text(app)
        await pilot.press("c", *"serendip", "enter")
        await pilot.pause()
    with open_store(path) as store:
        [coding] = store.codings(coder="ana")
        assert coding.theme_id == "serendipity"
        assert (coding.start, coding.end) == (sentences[first].start,
                                              sentences[first + 1].end)


# ------------------------------------- the framework cell shows where Tab put the keys
async def test_tab_to_a_cell_s_codings_is_seen(tmp_path: Path) -> None:
    """Tab from the summary box to the codings only took the colour off the box's border:
    nothing marked the codings as where ↓ and PgDn now act, and the line still said
    "Tab: the codings". The codings are now marked (a bar at their left) and the line
    says how to get back; the summary written before is kept and saved."""
    path = _framework_project(tmp_path)
    app = make_app(path, "alice")
    async with app.run_test(size=SIZE) as pilot:
        await _open_cell(app, pilot, 0, 1)  # P01 x serendipity
        screen = app.screen
        quotes = screen.query_one("#cell-quotes")
        state = screen.query_one("#cell-state")
        assert "Tab: the codings" in str(state.render())
        assert quotes.styles.border_left[0] in ("", "blank", "none")
        await pilot.press(*"Luck", "tab")
        await pilot.pause()
        assert quotes.has_focus
        assert quotes.styles.border_left[0] == "thick"
        assert str(state.render()).endswith("not saved \u00b7 ctrl+s saves \u00b7 Tab: back to "
                                            "the summary")
        await pilot.press("tab")
        await pilot.pause()
        assert not quotes.has_focus and "Tab: the codings" in str(state.render())
        await pilot.press("ctrl+s")
        await pilot.pause()
    with open_store(path) as store:
        assert store.cell_summary("alice", store.find_case("P01"), "serendipity") == "Luck"


# ---------------------------------------------- the reconcile filter says what it does
async def test_the_reconcile_filter_says_what_it_shows_and_its_figures(tmp_path: Path) -> None:
    """`f` on the reconcile screen opened "Reconcile only: a theme and a transcript
    (undecided/all)": as if both had to be picked, the figures unexplained. It says
    what it does now; choosing a theme still filters, and stores nothing."""
    from textual.widgets import Label

    from qualcoder_ahp.tui.screens.reconcile import ReconcileFilter, ReconcileScreen
    from tests.tui.test_reconcile_walk import four_disagreements, where

    path = tmp_path / "r.db"
    with open_store(path) as store:
        four_disagreements(store)
    before = _events(path)
    app = make_app(path, coder="asha")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("R")
        await settle(app, pilot)
        assert isinstance(app.screen, ReconcileScreen)
        await pilot.press("f")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, ReconcileFilter)
        label = dialog.query(Label).first()
        said = " ".join(" ".join(label.render_line(y).text.split())
                        for y in range(label.size.height))
        assert said.startswith("Show only one theme's disagreements, one transcript's, or "
                               "both (beside each: undecided / all of its disagreements).")
        assert said.endswith("Escape cancels") and label.size.height <= 3
        await pilot.press("down", "down", "enter")  # Board mandate, every transcript
        await pilot.pause()
        assert where(app)[0] == "mandate"
    assert _events(path) == before


# ------------------------------------------- the codebook pane says what its figures are
async def test_the_codebook_pane_says_its_figures_are_your_codings(tmp_path: Path) -> None:
    """The coding screen's codebook pane was headed "Codebook (here/all)", its "1/1"
    beside a theme read like "Decided 1/78" above it. It says whose codings, where."""
    from tests.tui.conftest import build_project, screen_text

    path = tmp_path / "p.db"
    build_project(path)
    app = make_app(path, coder="ana")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        await pilot.press("a")
        await pilot.pause()
        panel = app.screen.query_one("#codebook-panel")
        first = panel.render_line(0).text.rstrip()
        assert first == "Codebook: your codings here/all"
        assert "Winding route 1/1" in screen_text(app)
    with open_store(path) as store:
        assert [c.theme_id for c in store.codings(coder="ana")] == ["winding"]


# ---------------------- Escape at a new theme's folder goes back to the picker, name kept
async def test_escape_at_the_new_theme_s_folder_goes_back_to_the_picker(
        tmp_path: Path) -> None:
    """`c`, a new name, ctrl+n, then Escape at "where does it go?" closed everything and
    the name typed was gone: one step back is the picker, the name still in its box.
    Nothing is stored until a folder is chosen."""
    from textual.widgets import Input

    from qualcoder_ahp.tui.screens.coding import CodingScreen
    from qualcoder_ahp.tui.screens.modals import ChoiceModal, ThemePickerModal
    from tests.tui.conftest import build_project

    path = tmp_path / "p.db"
    build_project(path)
    before = _events(path)
    app = make_app(path, coder="ana")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        await pilot.press("c", *"Gumption", "ctrl+n")
        await pilot.pause()
        assert isinstance(app.screen, ChoiceModal)  # the folder it goes in
        await pilot.press("escape")
        await pilot.pause()
        picker = app.screen
        assert isinstance(picker, ThemePickerModal)
        assert picker.query_one("#theme-query", Input).value == "Gumption"
        assert picker.title_text == "Code the suggestion's sentence with\u2026"
        assert _events(path) == before  # nothing made
        await pilot.press("ctrl+n")
        await pilot.pause()
        await pilot.press("enter")  # the first place offered
        await pilot.pause()
        assert isinstance(app.screen, CodingScreen)
        await pilot.press("c", *"Other", "ctrl+n", "escape", "escape")
        await pilot.pause()
        assert isinstance(app.screen, CodingScreen)
    with open_store(path) as store:
        made = [t for t in store.themes() if t.name in ("Gumption", "Other")]
        assert [t.name for t in made] == ["Gumption"]
        assert [c.theme_id for c in store.codings(coder="ana")] == [made[0].id]
