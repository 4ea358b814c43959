"""The shipped codebook (codebooks/ahp-leadership.yaml): structure, behaviour and accuracy.

- it loads and validates; every theme the study names is there with its definition,
  criteria, examples, colour and at least ten patterns;
- on the blog the themes come from, the seed themes are suggested where the text
  plainly states them, and negated or interviewer text gets no suggestion;
- on the bundled fictional transcripts every theme is suggested at least once;
- on the labelled sentence sets (tests/data/gold) it keeps the precision, recall and
  F1 measured when the codebook was written (docs/codebook-eval.md), and beats a
  plain keyword search; a real regression of the patterns fails these tests.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import REFERENCE, REPO
from tests.gold_sets import (
    GOLD, SECOND_READER, SECOND_READER_SETS, SETS, GoldSet, keyword_baseline)
from qualcoder_ahp.records import Codebook, Sentence, Turn
from qualcoder_ahp.suggest.codebook import check_codebook
from qualcoder_ahp.suggest.engine import engine_for
from qualcoder_ahp.suggest.evaluate import Evaluation, evaluate_gold, read_gold
from qualcoder_ahp.suggest.runner import suggest_sentences

CODEBOOK = REPO / "codebooks" / "ahp-leadership.yaml"
TRANSCRIPTS = REPO / "transcripts"
THEMES = (
    "non_traditional_roles", "serendipity", "system_perspective", "beyond_uni_professional",
    "boundary_spanning", "board_mandate", "sharing_innovation", "improvement_transformation",
    "leadership_development", "role_ambiguity", "visibility",
)

# Micro precision / recall / F1 of this codebook on every labelled set (tests/gold_sets.py) when
# it was committed, as benchmarks/eval_codebook.py prints them. The tests allow a small margin
# below them, so a pattern edit that loses real matches or adds wrong ones fails here; after a
# deliberate change, re-measure and update these figures and docs/codebook-eval.md together.
MARGIN = 0.03
FIGURES: dict[str, tuple[float, float, float]] = {
    "dev.jsonl": (0.916, 0.893, 0.905),  # tuned
    "validation.jsonl": (0.960, 0.980, 0.970),  # tuned
    "validation-fresh.jsonl": (0.899, 0.978, 0.937),  # tuned
    "validation-unseen.jsonl": (0.947, 0.960, 0.954),  # tuned
    "validation-unseen-2.jsonl": (0.929, 0.970, 0.949),  # tuned
    "tune-interviews.jsonl": (0.908, 0.914, 0.911),  # tuned
    "tune-profiles.jsonl": (0.933, 0.959, 0.946),  # tuned
    "tune-focus.jsonl": (0.870, 0.945, 0.906),  # tuned
    "tune-written.jsonl": (0.870, 0.888, 0.879),  # tuned
    "tune-interviews-2.jsonl": (0.896, 0.957, 0.925),  # tuned
    "tune-letters.jsonl": (0.859, 0.881, 0.870),  # tuned
    "tune-answers.jsonl": (0.871, 0.938, 0.903),  # tuned
    "tune-cases.jsonl": (0.806, 0.946, 0.870),  # tuned
    "tune-weighted-interviews.jsonl": (0.844, 0.962, 0.899),  # tuned
    "tune-weighted-written.jsonl": (0.882, 0.955, 0.917),  # tuned
    "tune-talks.jsonl": (0.856, 0.920, 0.887),  # tuned
    "tune-reflections.jsonl": (0.818, 0.932, 0.872),  # tuned
    "tune-voices.jsonl": (0.822, 0.950, 0.882),  # tuned
    "tune-stories.jsonl": (0.838, 0.963, 0.896),  # tuned
    "tune-coaching.jsonl": (0.828, 0.912, 0.868),  # tuned
    "tune-survey.jsonl": (0.841, 0.953, 0.893),  # tuned
    "tune-visibility-talk.jsonl": (0.792, 0.890, 0.838),  # tuned
    "tune-visibility-public.jsonl": (0.801, 0.913, 0.853),  # tuned
    "tune-visibility-stories.jsonl": (0.791, 0.919, 0.850),  # tuned
    "tune-visibility-written.jsonl": (0.823, 0.879, 0.850),  # tuned
    "tune-visibility-groups.jsonl": (0.789, 0.814, 0.801),  # tuned
    "tune-system-boundary.jsonl": (0.821, 0.902, 0.860),  # tuned
    "tune-roles-board.jsonl": (0.801, 0.878, 0.838),  # tuned
    "tune-careers-podcast.jsonl": (0.836, 0.892, 0.863),  # tuned
    "tune-email-answers.jsonl": (0.801, 0.899, 0.847),  # tuned
    "tune-conversations.jsonl": (0.786, 0.859, 0.821),  # tuned
    "tune-magazine.jsonl": (0.828, 0.883, 0.855),  # tuned
    "tune-verbatim.jsonl": (0.826, 0.903, 0.862),  # tuned
    "tune-talkback.jsonl": (0.836, 0.922, 0.877),  # tuned
    "tune-density-interviews.jsonl": (0.768, 0.717, 0.741),  # tuned
    "tune-density-essays.jsonl": (0.726, 0.719, 0.722),  # tuned
    "tune-density-talk.jsonl": (0.781, 0.714, 0.746),  # tuned
    "tune-density-profiles.jsonl": (0.775, 0.712, 0.742),  # tuned
    "real-speech.jsonl": (0.857, 0.414, 0.558),  # tuned
    "check-podcasts.jsonl": (0.766, 0.674, 0.717),  # check
    "check-study.jsonl": (0.796, 0.811, 0.804),  # check
    "blind-interviews.jsonl": (0.745, 0.646, 0.692),  # blind
    "blind-profiles.jsonl": (0.738, 0.717, 0.727),  # blind
    "blind-interviews-2.jsonl": (0.800, 0.714, 0.755),  # blind
    "blind-mixed.jsonl": (0.775, 0.767, 0.771),  # blind
    "blind-narratives.jsonl": (0.759, 0.668, 0.711),  # blind
    "blind-panels.jsonl": (0.731, 0.705, 0.718),  # blind
    "blind-research.jsonl": (0.771, 0.719, 0.744),  # blind
    "blind-memoir.jsonl": (0.711, 0.668, 0.689),  # blind
    "blind-radio.jsonl": (0.747, 0.649, 0.695),  # blind
    "blind-weighted.jsonl": (0.727, 0.654, 0.689),  # blind
    "blind-podcast.jsonl": (0.718, 0.674, 0.695),  # blind
    "blind-verbatim.jsonl": (0.727, 0.713, 0.720),  # blind
    "blind-density-oral.jsonl": (0.600, 0.750, 0.667),  # blind
    "blind-density-mixed.jsonl": (0.592, 0.670, 0.629),  # blind
    "blind-density-research.jsonl": (0.539, 0.731, 0.620),  # blind
    "fictional-heldout.jsonl": (0.819, 0.608, 0.698),  # held-out
    "heldout.jsonl": (0.615, 0.400, 0.485),  # held-out
    "heldout-real-speech.jsonl": (0.419, 0.232, 0.299),  # held-out
}
FIGURES_SECOND_READER: dict[str, tuple[float, float, float]] = {
    "blind-density-oral.jsonl": (0.654, 0.691, 0.672),
    "blind-density-mixed.jsonl": (0.662, 0.652, 0.656),
    "blind-density-research.jsonl": (0.674, 0.669, 0.671),
    "blind-interviews.jsonl": (0.730, 0.662, 0.694),
    "blind-profiles.jsonl": (0.766, 0.725, 0.745),
    "heldout-real-speech.jsonl": (0.387, 0.245, 0.300),
}
"""The codebook against the independent second reader of six blind and held-out sets."""
TARGET_SETS = ("dev.jsonl", "validation.jsonl", "validation-fresh.jsonl", "validation-unseen.jsonl", "validation-unseen-2.jsonl", "tune-interviews.jsonl", "tune-profiles.jsonl", "tune-focus.jsonl", "tune-written.jsonl", "tune-interviews-2.jsonl", "tune-letters.jsonl", "tune-answers.jsonl", "tune-cases.jsonl", "tune-weighted-interviews.jsonl", "tune-weighted-written.jsonl", "tune-talks.jsonl", "tune-reflections.jsonl", "tune-voices.jsonl", "tune-stories.jsonl", "tune-coaching.jsonl", "tune-survey.jsonl", "tune-visibility-talk.jsonl", "tune-visibility-public.jsonl", "tune-visibility-stories.jsonl", "tune-visibility-written.jsonl", "tune-visibility-groups.jsonl", "tune-system-boundary.jsonl", "tune-roles-board.jsonl", "tune-careers-podcast.jsonl", "tune-email-answers.jsonl", "tune-conversations.jsonl", "tune-magazine.jsonl", "tune-verbatim.jsonl", "tune-talkback.jsonl", "tune-density-interviews.jsonl", "tune-density-talk.jsonl", "tune-density-profiles.jsonl",)
"""Sets on which the issue's targets (micro F1 >= 0.7, precision >= 0.6, every theme's recall
>= 0.5) are met: only sets the patterns were tuned on (see docs/codebook-eval.md)."""
REAL_OTHER_PROFESSIONS = {"heldout.jsonl", "real-speech.jsonl", "heldout-real-speech.jsonl"}
"""Real text of people who are not AHP leaders (software, GPs at the Covid inquiry), sparse in
themes: figures are kept from falling, but a keyword search is not always beaten there by 0.1
(on real-speech.jsonl it scored higher than the codebook at first; see docs/codebook-eval.md)."""
HELDOUT_RECALL = {"boundary_spanning": 0.455, "leadership_development": 0.5,
                  "serendipity": 0.222, "system_perspective": 0.5}
"""Per-theme recall on the real held-out set, for themes with at least three labelled sentences
(non-traditional roles, found 0 of 3 times, has nothing to lose and is left out). Boundary
spanning was 6 of 11 before session 2 and is 5 of 11 since "partnership" needs a relational
word (a trade that halved its wrong suggestions on the check sets); see docs/codebook-eval.md."""


@pytest.fixture(scope="module")
def codebook() -> Codebook:
    result = check_codebook(CODEBOOK)
    assert result.ok, result.errors
    assert result.codebook is not None
    return result.codebook


@pytest.fixture(scope="module")
def evaluated(codebook: Codebook) -> Callable[[Path], Evaluation]:
    """``evaluate_gold(codebook, path)``, run once per set in this file (the figures and
    the targets of a tuned set are two tests of one evaluation)."""
    done: dict[Path, Evaluation] = {}

    def evaluation(path: Path) -> Evaluation:
        if path not in done:
            done[path] = evaluate_gold(codebook, path)
        return done[path]

    return evaluation


def suggested(codebook: Codebook, sentence: str, role: str = "participant") -> set[str]:
    return suggest_sentences(codebook, [sentence], role=role)[0]


# --------------------------------------------------------------------------- structure
def test_codebook_loads_with_every_theme_fully_described(codebook: Codebook) -> None:
    assert not check_codebook(CODEBOOK).warnings
    themes = {t.id: t for t in codebook.themes}
    codable = {t.id for t in codebook.themes if t.codable}
    assert codable == set(THEMES)
    colours = [themes[t].color for t in THEMES]
    assert len(set(c.lower() for c in colours)) == len(THEMES), "theme colours must differ"
    for theme_id in THEMES:
        theme = themes[theme_id]
        assert theme.parent_id is not None and not themes[theme.parent_id].codable
        assert len(theme.description) > 60, theme_id
        assert len(theme.inclusion) > 40 and len(theme.exclusion) > 40, theme_id
        assert len(theme.examples) >= 3, theme_id
        assert re.fullmatch(r"#[0-9A-Fa-f]{6}", theme.color), theme_id
        patterns = [p for p in codebook.patterns if p.theme_id == theme_id and not p.exclude]
        assert len(patterns) >= 10, (theme_id, len(patterns))
        assert {p.kind for p in patterns} <= {"regex", "phrase", "token"}
    ids = [p.id for p in codebook.patterns]
    assert len(ids) == len(set(ids))
    # every pattern compiles into the engine (no trained-pipeline-only pattern is skipped)
    assert engine_for(codebook).skipped == []


def test_examples_of_each_theme_are_suggested_as_that_theme(codebook: Codebook) -> None:
    """A theme's own examples are what a coder reads first: the codebook must find them."""
    for theme in codebook.themes:
        if not theme.codable:
            continue
        found = suggest_sentences(codebook, list(theme.examples))
        missed = [ex for ex, got in zip(theme.examples, found, strict=True) if theme.id not in got]
        assert not missed, (theme.id, missed)


# --------------------------------------------------------------------------- the blog
def blog_sentence(fragment: str) -> str:
    text = " ".join((REFERENCE / "ahp-leadership-blog.txt").read_text(encoding="utf-8").split())
    for sentence in re.split(r"(?<=[.!?])\s+", text):
        if fragment in sentence:
            return sentence
    raise AssertionError(f"{fragment!r} is not in the blog")


@pytest.mark.parametrize(("fragment", "theme"), [
    ("roles not viewed as ‘traditional’ for AHPs", "non_traditional_roles"),
    ("arising from serendipity rather than strategic career planning", "serendipity"),
    ("multiple perspectives on system problems", "system_perspective"),
    ("broke down barriers between professions and organisations", "boundary_spanning"),
    ("moving away from their uni-professional roles", "beyond_uni_professional"),
    ("more distant from the trust board", "board_mandate"),
    ("less likely to be celebrated and shared", "sharing_innovation"),
    ("the more engaged AHPs were in improvement work", "improvement_transformation"),
    ("‘good’ leadership development opportunity", "leadership_development"),
    ("41 different job titles", "role_ambiguity"),
    ("described as a ‘secret weapon’", "visibility"),
    ("step out of the shadows", "visibility"),
])
def test_blog_states_the_seed_themes_plainly(codebook: Codebook, fragment: str,
                                             theme: str) -> None:
    if not REFERENCE.is_dir():
        pytest.skip("../shared/reference is not present")
    assert theme in suggested(codebook, blog_sentence(fragment))


@pytest.mark.parametrize("sentence", [
    "It wasn't by chance that I got the job; I planned every move.",
    "It was no accident, I had always planned to run a service.",
    "I didn't just fall into management, it was a deliberate move.",
    "It wasn’t luck, I’d been preparing for years.",
    "Nobody tapped me on the shoulder, I put myself forward.",
    "I always planned to be a director of operations.",
    "I don't think the new service was luck at all.",
    "None of that was by chance.",
    "People assume all AHP leaders fell into it, and I didn't.",
])
def test_negated_serendipity_is_not_suggested(codebook: Codebook, sentence: str) -> None:
    assert "serendipity" not in suggested(codebook, sentence)


@pytest.mark.parametrize("sentence", [
    "It was never planned, I just fell into it.",
    "I hadn't planned any of it, to be honest.",
    "I was lucky, right place at the right time.",
    "My manager tapped me on the shoulder and asked me to act up.",
    "I ended up in commissioning by accident.",
])
def test_unplanned_moves_are_serendipity(codebook: Codebook, sentence: str) -> None:
    assert "serendipity" in suggested(codebook, sentence)


def test_interviewer_questions_get_no_suggestion(codebook: Codebook) -> None:
    questions = [
        "Many leaders say they fell into it by chance, right place at the right time. Did you?",
        "Tell me about the trust board and who you report to.",
        "How did you break down barriers between professions and organisations?",
        "Some people call AHPs a secret weapon with untapped potential.",
        "Did you do a leadership programme or have a mentor?",
    ]
    found = suggest_sentences(codebook, questions, role="interviewer")
    assert found == [set()] * len(questions)
    # the same words from a participant are suggested
    assert all(suggest_sentences(codebook, questions, role="participant"))


def test_other_words_with_theme_words_are_not_suggested(codebook: Codebook) -> None:
    assert "sharing_innovation" not in suggested(
        codebook, "Infections can spread very easily in a control room.")
    assert "system_perspective" not in suggested(
        codebook, "The IT system crashed on the first day of the new booking system.")
    assert "board_mandate" not in suggested(codebook, "We got everyone on board quickly.")
    assert "boundary_spanning" not in suggested(codebook, "I don't know, I don't remember.")


# --------------------------------------------------------------------------- transcripts
def read_bundled(path: Path):  # type: ignore[no-untyped-def]
    """A bundled transcript as text, turns and sentences (through the importers)."""
    importers = pytest.importorskip("qualcoder_ahp.importers")
    return importers.read_transcript(path)


def test_fictional_transcripts_are_marked_and_listed() -> None:
    files = sorted(p for p in TRANSCRIPTS.iterdir()
                   if p.suffix in (".txt", ".md", ".vtt", ".docx") and p.stem != "README")
    assert len(files) >= 6
    assert len({p.suffix for p in files}) >= 4
    participants = (TRANSCRIPTS / "participants.csv").read_text(encoding="utf-8").splitlines()
    assert participants[0] == "participant,profession,seniority,trust_type,board_distance"
    listed = {line.split(",")[0] for line in participants[1:]}
    assert listed == {p.stem for p in files}
    readme = (TRANSCRIPTS / "README.md").read_text(encoding="utf-8")
    for path in files:
        assert path.name in readme
        if path.suffix == ".docx":
            import docx

            first = " ".join(p.text for p in docx.Document(str(path)).paragraphs[:3])
        else:
            first = path.read_text(encoding="utf-8")[:400]
        assert "FICTIONAL" in first, path.name


def test_every_theme_is_suggested_in_the_fictional_transcripts(codebook: Codebook) -> None:
    engine = engine_for(codebook)
    seen: dict[str, int] = {}
    interviewer_hits = 0
    words = 0
    for path in sorted(TRANSCRIPTS.iterdir()):
        if path.suffix not in (".txt", ".md", ".vtt", ".docx") or path.stem == "README":
            continue
        parsed = read_bundled(path)
        words += len(parsed.text.split())
        roles = {t.role for t in parsed.turns}
        assert {"interviewer", "participant"} <= roles, path.name
        found = engine.suggest_text(parsed.text, parsed.turns, parsed.sentences)
        for f in found:
            seen[f.theme_id] = seen.get(f.theme_id, 0) + 1
            turn = next(t for t in parsed.turns if t.start <= f.start < t.end)
            interviewer_hits += turn.role != "participant"
    assert words >= 6 * 1500
    assert interviewer_hits == 0
    for theme in THEMES:
        assert seen.get(theme, 0) >= 3, (theme, seen)


@pytest.mark.parametrize(("name", "sentence", "theme"), [
    ("11_DERIVED_uk-covid-inquiry_tracy-nicholls_college-of-paramedics.docx",
     "we have a good relationship with all the higher education institutes", "boundary_spanning"),
    ("06_anthropic-interviewer_work0916_dietitian-manager.md",
     "I have made a push to incorporate the use of AI", "improvement_transformation"),
])
def test_real_transcripts_interviewer_turns_are_skipped(codebook: Codebook, real_dir: Path,
                                                        name: str, sentence: str,
                                                        theme: str) -> None:
    """On real transcripts suggestions land only in participant turns, although counsel's or
    the interviewer's own sentences carry theme words that would be suggested from a
    participant; and a plainly stated theme in the participant's words is found."""
    parsed = read_bundled(real_dir / name)
    found = engine_for(codebook).suggest_text(parsed.text, parsed.turns, parsed.sentences)
    roles = {next(t.role for t in parsed.turns if t.start <= f.start < t.end) for f in found}
    assert roles == {"participant"}
    asked = [parsed.text[s.start:s.end] for s in parsed.sentences
             if parsed.turns[s.turn_index].role == "interviewer"]
    assert any(suggest_sentences(codebook, asked, role="participant"))
    assert any(theme == f.theme_id and sentence in parsed.text[f.start:f.end] for f in found)


# --------------------------------------------------------------------------- accuracy
def test_gold_sets_are_well_formed() -> None:
    assert {g.file for g in SETS} == {p.name for p in GOLD.glob("*.jsonl")}
    for gold in SETS:
        rows = read_gold(gold.path)
        assert len(rows) >= 90, gold.file
        assert all(themes <= set(THEMES) for _, _, themes in rows), gold.file
        texts = [text for _, text, _ in rows]
        assert len(texts) == len(set(texts)), f"duplicate sentences in {gold.file}"
        if gold.file != "fictional-heldout.jsonl":  # one interview, nearly every sentence coded
            # Enough sentences without a theme that precision means something; sets
            # written to be tuned on, weighted to the weak themes, may be denser.
            least = 0.2 if gold.role == "tuned" else 0.3
            negatives = sum(1 for _, _, themes in rows if not themes)
            assert least * len(rows) <= negatives <= 0.8 * len(rows), (gold.file, negatives)


def test_sets_share_no_sentence() -> None:
    """No sentence of five words or more is in two sets (so no figure is partly another's);
    a few short fillers ("That's about it, really.") are said in several."""
    seen: dict[str, str] = {}
    for gold in SETS:
        for _, text, _ in read_gold(gold.path):
            if len(text.split()) >= 5:
                assert text not in seen, (text, seen.get(text), gold.file)
                seen[text] = gold.file


def test_newer_sets_label_every_theme() -> None:
    for gold in SETS:
        if gold.file.startswith(("validation", "tune-", "check-", "blind-")):
            counts = dict.fromkeys(THEMES, 0)
            for _, _, themes in read_gold(gold.path):
                for theme in themes:
                    counts[theme] += 1
            assert min(counts.values()) >= 5, (gold.file, counts)


@pytest.mark.parametrize("gold", SETS, ids=[g.file for g in SETS])
def test_figures_hold(evaluated: Callable[[Path], Evaluation], gold: GoldSet) -> None:
    micro = evaluated(gold.path).micro
    precision, recall, f1 = FIGURES[gold.file]
    assert micro.precision >= precision - MARGIN
    assert micro.recall >= recall - MARGIN
    assert micro.f1 >= f1 - MARGIN
    if gold.file not in REAL_OTHER_PROFESSIONS:
        assert micro.f1 > keyword_baseline(gold.path)[2] + 0.1


def test_second_reader_sets_label_the_same_sentences() -> None:
    """Each second reading holds exactly the sentences of its set, in order, with valid ids."""
    assert {p.name for p in SECOND_READER.glob("*.jsonl")} == set(SECOND_READER_SETS)
    for name in SECOND_READER_SETS:
        first = read_gold(GOLD / name)
        second = read_gold(SECOND_READER / name)
        assert [t for _, t, _ in first] == [t for _, t, _ in second], name
        assert all(themes <= set(THEMES) for _, _, themes in second), name


@pytest.mark.parametrize("name", SECOND_READER_SETS)
def test_figures_hold_against_second_reader(codebook: Codebook, name: str) -> None:
    micro = evaluate_gold(codebook, SECOND_READER / name).micro
    precision, recall, f1 = FIGURES_SECOND_READER[name]
    assert micro.precision >= precision - MARGIN
    assert micro.recall >= recall - MARGIN
    assert micro.f1 >= f1 - MARGIN


@pytest.mark.parametrize("name", TARGET_SETS)
def test_targets_met_on_tuned_sets(evaluated: Callable[[Path], Evaluation], name: str) -> None:
    result = evaluated(GOLD / name)
    assert result.micro.f1 >= 0.7 and result.micro.precision >= 0.6
    for theme in THEMES:
        if result.score(theme).tp + result.score(theme).fn:
            assert result.score(theme).recall >= 0.5, theme


def test_heldout_recall_per_theme_holds(codebook: Codebook) -> None:
    result = evaluate_gold(codebook, GOLD / "heldout.jsonl")
    for theme, recall in HELDOUT_RECALL.items():
        assert result.score(theme).recall >= recall - MARGIN, theme
