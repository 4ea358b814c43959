"""Every output format parses back with the same numbers; files are owner-only."""

from __future__ import annotations

import csv
import io
import json
import os
import stat

import pytest
from openpyxl import load_workbook

from qualcoder_ahp.errors import UserError
from qualcoder_ahp.reports import ReportData, attribute_matrix, cooccurrence, quotes, theme_counts
from qualcoder_ahp.reports import exports as ex
from qualcoder_ahp.reports.text_table import to_table
from qualcoder_ahp.reports.writers import (
    Sheet,
    check_writable,
    pick_format,
    sheet_title,
    to_csv,
    to_markdown,
    to_xlsx,
    write_private,
)
from tests.test_reports import FELL, build_project


@pytest.fixture
def data(store):
    build_project(store)
    # Every coder's codings, the consensus's among them (the pooled default leaves it
    # out): these tests are of the formats, with three coders on one passage.
    return ReportData(store, coders=store.coders())


def _md_rows(text):
    lines = [x for x in text.splitlines() if x.startswith("|")]
    header = [c.strip() for c in lines[0].strip("|").split("|")]
    return header, [[c.strip() for c in x.strip("|").split(" | ")] for x in lines[2:]]


def test_counts_csv_parses_back(data):
    report = theme_counts(data, by="transcript")
    rows = list(csv.DictReader(io.StringIO(to_csv(ex.counts_sheet(report)))))
    assert list(rows[0]) == ["theme", "path", "transcript", *ex.FIGURE_COLUMNS]
    assert len(rows) == len(report.rows) == 11
    first = rows[0]
    f = report.rows[0].figures
    assert (first["theme"], first["transcript"], first["codings"], first["words"]) == (
        "career", "t1", "5", "11")
    assert first["share_pct"] == f"{f.share_pct:.2f}"


def test_counts_json_and_markdown(data):
    report = theme_counts(data)
    doc = json.loads(json.dumps(ex.counts_json(report)))
    assert doc["report"] == "counts" and doc["view"] == "theme" and doc["coder"] is None
    by_id = {r["theme_id"]: r for r in doc["rows"]}
    assert (by_id["career"]["segments"], by_id["career"]["words"]) == (4, 24)
    assert by_id["serendipity"]["path"] == "Career route / Serendipity"
    assert by_id["career"]["share_pct"] == round(report.rows[0].figures.share_pct, 4)
    header, rows = _md_rows(to_markdown([ex.counts_sheet(report)]))
    assert header == ["theme", "path", *ex.FIGURE_COLUMNS]
    assert [r[0] for r in rows] == ["career", "winding", "serendipity", "mandate", "weapon"]
    assert rows[0][3] == "4" and rows[0][8] == f"{report.rows[0].figures.share_pct:.1f}"
    table = to_table([ex.counts_sheet(report, indent=True)]).splitlines()
    assert table[0].split()[:3] == ["theme", "path", "codings"]
    assert table[3].startswith("  winding")


def test_matrix_formats(data):
    m = attribute_matrix(data, "profession")
    long = list(csv.DictReader(io.StringIO(to_csv(ex.matrix_long_sheet(m)))))
    assert list(long[0]) == ["theme", "path", "profession", "segments", "row_pct", "col_pct"]
    assert [(r["profession"], r["segments"], r["row_pct"], r["col_pct"]) for r in long[:3]] == [
        ("physio", "1", "25.00", "50.00"), ("SLT", "2", "50.00", "66.67"),
        ("(none)", "1", "25.00", "50.00")]
    doc = ex.matrix_json(m)
    assert doc["columns"] == ["physio", "SLT", "(none)"]
    assert doc["column_totals"] == {"physio": 2, "SLT": 3, "(none)": 2}
    assert doc["rows"][0]["cells"][1] == {"value": "SLT", "count": 2, "row_pct": 50.0,
                                          "col_pct": 66.6667}
    sheets = ex.matrix_sheets(m)
    assert [s.name for s in sheets] == ["profession n", "profession row %", "profession col %"]
    assert sheets[0].rows[-1] == ["column total", "", 2, 3, 2, 7]
    header, rows = _md_rows(to_markdown(sheets))
    assert header == ["theme", "path", "physio", "SLT", "(none)", "total"]
    assert rows[0][2:] == ["1", "2", "1", "4"]


def test_xlsx_header_widths_and_sheets(data):
    sheets = [ex.counts_sheet(theme_counts(data)),
              *ex.matrix_sheets(attribute_matrix(data, "profession")),
              ex.quotes_sheet(quotes(data), ["profession", "band"])]
    wb = load_workbook(io.BytesIO(to_xlsx(sheets)))
    assert wb.sheetnames == ["Themes", "profession n", "profession row %", "profession col %",
                             "Quotes"]
    ws = wb["Themes"]
    assert [c.value for c in ws[1]] == ["theme", "path", *ex.FIGURE_COLUMNS]
    assert all(c.font.bold for c in ws[1])
    assert ws.freeze_panes == "A2"
    assert ws["A2"].value == "career" and ws["D2"].value == 4
    assert ws.column_dimensions["B"].width == len("Career route / Winding route through "
                                                  "non-traditional roles") + 2
    assert ws.column_dimensions["C"].width == len("codings") + 2
    assert ws["I2"].number_format == "0.0"
    q = wb["Quotes"]
    header = [c.value for c in q[1]]
    assert header[:6] == ["theme", "theme_path", "transcript", "participant", "profession",
                          "band"]
    col = header.index("quote") + 1
    assert q.column_dimensions[q.cell(1, col).column_letter].width == 80
    assert q.cell(2, col).alignment.wrap_text
    assert q.max_row == 12  # header + 11 codings
    row_pct = wb["profession row %"]
    assert row_pct["D2"].value == 50.0


def test_xlsx_keeps_formula_like_text_as_text():
    wb = load_workbook(io.BytesIO(to_xlsx([Sheet("s", ["a"], [["=1+1"], ["\x07bell"]])])))
    assert wb["s"]["A2"].value == "=1+1" and wb["s"]["A2"].data_type == "s"
    assert wb["s"]["A3"].value == "bell"


def test_sheet_titles_are_valid_and_unique():
    taken: set[str] = set()
    assert sheet_title("a/b:c", taken) == "a-b-c"
    assert sheet_title("A/B:C", taken) == "A-B-C (2)"
    assert len(sheet_title("x" * 40, taken)) == 31


def test_quotes_csv_json_markdown(data):
    rows = quotes(data, theme="serendipity")
    parsed = list(csv.DictReader(io.StringIO(to_csv(ex.quotes_sheet(rows, ["band",
                                                                           "profession"])))))
    # Same start: by coding id (alice, bob, consensus), then alice's second coding.
    assert [(r["quote"], r["coder"]) for r in parsed][:4] == [
        (FELL, "alice"), (FELL, "bob"), (FELL, "consensus"),
        ("management by chance. It was", "alice")]
    assert parsed[0]["profession"] == "physio" and parsed[0]["speaker"] == "Asha"
    doc = ex.quotes_json(rows, None, "serendipity")
    assert doc["theme"] == "serendipity" and len(doc["quotes"]) == 6
    assert doc["quotes"][0]["attributes"] == {"band": "8c", "profession": "physio"}
    header, md = _md_rows(to_markdown([ex.quotes_sheet(rows, [], flat=True)]))
    assert "attributes" in header
    assert md[0][header.index("attributes")] == "profession: physio; band: 8c"


def test_markdown_escapes_pipes_and_newlines():
    text = to_markdown([Sheet("s", ["a"], [["x | y\nz"]])])
    assert "x \\| y<br>z" in text


def test_markdown_table_cells_are_literal_text():
    """A quote's `*`, backticks, brackets and HTML show as typed in every Markdown table
    (quotes, log, counts), as `qcahp show --format md` escapes them; underscores inside
    words (theme ids, file names) are left alone."""
    text = to_markdown([Sheet("s", ["theme_id", "quote"],
                              [["non_traditional_roles", "a *b* `c` [d] <i>e</i> \\ f"]])])
    assert ("| non_traditional_roles | a \\*b\\* \\`c\\` \\[d\\] \\<i>e\\</i> \\\\ f |"
            in text)


def test_docx_groups_quotes_by_theme(data):
    from docx import Document

    raw = ex.quotes_docx(quotes(data, theme="career"), "Quotes")
    doc = Document(io.BytesIO(raw))
    headings = [p.text for p in doc.paragraphs if p.style.name == "Heading 1"]
    # The participants' attributes follow the quotes once, in a table (session 21).
    assert headings == ["Career route / Winding route through non-traditional roles",
                        "Career route / Serendipity", "Participants"]
    quoted = [p.text for p in doc.paragraphs if p.style.name == "Quote"]
    # 8 codings; "I fell into management by chance." was coded by 3 coders: printed once
    assert quoted[0] == "\u201cIt was a winding road.\u201d" and len(quoted) == 6
    assert any("P01, transcript t1, turn 2, speaker Asha; "
               "coder alice, manual" in p.text for p in doc.paragraphs)
    assert [[c.text for c in r.cells] for r in doc.tables[0].rows][:2] == [
        ["participant", "transcripts", "profession", "band"], ["P01", "t1", "physio", "8c"]]


def test_write_private_is_owner_only(tmp_path):
    target = tmp_path / "out.csv"
    target.write_text("old")
    os.chmod(target, 0o644)
    write_private(target, "a,b\n")
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o600
    assert target.read_text(encoding="utf-8-sig") == "a,b\n"
    fresh = write_private(tmp_path / "new.xlsx", b"PK")
    assert stat.S_IMODE(os.stat(fresh).st_mode) == 0o600


def test_unwritable_outputs_are_user_errors(tmp_path):
    with pytest.raises(UserError, match="no such folder"):
        check_writable(tmp_path / "missing" / "x.csv")
    with pytest.raises(UserError, match="is a directory"):
        check_writable(tmp_path)
    with pytest.raises(UserError, match="cannot write the output file"):
        write_private(tmp_path / "missing" / "x.csv", "x")


def test_pick_format():
    assert pick_format(None, "a.XLSX", "table") == "xlsx"
    assert pick_format("csv", "a.xlsx", "table") == "csv"
    assert pick_format(None, None, "md") == "md"
    assert pick_format(None, "noext", "table") == "table"


def test_csv_files_carry_a_bom_for_excel_and_keep_non_ascii(tmp_path):
    # Excel opens a BOM-less UTF-8 CSV in the legacy code page ("ZoÃ©"); the mark
    # makes it read UTF-8. Only files get it, and only once.
    sheet = Sheet("q", ["speaker", "quote"],
                  [["Zoé O’Neill", 'She said, "why not?"\nthen left 😊']])
    target = write_private(tmp_path / "q.CSV", to_csv(sheet))
    raw = target.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and not raw.startswith(b"\xef\xbb\xbf" * 2)
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    assert rows == [["speaker", "quote"], ["Zoé O’Neill", 'She said, "why not?"\nthen left 😊']]
    again = write_private(tmp_path / "again.csv", "\ufeffa\n").read_bytes()
    assert again == b"\xef\xbb\xbfa\n"
    assert not to_csv(sheet).startswith("\ufeff")  # the terminal / a pipe gets none
    md = write_private(tmp_path / "q.md", "Zoé\n").read_bytes()
    assert md == "Zoé\n".encode()


def _timed_project(store):
    """One timed interview with non-ASCII names, a memo with quotes, a comma and a newline."""
    from qualcoder_ahp.records import Codebook, ParsedTranscript, Sentence, Theme, Turn

    store.save_codebook(Codebook("t", (Theme("ser", "Sérendipité ’chance’", position=0),)))
    q, a = "How did you start?", "I fell into it by chance 😊, honestly."
    text = q + "\n\n" + a
    s = len(q) + 2
    parsed = ParsedTranscript(text, [Turn("Int", "interviewer", 0, len(q), "00:00:02"),
                                     Turn("Zoé O’Neill", "participant", s, len(text),
                                          "00:14:05")],
                              "vtt", [Sentence(0, len(q), 0), Sentence(s, len(text), 1)])
    info, _ = store.add_transcript("zoé", parsed, participant="P9")
    store.set_participant_attributes("P9", {"profession": "Ergothérapeute"})
    coding = store.code(info.id, "ser", "Benoît", s, len(text))
    store.set_memo("Benoît", "coding", coding.id, 'Says "by chance",\nnot planned')
    return ReportData(store)


def test_quotes_carry_turn_and_timestamp_in_every_format(store, tmp_path):
    # Character offsets cannot be cited; the turn number and the source's timestamp
    # are how a reader finds the quote in the transcript.
    data = _timed_project(store)
    rows = quotes(data)
    assert [(q.turn, q.time, q.speaker) for q in rows] == [(2, "00:14:05", "Zoé O’Neill")]
    sheet = ex.quotes_sheet(rows, ["profession"])
    parsed = list(csv.DictReader(io.StringIO(to_csv(sheet))))
    assert parsed[0]["turn"] == "2" and parsed[0]["time"] == "00:14:05"
    assert parsed[0]["speaker"] == "Zoé O’Neill" and parsed[0]["memo"] == 'Says "by chance",\nnot planned'
    assert parsed[0]["quote"] == "I fell into it by chance 😊, honestly."
    doc = ex.quotes_json(rows, None, None)["quotes"][0]
    assert (doc["turn"], doc["time"]) == (2, "00:14:05")
    book = load_workbook(io.BytesIO(to_xlsx([sheet])))
    head, first = list(book.active.iter_rows(values_only=True))
    got = dict(zip(head, first, strict=True))
    assert got["turn"] == 2 and got["time"] == "00:14:05" and got["profession"] == "Ergothérapeute"
    assert got["memo"] == 'Says "by chance",\nnot planned'
    md = to_markdown([ex.quotes_sheet(rows, ["profession"], flat=True)])
    assert "| Zoé O’Neill | 2 | 00:14:05 | I fell into it by chance 😊, honestly. |" in md
    from docx import Document

    word = Document(io.BytesIO(ex.quotes_docx(rows, "Quotes")))
    texts = [p.text for p in word.paragraphs]
    assert "Sérendipité ’chance’" in texts
    assert "\u201cI fell into it by chance 😊, honestly.\u201d" in texts
    assert any(t.startswith("\u2014 P9, transcript zoé, turn 2 "
                            "(00:14:05), speaker Zoé O’Neill; coder Benoît, manual") for t in texts)
    assert [c.text for c in word.tables[0].rows[1].cells] == ["P9", "zoé", "Ergothérapeute"]


def test_empty_reports_say_so_in_text_formats(store):
    store.ensure_coder("dora")
    data = ReportData(store, "dora")
    sheet = ex.quotes_sheet(quotes(data), [], flat=True)
    md = to_markdown([sheet])
    assert md.startswith("## Quotes\n\n(none: nothing is coded in this selection)")
    assert "|" not in md
    assert "(none: nothing is coded in this selection)" in to_table([sheet])
    assert to_csv(sheet).splitlines() == [",".join(sheet.columns)]  # CSV: the header only


def test_docx_prints_a_passage_coded_by_several_coders_once(store):
    # Pooled quotes: alice, bob and consensus all coded "I fell into management by
    # chance." as Serendipity; Word printed it three times, one per coder.
    build_project(store)
    from docx import Document

    every = ReportData(store, coders=store.coders())  # the consensus too, as pooled once
    doc = Document(io.BytesIO(ex.quotes_docx(quotes(every, theme="serendipity"), "Quotes")))
    texts = [p.text for p in doc.paragraphs]
    assert texts.count(f"\u201c{FELL}\u201d") == 1
    assert ("\u2014 P01, transcript t1, turn 2, speaker Asha; "
            "coders alice, bob, consensus (alice: manual, bob: manual, consensus: consensus)"
            in texts)
    quoted = [t for t in texts if t.startswith("\u201c")]
    assert len(quoted) == 4  # 6 codings, of which 3 over the same passage


def test_markdown_titles_name_the_view_and_the_coders(data):
    themes = to_markdown([ex.counts_sheet(theme_counts(data))])
    assert themes.startswith("## Theme counts (all coders)\n")
    by = to_markdown([ex.counts_sheet(theme_counts(data, by="transcript"))])
    assert by.startswith("## Theme counts, by transcript (all coders)\n")
    pooled = to_markdown([ex.quotes_sheet(quotes(data), [], flat=True)])
    assert pooled.startswith("## Quotes (coders alice, bob, consensus)\n")
    bob = ReportData(data.store, "bob")
    assert to_markdown([ex.quotes_sheet(quotes(bob), [], flat=True)]).startswith(
        "## Quotes (coder bob)\n")


def test_cooccurrence_text_formats_explain_the_diagonal_and_blank_cells(data):
    sheet = ex.cooccurrence_sheet(cooccurrence(data, unit="sentence"))
    md = to_markdown([sheet]).splitlines()
    last_row = max(i for i, line in enumerate(md) if line.startswith("| mandate |"))
    assert md[last_row + 2].startswith("Cell: sentences touched by a coding of each theme.")
    assert "Blank: a theme and its own parent or child." in to_table([sheet])
    # CSV stays a plain grid for R or pandas
    assert "Cell:" not in to_csv(sheet)


def test_same_passage_groups_identical_codings_of_a_theme(data):
    rows = quotes(data, theme="serendipity")
    groups = ex.same_passage(rows)
    assert sum(len(g) for g in groups) == len(rows) == 6
    assert [len(g) for g in groups] == [3, 1, 1, 1]  # alice, bob, consensus: one passage
    assert {q.coder for q in groups[0]} == {"alice", "bob", "consensus"}


def test_attribution_names_a_transcript_named_after_its_participant_once():
    """``physio_helen, transcript physio_helen, turn 4`` said the name twice; a
    participant's second interview, named otherwise, is still named."""
    q = ex_quote(transcript="physio_helen", participant="physio_helen")
    assert ex.attribution(q) == "physio_helen, turn 4, speaker Helen; coder ana, suggestion"
    second = ex_quote(transcript="physio_helen_2", participant="physio_helen")
    assert ex.attribution(second).startswith("physio_helen, transcript physio_helen_2, turn 4")


def ex_quote(**fields):
    from qualcoder_ahp.reports.quotes import Quote
    base = dict(coding_id=1, theme_id="serendipity", theme_path="career/serendipity",
                transcript="t1", participant="P01", attributes={}, speaker="Helen", turn=4,
                time=None, quote="I fell into it.", context="", coder="ana", memo=None,
                origin="suggestion", start=0, end=15)
    return Quote(**{**base, **fields})


def test_markdown_aligns_an_empty_column_left_and_numbers_right():
    """A memo column nobody wrote in was right-aligned (``---:``) as if it held numbers."""
    from qualcoder_ahp.reports.writers import Sheet, to_markdown
    md = to_markdown([Sheet("t", ["theme", "codings", "memo"],
                            [["luck", 3, ""], ["roles", 12, None]])])
    assert "|---|---:|---|" in md


def test_xlsx_times_are_date_time_cells(tmp_path):
    """The log's and memos' times were ISO text in XLSX, which a spreadsheet cannot sort
    or filter by date; they are date-time cells in UTC (text that is no time stays text)."""
    from datetime import datetime

    from qualcoder_ahp.reports.writers import Sheet, to_xlsx
    sheet = Sheet("log", ["event", "time", "what"],
                  [[1, "2026-11-27T05:17:05.416575+00:00", "accepted"],
                   [2, "2026-11-27T06:17:05+01:00", "rejected"],
                   [3, "2026-11-27 07:01", "memo"], [4, "not a time", "odd"]],
                  times={"time"})
    path = tmp_path / "log.xlsx"
    path.write_bytes(to_xlsx([sheet]))
    ws = load_workbook(path).active
    # a spreadsheet keeps times to the millisecond
    assert abs(ws["B2"].value - datetime(2026, 11, 27, 5, 17, 5, 416575)).total_seconds() < 1e-3
    assert ws["B2"].number_format == "yyyy-mm-dd hh:mm:ss"
    assert ws["B3"].value == datetime(2026, 11, 27, 5, 17, 5)
    assert ws["B4"].value == datetime(2026, 11, 27, 7, 1)
    assert ws["B5"].value == "not a time"
    assert ws.column_dimensions["B"].width == 21
