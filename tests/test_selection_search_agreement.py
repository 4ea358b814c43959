"""``--transcript`` and ``--where`` on ``search``, ``agreement`` and ``disagreements``.

The project is the reports tests' one (:func:`tests.test_reports.build_project`): t1 by
P01 (profession physio, band 8c, 105 characters), t2 by P02 (SLT, 8a, 107), t3 by P03
(band 9, no profession, 68); coders alice and bob (codings listed in that module). The
figures below are counted by hand from those codings.
"""

from __future__ import annotations

import csv
import io
import json

from openpyxl import load_workbook

from qualcoder_ahp.model.store import open_store
from tests.conftest import make_parsed
from tests.test_report_selection import fail, run
from tests.test_reports import FELL, SER_ALICE, c


def agreement(db, *args):
    # Every speaker's text: the figures below count every character of each transcript.
    rows = json.loads(run(db, "agreement", "--coders", "alice,bob", "--format", "json",
                          "--speakers", "all", *args).stdout)
    return rows, {(r["view"], r["theme"], r["transcript"]): r for r in rows}


def kappa(n11, n10, n01, n00):
    n = n11 + n10 + n01 + n00
    po = (n11 + n00) / n
    pe = ((n11 + n10) * (n11 + n01) + (n01 + n00) * (n10 + n00)) / n ** 2
    return (po - pe) / (1 - pe)


PHYSIO_OR_SLT = "profession = physio or SLT: 2 of 3 transcripts (t1, t2)"


# ---------------------------------------------------------------- agreement
def test_agreement_on_a_subset_is_its_transcripts_figures(db):
    rows, by = agreement(db, "--where", "profession=physio", "--where", "profession=slt")
    ser = by[("theme", "serendipity", "(selected)")]
    # t1: alice's merged serendipity span covers bob's FELL and 7 characters more;
    # t2: bob's "My career was never planned." alone; 105 + 107 characters.
    mine = c("My career was never planned.")
    assert (ser["units"], ser["n11"], ser["n10"], ser["n01"]) == (
        212, c(FELL), c(SER_ALICE) - c(FELL), mine) == (212, 33, 7, 28)
    assert ser["n00"] == 212 - 33 - 7 - 28 == 144
    assert abs(ser["cohen_kappa"] - kappa(33, 7, 28, 144)) < 1e-9
    assert round(ser["cohen_kappa"], 3) == 0.551
    mandate = by[("theme", "mandate", "(selected)")]
    assert (mandate["n11"], mandate["n10"], mandate["n01"], mandate["n00"]) == (0, 25, 28, 159)
    # Pooled over the three themes coded in t1 and t2 (session 21: weapon, which nobody
    # coded there, is left out of the pooled row as of the mean).
    assert by[("theme", "weapon", "(selected)")]["n00"] == 212
    overall = by[("overall", "(pooled over 3 themes coded; 1 nobody coded left out)",
                  "(selected)")]
    assert overall["units"] == 3 * 212
    assert {r["selection"] for r in rows} == {PHYSIO_OR_SLT}
    # The same transcripts named: the same figures, to the last digit.
    named, _ = agreement(db, "--transcript", "t1", "--transcript", "t2")
    strip = [{k: v for k, v in r.items() if k != "selection"} for r in rows]
    assert strip == [{k: v for k, v in r.items() if k != "selection"} for r in named]
    assert {r["selection"] for r in named} == {"2 of 3 transcripts (t1, t2)"}
    # And the cells of the whole project's t1 and t2, added up.
    whole, cells = agreement(db, "--by", "transcript")
    assert all("selection" not in r for r in whole)
    for theme in ("winding", "serendipity", "mandate", "weapon"):
        pooled = by[("theme", theme, "(selected)")]
        for key in ("units", "n11", "n10", "n01", "n00"):
            assert pooled[key] == sum(cells[("theme x transcript", theme, t)][key]
                                      for t in ("t1", "t2"))


def test_agreement_by_transcript_and_mean_cover_the_chosen_transcripts(db):
    rows, by = agreement(db, "--where", "band=9", "--by", "all")
    cells = [r for r in rows if r["view"] == "theme x transcript"]
    assert {r["transcript"] for r in cells} == {"t3"} and len(cells) == 4
    # t3: alice's mandate "I sit on the trust board." (25), bob's serendipity "Luck
    # played a part." (19), of 68 characters.
    assert by[("theme", "mandate", "(selected)")]["n10"] == 25
    assert by[("theme", "serendipity", "(selected)")]["n01"] == 19
    mean = next(r for r in rows if r["view"] == "mean")
    # Over the two themes coded in t3 (session 21: the pooled row, and so the units the
    # mean row gives, leave out the themes nobody coded there).
    assert mean["transcript"] == "(selected)" and mean["units"] == 2 * 68
    single, _ = agreement(db, "--transcript", "t3", "--by", "all")
    assert [{k: v for k, v in r.items() if k != "selection"} for r in single] == [
        {k: v for k, v in r.items() if k != "selection"} for r in rows]
    out = run(db, "agreement", "--coders", "alice,bob", "--where", "band!=9").stdout
    assert out.rstrip().endswith(PHYSIO_OR_SLT.replace("profession = physio or SLT",
                                                       "band != 9"))
    assert "Selection:" not in run(db, "agreement", "--coders", "alice,bob").stdout


def test_agreement_files_say_the_selection(db, tmp_path):
    args = ("agreement", "--coders", "alice,bob", "--where", "profession=physio")
    data = list(csv.DictReader(io.StringIO(run(db, *args, "--format", "csv").stdout)))
    assert {r["selection"] for r in data} == {"profession = physio: 1 of 3 transcripts (t1)"}
    md = run(db, *args, "--format", "md").stdout
    assert md.rstrip().endswith("Selection: profession = physio: 1 of 3 transcripts (t1)")
    run(db, *args, "-o", str(tmp_path / "a.xlsx"))
    about = {r[0]: r[1] for r in load_workbook(tmp_path / "a.xlsx")["About"].iter_rows(
        values_only=True)}
    assert about["selection"] == "profession = physio"
    assert about["transcripts selected"] == "1 of 3: t1"
    run(db, "agreement", "--coders", "alice,bob", "-o", str(tmp_path / "b.xlsx"))
    about = {r[0]: r[1] for r in load_workbook(tmp_path / "b.xlsx")["About"].iter_rows(
        values_only=True)}
    assert about["selection"] == "all transcripts (3)"


def test_agreement_name_is_still_the_latest_version(db):
    store = open_store(db)
    store.add_transcript("t1", make_parsed([("Asha", "participant", "Something new.")]),
                         participant="P01", new_version=True)
    store.close()
    # t1 alone is its latest version, as before (no coding in it yet); t1@1 the old one.
    _, latest = agreement(db, "--transcript", "t1", "--by", "transcript")
    assert {k[2] for k in latest} == {"t1@2"}
    # Version 1 is named t1@1 beside a t1@2, as in every report (it was "t1" here while
    # the Selection line, counts and search said t1@1).
    _, old = agreement(db, "--transcript", "t1@1", "--by", "transcript")
    assert {k[2] for k in old} == {"t1@1"}
    assert old[("theme x transcript", "serendipity", "t1@1")]["n11"] == 33
    # --where keeps every version of the matching participants' transcripts.
    _, both = agreement(db, "--where", "profession=physio", "--by", "transcript")
    assert {k[2] for k in both} == {"t1@1", "t1@2"}


def test_agreement_and_disagreements_selection_errors(db):
    for command in ("agreement", "disagreements"):
        assert fail(db, command, "--coders", "alice,bob", "--where", "profession=phsyio") == (
            "Error: no participant has profession 'phsyio'; did you mean 'physio'? "
            "(profession values: physio, SLT, (none))")
        assert fail(db, command, "--coders", "alice,bob", "--where", "profesion=SLT") == (
            "Error: no participant attribute 'profesion'; did you mean 'profession'? "
            "(attributes: profession, band)")
        assert fail(db, command, "--coders", "alice,bob", "--where", "profession=SLT",
                    "--where", "band=9").startswith(
            "Error: no transcript matches profession = SLT and band = 9")


# ---------------------------------------------------------------- disagreements
def test_disagreements_of_the_chosen_transcripts(db):
    args = ("disagreements", "--coders", "alice,bob", "--where", "band=9")
    rows = list(csv.DictReader(io.StringIO(run(db, *args, "--format", "csv").stdout)))
    assert [(r["transcript"], r["theme"], r["text"], r["selection"]) for r in rows] == [
        ("t3", "serendipity", "Luck played a part.", "band = 9: 1 of 3 transcripts (t3)"),
        ("t3", "mandate", "I sit on the trust board.", "band = 9: 1 of 3 transcripts (t3)")]
    out = run(db, *args).stdout
    assert "Selection: band = 9: 1 of 3 transcripts (t3)" in out
    assert "2 disagreeing spans." in out and "The board listened" not in out
    none = run(db, *args, "--theme", "weapon").stdout
    assert none.strip() == "No disagreements. Selection: band = 9: 1 of 3 transcripts (t3)"
    whole = list(csv.DictReader(io.StringIO(run(
        db, "disagreements", "--coders", "alice,bob", "--format", "csv").stdout)))
    assert len(whole) > 2 and "selection" not in whole[0]


# ---------------------------------------------------------------- search
def test_search_where_finds_in_the_chosen_transcripts_and_says_so(db, tmp_path):
    args = ("search", "board", "the", "--word", "--where", "profession!=physio")
    result = run(db, *args, "--format", "json")
    doc = json.loads(result.stdout)
    # t2 "I report to the chief nurse."; t3 "What about the board?", "I sit on the
    # trust board." (the, board, the, board); t1 (physio) is not searched.
    assert [(h["transcript"], h["match"]) for h in doc["hits"]] == [
        ("t2", "the"), ("t3", "the"), ("t3", "board"), ("t3", "the"), ("t3", "board")]
    assert doc["transcripts_searched"] == 2
    assert doc["selection"] == {"transcript_names": [], "transcripts": ["t2", "t3"], "of": 3,
                                "where": [{"attribute": "profession", "equals": [],
                                           "not": ["physio"]}]}
    assert result.stderr.startswith("5 hits in 2 of 2 transcripts")
    label = "profession != physio: 2 of 3 transcripts (t2, t3)"
    data = list(csv.DictReader(io.StringIO(run(db, *args, "--format", "csv").stdout)))
    assert len(data) == 5 and {r["selection"] for r in data} == {label}
    assert run(db, *args).stdout.rstrip().endswith(f"Selection: {label}")
    assert run(db, *args, "--format", "md").stdout.rstrip().endswith(f"Selection: {label}")
    run(db, *args, "-o", str(tmp_path / "s.xlsx"))
    about = {r[0]: r[1] for r in load_workbook(tmp_path / "s.xlsx")["About"].iter_rows(
        values_only=True)}
    assert about["selection"] == "profession != physio"
    assert about["transcripts selected"] == "2 of 3: t2, t3"
    nothing = run(db, "search", "winding", "--where", "band=9").stdout
    assert nothing == "(no hits)\n\nSelection: band = 9: 1 of 3 transcripts (t3)\n"


def test_search_transcript_as_before_and_all_without_options(db):
    named = json.loads(run(db, "search", "board", "--transcript", "t3", "--format",
                           "json").stdout)
    assert [h["transcript"] for h in named["hits"]] == ["t3", "t3"]
    assert named["selection"]["transcript_names"] == ["t3"]
    whole = json.loads(run(db, "search", "board", "--format", "json").stdout)
    assert whole["selection"] is None and whole["transcripts_searched"] == 3
    assert [h["transcript"] for h in whole["hits"]] == ["t1", "t3", "t3"]
    plain = list(csv.DictReader(io.StringIO(run(db, "search", "board", "--format",
                                                "csv").stdout)))
    assert "selection" not in plain[0]
    assert fail(db, "search", "board", "--where", "band=8b").startswith(
        "Error: no participant has band '8b'")
