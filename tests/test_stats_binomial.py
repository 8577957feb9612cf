"""The exact (Clopper-Pearson) interval of one proportion, against values computed independently.

Reference values: 4/5 -> 0.2836-0.9949 and 0/10 -> 0-0.3085 are the published Clopper-Pearson
intervals (e.g. the tables of exact binomial limits in standard texts); at 0 and n events the
interval has a closed form, 1 - (alpha/2)^(1/n) and (alpha/2)^(1/n), used here as a second,
independent check; otherwise the limits are beta quantiles (Clopper and Pearson 1934).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.stats import beta

from mscbook import stats


@pytest.mark.parametrize(
    ("events", "n", "low", "high"),
    [(4, 5, 0.2836, 0.9949), (0, 10, 0.0, 0.3085), (1, 2, 0.0126, 0.9874)],
)
def test_published_clopper_pearson_values(events, n, low, high):
    got = stats.exact_binomial_ci(events, n)
    assert got == pytest.approx((low, high), abs=5e-5)


@pytest.mark.parametrize("n", [1, 5, 17, 40])
def test_all_or_none_match_the_closed_form(n):
    edge = 0.025 ** (1 / n)
    assert stats.exact_binomial_ci(0, n) == pytest.approx((0.0, 1 - edge))
    assert stats.exact_binomial_ci(n, n) == pytest.approx((edge, 1.0))


@pytest.mark.parametrize(("events", "n", "level"), [(3, 9, 0.95), (12, 30, 0.9), (7, 7, 0.99)])
def test_limits_are_the_beta_quantiles(events, n, level):
    alpha = 1 - level
    low = 0.0 if events == 0 else beta.ppf(alpha / 2, events, n - events + 1)
    high = 1.0 if events == n else beta.ppf(1 - alpha / 2, events + 1, n - events)
    assert stats.exact_binomial_ci(events, n, level) == pytest.approx((low, high))


def test_the_interval_holds_the_estimate_and_narrows_with_n():
    low5, high5 = stats.exact_binomial_ci(4, 5)
    low50, high50 = stats.exact_binomial_ci(40, 50)
    assert low5 < 0.8 < high5 and low50 < 0.8 < high50
    assert high50 - low50 < high5 - low5


def test_whole_floats_and_numpy_counts_are_accepted():
    assert stats.exact_binomial_ci(4.0, np.int64(5)) == stats.exact_binomial_ci(4, 5)


@pytest.mark.parametrize(
    ("events", "n", "level", "message"),
    [
        (6, 5, 0.95, "cannot exceed n"),
        (-1, 5, 0.95, "0 or more"),
        (2.5, 5, 0.95, "whole number of patients"),
        (0, 0, 0.95, "at least 1"),
        (math.nan, 5, 0.95, "missing"),
        ("4", 5, 0.95, "must be a whole number"),
        (True, 5, 0.95, "must be a whole number"),
        (4, 5, 95, "between 0 and 1"),
        (4, 5, 0, "between 0 and 1"),
    ],
)
def test_bad_input_gets_a_clear_message(events, n, level, message):
    with pytest.raises(stats.BinomialError, match=message):
        stats.exact_binomial_ci(events, n, level)
