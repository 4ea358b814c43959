"""Choosing interviews: ``--transcript`` and ``--where ATTR=VALUE`` on every report.

The project is the reports tests' one (:func:`tests.test_reports.build_project`): t1 by
P01 (profession physio, band 8c), t2 by P02 (SLT, 8a), t3 by P03 (band 9, no
profession); coders alice and bob and one consensus coding. Characters / words: t1
105 / 21, t2 107 / 20, t3 68 / 14 (280 / 55 in all). Each figure below is counted by
hand from the codings listed in that module.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from qualcoder_ahp.cli import cli
from qualcoder_ahp.errors import UserError
from qualcoder_ahp.reports import ReportData, attribute_matrix, theme_counts
from qualcoder_ahp.reports.selection import Condition, parse_where, select
from tests.test_reports import CAREER_T1, build_project, c, w


def run(db, *args, ok=True):
    result = CliRunner().invoke(cli, ["--db", str(db), *args])
    if ok:
        assert result.exit_code == 0, (result.output, result.exception)
    return result


def fail(db, *args):
    """A one-line error, exit 1, nothing on stdout."""
    result = run(db, *args, ok=False)
    assert result.exit_code == 1 and result.stdout == "", (result.output, result.exception)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr
    return lines[0]


def counts_json(db, *args):
    doc = json.loads(run(db, "counts", "--format", "json", *args).stdout)
    return doc, {r["theme_id"]: r for r in doc["rows"]}


@pytest.fixture
def project(store):
    return store, build_project(store)


# ---------------------------------------------------------------- the semantics
def test_same_attribute_twice_is_either_value_and_shares_are_of_the_selection(db):
    doc, rows = counts_json(db, "--where", "profession=physio", "--where", "profession=slt")
    career = rows["career"]
    # t1 and t2: alice 4 + bob 2 codings (pooled: the consensus coding left out); t1's
    # passage is one segment,
    # t2's two codings ("My career was never planned.", "I moved between roles.") two.
    mine = "My career was never planned."
    moved = "I moved between roles."
    assert (career["codings"], career["segments"], career["transcripts"],
            career["participants"]) == (6, 3, 2, 2)
    assert career["words"] == w(CAREER_T1) + w(mine) + w(moved) == 20
    assert career["chars"] == c(CAREER_T1) + c(mine) + c(moved) == 106
    # The denominators are t1 and t2 only: 105 + 107 characters, 21 + 20 words.
    assert (career["total_chars"], career["total_words"]) == (212, 41)
    assert career["share_pct"] == 50.0 and career["words_pct"] == round(100 * 20 / 41, 4)
    assert doc["selection"] == {
        "transcript_names": [], "transcripts": ["t1", "t2"], "of": 3,
        "where": [{"attribute": "profession", "equals": ["physio", "SLT"], "not": []}]}
    whole, all_rows = counts_json(db)
    assert whole["selection"] is None and all_rows["career"]["total_chars"] == 280


def test_different_attributes_must_all_hold(db):
    _, rows = counts_json(db, "--where", "profession=SLT", "--where", "band=8a")
    assert rows["mandate"]["transcripts"] == 1 and rows["mandate"]["total_chars"] == 107
    message = fail(db, "counts", "--where", "profession=physio", "--where", "band=8a")
    assert message == ("Error: no transcript matches profession = physio and band = 8a "
                       "(transcripts each filter keeps on its own: profession = physio: 1; "
                       "band = 8a: 1)")
    message = fail(db, "quotes", "--transcript", "t3", "--where", "band=8a")
    assert "no transcript matches transcripts t3 with band = 8a" in message


def test_not_equal_is_the_complement_so_the_two_add_up(db):
    """``!=`` keeps the transcripts without the attribute (t3 has no profession), so
    ``=`` and ``!=`` split the project and their codings add up to the whole."""
    doc, others = counts_json(db, "--where", "profession!=physio")
    assert doc["selection"]["transcripts"] == ["t2", "t3"]
    assert others["career"]["total_chars"] == 107 + 68
    _, physio = counts_json(db, "--where", "profession=physio")
    _, everything = counts_json(db)
    for theme, row in everything.items():
        assert physio[theme]["codings"] + others[theme]["codings"] == row["codings"]
    # (none) names the transcripts without a value, as the matrix's (none) column does.
    doc, _ = counts_json(db, "--where", "profession=(none)")
    assert doc["selection"]["transcripts"] == ["t3"]
    doc, _ = counts_json(db, "--where", "profession!=(NONE)")
    assert doc["selection"]["transcripts"] == ["t1", "t2"]
    # Two != on one attribute leave out both values.
    doc, _ = counts_json(db, "--where", "band!=8a", "--where", "band!=9")
    assert doc["selection"]["transcripts"] == ["t1"]


def test_values_ignore_case_and_attributes_take_the_heading_as_typed(db):
    doc, _ = counts_json(db, "--where", " Profession = PHYSIO ")
    assert doc["selection"]["transcripts"] == ["t1"]
    assert doc["selection"]["where"][0]["equals"] == ["physio"]  # as stored


def test_transcripts_and_where_together(db):
    doc, rows = counts_json(db, "--transcript", "t1", "--transcript", "t3",
                            "--where", "band!=9")
    assert doc["selection"]["transcripts"] == ["t1"]
    assert doc["selection"]["transcript_names"] == ["t1", "t3"]
    assert rows["career"]["total_chars"] == 105


def test_a_transcript_named_twice_is_named_once(db):
    doc, rows = counts_json(db, "--transcript", "t1", "--transcript", "t1")
    assert doc["selection"]["transcript_names"] == ["t1"]
    assert doc["selection"]["transcripts"] == ["t1"]
    table = run(db, "counts", "--transcript", "t1", "--transcript", "t2",
                "--transcript", "t1", "--where", "band!=9").stdout
    assert "Selection: transcripts t1, t2; band != 9: 2 of 3 transcripts (t1, t2)" in table


def test_the_selection_in_the_core_functions(project):
    store, _ = project
    chosen = select(store, (), ["band=8c", "band=9"])
    assert chosen is not None and chosen.names == ("t1", "t3") and chosen.total == 3
    assert chosen.label == "Selection: band = 8c or 9: 2 of 3 transcripts (t1, t3)"
    data = ReportData(store, "bob", selection=chosen)
    rows = {r.theme_id: r.figures for r in theme_counts(data).rows}
    # bob's serendipity in t1 ("I fell into management by chance.") and t3 ("Luck ...").
    assert (rows["serendipity"].codings, rows["serendipity"].words) == (2, 6 + 4)
    assert rows["serendipity"].total_chars == 105 + 68
    assert select(store) is None
    assert Condition("p", ("A",), ("b",)).holds("a") and not Condition("p", (), ("B",)).holds("b")
    assert parse_where("board distance != Board member") == (
        "board distance", True, "Board member")
    assert parse_where("note=a=b") == ("note", False, "a=b")


def test_double_equals_is_equals(db):
    # R, pandas and SQL habits: `--where profession==physio` looked for "=physio".
    assert parse_where("profession==physio") == ("profession", False, "physio")
    assert parse_where("note = = x") == ("note", False, "x")
    assert parse_where("note===x") == ("note", False, "=x")
    assert parse_where("band!==9") == ("band", True, "=9")
    doc, rows = counts_json(db, "--where", "profession == SLT")
    assert doc["selection"]["transcripts"] == ["t2"]


# ---------------------------------------------------------------- errors
def test_errors_are_one_line_and_name_what_exists(db):
    assert fail(db, "counts", "--where", "professon=physio") == (
        "Error: no participant attribute 'professon'; did you mean 'profession'? "
        "(attributes: profession, band)")
    # A value nobody has: the values that exist, the closest first.
    assert fail(db, "quotes", "--where", "band=8") == (
        "Error: no participant has band '8'; did you mean '8c'? (band values: 8c, 8a, 9)")
    assert fail(db, "cooccurrence", "--where", "profession=phisio") == (
        "Error: no participant has profession 'phisio'; did you mean 'physio'? "
        "(profession values: physio, SLT, (none))")
    for bad in ("profession", "=physio", "profession=", "profession!="):
        assert "give ATTRIBUTE=VALUE or ATTRIBUTE!=VALUE" in fail(db, "counts", "--where", bad)
    # --transcript resolves as `words` always did, with its close-match hint.
    assert "no transcript 't1x' in this project; did you mean 't1'?" in fail(
        db, "chart", "counts", "-o", "c.png", "--transcript", "t1x")
    assert "did you mean 't1'?" in fail(db, "memos", "--transcript", "t1x")
    assert "did you mean 't1'?" in fail(db, "words", "--transcript", "t1x")


# ---------------------------------------------------------------- each command
def test_counts_matrix_of_a_subset(db):
    """`--by attribute:band` with `--where` on profession: the matrix of t2 and t3."""
    doc = json.loads(run(db, "counts", "--by", "attribute:band", "--where",
                         "profession!=physio", "--format", "json").stdout)
    assert doc["columns"] == ["8a", "9"]  # no column for t1's 8c
    career = next(r for r in doc["rows"] if r["theme_id"] == "career")
    assert [(x["value"], x["count"]) for x in career["cells"]] == [("8a", 2), ("9", 1)]
    # The column totals (over the top-level rows: career + mandate) are of the subset.
    assert doc["column_totals"] == {"8a": 3, "9": 2} and doc["grand_total"] == 5
    assert [x["col_pct"] for x in career["cells"]] == [round(200 / 3, 4), 50.0]
    assert doc["selection"]["transcripts"] == ["t2", "t3"]


def test_counts_outputs_say_what_they_cover(db, tmp_path):
    label = "Selection: profession = physio or SLT: 2 of 3 transcripts (t1, t2)"
    args = ("--where", "profession=physio", "--where", "profession=SLT")
    table = run(db, "counts", *args).stdout
    assert table.rstrip("\n").splitlines()[-1] == label
    assert run(db, "counts", *args, "--format", "md").stdout.rstrip().endswith(label)
    rows = list(csv.DictReader(io.StringIO(run(db, "counts", *args, "--format", "csv").stdout)))
    assert {r["selection"] for r in rows} == {label.removeprefix("Selection: ")}
    assert rows[0]["share_pct"] == "50.00"
    matrix = run(db, "counts", "--by", "attribute:band", *args).stdout
    assert matrix.count(label) == 1 and matrix.rstrip().endswith(label)
    out = tmp_path / "counts.xlsx"
    run(db, "counts", *args, "-o", str(out))
    wb = load_workbook(out)
    about = {r[0].value: r[1].value for r in wb["About"].iter_rows(min_row=2)}
    assert about["selection"] == "profession = physio or SLT"
    assert about["transcripts selected"] == "2 of 3: t1, t2"
    assert wb["Themes"]["I2"].value == 50.0  # career's share_pct, of t1 and t2
    # Every sheet of the workbook is of the selection: the transcripts sheet lacks t3.
    assert {r[2].value for r in wb["By transcript"].iter_rows(min_row=2)} == {"t1", "t2"}
    # Without a filter, nothing changes but the About sheet's line.
    assert "Selection" not in run(db, "counts").stdout
    assert "selection" not in run(db, "counts", "--format", "csv").stdout.splitlines()[0]
    run(db, "counts", "-o", str(out))
    about = {r[0].value: r[1].value for r in load_workbook(out)["About"].iter_rows(min_row=2)}
    assert about["selection"] == "all transcripts (3)"


def test_quotes_of_chosen_interviews(db, tmp_path):
    rows = list(csv.DictReader(io.StringIO(run(
        db, "quotes", "--theme", "mandate", "--where", "band!=9", "--format", "csv").stdout)))
    assert [(r["transcript"], r["quote"]) for r in rows] == [
        ("t1", "The board listened to me."), ("t2", "I report to the chief nurse.")]
    assert rows[0]["selection"] == "band != 9: 2 of 3 transcripts (t1, t2)"
    doc = json.loads(run(db, "quotes", "--where", "profession=SLT", "--format", "json").stdout)
    assert {q["transcript"] for q in doc["quotes"]} == {"t2"} and len(doc["quotes"]) == 3
    assert doc["selection"]["where"] == [
        {"attribute": "profession", "equals": ["SLT"], "not": []}]
    md = run(db, "quotes", "--transcript", "t3").stdout
    assert md.rstrip().endswith("Selection: 1 of 3 transcripts (t3)")
    out = tmp_path / "q.docx"
    result = run(db, "quotes", "--where", "profession=SLT", "-o", str(out))
    assert "Wrote 3 quotes" in result.stderr
    body = zipfile.ZipFile(out).read("word/document.xml").decode()
    assert "Selection: profession = SLT: 1 of 3 transcripts (t2)" in body
    xlsx = tmp_path / "q.xlsx"
    run(db, "quotes", "--where", "profession=SLT", "-o", str(xlsx))
    wb = load_workbook(xlsx)
    about = {r[0].value: r[1].value for r in wb["About"].iter_rows(min_row=2)}
    assert about["selection"] == "profession = SLT" and wb["Quotes"].max_row == 4


def test_cooccurrence_of_chosen_interviews(db):
    doc = json.loads(run(db, "cooccurrence", "--unit", "sentence", "--where",
                         "profession!=SLT", "--format", "json").stdout)
    assert [t["id"] for t in doc["themes"]] == ["career", "winding", "serendipity", "mandate"]
    # t1 and t3 only (all transcripts: career 5, serendipity 4, mandate 3).
    assert doc["matrix"] == [[3, None, None, 0], [None, 1, 1, 0], [None, 1, 3, 0],
                             [0, 0, 0, 2]]
    assert doc["selection"]["transcripts"] == ["t1", "t3"]
    table = run(db, "cooccurrence", "--transcript", "t2").stdout
    assert "Cell: separate stretches" in table
    assert table.rstrip().endswith("Selection: 1 of 3 transcripts (t2)")
    rows = list(csv.reader(io.StringIO(run(db, "cooccurrence", "--transcript", "t2",
                                           "--format", "csv").stdout)))
    assert rows[0][-1] == "selection" and rows[1][-1] == "1 of 3 transcripts (t2)"


def test_chart_names_its_selection(db, tmp_path):
    out = tmp_path / "m.svg"
    run(db, "chart", "matrix", "--by", "attribute:band", "--where", "profession=SLT",
        "-o", str(out))
    assert "Selection: profession = SLT: 1 of 3 transcripts (t2)" in out.read_text()
    run(db, "chart", "counts", "--where", "band=9", "-o", str(out))
    svg = out.read_text()
    assert "Selection: band = 9: 1 of 3 transcripts (t3)" in svg
    run(db, "chart", "counts", "-o", str(out))
    assert "Selection" not in out.read_text()


def test_matrix_core_over_a_selection(project):
    store, _ = project
    data = ReportData(store, selection=select(store, (), ["band=8a", "band=8c"]))
    matrix = attribute_matrix(data, "profession", measure="words")
    assert matrix.columns == ["physio", "SLT"]
    career = matrix.rows[0]
    assert [x.count for x in career.cells] == [w(CAREER_T1), 5 + 4]


def test_memos_of_chosen_interviews(db):
    # alice's memo is on her mandate coding in t1; the project has no other memo.
    doc = json.loads(run(db, "memos", "--where", "profession=physio", "--format",
                         "json").stdout)
    assert [(m["kind"], m["transcript"]) for m in doc["memos"]] == [("coding", "t1")]
    assert doc["selection"]["transcripts"] == ["t1"]
    doc = json.loads(run(db, "memos", "--where", "profession!=physio", "--format",
                         "json").stdout)
    assert doc["memos"] == [] and doc["selection"]["transcripts"] == ["t2", "t3"]
    md = run(db, "memos", "--where", "profession=physio").stdout
    assert md.startswith("# Memos\n\nSelection: profession = physio: 1 of 3 transcripts "
                         "(t1)\n")
    # --transcript is repeatable now; one transcript is still named in the title.
    assert run(db, "memos", "--transcript", "t1").stdout.startswith("# Memos in t1\n")
    both = run(db, "memos", "--transcript", "t2", "--transcript", "t1", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(both.stdout)))
    assert [r["transcript"] for r in rows] == ["t1"]
    assert rows[0]["selection"] == "2 of 3 transcripts (t1, t2)"


def test_words_of_chosen_interviews(db):
    doc = json.loads(run(db, "words", "--where", "profession=physio", "--format",
                         "json").stdout)
    # t1's participant turn has 16 running words: each word once is 1000 / 16 per 1,000.
    assert doc["running_words"] == 16 and doc["transcripts"] == 1
    board = next(x for x in doc["words"] if x["word"] == "board")
    assert (board["count"], board["per_1000"]) == (1, 62.5)
    assert doc["selection"]["transcripts"] == ["t1"]
    result = run(db, "words", "--where", "profession=physio")
    assert result.stdout.rstrip().endswith("Selection: profession = physio: 1 of 3 "
                                           "transcripts (t1)")
    assert result.stderr.startswith("16 words of participant speech in 1 of 3 transcripts "
                                    "(profession = physio)")
    # A theme's key words: coded text and the rest both of t1 only.
    key = json.loads(run(db, "words", "--theme", "serendipity", "--where", "profession=physio",
                         "--min-count", "1", "--max-p", "1", "--format", "json").stdout)
    assert (key["coded_words"], key["other_words"], key["passages"]) == (8, 8, 1)
    chance = next(x for x in key["words"] if x["word"] == "chance")
    assert (chance["coded"], chance["elsewhere"], chance["coded_per_1000"]) == (1, 0, 125.0)
    rows = list(csv.DictReader(io.StringIO(run(
        db, "words", "--where", "band=9", "--format", "csv").stdout)))
    assert rows and {r["selection"] for r in rows} == {"band = 9: 1 of 3 transcripts (t3)"}


def test_help_shows_one_option_set(db):
    for command in (["counts"], ["quotes"], ["cooccurrence"], ["chart"], ["memos"],
                    ["words"]):
        text = run(db, *command, "--help").stdout
        assert "--transcript NAME" in text and "--where ATTR=VALUE" in text, command


def test_user_error_type(project):
    store, _ = project
    with pytest.raises(UserError, match="no participant attribute 'age'"):
        select(store, (), ["age=40"])


def test_files_of_words_and_memos_name_the_selection(db, tmp_path):
    out = tmp_path / "words.xlsx"
    run(db, "words", "--where", "band=9", "-o", str(out))
    about = {r[0].value: r[1].value for r in load_workbook(out)["About"].iter_rows(min_row=2)}
    assert about["selection"] == "band = 9" and about["transcripts selected"] == "1 of 3: t3"
    doc = tmp_path / "memos.docx"
    run(db, "memos", "--where", "profession=physio", "-o", str(doc))
    body = zipfile.ZipFile(doc).read("word/document.xml").decode()
    assert "Selection: profession = physio: 1 of 3 transcripts (t1)" in body
    assert "Board access = mandate" in body
