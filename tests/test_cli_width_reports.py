"""Reports that ran past an 80-column terminal: the attribute and co-occurrence matrices,
counts by transcript, participant and coder, agreement of three coders, and the lines
under search and words.

On the bundled demo interviews with the shipped codebook, their participants' attributes
and three coders (as the README's workflow builds it). ``COLUMNS`` stands for the
terminal; without it (a pipe) and in files every table is whole, as it always was.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from rich.cells import cell_len

from qualcoder_ahp.cli import cli
from qualcoder_ahp.model.store import open_store
from qualcoder_ahp.reports import text_table
from qualcoder_ahp.reports.text_table import to_table
from qualcoder_ahp.reports.writers import Narrowing, Sheet

REPO = Path(__file__).parent.parent
WHERE = ("--where", "board_distance=Board member", "--where", "profession=Paramedic")


def invoke(db: Path, *args: str, columns: int | None = None):
    env = {"COLUMNS": str(columns) if columns else None}
    result = CliRunner().invoke(cli, ["--db", str(db), *args], env=env)
    assert result.exit_code == 0, result.output
    return result


def run(db: Path, *args: str, columns: int | None = None) -> str:
    return invoke(db, *args, columns=columns).stdout


def widest(text: str) -> int:
    return max(map(cell_len, text.splitlines()))


@pytest.fixture(scope="module")
def study(tmp_path_factory) -> Path:
    """The seven demo interviews, their attributes, the shipped codebook's suggestions,
    decided by ana, ben and cai (each rejecting a different share)."""
    db = tmp_path_factory.mktemp("study") / "study.db"
    run(db, "import", str(REPO / "transcripts"))
    run(db, "participants", "import", str(REPO / "transcripts" / "participants.csv"))
    run(db, "codebook", "load", str(REPO / "codebooks" / "ahp-leadership.yaml"))
    run(db, "suggest")
    store = open_store(db)
    for coder, every in (("ana", 5), ("ben", 3), ("cai", 4)):
        for i, s in enumerate(store.suggestions()):
            ((store.reject if (i * 7 + len(coder)) % every == 0 else store.accept)
             (s.id, coder))
    store.close()
    return db


def grid(lines: list[str]) -> list[list[str]]:
    """The cells of a table's lines (header, rule, rows): the rule gives each column."""
    spans, at = [], 0
    for dashes in lines[1].split("  "):
        spans.append((at, at + len(dashes)))
        at += len(dashes) + 2
    return [[line[a:b].strip() for a, b in spans] for line in [lines[0], *lines[2:]]]


NOTE = re.compile(r"\S+: |Left out|In every row|In \d+ column groups")
"""The lines under a table: a legend (``cod: codings``, ``A: Dietitian``), what was left
out or is the same in every row, the column groups."""


def tables(text: str) -> list[list[list[str]]]:
    """Every table block in ``text`` (a header line, a rule of dashes, rows up to a blank
    line or a note), as :func:`grid` reads it."""
    lines, found = text.splitlines(), []
    for i, line in enumerate(lines):
        if i and line and set(line) <= {"-", " "} and "--" in line:
            end = next((j for j in range(i + 1, len(lines))
                        if not lines[j].strip() or NOTE.match(lines[j])), len(lines))
            found.append(grid(lines[i - 1:end]))
    return found


# ---------------------------------------------------------------------- attribute matrix
def test_attribute_matrix_fits_80_columns_with_lettered_values_and_a_key(study):
    """`counts --by attribute:profession` was 199 columns wide at 80 (293 by seniority),
    so the terminal wrapped every row in three."""
    args = ("counts", "--coder", "ana", "--by", "attribute:profession")
    whole = run(study, *args)
    assert widest(whole) > 190
    fitted = run(study, *args, columns=80)
    assert widest(fitted) <= 80
    full, shown = tables(whole), tables(fitted)
    assert len(full) == len(shown) == 3  # counts, row %, column %
    values = full[0][0][2:-1]
    assert values[0] == "Diagnostic radiographer" and len(values) == 7
    letters = [chr(ord("A") + i) for i in range(7)]
    for old, new in zip(full, shown, strict=True):
        assert new[0] == ["theme", *letters, "total"]
        # every figure as it was, the path left out
        assert [[r[0], *r[2:]] for r in old[1:]] == new[1:]
    key = [f"{letter}: {value}" for letter, value in zip(letters, values, strict=True)]
    lines = fitted.splitlines()
    for item in key:  # each letter with its value, never broken between two lines
        assert any(item in line for line in lines), item
    assert "Left out to fit the terminal: path" in fitted
    # A wide terminal keeps the whole layout; a file and the other formats are whole.
    assert run(study, *args, columns=400) == whole
    for fmt in ("csv", "md", "json"):
        assert run(study, *args, "--format", fmt, columns=80) == run(study, *args,
                                                                      "--format", fmt)


def test_attribute_matrix_written_to_a_file_is_whole(study, tmp_path):
    args = ("counts", "--coder", "ana", "--by", "attribute:seniority")
    for name in ("m.txt", "m.csv"):
        narrow, wide = tmp_path / f"80-{name}", tmp_path / name
        invoke(study, *args, "-o", str(narrow), columns=80)
        invoke(study, *args, "-o", str(wide))
        assert narrow.read_bytes() == wide.read_bytes()
    assert widest((tmp_path / "m.txt").read_text(encoding="utf-8")) > 250


def test_attribute_matrix_too_wide_even_lettered_is_split_into_column_groups(study):
    """At 50 columns the lettered matrix by seniority (words: four digits a cell) is 67
    wide: its columns go in groups that each fit, every group led by the theme ids."""
    args = ("counts", "--coder", "ana", "--by", "attribute:seniority", "--measure", "words")
    whole, fitted = run(study, *args), run(study, *args, columns=50)
    assert widest(fitted) <= 50
    full, shown = tables(whole), tables(fitted)
    assert len(shown) > len(full) == 3
    first = full[0]
    groups = shown[:len(shown) // 3]
    assert all(g[0][0] == "theme" and [r[0] for r in g] == [r[0] for r in first]
               for g in groups)
    # the groups of the counts sheet, side by side, are the whole sheet less its path
    joined = [[r[0]] + [c for g in groups for c in g[i][1:]] for i, r in enumerate(groups[0])]
    assert [r[2:] for r in first[1:]] == [r[1:] for r in joined[1:]]
    assert "column groups to fit the terminal, each led by the theme column" in " ".join(
        fitted.split())


def test_column_groups_lead_every_group_and_keep_every_cell():
    sheet = Sheet("s", ["theme", "first long heading", "second long heading", "third"],
                  [["career_pathways", 1, 22, 333], ["serendipity", 4, 5, 6]],
                  narrow=Narrowing(lead=("theme",)))
    assert to_table([sheet]).count("\n") == 4  # no width: one table
    text = to_table([sheet], width=45)
    assert widest(text) <= 45
    found = tables(text)
    assert [t[0] for t in found] == [["theme", "first long heading"],
                                     ["theme", "second long heading", "third"]]
    assert found[1][1] == ["career_pathways", "22", "333"]
    assert text_table.column_groups([15, 18, 19, 5], [0], 45) == [[0, 1], [0, 2, 3]]
    # One column wider than the room still gets a group of its own.
    assert text_table.column_groups([15, 50, 3], [0], 40) == [[0, 1], [0, 2]]


def test_a_copy_of_the_study_with_a_long_attribute_value_still_fits(study, tmp_path):
    """A value wider than the terminal: its group is its own, cut where it must be."""
    db = tmp_path / "copy.db"
    shutil.copy(study, db)
    csv = tmp_path / "p.csv"
    csv.write_text("participant,site\nphysio_helen," + "North " * 20 + "\n"
                   "slt_priya,South\n", encoding="utf-8")
    run(db, "participants", "import", str(csv))
    fitted = run(db, "counts", "--coder", "ana", "--by", "attribute:site", columns=80)
    assert widest(fitted) <= 80


# ---------------------------------------------------------------------- co-occurrence
def test_cooccurrence_fits_80_columns_numbered_and_in_groups(study):
    """`cooccurrence` headed each column with a theme id: 375 columns at 80."""
    whole = run(study, "cooccurrence", "--coder", "ana")
    assert widest(whole) > 300
    fitted = run(study, "cooccurrence", "--coder", "ana", columns=80)
    assert widest(fitted) <= 80
    full, groups = tables(whole)[0], tables(fitted)
    ids = full[0][2:]
    assert len(ids) == 15 and len(groups) == 2
    for group in groups:
        assert group[0][:2] == ["#", "theme"]
        assert [r[:2] for r in group[1:]] == [[str(i), t] for i, t in enumerate(ids, 1)]
    numbers = [h for g in groups for h in g[0][2:]]
    assert numbers == [str(i) for i in range(1, 16)]
    for i, row in enumerate(full[1:], 1):  # every cell where it was
        assert [c for g in groups for c in g[i][2:]] == row[2:]
    text = " ".join(fitted.split())
    assert "Columns 1-15: the themes, numbered as in the # column." in text
    assert "Diagonal: the theme's own segments." in text  # the note, wrapped
    assert run(study, "cooccurrence", "--coder", "ana", columns=500) == whole
    assert run(study, "cooccurrence", "--coder", "ana", "--format", "csv",
               columns=80) == run(study, "cooccurrence", "--coder", "ana", "--format", "csv")


# ---------------------------------------------------------------------- counts views
@pytest.mark.parametrize("view", ["transcript", "participant", "coder"])
def test_counts_by_transcript_participant_and_coder_fit_80_columns(study, view):
    """By transcript or participant the counts table was 96 wide at 80 columns, by
    coder 85."""
    whole = run(study, "counts", "--by", view)
    fitted = run(study, "counts", "--by", view, columns=80)
    assert widest(whole) > 80 >= widest(fitted)
    full, shown = tables(whole)[0], tables(fitted)[0]
    assert len(full) == len(shown)
    heads = dict(zip(["codings", "segments", "words", "share_pct", "words_pct"],
                     ["cod", "seg", "words", "share%", "words%"], strict=True))
    for old, new in zip(full[1:], shown[1:], strict=True):
        o, n = dict(zip(full[0], old, strict=True)), dict(zip(shown[0], new, strict=True))
        assert n["theme"] == o["theme"] and n[view] == o[view]
        assert [n[h] for h in heads.values()] == [o[k] for k in heads]
    if view == "coder":
        assert "trs" in shown[0] and "ppl" in shown[0]
    else:
        assert "trs" not in shown[0] and "In every row: transcripts 1, participants 1." in (
            fitted)
    assert "Left out to fit the terminal: path, chars" in fitted
    assert run(study, "counts", "--by", view, columns=500) == whole


# ---------------------------------------------------------------------- agreement
@pytest.mark.parametrize("by", ["theme", "transcript", "all"])
def test_agreement_of_three_coders_fits_80_columns(study, by):
    """Three coders' agreement was 93 wide by theme at 80 columns, 111 by transcript."""
    args = ("agreement", "--coders", "ana,ben,cai", "--by", by)
    whole, fitted = run(study, *args), run(study, *args, columns=80)
    assert widest(whole) > 80 >= widest(fitted)
    head = fitted.splitlines()[1].split()
    assert {"agree", "fleiss", "AC1", "alpha", "pos_agr"} <= set(head)
    if by == "theme":
        assert head[1:3] == ["n_all", "n_some"]
        assert "n_all: coded_by_all, n_some: coded_by_some" in fitted
    else:  # the counts go; the legend names no heading the table does not show
        assert "n_all" not in fitted and "coded_by_all (a pipe" in " ".join(fitted.split())
    assert "n_none" not in fitted
    assert run(study, *args, columns=300) == whole


# ---------------------------------------------------------------------- notes
def test_search_without_hits_wraps_its_selection_and_summary(study):
    """`search` with no hits printed the Selection line whole (103 columns) and a summary
    on stderr of every term (over 120)."""
    terms = ("zzzqqq", "another phrase nobody said", "and one more long phrase")
    result = invoke(study, "search", *terms, *WHERE, columns=80)
    assert result.stdout.startswith("(no hits)\n\nSelection: board_distance = Board member;")
    assert widest(result.stdout) <= 80 and widest(result.stderr) <= 80
    whole = invoke(study, "search", *terms, *WHERE)
    assert widest(whole.stdout) > 80 and widest(whole.stderr) > 80
    assert result.stdout.split() == whole.stdout.split()
    assert result.stderr.split() == whole.stderr.split()


def test_search_summary_of_a_marked_theme_wraps(study):
    result = invoke(study, "search", "board", "--theme", "board_mandate", "--coder", "ana",
                    columns=80)
    assert widest(result.stderr) <= 80
    assert "already coded with board_mandate by ana" in " ".join(result.stderr.split())


@pytest.mark.parametrize("args", [
    ("--theme", "serendipity", "--max-p", "0.0000001"),
    ("--min-count", "1000"),
    ("--top", "3"),
    ("--theme", "serendipity", "--top", "3"),
])
def test_words_selection_and_summary_lines_wrap(study, args):
    """The empty key-word message (142 columns), its Selection line (103) and the summary
    on stderr (over 150) were whole at 80 columns."""
    fitted = invoke(study, "words", *args, *WHERE, columns=80)
    whole = invoke(study, "words", *args, *WHERE)
    assert widest(fitted.stdout) <= 80 and widest(fitted.stderr) <= 80
    assert widest(whole.stdout + whole.stderr) > 80
    assert "Selection: board_distance = Board member; profession = Paramedic: 1 of" in (
        " ".join(fitted.stdout.split()))
    assert fitted.stderr.split() == whole.stderr.split()


def test_the_note_of_counts_with_nothing_coded_wraps(study, tmp_path):
    db = tmp_path / "copy.db"
    shutil.copy(study, db)
    run(db, "codebook", "add-theme", "Caring for carers in the ambulance service",
        "--coder", "ana")
    args = ("counts", "--coder", "ana", "--theme",
            "caring_for_carers_in_the_ambulance_service", *WHERE)
    fitted, whole = invoke(db, *args, columns=80), invoke(db, *args)
    assert widest(whole.stderr) > 80 >= widest(fitted.stderr)
    assert fitted.stderr.split() == whole.stderr.split()
    assert fitted.stderr.startswith("note: nothing is coded under caring_for_carers")


@pytest.fixture(scope="module")
def partly(study, tmp_path_factory) -> Path:
    """The study with a fourth coder, dee, who has coded one interview so far."""
    db = tmp_path_factory.mktemp("partly") / "study.db"
    shutil.copy(study, db)
    store = open_store(db)
    helen = store.transcript("physio_helen").id
    for s in store.suggestions():
        if s.transcript_id == helen:
            store.accept(s.id, "dee")
    store.close()
    return db


@pytest.mark.parametrize("args", [
    ("agreement", "--coders", "ana,dee,ben", "--where", "profession!=Dietitian"),
    ("disagreements", "--coders", "ana,dee"),
    ("disagreements", "--coders", "ana,dee", "--theme", "serendipity", "--where",
     "profession=Dietitian"),
])
def test_agreement_lines_about_the_transcripts_compared_wrap(partly, args):
    """"1 of 5 transcripts coded by every coder; no coding or decision yet: dee in 4
    (--by transcript shows each)" over the agreement table ran to 105 columns at 80, and
    the count of disagreeing spans (or "No disagreements.") with it and the Selection."""
    fitted, whole = run(partly, *args, columns=80), run(partly, *args)
    assert widest(whole) > 80 >= widest(fitted)
    def said(text: str) -> list[str]:  # the words of the lines about the comparison
        lines = text.splitlines()
        if args[0] == "agreement":
            return " ".join(lines[1:lines.index(next(x for x in lines if x.startswith(
                ("theme ", "view "))))]).split()
        at = next(i for i, x in enumerate(lines)
                  if re.match(r"No disagreements\.|\d+ disagreeing spans?\.", x))
        return " ".join(lines[at:]).split()

    assert said(fitted) == said(whole)
    assert "no coding or decision yet: dee in" in " ".join(said(fitted))


def test_the_notes_of_a_merge_wrap(study, tmp_path, monkeypatch):
    """"note: copy.db still holds transcripts withdrawn from this project: ot_dev (108
    codings); none of their codings ..." ran to 187 columns at 80."""
    monkeypatch.chdir(tmp_path)
    db, other = Path("study.db"), "copy-of-a-coder.db"
    shutil.copy(study, db)
    shutil.copy(study, other)
    run(db, "withdraw", "--participant", "ot_dev", "--yes")
    fitted = invoke(db, "merge", other, columns=80)
    whole = invoke(db, "merge", other)  # nothing new the second time: the same note
    assert "still holds transcripts withdrawn from this project: ot_dev" in whole.stderr
    assert widest(whole.stderr) > 80 >= widest(fitted.stderr)
    assert fitted.stderr.split() == whole.stderr.split()


def test_agreement_by_transcript_names_its_one_view_under_the_table(study):
    """By transcript every row's view is "theme x transcript": at 120 columns that
    column took 20 while the count n00 was left out."""
    args = ("agreement", "--coders", "ana,ben", "--by", "transcript")
    fitted = run(study, *args, columns=120)
    head = fitted.splitlines()[1].split()
    assert widest(fitted) <= 120
    assert "view" not in head and {"n11", "n10", "n01", "n00"} <= set(head)
    assert "In every row: view theme x transcript." in fitted
    # By theme the view differs from row to row (theme, overall, mean): it stays.
    assert "In every row: view" not in run(study, "agreement", "--coders", "ana,ben",
                                           "--by", "all", columns=120)


def test_memos_on_a_narrow_terminal_put_each_memo_under_its_row(study, tmp_path):
    """`memos --format table` at 80 columns cut each memo to 21 characters and the theme
    it is about to 20; the memo now has a line of its own, as the log's words do."""
    db = tmp_path / "memos.db"
    shutil.copy(study, db)
    store = open_store(db)
    store.set_memo("ana", "theme", "serendipity", "Being asked to act up: chance, or "
                   "sponsorship? Check the turns before each 'asked'.")
    store.set_memo("ana", "transcript", store.transcript("physio_helen").id,
                   "Reflective account; the board relationship matters.")
    store.close()
    fitted = run(db, "memos", "--format", "table", columns=80)
    lines = fitted.splitlines()
    assert widest(fitted) <= 80
    assert lines[0].split() == ["kind", "about", "coder", "updated"]
    assert lines[1] == " " * 8 + "memo"
    assert "theme       Career pathways / Serendipity  ana" in fitted
    assert " " * 8 + "Being asked to act up: chance, or sponsorship? Check the turns before" in (
        fitted)
    assert " " * 8 + "Reflective account; the board relationship matters." in lines
    wide = run(db, "memos", "--format", "table", columns=200)
    assert wide.splitlines()[0].split()[-1] == "memo"
