"""Reports as a researcher puts them in a paper (session 24).

Every Word report was US Letter, python-docx's template, whatever the researcher's
country: printed on A4 it was shrunk or cut. The tables of the saturation and methods
documents had four to seven equal columns, so a case name broke mid-word and the list
of new themes ran down two pages in a 2 cm column, and their header rows were not
repeated on the pages a table runs on to.
"""

from __future__ import annotations

from pathlib import Path

import docx
import pytest
from click.testing import CliRunner
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Inches, Mm

from qualcoder_ahp.cli import cli
from qualcoder_ahp.model.store import open_store
from qualcoder_ahp.records import Codebook, Theme
from tests.conftest import make_parsed

THEMES = ("chance", "mandate", "voice", "networks", "identity", "training", "burnout")
CASES = ("radiographer_sam", "paramedic_marcus", "physio_helen", "dietitian_grace",
         "podiatrist_tom", "ot_dev", "slt_priya")


def project(tmp_path: Path) -> Path:
    """Seven participants, each with one interview; ana codes a few themes in each,
    the first interview holding most of them."""
    path = tmp_path / "p.db"
    store = open_store(path)
    store.save_codebook(Codebook("t", tuple(Theme(t, f"Theme {t} with a longer name",
                                                  position=n)
                                            for n, t in enumerate(THEMES))))
    for n, case in enumerate(CASES):
        words = " ".join(f"word{k}" for k in range(40)) + f" {case}"
        info, _ = store.add_transcript(case, make_parsed(
            [("Interviewer", "interviewer", "Tell me about it."),
             ("P", "participant", f"{words}.")]), participant=case)
        text = store.transcript_text(info.id)
        start = text.index("word0")
        for k, theme in enumerate(THEMES[: 6 if n == 0 else 2]):
            store.code(info.id, theme, "ana", start + 7 * k, start + 7 * k + 5)
    store.close()
    return path


def run(db: Path, *args: str) -> str:
    result = CliRunner().invoke(cli, ["--db", str(db), *args])
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture
def locale_env(monkeypatch: pytest.MonkeyPatch):
    def set_locale(lc_all: str = "", lc_paper: str = "", lang: str = "") -> None:
        for name, value in (("LC_ALL", lc_all), ("LC_PAPER", lc_paper), ("LANG", lang)):
            if value:
                monkeypatch.setenv(name, value)
            else:
                monkeypatch.delenv(name, raising=False)
    return set_locale


@pytest.mark.parametrize("env, paper", [
    ({"lang": "en_GB.UTF-8"}, "a4"),
    ({"lang": "de_DE.UTF-8"}, "a4"),
    ({"lang": "C.UTF-8"}, "a4"),
    ({"lang": "en_US.UTF-8"}, "letter"),
    ({"lang": "en_GB.UTF-8", "lc_paper": "en_US.UTF-8"}, "letter"),
    ({"lang": "en_US.UTF-8", "lc_all": "en_AU.UTF-8"}, "a4"),
    ({"lang": "fr_CA"}, "letter"),
])
def test_word_reports_take_the_paper_of_the_researchers_country(tmp_path, locale_env,
                                                                env, paper):
    db = project(tmp_path)
    locale_env(**env)
    width, height = (Inches(8.5), Inches(11)) if paper == "letter" else (Mm(210), Mm(297))
    for command, out in (("methods", "m.docx"), ("saturation", "s.docx"),
                         ("memos", "memo.docx")):
        run(db, command, "-o", str(tmp_path / out))
        section = docx.Document(str(tmp_path / out)).sections[0]
        assert abs(section.page_width - width) < Mm(1), (command, env)
        assert abs(section.page_height - height) < Mm(1), (command, env)


def test_the_framework_document_is_a4_landscape_in_britain(tmp_path, locale_env):
    db = project(tmp_path)
    locale_env(lang="en_GB.UTF-8")
    run(db, "framework", "-o", str(tmp_path / "f.docx"))
    section = docx.Document(str(tmp_path / "f.docx")).sections[0]
    assert abs(section.page_width - Mm(297)) < Mm(1)
    assert abs(section.page_height - Mm(210)) < Mm(1)


def _repeats_header(table) -> bool:
    return bool(table.rows[0]._tr.xpath("./w:trPr/w:tblHeader"))


def _text_width(document) -> int:
    section = document.sections[-1]
    return section.page_width - section.left_margin - section.right_margin


def test_saturation_document_tables_are_sized_to_their_text(tmp_path, locale_env):
    db = project(tmp_path)
    locale_env(lang="en_GB.UTF-8")
    run(db, "saturation", "--coder", "ana", "-o", str(tmp_path / "s.docx"))
    document = docx.Document(str(tmp_path / "s.docx"))
    curve = document.tables[0]
    heads = [c.text for c in curve.rows[0].cells]
    assert heads == ["#", "case", "themes", "new", "total", "total%", "new themes"]
    assert [r.cells[1].text for r in curve.rows[1:]] == list(CASES)
    assert all(_repeats_header(t) for t in document.tables)
    widths = [c.width for c in curve.columns]
    assert len(set(widths)) > 2  # not equal columns
    assert sum(widths) <= _text_width(document) + Mm(1)
    # The longest case name (16 characters) fits its column whole, the list of new
    # themes is wider than the figures, and the "#" column is the narrowest.
    assert widths[1] >= Mm(16 * 2.2 + 3.5)
    assert widths[-1] > max(widths[2:-1]) and widths[0] == min(widths)
    # Figures right-aligned, names left.
    first = curve.rows[1].cells
    assert first[2].paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.RIGHT
    assert first[1].paragraphs[0].alignment is None


def test_methods_figures_table_repeats_its_header_and_fits_the_page(tmp_path, locale_env):
    db = project(tmp_path)
    locale_env(lang="en_GB.UTF-8")
    run(db, "methods", "-o", str(tmp_path / "m.docx"))
    document = docx.Document(str(tmp_path / "m.docx"))
    (table,) = document.tables
    assert [c.text for c in table.rows[0].cells] == ["section", "figure", "value", "as in"]
    assert _repeats_header(table)
    assert len(table.rows) > 40  # runs on to another page
    widths = [c.width for c in table.columns]
    assert sum(widths) <= _text_width(document) + Mm(1)
    # "Reconciliation", the longest section name, is not broken; the commands have
    # the widest column, the figures' values (numbers, mostly) the narrowest.
    assert widths[0] >= Mm(14 * 2.2 + 3.5)
    assert widths[3] == max(widths) and widths[2] == min(widths)


def test_methods_of_a_codebook_with_no_patterns_says_so_in_words(tmp_path):
    """A codebook of themes only (an NVivo codebook brought in as a .qdc, coded by hand)
    read "with 0 spaCy rule patterns that suggest them (0 exclusion patterns)", and the
    suggestions "the codebook's patterns were not run", as if a step had been missed."""
    db = project(tmp_path)
    text = run(db, "methods")
    codebook = next(line for line in text.splitlines() if line.startswith("Codebook."))
    assert codebook.endswith("seven codable themes, and no rule patterns to suggest them.")
    assert "0 spaCy" not in text and "(0 exclusion" not in text
    suggestions = next(line for line in text.splitlines() if line.startswith("Suggestions."))
    assert suggestions.startswith(
        "Suggestions. No theme suggestions were made: the codebook has no rule patterns. "
        "Of ana's 18 codings in effect, 0 (0.0%) came from a suggestion")


def test_a_summary_of_two_lines_stays_under_its_label_on_the_terminal(tmp_path):
    """`framework --cells both` printed a summary's second line at the indent of the
    "Summary" label and the quotes, as if it were the next item of the cell."""
    db = project(tmp_path)
    run(db, "framework", "summarise", "radiographer_sam", "chance", "--coder", "ana",
        "First thought.\nSecond thought, on a line of its own.")
    for env in ({}, {"COLUMNS": "60"}):
        result = CliRunner().invoke(cli, ["--db", str(db), "framework", "--cells", "both",
                                          "--theme", "chance", "--coder", "ana"], env=env)
        assert result.exit_code == 0, result.output
        lines = result.output.splitlines()
        at = lines.index("  Summary: First thought.")
        assert lines[at + 1] == "    Second thought, on a line of its own."
        assert lines[at + 2].startswith("  - turn 2: “word0")


def test_wide_matrices_keep_the_theme_in_view_in_excel(tmp_path):
    """A theme x attribute matrix and the co-occurrence matrix froze only their header
    row: scrolling right through the values (or the 14 themes of the co-occurrence)
    took the theme out of view, leaving rows of figures with no name."""
    import openpyxl

    db = project(tmp_path)
    store = open_store(db)
    for n, case in enumerate(CASES):
        store.set_participant_attributes(case, {"profession": f"Profession {n}"})
    store.close()
    run(db, "counts", "-o", str(tmp_path / "c.xlsx"))
    book = openpyxl.load_workbook(tmp_path / "c.xlsx")
    for name in ("profession n", "profession row %", "profession col %"):
        assert book[name].freeze_panes == "B2", name
    assert book["Themes"].freeze_panes == "A2"  # a narrow table: its header only
    run(db, "cooccurrence", "-o", str(tmp_path / "co.xlsx"))
    sheet = openpyxl.load_workbook(tmp_path / "co.xlsx").worksheets[0]
    assert sheet.title == "Co-occurrence overlap" and sheet.freeze_panes == "B2"


def test_key_words_name_a_consensus_left_out_only_where_there_is_one(tmp_path):
    """`words --theme` said "all coders but consensus" in every project, one with no
    consensus coding too, as if a consensus had been left out of the figures."""
    import openpyxl

    db = project(tmp_path)
    result = CliRunner().invoke(cli, ["--db", str(db), "words", "--theme", "chance",
                                      "-o", str(tmp_path / "w.xlsx")])
    assert result.exit_code == 0, result.output
    assert "chance (all coders): " in result.output
    assert "consensus" not in result.output
    about = dict(openpyxl.load_workbook(tmp_path / "w.xlsx")["About"].iter_rows(
        values_only=True))
    assert about["coders"] == "all coders"
    md = run(db, "words", "--theme", "chance", "--format", "md")
    assert md.splitlines()[0].endswith("(all coders)")


def test_a_matrix_of_a_selection_without_the_attribute_does_not_blame_the_ids(tmp_path):
    """`counts --where ... --by attribute:X` where no transcript chosen has X told the
    researcher their participants' ids were wrong and to import the CSV again, naming
    participants who do have transcripts, only outside the --where."""
    db = project(tmp_path)
    store = open_store(db)
    store.set_participant_attributes("radiographer_sam", {"site": "north", "band": "8a"})
    store.set_participant_attributes("ot_dev", {"site": "south", "band": "8a"})
    store.set_participant_attributes("slt_priya", {"site": "south"})
    store.ensure_participant("P99")  # in the CSV, no interview yet
    store.set_participant_attributes("P99", {"site": "north", "band": "9"})
    store.close()
    result = CliRunner().invoke(cli, ["--db", str(db), "counts", "--where", "site=south",
                                      "--by", "attribute:band", "--transcript", "slt_priya"])
    assert result.exit_code == 0, result.output
    note = result.stderr.strip().splitlines()[-1]
    # P99 has no transcript at all: its id may well be wrong, and the note says how to
    # fix it; radiographer_sam and ot_dev are only outside the selection.
    assert "the participants with one (P99) have no transcript. Attributes reach" in note
    store = open_store(db)
    store.remove_participant("P99")
    store.close()
    result = CliRunner().invoke(cli, ["--db", str(db), "counts", "--where", "site=south",
                                      "--by", "attribute:band", "--transcript", "slt_priya"])
    assert result.exit_code == 0, result.output
    assert result.stderr.strip().splitlines()[-1] == (
        "note: no transcript chosen has a value for band, so every one is in (none); the "
        "participants with one (ot_dev, radiographer_sam) are outside the selection "
        "(--transcript, --where)")


def test_the_codebook_document_fits_the_page(tmp_path, locale_env):
    """`codebook show --format docx` gave each theme's table 3 + 13 cm, wider than the
    text of a Letter page (15.2 cm) or an A4 one (14.7 cm): it ran past the margin."""
    db = project(tmp_path)
    store = open_store(db)
    store.save_codebook(Codebook("t", tuple(
        Theme(t, f"Theme {t}", description=f"What {t} means.", position=n)
        for n, t in enumerate(THEMES))))
    store.close()
    for lang in ("en_GB.UTF-8", "en_US.UTF-8"):
        locale_env(lang=lang)
        out = tmp_path / "codebook.docx"
        run(db, "codebook", "show", "-o", str(out))
        document = docx.Document(str(out))
        assert document.tables
        for table in document.tables:
            for row in table.rows:
                assert sum(c.width for c in row.cells) <= _text_width(document), lang
            assert abs(row.cells[0].width - Mm(30)) < Mm(0.1)


def test_the_participants_table_of_quotes_in_word_repeats_its_header(tmp_path):
    """The Participants table at the end of quotes.docx had equal columns and its
    header only on its first page."""
    db = project(tmp_path)
    store = open_store(db)
    for n, case in enumerate(CASES):
        store.set_participant_attributes(case, {"profession": f"Profession {n}",
                                                "board_distance": "Two levels below"})
    store.close()
    run(db, "quotes", "--coder", "ana", "-o", str(tmp_path / "q.docx"))
    document = docx.Document(str(tmp_path / "q.docx"))
    table = document.tables[-1]
    assert [c.text for c in table.rows[0].cells] == [
        "participant", "transcripts", "profession", "board_distance"]
    assert [r.cells[0].text for r in table.rows[1:]] == sorted(CASES)
    assert _repeats_header(table)
    widths = [c.width for c in table.columns]
    assert sum(widths) <= _text_width(document) + Mm(1) and len(set(widths)) > 1


@pytest.mark.parametrize("measure, title", [
    ("transcripts", "Transcripts mentioning each theme (coder ana)"),
    ("participants", "Participants mentioning each theme (coder ana)"),
    ("words", "Words coded per theme (coder ana)"),
])
def test_a_counts_chart_title_reads_as_english(tmp_path, measure, title):
    """`chart counts --measure transcripts` was titled "Transcripts mentioning the theme
    per theme", under a figure a reader of the paper sees first."""
    import re

    db = project(tmp_path)
    out = tmp_path / "c.svg"
    run(db, "chart", "counts", "--coder", "ana", "--measure", measure, "-o", str(out))
    texts = re.findall(r"<text[^>]*>([^<]*)</text>", out.read_text())
    assert title in texts


def test_a_cell_summarised_by_several_coders_names_its_case_once(tmp_path):
    """`memos --kind cell` repeated the case above each coder's summary of one cell."""
    db = project(tmp_path)
    for coder, text in (("ana", "Luck, mostly."), ("ben", "Planned, I think.")):
        run(db, "framework", "summarise", "radiographer_sam", "chance", "--coder", coder,
            text)
    run(db, "framework", "summarise", "ot_dev", "chance", "--coder", "ana", "Timing.")
    md = run(db, "memos", "--kind", "cell", "--format", "md")
    assert md.count("*radiographer_sam*") == 1 and md.count("*ot_dev*") == 1
    assert "*radiographer_sam*\n\n**ana**" in md and "Luck, mostly.\n\n**ben**" in md
    text = run(db, "memos", "--kind", "cell", "--format", "text")
    assert text.count("  radiographer_sam\n") == 1
    run(db, "memos", "--kind", "cell", "-o", str(tmp_path / "m.docx"))
    paragraphs = [p.text for p in docx.Document(str(tmp_path / "m.docx")).paragraphs]
    assert paragraphs.count("radiographer_sam") == 1 and paragraphs.count("ot_dev") == 1


def test_methods_coders_paragraph_starts_no_sentence_with_a_numeral(tmp_path):
    """With a coder named who coded nothing, the Coders paragraph read "... made no
    decision. 0 of 7 transcripts (0.0%) were coded by two or more coders."."""
    db = project(tmp_path)
    store = open_store(db)
    store.ensure_coder("carol")
    store.close()
    text = run(db, "methods", "--coders", "ana,carol")
    coders = next(line for line in text.splitlines() if line.startswith("Coders."))
    assert ("carol coded none and made no decision. No transcript was coded by two or "
            "more coders.") in coders
    assert "0 of 7" not in coders


def test_a_long_theme_heading_is_underlined_whole_in_a_pipe(tmp_path):
    """In a pipe (lines whole), a theme path longer than 80 characters was underlined
    with 80 marks only, in `framework --cells` and `memos`."""
    db = project(tmp_path)
    store = open_store(db)
    long_name = "A theme whose name runs on " + "and on " * 12 + "to the end"
    store.save_codebook(Codebook("t", tuple(
        Theme(t, long_name if t == "chance" else t, position=n)
        for n, t in enumerate(THEMES))))
    store.set_memo("ana", "theme", "chance", "A memo.")
    store.close()
    run(db, "framework", "summarise", "radiographer_sam", "chance", "--coder", "ana", "x")
    assert len(long_name) > 100
    for args in (("framework", "--cells", "summary", "--theme", "chance"),
                 ("memos", "--theme", "chance", "--format", "text")):
        lines = run(db, *args).splitlines()
        at = lines.index(long_name)
        assert set(lines[at + 1]) <= {"=", "-"} and len(lines[at + 1]) == len(long_name)


def test_a_long_attributes_sheets_say_what_they_hold(tmp_path):
    """An attribute name over Excel's 31 characters gave sheets "reporting line -
    distance- to t", "... (2)" and "... (3)": neither which was the count and which the
    percentages, nor (with a second long attribute) which attribute."""
    import openpyxl

    db = project(tmp_path)
    long_one = "reporting line / distance: to the board [levels]"
    store = open_store(db)
    store.define_attributes([long_one, long_one + " again"])
    store.set_participant_attributes("radiographer_sam", {long_one: "2",
                                                          long_one + " again": "x"})
    store.close()
    run(db, "counts", "-o", str(tmp_path / "c.xlsx"))
    names = openpyxl.load_workbook(tmp_path / "c.xlsx").sheetnames
    assert names[4:10] == [
        "reporting line - distanc\u2026 n", "reporting line - distanc\u2026 row %",
        "reporting line - distanc\u2026 col %", "reporting line - dis\u2026 (2) n",
        "reporting line - dis\u2026 (2) row %", "reporting line - dis\u2026 (2) col %"]
    assert all(len(n) <= 31 for n in names)


@pytest.mark.parametrize("name, paper", [
    (("English_United States", "1252"), "letter"),
    (("English_United Kingdom", "1252"), "a4"),
    (("en_CA", "UTF-8"), "letter"),
    ((None, None), "a4"),
])
def test_with_no_locale_variable_the_systems_locale_chooses_the_paper(
        locale_env, monkeypatch, name, paper):
    """Windows sets no LANG: its locale name (English_United States) decides."""
    import locale

    from qualcoder_ahp.reports.writers import paper_size

    locale_env()
    monkeypatch.setattr(locale, "getlocale", lambda *a: name)
    assert paper_size() == paper


def test_the_framework_cases_table_is_sized_to_its_text(tmp_path, locale_env):
    """The framework document's Cases table had equal columns: with many attributes,
    each a few centimetres, a case name broken in two beside a short value's wide
    column."""
    db = project(tmp_path)
    store = open_store(db)
    for case in CASES:
        store.set_participant_attributes(case, {
            "band": "8a", "site": "N", "sex": "F", "age": "40",
            "seniority": "Director of strategy and transformation in the trust",
            "trust_type": "Community trust and county council"})
    store.close()
    locale_env(lang="en_GB.UTF-8")
    run(db, "framework", "-o", str(tmp_path / "f.docx"))
    document = docx.Document(str(tmp_path / "f.docx"))
    cases = document.tables[0]
    assert [c.text for c in cases.rows[0].cells][0] == "Case"
    widths = [c.width for c in cases.columns]
    assert sum(widths) <= _text_width(document) + Mm(1)
    assert widths[0] >= Mm(16 * 2.2 * 1.1 + 4)  # "radiographer_sam", 11 pt, whole
    heads = [c.text for c in cases.rows[0].cells]
    assert widths[heads.index("seniority")] > 2 * widths[heads.index("sex")]
