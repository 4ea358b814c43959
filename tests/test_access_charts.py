"""Charts read in greyscale and by colour-blind readers: parent/child cells are hatched."""

from __future__ import annotations

import re

from qualcoder_ahp.reports import charts
from qualcoder_ahp.reports.cooccurrence import Cooccurrence


def _co(cells: list[list[int | None]]) -> Cooccurrence:
    ids = [f"t{i}" for i in range(len(cells))]
    return Cooccurrence("overlap", None, ids, ids, [0] + [1] * (len(cells) - 1), cells)


def test_parent_child_cells_are_hatched_not_only_grey():
    cells = [[3, None, None], [None, 2, 0], [None, 0, 4]]
    svg = charts.cooccurrence_chart(_co(cells), {}, dpi=60, fmt="svg").decode()
    hatched = re.findall(r'url\(#h[0-9a-f]+\)', svg)
    assert len(hatched) == sum(v is None for row in cells for v in row) == 4
    assert "hatched: parent and child" in svg


def test_no_hatching_without_parent_and_child():
    svg = charts.cooccurrence_chart(_co([[1, 0], [0, 2]]), {}, dpi=60, fmt="svg").decode()
    assert "url(#h" not in svg
