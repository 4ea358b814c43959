"""Reports over attribute values, as a first study met them.

- Attribute values sorted as text put ``12 19 20 9``: numbers now sort as numbers, ISO
  dates as dates, NHS bands in band order, in the matrix columns, the participant
  rows and the errors that list values.
- ``counts --by attribute:X`` with every transcript in ``(none)`` (a participants CSV
  keyed ids the transcripts do not have) said nothing: it now says why, and what to do.
- ``--measure transcripts`` summed the transcripts over the themes in its column total
  (an interview mentioning three themes counted three times): the totals are now the
  distinct transcripts (participants), as each cell counts them.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from qualcoder_ahp.cli import cli
from qualcoder_ahp.model.store import open_store
from qualcoder_ahp.records import Codebook, Theme
from qualcoder_ahp.reports import NO_VALUE, ReportData, attribute_matrix
from qualcoder_ahp.reports.data import value_order
from tests.conftest import make_parsed

SAID = "I fell into management by chance. The board listened to me. I led the change."
PEOPLE = {  # participant: (years in post, interview date, band)
    "P1": ("12", "2024-03-05", "8c"), "P2": ("9", "2023-12-01", "9"),
    "P3": ("20", "2024-11-30", "8a"), "P4": ("19", "2024-01-15", "10"),
}


def run(db: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["--db", str(db), *args])
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def study(tmp_path: Path) -> Path:
    """Four interviews; every one coded with serendipity and mandate, two with change."""
    db = tmp_path / "study.db"
    store = open_store(db)
    store.save_codebook(Codebook("t", (
        Theme("serendipity", "Serendipity", position=0),
        Theme("mandate", "Mandate", position=1),
        Theme("change", "Change", position=2),
    )))
    for k, (code, (years, date, band)) in enumerate(PEOPLE.items()):
        info, _ = store.add_transcript(f"t{k}", make_parsed(
            [("Q", "interviewer", f"How, {code}?"), ("Ann", "participant", SAID)]),
            participant=code)
        store.set_participant_attributes(code, {"years": years, "interviewed": date,
                                                "band": band})
        text = store.transcript_text(info.id)
        for theme, phrase in (("serendipity", "I fell into management by chance."),
                              ("mandate", "The board listened to me."),
                              ("change", "I led the change.")):
            if theme != "change" or k < 2:
                start = text.index(phrase)
                store.code(info.id, theme, "ana", start, start + len(phrase))
    store.close()
    return db


def test_value_order_numbers_dates_and_bands():
    assert value_order(["12", "19", "20", "9", NO_VALUE]) == ["9", "12", "19", "20", NO_VALUE]
    assert value_order(["1.5", "1.25", "-3", "10"]) == ["-3", "1.25", "1.5", "10"]
    assert value_order(["2024-03-05", "2023-12-01", "2024-11-30"]) == [
        "2023-12-01", "2024-03-05", "2024-11-30"]
    assert value_order(["8c", "9", "8a", "10", "5"]) == ["5", "8a", "8c", "9", "10"]
    assert value_order(["physio", "SLT", "Dietitian"]) == ["Dietitian", "physio", "SLT"]


@pytest.mark.parametrize("attribute, columns", [
    ("years", ["9", "12", "19", "20"]),
    ("interviewed", ["2023-12-01", "2024-01-15", "2024-03-05", "2024-11-30"]),
    ("band", ["8a", "8c", "9", "10"]),
])
def test_matrix_columns_sort_numbers_as_numbers(study: Path, attribute, columns):
    code, out, _ = run(study, "counts", "--by", f"attribute:{attribute}", "--format", "json")
    assert code == 0
    assert json.loads(out)["columns"] == columns
    code, out, _ = run(study, "counts", "--by", f"attribute:{attribute}", "--format", "csv")
    assert [line.split(",")[2] for line in out.splitlines()[1:5]] == columns


def test_participant_rows_sort_numbers_as_numbers(tmp_path: Path, study: Path):
    store = open_store(study)
    try:
        store.assign_participant("t0", "P10")
    finally:
        store.close()
    code, out, _ = run(study, "counts", "--by", "participant", "--format", "csv")
    rows = [line.split(",")[2] for line in out.splitlines()[1:] if line.startswith("mandate")]
    assert rows == ["P2", "P3", "P4", "P10"]


def test_the_error_listing_values_lists_them_in_order(study: Path):
    code, _, err = run(study, "counts", "--where", "years=7")
    assert code == 1 and "(years values: 9, 12, 19, 20)" in err


def test_transcripts_measure_totals_count_each_transcript_once(study: Path):
    store = open_store(study)
    try:
        matrix = attribute_matrix(ReportData(store), "band", measure="transcripts")
        people = attribute_matrix(ReportData(store), "band", measure="participants")
        segments = attribute_matrix(ReportData(store), "band", measure="segments")
    finally:
        store.close()
    cells = {r.theme_id: [c.count for c in r.cells] for r in matrix.rows}
    assert cells == {"serendipity": [1, 1, 1, 1], "mandate": [1, 1, 1, 1],
                     "change": [0, 1, 1, 0]}  # P1 (8c) and P2 (9) mention change
    # One transcript per column, four in all: not 2 3 3 2 10.
    assert matrix.column_totals == [1, 1, 1, 1] and matrix.grand_total == 4
    assert people.column_totals == [1, 1, 1, 1] and people.grand_total == 4
    assert [c.col_pct for c in matrix.rows[2].cells] == [0.0, 100.0, 100.0, 0.0]
    # Segments still add up over the themes (a passage per theme).
    assert segments.column_totals == [2, 3, 3, 2] and segments.grand_total == 10
    code, out, _ = run(study, "counts", "--by", "attribute:band", "--measure", "transcripts")
    assert code == 0
    total = next(line for line in out.splitlines() if line.startswith("column total"))
    assert total.split()[2:] == ["1", "1", "1", "1", "4"]


def test_every_transcript_in_none_is_explained(study: Path, tmp_path: Path):
    people = tmp_path / "setting.csv"
    people.write_text("participant,setting\nP01,Urban\nP02,Rural\n", encoding="utf-8")
    assert run(study, "participants", "import", str(people), "--keep-new")[0] == 0
    code, out, err = run(study, "counts", "--by", "attribute:setting")
    assert code == 0
    assert "(none)  total" in out
    assert err == (
        "note: no transcript has a value for setting, so every one is in (none); the "
        "participants with one (P01, P02) have no transcript. Attributes reach a transcript "
        "through its participant id (`qcahp transcripts` shows it: the file name unless set "
        "at import): put those ids in the participants CSV's first column and import it "
        "again, or give a transcript to a participant with `qcahp participants assign "
        "TRANSCRIPT PARTICIPANT`\n")
    # Once a transcript has a value, the matrix speaks for itself.
    assert run(study, "participants", "assign", "t0", "P01")[0] == 0
    code, out, err = run(study, "counts", "--by", "attribute:setting")
    assert code == 0 and "Urban" in out and err == ""
