"""Effect sizes and meta-analysis, with statsmodels underneath (no hand-rolled pooling).

`pool_risk_ratios`, `pool_odds_ratios`, `pool_risk_differences`, `pool_mean_differences` and
`pool_standardised_mean_differences` take per-study arrays (one value per study, treatment arm
first) and return a `Pooled` result: the pooled effect with its 95% confidence interval, the
between-study variance tau², I², Cochran's Q, a prediction interval, and the per-study table that
was pooled. Methods: `"fixed"` (inverse variance), `"dl"` (DerSimonian-Laird) and `"pm"`
(Paule-Mandel), from `statsmodels.stats.meta_analysis.combine_effects`. `leave_one_out` refits
without each study in turn.

Zero cells: a study with a zero cell gets `continuity` (0.5) added to all four of its cells, with
a warning naming it; for ratio measures a study with no events in either arm carries no
information and is excluded, with a warning naming it. A risk difference keeps such a study (a
difference of 0 is information), corrected like any zero-cell study so that its variance is not
0. The warnings are also kept on the result (`Pooled.notes`). Malformed input (unequal lengths,
negative or non-integer counts, more events than patients) raises `MetaAnalysisError` naming the
study.

`pool_generic` pools estimates that arrive as summaries (a ratio with its confidence interval, or
with its P value) by generic inverse variance (Cochrane Handbook, section 6.3): the standard error
comes from the interval's width, or from the P value, on the log scale for ratios. Every pooler
takes `hartung_knapp=True` for the Hartung-Knapp(-Sidik-Jonkman) interval: statsmodels' HKSJ
standard error and a t distribution with k - 1 degrees of freedom. `egger_test` is Egger's
regression test for funnel-plot asymmetry (weighted least squares in statsmodels).

For the book's data: `two_arm_comparisons` pairs the arms of `trial_outcomes`,
`pooling_candidates` says for each outcome whether (and with what caveats) it can be pooled, and
`reproduce_published` sets published pooled results beside ours.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

METHODS = {"fixed": None, "dl": "chi2", "pm": "iterated"}
MEASURE_NAMES = {
    "RR": "risk ratio",
    "OR": "odds ratio",
    "RD": "risk difference",
    "MD": "mean difference",
    "SMD": "standardised mean difference (Hedges' g)",
    "ratio": "ratio (generic inverse variance)",
    "effect": "effect (generic inverse variance)",
}
RATIO_MEASURES = {"RR", "OR", "ratio"}
CONTINUITY = 0.5


class MetaAnalysisError(ValueError):
    """Input that cannot be pooled; the message names the study and the value."""


class ZeroCellWarning(UserWarning):
    """A study had a zero cell (corrected) or no events at all (excluded)."""


@dataclass(frozen=True)
class Pooled:
    """A pooled estimate. Ratio measures are pooled on the log scale; `ci_*` are on the ratio
    scale for them (so `ci_low < ratio < ci_high`) and on the measure's own scale otherwise."""

    measure: str  # RR, OR, RD, MD, SMD, or ratio / effect (generic inverse variance)
    method: str  # fixed, dl or pm
    estimate: float  # log ratio for RR and OR; the difference itself for RD, MD and SMD
    se: float
    ci_low: float
    ci_high: float
    tau2: float
    i2: float  # share of variability due to heterogeneity, 0-1
    q: float  # Cochran's Q
    prediction_low: float | None  # 95% prediction interval (random effects, k >= 3)
    prediction_high: float | None
    studies: pd.DataFrame  # study, effect, variance, se, ci_low, ci_high, weight (+ inputs)
    excluded: tuple[str, ...] = ()  # double-zero studies left out of a ratio measure
    notes: tuple[str, ...] = ()  # the zero-cell warnings, kept for display
    hartung_knapp: bool = False  # CI from the HKSJ standard error and t with k - 1 df
    hk_adhoc: bool = False  # HK SE never below the usual one (Knapp & Hartung 2003; Röver 2015)

    @property
    def k(self) -> int:
        return len(self.studies)

    @property
    def value(self) -> float:
        """The pooled effect on its natural scale (a ratio for RR and OR)."""
        return math.exp(self.estimate) if self.measure in RATIO_MEASURES else self.estimate

    def _ratio(self, measure: str, log: bool) -> float:
        if self.measure != measure:
            raise AttributeError(f"this is a pooled {MEASURE_NAMES[self.measure]}, not {measure}")
        return self.estimate if log else self.value

    @property
    def log_rr(self) -> float:
        return self._ratio("RR", log=True)

    @property
    def rr(self) -> float:
        return self._ratio("RR", log=False)

    @property
    def log_or(self) -> float:
        return self._ratio("OR", log=True)

    @property
    def odds_ratio(self) -> float:
        return self._ratio("OR", log=False)

    @property
    def rd(self) -> float:
        """The pooled risk difference (treatment minus control, as a proportion)."""
        if self.measure != "RD":
            raise AttributeError(f"this is a pooled {MEASURE_NAMES[self.measure]}, not RD")
        return self.estimate

    def describe(self) -> str:
        """One line for a reader: estimate, CI, heterogeneity, k."""
        name = MEASURE_NAMES[self.measure]
        method = f"{self.method}, Hartung-Knapp" if self.hartung_knapp else self.method
        return (
            f"Pooled {name} ({method}): {self.value:.2f} "
            f"(95% CI {self.ci_low:.2f} to {self.ci_high:.2f}); "
            f"tau² = {self.tau2:.3f}, I² = {100 * self.i2:.0f}%, k = {self.k}"
        )


# ------------------------------------------------------------------------------ input checks


def _names(studies: Sequence[str] | None, k: int) -> list[str]:
    if studies is None:
        return [f"study {i}" for i in range(1, k + 1)]
    names = [str(name) for name in studies]
    if len(names) != k:
        raise MetaAnalysisError(f"{len(names)} study names for {k} studies")
    return names


def _arrays(columns: dict[str, object], studies: Sequence[str] | None) -> tuple[dict, list[str]]:
    lengths = {name: len(values) for name, values in columns.items()}
    if len(set(lengths.values())) != 1:
        described = ", ".join(f"{name} has {n}" for name, n in lengths.items())
        raise MetaAnalysisError(f"every input needs one value per study: {described}")
    k = next(iter(lengths.values()))
    if k == 0:
        raise MetaAnalysisError("no studies to pool")
    names = _names(studies, k)
    arrays = {}
    for name, values in columns.items():
        try:
            array = np.asarray(values, dtype=float)
        except (TypeError, ValueError):
            raise MetaAnalysisError(f"{name}: every value must be a number") from None
        for study, value in zip(names, array, strict=True):
            if not math.isfinite(value):
                raise MetaAnalysisError(f"{study}: {name} is missing or not finite ({value})")
        arrays[name] = array
    return arrays, names


def _data_files(*inputs: object) -> tuple[str, ...]:
    """The data files recorded on any pandas input, so figures of the result can cite them."""
    return tuple(
        sorted(
            {name for item in inputs for name in getattr(item, "attrs", {}).get("data_files", ())}
        )
    )


def _check_counts(arrays: dict[str, np.ndarray], names: list[str]) -> None:
    pairs = (("events_treat", "n_treat"), ("events_control", "n_control"))
    for study_index, study in enumerate(names):
        for name, array in arrays.items():
            value = array[study_index]
            if value < 0 or value != int(value):
                raise MetaAnalysisError(
                    f"{study}: {name} must be a whole number ≥ 0 (got {value:g})"
                )
        for events, total in pairs:
            e, n = arrays[events][study_index], arrays[total][study_index]
            if n == 0:
                raise MetaAnalysisError(f"{study}: {total} is 0; a study arm needs patients")
            if e > n:
                raise MetaAnalysisError(f"{study}: {events} ({e:g}) is more than {total} ({n:g})")


def _check_method(method: str) -> None:
    if method not in METHODS:
        raise MetaAnalysisError(f"unknown method {method!r}; use one of {', '.join(METHODS)}")


# ---------------------------------------------------------------------------------- pooling


def _pool(
    measure: str,
    method: str,
    effect: np.ndarray,
    variance: np.ndarray,
    table: pd.DataFrame,
    excluded: tuple[str, ...] = (),
    data_files: tuple[str, ...] = (),
    hartung_knapp: bool = False,
    hk_adhoc: bool = False,
) -> Pooled:
    from statsmodels.stats.meta_analysis import combine_effects

    _check_method(method)
    if hk_adhoc and not hartung_knapp:
        raise MetaAnalysisError(
            "hk_adhoc=True modifies the Hartung-Knapp SE: set hartung_knapp=True"
        )
    if hartung_knapp and len(effect) < 2:
        raise MetaAnalysisError(
            "Hartung-Knapp needs at least 2 studies (its t distribution has k - 1 df)"
        )
    if (variance <= 0).any():
        study = table["study"].iloc[int(np.argmax(variance <= 0))]
        raise MetaAnalysisError(f"{study}: its variance is 0; the effect cannot be weighted")
    k = len(effect)
    # statsmodels divides by k - 1 (nan for one study) and leaves a negative DerSimonian-Laird
    # tau² untruncated; both mean "no heterogeneity estimable", so tau² = 0 and the random-effects
    # result equals the fixed one, as in RevMan and metafor.
    with np.errstate(divide="ignore", invalid="ignore"):
        combined = combine_effects(
            effect, variance, method_re=METHODS[method] or "chi2", atol=1e-10, maxiter=1000
        )
    tau2 = float(combined.tau2) if method != "fixed" and k > 1 else 0.0
    random = math.isfinite(tau2) and tau2 > 0
    tau2 = tau2 if random else 0.0
    estimate = combined.mean_effect_re if random else combined.mean_effect_fe
    se = combined.sd_eff_w_re if random else combined.sd_eff_w_fe
    weights = combined.weights_rel_re if random else combined.weights_rel_fe
    from scipy import stats as scipy_stats  # here, not at import: it costs a chapter 0.5 s

    z = scipy_stats.norm.ppf(0.975)
    low, high = estimate - z * se, estimate + z * se
    if hartung_knapp:
        # HKSJ: the weighted spread of the studies around the estimate replaces the model's SE,
        # and a t with k - 1 df replaces the normal (Hartung & Knapp 2001; IntHout 2014).
        # Unlike the usual SE it can be SMALLER when the trials agree more than their SEs predict
        # (generalised Q < k - 1); the ad hoc variant keeps the larger of the two (metafor
        # test="adhoc", Jackson et al. 2017 section 4.3), so the interval is never narrower
        # than the usual one with the same multiplier.
        usual = se
        se = combined.sd_eff_w_re_hksj if random else combined.sd_eff_w_fe_hksj
        if hk_adhoc:
            se = max(se, usual)
        half = scipy_stats.t.ppf(0.975, k - 1) * se
        low, high = estimate - half, estimate + half
    prediction = (None, None)
    # Prediction interval in the form of Higgins, Thompson & Spiegelhalter 2009: t with k - 2 df,
    # whether or not Hartung-Knapp is used (with HK, `se` above is the HK SE). metafor's
    # predict() after test="knha" uses t with k - 1 df instead, so its limits are a little narrower.
    if method != "fixed" and k >= 3:
        half = scipy_stats.t.ppf(0.975, k - 2) * math.sqrt(tau2 + se**2)
        prediction = (estimate - half, estimate + half)
    back = math.exp if measure in RATIO_MEASURES else float
    study_se = np.sqrt(variance)
    table = table.assign(
        effect=effect,
        variance=variance,
        se=study_se,
        ci_low=[back(value) for value in effect - z * study_se],
        ci_high=[back(value) for value in effect + z * study_se],
        weight=np.asarray(weights, dtype=float),
    )
    table.attrs["data_files"] = data_files
    return Pooled(
        measure=measure,
        method=method,
        estimate=float(estimate),
        se=float(se),
        ci_low=back(low),
        ci_high=back(high),
        tau2=tau2,
        i2=float(max(combined.i2, 0.0)) if k > 1 and combined.q > 0 else 0.0,
        q=float(combined.q),
        prediction_low=None if prediction[0] is None else back(prediction[0]),
        prediction_high=None if prediction[1] is None else back(prediction[1]),
        studies=table,
        excluded=excluded,
        hartung_knapp=bool(hartung_knapp),
        hk_adhoc=bool(hk_adhoc),
    )


def _pool_binary(
    statistic: str,
    measure: str,
    events_treat,
    n_treat,
    events_control,
    n_control,
    method: str,
    studies: Sequence[str] | None,
    continuity: float,
    hartung_knapp: bool = False,
) -> Pooled:
    from statsmodels.stats.meta_analysis import effectsize_2proportions

    _check_method(method)
    columns = {
        "events_treat": events_treat,
        "n_treat": n_treat,
        "events_control": events_control,
        "n_control": n_control,
    }
    arrays, names = _arrays(columns, studies)
    _check_counts(arrays, names)
    e1, n1, e2, n2 = (arrays[name] for name in columns)
    double_zero = ((e1 == 0) & (e2 == 0)) | ((e1 == n1) & (e2 == n2))
    if measure not in RATIO_MEASURES:  # a risk difference of 0 is information: keep the study
        double_zero = np.zeros_like(double_zero)
    excluded = tuple(name for name, flag in zip(names, double_zero, strict=True) if flag)
    notes = []
    if excluded:
        notes.append(
            f"excluded from the pooled {MEASURE_NAMES[measure]}: {', '.join(excluded)} "
            "(no events, or only events, in both arms: no information on a ratio)"
        )
        warnings.warn(notes[-1], ZeroCellWarning, stacklevel=3)
    keep = ~double_zero
    if not keep.any():
        raise MetaAnalysisError(f"every study has no events in either arm: {', '.join(names)}")
    e1, n1, e2, n2 = e1[keep], n1[keep], e2[keep], n2[keep]
    kept = [name for name, flag in zip(names, keep, strict=True) if flag]
    zero = (e1 == 0) | (e2 == 0) | (e1 == n1) | (e2 == n2)
    if zero.any():
        corrected = [name for name, flag in zip(kept, zero, strict=True) if flag]
        notes.append(
            f"continuity correction: {continuity} added to every cell of {', '.join(corrected)} "
            "(a zero cell)"
        )
        warnings.warn(notes[-1], ZeroCellWarning, stacklevel=3)
    add = np.where(zero, continuity, 0.0)
    # statsmodels takes counts and totals; adding to both cells of an arm adds 2x to its total
    effect, variance = effectsize_2proportions(
        e1 + add, n1 + 2 * add, e2 + add, n2 + 2 * add, statistic=statistic
    )
    table = pd.DataFrame(
        {
            "study": kept,
            "events_treat": e1.astype(int),
            "n_treat": n1.astype(int),
            "events_control": e2.astype(int),
            "n_control": n2.astype(int),
            "corrected": zero,
        }
    )
    files = _data_files(events_treat, n_treat, events_control, n_control)
    result = _pool(
        measure, method, np.asarray(effect), np.asarray(variance), table, excluded, files,
        hartung_knapp=hartung_knapp,
    )  # fmt: skip
    return replace(result, notes=tuple(notes))


def pool_risk_ratios(
    events_treat,
    n_treat,
    events_control,
    n_control,
    method: str = "dl",
    studies: Sequence[str] | None = None,
    continuity: float = CONTINUITY,
    hartung_knapp: bool = False,
) -> Pooled:
    """Pool risk ratios (treatment over control) across studies on the log scale."""
    return _pool_binary(
        "risk-ratio", "RR", events_treat, n_treat, events_control, n_control,
        method, studies, continuity, hartung_knapp,
    )  # fmt: skip


def pool_odds_ratios(
    events_treat,
    n_treat,
    events_control,
    n_control,
    method: str = "dl",
    studies: Sequence[str] | None = None,
    continuity: float = CONTINUITY,
    hartung_knapp: bool = False,
) -> Pooled:
    """Pool odds ratios (treatment over control) across studies on the log scale."""
    return _pool_binary(
        "odds-ratio", "OR", events_treat, n_treat, events_control, n_control,
        method, studies, continuity, hartung_knapp,
    )  # fmt: skip


def pool_risk_differences(
    events_treat,
    n_treat,
    events_control,
    n_control,
    method: str = "dl",
    studies: Sequence[str] | None = None,
    continuity: float = CONTINUITY,
    hartung_knapp: bool = False,
) -> Pooled:
    """Pool risk differences (treatment minus control, as proportions) across studies.

    Studies with no events in either arm stay in (their difference is 0); any study with a zero
    cell gets the continuity correction, with a warning, so that its variance is not 0.
    """
    return _pool_binary(
        "diff", "RD", events_treat, n_treat, events_control, n_control,
        method, studies, continuity, hartung_knapp,
    )  # fmt: skip


def _continuous(columns: dict, studies: Sequence[str] | None) -> tuple[dict, list[str]]:
    arrays, names = _arrays(columns, studies)
    for study_index, study in enumerate(names):
        for name in ("sd_treat", "sd_control"):
            if arrays[name][study_index] <= 0:
                raise MetaAnalysisError(f"{study}: {name} must be above 0")
        for name in ("n_treat", "n_control"):
            value = arrays[name][study_index]
            if value < 2 or value != int(value):
                raise MetaAnalysisError(f"{study}: {name} must be a whole number ≥ 2 ({value:g})")
    return arrays, names


def _pool_continuous(
    measure: str, method: str, columns: dict, studies, hartung_knapp: bool = False
) -> Pooled:
    """Pool MD (treatment minus control) or SMD (Hedges' g, statsmodels) from per-arm summaries."""
    from statsmodels.stats.meta_analysis import effectsize_smd

    _check_method(method)
    a, names = _continuous(columns, studies)
    if measure == "MD":
        effect = a["mean_treat"] - a["mean_control"]
        variance = a["sd_treat"] ** 2 / a["n_treat"] + a["sd_control"] ** 2 / a["n_control"]
    else:
        effect, variance = effectsize_smd(*(a[name] for name in columns))
    table = pd.DataFrame({"study": names, **{name: a[name] for name in columns}})
    files = _data_files(*columns.values())
    return _pool(
        measure, method, np.asarray(effect), np.asarray(variance), table, data_files=files,
        hartung_knapp=hartung_knapp,
    )  # fmt: skip


def pool_mean_differences(
    mean_treat, sd_treat, n_treat, mean_control, sd_control, n_control,
    method: str = "dl", studies: Sequence[str] | None = None, hartung_knapp: bool = False,
) -> Pooled:  # fmt: skip
    """Pool raw mean differences (treatment minus control); every study in the same unit."""
    columns = dict(
        mean_treat=mean_treat, sd_treat=sd_treat, n_treat=n_treat,
        mean_control=mean_control, sd_control=sd_control, n_control=n_control,
    )  # fmt: skip
    return _pool_continuous("MD", method, columns, studies, hartung_knapp)


def pool_standardised_mean_differences(
    mean_treat, sd_treat, n_treat, mean_control, sd_control, n_control,
    method: str = "dl", studies: Sequence[str] | None = None, hartung_knapp: bool = False,
) -> Pooled:  # fmt: skip
    """Pool standardised mean differences (Hedges' g, bias-corrected), for outcomes measured on
    different scales."""
    columns = dict(
        mean_treat=mean_treat, sd_treat=sd_treat, n_treat=n_treat,
        mean_control=mean_control, sd_control=sd_control, n_control=n_control,
    )  # fmt: skip
    return _pool_continuous("SMD", method, columns, studies, hartung_knapp)


# ------------------------------------------------------------- generic inverse variance


def _level_z(level: float) -> float:
    from scipy import stats as scipy_stats

    if isinstance(level, bool) or not isinstance(level, int | float) or not 0 < level < 1:
        raise MetaAnalysisError(f"level must be between 0 and 1 (e.g. 0.95), got {level!r}")
    return float(scipy_stats.norm.ppf(0.5 + level / 2))


def _scale(value: float, log_scale: bool, what: str, study: str) -> float:
    if not log_scale:
        return value
    if value <= 0:
        raise MetaAnalysisError(
            f"{study}: {what} is {value:g}; a ratio must be above 0 to go on the log scale"
        )
    return math.log(value)


def se_from_ci(
    estimate: float, ci_low: float, ci_high: float, log_scale: bool = True,
    level: float = 0.95, study: str = "study",
) -> float:  # fmt: skip
    """Standard error from a confidence interval (Cochrane Handbook 6.3.1): width ÷ (2 × z),
    on the log scale for a ratio (`log_scale=True`)."""
    z = _level_z(level)
    values = [float(v) for v in (estimate, ci_low, ci_high)]
    if not all(math.isfinite(v) for v in values):
        raise MetaAnalysisError(f"{study}: estimate and CI must be numbers, got {values}")
    est, low, high = (_scale(v, log_scale, name, study)
                      for v, name in zip(values, ("the estimate", "ci_low", "ci_high"),
                                         strict=True))  # fmt: skip
    if not low < high:
        raise MetaAnalysisError(f"{study}: ci_low ({values[1]:g}) must be below ci_high")
    if not low <= est <= high:
        raise MetaAnalysisError(
            f"{study}: the estimate {values[0]:g} is outside its CI "
            f"({values[1]:g} to {values[2]:g}); check the columns"
        )
    return (high - low) / (2 * z)


def se_from_p(
    estimate: float, p_value: float, log_scale: bool = True, study: str = "study"
) -> float:
    """Standard error from a two-sided P value (Cochrane Handbook 6.3.2): |estimate| ÷ z(P),
    with the estimate on the log scale for a ratio. Only as good as the P value: it assumes a
    normal (Wald) test, and a P value rounded to 0.06 gives a rough SE."""
    from scipy import stats as scipy_stats

    if isinstance(p_value, bool) or not 0 < float(p_value) < 1:
        raise MetaAnalysisError(f"{study}: the P value must be between 0 and 1, got {p_value!r}")
    est = _scale(float(estimate), log_scale, "the estimate", study)
    if est == 0:
        raise MetaAnalysisError(
            f"{study}: an estimate of no effect carries no SE in its P value; use its CI"
        )
    return abs(est) / float(scipy_stats.norm.isf(float(p_value) / 2))


def pool_generic(
    estimates,
    ci_low=None,
    ci_high=None,
    *,
    p_values=None,
    se=None,
    log_scale: bool = True,
    level: float = 0.95,
    method: str = "dl",
    studies: Sequence[str] | None = None,
    hartung_knapp: bool = False,
    hk_adhoc: bool = False,
) -> Pooled:
    """Pool reported estimates by generic inverse variance (Cochrane Handbook 6.3 and 10.3).

    Each study needs an estimate and one way to its standard error, tried in this order: a CI
    (`ci_low`, `ci_high`, at `level`), a two-sided P value (`p_values`), or the SE itself (`se`,
    on the log scale for ratios). Missing values (None or NaN) fall through to the next. With
    `log_scale=True` (ratios: rate, hazard, risk or odds ratios) the pooling is on the log scale
    and the result is a ratio (`measure="ratio"`); otherwise a difference (`measure="effect"`).
    With `log_scale=False` an SE from a CI or P value uses the normal z; for means from small
    samples the Cochrane Handbook (6.3.1) uses the t distribution instead, giving a larger SE.
    `hk_adhoc=True` (with `hartung_knapp=True`) never lets the Hartung-Knapp SE fall below the
    usual one.
    """
    k = len(estimates)
    names = _names(studies, k)

    def column(values, name):
        if values is None:
            return [math.nan] * k
        values = list(values)
        if len(values) != k:
            raise MetaAnalysisError(f"{name} has {len(values)} values for {k} estimates")
        return [math.nan if v is None else float(v) for v in values]

    if k == 0:
        raise MetaAnalysisError("no studies to pool")
    est = column(estimates, "estimates")
    lows, highs = column(ci_low, "ci_low"), column(ci_high, "ci_high")
    ps, ses = column(p_values, "p_values"), column(se, "se")
    effects, errors, routes = [], [], []
    for i, study in enumerate(names):
        if not math.isfinite(est[i]):
            raise MetaAnalysisError(f"{study}: the estimate is missing")
        if math.isfinite(lows[i]) and math.isfinite(highs[i]):
            errors.append(se_from_ci(est[i], lows[i], highs[i], log_scale, level, study))
            routes.append("CI")
        elif math.isfinite(ps[i]):
            errors.append(se_from_p(est[i], ps[i], log_scale, study))
            routes.append("P value")
        elif math.isfinite(ses[i]):
            if ses[i] <= 0:
                raise MetaAnalysisError(f"{study}: se must be above 0, got {ses[i]:g}")
            errors.append(ses[i])
            routes.append("SE")
        else:
            raise MetaAnalysisError(f"{study}: give a CI (both limits), a P value or an SE")
        effects.append(_scale(est[i], log_scale, "the estimate", study))
    table = pd.DataFrame({"study": names, "reported": est, "se_from": routes})
    files = _data_files(estimates, ci_low, ci_high, p_values, se)
    variance = np.asarray(errors, dtype=float) ** 2
    return _pool(
        "ratio" if log_scale else "effect", method, np.asarray(effects, dtype=float), variance,
        table, data_files=files, hartung_knapp=hartung_knapp, hk_adhoc=hk_adhoc,
    )  # fmt: skip


def reported_ratios(outcomes: pd.DataFrame, outcome: str, trials: pd.DataFrame) -> pd.DataFrame:
    """One row per trial reporting `outcome` as a ratio, ready for `pool_generic`: a reported
    effect ratio with its CI and P value, or, where a trial reports only the two arms' (model)
    means and the P value of their comparison, the ratio of those means with that P value.

    Columns: trial_id, study, estimate, ci_low, ci_high, p_value, derived_from, timepoint.
    Uses `trial_outcomes` columns trial_id, arm_id, comparator_arm_id, outcome, value,
    effect_measure, effect_value, effect_ci_low, effect_ci_high, p_value, p_relation,
    timepoint_value, timepoint_unit; `trials` columns trial_id, short_name.
    """
    names = trials.set_index("trial_id")["short_name"]
    rows = []
    for trial_id, group in outcomes[outcomes["outcome"] == outcome].groupby("trial_id", sort=False):
        reported = group[group["effect_value"].notna()]
        compared = group[group["comparator_arm_id"].notna() & group["value"].notna()]
        exact_p = compared["p_relation"].eq("=") if len(compared) else None
        if len(reported):
            row = reported.iloc[0]
            estimate, low, high = row.effect_value, row.effect_ci_low, row.effect_ci_high
            source = f"reported {str(row.effect_measure).replace('_', ' ')}"
        elif len(compared) and exact_p.iloc[0]:
            row = compared.iloc[0]
            control = group[group["arm_id"] == row.comparator_arm_id]
            if len(control) != 1 or pd.isna(control["value"].iloc[0]):
                continue
            estimate, low, high = row.value / control["value"].iloc[0], math.nan, math.nan
            source = "ratio of the two arms' reported means; P value of their comparison"
        else:
            continue
        rows.append({"trial_id": trial_id, "study": names.get(trial_id, trial_id),
                     "estimate": float(estimate), "ci_low": float(low), "ci_high": float(high),
                     "p_value": float(row.p_value) if row.p_relation == "=" else math.nan,
                     "derived_from": source,
                     "timepoint": f"{row.timepoint_value:g} {row.timepoint_unit}"})  # fmt: skip
    table = pd.DataFrame(rows)
    table.attrs["data_files"] = _data_files(outcomes, trials)
    return table


# ------------------------------------------------------------------- small-study effects


@dataclass(frozen=True)
class EggerTest:
    """Egger's regression test: effect = limit + bias × SE, weighted by 1/variance, with a
    multiplicative dispersion (metafor's `regtest(model="lm")`). `bias` is the slope (Egger's
    intercept in his standard-normal-deviate form); `limit_estimate` is the effect as SE -> 0."""

    bias: float
    t: float
    df: int
    p_value: float
    limit_estimate: float
    limit_ci_low: float
    limit_ci_high: float
    k: int

    def describe(self) -> str:
        return (
            f"Egger's test: t = {self.t:.2f}, df = {self.df}, P = {self.p_value:.3f} (k = {self.k})"
        )


def egger_test(result: Pooled, predictor: str = "se", n_total=None) -> EggerTest:
    """Egger's regression test for funnel-plot asymmetry on the studies of a pooled result
    (Egger et al. 1997), by statsmodels' weighted least squares. Needs 3 studies to run; with
    fewer than about 10 its power is low, and asymmetry has causes other than bias.

    `predictor="ninv"` regresses on 1 / total sample size instead of the SE (the predictor of
    Peters et al. 2006, as metafor's `regtest(model="lm", predictor="ninv")`): for log odds ratios
    with sparse data the SE is correlated with the log OR itself, which can fake asymmetry
    (Sterne et al. 2011). `n_total` gives each study's total size; by default the sum of the arm
    sizes `n_treat` + `n_control` kept in the pooled result's study table."""
    import statsmodels.api as sm

    if result.k < 3:
        raise MetaAnalysisError(f"Egger's test needs at least 3 studies, got {result.k}")
    effect = result.studies["effect"].to_numpy(dtype=float)
    variance = result.studies["variance"].to_numpy(dtype=float)
    if predictor == "se":
        x = np.sqrt(variance)
    elif predictor == "ninv":
        if n_total is None:
            missing = {"n_treat", "n_control"} - set(result.studies.columns)
            if missing:
                raise MetaAnalysisError(
                    f"predictor='ninv' needs n_total or study columns {sorted(missing)}"
                )
            n_total = result.studies["n_treat"] + result.studies["n_control"]
        n_total = np.asarray(n_total, dtype=float)
        if len(n_total) != result.k or not (n_total > 0).all():
            raise MetaAnalysisError(f"n_total needs {result.k} sizes above 0, got {list(n_total)}")
        x = 1 / n_total
    else:
        raise MetaAnalysisError(f"predictor must be 'se' or 'ninv', got {predictor!r}")
    design = sm.add_constant(x)
    fit = sm.WLS(effect, design, weights=1 / variance).fit()
    low, high = fit.conf_int(0.05)[0]
    return EggerTest(
        bias=float(fit.params[1]),
        t=float(fit.tvalues[1]),
        df=int(fit.df_resid),
        p_value=float(fit.pvalues[1]),
        limit_estimate=float(fit.params[0]),
        limit_ci_low=float(low),
        limit_ci_high=float(high),
        k=result.k,
    )


def leave_one_out(result: Pooled) -> pd.DataFrame:
    """The pooled estimate with each study left out in turn (sensitivity analysis)."""
    if result.k < 3:
        raise MetaAnalysisError("leave-one-out needs at least 3 studies")
    rows = []
    for index, study in enumerate(result.studies["study"]):
        rest = result.studies.drop(index=result.studies.index[index])
        again = _pool(
            result.measure,
            result.method,
            rest["effect"].to_numpy(),
            rest["variance"].to_numpy(),
            rest[["study"]].reset_index(drop=True),
            hartung_knapp=result.hartung_knapp,
            hk_adhoc=result.hk_adhoc,
        )
        rows.append(
            {
                "left_out": study,
                "estimate": again.value,
                "ci_low": again.ci_low,
                "ci_high": again.ci_high,
                "tau2": again.tau2,
                "i2": again.i2,
            }
        )
    return pd.DataFrame(rows)


# ------------------------------------------------------------ which outcomes can be pooled

PRODUCT_NAMES = {
    "msc": "MSC", "msc_like": "MSC-like", "msc_derived": "MSC-derived",
    "cd34_cells": "CD34+ cells", "bm_mnc": "BM-MNC",
    "bm_multicellular": "bone-marrow multicellular",
    "bmac": "BMAC", "svf_adrc": "SVF/ADRC", "fat_graft": "fat graft", "hsct": "HSCT",
}  # fmt: skip
CONTINUOUS_STATISTICS = {"mean", "mean_change"}


def two_arm_comparisons(outcomes: pd.DataFrame, arms: pd.DataFrame) -> pd.DataFrame:
    """Every row of `trial_outcomes` that names a comparator arm, with the per-arm inputs a
    meta-analysis needs when both arms report them at the same time point.

    Columns: trial_id, outcome, arm_id, comparator_arm_id, timepoint, kind ("events", "means"
    or "no per-arm numbers"), events/n or mean/sd/n for both arms (n of means from
    `trial_arms`). Uses `trial_outcomes` columns trial_id, arm_id, comparator_arm_id, outcome,
    timepoint_value, timepoint_unit, events, total, value, value_statistic, sd; `trial_arms`
    trial_id, arm_id, n.
    """
    arm_n = arms.set_index(["trial_id", "arm_id"])["n"]
    keyed = outcomes.assign(
        timepoint=[
            "" if pd.isna(value) else f"{value:g} {unit}"
            for value, unit in zip(
                outcomes["timepoint_value"], outcomes["timepoint_unit"], strict=True
            )
        ]  # fmt: skip
    )
    rows = []
    for row in keyed[keyed["comparator_arm_id"].notna()].itertuples():
        match = keyed[
            (keyed["trial_id"] == row.trial_id)
            & (keyed["arm_id"] == row.comparator_arm_id)
            & (keyed["outcome"] == row.outcome)
            & (keyed["timepoint"] == row.timepoint)
            & (keyed["outcome_detail"] == row.outcome_detail)
        ]
        other = match.iloc[0] if len(match) == 1 else None
        record = {"trial_id": row.trial_id, "outcome": row.outcome, "arm_id": row.arm_id,
                  "comparator_arm_id": row.comparator_arm_id, "timepoint": row.timepoint,
                  "kind": "no per-arm numbers"}  # fmt: skip
        if other is not None and pd.notna(row.events) and pd.notna(other["events"]):
            record |= {"kind": "events", "events_treat": row.events, "n_treat": row.total,
                       "events_control": other["events"], "n_control": other["total"]}  # fmt: skip
        elif (
            other is not None
            and row.value_statistic in CONTINUOUS_STATISTICS
            and other["value_statistic"] == row.value_statistic
            and pd.notna(row.sd) and pd.notna(other["sd"])
        ):  # fmt: skip
            record |= {
                "kind": "means",
                "mean_treat": row.value, "sd_treat": row.sd,
                "n_treat": arm_n.get((row.trial_id, row.arm_id)),
                "mean_control": other["value"], "sd_control": other["sd"],
                "n_control": arm_n.get((row.trial_id, row.comparator_arm_id)),
            }  # fmt: skip
        rows.append(record)
    table = pd.DataFrame(rows)
    table.attrs["data_files"] = _data_files(outcomes, arms)
    return table


def pooling_candidates(
    outcomes: pd.DataFrame, arms: pd.DataFrame, trials: pd.DataFrame
) -> pd.DataFrame:
    """One row per outcome in `trial_outcomes`: the trials that report it, how many of them
    compare arms with per-arm numbers, and whether (and with what caveats) they could be pooled.

    Columns: outcome, trials (short names), n_trials, n_with_arm_data, verdict, reason.
    Uses `trial_outcomes` (see `two_arm_comparisons`), `trial_arms` and `trials` columns
    trial_id, short_name, product_type, randomised.
    """
    comparisons = two_arm_comparisons(outcomes, arms)
    by_trial = trials.set_index("trial_id")
    rows = []
    for outcome, group in outcomes.groupby("outcome", sort=True):
        trial_ids = list(dict.fromkeys(group["trial_id"]))
        compared = comparisons[comparisons["outcome"] == outcome] if len(comparisons) else None
        usable = (
            compared[compared["kind"] != "no per-arm numbers"] if compared is not None else None
        )
        usable_trials = [] if usable is None else list(dict.fromkeys(usable["trial_id"]))
        reason, verdict = _pooling_reason(trial_ids, usable, usable_trials, compared, by_trial)
        rows.append(
            {
                "outcome": outcome,
                "trials": ", ".join(by_trial.loc[t, "short_name"] for t in trial_ids),
                "n_trials": len(trial_ids),
                "n_with_arm_data": len(usable_trials),
                "verdict": verdict,
                "reason": reason,
            }
        )
    table = pd.DataFrame(rows)
    table.attrs["data_files"] = _data_files(outcomes, arms, trials)
    return table


UNCONTROLLED = {"none", "before_after", "external"}


def _pooling_reason(trial_ids, usable, usable_trials, compared, by_trial) -> tuple[str, str]:
    names = [by_trial.loc[trial, "short_name"] for trial in trial_ids]
    if len(trial_ids) == 1:
        reason = f"only one trial ({names[0]})"
        if by_trial.loc[trial_ids[0], "control_type"] in UNCONTROLLED:
            reason += ", without a control group"
        if usable is not None and len(usable) > 1 and len(usable_trials) == 1:
            reason += "; its two cell arms share one control arm, so they are not two studies"
        return reason, "cannot pool"
    if len(usable_trials) < 2:
        uncontrolled = sum(by_trial.loc[t, "control_type"] in UNCONTROLLED for t in trial_ids)
        reason = f"{len(trial_ids)} trials, {len(usable_trials)} with numbers for both arms"
        if uncontrolled:
            reason += f"; {uncontrolled} without a control group"
        if compared is not None and len(compared) > len(usable):
            reason += "; the others report a P value or an effect estimate, not per-arm numbers"
        return reason, "cannot pool"
    products = sorted({PRODUCT_NAMES.get(by_trial.loc[t, "product_type"], "?")
                       for t in usable_trials})  # fmt: skip
    times = sorted(set(usable[usable["trial_id"].isin(usable_trials)]["timepoint"]))
    caveats = []
    if len(times) > 1:
        caveats.append(f"different time points ({', '.join(times)})")
    if any(by_trial.loc[t, "product_type"] != "msc" for t in usable_trials):
        caveats.append(f"products: {', '.join(products)} (not MSCs)")
    elif len(products) > 1:
        caveats.append(f"different products ({', '.join(products)})")
    reason = f"{len(usable_trials)} controlled trials with numbers for both arms"
    return (reason + ("; " + "; ".join(caveats) if caveats else ""), "pool, with caveats")


OUTCOME_WORDS = {
    "abi": "Ankle-brachial index",
    "edss": "EDSS",
    "mrss": "Modified Rodnan skin score",
    "tcpo2": "Transcutaneous oxygen pressure",
    "gd_enhancing_lesions": "Gadolinium-enhancing lesions",
    "lcla_improvement": "Low-contrast letter acuity improved",
    "msws12_improvement": "MSWS-12 improved",
    "nine_hpt_improvement": "Nine-hole peg test improved",
    "sdmt_improvement": "SDMT improved",
    "t25fw_improvement": "Timed 25-foot walk improved",
    "edss_plus_improvement": "EDSS-Plus improved",
    "t25fw_or_nine_hpt_improvement": "Timed walk or peg test improved",
}


def outcome_words(code: str) -> str:
    """An outcome code in plain words ("cochin_hand_score" -> "Cochin hand score")."""
    if code in OUTCOME_WORDS:
        return OUTCOME_WORDS[code]
    words = code.replace("_", " ")
    return words[:1].upper() + words[1:]


def pooling_table(candidates: pd.DataFrame) -> pd.DataFrame:
    """`pooling_candidates` for a reader: plain headers and outcome names, poolable rows first."""
    table = candidates.assign(
        outcome=[outcome_words(code) for code in candidates["outcome"]],
        order=candidates["verdict"] != "pool, with caveats",
    ).sort_values(["order", "n_trials", "outcome"], ascending=[True, False, True], kind="stable")
    return (
        table.drop(columns="order")
        .rename(
            columns={
                "outcome": "Outcome",
                "trials": "Trials reporting it",
                "n_trials": "Trials",
                "n_with_arm_data": "With numbers for both arms",
                "verdict": "Verdict",
                "reason": "Why",
            }  # fmt: skip
        )
        .reset_index(drop=True)
    )


def summary_table(results: dict[str, Pooled]) -> pd.DataFrame:
    """One row per labelled result: the pooled effect on its natural scale, its 95% CI, tau²,
    I² (%), the 95% prediction interval (random effects, k ≥ 3) and k."""
    rows = []
    for label, result in results.items():
        has_prediction = result.prediction_low is not None
        rows.append(
            {
                "Analysis": label,
                "Estimate": result.value,
                "95% CI": f"{result.ci_low:.3g} to {result.ci_high:.3g}",
                "tau²": result.tau2,
                "I² (%)": 100 * result.i2,
                "95% prediction interval": (
                    f"{result.prediction_low:.3g} to {result.prediction_high:.3g}"
                    if has_prediction
                    else "none"
                ),
                "Studies": result.k,
            }
        )
    return pd.DataFrame(rows)


POOLERS = {
    "risk_ratio": pool_risk_ratios,
    "odds_ratio": pool_odds_ratios,
    "risk_difference": pool_risk_differences,
}
BCG_ARMS = ("events_vaccinated", "n_vaccinated", "events_control", "n_control")


def reproduce_published(
    benchmarks: pd.DataFrame,
    studies: pd.DataFrame,
    arms: Sequence[str] = BCG_ARMS,
    dataset: str = "bcg_trials",
) -> pd.DataFrame:
    """Each published pooled result in `benchmarks` for `dataset` beside the same analysis run
    here on `studies`, both rounded to the published decimals, and whether they agree.

    Uses `meta_analysis_benchmarks` columns benchmark_id, dataset, measure, method, estimate,
    ci_low, ci_high, tau2, i2_percent, q, decimals; `studies` columns named by `arms` (events
    and totals, treatment arm first). `reproduce_tests` covers the Hartung-Knapp and Egger rows.
    """
    if "dataset" in benchmarks:
        benchmarks = benchmarks[benchmarks["dataset"] == dataset]
    rows = []
    for row in benchmarks.itertuples():
        ours = POOLERS[row.measure](*(studies[column] for column in arms), method=row.method)
        places = int(row.decimals)
        published = {"estimate": row.estimate, "ci_low": row.ci_low, "ci_high": row.ci_high,
                     "tau2": row.tau2, "i2_percent": row.i2_percent, "q": row.q}  # fmt: skip
        mine = {"estimate": ours.value, "ci_low": ours.ci_low, "ci_high": ours.ci_high,
                "tau2": ours.tau2, "i2_percent": 100 * ours.i2, "q": ours.q}  # fmt: skip
        compared = [name for name, value in published.items() if pd.notna(value)]
        agree = all(
            abs(round(mine[name], places) - round(published[name], places)) <= 10 ** (-places) / 2
            for name in compared
        )
        rows.append(
            {
                "benchmark_id": row.benchmark_id,
                "measure": row.measure,
                "method": row.method,
                **{f"published_{name}": published[name] for name in compared},
                **{f"ours_{name}": round(mine[name], places) for name in compared},
                "agrees": agree,
            }
        )
    return pd.DataFrame(rows)


VALIDATION_QUANTITIES = {
    "estimate": "estimate", "ci_low": "CI, lower", "ci_high": "CI, upper", "tau2": "tau²",
    "se": "standard error", "statistic": "t statistic", "df": "degrees of freedom",
    "p_value": "P value",
}  # fmt: skip


def reproduce_tests(
    benchmarks: pd.DataFrame, teacher: pd.DataFrame, magnesium: pd.DataFrame
) -> pd.DataFrame:
    """The Hartung-Knapp rows (on `teacher_expectancy_studies`) and the Egger rows (on
    `magnesium_trials`, without the mega-trial) of `benchmarks`, run here: one row per
    published quantity with the published value, ours at the published decimals, and whether
    they agree.

    Uses `meta_analysis_benchmarks` columns benchmark_id, dataset, method, decimals,
    statistic_decimals and the quantities; `teacher` columns smd, variance; `magnesium` columns
    deaths_magnesium,
    n_magnesium, deaths_control, n_control, mega_trial.
    """
    small = magnesium[~magnesium["mega_trial"].astype(bool)]
    rows = []
    for row in benchmarks[benchmarks["dataset"] != "bcg_trials"].itertuples():
        if row.method.endswith("_hartung_knapp"):
            result = pool_generic(
                teacher["smd"], se=np.sqrt(teacher["variance"]), log_scale=False,
                method=row.method.removesuffix("_hartung_knapp"), hartung_knapp=True,
            )  # fmt: skip
            ours = {"estimate": result.estimate, "ci_low": result.ci_low,
                    "ci_high": result.ci_high, "tau2": result.tau2, "se": result.se,
                    "statistic": result.estimate / result.se, "df": result.k - 1}  # fmt: skip
        elif row.method == "egger_regression":
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", ZeroCellWarning)  # one trial's zero cell
                pooled = pool_odds_ratios(
                    small["deaths_magnesium"], small["n_magnesium"],
                    small["deaths_control"], small["n_control"],
                )  # fmt: skip
            egger = egger_test(pooled)
            ours = {"estimate": egger.limit_estimate, "ci_low": egger.limit_ci_low,
                    "ci_high": egger.limit_ci_high, "statistic": egger.t, "df": egger.df,
                    "p_value": egger.p_value}  # fmt: skip
        else:
            raise MetaAnalysisError(f"{row.benchmark_id}: no reproduction for {row.method!r}")
        places = int(row.decimals)
        for name, label in VALIDATION_QUANTITIES.items():
            published = getattr(row, name)
            if pd.isna(published) or name not in ours:
                continue
            digits = places
            if name == "statistic" and pd.notna(getattr(row, "statistic_decimals", None)):
                digits = int(row.statistic_decimals)  # a statistic published to fewer decimals
            mine = round(float(ours[name]), 0 if name == "df" else digits)
            agree = abs(mine - round(float(published), digits)) <= 10 ** (-digits) / 2
            rows.append({"benchmark_id": row.benchmark_id, "quantity": label,
                         "published": float(published), "ours": mine,
                         "agrees": bool(agree)})  # fmt: skip
    return pd.DataFrame(rows)


def invented_zero_event_trials() -> pd.DataFrame:
    """Three small two-arm trials of a rare adverse event, INVENTED for teaching (not data).

    One study has events in both arms, one has none in its treatment arm, and one has none in
    either arm, which is what a zero-event example needs: columns `study`, `events_treat`,
    `n_treat`, `events_control`, `n_control`, in the order the poolers take them.
    """
    return pd.DataFrame(
        {
            "study": ["Trial A", "Trial B", "Trial C"],
            "events_treat": [1, 0, 0],
            "n_treat": [30, 25, 20],
            "events_control": [3, 2, 0],
            "n_control": [30, 24, 20],
        }
    )


def _check_proportion(value: float, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value < 1:
        raise ValueError(f"{name} must be a proportion between 0 and 1 (exclusive), got {value!r}")
    return float(value)


def power_two_proportions(
    p_control: float, p_treatment: float, n_treatment: int, n_control: int, alpha: float = 0.05
) -> float:
    """Power of a two-sided test comparing two proportions (normal approximation on Cohen's h,
    statsmodels' `NormalIndPower`): the chance that a trial of this size detects the difference
    between `p_treatment` and `p_control` if it is real."""
    from statsmodels.stats.power import NormalIndPower
    from statsmodels.stats.proportion import proportion_effectsize

    p_control = _check_proportion(p_control, "p_control")
    p_treatment = _check_proportion(p_treatment, "p_treatment")
    for name, n in (("n_treatment", n_treatment), ("n_control", n_control)):
        if isinstance(n, bool) or not isinstance(n, int) or n < 2:
            raise ValueError(f"{name} must be a whole number of patients, at least 2, got {n!r}")
    effect = proportion_effectsize(p_treatment, p_control)
    return float(
        NormalIndPower().power(
            effect_size=effect, nobs1=n_treatment, alpha=alpha, ratio=n_control / n_treatment
        )
    )


def patients_per_arm_for_power(
    p_control: float, p_treatment: float, power: float = 0.8, alpha: float = 0.05
) -> int:
    """Patients per arm (equal arms, rounded up) that give `power` to detect the difference
    between `p_treatment` and `p_control` with a two-sided test (statsmodels' `NormalIndPower`)."""
    from statsmodels.stats.power import NormalIndPower
    from statsmodels.stats.proportion import proportion_effectsize

    p_control = _check_proportion(p_control, "p_control")
    p_treatment = _check_proportion(p_treatment, "p_treatment")
    _check_proportion(power, "power")
    if p_control == p_treatment:
        raise ValueError("p_control and p_treatment are equal: no trial can detect no difference")
    effect = proportion_effectsize(p_treatment, p_control)
    n = NormalIndPower().solve_power(effect_size=effect, power=power, alpha=alpha, ratio=1.0)
    return math.ceil(n)


# ------------------------------------------------------------------ one proportion, exact interval


class BinomialError(ValueError):
    """A count or confidence level that no binomial interval can be computed from."""


def _whole_count(value: object, name: str) -> int:
    """`value` as an int, if it is a whole, non-negative number (4 and 4.0 pass; 4.5 does not)."""
    if isinstance(value, bool) or not isinstance(value, int | float | np.integer | np.floating):
        raise BinomialError(f"{name} must be a whole number, got {value!r}")
    if math.isnan(value):
        raise BinomialError(f"{name} is missing (NaN): the source did not report it")
    if value < 0 or value != int(value):
        raise BinomialError(f"{name} must be a whole number of patients, 0 or more, got {value!r}")
    return int(value)


def exact_binomial_ci(events: int, n: int, level: float = 0.95) -> tuple[float, float]:
    """Exact (Clopper-Pearson) confidence interval of a proportion `events`/`n`, as proportions.

    Small single-arm studies report a percentage of a handful of patients; this is the interval
    that stays valid at n = 5 and at 0 or n events, where normal approximations fail. It is
    conservative (coverage at least `level`). Uses scipy's `binomtest(...).proportion_ci`.
    """
    from scipy.stats import binomtest

    events = _whole_count(events, "events")
    n = _whole_count(n, "n")
    if n == 0:
        raise BinomialError("n must be at least 1: a proportion of no patients has no interval")
    if events > n:
        raise BinomialError(f"events ({events}) cannot exceed n ({n})")
    if isinstance(level, bool) or not isinstance(level, int | float) or not 0 < level < 1:
        raise BinomialError(f"level must be between 0 and 1 (e.g. 0.95), got {level!r}")
    interval = binomtest(events, n).proportion_ci(confidence_level=level, method="exact")
    return float(interval.low), float(interval.high)
