"""Agreement views over a real store: cells, pooled themes, overall, mean, disagreements."""

from __future__ import annotations

import krippendorff
import numpy as np
import pytest

from qualcoder_ahp.agreement import stats as st
from qualcoder_ahp.agreement.compute import Corpus, TranscriptData, collect, compute, disagreements
from qualcoder_ahp.agreement.reconcile import reconcile_items
from qualcoder_ahp.errors import UserError
from qualcoder_ahp.records import Codebook, Theme
from tests.conftest import make_parsed

ASHA = [
    ("Interviewer", "interviewer", "How did you get here?"),
    ("Asha", "participant", "I fell into management by chance. Then I stayed. "
                            "The board listened to me."),
]
BEN = [
    ("Interviewer", "interviewer", "Tell me about your route."),
    ("Ben", "participant", "It was a winding route. I never planned it. The trust board "
                           "was far away."),
]


def build_project(store):
    """Two transcripts, three themes (one folder), coders asha/ben/cai with known spans."""
    store.save_codebook(Codebook("ahp", (
        Theme("careers", "Careers", codable=False),
        Theme("serendipity", "Serendipity", parent_id="careers"),
        Theme("winding", "Winding route", parent_id="careers"),
        Theme("mandate", "Board mandate"),
    )))
    a, _ = store.add_transcript("asha", make_parsed(ASHA))
    b, _ = store.add_transcript("ben", make_parsed(BEN))
    text_a = store.transcript_text(a.id)
    chance = text_a.index("I fell")
    board = text_a.index("The board")
    store.code(a.id, "serendipity", "asha", chance, chance + 32)
    store.code(a.id, "serendipity", "ben", chance + 2, chance + 32)
    store.code(a.id, "mandate", "asha", board, len(text_a))
    text_b = store.transcript_text(b.id)
    route = text_b.index("It was")
    store.code(b.id, "winding", "asha", route, route + 23)
    store.code(b.id, "winding", "ben", route, route + 23)
    store.code(b.id, "winding", "cai", route, route + 10)
    return a, b


def test_cells_pool_into_themes_and_overall(store):
    a, b = build_project(store)
    report = compute(collect(store, ["asha", "ben"], speakers="all"))  # the whole text
    cells = {(r.theme, r.transcript): r for r in report.cells}
    # folders are not codable, so not compared
    assert {t for t, _ in cells} == {"serendipity", "winding", "mandate"}
    seren = cells["serendipity", "asha"]
    n = len(store.transcript_text(a.id))
    assert seren.counts == {"n11": 30, "n10": 2, "n01": 0, "n00": n - 32}
    assert seren.units == n
    assert seren.stats["cohen_kappa"] == pytest.approx(
        st.cohen_kappa(st.Counts2x2(30, 2, 0, n - 32)))
    assert isinstance(seren.stats["u_alpha"], float)
    # a theme neither coder used in a transcript: undefined, with the reason
    none = cells["mandate", "ben"]
    assert none.stats["cohen_kappa"] == st.Undefined("neither coder used the theme")
    assert none.record()["cohen_kappa"] == "undefined (neither coder used the theme)"
    themes = {r.theme: r for r in report.themes}
    for theme, row in themes.items():
        summed = {k: sum(c.counts[k] for (t, _), c in cells.items() if t == theme)
                  for k in ("n11", "n10", "n01", "n00")}
        assert row.counts == summed
    total = {k: sum(r.counts[k] for r in report.themes) for k in ("n11", "n10", "n01", "n00")}
    assert report.overall.counts == total
    pooled = st.Counts2x2(**total)
    assert report.overall.stats["cohen_kappa"] == pytest.approx(st.cohen_kappa(pooled))
    assert report.overall.stats["krippendorff_alpha"] == pytest.approx(
        st.krippendorff_alpha_2x2(pooled))
    kappas = [r.stats["cohen_kappa"] for r in report.themes]
    assert report.mean.stats["cohen_kappa"] == pytest.approx(
        sum(kappas) / len(kappas))
    assert "fleiss_kappa" not in report.overall.stats


def test_sentence_and_turn_units_count_units_not_characters(store):
    build_project(store)
    corpus = collect(store, ["asha", "ben"], transcript="asha", speakers="all")
    by_sentence = {r.theme: r for r in compute(corpus, "sentence").cells}
    assert by_sentence["serendipity"].counts == {"n11": 1, "n10": 0, "n01": 0, "n00": 3}
    assert by_sentence["mandate"].counts == {"n11": 0, "n10": 1, "n01": 0, "n00": 3}
    by_turn = {r.theme: r for r in compute(corpus, "turn").cells}
    assert by_turn["serendipity"].units == 2
    assert by_turn["serendipity"].counts["n11"] == 1


def test_segment_unit_respects_the_threshold(store):
    build_project(store)
    corpus = collect(store, ["asha", "ben"], theme="serendipity")
    strict = compute(corpus, "segment", 0.95).themes[0]
    loose = compute(corpus, "segment", 0.9).themes[0]
    assert strict.counts == {"n11": 0, "n10": 1, "n01": 1, "n00": 0}  # 30/32 = 0.94
    assert loose.counts == {"n11": 2, "n10": 0, "n01": 0, "n00": 0}


def test_coder_without_any_coding_in_a_transcript_is_missing_not_absent(store):
    a, b = build_project(store)
    report = compute(collect(store, ["asha", "cai"], speakers="all"))
    cell = next(r for r in report.cells if r.transcript == "asha" and r.theme == "serendipity")
    assert cell.stats["cohen_kappa"] == st.Undefined(
        "cai made no coding or decision in this transcript")
    seren = next(r for r in report.themes if r.theme == "serendipity")
    # asha's transcript is left out of the pool; only ben's (coded by both) counts
    assert seren.units == len(store.transcript_text(b.id))
    assert seren.counts["n00"] == seren.units


def test_three_coders_alpha_matches_krippendorff_package(store):
    a, b = build_project(store)
    report = compute(collect(store, ["asha", "ben", "cai"], transcript="ben",
                             speakers="all"))  # every character of the text
    winding = next(r for r in report.themes if r.theme == "winding")
    text = store.transcript_text(b.id)
    route = text.index("It was")
    rows = np.zeros((3, len(text)))
    rows[0, route:route + 23] = rows[1, route:route + 23] = 1
    rows[2, route:route + 10] = 1
    expected = krippendorff.alpha(reliability_data=rows, level_of_measurement="nominal")
    assert winding.stats["krippendorff_alpha"] == pytest.approx(expected)
    assert winding.counts == {"coded_by_all": 10, "coded_by_some": 13,
                              "coded_by_none": len(text) - 23}
    assert winding.stats["jaccard"] == pytest.approx(10 / 23)
    assert isinstance(winding.stats["fleiss_kappa"], float)
    assert isinstance(winding.stats["light_kappa"], float)


def test_three_coders_with_one_missing_use_the_others(store):
    build_project(store)
    report = compute(collect(store, ["asha", "ben", "cai"]))
    seren = next(r for r in report.cells if r.transcript == "asha" and r.theme == "serendipity")
    assert seren.counts["coded_by_all"] == 30  # cai did not code asha: two raters remain
    assert isinstance(seren.stats["krippendorff_alpha"], float)


def test_disagreements_list_spans_with_text(store):
    a, _ = build_project(store)
    found = disagreements(collect(store, ["asha", "ben"]))
    assert [(d.theme_id, d.text, d.coded_by, d.not_coded_by) for d in found] == [
        ("serendipity", "I ", ("asha",), ("ben",)),
        ("mandate", "The board listened to me.", ("asha",), ("ben",)),
    ]
    by_sentence = disagreements(collect(store, ["asha", "ben"]), "sentence")
    assert [d.text for d in by_sentence] == ["The board listened to me."]


def test_reconcile_items_group_overlapping_codings(store):
    build_project(store)
    items = reconcile_items(collect(store, ["asha", "ben"]))
    assert [(i.theme_id, i.of("asha"), i.of("ben")) for i in items][0][0] == "serendipity"
    first = items[0]
    assert first.union() == [(first.start, first.end)]
    assert first.intersection() == list(first.of("ben"))
    assert items[1].of("ben") == () and items[1].intersection() == []


def test_bad_requests_are_user_errors(store):
    build_project(store)
    with pytest.raises(UserError, match="two or more"):
        collect(store, ["asha", "asha"])
    with pytest.raises(UserError, match="no coder named 'zoe'"):
        collect(store, ["asha", "zoe"])
    with pytest.raises(UserError, match="no theme"):
        collect(store, ["asha", "ben"], theme="nope")
    corpus = collect(store, ["asha", "ben"])
    with pytest.raises(UserError, match="unknown unit"):
        compute(corpus, "paragraph")
    with pytest.raises(UserError, match="threshold"):
        compute(corpus, "segment", 1.5)


def test_compute_works_on_plain_data_without_a_store():
    corpus = Corpus(("a", "b"), [("t", "T")], [TranscriptData(1, "x", "z" * 1000)],
                    {(1, "t", "a"): [(0, 100)], (1, "t", "b"): [(50, 150)]},
                    {1: ("a", "b")})
    row = compute(corpus).themes[0]
    assert row.counts == {"n11": 50, "n10": 50, "n01": 50, "n00": 850}
    assert row.stats["percent_agreement"] == 0.9


def test_agreed_stretches_are_the_identical_ones(store):
    _, ben = build_project(store)
    agreed = reconcile_items(collect(store, ["asha", "ben"]), agreed=True)
    assert [(i.transcript, i.theme_id, i.of("asha") == i.of("ben")) for i in agreed] == [
        ("ben", "winding", True)]


def test_pooled_rows_name_the_coder_who_has_not_coded(store):
    # dora exists but has coded nothing: every transcript is left out, and the
    # pooled rows used to read "undefined (no units)" as if the project were empty.
    build_project(store)
    store.ensure_coder("dora")
    report = compute(collect(store, ["asha", "dora"]), "sentence")
    why = st.Undefined("dora made no coding or decision in any transcript")
    for row in [*report.themes, report.overall, report.mean]:
        assert row.units == 0
        assert set(row.stats.values()) == {why}, row
    assert report.overall.record()["cohen_kappa"] == \
        "undefined (dora made no coding or decision in any transcript)"


def test_pooled_rows_say_when_no_transcript_was_coded_by_both():
    corpus = Corpus(("a", "b"), [("t", "T")],
                    [TranscriptData(1, "x", "z" * 100), TranscriptData(2, "y", "z" * 100)],
                    {(1, "t", "a"): [(0, 10)], (2, "t", "b"): [(0, 10)]},
                    {1: ("a",), 2: ("b",)})
    report = compute(corpus)
    assert report.overall.stats["cohen_kappa"] == st.Undefined(
        "no transcript was coded by both a and b")
    # A real "no units" (an empty transcript coded by both) keeps its own reason.
    empty = Corpus(("a", "b"), [("t", "T")], [TranscriptData(1, "x", "")], {}, {1: ("a", "b")})
    assert compute(empty).overall.stats["cohen_kappa"] == st.Undefined(st.NO_UNITS)


def test_rounded_records_never_print_negative_zero():
    from qualcoder_ahp.agreement.compute import AgreementRow

    row = AgreementRow("theme", "t", "(all)", 10, {}, {"cohen_kappa": -0.0002,
                                                       "gwet_ac1": -0.25})
    assert str(row.record(3)["cohen_kappa"]) == "0.0"
    assert f'{row.record(3)["cohen_kappa"]:.3f}' == "0.000"
    assert row.record(3)["gwet_ac1"] == -0.25
    assert row.record()["cohen_kappa"] == -0.0002  # unrounded values stay exact


def test_a_retired_theme_still_coded_is_compared_and_named_retired(store):
    build_project(store)
    store.save_codebook(Codebook("ahp", (
        Theme("careers", "Careers", codable=False),
        Theme("serendipity", "Serendipity", parent_id="careers"),
        Theme("mandate", "Board mandate"),
    )))
    corpus = collect(store, ["asha", "ben"])
    assert ("winding", "Winding route (retired)") in corpus.themes
    row = next(r for r in compute(corpus).themes if r.theme == "winding")
    assert row.counts["n11"] == 23  # both coded "It was a winding route."


def test_the_mean_row_says_over_how_many_themes_a_mean_was_taken(store):
    """Segments: both coders' one winding segment match, so winding's kappa is undefined
    (every unit coded by both); the mean kappa is then serendipity's and mandate's
    alone, and the label must not say it is the mean over all three themes."""
    build_project(store)
    report = compute(collect(store, ["asha", "ben"]), unit="segment")
    kappas = {r.theme: r.stats["cohen_kappa"] for r in report.themes}
    defined = [float(v) for v in kappas.values() if st.is_defined(v)]
    assert len(kappas) == 3 and 0 < len(defined) < 3
    # Naming the figures (session 21): "or the 1 where defined" was not of every column.
    assert report.mean.theme == ("(mean over 3 themes; cohen_kappa, scott_pi and "
                                 f"krippendorff_alpha over the {len(defined)} where defined)")
    assert float(report.mean.stats["cohen_kappa"]) == pytest.approx(
        sum(defined) / len(defined))
    one = compute(collect(store, ["asha", "ben"], theme="serendipity"))
    assert one.mean.theme == "(mean over 1 theme)"


def test_pooled_rows_say_they_cover_only_the_transcripts_both_coded():
    """b has not coded y: the pooled rows are of x only and must not say "(all)"."""
    corpus = Corpus(("a", "b"), [("t", "T")],
                    [TranscriptData(1, "x", "z" * 100), TranscriptData(2, "y", "z" * 100)],
                    {(1, "t", "a"): [(0, 10)], (1, "t", "b"): [(0, 20)],
                     (2, "t", "a"): [(0, 50)]},
                    {1: ("a", "b"), 2: ("a",)})
    report = compute(corpus)
    assert {r.transcript for r in [*report.themes, report.overall, report.mean]} == {
        "(coded by both)"}
    assert report.overall.units == 100
    corpus.pooled = "(selected)"
    assert compute(corpus).overall.transcript == "(selected, coded by both)"
    corpus.raters[2] = ("a", "b")  # both coded both: the whole corpus again
    assert compute(corpus).overall.transcript == "(selected)"


@pytest.mark.parametrize("coders", [("a", "b"), ("a", "b", "c")])
def test_the_mean_leaves_out_themes_nobody_coded(coders):
    """Theme u was never used: it agrees on every unit (1.000) only by not being used,
    and must not lift the mean agreement; the label says it was left out. Its own row
    has no figure (it read 1.000, which a researcher takes for perfect agreement)."""
    corpus = Corpus(coders, [("t", "T"), ("u", "U")],
                    [TranscriptData(1, "x", "z" * 100)],
                    {(1, "t", "a"): [(0, 10)], (1, "t", "b"): [(0, 20)]},
                    {1: coders})
    report = compute(corpus)
    rows = {r.theme: r for r in report.themes}
    reason = st.NEITHER_USED if len(coders) == 2 else "no coder used the theme"
    assert rows["u"].units == 100 and set(rows["u"].stats.values()) == {st.Undefined(reason)}
    assert report.mean.stats["percent_agreement"] == rows["t"].stats["percent_agreement"]
    assert report.mean.theme == "(mean over 1 theme coded; 1 nobody coded left out)"
    nobody = Corpus(coders, [("u", "U")], [TranscriptData(1, "x", "z" * 100)], {},
                    {1: coders})
    assert not st.is_defined(compute(nobody).mean.stats["percent_agreement"])


def test_three_coders_say_no_coder_used_the_theme_in_every_column():
    corpus = Corpus(("a", "b", "c"), [("t", "T"), ("u", "U")],
                    [TranscriptData(1, "x", "z" * 100)],
                    {(1, "t", "a"): [(0, 10)], (1, "t", "b"): [(0, 20)]},
                    {1: ("a", "b", "c")})
    row = next(r for r in compute(corpus).themes if r.theme == "u")
    reasons = {v.reason for v in row.stats.values() if isinstance(v, st.Undefined)}
    assert st.NEITHER_USED not in reasons
    assert row.stats["positive_agreement"] == st.Undefined("no coder used the theme")


def test_a_folder_theme_compares_the_themes_under_it(store):
    """--theme careers (a folder nobody codes) read as a theme "neither coder used",
    agreement 1.000: it stands for serendipity and winding."""
    build_project(store)
    report = compute(collect(store, ["asha", "ben"], theme="careers"))
    assert [r.theme for r in report.themes] == ["serendipity", "winding"]
    whole = compute(collect(store, ["asha", "ben"]))
    assert [r.counts for r in report.themes] == [
        r.counts for r in whole.themes if r.theme in ("serendipity", "winding")]
    assert [(d.theme_id, d.start) for d in disagreements(
        collect(store, ["asha", "ben"], theme="careers"))] == [
        (d.theme_id, d.start) for d in disagreements(collect(store, ["asha", "ben"]))
        if d.theme_id != "mandate"]


def test_three_coders_list_the_disagreements_their_figures_count(store):
    """cai has not coded transcript asha: alpha and Fleiss compare asha and ben there
    (coded_by_some > 0), so the disagreement list, like the reconcile screen, must show
    those spans too, with only the coders who coded it as not coding them."""
    a, _ = build_project(store)
    corpus = collect(store, ["asha", "ben", "cai"])
    cells = [r for r in compute(corpus).cells if r.transcript == "asha"]
    assert sum(r.counts["coded_by_some"] for r in cells) > 0
    found = [d for d in disagreements(corpus) if d.transcript == "asha"]
    text = store.transcript_text(a.id)
    chance = text.index("I fell")
    assert [(d.theme_id, d.start, d.coded_by, d.not_coded_by) for d in found] == [
        ("serendipity", chance, ("asha",), ("ben",)),
        ("mandate", text.index("The board"), ("asha",), ("ben",))]
    counted = sum(r.counts["coded_by_some"] for r in cells)
    assert sum(d.end - d.start for d in found) == counted
    assert {(i.transcript, i.theme_id) for i in reconcile_items(corpus)} >= {
        (d.transcript, d.theme_id) for d in found}


def test_an_old_version_nobody_codes_is_not_a_transcript_left_out():
    corpus = Corpus(("a", "b"), [("t", "T")],
                    [TranscriptData(1, "x", "z" * 100, interview="x"),
                     TranscriptData(2, "x@2", "z" * 100, interview="x")],
                    {(2, "t", "a"): [(0, 10)], (2, "t", "b"): [(0, 20)]},
                    {1: (), 2: ("a", "b")})
    assert compute(corpus).overall.transcript == "(all)"
