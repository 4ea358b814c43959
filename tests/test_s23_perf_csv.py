"""Session 23: ``to_csv`` takes most cells as they are, and writes the same bytes.

Every CSV report (``qcahp log``: a million cells at 1M words; ``quotes``, ``counts``...)
went through two functions a cell. Text that cannot start a formula and whole numbers
outside a percentage column are now taken as they are; the rest as before. The rule
(:func:`~qualcoder_ahp.reports.writers.csv_cell` on every text, numbers as
:func:`~qualcoder_ahp.reports.writers.cell_text` gives them) must give the same bytes
for any sheet: checked against the former function on sheets of every kind of cell.
This pins behaviour (it passes on the code before too).
"""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qualcoder_ahp.reports.writers import Sheet, _iter_row_texts, csv_cell, to_csv


def former_to_csv(sheet: Sheet) -> str:
    """``to_csv`` as it was before session 23."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow([csv_cell(c) for c in sheet.columns])
    writer.writerows([t if isinstance(v, (int, float)) else csv_cell(t)
                      for v, t in zip(row, texts, strict=True)]
                     for row, texts in zip(sheet.rows, _iter_row_texts(sheet, 2), strict=True))
    return buf.getvalue()


RISKY = st.sampled_from(["=SUM(A1)", "+44 1234", "-0.25", "- well", "@home", "\tTab", "\rCR",
                         "'quoted", "''=x", "'-1", "", " =not", "1e5", "-1e-3", ".5", "-",
                         "=", "'", "naïve ☕", "line\nbreak", 'say "hi"', "a,b"])


class Named(str):
    """A ``str`` subclass (a cell that is text but not exactly ``str``)."""


CELLS = st.one_of(
    st.none(), st.booleans(), st.integers(-10**12, 10**12),
    st.floats(allow_nan=True, allow_infinity=True), RISKY, st.text(max_size=12),
    RISKY.map(Named), st.builds(lambda n: type("Odd", (), {"__str__": lambda s: f"-{n}"})(),
                                st.integers(0, 9)))


@st.composite
def sheets(draw: Any) -> Sheet:
    width = draw(st.integers(1, 5))
    columns = [f"c{i}" for i in range(width)]
    percent = {c for c in columns if draw(st.booleans())}
    rows = draw(st.lists(st.lists(CELLS, min_size=width, max_size=width), max_size=8))
    if draw(st.booleans()):
        percent = set()  # the usual case: no percentage column
    return Sheet("s", columns, rows, percent=percent)


@settings(max_examples=400, deadline=None)
@given(sheets())
def test_every_sheet_is_written_as_before(sheet: Sheet) -> None:
    assert to_csv(sheet) == former_to_csv(sheet)


def test_formula_cells_are_still_quoted_and_numbers_kept() -> None:
    sheet = Sheet("s", ["a", "b", "c"], [["=1+1", -3, 0.5], ["-0.25", True, None],
                                         ["- I think", 7, "@x"]], percent={"c"})
    rows = list(csv.reader(io.StringIO(to_csv(sheet))))
    assert rows == [["a", "b", "c"], ["'=1+1", "-3", "0.50"], ["-0.25", "True", ""],
                    ["'- I think", "7", "'@x"]]


def test_a_row_of_another_length_is_refused() -> None:
    with pytest.raises(ValueError):
        to_csv(Sheet("s", ["a", "b"], [["x"]]))
