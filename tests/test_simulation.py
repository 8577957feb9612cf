"""The single-arm simulation: reproducible, right under the null, and strict about its inputs.

Expected values are computed here with scipy.stats.binom, independently of the module's own
tail sums.
"""

from __future__ import annotations

import math
import time

import pandas as pd
import pytest
from scipy.stats import binom

from mscbook import simulation


def exact_size(n: int, rate: float, alpha: float) -> float:
    """The exact false-positive rate of the one-sided exact binomial test with a known rate."""
    for k in range(n + 2):
        if binom.sf(k - 1, n, rate) <= alpha:
            return float(binom.sf(k - 1, n, rate))
    return 0.0


def test_same_seed_gives_the_same_result_twice():
    first = simulation.false_success_rate(20, 0.333, historical_n=30, seed=7)
    second = simulation.false_success_rate(20, 0.333, historical_n=30, seed=7)
    assert first == second
    grid = dict(sizes=[5, 40], historical_sizes=[None, 20], n_simulations=2000, seed=11)
    pd.testing.assert_frame_equal(
        simulation.false_success_grid(benchmark_rate=0.4, **grid),
        simulation.false_success_grid(benchmark_rate=0.4, **grid),
    )


def test_a_different_seed_gives_a_different_result():
    first = simulation.false_success_rate(40, 0.333, historical_n=30, seed=1)
    second = simulation.false_success_rate(40, 0.333, historical_n=30, seed=2)
    assert first.false_success_rate != second.false_success_rate


@pytest.mark.parametrize(("n", "rate"), [(5, 0.333), (20, 0.333), (60, 0.42), (2000, 0.333)])
def test_known_benchmark_gives_the_exact_size_of_the_test(n, rate):
    result = simulation.false_success_rate(n, rate, n_simulations=200_000, seed=3)
    expected = exact_size(n, rate, 0.05)
    assert abs(result.false_success_rate - expected) < 4 * math.sqrt(
        expected * (1 - expected) / 200_000
    )
    assert simulation.critical_count(n, rate, 0.05) == next(
        k for k in range(n + 2) if binom.sf(k - 1, n, rate) <= 0.05
    )


def test_large_study_with_known_benchmark_approaches_nominal_alpha():
    expected = exact_size(2000, 0.333, 0.05)
    assert abs(expected - 0.05) < 0.005  # the discreteness of the test fades with n
    result = simulation.false_success_rate(2000, 0.333, n_simulations=100_000, seed=5)
    assert abs(result.false_success_rate - 0.05) < 0.006


def test_uncertain_benchmarks_inflate_false_successes():
    known = simulation.false_success_rate(80, 0.333, n_simulations=20_000, seed=9)
    estimated = simulation.false_success_rate(
        80, 0.333, historical_n=20, n_simulations=20_000, seed=9
    )
    spread = simulation.false_success_rate(
        80, 0.333, between_study_sd=0.5, n_simulations=20_000, seed=9
    )
    fitter = simulation.false_success_rate(
        80, 0.333, selection_odds_ratio=1.5, n_simulations=20_000, seed=9
    )
    assert known.false_success_rate <= 0.06
    for result in (estimated, spread, fitter):
        assert result.false_success_rate > 2 * known.false_success_rate


def test_grid_has_one_row_per_setting_in_order():
    grid = simulation.false_success_grid(
        [5, 20], 0.333, historical_sizes=[None, 50], between_study_sds=[0.0, 0.5],
        n_simulations=500, seed=1,
    )  # fmt: skip
    assert grid["n_patients"].tolist() == [5, 20] * 4
    assert grid["historical_n"].isna().tolist() == [True] * 4 + [False] * 4
    assert grid["between_study_sd"].tolist() == [0.0, 0.0, 0.5, 0.5] * 2
    assert grid["false_success_rate"].between(0, 1).all()


def test_simulation_is_fast():
    start = time.perf_counter()
    simulation.false_success_grid(
        [5, 10, 20, 40, 80, 160], 0.333, historical_sizes=[None, 200, 50, 20],
        n_simulations=4000, seed=1,
    )  # fmt: skip
    assert time.perf_counter() - start < 1.0


@pytest.mark.parametrize(
    ("arguments", "names"),
    [
        ({"n_patients": 0}, "n_patients"),
        ({"n_patients": -3}, "n_patients"),
        ({"n_patients": 2.5}, "n_patients"),
        ({"n_patients": True}, "n_patients"),
        ({"benchmark_rate": 0.0}, "benchmark_rate"),
        ({"benchmark_rate": 1.0}, "benchmark_rate"),
        ({"benchmark_rate": 33.3}, "benchmark_rate"),
        ({"benchmark_rate": -0.1}, "benchmark_rate"),
        ({"benchmark_rate": "0.3"}, "benchmark_rate"),
        ({"benchmark_rate": float("nan")}, "benchmark_rate"),
        ({"historical_n": 0}, "historical_n"),
        ({"between_study_sd": -0.1}, "between_study_sd"),
        ({"selection_odds_ratio": 0}, "selection_odds_ratio"),
        ({"alpha": 1.5}, "alpha"),
        ({"n_simulations": 0}, "n_simulations"),
        ({"seed": -1}, "seed"),
    ],
)
def test_bad_inputs_raise_messages_naming_the_argument(arguments, names):
    call = {"n_patients": 20, "benchmark_rate": 0.333, "seed": 1} | arguments
    with pytest.raises(simulation.SimulationInputError, match=names):
        simulation.false_success_rate(**call)


def test_percentages_are_refused_with_a_hint():
    with pytest.raises(simulation.SimulationInputError, match="write 33% as 0.33"):
        simulation.false_success_rate(20, 33.3, seed=1)


# ------------------------------------------------------------------ subgroups and exclusions


def test_subgroups_of_a_useless_treatment_match_the_independent_tests_formula():
    # Disjoint subgroups give independent tests, so P(at least one P ≤ 0.05) = 1 - 0.95^k.
    for k in (1, 3, 6):
        result = simulation.subgroup_chance(k, 60, n_simulations=40_000, seed=k)
        expected = 1 - 0.95**k
        assert abs(result.any_significant - expected) < 4 * math.sqrt(
            expected * (1 - expected) / 40_000
        )
        # a "benefit" is one side of the two-sided test: 1 - 0.975^k
        assert abs(result.any_benefit - (1 - 0.975**k)) < 0.01


def test_the_interaction_test_keeps_its_five_percent_whatever_the_common_effect():
    for effect in (0.0, 0.6):
        result = simulation.subgroup_chance(4, 60, effect=effect, n_simulations=40_000, seed=9)
        assert abs(result.interaction - 0.05) < 0.007
    assert math.isnan(simulation.subgroup_chance(1, 20, n_simulations=100, seed=1).interaction)


def test_a_real_common_effect_often_looks_like_it_works_in_one_subgroup_only():
    # Power of each subgroup's t test from the noncentral t; mixed = 1 - p^2 - (1 - p)^2.
    from scipy.stats import nct, t

    m, effect = 20, 0.6
    df, delta = 2 * m - 2, effect / math.sqrt(2 / m)
    critical = t.ppf(0.975, df)
    power = nct.sf(critical, df, delta) + nct.cdf(-critical, df, delta)
    result = simulation.subgroup_chance(2, 2 * m, effect=effect, n_simulations=40_000, seed=4)
    assert abs(result.mixed - (1 - power**2 - (1 - power) ** 2)) < 0.012
    assert result.mixed > 0.4  # a uniform effect, yet "works in one subgroup only" is common


def test_subgroup_grid_is_reproducible_and_adds_the_formula():
    grid = simulation.subgroup_grid([1, 2, 5], 27, n_simulations=2000, seed=3)
    assert list(grid["k_subgroups"]) == [1, 2, 5]
    assert grid["independent_any"].round(6).tolist() == [0.05, 0.0975, round(1 - 0.95**5, 6)]
    pd.testing.assert_frame_equal(
        grid, simulation.subgroup_grid([1, 2, 5], 27, n_simulations=2000, seed=3)
    )


@pytest.mark.parametrize(
    ("call", "words"),
    [
        (lambda: simulation.subgroup_chance(10, 15, seed=1), "leaves 1 patient"),
        (lambda: simulation.subgroup_chance(0, 15, seed=1), "k_subgroups"),
        (lambda: simulation.subgroup_chance(2, 15, effect="big", seed=1), "effect"),
        (lambda: simulation.subgroup_grid([], 15, seed=1), "k_values"),
        (lambda: simulation.exclusion_trial(50, frail_share=40, seed=1), "frail_share"),
        (lambda: simulation.exclusion_trial(0, seed=1), "n_per_arm"),
    ],
)
def test_subgroup_and_exclusion_inputs_are_named_when_wrong(call, words):
    with pytest.raises(simulation.SimulationInputError, match=words):
        call()


def test_exclusion_trial_treats_every_placebo_patient_and_is_seeded():
    trial = simulation.exclusion_trial(300, seed=5)
    assert len(trial) == 600 and trial["patient"].is_unique
    assert trial.loc[trial["arm"] == "placebo", "treated"].all()
    assert not trial.loc[trial["arm"] == "cells", "treated"].all()
    pd.testing.assert_frame_equal(trial, simulation.exclusion_trial(300, seed=5))


def test_per_protocol_flatters_useless_cells_and_intention_to_treat_does_not():
    # Averaged over many seeded trials: ITT centred on 0, per-protocol biased upwards by the
    # amount the assumptions imply (computed here by hand from the default shares).
    itt, pp = [], []
    for seed in range(300):
        trial = simulation.exclusion_trial(200, seed=seed)
        rates = trial.groupby("arm")["good_outcome"].mean()
        treated = trial[trial["treated"]].groupby("arm")["good_outcome"].mean()
        itt.append(rates["cells"] - rates["placebo"])
        pp.append(treated["cells"] - treated["placebo"])
    fit_treated, frail_treated = 0.5 * 0.95, 0.5 * 0.5
    pp_cells = (fit_treated * 0.7 + frail_treated * 0.2) / (fit_treated + frail_treated)
    assert abs(sum(itt) / len(itt)) < 0.01
    assert abs(sum(pp) / len(pp) - (pp_cells - 0.45)) < 0.01


def test_exclusion_expected_is_the_hand_arithmetic_of_the_assumptions():
    expected = simulation.exclusion_expected()
    assert expected["placebo"] == pytest.approx(0.45)  # 0.5 × 0.7 + 0.5 × 0.2
    assert expected["cells_itt"] == pytest.approx(0.45)
    assert expected["cells_per_protocol"] == pytest.approx((0.475 * 0.7 + 0.25 * 0.2) / 0.725)
    assert expected["untreated_share"] == pytest.approx(0.275)
    # no frailty-linked exclusion: per protocol is unbiased too
    same = simulation.exclusion_expected(untreated_if_frail=0.05)
    assert same["cells_per_protocol"] == pytest.approx(same["placebo"])
    with pytest.raises(simulation.SimulationInputError, match="unknown assumption"):
        simulation.exclusion_expected(frailty=0.3)
