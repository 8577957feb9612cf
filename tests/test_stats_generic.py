"""Generic inverse-variance pooling, Hartung-Knapp intervals and Egger's test.

Published output reproduced here:
- Hartung-Knapp: Raudenbush (2009), Handbook of Research Synthesis and Meta-Analysis, 2nd ed.,
  Table 16.3 (teacher-expectancy data, 19 studies; Raudenbush & Bryk 1985), as recorded in
  metafor's test suite (tests/testthat/test_analysis_example_raudenbush2009.r): DerSimonian-Laird
  with the Knapp-Hartung method, tau² 0.0259, mu 0.0893, SE 0.0636, CI -0.0442 to 0.2229.
- Egger's test: metafor's documentation of regtest() (its rendered example output,
  docs/reference/regtest.html), classical test (model="lm") on the intravenous magnesium trials
  (dat.egger2001 without ISIS-4, log odds ratios): t = -3.1783, df = 13, p = 0.0073, limit
  estimate -0.1512 (CI -0.5130 to 0.2106).
The data are copied from metadat's data-raw files (dat.raudenbush1985.txt, dat.egger2001.txt).
"""

from __future__ import annotations

import dataclasses
import math
import warnings

import numpy as np
import pytest
from scipy import stats as scipy_stats

from mscbook import stats

RAUDENBUSH_YI = [
    0.03, 0.12, -0.14, 1.18, 0.26, -0.06, -0.02, -0.32, 0.27, 0.80,
    0.54, 0.18, -0.02, 0.23, -0.18, -0.06, 0.30, 0.07, -0.07,
]  # fmt: skip
RAUDENBUSH_VI = [
    0.0156, 0.0216, 0.0279, 0.1391, 0.1362, 0.0106, 0.0106, 0.0484, 0.0269, 0.0630,
    0.0912, 0.0497, 0.0835, 0.0841, 0.0253, 0.0279, 0.0193, 0.0088, 0.0303,
]  # fmt: skip
# dat.egger2001 rows 1-15 (ISIS-4, row 16, left out as in the metafor example)
MAGNESIUM = {
    "ai": [1, 9, 2, 1, 10, 1, 1, 0, 6, 1, 2, 5, 4, 90, 4],
    "n1i": [40, 135, 200, 48, 150, 59, 25, 22, 76, 27, 89, 23, 130, 1159, 107],
    "ci": [2, 23, 7, 1, 8, 9, 3, 1, 11, 7, 12, 13, 8, 118, 17],
    "n2i": [36, 135, 200, 46, 148, 56, 23, 21, 75, 27, 80, 33, 122, 1157, 108],
}


def raudenbush(method, hartung_knapp):
    return stats.pool_generic(
        RAUDENBUSH_YI, se=np.sqrt(RAUDENBUSH_VI), log_scale=False, method=method,
        hartung_knapp=hartung_knapp,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("method", "expected"),
    [
        # Table 16.3, Knapp-Hartung rows: tau², mu, se, ci.lb, ci.ub
        ("dl", (0.0259, 0.0893, 0.0636, -0.0442, 0.2229)),
        ("fixed", (0.0, 0.0604, 0.0515, -0.0477, 0.1685)),
    ],
)
def test_hartung_knapp_reproduces_raudenbush_table_16_3(method, expected):
    result = raudenbush(method, hartung_knapp=True)
    ours = (result.tau2, result.estimate, result.se, result.ci_low, result.ci_high)
    assert [round(value, 4) for value in ours] == list(expected)
    assert result.hartung_knapp and "Hartung-Knapp" in result.describe()


def test_without_hartung_knapp_the_same_data_give_the_wald_row():
    # Table 16.3, conventional DL row: se 0.0558, CI -0.0200 to 0.1987
    result = raudenbush("dl", hartung_knapp=False)
    assert [round(v, 4) for v in (result.se, result.ci_low, result.ci_high)] == [
        0.0558, -0.0200, 0.1987,
    ]  # fmt: skip


def test_hartung_knapp_by_hand_for_two_studies():
    # Mean differences 0 and 1, variance 0.1 each: DL tau² 0.4, equal weights, mu 0.5.
    # HKSJ variance = sum(w_rel * (y - mu)²) / (k - 1) = 0.25, so SE 0.5; t with 1 df.
    args = ([0.0, 1.0], [1.0, 1.0], [20, 20], [0.0, 0.0], [1.0, 1.0], [20, 20])
    result = stats.pool_mean_differences(*args, hartung_knapp=True)
    half = scipy_stats.t.ppf(0.975, 1) * 0.5
    assert result.se == pytest.approx(0.5, abs=1e-6)
    assert (result.ci_low, result.ci_high) == pytest.approx((0.5 - half, 0.5 + half), abs=1e-6)
    plain = stats.pool_mean_differences(*args)
    assert plain.ci_high - plain.ci_low < (result.ci_high - result.ci_low) / 5


@pytest.mark.parametrize(
    "pooler",
    [stats.pool_risk_ratios, stats.pool_odds_ratios, stats.pool_risk_differences],
)
def test_every_binary_pooler_takes_hartung_knapp(pooler):
    counts = ([10, 15, 4], [100, 200, 50], [20, 30, 12], [100, 200, 50])
    plain, hk = pooler(*counts), pooler(*counts, hartung_knapp=True)
    assert hk.estimate == pytest.approx(plain.estimate) and hk.tau2 == pytest.approx(plain.tau2)
    assert hk.hartung_knapp and not plain.hartung_knapp
    assert hk.ci_low != pytest.approx(plain.ci_low)


def test_the_smd_pooler_takes_hartung_knapp():
    args = ([12, 11], [4, 4], [20, 25], [10, 10], [4, 4], [20, 25])
    result = stats.pool_standardised_mean_differences(*args, hartung_knapp=True)
    assert result.hartung_knapp and result.ci_low < result.estimate < result.ci_high


def test_pooled_keeps_its_fields():
    names = [field.name for field in dataclasses.fields(stats.Pooled)]
    for name in ("measure", "method", "estimate", "se", "ci_low", "ci_high", "tau2", "i2", "q",
                 "prediction_low", "prediction_high", "studies", "excluded", "notes"):  # fmt: skip
        assert name in names


def test_hartung_knapp_needs_two_studies():
    with pytest.raises(stats.MetaAnalysisError, match="at least 2 studies"):
        stats.pool_generic([0.5], [0.3], [0.9], hartung_knapp=True)


def test_leave_one_out_keeps_hartung_knapp():
    result = raudenbush("dl", hartung_knapp=True)
    loo = stats.leave_one_out(result)
    plain = stats.leave_one_out(raudenbush("dl", hartung_knapp=False))
    assert (loo["ci_high"] - loo["ci_low"]).iloc[0] != pytest.approx(
        (plain["ci_high"] - plain["ci_low"]).iloc[0]
    )


# ------------------------------------------------------------------------------ generic


def test_se_from_a_ratio_ci_is_the_log_width_over_2z():
    expected = (math.log(1.50) - math.log(0.58)) / (2 * scipy_stats.norm.ppf(0.975))
    assert stats.se_from_ci(0.94, 0.58, 1.50) == pytest.approx(expected)
    assert stats.se_from_ci(2.0, 1.0, 3.0, log_scale=False) == pytest.approx(2 / 3.919928, 1e-6)
    ninety = stats.se_from_ci(2.0, 1.0, 3.0, log_scale=False, level=0.90)
    assert ninety == pytest.approx(2 / (2 * 1.644854), 1e-6)


def test_se_from_a_p_value_is_the_log_estimate_over_z():
    assert stats.se_from_p(0.5, 0.05) == pytest.approx(math.log(2) / 1.959964, 1e-6)
    assert stats.se_from_p(-1.2, 0.01, log_scale=False) == pytest.approx(1.2 / 2.575829, 1e-6)


def test_a_ci_and_a_p_value_pool_together():
    result = stats.pool_generic(
        [0.94, 0.25], [0.58, None], [1.50, None], p_values=[None, 0.064], studies=["A", "B"]
    )
    assert result.studies["se_from"].tolist() == ["CI", "P value"]
    se_b = abs(math.log(0.25)) / scipy_stats.norm.isf(0.032)
    assert result.studies["se"].iloc[1] == pytest.approx(se_b)
    assert result.measure == "ratio" and result.ci_low < result.value < result.ci_high


def test_generic_pooling_of_one_ratio_keeps_its_log_width():
    # The reported CI is not centred on log 0.94 (rounding, or a non-Wald interval): the pooled
    # CI keeps its width on the log scale but centres it on the estimate.
    result = stats.pool_generic([0.94], [0.58], [1.50])
    assert result.value == pytest.approx(0.94)
    assert math.log(result.ci_high / result.ci_low) == pytest.approx(math.log(1.50 / 0.58))


@pytest.mark.parametrize(
    ("args", "kwargs", "message"),
    [
        (([0.4], [0.5], [1.5]), {}, "outside its CI"),
        (([1.2], [1.5], [0.5]), {}, "must be below ci_high"),
        (([0.0], [0.0], [1.0]), {}, "must be above 0"),
        (([-0.5], [None], [None]), {"p_values": [0.2]}, "must be above 0"),
        (([0.5],), {"p_values": [1.0]}, "between 0 and 1"),
        (([0.5],), {"p_values": [0.0]}, "between 0 and 1"),
        (([1.0],), {"p_values": [0.5]}, "no effect"),
        (([0.5, 0.6], [0.3], [0.9, 1.0]), {}, "ci_low has 1 values for 2"),
        (([0.5],), {}, "give a CI"),
        (([0.5],), {"se": [-0.1]}, "se must be above 0"),
        (([0.5], [0.3], [0.9]), {"level": 95}, "level must be between"),
    ],
)
def test_bad_generic_input_is_named(args, kwargs, message):
    with pytest.raises(stats.MetaAnalysisError, match=message):
        stats.pool_generic(*args, **kwargs)


def test_the_bad_study_is_named():
    with pytest.raises(stats.MetaAnalysisError, match="Llufriu"):
        stats.pool_generic([0.9, 2.0], [0.5, 0.1], [1.5, 0.8], studies=["MESEMS", "Llufriu"])


# ------------------------------------------------------------------------------- Egger


def test_egger_reproduces_metafor_on_the_magnesium_trials():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", stats.ZeroCellWarning)  # Bertschat: 0 deaths
        pooled = stats.pool_odds_ratios(
            MAGNESIUM["ai"], MAGNESIUM["n1i"], MAGNESIUM["ci"], MAGNESIUM["n2i"]
        )
    egger = stats.egger_test(pooled)
    assert (round(egger.t, 4), egger.df, round(egger.p_value, 4)) == (-3.1783, 13, 0.0073)
    limit = (egger.limit_estimate, egger.limit_ci_low, egger.limit_ci_high)
    assert [round(value, 4) for value in limit] == [-0.1512, -0.5130, 0.2106]
    assert "df = 13" in egger.describe()


def test_egger_finds_no_asymmetry_in_a_symmetric_funnel():
    # Effects mirror each other at every precision: the slope on the SE is 0.
    effect = [-0.2, 0.2, -0.4, 0.4, -0.1, 0.1]
    se = [0.1, 0.1, 0.3, 0.3, 0.05, 0.05]
    egger = stats.egger_test(stats.pool_generic(effect, se=se, log_scale=False))
    assert egger.bias == pytest.approx(0.0, abs=1e-9) and egger.p_value > 0.99


def test_egger_needs_three_studies():
    with pytest.raises(stats.MetaAnalysisError, match="at least 3 studies"):
        stats.egger_test(stats.pool_generic([0.5, 0.7], [0.3, 0.4], [0.9, 1.2]))


# ------------------------------------------------------------------- the data/ benchmarks


def test_the_data_tables_hold_the_validation_data():
    from mscbook import data

    teacher = data.load("teacher_expectancy_studies")
    assert teacher["smd"].tolist() == RAUDENBUSH_YI
    assert teacher["variance"].tolist() == RAUDENBUSH_VI
    magnesium = data.load("magnesium_trials")
    small = magnesium[~magnesium["mega_trial"]]
    assert small["deaths_magnesium"].tolist() == MAGNESIUM["ai"]
    assert small["n_control"].tolist() == MAGNESIUM["n2i"]
    assert magnesium.loc[magnesium["mega_trial"], "study"].tolist() == ["ISIS-4 1995"]


def test_every_hartung_knapp_and_egger_benchmark_is_reproduced():
    from mscbook import data

    benchmarks = data.load("meta_analysis_benchmarks")
    table = stats.reproduce_tests(
        benchmarks, data.load("teacher_expectancy_studies"), data.load("magnesium_trials")
    )
    assert set(table["benchmark_id"]) == {
        "teacher_smd_dl_hk", "teacher_smd_fixed_hk", "magnesium_or_egger",
    }  # fmt: skip
    assert table["agrees"].all(), table[~table["agrees"]]
    egger = table[table["benchmark_id"] == "magnesium_or_egger"].set_index("quantity")
    assert egger.loc["t statistic", "ours"] == -3.1783
    wrong = benchmarks.assign(ci_low=benchmarks["ci_low"] - 0.001)
    teacher, magnesium = data.load("teacher_expectancy_studies"), data.load("magnesium_trials")
    assert not stats.reproduce_tests(wrong, teacher, magnesium)["agrees"].all()


def test_reported_ratios_take_a_reported_ratio_or_the_ratio_of_two_arm_means():
    import pandas as pd

    nan = float("nan")
    outcomes = pd.DataFrame(
        {
            "trial_id": ["a", "b", "b", "c"],
            "arm_id": ["cells", "cells", "placebo", "cells"],
            "comparator_arm_id": ["placebo", "placebo", None, None],
            "outcome": ["lesions"] * 4,
            "value": [nan, 3.0, 12.0, 5.0],
            "effect_measure": ["rate_ratio", None, None, None],
            "effect_value": [0.9, nan, nan, nan],
            "effect_ci_low": [0.6, nan, nan, nan],
            "effect_ci_high": [1.4, nan, nan, nan],
            "p_value": [0.7, 0.06, nan, nan],
            "p_relation": ["=", "=", None, None],
            "timepoint_value": [24, 6, 6, 6],
            "timepoint_unit": ["weeks", "months", "months", "months"],
        }
    )
    trials = pd.DataFrame({"trial_id": ["a", "b", "c"], "short_name": ["A", "B", "C"]})
    table = stats.reported_ratios(outcomes, "lesions", trials).set_index("study")
    assert list(table.index) == ["A", "B"]  # C has no comparison
    assert table.loc["A", "estimate"] == 0.9 and table.loc["A", "ci_high"] == 1.4
    assert table.loc["B", "estimate"] == pytest.approx(0.25)
    assert math.isnan(table.loc["B", "ci_low"]) and table.loc["B", "p_value"] == 0.06
    assert "ratio of the two arms" in table.loc["B", "derived_from"]


def _two_agreeing_trials(**kwargs):
    return stats.pool_generic([0.70, 0.72], [0.55, 0.50], [0.89, 1.04], **kwargs)


def test_hartung_knapp_can_be_narrower_than_usual_and_adhoc_prevents_it():
    # By hand: SE from each CI, inverse-variance weights; the trials agree (Q < k - 1), so
    # tau² = 0 and the HK SE is sqrt(sum w (y - mu)² / ((k - 1) sum w)).
    import math

    from scipy.stats import t

    y = [math.log(0.70), math.log(0.72)]
    se = [
        (math.log(0.89) - math.log(0.55)) / (2 * 1.959964),
        (math.log(1.04) - math.log(0.50)) / (2 * 1.959964),
    ]
    w = [1 / s**2 for s in se]
    mu = sum(wi * yi for wi, yi in zip(w, y, strict=True)) / sum(w)
    se_usual = 1 / math.sqrt(sum(w))
    se_hk = math.sqrt(sum(wi * (yi - mu) ** 2 for wi, yi in zip(w, y, strict=True)) / sum(w))
    assert se_hk < se_usual
    hk = _two_agreeing_trials(hartung_knapp=True)
    assert hk.se == pytest.approx(se_hk, rel=1e-6)
    usual = _two_agreeing_trials()
    assert hk.ci_high - hk.ci_low < usual.ci_high - usual.ci_low  # narrower than fixed effect
    adhoc = _two_agreeing_trials(hartung_knapp=True, hk_adhoc=True)
    assert adhoc.se == pytest.approx(se_usual, rel=1e-6)
    half = t.ppf(0.975, 1) * se_usual
    assert adhoc.ci_low == pytest.approx(math.exp(mu - half), rel=1e-6)
    assert adhoc.ci_high == pytest.approx(math.exp(mu + half), rel=1e-6)
    assert adhoc.hk_adhoc and not hk.hk_adhoc


def test_hk_adhoc_needs_hartung_knapp():
    with pytest.raises(stats.MetaAnalysisError, match="hartung_knapp=True"):
        _two_agreeing_trials(hk_adhoc=True)


def test_two_studies_with_positive_dl_tau2_hk_se_equals_usual_se():
    # With k = 2 and a positive DerSimonian-Laird tau², the generalised Q with random-effects
    # weights is exactly 1 = k - 1, so the HK SE equals the usual random-effects SE.
    kwargs = dict(estimates=[0.5, 1.5], ci_low=[0.3, 1.0], ci_high=[0.83, 2.25])
    usual = stats.pool_generic(**kwargs)
    assert usual.tau2 > 0
    hk = stats.pool_generic(**kwargs, hartung_knapp=True)
    assert hk.se == pytest.approx(usual.se, rel=1e-9)
    assert hk.ci_high > usual.ci_high  # only the multiplier (t with 1 df) widens it
