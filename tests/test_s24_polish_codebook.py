"""Session 24: the codebook screen's pattern figures read at 80x24 and 100x30.

At 80 columns the details pane is about 33 columns wide, and each pattern's line
("ntr_x_many_hats: 0 sugg, 0 acc, 0 rej, precision –") wrapped wherever it broke:
"precision" ended one line and its "–" began the next. The figures are now a table
under one header, each pattern's figures whole on one line (the name above them
where both do not fit).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from textual.geometry import Region
from textual.widgets import Static, Tree

from qualcoder_ahp.model.store import open_store
from qualcoder_ahp.tui import jobs
from qualcoder_ahp.tui.app import make_app
from qualcoder_ahp.tui.screens.codebook import CodebookScreen
from tests.tui.conftest import CODER

FIGURES = re.compile(r"^\s*(\S+\s+)?\d+\s+\d+\s+\d+\s+(\d+%|\u2013)\s*$")


def detail_lines(screen: CodebookScreen) -> list[str]:
    """The details as drawn, one string per screen line."""
    static = screen.query_one("#theme-detail", Static)
    region = Region(0, 0, static.size.width, static.virtual_size.height or static.size.height)
    return [strip.text.rstrip() for strip in static.render_lines(region)]


@pytest.mark.parametrize("size", [(80, 24), (100, 30)])
async def test_pattern_figures_are_whole_lines(tmp_path: Path, size: tuple[int, int]) -> None:
    path = tmp_path / "p.db"
    with open_store(path) as store:
        jobs.load_codebook(store, jobs.DEMO_CODEBOOK)
        patterns = [p.id for p in store.patterns() if p.theme_id == "non_traditional_roles"]
    assert len(patterns) > 5
    app = make_app(path, coder=CODER)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        await pilot.press("k")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, CodebookScreen)
        tree = screen.query_one("#theme-tree", Tree)
        await pilot.press("down")
        await pilot.pause()
        assert tree.cursor_node is not None
        assert tree.cursor_node.data == "non_traditional_roles"
        lines = detail_lines(screen)
    figures = [line for line in lines if FIGURES.match(line)]
    assert len(figures) == len(patterns), "\n".join(lines)
    # No line is a stray figure ("–", "0%") or a cut-off word of the old sentence.
    assert not [line for line in lines if line.strip() in {"\u2013", "precision", "0", "rej"}]
    for pattern in patterns:  # each name whole, on a line of its own or beside its figures
        assert any(line.split() and line.split()[0] == pattern for line in lines), pattern
    assert any(line.split() == ["sugg", "acc", "rej", "precision"] or
               line.split()[-4:] == ["sugg", "acc", "rej", "precision"]
               for line in lines if line.split())


def test_pattern_table_side_by_side_when_wide() -> None:
    from qualcoder_ahp.tui.screens.codebook import pattern_table

    stats = [{"pattern": "luck", "suggestions": 2, "accepted": 2, "rejected": 1,
              "precision": 2 / 3},
             {"pattern": "never-planned", "suggestions": 10, "accepted": 0, "rejected": 0,
              "precision": None}]
    wide = pattern_table(stats, 60).plain.splitlines()
    assert wide == ["  pattern        sugg  acc  rej  precision",
                    "  luck              2    2    1        67%",
                    "  never-planned    10    0    0          \u2013"]
    narrow = pattern_table(stats, 33).plain.splitlines()
    assert narrow == ["  pattern",
                      "    sugg  acc  rej  precision",
                      "  luck",
                      "       2    2    1        67%",
                      "  never-planned",
                      "      10    0    0          \u2013"]
    assert max(len(line) for line in narrow) <= 33
