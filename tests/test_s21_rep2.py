"""Session 21, report leftovers met preparing a write-up: the agreement workbook's total
rows sort safely, the framework matrix in Word and Markdown gives each case's
attributes once, and an undo never overwrites a summary someone changed since."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from qualcoder_ahp.cli import cli
from qualcoder_ahp.errors import UserError
from qualcoder_ahp.model.store import Store, open_store


def run(db: Path, *args: str, code: int = 0):
    result = CliRunner().invoke(cli, ["--db", str(db), *args])
    assert result.exit_code == code, (result.output, result.exception)
    return result


# ------------------------------------------------------------------ 1. agreement XLSX
def test_agreement_workbook_keeps_its_pooled_and_mean_rows_out_of_the_filter(
        db: Path, tmp_path: Path) -> None:
    """Sorting the agreement sheet by kappa moved "(pooled)" and the mean among the
    themes, where they read as one more theme; they now stay under the filter's range,
    last, as a counts matrix's column total does."""
    for by, totals in (("theme", 2), ("all", 2), ("transcript", 0)):
        out = tmp_path / f"agreement-{by}.xlsx"
        run(db, "agreement", "--coders", "alice,bob", "--by", by, "-o", str(out))
        sheet = load_workbook(out)["agreement"]
        views = [sheet.cell(r, 1).value for r in range(2, sheet.max_row + 1)]
        last = sheet.max_row - totals
        assert sheet.auto_filter.ref == f"A1:{sheet.cell(1, sheet.max_column).column_letter}" \
                                        f"{last}", by
        assert views[len(views) - totals:] == ["overall", "mean"][:totals], by
        assert "overall" not in views[:len(views) - totals]


# ------------------------------------------------------------------ 2. framework: cases once
@pytest.fixture
def framework_db(tmp_path: Path) -> Path:
    from tests.test_framework import extend

    path = tmp_path / "fw.db"
    store = open_store(path)
    extend(store)
    store.set_cell_summary("alice", "P01", "serendipity", "Fell into it.")
    store.close()
    return path


def test_framework_in_word_gives_each_cases_attributes_once(framework_db: Path,
                                                            tmp_path: Path) -> None:
    """Eight themes repeated every participant's attributes eight times in an appendix:
    a cases table comes first, and each theme's table names the case alone."""
    from docx import Document

    out = tmp_path / "fw.docx"
    run(framework_db, "framework", "--all-coders", "-o", str(out))
    doc = Document(str(out))
    headings = [p.text for p in doc.paragraphs if p.style.name == "Heading 1"]
    assert headings[0] == "Cases" and len(doc.tables) == 1 + len(headings) - 1
    cases = [[c.text for c in row.cells] for row in doc.tables[0].rows]
    assert cases[0] == ["Case", "Kind", "Transcripts", "profession", "band"]
    assert cases[1:] == [["P01", "participant", "t1, t4", "physio", "8c"],
                         ["P02", "participant", "t2", "SLT", "8a"],
                         ["P03", "participant", "t3", "", "9"],
                         ["fg", "transcript", "fg", "", ""]]
    assert doc.tables[0].rows[0]._tr.trPr.xpath("./w:tblHeader")
    texts = "\n".join(c.text for t in doc.tables[1:] for row in t.rows for c in row.cells)
    assert "band" not in texts and "profession" not in texts and "physio" not in texts
    for table in doc.tables[1:]:  # every row still names its case
        assert [row.cells[0].text for row in table.rows] == ["Case", "P01", "P02", "P03",
                                                               "fg"]
    assert any("the tables by theme name the case" in p.text for p in doc.paragraphs)
    # The case column as wide as its names need: narrow for P01, wider for a long name
    # (one Word cannot break: no space in it), the summary and quotes the rest.
    assert abs(doc.tables[1].rows[1].cells[0].width - 2.5 * 360000) < 1000  # Word: twips
    # The grid too, which a fixed layout (and LibreOffice) takes the columns from: it
    # held four equal columns.
    grid = [column.width for column in doc.tables[1].columns]
    assert [abs(g - c.width) < 1000 for g, c in zip(grid, doc.tables[1].rows[1].cells,
                                                      strict=True)] == [True] * 4
    store = open_store(framework_db)
    store.assign_participant("fg", "paramedic_marcus")
    store.close()
    run(framework_db, "framework", "--all-coders", "-o", str(out))
    wide = Document(str(out)).tables[1].rows[1].cells
    assert 4.5 * 360000 < wide[0].width < 5.5 * 360000 < wide[2].width


def test_framework_markdown_gives_the_cases_once_too(framework_db: Path) -> None:
    md = run(framework_db, "framework", "--all-coders", "--format", "md").stdout
    assert md.count("physio") == 1 and md.count("## Cases") == 1
    assert "| case | kind | transcripts | profession | band |" in md
    assert "| P01 | participant | t1, t4 | physio | 8c |" in md
    assert "| P01 | 4 | alice: Fell into it. |" in md


def test_framework_of_transcripts_only_has_no_cases_table(tmp_path: Path) -> None:
    """With no participant the cases table would repeat each transcript's name: none."""
    from docx import Document

    from qualcoder_ahp.records import Codebook, Theme
    from tests.conftest import make_parsed

    path = tmp_path / "t.db"
    store = open_store(path)
    store.save_codebook(Codebook("c", (Theme("luck", "Luck", position=0),)))
    store.add_transcript("only", make_parsed([("A", "participant", "Luck matters.")]))
    store.close()
    md = run(path, "framework", "--format", "md").stdout
    assert "## Cases" not in md and "## Luck" in md
    run(path, "framework", "-o", str(tmp_path / "t.docx"))
    doc = Document(str(tmp_path / "t.docx"))
    assert [p.text for p in doc.paragraphs if p.style.name == "Heading 1"] == ["Luck"]


# ------------------------------------------------------------------ 3. undo over a later change
def _memos(store: Store) -> list[tuple]:
    return store.conn.execute("SELECT coder_id, target_kind, target_id, text FROM memos "
                              "ORDER BY 1, 2, 3").fetchall()


def test_undo_refuses_to_overwrite_a_summary_moved_in_by_participants_assign(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """alice's undo of her summary of P02 deleted the focus group's summary that
    ``participants assign`` had appended to it since: refused, naming who and what."""
    from tests.test_framework import extend

    path = tmp_path / "u.db"
    store = open_store(path)
    extend(store)
    store.set_cell_summary("alice", "fg", "weapon", "The group's word.")
    store.set_cell_summary("alice", "P02", "weapon", "P02 on weapons.")
    store.close()
    monkeypatch.setenv("LOGNAME", "hana")
    run(path, "participants", "assign", "fg", "P02")
    store = open_store(path)
    before, events = _memos(store), len(store.events())
    store.close()
    result = run(path, "undo", "--coder", "alice", code=1)
    said = result.stderr.strip().splitlines()
    assert len(said) == 1
    assert said[0].startswith(
        "Error: cannot undo event ") and (
        "(wrote the framework summary of participant P02 on Untapped secret weapon): hana "
        "changed the summary since (event ") in said[0]
    assert ("moved alice's framework summary of transcript fg on Untapped secret weapon to "
            "participant P02") in said[0]
    assert said[0].endswith("so nothing was undone. Change the summary by hand instead "
                            "(qcahp framework summarise or the workbench).")
    store = open_store(path)
    try:
        assert _memos(store) == before and len(store.events()) == events
        assert store.memo("alice", "cell", "participant:P02|weapon") == (
            "P02 on weapons.\n\nfg: The group's word.")
    finally:
        store.close()


def test_undo_refuses_to_overwrite_a_summary_a_theme_merge_appended_to(tmp_path: Path) -> None:
    """bob merged a theme: alice's summary of it was appended to her summary of the
    theme it went into. Her undo of writing that summary threw the moved text away;
    bob's undo of the merge over alice's later edit named neither the summary nor alice."""
    from tests.test_framework import extend

    path = tmp_path / "m.db"
    store = open_store(path)
    extend(store)
    store.set_cell_summary("alice", "P01", "serendipity", "Luck.")
    store.set_cell_summary("alice", "P01", "winding", "Winding.")
    store.merge_theme("serendipity", "winding", coder="bob")
    merged = store.memo("alice", "cell", "participant:P01|winding")
    assert merged == "Winding.\n\nSerendipity: Luck."
    before = _memos(store)
    with pytest.raises(UserError, match=r"bob changed the summary since \(event \d+: merged "
                                        r"theme Serendipity into Winding"):
        store.undo("alice")
    assert _memos(store) == before
    store.set_cell_summary("alice", "P01", "winding", "Rewritten after the merge.")
    before = _memos(store)
    with pytest.raises(UserError) as refused:
        store.undo("bob")
    assert ("alice changed their framework summary of participant P01 on Winding route "
            "through non-traditional roles since (event ") in str(refused.value)
    assert str(refused.value).endswith("alice can undo that first (qcahp undo --coder alice).")
    assert _memos(store) == before
    store.undo("alice")  # her rewrite taken back: the merge undoes, everything restored
    assert store.undo("bob")["kind"] == "theme_merge"
    assert store.memo("alice", "cell", "participant:P01|winding") == "Winding."
    assert store.memo("alice", "cell", "participant:P01|serendipity") == "Luck."
    store.close()


def test_redo_refuses_to_overwrite_a_summary_changed_since_the_undo(tmp_path: Path) -> None:
    """Redo puts back what the decision wrote: over a summary a theme merge made since
    the undo, it would throw the moved text away."""
    from tests.test_framework import extend

    path = tmp_path / "r.db"
    store = open_store(path)
    extend(store)
    store.set_cell_summary("alice", "P01", "serendipity", "Luck.")
    store.set_cell_summary("alice", "P01", "winding", "Winding.")
    store.undo("alice")
    store.merge_theme("serendipity", "winding", coder="bob")
    before = _memos(store)
    with pytest.raises(UserError, match=r"^cannot redo event \d+ \(wrote the framework summary "
                                        r"of participant P01 on Winding .*\): bob changed the "
                                        r"summary since .* so nothing was redone\."):
        store.redo("alice")
    assert _memos(store) == before
    assert store.memo("alice", "cell", "participant:P01|winding") == "Serendipity: Luck."
    store.close()


# ------------------------------------------------------------------ 4. a coder's log
def test_a_coders_log_shows_what_others_did_to_their_work(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``qcahp log --coder alice`` lost the move of her summary once participants assign
    was logged under whoever ran it, and never showed bob's merge of her codings: both
    are part of "what happened to alice's work", each saying who did it."""
    import csv
    import io

    from tests.test_framework import extend

    path = tmp_path / "l.db"
    store = open_store(path)
    extend(store)
    store.set_cell_summary("alice", "fg", "weapon", "The group's word.")
    store.set_cell_summary("alice", "P01", "serendipity", "Luck.")
    store.close()
    monkeypatch.setenv("LOGNAME", "hana")
    run(path, "participants", "assign", "fg", "P02")
    run(path, "codebook", "merge-theme", "serendipity", "winding", "--coder", "bob")
    run(path, "undo", "--coder", "bob")

    def log(coder: str) -> list[dict[str, str]]:
        out = run(path, "log", "--coder", coder, "--format", "csv").stdout
        return list(csv.DictReader(io.StringIO(out.lstrip("\ufeff"))))

    rows = log("alice")
    others = [(r["coder"], r["kind"], r["what"]) for r in rows if r["coder"] != "alice"]
    merge = ("merged theme Serendipity into Winding route through non-traditional roles "
             "(8 codings moved, 1 memo moved)")
    assert others == [
        ("", "memo", "moved alice's framework summary of transcript fg on Untapped secret "
                     "weapon to participant P02, whose transcripts went there (qcahp "
                     "participants assign, by hana)"),
        ("bob", "theme_merge", f"[alice's work: 3 codings, 1 memo] {merge}"),
        ("bob", "undo", f"[alice's work: 3 codings, 1 memo] undid: {merge}")]
    # bob's own events are not alice's: his hand coding is not listed; in his own log
    # the merge is his, unmarked.
    assert not any(r["kind"] == "code" and r["coder"] == "bob" for r in rows)
    bobs = [r["what"] for r in log("bob") if r["kind"] in ("theme_merge", "undo")]
    assert bobs == [merge, f"undid: {merge}"]
    # The terminal's table at 80 columns keeps the mark in view.
    table = CliRunner().invoke(cli, ["--db", str(path), "log", "--coder", "alice"],
                               env={"COLUMNS": "80"}).stdout
    assert "[alice's work: 3 codings, 1 memo] merged theme" in table


# ------------------------------------------------------------------ memos on a terminal
def test_memos_on_an_80_column_terminal_are_wrapped_to_read(
        framework_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The memos document, Markdown on a terminal too, broke its long lines inside
    words at 80 columns: on a terminal it is now laid out to read, wrapped to the width
    (Markdown in a pipe, as before)."""
    from qualcoder_ahp.reports.text_table import cells

    long = ("Chance opens the door to a role outside the profession, and the later moves "
            "are described as deliberate; check against the board mandate codings.\n"
            "Second thought, on its own line.")
    store = open_store(framework_db)
    store.set_memo("alice", "theme", "serendipity", long)
    store.close()
    monkeypatch.setattr("qualcoder_ahp.cli.reports._stdout_is_terminal", lambda: True)
    out = CliRunner().invoke(cli, ["--db", str(framework_db), "memos"],
                             env={"COLUMNS": "80"}).stdout
    lines = out.splitlines()
    assert max(cells(line) for line in lines) <= 80
    assert not any(line.startswith("#") for line in lines)
    assert lines[:6] == ["Memos", "", "Theme memos", "===========", "",
                         "Career route / Serendipity"]
    start = next(i for i, line in enumerate(lines) if line.startswith("  alice ("))
    assert lines[start].endswith("): Chance opens the door to a role outside the profession,")
    assert lines[start + 1:start + 4] == [
        "    and the later moves are described as deliberate; check against the board",
        "    mandate codings.", "    Second thought, on its own line."]
    assert "  \u201cThe board listened to me.\u201d" in lines  # a coding memo's quote
    assert "    \u2014 t1, Asha, turn 2" in lines
    assert "  P01" in lines and any(line.startswith("  alice (") and "Fell into it." in line
                                    for line in lines)  # a framework summary, by case
    monkeypatch.setattr("qualcoder_ahp.cli.reports._stdout_is_terminal", lambda: False)
    piped = CliRunner().invoke(cli, ["--db", str(framework_db), "memos"]).stdout
    assert piped.startswith("# Memos\n") and "deliberate; check against" in piped


def test_framework_names_a_passage_coded_alike_by_several_coders_once(
        framework_db: Path) -> None:
    """Pooled, a cell listed a passage alice and bob coded alike once for each of them,
    the same quote twice in an appendix; it is one reference naming both (the count of
    codings stays 4)."""
    md = run(framework_db, "framework", "--all-coders", "--theme", "serendipity",
             "--format", "md").stdout
    row = next(line for line in md.splitlines() if line.startswith("| P01 | 4 |"))
    refs = row.split(" | ")[3].split("<br>")
    assert refs[0] == "t1, turn 2, alice, bob: \u201cI fell into management by chance.\u201d"
    assert len(refs) == 3 and sum("I fell into management by chance.\u201d" in r
                                  for r in refs) == 1
    one = run(framework_db, "framework", "--coder", "bob", "--theme", "serendipity",
              "--format", "md").stdout
    assert "| P01 | 1 | (not summarised yet) | t1, turn 2: \u201cI fell into management by " \
           "chance.\u201d |" in one
