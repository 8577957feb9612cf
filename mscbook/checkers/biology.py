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
