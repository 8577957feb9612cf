"""The acute GvHD checkers: reference answers pass, typical wrong answers get coaching.

Hand-checked inputs: MSB-GVHD001 38 of 54 children responded at day 28 (16 complete + 22
partial, from the FDA's 30% and 41% of 54); REACH2's control arm responded at 39%, its
ruxolitinib arm at 62% (Zeiser 2020). The exact interval and the test threshold are recomputed
here with scipy (beta quantiles, binomtest), not with mscbook.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.stats import beta, binomtest

from mscbook import checkers, simulation

EVENTS, TOTAL, CONTROL, TREATED = 38, 54, 39.0, 62.0
LOW = 100 * beta.ppf(0.025, EVENTS, TOTAL - EVENTS + 1)
HIGH = 100 * beta.ppf(0.975, EVENTS + 1, TOTAL - EVENTS)
CI = {
    "response_percent": 100 * EVENTS / TOTAL,
    "ci_low": LOW,
    "ci_high": HIGH,
    "control_percent": CONTROL,
    "above_control": True,
    "shows_cells_work": False,
}


def exact_ci(**names) -> checkers.Feedback:
    return checkers.check("ex-gvhd-exact-ci", dict.fromkeys(CI, ...) | names)


def needed_by_hand() -> int:
    return next(
        k
        for k in range(TOTAL + 1)
        if binomtest(k, TOTAL, CONTROL / 100, alternative="greater").pvalue <= 0.05
    )


def threshold_answers() -> dict[str, object]:
    share = simulation.false_success_rate(
        TOTAL, CONTROL / 100, selection_odds_ratio=2.0, alpha=0.05, n_simulations=10_000, seed=7
    ).false_success_rate
    needed = needed_by_hand()
    return {
        "needed": needed,
        "clears": needed <= EVENTS,
        "false_success": share,
        "above_alpha": share > 0.05,
    }


def threshold(**names) -> checkers.Feedback:
    empty = dict.fromkeys(("needed", "clears", "false_success", "above_alpha"), ...)
    return checkers.check("ex-gvhd-threshold", empty | names)


def test_both_checkers_are_registered():
    registered = checkers.registered()
    assert registered["ex-gvhd-exact-ci"].name == "exact_ci"
    assert registered["ex-gvhd-threshold"].name == "threshold"


def test_the_hand_computed_interval_lies_above_the_control_rate():
    assert LOW > CONTROL and HIGH < 100


def test_exact_ci_reference_answer_passes():
    assert exact_ci(**CI).passed
    rounded = {k: round(v, 1) if isinstance(v, float) else v for k, v in CI.items()}
    assert exact_ci(**rounded).passed
    assert exact_ci(**(CI | {"above_control": np.bool_(True)})).passed


def test_exact_ci_untouched_is_not_answered():
    assert not exact_ci().answered


def wald(sign: int) -> float:
    share = EVENTS / TOTAL
    return 100 * (share + sign * 1.959964 * math.sqrt(share * (1 - share) / TOTAL))


@pytest.mark.parametrize(
    ("names", "says"),
    [
        ({"response_percent": EVENTS / TOTAL}, "looks like a proportion"),
        ({"response_percent": 65.1}, "divide its events by its total"),
        ({"ci_low": LOW / 100}, "multiply by 100"),
        ({"ci_low": wald(-1)}, "normal-approximation (Wald)"),
        ({"ci_high": wald(+1)}, "normal-approximation (Wald)"),
        ({"ci_high": 99.0}, "is not a bound of the exact 95% interval"),
        ({"control_percent": TREATED}, "ruxolitinib arm"),
        ({"control_percent": 0.39}, "looks like a proportion"),
        ({"control_percent": "39"}, "should be a number"),
        ({"above_control": False}, "lower bound"),
        ({"above_control": "yes"}, "should be True or False"),
    ],
)
def test_exact_ci_wrong_answers_get_distinct_feedback(names, says):
    feedback = exact_ci(**(CI | names))
    assert not feedback.passed
    assert says in str(feedback)


def test_claiming_the_cells_work_is_coached_not_answered():
    feedback = exact_ci(**(CI | {"shows_cells_work": True}))
    assert not feedback.passed
    assert "who was enrolled" in str(feedback)
    assert "False" not in str(feedback)


def test_threshold_reference_answer_passes():
    answers = threshold_answers()
    assert answers["clears"] and answers["above_alpha"]
    assert threshold(**answers).passed
    assert threshold(**(answers | {"false_success": round(answers["false_success"], 3)})).passed


@pytest.mark.parametrize(
    ("change", "says"),
    [
        ({"needed": math.ceil(TOTAL * CONTROL / 100)}, "only the count expected"),
        ({"needed": 40}, "simulation.critical_count"),
        ({"needed": 30.5}, "whole number"),
        ({"clears": False}, "Compare the study's responders"),
        ({"false_success": 12.0}, "share from 0 to 1"),
        ({"false_success": 0.9}, "settings the exercise gives"),
        ({"above_alpha": False}, "Compare the simulated share"),
    ],
)
def test_threshold_wrong_answers_get_distinct_feedback(change, says):
    feedback = threshold(**(threshold_answers() | change))
    assert not feedback.passed
    assert says in str(feedback)


def test_forgetting_the_selection_bias_is_named():
    unbiased = simulation.false_success_rate(
        TOTAL, CONTROL / 100, alpha=0.05, n_simulations=10_000, seed=7
    ).false_success_rate
    feedback = threshold(**(threshold_answers() | {"false_success": unbiased}))
    assert not feedback.passed
    assert "selection_odds_ratio" in str(feedback)
