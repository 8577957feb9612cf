"""Checkers of the Biology part's coding exercises (see `mscbook.checkers`).

Every message is a sentence that starts with a capital and names what is wrong in the student's
answer (the kind of criterion, the name at fault), never the answer itself.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from numbers import Real

import pandas as pd

from mscbook.checkers import Feedback, checker, not_answered
from mscbook.widgets import isct

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
NUMBER_WORDS = {1: "One", 2: "Two", 3: "Three", 4: "Four", 5: "Five"}


def count(number: int) -> str:
    """A count at the start of a sentence: "One", "Two", ... "12"."""
    return NUMBER_WORDS.get(number, str(number))


def shown(value: object) -> str:
    """A student's value as a reader should see it: numbers plain (2, not np.float64(2.0))."""
    if isinstance(value, Real) and not isinstance(value, bool):
        return f"{float(value):g}"
    return repr(value)


def ids(items) -> str:
    """Criterion ids for a sentence: 'a', 'a' and 'b', 'a', 'b' and 'c'."""
    quoted = [f"`{item!r}`" for item in sorted(items)]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " and " + quoted[-1]


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
            f"Your `hla_dr_limit` is text (`{value!r}`); it should be a number, read from the "
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
