"""Excel holds at most 32,767 characters in a cell: a longer text is cut, ending in a
marker that says so and where the whole text is, and the command says which cells."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from click.testing import CliRunner
from openpyxl import load_workbook

from qualcoder_ahp.cli import cli
from qualcoder_ahp.model.store import open_store
from qualcoder_ahp.reports.writers import Sheet, to_xlsx
from qualcoder_ahp.reports.xlsx import MAX_CELL
from tests.conftest import make_parsed
from tests.test_framework import extend

LIMIT = "\u2026 [cut: Excel's 32,767-character limit; "
LONG = " ".join(f"word{i}" for i in range(7000))  # 45,889 characters, one sentence
CSV_MARK = LIMIT + "the CSV export holds it whole]"


def test_a_long_quote_is_cut_with_a_marker_and_a_note(tmp_path: Path) -> None:
    store = open_store(tmp_path / "qcahp.db")
    extend(store)
    info, _ = store.add_transcript("long", make_parsed([("Ana", "participant", LONG)]),
                                   participant="P09")
    store.code(info.id, "weapon", "alice", 0, len(LONG))
    store.close()
    result = CliRunner().invoke(cli, ["quotes", "--coder", "alice", "-o", "q.xlsx"])
    assert result.exit_code == 0, result.output
    # The quote and its context (the whole turn) are cut.
    assert result.stderr.endswith(
        "note: 2 cells longer than Excel's 32,767 characters cut, each ending in "
        "\"[cut: ...]\" saying where the whole text is: sheet 'Quotes' row 10 (weapon): "
        "quote, context\n")
    sheet = load_workbook(tmp_path / "q.xlsx")["Quotes"]
    header = [c.value for c in sheet[1]]
    quote = sheet.cell(10, header.index("quote") + 1).value
    assert len(quote) == MAX_CELL and quote.endswith(CSV_MARK)
    assert quote.startswith(LONG[:MAX_CELL - len(CSV_MARK)])
    assert sheet.cell(10, header.index("transcript") + 1).value == "long"
    # The rest of the sheet is whole, and the CSV export holds the quote whole.
    assert all(len(str(c.value or "")) < 1000 for k, row in enumerate(sheet.iter_rows())
               for c in row if k != 9)
    result = CliRunner().invoke(cli, ["quotes", "--coder", "alice", "-o", "q.csv"])
    assert result.exit_code == 0 and "Excel" not in result.stderr
    rows = list(csv.DictReader(io.StringIO((tmp_path / "q.csv").read_text("utf-8-sig"))))
    assert LONG in [r["quote"] for r in rows]


def test_a_long_framework_cell_points_at_the_quotes_sheet(tmp_path: Path) -> None:
    store = open_store(tmp_path / "qcahp.db")
    extend(store)
    store.set_cell_summary("alice", "P01", "serendipity", LONG)
    store.close()
    result = CliRunner().invoke(cli, ["framework", "-o", "f.xlsx"])
    assert result.exit_code == 0, result.output
    assert ("note: 1 cell longer than Excel's 32,767 characters cut, each ending in "
            "\"[cut: ...]\" saying where the whole text is: sheet 'framework' row 2 "
            "(P01): Serendipity\n") in result.stderr
    book = load_workbook(tmp_path / "f.xlsx")
    grid = book["framework"]
    header = [c.value for c in grid[1]]
    cell = grid.cell(2, header.index("Serendipity") + 1).value
    assert len(cell) == MAX_CELL
    assert cell.endswith(LIMIT + "the quotes sheet holds its quotes, the CSV export the "
                         "whole cell]")


def test_the_note_names_each_sheet_and_counts_the_rest() -> None:
    book = to_xlsx([Sheet("Quotes", ["theme", "quote", "memo"],
                          [["luck", LONG, "short"], ["board", "short", "m"]] +
                          [[f"t{k}", LONG, LONG] for k in range(3)]),
                    Sheet("About", ["field", "value"], [["x", "y"]])])
    assert [(c.sheet, c.row, c.label, c.column) for c in book.cuts] == [
        ("Quotes", 2, "luck", "quote"), ("Quotes", 4, "t0", "quote"),
        ("Quotes", 4, "t0", "memo"), ("Quotes", 5, "t1", "quote"), ("Quotes", 5, "t1", "memo"),
        ("Quotes", 6, "t2", "quote"), ("Quotes", 6, "t2", "memo")]
    assert book.cut_note() == (
        "note: 7 cells longer than Excel's 32,767 characters cut, each ending in \"[cut: "
        "...]\" saying where the whole text is: sheet 'Quotes' row 2 (luck): quote; row 4 "
        "(t0): quote, memo; row 5 (t1): quote, memo and 1 more row")
    cells = load_workbook(io.BytesIO(book))["Quotes"]
    assert cells["B3"].value == "short" and cells["C6"].value.endswith(CSV_MARK)
    assert to_xlsx([Sheet("s", ["a"], [["x" * MAX_CELL]])]).cut_note() == ""
