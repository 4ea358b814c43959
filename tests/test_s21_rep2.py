"""Session 21, report leftovers met preparing a write-up: the agreement workbook's total
rows sort safely, the framework matrix in Word and Markdown gives each case's
attributes once."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from qualcoder_ahp.cli import cli
from qualcoder_ahp.model.store import open_store


def run(db: Path, *args: str, code: int = 0):
    result = CliRunner().invoke(cli, ["--db", str(db), *args])
    assert result.exit_code == code, (result.output, result.exception)
    return result


# ------------------------------------------------------------------ 1. agreement XLSX
def test_agreement_workbook_keeps_its_pooled_and_mean_rows_out_of_the_filter(
        db: Path, tmp_path: Path) -> None:
    """Sorting the agreement sheet by kappa moved "(pooled)" and the mean among the
    themes, where they read as one more theme; they now stay under the filter's range,
    last, as a counts matrix's column total does."""
    for by, totals in (("theme", 2), ("all", 2), ("transcript", 0)):
        out = tmp_path / f"agreement-{by}.xlsx"
        run(db, "agreement", "--coders", "alice,bob", "--by", by, "-o", str(out))
        sheet = load_workbook(out)["agreement"]
        views = [sheet.cell(r, 1).value for r in range(2, sheet.max_row + 1)]
        last = sheet.max_row - totals
        assert sheet.auto_filter.ref == f"A1:{sheet.cell(1, sheet.max_column).column_letter}" \
                                        f"{last}", by
        assert views[len(views) - totals:] == ["overall", "mean"][:totals], by
        assert "overall" not in views[:len(views) - totals]


# ------------------------------------------------------------------ 2. framework: cases once
@pytest.fixture
def framework_db(tmp_path: Path) -> Path:
    from tests.test_framework import extend

    path = tmp_path / "fw.db"
    store = open_store(path)
    extend(store)
    store.set_cell_summary("alice", "P01", "serendipity", "Fell into it.")
    store.close()
    return path


def test_framework_in_word_gives_each_cases_attributes_once(framework_db: Path,
                                                            tmp_path: Path) -> None:
    """Eight themes repeated every participant's attributes eight times in an appendix:
    a cases table comes first, and each theme's table names the case alone."""
    from docx import Document

    out = tmp_path / "fw.docx"
    run(framework_db, "framework", "--all-coders", "-o", str(out))
    doc = Document(str(out))
    headings = [p.text for p in doc.paragraphs if p.style.name == "Heading 1"]
    assert headings[0] == "Cases" and len(doc.tables) == 1 + len(headings) - 1
    cases = [[c.text for c in row.cells] for row in doc.tables[0].rows]
    assert cases[0] == ["Case", "Kind", "Transcripts", "band", "profession"]
    assert cases[1:] == [["P01", "participant", "t1, t4", "8c", "physio"],
                         ["P02", "participant", "t2", "8a", "SLT"],
                         ["P03", "participant", "t3", "9", ""],
                         ["fg", "transcript", "fg", "", ""]]
    assert doc.tables[0].rows[0]._tr.trPr.xpath("./w:tblHeader")
    texts = "\n".join(c.text for t in doc.tables[1:] for row in t.rows for c in row.cells)
    assert "band" not in texts and "profession" not in texts and "physio" not in texts
    for table in doc.tables[1:]:  # every row still names its case
        assert [row.cells[0].text for row in table.rows] == ["Case", "P01", "P02", "P03",
                                                               "fg"]
    assert any("the tables by theme name the case" in p.text for p in doc.paragraphs)


def test_framework_markdown_gives_the_cases_once_too(framework_db: Path) -> None:
    md = run(framework_db, "framework", "--all-coders", "--format", "md").stdout
    assert md.count("physio") == 1 and md.count("## Cases") == 1
    assert "| case | kind | transcripts | band | profession |" in md
    assert "| P01 | participant | t1, t4 | 8c | physio |" in md
    assert "| P01 | 4 | alice: Fell into it. |" in md


def test_framework_of_transcripts_only_has_no_cases_table(tmp_path: Path) -> None:
    """With no participant the cases table would repeat each transcript's name: none."""
    from docx import Document

    from qualcoder_ahp.records import Codebook, Theme
    from tests.conftest import make_parsed

    path = tmp_path / "t.db"
    store = open_store(path)
    store.save_codebook(Codebook("c", (Theme("luck", "Luck", position=0),)))
    store.add_transcript("only", make_parsed([("A", "participant", "Luck matters.")]))
    store.close()
    md = run(path, "framework", "--format", "md").stdout
    assert "## Cases" not in md and "## Luck" in md
    run(path, "framework", "-o", str(tmp_path / "t.docx"))
    doc = Document(str(tmp_path / "t.docx"))
    assert [p.text for p in doc.paragraphs if p.style.name == "Heading 1"] == ["Luck"]
