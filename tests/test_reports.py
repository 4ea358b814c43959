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
from hypothesis import given, settings
from hypothesis import strategies as st

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


def _fig(report, theme, group=None):
    rows = [r for r in report.rows if r.theme_id == theme and r.group == group]
    assert len(rows) == 1, (theme, group, report.rows)
    return rows[0].figures


def _tuple(f):
    return (f.codings, f.segments, f.transcripts, f.participants, f.words, f.chars)


def test_pooled_counts_merge_across_coders(project):
    store, _ = project
    report = theme_counts(ReportData(store))
    assert report.coder is None and report.view == "theme"
    # career: t1 union of all coders = CAREER_T1; t2 two passages; t3 one. The consensus
    # coding is not pooled with the coders' (session 18): its passage is theirs too.
    assert _tuple(_fig(report, "career")) == (
        7, 4, 3, 3, w(CAREER_T1) + w("My career was never planned.") + w("I moved between roles.")
        + w("Luck played a part."),
        c(CAREER_T1) + c("My career was never planned.") + c("I moved between roles.")
        + c("Luck played a part."))
    assert _tuple(_fig(report, "serendipity")) == (
        5, 3, 3, 3, 8 + 5 + 4, c(SER_ALICE) + c("My career was never planned.")
        + c("Luck played a part."))
    assert _tuple(_fig(report, "winding")) == (2, 2, 2, 2, 9, 44)
    assert _tuple(_fig(report, "mandate")) == (3, 3, 3, 3, 5 + 6 + 6, 25 + 28 + 25)


def test_by_transcript_participant_and_coder(project):
    store, ids = project
    chars = _t1_chars(store, ids)
    data = ReportData(store)
    by_t = theme_counts(data, by="transcript")
    assert [(r.theme_id, r.group) for r in by_t.rows] == [
        ("career", "t1"), ("career", "t2"), ("career", "t3"), ("winding", "t1"),
        ("winding", "t2"), ("serendipity", "t1"), ("serendipity", "t2"), ("serendipity", "t3"),
        ("mandate", "t1"), ("mandate", "t2"), ("mandate", "t3")]
    f = _fig(by_t, "career", "t1")
    assert _tuple(f) == (4, 1, 1, 1, 11, c(CAREER_T1))
    assert f.total_chars == chars["t1"]
    assert f.share_pct == pytest.approx(100 * c(CAREER_T1) / chars["t1"])
    assert f.words_pct == pytest.approx(100 * 11 / store.transcript(ids["t1"]).words)
    assert _tuple(_fig(by_t, "career", "t2")) == (2, 2, 1, 1, 9, 50)
    by_p = theme_counts(data, by="participant")
    assert [r.group for r in by_p.rows if r.theme_id == "mandate"] == ["P01", "P02", "P03"]
    assert _tuple(_fig(by_p, "serendipity", "P03")) == (1, 1, 1, 1, 4, 19)
    assert _fig(by_p, "serendipity", "P03").total_chars == chars["t3"]
    by_c = theme_counts(data, by="coder")
    assert [(r.theme_id, r.group) for r in by_c.rows] == [
        ("career", "alice"), ("career", "bob"),
        ("winding", "alice"), ("serendipity", "alice"), ("serendipity", "bob"),
        ("mandate", "alice"), ("mandate", "bob")]  # the consensus: --consensus
    assert _tuple(_fig(by_c, "career", "alice")) == (4, 2, 2, 2, 15, c(CAREER_T1) + 22)
    assert _tuple(_fig(by_c, "career", "bob")) == (3, 3, 3, 3, 15, 33 + 28 + 19)
    by_consensus = theme_counts(ReportData(store, "consensus"), by="coder")
    assert _tuple(_fig(by_consensus, "serendipity", "consensus")) == (1, 1, 1, 1, 6, c(FELL))
    assert _fig(by_c, "career", "bob").total_chars == sum(chars.values())


def test_theme_filter_is_the_subtree(project):
    store, _ = project
    report = theme_counts(ReportData(store, "bob"), theme="career")
    assert [r.theme_id for r in report.rows] == ["career", "winding", "serendipity"]
    assert _tuple(_fig(report, "career")) == (3, 3, 3, 3, 15, 80)
    assert _tuple(_fig(report, "winding")) == (0, 0, 0, 0, 0, 0)


def test_matrix_cells_and_percentages(project):
    store, _ = project
    m = attribute_matrix(ReportData(store), "profession")
    assert m.columns == ["physio", "SLT", NO_VALUE]
    cells = {r.theme_id: [x.count for x in r.cells] for r in m.rows}
    assert cells == {"career": [1, 2, 1], "winding": [1, 1, 0], "serendipity": [1, 1, 1],
                     "mandate": [1, 1, 1], "weapon": [0, 0, 0]}
    assert {r.theme_id: r.total for r in m.rows} == {
        "career": 4, "winding": 2, "serendipity": 3, "mandate": 3, "weapon": 0}
    # Column totals over the top-level themes (career, mandate, weapon).
    assert m.column_totals == [2, 3, 2] and m.grand_total == 7
    rows = {r.theme_id: r for r in m.rows}
    assert [x.row_pct for x in rows["career"].cells] == [25.0, 50.0, 25.0]
    assert [x.col_pct for x in rows["career"].cells] == pytest.approx([50.0, 200 / 3, 50.0])
    assert [x.row_pct for x in rows["winding"].cells] == [50.0, 50.0, 0.0]
    assert [x.col_pct for x in rows["winding"].cells] == pytest.approx([50.0, 100 / 3, 0.0])
    assert [x.row_pct for x in rows["serendipity"].cells] == pytest.approx([100 / 3] * 3)
    assert [x.col_pct for x in rows["mandate"].cells] == pytest.approx([50.0, 100 / 3, 50.0])
    assert [x.row_pct for x in rows["weapon"].cells] == [None, None, None]
    assert [x.col_pct for x in rows["weapon"].cells] == [0.0, 0.0, 0.0]


def test_matrix_of_words_for_one_coder(project):
    store, _ = project
    m = attribute_matrix(ReportData(store, "alice"), "profession", measure="words",
                         theme="career")
    assert [r.theme_id for r in m.rows] == ["career", "winding", "serendipity"]
    cells = {r.theme_id: [x.count for x in r.cells] for r in m.rows}
    assert cells == {"career": [11, 4, 0], "winding": [5, 4, 0], "serendipity": [8, 0, 0]}
    # The selection's top row is career, so its column percents are all 100.
    assert m.column_totals == [11, 4, 0]
    assert [x.col_pct for x in m.rows[0].cells] == [100.0, 100.0, None]
    assert [x.col_pct for x in m.rows[2].cells] == pytest.approx([800 / 11, 0.0, None])
    participants = attribute_matrix(ReportData(store), "band", measure="participants")
    assert participants.columns == ["8a", "8c", "9"]
    assert [x.count for x in participants.rows[0].cells] == [1, 1, 1]


def test_consensus_and_coder_selection(project):
    store, _ = project
    assert resolve_coder(store, None, True) == "consensus"
    assert resolve_coder(store, "bob") == "bob"
    assert resolve_coder(store, None) is None
    report = theme_counts(ReportData(store, resolve_coder(store, None, True)))
    assert _tuple(_fig(report, "serendipity")) == (1, 1, 1, 1, 6, c(FELL))
    assert _tuple(_fig(report, "mandate")) == (0, 0, 0, 0, 0, 0)


@pytest.mark.parametrize(("call", "message"), [
    (lambda s: resolve_coder(s, "zoe"), "no coder named 'zoe'"),
    (lambda s: resolve_coder(s, "bob", True), "either --coder or --consensus"),
    (lambda s: theme_counts(ReportData(s), theme="nope"), "no theme 'nope'"),
    (lambda s: theme_counts(ReportData(s), by="nope"), "unknown view 'nope'"),
    (lambda s: attribute_matrix(ReportData(s), "age"), "no participant attribute 'age'"),
    (lambda s: attribute_matrix(ReportData(s), "band", measure="x"), "unknown measure"),
    (lambda s: cooccurrence(ReportData(s), unit="page"), "unknown unit 'page'"),
    (lambda s: parse_by("attribute:"), "needs an attribute name"),
])
def test_bad_input_is_one_line_user_error(project, call, message):
    store, _ = project
    with pytest.raises(UserError, match=message) as err:
        call(store)
    assert "\n" not in str(err.value)


def test_parse_by():
    assert parse_by("attribute:profession") == ("attribute", "profession")
    assert parse_by("coder") == ("coder", None)


def test_quotes_rows(project):
    store, _ = project
    rows = quotes(ReportData(store, "alice"))
    assert [(q.theme_id, q.transcript, q.quote) for q in rows] == [
        ("winding", "t1", "It was a winding road."),
        ("winding", "t2", "I moved between roles."),
        ("serendipity", "t1", FELL),
        ("serendipity", "t1", "management by chance. It was"),
        ("mandate", "t1", "The board listened to me."),
        ("mandate", "t3", "I sit on the trust board."),
    ]
    q = rows[3]
    assert q.theme_path == "Career route / Serendipity"
    assert (q.participant, q.speaker, q.coder, q.origin) == ("P01", "Asha", "alice", "manual")
    assert q.attributes == {"profession": "physio", "band": "8c"}
    # The coding crosses a sentence boundary: both sentences are its context.
    assert q.context == "I fell into management by chance. It was a winding road."
    assert rows[4].memo == "Board access = mandate" and rows[3].memo is None
    assert rows[5].attributes == {"band": "9"} and rows[5].speaker == "Cara"
    assert q.end - q.start == len(q.quote)
    consensus = quotes(ReportData(store, "consensus"))
    assert [(x.origin, x.quote) for x in consensus] == [("consensus", FELL)]
    assert [x.coder for x in quotes(ReportData(store), theme="mandate")] == [
        "alice", "bob", "alice"]


def test_quote_speaker_and_context_fallbacks():
    from qualcoder_ahp.records import Turn
    from qualcoder_ahp.reports.quotes import context_of, speaker_at

    text = "Q: hi\nA: one two. three"
    turns = [Turn("Q", "interviewer", 0, 5), Turn("A", "participant", 6, len(text))]
    starts = [0, 6]
    assert speaker_at(turns, starts, 7) == "A" and speaker_at(turns, starts, 5) == "Q"
    assert speaker_at([], [], 3) is None
    # No stored sentences: the turn is the context.
    assert context_of(text, [], [], turns, starts, 9, 12) == "A: one two. three"
    assert context_of(text, [], [], [], [], 9, 12) == "one"


def test_cooccurrence_units(project):
    store, _ = project
    data = ReportData(store)
    overlap = cooccurrence(data)
    assert overlap.theme_ids == ["career", "winding", "serendipity", "mandate"]  # weapon unused
    assert overlap.cells == [
        [4, None, None, 0],
        [None, 2, 1, 0],
        [None, 1, 3, 0],
        [0, 0, 0, 3],
    ]
    assert cooccurrence(data, unit="sentence").cells == [
        [5, None, None, 0],
        [None, 2, 1, 0],
        [None, 1, 4, 0],
        [0, 0, 0, 3],
    ]
    assert cooccurrence(data, unit="turn").cells == [
        [3, None, None, 3],
        [None, 2, 2, 2],
        [None, 2, 3, 3],
        [3, 2, 3, 3],
    ]
    bob = cooccurrence(ReportData(store, "bob"), unit="turn")
    assert bob.theme_ids == ["career", "serendipity", "mandate"]
    assert bob.cells == [[3, None, 1], [None, 3, 1], [1, 1, 1]]


def test_retired_theme_with_codings_stays_in_reports(project):
    store, _ = project
    codebook = store.codebook()
    store.save_codebook(Codebook("v2", tuple(t for t in codebook.themes if t.id != "mandate")))
    data = ReportData(store)
    assert "mandate" in data.retired
    assert _tuple(_fig(theme_counts(data), "mandate"))[:2] == (3, 3)


def _runs(chars: set[int]) -> int:
    return sum(1 for i in chars if i - 1 not in chars)


def _cover(spans) -> set[int]:
    return {i for s, e in spans for i in range(s, e)}


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 60), st.integers(1, 15)), max_size=12),
       st.lists(st.tuples(st.integers(0, 60), st.integers(1, 15)), max_size=12))
def test_merge_and_intersect_match_a_character_set(a, b):
    a = [(s, s + n) for s, n in a]
    b = [(s, s + n) for s, n in b]
    ma, mb = merge(a), merge(b)
    assert _cover(ma) == _cover(a) and len(ma) == _runs(_cover(a))
    both = intersect(ma, mb)
    assert _cover(both) == _cover(a) & _cover(b)
    assert len(both) == _runs(_cover(a) & _cover(b))


def test_long_context_is_cut_around_the_quote():
    from qualcoder_ahp.records import Turn
    from qualcoder_ahp.reports.quotes import WINDOW, context_of

    text = " ".join(f"w{i}" for i in range(2000))  # one long turn, no sentences
    start = text.index("w1000 ")
    end = start + len("w1000 w1001")
    ctx = context_of(text, [], [], [Turn("P", "participant", 0, len(text))], [0], start, end)
    assert ctx.startswith("\u2026 ") and ctx.endswith(" \u2026")
    assert "w1000 w1001" in ctx and len(ctx) <= 2 * WINDOW + (end - start) + 4
    words = ctx.split()[1:-1]
    assert all(word in text.split() for word in words)  # cut at word boundaries
    assert context_of(text, [], [], [], [], start, end) == "w1000 w1001"


def test_xlsx_caps_cells_at_excels_limit():
    import io

    from openpyxl import load_workbook

    from qualcoder_ahp.reports.writers import Sheet, to_xlsx

    wb = load_workbook(io.BytesIO(to_xlsx([Sheet("s", ["a"], [["x" * 40000]])])))
    assert len(wb["s"]["A2"].value) == 32767


def test_quotes_and_counts_on_a_real_transcript(store, real_dir):
    """A real interview: speaker, context and word counts come from its real turns."""
    from qualcoder_ahp.importers import read_transcript

    path = real_dir / "06_anthropic-interviewer_work0916_dietitian-manager.md"
    parsed = read_transcript(path)
    info, _ = store.add_transcript("dietitian", parsed, participant="D1")
    store.set_participant_attributes("D1", {"profession": "dietitian"})
    store.save_codebook(Codebook("t", (Theme("career", "Career"), Theme("wind", "Winding",
                                                                           parent_id="career"))))
    turn_index = next(i for i, t in enumerate(parsed.turns) if t.role == "participant")
    turn = parsed.turns[turn_index]
    sentence = next(s for s in parsed.sentences if s.turn_index == turn_index)
    # Two overlapping codings inside the participant's first sentence.
    mid = (sentence.start + sentence.end) // 2
    store.code(info.id, "wind", "ana", sentence.start, mid + 3)
    store.code(info.id, "wind", "ana", mid, sentence.end)
    rows = quotes(ReportData(store))
    assert [q.speaker for q in rows] == [turn.speaker, turn.speaker]
    assert rows[0].context == parsed.text[sentence.start:sentence.end].strip()
    fig = theme_counts(ReportData(store)).rows[0].figures
    assert (fig.codings, fig.segments) == (2, 1)
    assert fig.words == w(parsed.text[sentence.start:sentence.end])
    assert fig.total_chars == len(parsed.text)


def test_a_retired_theme_still_coded_is_marked_in_every_report(store):
    # "winding" is dropped from the codebook while alice's codings of it remain: the
    # counts, quotes and charts went on naming it like a current theme.
    from qualcoder_ahp.reports import charts
    from qualcoder_ahp.reports import exports as ex

    build_project(store)
    store.save_codebook(Codebook("test", (
        Theme("career", "Career route", codable=False, position=0),
        Theme("serendipity", "Serendipity", parent_id="career", position=2),
        Theme("mandate", "Mandate: closeness to the trust board", position=3),
    )))
    data = ReportData(store, "alice")
    assert data.retired == {"winding"}
    paths = {r.theme_id: r.path for r in theme_counts(data).rows}
    assert paths["winding"] == "Career route / Winding route through non-traditional roles (retired)"
    assert paths["serendipity"] == "Career route / Serendipity"
    assert {q.theme_path for q in quotes(data, theme="winding")} == {paths["winding"]}
    names = {t.id: t.name for t in data.themes}
    fig = charts.counts_figure(theme_counts(data), names)
    labels = [t.get_text().replace("\n", " ") for t in fig.axes[0].get_yticklabels()]
    import matplotlib.pyplot as plt

    plt.close(fig)
    assert any(label.endswith("roles (retired)") for label in labels)
    assert "winding" in ex.counts_json(theme_counts(data))["rows"][1]["theme_id"]
