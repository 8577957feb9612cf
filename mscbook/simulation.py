"""Simulated teaching data: how often a single-arm study "beats" a historical benchmark by chance.

A single-arm study treats every patient, counts good outcomes (for example patients alive
without a major amputation) and declares success when a one-sided exact binomial test says the
count is above the benchmark rate, at level `alpha`. Here the treatment does **nothing**: the
patients' true rate of good outcomes equals the benchmark's, so every "success" is false.

The test assumes the benchmark rate is known exactly. In practice it is uncertain in two ways,
and both are simulated:

- **estimated from a historical cohort** of `historical_n` patients, so the number the study is
  compared with is itself a noisy estimate;
- **a spread of published rates**: the study's population differs from the benchmark's (other
  selection, care, definitions), modelled as a random difference on the log-odds scale with
  standard deviation `between_study_sd`; `selection_odds_ratio` adds a systematic difference
  (trial patients fitter than the benchmark's).

Every function is pure: the same inputs and seed give the same numbers. Nothing here is data
about real patients.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from numbers import Integral, Real

import numpy as np
import pandas as pd

#: Upper bounds that keep one call fast (well under a second): simulations per setting, patients
#: per study and patients in the historical cohort.
MAX_SIMULATIONS = 1_000_000
MAX_PATIENTS = 10_000
MAX_HISTORICAL = 100_000


class SimulationInputError(ValueError):
    """An input the simulation cannot use; the message names the argument and the allowed range."""


@dataclass(frozen=True)
class SimulationResult:
    """The share of simulated null studies declared a success, with its Monte Carlo error."""

    false_success_rate: float
    standard_error: float
    n_simulations: int


def _whole(name: str, value: object, minimum: int, maximum: int | None = None) -> int:
    if isinstance(value, bool) or not isinstance(value, Integral):
        raise SimulationInputError(f"{name} must be a whole number, not {value!r}.")
    if value < minimum or (maximum is not None and value > maximum):
        allowed = f"at least {minimum}" if maximum is None else f"from {minimum} to {maximum:,}"
        raise SimulationInputError(f"{name} must be {allowed} (got {value}).")
    return int(value)


def _real(name: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, Real) or not math.isfinite(float(value)):
        raise SimulationInputError(f"{name} must be a finite number, not {value!r}.")
    return float(value)


def _rate(name: str, value: object) -> float:
    number = _real(name, value)
    if not 0 < number < 1:
        raise SimulationInputError(
            f"{name} must be a proportion strictly between 0 and 1 (got {number:g}); "
            "write 33% as 0.33."
        )
    return number


def check_inputs(
    n_patients: object,
    benchmark_rate: object,
    historical_n: object = None,
    between_study_sd: object = 0.0,
    selection_odds_ratio: object = 1.0,
    alpha: object = 0.05,
    n_simulations: object = 10_000,
    seed: object = 0,
) -> dict[str, object]:
    """The inputs as clean Python numbers, or SimulationInputError naming the first bad one."""
    clean: dict[str, object] = {
        "n_patients": _whole("n_patients", n_patients, 1, MAX_PATIENTS),
        "benchmark_rate": _rate("benchmark_rate", benchmark_rate),
        "historical_n": None
        if historical_n is None
        else _whole("historical_n", historical_n, 1, MAX_HISTORICAL),
        "between_study_sd": _real("between_study_sd", between_study_sd),
        "selection_odds_ratio": _real("selection_odds_ratio", selection_odds_ratio),
        "alpha": _rate("alpha", alpha),
        "n_simulations": _whole("n_simulations", n_simulations, 1, MAX_SIMULATIONS),
        "seed": _whole("seed", seed, 0),
    }
    if clean["between_study_sd"] < 0:
        raise SimulationInputError(
            f"between_study_sd must be 0 or more (got {clean['between_study_sd']:g})."
        )
    if clean["selection_odds_ratio"] <= 0:
        raise SimulationInputError(
            f"selection_odds_ratio must be above 0 (got {clean['selection_odds_ratio']:g}); "
            "1 means no systematic difference."
        )
    return clean


def upper_tail(n_patients: int, rate: float) -> np.ndarray:
    """P(X ≥ k) for k = 0..n_patients + 1 when X ~ Binomial(n_patients, rate), 0 ≤ rate ≤ 1."""
    k = np.arange(n_patients + 1)
    if rate <= 0 or rate >= 1:
        pmf = (k == (0 if rate <= 0 else n_patients)).astype(float)
    else:
        log_choose = math.lgamma(n_patients + 1) - np.array(
            [math.lgamma(i + 1) + math.lgamma(n_patients - i + 1) for i in k]
        )
        pmf = np.exp(log_choose + k * math.log(rate) + (n_patients - k) * math.log1p(-rate))
    return np.append(np.cumsum(pmf[::-1])[::-1], 0.0)


def critical_count(n_patients: int, rate: float, alpha: float) -> int:
    """The smallest count of good outcomes whose one-sided exact binomial P value against
    `rate` is ≤ `alpha` (n_patients + 1 when no count is: the study can never succeed)."""
    tail = upper_tail(n_patients, rate)
    # A tiny tolerance so that rounding in the sum does not move a count across alpha.
    return int(np.argmax(tail <= alpha * (1 + 1e-12)))


def false_success_rate(
    n_patients: int,
    benchmark_rate: float,
    *,
    historical_n: int | None = None,
    between_study_sd: float = 0.0,
    selection_odds_ratio: float = 1.0,
    alpha: float = 0.05,
    n_simulations: int = 10_000,
    seed: int,
) -> SimulationResult:
    """Share of `n_simulations` single-arm studies of `n_patients`, of a treatment with no
    effect, that a one-sided exact binomial test (P ≤ `alpha`) calls better than the benchmark.

    `benchmark_rate` is the true rate of good outcomes without treatment (0-1). `historical_n`
    None means the benchmark is known exactly; a number means it is estimated from a historical
    cohort of that size. `between_study_sd` (log-odds) and `selection_odds_ratio` describe how
    the study's population differs from the benchmark's. `seed` fixes the random numbers.
    """
    clean = check_inputs(
        n_patients,
        benchmark_rate,
        historical_n,
        between_study_sd,
        selection_odds_ratio,
        alpha,
        n_simulations,
        seed,
    )
    rng = np.random.default_rng(clean["seed"])
    size, rate = clean["n_simulations"], clean["benchmark_rate"]
    if clean["historical_n"] is None:
        benchmark = np.full(size, rate)
    else:
        benchmark = rng.binomial(clean["historical_n"], rate, size) / clean["historical_n"]
    log_odds = math.log(rate / (1 - rate)) + math.log(clean["selection_odds_ratio"])
    log_odds = log_odds + rng.normal(0.0, clean["between_study_sd"], size)
    true_rate = 1 / (1 + np.exp(-log_odds))
    good = rng.binomial(clean["n_patients"], true_rate)
    # A study succeeds when its count reaches the critical count of its own benchmark estimate;
    # the estimates take few distinct values, so each critical count is computed once.
    rates, which = np.unique(benchmark, return_inverse=True)
    critical = np.array([critical_count(clean["n_patients"], r, clean["alpha"]) for r in rates])
    share = float(np.mean(good >= critical[which]))
    return SimulationResult(share, math.sqrt(share * (1 - share) / size), size)


def false_success_grid(
    sizes: Sequence[int],
    benchmark_rate: float,
    *,
    historical_sizes: Sequence[int | None] = (None,),
    between_study_sds: Sequence[float] = (0.0,),
    selection_odds_ratio: float = 1.0,
    alpha: float = 0.05,
    n_simulations: int = 10_000,
    seed: int,
) -> pd.DataFrame:
    """`false_success_rate` for every combination of study size, historical cohort size and
    between-study SD: one row each, columns n_patients, historical_n (NaN = known benchmark),
    between_study_sd, false_success_rate, standard_error. Each combination gets its own random
    stream, derived from `seed` and its position in the grid."""
    cells = [
        (int(n), history, spread)
        for history in historical_sizes
        for spread in between_study_sds
        for n in sizes
    ]
    if not cells:
        raise SimulationInputError(
            "sizes, historical_sizes and between_study_sds each need at least one value."
        )
    _whole("seed", seed, 0)
    child_seeds = np.random.SeedSequence(seed).generate_state(len(cells))
    rows = []
    for (n, history, spread), child in zip(cells, child_seeds, strict=True):
        result = false_success_rate(
            n,
            benchmark_rate,
            historical_n=history,
            between_study_sd=spread,
            selection_odds_ratio=selection_odds_ratio,
            alpha=alpha,
            n_simulations=n_simulations,
            seed=int(child),
        )
        rows.append(
            {
                "n_patients": n,
                "historical_n": np.nan if history is None else float(history),
                "between_study_sd": float(spread),
                "false_success_rate": result.false_success_rate,
                "standard_error": result.standard_error,
            }
        )
    return pd.DataFrame(rows)


# ----------------------------------------------------------------- subgroups and multiplicity


@dataclass(frozen=True)
class SubgroupResult:
    """How often simulated two-arm trials, each cut into `k_subgroups` equal subgroups, show
    a subgroup "effect"; every share has Monte Carlo standard error ≤ 0.5 / √n_simulations.

    `any_significant`: at least one subgroup with two-sided P ≤ alpha (either direction);
    `any_benefit`: at least one subgroup significantly in favour of treatment;
    `mixed`: at least one subgroup significant and at least one not (the pattern read as
    "it works only in ..."); `interaction`: the test for a difference between subgroups
    (treatment-by-subgroup F test) has P ≤ alpha (NaN with one subgroup)."""

    k_subgroups: int
    n_per_arm: int
    effect: float
    any_significant: float
    any_benefit: float
    mixed: float
    interaction: float
    n_simulations: int


def subgroup_chance(
    k_subgroups: int,
    n_per_arm: int,
    *,
    effect: float = 0.0,
    alpha: float = 0.05,
    n_simulations: int = 10_000,
    seed: int,
) -> SubgroupResult:
    """Simulate `n_simulations` randomised trials of `n_per_arm` patients per arm, with a
    continuous outcome (standard deviation 1) and a true treatment effect `effect` (in SDs; 0 =
    the treatment does nothing), the same in every subgroup. Each arm is split into
    `k_subgroups` equal subgroups (n_per_arm // k_subgroups patients each; the remainder is
    left out), and each subgroup is tested on its own with a two-sample t test, as subgroup
    analyses usually are; the interaction test compares the subgroups' effects with one F
    test on the pooled residual variance."""
    from scipy import stats as scipy_stats  # only the simulation needs scipy

    k = _whole("k_subgroups", k_subgroups, 1, 50)
    n = _whole("n_per_arm", n_per_arm, 2, MAX_PATIENTS)
    size = _whole("n_simulations", n_simulations, 1, 200_000)
    effect = _real("effect", effect)
    alpha = _rate("alpha", alpha)
    seed = _whole("seed", seed, 0)
    m = n // k
    if m < 2:
        raise SimulationInputError(
            f"n_per_arm = {n} cut into {k} subgroups leaves {m} patient(s) per subgroup and "
            "arm; a t test needs at least 2: use fewer subgroups or more patients."
        )
    if size * k * m > 20_000_000:
        raise SimulationInputError(
            "n_simulations × n_per_arm is too large for one call (at most 20 million "
            "simulated patients per arm): use fewer simulations."
        )
    rng = np.random.default_rng(seed)
    treated = rng.normal(effect, 1.0, (size, k, m))
    control = rng.normal(0.0, 1.0, (size, k, m))
    difference = treated.mean(axis=2) - control.mean(axis=2)
    variance = (treated.var(axis=2, ddof=1) + control.var(axis=2, ddof=1)) / 2
    t = difference / np.sqrt(variance * 2 / m)
    critical = scipy_stats.t.ppf(1 - alpha / 2, 2 * m - 2)
    significant = np.abs(t) >= critical
    benefit = t >= critical
    if k > 1:
        # Equal subgroups: the interaction sum of squares is m/2 × the spread of the effects.
        between = (m / 2) * ((difference - difference.mean(axis=1, keepdims=True)) ** 2).sum(1)
        f = (between / (k - 1)) / variance.mean(axis=1)
        interaction = float(np.mean(scipy_stats.f.sf(f, k - 1, 2 * k * (m - 1)) <= alpha))
    else:
        interaction = math.nan
    return SubgroupResult(
        k_subgroups=k,
        n_per_arm=n,
        effect=effect,
        any_significant=float(significant.any(axis=1).mean()),
        any_benefit=float(benefit.any(axis=1).mean()),
        mixed=float((significant.any(axis=1) & ~significant.all(axis=1)).mean()),
        interaction=interaction,
        n_simulations=size,
    )


def subgroup_grid(
    k_values: Sequence[int],
    n_per_arm: int,
    *,
    effect: float = 0.0,
    alpha: float = 0.05,
    n_simulations: int = 10_000,
    seed: int,
) -> pd.DataFrame:
    """`subgroup_chance` for each number of subgroups in `k_values`: one row each, with the
    columns of `SubgroupResult` and `independent_any` = 1 − (1 − alpha)^k, the share expected
    when the k subgroup tests are independent and the treatment does nothing. Each k gets its
    own random stream, derived from `seed`."""
    values = [_whole("k_values", k, 1, 50) for k in k_values]
    if not values:
        raise SimulationInputError("k_values needs at least one number of subgroups.")
    children = np.random.SeedSequence(_whole("seed", seed, 0)).generate_state(len(values))
    rows = []
    for k, child in zip(values, children, strict=True):
        result = subgroup_chance(
            k, n_per_arm, effect=effect, alpha=alpha, n_simulations=n_simulations, seed=int(child)
        )
        row = dict(result.__dict__)
        row["independent_any"] = 1 - (1 - float(alpha)) ** k
        rows.append(row)
    return pd.DataFrame(rows)


# ---------------------------------------------------------- exclusions after randomisation


#: The simulated trial's assumptions (see `exclusion_trial`): shares and rates, 0-1.
EXCLUSION_DEFAULTS = {
    "frail_share": 0.5,
    "good_if_fit": 0.7,
    "good_if_frail": 0.2,
    "untreated_if_frail": 0.5,
    "untreated_if_fit": 0.05,
}


def exclusion_trial(
    n_per_arm: int,
    *,
    frail_share: float = EXCLUSION_DEFAULTS["frail_share"],
    good_if_fit: float = EXCLUSION_DEFAULTS["good_if_fit"],
    good_if_frail: float = EXCLUSION_DEFAULTS["good_if_frail"],
    untreated_if_frail: float = EXCLUSION_DEFAULTS["untreated_if_frail"],
    untreated_if_fit: float = EXCLUSION_DEFAULTS["untreated_if_fit"],
    seed: int,
) -> pd.DataFrame:
    """One simulated randomised trial in which the cells do **nothing** and some patients
    randomised to cells never receive them, more often when they are frail (as when a frail
    patient's autologous product fails its release tests). Every placebo patient is treated.

    One row per patient: `patient`, `arm` ('cells' or 'placebo'), `frail` (True/False; a
    real trial rarely knows this), `treated` (received what they were randomised to) and
    `good_outcome` (True/False), which depends on frailty alone. Simulated, not data."""
    n = _whole("n_per_arm", n_per_arm, 1, MAX_PATIENTS)
    shares = {
        name: _rate(name, value)
        for name, value in (
            ("frail_share", frail_share),
            ("good_if_fit", good_if_fit),
            ("good_if_frail", good_if_frail),
            ("untreated_if_frail", untreated_if_frail),
            ("untreated_if_fit", untreated_if_fit),
        )
    }
    rng = np.random.default_rng(_whole("seed", seed, 0))
    arm = np.repeat(["cells", "placebo"], n)
    frail = rng.random(2 * n) < shares["frail_share"]
    good = rng.random(2 * n) < np.where(frail, shares["good_if_frail"], shares["good_if_fit"])
    untreated = rng.random(2 * n) < np.where(
        frail, shares["untreated_if_frail"], shares["untreated_if_fit"]
    )
    treated = (arm == "placebo") | ~untreated
    return pd.DataFrame(
        {
            "patient": np.arange(1, 2 * n + 1),
            "arm": arm,
            "frail": frail,
            "treated": treated,
            "good_outcome": good,
        }
    )


def exclusion_expected(**shares: float) -> dict[str, float]:
    """The long-run rates of good outcomes that `exclusion_trial`'s assumptions imply (the
    defaults, or `shares` overriding them): `placebo`, `cells_itt` (every randomised cell
    patient), `cells_per_protocol` (treated cell patients only) and `untreated_share` (of the
    cells arm). Exact arithmetic, no simulation."""
    unknown = sorted(set(shares) - set(EXCLUSION_DEFAULTS))
    if unknown:
        raise SimulationInputError(
            f"unknown assumption(s) {', '.join(unknown)}; use {', '.join(EXCLUSION_DEFAULTS)}."
        )
    p = {name: _rate(name, value) for name, value in (EXCLUSION_DEFAULTS | shares).items()}
    frail, fit = p["frail_share"], 1 - p["frail_share"]
    everyone = fit * p["good_if_fit"] + frail * p["good_if_frail"]
    fit_treated = fit * (1 - p["untreated_if_fit"])
    frail_treated = frail * (1 - p["untreated_if_frail"])
    per_protocol = (fit_treated * p["good_if_fit"] + frail_treated * p["good_if_frail"]) / (
        fit_treated + frail_treated
    )
    return {
        "placebo": everyone,
        "cells_itt": everyone,
        "cells_per_protocol": per_protocol,
        "untreated_share": 1 - fit_treated - frail_treated,
    }
