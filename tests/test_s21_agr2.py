"""Session 21 (agr2): agreement's units are the participants' speech by default.

The interviewer's questions, which nobody codes, counted as units both coders agreed to
leave alone and lifted every figure (on the README's project, at the turn unit, percent
agreement 0.979 where the participants' turns alone give 0.958). Now the units are the
participants' turns (``--speakers all``: every speaker's, as before), a coding outside
them is counted and said, and the methods paragraph says which units were compared.
"""

from __future__ import annotations

import json

import krippendorff
import numpy as np
import pytest
from click.testing import CliRunner

from qualcoder_ahp.agreement.compute import collect, compute, disagreements
from qualcoder_ahp.cli import cli
from qualcoder_ahp.model.store import open_store
from qualcoder_ahp.records import Codebook, Theme
from qualcoder_ahp.reports.methods import methods_report
from tests.conftest import make_parsed

TURNS = [
    ("Interviewer", "interviewer", "How did you come to lead? Tell me."),
    ("Asha", "participant", "I fell into it by chance. Then I stayed on."),
    ("Interviewer", "interviewer", "What about the board?"),
    ("Asha", "participant", "The board listened. It gave me a mandate. I was lucky."),
    ("Interviewer", "interviewer", "Thank you."),
]


def _span(text: str, words: str) -> tuple[int, int]:
    start = text.index(words)
    return start, start + len(words)


def build(store):
    """ana and ben code the participant's sentences, disagreeing on one; ana also codes
    one interviewer question (wholly outside) and one passage running from a question
    into the answer (partly outside)."""
    store.save_codebook(Codebook("t", (Theme("luck", "Luck"), Theme("board", "Board"))))
    info, _ = store.add_transcript("asha", make_parsed(TURNS))
    text = store.transcript_text(info.id)
    for coder in ("ana", "ben"):
        store.code(info.id, "luck", coder, *_span(text, "I fell into it by chance."))
        store.code(info.id, "board", coder, *_span(text, "It gave me a mandate."))
    store.code(info.id, "luck", "ana", *_span(text, "I was lucky."))
    return info, text


@pytest.fixture
def store(tmp_path):
    store = open_store(tmp_path / "p.db")
    yield store
    store.close()


def _pooled(report):
    return report.overall.counts, report.overall.stats


def test_turn_and_sentence_units_are_the_participants_speech(store):
    build(store)
    turn = compute(collect(store, ["ana", "ben"]), "turn")
    # Two participant turns x two themes; ana's "I was lucky." is in turn 3 where ben
    # coded no luck: one disagreement in four units.
    assert turn.overall.units == 4
    assert turn.overall.counts == {"n11": 2, "n10": 1, "n01": 0, "n00": 1}
    assert turn.overall.stats["percent_agreement"] == pytest.approx(3 / 4)
    every = compute(collect(store, ["ana", "ben"], speakers="all"), "turn")
    # Every speaker: the three questions nobody coded add 3 x 2 agreed units.
    assert every.overall.units == 10 and every.overall.counts["n00"] == 7
    assert every.overall.stats["percent_agreement"] == pytest.approx(9 / 10)
    sentence = compute(collect(store, ["ana", "ben"]), "sentence")
    # Five participant sentences (of eight) x two themes.
    assert sentence.overall.units == 10
    assert sentence.overall.counts == {"n11": 2, "n10": 1, "n01": 0, "n00": 7}


def test_character_unit_matches_an_independent_computation(store):
    """Alpha and kappa over the participants' characters, computed here from the text
    (a coded/uncoded vector per coder over the participant turns only) and by the
    krippendorff package."""
    info, text = build(store)
    report = compute(collect(store, ["ana", "ben"]))
    turns = [t for t in store.turns(info.id) if t.role == "participant"]
    for theme in ("luck", "board"):
        vectors = []
        for coder in ("ana", "ben"):
            mask = np.zeros(len(text))
            for c in store.codings(transcript_id=info.id, coder=coder):
                if c.theme_id == theme:
                    mask[c.start:c.end] = 1
            vectors.append(np.concatenate([mask[t.start:t.end] for t in turns]))
        n = sum(t.end - t.start for t in turns)
        row = next(r for r in report.themes if r.theme == theme)
        assert row.units == n == len(vectors[0])
        a, b = vectors
        n11 = int(((a == 1) & (b == 1)).sum())
        n00 = int(((a == 0) & (b == 0)).sum())
        assert row.counts["n11"] == n11 and row.counts["n00"] == n00
        po = (n11 + n00) / n
        pa, pb = a.mean(), b.mean()
        pe = pa * pb + (1 - pa) * (1 - pb)
        expected = krippendorff.alpha(reliability_data=np.array(vectors),
                                      level_of_measurement="nominal")
        if theme == "luck":  # ana coded more: they disagree
            assert row.stats["cohen_kappa"] == pytest.approx((po - pe) / (1 - pe))
            assert row.stats["krippendorff_alpha"] == pytest.approx(expected)
        else:
            assert row.stats["percent_agreement"] == 1.0


def test_codings_outside_the_participants_speech_are_counted_and_said(store):
    from qualcoder_ahp.agreement.compute import outside_note

    info, text = build(store)
    # ana codes the interviewer's first question, and a passage from a question into the
    # answer after it.
    store.code(info.id, "luck", "ana", *_span(text, "How did you come to lead?"))
    start = text.index("about the board?")
    store.code(info.id, "board", "ana", start, text.index("The board listened.") + 19)
    corpus = collect(store, ["ana", "ben"])
    assert corpus.outside == {"ana": [1, 1]}
    note = outside_note(corpus)
    assert note == ("1 coding by ana lies wholly outside the participants' speech and was "
                    "left out; 1 coding by ana reaches outside it and was compared on its "
                    "participant part; --speakers all compares every speaker's speech")
    turn = compute(corpus, "turn")
    # The question coded is not a unit; the passage's answer turn now holds board for
    # ana, as for ben: no new disagreement among the participant turns.
    assert turn.overall.counts == {"n11": 2, "n10": 1, "n01": 0, "n00": 1}
    every = compute(collect(store, ["ana", "ben"], speakers="all"), "turn")
    assert every.overall.counts["n10"] == 3  # both questions ana coded now disagree
    assert outside_note(collect(store, ["ana", "ben"], speakers="all")) is None


def _run(db, *args):
    result = CliRunner().invoke(cli, ["--db", str(db), *args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.stdout  # a note on stderr beside JSON (session 22) is not the data


def test_agreement_command_says_whose_speech_and_the_codings_outside(tmp_path):
    db = tmp_path / "p.db"
    store = open_store(db)
    info, text = build(store)
    store.code(info.id, "luck", "ana", *_span(text, "How did you come to lead?"))
    store.close()
    out = _run(db, "agreement", "--coders", "ana,ben", "--unit", "turn")
    assert out.splitlines()[0] == "Coders: ana, ben   unit: turn   speech: participants' turns"
    assert "1 coding by ana lies wholly outside the participants' speech" in out
    rows = json.loads(_run(db, "agreement", "--coders", "ana,ben", "--unit", "turn",
                           "--format", "json"))
    overall = next(r for r in rows if r["view"] == "overall")
    assert overall["units"] == 4 and overall["speakers"] == "participants"
    rows = json.loads(_run(db, "agreement", "--coders", "ana,ben", "--unit", "turn",
                           "--format", "json", "--speakers", "all"))
    overall = next(r for r in rows if r["view"] == "overall")
    assert overall["units"] == 10 and overall["speakers"] == "all"
    assert overall["n10"] == 2  # ana's question is compared, and disagrees


def test_disagreements_use_the_same_units(tmp_path):
    db = tmp_path / "p.db"
    store = open_store(db)
    info, text = build(store)
    # ana codes board on both answers and the question between them: at the turn unit
    # the disagreement is the first answer alone, not a span running over the question.
    store.code(info.id, "board", "ana", text.index("I fell"), text.index("The board"))
    store.close()
    rows = json.loads(_run(db, "disagreements", "--coders", "ana,ben", "--unit", "turn",
                           "--format", "json"))
    spans = {(r["theme"], r["text"]) for r in rows}
    assert spans == {("board", "I fell into it by chance. Then I stayed on."),
                     ("luck", "The board listened. It gave me a mandate. I was lucky.")}
    every = json.loads(_run(db, "disagreements", "--coders", "ana,ben", "--unit", "turn",
                            "--format", "json", "--speakers", "all"))
    texts = [r["text"] for r in every if r["theme"] == "board"]
    # One row a turn (session 22: neighbouring units are no longer joined into a span).
    assert texts == ["I fell into it by chance. Then I stayed on.", "What about the board?"]
    chars = json.loads(_run(db, "disagreements", "--coders", "ana,ben", "--format", "json"))
    assert all("What about" not in r["text"] for r in chars)


def test_disagreements_at_sentence_unit_do_not_run_over_a_question(store):
    info, text = build(store)
    # ana codes luck on the last sentence of answer 1 and the first of answer 2 (and the
    # question between, by one coding): two participant sentences side by side among
    # the units compared, with a question between them in the text.
    store.code(info.id, "luck", "ana", text.index("Then I"), text.index(" It gave"))
    found = [(d.theme_id, d.text) for d in disagreements(collect(store, ["ana", "ben"]),
                                                         "sentence")]
    assert found == [("luck", "Then I stayed on."), ("luck", "The board listened."),
                     ("luck", "I was lucky.")]


def test_methods_paragraph_says_which_units_were_compared(store):
    info, text = build(store)
    store.code(info.id, "luck", "ana", *_span(text, "How did you come to lead?"))
    report = methods_report(store, coders=["ana", "ben"], unit="sentence")
    agreement = dict(report.paragraphs)["Agreement"]
    assert ("each theme present or absent on each sentence of the participants' speech "
            "(their turns; the interviewer's turns were left out, 5 sentences per theme)"
            in agreement)
    assert "(10 units pooled)" in agreement
    assert "1 coding by ana lies wholly outside the participants' speech" in agreement
    figures = {f.key: f.value for f in report.figures}
    assert figures["agreement.speakers"] == "participants"
    assert figures["agreement.codings_outside"] == 1
    every = methods_report(store, coders=["ana", "ben"], unit="sentence", speakers="all")
    text_all = dict(every.paragraphs)["Agreement"]
    assert "every speaker's speech (the interviewer's turns too, 8 sentences" in text_all
    assert "(16 units pooled)" in text_all and "outside" not in text_all


def test_coders_paragraph_says_what_a_coder_who_only_reconciled_did(tmp_path):
    db = tmp_path / "p.db"
    store = open_store(db)
    info, text = build(store)
    store.close()
    _run(db, "reconcile", "decide", "take", "ana", "--transcript", "asha", "--theme", "luck",
         "--at", str(text.index("I was lucky")), "--coders", "ana,ben", "--by", "lead")
    store = open_store(db)
    coders = dict(methods_report(store, coders=["ana", "lead"]).paragraphs)["Coders"]
    assert "Two coders (ana and lead) have coded" not in coders
    assert coders.startswith(
        "Two coders were named (ana and lead); of the one transcript, ana coded 1; lead "
        "coded none (lead decided 1 reconcile stretch into consensus, 1 in effect, and "
        "made no coding of their own). No transcript was coded by two or more coders.")
    store.ensure_coder("zoe")
    idle = dict(methods_report(store, coders=["ana", "zoe"]).paragraphs)["Coders"]
    assert "zoe coded none and made no decision" in idle
    both = dict(methods_report(store, coders=["ana", "ben"]).paragraphs)["Coders"]
    assert both.startswith("Two coders (ana and ben) have coded")
    store.close()


def test_a_written_file_says_whose_speech(tmp_path):
    db = tmp_path / "p.db"
    store = open_store(db)
    build(store)
    store.close()
    _run(db, "agreement", "--coders", "ana,ben", "-o", str(tmp_path / "a.md"))
    assert (tmp_path / "a.md").read_text().startswith(
        "## Agreement: ana vs ben, unit character, participants' turns\n")
    _run(db, "agreement", "--coders", "ana,ben", "--speakers", "all", "-o",
         str(tmp_path / "a.txt"))
    assert (tmp_path / "a.txt").read_text().splitlines()[0] == (
        "Agreement: coders ana vs ben   unit: character   speech: every speaker's turns")
