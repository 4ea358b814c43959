"""`qcahp codebook show --format ...`: the codebook as a document for the write-up."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from docx import Document
from docx.shared import Pt
from openpyxl import load_workbook

from qualcoder_ahp.cli import cli
from qualcoder_ahp.model.store import Store, open_store
from qualcoder_ahp.reports import ReportData, theme_counts
from qualcoder_ahp.suggest.codebook import load_codebook
from tests.conftest import make_parsed

CODEBOOK = """\
name: Career codebook
version: 2.1
themes:
  - id: career
    name: Career route
    codable: false
    color: "#4477AA"
    description: How careers
      unfold.
    children:
      - id: luck
        name: Luck
        color: "#CC6677"
        description: Moves that came from chance.
        inclusion: Being asked; timing.
        exclusion: Planned moves.
        examples: ["I fell into it", "Right place, right time"]
        patterns:
          - id: luck_fell
            phrase: "fell into"
        exclude:
          - id: luck_not
            regex: "\\\\bnot by chance\\\\b"
      - id: plan
        name: Planned moves
        color: "#117733"
        description: Moves made on purpose.
  - id: board
    name: Board
    color: "#DDCC77"
    description: Closeness to the trust board.
    patterns:
      - id: board_word
        phrase: "the board"
"""

P1 = "I fell into it by luck. The board listened to me."
P2 = "I planned every move. The board never listened."
# (coder, transcript, theme, passage): ann and ben code the same luck passage (one segment
# pooled); the consensus coder agrees on it.
CODINGS = [
    ("ann", "p1", "luck", "I fell into it by luck."),
    ("ann", "p1", "board", "The board listened to me."),
    ("ben", "p1", "luck", "fell into it"),
    ("ben", "p2", "plan", "I planned every move."),
    ("consensus", "p1", "luck", "I fell into it by luck."),
]
USAGE = ("segments", "transcripts", "participants")


@pytest.fixture
def book(tmp_path: Path) -> Path:
    path = tmp_path / "career.yaml"
    path.write_text(CODEBOOK, encoding="utf-8")
    return path


@pytest.fixture
def db(tmp_path: Path, book: Path) -> Path:
    """A small project: the codebook above, two transcripts, ann's, ben's and the
    consensus codings, a theme ann added while coding (and coded), two theme memos."""
    path = tmp_path / "project.db"
    store = open_store(path)
    store.save_codebook(load_codebook(book))
    ids = {}
    for name, text, participant in (("p1", P1, "P1"), ("p2", P2, "P2")):
        info, _ = store.add_transcript(name, make_parsed([("Ann", "participant", text)]),
                                       participant=participant)
        ids[name] = info.id
    store.add_theme("Out of my depth", coder="ann", parent_id="career",
                    description="Feeling unready.")
    for coder, name, theme, passage in CODINGS + [
            ("ann", "p2", "out_of_my_depth", "The board never listened.")]:
        start = store.transcript_text(ids[name]).index(passage)
        store.code(ids[name], theme, coder, start, start + len(passage),
                   origin="consensus" if coder == "consensus" else "manual")
    store.set_memo("ann", "theme", "luck", "Mostly someone's invitation.")
    store.set_memo("ben", "theme", "board", "Distance from the board.")
    store.close()
    return path


def run(db: Path | None, *args: str, code: int = 0) -> Result:
    head = ["--db", str(db)] if db is not None else []
    result = CliRunner().invoke(cli, [*head, "codebook", "show", *args])
    assert result.exit_code == code, (result.output, result.exception)
    return result


def counts_figures(db: Path, coder: str | None) -> dict[str, tuple[int, ...]]:
    """``qcahp counts``' figures for the same coder selection, from its own code."""
    store = open_store(db)
    try:
        rows = theme_counts(ReportData(store, coder)).rows
        return {r.theme_id: tuple(getattr(r.figures, k) for k in USAGE) for r in rows}
    finally:
        store.close()


# ---------------------------------------------------------------------- documents
def test_markdown_document_in_tree_order(db: Path) -> None:
    out = run(db, "--format", "md").stdout
    day = out.split("last loaded ", 1)[1][:10]
    # The stored codebook carries its file's version: (2.1); a file without one is
    # dated by its load (tests/test_s19_codebook_version.py).
    assert out.startswith(f"# Career codebook, version 2.1 (loaded {day})\n\nThe codebook "
                          "stored in "
                          "project.db, last loaded ")
    assert [line for line in out.splitlines() if line.startswith("#")] == [
        f"# Career codebook, version 2.1 (loaded {day})", "## Career route", "### Luck",
        "### Planned moves", "### Out of my depth", "## Board"]
    luck = out.split("### Luck\n", 1)[1].split("### Planned moves", 1)[0]
    assert luck == """
`luck`

**Definition:** Moves that came from chance.

**Include:** Being asked; timing.

**Exclude:** Planned moves.

**Examples:**

- \u201cI fell into it\u201d
- \u201cRight place, right time\u201d

**Usage:** 1 coded segment in 1 transcript (1 participant)

"""
    # A folder is rolled up (luck in p1; plan and the added theme apart in p2), as counts.
    assert ("`career` \u00b7 folder\n\n**Definition:** How careers unfold.\n\n**Usage:** 3 "
            "coded segments in 2 transcripts (2 participants), with the themes below it") in out
    assert f"`out_of_my_depth` \u00b7 added while coding by ann ({day})" in out
    assert "Memos" not in out  # only with --memos


def test_word_document_has_a_table_per_theme(db: Path, tmp_path: Path) -> None:
    target = tmp_path / "codebook.docx"
    result = run(db, "-o", str(target))
    assert result.stderr == f"Wrote the codebook (5 themes) to {target}\n"
    doc = Document(str(target))
    paras = doc.paragraphs
    assert paras[0].style.name == "Title" and paras[0].text.startswith(
        "Career codebook, version 2.1 (loaded ")
    headings = [(p.style.name, p.text) for p in paras if p.style.name.startswith("Heading")]
    assert headings == [("Heading 1", "Career route"), ("Heading 2", "Luck"),
                        ("Heading 2", "Planned moves"), ("Heading 2", "Out of my depth"),
                        ("Heading 1", "Board")]
    small = next(p for p in paras if p.text == "luck")
    assert small.runs[0].font.size == Pt(8)  # the id in small print
    assert len(doc.tables) == 5
    luck = doc.tables[1]
    label, text = luck.rows[0].cells
    assert label.width < text.width  # the labels' column is narrow
    cells = [[c.text for c in row.cells] for row in luck.rows]
    assert [row[0] for row in cells] == ["Definition", "Include", "Exclude", "Examples",
                                         "Usage"]
    assert cells[0][1] == "Moves that came from chance."
    assert cells[4][1] == "1 coded segment in 1 transcript (1 participant)"
    examples = luck.rows[3].cells[1].paragraphs
    assert [(p.style.name, p.text) for p in examples] == [
        ("List Bullet", "\u201cI fell into it\u201d"),
        ("List Bullet", "\u201cRight place, right time\u201d")]


# ---------------------------------------------------------------------- tables
def test_csv_one_row_per_theme(db: Path) -> None:
    rows = list(csv.DictReader(io.StringIO(run(db, "--format", "csv").stdout)))
    assert list(rows[0]) == ["path", "id", "name", "kind", "definition", "include",
                             "exclude", "examples", "patterns", "exclusion_patterns",
                             "added_while_coding", *USAGE]
    assert [r["id"] for r in rows] == ["career", "luck", "plan", "out_of_my_depth", "board"]
    luck = rows[1]
    assert (luck["path"], luck["kind"], luck["examples"], luck["patterns"],
            luck["exclusion_patterns"]) == ("Career route / Luck", "codable",
                                            "I fell into it\nRight place, right time", "1", "1")
    assert rows[0]["kind"] == "folder" and rows[0]["definition"] == "How careers unfold."
    assert rows[3]["added_while_coding"].startswith("ann (") and rows[1]["added_while_coding"] == ""


def test_xlsx_is_readable_and_explains_its_columns(db: Path, tmp_path: Path) -> None:
    target = tmp_path / "codebook.xlsx"
    run(db, "-o", str(target), "--coder", "ben")
    wb = load_workbook(target)
    assert wb.sheetnames == ["Codebook", "About"]
    sheet = wb["Codebook"]
    header = [c.value for c in sheet[1]]
    rows = {r[1]: dict(zip(header, r, strict=True))
            for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert (rows["plan"]["segments"], rows["plan"]["transcripts"]) == (1, 1)
    assert rows["board"]["segments"] == 0  # ben never coded the board
    column = header.index("definition")
    assert sheet.cell(row=2, column=column + 1).alignment.wrap_text
    assert sheet.column_dimensions[chr(ord("A") + column)].width >= 60
    about = dict(wb["About"].iter_rows(min_row=2, values_only=True))
    assert about["coders"] == "coder ben" and "segments" in " ".join(map(str, about))
    assert about["column: added_while_coding"].startswith("who added the theme")


@pytest.mark.parametrize("selection", [[], ["--coder", "ann"], ["--coder", "ben"],
                                       ["--consensus"], ["--coder", "consensus"]])
def test_usage_is_what_counts_says(db: Path, selection: list[str]) -> None:
    doc = json.loads(run(db, "--format", "json", *selection).stdout)
    coder = None if not selection else selection[-1] if selection[0] == "--coder" \
        else "consensus"
    assert doc["coder"] == coder and doc["usage"] is True
    mine = {t["id"]: tuple(t[k] for k in USAGE) for t in doc["themes"]}
    assert mine == counts_figures(db, coder)
    # And the same as `qcahp counts` prints for these options.
    counted = CliRunner().invoke(cli, ["--db", str(db), "counts", "--format", "json",
                                       *selection])
    assert mine == {r["theme_id"]: tuple(r[k] for k in USAGE)
                    for r in json.loads(counted.stdout)["rows"]}


def test_usage_figures_by_hand(db: Path) -> None:
    # Pinned, so a fault shared with counts cannot pass unseen.
    assert counts_figures(db, None) == {
        "career": (3, 2, 2), "luck": (1, 1, 1), "plan": (1, 1, 1),
        "out_of_my_depth": (1, 1, 1), "board": (1, 1, 1)}
    assert counts_figures(db, "ann")["career"] == (2, 2, 2)


def test_json_marks_themes_added_while_coding_and_brief_leaves_out_the_texts(db: Path) -> None:
    doc = json.loads(run(db, "--format", "json").stdout)
    assert doc["report"] == "codebook" and doc["name"] == "Career codebook"
    assert doc["version"] == "2.1" and doc["loaded"]  # the file's version:, and its load
    themes = {t["id"]: t for t in doc["themes"]}
    assert themes["out_of_my_depth"]["added_while_coding"]["coder"] == "ann"
    assert themes["luck"]["added_while_coding"] is None
    assert themes["luck"]["examples"] == ["I fell into it", "Right place, right time"]
    assert (themes["luck"]["depth"], themes["luck"]["parent"]) == (1, "career")
    brief = json.loads(run(db, "--format", "json", "--brief").stdout)["themes"][1]
    assert "definition" not in brief and "examples" not in brief and brief["segments"] == 1
    rows = list(csv.DictReader(io.StringIO(run(db, "--format", "csv", "--brief").stdout)))
    assert "definition" not in rows[0] and rows[1]["segments"] == "1"


def test_memos_follow_the_coder_selection(db: Path) -> None:
    out = run(db, "--format", "md", "--memos").stdout
    luck = out.split("### Luck", 1)[1].split("###", 1)[0]
    assert "**Memos:**\n\n- ann (" in luck and "Mostly someone's invitation." in luck
    assert "Distance from the board." in out.split("## Board", 1)[1]
    only_ann = json.loads(run(db, "--format", "json", "--memos", "--coder", "ann").stdout)
    memos = {t["id"]: [m["memo"] for m in t["memos"]] for t in only_ann["themes"]}
    assert memos["luck"] == ["Mostly someone's invitation."] and memos["board"] == []
    rows = list(csv.DictReader(io.StringIO(run(db, "--format", "csv", "--memos").stdout)))
    assert rows[-1]["memos"].startswith("ben (") and rows[-1]["memos"].endswith("board.")


def test_a_retired_theme_with_codings_stays_marked(db: Path, book: Path) -> None:
    store: Store = open_store(db)
    cb = load_codebook(book)
    store.save_codebook(cb.__class__(cb.name, tuple(t for t in cb.themes if t.id != "plan"),
                                     cb.patterns, cb.pipeline, cb.source))
    store.close()
    rows = list(csv.DictReader(io.StringIO(run(db, "--format", "csv").stdout)))
    plan = next(r for r in rows if r["id"] == "plan")
    assert (plan["name"], plan["kind"], plan["segments"]) == (
        "Planned moves (retired)", "codable (retired)", "1")
    assert run(db, "--format", "json", "--coder", "ann").stdout.count('"plan"') == 0


# ---------------------------------------------------------------------- the terminal
def test_terminal_listing_is_unchanged(db: Path, book: Path) -> None:
    listing = """\
Career codebook, version 2.1  (4 themes, 2 patterns, 1 exclusion pattern)
career  Career route  [#4477AA] (folder)
    definition: How careers unfold.
  luck  Luck  [#CC6677] (1 pattern, 1 exclusion)
      definition: Moves that came from chance.
      include: Being asked; timing.
      exclude: Planned moves.
      examples: "I fell into it"; "Right place, right time"
  plan  Planned moves  [#117733] (0 patterns)
      definition: Moves made on purpose.
board  Board  [#DDCC77] (1 pattern)
    definition: Closeness to the trust board.
"""
    assert run(None, str(book)).stdout == listing
    assert run(None, str(book), "--brief").stdout == "".join(
        line for line in listing.splitlines(keepends=True) if not line.startswith("    "))
    stored = run(db).stdout  # the stored codebook has the added theme too
    assert "  out_of_my_depth  Out of my depth  [" in stored


# ---------------------------------------------------------------------- a file, no project
@pytest.mark.parametrize("fmt", ["md", "csv", "json", "table"])
def test_a_codebook_file_needs_no_project(book: Path, tmp_path: Path, fmt: str) -> None:
    out = run(None, str(book), "--format", fmt).stdout
    assert "Planned moves" in out and "segment" not in out
    if fmt == "md":
        assert out.startswith(f"# Career codebook, version 2.1\n\nFrom {book}: 4 themes, "
                              "2 patterns, 1 exclusion pattern.\n")
    if fmt == "json":
        doc = json.loads(out)
        assert (doc["version"], doc["usage"], doc["coder"]) == ("2.1", False, None)
        assert "segments" not in doc["themes"][0]
    if fmt == "csv":
        assert "segments" not in next(csv.reader(io.StringIO(out)))
    assert not (tmp_path / "qcahp.db").exists()  # nothing created


def test_a_codebook_file_as_word_and_xlsx(book: Path, tmp_path: Path) -> None:
    run(None, str(book), "-o", "cb.docx")
    run(None, str(book), "-o", "cb.xlsx")
    doc = Document("cb.docx")
    assert doc.paragraphs[0].text == "Career codebook, version 2.1"
    assert all("Usage" not in row.cells[0].text for t in doc.tables for row in t.rows)
    header = [c.value for c in load_workbook("cb.xlsx")["Codebook"][1]]
    assert "segments" not in header and "definition" in header
    assert not (tmp_path / "qcahp.db").exists()


# ---------------------------------------------------------------------- mistakes
@pytest.mark.parametrize(("args", "message"), [
    (["--coder", "zoe", "--format", "md"], "no coder named 'zoe' in this project"),
    (["--coder", "ann", "--consensus", "--format", "csv"], "either --coder or --consensus"),
    (["--format", "docx"], "docx output needs a file: add -o FILE.docx"),
    (["--format", "xlsx"], "xlsx output needs a file"),
    (["-o", "missing/cb.md"], "cannot write the output file (no such folder)"),
    (["-o", "cb.pdf"], "cannot be written as a .pdf file"),
    (["--memos"], "--memos goes with a document or table"),
    (["--coder", "ann"], "--coder goes with a document or table"),
])
def test_bad_input_is_one_line_and_writes_nothing(db: Path, tmp_path: Path, args: list[str],
                                                  message: str) -> None:
    before = sorted(p.name for p in tmp_path.iterdir())
    result = run(db, *args, code=1)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: ") and message in lines[0], lines
    assert result.stdout == ""
    assert sorted(p.name for p in tmp_path.iterdir()) == before


def test_the_project_database_is_not_an_output(db: Path) -> None:
    size = db.stat().st_size
    result = run(db, "--format", "csv", "-o", str(db), code=1)
    assert "that is the project database" in result.stderr
    assert db.stat().st_size == size and open_store(db).themes()


def test_a_file_has_no_codings_to_select(book: Path) -> None:
    result = run(None, str(book), "--format", "md", "--coder", "ann", "--memos", code=1)
    assert result.stderr == ("Error: --coder and --memos need the project's codings: a "
                             "codebook file (PATH) has none; leave out PATH to show the "
                             "stored codebook\n")


def test_no_codebook_loaded(tmp_path: Path) -> None:
    store = open_store(tmp_path / "empty.db")
    store.add_transcript("p1", make_parsed([("Ann", "participant", P1)]))
    store.close()
    for fmt in ("md", "table"):
        result = run(tmp_path / "empty.db", "--format", fmt, code=1)
        assert result.stderr == ("Error: no codebook loaded: run `qcahp codebook load FILE` "
                                 "first\n")


def test_brief_document_keeps_the_tree_and_usage(db: Path) -> None:
    out = run(db, "--format", "md", "--brief", "--memos").stdout
    assert "**Definition:**" not in out and "**Examples:**" not in out and "Memos" not in out
    assert "### Luck\n\n`luck`\n\n**Usage:** 1 coded segment in 1 transcript (1 participant)" in out


def test_a_files_version_is_read_as_written(tmp_path: Path) -> None:
    from qualcoder_ahp.suggest.codebook import check_codebook

    path = tmp_path / "v.yaml"
    path.write_text(CODEBOOK.replace("version: 2.1", "version: [2]"), encoding="utf-8")
    result = check_codebook(path)
    assert result.codebook is not None and result.codebook.version is None
    assert any("`version` should be a number" in w for w in result.warnings)
    path.write_text(CODEBOOK.replace("version: 2.1", "version: draft 3"), encoding="utf-8")
    assert load_codebook(path).version == "draft 3"


def test_the_listing_to_a_text_file_is_owner_only(book: Path, tmp_path: Path) -> None:
    result = run(None, str(book), "-o", "cb.txt")
    assert result.stdout == "" and result.stderr == (
        "Wrote the codebook (4 themes, 2 patterns, 1 exclusion pattern) to cb.txt\n")
    assert (tmp_path / "cb.txt").read_text() == run(None, str(book)).stdout
    assert (tmp_path / "cb.txt").stat().st_mode & 0o777 == 0o600


def test_markdown_document_keeps_names_and_definitions_literal(db: Path) -> None:
    """A theme named "*Planned* moves" (renamed while coding) stays a literal name in the
    Markdown document: a heading, not a heading in italics."""
    with open_store(db) as store:
        theme = next(t for t in store.themes() if t.name == "Planned moves")
        store.edit_theme(theme.id, coder="ann", name="*Planned* moves",
                         description="# on purpose, not <luck>")
    out = run(db, "--format", "md").stdout
    assert "\\*Planned\\* moves\n" in out
    assert "**Definition:** \\# on purpose, not \\<luck\\>" in out


# ---------------------------------------------------------------------- --theme
def test_theme_keeps_its_subtree_in_every_format(db: Path, tmp_path: Path) -> None:
    out = run(db, "--theme", "career", "--format", "md").stdout
    assert [line for line in out.splitlines() if line.startswith("##")] == [
        "## Career route", "### Luck", "### Planned moves", "### Out of my depth"]
    assert "only career and the themes below it: 4 themes, 1 pattern, " in out
    # A theme inside the tree heads its own document; JSON keeps its depth in the tree.
    out = run(db, "--theme", "luck", "--theme", "board", "--format", "md").stdout
    assert [line for line in out.splitlines() if line.startswith("##")] == [
        "## Luck", "## Board"]
    doc = json.loads(run(db, "--theme", "luck", "--format", "json").stdout)
    assert [(t["id"], t["depth"]) for t in doc["themes"]] == [("luck", 1)]
    assert doc["selected"] == ["luck"]
    rows = list(csv.DictReader(io.StringIO(run(db, "--theme", "career", "--theme", "luck",
                                               "--format", "csv").stdout)))
    assert [r["id"] for r in rows] == ["career", "luck", "plan", "out_of_my_depth"]
    run(db, "--theme", "board", "-o", str(tmp_path / "b.xlsx"))
    sheet = load_workbook(tmp_path / "b.xlsx").worksheets[0]
    assert [r[1] for r in sheet.iter_rows(values_only=True)] == ["id", "board"]
    result = run(db, "--theme", "career", "-o", str(tmp_path / "c.docx"))
    assert "part of the codebook (4 themes)" in result.stderr
    headings = [(p.style.name, p.text) for p in Document(str(tmp_path / "c.docx")).paragraphs
                if p.style.name.startswith("Heading")]
    assert headings == [("Heading 1", "Career route"), ("Heading 2", "Luck"),
                        ("Heading 2", "Planned moves"), ("Heading 2", "Out of my depth")]


def test_theme_in_the_terminal_tree_and_a_codebook_file(db: Path, book: Path) -> None:
    out = run(db, "--theme", "luck", "--brief").stdout.splitlines()
    assert out[0].endswith("; only luck and the themes below it (1 theme)")
    assert out[1:] == ["luck  Luck  [#CC6677] (1 pattern, 1 exclusion)"]
    out = run(None, str(book), "--theme", "career", "--brief").stdout.splitlines()
    assert [line[:line.index("  ", 2)] for line in out[1:]] == ["career", "  luck", "  plan"]


@pytest.mark.parametrize("fmt", ["table", "md"])
def test_unknown_theme_is_one_line_naming_the_closest(db: Path, fmt: str) -> None:
    result = run(db, "--theme", "luck", "--theme", "lcuk", "--format", fmt, code=1)
    assert result.output.count("\n") == 1
    assert "no theme 'lcuk' in the codebook; did you mean 'luck'?" in result.output
