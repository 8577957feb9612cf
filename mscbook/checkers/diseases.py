"""Checkers of the Disease areas part's coding exercises (see `mscbook.checkers`).

Expected answers are computed from `data/` at check time, so a corrected fact corrects the check.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import pandas as pd

from mscbook import data
from mscbook.checkers import (
    NOT_ANSWERED,
    Feedback,
    as_bool,
    checker,
    not_answered,
    number_answer,
    trial_ids_answer,
    trial_name,
    trial_names,
)
from mscbook.stats import exact_binomial_ci
from mscbook.tables import label
from mscbook.widgets.trials import filter_trials

BENCHMARK_12MO = "nooption_r56_afs_12mo"
BENCHMARK_6MO = "nooption_r56_afs_6mo"
SINGLE_ARM_RESULT = "kwiatkowski2022_afs_12mo"


def _combine(answers: Mapping[str, object], parts: list[str | None], success: str) -> Feedback:
    """One Feedback from the judgement of each answer (None = right, NOT_ANSWERED = still `...`)."""
    if all(part is None for part in parts):
        return Feedback(True, success)
    missing = [name for name, part in zip(answers, parts, strict=True) if part == NOT_ANSWERED]
    problems = [part for part in parts if part and part != NOT_ANSWERED]
    if len(missing) == len(parts):
        return not_answered()
    message = " ".join(problems)
    if missing:
        message = f"`{'`, `'.join(missing)}` still `...`. {message}"
    return Feedback(False, message.strip())


def _number(name: str, value: object) -> float | str:
    """The answer as a float, or what is wrong with it."""
    return number_answer(name, value, unanswered=NOT_ANSWERED)


# ------------------------------------------------------------------ ex-cli-benchmark-afs


@checker("ex-cli-benchmark-afs")
def check_benchmark_afs(namespace: Mapping[str, object]) -> Feedback:
    """`afs_percent` (the single-arm study's 12-month AFS, %), `ci_low` and `ci_high` (its exact
    95% CI, %), `benchmark_afs` (the benchmark's 12-month point estimate, %) and
    `compatible_with_benchmark` (the study's interval contains that estimate).

    Containment of the external value is the sound check; two 95% intervals that merely overlap
    can still differ significantly, so overlap is not accepted as the answer."""
    names = ("afs_percent", "ci_low", "ci_high", "benchmark_afs", "compatible_with_benchmark")
    answers = {name: namespace.get(name, ...) for name in names}
    if all(value is ... for value in answers.values()):
        return not_answered()
    result = data.load("trial_outcomes").set_index("outcome_id").loc[SINGLE_ARM_RESULT]
    benchmark = data.load("epidemiology").set_index("figure_id")
    events, total = int(result["events"]), int(result["total"])
    afs = 100 * events / total
    low, high = (100 * end for end in exact_binomial_ci(events, total))
    bench = float(benchmark.loc[BENCHMARK_12MO, "value"])
    bench_high = float(benchmark.loc[BENCHMARK_12MO, "ci_high"])
    parts = [
        _judge_afs(answers["afs_percent"], afs),
        *_judge_interval(answers["ci_low"], answers["ci_high"], events, total, benchmark),
        _judge_benchmark_afs(answers["benchmark_afs"], benchmark),
        _judge_compatible(
            answers["compatible_with_benchmark"], afs, (low, high), bench, low <= bench_high
        ),
    ]
    return _combine(
        answers,
        parts,
        "all five answers match the data: the study's interval contains the benchmark's "
        "estimate, so its result is compatible with the natural history, and one arm cannot "
        "show a benefit.",
    )


def _judge_afs(value: object, expected: float) -> str | None:
    number = _number("afs_percent", value)
    if isinstance(number, str):
        return number
    if math.isclose(number, expected, abs_tol=0.05):
        return None
    if math.isclose(number, expected / 100, abs_tol=0.0005):
        return "`afs_percent` looks like a fraction; the question asks for a percentage (0–100)."
    if math.isclose(number, 100 - expected, abs_tol=0.05):
        return (
            "that is the share who died or lost the leg; amputation-free survival counts the "
            "patients alive *without* a major amputation."
        )
    return (
        f"{number:g}% is not the study's 12-month AFS: divide `events` by `total` in its "
        "12-month row and multiply by 100."
    )


def _other_intervals(events: int, total: int) -> dict[str, tuple[float, float]]:
    """Intervals a student may compute instead of the exact one, in %, with what they are."""
    p, z = events / total, 1.959964
    wald = z * math.sqrt(p * (1 - p) / total)
    centre = (p + z**2 / (2 * total)) / (1 + z**2 / total)
    half = z / (1 + z**2 / total) * math.sqrt(p * (1 - p) / total + z**2 / (4 * total**2))
    return {
        "wald": (100 * (p - wald), 100 * (p + wald)),
        "wilson": (100 * (centre - half), 100 * (centre + half)),
    }


def _judge_interval(
    low: object, high: object, events: int, total: int, benchmark: pd.DataFrame
) -> tuple[str | None, str | None]:
    """Judge `ci_low` and `ci_high` as a pair, so a whole wrong interval gets one message."""
    expected = tuple(100 * end for end in exact_binomial_ci(events, total))
    numbers = [_number(name, value) for name, value in (("ci_low", low), ("ci_high", high))]
    if any(isinstance(number, str) for number in numbers):
        return tuple(
            number if isinstance(number, str) else _one_end(name, number, end)
            for name, number, end in zip(("ci_low", "ci_high"), numbers, expected, strict=True)
        )
    pair = tuple(numbers)

    def near(a: tuple[float, float], b: tuple[float, float], tol: float = 0.05) -> bool:
        return all(math.isclose(x, y, abs_tol=tol) for x, y in zip(a, b, strict=True))

    if near(pair, expected):
        return None, None
    if near(pair, tuple(end / 100 for end in expected), 0.0005):
        return "`ci_low` and `ci_high` look like fractions; give them in % (multiply by 100).", ""
    if near(pair, expected[::-1]):
        return "`ci_low` and `ci_high` are swapped: the lower end comes first.", ""
    row = benchmark.loc[BENCHMARK_12MO]
    if near(pair, (float(row["ci_low"]), float(row["ci_high"]))):
        return (
            "that is the benchmark's interval; `ci_low` and `ci_high` are the study's own.",
            "",
        )
    other = _other_intervals(events, total)
    if near(pair, other["wald"], 0.5):
        return (
            "that is the normal-approximation (Wald) interval, which fails with so few patients "
            "(here it passes 100%); use the exact interval, `stats.exact_binomial_ci`.",
            "",
        )
    if near(pair, other["wilson"], 0.5):
        return (
            "that is the Wilson interval; the question asks for the exact (Clopper-Pearson) "
            "interval, `stats.exact_binomial_ci`.",
            "",
        )
    return tuple(
        _one_end(name, number, end)
        for name, number, end in zip(("ci_low", "ci_high"), pair, expected, strict=True)
    )


def _one_end(name: str, number: float, expected: float) -> str | None:
    if math.isclose(number, expected, abs_tol=0.05):
        return None
    return (
        f"{number:g} is not the {'lower' if name == 'ci_low' else 'upper'} end of the study's "
        "exact 95% interval: pass `events` and `total` to `stats.exact_binomial_ci` and give "
        "both ends in %."
    )


def _judge_benchmark_afs(value: object, benchmark: pd.DataFrame) -> str | None:
    number = _number("benchmark_afs", value)
    if isinstance(number, str):
        return number
    row12, row6 = benchmark.loc[BENCHMARK_12MO], benchmark.loc[BENCHMARK_6MO]
    if math.isclose(number, float(row12["value"])):
        return None
    if math.isclose(number, float(row6["value"])) or math.isclose(number, float(row6["ci_high"])):
        return "that is the 6-month benchmark; the study reported AFS at 12 months."
    if math.isclose(number, float(row12["ci_high"])) or math.isclose(
        number, float(row12["ci_low"])
    ):
        return (
            "that is an end of the benchmark's confidence interval; the question asks for its "
            "point estimate (`value`), the figure the study's interval is tested against."
        )
    return (
        f"{number:g} is not the benchmark's estimate: read `value` of the 12-month benchmark "
        "row (amputation-free survival at 12 months, Rutherford 5-6)."
    )


def _judge_compatible(
    value: object, afs: float, interval: tuple[float, float], benchmark: float, overlaps: bool
) -> str | None:
    if value is ...:
        return NOT_ANSWERED
    if as_bool(value) is None:
        return (
            f"`compatible_with_benchmark` should be True or False (a comparison such as "
            f"`a <= b <= c`), not {type(value).__name__}."
        )
    value = as_bool(value)
    low, high = interval
    expected = low <= benchmark <= high
    if value == expected:
        return None
    if value is False and afs > benchmark:
        return (
            "`compatible_with_benchmark`: the point estimate lies above the benchmark, but with "
            "so few patients the estimate is uncertain; ask whether the study's interval "
            "(`ci_low` to `ci_high`) contains the benchmark's estimate."
        )
    if value is True and not expected and overlaps:
        return (
            "`compatible_with_benchmark`: the two intervals overlap, but overlap is a lenient "
            "rule; ask whether the study's interval contains the benchmark's estimate itself."
        )
    return (
        "`compatible_with_benchmark` does not follow from the numbers: test whether "
        "`benchmark_afs` lies between `ci_low` and `ci_high`."
    )


# ------------------------------------------------------------------ ex-cli-randomised-msc


@checker("ex-cli-randomised-msc")
def check_randomised_msc(namespace: Mapping[str, object]) -> Feedback:
    """`rct_ids` (randomised limb-ischaemia trials of MSC or MSC-like products) and
    `largest_completed_id` (the largest of them that completed and published results)."""
    answers = {name: namespace.get(name, ...) for name in ("rct_ids", "largest_completed_id")}
    if all(value is ... for value in answers.values()):
        return not_answered()
    trials = data.load("trials")
    expected = filter_trials(
        trials, disease_area="cli_clti", randomised=True, product_type=["msc", "msc_like"]
    )
    done = expected[
        (expected["status"] == "completed") & (expected["results_available"] == "published")
    ]
    largest = done.sort_values("n_total", ascending=False)["trial_id"].iloc[0]
    parts = [
        _judge_rct_ids(answers["rct_ids"], set(expected["trial_id"]), trials),
        _judge_largest(answers["largest_completed_id"], largest, set(expected["trial_id"]), trials),
    ]
    return _combine(answers, parts, "both answers match the trials table.")


def _ids(name: str, value: object) -> set[str] | str:
    return trial_ids_answer(name, value, unanswered=NOT_ANSWERED)


def _judge_rct_ids(value: object, expected: set[str], trials: pd.DataFrame) -> str | None:
    got = _ids("rct_ids", value)
    if isinstance(got, str):
        return got
    info = trials.set_index("trial_id")
    unknown = sorted(got - set(info.index))
    if unknown:
        return f"{trial_names(unknown)}: not trial ids in the `trials` table."
    if got == expected:
        return None
    extra, missing = got - expected, expected - got
    problems = []
    other = sorted(item for item in extra if info.loc[item, "disease_area"] != "cli_clti")
    comparators = sorted(
        item
        for item in extra - set(other)
        if info.loc[item, "product_type"] not in {"msc", "msc_like"}
    )
    not_random = sorted(extra - set(other) - set(comparators))
    if other:
        problems.append(f"{trial_names(other)}: not limb-ischaemia trials.")
    if comparators:
        problems.append(
            f"{trial_names(comparators)} tested comparator products, not MSCs: filter on "
            "`product_type`."
        )
    if not_random:
        problems.append(
            f"{trial_names(not_random)}: not randomised (or randomisation was not stated); a "
            "trial counts "
            "only if `randomised` is True."
        )
    if missing:
        like = sorted(item for item in missing if info.loc[item, "product_type"] == "msc_like")
        if like:
            problems.append(
                f"{trial_names(like)} tested MSC-like cells, which the question includes: allow "
                "both `'msc'` and `'msc_like'`."
            )
        if set(missing) - set(like):
            problems.append(
                f"{len(set(missing) - set(like))} randomised MSC trial(s) are missing from "
                "`rct_ids`."
            )
    return " ".join(problems)


def _judge_largest(
    value: object, expected: str, candidates: set[str], trials: pd.DataFrame
) -> str | None:
    if value is ...:
        return NOT_ANSWERED
    if not isinstance(value, str):
        return f"`largest_completed_id` should be one trial id (text), not {type(value).__name__}."
    if value == expected:
        return None
    info = trials.set_index("trial_id")
    if value not in info.index:
        return f"{trial_name(value)} is not a trial id in the `trials` table."
    if value not in candidates:
        return f"{trial_name(value)} is not one of the randomised MSC trials of the first question."
    row = info.loc[value]
    if row["status"] != "completed":
        return (
            f"{trial_name(value)} is the right size but did not complete (status: "
            f"{label('status', row['status'])}); the "
            "question asks for a completed trial."
        )
    if row["results_available"] != "published":
        return (
            f"{trial_name(value)} has no published results (its n is {row['n_total_basis']}); "
            "the question "
            "asks for a trial that published results."
        )
    return (
        f"{trial_name(value)} completed and published, but another such trial is larger: sort "
        "by `n_total`."
    )
