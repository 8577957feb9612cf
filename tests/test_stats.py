"""Meta-analysis: published results reproduced, hand-computed cases, zero cells and bad input.

Validation data: the 13 BCG vaccine trials of Colditz et al. (JAMA 1994;271:698-702), as
tabulated in metafor's `dat.bcg`. The expected pooled values are the ones Stata's `metan`
gives for these data (fixed effect inverse variance and DerSimonian-Laird), as recorded in
metafor's own test suite (tests/testthat/test_misc_metan_vs_rma.uni_with_dat.bcg.r), and
agree with Viechtbauer's metafor paper (J Stat Softw 2010;36(3), doi:10.18637/jss.v036.i03).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from mscbook import data, stats

BCG = pd.DataFrame(
    {
        "trial": ["Aronson 1948", "Ferguson & Simes 1949", "Rosenthal 1960",
                  "Hart & Sutherland 1977", "Frimodt-Moller 1973", "Stein & Aronson 1953",
                  "Vandiviere 1973", "TPT Madras 1980", "Coetzee & Berjak 1968",
                  "Rosenthal 1961", "Comstock 1974", "Comstock & Webster 1969",
                  "Comstock 1976"],
        "tpos": [4, 6, 3, 62, 33, 180, 8, 505, 29, 17, 186, 5, 27],
        "tneg": [119, 300, 228, 13536, 5036, 1361, 2537, 87886, 7470, 1699, 50448, 2493, 16886],
        "cpos": [11, 29, 11, 248, 47, 372, 10, 499, 45, 65, 141, 3, 29],
        "cneg": [128, 274, 209, 12619, 5761, 1079, 619, 87892, 7232, 1600, 27197, 2338, 17825],
    }
)  # fmt: skip


def bcg(function, method):
    return function(
        BCG["tpos"], BCG["tpos"] + BCG["tneg"], BCG["cpos"], BCG["cpos"] + BCG["cneg"],
        method=method, studies=BCG["trial"],
    )  # fmt: skip


@pytest.mark.parametrize(
    ("function", "method", "log_estimate", "log_ci", "tau2", "i2"),
    [
        (stats.pool_risk_ratios, "fixed", -0.4303, (-0.5097, -0.3509), 0.0, None),
        (stats.pool_risk_ratios, "dl", -0.7141, (-1.0644, -0.3638), 0.3088, 0.921173),
        (stats.pool_odds_ratios, "fixed", -0.4361, (-0.5190, -0.3533), 0.0, None),
        (stats.pool_odds_ratios, "dl", -0.7474, (-1.1242, -0.3706), 0.3663, 0.926455),
    ],
)
def test_the_bcg_meta_analysis_is_reproduced(function, method, log_estimate, log_ci, tau2, i2):
    result = bcg(function, method)
    assert result.k == 13 and not result.excluded
    assert result.estimate == pytest.approx(log_estimate, abs=5e-4)
    assert math.log(result.ci_low) == pytest.approx(log_ci[0], abs=5e-4)
    assert math.log(result.ci_high) == pytest.approx(log_ci[1], abs=5e-4)
    assert result.tau2 == pytest.approx(tau2, abs=5e-4)
    if i2 is not None:
        assert result.i2 == pytest.approx(i2, abs=5e-4)


def test_the_published_risk_ratio_scale_values_follow():
    dl = bcg(stats.pool_risk_ratios, "dl")
    assert (round(dl.rr, 4), round(dl.ci_low, 4), round(dl.ci_high, 4)) == (0.4896, 0.3449, 0.6950)
    assert dl.log_rr == dl.estimate
    with pytest.raises(AttributeError, match="not OR"):
        _ = dl.odds_ratio


def test_paule_mandel_solves_its_defining_equation():
    # PM chooses tau² so that the generalised Q statistic equals its expectation, k - 1.
    result = bcg(stats.pool_risk_ratios, "pm")
    y, v = result.studies["effect"], result.studies["variance"]
    weights = 1 / (v + result.tau2)
    mu = (weights * y).sum() / weights.sum()
    assert ((weights * (y - mu) ** 2).sum()) == pytest.approx(result.k - 1, rel=1e-4)
    assert result.estimate == pytest.approx(mu, abs=1e-6)


def test_two_equal_studies_have_no_heterogeneity():
    # 10/100 vs 20/100 and 15/200 vs 30/200: both risk ratios are 0.5. Variances of the log RR
    # by hand: 1/10 - 1/100 + 1/20 - 1/100 = 0.13 and 1/15 - 1/200 + 1/30 - 1/200 = 0.09.
    for method in stats.METHODS:
        result = stats.pool_risk_ratios([10, 15], [100, 200], [20, 30], [100, 200], method=method)
        assert result.rr == pytest.approx(0.5)
        assert result.studies["variance"].tolist() == pytest.approx([0.13, 0.09])
        assert result.se == pytest.approx(math.sqrt(1 / (1 / 0.13 + 1 / 0.09)))
        assert result.tau2 == pytest.approx(0.0) and result.i2 == pytest.approx(0.0)


def test_two_different_studies_by_hand():
    # Mean differences 0 and 1, each with variance 1/20 + 1/20 = 0.1. Fixed: mu 0.5, Q = 5;
    # DL: tau² = (Q - 1) / (20 - 200/20) = 0.4, I² = 0.8; random-effects weights 1/(0.1+0.4).
    args = ([0.0, 1.0], [1.0, 1.0], [20, 20], [0.0, 0.0], [1.0, 1.0], [20, 20])
    fixed = stats.pool_mean_differences(*args, method="fixed")
    assert (fixed.estimate, fixed.q) == pytest.approx((0.5, 5.0))
    assert fixed.se == pytest.approx(math.sqrt(1 / 20))
    for method in ("dl", "pm"):  # symmetric case: PM's equation 2*0.25/(0.1+t) = 1 gives 0.4
        result = stats.pool_mean_differences(*args, method=method)
        assert result.tau2 == pytest.approx(0.4, abs=1e-6)
        assert result.i2 == pytest.approx(0.8)
        assert result.se == pytest.approx(0.5, abs=1e-6)
        assert result.prediction_low is None  # a prediction interval needs 3 studies


def test_standardised_mean_differences_use_hedges_correction():
    # d = (12 - 10) / 4 = 0.5; J = 1 - 3 / (4 * (20 + 20) - 9) = 0.98052
    result = stats.pool_standardised_mean_differences([12], [4], [20], [10], [4], [20])
    assert result.estimate == pytest.approx(0.5 * (1 - 3 / 151), rel=1e-4)


def test_random_effects_give_a_prediction_interval_wider_than_the_ci():
    dl = bcg(stats.pool_risk_ratios, "dl")
    assert dl.prediction_low < dl.ci_low < dl.rr < dl.ci_high < dl.prediction_high
    assert "I² = 92%" in dl.describe() and "k = 13" in dl.describe()


def test_a_zero_cell_is_corrected_with_a_warning():
    with pytest.warns(stats.ZeroCellWarning, match="0.5 added to every cell of B"):
        result = stats.pool_risk_ratios([3, 0], [20, 25], [6, 4], [20, 25], studies=["A", "B"])
    row = result.studies.set_index("study").loc["B"]
    # (0.5 / 26) / (4.5 / 26) = 1/9 after the correction
    assert row["corrected"] and math.exp(row["effect"]) == pytest.approx(1 / 9)
    assert row["events_treat"] == 0  # the table shows the counts as reported


def test_double_zero_studies_are_excluded_by_name():
    with pytest.warns(stats.ZeroCellWarning, match="excluded .*: C"):
        result = stats.pool_odds_ratios(
            [3, 2, 0], [20, 25, 30], [6, 5, 0], [20, 25, 30], studies=["A", "B", "C"]
        )
    assert result.excluded == ("C",) and result.studies["study"].tolist() == ["A", "B"]
    with (
        pytest.raises(stats.MetaAnalysisError, match="every study has no events"),
        pytest.warns(stats.ZeroCellWarning, match="excluded .*: D"),
    ):
        stats.pool_risk_ratios([0], [10], [0], [12], studies=["D"])


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (([1, 2], [10, 10], [1], [10, 10]), "events_control has 1"),
        (([-1, 2], [10, 10], [1, 1], [10, 10]), "study 1: events_treat must be a whole number"),
        (([1.5, 2], [10, 10], [1, 1], [10, 10]), "study 1: events_treat must be a whole number"),
        (([1, 12], [10, 10], [1, 1], [10, 10]), r"study 2: events_treat \(12\) is more than"),
        (([1, 2], [10, 0], [1, 1], [10, 10]), "study 2: n_treat is 0"),
        (([1, None], [10, 10], [1, 1], [10, 10]), "study 2: events_treat is missing"),
        (([1, "x"], [10, 10], [1, 1], [10, 10]), "events_treat: every value must be a number"),
        (([], [], [], []), "no studies"),
    ],
)
def test_bad_counts_are_rejected_naming_the_study(arguments, message):
    with pytest.raises(stats.MetaAnalysisError, match=message):
        stats.pool_risk_ratios(*arguments)


def test_bad_options_and_continuous_inputs_are_rejected():
    with pytest.raises(stats.MetaAnalysisError, match="unknown method 'reml'"):
        stats.pool_risk_ratios([1], [10], [2], [10], method="reml")
    with pytest.raises(stats.MetaAnalysisError, match="2 study names for 1 studies"):
        stats.pool_risk_ratios([1], [10], [2], [10], studies=["A", "B"])
    with pytest.raises(stats.MetaAnalysisError, match="X: sd_control must be above 0"):
        stats.pool_mean_differences([1], [1], [10], [0], [0], [10], studies=["X"])
    with pytest.raises(stats.MetaAnalysisError, match="n_treat must be a whole number ≥ 2"):
        stats.pool_mean_differences([1], [1], [1], [0], [1], [10])


def test_leave_one_out_refits_without_each_study():
    dl = bcg(stats.pool_risk_ratios, "dl")
    table = stats.leave_one_out(dl)
    assert table["left_out"].tolist() == BCG["trial"].tolist()
    without_first = bcg_without(0)
    first = table.iloc[0]
    assert first["estimate"] == pytest.approx(without_first.rr)
    assert first["tau2"] == pytest.approx(without_first.tau2)


def bcg_without(index: int) -> stats.Pooled:
    rest = BCG.drop(index=index)
    return stats.pool_risk_ratios(
        rest["tpos"], rest["tpos"] + rest["tneg"], rest["cpos"], rest["cpos"] + rest["cneg"]
    )


def test_data_files_of_pandas_inputs_are_carried_to_the_study_table():
    events = pd.Series([3, 4])
    events.attrs["data_files"] = ("data/trial_outcomes.csv",)
    result = stats.pool_risk_ratios(events, [20, 20], [5, 6], [20, 20])
    assert result.studies.attrs["data_files"] == ("data/trial_outcomes.csv",)
    assert np.isclose(result.studies["weight"].sum(), 1.0)


# ------------------------------------------------------------------------ risk differences


@pytest.mark.parametrize(
    ("method", "estimate", "ci", "q", "i2"),
    [  # Stata metan, as recorded in metafor's test suite (4 decimals)
        ("fixed", -0.0009, (-0.0014, -0.0005), 276.4737, 0.956596),
        ("dl", -0.0071, (-0.0101, -0.0040), 276.4737, 0.956596),
    ],
)
def test_the_bcg_risk_differences_are_reproduced(method, estimate, ci, q, i2):
    result = bcg(stats.pool_risk_differences, method)
    assert result.rd == pytest.approx(estimate, abs=5e-5)
    assert (result.ci_low, result.ci_high) == pytest.approx(ci, abs=5e-5)
    assert result.q == pytest.approx(q, abs=5e-4)
    assert result.i2 == pytest.approx(i2, abs=5e-6)
    assert result.tau2 == pytest.approx(0.0, abs=5e-5)


def test_two_risk_differences_by_hand():
    # 10/100 vs 20/100: RD -0.1, variance 0.1*0.9/100 + 0.2*0.8/100 = 0.0025.
    # 15/200 vs 30/200: RD -0.075, variance 0.075*0.925/200 + 0.15*0.85/200 = 0.000984375.
    v1, v2 = 0.0025, 0.000984375
    w1, w2 = 1 / v1, 1 / v2
    mu = (w1 * -0.1 + w2 * -0.075) / (w1 + w2)
    q = w1 * (-0.1 - mu) ** 2 + w2 * (-0.075 - mu) ** 2
    fixed = stats.pool_risk_differences([10, 15], [100, 200], [20, 30], [100, 200], method="fixed")
    assert fixed.studies["variance"].tolist() == pytest.approx([v1, v2])
    assert fixed.rd == pytest.approx(mu) and fixed.q == pytest.approx(q)
    assert fixed.se == pytest.approx(math.sqrt(1 / (w1 + w2)))
    # DL: tau² = max(0, (Q - 1) / (sum w - sum w² / sum w))
    tau2 = max(0.0, (q - 1) / (w1 + w2 - (w1**2 + w2**2) / (w1 + w2)))
    dl = stats.pool_risk_differences([10, 15], [100, 200], [20, 30], [100, 200], method="dl")
    assert dl.tau2 == pytest.approx(tau2, abs=1e-12)
    with pytest.raises(AttributeError, match="not RR"):
        _ = dl.rr


def test_a_risk_difference_keeps_a_study_without_events():
    with pytest.warns(stats.ZeroCellWarning, match="0.5 added to every cell of C") as caught:
        result = stats.pool_risk_differences(
            [3, 2, 0], [20, 25, 30], [6, 5, 0], [20, 25, 30], studies=["A", "B", "C"]
        )
    assert not any("excluded" in str(w.message) for w in caught)
    assert result.excluded == () and result.studies["study"].tolist() == ["A", "B", "C"]
    row = result.studies.set_index("study").loc["C"]
    assert row["effect"] == pytest.approx(0.0) and row["variance"] > 0
    with pytest.raises(stats.MetaAnalysisError, match=r"B: events_control \(9\) is more than"):
        stats.pool_risk_differences([1, 2], [10, 10], [1, 9], [10, 8], studies=["A", "B"])


# ------------------------------------------------------------- which outcomes can be pooled


def outcome_rows(*rows):
    columns = ["trial_id", "arm_id", "comparator_arm_id", "outcome", "outcome_detail",
               "timepoint_value", "timepoint_unit", "events", "total", "value",
               "value_statistic", "sd"]  # fmt: skip
    return pd.DataFrame([dict(zip(columns, row, strict=True)) for row in rows])


TOY_TRIALS = pd.DataFrame(
    {
        "trial_id": ["t1", "t2", "t3"],
        "short_name": ["Trial One", "Trial Two", "Trial Three"],
        "product_type": ["msc", "msc", "svf_adrc"],
        "control_type": ["placebo", "placebo", "none"],
    }
)
TOY_ARMS = pd.DataFrame(
    {"trial_id": ["t1", "t1", "t2", "t2"], "arm_id": ["msc", "pbo"] * 2, "n": [10, 12, 20, 21]}
)
NAN = float("nan")


def test_two_arm_comparisons_pair_arms_at_the_same_time_point():
    outcomes = outcome_rows(
        ("t1", "msc", "pbo", "score", "s", 6, "months", NAN, NAN, -2.0, "mean_change", 1.5),
        ("t1", "pbo", None, "score", "s", 6, "months", NAN, NAN, -1.0, "mean_change", 1.4),
        ("t2", "msc", "pbo", "death", "d", 12, "months", 2, 20, NAN, None, NAN),
        ("t2", "pbo", None, "death", "d", 12, "months", 5, 21, NAN, None, NAN),
        ("t2", "msc", "pbo", "score", "s", 12, "months", NAN, NAN, -3.0, "mean_change", 2.0),
        ("t2", "pbo", None, "score", "s", 6, "months", NAN, NAN, -1.0, "mean_change", 2.0),
    )
    table = stats.two_arm_comparisons(outcomes, TOY_ARMS).set_index(["trial_id", "outcome"])
    means = table.loc[("t1", "score")]
    assert means["kind"] == "means" and (means["n_treat"], means["n_control"]) == (10, 12)
    assert (means["mean_treat"], means["sd_control"]) == (-2.0, 1.4)
    deaths = table.loc[("t2", "death")]
    assert deaths["kind"] == "events"
    assert (deaths["events_treat"], deaths["n_control"]) == (2, 21)
    assert table.loc[("t2", "score"), "kind"] == "no per-arm numbers"  # 12 vs 6 months


def test_pooling_candidates_give_a_reason_for_each_outcome():
    outcomes = outcome_rows(
        ("t1", "msc", "pbo", "score", "s", 6, "months", NAN, NAN, -2.0, "mean_change", 1.5),
        ("t1", "pbo", None, "score", "s", 6, "months", NAN, NAN, -1.0, "mean_change", 1.4),
        ("t2", "msc", "pbo", "score", "s", 12, "months", NAN, NAN, -3.0, "mean_change", 2.0),
        ("t2", "pbo", None, "score", "s", 12, "months", NAN, NAN, -1.0, "mean_change", 2.0),
        ("t3", "svf", None, "walk", "w", 6, "months", NAN, 9, 50, "proportion", NAN),
        ("t3", "svf", None, "score", "s", 6, "months", NAN, NAN, -1.0, "mean", 2.0),
    )
    table = stats.pooling_candidates(outcomes, TOY_ARMS, TOY_TRIALS).set_index("outcome")
    score = table.loc["score"]
    assert (score["n_trials"], score["n_with_arm_data"]) == (3, 2)
    assert score["verdict"] == "pool, with caveats"
    assert "different time points (12 months, 6 months)" in score["reason"]
    walk = table.loc["walk"]
    assert walk["verdict"] == "cannot pool"
    assert walk["reason"] == "only one trial (Trial Three), without a control group"


def test_in_the_book_data_only_the_cochin_score_and_gvhd_response_can_be_pooled():
    from mscbook import data

    outcomes, arms, trials = (
        data.load(name) for name in ("trial_outcomes", "trial_arms", "trials")
    )
    table = stats.pooling_candidates(outcomes, arms, trials)
    assert sorted(set(table["outcome"])) == sorted(set(outcomes["outcome"]))
    poolable = table[table["verdict"] == "pool, with caveats"]
    # Cochin: STAR and SCLERADEC II (fat extracts, not MSCs); day-28 overall response in acute
    # GvHD: PLEB001 (Jiang 2024) and Zhao 2022, the two randomised MSC trials with per-arm counts
    # (protocol 280's and REACH2's day-28 rows have no per-arm numbers in the data)
    assert sorted(poolable["outcome"]) == ["cochin_hand_score", "overall_response"]
    reasons = poolable.set_index("outcome")["reason"]
    assert "not MSCs" in reasons["cochin_hand_score"]
    assert "not MSCs" not in reasons["overall_response"]
    failure = table.set_index("outcome").loc["treatment_failure", "reason"]
    assert "share one control arm" in failure


def test_the_bcg_table_in_data_holds_the_published_counts():
    from mscbook import data

    table = data.load("bcg_trials")
    assert table["study"].tolist() == BCG["trial"].tolist()
    assert table["events_vaccinated"].tolist() == BCG["tpos"].tolist()
    assert table["n_vaccinated"].tolist() == (BCG["tpos"] + BCG["tneg"]).tolist()
    assert table["events_control"].tolist() == BCG["cpos"].tolist()
    assert table["n_control"].tolist() == (BCG["cpos"] + BCG["cneg"]).tolist()


def test_every_published_benchmark_is_reproduced_to_its_decimals():
    from mscbook import data

    benchmarks = data.load("meta_analysis_benchmarks")
    table = stats.reproduce_published(benchmarks, data.load("bcg_trials"))
    bcg_rows = benchmarks[benchmarks["dataset"] == "bcg_trials"]
    assert table["benchmark_id"].tolist() == bcg_rows["benchmark_id"].tolist()
    assert table["agrees"].all(), table[~table["agrees"]]
    dl = table.set_index("benchmark_id").loc["bcg_rr_dl"]
    assert (dl["ours_estimate"], dl["ours_tau2"], dl["ours_i2_percent"]) == (
        0.4896,
        0.3088,
        92.1173,
    )
    wrong = benchmarks.assign(estimate=benchmarks["estimate"] + 0.001)
    assert not stats.reproduce_published(wrong, data.load("bcg_trials"))["agrees"].any()


def test_zero_cell_notes_are_kept_on_the_result():
    with pytest.warns(stats.ZeroCellWarning):
        result = stats.pool_risk_ratios(
            [3, 0, 0], [20, 25, 30], [6, 4, 0], [20, 25, 30], studies=["A", "B", "C"]
        )
    assert len(result.notes) == 2
    assert result.notes[0].startswith("excluded from the pooled risk ratio: C")
    assert result.notes[1] == "continuity correction: 0.5 added to every cell of B (a zero cell)"
    quiet = stats.pool_risk_ratios([3, 4], [20, 25], [6, 5], [20, 25])
    assert quiet.notes == ()


def test_the_pooling_table_speaks_plain_words_and_puts_poolable_outcomes_first():
    candidates = pd.DataFrame(
        {
            "outcome": ["abi", "cochin_hand_score", "relapse_free"],
            "trials": ["Lu 2011", "SCLERADEC II, STAR", "Petrou 2020"],
            "n_trials": [1, 2, 1],
            "n_with_arm_data": [0, 2, 1],
            "verdict": ["cannot pool", "pool, with caveats", "cannot pool"],
            "reason": ["only one trial (Lu 2011)", "2 controlled trials", "only one trial"],
        }
    )
    table = stats.pooling_table(candidates)
    assert list(table.columns) == ["Outcome", "Trials reporting it", "Trials",
                                   "With numbers for both arms", "Verdict", "Why"]  # fmt: skip
    assert table["Outcome"].tolist() == [
        "Cochin hand score",
        "Ankle-brachial index",
        "Relapse free",
    ]


def test_the_summary_table_shows_each_result_on_its_natural_scale():
    fixed, dl = bcg(stats.pool_risk_ratios, "fixed"), bcg(stats.pool_risk_ratios, "dl")
    table = stats.summary_table({"FE": fixed, "RE": dl}).set_index("Analysis")
    assert table.loc["RE", "Estimate"] == pytest.approx(0.4896, abs=5e-5)
    assert table.loc["RE", "95% CI"] == "0.345 to 0.695"
    assert table.loc["RE", "tau²"] == pytest.approx(0.3088, abs=5e-5)
    assert table.loc["RE", "I² (%)"] == pytest.approx(92.1173, abs=5e-4)
    assert table.loc["FE", "95% prediction interval"] == "none"
    assert table.loc["RE", "95% prediction interval"].count(" to ") == 1
    assert table["Studies"].tolist() == [13, 13]


def test_two_odds_ratios_by_hand():
    # 10/100 vs 20/100: OR = (10*80)/(90*20), variance of log OR 1/10 + 1/90 + 1/20 + 1/80.
    # 15/200 vs 30/200: OR = (15*170)/(185*30), variance 1/15 + 1/185 + 1/30 + 1/170.
    y = [math.log(800 / 1800), math.log(2550 / 5550)]
    v = [1 / 10 + 1 / 90 + 1 / 20 + 1 / 80, 1 / 15 + 1 / 185 + 1 / 30 + 1 / 170]
    w = [1 / v[0], 1 / v[1]]
    mu = (w[0] * y[0] + w[1] * y[1]) / sum(w)
    q = w[0] * (y[0] - mu) ** 2 + w[1] * (y[1] - mu) ** 2
    for method in stats.METHODS:
        result = stats.pool_odds_ratios([10, 15], [100, 200], [20, 30], [100, 200], method=method)
        assert result.studies["variance"].tolist() == pytest.approx(v)
        assert result.q == pytest.approx(q)
        # Q < k - 1 = 1 here, so every method finds tau² = 0 and gives the fixed-effect answer
        assert q < 1 and result.tau2 == 0.0
        assert result.log_or == pytest.approx(mu) and result.odds_ratio == pytest.approx(
            math.exp(mu)
        )
        assert result.se == pytest.approx(math.sqrt(1 / sum(w)))


def test_two_standardised_mean_differences_by_hand():
    # Study 1: means 12 vs 10, SDs 4 and 4, 20 per arm: d = 0.5, J = 1 - 3/(4*40 - 9).
    # Study 2: means 30 vs 24, SDs 10 and 10, 30 per arm: d = 0.6, J = 1 - 3/(4*60 - 9).
    # statsmodels' variance of g: (n1 + n2)/(n1 n2) + g²/(2 (n1 + n2 - 3.94)).
    g1, g2 = 0.5 * (1 - 3 / 151), 0.6 * (1 - 3 / 231)
    v1 = 40 / 400 + g1**2 / (2 * (40 - 3.94))
    v2 = 60 / 900 + g2**2 / (2 * (60 - 3.94))
    result = stats.pool_standardised_mean_differences(
        [12, 30], [4, 10], [20, 30], [10, 24], [4, 10], [20, 30], method="fixed"
    )
    assert result.studies["effect"].tolist() == pytest.approx([g1, g2])
    assert result.studies["variance"].tolist() == pytest.approx([v1, v2])
    assert result.value == pytest.approx((g1 / v1 + g2 / v2) / (1 / v1 + 1 / v2))


def test_the_invented_zero_event_example_has_the_cases_the_chapter_teaches():
    example = stats.invented_zero_event_trials()
    counts = example[["events_treat", "n_treat", "events_control", "n_control"]]
    double_zero = (counts["events_treat"] == 0) & (counts["events_control"] == 0)
    single_zero = (counts["events_treat"] == 0) ^ (counts["events_control"] == 0)
    assert list(example.loc[double_zero, "study"]) == ["Trial C"]
    assert single_zero.sum() == 1
    columns = [counts[name] for name in counts.columns]
    with pytest.warns(stats.ZeroCellWarning):
        ratio = stats.pool_risk_ratios(*columns, studies=example["study"])
    assert ratio.k == 2  # the double-zero study carries no information on a ratio


def _power_by_hand(p_control, p_treatment, n1, n2, alpha=0.05):
    """Cohen's arcsine effect size h and the normal approximation, written out independently."""
    from scipy.stats import norm

    h = abs(2 * math.asin(math.sqrt(p_treatment)) - 2 * math.asin(math.sqrt(p_control)))
    shift = h * math.sqrt(n1 * n2 / (n1 + n2))
    z = norm.ppf(1 - alpha / 2)
    return norm.cdf(shift - z) + norm.cdf(-shift - z)


@pytest.mark.parametrize(
    ("p_control", "p_treatment", "n1", "n2"),
    [(0.33, 0.22, 143, 70), (0.5, 0.3, 50, 50), (0.1, 0.2, 300, 100)],
)
def test_power_of_two_proportions_matches_the_arcsine_formula(p_control, p_treatment, n1, n2):
    power = stats.power_two_proportions(p_control, p_treatment, n1, n2)
    assert power == pytest.approx(_power_by_hand(p_control, p_treatment, n1, n2), abs=1e-6)


def test_patients_per_arm_is_the_smallest_n_with_the_power():
    n = stats.patients_per_arm_for_power(0.33, 0.22, power=0.8)
    assert _power_by_hand(0.33, 0.22, n, n) >= 0.8 > _power_by_hand(0.33, 0.22, n - 1, n - 1)


@pytest.mark.parametrize(
    ("arguments", "says"),
    [
        ((0, 0.2, 50, 50), "p_control must be a proportion"),
        ((0.3, 1.2, 50, 50), "p_treatment must be a proportion"),
        ((0.3, 0.2, 1, 50), "n_treatment must be a whole number"),
        ((0.3, 0.2, 50, 10.5), "n_control must be a whole number"),
    ],
)
def test_power_rejects_impossible_inputs_by_name(arguments, says):
    with pytest.raises(ValueError, match=says):
        stats.power_two_proportions(*arguments)


def test_equal_proportions_have_no_sample_size():
    with pytest.raises(ValueError, match="equal"):
        stats.patients_per_arm_for_power(0.3, 0.3)


def test_egger_ninv_predictor_matches_peters_style_check_on_magnesium():
    # The reviewer's independent check with metafor regtest(model="lm", predictor="ninv"):
    # t = -2.32, P = 0.037 for the 15 small magnesium trials (fixed-effect log ORs).
    import warnings

    magnesium = data.load("magnesium_trials")
    small = magnesium[~magnesium["mega_trial"]]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        pooled = stats.pool_odds_ratios(
            small["deaths_magnesium"], small["n_magnesium"], small["deaths_control"],
            small["n_control"], method="fixed",
        )  # fmt: skip
    peters = stats.egger_test(pooled, predictor="ninv")
    assert round(peters.t, 2) == -2.32
    assert round(peters.p_value, 3) == 0.037
    with pytest.raises(stats.MetaAnalysisError, match="predictor"):
        stats.egger_test(pooled, predictor="n")
