"""Figures of the systemic sclerosis chapter: the price and pay-off of HSCT over time (ASTIS), and
the skin score in the uncontrolled MSC studies.

Each `*_data` function returns the tidy table its figure draws (tested against the data); each
`plot_*` function draws that table and nothing else.
"""

from __future__ import annotations

import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from mscbook.style import (
    LINE_IN,
    MAX_WIDTH_IN,
    PALETTE,
    SMALL_TEXT_PT,
    label_rows_above,
    new_figure,
    rows_below_labels,
)

ASTIS = "vanlaar2014"
OUTCOME_WORDS = {
    "event_free_survival": "event-free survival",
    "overall_survival": "overall survival",
}
OUTCOME_COLOURS = {
    "event_free_survival": PALETTE["blue"],
    "overall_survival": PALETTE["vermillion"],
}


def _months(value: float, unit: str) -> float:
    return float(value) * {"weeks": 12 / 52, "months": 1.0, "years": 12.0}[unit]


def window_label(window: str) -> str:
    """'3- through 10-year follow-up' → '3–10-year' (an axis tick)."""
    return window.replace(" follow-up", "").replace("- through ", "–")


def hazard_over_time_data(outcomes: pd.DataFrame, trial_id: str = ASTIS) -> pd.DataFrame:
    """The time-varying hazard ratios of one trial, one row per outcome and time window, in data
    order: outcome, window label (`outcome_detail` after its comma), months to the window's end,
    hazard ratio and 95% CI. Uses `trial_outcomes` columns trial_id, outcome, outcome_detail,
    timepoint_value, timepoint_unit, effect_measure, effect_value, effect_ci_low, effect_ci_high.
    """
    rows = outcomes[
        (outcomes["trial_id"] == trial_id) & (outcomes["effect_measure"] == "hazard_ratio")
    ]
    if rows.empty:
        raise ValueError(f"trial_outcomes has no hazard ratios for {trial_id!r}")
    return pd.DataFrame(
        {
            "outcome": rows["outcome"].to_numpy(),
            "window": [detail.split(", ", 1)[-1] for detail in rows["outcome_detail"]],
            "months": [
                _months(v, u)
                for v, u in zip(rows["timepoint_value"], rows["timepoint_unit"], strict=True)
            ],
            "hr": rows["effect_value"].to_numpy(dtype=float),
            "ci_low": rows["effect_ci_low"].to_numpy(dtype=float),
            "ci_high": rows["effect_ci_high"].to_numpy(dtype=float),
        }
    )


def plot_hazard_over_time(outcomes: pd.DataFrame, trial_id: str = ASTIS) -> Figure:
    """Hazard ratio (transplant vs cyclophosphamide, log scale) with 95% CI for each time window,
    event-free and overall survival side by side; dashed line at 1 (no difference), shading
    above it (transplant worse). Windows are placed in order, labelled with their `window`."""
    table = hazard_over_time_data(outcomes, trial_id)
    figure, axes = new_figure(outcomes, width=MAX_WIDTH_IN, height=4.2)
    windows = list(dict.fromkeys(table["window"]))
    outcomes_present = list(dict.fromkeys(table["outcome"]))
    offsets = {
        name: (i - (len(outcomes_present) - 1) / 2) * 0.18
        for i, name in enumerate(outcomes_present)
    }
    for row in table.itertuples():
        x = windows.index(row.window) + offsets[row.outcome]
        colour = OUTCOME_COLOURS.get(row.outcome, PALETTE["black"])
        axes.errorbar(
            x,
            row.hr,
            yerr=[[row.hr - row.ci_low], [row.ci_high - row.hr]],
            fmt="o",
            color=colour,
            capsize=3,
        )
        outward = -1 if offsets[row.outcome] < 0 else 1  # away from the other outcome's bar
        axes.annotate(
            f"{row.hr:g}",
            (x, row.hr),
            xytext=(5 * outward, 0),
            textcoords="offset points",
            ha="right" if outward < 0 else "left",
            fontsize=SMALL_TEXT_PT,
            va="center",
        )
    low = min(0.1, float(table["ci_low"].min()) * 0.8)
    high = max(10.0, float(table["ci_high"].max()) * 1.25)
    axes.axhspan(1, high, color=PALETTE["grey"], alpha=0.25, zorder=0)
    axes.axhline(1, color=PALETTE["black"], linewidth=0.8, linestyle="--")
    axes.set_yscale("log")
    axes.set_ylim(low, high)
    ticks = [t for t in (0.1, 0.25, 0.5, 1, 2, 4, 8) if low <= t <= high]
    axes.set_yticks(ticks, [f"{t:g}" for t in ticks])
    axes.minorticks_off()
    axes.set_xticks(
        range(len(windows)), [window_label(window) for window in windows], fontsize=SMALL_TEXT_PT
    )
    axes.set_xlim(-0.5, len(windows) - 0.5)
    axes.set_xlabel("Follow-up window")
    axes.set_ylabel("Hazard ratio, transplant vs\ncyclophosphamide (log scale)")
    axes.text(
        len(windows) - 0.55,
        high / 1.15,
        "above 1: more events with transplant",
        ha="right",
        va="top",
        fontsize=SMALL_TEXT_PT,
    )
    axes.text(  # lower left: the early windows' intervals stay above it
        -0.45,
        low * 1.15,
        "below 1: fewer events with transplant",
        ha="left",
        va="bottom",
        fontsize=SMALL_TEXT_PT,
    )
    handles = [
        Line2D(
            [], [], marker="o", linestyle="", color=OUTCOME_COLOURS[name], label=OUTCOME_WORDS[name]
        )
        for name in outcomes_present
    ]
    figure.legend(
        handles=handles, loc="outside lower center", ncols=len(handles), fontsize=SMALL_TEXT_PT
    )
    return figure


# --------------------------------------------------------------------------------- skin score

UNCONTROLLED = "uncontrolled"


def mrss_course_data(outcomes: pd.DataFrame, trials: pd.DataFrame) -> pd.DataFrame:
    """Mean mRSS at each reported time of every systemic sclerosis study that reports it, in data
    order: study, months, mean, SD, n and whether the study had a control group (`design`:
    'uncontrolled' for single-group studies). Uses `trial_outcomes` (trial_id, outcome,
    value_statistic, value, sd, total, timepoint_value, timepoint_unit) and `trials` (trial_id,
    short_name, disease_area, allocation)."""
    info = trials.set_index("trial_id")
    ssc = info.index[info["disease_area"] == "systemic_sclerosis"]
    rows = outcomes[
        outcomes["trial_id"].isin(ssc)
        & (outcomes["outcome"] == "mrss")
        & (outcomes["value_statistic"] == "mean")
    ]
    return pd.DataFrame(
        {
            "trial_id": rows["trial_id"].to_numpy(),
            "study": [info.loc[t, "short_name"] for t in rows["trial_id"]],
            "months": [
                _months(v, u)
                for v, u in zip(rows["timepoint_value"], rows["timepoint_unit"], strict=True)
            ],
            "mean": rows["value"].to_numpy(dtype=float),
            "sd": rows["sd"].to_numpy(dtype=float),
            "n": rows["total"].to_numpy(),
            "design": [
                UNCONTROLLED
                if info.loc[t, "allocation"] in {"single_group", "dose_escalation"}
                else "controlled"
                for t in rows["trial_id"]
            ],
        }
    )


def plot_mrss_course(outcomes: pd.DataFrame, trials: pd.DataFrame) -> Figure:
    """Mean mRSS (± SD) against months since treatment, one line per study; uncontrolled studies
    are drawn with open markers and dashed lines and say 'uncontrolled' in the legend."""
    table = mrss_course_data(outcomes, trials)
    figure, axes = new_figure(outcomes, trials, width=MAX_WIDTH_IN, height=4.0)
    colours = [PALETTE["blue"], PALETTE["orange"], PALETTE["green"], PALETTE["purple"]]
    studies = table.groupby("study", sort=False)
    for index, ((study, group), colour) in enumerate(zip(studies, colours, strict=False)):
        uncontrolled = group["design"].iloc[0] == UNCONTROLLED
        nudge = (index - (studies.ngroups - 1) / 2) * 0.8  # months apart, so no point hides another
        axes.errorbar(
            group["months"] + nudge,
            group["mean"],
            yerr=group["sd"],
            fmt="o--" if uncontrolled else "o-",
            color=colour,
            markerfacecolor="white" if uncontrolled else colour,
            capsize=3,
            label=f"{study} ({'uncontrolled, single group' if uncontrolled else 'controlled'})",
        )
    axes.set_xlabel("Months after the cell infusion")
    axes.set_ylabel("Modified Rodnan skin score\n(mean ± SD; higher = thicker skin)")
    axes.set_ylim(bottom=0)
    figure.legend(loc="outside lower center", ncols=1, fontsize=SMALL_TEXT_PT)
    return figure


# ---------------------------------------------------------------------- arm-level percentages

#: Results the shared outcomes figure cannot draw faithfully: ASTIS's hazard ratios run outside
#: its fixed ratio axis (they have their own figure), and SCOT's global rank composite is a share
#: of pairwise comparisons, not of patients.
NOT_PER_PATIENT = {"global_rank_composite"}


def arm_percentages(outcomes: pd.DataFrame, trials: pd.DataFrame) -> pd.DataFrame:
    """The systemic sclerosis `trial_outcomes` rows reported as a percentage of the patients in
    one arm, each arm on its own (comparator_arm_id cleared, so the shared outcomes figure draws
    the experimental arm next to its control instead of leaving it out). Ratios and results that
    are not shares of patients are left out. Uses trial_id, outcome, value_unit, effect_measure,
    comparator_arm_id, and `trials` disease_area."""
    ssc = set(trials.loc[trials["disease_area"] == "systemic_sclerosis", "trial_id"])
    chosen = outcomes[
        outcomes["trial_id"].isin(ssc)
        & (outcomes["value_unit"] == "%")
        & outcomes["effect_measure"].isna()
        & ~outcomes["outcome"].isin(NOT_PER_PATIENT)
    ].copy()
    chosen["comparator_arm_id"] = pd.NA
    return chosen


def arm_results_data(
    outcomes: pd.DataFrame, trials: pd.DataFrame, arms: pd.DataFrame
) -> pd.DataFrame:
    """One row per arm-level percentage (`arm_percentages`), labelled by the shared disease kit
    (`diseases.outcome_rows`: study, arm, outcome, time; 'single arm' or 'arm of a controlled
    trial'; comparator product or not)."""
    from mscbook.figures.diseases import outcome_rows

    short = arms.copy()
    short["arm_label"] = [_short_arm(arm) for arm in arms.itertuples()]
    _, percentages = outcome_rows(
        arm_percentages(outcomes, trials), trials, short, "systemic_sclerosis"
    )
    return percentages


def _short_arm(arm) -> str:
    """An arm's name for an axis label: 'Transplant (HSCT)', or its label before any bracket."""
    if arm.intervention == "hsct":
        return "Transplant (HSCT)"
    return arm.arm_label.split(" (")[0]


def plot_arm_results(outcomes: pd.DataFrame, trials: pd.DataFrame, arms: pd.DataFrame) -> Figure:
    """Percentages of patients with each outcome, one row per arm of a controlled trial: circles
    for MSC products, squares for comparator products (not MSCs). Results of uncontrolled single
    groups are left out: on the same axis they would invite a comparison with other trials' arms
    that their design cannot support."""
    table = arm_results_data(outcomes, trials, arms)
    table = table[table["context"] != "single arm"]
    if table.empty:
        raise ValueError("no arm of a controlled systemic sclerosis trial is reported as a %")
    tops, ys, total = rows_below_labels(table["label"])  # each label above its row
    figure, axes = new_figure(
        outcomes, trials, arms, width=MAX_WIDTH_IN, height=LINE_IN * total + 1.4
    )
    axes.set_xlim(0, 100)
    label_rows_above(axes, table["label"], tops, total)
    for y, result in zip(ys, table.itertuples(), strict=True):
        colour = PALETTE["vermillion"] if result.comparator else PALETTE["blue"]
        axes.scatter(
            result.value,
            y,
            s=55,
            marker="s" if result.comparator else "o",
            color=colour,
            linewidths=1.8,
            zorder=3,
            clip_on=False,
        )
        right = result.value < 60
        axes.text(
            result.value + (3 if right else -3),
            y,
            f"{result.value:g}%",
            ha="left" if right else "right",
            va="center",
            fontsize=SMALL_TEXT_PT,
        )
    axes.set_xlabel("Patients in the arm with the outcome (%),\narms of controlled trials only")
    shown = set(table["comparator"])
    handles = [
        Line2D([], [], marker="o", linestyle="", color=PALETTE["blue"], label="MSC product"),
        Line2D(
            [], [], marker="s", linestyle="", color=PALETTE["vermillion"],
            label="comparator (not MSCs)",
        ),
    ]  # fmt: skip
    kinds = (False, True)  # is the product a comparator, for each handle
    handles = [handle for handle, kind in zip(handles, kinds, strict=True) if kind in shown]
    figure.legend(
        handles=handles, loc="outside lower center", ncols=len(handles), fontsize=SMALL_TEXT_PT
    )
    return figure
