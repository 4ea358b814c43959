"""A run of spaces or a tab inside a sentence does not hide a theme: spaCy made the second
space of "fell  into" a token of its own, and no pattern for "fell into" (phrase or
token) matched across it, nor a regular expression written with one space (695 of the
shipped codebook's 700). Every pattern reads the text with each run as one space, and
every match is placed back on the stored text's offsets."""

from __future__ import annotations

import re

from qualcoder_ahp.records import Codebook, Pattern, Sentence, Theme, Turn
from qualcoder_ahp.suggest.engine import Engine
from qualcoder_ahp.suggest.pipeline import pipeline_for, squeeze


def engine() -> Engine:
    patterns = (
        Pattern("p-phrase", "serendipity", "phrase", "fell into"),
        Pattern("p-token", "serendipity", "token",
                [{"LEMMA": "end"}, {"LOWER": "up"}, {"LOWER": "in"}]),
        Pattern("p-regex", "serendipity", "regex", r"right\s+place"),
        Pattern("p-regex-space", "serendipity", "regex", r"\bi was (fortunate|lucky) to"),
    )
    return Engine(Codebook("t", (Theme("serendipity", "Serendipity"),), patterns))


def matches(text: str) -> dict[str, list[str]]:
    eng = engine()
    turns = [Turn("Asha", "participant", 0, len(text))]
    sentences = [Sentence(0, len(text), 0)]
    with eng.lock:
        raw = eng.raw_matches(text, turns, sentences, eng.tokenize(text))
    return {pid: [text[a:b] for a, b in spans] for pid, spans in raw.items()}


def test_runs_of_spaces_and_tabs_do_not_break_a_match_and_offsets_stay_the_texts():
    text = ("Well,  I   fell  into\tit and  ended   up in the right  place. I was  lucky\t"
            "to be asked.")
    found = matches(text)
    assert found["p-phrase"] == ["fell  into"]
    assert found["p-token"] == ["ended   up in"]
    assert found["p-regex"] == ["right  place"]
    assert found["p-regex-space"] == ["I was  lucky\tto"]


def test_single_spaced_text_is_matched_as_before():
    text = "I fell into it and ended up in the right place."
    assert squeeze(text) == (text, None)
    found = matches(text)
    assert found == {"p-phrase": ["fell into"], "p-token": ["ended up in"],
                     "p-regex": ["right place"], "p-regex-space": []}


def test_word_counts_place_words_by_the_stored_texts_offsets():
    """`qcahp words` relates each token to the turns by its offset: the squeezed doc's
    offsets are mapped back, so a word after a run of spaces stays in its turn."""
    text = "Interviewer:  so.\nAsha:   luck   mostly"
    pipeline = pipeline_for(None)
    with pipeline.lock:
        doc = pipeline.tokenize(text)
    where = squeeze(text)[1]
    assert [text[int(where[t.idx]):int(where[t.idx]) + len(t)] for t in doc
            if not t.is_space] == [t.text for t in doc if not t.is_space]


def test_the_shipped_codebook_suggests_the_same_on_double_spaced_text():
    """A transcript typed with two spaces between words gets the suggestions the same
    transcript with one space gets, on the same words."""
    from qualcoder_ahp.suggest.codebook import load_codebook
    from tests.conftest import REPO

    codebook = load_codebook(REPO / "codebooks" / "ahp-leadership.yaml")
    eng = Engine(codebook)
    one = ("I fell into management really by chance. I was fortunate to be asked to "
           "act up, and it was never planned. The board never heard the AHP voice.")
    two = one.replace(" ", "  ")

    def themes(text: str) -> list[tuple[str, str]]:
        turns = [Turn("Asha", "participant", 0, len(text))]
        ends = [m.end() for m in re.finditer(r"\.", text)]
        sentences = [Sentence(a, b, 0) for a, b in zip([0, *ends[:-1]], ends, strict=True)]
        with eng.lock:
            found = eng.find(eng.tokenize(text), text, turns, sentences)
        return sorted((f.theme_id, " ".join(text[f.start:f.end].split())) for f in found)

    assert themes(one) and themes(two) == themes(one)
