"""Every published value in ../shared/reference/agreement-cases.json, at its printed precision.

For each case a function computes our figures under the same keys as the case's
``published`` block; the test walks *every* published key (nested ones included),
so a value we failed to compute fails the test instead of being skipped. The
``computed`` block (values other packages produce, to 6 decimals) is checked too
where we compute the same quantity.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from qualcoder_ahp.agreement import stats as st
from qualcoder_ahp.agreement.unitizing import pooled_unitizing_alpha, unitizing_alpha
from tests.conftest import REFERENCE

if not (REFERENCE / "agreement-cases.json").is_file():  # a clone without ../shared
    pytest.skip("../shared/reference/agreement-cases.json is not present",
                allow_module_level=True)

CASES = {c["id"]: c for c in json.loads(
    (REFERENCE / "agreement-cases.json").read_text(encoding="utf-8"))["cases"]}

# Published values whose source states a wider tolerance than their printed digits.
TOLERANCE = {
    # DKPro asserts u-alpha 0.8591 +/- 0.0005 (the case's own "verification" note).
    ("krippendorff2004_p254_unitizing_2coders_2codes", "u_alpha"): 0.0005,
    # DKPro's per-category kappas are asserted +/- 0.005 (data_source note).
    **{("fleiss1971_30subjects_6raters", f"per_category_kappa_dkpro.{k}"): 0.005
       for k in "12345"},
    # Fleiss (1971) printed P_e = .220 (citation); DKPro's 0.2201 carries its own rounding.
    ("fleiss1971_30subjects_6raters", "P_e"): 0.0005,
}


def _decimals(value: float) -> int:
    text = repr(value)
    return len(text.split(".")[1]) if "." in text else 0


def _flatten(data: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in data.items():
        if isinstance(value, dict):
            out.update(_flatten(value, f"{prefix}{key}."))
        else:
            out[prefix + key] = value
    return out


def _units_from_matrix(matrix: list[list[Any]]) -> list[tuple[dict[Any, int], int]]:
    units = []
    for j in range(len(matrix[0])):
        counts: dict[Any, int] = {}
        for row in matrix:
            if row[j] is not None:
                counts[row[j]] = counts.get(row[j], 0) + 1
        units.append((counts, 1))
    return units


def krippendorff2011(case: dict[str, Any]) -> dict[str, Any]:
    units = _units_from_matrix(case["data"]["matrix"])
    alphas = {m: st.krippendorff_alpha(units, m) for m in st.METRICS}
    multi = st.multi_rater(units)
    return {
        **{f"alpha_{m}": a.alpha for m, a in alphas.items()},
        "nominal_observed_disagreement_Do": alphas["nominal"].observed,
        "nominal_expected_disagreement_De": alphas["nominal"].expected,
        "interval_Do": alphas["interval"].observed,
        "interval_De": alphas["interval"].expected,
        "n_pairable_values": alphas["nominal"].pairable,
        "irrCAC_docstring_fleiss": multi.fleiss_kappa,
        "irrCAC_docstring_gwet_ac1": multi.gwet_ac1,
        # the "computed" block
        "nominal": alphas["nominal"].alpha, "ordinal": alphas["ordinal"].alpha,
        "interval": alphas["interval"].alpha, "ratio": alphas["ratio"].alpha,
        "irrCAC_fleiss": multi.fleiss_kappa, "irrCAC_krippendorff_nominal":
        alphas["nominal"].alpha, "irrCAC_bp": multi.brennan_prediger,
        "irrCAC_gwet_ac1": multi.gwet_ac1, "percent_agreement_irrCAC": multi.percent_agreement,
    }


def fleiss1971(case: dict[str, Any]) -> dict[str, Any]:
    data = case["data"]
    units = [({k: row.count(k) for k in set(row)}, 1) for row in data["rows"]]
    multi = st.multi_rater(units, data["categories"])
    per_cat = st.fleiss_per_category(data["subject_by_category_counts"])
    out = {"kappa": multi.fleiss_kappa, "P_bar": multi.percent_agreement,
           "P_e": multi.fleiss_chance,
           "statsmodels_fleiss_kappa": multi.fleiss_kappa, "irrCAC_fleiss": multi.fleiss_kappa,
           "krippendorff_nominal_from_value_counts": st.krippendorff_alpha(units).alpha,
           "statsmodels_randolph_kappa": multi.brennan_prediger}
    for cat, value in zip(data["categories"], per_cat, strict=True):
        out[f"per_category_kappa_dkpro.{cat}"] = value
        out[f"per_category_kappa_formula.{cat}"] = value
    return out


def contingency(case: dict[str, Any]) -> dict[str, Any]:
    t = st.table_stats(case["data"]["table"])
    return {
        "p_observed": t["p_observed"], "p_chance": t["p_chance"], "p_e": t["p_chance"],
        "kappa": t["kappa"], "kappa_max": t["kappa_max"], "kappa_pe": t["p_chance"],
        "S": t["brennan_prediger"], "S_pe": t["bp_chance"],
        "sklearn_cohen_kappa_score": t["kappa"], "statsmodels_cohens_kappa": t["kappa"],
        "krippendorff_nominal": t["krippendorff_alpha"], "percent_agreement": t["p_observed"],
        "irrCAC_table_kappa": t["kappa"], "irrCAC_table_scott": t["scott_pi"],
        "irrCAC_table_bp": t["brennan_prediger"], "irrCAC_table_gwet_ac1": t["gwet_ac1"],
        "irrCAC_table_krippendorff": t["krippendorff_alpha"],
    }


def unitizing2004(case: dict[str, Any]) -> dict[str, Any]:
    data = case["data"]
    begin, end = data["continuum"]
    results = {}
    for code in ("c", "k"):
        spans = [[(o, o + n) for o, n, coder, cat in data["units"] if coder == r and cat == code]
                 for r in (0, 1)]
        results[code] = unitizing_alpha(spans, begin, end)
    pooled = pooled_unitizing_alpha(list(results.values()))
    out: dict[str, Any] = {"u_alpha": pooled, "u_alpha_2004_def_port_of_dkpro": pooled}
    for code, r in results.items():
        for prefix in ("per_code", "per_code_2004"):
            out[f"{prefix}.{code}"] = r.alpha
        for prefix in ("Do", "Do_2004"):
            out[f"{prefix}.{code}"] = r.observed
        for prefix in ("De", "De_2004"):
            out[f"{prefix}.{code}"] = r.expected
    return out


def nvivo(case: dict[str, Any]) -> dict[str, Any]:
    data = case["data"]
    split = st.Counts2x2(data["both"], data["only_one"], 0, data["neither"])
    out: dict[str, Any] = {"percent_agreement": st.percent_agreement(split)}
    assert split.n == data["total_chars"]
    return out


COMPUTE = {
    "krippendorff2011_4coders_12units": krippendorff2011,
    "fleiss1971_30subjects_6raters": fleiss1971,
    "cohen1960_p45_3x3_200": contingency,
    "wikipedia_cohen_2x2_1": contingency,
    "brennan_prediger1981_example1": contingency,
    "krippendorff2004_p254_unitizing_2coders_2codes": unitizing2004,
    "nvivo_doc_1000_characters": nvivo,
}


def test_every_case_is_covered():
    assert set(COMPUTE) == set(CASES)


@pytest.mark.parametrize("case_id", sorted(CASES))
def test_published_values_reproduce_at_printed_precision(case_id):
    case = CASES[case_id]
    ours = COMPUTE[case_id](case)
    checked = 0
    for key, published in _flatten(case["published"]).items():
        if published is None:  # NVivo's page does not publish a kappa
            continue
        assert key in ours, f"{case_id}: published {key} not computed"
        value = ours[key]
        assert st.is_defined(value), f"{case_id}.{key}: {value}"
        tolerance = TOLERANCE.get((case_id, key))
        if tolerance is not None:
            assert abs(value - published) <= tolerance, (case_id, key, value, published)
        else:
            digits = _decimals(published)
            assert round(value, digits) == pytest.approx(published, abs=1e-12), (
                case_id, key, value, published)
        checked += 1
    assert checked >= 1


@pytest.mark.parametrize("case_id", sorted(CASES))
def test_computed_reference_values_match_to_six_decimals(case_id):
    case = CASES[case_id]
    ours = COMPUTE[case_id](case)
    flat = {k: v for k, v in _flatten(case.get("computed", {})).items()
            if isinstance(v, int | float)}
    compared = [k for k in flat if k in ours]
    for key in compared:
        assert ours[key] == pytest.approx(flat[key], abs=1.5e-6 if "formula" not in key else
                                          1e-4), (case_id, key)


def test_nvivo_splits_give_the_documented_kappas():
    case = CASES["nvivo_doc_1000_characters"]
    data = case["data"]
    for split in case["computed"]["splits"]:
        counts = st.Counts2x2(data["both"], split["A_only"], split["B_only"], data["neither"])
        assert round(st.cohen_kappa(counts), 6) == split["nvivo_formula_kappa"]
        assert round(st.cohen_kappa(counts), 6) == split["sklearn_cohen_kappa"]
        assert round(st.krippendorff_alpha_2x2(counts), 6) == split["krippendorff_binary"]
        assert st.percent_agreement(counts) == split["percent_agreement"]


def test_cohen_on_a_2x2_equals_the_table_formula():
    table = CASES["wikipedia_cohen_2x2_1"]["data"]["table"]
    counts = st.Counts2x2(table[0][0], table[0][1], table[1][0], table[1][1])
    assert st.cohen_kappa(counts) == pytest.approx(st.table_stats(table)["kappa"])
    assert st.scott_pi(counts) == pytest.approx(st.table_stats(table)["scott_pi"])
    assert st.gwet_ac1(counts) == pytest.approx(st.table_stats(table)["gwet_ac1"])
