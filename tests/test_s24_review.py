"""Review of session 24's changes as merged: where one change met another.

The suggestion engine now tokenises every text with each run of spaces or tabs as one
space (suggest.pipeline.squeeze), and regular expressions read that text too. A phrase
pattern written with a run of spaces (``fell  into``, a tab pasted from a spreadsheet)
was still tokenised as written, with a space token of its own, so it matched nothing at
all: not the text as typed with one space, and no longer the text as written with two.
"""

from __future__ import annotations

import pytest

from qualcoder_ahp.records import Codebook, Pattern, Sentence, Turn
from qualcoder_ahp.suggest.engine import Engine


@pytest.mark.parametrize("body", ["fell  into", "fell\tinto", "fell into"])
@pytest.mark.parametrize("said", ["I fell into it.", "I fell  into it."])
def test_a_phrase_with_a_run_of_spaces_matches_as_the_text_is_read(body, said) -> None:
    engine = Engine(Codebook("t", (), (Pattern("p", "a", "phrase", body),), None, None))
    turns = [Turn("A", "participant", 0, len(said))]
    sentences = [Sentence(0, len(said), 0)]
    found = engine.raw_matches(said, turns, sentences, engine.tokenize(said))
    start = said.index("fell")
    assert found == {"p": [(start, said.index("into") + len("into"))]}
