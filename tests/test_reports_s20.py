"""Reports as a researcher writing up uses them (session 20 audit).

On the reports tests' small project (:func:`tests.test_reports.build_project`: coders
alice and bob, one consensus coding): the methods draft as Word and as Markdown that
reads as typed, ``counts --measure`` refused where it changes nothing, and a coder who
only reconciled told where their work is.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import docx
import openpyxl
import pytest
from click.testing import CliRunner

from qualcoder_ahp.cli import cli


def invoke(db: Path, *args: str):
    return CliRunner().invoke(cli, ["--db", str(db), *args])


def ok(db: Path, *args: str):
    result = invoke(db, *args)
    assert result.exit_code == 0, result.output
    return result


def test_methods_markdown_figures_read_as_typed(db, tmp_path):
    """The figures' table of methods.md held "0\\.974", "100\\.0", "3\\.8.18": a line
    start's escape, which a table cell does not need, in the file a researcher opens."""
    out = tmp_path / "methods.md"
    ok(db, "methods", "-o", str(out))
    text = out.read_text(encoding="utf-8")
    table = text[text.index("## Figures"):]
    assert "\\." not in table
    figures = json.loads(ok(db, "methods", "--format", "json").stdout)["figures"]
    for f in figures:  # each figure's value as the JSON gives it, whole in its row
        label = f["label"].replace("|", "\\|")
        assert f"| {label} | {f['text']} |" in table, f["label"]
    assert re.search(r"\| percent agreement \(pooled\) \| \d\.\d{3} \|", table)


def test_methods_as_word_holds_the_paragraphs_and_every_figure(db, tmp_path):
    """A paper is written in Word: `methods -o methods.docx` was refused."""
    out = tmp_path / "methods.docx"
    result = ok(db, "methods", "-o", str(out))
    assert "Wrote the methods draft" in result.stderr
    doc = docx.Document(str(out))
    report = json.loads(ok(db, "methods", "--format", "json").stdout)
    assert doc.paragraphs[0].text == "Methods (draft)"
    assert doc.paragraphs[0].style.name == "Heading 1"
    paragraphs = [p for p in doc.paragraphs if p.runs and p.runs[0].bold]
    assert [(p.runs[0].text, p.runs[1].text) for p in paragraphs] == [
        (f"{p['heading']}. ", p["text"]) for p in report["paragraphs"]]
    (table,) = doc.tables
    rows = [[c.text for c in r.cells] for r in table.rows]
    assert rows[0] == ["section", "figure", "value", "as in"]
    assert rows[1:] == [[f["section"], f["label"], f["text"], f["command"]]
                        for f in report["figures"]]
    assert any(r[1] == "percent agreement (pooled)" and re.fullmatch(r"\d\.\d{3}", r[2])
               for r in rows)


def test_methods_word_needs_a_file(db):
    result = invoke(db, "methods", "--format", "docx")
    assert result.exit_code != 0
    assert "needs a file" in result.stderr and len(result.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("by", ["theme", "transcript", "coder"])
def test_counts_measure_without_a_matrix_is_refused(db, by, tmp_path):
    """`counts --measure words` printed the same table as without it, as if words had
    been counted instead of segments."""
    plain = ok(db, "counts", "--by", by, "--format", "csv").stdout
    result = invoke(db, "counts", "--by", by, "--measure", "words", "--format", "csv")
    assert result.exit_code != 0
    assert result.stdout == ""
    (line,) = result.stderr.strip().splitlines()
    assert "--measure words" in line and "--by attribute:NAME" in line
    assert f"--by {by} shows every figure as a column" in line
    assert "words" in plain.splitlines()[0].split(",")  # the column it already has
    # Where the measure does pick the cells, it still does.
    matrix = ok(db, "counts", "--by", "attribute:profession", "--measure", "words",
                "--format", "csv").stdout
    assert matrix.splitlines()[0].split(",")[:4] == ["theme", "path", "profession", "words"]
    book = tmp_path / "counts.xlsx"
    ok(db, "counts", "--measure", "words", "-o", str(book))


    sheets = openpyxl.load_workbook(book).sheetnames
    assert "profession n" in sheets
    about = dict(openpyxl.load_workbook(book)["About"].iter_rows(values_only=True))
    assert about["matrix_measure"] == "words"


def _lead_decides_one(db: Path) -> None:
    found = json.loads(ok(db, "disagreements", "--coders", "alice,bob",
                          "--format", "json").stdout)
    first = found[0]
    ok(db, "reconcile", "decide", "take", "alice", "--transcript", first["transcript"],
       "--theme", first["theme"], "--at", str(first["start"]), "--coders", "alice,bob",
       "--by", "lead")


@pytest.mark.parametrize("command", [["counts"], ["quotes", "--format", "csv"],
                                     ["cooccurrence"], ["saturation"]])
def test_a_coder_who_only_reconciled_is_pointed_to_the_consensus(db, command):
    """`--coder lead` (listed by `qcahp coders`) gave zeros and "nothing is coded",
    with nothing to say the lead's decisions are the consensus's codings."""
    _lead_decides_one(db)
    result = ok(db, *command, "--coder", "lead")
    assert ("note: lead has no codings of their own: they decided 1 reconcile stretch "
            "into consensus, whose codings --consensus reports.") in result.stderr
    assert "lead has no codings" not in ok(db, *command, "--coder", "alice").stderr


def test_key_words_title_names_the_theme_and_whose_codings(db, tmp_path):
    """The Markdown said "Key words of serendipity (every coder)": the theme's id where a
    reader sees it, and "every coder" for a pool that leaves the consensus out."""
    pooled = ok(db, "words", "--theme", "serendipity", "--format", "md")
    assert pooled.stdout.splitlines()[0] == (
        "## Key words of Career route / Serendipity (all coders but consensus)")
    assert pooled.stderr.startswith("serendipity (all coders but consensus): ")
    alice = ok(db, "words", "--theme", "serendipity", "--coder", "alice", "--format", "md")
    assert alice.stdout.splitlines()[0] == "## Key words of Career route / Serendipity (alice)"
    book = tmp_path / "words.xlsx"
    ok(db, "words", "--theme", "serendipity", "-o", str(book))
    about = dict(openpyxl.load_workbook(book)["About"].iter_rows(values_only=True))
    assert about["coders"] == "all coders but consensus"
    assert about["theme"] == "serendipity"


def test_saturation_documents_name_the_new_themes(db, tmp_path):
    """The Word and Markdown saturation reports listed each case's new themes by id
    ("serendipity, mandate"); a document names them as the codebook does. CSV keeps ids."""
    doc = json.loads(ok(db, "saturation", "--format", "json").stdout)
    first = doc["cases"][0]
    assert first["new_themes"]
    named = "; ".join(doc["themes"][t] for t in first["new_themes"])
    assert "Career route / " in named
    md = ok(db, "saturation", "--format", "md").stdout
    row = next(line for line in md.splitlines() if line.startswith("| 1 |"))
    assert row.endswith(f"| {named} |")
    out = tmp_path / "saturation.docx"
    ok(db, "saturation", "-o", str(out))
    table = docx.Document(str(out)).tables[0]
    assert table.rows[0].cells[-1].text == "new themes"  # as on the terminal (s24)
    assert table.rows[1].cells[-1].text == named
    csv_text = ok(db, "saturation", "--format", "csv").stdout
    assert ", ".join(first["new_themes"]) in csv_text


def test_cooccurrence_of_one_theme_alone_says_where_its_pairs_are(db):
    """`cooccurrence --theme serendipity` printed a 1 x 1 table (its own segments) with
    nothing to say it pairs with no theme because the others were filtered out."""
    result = ok(db, "cooccurrence", "--theme", "serendipity", "--format", "csv")
    assert result.stdout.splitlines()[0].split(",")[2:] == ["serendipity"]
    assert ("note: --theme serendipity keeps only serendipity and the themes below it, so "
            "it is paired with no other theme") in " ".join(result.stderr.split())
    assert "`qcahp quotes --theme serendipity --with ID`" in " ".join(result.stderr.split())
    folder = ok(db, "cooccurrence", "--theme", "career", "--format", "csv")
    assert "paired with no other theme" not in folder.stderr
    chart = ok(db, "chart", "cooccurrence", "--theme", "serendipity", "-o",
               str(db.parent / "co.png"))
    assert "note: --theme serendipity keeps only serendipity" in chart.stderr


def test_saturation_chart_says_where_it_was_reached_in_words(db, tmp_path):
    """The chart's title said "≤5%: 2, ≤0%: 2" and its mark "saturation, ≤5% and ≤0%
    new: 2": two of what, a figure's reader could not tell."""
    out = tmp_path / "saturation.svg"
    ok(db, "chart", "saturation", "--base", "1", "--run", "1", "-o", str(out))
    svg = out.read_text(encoding="utf-8")
    assert "saturation (≤ 5% and ≤ 0% new information) at 2 participants" in svg
    assert "saturation at 2 (≤5% and ≤0% new)" in svg
    assert "≤5%: 2" not in svg


def test_methods_figures_keep_their_column_for_a_long_label(db):
    """"suggestions in effect (not retired)" (35 characters, over the label column's
    cap of 34) stood apart as "label: value", out of line with the figures around it."""
    lines = ok(db, "methods").stdout.splitlines()
    first = next(line for line in lines if line.startswith("  interview transcripts "))
    long = next(line for line in lines if line.startswith("  suggestions in effect"))
    assert re.fullmatch(r"  suggestions in effect \(not retired\) +\d+  suggestions", long)
    end = re.match(r"  interview transcripts +\d+", first).end()
    assert re.match(r"  suggestions in effect \(not retired\) +\d+", long).end() == end


def test_saturation_says_once_that_the_consensus_is_not_pooled(db):
    """The terminal's saturation ended "Not pooled: the consensus coding (consensus)..."
    and then, on stderr, "Pooling alice, bob: ... the consensus coding (consensus) left
    out": the same thing twice. A CSV (which has no such note) still gets the line."""
    table = ok(db, "saturation", "--base", "1", "--run", "1")
    assert "Not pooled: the consensus coding (consensus)" in table.stdout
    assert "Pooling" not in table.stderr
    csv_run = ok(db, "saturation", "--base", "1", "--run", "1", "--format", "csv")
    assert "Not pooled" not in csv_run.stdout
    assert csv_run.stderr.startswith("Pooling alice, bob: every coder who coded, the "
                                     "consensus coding (consensus) left out")
