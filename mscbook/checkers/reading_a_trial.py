"""Checkers of the chapter "Reading a cell-therapy trial" (see `mscbook.checkers`).

Expected answers are computed at check time: the simulation is re-run with the exercise's seed,
and the claim counts are read from `data/seed_claims.csv`, so a corrected fact corrects the check.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from numbers import Real

import pandas as pd

from mscbook import data, simulation
from mscbook.checkers import (
    WAITING,
    Feedback,
    as_bool,
    checker,
    combine,
    not_answered,
    number_answer,
    quoted,
)
from mscbook.tables import DISEASE_SHORT

#: The exercise's fixed settings (the chapter's exercise text states each of them).
STUDY_SIZE = 40
HISTORICAL_SIZE = 20
SEED = 2024
SIMULATIONS = 20_000
BENCHMARK_ID = "nooption_r56_afs_12mo"


def _rate(name: str, value: object) -> float | str:
    """The answer as a proportion, or what is wrong with it (WAITING while still `...`)."""
    if isinstance(value, simulation.SimulationResult):
        return f"`{name}` is the whole simulation result; take its `false_success_rate` attribute."
    number = number_answer(name, value)
    if isinstance(number, str):
        return number
    if 1 < number <= 100:
        return f"`{name}` looks like a percentage; give the share as a proportion from 0 to 1."
    if not 0 <= number <= 1:
        return f"`{name}` = {number:g} cannot be a share of studies (0 to 1)."
    return number


def expected_rates() -> tuple[float, float]:
    """The reference answers: known benchmark, and benchmark estimated from 20 patients."""
    epidemiology = data.load("epidemiology").set_index("figure_id")
    rate = float(epidemiology.loc[BENCHMARK_ID, "value"]) / 100
    settings = {"n_simulations": SIMULATIONS, "seed": SEED}
    known = simulation.false_success_rate(STUDY_SIZE, rate, **settings)
    estimated = simulation.false_success_rate(
        STUDY_SIZE, rate, historical_n=HISTORICAL_SIZE, **settings
    )
    return known.false_success_rate, estimated.false_success_rate


def _close_but_not_seeded(number: float, expected: float) -> bool:
    """Within four Monte Carlo standard errors: a run with another seed or simulation count."""
    error = math.sqrt(max(expected * (1 - expected), 1e-6) / SIMULATIONS)
    return abs(number - expected) <= 4 * error + 0.01


@checker("ex-trial-false-success")
def check_false_success(namespace: Mapping[str, object]) -> Feedback:
    """`known_rate` and `estimated_rate`: the simulated false-success shares of a 40-patient
    single-arm study against a known benchmark and against one estimated from 20 patients."""
    answers = {name: namespace.get(name, ...) for name in ("known_rate", "estimated_rate")}
    if all(value is ... for value in answers.values()):
        return not_answered()
    known, estimated = expected_rates()
    values = {name: _rate(name, value) for name, value in answers.items()}
    verdicts: dict[str, str | None] = {}
    numbers = {name: v for name, v in values.items() if isinstance(v, float)}
    swapped = (
        len(numbers) == 2
        and numbers["known_rate"] == estimated
        and numbers["estimated_rate"] == known
        and known != estimated
    )
    for name, expected, other in (
        ("known_rate", known, estimated),
        ("estimated_rate", estimated, known),
    ):
        value = values[name]
        if not isinstance(value, float):
            verdicts[name] = value
        elif swapped:
            verdicts[name] = (
                f"`{name}` holds the other setting's result: `known_rate` has no "
                "`historical_n`, `estimated_rate` has `historical_n=20`."
            )
        elif math.isclose(value, expected, abs_tol=1e-12):
            verdicts[name] = None
        elif name == "estimated_rate" and math.isclose(value, other, abs_tol=1e-12):
            verdicts[name] = (
                "`estimated_rate` equals the known-benchmark result: pass `historical_n=20` "
                "so the benchmark is estimated from a historical cohort."
            )
        elif _close_but_not_seeded(value, expected):
            verdicts[name] = (
                f"`{name}` is close but not the result of the exercise's settings: use "
                f"`seed={SEED}` and `n_simulations={SIMULATIONS}` so that everyone gets the "
                "same numbers."
            )
        else:
            verdicts[name] = (
                f"`{name}` = {value:g} is not what `simulation.false_success_rate` gives for "
                f"{STUDY_SIZE} patients at the 12-month benchmark rate (the `value` of the "
                "12-month amputation-free survival benchmark, divided by 100)."
            )
    return combine(
        verdicts,
        praise=(
            "Both rates match. Estimating the benchmark from 20 patients makes a useless "
            "treatment look successful several times as often as the nominal 5%."
        ),
    )


# ------------------------------------------------------------------------ claim verdicts


def _counts(value: object) -> dict[str, int] | str:
    if value is ...:
        return WAITING
    if isinstance(value, pd.DataFrame):
        return (
            "`verdict_counts` is a table; count one column, "
            "e.g. `claims['verdict'].value_counts()`."
        )
    if isinstance(value, pd.Series):
        value = value.to_dict()
    if not isinstance(value, Mapping):
        return (
            "`verdict_counts` should map each verdict to a number (a dict or a pandas Series), "
            f"not {type(value).__name__}."
        )
    counts = {}
    for key, number in value.items():
        if isinstance(number, bool) or not isinstance(number, Real) or number != int(number):
            return f"the count for {quoted(key)} in `verdict_counts` should be a whole number."
        counts[str(key)] = int(number)
    return counts


def _judge_counts(value: object, claims: pd.DataFrame) -> str | None:
    counts = _counts(value)
    if isinstance(counts, str):
        return counts
    expected = claims["verdict"].value_counts().to_dict()
    if counts == expected:
        return None
    unknown = sorted(set(counts) - set(expected))
    if unknown:
        return (
            f"Not verdicts in the data: {quoted(unknown, 60)}; use the codes of the `verdict` "
            f"column ({', '.join(sorted(expected))})."
        )
    total, expected_total = sum(counts.values()), len(claims)
    if total < expected_total:
        return (
            f"your counts add up to {total} claims, but `claims` has {expected_total}: count "
            "every row, across all topics."
        )
    if total > expected_total:
        return f"your counts add up to {total}, more than the {expected_total} claims."
    return "the counts add up but some verdicts are miscounted: count the `verdict` column."


def _ids(value: object) -> set[str] | str:
    if value is ...:
        return WAITING
    if isinstance(value, pd.DataFrame):
        return "`wrong_ids` is a whole table; take its `claim_id` column."
    if isinstance(value, str) or not isinstance(value, Iterable):
        return f"`wrong_ids` should be a set or list of claim ids, not {type(value).__name__}."
    items = list(value)
    if any(not isinstance(item, str) for item in items):
        return "every item of `wrong_ids` should be a claim id (text)."
    return set(items)


def _judge_wrong(value: object, claims: pd.DataFrame) -> str | None:
    got = _ids(value)
    if isinstance(got, str):
        return got
    verdict = claims.set_index("claim_id")["verdict"]
    unknown = sorted(got - set(verdict.index))
    if unknown:
        return f"Not claim ids in `claims`: {quoted(unknown, 60)}."
    expected = set(verdict[verdict == "wrong"].index)
    if got == expected:
        return None
    problems = []
    extra = got - expected
    kinds = sorted({verdict[item] for item in extra})
    if extra:
        problems.append(
            f"{len(extra)} of your claims have the verdict {' or '.join(kinds)}, not 'wrong'"
            + (
                " (overstated claims are true in part; the evidence does not contradict them)"
                if "overstated" in kinds
                else ""
            )
            + "."
        )
    missing = expected - got
    if missing:
        codes = set(claims.set_index("claim_id").loc[sorted(missing), "topic"])
        # topics in words: diseases as the chapters name them, other codes spelled out
        topics = sorted(DISEASE_SHORT.get(code, code.replace("_", " ")).lower() for code in codes)
        problems.append(
            f"{len(missing)} claim(s) judged wrong are missing (topics: {', '.join(topics)})."
        )
    return " ".join(problems)


@checker("ex-trial-claim-verdicts")
def check_claim_verdicts(namespace: Mapping[str, object]) -> Feedback:
    """`verdict_counts` (claims per verdict, all topics) and `wrong_ids` (the claim_ids whose
    primary evidence contradicts them: verdict 'wrong')."""
    answers = {name: namespace.get(name, ...) for name in ("verdict_counts", "wrong_ids")}
    if all(value is ... for value in answers.values()):
        return not_answered()
    claims = data.load("seed_claims")
    verdicts = {
        "verdict_counts": _judge_counts(answers["verdict_counts"], claims),
        "wrong_ids": _judge_wrong(answers["wrong_ids"], claims),
    }
    return combine(verdicts, praise="Both answers match the claims table.")


# ------------------------------------------------------- intention to treat vs per protocol

#: The exercise's simulated trial (the chapter's exercise text states both settings).
EXCLUSION_PATIENTS_PER_ARM = 200
EXCLUSION_SEED = 2018


def expected_exclusion_answers() -> dict[str, float]:
    """The reference answers, recomputed from the seeded simulated trial."""
    trial = simulation.exclusion_trial(EXCLUSION_PATIENTS_PER_ARM, seed=EXCLUSION_SEED)
    everyone = trial.groupby("arm")["good_outcome"].mean()
    treated = trial[trial["treated"]].groupby("arm")["good_outcome"].mean()
    moved = trial["arm"].where(trial["treated"], "placebo")  # untreated cell patients as controls
    as_treated = trial.groupby(moved)["good_outcome"].mean()
    return {
        "itt_difference": float(everyone["cells"] - everyone["placebo"]),
        "pp_difference": float(treated["cells"] - treated["placebo"]),
        "as_treated": float(as_treated["cells"] - as_treated["placebo"]),
        "n_not_treated": float((~trial["treated"]).sum()),
    }


def _difference(name: str, value: object, expected: dict[str, float]) -> str | None:
    number = number_answer(name, value)
    if isinstance(number, str):
        return number
    target = expected[name]
    if math.isclose(number, target, abs_tol=1e-9):
        return None
    if math.isclose(number, 100 * target, abs_tol=1e-6):
        return f"`{name}` looks like percentage points; give the difference as a proportion."
    if math.isclose(number, -target, abs_tol=1e-9):
        return f"`{name}` has the wrong sign: take the cells arm minus the placebo arm."
    other = "pp_difference" if name == "itt_difference" else "itt_difference"
    if math.isclose(number, expected[other], abs_tol=1e-9):
        if name == "itt_difference":
            return (
                "`itt_difference` leaves out the patients who were never treated: intention "
                "to treat analyses every randomised patient in the arm they were randomised to."
            )
        return (
            "`pp_difference` still counts the patients who were never treated: per protocol "
            "keeps only the patients who received what they were randomised to."
        )
    if name == "pp_difference" and math.isclose(number, expected["as_treated"], abs_tol=1e-9):
        return (
            "`pp_difference` moves the untreated cell patients into the placebo arm (an "
            "'as-treated' analysis); per protocol leaves them out altogether."
        )
    return (
        f"`{name}` = {number:g} is not what the simulated trial gives: use "
        f"`simulation.exclusion_trial({EXCLUSION_PATIENTS_PER_ARM}, seed={EXCLUSION_SEED})` and "
        "the share of patients with `good_outcome` in each arm."
    )


@checker("ex-trial-itt-pp")
def check_itt_pp(namespace: Mapping[str, object]) -> Feedback:
    """`itt_difference`, `pp_difference` (shares with a good outcome, cells minus placebo, as
    proportions) and `n_not_treated` in the seeded simulated trial of `exclusion_trial`."""
    names = ("itt_difference", "pp_difference", "n_not_treated")
    answers = {name: namespace.get(name, ...) for name in names}
    if all(value is ... for value in answers.values()):
        return not_answered()
    expected = expected_exclusion_answers()
    verdicts: dict[str, str | None] = {
        name: _difference(name, answers[name], expected) for name in names[:2]
    }
    count_answer = number_answer("n_not_treated", answers["n_not_treated"])
    if isinstance(count_answer, str):
        verdicts["n_not_treated"] = count_answer
    elif count_answer == expected["n_not_treated"]:
        verdicts["n_not_treated"] = None
    else:
        verdicts["n_not_treated"] = (
            f"`n_not_treated` = {count_answer:g} is not the number of randomised patients whose "
            "`treated` is False."
        )
    return combine(
        verdicts,
        praise=(
            "All three match. The cells do nothing in this simulation: compare the two "
            "differences and say which analysis told the truth, and why."
        ),
    )


# ------------------------------------------------------- judging a subgroup claim (STAR)

#: The statements the student may give as reasons, by code (the exercise prints them all).
SUBGROUP_REASONS = {
    "prespecified": "The subgroup analysis was planned before the data were seen.",
    "overall_negative": "The trial missed its primary endpoint in all patients together.",
    "p_above_005": "Even without any correction, the subgroup's P value is above 0.05.",
    "no_interaction": "A P value within one subgroup does not test whether diffuse and limited "
    "disease respond differently.",
    "many_comparisons": "It is one of several subgroups, time points and endpoints examined.",
    "big_difference": "A difference of several points is too large to be chance.",
    "fits_biology": "Diffuse disease has more skin fibrosis for the cells to act on.",
}
#: Reasons that weigh against the claim, and reasons that are not evidence for it.
AGAINST = {"overall_negative", "p_above_005", "no_interaction", "many_comparisons"}
#: Reasons that are true but support the leaflet's claim: they cannot ground a verdict against it.
FOR_THE_CLAIM = {
    code: (
        f"`{code}` counts for the leaflet, not against it: weigh it in your defence, but it is "
        "not a reason for your verdict."
    )
    for code in ("fits_biology", "prespecified")
}
WAITING_REASONS = (
    "Your `reasons` is still `...`: replace it with the codes that decide your verdict and run "
    "the answer cell."
)
MISLEADING = {
    "big_difference": (
        "`big_difference` is not a sound reason: in small subgroups, large differences arise "
        "by chance easily, as the simulation in this chapter shows."
    ),
}


def _reasons(value: object) -> set[str] | str:
    if value is ...:
        return WAITING
    if isinstance(value, str):
        return "`reasons` should be a list or set of the exercise's codes, not one text."
    if not isinstance(value, Iterable):
        return f"`reasons` should be a list or set of codes, not {type(value).__name__}."
    items = list(value)
    if any(not isinstance(item, str) for item in items):
        return "every item of `reasons` should be one of the codes (text)."
    unknown = sorted(set(items) - set(SUBGROUP_REASONS))
    if unknown:
        return (
            f"Not reason codes: {quoted(unknown, 60)}; choose from "
            f"{', '.join(f'`{code}`' for code in sorted(SUBGROUP_REASONS))}."
        )
    return set(items)


@checker("ex-trial-subgroup-credible")
def check_subgroup_credible(namespace: Mapping[str, object]) -> Feedback:
    """`credible` (True/False: does STAR show that ADRCs improve hand function in diffuse
    cutaneous SSc?) and `reasons` (codes of `SUBGROUP_REASONS` that decide it). The feedback
    coaches the reasoning and never states the verdict."""
    answers = {name: namespace.get(name, ...) for name in ("credible", "reasons")}
    if all(value is ... for value in answers.values()):
        return not_answered()
    verdicts: dict[str, str | None] = {}
    value = answers["credible"]
    verdict = None if value is ... else as_bool(value)
    if value is ...:
        verdicts["credible"] = WAITING
    elif verdict is None:
        verdicts["credible"] = "`credible` should be True or False."
    # A valid verdict gets no entry of its own: `combine` would otherwise add "Your `credible`
    # is right." to a single problem, which states the verdict whichever it is.
    reasons = _reasons(answers["reasons"])
    if isinstance(reasons, str):
        verdicts["reasons"] = reasons
        if reasons == WAITING and verdict is not None:
            return Feedback(False, WAITING_REASONS)
        return combine(verdicts)
    problems = [MISLEADING[code] for code in sorted(reasons & set(MISLEADING))]
    against = reasons & AGAINST
    if verdict is True:
        problems.append(
            "Put your verdict to the questions of the subgroup section: was the trial positive "
            "overall, does the subgroup's own P value pass even before any correction, and was "
            "a difference between subgroups tested? Then ask whether your reasons answer them."
        )
    elif verdict is False:
        problems += [FOR_THE_CLAIM[code] for code in sorted(reasons & set(FOR_THE_CLAIM))]
        if len(against) < 2:
            problems.append(
                "Your verdict needs more support: of the chapter's questions about a subgroup "
                f"claim, your reasons answer {len(against)}. Look again at the overall result, "
                "the subgroup's P value, the test for a difference between subgroups and how "
                "many analyses were run."
            )
        elif "no_interaction" not in reasons:
            # reasons resting on the 0.05 line would fall if the subgroup's P were smaller
            problems.append(
                "Which of your reasons would still hold if the subgroup's P were 0.01? A verdict "
                "should not depend on which side of 0.05 one number falls."
            )
    verdicts["reasons"] = " ".join(problems) if problems else None
    return combine(
        verdicts,
        praise=(
            "Your verdict and reasons hold together. Now write the two or three sentences that "
            "defend it, and say what study would settle the question."
        ),
    )
