"""Checkers of the Biology part's coding exercises (see `mscbook.checkers`)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from numbers import Real

import pandas as pd

from mscbook.checkers import NOT_ANSWERED, Feedback, checker, not_answered
from mscbook.widgets import isct


@checker("ex-msc-isct-code")
def check_isct_failing_criteria(namespace: Mapping[str, object]) -> Feedback:
    """`ex-msc-isct-code`: `failed` (criterion ids the batch fails) and `hla_dr_limit` (a %)."""

    criteria, batch = namespace.get("criteria"), namespace.get("batch")
    if not isinstance(criteria, pd.DataFrame) or not isinstance(batch, Mapping):
        return Feedback(
            False,
            "`criteria` or `batch` is missing or was changed: run the cells above from the top "
            "(Kernel, Restart and run all) and keep those two names for the data.",
        )
    answers = {name: namespace.get(name, ...) for name in ("failed", "hla_dr_limit")}
    if all(value is ... for value in answers.values()):
        return not_answered()
    expected = isct.evaluate_sample(
        criteria, batch, ["osteoblast", "adipocyte"], plastic_adherent=True
    ).failed
    by_id = criteria.set_index("criterion_id")
    parts = [
        _judge_failed(answers["failed"], set(expected), criteria),
        _judge_hla_dr_limit(answers["hla_dr_limit"], by_id, batch),
    ]
    if all(part is None for part in parts):
        return Feedback(True, "both answers match the criteria table.")
    if any(part == NOT_ANSWERED for part in parts):
        missing = [name for name, part in zip(answers, parts, strict=True) if part == NOT_ANSWERED]
        problems = [part for part in parts if part and part != NOT_ANSWERED]
        message = f"`{'`, `'.join(missing)}` still `...`. " + " ".join(problems)
        return Feedback(False, message.strip(), answered=bool(problems) or len(missing) < 2)
    return Feedback(False, " ".join(part for part in parts if part))


def _judge_failed(value: object, expected: set[str], criteria: pd.DataFrame) -> str | None:
    """None if `value` lists exactly the failing criterion ids, else what is wrong with it."""

    if value is ...:
        return NOT_ANSWERED
    if isinstance(value, isct.IsctResult):
        return (
            "`failed` holds the whole result of `evaluate_sample`; take its `.failed` attribute, "
            "the list of criterion ids that failed."
        )
    if isinstance(value, str) or not isinstance(value, list | tuple | set | pd.Series | pd.Index):
        return (
            "`failed` should be a list of criterion ids such as ['cd105'], "
            f"not {type(value).__name__} {value!r:.40}."
        )
    items = list(value)
    not_text = [item for item in items if not isinstance(item, str)]
    if not_text:
        return (
            "every item of `failed` should be a criterion id (text) such as 'cd105'; "
            f"found {not_text[0]!r} ({type(not_text[0]).__name__})."
        )
    ids = set(criteria["criterion_id"])
    markers = set(criteria["marker"].dropna())
    if any(item in markers and item not in ids for item in items):
        return (
            "`failed` lists marker names; use the ids in the table's `criterion_id` column "
            "(such as 'cd105'), which is what `evaluate_sample(...).failed` gives."
        )
    unknown = sorted(set(items) - ids)
    if unknown:
        return f"{unknown} are not criterion ids in the `criteria` table."
    got = set(items)
    if got == expected:
        return None
    missing, extra = expected - got, got - expected
    categories = criteria.set_index("criterion_id")["category"]
    problems = []
    if extra:
        problems.append(f"{sorted(extra)} passed, so they do not belong in `failed`.")
    if missing and all(categories[item] != "surface_marker" for item in missing) and not extra:
        problems.append(
            "your surface markers are right, but a criterion of another kind also fails: "
            "look again at which lineages the batch differentiated into."
        )
    elif missing:
        problems.append(
            f"{len(missing)} failing criterion(s) are missing from `failed`: check every "
            "criterion, not only the markers, or use `evaluate_sample(...).failed`."
        )
    return " ".join(problems)


def _judge_hla_dr_limit(value: object, by_id: pd.DataFrame, batch: Mapping) -> str | None:
    """None if `value` is the HLA-DR threshold from the table, else what is wrong with it."""
    if value is ...:
        return NOT_ANSWERED
    if isinstance(value, pd.Series | pd.DataFrame):
        if value.size == 1:
            return (
                "`hla_dr_limit` is a pandas object holding one value; take the number itself, "
                "for example with `.item()`."
            )
        return f"`hla_dr_limit` holds {value.size} values; select the `hla_dr` row only."
    if isinstance(value, str):
        return (
            f"`hla_dr_limit` is text ({value!r}); it should be a number, read from the "
            "`threshold_percent` column."
        )
    if isinstance(value, bool) or not isinstance(value, Real):
        return f"`hla_dr_limit` should be a number, not {type(value).__name__}."
    number = float(value)
    if math.isnan(number):
        return (
            "`hla_dr_limit` is NaN (not a number): you read an empty cell; criteria without a "
            "threshold (culture, differentiation) have none."
        )
    thresholds = by_id["threshold_percent"]
    limit = float(thresholds["hla_dr"])
    if math.isclose(number, limit):
        return None
    if math.isclose(number, 100 - limit):
        return (
            "that is the smallest share of HLA-DR-negative cells; the question asks for the "
            "largest percentage of HLA-DR-positive cells."
        )
    if math.isclose(number, float(batch.get("hla_dr", math.nan))):
        return "that is the batch's measured HLA-DR value, not the limit the criteria allow."
    directions = by_id["direction"]
    positive = thresholds[directions == "positive"].dropna().astype(float)
    if any(math.isclose(number, other) for other in positive):
        return (
            "that is the threshold of the positive markers; HLA-DR is a negative criterion with "
            "its own row."
        )
    if not 0 <= number <= 100:
        return f"{number:g} is not a percentage of cells (0–100)."
    return (
        f"{number:g}% is not the HLA-DR limit: read `threshold_percent` from the row whose "
        "`criterion_id` is 'hla_dr'."
    )


# --- Tissue sources and manufacturing chapters (appended; the code above is unchanged) ---


def _number(value: object, name: str) -> tuple[float | None, str | None]:
    """(the number, None) if `value` is one plain number, else (None, what is wrong with it)."""
    if value is ...:
        return None, NOT_ANSWERED
    if isinstance(value, pd.Series | pd.DataFrame):
        if value.size == 1:
            return None, (
                f"`{name}` is a pandas object holding one value; take the number itself, "
                "for example with `.item()`."
            )
        return None, f"`{name}` holds {value.size} values; it should be one number."
    if isinstance(value, str):
        return None, f"`{name}` is text ({value!r:.30}); it should be a number."
    if isinstance(value, bool) or not isinstance(value, Real):
        return None, f"`{name}` should be a number, not {type(value).__name__}."
    number = float(value)
    if math.isnan(number):
        return None, f"`{name}` is NaN (not a number): you read an empty cell of the table."
    return number, None


def _close(number: float, target: float) -> bool:
    return math.isclose(number, target, rel_tol=1e-3)


def _combine(parts: dict[str, str | None]) -> Feedback:
    """One Feedback from per-answer verdicts (None = right, NOT_ANSWERED, or a message)."""
    if all(part is None for part in parts.values()):
        return Feedback(True, "all answers match the data.")
    missing = [name for name, part in parts.items() if part == NOT_ANSWERED]
    problems = [part for part in parts.values() if part and part != NOT_ANSWERED]
    if missing and not problems and len(missing) == len(parts):
        return not_answered()
    message = (f"`{'`, `'.join(missing)}` still `...`. " if missing else "") + " ".join(problems)
    return Feedback(False, message.strip())


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
            "`sources` is missing or was changed: run the cells above from the top and keep "
            "`sources` for the msc_sources table.",
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
    return _combine(verdicts)


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
            "`arms` is missing or was changed: run the cells above from the top and keep `arms` "
            "for the trial_arms table.",
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
            "`days` does not match: take `culture_days` from `plan_dose` with the stated inputs."
        )
    return _combine(verdicts)
