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
from mscbook.checkers import WAITING, Feedback, checker, combine, flag_verdict, not_answered

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


# ------------------------------------------------- two MS trials: does Hartung-Knapp change it?

RATIO_COLUMNS = {"study", "estimate", "ci_low", "ci_high", "p_value"}
#: The claims offered in `ex-meta-hk-judgement`, and whether each is true of these two trials.
HK_CLAIMS = {"A": False, "B": True, "C": True, "D": True, "E": False}
#: What to inspect when the claims are not right yet: the same list whatever is wrong, so the
#: feedback never points at a letter.
HK_EVIDENCE = (
    "`hk_pool.value` beside the DerSimonian-Laird pool of the same trials; "
    "`hk_pool.k - 1` and `scipy.stats.t.ppf(0.975, hk_pool.k - 1)`; "
    "`scipy.stats.chi2.sf(hk_pool.q, hk_pool.k - 1)`; "
    "both intervals' limits beside 1; and what an interval that includes 1 may and may not say."
)


def _claims(value: object) -> set[str] | str:
    if value is ...:
        return WAITING
    if isinstance(value, str):
        value = list(value.replace(",", " ").split()) if len(value) > 1 else [value]
    if not isinstance(value, list | tuple | set | frozenset):
        return '`claims` should be a set of letters, for example `{"A", "C"}`.'
    letters = {str(item).strip().upper() for item in value}
    unknown = sorted(letters - set(HK_CLAIMS))
    if unknown:
        return f"`claims` holds {', '.join(unknown)}; the claims are A to E."
    return letters


def _excludes_one(result: stats.Pooled) -> bool:
    return result.ci_high < 1 or result.ci_low > 1


@checker("ex-meta-hk-judgement")
def check_hk_judgement(namespace: Mapping[str, object]) -> Feedback:
    """`ex-meta-hk-judgement`: `hk_pool` (the two trials in `ms_ratios` pooled with
    `hartung_knapp=True`), `claims` (the letters of the true claims) and `verdict_changes`
    (whether Hartung-Knapp changes what may be concluded about benefit). The feedback gives only
    how many letters are false and how many true ones are missing, with the same list of
    quantities to inspect whatever is wrong; it never names a letter or states the verdict."""
    table = _table(namespace, "ms_ratios", RATIO_COLUMNS)
    if table is None:
        return _missing("ms_ratios", "`stats.reported_ratios(...)` of the chapter")
    expected = stats.pool_generic(
        table["estimate"], table["ci_low"], table["ci_high"], p_values=table["p_value"],
        hartung_knapp=True,
    )  # fmt: skip
    dl = stats.pool_generic(
        table["estimate"], table["ci_low"], table["ci_high"], p_values=table["p_value"]
    )
    pool = namespace.get("hk_pool", ...)
    verdicts: dict[str, str | None] = {}
    if pool is ...:
        verdicts["hk_pool"] = WAITING
    elif not isinstance(pool, stats.Pooled):
        verdicts["hk_pool"] = _not_pooled("hk_pool", pool, "pool_generic")
    elif not pool.hartung_knapp:
        verdicts["hk_pool"] = "`hk_pool` was pooled without `hartung_knapp=True`."
    elif pool.k != expected.k or not math.isclose(pool.estimate, expected.estimate, abs_tol=1e-6):
        verdicts["hk_pool"] = (
            "`hk_pool` has another estimate: pass the estimates, both CI columns and the P values "
            "of `ms_ratios`, so that each trial's SE comes from what it reported."
        )
    else:
        verdicts["hk_pool"] = None
    letters = _claims(namespace.get("claims", ...))
    if isinstance(letters, str):
        verdicts["claims"] = letters
    else:
        wrong = sum(1 for letter in letters if not HK_CLAIMS[letter])
        missing = sum(1 for letter, true in HK_CLAIMS.items() if true and letter not in letters)
        if wrong or missing:
            counts = []
            if wrong:
                counts.append(f"{wrong} of your letters {'is' if wrong == 1 else 'are'} false")
            if missing:
                counts.append(
                    f"{missing} true statement{'' if missing == 1 else 's'} "
                    f"{'is' if missing == 1 else 'are'} missing"
                )
            verdicts["claims"] = (
                f"{'; '.join(counts).capitalize()}. Inspect, for each statement: {HK_EVIDENCE}"
            )
        else:
            verdicts["claims"] = None
    verdicts["verdict_changes"] = flag_verdict(
        "verdict_changes",
        namespace.get("verdict_changes", ...),
        _excludes_one(dl) != _excludes_one(expected),
        "Look again at `verdict_changes`: compare each interval, DerSimonian-Laird and "
        "Hartung-Knapp, with a rate ratio of 1, and ask what each allows you to conclude "
        "about benefit.",
    )
    return combine(
        verdicts,
        praise=(
            "Your pool, claims and verdict are consistent with the two intervals. Now write the "
            "defence in two or three sentences, in your own words."
        ),
    )
