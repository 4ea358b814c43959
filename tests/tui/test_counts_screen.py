"""The counts screen shows exactly the core's numbers; keys switch view and coder."""

from __future__ import annotations

import pytest
from textual.app import App
from textual.widgets import DataTable, Footer

from qualcoder_ahp.reports import ReportData, attribute_matrix, theme_counts
from qualcoder_ahp.reports.writers import cell_text
from qualcoder_ahp.tui.screens.counts import CountsScreen, theme_label
from tests.test_reports import build_project


class Host(App[None]):
    """A bare app that pushes the counts screen, like the workbench's key does."""

    def __init__(self, store, coder):
        super().__init__()
        self.store = store
        self.coder = coder

    def on_mount(self) -> None:
        self.push_screen(CountsScreen(self.store, self.coder))


@pytest.fixture
def project(store):
    build_project(store)
    return store


def _label(store, row):
    """The first column of a core row: the theme's name, indented, as the screen cuts it."""
    return theme_label(store.theme(row.theme_id).name, row.depth)


async def _settle(app, pilot):
    await app.workers.wait_for_complete()
    await pilot.pause()


async def _to_view(app, pilot, view):
    """Press ``v`` until the counts screen shows ``view``; the screen."""
    await _settle(app, pilot)
    screen = app.screen
    for _ in range(screen.views.index(view)):
        await pilot.press("v")
    await _settle(app, pilot)
    return screen


def _cells(app):
    grid = app.screen.query_one(DataTable)
    return [[str(v) for v in grid.get_row_at(i)] for i in range(grid.row_count)]


async def test_theme_view_matches_core_and_keys_switch(project):
    app = Host(project, "alice")
    async with app.run_test(size=(140, 30)) as pilot:
        await _settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, CountsScreen)
        rows = _cells(app)
        core = theme_counts(ReportData(project, "alice")).rows
        assert [r[0] for r in rows] == [_label(project, r) for r in core]
        for shown, row in zip(rows, core, strict=True):
            f = row.figures
            assert shown[1:] == [str(f.codings), str(f.segments), str(f.transcripts),
                                 str(f.participants), str(f.words), str(f.chars),
                                 cell_text(f.share_pct), cell_text(f.words_pct)]
        assert rows[0][1:3] == ["4", "2"]  # alice's career: 4 codings, 2 segments
        active = app.active_bindings  # what the footer shows
        assert {"v", "c", "n", "escape"} <= set(active) and active["n"].enabled
        assert app.screen.query(Footer)

        await pilot.press("c")  # alice -> bob
        await _settle(app, pilot)
        assert screen.coder == "bob"
        assert _cells(app)[0][1:3] == ["3", "3"]

        await pilot.press("n")  # consensus
        await _settle(app, pilot)
        assert screen.coder == "consensus" and "coder consensus" in screen.shown.caption
        assert _cells(app)[0][1:3] == ["1", "1"]

        await pilot.press("c")  # wraps round to all coders
        await _settle(app, pilot)
        # alice's and bob's pooled, the consensus coding left out as in `qcahp counts`
        assert screen.coder is None and _cells(app)[0][1:3] == ["7", "4"]
        assert "(all coders but consensus)" in screen.shown.caption  # says who is left out

        await pilot.press("v")  # by transcript
        await _settle(app, pilot)
        assert screen.shown.columns[:2] == ["theme", "transcript"]
        assert _cells(app)[0][:4] == ["Career route", "t1", "4", "1"]

        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, CountsScreen)


async def test_matrix_view_matches_core(project):
    app = Host(project, None)
    async with app.run_test(size=(160, 30)) as pilot:
        screen = await _to_view(app, pilot, "attribute:profession")
        assert screen.view == "attribute:profession"
        assert screen.shown.columns == ["theme", "physio", "SLT", "(none)", "total"]
        rows = _cells(app)
        matrix = attribute_matrix(ReportData(project), "profession")
        for shown, row in zip(rows, matrix.rows, strict=False):
            assert shown[0] == _label(project, row) and shown[-1] == str(row.total)
            assert [s.split(" ")[0] for s in shown[1:-1]] == [str(c.count) for c in row.cells]
        assert rows[0][1:4] == ["1 (25.0% / 50.0%)", "2 (50.0% / 66.7%)", "1 (25.0% / 50.0%)"]
        assert rows[-1] == ["column total", "2", "3", "2", "7"]


async def test_bindings_are_declared_for_the_footer():
    keys = {b.key for b in CountsScreen.BINDINGS}
    assert {"v", "c", "n", "i", "escape"} <= keys
    assert all(b.description for b in CountsScreen.BINDINGS)


async def test_empty_project_and_no_consensus(store):
    app = Host(store, None)
    async with app.run_test(size=(120, 24)) as pilot:
        await _settle(app, pilot)
        assert not app.active_bindings["n"].enabled
        assert _cells(app) == []
        assert "all coders" in app.screen.shown.caption
        await pilot.press("i")  # choosing interviews: there are none
        await pilot.pause()
        assert isinstance(app.screen, CountsScreen)
        assert "No transcripts yet: nothing to choose from." in [
            n.message for n in app._notifications]


async def test_workbench_counts_key_opens_the_screen(tmp_path):
    from qualcoder_ahp.model.store import open_store
    from qualcoder_ahp.tui.app import make_app

    path = tmp_path / "workbench.db"
    with open_store(path) as store:
        build_project(store)
    app = make_app(path, coder="bob")
    async with app.run_test(size=(140, 30)) as pilot:
        await pilot.pause()
        await pilot.press("C")
        await _settle(app, pilot)
        assert isinstance(app.screen, CountsScreen)
        assert app.screen.coder == "bob"
        with open_store(path) as other:
            core = theme_counts(ReportData(other, "bob")).rows
            assert [[r[0], r[2]] for r in _cells(app)] == [
                [_label(other, r), str(r.figures.segments)] for r in core]
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, CountsScreen)


async def test_blind_coding_shows_only_the_working_coders_counts(project):
    """While blind, c and n must not show pooled, other coders' or consensus counts."""
    project.set_setting("blind", "1")
    app = Host(project, "alice")
    async with app.run_test(size=(140, 30)) as pilot:
        await _settle(app, pilot)
        screen = app.screen
        mine = [row[1:3] for row in _cells(app)]
        assert not app.active_bindings["c"].enabled
        assert not app.active_bindings["n"].enabled
        for key in ("c", "c", "n", "v", "v", "v"):  # v reaches the by-coder view
            await pilot.press(key)
            await _settle(app, pilot)
            assert screen.coder == "alice"
            assert "bob" not in "\n".join("\n".join(r) for r in _cells(app))
        screen.action_next_coder()  # also when called directly (command palette)
        screen.action_consensus()
        await _settle(app, pilot)
        assert screen.coder == "alice"
    project.set_setting("blind", "0")
    app = Host(project, "alice")
    async with app.run_test(size=(140, 30)) as pilot:
        await _settle(app, pilot)
        assert [row[1:3] for row in _cells(app)] == mine
        await pilot.press("c")
        await _settle(app, pilot)
        assert app.screen.coder == "bob"  # not blind: the next coder


async def test_blind_coding_turned_on_while_open_goes_back_to_own_counts(project):
    """`qcahp blind on` while the screen showed another coder's counts left them on
    screen, recounted at every change, and c still stepped through everyone's."""
    app = Host(project, "alice")
    async with app.run_test(size=(140, 30)) as pilot:
        await _settle(app, pilot)
        screen = app.screen
        await pilot.press("c")
        await _settle(app, pilot)
        assert screen.coder == "bob"
        project.set_setting("blind", "1")  # another terminal: qcahp blind on
        screen.store_changed()  # what the app's poll calls
        await _settle(app, pilot)
        assert screen.coder == "alice"
        assert not app.active_bindings["c"].enabled
        for key in ("c", "n"):
            await pilot.press(key)
            await _settle(app, pilot)
            assert screen.coder == "alice"


async def test_matrix_cell_of_an_uncoded_column_reads_a_dash(project):
    """A profession whose interviews nobody coded made cells "0 (0.0% / %)"."""
    slt = next(t.id for t in project.transcripts() if t.name == "t2")
    for coding in project.codings(transcript_id=slt):
        project.remove_coding(coding.id, coding.coder)
    app = Host(project, None)
    async with app.run_test(size=(160, 30)) as pilot:
        screen = await _to_view(app, pilot, "attribute:profession")
        rows = _cells(app)
        assert rows[-1][2] == "0"  # the SLT column: nothing coded
        assert not any("/ %" in cell for row in rows for cell in row), rows
        assert rows[0][2] == "0 (0.0% / \u2013)"
