"""The agreement, disagreements, merge, codings and blind commands through CliRunner."""

from __future__ import annotations

import csv
import io
import json
import shutil

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from qualcoder_ahp.cli import cli
from qualcoder_ahp.model.store import open_store
from tests.test_agreement_compute import build_project


@pytest.fixture
def project(tmp_path):
    path = tmp_path / "qcahp.db"
    store = open_store(path)
    build_project(store)
    store.close()
    return path


def run(*args, ok=True):
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    if ok:
        assert result.exit_code == 0, result.output
    return result


def test_no_progress_text_when_not_on_a_terminal(project):
    # The shared progress bar draws only on a terminal; a pipe gets the table alone.
    result = run("agreement", "--coders", "asha,ben")
    assert result.stderr == "" and "Agreement" not in result.stdout


def test_agreement_table_lists_themes_overall_and_mean(project):
    out = run("agreement", "--coders", "asha,ben").stdout
    lines = out.splitlines()
    assert lines[0] == "Coders: asha, ben   unit: character   speech: participants' turns"
    header = lines[1].split()
    assert header[:8] == ["view", "theme", "transcript", "units", "n11", "n10", "n01", "n00"]
    assert {"kappa", "alpha", "AC1", "BP", "pi", "pos_agr", "jaccard"} <= set(header)
    body = {line.split()[1]: line for line in lines[3:] if line and not line.startswith("[")}
    assert set(body) >= {"serendipity", "winding", "mandate", "(pooled)"}
    assert any(line.startswith("mean") for line in lines)
    serendipity = body["serendipity"].split()
    assert serendipity[4:7] == ["30", "2", "0"]


def test_agreement_json_by_transcript_and_undefined_reasons(project):
    rows = json.loads(run("agreement", "--coders", "asha,ben", "--by", "transcript",
                          "--format", "json").stdout)
    cell = next(r for r in rows if r["theme"] == "mandate" and r["transcript"] == "ben")
    assert cell["cohen_kappa"] == "undefined (neither coder used the theme)"
    assert isinstance(next(r for r in rows if r["theme"] == "serendipity"
                           and r["transcript"] == "asha")["cohen_kappa"], float)


def test_agreement_table_numbers_undefined_reasons(project):
    out = run("agreement", "--coders", "asha,ben", "--by", "transcript", "--unit",
              "sentence").stdout
    assert "undef[1]" in out and "[1] undefined: character unit only" in out
    # A cell nobody coded: a dash for every figure and one note, not a numbered one.
    assert "\u2014 no figure: neither coder used the theme" in out
    assert "undefined: neither coder used the theme" not in out


def test_a_theme_nobody_coded_has_no_figure_in_any_format(project, tmp_path):
    """Its row read agreement 1.000 (and AC1, BP), which a researcher takes for perfect
    agreement: every format now gives it no figure, and says why."""
    with open_store(project) as store:
        store.add_theme("Workload", coder="asha")  # nobody codes it
    reason = "undefined (neither coder used the theme)"
    figures = ("percent_agreement", "cohen_kappa", "scott_pi", "brennan_prediger",
               "gwet_ac1", "krippendorff_alpha", "positive_agreement", "jaccard")
    rows = json.loads(run("agreement", "--coders", "asha,ben", "--format", "json").stdout)
    workload = next(r for r in rows if r["theme"] == "workload")
    assert [workload[f] for f in figures] == [reason] * len(figures)
    assert workload["units"] > 0 and workload["n00"] == workload["units"]
    coded = next(r for r in rows if r["theme"] == "serendipity")
    assert all(isinstance(coded[f], float) for f in figures)
    csv_rows = list(csv.DictReader(io.StringIO(run(
        "agreement", "--coders", "asha,ben", "--format", "csv").stdout.lstrip("\ufeff"))))
    assert [next(r for r in csv_rows if r["theme"] == "workload")[f] for f in figures] == [
        reason] * len(figures)
    run("agreement", "--coders", "asha,ben", "-o", str(tmp_path / "a.xlsx"))
    sheet = load_workbook(tmp_path / "a.xlsx")["agreement"]
    header = [c.value for c in next(sheet.iter_rows())]
    row = next(r for r in sheet.iter_rows(values_only=True) if r[1] == "workload")
    assert [row[header.index(f)] for f in figures] == [reason] * len(figures)
    table = run("agreement", "--coders", "asha,ben").stdout
    line = next(x for x in table.splitlines() if x.split()[1:2] == ["workload"])
    assert "1.000" not in line and line.split()[-len(figures):] == ["\u2014"] * len(figures)
    assert "\u2014 no figure: neither coder used the theme" in table
    # The overall and mean rows stand as they were; methods reports those.
    doc = json.loads(run("methods", "--coders", "asha,ben", "--format", "json").stdout)
    found = {f["key"]: f["value"] for f in doc["figures"]}
    overall = next(r for r in rows if r["view"] == "overall")
    assert found["agreement.percent_agreement"] == overall["percent_agreement"]
    assert "1 nobody coded left out" in found["agreement.mean_over"]


def test_agreement_csv_md_xlsx_to_files(project, tmp_path):
    run("agreement", "--coders", "asha,ben,cai", "--format", "csv", "-o", str(tmp_path / "a.csv"))
    assert (tmp_path / "a.csv").read_bytes().startswith(b"\xef\xbb\xbfview,")  # BOM: Excel
    rows = list(csv.DictReader((tmp_path / "a.csv").open(encoding="utf-8-sig")))
    assert {"fleiss_kappa", "light_kappa", "coded_by_all"} <= set(rows[0])
    run("agreement", "--coders", "asha,ben", "--unit", "sentence", "--format", "md",
        "-o", str(tmp_path / "a.md"))
    assert (tmp_path / "a.md").read_text().startswith(
        "## Agreement: asha vs ben, unit sentence, participants' turns\n\n| view | theme | "
        "theme_name |")
    run("agreement", "--coders", "asha,ben", "--format", "xlsx", "-o", str(tmp_path / "a.xlsx"))
    sheet = load_workbook(tmp_path / "a.xlsx").active
    assert sheet.cell(1, 1).value == "view" and sheet.max_row == 6
    assert (tmp_path / "a.xlsx").stat().st_mode & 0o077 == 0


def test_agreement_filters_and_errors(project):
    rows = json.loads(run("agreement", "--coders", "asha,ben", "--theme", "serendipity",
                          "--transcript", "asha", "--unit", "segment", "--threshold", "0.8",
                          "--format", "json").stdout)
    assert [r["theme"] for r in rows] == ["serendipity", "(pooled)", "(mean over 1 theme)"]
    assert rows[0]["n11"] == 2
    bad = run("agreement", "--coders", "asha,zoe", ok=False)
    assert bad.exit_code == 1 and "Error: no coder named 'zoe'" in bad.output
    assert "Traceback" not in bad.output
    bad = run("agreement", "--coders", "asha", ok=False)
    assert bad.exit_code == 2
    bad = run("agreement", "--coders", "asha,ben", "--format", "xlsx", ok=False)
    assert "needs a file: add -o FILE.xlsx" in bad.output


def test_disagreements_command(project):
    out = run("disagreements", "--coders", "asha,ben").stdout
    assert "The board listened to me." in out and "2 disagreeing spans." in out
    rows = list(csv.DictReader(io.StringIO(
        run("disagreements", "--coders", "asha,ben", "--theme", "mandate",
            "--format", "csv").stdout)))
    assert rows == [{"transcript": "asha", "theme": "mandate", "theme_name": "Board mandate",
                     "start": rows[0]["start"], "end": rows[0]["end"], "coded_by": "asha",
                     "not_coded_by": "ben", "text": "The board listened to me.",
                     "coders": "asha vs ben", "unit": "character",
                     "speakers": "participants"}]
    assert "No disagreements." in run("disagreements", "--coders", "asha,ben",
                                      "--theme", "winding").stdout


def test_merge_command_and_codings_round_trip(project, tmp_path):
    copy = tmp_path / "copy.db"
    shutil.copy(project, copy)
    other = open_store(copy)
    tid = other.transcript("asha").id
    other.code(tid, "mandate", "dee", 0, 3)
    other.close()
    out = run("merge", str(copy)).stdout
    assert "Merged" in out and " 1 coding, " in out
    assert "Nothing new" in run("merge", str(copy)).stdout
    exported = run("codings", "export", "--coder", "dee").stdout
    rows = list(csv.DictReader(io.StringIO(exported)))
    assert rows == [{"transcript": "asha", "theme": "mandate", "start": "0", "end": "3",
                     "quote": "How", "coder": "dee", "origin": "manual"}]
    path = tmp_path / "dee.csv"
    run("codings", "export", "--coder", "dee", "-o", str(path))
    assert "Imported 1 coding for eve (0 already present)." in run(
        "codings", "import", str(path), "--coder", "eve").stdout
    bad = tmp_path / "bad.csv"
    bad.write_text("transcript,theme,start,end,quote\nasha,mandate,0,3,Who\n", encoding="utf-8")
    result = run("codings", "import", str(bad), "--coder", "eve", ok=False)
    assert result.exit_code == 1
    assert f"Error: {bad}: line 2: quote does not match" in result.output


def test_merge_mismatch_is_one_clear_line(project, tmp_path):
    other = tmp_path / "other.db"
    store = open_store(other)
    from tests.conftest import make_parsed

    store.add_transcript("zed", make_parsed([("Zed", "participant", "Different words.")]))
    store.close()
    result = run("merge", str(other), ok=False)
    assert result.exit_code == 1
    assert result.output.count("\n") == 1 and "nothing merged" in result.output


def test_blind_setting(project):
    assert run("blind").stdout == "Blind coding is off.\n"
    assert run("blind", "on").stdout == "Blind coding is on.\n"
    store = open_store(project)
    assert store.get_setting("blind") == "1"
    store.close()
    assert run("blind", "off").stdout == "Blind coding is off.\n"


@pytest.mark.parametrize("command", [["agreement"], ["disagreements"], ["merge"], ["codings"],
                                     ["codings", "import"], ["codings", "export"], ["blind"]])
def test_every_command_has_help(command):
    result = run(*command, "--help")
    assert "Usage:" in result.output and len(result.output.splitlines()) > 3


def test_output_format_follows_the_suffix_and_bad_targets_write_nothing(project, tmp_path):
    # `-o agreement.xlsx` without --format used to write CSV text into the .xlsx file.
    run("agreement", "--coders", "asha,ben", "-o", str(tmp_path / "a.xlsx"))
    sheet = load_workbook(tmp_path / "a.xlsx").active
    assert next(sheet.iter_rows(values_only=True))[:5] == ("view", "theme", "theme_name",
                                                           "transcript", "units")
    assert (tmp_path / "a.xlsx").stat().st_mode & 0o777 == 0o600
    run("disagreements", "--coders", "asha,ben", "-o", str(tmp_path / "d.json"))
    assert {"coded_by", "not_coded_by"} <= set(json.loads((tmp_path / "d.json").read_text())[0])
    result = run("agreement", "--coders", "asha,ben", "-o", str(tmp_path / "a.csv"))
    assert result.stdout == ""  # the table's heading line is not printed for a file
    assert (tmp_path / "a.csv").read_text(encoding="utf-8-sig").startswith(
        "view,theme,theme_name,transcript,")
    # An unknown suffix, a missing folder, a format codings cannot be: refused, no file,
    # and the missing folder is not created behind the user's back.
    for args in (["agreement", "--coders", "asha,ben", "-o", str(tmp_path / "a.pdf")],
                 ["disagreements", "--coders", "asha,ben", "-o",
                  str(tmp_path / "new" / "d.csv")],
                 ["agreement", "--coders", "asha,ben", "--format", "xlsx", "-o",
                  str(tmp_path / "new" / "a.xlsx")],
                 ["codings", "export", "-o", str(tmp_path / "c.xlsx")],
                 ["codings", "export", "-o", str(tmp_path / "new" / "c.csv")]):
        bad = run(*args, ok=False)
        assert bad.exit_code == 1 and bad.stderr.count("\n") == 1, bad.output
        assert bad.stderr.startswith(f"Error: {args[-1]}: ")
    assert not (tmp_path / "a.pdf").exists() and not (tmp_path / "c.xlsx").exists()
    assert not (tmp_path / "new").exists()


def test_merge_of_a_refi_file_points_to_refi_import(project, tmp_path):
    qdpx = tmp_path / "nvivo.qdpx"
    qdpx.write_bytes(b"PK\x03\x04 a zip")
    bad = run("--db", str(project), "merge", str(qdpx), ok=False)
    assert bad.exit_code == 1 and bad.stderr.count("\n") == 1
    assert bad.stderr.startswith(f"Error: {qdpx}: merge joins qcahp project databases")
    assert "qcahp refi import" in bad.stderr


def _reference(project, coders, unit="character", threshold=0.9):
    """The statistics computed directly, to compare the written files with."""
    from qualcoder_ahp.agreement.compute import collect, compute

    store = open_store(project)
    try:
        return compute(collect(store, coders), unit, threshold)
    finally:
        store.close()


def test_agreement_files_say_who_was_compared_on_which_unit(project, tmp_path):
    args = ["agreement", "--coders", "asha,ben", "--unit", "segment", "--threshold", "0.8"]
    expected = {r.theme: r for r in _reference(project, ["asha", "ben"], "segment", 0.8).rows()}
    names = {"serendipity": "Serendipity", "winding": "Winding route",
             "mandate": "Board mandate", "(pooled)": "",
             "(mean over 3 themes; cohen_kappa, scott_pi and krippendorff_alpha over the 1 "
             "where defined)": ""}
    for suffix in ("csv", "json", "xlsx", "md"):
        run(*args, "-o", str(tmp_path / f"a.{suffix}"))
    rows = list(csv.DictReader((tmp_path / "a.csv").open(encoding="utf-8-sig")))
    assert {r["coders"] for r in rows} == {"asha vs ben"}
    assert {r["unit"] for r in rows} == {"segment (overlap >= 0.8)"}
    assert {r["theme"]: r["theme_name"] for r in rows} == names
    assert list(rows[0])[:3] == ["view", "theme", "theme_name"]
    for row in rows:  # the CSV keeps six decimals of the very same figures
        assert row["cohen_kappa"] == str(expected[row["theme"]].record(6)["cohen_kappa"])
    data = json.loads((tmp_path / "a.json").read_text(encoding="utf-8"))
    assert {(r["coders"], r["unit"]) for r in data} == {("asha vs ben",
                                                        "segment (overlap >= 0.8)")}
    for row in data:  # JSON: full precision, equal to the computed values
        assert row["theme_name"] == names[row["theme"]]
        assert row["gwet_ac1"] == expected[row["theme"]].record()["gwet_ac1"]
    book = load_workbook(tmp_path / "a.xlsx")
    assert book.sheetnames == ["agreement", "About"]
    sheet = book["agreement"]
    header = [c.value for c in sheet[1]]
    assert header[:3] == ["view", "theme", "theme_name"] and header[-3:] == ["coders", "unit",
                                                                             "speakers"]
    assert sheet["A1"].font.b and sheet.freeze_panes == "A2"
    kappa = header.index("cohen_kappa")
    for line in sheet.iter_rows(min_row=2, values_only=True):
        assert line[kappa] == expected[line[1]].record()["cohen_kappa"]
    about = {r[0]: r[1] for r in book["About"].iter_rows(min_row=2, values_only=True)}
    assert about["coders"] == "asha vs ben" and about["unit"] == "segment (overlap >= 0.8)"
    assert about["report"] == "agreement" and about["theme"] == "(all)"
    assert "column: n11 / n10 / n01 / n00" in about and "column: undefined (reason)" in about
    assert "column: coded_by_all / coded_by_some / coded_by_none" not in about  # 2 coders
    md = (tmp_path / "a.md").read_text(encoding="utf-8").splitlines()
    assert md[0] == ("## Agreement: asha vs ben, unit segment (overlap >= 0.8), participants' "
                     "turns")
    header = [c.strip() for c in md[2].strip("|").split("|")]
    line = next(x for x in md if "| serendipity |" in x)
    seren = [c.strip() for c in line.strip("|").split("|")]
    assert seren[1:3] == ["serendipity", "Serendipity"]
    value = expected["serendipity"].record()["percent_agreement"]
    assert isinstance(value, float)
    assert seren[header.index("percent_agreement")] == f"{round(value, 3) + 0.0:.3f}"
    kappa = expected["serendipity"].record()["cohen_kappa"]  # no uncoded segment: undefined
    assert seren[header.index("cohen_kappa")] == kappa.replace("|", "\\|")


def test_three_coder_files_list_the_coders_and_disagreements_name_the_theme(project, tmp_path):
    run("agreement", "--coders", "asha,ben,cai", "-o", str(tmp_path / "a.json"))
    rows = json.loads((tmp_path / "a.json").read_text(encoding="utf-8"))
    assert {(r["coders"], r["unit"]) for r in rows} == {("asha, ben, cai", "character")}
    run("disagreements", "--coders", "asha,ben", "-o", str(tmp_path / "d.csv"))
    rows = list(csv.DictReader((tmp_path / "d.csv").open(encoding="utf-8-sig")))
    mandate = next(r for r in rows if r["theme"] == "mandate")
    assert mandate["theme_name"] == "Board mandate" and mandate["coders"] == "asha vs ben"
    assert mandate["text"] == "The board listened to me." and mandate["unit"] == "character"
    run("disagreements", "--coders", "asha,ben", "-o", str(tmp_path / "d.xlsx"))
    book = load_workbook(tmp_path / "d.xlsx")
    assert book.sheetnames == ["disagreements", "About"]
    assert book["disagreements"]["A1"].font.b
    about = {r[0]: r[1] for r in book["About"].iter_rows(min_row=2, values_only=True)}
    assert about["coders"] == "asha vs ben" and "column: coded_by / not_coded_by" in about
    assert (tmp_path / "d.xlsx").stat().st_mode & 0o777 == 0o600
    # The terminal keeps its narrow table: no theme_name, coders or unit columns.
    out = run("disagreements", "--coders", "asha,ben").stdout
    assert out.splitlines()[0].split()[:3] == ["transcript", "theme", "start"]
