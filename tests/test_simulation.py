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
