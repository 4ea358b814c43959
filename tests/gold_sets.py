"""The labelled sentence sets in ``tests/data/gold``: what each one is and how it may be used.

Every set is JSONL, one participant sentence per line with the theme ids a careful coder gave it
(``[]`` for none). How each was written and labelled is in docs/codebook-eval.md. The role
says what the codebook's authors were allowed to do with a set, which is what its figure means:

- ``tuned``: patterns were written from its missed and wrongly suggested sentences, so its
  figure shows the codebook keeps what it learnt, not how it does on new text;
- ``check``: used while tuning as a yardstick only (aggregate figures, never its sentences);
- ``blind``: written by people who never saw the codebook, scored once at the start and once
  at the end of a tuning round, never read by a pattern author: the honest figure;
- ``held-out``: older sets kept out of tuning (see the docs for what leaked).

``benchmarks/eval_codebook.py`` prints every set's figures; ``tests/test_shipped_codebook.py``
keeps them from falling.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from qualcoder_ahp.suggest.evaluate import read_gold

GOLD = Path(__file__).resolve().parent / "data" / "gold"


@dataclass(frozen=True)
class GoldSet:
    """One labelled sentence set."""

    file: str
    role: str
    about: str

    @property
    def path(self) -> Path:
        return GOLD / self.file


SETS = (
    GoldSet("dev.jsonl", "tuned", "the blog, real and fictional transcripts"),
    GoldSet("validation.jsonl", "tuned", "AHP-leader talk, session 1"),
    GoldSet("validation-fresh.jsonl", "tuned", "AHP-leader talk, session 1"),
    GoldSet("validation-unseen.jsonl", "tuned", "AHP-leader talk, implicit; tuned on in session 2"),
    GoldSet("validation-unseen-2.jsonl", "tuned", "AHP-leader talk; tuned on in session 2"),
    GoldSet("tune-interviews.jsonl", "tuned", "research interviews, 6 leaders"),
    GoldSet("tune-profiles.jsonl", "tuned", "written career profiles, 6 leaders"),
    GoldSet("tune-focus.jsonl", "tuned", "focus groups and a workshop, 11 leaders"),
    GoldSet("tune-written.jsonl", "tuned", "posts, essays, magazine pieces, 10 leaders"),
    GoldSet("tune-interviews-2.jsonl", "tuned", "interviews across the four nations, 8 leaders"),
    GoldSet("tune-letters.jsonl", "tuned", "letters, mentoring talk, oral histories, 10 leaders"),
    GoldSet("tune-answers.jsonl", "tuned", "telephone and video interview answers, 9 leaders"),
    GoldSet("tune-cases.jsonl", "tuned", "quotations in reports and case studies, 10 leaders"),
    GoldSet("tune-weighted-interviews.jsonl", "tuned",
            "interviews weighted to the six weakest themes, 9 leaders"),
    GoldSet("tune-weighted-written.jsonl", "tuned",
            "written pieces weighted to the six weakest themes, 9 leaders"),
    GoldSet("tune-talks.jsonl", "tuned",
            "keynotes, webinars, council introductions, careers evenings, 8 leaders; "
            "weighted to the six weakest themes (session 3)"),
    GoldSet("tune-reflections.jsonl", "tuned",
            "reflective accounts, award statements, alumni pieces, posts, book chapters, "
            "9 leaders; weighted to the six weakest themes (session 3)"),
    GoldSet("tune-voices.jsonl", "tuned",
            "verbatim research interviews, 7 leaders; weighted to the weak themes (session 4)"),
    GoldSet("tune-stories.jsonl", "tuned",
            "written first-person career pieces, 8 leaders; weighted to the weak themes "
            "(session 4)"),
    GoldSet("tune-coaching.jsonl", "tuned",
            "mentoring, coaching, appraisal and exit conversations, 7 leaders; weighted to "
            "the weak themes (session 4)"),
    GoldSet("tune-survey.jsonl", "tuned",
            "free-text survey answers and email interviews, 30 respondents; weighted to "
            "the weak themes (session 4)"),
    GoldSet("tune-visibility-talk.jsonl", "tuned",
            "interview answers and written reflections, 8 leaders; weighted to visibility, "
            "with near misses (session 4)"),
    GoldSet("tune-visibility-public.jsonl", "tuned",
            "keynotes, radio, evidence sessions, speeches, 8 leaders; weighted to visibility, "
            "with near misses (session 4)"),
    GoldSet("tune-visibility-stories.jsonl", "tuned",
            "research interview answers, 8 leaders; weighted to visibility told as stories, "
            "with near misses (session 5)"),
    GoldSet("tune-visibility-written.jsonl", "tuned",
            "blogs, columns, posts, a foreword and an award statement, 9 leaders; weighted to "
            "visibility and boundary spanning, with near misses (session 5)"),
    GoldSet("tune-visibility-groups.jsonl", "tuned",
            "focus groups, away days and action-learning sets, 8 sessions; weighted to "
            "visibility, with near misses (session 5)"),
    GoldSet("tune-system-boundary.jsonl", "tuned",
            "oral-history interviews, 8 senior leaders; weighted to system perspective and "
            "boundary spanning, with near misses (session 5)"),
    GoldSet("tune-roles-board.jsonl", "tuned",
            "conference talks and keynotes, 8 leaders; weighted to non-traditional roles, board "
            "mandate and beyond uni-professional, with near misses (session 5)"),
    GoldSet("tune-careers-podcast.jsonl", "tuned",
            "careers-podcast answers, 8 leaders; weighted to non-traditional roles, boundary "
            "spanning, system perspective and serendipity, with near misses (session 5)"),
    GoldSet("tune-email-answers.jsonl", "tuned",
            "email interviews and written answers to a researcher, 9 leaders; weighted to "
            "visibility, system perspective, boundary spanning and non-traditional roles "
            "(session 5, round 2)"),
    GoldSet("tune-conversations.jsonl", "tuned",
            "reverse mentoring, inductions, retirement speeches and peer-support calls, "
            "8 leaders; weighted like tune-email-answers (session 5, round 2)"),
    GoldSet("tune-magazine.jsonl", "tuned",
            "career stories in magazines, newsletters and a royal college series, 9 leaders; "
            "weighted like tune-email-answers (session 5, round 2)"),
    GoldSet("tune-verbatim.jsonl", "tuned",
            "careers podcasts and research interviews transcribed verbatim (fillers, false "
            "starts, run-on sentences), 8 leaders; weighted to visibility, system perspective, "
            "boundary spanning and non-traditional roles, with near misses (session 6)"),
    GoldSet("tune-talkback.jsonl", "tuned",
            "panel Q&A, away-days, appraisals, a radio phone-in, a network check-in, 8 leaders; "
            "weighted to board mandate, improvement, role ambiguity and visibility, with near "
            "misses (session 6)"),
    GoldSet("tune-density-interviews.jsonl", "tuned",
            "verbatim research interviews, 4 leaders, written at a realistic density: ~61% of "
            "sentences carry no theme, many of them ordinary career detail (session 7)"),
    GoldSet("tune-density-essays.jsonl", "tuned",
            "long-form written career essays, 4 leaders, ~61% of sentences theme-free "
            "(session 7)"),
    GoldSet("tune-density-talk.jsonl", "tuned",
            "careers-podcast and conference-panel talk transcribed verbatim, 4 leaders, ~61% of "
            "sentences theme-free (session 7, round 2)"),
    GoldSet("tune-density-profiles.jsonl", "tuned",
            "written profiles and Q&A answers for a newsletter and a staff magazine, 4 leaders, "
            "~60% of sentences theme-free (session 7, round 2)"),
    GoldSet("real-speech.jsonl", "tuned",
            "real spoken text not used before: the rest of the Changelog career story (01) and "
            "a GP academic's Covid-inquiry evidence (05); sparse in themes (session 6)"),
    GoldSet("check-podcasts.jsonl", "check", "podcasts, panels, peer conversations, 7 leaders"),
    GoldSet("check-study.jsonl", "check", "verbatim study interviews, 8 leaders"),
    GoldSet("blind-interviews.jsonl", "blind", "research interviews, 6 leaders"),
    GoldSet("blind-profiles.jsonl", "blind", "written career profiles, 6 leaders"),
    GoldSet("blind-interviews-2.jsonl", "blind",
            "verbatim research interviews, 7 senior leaders (session 3)"),
    GoldSet("blind-mixed.jsonl", "blind",
            "survey answers, podcasts, published career stories, 8 leaders (session 3)"),
    GoldSet("blind-narratives.jsonl", "blind",
            "oral life-history interviews, 7 leaders (session 4)"),
    GoldSet("blind-panels.jsonl", "blind",
            "panels, podcasts, webinars, board and network sessions, 8 leaders (session 4)"),
    GoldSet("blind-research.jsonl", "blind",
            "semi-structured research interviews, 9 leaders (session 5)"),
    GoldSet("blind-memoir.jsonl", "blind",
            "essays in an edited book of leadership journeys, 9 leaders (session 5)"),
    GoldSet("blind-radio.jsonl", "blind",
            "oral-archive and local-radio conversations, 9 leaders (session 5)"),
    GoldSet("blind-weighted.jsonl", "blind",
            "interviews, reflective pieces and questionnaire answers, 9 leaders; weighted to "
            "visibility, boundary spanning, non-traditional roles and system perspective "
            "(session 5)"),
    GoldSet("blind-podcast.jsonl", "blind",
            "careers-podcast episodes transcribed verbatim, 9 leaders (session 6)"),
    GoldSet("blind-verbatim.jsonl", "blind",
            "research interviews transcribed verbatim by a transcription service, 9 leaders "
            "across the four nations (session 6)"),
    GoldSet("blind-density-oral.jsonl", "blind",
            "oral-history recordings, clean verbatim, 4 leaders; ~62% of sentences theme-free "
            "(session 7)"),
    GoldSet("blind-density-mixed.jsonl", "blind",
            "careers-podcast talk and reflective blog posts, 4 leaders; ~60% of sentences "
            "theme-free (session 7)"),
    GoldSet("blind-density-research.jsonl", "blind",
            "semi-structured research interviews transcribed verbatim, 4 leaders in England, "
            "Scotland and Wales; ~60% of sentences theme-free (session 7)"),
    GoldSet("fictional-heldout.jsonl", "held-out", "the fictional OT interview"),
    GoldSet("heldout.jsonl", "held-out", "real transcripts (not AHP leaders)"),
    GoldSet("heldout-real-speech.jsonl", "held-out",
            "real spoken text never read: a GP leader's Covid-inquiry evidence (05) (session 6)"),
)

SECOND_READER = GOLD / "second-reader"
"""Six blind and held-out sets labelled a second time (session 9) by independent readers who saw
only the labelling guide and the blog: neither the first labels nor the codebook. Same sentences
in the same order as the set of the same name in ``GOLD``. They measure how far two careful
readers agree (the ceiling a codebook can be judged against) and score the codebook against a
reader who did not write the text. Never read by a pattern author."""
SECOND_READER_SETS = ("blind-density-oral.jsonl", "blind-density-mixed.jsonl",
                      "blind-density-research.jsonl", "blind-interviews.jsonl",
                      "blind-profiles.jsonl", "heldout-real-speech.jsonl")


def micro_agreement(gold: list[set[str]], other: list[set[str]]) -> tuple[float, float, float]:
    """Micro precision, recall and F1 of ``other`` against ``gold`` over (sentence, theme)."""
    tp = sum(len(g & o) for g, o in zip(gold, other, strict=True))
    fp = sum(len(o - g) for g, o in zip(gold, other, strict=True))
    fn = sum(len(g - o) for g, o in zip(gold, other, strict=True))
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)

# A plain keyword search, the baseline the codebook must beat: a theme is suggested
# when one of these words occurs in the sentence (whole word, any case).
KEYWORDS = {
    "non_traditional_roles": ["management", "manager", "commissioning", "academic", "national",
                              "business", "traditional"],
    "serendipity": ["serendipity", "chance", "luck", "lucky", "accident", "fell into", "planned"],
    "system_perspective": ["system", "pathway", "flow", "social care"],
    "beyond_uni_professional": ["uni-professional", "profession", "professional identity",
                                "clinical"],
    "boundary_spanning": ["barriers", "boundaries", "relationships", "partnership",
                          "collaborate", "organisations"],
    "board_mandate": ["board", "senior", "mandate", "executive"],
    "sharing_innovation": ["share", "shared", "sharing", "innovation", "celebrate", "spread"],
    "improvement_transformation": ["improvement", "improve", "transformation", "transform"],
    "leadership_development": ["leadership development", "coach", "coaching", "mentor",
                               "programme", "course"],
    "role_ambiguity": ["job title", "job titles", "go-to", "confusion", "confusing", "role"],
    "visibility": ["untapped", "secret weapon", "shadows", "invisible", "potential", "visible"],
}


def keyword_baseline(path: Path) -> tuple[float, float, float]:
    """Micro precision, recall and F1 of the keyword search on one set."""
    rx = {t: re.compile(r"\b(?:" + "|".join(map(re.escape, ks)) + r")\b", re.I)
          for t, ks in KEYWORDS.items()}
    tp = fp = fn = 0
    for _, sentence, gold in read_gold(path):
        predicted = {t for t, r in rx.items() if r.search(sentence)}
        tp += len(predicted & gold)
        fp += len(predicted - gold)
        fn += len(gold - predicted)
    p, r = tp / (tp + fp), tp / (tp + fn)
    return p, r, 2 * p * r / (p + r)
