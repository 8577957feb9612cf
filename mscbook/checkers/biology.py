"""Checkers of the Biology part's coding exercises (see `mscbook.checkers`).

Every message is a sentence that starts with a capital and names what is wrong in the student's
answer (the kind of criterion, the name at fault), never the answer itself.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from numbers import Real

import pandas as pd

from mscbook.checkers import (
    WAITING,
    Feedback,
    checker,
    combine,
    count,
    not_answered,
    quoted,
    shown,
)
from mscbook.widgets import dose, isct

#: How the feedback names each category of `isct_criteria`, and where to look for it.
CATEGORY_HINTS = {
    "surface_marker": (
        "surface-marker criterion",
        "surface-marker criteria",
        "compare each marker's value in `batch` with its threshold in `criteria`",
    ),
    "differentiation": (
        "differentiation criterion",
        "differentiation criteria",
        "look again at which lineages the batch differentiated into",
    ),
    "culture": (
        "culture criterion",
        "culture criteria",
        "look again at how the batch behaved in culture",
    ),
}


def ids(items) -> str:
    """Criterion ids for a sentence: 'a', 'a' and 'b', 'a', 'b' and 'c'."""
    shown_ids = [quoted(item) for item in sorted(items)]
    if len(shown_ids) == 1:
        return shown_ids[0]
    return ", ".join(shown_ids[:-1]) + " and " + shown_ids[-1]


@checker("ex-msc-isct-code")
def check_isct_failing_criteria(namespace: Mapping[str, object]) -> Feedback:
    """`ex-msc-isct-code`: `failed` (criterion ids the batch fails) and `hla_dr_limit` (a %)."""

    criteria, batch = namespace.get("criteria"), namespace.get("batch")
    if not isinstance(criteria, pd.DataFrame) or not isinstance(batch, Mapping):
        return Feedback(
            False,
            "The data `criteria` or `batch` is missing or was changed. Run the cells above from "
            "the top (Kernel, Restart and run all) and keep those two names for the data.",
        )
    answers = {name: namespace.get(name, ...) for name in ("failed", "hla_dr_limit")}
    waiting = [name for name, value in answers.items() if value is ...]
    if len(waiting) == len(answers):
        return not_answered()
    problems: list[str] = []
    if answers["failed"] is not ...:
        expected = isct.evaluate_sample(
            criteria, batch, ["osteoblast", "adipocyte"], plastic_adherent=True
        ).failed
        problems += _judge_failed(answers["failed"], set(expected), criteria)
    if answers["hla_dr_limit"] is not ...:
        problem = _judge_hla_dr_limit(answers["hla_dr_limit"], criteria, batch)
        problems += [problem] if problem else []
    problems += [
        f"Your `{name}` is still `...`: replace it with your answer and run the answer cell."
        for name in waiting
    ]
    if not problems:
        return Feedback(True, "Both answers match the criteria table.")
    if len(problems) == 1:
        done = [name for name in answers if name not in waiting]
        message = problems[0]
        if waiting and done:
            message += f" Your `{done[0]}` is right."
        return Feedback(False, message)
    return Feedback(False, f"{count(len(problems))} things to fix:", points=tuple(problems))


def _judge_failed(value: object, expected: set[str], criteria: pd.DataFrame) -> list[str]:
    """What is wrong with `value` as the list of failing criterion ids (empty if nothing)."""

    if isinstance(value, isct.IsctResult):
        return [
            "Your `failed` holds the whole result of `evaluate_sample`; take its `.failed` "
            "attribute, the list of criterion ids that failed."
        ]
    if isinstance(value, str) or not isinstance(value, list | tuple | set | pd.Series | pd.Index):
        return [
            "Your `failed` should be a list of criterion ids such as `['cd105']`, not "
            f"{type(value).__name__} `{shown(value):.40}`."
        ]
    items = list(value)
    not_text = [item for item in items if not isinstance(item, str)]
    if not_text:
        return [
            "Every item of `failed` should be a criterion id (text) such as `'cd105'`; it "
            f"holds `{shown(not_text[0])}` ({type(not_text[0]).__name__})."
        ]
    known = set(criteria["criterion_id"])
    markers = set(criteria["marker"].dropna())
    if any(item in markers and item not in known for item in items):
        return [
            "Your `failed` lists marker names; use the ids in the table's `criterion_id` column "
            "(such as `'cd105'`), which is what `evaluate_sample(...).failed` gives."
        ]
    unknown = set(items) - known
    if unknown:
        noun = "criterion id" if len(unknown) == 1 else "criterion ids"
        return [f"The `criteria` table has no {noun} {ids(unknown)}; check the spelling."]
    got = set(items)
    problems = []
    extra = got - expected
    if extra:
        pronoun = "it does" if len(extra) == 1 else "they do"
        problems.append(f"The batch passes {ids(extra)}, so {pronoun} not belong in `failed`.")
    categories = criteria.set_index("criterion_id")["category"]
    missing = expected - got
    for category, (one, several, hint) in CATEGORY_HINTS.items():
        n = sum(categories[item] == category for item in missing)
        if n:
            kind, verb = (one, "is") if n == 1 else (several, "are")
            problems.append(f"{count(n)} failing {kind} {verb} missing from `failed`: {hint}.")
    return problems


def _judge_hla_dr_limit(value: object, criteria: pd.DataFrame, batch: Mapping) -> str | None:
    """None if `value` is the HLA-DR threshold from the table, else what is wrong with it."""
    if isinstance(value, pd.Series | pd.DataFrame):
        if value.size == 1:
            return (
                "Your `hla_dr_limit` is a pandas object holding one value; take the number "
                "itself, for example with `.item()`."
            )
        return f"Your `hla_dr_limit` holds {value.size} values; select the `hla_dr` row only."
    if isinstance(value, str):
        return (
            f"Your `hla_dr_limit` is text ({quoted(value)}); it should be a number, read from the "
            "`threshold_percent` column."
        )
    if isinstance(value, bool) or not isinstance(value, Real):
        return f"Your `hla_dr_limit` should be a number, not {type(value).__name__}."
    number = float(value)
    if math.isnan(number):
        return (
            "Your `hla_dr_limit` is NaN (not a number), read from an empty cell: criteria "
            "without a threshold (culture, differentiation) have none."
        )
    by_id = criteria.set_index("criterion_id")
    thresholds = by_id["threshold_percent"]
    limit = float(thresholds["hla_dr"])
    if math.isclose(number, limit):
        return None
    if math.isclose(number, 100 - limit):
        return (
            "Your `hla_dr_limit` is the smallest share of HLA-DR-negative cells; the question "
            "asks for the largest percentage of HLA-DR-positive cells."
        )
    if math.isclose(number, float(batch.get("hla_dr", math.nan))):
        return (
            "Your `hla_dr_limit` is the batch's measured HLA-DR value, not the limit the "
            "criteria allow."
        )
    positive = thresholds[by_id["direction"] == "positive"].dropna().astype(float)
    if any(math.isclose(number, other) for other in positive):
        return (
            "Your `hla_dr_limit` is the threshold of the positive markers; HLA-DR is a negative "
            "criterion with its own row."
        )
    if not 0 <= number <= 100:
        return f"Your `hla_dr_limit` of {number:g} is not a percentage of cells (0–100)."
    return (
        f"Your `hla_dr_limit` of {number:g}% is not the HLA-DR limit: read `threshold_percent` "
        "from the row whose `criterion_id` is `'hla_dr'`."
    )


# --- Tissue sources and manufacturing chapters (appended; the code above is unchanged) ---


def _number(value: object, name: str) -> tuple[float | None, str | None]:
    """(the number, None) if `value` is one plain number, else (None, what is wrong with it)."""
    if value is ...:
        return None, WAITING
    if isinstance(value, pd.Series | pd.DataFrame):
        if value.size == 1:
            return None, (
                f"`{name}` is a pandas object holding one value; take the number itself, "
                "for example with `.item()`."
            )
        return None, f"`{name}` holds {value.size} values; it should be one number."
    if isinstance(value, str):
        return None, f"`{name}` is text ({quoted(value, 30)}); it should be a number."
    if isinstance(value, bool) or not isinstance(value, Real):
        return None, f"`{name}` should be a number, not {type(value).__name__}."
    number = float(value)
    if math.isnan(number):
        return None, f"`{name}` is NaN (not a number): you read an empty cell of the table."
    return number, None


def _close(number: float, target: float) -> bool:
    return math.isclose(number, target, rel_tol=1e-3)


def _sources_frame(namespace: Mapping[str, object]) -> pd.DataFrame | None:
    sources = namespace.get("sources")
    required = {"finding_id", "tissue", "parameter", "value_low"}
    if not isinstance(sources, pd.DataFrame) or not required <= set(sources.columns):
        return None
    return sources


@checker("ex-sources-doublings-code")
def check_placenta_doubling_ratio(namespace: Mapping[str, object]) -> Feedback:
    """`ex-sources-doublings-code`: `ratio`, first-trimester placenta over adult bone marrow
    cumulative population doublings in Sung 2010, and `gap`, their difference."""

    sources = _sources_frame(namespace)
    if sources is None:
        return Feedback(
            False,
            "The table `sources` is missing or was changed. Run the cells above from the top "
            "and keep the name `sources` for the msc_sources table.",
        )
    answers = {name: namespace.get(name, ...) for name in ("ratio", "gap")}
    if all(value is ... for value in answers.values()):
        return not_answered()
    by_id = sources.set_index("finding_id")["value_low"].astype(float)
    first, term, marrow = (
        by_id["sung2010_cpd_first_trimester"],
        by_id["sung2010_cpd_term"],
        by_id["sung2010_cpd_bm"],
    )
    verdicts: dict[str, str | None] = {}
    ratio, problem = _number(answers["ratio"], "ratio")
    if problem:
        verdicts["ratio"] = problem
    elif _close(ratio, first / marrow):
        verdicts["ratio"] = None
    elif _close(ratio, marrow / first):
        verdicts["ratio"] = (
            "`ratio` is upside down: divide the placental doublings by the bone-marrow ones."
        )
    elif _close(ratio, term / marrow):
        verdicts["ratio"] = (
            "`ratio` uses the term placentas; the question asks about first-trimester ones."
        )
    elif _close(ratio, first - marrow):
        verdicts["ratio"] = "`ratio` is a difference; the ratio divides one value by the other."
    elif _close(ratio, 100 * first / marrow):
        verdicts["ratio"] = "`ratio` is a percentage; give the plain ratio (how many times)."
    else:
        verdicts["ratio"] = (
            "`ratio` does not match the Sung 2010 rows: select them by `finding_id` and divide "
            "their `value_low`."
        )
    gap, problem = _number(answers["gap"], "gap")
    if problem:
        verdicts["gap"] = problem
    elif _close(gap, first - marrow):
        verdicts["gap"] = None
    elif _close(gap, marrow - first):
        verdicts["gap"] = (
            "`gap` has the wrong sign: subtract the bone-marrow value from the placental one."
        )
    elif _close(gap, first - term):
        verdicts["gap"] = (
            "`gap` compares the two placentas; the question compares placenta with bone marrow."
        )
    elif _close(gap, first / marrow):
        verdicts["gap"] = "`gap` is a ratio; the gap is a difference in population doublings."
    else:
        verdicts["gap"] = (
            "`gap` does not match the Sung 2010 rows: subtract their `value_low` values."
        )
    return combine(verdicts, praise="Both answers match the data.")


#: The case of exercise ex-dose-plan-code (hypothetical inputs, stated in the chapter).
DOSE_CASE = {"weight_kg": 70, "starting_cells": 1e7, "doubling_time_hours": 48}


@checker("ex-dose-plan-code")
def check_dose_plan(namespace: Mapping[str, object]) -> Feedback:
    """`ex-dose-plan-code`: `cells_needed` and `days` for one 70-kg patient at the high dose
    of Fernandez 2018, read from `arms` (trial_arms), from 10^7 cells doubling every 48 h."""

    arms = namespace.get("arms")
    if not isinstance(arms, pd.DataFrame) or "dose_value" not in arms.columns:
        return Feedback(
            False,
            "The table `arms` is missing or was changed. Run the cells above from the top and "
            "keep the name `arms` for the trial_arms table.",
        )
    answers = {name: namespace.get(name, ...) for name in ("cells_needed", "days")}
    if all(value is ... for value in answers.values()):
        return not_answered()
    fernandez = arms[arms["trial_id"] == "fernandez2018"].set_index("arm_id")
    high, low = (
        float(fernandez.loc["high", "dose_value"]),
        float(fernandez.loc["low", "dose_value"]),
    )
    high_n = int(fernandez.loc["high", "n"])
    weight, start = DOSE_CASE["weight_kg"], DOSE_CASE["starting_cells"]
    expected_cells = high * 1e6 * weight
    doublings = math.log2(expected_cells / start)
    expected_days = doublings * DOSE_CASE["doubling_time_hours"] / 24

    verdicts: dict[str, str | None] = {}
    cells, problem = _number(answers["cells_needed"], "cells_needed")
    if problem:
        verdicts["cells_needed"] = problem
    elif _close(cells, expected_cells):
        verdicts["cells_needed"] = None
    elif _close(cells, high * weight):
        verdicts["cells_needed"] = (
            "`cells_needed` is short by a factor of a million: the table gives doses in "
            "×10^6 cells/kg (see `dose_unit`)."
        )
    elif _close(cells, high * 1e6):
        verdicts["cells_needed"] = (
            "`cells_needed` is the dose for one kilogram: multiply by the patient's weight."
        )
    elif _close(cells, expected_cells * high_n):
        verdicts["cells_needed"] = (
            "`cells_needed` covers the whole arm; the question asks for one patient (autologous "
            "cells: each patient's batch is grown separately)."
        )
    elif _close(cells, low * 1e6 * weight):
        verdicts["cells_needed"] = (
            "`cells_needed` uses the low-dose arm; the question asks for the high dose."
        )
    else:
        verdicts["cells_needed"] = (
            "`cells_needed` does not match: dose (cells/kg) × weight (kg), for one infusion."
        )
    value, problem = _number(answers["days"], "days")
    if problem:
        verdicts["days"] = problem
    elif _close(value, expected_days):
        verdicts["days"] = None
    elif _close(value, expected_days * 24):
        verdicts["days"] = "`days` is in hours: divide by 24."
    elif _close(value, doublings):
        verdicts["days"] = (
            "`days` is the number of doublings; multiply by the doubling time (in days)."
        )
    elif _close(value, math.log2(expected_cells * high_n / start) * 2):
        verdicts["days"] = "`days` was planned for the whole arm; plan one patient."
    elif _close(value, math.log2(low * 1e6 * weight / start) * 2):
        verdicts["days"] = "`days` uses the low-dose arm; the question asks for the high dose."
    else:
        verdicts["days"] = (
            "`days` does not match: take the culture time in days from `plan_dose` with the "
            "stated inputs."
        )
    return combine(verdicts, praise="Both answers match the data.")


#: The case of the integrative exercise ex-dose-aspirate-code (a hypothetical plan, stated in
#: the chapter): one adult donor's aspirate supplies a small allogeneic bank.
ASPIRATE_CASE = {
    "aspirate_ml": 30,
    "patients": 10,
    "weight_kg": 70,
    "injections": 2,
    "dose_per_kg": 2e6,
}


@checker("ex-dose-aspirate-code")
def check_dose_from_aspirate(namespace: Mapping[str, object]) -> Feedback:
    """`ex-dose-aspirate-code`: `founders` (colony-forming cells in the aspirate), `doublings`
    (from the founders to the whole plan) and `lifespan_used` (doublings / the marrow lifespan in
    `sources`, a fraction), with the adult CFU-F frequency and the estimated cells per mL."""
    sources = _sources_frame(namespace)
    if sources is None:
        return Feedback(
            False,
            "The table `sources` is missing or was changed. Run the cells above from the top "
            "and keep the name `sources` for the msc_sources table.",
        )
    names = ("founders", "doublings", "lifespan_used")
    answers = {name: namespace.get(name, ...) for name in names}
    if all(value is ... for value in answers.values()):
        return not_answered()
    by_id = sources.set_index("finding_id")["value_low"]
    case = ASPIRATE_CASE
    per_ml = dose.nucleated_cells_per_ml(sources)
    adult, alp, child = (
        float(by_id["kuznetsov2009_cfe_adult"]),
        float(by_id["muschler1997_alp_cfu_frequency"]),
        float(by_id["kuznetsov2009_cfe_child"]),
    )
    founders = case["aspirate_ml"] * per_ml * adult / 100
    one_patient = case["dose_per_kg"] * case["weight_kg"] * case["injections"]
    total = one_patient * case["patients"]
    doublings = math.log2(total / founders)
    lifespan = dose.doubling_limit(sources)
    sung = float(by_id["sung2010_cpd_bm"])

    verdicts: dict[str, str | None] = {}
    value, problem = _number(answers["founders"], "founders")
    if problem:
        verdicts["founders"] = problem
    elif _close(value, founders):
        verdicts["founders"] = None
    elif _close(value, founders * 100):
        verdicts["founders"] = (
            "`founders` is a hundred times too large: the table gives colony-forming cells as a "
            "percentage of nucleated cells (see `unit`); divide by 100."
        )
    elif _close(value, case["aspirate_ml"] * per_ml * alp / 100):
        verdicts["founders"] = (
            "`founders` uses the osteoprogenitor (alkaline phosphatase) colonies of Muschler "
            "1997; the exercise asks for the adult CFU-F frequency of Kuznetsov 2009."
        )
    elif _close(value, case["aspirate_ml"] * per_ml * child / 100):
        verdicts["founders"] = (
            "`founders` uses the colony frequency of child donors; the donor here is an adult, "
            "and the table has a separate row for adult marrow."
        )
    elif _close(value, per_ml * adult / 100):
        verdicts["founders"] = "`founders` is for one millilitre: multiply by the aspirate volume."
    else:
        verdicts["founders"] = (
            "`founders` does not match: volume (mL) × nucleated cells per mL × colony-forming "
            "fraction of nucleated cells."
        )
    value, problem = _number(answers["doublings"], "doublings")
    if problem:
        verdicts["doublings"] = problem
    elif _close(value, doublings):
        verdicts["doublings"] = None
    elif _close(value, math.log2(one_patient / founders)):
        verdicts["doublings"] = "`doublings` plans one patient; the bank supplies all of them."
    elif _close(value, math.log2(total / 1e7)):
        verdicts["doublings"] = (
            "`doublings` starts from 10^7 cultured cells; start from the aspirate's founders."
        )
    elif _close(value, total / founders):
        verdicts["doublings"] = (
            "`doublings` is the fold expansion; a doubling count is its base-2 logarithm."
        )
    else:
        verdicts["doublings"] = (
            "`doublings` does not match: log2(cells for the whole plan / founders)."
        )
    value, problem = _number(answers["lifespan_used"], "lifespan_used")
    if problem:
        verdicts["lifespan_used"] = problem
    elif _close(value, doublings / lifespan):
        verdicts["lifespan_used"] = None
    elif _close(value, 100 * doublings / lifespan):
        verdicts["lifespan_used"] = (
            "`lifespan_used` looks like a percentage; give it as a fraction (0.5 for half)."
        )
    elif _close(value, doublings / sung):
        verdicts["lifespan_used"] = (
            "`lifespan_used` divides by Sung 2010's marrow count, a tally over one study's "
            "culture period, not an end point; divide by the lifespan row (Bruder 1997)."
        )
    elif _close(value, lifespan / doublings):
        verdicts["lifespan_used"] = "`lifespan_used` is upside down: doublings over the lifespan."
    else:
        verdicts["lifespan_used"] = (
            "`lifespan_used` does not follow from your doublings and the lifespan in the table."
        )
    return combine(verdicts, praise="All three answers match the data.")
