"""Session 21, reports a researcher pastes into a paper: XLSX filters, the Word quotes'
attributes, one word count, and who moved a framework summary."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from click.testing import CliRunner
from openpyxl import load_workbook

from qualcoder_ahp.cli import cli


def run(db: Path, *args: str):
    result = CliRunner().invoke(cli, ["--db", str(db), *args])
    assert result.exit_code == 0, (result.output, result.exception)
    return result


# ------------------------------------------------------------------ XLSX: filter, frozen header
def test_every_sheet_of_an_export_has_filter_buttons_and_a_frozen_header(db: Path,
                                                                         tmp_path: Path) -> None:
    """A researcher opening counts.xlsx or quotes.xlsx sorts and filters by the header
    row, which stays in view; a matrix's column total stays out of the filter (sorting
    would bury it among the themes)."""
    for name, args in (("counts.xlsx", ("counts", "--by", "attribute:profession")),
                       ("quotes.xlsx", ("quotes",)), ("memos.xlsx", ("memos",)),
                       ("log.xlsx", ("log",)), ("co.xlsx", ("cooccurrence",))):
        out = tmp_path / name
        run(db, *args, "-o", str(out))
        book = load_workbook(out)
        for sheet in book:
            # A matrix keeps its theme column in view too (session 24).
            matrix = sheet.title.endswith((" n", " %")) or sheet.title.startswith("Co-occ")
            assert sheet.freeze_panes == ("B2" if matrix else "A2"), (name, sheet.title)
            last = sheet.max_row - (1 if sheet.title.endswith(" n") else 0)
            width = sheet.max_column
            expected = f"A1:{sheet.cell(1, width).column_letter}{last}"
            assert sheet.auto_filter.ref == expected, (name, sheet.title)
        if name == "counts.xlsx":
            total = book["profession n"]
            assert total.cell(total.max_row, 1).value == "column total"
        # The workbook names each filter as Excel does (its hidden _FilterDatabase).
        with zipfile.ZipFile(out) as zf:
            names = re.findall(r'<definedName name="_xlnm._FilterDatabase" '
                               r'localSheetId="(\d+)" hidden="1">([^<]*)</definedName>',
                               zf.read("xl/workbook.xml").decode())
        assert len(names) == len(book.sheetnames), name
        first = book.worksheets[0]
        assert names[0] == ("0", f"'{first.title}'!$A$1:$"
                            + re.sub(r"(\d+)$", r"$\1", first.auto_filter.ref.split(":")[1]))


def test_an_empty_export_still_filters_its_header(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "none.xlsx"
    run(db, "quotes", "--theme", "weapon", "-o", str(out))
    sheet = load_workbook(out)["Quotes"]
    assert sheet.max_row == 1 and sheet.auto_filter.ref == "A1:Q1"


# ------------------------------------------------------------------ Word: attributes once
def test_word_quotes_give_each_participants_attributes_once(db: Path, tmp_path: Path) -> None:
    """An appendix of quotes named every participant's attributes under every quote;
    each quote now names its participant, transcript, turn and speaker, and a table at
    the end gives each participant's attributes once."""
    from docx import Document

    out = tmp_path / "quotes.docx"
    run(db, "quotes", "--coder", "alice", "-o", str(out))
    doc = Document(str(out))
    texts = [p.text for p in doc.paragraphs]
    credits = [t for t in texts if t.startswith("\u2014 ")]
    assert credits and not any("profession" in t or "band" in t for t in credits)
    assert "\u2014 P01, transcript t1, turn 2, speaker Asha; coder alice, manual" in credits
    assert texts.count("Participants") == 1
    table = [[c.text for c in row.cells] for row in doc.tables[-1].rows]
    quoted = sorted({t.split(",")[0][2:] for t in credits})
    assert table[0] == ["participant", "transcripts", "profession", "band"]
    assert [row[0] for row in table[1:]] == quoted
    assert ["P01", "t1", "physio", "8c"] in table


# ------------------------------------------------------------------ who moved a summary
def test_a_summary_moved_by_participants_assign_is_logged_for_who_ran_it(
        tmp_path: Path, monkeypatch) -> None:
    """The audit trail said the summary's coder moved it, and that coder's undo took
    the move back: it is the doing of whoever ran ``qcahp participants assign``."""
    import csv
    import io

    from qualcoder_ahp.model.store import open_store
    from tests.test_framework import extend

    db = tmp_path / "qcahp.db"
    store = open_store(db)
    extend(store)
    store.set_cell_summary("alice", "fg", "weapon", "The group's word for AHPs.")
    store.close()
    monkeypatch.setenv("LOGNAME", "hana")
    result = run(db, "participants", "assign", "fg", "P02")
    assert "1 framework summary of fg moved to P02's cells" in result.stdout
    assert "qcahp undo" not in result.stdout
    rows = list(csv.DictReader(io.StringIO(run(db, "log", "--format", "csv").stdout)))
    last = rows[-1]
    assert (last["coder"], last["kind"]) == ("", "memo")
    assert last["what"] == ("moved alice's framework summary of transcript fg on Untapped "
                            "secret weapon to participant P02, whose transcripts went there "
                            "(qcahp participants assign, by hana)")
    # alice's undo is hers: the summary stays where the transcripts went.
    run(db, "undo", "--coder", "alice")
    store = open_store(db)
    try:
        assert store.memo("alice", "cell", "participant:P02|weapon") == (
            "fg: The group's word for AHPs.")
    finally:
        store.close()


# ------------------------------------------------------------------ words: one word count
def test_words_counts_words_as_counts_and_the_transcript_list_do(tmp_path: Path) -> None:
    """``qcahp words`` counted spaCy tokens ("didn't" two, a dash none) where ``qcahp
    counts`` and the transcript list count whitespace-separated words: the same coded
    text had two word counts. Now they agree, and a key-word summary over the
    participants' turns says what ``qcahp counts`` counts besides."""
    import json

    from qualcoder_ahp.model.store import open_store
    from qualcoder_ahp.records import Codebook, Theme
    from tests.conftest import make_parsed

    db = tmp_path / "w.db"
    store = open_store(db)
    store.save_codebook(Codebook("w", (Theme("luck", "Luck", position=0),)))
    turns = [("Int", "interviewer", "Didn't you plan it - the well-known route?"),
             ("Ann", "participant", "I didn't plan it. It wasn't planned \u2014 "
                                    "it's luck, a by-chance move."),
             ("Int", "interviewer", "And then?"),
             ("Ann", "participant", "Then the board. I'd say I got lucky, twice.")]
    info, _ = store.add_transcript("t1", make_parsed(turns), participant="P1")
    text = store.transcript_text(info.id)
    start, end = text.index("Didn't"), text.index("a by-chance move.") + 17
    store.code(info.id, "luck", "ana", start, end)
    total = store.transcript(info.id).words
    store.close()

    counts = json.loads(run(db, "counts", "--coder", "ana", "--format", "json").stdout)
    coded = counts["rows"][0]["words"]
    every = json.loads(run(db, "words", "--theme", "luck", "--coder", "ana", "--role", "all",
                           "--min-count", "1", "--max-p", "1", "--format", "json").stdout)
    assert every["coded_words"] == coded == every["coded_words_every_speaker"] == 21
    whole = json.loads(run(db, "words", "--role", "all", "--format", "json").stdout)
    assert whole["running_words"] == total == 32
    # The participants' turns only: their share of the passage, and the summary says
    # what qcahp counts counts.
    result = run(db, "words", "--theme", "luck", "--coder", "ana", "--min-count", "1",
                 "--max-p", "1", "--format", "json")
    theirs = json.loads(result.stdout)
    assert (theirs["coded_words"], theirs["coded_words_every_speaker"]) == (13, 21)
    assert theirs["coded_words"] + theirs["other_words"] == 13 + 9
    assert ("luck (ana): 13 coded words in 1 passage (21 with every speaker's, "
            "as `qcahp counts` counts them) vs 9 other participant words") in result.stderr


def test_word_starts_split_as_a_transcripts_word_count_does() -> None:
    from qualcoder_ahp.reports.spans import count_words
    from qualcoder_ahp.reports.words import word_starts

    for text in ("", "   ", "one", " didn't  well-known \u2014 x ",
                 "a\u00a0b\u2028c\u3000d\x1ce\tf\U0001F600 g\r\nh\x85i\u200bj"):
        starts = word_starts(text).tolist()
        assert len(starts) == count_words(text), text
        assert [text[s:].split(maxsplit=1)[0] for s in starts] == text.split()


# ------------------------------------------------------------------ empty selections
def test_a_coding_query_that_finds_nothing_says_why_in_markdown_too(db: Path) -> None:
    """Text and Word said why a coding query found nothing; the Markdown (the default
    in a pipe) said "nothing is coded in this selection", which is untrue: the theme is
    coded, none of its codings meets the other theme."""
    result = run(db, "quotes", "--theme", "mandate", "--with", "serendipity", "--format", "md")
    assert "nothing is coded" not in result.stdout
    said = next(line for line in result.stderr.splitlines()
                if line.startswith("No codings match: "))
    why = said.removeprefix("No codings match: ").removesuffix(".")
    assert why and f"(none: {why})" in result.stdout
    assert "Mandate: closeness to the trust board has" in why
