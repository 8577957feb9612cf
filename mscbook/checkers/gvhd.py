"""Checkers of the acute graft-versus-host disease chapter's coding exercises (see
`mscbook.checkers`).

Expected answers are computed from `data/` at check time (MSB-GVHD001's day-28 response,
REACH2's control arm), so a corrected fact corrects the check.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from mscbook import data, simulation
from mscbook.checkers import (
    Feedback,
    checker,
    combine,
    flag_verdict,
    number_answer,
    shown,
)
from mscbook.stats import exact_binomial_ci

#: MSB-GVHD001's day-28 overall response and REACH2's arms (data/trial_outcomes.csv).
SINGLE_ARM = "kurtzberg2020_or_d28"
CONTROL_ARM = "zeiser2020_or_d28_bat"
TREATED_ARM = "zeiser2020_or_d28_rux"
#: The simulation settings the exercise text fixes.
ALPHA = 0.05
SELECTION_ODDS_RATIO = 2.0
SIMULATIONS = 10_000
SEED = 7
#: Percentages may be rounded to one decimal; simulated shares to two.
PERCENT_TOLERANCE = 0.06
SHARE_TOLERANCE = 0.005


def _rows() -> dict[str, dict[str, object]]:
    table = data.load("trial_outcomes").set_index("outcome_id")
    return {key: table.loc[key].to_dict() for key in (SINGLE_ARM, CONTROL_ARM, TREATED_ARM)}


def _close(a: float, b: float, tolerance: float = PERCENT_TOLERANCE) -> bool:
    return math.isclose(a, b, abs_tol=tolerance)


# ------------------------------------------------------------------------- ex-gvhd-exact-ci


@checker("ex-gvhd-exact-ci")
def check_exact_ci(namespace: Mapping[str, object]) -> Feedback:
    """`response_percent`, `ci_low`, `ci_high` (MSB-GVHD001's day-28 overall response and its
    exact 95% CI, in %), `control_percent` (REACH2's control arm, %), `above_control` (the whole
    interval lies above it) and `shows_cells_work` (whether that comparison shows the cells
    caused the responses)."""
    names = (
        "response_percent",
        "ci_low",
        "ci_high",
        "control_percent",
        "above_control",
        "shows_cells_work",
    )
    answers = {name: namespace.get(name, ...) for name in names}
    rows = _rows()
    events, total = int(rows[SINGLE_ARM]["events"]), int(rows[SINGLE_ARM]["total"])
    percent = 100 * events / total
    low, high = (100 * bound for bound in exact_binomial_ci(events, total))
    control = float(rows[CONTROL_ARM]["value"])
    verdicts = {
        "response_percent": _judge_percent(answers["response_percent"], percent),
        "ci_low": _judge_bound("ci_low", answers["ci_low"], low, events, total),
        "ci_high": _judge_bound("ci_high", answers["ci_high"], high, events, total),
        "control_percent": _judge_control(
            answers["control_percent"], control, float(rows[TREATED_ARM]["value"])
        ),
        "above_control": _judge_above(answers["above_control"], low > control),
        "shows_cells_work": _judge_cells(answers["shows_cells_work"]),
    }
    return combine(verdicts, "The rate, its exact interval and the comparison are all right.")


def _judge_percent(value: object, expected: float) -> str | None:
    number = number_answer("response_percent", value)
    if isinstance(number, str):
        return number
    if _close(number, expected):
        return None
    if _close(100 * number, expected):
        return "`response_percent` looks like a proportion; give it in percent (times 100)."
    return (
        f"a `response_percent` of {shown(number)} is not the day-28 overall response of the "
        f"row `{SINGLE_ARM}`: divide its `events` by its `total`."
    )


def _judge_bound(name: str, value: object, expected: float, events: int, total: int) -> str | None:
    number = number_answer(name, value)
    if isinstance(number, str):
        return number
    if _close(number, expected):
        return None
    if _close(100 * number, expected):
        return (
            f"`{name}` looks like a proportion; `exact_binomial_ci` returns proportions, so "
            "multiply by 100."
        )
    share = events / total
    wald = 1.959964 * math.sqrt(share * (1 - share) / total)
    if _close(number, 100 * (share - wald), 0.3) or _close(number, 100 * (share + wald), 0.3):
        return (
            f"`{name}` is close to the normal-approximation (Wald) bound; use the exact "
            "(Clopper-Pearson) interval from `stats.exact_binomial_ci`."
        )
    return f"a `{name}` of {shown(number)} is not a bound of the exact 95% interval of that count."


def _judge_control(value: object, control: float, treated: float) -> str | None:
    number = number_answer("control_percent", value)
    if isinstance(number, str):
        return number
    if _close(number, control):
        return None
    if _close(number, treated):
        return "that is REACH2's ruxolitinib arm; the comparison needs its control arm."
    if _close(100 * number, control):
        return "`control_percent` looks like a proportion; give it in percent."
    return f"a `control_percent` of {shown(number)} is not REACH2's control-arm response at day 28."


def _judge_above(value: object, expected: bool) -> str | None:
    return flag_verdict(
        "above_control",
        value,
        expected,
        "compare the interval's lower bound with the control rate: is the whole interval above it?",
    )


def _judge_cells(value: object) -> str | None:
    return flag_verdict(
        "shows_cells_work",
        value,
        False,
        "an interval above another trial's control arm is not a comparison within one trial: "
        "think about who was enrolled in each (ages, grades, how refractoriness was defined, "
        "earlier treatments) and what the control patients received.",
    )


# ------------------------------------------------------------------------ ex-gvhd-threshold


@checker("ex-gvhd-threshold")
def check_threshold(namespace: Mapping[str, object]) -> Feedback:
    """`needed` (the smallest number of responders of MSB-GVHD001's size whose one-sided exact
    test against REACH2's control rate gives P <= 0.05), `clears` (MSB-GVHD001's responders
    reach it), `false_success` (share of simulated studies of an ineffective treatment declared
    a success when the study's patients have twice the odds of response of the benchmark's) and
    `above_alpha` (that share exceeds 0.05)."""
    names = ("needed", "clears", "false_success", "above_alpha")
    answers = {name: namespace.get(name, ...) for name in names}
    rows = _rows()
    events, total = int(rows[SINGLE_ARM]["events"]), int(rows[SINGLE_ARM]["total"])
    rate = float(rows[CONTROL_ARM]["value"]) / 100
    needed = simulation.critical_count(total, rate, ALPHA)
    shifted = simulation.false_success_rate(
        total,
        rate,
        selection_odds_ratio=SELECTION_ODDS_RATIO,
        alpha=ALPHA,
        n_simulations=SIMULATIONS,
        seed=SEED,
    ).false_success_rate
    verdicts = {
        "needed": _judge_needed(answers["needed"], needed, total, rate),
        "clears": _judge_clears(answers["clears"], events >= needed),
        "false_success": _judge_share(answers["false_success"], shifted, total, rate),
        "above_alpha": _judge_above_alpha(answers["above_alpha"], shifted > ALPHA),
    }
    return combine(verdicts, "The threshold, the verdict and the simulated share are all right.")


def _judge_needed(value: object, expected: int, total: int, rate: float) -> str | None:
    number = number_answer("needed", value)
    if isinstance(number, str):
        return number
    if number == expected:
        return None
    if not float(number).is_integer():
        return "`needed` is a number of patients: a whole number."
    if number == math.ceil(total * rate):
        return (
            "that is only the count expected at the control rate; a test needs more responders "
            "than that before chance becomes an unlikely explanation."
        )
    return (
        f"{shown(number)} responders is not the threshold: use `simulation.critical_count` "
        "with the study's size, the control rate as a proportion and alpha 0.05."
    )


def _judge_clears(value: object, expected: bool) -> str | None:
    return flag_verdict("clears", value, expected, "compare the study's responders with `needed`.")


def _judge_share(value: object, expected: float, total: int, rate: float) -> str | None:
    number = number_answer("false_success", value)
    if isinstance(number, str):
        return number
    if _close(number, expected, SHARE_TOLERANCE):
        return None
    if number > 1:
        return "`false_success` is a share from 0 to 1, not a percentage."
    unbiased = simulation.false_success_rate(
        total, rate, alpha=ALPHA, n_simulations=SIMULATIONS, seed=SEED
    ).false_success_rate
    if _close(number, unbiased, SHARE_TOLERANCE):
        return (
            "that is the share when the study's patients are like the benchmark's; the exercise "
            "asks for patients with twice the odds of response (`selection_odds_ratio`)."
        )
    return (
        "that is not the simulated share: call `simulation.false_success_rate` with the "
        "settings the exercise gives (size, control rate, odds ratio, alpha, simulations, seed) "
        "and read `.false_success_rate`."
    )


def _judge_above_alpha(value: object, expected: bool) -> str | None:
    hint = "compare the simulated share with alpha, 0.05."
    return flag_verdict("above_alpha", value, expected, hint)
