"""Coefficients from counts: agreement with scikit-learn and krippendorff, and undefined cases."""

from __future__ import annotations

import math

import krippendorff
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as hst
from sklearn.metrics import cohen_kappa_score

from qualcoder_ahp.agreement import stats as st

counts_2x2 = hst.builds(st.Counts2x2, *(hst.integers(0, 60) for _ in range(4)))


def _vectors(c: st.Counts2x2) -> tuple[list[int], list[int]]:
    a = [1] * c.n11 + [1] * c.n10 + [0] * c.n01 + [0] * c.n00
    b = [1] * c.n11 + [0] * c.n10 + [1] * c.n01 + [0] * c.n00
    return a, b


@settings(max_examples=150, deadline=None)
@given(counts_2x2)
def test_cohen_kappa_equals_sklearn(c):
    a, b = _vectors(c)
    ours = st.cohen_kappa(c)
    if isinstance(ours, st.Undefined):
        # sklearn returns NaN (with a warning) exactly where we say undefined
        assert c.n == 0 or len(set(a) | set(b)) == 1
        return
    assert ours == pytest.approx(cohen_kappa_score(a, b), abs=1e-9)


@settings(max_examples=150, deadline=None)
@given(counts_2x2)
def test_alpha_equals_krippendorff_package(c):
    a, b = _vectors(c)
    ours = st.krippendorff_alpha_2x2(c)
    if isinstance(ours, st.Undefined):
        assert c.n == 0 or len(set(a) | set(b)) == 1
        return
    expected = krippendorff.alpha(reliability_data=np.array([a, b], dtype=float),
                                  level_of_measurement="nominal")
    assert ours == pytest.approx(expected, abs=1e-9)


@settings(max_examples=80, deadline=None)
@given(hst.lists(hst.lists(hst.one_of(hst.none(), hst.integers(0, 2)), min_size=3, max_size=3),
                 min_size=2, max_size=25))
def test_multi_coder_alpha_with_missing_values_equals_krippendorff(columns):
    matrix = [[col[r] for col in columns] for r in range(3)]
    units = []
    for col in columns:
        counts: dict[int, int] = {}
        for v in col:
            if v is not None:
                counts[v] = counts.get(v, 0) + 1
        units.append((counts, 1))
    ours = st.krippendorff_alpha(units).alpha
    data = np.array([[np.nan if v is None else v for v in row] for row in matrix], dtype=float)
    values = {v for col in columns if sum(x is not None for x in col) >= 2 for v in col
              if v is not None}
    if isinstance(ours, st.Undefined):
        assert len(values) <= 1
        return
    expected = krippendorff.alpha(reliability_data=data, level_of_measurement="nominal",
                                  value_domain=[0, 1, 2])
    assert ours == pytest.approx(expected, abs=1e-9)


@settings(max_examples=60, deadline=None)
@given(counts_2x2)
def test_two_coder_multi_rater_equals_the_2x2_formulas(c):
    multi = st.multi_rater(c.units(), categories=[0, 1])
    if c.n == 0:
        assert isinstance(multi.percent_agreement, st.Undefined)
        return
    assert multi.percent_agreement == pytest.approx(st.percent_agreement(c))
    # Fleiss' kappa for two coders is Scott's pi; AC1 and BP agree as well.
    if isinstance(st.scott_pi(c), st.Undefined):
        assert isinstance(multi.fleiss_kappa, st.Undefined)
    else:
        assert multi.fleiss_kappa == pytest.approx(st.scott_pi(c))
    assert multi.gwet_ac1 == pytest.approx(st.gwet_ac1(c))
    assert multi.brennan_prediger == pytest.approx(st.brennan_prediger(c))
    if not isinstance(st.positive_agreement(c), st.Undefined):
        assert st.specific_positive(c.units()) == pytest.approx(st.positive_agreement(c))


def test_neither_coder_used_the_theme_is_undefined_with_reason():
    c = st.Counts2x2(0, 0, 0, 500)
    values = st.two_coder_stats(c)
    for key in ("cohen_kappa", "scott_pi", "krippendorff_alpha", "positive_agreement",
                "jaccard"):
        assert isinstance(values[key], st.Undefined), key
        assert values[key].reason == "neither coder used the theme"
        assert str(values[key]) == "undefined (neither coder used the theme)"
    # percent agreement, BP and AC1 are defined (all agree, no chance correction to 1)
    assert values["percent_agreement"] == 1.0
    assert values["brennan_prediger"] == 1.0
    assert values["gwet_ac1"] == 1.0
    assert not any(isinstance(v, float) and math.isnan(v) for v in values.values())


def test_everything_coded_by_both_is_undefined_for_kappa():
    values = st.two_coder_stats(st.Counts2x2(40, 0, 0, 0))
    assert values["cohen_kappa"] == st.Undefined("every unit was coded by every coder")
    assert values["positive_agreement"] == 1.0


def test_no_units_is_undefined_everywhere():
    values = st.two_coder_stats(st.Counts2x2())
    assert all(isinstance(v, st.Undefined) and v.reason == "no units" for v in values.values())
    assert all(isinstance(v, st.Undefined) for v in st.table_stats([[0, 0], [0, 0]]).values())
    multi = st.multi_rater([])
    assert isinstance(multi.fleiss_kappa, st.Undefined)


def test_alpha_undefined_when_nothing_pairable():
    result = st.krippendorff_alpha([({1: 1}, 5), ({0: 1}, 3)])
    assert result.alpha == st.Undefined("fewer than two pairable values")


def test_nvivo_formula_by_hand():
    c = st.Counts2x2(50, 150, 0, 800)
    ef = (200 * 50 + 800 * 950) / 1000
    assert st.cohen_kappa(c) == pytest.approx((50 + 800 - ef) / (1000 - ef))
    assert st.positive_agreement(c) == pytest.approx(100 / 250)
    assert st.jaccard(c) == pytest.approx(50 / 200)


def test_render_and_mean_skip_undefined():
    assert st.render(0.12345) == "0.123"
    assert st.render(st.Undefined("no units")) == "undefined (no units)"
    mean, defined, undefined = st.mean_defined([0.5, st.Undefined("x"), 1.0])
    assert (mean, defined, undefined) == (0.75, 2, 1)
    assert isinstance(st.mean_defined([st.Undefined("x")])[0], st.Undefined)


def test_unknown_metric_is_refused():
    with pytest.raises(ValueError, match="unknown metric"):
        st.krippendorff_alpha([], "cosine")
