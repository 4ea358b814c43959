"""The framework matrix: cases × themes, cell summaries (memos of kind ``cell``) and
``qcahp framework``.

The project is the reports tests' (:func:`tests.test_reports.build_project`): P01 (t1),
P02 (t2), P03 (t3); themes ``career`` (a folder) > ``winding``, ``serendipity``;
``mandate``; ``weapon``; coders alice, bob and consensus. Here P01 gets a second
interview (t4) and a focus group (fg) has no participant, so it is a case of its own.
"""

from __future__ import annotations

import csv
import io
import json
import sqlite3
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from docx import Document

from qualcoder_ahp.cli import cli
from qualcoder_ahp.errors import UserError
from qualcoder_ahp.model.event_words import EventWords
from qualcoder_ahp.model.migrations import MIGRATIONS
from qualcoder_ahp.model.store import Store, open_store
from qualcoder_ahp.records import Codebook, Theme
from qualcoder_ahp.reports.data import ReportData
from qualcoder_ahp.reports.framework import framework
from qualcoder_ahp.reports.selection import select
from tests.conftest import make_parsed
from tests.test_reports import CODINGS, build_project

T4 = [("Interviewer", "interviewer", "And since then?"),
      ("Asha", "participant", "Another lucky break came along. I said yes.")]
FG = [("Facilitator", "interviewer", "What do AHPs bring?"),
      ("Group", "participant", "We are the secret weapon nobody uses. Luck matters.")]


def extend(store: Store) -> dict[str, int]:
    """The reports project with t4 (P01's second interview) and fg (no participant)."""
    ids = build_project(store)
    for name, turns, who in (("t4", T4, "P01"), ("fg", FG, None)):
        info, _ = store.add_transcript(name, make_parsed(turns), participant=who)
        ids[name] = info.id
    for coder, name, theme, phrase in (("alice", "t4", "serendipity", "Another lucky break"),
                                       ("alice", "fg", "weapon", "the secret weapon"),
                                       ("bob", "fg", "serendipity", "Luck matters.")):
        text = store.transcript_text(ids[name])
        start = text.index(phrase)
        store.code(ids[name], theme, coder, start, start + len(phrase))
    return ids


@pytest.fixture
def project(tmp_path: Path) -> tuple[Store, dict[str, int]]:
    store = open_store(tmp_path / "qcahp.db")
    ids = extend(store)
    yield store, ids
    store.close()


def run(*args: str, input: str | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["framework", *args], input=input)
    return result.exit_code, result.stdout, result.stderr


def events(store: Store) -> int:
    return store.conn.execute("SELECT COUNT(*) FROM events").fetchone()[0]


def memo_rows(store: Store) -> list[tuple[str, str, str]]:
    return [tuple(r) for r in store.conn.execute(
        "SELECT k.name, m.target_id, m.text FROM memos m JOIN coders k ON k.id = m.coder_id "
        "WHERE m.target_kind = 'cell' ORDER BY m.id")]


# --------------------------------------------------------------------------- migration
def test_m007_lets_memos_be_on_cells_and_keeps_every_memo(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    newest = MIGRATIONS._migrations
    try:
        # As the release before m007 made it, with m009's and m010's columns, which
        # today's Store writes when it saves a codebook, and the tables and columns of
        # m012 on that it writes when it stores participants and transcripts (m007 and
        # m008 are then applied on reopening).
        older = newest[:6] + newest[8:10] + newest[11:]
        MIGRATIONS._migrations = older
        store = open_store(path)
        ids = build_project(store)
        store.set_memo("bob", "transcript", ids["t2"], "Careful, measured.")
        store.set_memo("alice", "theme", "mandate", "Board closeness.")
        before = store.conn.execute("SELECT * FROM memos ORDER BY id").fetchall()
        with pytest.raises(sqlite3.IntegrityError), store.write():  # no cell memo yet
            store.conn.execute("INSERT INTO memos (coder_id, target_kind, target_id, text, "
                               "updated_at, guid) VALUES (1, 'cell', 'x', 't', 'now', 'g')")
        store.close()
    finally:
        MIGRATIONS._migrations = newest
    store = open_store(path)
    # the backup before the migration
    assert (tmp_path / f"old.db.bak-v{len(older)}").exists()
    assert store.conn.execute("SELECT * FROM memos ORDER BY id").fetchall() == before
    store.set_cell_summary("alice", "P01", "serendipity", "Chance, twice.")
    assert memo_rows(store) == [("alice", "participant:P01|serendipity", "Chance, twice.")]
    with pytest.raises(sqlite3.IntegrityError), store.write():  # still checked
        store.conn.execute("INSERT INTO memos (coder_id, target_kind, target_id, text, "
                           "updated_at, guid) VALUES (1, 'bogus', 'x', 't', 'now', 'g2')")
    assert store.integrity_ok()
    store.close()


# --------------------------------------------------------------------------- cases
def test_cases_are_participants_and_transcripts_without_one(project) -> None:
    store, ids = project
    cases = {c.key: c.transcripts for c in store.framework_cases()}
    assert cases == {"participant:P01": (ids["t1"], ids["t4"]),
                     "participant:P02": (ids["t2"],), "participant:P03": (ids["t3"],),
                     "transcript:fg": (ids["fg"],)}
    # A transcript's name is its participant's case; fg is its own.
    assert store.find_case("t4").key == "participant:P01"
    assert store.find_case("fg").key == "transcript:fg"
    assert store.find_case("transcript:fg").key == "transcript:fg"
    with pytest.raises(UserError, match=r"^no case 'P1O' .*did you mean 'P01'\?"):
        store.find_case("P1O")


# --------------------------------------------------------------------------- summaries
def test_a_summary_is_a_logged_memo_undone_and_redone(project) -> None:
    store, _ = project
    n = events(store)
    case, before, after = store.set_cell_summary("alice", "t1", "serendipity",
                                                 "Fell into it by chance.")
    assert (case.key, before, after) == ("participant:P01", None, "Fell into it by chance.")
    assert events(store) == n + 1
    # The same text again changes nothing and logs nothing.
    store.set_cell_summary("alice", "P01", "serendipity", "Fell into it by chance.")
    assert events(store) == n + 1
    store.set_cell_summary("alice", "P01", "serendipity", "Chance, then a plan.")
    words = EventWords(store)
    assert [words.describe(e).what for e in store.events("alice")[-2:]] == [
        "wrote the framework summary of participant P01 on Serendipity",
        "edited the framework summary of participant P01 on Serendipity"]
    assert words.describe(store.events("alice")[-1]).theme_ids == ["serendipity"]
    store.undo("alice")
    assert store.cell_summaries("alice") == {
        ("participant:P01", "serendipity"): [("alice", "Fell into it by chance.",
                                              memo_rows_updated(store))]}
    store.redo("alice")
    assert memo_rows(store) == [("alice", "participant:P01|serendipity",
                                 "Chance, then a plan.")]
    store.set_cell_summary("alice", "P01", "serendipity", "  ")  # blank clears
    assert memo_rows(store) == []
    store.undo("alice")
    assert memo_rows(store)[0][2] == "Chance, then a plan."


def memo_rows_updated(store: Store) -> str:
    return store.conn.execute("SELECT updated_at FROM memos WHERE target_kind = 'cell'"
                              ).fetchone()[0]


@pytest.mark.parametrize(("case", "theme", "message"), [
    ("P09", "serendipity", r"^no case 'P09' in this project"),
    ("P01", "serendipty", r"^no theme 'serendipty' in the codebook; did you mean "
                          r"'serendipity'\?"),
    ("P01", "career", r"^theme 'career' is a folder"),
])
def test_a_bad_case_or_theme_is_one_line_and_changes_nothing(project, case, theme,
                                                             message) -> None:
    store, _ = project
    n = events(store)
    with pytest.raises(UserError, match=message) as err:
        store.set_cell_summary("alice", case, theme, "text")
    assert "\n" not in str(err.value)
    assert events(store) == n and memo_rows(store) == []
    # set_memo itself checks a cell target too.
    with pytest.raises(UserError):
        store.set_memo("alice", "cell", f"participant:{case}|{theme}", "text")
    with pytest.raises(UserError, match="framework cell is"):
        store.set_memo("alice", "cell", "P01/serendipity", "text")
    assert events(store) == n


# --------------------------------------------------------------------------- the matrix
def test_cells_hold_the_codings_of_each_case_and_theme(project) -> None:
    store, ids = project
    store.set_cell_summary("alice", "P01", "serendipity", "Chance.")
    store.set_cell_summary("bob", "P01", "serendipity", "Luck twice.")
    fw = framework(ReportData(store, "alice"))
    assert [c.key for c in fw.cases] == ["participant:P01", "participant:P02",
                                         "participant:P03", "transcript:fg"]
    assert [t.id for t in fw.themes] == ["winding", "serendipity", "mandate", "weapon"]
    # Expected from the fixture's own list of codings, case by case.
    case_of = {"t1": "participant:P01", "t4": "participant:P01", "t2": "participant:P02",
               "t3": "participant:P03", "fg": "transcript:fg"}
    made = [(coder, name, theme) for coder, name, theme, _ in CODINGS] + [
        ("alice", "t4", "serendipity"), ("alice", "fg", "weapon"), ("bob", "fg", "serendipity")]
    for case in fw.cases:
        for t in fw.themes:
            want = sum(1 for coder, name, theme in made
                       if coder == "alice" and case_of[name] == case.key and theme == t.id)
            assert fw.cell(case, t.id).count == want, (case.key, t.id)
    cell = fw.cell(fw.cases[0], "serendipity")
    assert [q.transcript for q in cell.quotes] == ["t1", "t1", "t4"]  # both interviews
    assert cell.summaries[0][:2] == ("alice", "Chance.")  # only the chosen coder's
    assert len(cell.summaries) == 1
    assert cell.references(False)[0] == "t1, turn 2: \u201cI fell into management by " \
                                        "chance.\u201d"
    # Every coder: the summaries of each, named.
    every = framework(ReportData(store, None))
    both = every.cell(every.cases[0], "serendipity")
    assert both.summary_text(True) == "alice: Chance.\n\nbob: Luck twice."
    assert both.count == 4  # alice's and bob's: the consensus coding is not pooled


def test_themes_and_transcripts_are_chosen_as_in_every_report(project) -> None:
    store, _ = project
    data = ReportData(store, "alice", selection=select(store, (), ("profession=physio",)))
    fw = framework(data, ("career",))  # a folder gives its themes
    assert [c.key for c in fw.cases] == ["participant:P01"]
    assert [t.id for t in fw.themes] == ["winding", "serendipity"]
    with pytest.raises(UserError, match="did you mean 'mandate'"):
        framework(ReportData(store, "alice"), ("mandat",))
    # A retired theme is a column only where it is coded.
    store.retire_theme("weapon", coder="alice")
    assert "weapon" not in [t.id for t in framework(ReportData(store, "bob")).themes]
    assert "weapon" in [t.id for t in framework(ReportData(store, "alice")).themes]


# --------------------------------------------------------------------------- withdrawal
def test_withdrawing_a_participant_takes_their_summaries_and_log_text(project) -> None:
    store, _ = project
    store.set_cell_summary("alice", "P02", "mandate", "Reports to the CHIEF NURSE secretly.")
    store.set_cell_summary("alice", "P02", "mandate", "Edited: NURSE SECRET again.")
    store.undo("alice")
    store.redo("alice")
    store.set_cell_summary("alice", "P01", "mandate", "Board listens.")
    plan = store.withdrawal_plan(["P02"])
    assert plan.memos == 1
    store.withdraw(["P02"], by="lead")
    assert memo_rows(store) == [("alice", "participant:P01|mandate", "Board listens.")]
    payloads = "\n".join(r[0] for r in store.conn.execute("SELECT payload FROM events"))
    assert "SECRET" not in payloads and "secretly" not in payloads
    assert "participant:P02" not in payloads
    assert store.integrity_ok()
    # Undo passes over the placeholders: the P01 summary is the last thing to undo.
    store.undo("alice")
    assert memo_rows(store) == []


def test_a_case_keeps_its_summaries_while_one_of_its_transcripts_stays(project) -> None:
    store, _ = project
    store.set_cell_summary("alice", "P01", "serendipity", "Two lucky breaks.")
    store.withdraw([], ["t4"])
    assert memo_rows(store) == [("alice", "participant:P01|serendipity",
                                 "Two lucky breaks.")]
    store.set_cell_summary("alice", "fg", "weapon", "The group's word.")
    store.withdraw([], ["fg"])
    assert [r[1] for r in memo_rows(store)] == ["participant:P01|serendipity"]


def test_a_case_given_to_another_participant_takes_its_summaries_along(project) -> None:
    """``participants assign`` leaving a case with no transcript moves its summaries to
    the case its transcripts went to (appended, headed with the old case's name): each a
    logged memo event, by whoever moved the transcripts (session 21: no coder's, so in
    no coder's undo); nothing is left on a case nobody sees."""
    store, _ = project
    store.set_cell_summary("alice", "fg", "weapon", "The group's word for AHPs.")
    store.set_cell_summary("bob", "fg", "serendipity", "Luck, said once.")
    store.set_cell_summary("alice", "P02", "weapon", "Untapped, she says.")
    n = events(store)
    store.assign_participant("fg", "P02", by="hana")
    assert memo_rows(store) == [
        ("alice", "participant:P02|weapon", "Untapped, she says.\n\nfg: The group's word "
                                            "for AHPs."),
        ("bob", "participant:P02|serendipity", "fg: Luck, said once.")]
    assert events(store) == n + 2
    moved = store.events()[-1]
    assert moved["coder"] is None and moved["by"] == "hana"
    said = EventWords(store).describe(moved)
    assert said.what == ("moved bob's framework summary of transcript fg on Serendipity to "
                         "participant P02, whose transcripts went there (qcahp participants "
                         "assign, by hana)")
    data = ReportData(store, None)
    cell = framework(data).cells[("participant:P02", "weapon")]
    assert [who for who, _, _ in cell.summaries] == ["alice"]
    assert store.undo_stack("bob")[0][-1] < moved["id"]
    # A case that keeps a transcript keeps its summaries: P01 gives t4 away, not t1.
    store.set_cell_summary("alice", "P01", "serendipity", "Two lucky breaks.")
    store.assign_participant("t4", "P03")
    assert ("alice", "participant:P01|serendipity", "Two lucky breaks.") in memo_rows(store)
    # The last one goes: the summary follows t1 to P03.
    store.assign_participant("t1", "P03")
    assert ("alice", "participant:P03|serendipity", "P01: Two lucky breaks.") in memo_rows(
        store)


def test_participants_assign_says_where_the_summaries_went(project) -> None:
    store, _ = project
    store.set_cell_summary("alice", "fg", "weapon", "The group's word for AHPs.")
    result = CliRunner().invoke(cli, ["participants", "assign", "fg", "P02"])
    assert result.exit_code == 0, result.output
    assert ("1 framework summary of fg moved to P02's cells, headed with fg (`qcahp log` "
            "lists each, and who moved it)") in result.stdout
    result = CliRunner().invoke(cli, ["memos", "--kind", "cell"])
    assert "P02" in result.stdout and "*fg*" not in result.stdout


# --------------------------------------------------------------------------- merge
def test_a_coders_copy_brings_its_summaries_mapped_to_the_cases_here(project,
                                                                     tmp_path: Path) -> None:
    store, _ = project
    store.close()
    copy = tmp_path / "bob.db"
    copy.write_bytes((tmp_path / "qcahp.db").read_bytes())
    theirs = open_store(copy)
    theirs.set_cell_summary("bob", "fg", "weapon", "A group says 'secret weapon'.")
    theirs.set_cell_summary("bob", "P03", "mandate", "Sits on the board.")
    theirs.close()
    here = open_store(tmp_path / "qcahp.db")
    counts = here.merge_from(copy)
    assert counts["memos"] == 2
    assert sorted(memo_rows(here)) == [
        ("bob", "participant:P03|mandate", "Sits on the board."),
        ("bob", "transcript:fg|weapon", "A group says 'secret weapon'.")]
    assert here.merge_from(copy)["memos"] == 0  # idempotent
    words = EventWords(here)
    merged = [words.describe(e).what for e in here.events() if e["kind"] == "merged"]
    assert any(m.endswith("bob.db: wrote the framework summary of transcript fg on "
                          "Untapped secret weapon") for m in merged), merged
    here.close()


def test_a_copys_summary_of_a_case_withdrawn_here_stays_out(project, tmp_path: Path) -> None:
    store, _ = project
    store.close()
    copy = tmp_path / "bob.db"
    copy.write_bytes((tmp_path / "qcahp.db").read_bytes())
    theirs = open_store(copy)
    theirs.set_cell_summary("bob", "P03", "mandate", "SITS ON THE BOARD.")
    theirs.set_cell_summary("bob", "P02", "mandate", "Reports to the nurse.")
    theirs.close()
    here = open_store(tmp_path / "qcahp.db")
    here.withdraw(["P03"])
    here.merge_from(copy)
    assert memo_rows(here) == [("bob", "participant:P02|mandate", "Reports to the nurse.")]
    payloads = "\n".join(r[0] for r in here.conn.execute("SELECT payload FROM events"))
    assert "SITS ON THE BOARD" not in payloads and "participant:P03" not in payloads
    here.close()


# --------------------------------------------------------------------------- memos report
def test_qcahp_memos_lists_summaries_as_kind_cell(project) -> None:
    store, ids = project
    store.set_cell_summary("alice", "P01", "serendipity", "Chance, twice.")
    store.set_memo("alice", "theme", "mandate", "A theme memo.")
    result = CliRunner().invoke(cli, ["memos", "--kind", "cell", "--format", "csv"])
    assert result.exit_code == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout.lstrip("\ufeff"))))
    assert [(r["kind"], r["about"], r["transcript"], r["memo"]) for r in rows] == [
        ("cell", "P01: Career route / Serendipity", "P01", "Chance, twice.")]
    md = CliRunner().invoke(cli, ["memos", "--format", "md"]).stdout
    assert "## Framework summaries" in md and "*P01*" in md
    # A transcript choice keeps the summaries of the cases it holds.
    out = CliRunner().invoke(cli, ["memos", "--kind", "cell", "--transcript", "t2",
                                   "--format", "json"]).stdout
    assert json.loads(out)["memos"] == []


# --------------------------------------------------------------------------- the CLI
def test_summarise_writes_reads_and_clears_from_a_script(project) -> None:
    store, _ = project
    store.close()
    code, out, err = run("summarise", "t1", "serendipity", "--coder", "ana",
                         "Fell into management.")
    assert (code, out) == (0, "Wrote ana's summary of P01 on Serendipity (3 words).\n"), err
    code, out, _ = run("summarise", "P01", "serendipity", "--coder", "ana", "-",
                       input="From stdin,\ntwo lines.\n")
    assert out.startswith("Replaced ana's summary of P01 on Serendipity (4 words)")
    assert run("summarise", "P01", "serendipity", "--coder", "ana")[1] == \
        "From stdin,\ntwo lines.\n"
    code, out, _ = run("summarise", "P01", "serendipity", "--coder", "ana", "")
    assert out.startswith("Cleared ana's summary of P01 on Serendipity.")
    store = open_store(Path("qcahp.db"))
    assert memo_rows(store) == []
    store.close()


@pytest.mark.parametrize(("args", "message"), [
    (("summarise", "P9", "mandate", "--coder", "ana", "x"), "no case 'P9'"),
    (("summarise", "P01", "career", "--coder", "ana", "x"), "theme 'career' is a folder"),
    (("summarise", "P01", "mandat", "--coder", "ana", "x"), "did you mean 'mandate'"),
    (("--theme", "nosuch"), "no theme 'nosuch'"),
    (("--coder", "ana", "--all-coders"), "give one of --coder, --consensus or --all-coders"),
    (("--coder", "zed"), "zed"),
    (("--where", "profession=dentist"), "no participant has profession 'dentist'"),
    (("-o", "matrix.pdf"), "cannot be written as a .pdf file"),
])
def test_errors_are_one_line_and_change_nothing(project, args, message) -> None:
    store, _ = project
    before = events(store), memo_rows(store)
    store.close()
    code, out, err = run(*args)
    assert code == 1 and out == ""
    assert err.count("\n") == 1 and err.startswith("Error: ") and message in err, err
    store = open_store(Path("qcahp.db"))
    assert (events(store), memo_rows(store)) == before
    store.close()


def test_summarise_by_a_new_coder_says_so(project) -> None:
    """A misspelt --coder starts a new coder's summaries: written, and said."""
    code, out, err = run("summarise", "P01", "serendipity", "--coder", "alcie", "Luck.")
    assert code == 0 and out.startswith("Wrote alcie's summary of P01 on Serendipity")
    assert "note: 'alcie' is a new coder in this project (coders so far: alice, bob, " \
        "consensus)" in err
    code, _, err = run("summarise", "P01", "serendipity", "--coder", "alice", "Luck.")
    assert code == 0 and "new coder" not in err


def test_the_terminal_grid_marks_summaries(project, monkeypatch) -> None:
    store, _ = project
    store.set_cell_summary("alice", "P01", "serendipity", "Chance.")
    store.close()
    code, out, err = run("--coder", "alice")
    assert code == 0, err
    assert out.splitlines()[:6] == [
        "case  winding  serendipity  mandate  weapon",
        "----  -------  -----------  -------  ------",
        "P01         1  3*                 1       0",
        "P02         1  0                  0       0",
        "P03         0  0                  1       0",
        "fg          0  0                  0       1",
    ]
    assert "* a summary is written (by alice)" in out


def eleven_themes(store: Store) -> None:
    themes = [Theme("folder_of_themes", "Folder", codable=False, position=0)] + [
        Theme(f"long_theme_name_number_{i:02d}", f"Theme {i}", "folder_of_themes",
              position=i) for i in range(1, 12)]
    store.save_codebook(Codebook("wide", tuple(themes)))
    for n in range(1, 4):
        info, _ = store.add_transcript(f"participant_interview_{n}", make_parsed(
            [("P", "participant", "Words enough to code here. " * 3)]),
            participant=f"participant_{n:03d}")
        for i in range(1, 12):
            if (i + n) % 3:
                store.code(info.id, f"long_theme_name_number_{i:02d}", "ana", 0, 5)
    store.set_cell_summary("ana", "participant_001", "long_theme_name_number_02", "S.")


@pytest.mark.parametrize("width", [80, 60])
def test_eleven_themes_fit_a_narrow_terminal(tmp_path: Path, monkeypatch, width) -> None:
    store = open_store(tmp_path / "qcahp.db")
    eleven_themes(store)
    store.close()
    monkeypatch.setenv("COLUMNS", str(width))
    monkeypatch.setattr("qualcoder_ahp.reports.text_table.stdout_is_terminal", lambda: True)
    code, out, err = run("--coder", "ana")
    assert code == 0, err
    lines = out.splitlines()
    assert max(len(line) for line in lines) <= width, out
    assert any(line.startswith("participant_001") and "*" in line for line in lines)
    assert "A: long_theme_name_number_01" in out  # the key to the lettered columns


def test_xlsx_has_the_matrix_with_attributes_and_a_quotes_sheet(project) -> None:
    store, _ = project
    store.set_cell_summary("alice", "P01", "serendipity", "Chance, twice.")
    store.close()
    code, out, err = run("--coder", "alice", "-o", "fw.xlsx")
    assert code == 0, err
    assert "framework matrix (4 cases × 4 themes, 1 cell summarised)" in err + out
    with zipfile.ZipFile("fw.xlsx") as z:
        names = z.namelist()
        first = z.read("xl/worksheets/sheet1.xml").decode()
        second = z.read("xl/worksheets/sheet2.xml").decode()
        book = z.read("xl/workbook.xml").decode()
    assert 'name="framework"' in book and 'name="quotes"' in book and 'name="About"' in book
    assert len([n for n in names if n.startswith("xl/worksheets/sheet")]) == 3
    for heading in ("case", "band", "profession", "Serendipity", "Untapped secret weapon"):
        assert f"<t>{heading}</t>" in first, heading
    # The cell: the summary, then the quote references.
    assert ("Chance, twice.\n\nt1, turn 2: \u201cI fell into management by chance.\u201d"
            in first)
    assert "<t>physio</t>" in first  # P01's attribute
    assert "<t>Luck played a part.</t>" not in second  # bob's, not alice's
    assert "<t>Another lucky break</t>" in second
    # As a spreadsheet opens it: the case stays in view while the themes scroll by.
    from openpyxl import load_workbook

    book = load_workbook("fw.xlsx")
    assert book["framework"].freeze_panes == "B2"
    assert book["quotes"].freeze_panes == "A2"  # a long list: only its header stays


def test_docx_is_landscape_with_a_table_per_theme(project) -> None:
    store, _ = project
    store.set_cell_summary("alice", "P02", "mandate", "Reports to the chief nurse.")
    store.close()
    assert run("--coder", "alice", "-o", "fw.docx")[0] == 0
    doc = Document("fw.docx")
    section = doc.sections[0]
    assert section.page_width > section.page_height
    headings = [p.text for p in doc.paragraphs if p.style.name == "Heading 1"]
    assert headings == ["Cases", "Career route / Winding route through non-traditional roles",
                        "Career route / Serendipity",
                        "Mandate: closeness to the trust board", "Untapped secret weapon"]
    mandate = doc.tables[3]
    assert [c.text for c in mandate.rows[0].cells] == ["Case", "Codings", "Summary", "Quotes"]
    p02 = [c.text for c in mandate.rows[2].cells]
    assert p02[:3] == ["P02", "0", "Reports to the chief nurse."]


def test_docx_reads_as_a_chart_to_hand_a_supervisor(project) -> None:
    """Who each case is beside what they said; a coded cell with no summary says so
    (an empty one had nothing to summarise); the header row repeats on every page."""
    store, _ = project
    store.close()
    assert run("--coder", "alice", "-o", "fw.docx")[0] == 0
    doc = Document("fw.docx")
    cases = {r.cells[0].text: [c.text for c in r.cells] for r in doc.tables[0].rows}
    assert cases["Case"] == ["Case", "Kind", "Transcripts", "profession", "band"]
    assert cases["P01"] == ["P01", "participant", "t1, t4", "physio", "8c"]
    table = doc.tables[2]  # Career route / Serendipity
    rows = {r.cells[0].paragraphs[0].text: r.cells for r in table.rows[1:]}
    assert [p.text for p in rows["P01"][0].paragraphs] == ["P01"]
    assert rows["P01"][1].text != "0" and rows["P01"][2].text == "(not summarised yet)"
    assert rows["P01"][2].paragraphs[0].runs[0].italic
    assert rows["fg"][1].text == "0" and rows["fg"][2].text == ""
    assert table.rows[0]._tr.trPr.xpath("./w:tblHeader")
    # The case column narrow (its attributes are in the cases table), the summary and
    # quotes the rest.
    assert 2.4 * 360000 < table.rows[1].cells[0].width < table.rows[1].cells[2].width


def test_markdown_csv_and_json(project) -> None:
    store, _ = project
    store.set_cell_summary("bob", "fg", "serendipity", "Luck | matters.")
    store.close()
    code, md, _ = run("--format", "md", "--theme", "serendipity")
    assert code == 0
    # The transcript fg is its own case: the row names it (session 21: "fg, turn 2").
    assert "| fg | 1 | bob: Luck \\| matters. | turn 2, bob: \u201cLuck matters.\u201d |" in md
    # A participant's attributes in the cases table; a coded cell with no summary says so.
    assert "| P01 | participant | t1, t4 | physio | 8c |" in md
    assert "| P01 | 4 | (not summarised yet) |" in md
    code, out, _ = run("--format", "csv", "--coder", "bob")
    rows = list(csv.DictReader(io.StringIO(out.lstrip("\ufeff"))))
    assert len(rows) == 4 * 4
    fg = next(r for r in rows if r["case"] == "fg" and r["theme"] == "serendipity")
    assert (fg["case kind"], fg["codings"], fg["summary"]) == (
        "transcript", "1", "Luck | matters.")
    code, out, _ = run("--format", "json", "--coder", "bob", "--where", "band=8a")
    doc = json.loads(out)
    assert [c["case"] for c in doc["cases"]] == ["P02"]
    assert doc["selection"]["transcripts"] == ["t2"]
    cell = next(c for c in doc["cells"] if c["theme"] == "serendipity")
    assert cell["codings"] == 1 and cell["quotes"][0]["quote"] == "My career was never planned."
