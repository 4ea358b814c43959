"""Session 24 audit of the codebook loop: what a team met writing its own codebook."""
from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from qualcoder_ahp.cli import cli
from qualcoder_ahp.errors import UserError
from qualcoder_ahp.suggest.codebook import check_codebook, load_codebook
from qualcoder_ahp.suggest.evaluate import evaluate_gold, read_gold

SMALL = """name: T
themes:
  - id: chance
    name: Chance
    patterns:
      - id: ch_fell
        tokens: [{LEMMA: fall}, {LOWER: into}]
"""


def _cli(tmp_path: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["--db", str(tmp_path / "p.db"), *args])
    return result.exit_code, result.output


# -- gold files: a line with no "themes" list ---------------------------------------

@pytest.mark.parametrize("line, named", [
    ('{"sentence": "I fell into it.", "theme": ["chance"]}', "(it has 'theme')"),
    ('{"sentence": "I fell into it."}', 'no "themes" list:'),
])
def test_a_gold_line_without_themes_is_refused_not_read_as_theme_free(
        tmp_path: Path, line: str, named: str) -> None:
    # was: read as a sentence with no theme, so the right suggestion on it counted as
    # wrong and the theme the coder meant as never there (precision 0.5, not 1.0 here).
    gold = tmp_path / "gold.jsonl"
    gold.write_text('{"sentence": "It was planned.", "themes": []}\n' + line + "\n",
                    encoding="utf-8")
    with pytest.raises(UserError) as caught:
        read_gold(gold)
    message = str(caught.value)
    assert "line 2: " in message and named in message
    assert 'or "themes": [] for a sentence with no theme' in message
    (tmp_path / "cb.yaml").write_text(SMALL, encoding="utf-8")
    code, out = _cli(tmp_path, "evaluate", "--gold", str(gold),
                     "--codebook", str(tmp_path / "cb.yaml"))
    assert code != 0
    assert f"{gold}: line 2: no \"themes\" list" in out
    assert "precision" not in out


def test_a_gold_line_with_themes_still_scores(tmp_path: Path) -> None:
    gold = tmp_path / "gold.jsonl"
    gold.write_text('{"sentence": "It was planned.", "themes": []}\n'
                    '{"sentence": "I fell into it.", "themes": ["chance"]}\n', encoding="utf-8")
    (tmp_path / "cb.yaml").write_text(SMALL, encoding="utf-8")
    result = evaluate_gold(load_codebook(tmp_path / "cb.yaml"), gold)
    assert (result.micro.tp, result.micro.fp, result.micro.fn) == (1, 0, 0)


# -- a dependency pattern in a codebook that names no pipeline -----------------------

DEPENDENCY = SMALL + """      - id: ch_dep
        dependency: [{RIGHT_ID: verb, RIGHT_ATTRS: {LEMMA: fall}}]
"""


@pytest.mark.parametrize("command", ["check", "load"])
def test_a_dependency_pattern_without_a_named_pipeline_is_refused(
        tmp_path: Path, command: str) -> None:
    # was: a warning, and `load` stored a pattern that could never match (the theme's
    # pattern count said 2).
    path = tmp_path / "cb.yaml"
    path.write_text(DEPENDENCY, encoding="utf-8")
    code, out = _cli(tmp_path, "codebook", command, str(path))
    assert code == 1
    assert (f"{path}:9: pattern ch_dep: a dependency pattern needs a trained spaCy pipeline "
            "and the codebook names none") in out
    if command == "load":
        assert out.rstrip().endswith("nothing stored.")
        code, out = _cli(tmp_path, "codebook", "show")
        assert "ch_dep" not in out and "(1 pattern" not in out


def test_a_named_pipeline_not_installed_still_only_warns(tmp_path: Path) -> None:
    path = tmp_path / "cb.yaml"
    path.write_text(DEPENDENCY.replace("name: T\n", "name: T\npipeline: en_not_here_sm\n"),
                    encoding="utf-8")
    result = check_codebook(path)
    assert result.ok, result.errors
    assert any(":10: pattern ch_dep: dependency pattern skipped: the codebook's pipeline is "
               "not installed here" in w for w in result.warnings), result.warnings


# -- token specs of the wrong shape: our words, not spaCy's schema --------------------

@pytest.mark.parametrize("spec, message", [
    ("{LOWER: {IN: fell}}",
     "token 0: LOWER.IN must be a list, even of one word: {LOWER: {IN: [fell]}}"),
    ("{LOWER: [fell, fall]}",
     "token 0: LOWER is a list: for any one of several words write "
     "{LOWER: {IN: [fell, fall]}}"),
    ("{LEMMA: {NOT_IN: fall}}",
     "token 0: LEMMA.NOT_IN must be a list, even of one word: {LEMMA: {NOT_IN: [fall]}}"),
    ("{IS_ALPHA: maybe}", "token 0: IS_ALPHA must be true or false, not 'maybe'"),
    ("{LENGTH: long}", "token 0: LENGTH is a number of characters"),
    ('{LENGTH: {">=": x}}', "token 0: LENGTH is a number of characters"),
    # was accepted: the list was compiled as the regex "['a']", a character class
    ("{LOWER: {REGEX: [a]}}",
     "token 0: LOWER.REGEX must be one regular expression in quotes, not a list"),
])
def test_a_token_value_of_the_wrong_shape_is_said_plainly(
        tmp_path: Path, spec: str, message: str) -> None:
    path = tmp_path / "cb.yaml"
    path.write_text(SMALL + f"      - id: p_bad\n        tokens: [{spec}]\n", encoding="utf-8")
    result = check_codebook(path)
    assert len(result.errors) == 1, result.errors
    assert result.errors[0].startswith(f"{path}:9: pattern p_bad: {message}"), result.errors
    assert "TokenPattern" not in result.errors[0] and "->" not in result.errors[0]


def test_token_values_of_the_right_shape_still_load(tmp_path: Path) -> None:
    path = tmp_path / "cb.yaml"
    path.write_text(SMALL + '      - id: p_ok\n        tokens: [{LENGTH: {">=": 3}}, '
                    "{LENGTH: 2}, {IS_ALPHA: true}, {LENGTH: {IN: [1, 2]}}, "
                    "{LOWER: {IN: [a, b]}}, {LOWER: {REGEX: '^x'}}]\n", encoding="utf-8")
    result = check_codebook(path)
    assert result.ok, result.errors


def test_a_patterns_jsonl_in_not_a_list_is_said_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "p.jsonl"
    path.write_text('{"label": "chance", "pattern": "fell into", "id": "j_ok"}\n'
                    '{"label": "chance", "pattern": [{"LOWER": {"IN": "fell"}}], "id": "j_in"}\n',
                    encoding="utf-8")
    code, out = _cli(tmp_path, "codebook", "check", str(path))
    assert code == 1
    assert f"{path}:2: pattern j_in: token 0: LOWER.IN must be a list" in out


# -- suggestions --coder: what the coder decided, in the table and the JSON ----------

def _decided_project(tmp_path: Path) -> None:
    (tmp_path / "t").mkdir()
    (tmp_path / "t" / "alice.txt").write_text(
        "Interviewer: How did you start?\n"
        "Alice: Honestly I fell into it. Then I fell into research. I fell into teaching.\n",
        encoding="utf-8")
    (tmp_path / "cb.yaml").write_text(SMALL, encoding="utf-8")
    for args in (["import", str(tmp_path / "t")], ["codebook", "load", str(tmp_path / "cb.yaml")],
                 ["suggest"], ["decide", "1", "accept", "--coder", "ana"],
                 ["decide", "2", "reject", "--coder", "ana"]):
        code, out = _cli(tmp_path, *args)
        assert code == 0, out


def test_suggestions_with_a_coder_say_what_the_coder_decided(tmp_path: Path) -> None:
    import json

    _decided_project(tmp_path)
    code, out = _cli(tmp_path, "suggestions", "--coder", "ana", "--decision", "decided",
                     "--format", "json")
    assert code == 0, out
    assert [(r["id"], r["decision"]) for r in json.loads(out)] == [(1, "accepted"),
                                                                  (2, "rejected")]
    code, out = _cli(tmp_path, "suggestions", "--coder", "ana", "--decision", "undecided",
                     "--format", "json")
    assert [(r["id"], r["decision"]) for r in json.loads(out)] == [(3, "undecided")]
    code, out = _cli(tmp_path, "suggestions", "--coder", "ana", "--decision", "decided")
    header, _rule, first, second = out.splitlines()[:4]
    assert header.split()[:8] == ["id", "transcript", "theme", "unit", "start", "end",
                                  "status", "decision"]
    assert first.split()[7] == "accepted" and second.split()[7] == "rejected"
    # Without --coder there is no one's decision to show.
    code, out = _cli(tmp_path, "suggestions", "--format", "json")
    assert "decision" not in json.loads(out)[0]


# -- a decision on a suggestion today's codebook no longer makes ---------------------

@pytest.mark.parametrize("verdict", ["accept", "reject"])
def test_a_retired_suggestion_cannot_be_decided(tmp_path: Path, verdict: str) -> None:
    # was: accepted, making a coding whose decision counted nowhere (patterns, evaluate
    # and the workbench leave retired suggestions out), and the suggestion stayed retired.
    import sqlite3

    _decided_project(tmp_path)
    (tmp_path / "cb2.yaml").write_text(SMALL.replace(
        "tokens: [{LEMMA: fall}, {LOWER: into}]", 'phrase: "honestly"'), encoding="utf-8")
    for args in (["codebook", "load", str(tmp_path / "cb2.yaml")], ["suggest"]):
        code, out = _cli(tmp_path, *args)
        assert code == 0, out
    code, out = _cli(tmp_path, "suggestions", "--status", "retired", "--format", "json")
    assert 3 in [r["id"] for r in __import__("json").loads(out)]

    def state() -> tuple[list[tuple], list[tuple]]:
        with sqlite3.connect(tmp_path / "p.db") as conn:
            return (conn.execute("SELECT * FROM codings ORDER BY id").fetchall(),
                    conn.execute("SELECT * FROM decisions ORDER BY suggestion_id").fetchall())

    before = state()
    code, out = _cli(tmp_path, "decide", "3", verdict, "--coder", "ana")
    assert code == 1
    assert (f"suggestion 3 (chance) is retired: today's codebook no longer makes it "
            f"(its pattern was removed or changed, or an exclusion rules it out), so it "
            f"cannot be {verdict}ed") in " ".join(out.split())
    assert state() == before
    # A decided suggestion no pattern finds any more stays open: a coder may still
    # change their mind on it.
    code, out = _cli(tmp_path, "decide", "2", "accept", "--coder", "ana")
    assert code == 0 and "instead of rejecting it" in out


@pytest.mark.parametrize("name", ["", "   "])
def test_decide_with_an_empty_coder_name_is_one_clear_line(tmp_path: Path, name: str) -> None:
    # was: "note: '' is a new coder in this project (coders so far: ana)", then the error.
    _decided_project(tmp_path)
    result = CliRunner().invoke(cli, ["--db", str(tmp_path / "p.db"), "decide", "3", "accept",
                                      "--coder", name])
    assert result.exit_code == 1
    assert result.output.strip() == "Error: a coder needs a name: --coder NAME"


# -- F1 and macro F1: a theme never suggested, or only wrongly, counts 0 -------------

def test_a_theme_missed_or_only_wrongly_suggested_counts_in_the_macro_f1(
        tmp_path: Path) -> None:
    # was: F1 None for both (precision or recall undefined), so the macro F1 was the
    # chance theme's alone, 1.0, for a codebook that missed one theme and invented another.
    (tmp_path / "cb.yaml").write_text(SMALL + """  - id: mentoring
    name: Mentoring
    patterns:
      - id: m_mentor
        phrase: mentor
  - id: management
    name: Management
    patterns:
      - id: m_manager
        phrase: general manager
""", encoding="utf-8")
    gold = tmp_path / "gold.jsonl"
    gold.write_text('{"sentence": "I fell into it.", "themes": ["chance"]}\n'
                    '{"sentence": "My mentor helped.", "themes": []}\n'
                    '{"sentence": "I ran operations.", "themes": ["management"]}\n',
                    encoding="utf-8")
    result = evaluate_gold(load_codebook(tmp_path / "cb.yaml"), gold)
    assert result.score("chance").f1 == 1.0
    assert result.score("mentoring").f1 == 0.0       # suggested once, wrongly
    assert result.score("management").f1 == 0.0     # labelled once, never suggested
    assert result.macro_f1 == pytest.approx(1 / 3)
    assert result.micro.f1 == pytest.approx(2 * 1 / (2 * 1 + 1 + 1))
    code, out = _cli(tmp_path, "evaluate", "--gold", str(gold), "--codebook",
                     str(tmp_path / "cb.yaml"))
    assert "macro F1 0.333" in out


# -- a YAML codebook given where a patterns JSONL goes -------------------------------

def test_a_yaml_codebook_given_as_patterns_is_one_line_not_one_a_line(tmp_path: Path) -> None:
    # was: 'cb.yaml:1: not a JSON object: ...' for each of its lines (7 here, 48 in a
    # small team codebook), then "7 errors: nothing stored."
    path = tmp_path / "cb.yaml"
    path.write_text(SMALL, encoding="utf-8")
    code, out = _cli(tmp_path, "codebook", "load", str(path), "--patterns", str(path))
    assert code == 1
    lines = out.strip().splitlines()
    assert lines == [f"{path}:2: this is a YAML codebook, not a patterns JSONL file (no line "
                     'is {"label": ..., "pattern": ...}): give it a .yaml name and load it as '
                     "the codebook (`qcahp codebook load FILE.yaml`); --patterns takes a "
                     ".jsonl file of such lines", "1 error: nothing stored."]
    code, out = _cli(tmp_path, "codebook", "show")
    assert "chance" not in out


# -- a gold file with a sentence on two lines -----------------------------------------

def test_a_sentence_on_two_gold_lines_is_warned_of(tmp_path: Path) -> None:
    # was: scored silently, one line certain to count as wrong (labelled differently),
    # or the sentence counted twice (labelled alike).
    (tmp_path / "cb.yaml").write_text(SMALL, encoding="utf-8")
    gold = tmp_path / "gold.jsonl"
    gold.write_text('{"sentence": "I fell into it.", "themes": ["chance"]}\n'
                    '{"sentence": "It was planned.", "themes": []}\n'
                    '{"sentence": "I fell  into it.", "themes": []}\n'
                    '{"sentence": "It was planned.", "themes": []}\n', encoding="utf-8")
    result = CliRunner().invoke(cli, ["--db", str(tmp_path / "p.db"), "evaluate", "--gold",
                                      str(gold), "--codebook", str(tmp_path / "cb.yaml")])
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())
    assert (f"Warning: {gold}: the same sentence on two lines, labelled differently (each "
            "line is scored, so one of them counts as wrong whatever the codebook does): "
            "lines 1 and 3 ('I fell into it.')") in text
    assert (f"Warning: {gold}: the same sentence on two lines, labelled alike (each line is "
            "scored: it counts twice): lines 2 and 4 ('It was planned.')") in text
    assert f"{gold}: 4 labelled sentences" in text


def test_a_gold_file_without_repeats_gets_no_warning(tmp_path: Path) -> None:
    (tmp_path / "cb.yaml").write_text(SMALL, encoding="utf-8")
    gold = tmp_path / "gold.jsonl"
    gold.write_text('{"sentence": "I fell into it.", "themes": ["chance"]}\n'
                    '{"sentence": "It was planned.", "themes": []}\n', encoding="utf-8")
    code, out = _cli(tmp_path, "evaluate", "--gold", str(gold), "--codebook",
                     str(tmp_path / "cb.yaml"))
    assert code == 0 and "Warning" not in out


# -- a suggest run that finds nothing ---------------------------------------------------

def test_a_suggest_run_that_finds_nothing_says_so(tmp_path: Path) -> None:
    # was: "0 new, 0 kept, 0 reopened, 0 retired", then `qcahp suggestions` told the team
    # to run `qcahp suggest`, which it just had.
    (tmp_path / "t").mkdir()
    (tmp_path / "t" / "bob.txt").write_text(
        "Interviewer: Did you fall into it?\nBob: I planned every step.\n", encoding="utf-8")
    (tmp_path / "cb.yaml").write_text(SMALL, encoding="utf-8")
    for args in (["import", str(tmp_path / "t")], ["codebook", "load", str(tmp_path / "cb.yaml")]):
        assert _cli(tmp_path, *args)[0] == 0
    code, out = _cli(tmp_path, "suggest")
    assert code == 0
    assert ("No pattern of the codebook found anything in these transcripts (interviewer "
            "turns are searched only by patterns with scope interviewer or all)") in out
    code, out = _cli(tmp_path, "suggestions")
    assert "after a run, this means the codebook's patterns found nothing" in out
    # A run that finds something says nothing of the kind.
    (tmp_path / "t" / "ann.txt").write_text("Interviewer: And you?\nAnn: I fell into it.\n",
                                            encoding="utf-8")
    assert _cli(tmp_path, "import", str(tmp_path / "t" / "ann.txt"))[0] == 0
    code, out = _cli(tmp_path, "suggest")
    assert "1 new" in out and "No pattern" not in out
