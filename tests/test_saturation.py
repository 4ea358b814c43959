"""Thematic saturation (``qcahp saturation``, ``qcahp chart saturation``) on a project
whose answer is known by hand.

Ten participants P01..P10, one interview each, imported in that order, and 22 themes
t01..t22 in two folders (f1: t01-t11, f2: t12-t22). Coder ana codes:

    P01 t01-t05   P02 t06-t10   P03 t11-t15   P04 t16-t20    (the base: 20 themes)
    P05 t01 t21   P06 t02 t22   P07 t03       P08 t04   P09 t05   P10 t06

so the new themes per interview are 5 5 5 5 1 1 0 0 0 0. Guest et al. (2020), base 4,
run 2: run 5-6 brings 2 new themes (10% of 20), run 6-7 one (5%), run 7-8 none (0%):
saturation at 7 interviews at <= 5% new information and at 8 at 0%.

Coder ben codes t21 in P02 only: pooled, the base holds 21 themes and t21 is no longer
new in P05, so run 5-6 brings one (t22, 4.8%): saturation at 6 at <= 5%, still 8 at 0%.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from docx import Document
from openpyxl import load_workbook

from qualcoder_ahp.cli import cli
from qualcoder_ahp.errors import UserError
from qualcoder_ahp.model.store import Store, open_store
from qualcoder_ahp.records import Codebook, Theme
from qualcoder_ahp.reports.data import ReportData
from qualcoder_ahp.reports.saturation import first_saturation, random_orders, saturation
from qualcoder_ahp.reports.saturation_output import notes, orders_lines, summary_lines
from tests.conftest import make_parsed

THEMES = [f"t{k:02d}" for k in range(1, 23)]
ANA = {1: THEMES[0:5], 2: THEMES[5:10], 3: THEMES[10:15], 4: THEMES[15:20],
       5: ["t01", "t21"], 6: ["t02", "t22"], 7: ["t03"], 8: ["t04"], 9: ["t05"], 10: ["t06"]}
DATES = {1: "03/02/2024", 2: "15/01/2024", 3: "01/03/2024", 4: "20/12/2023", 5: "10/01/2024",
         6: "02/02/2024", 7: "28/02/2024", 8: "05/03/2024", 9: "11/11/2023"}
"""Interview dates, day first; P10 has none. By date: P09 P04 P05 P02 P06 P01 P07 P03 P08."""


def build(store: Store) -> dict[int, int]:
    """The project above; returns {participant number: transcript id}."""
    themes = [Theme("f1", "Folder one", codable=False, position=0),
              Theme("f2", "Folder two", codable=False, position=1)]
    themes += [Theme(t, f"Theme {t}", parent_id="f1" if k < 11 else "f2", position=k + 2)
               for k, t in enumerate(THEMES)]
    store.save_codebook(Codebook("saturation test", tuple(themes)))
    ids = {}
    for n in range(1, 11):
        body = ". ".join(f"Sentence {k} of interview {n}" for k in range(1, 8)) + "."
        info, _ = store.add_transcript(f"int{n:02d}", make_parsed(
            [("Interviewer", "interviewer", "Tell me."), ("P", "participant", body)]),
            participant=f"P{n:02d}")
        ids[n] = info.id
        if n in DATES:
            store.set_participant_attributes(f"P{n:02d}", {"interview_date": DATES[n]})
        for k, theme in enumerate(ANA[n], start=1):
            code(store, ids[n], theme, "ana", k)
    code(store, ids[2], "t21", "ben", 6)
    return ids


def code(store: Store, transcript: int, theme: str, coder: str, sentence: int) -> None:
    text = store.transcript_text(transcript)
    phrase = f"Sentence {sentence} of"
    start = text.index(phrase)
    store.code(transcript, theme, coder, start, start + len(phrase))


@pytest.fixture
def project(tmp_path: Path) -> Store:
    store = open_store(tmp_path / "qcahp.db")
    build(store)
    yield store
    store.close()


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


# --------------------------------------------------------------------------- the method
def test_guest_2020_arithmetic_on_a_known_project(project: Store) -> None:
    sat = saturation(ReportData(project, "ana"), orders=0)
    assert [s.case for s in sat.steps] == [f"P{n:02d}" for n in range(1, 11)]
    assert [len(s.new) for s in sat.steps] == [5, 5, 5, 5, 1, 1, 0, 0, 0, 0]
    assert [s.cumulative for s in sat.steps] == [5, 10, 15, 20, 21, 22, 22, 22, 22, 22]
    assert sat.steps[4].new == ("t21",) and sat.steps[3].cumulative_pct == pytest.approx(
        100 * 20 / 22)
    assert (sat.base_themes, sat.total_themes) == (20, 22)
    assert [(r.label, len(r.new), r.pct_of_base) for r in sat.runs] == [
        ("5-6", 2, 10.0), ("6-7", 1, 5.0), ("7-8", 0, 0.0), ("8-9", 0, 0.0), ("9-10", 0, 0.0)]
    assert [(v.threshold, v.at) for v in sat.verdicts] == [(5.0, 7), (0.0, 8)]
    assert sat.verdicts[1].text.startswith(
        "Saturation (new information ≤ 0%): reached at 8 participants (base 4, run 2, "
        "new information 0.0%)")
    # The method stops at the first run that meets the threshold; what came after is said.
    early = saturation(ReportData(project, "ana"), base=2, run=1, threshold=0, orders=0,
                       order=["P01,P02,P07,P03,P04,P05,P06,P08,P09,P10"])
    assert early.verdicts[0].at == 3
    assert early.verdicts[0].text.endswith(
        "run 3 brought 0 new themes, of the base's 10. After it, participants 4, 5, 6 and 7 "
        "still brought 12 new themes.")
    assert sat.verdicts[0].text.endswith("of the base's 20.")  # nothing new after 7
    # Base 6, run 3 (other sizes): runs 7-9, 8-10 bring nothing.
    other = saturation(ReportData(project, "ana"), base=6, run=3, threshold=0, orders=0)
    assert [(v.threshold, v.at) for v in other.verdicts] == [(0.0, 9)]


def test_pooled_coders_and_one_coder_differ_as_worked_out(project: Store) -> None:
    pooled = saturation(ReportData(project, None), orders=0)
    assert pooled.base_themes == 21 and pooled.steps[1].new[-1] == "t21"
    assert [(v.threshold, v.at) for v in pooled.verdicts] == [(5.0, 6), (0.0, 8)]
    # Pooled over coders who coded different cases: said, since a case's themes are then
    # those of whoever coded it.
    assert pooled.coverage == {"ana": 10, "ben": 1}
    assert "Pooled: the coders coded different cases (ana 10, ben 1)" in notes(pooled)[0]
    ben = saturation(ReportData(project, "ben"), orders=0)
    # ben coded one interview: his other nine cases are left out, not read as "nothing new".
    assert [s.case for s in ben.steps] == ["P02"] and len(ben.uncoded) == 9
    assert ben.verdicts[0].at is None and "needs at least base + run = 6" in ben.reason


def test_level_and_min_codings(project: Store) -> None:
    top = saturation(ReportData(project, "ana"), level=1, orders=0)
    assert [s.themes for s in top.steps[:4]] == [("f1",), ("f1",), ("f1", "f2"), ("f2",)]
    assert top.verdicts[0].at == 6  # nothing new after the base
    # A second, overlapping coding of t02 is one passage; a second sentence of t01 is two.
    ids = {t.name: t.id for t in project.transcripts()}
    code(project, ids["int01"], "t01", "ana", 7)
    text = project.transcript_text(ids["int01"])
    start = text.index("Sentence 2 of")
    project.code(ids["int01"], "t02", "ana", start, start + 5)
    # A level deeper than the codebook is refused, not "22 themes at level 3".
    with pytest.raises(UserError, match=r"^--level 3: the codebook's themes go 2 levels "
                                        r"deep \(1: the top-level themes\)$"):
        saturation(ReportData(project, "ana"), level=3, orders=0)
    two = saturation(ReportData(project, "ana"), min_codings=2, orders=0)
    assert two.steps[0].themes == ("t01",)
    assert all(s.themes == () for s in two.steps[1:]) and not two.uncoded


def test_order_by_dates_puts_cases_without_one_last(project: Store) -> None:
    sat = saturation(ReportData(project, "ana"), order_by="interview date", orders=0)
    assert [s.case for s in sat.steps] == ["P09", "P04", "P05", "P02", "P06", "P01", "P07",
                                           "P03", "P08", "P10"]
    assert sat.steps[0].order_value == "11/11/2023" and sat.unordered == ["P10"]
    assert sat.order == "order of interview_date"
    given = saturation(ReportData(project, "ana"), orders=0,
                       order=["P10,P09,P08", "P07,P06,P05,P04,P03,P02,P01"])
    assert [s.case for s in given.steps][:3] == ["P10", "P09", "P08"]
    with pytest.raises(UserError, match=r"no participant attribute 'interview_dat'; did you "
                                        r"mean 'interview_date'\?"):
        saturation(ReportData(project, "ana"), order_by="interview_dat")
    with pytest.raises(UserError, match=r"no case 'P1O'.*did you mean 'P10'"):
        saturation(ReportData(project, "ana"), order=["P1O"])
    with pytest.raises(UserError, match=r"leaves out 8 cases: P03, P04"):
        saturation(ReportData(project, "ana"), order=["P01,P02"])


def test_order_by_dates_in_several_formats_sorts_as_dates(project: Store) -> None:
    # A team types dates as each likes: ISO, day first, in words (same dates as DATES).
    mixed = {1: "2024-02-03", 2: "15 January 2024", 3: "1 Mar 2024", 4: "2023-12-20",
             6: "February 2, 2024"}
    for n, date in mixed.items():
        project.set_participant_attributes(f"P{n:02d}", {"interview_date": date})
    sat = saturation(ReportData(project, "ana"), order_by="interview_date", orders=0)
    assert [s.case for s in sat.steps] == ["P09", "P04", "P05", "P02", "P06", "P01", "P07",
                                           "P03", "P08", "P10"]
    assert sat.not_dates == []
    # A value that is no date makes the order text's, and the report says which value.
    project.set_participant_attributes("P03", {"interview_date": "1st March"})
    sat = saturation(ReportData(project, "ana"), order_by="interview_date", orders=0)
    assert sat.not_dates == ["1st March"]
    assert ("Ordered as text, not as dates: interview_date has 1 value that is not a date "
            "('1st March')") in " ".join(notes(sat))
    # Mostly numbers (an interview number) and one date: no note about dates.
    for n in range(1, 9):
        project.set_participant_attributes(f"P{n:02d}", {"interview_date": str(n)})
    sat = saturation(ReportData(project, "ana"), order_by="interview_date", orders=0)
    assert sat.not_dates == [] and [s.case for s in sat.steps][:2] == ["P01", "P02"]


def test_the_same_verdict_for_both_thresholds_is_said_once(project: Store,
                                                           tmp_path: Path) -> None:
    sat = saturation(ReportData(project, "ana"), level=1, orders=50)
    assert [(v.threshold, v.at) for v in sat.verdicts] == [(5.0, 6), (0.0, 6)]
    lines = summary_lines(sat)
    assert lines[0] == ("Saturation (new information ≤ 5% and ≤ 0%): reached at 6 "
                        "participants (base 4, run 2, new information 0.0%): run 5-6 brought "
                        "0 new themes, of the base's 2.")
    assert lines[1].startswith("Over 50 random orders (seed 1), ≤ 5% and ≤ 0%: median")
    assert len(lines) == 2
    # Different verdicts stay one line each.
    apart = summary_lines(saturation(ReportData(project, "ana"), orders=0))
    assert [line[:40] for line in apart] == ["Saturation (new information ≤ 5%): reach",
                                             "Saturation (new information ≤ 0%): reach"]
    db = str(tmp_path / "qcahp.db")
    code_, _, _ = run("--db", db, "chart", "saturation", "--coder", "ana", "--level", "1",
                      "-o", str(tmp_path / "s.svg"))
    svg = (tmp_path / "s.svg").read_text()
    assert code_ == 0 and svg.count("saturation at 6 (≤5% and ≤0% new)") == 1
    assert "≤5% new: 6" not in svg and "cases 1-4: 2 themes" in svg


def test_random_orders_are_seeded_and_summarised() -> None:
    same = [{"a", "b"}] * 8  # every order: nothing new after the base, saturation at 6
    [five, zero] = random_orders(same, 4, 2, (5.0, 0.0), 50, 1)
    assert (five.reached, five.never, five.median, five.p5, five.p95) == (50, 0, 6, 6, 6)
    fresh = [{f"x{k}"} for k in range(8)]  # every case a new theme: never saturated
    [never] = random_orders(fresh, 4, 2, (0.0,), 20, 1)
    assert (never.reached, never.never, never.median) == (0, 20, None)
    assert first_saturation([5, 5, 5, 5, 1, 1, 0, 0], 4, 2, 5) == 7


def test_random_orders_on_the_project(project: Store) -> None:
    one = saturation(ReportData(project, "ana"), orders=200, seed=7)
    again = saturation(ReportData(project, "ana"), orders=200, seed=7)
    assert one.orders == again.orders and one.order_count == 200
    five = one.orders[0]
    # Order matters here: a base of four late interviews holds few themes, and then
    # any new theme is far over 5% of it. Most orders never reach saturation.
    assert (five.reached, five.never, five.median, five.p5, five.p95) == (87, 113, None, 7,
                                                                        None)
    assert "median not reached" in orders_lines(one)[0]
    assert "never reached in 113" in orders_lines(one)[0]
    assert saturation(ReportData(project, "ana"), orders=200, seed=8).orders[0].reached == 71


# --------------------------------------------------------------------------- the command
def test_terminal_table_fits_80_columns(project: Store, tmp_path: Path,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    db = str(tmp_path / "qcahp.db")
    code_, out, _ = run("--db", db, "saturation", "--coder", "ana", "--orders", "100",
                        "--order-by", "interview_date")
    assert code_ == 0
    assert max(len(line) for line in out.splitlines()) <= 80
    lines = out.splitlines()
    assert lines[5].split() == ["1", "P09", "11/11/2023", "1", "1", "1", "4.5", "t05"]
    assert lines[14].split() == ["10", "P10", "1", "0", "22", "100.0"]
    flat = " ".join(out.split())
    assert "Saturation (new information ≤ 5% and ≤ 0%): reached at 10 participants (base 4, " \
        "run 2, new information 0.0%): run 9-10 brought 0 new themes, of the base's 13." in flat
    assert "Over 100 random orders (seed 1), ≤ 5% and ≤ 0%: median not reached" in flat
    assert "No interview_date, so put last (in import order): P10." in flat
    # Too narrow for the new themes beside the figures: they go under their case's row.
    monkeypatch.setenv("COLUMNS", "50")
    code_, out, _ = run("--db", db, "saturation", "--coder", "ana", "--orders", "0")
    assert max(len(line) for line in out.splitlines()) <= 50
    assert "\n 5  P05        2    1     21    95.5\n    new: t21\n" in out


def test_every_file_format_parses(project: Store, tmp_path: Path) -> None:
    db = str(tmp_path / "qcahp.db")
    for suffix in ("csv", "json", "xlsx", "md", "docx"):
        code_, _, err = run("--db", db, "saturation", "--coder", "ana", "--orders", "20",
                            "-o", str(tmp_path / f"s.{suffix}"))
        assert code_ == 0 and "saturation at 7 participants" in err
    rows = list(csv.DictReader(io.StringIO((tmp_path / "s.csv").read_text("utf-8-sig"))))
    assert [r["new"] for r in rows] == ["5", "5", "5", "5", "1", "1", "0", "0", "0", "0"]
    assert (rows[6]["run"], rows[6]["run_new"], rows[6]["run_pct_of_base"]) == ("6-7", "1",
                                                                                 "5.00")
    doc = json.loads((tmp_path / "s.json").read_text())
    assert [v["reached_at"] for v in doc["verdicts"]] == [7, 8]
    assert doc["random_orders"]["orders"] == 20 and doc["selection"] is None
    book = load_workbook(tmp_path / "s.xlsx")
    assert book.sheetnames == ["curve", "runs", "verdict", "About"]
    assert book["runs"]["A3"].value == "6-7"
    assert "| 7 | P07 |" in (tmp_path / "s.md").read_text()
    text = "\n".join(p.text for p in Document(str(tmp_path / "s.docx")).paragraphs)
    assert "reached at 7 participants" in text and "Guest G, Namey E, Chen M" in text
    assert zipfile.is_zipfile(tmp_path / "s.docx")


def test_chart_is_written_and_marks_saturation(project: Store, tmp_path: Path) -> None:
    db = str(tmp_path / "qcahp.db")
    code_, _, err = run("--db", db, "chart", "saturation", "--coder", "ana", "-o",
                        str(tmp_path / "s.svg"), "--threshold", "0")
    assert code_ == 0 and "Wrote a saturation chart" in err
    svg = (tmp_path / "s.svg").read_text()
    assert "saturation at 8 (≤0% new)" in svg and "base 4, run 2" in svg
    code_, _, err = run("--db", db, "chart", "counts", "-o", str(tmp_path / "c.png"),
                        "--base", "3")
    assert code_ == 1 and "--base does not go with a counts chart" in err
    assert not (tmp_path / "c.png").exists()


def test_nothing_coded_and_too_few_cases_are_explained(tmp_path: Path) -> None:
    store = open_store(tmp_path / "qcahp.db")
    build(store)
    store.close()
    db = str(tmp_path / "qcahp.db")
    code_, out, _ = run("--db", db, "saturation", "--coder", "ben", "--where",
                        "interview_date=11/11/2023")
    assert code_ == 0
    assert "cannot be assessed: no case is coded in this selection" in out
    assert out.count("cannot be assessed") == 1  # not once per threshold
    code_, out, _ = run("--db", db, "saturation", "--coder", "ana", "--transcript", "int01",
                        "--transcript", "int02", "--transcript", "int03")
    assert code_ == 0 and "3 coded cases: the method needs at least base + run = 6" in out
    code_, _, err = run("--db", db, "saturation", "--order-by", "interviewdate")
    assert code_ == 1 and err.count("\n") == 1 and "did you mean 'interview_date'" in err
    code_, _, err = run("--db", db, "saturation", "--threshold", "lots")
    assert code_ == 2 and "'lots' is not a percentage" in err


def test_a_chart_that_assesses_nothing_says_why_as_saturation_does(tmp_path: Path) -> None:
    """The chart is written, as `chart counts` writes an empty one, and stderr carries
    the one line `qcahp saturation` prints (it said only "Wrote a saturation chart")."""
    store = open_store(tmp_path / "qcahp.db")
    build(store)
    store.close()
    db = str(tmp_path / "qcahp.db")
    for case in (["--coder", "ben", "--where", "interview_date=11/11/2023"],
                 ["--coder", "ana", "--transcript", "int01", "--transcript", "int02"]):
        _, out, _ = run("--db", db, "saturation", *case)
        said = [line for line in out.splitlines() if "cannot be assessed" in line]
        assert len(said) == 1
        chart = tmp_path / "s.png"
        code_, _, err = run("--db", db, "chart", "saturation", *case, "-o", str(chart))
        assert code_ == 0 and chart.stat().st_size > 0
        assert "Wrote a saturation chart" in err
        assert said[0] in err.splitlines() and err.count("cannot be assessed") == 1
    code_, _, err = run("--db", db, "chart", "saturation", "--coder", "ana", "-o",
                        str(tmp_path / "s.png"))
    assert code_ == 0 and "cannot be assessed" not in err


# --------------------------------------------------------------------------- --coders
def sat_json(db: str, *args: str) -> dict:
    code_, out, err = run("--db", db, "saturation", "--orders", "0", "--format", "json",
                          *args)
    assert code_ == 0, err
    return json.loads(out)


def test_coders_pools_exactly_the_coders_named(project: Store, tmp_path: Path) -> None:
    """cai codes t22 in P03, a case of the base. By hand:

    - ana, ben (cai left out): as worked out above, base 21, saturation at 6 (8 at 0%);
    - ana, cai: base 20 + t22 = 21, run 5-6 brings t21 (4.8%), run 6-7 none: 6 (7 at 0%);
    - everyone (ana, ben, cai): base 22, run 5-6 brings nothing: 6 at both thresholds.
    """
    ids = {t.participant: t.id for t in project.transcripts()}
    code(project, ids["P03"], "t22", "cai", 7)
    db = str(tmp_path / "qcahp.db")
    figures = {}
    for coders in ("ana,ben", "ana,cai", None):
        doc = sat_json(db, *(["--coders", coders] if coders else []))
        figures[coders] = (doc["base_themes"], [v["reached_at"] for v in doc["verdicts"]],
                           doc["coders"], doc["cases_coded_by"])
    assert figures == {
        "ana,ben": (21, [6, 8], ["ana", "ben"], {"ana": 10, "ben": 1}),
        "ana,cai": (21, [6, 7], ["ana", "cai"], {"ana": 10, "cai": 1}),
        None: (22, [6, 6], None, {"ana": 10, "ben": 1, "cai": 1})}
    # One coder named is that coder's coding, as --coder gives it (7, 8 at 0%).
    one = sat_json(db, "--coders", " ana ,ana")
    assert [v["reached_at"] for v in one["verdicts"]] == [7, 8] and one["coders"] == ["ana"]
    assert one["cases"] == sat_json(db, "--coder", "ana")["cases"]
    # The terminal, the chart and the workbook say whose coding was pooled.
    code_, out, _ = run("--db", db, "saturation", "--coders", "ana,cai", "--orders", "0")
    assert code_ == 0 and out.startswith("Thematic saturation (coders ana, cai pooled): ")
    code_, _, err = run("--db", db, "chart", "saturation", "--coders", "ana,cai",
                        "--threshold", "0", "-o", str(tmp_path / "s.svg"))
    svg = (tmp_path / "s.svg").read_text()
    assert code_ == 0 and "coders ana, cai pooled" in svg and "saturation at 7 (≤0% new)" in svg
    code_, _, _ = run("--db", db, "saturation", "--coders", "ana,cai", "--orders", "0",
                      "-o", str(tmp_path / "s.xlsx"))
    about = dict(load_workbook(tmp_path / "s.xlsx")["About"].iter_rows(values_only=True))
    assert code_ == 0 and about["coders"] == "coders ana, cai pooled"


@pytest.mark.parametrize(("args", "status", "said"), [
    (["--coders", "ana,bne"], 1,
     "--coders: no coder named 'bne' in this project; did you mean 'ben'? (coders: ana, ben)"),
    (["--coders", "ana,ben", "--coder", "ana"], 1, "give either --coders or --coder, not both"),
    (["--coders", "ana", "--consensus"], 1, "give either --coders or --consensus, not both"),
    (["--coders", " , "], 2, "name one or more coders, e.g. --coders ana,ben"),
])
def test_coders_errors_are_one_line(tmp_path: Path, args: list[str], status: int,
                                    said: str) -> None:
    store = open_store(tmp_path / "qcahp.db")
    build(store)
    store.close()
    db = str(tmp_path / "qcahp.db")
    for command in (["saturation"], ["chart", "saturation", "-o", str(tmp_path / "s.png")]):
        code_, out, err = run("--db", db, *command, *args)
        assert (code_, out) == (status, "") and said in err, (command, err)
        if status == 1:
            assert err.count("\n") == 1
        assert not (tmp_path / "s.png").exists()
    code_, _, err = run("--db", db, "chart", "counts", "--coders", "ana", "-o",
                        str(tmp_path / "c.png"))
    assert code_ == 1 and "--coders does not go with a counts chart" in err


def test_every_coder_pooled_leaves_the_consensus_out(project: Store, tmp_path: Path) -> None:
    """The consensus codes t01 in P01 once more (sentence 7), beside ana's (sentence 1):
    with --min-codings 2 it is the second passage that makes t01 present. The pool of
    every coder leaves the consensus out and says so; --coders can name it; --consensus
    alone has one passage. The other reports pool the same coders (session 18)."""
    ids = {t.participant: t.id for t in project.transcripts()}
    code(project, ids["P01"], "t01", "consensus", 7)
    db = str(tmp_path / "qcahp.db")
    pooled = sat_json(db, "--min-codings", "2")
    assert (pooled["themes_found"], pooled["coders"]) == (0, None)
    assert pooled["not_pooled"] == ["consensus"]
    named = sat_json(db, "--min-codings", "2", "--coders", "ana,ben,consensus")
    assert named["themes_found"] == 1 and named["cases"][0]["themes"] == ["t01"]
    assert sat_json(db, "--min-codings", "2", "--consensus")["themes_found"] == 0
    # Without --min-codings the consensus adds no theme; it is no longer a coder of
    # fewer cases in the coverage note, and the note says what assesses it.
    sat = saturation(ReportData(project), orders=0)
    assert sat.coverage == {"ana": 10, "ben": 1} and sat.not_pooled == ("consensus",)
    assert [(v.threshold, v.at) for v in sat.verdicts] == [(5.0, 6), (0.0, 8)]
    assert ("Not pooled: the consensus coding (consensus); --consensus assesses it, "
            "--coders pools exactly the coders named.") in notes(sat)
    code_, out, _ = run("--db", db, "saturation", "--orders", "0")
    assert out.startswith("Thematic saturation (all coders but consensus): ")
    code_, out, _ = run("--db", db, "counts", "--by", "coder", "--theme", "t01", "--format",
                        "json")
    assert code_ == 0 and [r["group"] for r in json.loads(out)["rows"]] == ["ana"]
