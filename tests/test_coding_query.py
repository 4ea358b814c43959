"""Coding queries: ``qcahp quotes --theme A --with B / --without B [--near UNIT]``.

The codings of A that overlap (share a sentence, share a turn with) a coding of B, or
do not, read on the small project of :mod:`tests.test_reports` and checked against
``qcahp cooccurrence`` on a seeded random one: every pair, every unit, every coder
selection.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import random

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from qualcoder_ahp.cli import cli
from qualcoder_ahp.records import Codebook, Theme
from qualcoder_ahp.reports import UNITS, ReportData, cooccurrence, quotes
from qualcoder_ahp.reports.cooccurrence import passages_command
from qualcoder_ahp.reports.quotes import CodingQuery, cocoded_line
from qualcoder_ahp.reports.spans import intersect, merge
from tests.conftest import make_parsed
from tests.test_reports import build_project


def run(db, *args, ok=True):
    result = CliRunner().invoke(cli, ["--db", str(db), *args])
    if ok:
        assert result.exit_code == 0, (result.output, result.exception)
    return result


def rows(data, theme=None, with_=(), without=(), near="overlap"):
    return quotes(data, theme=theme, query=CodingQuery(tuple(with_), tuple(without), near))


def said(found):
    return [(q.theme_id, q.transcript, q.coder, q.quote) for q in found]


# ------------------------------------------------------------------ the known project
def test_with_keeps_the_overlapping_codings_and_names_the_words_both_cover(store):
    build_project(store)
    data = ReportData(store)
    found = rows(data, "serendipity", ["winding"])
    # Only alice's second serendipity coding reaches into "It was a winding road."
    assert said(found) == [("serendipity", "t1", "alice", "management by chance. It was")]
    assert found[0].cocoded == (
        ("winding", "Career route / Winding route through non-traditional roles"),)
    assert found[0].shared == "It was"
    assert cocoded_line(found[0], "overlap") == (
        "With Career route / Winding route through non-traditional roles; both cover: "
        "\u201cIt was\u201d")
    # A passage both cover whole is not quoted twice.
    whole = dataclasses.replace(found[0], shared="management by chance. It was")
    assert cocoded_line(whole, "overlap").endswith("non-traditional roles: the whole passage")
    # --without is the rest of the theme's codings: together they are all of them.
    rest = rows(data, "serendipity", without=["winding"])
    assert sorted(q.coding_id for q in found + rest) == sorted(
        q.coding_id for q in quotes(data, theme="serendipity"))
    assert all(q.cocoded == () and q.shared is None for q in rest)


def test_every_with_must_hold_and_without_removes(store):
    build_project(store)
    data = ReportData(store)
    # Serendipity in a turn that also has winding and mandate: t1 (its three codings by
    # the coders pooled, the consensus coding left out) and t2 (bob's); in t3 no winding.
    both = rows(data, "serendipity", ["winding", "mandate"], near="turn")
    assert sorted({(q.transcript, q.coder) for q in both}) == [
        ("t1", "alice"), ("t1", "bob"), ("t2", "bob")]
    assert len(both) == 4
    assert {q.cocoded for q in both} == {(
        ("winding", "Career route / Winding route through non-traditional roles"),
        ("mandate", "Mandate: closeness to the trust board"))}
    assert all(q.shared is None for q in both)  # words are shared only by overlap
    # Mandate in a turn with serendipity but none with winding: only t3.
    assert said(rows(data, "mandate", ["serendipity"], ["winding"], near="turn")) == [
        ("mandate", "t3", "alice", "I sit on the trust board.")]


def test_theme_ids_take_the_themes_below_them(store):
    build_project(store)
    data = ReportData(store)
    # --with career: a coding of winding or serendipity; the themes coded are named.
    found = rows(data, "mandate", ["career"], near="turn")
    assert [q.transcript for q in found] == ["t1", "t2", "t3"]
    assert [[t for t, _ in q.cocoded] for q in found] == [
        ["winding", "serendipity"], ["winding", "serendipity"], ["serendipity"]]
    # --theme career: the codings of the themes below it.
    assert {q.theme_id for q in rows(data, "career", ["mandate"], near="turn")} == {
        "winding", "serendipity"}
    # No --theme: every theme outside the line of the --with theme (winding's own
    # codings, and career above it, would meet winding by construction).
    assert said(rows(data, None, ["winding"])) == [
        ("serendipity", "t1", "alice", "management by chance. It was")]


def test_coder_rules_are_the_reports_rules(store):
    build_project(store)
    # Pooled: any coder's codings on either side (bob's mandate with bob's serendipity
    # in t2, alice's mandate with bob's serendipity in t3).
    pooled = rows(ReportData(store), "mandate", ["serendipity"], near="turn")
    assert [(q.transcript, q.coder) for q in pooled] == [
        ("t1", "alice"), ("t2", "bob"), ("t3", "alice")]
    # One coder: both codings theirs.
    alice = rows(ReportData(store, "alice"), "mandate", ["serendipity"], near="turn")
    assert [(q.transcript, q.coder) for q in alice] == [("t1", "alice")]
    assert rows(ReportData(store, "consensus"), "mandate", ["serendipity"], near="turn") == []


def test_a_coding_between_two_sentences_shares_neither(store):
    ids = build_project(store)
    text = store.transcript_text(ids["t1"])
    gap = text.index("chance. It") + len("chance.")  # the blank between two sentences
    store.code(ids["t1"], "weapon", "alice", gap, gap + 1)
    data = ReportData(store)
    # Serendipity covers both sentences and the blank: it overlaps it, in its turn...
    assert len(rows(data, "weapon", ["serendipity"])) == 1
    assert len(rows(data, "weapon", ["serendipity"], near="turn")) == 1
    # ... but the blank is in no sentence, as cooccurrence counts it.
    assert rows(data, "weapon", ["serendipity"], near="sentence") == []
    co = cooccurrence(data, unit="sentence")
    row = co.theme_ids.index("weapon")
    assert co.cells[row][co.theme_ids.index("serendipity")] == 0


# ------------------------------------------------------------ agreement with cooccurrence
def _random_project(store):
    """Three transcripts of twelve sentences in four turns, and 90 codings of six themes
    by two coders at random (seeded) spans: one or two characters (some in the blank
    between two sentences or turns), short ones inside a sentence, long ones across
    sentences and turns."""
    store.save_codebook(Codebook("random", (
        Theme("career", "Career", codable=False, position=0),
        Theme("winding", "Winding", parent_id="career", position=1),
        Theme("serendipity", "Serendipity", parent_id="career", position=2),
        Theme("mandate", "Mandate", position=3),
        Theme("board", "Board", parent_id="mandate", position=4),
        Theme("weapon", "Weapon", position=5),
    )))
    rng = random.Random(17)
    body = ". ".join(f"Sentence {i} says something about the work" for i in range(3)) + "."
    turns = [(f"S{k}", "participant" if k % 2 else "interviewer", body) for k in range(4)]
    ids = [store.add_transcript(f"r{n}", make_parsed(turns))[0].id for n in range(3)]
    leaves = ["winding", "serendipity", "mandate", "board", "weapon"]
    for _ in range(90):
        tid = rng.choice(ids)
        size = len(store.transcript_text(tid))
        start = rng.randrange(size - 5)
        end = min(size, start + rng.choice([1, 2, 3, 8, 20, 60, 150]))
        store.code(tid, rng.choice(leaves), rng.choice(["ana", "ben"]), start, end)


def _touched(units, spans):
    return {i for i, (s, e) in enumerate(units) for a, b in spans if s < b and e > a}


@pytest.mark.parametrize("coder", [None, "ana", "ben"])
def test_every_cell_of_cooccurrence_is_the_passages_quotes_lists(store, coder):
    _random_project(store)
    data = ReportData(store, coder)
    units = {"sentence": {t: [(s.start, s.end) for s in ss]
                          for t, ss in store.report_sentences().items()},
             "turn": {t: [(u.start, u.end) for u in us]
                      for t, us in store.report_turns().items()}}
    tid = {row.label: row.id for row in data.transcripts.values()}
    checked = 0
    for unit in UNITS:
        co = cooccurrence(data, unit=unit)
        for i, a in enumerate(co.theme_ids):
            plain = {q.coding_id for q in quotes(data, theme=a)}
            for j, b in enumerate(co.theme_ids):
                if i == j or co.cells[i][j] is None:
                    continue
                met = rows(data, a, [b], near=unit)
                apart = rows(data, a, without=[b], near=unit)
                # --with and --without split the theme's codings in two.
                assert {q.coding_id for q in met}.isdisjoint(q.coding_id for q in apart)
                assert {q.coding_id for q in met} | {q.coding_id for q in apart} == plain
                subtree = set(data.subtree(b))
                cell = 0
                for name, t in tid.items():
                    mine = [(q.start, q.end) for q in met if q.transcript == name]
                    rest = [(q.start, q.end) for q in apart if q.transcript == name]
                    theirs = [(c.start, c.end) for c in data.codings
                              if c.transcript_id == t and c.theme_id in subtree]
                    if unit == "overlap":
                        # The cell counts the stretches both themes cover; the codings of
                        # A listed cover every one of them, the others none.
                        cell += len(intersect(merge(mine), merge(theirs)))
                        assert intersect(merge(rest), merge(theirs)) == []
                    else:
                        # The cell counts the units both touch: those the codings listed
                        # share with B; the others share none.
                        shared = _touched(units[unit][t], theirs)
                        cell += len(_touched(units[unit][t], mine) & shared)
                        assert not _touched(units[unit][t], rest) & shared
                assert cell == co.cells[i][j], (unit, a, b)
                assert all(q.cocoded and {t for t, _ in q.cocoded} <= subtree for q in met)
                checked += 1
    assert checked > 40  # the random project has pairs to check in every unit


# ------------------------------------------------------------------------- the CLI
def test_every_format_names_the_co_coded_themes(db, tmp_path, monkeypatch):
    from docx import Document
    from rich.cells import cell_len

    args = ["quotes", "--theme", "serendipity", "--with", "winding"]
    table = list(csv.DictReader(io.StringIO(run(db, *args, "--format", "csv").stdout)))
    assert [(r["quote"], r["with"], r["with_path"], r["shared"]) for r in table] == [
        ("management by chance. It was", "winding",
         "Career route / Winding route through non-traditional roles", "It was")]
    doc = json.loads(run(db, *args, "--format", "json").stdout)
    assert doc["query"] == {"with": ["winding"], "without": [], "near": "overlap"}
    assert doc["quotes"][0]["with"] == [{
        "theme_id": "winding",
        "theme_path": "Career route / Winding route through non-traditional roles"}]
    assert doc["quotes"][0]["shared"] == "It was"
    md = run(db, *args, "--format", "md").stdout
    assert md.startswith("## Quotes (all coders but consensus): Career route / Serendipity, "
                         "overlapping Career route / Winding route through non-traditional "
                         "roles\n")
    assert "| with | with_path | shared |" in md
    run(db, *args, "-o", str(tmp_path / "q.xlsx"))
    book = load_workbook(tmp_path / "q.xlsx")
    head = [c.value for c in book["Quotes"][1]]
    assert head[:5] == ["theme", "theme_path", "with", "with_path", "shared"]
    about = {r[0].value: r[1].value for r in book["About"].iter_rows(min_row=2)}
    assert (about["with"], about["without"], about["near"]) == ("winding", "(none)", "overlap")
    assert len(about["column: shared"]) > 20
    run(db, *args, "-o", str(tmp_path / "q.docx"))
    text = "\n".join(p.text for p in Document(str(tmp_path / "q.docx")).paragraphs)
    assert ("With Career route / Winding route through non-traditional roles; both cover: "
            "\u201cIt was\u201d") in text
    # By turn there are no shared words: no column for them.
    turn = run(db, "quotes", "--theme", "mandate", "--with", "career", "--near", "turn",
               "--format", "csv").stdout
    assert turn.splitlines()[0].startswith("theme,theme_path,with,with_path,transcript,")
    assert "winding; serendipity" in turn
    # On an 80-column terminal the passages are read, each with what it meets.
    monkeypatch.setattr("qualcoder_ahp.cli.reports._stdout_is_terminal", lambda: True)
    monkeypatch.setenv("COLUMNS", "80")
    out = run(db, "quotes", "--theme", "mandate", "--with", "serendipity", "--near",
              "turn").stdout
    assert max(cell_len(line) for line in out.splitlines()) <= 80, out
    assert out.count("    With Career route / Serendipity, in the same turn") == 3
    assert " ".join(out.split()[:19]) == (
        "Quotes (all coders but consensus): Mandate: closeness to the trust board, in a turn "
        "with Career route / Serendipity")


@pytest.mark.parametrize(("args", "message"), [
    (["--theme", "mandate", "--with", "serendipty"],
     "--with serendipty: no theme 'serendipty' in the codebook; did you mean 'serendipity'?"),
    (["--theme", "mandate", "--without", "windng"],
     "--without windng: no theme 'windng' in the codebook; did you mean 'winding'?"),
    (["--theme", "mandate", "--with", "winding", "--without", "winding"],
     "--with winding and --without winding: a passage cannot both have it near and not"),
    (["--theme", "mandate", "--near", "turn"],
     "--near turn says where the --with or --without themes must be"),
    (["--theme", "mandate", "--with", "mandate"], "--with mandate is the --theme itself"),
    (["--theme", "serendipity", "--without", "career"],
     "--without career is above --theme serendipity in the codebook, so their codings "
     "co-occur by construction"),
    (["--theme", "career", "--with", "winding"], "--with winding is below --theme career"),
])
def test_a_query_that_cannot_be_answered_is_one_line(db, args, message):
    before = db.read_bytes()
    result = run(db, "quotes", *args, "--format", "csv", ok=False)
    assert result.exit_code != 0 and result.stdout == ""
    assert result.stderr.startswith(f"Error: {message}"), result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert db.read_bytes() == before


def test_a_merged_theme_names_the_option_to_give(db):
    from qualcoder_ahp.model.store import open_store

    store = open_store(db)
    store.merge_theme("serendipity", "winding", coder="alice")
    store.close()
    result = run(db, "quotes", "--theme", "mandate", "--without", "serendipity", ok=False)
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr.strip() == (
        "Error: --without serendipity: theme 'serendipity' was merged into 'winding', which "
        "holds its codings now: give --without winding")


def test_the_cooccurrence_table_names_the_quotes_command_of_a_cell(db, tmp_path):
    table = run(db, "cooccurrence", "--unit", "sentence", "--coder", "alice",
                "--where", "band != 9").stdout
    # The command on a line of its own with no full stop: a copy of the line runs as is
    # (a full stop after --coder alice made the coder 'alice.').
    assert ("\nqcahp quotes --theme ROW --with COLUMN --near sentence --coder alice "
            "--where 'band != 9'\n") in table
    md = run(db, "cooccurrence", "--format", "md").stdout
    assert "ids):<br>qcahp quotes --theme ROW --with COLUMN\n" in md
    # A coder's name with an apostrophe in double quotes, as a researcher would type it.
    assert passages_command("overlap", "Mary O'Neil").endswith(
        "\nqcahp quotes --theme ROW --with COLUMN --coder \"Mary O'Neil\"")
    assert "passages" not in run(db, "cooccurrence", "--format", "csv").stdout
    run(db, "cooccurrence", "-o", str(tmp_path / "co.xlsx"))
    about = {r[0].value for r in load_workbook(tmp_path / "co.xlsx")["About"].iter_rows()}
    assert "a cell's passages" in about
