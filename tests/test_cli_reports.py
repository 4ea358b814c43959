"""``qcahp counts / quotes / cooccurrence / chart`` through click's CliRunner."""

from __future__ import annotations

import csv
import io
import json
import os
import stat

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from qualcoder_ahp.cli import cli


def run(db, *args, ok=True):
    result = CliRunner().invoke(cli, ["--db", str(db), *args])
    if ok:
        assert result.exit_code == 0, (result.output, result.exception)
    return result


POOLED = ("Pooling alice, bob: every coder who coded, the consensus coding (consensus) "
          "left out (--consensus reports it).\n")
"""What a pooled report says on stderr in this project (it has a consensus coding)."""


def test_counts_table_default(db):
    out = run(db, "counts").stdout.splitlines()
    assert out[0].split() == ["theme", "path", "codings", "segments", "transcripts",
                              "participants", "words", "chars", "share_pct", "words_pct"]
    career = out[2].split()
    # alice's and bob's codings pooled; the consensus coder's left out (session 18)
    assert career[0] == "career" and career[3:8] == ["7", "4", "3", "3", "24"]
    assert out[3].startswith("  winding")


def test_counts_csv_by_coder_consensus(db):
    rows = list(csv.DictReader(io.StringIO(
        run(db, "counts", "--by", "coder", "--consensus", "--format", "csv").stdout)))
    assert [(r["theme"], r["coder"], r["codings"], r["words"]) for r in rows] == [
        ("career", "consensus", "1", "6"), ("serendipity", "consensus", "1", "6")]


def test_counts_json_theme_filter(db):
    doc = json.loads(run(db, "counts", "--theme", "career", "--coder", "alice",
                         "--format", "json").stdout)
    assert doc["coder"] == "alice"
    assert [(r["theme_id"], r["segments"], r["words"]) for r in doc["rows"]] == [
        ("career", 2, 15), ("winding", 2, 9), ("serendipity", 1, 8)]


def test_counts_matrix_md_and_json(db):
    md = run(db, "counts", "--by", "attribute:profession", "--format", "md").stdout
    assert "## Matrix: segments by profession (all coders but consensus)" in md
    assert "| career | Career route | 1 | 2 | 1 | 4 |" in md
    assert "| career | Career route | 50.0 | 66.7 | 50.0 | 57.1 |" in md
    doc = json.loads(run(db, "counts", "--by", "attribute:band", "--measure", "participants",
                         "--format", "json").stdout)
    assert doc["measure"] == "participants" and doc["columns"] == ["8a", "8c", "9"]


def test_counts_xlsx_has_every_view(db, tmp_path):
    out = tmp_path / "counts.xlsx"
    result = run(db, "counts", "--by", "attribute:profession", "-o", str(out))
    assert "Wrote theme counts" in result.stderr
    assert stat.S_IMODE(os.stat(out).st_mode) == 0o600
    wb = load_workbook(out)
    assert wb.sheetnames == ["profession n", "profession row %", "profession col %", "Themes",
                             "By transcript", "By participant", "By coder", "band n",
                             "band row %", "band col %", "About"]
    assert [c.value for c in wb["By coder"][1]][:3] == ["theme", "path", "coder"]
    assert wb["Themes"]["E2"].value == 3  # career: transcripts
    about = {r[0].value: r[1].value for r in wb["About"].iter_rows(min_row=2)}
    assert about["report"] == "counts" and about["coders"] == "all coders but consensus"


def test_quotes_formats(db, tmp_path):
    md = run(db, "quotes", "--theme", "mandate").stdout
    assert md.count("| mandate |") == 3 and "Board access = mandate" in md
    rows = list(csv.DictReader(io.StringIO(
        run(db, "quotes", "--coder", "bob", "--format", "csv").stdout)))
    assert [r["quote"] for r in rows] == ["I fell into management by chance.",
                                          "My career was never planned.",
                                          "Luck played a part.",
                                          "I report to the chief nurse."]
    assert rows[0]["band"] == "8c" and rows[0]["origin"] == "manual"
    doc = json.loads(run(db, "quotes", "--consensus", "--format", "json").stdout)
    assert [q["origin"] for q in doc["quotes"]] == ["consensus"]
    for name in ("q.xlsx", "q.docx", "q.csv", "q.md", "q.json"):
        run(db, "quotes", "-o", str(tmp_path / name))
        assert stat.S_IMODE(os.stat(tmp_path / name).st_mode) == 0o600
    assert load_workbook(tmp_path / "q.xlsx").sheetnames == ["Quotes", "About"]
    assert json.loads((tmp_path / "q.json").read_text())["report"] == "quotes"


def test_quotes_docx_reports_codings_and_the_passages_word_prints(db, tmp_path):
    from docx import Document

    word = tmp_path / "q.docx"
    result = run(db, "quotes", "--theme", "serendipity", "-o", str(word))
    quoted = [p.text for p in Document(str(word)).paragraphs if p.text.startswith("\u201c")]
    codings = len(json.loads(run(db, "quotes", "--theme", "serendipity",
                                 "--format", "json").stdout)["quotes"])
    assert (codings, len(quoted)) == (5, 4)  # alice and bob share one passage
    assert result.stderr.startswith(f"Wrote 5 quotes (4 passages) to {word}\n")
    one = run(db, "quotes", "--theme", "mandate", "--coder", "bob", "-o", str(word))
    assert one.stderr == f"Wrote 1 quote (1 passage) to {word} (replaced the old file)\n"
    csv_out = run(db, "quotes", "--theme", "serendipity", "-o", str(tmp_path / "q.csv"))
    # one row per coding
    assert csv_out.stderr == f"Wrote 5 quotes to {tmp_path / 'q.csv'}\n" + POOLED


def test_cooccurrence_command(db, tmp_path):
    doc = json.loads(run(db, "cooccurrence", "--unit", "turn", "--format", "json").stdout)
    assert [t["id"] for t in doc["themes"]] == ["career", "winding", "serendipity", "mandate"]
    assert doc["matrix"][3] == [3, 2, 3, 3]
    table = run(db, "cooccurrence").stdout
    winding = table.splitlines()[3].split()
    assert winding[0] == "winding" and winding[-3:] == ["2", "1", "0"]  # career cell empty
    run(db, "cooccurrence", "-o", str(tmp_path / "co.xlsx"))
    assert load_workbook(tmp_path / "co.xlsx").sheetnames == ["Co-occurrence overlap", "About"]


@pytest.mark.parametrize("kind", ["counts", "matrix", "cooccurrence"])
def test_chart_command(db, tmp_path, kind):
    import matplotlib.image as mpimg

    out = tmp_path / f"{kind}.png"
    by = ["--by", "attribute:profession"] if kind == "matrix" else []
    run(db, "chart", kind, *by, "--dpi", "80", "-o", str(out))
    assert stat.S_IMODE(os.stat(out).st_mode) == 0o600
    img = mpimg.imread(out)
    assert img.shape[0] > 100 and img[..., :3].std() > 0.05


@pytest.mark.parametrize("kind", ["counts", "cooccurrence"])
def test_chart_svg_and_pdf_for_journals(db, tmp_path, kind):
    from xml.etree import ElementTree

    from pypdf import PdfReader

    svg, pdf = tmp_path / f"{kind}.svg", tmp_path / f"{kind}.PDF"
    for out in (svg, pdf):
        result = run(db, "chart", kind, "--dpi", "80", "-o", str(out))
        named = {"cooccurrence": "co-occurrence"}.get(kind, kind)  # as the matrix says it
        assert result.stderr == f"Wrote a {named} chart to {out}\n" + POOLED
        assert stat.S_IMODE(os.stat(out).st_mode) == 0o600
    root = ElementTree.parse(svg).getroot()
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    labels = {t.text for t in root.iter("{http://www.w3.org/2000/svg}text")}
    # Labels are text an editor can restyle, not outlines (a child theme is "– Name").
    assert "Career route" in labels and "\u2013 Serendipity" in labels
    assert len(list(root.iter("{http://www.w3.org/2000/svg}path"))) > 5
    assert pdf.read_bytes().startswith(b"%PDF-")
    reader = PdfReader(pdf)
    assert len(reader.pages) == 1
    assert "Serendipity" in reader.pages[0].extract_text()  # a theme label, as vector text


def test_chart_refuses_other_suffixes_in_one_line(db, tmp_path):
    for name in ("c.jpg", "c.txt", "c", "c.csv"):
        result = run(db, "chart", "counts", "-o", str(tmp_path / name), ok=False)
        assert result.exit_code == 1 and result.stderr.count("\n") == 1, result.output
        assert result.stderr.startswith(f"Error: {tmp_path / name}: charts are written as "
                                        "PNG, SVG or PDF")
        assert not (tmp_path / name).exists()
    result = run(db, "chart", "counts", "-o", str(tmp_path / "new" / "c.svg"), ok=False)
    assert "no such folder" in result.stderr and not (tmp_path / "new").exists()


@pytest.mark.parametrize(("args", "message"), [
    (["counts", "--coder", "zoe"], "no coder named 'zoe'"),
    (["counts", "--coder", "bob", "--consensus"], "either --coder or --consensus"),
    (["counts", "--theme", "nope"], "no theme 'nope'"),
    (["counts", "--by", "attribute:age"], "no participant attribute 'age'"),
    (["counts", "--by", "page"], "unknown view 'page'"),
    (["counts", "--format", "xlsx"], "xlsx output needs a file"),
    (["counts", "-o", "missing/x.csv"], "no such folder"),
    (["quotes", "-o", "q.png"], "cannot be written as a .png file"),
    (["quotes", "--theme", "nope", "--format", "csv"], "no theme 'nope'"),
    (["chart", "matrix", "-o", "m.png"], "needs --by attribute:NAME"),
    # An option the chart does not use drew it as if it had been used.
    (["chart", "counts", "--by", "attribute:profession", "-o", "m.png"],
     "--by does not go with a counts chart (a breakdown by attribute is `chart matrix"),
    (["chart", "counts", "--unit", "turn", "-o", "m.png"], "--unit does not go with a counts"),
    (["chart", "cooccurrence", "--measure", "words", "-o", "m.png"],
     "--measure does not go with a cooccurrence chart"),
    (["chart", "counts", "-o", "m.jpg"], "give -o FILE.png"),
    (["chart", "counts", "-o", "nodir/m.png"], "no such folder"),
])
def test_bad_input_is_one_line(db, args, message):
    result = run(db, *args, ok=False)
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: ") and message in lines[0], lines
    assert "Traceback" not in result.output


def test_every_command_has_help(db):
    for command in ("counts", "quotes", "cooccurrence", "chart"):
        result = run(db, command, "--help")
        assert "Usage:" in result.stdout and "--coder" in result.stdout


def test_every_workbook_explains_its_columns(db, tmp_path):
    # A workbook sent to a co-author or examiner must say what "segments" or
    # "share_pct" mean without the docs at hand.
    for report, name, expect in (("counts", "c.xlsx", ["segments", "share_pct", "row %"]),
                                 ("quotes", "q.xlsx", ["turn", "time", "origin", "quote"]),
                                 ("cooccurrence", "co.xlsx", [])):
        run(db, report, "-o", str(tmp_path / name))
        about = {r[0].value: r[1].value
                 for r in load_workbook(tmp_path / name)["About"].iter_rows(min_row=2)}
        assert about["report"] == report and about.get("theme", "(all)") == "(all)"
        for column in expect:
            assert len(about[f"column: {column}"]) > 20, (report, column)
        sheet = load_workbook(tmp_path / name).worksheets[0]
        header = [c.value for c in sheet[1]]
        described = {k.removeprefix("column: ") for k in about if k}
        if report != "cooccurrence":
            assert {h for h in header if h not in ("band", "profession")} <= described | {
                "start", "end"}, header
        else:
            assert "unit overlap" in about and "blank cell" in about


def test_a_coder_name_with_stray_spaces_is_the_coder(db):
    """Names are stored trimmed (the workbench, decide and search trim them): a report
    asked for " alice " (a pasted name, a quoted shell variable) is alice's, as undo is."""
    for args in (("counts", "--format", "csv"), ("memos", "--format", "csv"),
                 ("log", "--format", "csv"),
                 ("patterns", "--format", "json"), ("quotes", "--format", "csv")):
        plain = run(db, *args, "--coder", "alice").stdout
        assert run(db, *args, "--coder", "  alice ").stdout == plain


def test_counts_of_nothing_coded_say_so(db):
    # A table of zeros and nothing else read like a fault in the counting.
    result = run(db, "counts", "--theme", "weapon")
    assert result.stdout.splitlines()[2].split()[-8:-6] == ["0", "0"]
    assert result.stderr == ("note: nothing is coded under weapon by any coder: every figure "
                             "is 0\n" + POOLED)
    csv_out = run(db, "counts", "--theme", "weapon", "--coder", "alice", "--format", "csv")
    assert "nothing is coded under weapon by alice" in csv_out.stderr
    assert "nothing is coded" not in csv_out.stdout
    assert run(db, "counts", "--theme", "career").stderr == POOLED


def test_output_into_a_pipe_or_device_writes_into_it(db, tmp_path):
    # -o went through a temporary file renamed over the target: a named pipe (or, run
    # as root, /dev/stdout and /dev/null) was replaced by a regular file.
    import threading

    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()))
    reader.start()
    result = run(db, "counts", "--format", "csv", "-o", str(fifo))
    reader.join(10)
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)
    assert got and got[0].decode("utf-8").startswith("theme,path,codings")
    assert "(replaced the old file)" not in result.stderr
    assert run(db, "counts", "--format", "csv", "-o", os.devnull).exit_code == 0
    assert stat.S_ISCHR(os.stat(os.devnull).st_mode)


def test_one_row_of_counts_is_singular(db, tmp_path):
    result = run(db, "counts", "--theme", "mandate", "-o", str(tmp_path / "one.csv"))
    assert result.stderr.startswith("Wrote 1 row of theme counts to ")


def test_quotes_on_a_terminal_are_listed_to_read(db, monkeypatch):
    from rich.cells import cell_len

    # A pipe gets Markdown (scripts and `> quotes.md` keep working) ...
    assert run(db, "quotes", "--theme", "mandate").stdout.startswith("## Quotes")
    # ... a terminal gets the quotes to read: at 80 columns the Markdown table ran to
    # several hundred columns, the quote lost in the participant's attributes.
    monkeypatch.setattr("qualcoder_ahp.cli.reports._stdout_is_terminal", lambda: True)
    monkeypatch.setenv("COLUMNS", "50")
    out = run(db, "quotes", "--theme", "mandate").stdout
    lines = out.splitlines()
    assert max(cell_len(line) for line in lines) <= 50, out
    assert " ".join(lines[:2]) == ("Quotes (all coders but consensus): "
                                   "Mandate: closeness to the trust board")
    assert "Mandate: closeness to the trust board" in lines and "|" not in out
    assert "  \u201cI report to the chief nurse.\u201d" in lines
    text = " ".join(out.split())
    assert "\u2014 P01, transcript t1, turn" in text  # who said it, once per passage
    assert "Memo: Board access = mandate" in text
    # Attributes once per participant at the end, not under every quote.
    assert text.count("profession: physio") == 1
    assert out.index("Participants") > out.index("Memo:")
    # Asked for by name it is the same in a pipe, lines whole.
    monkeypatch.delenv("COLUMNS")
    monkeypatch.setattr("qualcoder_ahp.cli.reports._stdout_is_terminal", lambda: False)
    piped = run(db, "quotes", "--theme", "mandate", "--format", "text").stdout
    assert " ".join(piped.split()) == text
    # A .txt file is that text too: it was refused ("cannot be written as a .txt file"),
    # .txt meaning the table format quotes has not got.
    txt = db.parent / "quotes.txt"
    run(db, "quotes", "--theme", "mandate", "-o", str(txt))
    assert txt.read_text(encoding="utf-8") == piped
