"""The engine's shortcuts give exactly what the plain way gives.

- regex anchors are necessary conditions (property test with hypothesis);
- anchored matching equals matching every segment, on the real transcripts;
- the vectorised lookup lemmatizer equals spaCy's lemmatizer component;
- a cached doc restores every attribute the matchers read.
"""

from __future__ import annotations

import array
import re
import zlib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qualcoder_ahp.suggest.codebook import load_codebook
from qualcoder_ahp.suggest.engine import Engine
from qualcoder_ahp.suggest.prefilter import (
    AnchorIndex,
    lowered_for_anchors,
    lowered_regex,
    regex_anchors,
)
from qualcoder_ahp.suggest.sre_tree import _sre_parse
from qualcoder_ahp.suggest.twin import _CODE_TYPE
from test_engine import transcript

DATA = Path(__file__).parent / "data" / "codebooks"
# As conftest.REFERENCE; not imported from conftest, whose module name tests/tui shares.
REFERENCE = Path(__file__).resolve().parent.parent.parent / "shared" / "reference"
SHIPPED = Path(__file__).resolve().parent.parent / "codebooks" / "ahp-leadership.yaml"

REGEXES = [
    r"\b(?:fell|fallen|falling)\s+into\b",
    r"\bby (?:pure |sheer )?chance\b",
    r"\b(?:went|go|goes)\s+(?:\w+\s+){0,2}(?:in)?to\s+(?:general\s+)?(?:management|ops)\b",
    r"\bnot (?:viewed|seen) as\W{0,3}traditional",
    r"(?:\b(?:not|no longer)|n['’]t) (?:just |only )?(?:a |an )?(?:physio|clinician)",
    r"\b(?:band (?:8[abcd]?|9)|8[abcd]\b|VSM)\b",
    r"\bQI\b|\bPDSA\b|\bmodel for improvement\b",
    r"right (?:place|time)(?: at the right (?:place|time))?",
    r"(?i:ab)+c|x{2,3}yz",
    r"^(?=.*\b(?:went|moved)\b)(?!.*\bnot\b).*\binto\b",
    r"\bnot\s+(?:just|only) a physio\b|\b(?:fell|went)\s+(?:into|to)\s+(?:management|ops)\b|place",
    r"(?<=band )(?:8a|9)\b",
]
WORDS = ["fell", "into", "by", "pure", "chance", "went", "go", "to", "into", "management",
         "ops", "not", "viewed", "as", "'traditional", "isn't", "just", "a", "physio", "band",
         "8a", "9", "VSM", "qi", "PDSA", "model", "for", "improvement", "right", "place",
         "time", "at", "the", "abab", "c", "xxyz", "Fallen", "INTO", "general"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(WORDS), min_size=1, max_size=12),
       st.sampled_from(REGEXES))
def test_regex_anchors_are_necessary(words: list[str], pattern: str) -> None:
    # A segment is searched on its own: if the pattern matches in it, the segment holds
    # a string of every set of one of the alternatives (lookarounds' strings included).
    text = " ".join(words)
    alternatives = regex_anchors(pattern)
    if alternatives and re.search(pattern, text, re.IGNORECASE):
        lowered = text.lower()
        assert any(all(any(s in lowered for s in strings) for strings in sets)
                   for sets in alternatives), (pattern, text, alternatives)


LOWERING = [*REGEXES, r"[A-Z]{2,}x", r"[^a-c]at\b", r"(a)\1", r"(?<=Dr )Smith", r"\bNHS\b",
            r"[^\W\d]+ING", r"(?:x|Y)?z{1,2}",
            # Starts the first-character set must see through: lookarounds, optional and
            # empty-able parts, atomic groups, repeats, an alternation with a bare \b.
            r"(?<!not )(?<!N)\b(?:x|Yz)\b", r"(?:a|)B", r"(?:ab)?c", r"(?>x|Yz)+",
            r"\b(?=a)(?:a|b){2}", r"^['’]?(?:so |i )?(?:a|É)", r"(?:x*|y)Z", r"\bi|n\b"]
CHARS = "aAbBcCxXyYzZ 8iI.'’-ÉéNnSsHh"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=CHARS, max_size=40) | st.lists(st.sampled_from(WORDS), max_size=10).map(
    " ".join), st.sampled_from(LOWERING))
def test_lowered_regex_matches_at_the_same_offsets(text: str, pattern: str) -> None:
    twin = lowered_regex(pattern)
    assert twin is not None
    lowered = lowered_for_anchors(text)
    assert lowered is not None
    expected = [m.span() for m in re.finditer(pattern, text, re.IGNORECASE)]
    assert [m.span() for m in twin.finditer(lowered)] == expected


def test_twins_know_the_characters_a_match_can_start_with() -> None:
    """re finds no first-character set for a pattern beginning with \\b or a lookbehind;
    the twin's info block holds one, so the engine skips every other position."""
    from re._constants import INFO, SRE_INFO_CHARSET

    from qualcoder_ahp.suggest.twin import _compile_lowered, _first_chars

    for pattern, first in [(r"\b(?:Went|moved)\s+into", "wm"),
                           (r"(?<!partner got a )\bjobs?\b", "j"),
                           (r"^['’]?(?:so |and )?(?:how|what)\b", "'’sahw")]:
        regex, stored = _compile_lowered(pattern)
        assert regex is not None and stored is not None
        words = array.array(_CODE_TYPE)
        words.frombytes(zlib.decompress(stored[1]))
        assert words[0] == INFO and words[2] == SRE_INFO_CHARSET, pattern
        chars, empty = _first_chars(list(_sre_parse.parse(pattern.lower())))
        assert {chr(c) for _, c in chars} == set(first) and not empty
    # Unknown or possibly empty starts get no set (the engine tries every position).
    assert _first_chars(list(_sre_parse.parse(r"\s*x"))) is None
    assert _first_chars(list(_sre_parse.parse(r"(?:x)?")))[1]


def test_lowered_regex_refuses_inline_case_flags() -> None:
    assert lowered_regex(r"(?-i:NHS) trust") is None
    assert lowered_regex(r"[\u0000-\uffff]x") is None


def test_anchor_sets_are_selective() -> None:
    assert regex_anchors(REGEXES[0]) in ([[("fallen", "falling", "fell"), ("into",)]],
                                         [[("into",), ("fallen", "falling", "fell")]])
    assert regex_anchors(REGEXES[2])[0][0] == ("management", "ops")
    assert regex_anchors(r"x*") == [] and regex_anchors(r"\w+ing") == [[("ing",)]]


def test_an_alternation_of_phrasings_is_anchored_branch_by_branch() -> None:
    # Each branch needs its own words, not any word of any branch.
    assert regex_anchors(REGEXES[10]) == [
        [("just a physio", "only a physio")],  # "not" is too common to be worth it
        [("fell", "went"), ("management", "ops")],
        [("place",)]]
    # A list of words (or fixed phrases) stays one set.
    assert regex_anchors(REGEXES[0]) == [[("into",), ("fallen", "falling", "fell")]]
    assert regex_anchors(r"\bplanned\b|\w+") == []  # one branch matches anything


def test_common_words_anchor_only_when_nothing_else_does() -> None:
    assert regex_anchors(r"\bthe\s+\w+\s+(?:lucky|fortunate)\b") == [[("fortunate", "lucky")]]
    assert regex_anchors(r"\bthe\b\s+\w+") == [[("the",)]]
    # A question mark is one character, but rare: it anchors questions.
    assert regex_anchors(r"^(?:how|what|do you)\b[^.!?]*\?\s*$") == [[("?",)]]


def test_lookarounds_anchor_the_segment() -> None:
    # A positive lookaround must match inside the segment; a negative one gives nothing.
    assert regex_anchors(REGEXES[9]) == [[("into",), ("moved", "went")]]
    assert regex_anchors(REGEXES[11]) == [[("band ",)]]  # "9" is too short to anchor


def test_anchor_index_finds_overlapping_anchors() -> None:
    index = AnchorIndex({"go", "going", "ing", "management", "man"})
    text = "going to management, go man"
    assert index.present(text) == {"go", "going", "ing", "man", "management"}
    assert index.present(text, 9, 19) == {"man", "management"}
    assert index.present(text, 10, 27) == {"go", "man"}  # only whole occurrences inside
    assert AnchorIndex(set()).present(text) == set()


def test_anchor_set_masks_from_the_index_equal_each_set_looked_up() -> None:
    """Every set's mask comes from one pass over the anchors present; a set the index
    does not hold (an equal tuple, another object) is looked up string by string."""
    from qualcoder_ahp.suggest.matching import Segments

    sets = [("manage", "leader"), ("luck",), ("manage",), ("nowhere", "absent")]
    index = AnchorIndex({a for s in sets for a in s}, sets)
    parsed = transcript([("A", "participant", "I manage. Pure luck. A leader who is lucky.")])
    ctx = Segments(parsed.text, parsed.turns, parsed.sentences, index)
    expected = {0: 0b101, 1: 0b110, 2: 0b001, 3: 0}
    for i, strings in enumerate(sets):
        assert ctx.anchor_set_mask(strings, "sentence") == expected[i]
        assert ctx.anchor_set_mask(tuple(list(strings)), "sentence") == expected[i]
    assert index.sets_of["manage"] == [0, 2]


def test_anchors_mask_ors_alternatives_of_anded_sets() -> None:
    """A pattern's alternatives (each: a string of every one of its sets) become one mask;
    sets the index holds are resolved to set numbers once, others are looked up."""
    from qualcoder_ahp.suggest.matching import Segments

    sets = [("manage", "leader"), ("luck",), ("manage",), ("nowhere", "absent")]
    index = AnchorIndex({a for s in sets for a in s}, sets)
    parsed = transcript([("A", "participant", "I manage. Pure luck. A leader who is lucky.")])
    ctx = Segments(parsed.text, parsed.turns, parsed.sentences, index)
    held = [[sets[0], sets[1]], [sets[2]]]  # (manage|leader) AND luck, or manage
    assert ctx.anchors_mask(held, "sentence") == 0b100 | 0b001
    assert index.resolve(held) == [[0, 1], [2]]
    assert ctx.anchors_mask(held, "sentence") == 0b101  # from the cache
    assert ctx.anchors_mask([[sets[3]]], "sentence") == 0
    unknown = [[("luck", "nowhere")], [sets[2]]]  # a set the index does not hold
    assert index.resolve(unknown) is None
    assert ctx.anchors_mask(unknown, "sentence") == 0b110 | 0b001
    assert ctx.anchors_mask(held, "turn") == 1  # one turn


def _codebooks() -> list[Path]:
    return [DATA / "small.yaml", DATA / "blog.yaml"] + ([SHIPPED] if SHIPPED.exists() else [])


def _texts(real_dir: Path) -> list:  # type: ignore[type-arg]
    try:
        from qualcoder_ahp.importers import read_transcript
    except ImportError:
        read_transcript = None
    out = []
    for path in sorted(real_dir.iterdir()):
        if read_transcript is not None and path.suffix in (".md", ".srt", ".rst", ".txt"):
            out.append(read_transcript(path))
        elif path.suffix in (".md", ".txt"):
            paragraphs = [p for p in path.read_text(encoding="utf-8").split("\n\n") if p.strip()]
            out.append(transcript([("P", "participant" if i % 3 else "interviewer", p.strip())
                                   for i, p in enumerate(paragraphs)]))
    blog = REFERENCE / "ahp-leadership-blog.txt"
    if blog.exists():
        out.append(transcript([("B", "participant", p.strip()) for p in
                               blog.read_text(encoding="utf-8").split("\n\n") if p.strip()]))
    return out


@pytest.mark.parametrize("codebook_path", _codebooks(), ids=lambda p: p.stem)
def test_anchored_matching_equals_full_scan(real_dir: Path, codebook_path: Path) -> None:
    engine = Engine(load_codebook(codebook_path))
    plain = Engine(load_codebook(codebook_path))
    plain.build()
    plain.regex_anchors = {pid: [] for pid in plain.regexes}
    plain.token_anchors = {pid: [] for pid in plain.token_anchors}
    plain.lowered_regexes = {pid: None for pid in plain.regexes}
    total = 0
    for parsed in _texts(real_dir):
        doc = engine.tokenize(parsed.text)
        fast = engine.raw_matches(parsed.text, parsed.turns, parsed.sentences, doc)
        slow = plain.raw_matches(parsed.text, parsed.turns, parsed.sentences, doc)
        assert {k: sorted(v) for k, v in fast.items()} == {k: sorted(v) for k, v in slow.items()}
        total += sum(len(v) for v in fast.values())
    assert total > 0  # the comparison covered real matches


def test_fast_lemmas_equal_the_lemmatizer_component(real_dir: Path) -> None:
    engine = Engine(load_codebook(DATA / "small.yaml"))
    text = next(real_dir.glob("01_*")).read_text(encoding="utf-8")
    fast = engine.tokenize(text)
    slow = engine.nlp(text)  # blank("en") + the lookup lemmatizer component
    table = engine.nlp.get_pipe("lemmatizer").lookups.get_table("lemma_lookup")
    # Where the component leaves a capitalised word as it is, the lower-case form's lemma
    expected = [table.get(t.text.lower(), t.text)
                if t.lemma_ == t.text and t.text not in table else t.lemma_ for t in slow]
    assert [t.lemma_ for t in fast] == expected
    assert any(t.lemma_ != t.text for t in fast)
    assert any(t.text[:1].isupper() and t.lemma_ != t.text for t in fast)


def test_cached_doc_round_trip(real_dir: Path) -> None:
    cb = load_codebook(DATA / "small.yaml")
    engine = Engine(cb)
    text = next(real_dir.glob("01_*")).read_text(encoding="utf-8")
    doc = engine.tokenize(text)
    restored = Engine(cb).from_bytes(engine.to_bytes(doc))  # a fresh vocab, as in a new run
    assert restored.text == text
    attrs = ("text", "lemma_", "norm_", "lower_", "whitespace_", "idx")
    assert [tuple(getattr(t, a) for a in attrs) for t in restored] == \
        [tuple(getattr(t, a) for a in attrs) for t in doc]
    empty = engine.from_bytes(engine.to_bytes(engine.tokenize("")))
    assert len(empty) == 0


def _suggested(store) -> list[tuple]:  # type: ignore[no-untyped-def]
    return [(s.transcript_id, s.theme_id, s.start, s.end, s.pattern_ids)
            for s in store.suggestions()]


def test_stored_analyses_are_used_and_give_the_same_suggestions(tmp_path: Path) -> None:
    """Loading a codebook stores each regex's analysis; suggest then analyses nothing and
    finds what a run that analysed everything itself finds."""
    from qualcoder_ahp.model.store import open_store
    from qualcoder_ahp.suggest import engine as engine_module
    from qualcoder_ahp.suggest import prefilter
    from qualcoder_ahp.suggest.runner import analyse_codebook, run_suggestions
    from qualcoder_ahp.suggest.engine import engine_for

    cb = load_codebook(SHIPPED)
    regexes = {p.body for p in cb.patterns if p.kind == "regex"}
    story = transcript([("Ann", "participant", "I fell into management by pure chance, and "
                         "I was lucky to be in the right place at the right time."),
                        ("Q", "interviewer", "Did you plan it?"),
                        ("Ann", "participant", "It was never planned. Nobody knew what the "
                         "AHPs did; we were the best-kept secret in the trust.")])
    found = []
    for prepared in (False, True):
        engine_module._ENGINES.clear()
        prefilter.analyse_regex.cache_clear()
        with open_store(tmp_path / f"{prepared}.db") as store:
            store.save_codebook(cb)
            store.add_transcript("story", story)
            if prepared:
                assert analyse_codebook(store) == len(cb.patterns) - sum(
                    p.kind != "regex" for p in cb.patterns)
                assert analyse_codebook(store) == 0  # stored: nothing left to do
                engine_module._ENGINES.clear()  # a new process: only the database knows
                prefilter.analyse_regex.cache_clear()
            run_suggestions(store)
            assert len(engine_for(store.codebook()).analysed) == (0 if prepared else
                                                                  len(cb.patterns) - sum(
                                                                      p.kind != "regex"
                                                                      for p in cb.patterns))
            keys = {prefilter.analysis_key(body) for body in regexes}
            assert keys <= store.doc_cache_has(sorted(keys))  # both ways end stored
            found.append(_suggested(store))
    assert found[0] == found[1] and {f[1] for f in found[0]} >= {"serendipity", "visibility"}


def test_a_new_codebook_version_analyses_only_changed_regexes(tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch,
                                                               ) -> None:
    import dataclasses

    from qualcoder_ahp.model.store import open_store
    from qualcoder_ahp.suggest import engine as engine_module
    from qualcoder_ahp.suggest import prefilter
    from qualcoder_ahp.suggest.runner import analyse_codebook, run_suggestions

    cb = load_codebook(DATA / "small.yaml")
    n_regex = sum(p.kind == "regex" for p in cb.patterns)
    with open_store(tmp_path / "p.db") as store:
        store.save_codebook(cb)
        store.add_transcript("t", transcript([("Ann", "participant", "I fell into it.")]))
        assert analyse_codebook(store) == n_regex
        i, old = next((i, p) for i, p in enumerate(cb.patterns) if p.kind == "regex")
        patterns = list(cb.patterns)
        patterns[i] = dataclasses.replace(old, body=old.body + "|by sheer luck")
        store.save_codebook(dataclasses.replace(cb, patterns=tuple(patterns)))
        engine_module._ENGINES.clear()
        assert analyse_codebook(store) == 1
        run_suggestions(store)  # a whole-project run drops the old version's analysis
        assert not store.doc_cache_has([prefilter.analysis_key(old.body)])
        assert store.doc_cache_has([prefilter.analysis_key(patterns[i].body)])
        # Another analyser (a changed prefilter, another Python) never reads them.
        monkeypatch.setattr(prefilter, "_ANALYSER", "another")
        engine_module._ENGINES.clear()
        prefilter.analyse_regex.cache_clear()
        assert analyse_codebook(store) == n_regex


def test_stored_twins_match_as_freshly_compiled_ones() -> None:
    """A lower-cased twin rebuilt from its stored code finds exactly what the twin
    compiled from the pattern finds, for every regex of the shipped codebook."""
    from qualcoder_ahp.suggest import prefilter
    from qualcoder_ahp.suggest.evaluate import read_gold

    gold = Path(__file__).parent / "data" / "gold" / "dev.jsonl"
    text = lowered_for_anchors("\n".join(s for _, s, _ in read_gold(gold)))
    regexes = [p.body for p in load_codebook(SHIPPED).patterns if p.kind == "regex"]
    rebuilt = 0
    for body in regexes:
        anchors, twin = prefilter.analyse_regex(body)
        data = prefilter.analysis_to_bytes(anchors, twin, compile_twin=True)
        anchors2, twin2 = prefilter.analysis_from_bytes(data, body)
        assert anchors2 == anchors
        if twin is None or twin.regex is None:
            assert twin2 is None, body
            continue
        assert twin2 is not None and twin2.regex is not None, body
        rebuilt += twin2.code() is not None
        assert ([m.span() for m in twin2.regex.finditer(text)]
                == [m.span() for m in twin.regex.finditer(text)]), body
    assert rebuilt >= 0.9 * len(regexes)


def test_a_damaged_stored_twin_falls_back_to_the_pattern() -> None:
    from qualcoder_ahp.suggest import prefilter

    body = r"\bfell into\b"
    anchors, twin = prefilter.analyse_regex(body)
    data = bytearray(prefilter.analysis_to_bytes(anchors, twin, compile_twin=True))
    data[-3:] = b"\x00\x00\x00"  # the compressed code no longer decompresses
    _, twin2 = prefilter.analysis_from_bytes(bytes(data), body)
    assert twin2 is not None and twin2.regex is None  # the original pattern runs instead


def test_loading_completes_analyses_a_run_stored_without_compiled_twins(tmp_path: Path) -> None:
    """A project whose first run came before its codebook was prepared (an older
    version's project) gets the twins' compiled code when the codebook is loaded."""
    from qualcoder_ahp.model.store import open_store
    from qualcoder_ahp.suggest import engine as engine_module
    from qualcoder_ahp.suggest import prefilter
    from qualcoder_ahp.suggest.runner import analyse_codebook, run_suggestions

    cb = load_codebook(DATA / "small.yaml")
    bodies = [p.body for p in cb.patterns if p.kind == "regex"]
    keys = [prefilter.analysis_key(b) for b in bodies]

    def stored_twins(store) -> list[str]:  # type: ignore[no-untyped-def]
        data = store.doc_cache_get(keys)
        return [type(prefilter.analysis_from_bytes(data[k], b)[1]._source).__name__
                for k, b in zip(keys, bodies, strict=True)
                if prefilter.analysis_from_bytes(data[k], b)[1] is not None]

    with open_store(tmp_path / "p.db") as store:
        store.save_codebook(cb)
        store.add_transcript("t", transcript([("Ann", "participant", "Nothing here.")]))
        engine_module._ENGINES.clear()
        prefilter.analyse_regex.cache_clear()
        run_suggestions(store)  # no pattern meets a candidate: no twin is compiled
        assert set(stored_twins(store)) == {"str"}
        engine_module._ENGINES.clear()
        assert analyse_codebook(store) == 0  # nothing to analyse, but twins to complete
        assert set(stored_twins(store)) == {"StoredCode"}
