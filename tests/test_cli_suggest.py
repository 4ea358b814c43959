"""CLI: suggest, suggestions, decide, patterns, evaluate (in-process with CliRunner)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from qualcoder_ahp.cli import cli
from qualcoder_ahp.model.store import open_store
from qualcoder_ahp.suggest.codebook import load_codebook
from qualcoder_ahp.suggest.evaluate import evaluate_gold
from test_engine import STORY, transcript

DATA = Path(__file__).parent / "data" / "codebooks"


@pytest.fixture
def project(tmp_path: Path) -> CliRunner:
    """A project (the default $QCAHP_DB) with the small codebook and two transcripts."""
    with open_store(tmp_path / "qcahp.db") as store:
        store.add_transcript("story", transcript(STORY))
        store.add_transcript("other", transcript([
            ("Q", "interviewer", "And then?"),
            ("Bo", "participant", "I fell into commissioning by chance."),
        ]))
    runner = CliRunner()
    res = runner.invoke(cli, ["codebook", "load", str(DATA / "small.yaml")])
    assert res.exit_code == 0, res.output
    return runner


def run(runner: CliRunner, *args: str, code: int = 0) -> str:
    res = runner.invoke(cli, list(args))
    assert res.exit_code == code, res.output
    return res.output


def test_suggest_summary_and_rerun(project: CliRunner) -> None:
    out = run(project, "suggest")
    assert "2 transcripts, 58 words" in out
    assert "8 new, 0 kept, 0 reopened, 0 retired" in out
    out = run(project, "suggest", "--transcript", "other")
    assert "1 transcript," in out and "0 new, 2 kept" in out
    out = run(project, "suggest", "--transcript", "missing", code=1)
    assert "no transcript 'missing'" in out


def test_suggestions_filters_and_json(project: CliRunner) -> None:
    run(project, "suggest")
    rows = json.loads(run(project, "suggestions", "--format", "json"))
    assert len(rows) == 8
    assert {r["theme"] for r in rows} == {"interviewing", "serendipity", "non_traditional_roles"}
    ser = json.loads(run(project, "suggestions", "--theme", "serendipity", "--transcript",
                         "other", "--format", "json"))
    assert len(ser) == 1
    assert ser[0]["text"] == "I fell into commissioning by chance."
    assert ser[0]["patterns"] == ["ser_by_chance", "ser_fell_into"]
    other_table = run(project, "suggestions", "--theme", "serendipity", "--transcript", "other")
    assert "ser_by_chance +1" in other_table  # the first pattern and how many more
    assert "ser_fell_into" not in other_table
    table = run(project, "suggestions", "--transcript", "story")
    assert table.splitlines()[0].split() == ["id", "transcript", "theme", "unit", "start",
                                             "end", "status", "patterns", "text"]
    assert len(table.splitlines()) == 2 + 6
    assert "--coder and --decision go together" in run(project, "suggestions", "--coder", "x",
                                                        code=1)


def test_decide_and_patterns_report(project: CliRunner) -> None:
    run(project, "suggest")
    rows = json.loads(run(project, "suggestions", "--theme", "serendipity", "--format", "json"))
    first, second, third = rows[0]["id"], rows[1]["id"], rows[2]["id"]
    out = run(project, "decide", str(first), "accept", "--coder", "ann")
    assert f"Accepted suggestion {first} (serendipity) as ann" in out
    run(project, "decide", str(second), "reject", "--coder", "ann")
    start = rows[2]["start"]
    out = run(project, "decide", str(third), "accept", "--coder", "bob", "--start", str(start),
              "--end", str(start + 5))
    assert "adjusted" in out
    run(project, "decide", str(third), "accept", "--coder", "ann", "--start", "5", "--end", "2",
        code=1)
    with open_store(Path("qcahp.db")) as store:
        assert store.decision_of(first, "ann") == "accepted"
        assert store.decision_of(second, "ann") == "rejected"
        assert store.decision_of(third, "bob") == "adjusted"
    undecided = json.loads(run(project, "suggestions", "--coder", "ann", "--decision",
                               "undecided", "--format", "json"))
    assert first not in {r["id"] for r in undecided} and len(undecided) == 6
    stats = {r["pattern"]: r for r in json.loads(run(project, "patterns", "--format", "json"))}
    fell = stats["ser_fell_into"]
    assert (fell["suggestions"], fell["accepted"], fell["rejected"]) == (2, 1, 0)
    assert stats["ser_right_place"]["rejected"] == 1
    assert stats["ser_right_place"]["precision"] == 0.0
    assert stats["ntr_commissioning"]["undecided"] == 2
    assert stats["ntr_commissioning"]["precision"] is None
    ann = {r["pattern"]: r for r in json.loads(run(project, "patterns", "--coder", "bob",
                                                   "--format", "json"))}
    assert ann["ser_fell_into"]["accepted"] == 0
    table = run(project, "patterns")
    assert "ser_not_by_chance" in table and "regex (excl)" in table
    ids = [r["pattern"] for r in json.loads(run(project, "patterns", "--format", "json"))]
    assert ids == sorted(ids)
    worst = json.loads(run(project, "patterns", "--sort", "precision", "--format", "json"))
    assert worst[0]["pattern"] == "ser_right_place"  # precision 0.0 first
    assert [r["precision"] for r in worst] == sorted(
        (r["precision"] for r in worst), key=lambda p: (p is None, p or 0.0))
    rejected = run(project, "patterns", "--sort", "rejected").splitlines()
    assert rejected[2].split()[0] == "ser_right_place"
    busiest = json.loads(run(project, "patterns", "--sort", "suggestions", "--format", "json"))
    counts = [r["suggestions"] for r in busiest]
    assert counts == sorted(counts, reverse=True)
    only = json.loads(run(project, "patterns", "--theme", "interviewing", "--format", "json"))
    assert [r["pattern"] for r in only] == ["int_career"]
    run(project, "decide", "9999", "accept", "--coder", "ann", code=1)


def test_evaluate_with_coder(project: CliRunner) -> None:
    run(project, "suggest")
    rows = json.loads(run(project, "suggestions", "--theme", "serendipity", "--format", "json"))
    for row in rows:
        verdict = "reject" if "right place" in row["text"] else "accept"
        run(project, "decide", str(row["id"]), verdict, "--coder", "ann")
    with open_store(Path("qcahp.db")) as store:
        tid = store.transcript("story").id
        text = store.transcript_text(tid)
        start = text.index("It was not by chance")
        store.code(tid, "serendipity", "ann", start, start + 20)  # a sentence the engine missed
    data = json.loads(run(project, "evaluate", "--coder", "ann", "--format", "json"))
    ser = next(t for t in data["themes"] if t["theme"] == "serendipity")
    assert (ser["tp"], ser["fp"], ser["fn"]) == (3, 1, 1)
    assert ser["precision"] == 0.75 and ser["recall"] == 0.75
    assert data["missed"][0]["sentence"].startswith("It was not by chance")
    out = run(project, "evaluate", "--coder", "ann", "--show-errors")
    assert "Missed (1):" in out and "Wrongly suggested (" in out
    # The rejected "right place" suggestion is wrong for ann, and its pattern is named.
    right_place = [w for w in data["wrong"] if "right place" in w["sentence"].lower()]
    assert right_place and right_place[0]["patterns"] == ["ser_right_place"]
    record = next(p for p in data["patterns"] if p["pattern"] == "ser_right_place")
    assert record["wrong"] >= 1
    assert "micro: precision" in out
    assert "give exactly one" in run(project, "evaluate", code=1)
    # A coder who only rejected suggestions in a transcript has read it: it is compared.
    other = json.loads(run(project, "suggestions", "--transcript", "other", "--format", "json"))
    run(project, "decide", str(other[0]["id"]), "reject", "--coder", "cy")
    data = json.loads(run(project, "evaluate", "--coder", "cy", "--format", "json"))
    assert (data["micro"]["tp"], data["micro"]["fp"], data["micro"]["fn"]) == (0, 1, 0)
    # The suggestion cy has not decided there counts as wrong only with --scope all.
    data = json.loads(run(project, "evaluate", "--coder", "cy", "--scope", "all", "--format",
                          "json"))
    assert (data["micro"]["tp"], data["micro"]["fp"], data["micro"]["fn"]) == (0, 2, 0)
    assert "no coder named 'zed'" in run(project, "evaluate", "--coder", "zed", code=1)


def test_evaluate_gold_file(tmp_path: Path, project: CliRunner) -> None:
    gold = tmp_path / "gold.jsonl"
    gold.write_text("\n".join(json.dumps(r) for r in [
        {"sentence": "I fell into it really.", "themes": ["serendipity"]},
        {"sentence": "It was not by chance.", "themes": []},
        {"sentence": "I was lucky, honestly.", "themes": ["serendipity"]},
        {"sentence": "I moved into commissioning.", "themes": ["non_traditional_roles"]},
        {"sentence": "Right place, right time.", "themes": []},
        {"sentence": "Unknown label here.", "themes": ["not_a_theme"]},
    ]) + "\n", encoding="utf-8")
    result = evaluate_gold(load_codebook(DATA / "small.yaml"), gold)
    assert result.sentences == 6
    assert (result.micro.tp, result.micro.fp, result.micro.fn) == (2, 1, 1)
    assert result.score("serendipity").recall == 0.5
    assert result.score("non_traditional_roles").f1 == 1.0
    assert result.score("interviewing").precision is None
    assert result.ignored_themes == ["not_a_theme"]
    assert [m["where"] for m in result.missed] == ["line 3"]
    assert [w["sentence"] for w in result.wrong] == ["Right place, right time."]
    # Each wrong suggestion names its patterns; each pattern that fired has a record.
    assert result.wrong[0]["patterns"] == ["ser_right_place"]
    assert result.patterns[0] == {"pattern": "ser_right_place", "theme": "serendipity",
                                  "right": 0, "wrong": 1, "precision": 0.0}
    assert {(p["pattern"], p["right"], p["wrong"]) for p in result.patterns[1:]} == {
        ("ser_fell_into", 1, 0), ("ntr_commissioning", 1, 0)}
    out = run(project, "evaluate", "--gold", str(gold), "--codebook", str(DATA / "small.yaml"))
    assert "micro: precision 0.667, recall 0.667, F1 0.667" in out
    assert "Patterns that fired" not in out
    # Lines 2, 5 and 6 carry no theme of the codebook; the codebook fired on line 5.
    assert (result.theme_free, result.theme_free_suggested) == (3, 1)
    assert "theme-free sentences: 3 of 6; 1 (33%) got a suggestion" in out
    assert ("Warning: not theme ids of the codebook (a sentence with only these counts as "
            "theme-free), left out of the scores: not_a_theme") in out
    typo = tmp_path / "typo.jsonl"
    typo.write_text('{"sentence": "I fell into it.", "themes": ["serendipty"]}\n',
                    encoding="utf-8")
    out = run(project, "evaluate", "--gold", str(typo), "--codebook", str(DATA / "small.yaml"))
    assert "left out of the scores: serendipty (did you mean serendipity?)" in out
    out = run(project, "evaluate", "--gold", str(gold), "--codebook", str(DATA / "small.yaml"),
              "--by-pattern", "--show-errors")
    lines = out.splitlines()
    first = lines.index("Patterns that fired (3; most wrong first):")
    assert lines[first + 3].split() == ["ser_right_place", "serendipity", "0", "1", "0.000"]
    assert "  [serendipity] line 5 (ser_right_place): Right place, right time." in lines
    data = json.loads(run(project, "evaluate", "--gold", str(gold), "--format", "json"))
    assert data["micro"]["tp"] == 2
    assert data["theme_free"] == {"sentences": 3, "suggested": 1}
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"sentence": "x", "themes": []}\n{"words": "y"}\n', encoding="utf-8")
    assert "line 2: expected" in run(project, "evaluate", "--gold", str(bad), code=1)
    bad.write_text('{"sentence": "x", "themes": "serendipity"}\n', encoding="utf-8")
    assert "line 1: expected" in run(project, "evaluate", "--gold", str(bad), code=1)


def test_evaluate_splits_precision_by_the_patterns_behind_a_suggestion(
        tmp_path: Path, project: CliRunner) -> None:
    """A suggestion two patterns found is more often right than one a single pattern
    found; evaluate says how much, so a team knows how far to trust a lone match."""
    gold = tmp_path / "gold.jsonl"
    gold.write_text("\n".join(json.dumps(r) for r in [
        {"sentence": "I fell into it purely by chance.", "themes": ["serendipity"]},
        {"sentence": "Right place, right time.", "themes": []},
        {"sentence": "I fell into it, really.", "themes": ["serendipity"]},
        {"sentence": "I moved into commissioning.", "themes": ["non_traditional_roles"]},
    ]) + "\n", encoding="utf-8")
    result = evaluate_gold(load_codebook(DATA / "small.yaml"), gold)
    assert result.by_support == [
        {"patterns": "one", "suggestions": 3, "right": 2, "wrong": 1, "precision": 2 / 3},
        {"patterns": "two", "suggestions": 1, "right": 1, "wrong": 0, "precision": 1.0}]
    out = run(project, "evaluate", "--gold", str(gold), "--codebook", str(DATA / "small.yaml"))
    assert ("precision by the patterns behind a suggestion: one 0.667 (2 of 3), "
            "two 1.000 (1 of 1)") in out
    data = json.loads(run(project, "evaluate", "--gold", str(gold), "--codebook",
                          str(DATA / "small.yaml"), "--format", "json"))
    assert [g["patterns"] for g in data["by_support"]] == ["one", "two"]
    # With one group only there is nothing to compare: no line.
    one = tmp_path / "one.jsonl"
    one.write_text('{"sentence": "I fell into it.", "themes": ["serendipity"]}\n',
                   encoding="utf-8")
    out = run(project, "evaluate", "--gold", str(one), "--codebook", str(DATA / "small.yaml"))
    assert "patterns behind" not in out


def test_evaluate_reads_prodigy_textcat_answers(tmp_path: Path, project: CliRunner) -> None:
    """Sentences labelled in Prodigy (choice interface) score without conversion: "text"
    and the "accept" list; rejected and ignored answers are not labels and are skipped."""
    gold = tmp_path / "prodigy.jsonl"
    gold.write_text("\n".join(json.dumps(r) for r in [
        {"text": "I fell into it really.", "accept": ["serendipity"], "answer": "accept",
         "options": [{"id": "serendipity"}]},
        {"text": "I moved into commissioning.", "accept": [], "answer": "accept"},
        {"text": "I was lucky, honestly.", "accept": ["serendipity"], "answer": "reject"},
        {"text": "Right place, right time.", "accept": ["serendipity"], "answer": "ignore"},
        {"text": "It was not by chance.", "answer": "accept"},
    ]) + "\n", encoding="utf-8")
    result = evaluate_gold(load_codebook(DATA / "small.yaml"), gold)
    assert result.sentences == 3
    assert (result.micro.tp, result.micro.fp, result.micro.fn) == (1, 1, 0)
    assert [w["where"] for w in result.wrong] == ["line 2"]
    out = run(project, "evaluate", "--gold", str(gold), "--codebook", str(DATA / "small.yaml"))
    assert out.splitlines()[0] == f"{gold}: 3 labelled sentences"
    everything_skipped = tmp_path / "rejected.jsonl"
    everything_skipped.write_text('{"text": "x", "accept": [], "answer": "reject"}\n',
                                  encoding="utf-8")
    assert "no labelled sentences" in run(project, "evaluate", "--gold",
                                          str(everything_skipped), code=1)


def test_evaluate_prodigy_labels_match_theme_ids_ignoring_case(tmp_path: Path) -> None:
    """Prodigy labels are often upper case: "SERENDIPITY" is the theme serendipity, not
    an unknown label that leaves the sentence theme-free (and its suggestion wrong)."""
    gold = tmp_path / "prodigy.jsonl"
    gold.write_text(json.dumps({"text": "I fell into it really.", "accept": ["SERENDIPITY"],
                                "answer": "accept"}) + "\n", encoding="utf-8")
    result = evaluate_gold(load_codebook(DATA / "small.yaml"), gold)
    assert (result.micro.tp, result.micro.fp, result.micro.fn) == (1, 0, 0)
    assert result.ignored_themes == []


def test_evaluate_refuses_prodigy_binary_answers(tmp_path: Path, project: CliRunner) -> None:
    """An accepted answer on one "label" (Prodigy's binary interface) says nothing of the
    other themes: it is refused in one line, not scored as a theme-free sentence."""
    gold = tmp_path / "binary.jsonl"
    gold.write_text("\n".join(json.dumps(r) for r in [
        {"text": "I fell into it really.", "accept": ["serendipity"], "answer": "accept"},
        {"text": "I was lucky, honestly.", "label": "serendipity", "answer": "accept"},
    ]) + "\n", encoding="utf-8")
    out = run(project, "evaluate", "--gold", str(gold), code=1)
    assert out.strip() == (f'Error: {gold}: line 2: a Prodigy answer on one "label" cannot be '
                           'scored: label the sentences in the choice interface ("accept": '
                           '[...] lists every theme)')
    gold.write_text(json.dumps({"text": "I fell into it.", "accept": "serendipity"}) + "\n",
                    encoding="utf-8")
    out = run(project, "evaluate", "--gold", str(gold), code=1)
    assert out.strip() == (f'Error: {gold}: line 1: expected {{"text": "...", "accept": [...]}} '
                           '(Prodigy)')


def test_suggest_without_codebook_is_a_clear_error(tmp_path: Path) -> None:
    with open_store(tmp_path / "qcahp.db") as store:
        store.add_transcript("story", transcript(STORY))
    out = run(CliRunner(), "suggest", code=1)
    assert "no codebook patterns: run `qcahp codebook load FILE` first" in out


def test_suggestions_before_suggest_say_to_run_it(project: CliRunner) -> None:
    out = run(project, "suggestions")
    assert out.splitlines() == ["(none)",
                                "No suggestions in this project: run `qcahp suggest` "
                                "(after a run, this means the codebook's patterns found "
                                "nothing in the transcripts)."]
    run(project, "suggest")
    assert "serendipity" in run(project, "suggestions")
    # Once there are suggestions, an empty filter result is just empty.
    assert run(project, "suggestions", "--status", "retired").strip() == "(none)"
