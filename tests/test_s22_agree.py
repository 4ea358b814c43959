"""Session 22 (agree): the agreement views tell one story.

At the sentence (or turn) unit ``qcahp disagreements`` joined neighbouring disagreeing
sentences into one span: 6 spans where ``qcahp agreement`` counted 7 sentences (n10 +
n01) and the reconcile screen 7 stretches. Each disagreeing unit is now its own row,
and the count line says which agreement figures it equals.
"""

from __future__ import annotations

import json
import re

import pytest
from click.testing import CliRunner

from qualcoder_ahp.agreement.compute import collect, compute, disagreements
from qualcoder_ahp.agreement.reconcile import reconcile_items
from qualcoder_ahp.cli import cli
from qualcoder_ahp.model.store import open_store
from qualcoder_ahp.records import Codebook, Pattern, Theme
from qualcoder_ahp.reports.methods import methods_report
from tests.conftest import make_parsed

TURNS = [
    ("Interviewer", "interviewer", "How did you come to lead?"),
    ("Asha", "participant", "I fell into it by chance. Then I stayed on. It was luck."),
    ("Interviewer", "interviewer", "And the board?"),
    ("Asha", "participant", "The board listened. It gave me a mandate. I was lucky."),
]
SENTENCES = ["I fell into it by chance.", "Then I stayed on.", "It was luck.",
             "The board listened.", "It gave me a mandate.", "I was lucky."]


def _span(text: str, words: str) -> tuple[int, int]:
    start = text.index(words)
    return start, start + len(words)


def build(db):
    """ana codes luck on five sentences one by one, ben on two of them: three
    neighbouring sentences of ana's alone (one span, before), one more after a question."""
    store = open_store(db)
    store.save_codebook(Codebook("t", (Theme("luck", "Luck"),)))
    info, _ = store.add_transcript("asha", make_parsed(TURNS))
    text = store.transcript_text(info.id)
    for words in SENTENCES[:5]:
        store.code(info.id, "luck", "ana", *_span(text, words))
    for words in (SENTENCES[0], SENTENCES[4]):
        store.code(info.id, "luck", "ben", *_span(text, words))
    return store


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "p.db"
    build(path).close()
    return path


@pytest.mark.parametrize("unit", ["sentence", "turn"])
def test_disagreements_count_what_agreement_counts(db, unit):
    store = open_store(db)
    corpus = collect(store, ["ana", "ben"])
    found = disagreements(corpus, unit)
    counts = compute(corpus, unit).overall.counts
    assert len(found) == counts["n10"] + counts["n01"]
    if unit == "sentence":
        assert [d.text for d in found] == SENTENCES[1:4]  # one row each, not one span
        # Here every coding is one sentence: the reconcile screen's stretches are the
        # same disagreements.
        assert len(reconcile_items(corpus)) == len(found) == 3
    store.close()


def test_cli_count_line_names_agreement_figures(db):
    runner = CliRunner()
    out = runner.invoke(cli, ["--db", str(db), "disagreements", "--coders", "ana,ben",
                              "--unit", "sentence"], env={"COLUMNS": "100"})
    assert out.exit_code == 0, out.output
    text = " ".join(out.output.split())
    assert "3 disagreeing sentences: 3 coded by ana only, 0 by ben only (agreement's n10 " \
           "and n01)." in text
    assert "Reconcile screen: 3 stretches" in text
    agree = runner.invoke(cli, ["--db", str(db), "agreement", "--coders", "ana,ben",
                                "--unit", "sentence", "--format", "csv"])
    pooled = [line for line in agree.output.splitlines() if line.startswith("overall")][0]
    n11, n10, n01 = (int(x) for x in pooled.split(",")[5:8])
    assert (n10, n01) == (3, 0)
    csv = runner.invoke(cli, ["--db", str(db), "disagreements", "--coders", "ana,ben",
                              "--unit", "sentence", "--format", "csv"])
    assert len(csv.output.strip().splitlines()) - 1 == n10 + n01


def test_reconcile_line_says_why_stretches_differ_from_turns(db):
    store = open_store(db)
    info = store.transcripts()[0]
    text = store.transcript_text(info.id)
    store.code(info.id, "luck", "cai", *_span(text, SENTENCES[0]))
    store.close()
    run = CliRunner().invoke
    out = run(cli, ["--db", str(db), "disagreements", "--coders", "ana,ben", "--unit",
                    "turn"], env={"COLUMNS": "200"})
    # Both coded luck in both answers: no turn differs, but the reconcile screen has
    # three stretches to decide (they differ inside the turns). It used to say only
    # "No disagreements.".
    assert out.output.splitlines() == [
        "No disagreements.",
        "Reconcile screen: 3 stretches, none decided yet (a stretch is a theme's "
        "overlapping codings: it can hold several turns, or differ inside one turn)."]
    out = run(cli, ["--db", str(db), "disagreements", "--coders", "ben,cai", "--unit",
                    "turn"], env={"COLUMNS": "200"})
    # cai coded the first answer only: one disagreeing turn, one stretch, no why.
    assert out.output.splitlines()[-2:] == [
        "Reconcile screen: 1 stretch, none decided yet.",
        "1 disagreeing turn: 1 coded by ben only, 0 by cai only (agreement's n10 and n01)."]


def test_methods_counts_disagreeing_sentences(db):
    store = open_store(db)
    report = methods_report(store, coders=["ana", "ben"], unit="sentence")
    text = dict(report.paragraphs)["Reconciliation"]
    assert "3 disagreeing sentences at the sentence unit" in text
    store.close()


# ---------------------------------------------------------------- whose speech (item 2)

def _interviewer_codings(db, scope=None):
    """Both coders code the first question with luck, ana the second too; with ``scope``
    the codebook's luck pattern suggests on the interviewer's turns (scope)."""
    store = open_store(db)
    if scope:
        store.save_codebook(Codebook("t", (Theme("luck", "Luck"),), (
            Pattern("p1", "luck", "phrase", "by chance"),
            Pattern("p2", "luck", "phrase", "come to lead", scope=scope))))
    info = store.transcripts()[0]
    text = store.transcript_text(info.id)
    for coder in ("ana", "ben"):
        store.code(info.id, "luck", coder, *_span(text, "How did you come to lead?"))
    store.code(info.id, "luck", "ana", *_span(text, "And the board?"))
    store.close()


def test_a_csv_or_json_run_says_the_codings_left_out(db):
    _interviewer_codings(db)
    runner = CliRunner()
    for args in (["--format", "csv"], ["--format", "json"], ["-o", str(db.parent / "a.csv")]):
        out = runner.invoke(cli, ["--db", str(db), "agreement", "--coders", "ana,ben",
                                  "--unit", "sentence", *args])
        assert out.exit_code == 0, out.output
        said = " ".join(out.stderr.split())
        # The rows carry no such line: it was "Wrote 3 rows" and nothing more.
        assert ("note: 2 codings by ana and 1 by ben lie wholly outside the participants' "
                "speech and were left out; --speakers all compares every speaker's speech"
                in said), args
    out = runner.invoke(cli, ["--db", str(db), "disagreements", "--coders", "ana,ben",
                              "--format", "csv"])
    assert "--speakers all compares" in out.stderr
    assert "--speakers all compares" not in out.stdout


@pytest.mark.parametrize("scope", ["interviewer", "all"])
def test_default_follows_a_codebook_that_suggests_on_interviewer_turns(db, scope):
    _interviewer_codings(db, scope)
    runner = CliRunner()
    out = runner.invoke(cli, ["--db", str(db), "agreement", "--coders", "ana,ben",
                              "--unit", "sentence"], env={"COLUMNS": "200"})
    assert out.exit_code == 0, out.output
    lines = out.stdout.splitlines()
    assert lines[0].endswith("speech: every speaker's turns")
    assert lines[1] == ("Every speaker's speech is compared: the codebook's patterns suggest "
                        "on the interviewer's turns too (1 pattern with scope interviewer "
                        "or all); --speakers participants compares the participants' alone")
    assert "lie wholly outside" not in out.stdout
    pooled = CliRunner().invoke(cli, ["--db", str(db), "agreement", "--coders", "ana,ben",
                                      "--unit", "sentence", "--format", "json"])
    rows = json.loads(pooled.stdout)
    overall = [r for r in rows if r["view"] == "overall"][0]
    # Eight sentences (two questions too), one theme; the questions' codings compared:
    # n11: two answers' sentences and question one; n10: three sentences and question two.
    assert overall["units"] == 8 and overall["speakers"] == "all"
    assert (overall["n11"], overall["n10"], overall["n01"]) == (3, 4, 0)
    narrow = json.loads(CliRunner().invoke(
        cli, ["--db", str(db), "agreement", "--coders", "ana,ben", "--unit", "sentence",
              "--format", "json", "--speakers", "participants"]).stdout)
    assert [r for r in narrow if r["view"] == "overall"][0]["units"] == 6
    store = open_store(db)
    report = methods_report(store, coders=["ana", "ben"], unit="sentence")
    text = dict(report.paragraphs)["Agreement"]
    assert "of every speaker's speech (the interviewer's turns too, 8 sentences" in text
    assert ("Every speaker's turns were compared because the codebook's patterns suggest "
            "on the interviewer's turns too (1 pattern with scope interviewer or all)."
            in text)
    store.close()


def test_participant_codebook_keeps_participants_default(db):
    _interviewer_codings(db, "participant")
    out = CliRunner().invoke(cli, ["--db", str(db), "agreement", "--coders", "ana,ben",
                                   "--unit", "sentence"], env={"COLUMNS": "200"})
    assert out.stdout.splitlines()[0].endswith("speech: participants' turns")
    assert "2 codings by ana and 1 by ben lie wholly outside" in out.stdout


def test_reconcile_line_counts_the_stretches_outside_the_speech_compared(db):
    store = open_store(db)
    info = store.transcripts()[0]
    text = store.transcript_text(info.id)
    store.code(info.id, "luck", "ana", *_span(text, "And the board?"))
    store.close()
    out = CliRunner().invoke(cli, ["--db", str(db), "disagreements", "--coders", "ana,ben",
                                   "--unit", "sentence"], env={"COLUMNS": "300"})
    # The reconcile screen decides every speaker's codings: 4 stretches beside 3
    # sentences, and the line said nothing of why.
    assert ("Reconcile screen: 4 stretches, none decided yet (1 lies wholly outside the "
            "participants' speech compared here: --speakers all lists it)."
            in out.stdout.splitlines())
    every = CliRunner().invoke(cli, ["--db", str(db), "disagreements", "--coders", "ana,ben",
                                     "--unit", "sentence", "--speakers", "all"],
                               env={"COLUMNS": "300"})
    assert "Reconcile screen: 4 stretches, none decided yet." in every.stdout.splitlines()
    assert "4 disagreeing sentences: 4 coded by ana only" in every.stdout


def test_methods_figure_names_the_unit_counted(db):
    store = open_store(db)
    report = methods_report(store, coders=["ana", "ben"], unit="sentence")
    figures = {f.key: (f.label, f.value) for f in report.figures}
    assert figures["disagreements"] == ("disagreeing sentences (sentence)", 3)
    store.close()
