"""Tables on a narrow terminal: fitted to its width, whole everywhere else.

On the reports tests' small project (:func:`tests.test_reports.build_project`), whose
search, log, transcripts and disagreements tables are wider than the widths used here.
``COLUMNS`` stands for the terminal (click's runner is no terminal); without it the
output is what it always was, and files and the csv/json/md formats are never cut.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from qualcoder_ahp.cli import cli
from qualcoder_ahp.reports import writers
from qualcoder_ahp.reports.writers import Sheet, fit_widths, shorten, to_table


def run(db: Path, *args: str, columns: int | None = None) -> str:
    env = {"COLUMNS": str(columns) if columns else None}
    result = CliRunner().invoke(cli, ["--db", str(db), *args], env=env)
    assert result.exit_code == 0, result.output
    return result.stdout


def widest(text: str) -> int:
    return max(map(len, text.splitlines()))


# ---------------------------------------------------------------------- the pieces
def test_shorten_cuts_at_a_word_and_marks_the_cut():
    assert shorten("It was a winding road.", 30) == "It was a winding road."
    assert shorten("It was a winding road.", 12) == "It was a…"
    # The start of a text before a search match: a cut word is dropped, right-aligned.
    assert shorten("I fell into management by chance. It w", 16, "start") == (
        "  \u2026 chance. It w")
    assert len(shorten("x" * 50, 10)) == 10 and shorten("x" * 50, 10).endswith("\u2026")
    # Cut between two words: the whole word stays; the space before the match too.
    assert shorten("\u2026 fell into management by chance. It was ", 20, "start") == (
        "\u2026 by chance. It was ")


def test_shorten_keeps_the_count_of_more_after_an_id():
    # `qcahp suggestions` at 80 columns cut "ntr_into_management +1" to "ntr_into_…":
    # the "+1" (another pattern suggested it too) was lost, as "+3" was in the log.
    assert shorten("ntr_into_management +1", 10) == "ntr_in\u2026 +1"
    assert shorten("dietitian_grace +3", 12) == "dietitia\u2026 +3"
    assert shorten("ser_acting +33", 14) == "ser_acting +33"
    assert shorten("ser_acting +33", 4) == "ser\u2026"  # too narrow for the count
    # Words with a "+3" at their end are text, cut as text; so is the start side.
    assert shorten("the score was +3", 10) == "the score\u2026"
    assert shorten("ntr_into_management +1", 10, "start").endswith("+1")


def test_names_give_way_only_when_that_makes_the_table_fit():
    columns = ["theme", "n", "text"]
    numeric, free, names = [False, True, False], [False, False, True], [True, False, False]
    # The free text gives way first; numbers never.
    assert fit_widths(columns, [26, 5, 60], numeric, free, 60, names) == [26, 5, 25]
    # Text at its least (10) is not enough: the name gives way, down to 14.
    assert fit_widths(columns, [26, 5, 60], numeric, free, 40, names) == [21, 5, 10]
    # Even the name at 14 cannot make 30: the name stays whole.
    assert fit_widths(columns, [26, 5, 60], numeric, free, 30, names) == [26, 5, 10]
    assert fit_widths(columns, [26, 5, 60], numeric, free, None, names) == [26, 5, 60]
    # A name narrower than 14 ("md") neither grows nor counts as room to give.
    assert fit_widths(["name", "format", "text"], [16, 6, 40], [False] * 3,
                      [False, False, True], 34, [True, True, False]) == [14, 6, 10]


def test_to_table_without_a_width_is_untouched():
    sheet = Sheet("s", ["id", "what"], [[1, "word " * 40]], wrap={"what"})
    assert widest(to_table([sheet])) == 2 + 2 + 200  # the rule under "what"
    fitted = to_table([sheet], width=50)
    assert widest(fitted) <= 50 and "\u2026" in fitted


def test_screen_width_honours_columns_then_the_terminal(monkeypatch):
    monkeypatch.setattr(writers.sys, "stdout", _Stream(tty=False))
    assert writers.screen_width() is None  # a pipe or a file: never cut
    monkeypatch.setenv("COLUMNS", "72")
    assert writers.screen_width() == 72
    monkeypatch.delenv("COLUMNS")
    monkeypatch.setattr(writers.sys, "stdout", _Stream(tty=True))
    monkeypatch.setattr(writers.shutil, "get_terminal_size",
                        lambda: __import__("os").terminal_size((91, 30)))
    assert writers.screen_width() == 91


class _Stream:
    def __init__(self, tty: bool) -> None:
        self.tty = tty

    def isatty(self) -> bool:
        return self.tty


# ---------------------------------------------------------------------- search
def test_search_fits_and_keeps_the_matches_in_line(db):
    whole = run(db, "search", "board", "a")
    assert widest(whole) > 80
    fitted = run(db, "search", "board", "a", columns=80)
    assert widest(fitted) <= 80
    rows, full = fitted.splitlines()[2:], whole.splitlines()[2:]
    assert len(rows) == len(full) == 18
    at = rows[0].index("  a  ") + 2  # the match column starts at the same place in each row
    for row, old in zip(rows, full, strict=True):
        match = row[at:].split("  ")[0]
        old_at = old.index(f"  {match}  ", len(old.split("  ")[0])) + 2
        before, after = row[:at].rstrip(), row[at + len(match):].strip()
        old_before, old_after = old[:old_at].rstrip(), old[old_at + len(match):].strip()
        # before is cut on its left (it still ends at the match), after on its right
        assert old_before.endswith(before.rsplit("\u2026 ", 1)[-1].split("  ")[-1])
        assert old_after.startswith(after.rstrip("\u2026"))
    assert any(r.endswith("\u2026") for r in rows)
    assert any("\u2026 " in r and r != o for r, o in zip(rows, full, strict=True))


def test_a_long_match_is_never_cut():
    """A match with no space in it (a regex's) is no name to shorten: context gives way."""
    sides = {"before": "start", "match": "keep", "after": "end"}
    sheet = Sheet("Hits", ["transcript", "before", "match", "after"],
                  [["physio_helen_interview_2", "so much ", "untapped-potential-here",
                    " in our therapy workforce, and"]], shrink=sides)
    lines = to_table([sheet], width=62).splitlines()
    assert "  untapped-potential-here  " in lines[2]
    assert "physio_helen_interview_2" not in lines[2]  # the name gave way, to fit
    assert widest("\n".join(lines)) <= 62


def test_search_files_and_formats_are_never_cut(db, tmp_path):
    whole = run(db, "search", "board", "a")
    target = tmp_path / "hits.txt"
    run(db, "search", "board", "a", "-o", str(target), columns=60)
    assert target.read_text(encoding="utf-8") == whole
    for fmt in ("csv", "md", "json"):
        assert run(db, "search", "board", "a", "--format", fmt, columns=60) == run(
            db, "search", "board", "a", "--format", fmt)


# ---------------------------------------------------------------------- log
def test_log_on_a_narrow_terminal_puts_each_events_words_under_it(db):
    whole = run(db, "log")
    assert widest(whole) > 80
    narrow = run(db, "log", columns=80)
    lines = narrow.splitlines()
    assert widest(narrow) <= 80
    assert lines[0].split() == ["event", "time", "coder", "kind", "transcript", "theme"]
    assert lines[1].strip() == "what"
    assert lines[4].startswith(" " * 7 + "coded by hand: Serendipity on t1 [23, 56)")
    # Wide enough: one line per event, as without a width.
    assert run(db, "log", columns=300) == whole


def test_log_file_is_never_cut(db, tmp_path):
    target = tmp_path / "log.txt"
    run(db, "log", "-o", str(target), columns=60)
    assert widest(target.read_text(encoding="utf-8")) > 80


# ---------------------------------------------------------------------- format_table
@pytest.mark.parametrize("args", [("transcripts",), ("disagreements", "--coders", "alice,bob")])
def test_other_tables_fit_by_their_words(db, args):
    whole = run(db, *args)
    width = widest(whole) - 10
    fitted = run(db, *args, columns=width)
    assert widest(fitted) <= width
    assert "\u2026" in fitted
    assert run(db, *args, columns=500) == whole


# ---------------------------------------------------------------------- suggestions
REPO = Path(__file__).parent.parent


@pytest.fixture(scope="module")
def shipped(tmp_path_factory) -> Path:
    """Two bundled transcripts with the shipped codebook's suggestions (as ``qcahp demo``)."""
    db = tmp_path_factory.mktemp("shipped") / "project.db"
    run(db, "import", *(str(REPO / "transcripts" / f) for f in ("dietitian_grace.md",
                                                                 "slt_priya.md")))
    run(db, "codebook", "load", str(REPO / "codebooks" / "ahp-leadership.yaml"))
    run(db, "suggest")
    return db


def cells(table: str) -> list[dict[str, str]]:
    """A fitted table's rows by column (its rule gives each column's place)."""
    lines = table.splitlines()
    spans, at = [], 0
    for dashes in lines[1].split("  "):
        spans.append((at, at + len(dashes)))
        at += len(dashes) + 2
    names = [lines[0][a:b].strip() for a, b in spans]
    return [{n: line[a:b].strip() for n, (a, b) in zip(names, spans, strict=True)}
            for line in lines[2:] if line[:1].isdigit()]


@pytest.mark.parametrize("args", [(), ("--theme", "serendipity"), ("--status", "all")])
def test_suggestions_fit_80_columns_without_the_columns_every_row_shares(shipped, args):
    # At 80 columns the table was 102 wide: text and patterns cut to their least, and
    # unit and status saying "sentence" and "open" in every row.
    whole = run(shipped, "suggestions", *args)
    assert widest(whole) > 100
    fitted = run(shipped, "suggestions", *args, columns=80)
    assert widest(fitted) <= 80
    rows, full = cells(fitted), cells(whole)
    assert len(rows) == len(full) >= 5
    assert "unit" not in rows[0] and "status" not in rows[0]
    assert fitted.splitlines()[-1].startswith("In every row: ")
    assert "unit sentence, status open." in fitted.splitlines()[-1]
    for row, old in zip(rows, full, strict=True):
        assert row["id"] == old["id"] and row["start"] == old["start"]
        more = old["patterns"].partition(" +")[2]
        if more:  # the pattern id is cut, never the count of the others
            assert row["patterns"].endswith(f" +{more}")
    if not args:
        assert rows[0]["patterns"].endswith("\u2026 +3")  # bup_all_professions +3, cut
    # Files, pipes and json keep every column.
    assert run(shipped, "suggestions", *args, columns=500) == whole
    assert whole.splitlines()[0].split() == ["id", "transcript", "theme", "unit", "start",
                                             "end", "status", "patterns", "text"]
    assert run(shipped, "suggestions", *args, "--format", "json", columns=80) == run(
        shipped, "suggestions", *args, "--format", "json")
