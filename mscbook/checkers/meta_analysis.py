"""Checkers of the meta-analysis chapter's coding exercises (see `mscbook.checkers`).

The expected answers are computed from the tables in the student's namespace (`bcg`, the BCG
trials; `zero_example`, the invented zero-event studies) with `mscbook.stats`, so a student who
reloads the data gets the same check.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping

import pandas as pd

from mscbook import stats
from mscbook.checkers import WAITING, Feedback, checker, combine, not_answered

BCG_COLUMNS = {"study", "events_vaccinated", "n_vaccinated", "events_control", "n_control"}
ZERO_COLUMNS = {"study", "events_treat", "n_treat", "events_control", "n_control"}
METHOD_WORDS = {
    "fixed": "the fixed-effect (inverse-variance) method",
    "dl": "DerSimonian-Laird random effects",
    "pm": "Paule-Mandel random effects",
}
PLURALS = {"RR": "risk ratios", "OR": "odds ratios", "RD": "risk differences",
           "MD": "mean differences", "SMD": "standardised mean differences"}  # fmt: skip
TOLERANCE = 1e-6


def _table(namespace: Mapping[str, object], name: str, columns: set[str]) -> pd.DataFrame | None:
    table = namespace.get(name)
    if isinstance(table, pd.DataFrame) and set(table.columns) >= columns:
        return table
    return None


def _missing(name: str, how: str) -> Feedback:
    return Feedback(
        False,
        f"`{name}` is missing or was changed: run the cells above from the top (Kernel, Restart "
        f"and run all) and keep that name for {how}.",
    )


def _not_pooled(name: str, value: object, function: str) -> str:
    if isinstance(value, float | int):
        return (
            f"`{name}` is a single number; keep the whole result of `stats.{function}(...)`, "
            "which also holds the interval, tau² and the study table."
        )
    return f"`{name}` should be the result of `stats.{function}(...)`, not {type(value).__name__}."


# ---------------------------------------------------------------- BCG: random-effects risk ratio


@checker("ex-meta-bcg-pool")
def check_bcg_random_effects(namespace: Mapping[str, object]) -> Feedback:
    """`ex-meta-bcg-pool`: `bcg_pooled`, the DerSimonian-Laird pooled risk ratio of the 13 trials
    (vaccinated over control)."""
    bcg = _table(namespace, "bcg", BCG_COLUMNS)
    if bcg is None:
        return _missing("bcg", "`data.load('bcg_trials')`")
    value = namespace.get("bcg_pooled", ...)
    if value is ...:
        return not_answered()
    if not isinstance(value, stats.Pooled):
        return Feedback(False, _not_pooled("bcg_pooled", value, "pool_risk_ratios"))
    if value.measure != "RR":
        return Feedback(
            False,
            f"you pooled {PLURALS[value.measure]}; the question asks for risk ratios "
            "(`stats.pool_risk_ratios`).",
        )
    if value.method != "dl":
        return Feedback(
            False,
            f"you used {METHOD_WORDS[value.method]}; the question asks for DerSimonian-Laird "
            'random effects (`method="dl"`, the default).',
        )
    if value.k != len(bcg):
        return Feedback(False, f"you pooled {value.k} trials; use all {len(bcg)} rows of `bcg`.")
    expected = stats.pool_risk_ratios(
        bcg["events_vaccinated"], bcg["n_vaccinated"], bcg["events_control"], bcg["n_control"]
    )
    if math.isclose(value.estimate, expected.estimate, abs_tol=TOLERANCE):
        return Feedback(
            True,
            f"the pooled risk ratio is {value.rr:.2f} (95% CI {value.ci_low:.2f} to "
            f"{value.ci_high:.2f}): vaccinated people had about half the risk of tuberculosis.",
        )
    if math.isclose(value.estimate, -expected.estimate, abs_tol=TOLERANCE):
        return Feedback(
            False,
            "your risk ratio is above 1: the control group went in first. Give the vaccinated "
            "group's events and totals first, then the control group's.",
        )
    return Feedback(
        False,
        "the pooled estimate differs from the one these counts give. Pass, in this order, "
        "`events_vaccinated`, `n_vaccinated`, `events_control`, `n_control`: totals, not the "
        "people without tuberculosis.",
    )


# ---------------------------------------------------------------- zero events: RR versus RD


def _expected_zero(table: pd.DataFrame, function) -> stats.Pooled:
    with warnings.catch_warnings():  # the student saw the warnings; the checker need not
        warnings.simplefilter("ignore", stats.ZeroCellWarning)
        return function(
            table["events_treat"], table["n_treat"], table["events_control"], table["n_control"],
            studies=table["study"],
        )  # fmt: skip


def _zero_verdict(name: str, value: object, expected: stats.Pooled, function: str) -> str | None:
    if value is ...:
        return WAITING
    if not isinstance(value, stats.Pooled):
        return _not_pooled(name, value, function)
    if value.measure != expected.measure:
        return f"`{name}` is a pooled {stats.MEASURE_NAMES[value.measure]}; use `stats.{function}`."
    if value.k != expected.k:
        if expected.measure == "RD":
            return (
                f"`{name}` pools {value.k} studies. A study with no events in either arm says "
                "nothing about a ratio, but a risk difference of 0 is information: keep it."
            )
        return f"`{name}` pools {value.k} studies; pass all rows of `zero_example`."
    if not math.isclose(value.estimate, expected.estimate, abs_tol=TOLERANCE):
        return (
            f"`{name}` has the right studies but another estimate: keep the default method "
            "and continuity correction, and give the treatment arm first."
        )
    return None


@checker("ex-meta-zero-events")
def check_zero_event_pooling(namespace: Mapping[str, object]) -> Feedback:
    """`ex-meta-zero-events`: `zero_rr` and `zero_rd`, the pooled risk ratio and risk difference
    of `zero_example` (whose third study has no events in either arm)."""
    table = _table(namespace, "zero_example", ZERO_COLUMNS)
    if table is None:
        return _missing("zero_example", "the invented example")
    rr = _expected_zero(table, stats.pool_risk_ratios)
    rd = _expected_zero(table, stats.pool_risk_differences)
    verdicts = {
        "zero_rr": _zero_verdict("zero_rr", namespace.get("zero_rr", ...), rr, "pool_risk_ratios"),
        "zero_rd": _zero_verdict(
            "zero_rd", namespace.get("zero_rd", ...), rd, "pool_risk_differences"
        ),
    }
    return combine(
        verdicts,
        praise=(
            f"The risk ratio pools {rr.k} studies (the double-zero study is left out); the risk "
            f"difference keeps all {rd.k}."
        ),
    )
