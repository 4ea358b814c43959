"""The passages and framework screens at scale read and lay out only what they show, and
show what the full path showed.

- ``ReportData(..., themes=theme_subtree(store, T))`` reads one theme's codings (and
  those below it); its quotes of ``T`` equal those of the snapshot of every coding, for
  every theme, coder choice and the consensus, with a retired theme still coded, a
  coding taken back and a memo (so the passages screen lists the same passages).
- ``framework(data, quoted=False)`` counts each cell's codings without quoting them:
  the same counts, summaries and grid as the quoted matrix, and :func:`cell_quotes`
  gives each cell's quotes as the quoted matrix holds them.
- Pilot: the framework screen's grid and an opened cell show the full path's figures
  and quotes; the passages screen, filled by its worker a batch at a time with each
  batch laid out there first, draws what a list laying itself out draws, and Home,
  End, PgUp and PgDn reach the same passages.

The project is :func:`tests.test_framework.extend`'s (cases P01 with t1 and t4, P02,
P03 and fg; coders alice, bob and consensus; themes career > winding, serendipity;
mandate; weapon), here with ``winding`` retired while alice's codings of it stay.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import DataTable, Label, Static

from qualcoder_ahp.errors import UserError
from qualcoder_ahp.model.store import Store, open_store
from qualcoder_ahp.records import Codebook, Theme
from qualcoder_ahp.reports import CONSENSUS, quotes
from qualcoder_ahp.reports.data import ReportData, theme_subtree
from qualcoder_ahp.reports.framework import (
    cell_quotes,
    framework,
    framework_markdown,
    grid_text,
    long_sheet,
)
from qualcoder_ahp.reports.selection import select
from qualcoder_ahp.tui.app import make_app
from qualcoder_ahp.tui.screens import passages as passages_module
from qualcoder_ahp.tui.screens.framework import FrameworkCellScreen, FrameworkScreen
from qualcoder_ahp.tui.screens.passages import PassageList, PassagesScreen, collect
from qualcoder_ahp.tui.screens.transcripts import TranscriptsScreen
from tests.test_framework import extend

CODERS = (None, "alice", "bob", CONSENSUS)
THEMES = ("career", "winding", "serendipity", "mandate", "weapon")


def build(store: Store) -> dict[str, int]:
    """extend()'s project; a coding taken back; ``winding`` retired, still coded."""
    ids = extend(store)
    text = store.transcript_text(ids["t2"])
    start = text.index("My career was never planned.")
    gone = store.code(ids["t2"], "weapon", "bob", start, start + 10)
    store.remove_coding(gone.id, "bob")
    store.save_codebook(Codebook("test", (
        Theme("career", "Career route", codable=False, position=0),
        Theme("serendipity", "Serendipity", parent_id="career", position=2),
        Theme("mandate", "Mandate: closeness to the trust board", position=3),
        Theme("weapon", "Untapped secret weapon", position=4),
    )))
    store.set_cell_summary("alice", "P01", "serendipity", "Luck, twice.")
    store.set_cell_summary("bob", "P02", "mandate", "Reports to the chief nurse.")
    return ids


@pytest.fixture
def project(tmp_path: Path) -> Path:
    path = tmp_path / "qcahp.db"
    with open_store(path) as store:
        build(store)
    return path


def test_one_themes_codings_quote_as_every_coding_does(project: Path) -> None:
    with open_store(project) as store:
        assert theme_subtree(store, "career") == {"career", "winding", "serendipity"}
        for coder in CODERS:
            full = ReportData(store, coder)
            for theme in THEMES:
                if theme not in {t.id for t in full.themes}:  # retired, not coded by them
                    with pytest.raises(UserError):
                        quotes(full, theme=theme)
                    with pytest.raises(UserError):
                        quotes(ReportData(store, coder, themes=theme_subtree(store, theme)),
                               theme=theme)
                    continue
                part = ReportData(store, coder, themes=theme_subtree(store, theme))
                assert quotes(part, theme=theme) == quotes(full, theme=theme), (coder, theme)
                assert part.subtree(theme) == full.subtree(theme)
                assert part.path(theme) == full.path(theme)
        # The retired theme is still named as such, and its codings are read.
        alice = ReportData(store, "alice", themes=theme_subtree(store, "career"))
        assert "winding" in alice.retired
        assert {q.theme_id for q in quotes(alice, theme="career")} == {
            "winding", "serendipity"}
        # Sanity: the fixture holds what the comparison is about.
        assert any(q.memo for q in quotes(ReportData(store, "alice"), theme="mandate"))
        assert quotes(ReportData(store, "bob"), theme="weapon") == []  # taken back


def test_the_passages_screen_collects_what_every_coding_gave(project: Path,
                                                            monkeypatch) -> None:
    with open_store(project) as store:
        shown = [(t, c) for t in THEMES for c in CODERS
                 if t in {x.id for x in ReportData(store, c).themes}]
        new = {(t, c): collect(store, t, c) for t, c in shown}
        monkeypatch.setattr(passages_module, "theme_subtree", lambda _store, _theme: None)
        old = {(t, c): collect(store, t, c) for t, c in shown}
    assert new == old
    assert sum(len(p.passages) for p in new.values()) > 20


def test_a_grid_of_counts_quotes_nothing_and_counts_the_same(project: Path) -> None:
    with open_store(project) as store:
        choices = [(c, None, ()) for c in CODERS]
        choices += [(None, select(store, ("t1", "fg"), ()), ()), ("alice", None, ("career",))]
        for coder, chosen, theme_ids in choices:
            data = ReportData(store, coder, selection=chosen)
            quoted = framework(data, theme_ids)
            counted = framework(data, theme_ids, quoted=False)
            assert counted.cases == quoted.cases and counted.themes == quoted.themes
            assert {k: (c.count, c.summaries) for k, c in counted.cells.items()} == {
                k: (len(c.quotes), c.summaries) for k, c in quoted.cells.items()}
            assert all(not c.quotes for c in counted.cells.values())
            assert counted.coded_cells == quoted.coded_cells > 0
            assert grid_text(counted, 80) == grid_text(quoted, 80)
            assert long_sheet(counted, "count") == long_sheet(quoted, "count")
            assert framework_markdown(counted, "M", "count") == framework_markdown(
                quoted, "M", "count")
            for case in quoted.cases:
                for theme in quoted.themes:
                    one = ReportData(store, coder, selection=chosen, themes=[theme.id])
                    assert cell_quotes(one, case, theme.id) == quoted.cell(
                        case, theme.id).quotes, (coder, case.key, theme.id)


async def _settle(app, pilot) -> None:  # type: ignore[no-untyped-def]
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.pause()


async def test_the_framework_screen_shows_the_full_paths_counts_and_quotes(
        project: Path) -> None:
    with open_store(project) as store:
        full = framework(ReportData(store, "alice"))
    app = make_app(project, "alice")
    async with app.run_test(size=(80, 24)) as pilot:
        await _settle(app, pilot)
        assert isinstance(app.screen, TranscriptsScreen)
        await pilot.press("X")
        await _settle(app, pilot)
        assert isinstance(app.screen, FrameworkScreen)
        grid = app.screen.query_one(DataTable)
        rows = [[str(v).lstrip() for v in grid.get_row_at(i)][1:]
                for i in range(grid.row_count)]
        assert rows == [[f"{full.cell(case, t.id).count}"
                         f"{'*' if full.cell(case, t.id).summaries else ' '}"
                         for t in full.themes] for case in full.cases]
        col = [t.id for t in full.themes].index("serendipity")  # the cursor is on the 1st
        await pilot.press(*["right"] * col, "enter")  # P01 x serendipity: t1 and t4
        await _settle(app, pilot)
        cell = app.screen
        assert isinstance(cell, FrameworkCellScreen)
        expected = full.cell(full.cases[0], "serendipity").quotes
        assert cell.quotes == expected and len(expected) == 3
        shown = str(cell.query_one("#cell-quotes-text", Static).render())
        assert "t4, turn 2, Asha\n\u201cAnother lucky break\u201d" in shown
        assert "3 codings (alice)" in str(cell.query_one("#cell-title", Label).render())


def _drawn(screen: PassagesScreen) -> list[str]:
    listing = screen.query_one(PassageList)
    rows = [listing.render_line(y).text.rstrip()
            for y in range(listing.scrollable_content_region.height)]
    return [*rows, str(screen.query_one("#passages-where", Label).render())]


async def _walk(project: Path, measure: bool, monkeypatch) -> list[list[str]]:
    """What the passages of ``career`` (every coder) draw at each key, with the worker
    laying them out (``measure``) or the list laying itself out."""
    monkeypatch.setattr(passages_module, "FIRST_BATCH", 1)
    monkeypatch.setattr(passages_module, "MEASURED_BATCH", 2)
    if not measure:
        monkeypatch.setattr(PassageList, "measure", lambda self, options, width: None)
    app = make_app(project, "alice")
    seen = []
    async with app.run_test(size=(60, 16)) as pilot:
        await _settle(app, pilot)
        screen = PassagesScreen(app.store, "alice", "career")
        app.push_screen(screen)
        await _settle(app, pilot)
        listing = screen.query_one(PassageList)
        assert listing.option_count == len(screen.shown.passages) + screen.shown.transcripts
        seen.append(_drawn(screen))
        for key in ("end", "pageup", "pageup", "down", "home", "pagedown", "up"):
            await pilot.press(key)
            await pilot.pause()
            seen.append(_drawn(screen))
    return seen


async def test_the_passages_list_laid_out_by_its_worker_draws_the_same(
        project: Path, monkeypatch) -> None:
    measured = await _walk(project, True, monkeypatch)
    monkeypatch.undo()
    itself = await _walk(project, False, monkeypatch)
    assert measured == itself
    wheres = [lines[-1] for lines in measured]
    with open_store(project) as store:
        found = collect(store, "career", None).passages
    total = len(found)
    assert wheres[0].startswith(f"Passage 1 of {total} \u00b7 {found[0].quote.transcript}")
    assert wheres[1].startswith(f"Passage {total} of {total} \u00b7 ")  # End: the last
    assert wheres[5].startswith(f"Passage 1 of {total}")  # Home: the first
    assert len(set(wheres)) > 3  # the page keys moved
