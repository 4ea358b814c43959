"""Reports core: every count, roll-up, matrix cell and percentage of a known project.

The project (built by :func:`build_project` through the store's public methods):

- themes ``career`` (a folder) > ``winding`` and ``serendipity``; ``mandate``; and
  ``weapon`` (never used);
- transcripts t1 (P01, physio), t2 (P02, SLT), t3 (P03, no profession);
- coder alice codes serendipity twice overlapping in t1 (counted once in words),
  and winding overlapping that serendipity text (two children of one parent);
- coder bob codes some of the same text; coder consensus one agreed coding.
"""

from __future__ import annotations

import pytest

from qualcoder_ahp.errors import UserError
from qualcoder_ahp.records import Codebook, Theme
from qualcoder_ahp.reports import (
    NO_VALUE,
    ReportData,
    attribute_matrix,
    cooccurrence,
    parse_by,
    quotes,
    resolve_coder,
    theme_counts,
)
from qualcoder_ahp.reports.spans import intersect, merge
from tests.conftest import make_parsed

T1 = [("Interviewer", "interviewer", "How did you get here?"),
      ("Asha", "participant",
       "I fell into management by chance. It was a winding road. The board listened to me.")]
T2 = [("Interviewer", "interviewer", "Tell me about your route."),
      ("Ben", "participant",
       "My career was never planned. I moved between roles. I report to the chief nurse.")]
T3 = [("Interviewer", "interviewer", "What about the board?"),
      ("Cara", "participant", "I sit on the trust board. Luck played a part.")]

CODINGS = [  # (coder, transcript, theme, quoted phrase)
    ("alice", "t1", "serendipity", "I fell into management by chance."),
    ("alice", "t1", "serendipity", "management by chance. It was"),
    ("alice", "t1", "winding", "It was a winding road."),
    ("alice", "t1", "mandate", "The board listened to me."),
    ("alice", "t2", "winding", "I moved between roles."),
    ("alice", "t3", "mandate", "I sit on the trust board."),
    ("bob", "t1", "serendipity", "I fell into management by chance."),
    ("bob", "t2", "serendipity", "My career was never planned."),
    ("bob", "t3", "serendipity", "Luck played a part."),
    ("bob", "t2", "mandate", "I report to the chief nurse."),
    ("consensus", "t1", "serendipity", "I fell into management by chance."),
]


def w(text: str) -> int:
    """Words in a literal string (the expected values below are sums of these)."""
    return len(text.split())


def c(text: str) -> int:
    """Characters in a literal string."""
    return len(text)


def build_project(store):
    """Build the known project; returns {name: transcript id}."""
    store.save_codebook(Codebook("test", (
        Theme("career", "Career route", codable=False, position=0, color="#1f77b4"),
        Theme("winding", "Winding route through non-traditional roles", parent_id="career",
              position=1, color="#aec7e8"),
        Theme("serendipity", "Serendipity", parent_id="career", position=2, color="#ff7f0e"),
        Theme("mandate", "Mandate: closeness to the trust board", position=3, color="#2ca02c"),
        Theme("weapon", "Untapped secret weapon", position=4, color="#d62728"),
    )))
    ids = {}
    for name, turns, participant in (("t1", T1, "P01"), ("t2", T2, "P02"), ("t3", T3, "P03")):
        info, _ = store.add_transcript(name, make_parsed(turns), participant=participant)
        ids[name] = info.id
    store.set_participant_attributes("P01", {"profession": "physio", "band": "8c"})
    store.set_participant_attributes("P02", {"profession": "SLT", "band": "8a"})
    store.set_participant_attributes("P03", {"band": "9"})
    made = []
    for coder, transcript, theme, phrase in CODINGS:
        text = store.transcript_text(ids[transcript])
        start = text.index(phrase)
        origin = "consensus" if coder == "consensus" else "manual"
        made.append(store.code(ids[transcript], theme, coder, start, start + len(phrase),
                               origin=origin))
    store.set_memo("alice", "coding", made[3].id, "Board access = mandate")
    return ids


@pytest.fixture
def project(store):
    ids = build_project(store)
    return store, ids


def _t1_chars(store, ids):
    return {n: len(store.transcript_text(i)) for n, i in ids.items()}


# Phrases that recur in the expectations.
SER_ALICE = "I fell into management by chance. It was"  # alice's two serendipity codings merged
CAREER_T1 = "I fell into management by chance. It was a winding road."
FELL = "I fell into management by chance."


def test_spans_merge_and_intersect():
    assert merge([(5, 9), (0, 5), (2, 3), (20, 30)]) == [(0, 9), (20, 30)]
    assert intersect([(0, 10), (20, 30)], [(5, 25)]) == [(5, 10), (20, 25)]
    assert intersect([(0, 5)], [(5, 9)]) == []


def test_alice_counts_every_figure(project):
    store, ids = project
    chars = _t1_chars(store, ids)
    words = {n: store.transcript(i).words for n, i in ids.items()}
    total_c, total_w = sum(chars.values()), sum(words.values())
    rows = {r.theme_id: r.figures for r in
            theme_counts(ReportData(store, "alice")).rows}
    assert list(rows) == ["career", "winding", "serendipity", "mandate", "weapon"]
    ser = rows["serendipity"]
    # Two overlapping serendipity codings by one coder: 2 codings, 1 segment, words once.
    assert (ser.codings, ser.segments, ser.transcripts, ser.participants) == (2, 1, 1, 1)
    assert (ser.words, ser.chars) == (w(SER_ALICE), c(SER_ALICE)) == (8, 40)
    wind = rows["winding"]
    assert (wind.codings, wind.segments, wind.transcripts, wind.participants) == (2, 2, 2, 2)
    assert wind.words == w("It was a winding road.") + w("I moved between roles.") == 9
    # The parent is the union of its children: "It was" (in both) counted once.
    car = rows["career"]
    assert (car.codings, car.segments, car.transcripts, car.participants) == (4, 2, 2, 2)
    assert car.words == w(CAREER_T1) + w("I moved between roles.") == 15
    assert car.chars == c(CAREER_T1) + c("I moved between roles.")
    assert car.words < ser.words + wind.words
    man = rows["mandate"]
    assert (man.codings, man.segments, man.transcripts, man.participants) == (2, 2, 2, 2)
    assert man.words == w("The board listened to me.") + w("I sit on the trust board.") == 11
    assert rows["weapon"] == type(ser)(total_words=total_w, total_chars=total_c)
    assert car.share_pct == pytest.approx(100 * car.chars / total_c)
    assert car.words_pct == pytest.approx(100 * 15 / total_w)
    assert rows["weapon"].share_pct == 0.0
