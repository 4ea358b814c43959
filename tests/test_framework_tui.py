"""The framework screen (X): the matrix in the workbench, a cell's codings and its summary.

The project is :func:`tests.test_framework.extend`'s: cases P01 (t1, t4), P02, P03 and
fg (a transcript with no participant); coders alice, bob and consensus.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import DataTable, Label, Static, TextArea

from qualcoder_ahp.model.store import open_store
from qualcoder_ahp.reports.data import ReportData
from qualcoder_ahp.reports.framework import framework
from qualcoder_ahp.tui.app import make_app
from qualcoder_ahp.tui.commands import key_commands
from qualcoder_ahp.tui.screens.framework import FrameworkCellScreen, FrameworkScreen
from qualcoder_ahp.tui.screens.help import binding_rows
from qualcoder_ahp.tui.screens.transcripts import TranscriptsScreen
from qualcoder_ahp.tui.widgets.footer import WorkbenchFooter
from tests.test_framework import extend, memo_rows
from tests.tui.test_audit_80x24 import footer_keys


@pytest.fixture
def project(tmp_path: Path) -> Path:
    path = tmp_path / "qcahp.db"
    store = open_store(path)
    extend(store)
    store.set_cell_summary("alice", "P02", "mandate", "Reports to the chief nurse.")
    store.close()
    return path


async def settle(app, pilot) -> None:  # type: ignore[no-untyped-def]
    await app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.pause()


def grid_cells(app) -> list[list[str]]:  # type: ignore[no-untyped-def]
    """Each row's cells as drawn, less the padding that right-aligns a count (the mark,
    or the space in its place, stays)."""
    grid = app.screen.query_one(DataTable)
    return [[str(v).lstrip() for v in grid.get_row_at(i)] for i in range(grid.row_count)]


def text_of(app, selector: str) -> str:  # type: ignore[no-untyped-def]
    return str(app.screen.query_one(selector, Static).render())


async def open_framework(app, pilot) -> FrameworkScreen:  # type: ignore[no-untyped-def]
    await settle(app, pilot)
    assert isinstance(app.screen, TranscriptsScreen)
    await pilot.press("X")
    await settle(app, pilot)
    assert isinstance(app.screen, FrameworkScreen)
    return app.screen


async def test_x_opens_the_matrix_of_the_cores_counts(project: Path) -> None:
    app = make_app(project, "alice")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        # Offered on the transcripts screen: footer (at 100 columns), help and palette.
        assert "X" in [k.key for k in footer_keys(app) if k.display]
        assert ("X", "Framework",
                "Framework matrix: cases x themes, your summary of each cell") in \
            binding_rows(app.screen)
        assert "Framework (X)" in [c.title for c in key_commands(app, app.screen)]
        screen = await open_framework(app, pilot)
        with open_store(project) as store:
            fw = framework(ReportData(store, "alice"))
        rows = grid_cells(app)
        assert [r[0] for r in rows] == ["P01", "P02", "P03", "fg"]
        marks = {("participant:P02", "mandate")}
        assert [r[1:] for r in rows] == [
            [f"{fw.cell(c, t.id).count}{'*' if (c.key, t.id) in marks else ' '}"
             for t in fw.themes] for c in fw.cases]
        assert rows[0][1:3] == ["1 ", "3 "]  # P01: winding 1, serendipity 3 (t1 and t4)
        assert [k.key for k in footer_keys(app) if k.display][:3] == [
            "question_mark", "enter", "c"]
        assert "X" not in [k.key for k in footer_keys(app) if k.display]  # here already
        assert "1 case" not in screen.sub_title and screen.sub_title == \
            "4 cases \u00d7 4 themes, 1 summary"


async def test_a_cell_shows_its_codings_and_saves_the_summary(project: Path) -> None:
    app = make_app(project, "alice")
    async with app.run_test(size=(100, 30)) as pilot:
        await open_framework(app, pilot)
        await pilot.press("right")  # the cursor starts on P01 × winding: now serendipity
        assert "P01 \u00b7 Career route / Serendipity: 3 codings, no summary yet" in \
            text_of(app, "#fw-cell")
        await pilot.press("enter")
        await settle(app, pilot)
        cell = app.screen
        assert isinstance(cell, FrameworkCellScreen)
        quotes = text_of(app, "#cell-quotes-text")
        assert "t1, turn 2, Asha\n\u201cI fell into management by chance.\u201d" in quotes
        assert "t4, turn 2, Asha\n\u201cAnother lucky break\u201d" in quotes
        assert "none yet" in text_of(app, "#cell-state")
        await pilot.press(*"Luck, twice.")
        assert "not saved" in text_of(app, "#cell-state")
        await pilot.press("ctrl+s")
        await pilot.pause()
        # Committed before the screen says saved: another connection reads it.
        with open_store(project) as other:
            assert other.cell_summary("alice", other.find_case("P01"), "serendipity") == \
                "Luck, twice."
        assert text_of(app, "#cell-state").startswith("Summary: saved ")
        await pilot.press("escape")
        await settle(app, pilot)
        assert isinstance(app.screen, FrameworkScreen)
        assert grid_cells(app)[0][2] == "3*"
        assert "summary written" in text_of(app, "#fw-cell")  # the cursor kept its cell
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.screen.query_one(TextArea).text == "Luck, twice."


async def test_u_on_the_matrix_undoes_a_summary_and_the_cell_names_the_participant(
        project: Path) -> None:
    app = make_app(project, "alice")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_framework(app, pilot)
        await pilot.press("right", "enter")  # P01 x serendipity
        await settle(app, pilot)
        # Who the case is, beside the codings being charted: P01's attributes.
        assert str(app.screen.query_one("#cell-title", Label).render()).splitlines()[1] \
            == "physio \u00b7 8c"
        await pilot.press(*"Luck, twice.", "ctrl+s", "escape")
        await settle(app, pilot)
        assert grid_cells(app)[0][2] == "3*"
        await pilot.press("u")  # where the researcher is, as the save said
        await settle(app, pilot)
        assert grid_cells(app)[0][2] == "3 "
        assert any("Undone: " in str(n.message) for n in app._notifications)
        await pilot.press("r")
        await settle(app, pilot)
        assert grid_cells(app)[0][2] == "3*"
    with open_store(project) as store:
        assert ("alice", "participant:P01|serendipity", "Luck, twice.") in memo_rows(store)


async def test_escape_never_loses_a_changed_summary_silently(project: Path) -> None:
    app = make_app(project, "alice")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_framework(app, pilot)
        await pilot.press("down", "right", "right")  # P02, mandate (a summary)
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.screen.query_one(TextArea).text == "Reports to the chief nurse."
        await pilot.press("end", *" Board seat.")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, FrameworkCellScreen)  # still here, text and all
        assert app.screen.query_one(TextArea).text.endswith("Board seat.")
        assert any("not saved" in str(n.message) for n in app._notifications)
        await pilot.press("escape")  # the second Escape discards, as it said
        await settle(app, pilot)
        assert isinstance(app.screen, FrameworkScreen)
    with open_store(project) as store:
        assert memo_rows(store) == [("alice", "participant:P02|mandate",
                                     "Reports to the chief nurse.")]
        assert store.undo_stack("alice")[0]  # (the earlier summary's event only)


async def test_at_80x24_the_grid_scrolls_to_every_theme(tmp_path: Path) -> None:
    from tests.test_framework import eleven_themes

    path = tmp_path / "wide.db"
    store = open_store(path)
    eleven_themes(store)
    store.close()
    app = make_app(path, "ana")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_framework(app, pilot)
        grid = app.screen.query_one(DataTable)
        assert grid.size.width <= 80 and app.screen.query_one(WorkbenchFooter).display
        assert grid.scroll_x == 0
        headings = [str(c.label) for c in grid.columns.values()]
        assert headings[0] == "case" and all(len(h) <= 9 for h in headings[1:])
        for _ in range(10):
            await pilot.press("right")
        await pilot.pause()
        assert grid.cursor_coordinate.column == 11 and grid.scroll_x > 0
        assert "Folder / Theme 11:" in text_of(app, "#fw-cell")
        await pilot.press("home")  # DataTable: back to the first column
        await pilot.press("left")
        await pilot.press("enter")  # on the case column: nothing opens, it says why
        await pilot.pause()
        assert isinstance(app.screen, FrameworkScreen)


async def test_c_counts_another_coders_codings_but_marks_your_summaries(project) -> None:
    app = make_app(project, "alice")
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_framework(app, pilot)
        await pilot.press("c")  # everyone
        await settle(app, pilot)
        assert screen.shown is not None and screen.shown.counted is None
        assert grid_cells(app)[0][2] == "4 "  # P01 serendipity: alice 3, bob 1 (pooled)
        assert grid_cells(app)[1][3] == "1*"  # P02 mandate: bob's coding, alice's summary
        assert "everyone's codings but consensus's" in text_of(app, "#fw-caption")


async def test_quitting_over_a_changed_summary_says_so_first(project: Path) -> None:
    app = make_app(project, "alice")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_framework(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        await pilot.press(*"Half a thought")
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert app.is_running and isinstance(app.screen, FrameworkCellScreen)
        assert any("quit again to leave without it" in str(n.message)
                   for n in app._notifications)
        await pilot.press("ctrl+s")  # saved: now it quits at once
        await pilot.pause()
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert not app.is_running
    with open_store(project) as store:
        assert ("alice", "participant:P01|winding", "Half a thought") in memo_rows(store)


async def test_a_project_without_a_codebook_says_what_to_do(tmp_path: Path) -> None:
    path = tmp_path / "bare.db"
    with open_store(path) as store:
        from tests.conftest import make_parsed

        store.add_transcript("t1", make_parsed([("P", "participant", "Some words.")]))
    app = make_app(path, "ana")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_framework(app, pilot)
        assert "Nothing to chart: no codable theme" in text_of(app, "#fw-caption")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, FrameworkScreen)


async def test_tab_reaches_the_codings_to_scroll_them(project: Path) -> None:
    app = make_app(project, "alice")
    async with app.run_test(size=(80, 16)) as pilot:
        await open_framework(app, pilot)
        await pilot.press("right", "enter")  # P01 × serendipity: three codings
        await settle(app, pilot)
        assert "Tab: the codings" in text_of(app, "#cell-state")
        quotes = app.screen.query_one("#cell-quotes")
        assert quotes.max_scroll_y > 0 and quotes.scroll_y == 0
        await pilot.press("tab", "pagedown")
        await pilot.pause()
        assert app.focused is quotes and quotes.scroll_y > 0
        await pilot.press("shift+tab", *"typed")
        assert app.screen.query_one(TextArea).text == "typed"
