"""``qcahp words``: word frequencies and a theme's key words, on text written here.

Every count below is counted by hand from the transcripts in :data:`T1` and :data:`T2`
(stop words, punctuation and numbers out; lemmas through the lookup table), and the G²
of the keyness tests is worked out from the 2×2 table by hand and by scipy's G-test.
"""

from __future__ import annotations

import csv
import io
import json
import math
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from qualcoder_ahp.cli import cli
from qualcoder_ahp.model.store import Store, open_store
from qualcoder_ahp.records import Codebook, Pattern, Theme
from qualcoder_ahp.reports.words import (
    PatternWords,
    coded_spans,
    keyness,
    log_likelihood,
    log_ratio,
    tally,
    word_frequencies,
)
from tests.conftest import make_parsed

T1 = [
    ("Int", "interviewer", "Tell me about the trust board and the trust board."),
    ("Ann", "participant",
     "I fell into management by chance. Chance shaped my career. The board met monthly."),
]
T2 = [
    ("Int", "interviewer", "What about the board?"),
    ("Bob", "participant",
     "Falling into posts by chance happens. The board decided everything. "
     "The board was distant in 2019."),
]
LUCK = ("I fell into management by chance.", "Chance shaped my career.",
        "Falling into posts by chance happens.")
"""The sentences ana codes with ``luck``: 6 + 4 + 6 = 16 running words of the 30."""
PATTERNS = (
    Pattern("luck_fell_into", "luck", "token", [{"LOWER": "fell"}, {"LOWER": "into"}]),
    Pattern("luck_career_break", "luck", "phrase", "career break"),
    Pattern("luck_lucky", "luck", "regex", r"\blucky?\b"),
    Pattern("luck_not_chance", "luck", "regex", r"\bnot by chance\b", exclude=True),
    Pattern("other_board", "other", "token", [{"LEMMA": "board"}]),
)


def build(store: Store) -> dict[str, int]:
    """Two transcripts, a codebook, and ana's codings of the ``luck`` sentences."""
    store.save_codebook(Codebook("words", (
        Theme("career", "Career", codable=False, position=0),
        Theme("luck", "Luck", parent_id="career", position=1),
        Theme("other", "Other", position=2),
        Theme("empty", "Nothing coded", position=3),
    ), PATTERNS))
    ids = {}
    for name, turns in (("t1", T1), ("t2", T2)):
        info, _ = store.add_transcript(name, make_parsed(turns), participant=name.upper())
        ids[name] = info.id
    for sentence in LUCK:
        tid = ids["t1"] if sentence in T1[1][2] else ids["t2"]
        start = store.transcript_text(tid).index(sentence)
        store.code(tid, "luck", "ana", start, start + len(sentence))
    text = store.transcript_text(ids["t2"])
    start = text.index("The board decided")
    store.code(ids["t2"], "other", "ben", start, start + len("The board decided everything."))
    return ids


@pytest.fixture
def project(store: Store) -> Store:
    build(store)
    return store


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "words.db"
    s = open_store(path)
    build(s)
    s.close()
    return path


def run(db: Path, *args: str):
    return CliRunner().invoke(cli, ["--db", str(db), "words", *args])


def dump(db: Path) -> list[str]:
    conn = sqlite3.connect(db)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


# ---------------------------------------------------------------------- frequencies
def test_frequencies_exact_counts_lemmas_forms_and_shares(project):
    counted = tally(project)
    # Participant turns only: 6 + 4 + 4 running words in t1, 6 + 4 + 6 in t2 ("2019"
    # is a running word, but a number, so never a listed word).
    assert counted.running == 30 and counted.transcripts == 2
    rows = word_frequencies(counted, top=0)
    got = {r.word: (r.count, r.transcripts) for r in rows}
    assert got == {"board": (3, 2), "chance": (3, 2), "fall": (2, 2), "management": (1, 1),
                   "shape": (1, 1), "career": (1, 1), "meet": (1, 1), "monthly": (1, 1),
                   "post": (1, 1), "happen": (1, 1), "decide": (1, 1), "distant": (1, 1)}
    # Most frequent first, ties alphabetically.
    assert [r.word for r in rows[:4]] == ["board", "chance", "fall", "career"]
    fall = next(r for r in rows if r.word == "fall")
    assert sorted(fall.forms) == ["falling", "fell"]  # "Falling" lower-cased
    chance = next(r for r in rows if r.word == "chance")
    assert chance.per_1000 == pytest.approx(100.0)


def test_stop_words_punctuation_numbers_left_out_unless_kept(project):
    words = tally(project).words
    for gone in ("i", "the", "by", "into", "my", "everything", "be", "was", "2019", ".", "in"):
        assert gone not in words
    kept = tally(project, keep_stop_words=True).words
    assert kept["the"].count == 3 and kept["by"].count == 2
    assert "2019" not in kept and "." not in kept  # numbers and punctuation stay out
    assert "chance" not in tally(project, exclude=["Chances"]).words  # a form's lemma too


def test_interviewer_turns_skipped_unless_asked(project):
    assert tally(project).words["board"].count == 3  # participants only
    asked = tally(project, role="interviewer").words
    assert asked["board"].count == 3 and asked["trust"].count == 2
    assert "chance" not in asked
    assert tally(project, role="all").words["board"].count == 6


def test_transcript_filter(project):
    counted = tally(project, transcripts=["t2"])
    assert counted.transcripts == 1 and counted.running == 16
    assert counted.words["board"].count == 2 and "management" not in counted.words


def test_uses_the_suggest_doc_cache(project, monkeypatch):
    from qualcoder_ahp.suggest import run_suggestions
    from qualcoder_ahp.suggest.pipeline import Pipeline

    assert tally(project).tokenised == 2  # nothing cached yet
    run_suggestions(project, processes=1)  # caches the tokenised docs

    def refuse(self, text):
        raise AssertionError("tokenised again")

    monkeypatch.setattr(Pipeline, "tokenize", refuse)
    counted = tally(project)
    assert counted.tokenised == 0 and counted.words["chance"].count == 3


def test_lemmas_of_capitalised_words_and_acronym_plurals(store):
    store.add_transcript("t", make_parsed([("P", "participant",
                                             "Fell ill. AHPs and one AHP. CCGs met.")]))
    words = tally(store).words
    assert words["fall"].forms == {"fell": 1}  # the lookup table has only "fell"
    assert words["ahp"].count == 2 and dict(words["ahp"].forms) == {"ahps": 1, "ahp": 1}
    assert words["ccg"].count == 1 and words["meet"].forms == {"met": 1}
    assert "one" not in words and "ill" in words


def test_a_report_leaves_the_project_as_it_was(db):
    before = dump(db)
    assert run(db).exit_code == 0  # nothing cached: tokenised, not stored
    assert run(db, "--theme", "luck", "--coder", "ana", "--format", "json").exit_code == 0
    assert dump(db) == before


def test_progress_per_transcript(project):
    calls = []
    tally(project, progress=lambda done, total, name: calls.append((done, total, name)))
    assert calls == [(1, 2, "t1"), (2, 2, "t2")]


# ---------------------------------------------------------------------- keyness
def test_log_likelihood_by_hand_and_against_scipy():
    # "chance": 3 of the 16 coded words, 0 of the 14 others (30 in all). Expected
    # counts: 16·3/30 = 1.6 coded, 16·27/30 = 14.4 and 14·27/30 = 12.6 other words;
    # G2 = 2(3 ln(3/1.6) + 13 ln(13/14.4) + 14 ln(14/12.6))
    #    = 2(1.885827 - 1.329627 + 1.475050) = 4.0625.
    a, b, c, d = 3, 0, 16, 14
    n = c + d
    assert log_likelihood(a, b, c, d) == pytest.approx(4.0625, abs=1e-4)
    from scipy.stats import chi2_contingency

    g, _p, _dof, _e = chi2_contingency([[a, b], [c - a, d - b]], correction=False,
                                       lambda_="log-likelihood")
    assert log_likelihood(a, b, c, d) == pytest.approx(g)
    # Under-represented: the sign turns; equal rates: 0.
    assert log_likelihood(0, 3, c, d) < 0
    assert log_likelihood(2, 2, 10, 10) == 0.0
    assert n == 30
    # Log ratio with a zero count taken as 0.5: log2((3/16) / (0.5/14)) = log2(5.25).
    assert log_ratio(a, b, c, d) == pytest.approx(math.log2(5.25))


def _keyness(store, **kw):
    subtree, spans = coded_spans(store, "luck", "ana")
    counted = tally(store, coded=spans)
    patterns = PatternWords([p for p in store.patterns() if p.theme_id in subtree])
    return counted, keyness(counted, patterns, theme_id="luck", coder="ana",
                            passages=sum(map(len, spans.values())), **kw)


def test_keyness_sign_order_and_counts(project):
    counted, report = _keyness(project, min_count=1, max_p=1.0)
    assert (counted.coded_running, report.coded_words, report.other_words) == (16, 16, 14)
    assert report.passages == 3
    words = [r.word for r in report.rows]
    # Over-represented only, strongest first: chance (3 vs 0), fall (2 vs 0), then the
    # words seen once in the coded text, alphabetically (equal G2).
    assert words == ["chance", "fall", "career", "happen", "management", "post", "shape"]
    chance = report.rows[0]
    assert (chance.coded, chance.elsewhere, chance.transcripts) == (3, 0, 2)
    assert chance.g2 == pytest.approx(4.0625, abs=1e-4) and 0.04 < chance.p < 0.05
    assert chance.coded_per_1000 == pytest.approx(1000 * 3 / 16)
    assert all(r.g2 > 0 for r in report.rows)
    _, under = _keyness(project, min_count=1, max_p=1.0, direction="under")
    assert [r.word for r in under.rows][0] == "board"
    assert all(r.g2 < 0 for r in under.rows) and under.rows[0].coded == 0
    _, both = _keyness(project, min_count=1, max_p=1.0, direction="both")
    assert {r.word for r in both.rows} == {r.word for r in report.rows + under.rows}


def test_keyness_defaults_min_count_3_and_p_005(project):
    _, report = _keyness(project)
    assert [r.word for r in report.rows] == ["chance"]  # fall: 2 < 3; others once
    _, strict = _keyness(project, max_p=0.01)
    assert strict.rows == []  # G2 4.06 is p < 0.05, not < 0.01


def test_pattern_coverage_column(project):
    _, report = _keyness(project, min_count=1, max_p=1.0)
    used = {r.word: r.patterns for r in report.rows}
    assert used["fall"] == ("luck_fell_into",)  # LOWER "fell", a form of "fall"
    assert used["career"] == ("luck_career_break",)  # a word of a phrase
    # "chance" is only in an exclusion pattern, and "board" only in another theme's:
    # neither covers it.
    assert used["chance"] == () and used["management"] == ()
    assert report.candidates == 5


def test_pattern_words_kinds():
    words = PatternWords([
        Pattern("t", "x", "token", [{"LEMMA": {"IN": ["Apply", "ask"]}},
                                    {"lower": {"REGEX": "^manag"}}]),
        Pattern("r", "x", "regex", r"(?i)\b(?:acting|interim) (?:head|lead)\b"),
        Pattern("p", "x", "phrase", "right place"),
        Pattern("d", "x", "dependency", [{"RIGHT_ID": "a", "RIGHT_ATTRS": {"LEMMA": "luck"}}]),
    ], lemma=lambda w: {"places": "place"}.get(w, w))
    assert words.using("apply") == ("t",)
    assert words.using("management") == ("t",)  # the token REGEX matches it
    assert words.using("interim") == ("r",)  # a literal word of the regex
    assert words.using("place", ["places"]) == ("p",)
    assert words.using("luck") == ("d",)
    assert words.using("chance") == ()


# ---------------------------------------------------------------------- CLI
def test_cli_table_on_stdout_summary_on_stderr(db):
    result = CliRunner().invoke(cli, ["--db", str(db), "words", "--top", "3"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["word", "count", "transcripts", "per_1000", "forms"]
    assert [line.split()[:2] for line in lines[2:]] == [["board", "3"], ["chance", "3"],
                                                       ["fall", "2"]]
    assert "30 words of participant speech in 2 transcripts" in result.stderr
    assert result.stderr.endswith("12 distinct words after stop words; the top 3 "
                                  "(--top 0 lists all)\n")
    assert "30 words" not in result.stdout
    # With stop words: the 12 and i, into, by, my, the, everything, be (was), in.
    kept = run(db, "--keep-stop-words", "--top", "0")
    assert "20 distinct words, stop words kept; 20 listed" in kept.stderr
    assert all(len(line) <= 100 for line in lines)


def test_cli_keyness_table(db):
    result = run(db, "--theme", "luck", "--coder", "ana", "--min-count", "1", "--max-p", "1")
    assert result.exit_code == 0, result.output
    rows = [line.split() for line in result.stdout.splitlines()[2:9]]
    # fall: G2 = 2(2 ln(2/1.0667) + 14 ln(14/14.9333) + 14 ln(14/13.0667)) = 2.639,
    # p = 0.10; log ratio log2((2/16) / (0.5/14)) = log2(3.5) = 1.81.
    assert rows[0][:7] == ["chance", "3", "0", "4.06", "<0.05", "2.39", "no"]
    assert rows[1][:7] == ["fall", "2", "0", "2.64", "0.10", "1.81", "luck_fell_into"]
    assert result.stderr == ("luck (ana): 16 coded words in 3 passages vs 14 other participant "
                             "words; 7 key words, 5 used by no pattern\n")


def test_cli_formats_parse_back(db, tmp_path):
    out = run(db, "--theme", "luck", "--coder", "ana", "--format", "csv", "--min-count", "1",
              "--max-p", "1").stdout
    rows = list(csv.DictReader(io.StringIO(out)))
    assert rows[0]["word"] == "chance" and rows[0]["in_patterns"] == "no"
    assert float(rows[0]["g2"]) == pytest.approx(4.0625, abs=1e-3)
    assert float(rows[0]["p"]) == pytest.approx(math.erfc(math.sqrt(4.0625 / 2)), rel=1e-2)
    assert rows[1]["patterns"] == "luck_fell_into"
    assert rows[1]["forms"] == "falling, fell"  # one each: alphabetically
    doc = json.loads(run(db, "--format", "json", "--top", "0").stdout)
    assert doc["running_words"] == 30 and len(doc["words"]) == 12
    assert doc["words"][1] == {"word": "chance", "count": 3, "transcripts": 2,
                               "per_1000": 100.0, "forms": ["chance"]}
    key = json.loads(run(db, "--theme", "luck", "--coder", "ana", "-o",
                         str(tmp_path / "k.json")).stderr and (tmp_path / "k.json").read_text())
    assert key["coded_words"] == 16 and [w["word"] for w in key["words"]] == ["chance"]
    assert key["words"][0]["g2"] == pytest.approx(4.0625, abs=1e-4)
    import openpyxl

    result = run(db, "--theme", "luck", "--coder", "ana", "-o", str(tmp_path / "k.xlsx"))
    assert result.exit_code == 0 and result.stdout == ""
    book = openpyxl.load_workbook(tmp_path / "k.xlsx")
    sheet = book[book.sheetnames[0]]
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[0][:3] == ["word", "coded", "elsewhere"]
    assert values[1][:3] == ["chance", 3, 0] and values[1][5] == pytest.approx(4.0625, abs=1e-3)
    assert "About" in book.sheetnames
    md = run(db, "--format", "md").stdout
    assert md.startswith("## Word frequencies") and "| board | 3 | 2 |" in md


def test_cli_theme_without_codings_says_so(db):
    before = dump(db)
    result = run(db, "--theme", "empty")
    assert result.exit_code == 0
    assert result.stdout.startswith("(none")
    assert "Nothing to compare: no participant text is coded with empty" in result.stderr
    assert dump(db) == before


def test_cli_transcript_filter_limits_the_coded_passages(db):
    doc = json.loads(run(db, "--theme", "luck", "--coder", "ana", "--transcript", "t2",
                         "--format", "json", "--max-p", "1", "--min-count", "1").stdout)
    # t2 alone: ana coded one sentence of 6 running words; 10 others.
    assert (doc["passages"], doc["coded_words"], doc["other_words"]) == (1, 6, 10)


def test_cli_folder_theme_rolls_up_children(db):
    result = run(db, "--theme", "career", "--format", "json")
    assert json.loads(result.stdout)["coded_words"] == 16


@pytest.mark.parametrize(("args", "message", "code"), [
    (["--theme", "lukc"], "no theme 'lukc' in the codebook; did you mean 'luck'?", 1),
    (["--theme", "luck", "--coder", "zed"], "no coder named 'zed' in this project "
                                           "(coders: ana, ben)", 1),
    (["--top", "-1"], "Invalid value for '--top'", 2),
    (["--top", "many"], "Invalid value for '--top'", 2),
    (["--format", "csv", "-o", "out.xlsx"], "--format csv does not match the suffix .xlsx", 1),
    (["-o", "out.pdf"], "cannot be written as a .pdf file", 1),
    (["--coder", "ana"], "--coder goes with --theme ID", 1),
    (["--transcript", "t9"], "no transcript 't9'", 1),
    (["--role", "chair"], "Invalid value for '--role'", 2),
    # A phrase, a list or nothing is never one word: it was ignored without a word.
    (["--exclude", "secret weapon"], "--exclude 'secret weapon': give one word", 1),
    (["--exclude", "um,like"], "--exclude 'um,like': give one word", 1),
    (["--exclude", " "], "give one word", 1),
])
def test_cli_bad_input_one_line_error_database_unchanged(db, tmp_path, args, message, code):
    before = dump(db)
    result = run(db, *args)
    assert result.exit_code == code, result.output
    assert message in result.output
    assert len(result.output.strip().splitlines()) == 1, result.output
    assert "Traceback" not in result.output
    assert dump(db) == before
    assert not (tmp_path / "out.xlsx").exists() and not (tmp_path / "out.pdf").exists()


def test_cli_no_project_and_no_codebook(tmp_path):
    result = CliRunner().invoke(cli, ["--db", str(tmp_path / "none.db"), "words"])
    assert result.exit_code == 1 and "no project database here" in result.output
    assert not (tmp_path / "none.db").exists()
    path = tmp_path / "bare.db"
    s = open_store(path)
    s.add_transcript("t1", make_parsed(T1), participant="T1")
    s.close()
    ok = CliRunner().invoke(cli, ["--db", str(path), "words"])  # no codebook needed
    assert ok.exit_code == 0 and ok.stdout.splitlines()[2].split()[:2] == ["chance", "2"]
    keyed = CliRunner().invoke(cli, ["--db", str(path), "words", "--theme", "luck"])
    assert keyed.exit_code == 1 and "no codebook loaded" in keyed.output


def test_cli_progress_bar_on_a_terminal_only(db, monkeypatch):
    import io

    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    err, out = Tty(), io.StringIO()
    monkeypatch.setattr("sys.stderr", err)
    monkeypatch.setattr("sys.stdout", out)
    with pytest.raises(SystemExit) as done:
        cli.main(["--db", str(db), "words", "--top", "2"], prog_name="qcahp")
    assert done.value.code == 0
    assert "Counting words" in err.getvalue() and "2/2" in err.getvalue()
    assert "Counting" not in out.getvalue() and out.getvalue().startswith("word ")


def test_cli_no_word_passing_the_filters_is_not_called_uncoded(db):
    # The text is coded with luck; no word passes --max-p 0 (the old table said
    # "(none: nothing is coded in this selection)", which is false).
    result = run(db, "--theme", "luck", "--coder", "ana", "--max-p", "0")
    assert result.exit_code == 0, result.output
    assert "nothing is coded" not in result.stdout
    assert result.stdout.startswith("(no key words: no word seen at least 3 times in the "
                                    "coded text is over-represented at p <= 0;")
    md = run(db, "--theme", "luck", "--coder", "ana", "--max-p", "0", "--format", "md").stdout
    assert md.startswith("## Key words of Career / Luck (ana)\n\n(no key words:")
    under = run(db, "--theme", "luck", "--direction", "under", "--min-count", "99").stdout
    assert "seen at least 99 times in all the speech is under-represented" in under
    # A frequency list has nothing to do with coding either.
    freq = run(db, "--min-count", "99")
    assert freq.stdout == "(no words: none is seen at least 99 times)\n"
    assert "nothing is coded" not in run(db, "--min-count", "99", "--format", "md").stdout
    # The files keep their header-only tables.
    assert run(db, "--min-count", "99", "--format", "csv").stdout.lstrip("\ufeff").startswith(
        "word,count")


def test_cli_keyness_note_fits_an_80_column_terminal(db):
    # The reading note under the key words was wrapped at 100 columns whatever the
    # terminal; the table above it fits 80.
    args = ["--theme", "luck", "--coder", "ana", "--min-count", "1", "--max-p", "1"]
    narrow = CliRunner().invoke(cli, ["--db", str(db), "words", *args], env={"COLUMNS": "80"})
    assert narrow.exit_code == 0, narrow.output
    assert "G2: log-likelihood" in narrow.stdout
    assert max(len(line) for line in narrow.stdout.splitlines()) <= 80
    wide = CliRunner().invoke(cli, ["--db", str(db), "words", *args], env={"COLUMNS": "200"})
    assert max(len(line) for line in wide.stdout.splitlines()) <= 100


def test_cli_all_the_speech_coded_has_nothing_to_compare_with(db):
    # One interview chosen and every word of it coded: no word can be key. The note
    # blamed the filters ("a lower --min-count or --max-p 1 lists more", with --max-p 1
    # given), and --direction both listed every word with G2 0 and p 1 as a key word.
    store = open_store(db)
    tid = next(t.id for t in store.transcripts() if t.name == "t1")
    store.code(tid, "other", "cy", 0, len(store.transcript_text(tid)))
    store.close()
    args = ("--theme", "other", "--coder", "cy", "--transcript", "t1", "--min-count", "1",
            "--max-p", "1")
    for direction in ("over", "both", "under"):
        result = run(db, *args, "--direction", direction)
        assert result.exit_code == 0, result.output
        assert result.stdout.splitlines()[0] == (
            "(no key words: all the participant speech counted is coded with other, so "
            "there is no other text to compare it with; choose more transcripts)")
    rows = json.loads(run(db, *args, "--direction", "both", "--format", "json").stdout)
    assert rows["other_words"] == 0 and rows["words"] == []

