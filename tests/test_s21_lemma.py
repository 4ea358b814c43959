"""A LEMMA pattern finds a capitalised word too (session 21).

spaCy's lookup table holds lower-case forms only, so its lookup lemmatizer leaves a
capitalised word as it is: "Planned" opening a sentence kept the lemma "Planned" and a
codebook's `{LEMMA: plan}` missed the sentence that "I planned it" would have matched.
"""
from __future__ import annotations

from qualcoder_ahp.records import Codebook, Pattern
from qualcoder_ahp.suggest.engine import Engine
from qualcoder_ahp.suggest.runner import suggest_sentences
from qualcoder_ahp.suggest.pipeline import pipeline_for, pipeline_signature


def test_capitalised_word_takes_its_lower_case_lemma() -> None:
    doc = pipeline_for(None).tokenize("Planned nothing. Ended up there. Moved on. NHS work.")
    lemmas = {t.text: t.lemma_ for t in doc}
    assert (lemmas["Planned"], lemmas["Ended"], lemmas["Moved"]) == ("plan", "end", "move")
    assert lemmas["NHS"] == "NHS"  # a word the table lacks in any case stays as it is


def test_lemma_pattern_finds_a_sentence_opening_word() -> None:
    cb = Codebook("t", (), (Pattern("p", "serendipity", "token",
                                    [{"LEMMA": "plan"}, {"LOWER": "nothing"}]),), None, None)
    got = suggest_sentences(cb, ["Planned nothing, it just happened.",
                                 "I planned nothing, it just happened."])
    assert got == [{"serendipity"}, {"serendipity"}]
    assert Engine(cb).tokenize("Planned")[0].lemma_ == "plan"


def test_cached_docs_of_the_old_lemmas_are_not_reused() -> None:
    # The signature keys the doc cache: docs stored with the old lemmas are tokenised again.
    trained, signature = pipeline_signature(None)
    assert not trained and len(signature) == 16
    import hashlib
    from importlib.metadata import version
    old = (f"blank-en+lookup-lemmatizer-{version('spacy-lookups-data')}"
           f"|spacy-{version('spacy')}")
    assert signature != hashlib.sha256(old.encode()).hexdigest()[:16]
