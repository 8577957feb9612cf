"""Checkers of the systemic sclerosis chapter's coding exercises (see `mscbook.checkers`).

Expected answers are computed from `data/` at check time (the criteria table, Zhang 2017's rows),
so a corrected fact corrects the check.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping

import pandas as pd

from mscbook import data
from mscbook.checkers import (
    WAITING,
    Feedback,
    checker,
    combine,
    flag_verdict,
    number_answer,
    quoted,
    shown,
    trial_name,
)
from mscbook.widgets.ssc_criteria import score_patient

#: The patient of exercise ex-ssc-classify, as item ids of data/ssc_criteria.csv. The chapter's
#: exercise text describes her in words; this set is the reading of that description.
CASE_ITEMS = frozenset(
    {
        "raynaud_phenomenon",
        "puffy_fingers",
        "sclerodactyly",
        "digital_tip_ulcers",
        "fingertip_pitting_scars",
        "abnormal_nailfold_capillaries",
        "anti_topoisomerase_i",
    }
)
ZHANG_BASELINE = "zhang2017_mrss_baseline"
ZHANG_12M = "zhang2017_mrss_12m"


def _number(name: str, value: object) -> float | str:
    """The answer as a float, or what is wrong with it (WAITING while it is still `...`)."""
    return number_answer(name, value)


# ------------------------------------------------------------------------ ex-ssc-classify


@checker("ex-ssc-classify")
def check_classify(namespace: Mapping[str, object]) -> Feedback:
    """`patient_items` (item ids present in the described patient), `total` (her score) and
    `classified` (whether she meets the criteria)."""
    names = ("patient_items", "total", "classified")
    answers = {name: namespace.get(name, ...) for name in names}
    criteria = data.load("ssc_criteria")
    expected = score_patient(criteria, sorted(CASE_ITEMS))
    verdicts = {
        "patient_items": _judge_items(answers["patient_items"], criteria),
        "total": _judge_total(answers["total"], expected.total, criteria),
        "classified": _judge_classified(answers["classified"], expected.classified),
    }
    return combine(verdicts, "The items, the score and the verdict all match the criteria.")


def _judge_items(value: object, criteria: pd.DataFrame) -> str | None:
    if value is ...:
        return WAITING
    if isinstance(value, str) or not isinstance(value, Iterable):
        return f"`patient_items` should be a list of item ids, not {type(value).__name__}."
    items = list(value)
    if any(not isinstance(item, str) for item in items):
        return "every entry of `patient_items` should be an item id (text) from `criteria`."
    got = set(items)
    unknown = sorted(got - set(criteria["item_id"]))
    if unknown:
        return (
            f"Not item ids of `criteria`: {', '.join(quoted(item) for item in unknown)}; copy "
            "them from its `item_id` column."
        )
    if got == CASE_ITEMS:
        return None
    problems = []
    if "skin_thickening_proximal_to_mcp" in got:
        problems.append(
            "the thickening in the description stops short of the knuckles (the MCP joints), so "
            "the sufficient item does not apply."
        )
    lung = got & {"interstitial_lung_disease", "pulmonary_arterial_hypertension"}
    if lung:
        problems.append("her CT and echocardiogram were normal: leave out the lung items.")
    others = sorted(got - CASE_ITEMS - lung - {"skin_thickening_proximal_to_mcp"})
    if others:
        problems.append(f"{others} are not in the description.")
    missing = CASE_ITEMS - got
    if missing:
        domains = criteria.set_index("item_id").loc[sorted(missing), "item"]
        problems.append(
            f"{len(missing)} finding(s) of the description are missing (among them: "
            f"{', '.join(sorted(set(domains)))}); tick every finding, even in a domain "
            "that already scores."
        )
    return " ".join(problems)


def _judge_total(value: object, expected: int, criteria: pd.DataFrame) -> str | None:
    number = _number("total", value)
    if isinstance(number, str):
        return number
    if number == expected:
        return None
    points = criteria.set_index("item_id")["points"]
    if number == int(points[sorted(CASE_ITEMS)].sum()):
        return (
            f"a `total` of {shown(number)} adds every item; within a domain only the item with "
            "the most points counts."
        )
    return (
        f"a `total` of {shown(number)} is not her score: pass her items to `score_patient` and "
        "read its `total`."
    )


def _judge_classified(value: object, expected: bool) -> str | None:
    hint = "`classified` does not follow from the score: 9 points or more classify."
    return flag_verdict("classified", value, expected, hint)


# ---------------------------------------------------------------------- ex-ssc-zhang-mrss


@checker("ex-ssc-zhang-mrss")
def check_zhang_mrss(namespace: Mapping[str, object]) -> Feedback:
    """`mrss_change` (12-month mean mRSS minus baseline mean, Zhang 2017), `largest_mid` (the
    largest published minimal important difference of the mRSS, `mid_high` in
    data/outcome_measures.csv), `exceeds_every_mid` (the fall is larger than it) and
    `attributable_to_msc` (whether the change can be credited to the MSCs)."""
    names = ("mrss_change", "largest_mid", "exceeds_every_mid", "attributable_to_msc")
    answers = {name: namespace.get(name, ...) for name in names}
    rows = data.load("trial_outcomes").set_index("outcome_id")
    baseline, month12 = rows.loc[ZHANG_BASELINE], rows.loc[ZHANG_12M]
    mids = data.load("outcome_measures").query("measure == 'mrss'")
    largest = float(mids["mid_high"].max())
    fall = float(baseline["value"]) - float(month12["value"])
    verdicts = {
        "mrss_change": _judge_change(answers["mrss_change"], baseline, month12, rows),
        "largest_mid": _judge_largest_mid(answers["largest_mid"], mids),
        "exceeds_every_mid": _judge_exceeds(answers["exceeds_every_mid"], fall > largest),
        "attributable_to_msc": _judge_attributable(answers["attributable_to_msc"]),
    }
    return combine(
        verdicts,
        "All four answers are right. Now defend the verdict in words: what does the size of the "
        "fall tell you, and what does it not?",
    )


def _judge_largest_mid(value: object, mids: pd.DataFrame) -> str | None:
    number = _number("largest_mid", value)
    if isinstance(number, str):
        return number
    if math.isclose(number, float(mids["mid_high"].max()), abs_tol=0.005):
        return None
    if any(math.isclose(number, float(low), abs_tol=0.005) for low in mids["mid_low"]):
        return (
            "that is the low end of an estimate (`mid_low`); the largest published MID is the "
            "biggest `mid_high` among the skin-score rows of `measures`."
        )
    if any(math.isclose(number, float(high), abs_tol=0.005) for high in mids["mid_high"]):
        return (
            "that is one estimate's `mid_high`, but not the largest: take the maximum over all "
            "the skin-score rows of `measures`."
        )
    return (
        f"{shown(number)} is not a minimal important difference of the skin score: look at "
        "the `mid_high` column of the rows of `measures` whose `measure` is the mRSS."
    )


def _judge_exceeds(value: object, expected: bool) -> str | None:
    return flag_verdict(
        "exceeds_every_mid",
        value,
        expected,
        "look again at `exceeds_every_mid`: compare the size of the fall (a positive number of "
        "points, the change without its minus sign) with `largest_mid`.",
    )


def _judge_change(
    value: object, baseline: pd.Series, month12: pd.Series, rows: pd.DataFrame
) -> str | None:
    number = _number("mrss_change", value)
    if isinstance(number, str):
        return number
    change = float(month12["value"]) - float(baseline["value"])
    # Tight tolerance: the Nanjing cohort's 5-year change (-6.29) is 0.01 away from this one.
    if math.isclose(number, change, abs_tol=0.005):
        return None
    if math.isclose(number, -change, abs_tol=0.05):
        return (
            "your `mrss_change` has the wrong sign: subtract the baseline mean from the 12-month "
            "mean (a fall in skin score is a negative change)."
        )
    if math.isclose(number, 100 * change / float(baseline["value"]), abs_tol=0.5):
        return "that is a percentage change; the question asks for the change in points."
    if math.isclose(number, float(month12["sd"]) - float(baseline["sd"]), abs_tol=0.05):
        return "that is the change in the standard deviation (`sd`); use the means (`value`)."
    cohort = rows[(rows["trial_id"] == "alip2024") & (rows["outcome"] == "mrss")]
    cohort_start = float(cohort["value"].iloc[0])  # the cohort's baseline row comes first
    cohort_changes = [float(later) - cohort_start for later in cohort["value"].iloc[1:]]
    if any(math.isclose(abs(number), abs(other), abs_tol=0.05) for other in cohort_changes):
        return (
            f"that comes from the Nanjing 5-year cohort ({trial_name('alip2024')}); use Zhang "
            "2017's rows: mean mRSS at baseline and at 12 months."
        )
    return (
        f"{shown(number)} is not the change: take the `value` of Zhang 2017's 12-month mRSS row "
        "minus the `value` of its baseline row."
    )


def _judge_attributable(value: object) -> str | None:
    # Coach, do not give the verdict away: point at what else could have moved the score.
    return flag_verdict(
        "attributable_to_msc",
        value,
        False,
        "look again at `attributable_to_msc`: which other treatments did every patient receive "
        "(plasmapheresis and cyclophosphamide), and was there a group without MSCs to show what "
        "the skin does over 12 months anyway?",
    )
