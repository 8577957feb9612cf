"""Checkers of the multiple sclerosis chapter's coding exercises (see `mscbook.checkers`).

Expected answers are computed from `data/` at check time, so a corrected fact corrects the check.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import pandas as pd

from mscbook import data
from mscbook.checkers import (
    WAITING,
    Feedback,
    checker,
    combine,
    flag_verdict,
    number_answer,
    trial_ids_answer,
    trial_name,
    trial_names,
)
from mscbook.stats import pool_risk_differences
from mscbook.tables import MSC_FAMILY, label
from mscbook.widgets.trials import filter_trials

DISEASE = "multiple_sclerosis"
#: Petrou 2020's primary result rows: treatment failure at 6 months (first definition).
FAILURE_ROWS = {
    "it": "petrou2020_failure_it",
    "iv": "petrou2020_failure_iv",
    "sham": "petrou2020_failure_sham",
}
SECOND_DEFINITION = {"it": "petrou2020_failure_def2_it", "sham": "petrou2020_failure_def2_sham"}
#: How far a proportion may be from the exact one: rounding the table's percentages is fine.
TOLERANCE = 0.001


def _proportion(name: str, value: object) -> float | str:
    """The answer as a float, or what is wrong with it."""
    return number_answer(name, value)


def _risks(outcomes: pd.DataFrame, rows: Mapping[str, str]) -> dict[str, float]:
    table = outcomes.set_index("outcome_id")
    return {
        arm: float(table.loc[row, "events"]) / float(table.loc[row, "total"])
        for arm, row in rows.items()
    }


def _close(a: float, b: float) -> bool:
    return math.isclose(a, b, abs_tol=TOLERANCE)


# ------------------------------------------------------------- ex-ms-petrou-risk-difference


@checker("ex-ms-petrou-risk-difference")
def check_petrou_risk_difference(namespace: Mapping[str, object]) -> Feedback:
    """`risk_it`, `risk_sham` (proportions of treatment failure at 6 months in Petrou 2020),
    `risk_difference` (intrathecal minus sham, as a proportion), `rd_ci_low` and `rd_ci_high`
    (its 95% CI from `stats.pool_risk_differences` with one study, method "fixed") and
    `rules_out_no_difference` (the interval excludes 0)."""
    names = (
        "risk_it",
        "risk_sham",
        "risk_difference",
        "rd_ci_low",
        "rd_ci_high",
        "rules_out_no_difference",
    )
    answers = {name: namespace.get(name, ...) for name in names}
    outcomes = data.load("trial_outcomes")
    risks = _risks(outcomes, FAILURE_ROWS)
    second = _risks(outcomes, SECOND_DEFINITION)
    interval = _interval(outcomes)
    verdicts = {
        "risk_it": _judge_risk("risk_it", answers["risk_it"], risks, second, "it"),
        "risk_sham": _judge_risk("risk_sham", answers["risk_sham"], risks, second, "sham"),
        "risk_difference": _judge_difference(answers["risk_difference"], risks, second),
        "rd_ci_low": _judge_ci_end("rd_ci_low", answers["rd_ci_low"], interval, 0),
        "rd_ci_high": _judge_ci_end("rd_ci_high", answers["rd_ci_high"], interval, 1),
        "rules_out_no_difference": _judge_rules_out(answers["rules_out_no_difference"], interval),
    }
    return combine(
        verdicts,
        "All six answers match the counts in the data. Now say in words what the interval "
        "leaves out, and what the crossover does to that conclusion.",
    )


def _interval(outcomes: pd.DataFrame) -> tuple[float, float]:
    """The 95% CI of the intrathecal-minus-sham risk difference, as the exercise computes it."""
    table = outcomes.set_index("outcome_id")
    it, sham = table.loc[FAILURE_ROWS["it"]], table.loc[FAILURE_ROWS["sham"]]
    result = pool_risk_differences(
        [int(it["events"])], [int(it["total"])], [int(sham["events"])], [int(sham["total"])],
        method="fixed",
    )  # fmt: skip
    return result.ci_low, result.ci_high


def _judge_ci_end(name: str, value: object, interval: tuple[float, float], end: int) -> str | None:
    number = _proportion(name, value)
    if isinstance(number, str):
        return number
    expected = interval[end]
    # The CI is reported to 2-3 decimals; half a percentage point covers any rounding.
    if math.isclose(number, expected, abs_tol=0.005):
        return None
    if math.isclose(number / 100, expected, abs_tol=0.005):
        return f"`{name}` looks like percentage points; give it as a difference of proportions."
    if math.isclose(number, -interval[1 - end], abs_tol=0.005):
        return (
            f"`{name}` has the sign of sham minus intrathecal; pass the intrathecal counts "
            "first, then the sham counts."
        )
    if math.isclose(number, interval[1 - end], abs_tol=0.005):
        return "`rd_ci_low` and `rd_ci_high` are swapped: the lower end is the smaller number."
    which = "lower" if end == 0 else "upper"
    return (
        f"`{name}` ({number:g}) is not the {which} end of the 95% CI: pass the intrathecal and "
        "sham counts, each in a one-item list, to `stats.pool_risk_differences` with "
        '`method="fixed"` and read its `ci_low` and `ci_high`.'
    )


def _judge_rules_out(value: object, interval: tuple[float, float]) -> str | None:
    return flag_verdict(
        "rules_out_no_difference",
        value,
        interval[1] < 0 or interval[0] > 0,
        "look again at `rules_out_no_difference`: no difference is a risk difference of 0, so "
        "the question is whether 0 lies between `rd_ci_low` and `rd_ci_high`.",
    )


def _judge_risk(
    name: str, value: object, risks: dict[str, float], second: dict[str, float], arm: str
) -> str | None:
    number = _proportion(name, value)
    if isinstance(number, str):
        return number
    expected = risks[arm]
    if _close(number, expected):
        return None
    if _close(number / 100, expected):
        return f"`{name}` looks like a percentage; give a proportion between 0 and 1."
    if _close(number, second[arm]):
        return (
            f"`{name}` comes from the second treatment-failure definition; use the primary "
            "definition's rows (treatment failure at 6 months)."
        )
    if arm == "it" and _close(number, risks["iv"]):
        return "`risk_it` is the intravenous arm's risk; the question asks for the intrathecal arm."
    if _close(number, 1 - expected):
        return f"`{name}` is the share *without* treatment failure; divide `events` by `total`."
    arm_words = {"it": "intrathecal", "iv": "intravenous", "sham": "sham"}[arm]
    return (
        f"`{name}` ({number:g}) is not `events / total` of the {arm_words} arm's row for "
        "treatment failure at 6 months (the primary definition)."
    )


def _judge_difference(
    value: object, risks: dict[str, float], second: dict[str, float]
) -> str | None:
    number = _proportion("risk_difference", value)
    if isinstance(number, str):
        return number
    expected = risks["it"] - risks["sham"]
    if _close(number, expected):
        return None
    if _close(number, -expected):
        return (
            "`risk_difference` has the wrong sign: subtract the sham arm's risk from the "
            "intrathecal arm's (a negative difference means fewer failures with cells)."
        )
    if _close(number / 100, expected):
        return "`risk_difference` is in percentage points; give it as a difference of proportions."
    if _close(number, risks["iv"] - risks["sham"]):
        return "`risk_difference` compares the intravenous arm with sham; use the intrathecal arm."
    if _close(number, second["it"] - second["sham"]):
        return (
            "`risk_difference` uses the second treatment-failure definition; use the primary one."
        )
    if risks["sham"] and _close(number, risks["it"] / risks["sham"]):
        return "`risk_difference` is a ratio of the risks; the question asks for their difference."
    return f"`risk_difference` ({number:g}) is not the intrathecal risk minus the sham risk."


# ---------------------------------------------------------------- ex-ms-randomised-primary


@checker("ex-ms-randomised-primary")
def check_randomised_primary(namespace: Mapping[str, object]) -> Feedback:
    """`randomised_ids` (randomised MS trials of MSC-family products) and `met_ids` (those whose
    primary endpoint was met, by `primary_results`)."""
    answers = {name: namespace.get(name, ...) for name in ("randomised_ids", "met_ids")}
    trials = data.load("trials")
    expected = set(
        filter_trials(trials, disease_area=DISEASE, randomised=True, product_type=list(MSC_FAMILY))[
            "trial_id"
        ]
    )
    # imported here: mscbook.figures imports Matplotlib (0.5 s), which no other checker needs, and
    # the build loads every checker to check that each exercise names one
    from mscbook.figures.diseases import primary_results

    results = primary_results(data.load("trial_outcomes"), trials, data.load("trial_arms"), DISEASE)
    verdicts = results.drop_duplicates("trial_id").set_index("trial_id")["verdict"]
    met = set(verdicts.index[verdicts == "met"])
    verdicts_all = {
        "randomised_ids": _judge_randomised(answers["randomised_ids"], expected, trials),
        "met_ids": _judge_met(answers["met_ids"], met, expected, verdicts, trials),
    }
    return combine(verdicts_all, "Both answers match the trials and their primary results.")


def _ids(name: str, value: object) -> set[str] | str:
    return trial_ids_answer(name, value, unanswered=WAITING)


def _unknown_or_other_disease(name: str, got: set[str], trials: pd.DataFrame) -> str | None:
    info = trials.set_index("trial_id")
    unknown = sorted(got - set(info.index))
    if unknown:
        return f"{trial_names(unknown)} in `{name}`: not trial ids in the `trials` table."
    other = sorted(item for item in got if info.loc[item, "disease_area"] != DISEASE)
    if other:
        return f"{trial_names(other)} in `{name}`: not multiple sclerosis trials."
    # A randomised comparator (e.g. stem-cell transplantation) is the likeliest slip: say why it
    # is out before any other reason.
    comparators = sorted(item for item in got if info.loc[item, "product_type"] not in MSC_FAMILY)
    if comparators:
        what = ", ".join(
            sorted(
                {
                    label("product_type", info.loc[item, "product_type"])
                    .removeprefix("Comparator: ")
                    .lower()
                    for item in comparators
                }
            )
        )
        return (
            f"{trial_names(comparators)} in `{name}`: tested {what}, a comparator, not an "
            "MSC treatment; keep only the product types `'msc'`, `'msc_like'` and "
            "`'msc_derived'`."
        )
    return None


def _judge_randomised(value: object, expected: set[str], trials: pd.DataFrame) -> str | None:
    got = _ids("randomised_ids", value)
    if isinstance(got, str):
        return got
    problem = _unknown_or_other_disease("randomised_ids", got, trials)
    if problem:
        return problem
    if got == expected:
        return None
    info = trials.set_index("trial_id")
    problems = []
    extra = sorted(got - expected)
    if extra:
        problems.append(
            f"{trial_names(extra)}: not randomised (single-arm or before/after studies); a trial "
            "counts "
            "only if `randomised` is True."
        )
    missing = expected - got
    kinds = {"msc_derived": "MSC-derived products", "msc_like": "an MSC-like product"}
    for kind, words in kinds.items():
        chosen = sorted(item for item in missing if info.loc[item, "product_type"] == kind)
        if chosen:
            problems.append(
                f"{trial_names(chosen)} tested {words}, which the question includes: allow all "
                "three product types (`'msc'`, `'msc_like'` and `'msc_derived'`)."
            )
    plain = {item for item in missing if info.loc[item, "product_type"] not in kinds}
    if plain:
        problems.append(f"{len(plain)} randomised MSC trial(s) are missing from `randomised_ids`.")
    return " ".join(problems)


def _judge_met(
    value: object,
    met: set[str],
    randomised: set[str],
    verdicts: pd.Series,
    trials: pd.DataFrame,
) -> str | None:
    got = _ids("met_ids", value)
    if isinstance(got, str):
        return got
    problem = _unknown_or_other_disease("met_ids", got, trials)
    if problem:
        return problem
    if got == met:
        return None
    problems = []
    not_randomised = sorted(got - randomised)
    if not_randomised:
        problems.append(
            f"{trial_names(not_randomised)} in `met_ids`: not randomised; an uncontrolled study "
            "cannot "
            "meet a comparative primary endpoint."
        )
    for item in sorted((got & randomised) - met):
        if item not in verdicts.index:
            problems.append(
                f"{trial_name(item)} has no primary efficacy result in the data (its primary "
                "endpoint was safety): it did not show a benefit."
            )
        elif verdicts[item] == "not met":
            problems.append(
                f"{trial_name(item)} reported a P value of 0.05 or more (or a CI that includes 1) "
                "for its primary endpoint: not met."
            )
        elif verdicts[item] == "not met (authors)":
            problems.append(
                f"{trial_name(item)}: its authors report no difference on the primary endpoint "
                "(the data hold no P value): not met."
            )
        else:
            problems.append(
                f"{trial_name(item)} reported no test for its primary endpoint, so the data do not "
                "show that it was met."
            )
    if met - got:
        problems.append(
            f"{len(met - got)} trial(s) that met the primary endpoint are missing from `met_ids`."
        )
    return " ".join(problems)
