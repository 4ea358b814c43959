"""The counts screen names themes as the codebook does, at 80x24, with the id underneath.

It used to show ids (``non_traditional_roles``) where a researcher looks for the name
from the codebook ("Non-traditional roles").
"""

from __future__ import annotations

from textual.app import App
from textual.widgets import DataTable, Label

from qualcoder_ahp.records import Codebook, Theme
from qualcoder_ahp.reports import ReportData, theme_counts
from qualcoder_ahp.tui.screens.counts import NAME_WIDTH, CountsScreen
from tests.conftest import make_parsed

LONG = "Closeness to the trust board and its executive directors"
THEMES = (
    Theme("career_routes", "Career routes", codable=False, position=0),
    Theme("non_traditional_roles", "Non-traditional roles", parent_id="career_routes",
          position=1),
    Theme("board_mandate", LONG, position=2),
)
TEXT = ("I took a non-traditional role in research first. "
        "Then the board asked me to lead the directorate.")


class Host(App[None]):
    def __init__(self, store):
        super().__init__()
        self.store = store

    def on_mount(self) -> None:
        self.push_screen(CountsScreen(self.store, None))


def _project(store):
    store.save_codebook(Codebook("names", THEMES))
    info, _ = store.add_transcript("p01", make_parsed([("P01", "participant", TEXT)]),
                                   participant="P01")
    text = store.transcript_text(info.id)
    for theme, phrase in (("non_traditional_roles", "non-traditional role"),
                          ("board_mandate", "the board asked me")):
        start = text.index(phrase)
        store.code(info.id, theme, "ana", start, start + len(phrase))
    return store


def _drawn(widget) -> list[str]:
    return [widget.render_line(y).text.rstrip() for y in range(widget.size.height)]


async def _drawn_when(pilot, widget, ready, tries: int = 100) -> list[str]:
    """The widget's lines once ``ready(lines)`` holds: a DataTable sizes its columns on a
    later refresh, which a busy machine (CI with two cores) can draw after two pauses."""
    for _ in range(tries):
        lines = _drawn(widget)
        if ready(lines):
            return lines
        await pilot.pause(0.02)
    return _drawn(widget)


async def _settle(app, pilot):
    await app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.pause()


async def test_counts_screen_shows_names_and_the_id_of_the_highlighted_row(store):
    _project(store)
    before = [(c.theme_id, c.start, c.end) for c in store.codings()]
    app = Host(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await _settle(app, pilot)
        screen = app.screen
        grid = screen.query_one("#counts-table", DataTable)
        lines = await _drawn_when(pilot, grid, lambda drawn: "Career routes" in "".join(drawn))
        table = "\n".join(lines)
        assert lines[0].split()[:3] == ["theme", "codings", "segments"]  # figures fit too
        assert "Career routes" in table and "  Non-traditional roles" in table
        assert "non_traditional_roles" not in table and "career_routes" not in table
        # A long name is cut to fit 80 columns, and shown whole under the table.
        cut = LONG[:NAME_WIDTH - 1].rstrip() + "…"
        assert cut in table and LONG not in table
        assert all(len(line) <= 80 for line in lines)

        detail = screen.query_one("#counts-theme", Label)
        assert str(detail.render()) == "Career routes  ·  id career_routes"
        await pilot.press("down")
        await pilot.pause()
        assert str(detail.render()) == ("Career routes / Non-traditional roles  ·  "
                                        "id non_traditional_roles")
        await pilot.press("down")
        await pilot.pause()
        assert str(detail.render()) == f"{LONG}  ·  id board_mandate"

        # The figures are still the core's, row for row.
        core = theme_counts(ReportData(store)).rows
        shown = [[str(v) for v in grid.get_row_at(i)] for i in range(grid.row_count)]
        assert [s[2] for s in shown] == [str(r.figures.segments) for r in core] == ["1", "1", "1"]

        await pilot.press("v")  # by transcript: names too
        await _settle(app, pilot)
        shown = [[str(v) for v in grid.get_row_at(i)] for i in range(grid.row_count)]
        assert [s[0].strip() for s in shown][:2] == ["Career routes", "Non-traditional roles"]
    assert [(c.theme_id, c.start, c.end) for c in store.codings()] == before  # read only


async def test_matrix_view_shows_names(store):
    _project(store)
    store.set_participant_attributes("P01", {"profession": "physio"})
    app = Host(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await _settle(app, pilot)
        screen = app.screen
        screen.view = "attribute:profession"
        screen.reload()
        await _settle(app, pilot)
        grid = screen.query_one("#counts-table", DataTable)
        first = [str(grid.get_row_at(i)[0]) for i in range(grid.row_count)]
        assert first[:2] == ["Career routes", "  Non-traditional roles"]
        assert first[-1] == "column total"
        for _ in range(grid.row_count):
            await pilot.press("down")
        await pilot.pause()
        assert grid.cursor_row == grid.row_count - 1
        assert str(screen.query_one("#counts-theme", Label).render()) == ""
