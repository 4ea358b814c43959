"""Tables on a narrow terminal: fitted to its width, whole everywhere else.

On the reports tests' small project (:func:`tests.test_reports.build_project`), whose
search, log, transcripts and disagreements tables are wider than the widths used here.
``COLUMNS`` stands for the terminal (click's runner is no terminal); without it the
output is what it always was, and files and the csv/json/md formats are never cut.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from rich.cells import cell_len as cell_width

from qualcoder_ahp.cli import cli
from qualcoder_ahp.model.store import open_store
from qualcoder_ahp.reports import text_table, writers
from qualcoder_ahp.reports.text_table import fit_widths, shorten, to_table
from qualcoder_ahp.reports.writers import Sheet
from tests.conftest import make_parsed
from tests.helpers.project import ana_and_ben_disagree, bundled_two


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
    monkeypatch.setattr(text_table.sys, "stdout", _Stream(tty=False))
    assert text_table.screen_width() is None  # a pipe or a file: never cut
    monkeypatch.setenv("COLUMNS", "72")
    assert text_table.screen_width() == 72
    monkeypatch.delenv("COLUMNS")
    monkeypatch.setattr(text_table.sys, "stdout", _Stream(tty=True))
    monkeypatch.setattr(text_table.shutil, "get_terminal_size",
                        lambda: __import__("os").terminal_size((91, 30)))
    assert text_table.screen_width() == 91


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
    if args[0] == "disagreements":
        # Cut below 40 cells, a span's words go on a line of their own under its row
        # instead (the shared Narrowing.under rule, as the log's words).
        assert "\n        I sit on the trust board.\n" in fitted
    else:
        # The speakers and their roles, what a researcher checks after an import, are
        # never cut ("Interview…"): the columns every row shares give way first.
        assert "\u2026" not in fitted
        assert fitted.splitlines()[-2] == "In every row: version 1, format txt."
        for speakers in ("Interviewer (I), Asha (P)", "Interviewer (I), Cara (P)"):
            assert speakers in whole and speakers in fitted
    assert run(db, *args, columns=500) == whole


# ---------------------------------------------------------------------- suggestions


@pytest.fixture(scope="module")
def shipped(tmp_path_factory) -> Path:
    """Two bundled transcripts with the shipped codebook's suggestions (as ``qcahp demo``)."""
    return bundled_two(tmp_path_factory.mktemp("shipped") / "project.db", run)


def cells(table: str) -> list[dict[str, str]]:
    """A fitted table's rows by column (its rule gives each column's place)."""
    return _grid(table, keep=lambda line: line[:1].isdigit())


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


# ---------------------------------------------------------------------- patterns
@pytest.fixture(scope="module")
def decided(shipped: Path, tmp_path_factory) -> Path:
    """The shipped project with a coder's decisions: every third suggestion rejected."""
    import shutil

    db = tmp_path_factory.mktemp("decided") / "project.db"
    shutil.copy(shipped, db)
    store = open_store(db)
    for i, s in enumerate(store.suggestions()):
        (store.reject if i % 3 == 0 else store.accept)(s.id, "ana")
    store.close()
    return db


PATTERN_LEGEND = "sug: suggestions, acc: accepted, rej: rejected, prec: precision"


def test_patterns_fit_80_columns_with_short_headings_and_a_legend(decided):
    # At 80 columns the table was 124 wide: nothing in it was cut or left out.
    whole = run(decided, "patterns")
    assert widest(whole) > 120
    assert PATTERN_LEGEND not in whole
    fitted = run(decided, "patterns", columns=80)
    assert widest(fitted) <= 80
    assert fitted.splitlines()[0].split() == ["pattern", "theme", "kind", "sug", "acc", "rej",
                                              "open", "prec"]
    assert fitted.splitlines()[-1] == PATTERN_LEGEND
    rows, full = _grid(fitted), _grid(whole)
    assert len(rows) == len(full) > 700
    for row, old in zip(rows, full, strict=True):  # every figure as it was
        assert [row[k] for k in ("sug", "acc", "rej", "open", "prec")] == [
            old[k] for k in ("suggestions", "accepted", "rejected", "open", "precision")]
        assert old["pattern"].startswith(row["pattern"].rstrip("\u2026"))
    assert any(r["acc"] != "0" for r in rows) and any(r["rej"] != "0" for r in rows)
    # Pipes, files and json keep every column under its whole name.
    assert run(decided, "patterns", columns=500) == whole
    assert run(decided, "patterns", "--format", "json", columns=80) == run(
        decided, "patterns", "--format", "json")


def test_patterns_of_one_theme_name_the_theme_under_the_table(decided):
    whole = run(decided, "patterns", "--theme", "serendipity", "--sort", "rejected")
    assert widest(whole) > 80
    fitted = run(decided, "patterns", "--theme", "serendipity", "--sort", "rejected",
                 columns=80)
    assert widest(fitted) <= 80
    assert fitted.splitlines()[-2:] == [PATTERN_LEGEND, "In every row: theme serendipity."]
    rows, full = _grid(fitted), _grid(whole)
    assert "theme" not in rows[0]
    # With the theme named once, every pattern id is whole, to be typed back.
    assert [r["pattern"] for r in rows] == [r["pattern"] for r in full]
    assert [r["rej"] for r in rows] == [r["rejected"] for r in full]


def _grid(text: str, keep: Callable[[str], bool] = lambda line: True
          ) -> list[dict[str, str]]:
    """A table's rows (those ``keep`` keeps) by column, up to its first blank or legend line
    (the rule under the header gives each column's place)."""
    lines = text.splitlines()
    end = next((i for i, line in enumerate(lines[2:], 2)
                if not line.strip() or line.startswith(("sug:", "In every row"))), len(lines))
    spans, at = [], 0
    for dashes in lines[1].split("  "):
        spans.append((at, at + len(dashes)))
        at += len(dashes) + 2
    names = [lines[0][a:b].strip() for a, b in spans]
    return [{n: line[a:b].strip() for n, (a, b) in zip(names, spans, strict=True)}
            for line in lines[2:end] if keep(line)]


# ---------------------------------------------------------------------- wide characters
NOTES = re.compile(r"roles:|sug:|cod:|In every row|Left out|\d+ disagreeing|Reconcile screen:")
"""The lines that end a table (its notes follow)."""


def table_lines(text: str) -> list[str]:
    """The header, rule and rows of a command's table, without the notes under it."""
    lines = text.splitlines()
    end = next((i for i, line in enumerate(lines[2:], 2)
                if not line.strip() or NOTES.match(line)), len(lines))
    return lines[:end]


def aligned(table: str) -> bool:
    """Whether every row of a table starts each column at the terminal cell its rule
    says, two blank cells after the one before (a CJK character or an emoji is two
    cells: ``len()`` put the columns after one out of line)."""
    lines = table_lines(table)
    rule = next(i for i, line in enumerate(lines) if set(line) == {"-", " "})
    starts, at = [], 0
    for dashes in lines[rule].split("  "):
        starts.append(at)
        at += len(dashes) + 2
    under = " " * min(starts[1], text_table.UNDER_INDENT)  # words put under a row
    for line in [lines[0], *(r for r in lines[rule + 1:] if not r.startswith(under))]:
        edges, at = {}, 0  # cell offset -> the character starting there
        for ch in line:
            edges[at] = ch
            at += cell_width(ch)
        for start in starts[1:]:
            if start >= at:
                break  # blank cells at the end of the row
            if start not in edges or edges.get(start - 1) != " " or edges.get(start - 2) != " ":
                return False
    return True


def test_shorten_and_to_table_count_terminal_cells():
    assert cell_width("田中") == 4 and cell_width("🚀 x") == 4
    cut = shorten("田中さんのインタビューです", 9)
    assert cut.endswith("\u2026") and cell_width(cut) <= 9
    from qualcoder_ahp.reports.words import cut

    assert cut("理学療法士です", 6) == "理学\u2026" and cut("physio", 6) == "physio"
    before = shorten("物理治疗师 我叫田中 我是一名", 12, "start")
    assert cell_width(before) == 12 and before.lstrip().startswith("\u2026")
    sheet = Sheet("s", ["transcript", "n", "text"],
                  [["インタビュー_田中", 3, "私は理学療法士です 🙂 とても長い文章がここに続きます"],
                   ["plain_name", 12, "an ordinary sentence of ascii words, long enough"]],
                  wrap={"text"})
    for width in (None, 40, 30):
        table = to_table([sheet], width=width)
        assert aligned(table), table
        if width:
            assert max(map(cell_width, table.splitlines())) <= width


@pytest.fixture
def wide(db: Path) -> Path:
    """The reports project with a Japanese-named transcript in CJK and a theme named
    with an emoji, coded."""
    store = open_store(db)
    info, _ = store.add_transcript("インタビュー_田中", make_parsed([
        ("聞き手", "interviewer", "あなたのキャリアについて教えてください。"),
        ("田中", "participant", "私は理学療法士として病院で働き始めました。 偶然 board に"
                                "呼ばれて、管理職になりました 🙂 それは計画ではありませんでした。"),
    ]), participant="P09")
    theme = store.add_theme("🚀 Launch into management", coder="alice")
    text = store.transcript_text(info.id)
    start = text.index("偶然")
    store.code(info.id, theme.id, "alice", start, start + 20)
    store.code(info.id, "serendipity", "bob", start, start + 20)
    store.close()
    return db


@pytest.mark.parametrize("args", [("transcripts",), ("search", "board"),
                                  ("counts", "--coder", "alice"),
                                  ("disagreements", "--coders", "alice,bob")])
@pytest.mark.parametrize("columns", [None, 72])
def test_tables_with_cjk_and_emoji_stay_in_line(wide, args, columns):
    table = run(wide, *args, columns=columns)
    if args[0] in ("transcripts", "search", "disagreements"):
        assert "\u7530\u4e2d" in table  # 田中: the wide text is in the table
    if args[0] == "counts" and columns is None:  # (at 72 the path is left out)
        assert "\U0001f680" in table  # the rocket of the theme's name
    assert aligned(table), table
    if columns and args[0] == "search":  # (the others' names and figures alone are
        # wider than 72 columns: those tables keep them whole)
        assert max(map(cell_width, table_lines(table))) <= columns, table


# ---------------------------------------------------------------------- counts
COUNTS_LEGEND = ("cod: codings, seg: segments, trs: transcripts, ppl: participants, "
                 "share%: share_pct, words%: words_pct")


def test_counts_fit_80_columns_with_short_headings_then_without_the_path(decided):
    # The theme view was 167 columns wide at 80: every heading and path whole.
    whole = run(decided, "counts", "--coder", "ana")
    assert widest(whole) > 150
    fitted = run(decided, "counts", "--coder", "ana", columns=80)
    lines = table_lines(fitted)
    assert max(map(cell_width, fitted.splitlines())) <= 80
    assert lines[0].split() == ["theme", "cod", "seg", "trs", "ppl", "words", "chars",
                                "share%", "words%"]
    notes = " ".join(fitted.splitlines()[len(lines):])
    assert COUNTS_LEGEND in notes
    assert "Left out to fit the terminal: path (a pipe, -o FILE or --format md keeps" in notes
    rows, full = _grid("\n".join(lines)), _grid(whole)
    assert len(rows) == len(full) == 15
    for row, old in zip(rows, full, strict=True):  # the tree and every figure as they were
        assert row["theme"] == old["theme"]
        assert [row[k] for k in ("cod", "seg", "trs", "ppl", "words", "chars", "share%",
                                 "words%")] == [old[k] for k in (
            "codings", "segments", "transcripts", "participants", "words", "chars",
            "share_pct", "words_pct")]
    # Wider, the path comes back, cut where it must be; a pipe keeps everything.
    wide = run(decided, "counts", "--coder", "ana", columns=110)
    assert "path" in wide.splitlines()[0] and "Left out" not in wide
    assert widest(wide) <= 110 and "Career pathways" in wide
    assert run(decided, "counts", "--coder", "ana", columns=500) == whole


def test_codebook_show_wraps_each_definition_under_itself_at_80_columns(shipped):
    # Definitions and examples ran to 300 columns; the terminal wrapped them at its left
    # edge, through the tree's indentation.
    whole = run(shipped, "codebook", "show")
    assert widest(whole) > 200
    fitted = run(shipped, "codebook", "show", columns=80)
    assert widest(fitted) <= 80
    assert fitted.split() == whole.split()  # every word, in order
    lines = fitted.splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("      definition: Roles"))
    assert lines[at + 1].startswith("        ") and lines[at + 1][8] != " "
    assert run(shipped, "codebook", "show", columns=500) == whole


def test_codebook_show_wraps_wide_characters_by_cells(shipped, tmp_path):
    """A theme named in Chinese and Japanese (two cells a character) ran 12 columns past
    80: the wrap counted characters."""
    db = tmp_path / "wide.db"
    db.write_bytes(shipped.read_bytes())
    run(db, "codebook", "edit-theme", "serendipity", "--name",
        "偶然性 セレンディピティ 🎲 (serendipity, chance)", "--example", "たまたま" * 30,
        "--coder", "ana")
    whole = run(db, "codebook", "show")
    fitted = run(db, "codebook", "show", columns=80)
    assert max(map(cell_width, fitted.splitlines())) <= 80
    assert "".join(fitted.split()) == "".join(whole.split())  # every character, in order
    assert "  serendipity  偶然性 セレンディピティ 🎲 (serendipity, chance)  [#CC6677]" in fitted


def test_wrap_cells_is_textwrap_for_ascii_and_keeps_the_spaces_between_words():
    text = "non_traditional_roles  Non-traditional roles  [#117733] (82 patterns, 14 excl)"
    assert text_table.wrap_cells(text, 40, "  ", "    ") == [
        "  non_traditional_roles  Non-traditional", "    roles  [#117733] (82 patterns, 14",
        "    excl)"]
    assert text_table.wrap_cells("a " + "字" * 30, 21, "", "  ") == [
        "a 字字字字字字字字字", "  字字字字字字字字字", "  字字字字字字字字字", "  字字字"]


def test_disagreements_put_each_spans_words_under_its_row(db):
    # At 80 columns the words of a disagreeing span were cut to ten characters.
    table = run(db, "disagreements", "--coders", "alice,bob", columns=60)
    lines = table.splitlines()
    assert lines[0].split() == ["transcript", "theme", "start", "end", "coded_by",
                                "not_coded_by"]
    assert lines[1] == " " * 8 + "text" and set(lines[2]) == {"-", " "}
    assert lines[3].split()[:2] == ["t1", "winding"]
    assert lines[4] == " " * 8 + "It was a winding road."
    assert max(map(cell_width, lines)) <= 60
    assert run(db, "disagreements", "--coders", "alice,bob", "--format", "csv",
               columns=60) == run(db, "disagreements", "--coders", "alice,bob",
                                  "--format", "csv")


def test_under_rule_of_the_shared_narrowing():
    rules = writers.Narrowing(under=("text",))
    texts = {"id": ["インタビュー_田中"], "text": ["x " * 30]}
    # 17 cells of name (9 characters): 60 - 17 - 2 leaves 41 cells, room enough.
    assert text_table.narrow(["id", "text"], texts, 60, rules).under == []
    # 57 - 17 - 2 leaves 38: under the row (len() counted 9 and kept it in).
    fit = text_table.narrow(["id", "text"], texts, 57, rules)
    assert fit.columns == ["id"] and fit.under == ["text"]
    lines = text_table.put_under(["id", "-----------------", "インタビュー_田中"], ["text"],
                              [["a  long\nwords " * 9]], 30)
    assert lines[:3] == ["id", " " * 8 + "text", "-" * 17]
    assert lines[4].startswith(" " * 8 + "a long words a long") and lines[4].endswith("\u2026")
    assert cell_width(lines[4]) <= 30


def test_the_note_under_a_table_wraps_wide_characters_by_cells(shipped, tmp_path):
    """"In every row: transcript 参加者_二号_长名字, theme ..., status open." ran to 85 cells
    at 80 columns."""
    db = tmp_path / "wide.db"
    db.write_bytes(shipped.read_bytes())
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "参加者_二号_长名字.txt").write_text(
        "Interviewer: 你好。\n\nParticipant: I was lucky to get the board role, 全く偶然でした。\n",
        encoding="utf-8")
    run(db, "import", str(folder))
    run(db, "suggest")
    fitted = run(db, "suggestions", "--transcript", "参加者_二号_长名字", "--theme",
                 "serendipity", columns=80)
    assert "In every row: transcript 参加者_二号_长名字" in fitted
    assert max(map(cell_width, fitted.splitlines())) <= 80


@pytest.fixture(scope="module")
def two_coders(shipped: Path, tmp_path_factory) -> Path:
    """The shipped project coded by ana and ben, who disagree on some suggestions."""
    import shutil

    db = tmp_path_factory.mktemp("two") / "project.db"
    shutil.copy(shipped, db)
    return ana_and_ben_disagree(db)


def test_agreement_by_transcript_fits_80_columns_without_the_counts(two_coders):
    """`agreement --by transcript` kept n11/n10/n01 and both names whole: 99 wide at 80
    columns, every row wrapped in two. The counts go (said under the table); the table
    by theme keeps them, as it fits with them."""
    by = run(two_coders, "agreement", "--coders", "ana,ben", "--by", "transcript",
             columns=80)
    assert widest(by) <= 80
    head = by.splitlines()[1].split()
    assert head == ["theme", "transcript", "agree", "kappa", "AC1", "alpha", "pos_agr"]
    assert "n01, n10, n11 (a pipe, -o FILE or --format md keeps every column)" in " ".join(
        by.split())
    pooled = run(two_coders, "agreement", "--coders", "ana,ben", columns=80)
    assert widest(pooled) <= 80 and pooled.splitlines()[1].split()[1:4] == [
        "n11", "n10", "n01"]
    # Wide enough, nothing goes; a pipe keeps every column.
    assert "n11" in run(two_coders, "agreement", "--coders", "ana,ben", "--by", "transcript",
                        columns=200)


@pytest.mark.parametrize("args", [("counts", "--coder", "alice"),
                                  ("agreement", "--coders", "alice,bob")])
def test_the_selection_line_wraps_by_cells(wide, args):
    """"Selection: ..." under the table ran to 117 columns with Japanese names."""
    store = open_store(wide)
    names = ["インタビュー_田中"]
    for n in range(4):
        names.append(f"インタビュー_佐藤_{n}")
        store.add_transcript(names[-1], make_parsed([
            ("聞き手", "interviewer", f"あなたのキャリアについて教えてください {n}。")]),
            participant=f"P2{n}")
    store.close()
    chosen = [a for name in names for a in ("--transcript", name)]
    whole = run(wide, *args, *chosen)
    line = next(x for x in whole.splitlines() if x.startswith("Selection: "))
    assert cell_width(line) > 60 and all(name in line for name in names)
    fitted = run(wide, *args, *chosen, columns=60)
    under = fitted[fitted.index("Selection: "):].splitlines()
    assert max(map(cell_width, under)) <= 60, under
    assert " ".join(under).split() == line.split()  # every word, in order


def test_a_legend_breaks_between_its_items_and_names_only_columns_shown():
    """A legend wrapped as words put "E:" at the end of one line and "Podiatrist" at the
    start of the next; three coders' agreement explained "n_none", a heading of a column
    then left out."""
    assert text_table.pack(["A: Diagnostic radiographer", "B: Dietitian", "E: Podiatrist"],
                        30) == "A: Diagnostic radiographer,\nB: Dietitian, E: Podiatrist"
    assert text_table.pack(["sug: suggestions", "acc: accepted"], 80) == (
        "sug: suggestions, acc: accepted")
    rules = writers.Narrowing(short=(("count", "n"), ("extra", "x")), optional=("extra",))
    texts = {"id": ["a_long_identifier"], "count": ["1"], "extra": ["x" * 30]}
    fit = text_table.narrow(["id", "count", "extra"], texts, 30, rules)
    assert fit.columns == ["id", "count"]
    assert fit.notes[0] == "n: count"
