"""Figures of the acute graft-versus-host disease chapter: response rates with exact intervals,
a single-arm result against assumed control rates, and the regulatory timeline.

Each `*_data` function returns the tidy table its figure draws (tested against the data); each
`plot_*` function draws that table and nothing else. The evidence map is the shared one
(`mscbook.figures.diseases.plot_evidence_map(trials, "acute_gvhd")`).
"""

from __future__ import annotations

import re

import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from mscbook.stats import exact_binomial_ci
from mscbook.style import MAX_WIDTH_IN, PALETTE, SMALL_TEXT_PT, new_figure, wrap
from mscbook.tables import is_comparator

DISEASE = "acute_gvhd"
#: Which arm of a randomised trial a response row belongs to, in words for the axis.
ARM_WORDS = {
    "bat": "best available therapy",
    "ruxolitinib": "ruxolitinib",
    "placebo": "placebo",
    "control": "second-line drugs alone",
}
#: The MSC arm of a randomised trial (a single-arm study's only arm needs no name).
RANDOMISED_MSC_ARM = "MSCs added"


def response_data(outcomes: pd.DataFrame, trials: pd.DataFrame) -> pd.DataFrame:
    """Overall response per study arm in acute GvHD, with its exact 95% CI where counts exist.

    One row per `overall_response` outcome of an acute_gvhd trial, in data order, leaving out post
    hoc subgroups (an `outcome_detail` that says "post hoc": they are hypotheses, not results, and
    would sit beside the whole-trial rates as if they were one): study, arm,
    time point in words, `percent` (the reported value, else events/total), `ci_low`/`ci_high`
    (Clopper-Pearson, %; NaN without counts), `randomised` and `comparator` (not an MSC product).
    Uses `trial_outcomes` (trial_id, arm_id, outcome, events, total, value, timepoint_value,
    timepoint_unit) and `trials` (trial_id, short_name, disease_area, randomised, product_type).
    """
    info = trials.set_index("trial_id")
    ids = set(info.index[info["disease_area"] == DISEASE])
    post_hoc = outcomes["outcome_detail"].fillna("").str.contains("post hoc", case=False)
    chosen = outcomes[
        outcomes["trial_id"].isin(ids) & (outcomes["outcome"] == "overall_response") & ~post_hoc
    ]
    rows = []
    for row in chosen.itertuples():
        counted = not (pd.isna(row.events) or pd.isna(row.total))
        if counted:
            low, high = exact_binomial_ci(int(row.events), int(row.total))
            percent = 100 * row.events / row.total
        else:
            low = high = float("nan")
            percent = float(row.value)
        when = (
            "time not stated"
            if pd.isna(row.timepoint_value)
            else f"{row.timepoint_unit[:-1]} {row.timepoint_value:g}"
        )
        trial = info.loc[row.trial_id]
        rows.append(
            {
                "trial_id": row.trial_id,
                "arm_id": row.arm_id,
                "study": trial["short_name"],
                "arm": ARM_WORDS.get(
                    row.arm_id,
                    RANDOMISED_MSC_ARM if trial["randomised"] and row.arm_id == "msc" else "",
                ),
                "when": when,
                "events": int(row.events) if counted else None,
                "n": int(row.total) if counted else None,
                "percent": float(percent),
                "ci_low": 100 * low,
                "ci_high": 100 * high,
                "randomised": bool(trial["randomised"]),
                "comparator": is_comparator(trial["product_type"]),
            }
        )
    return pd.DataFrame(rows)


def _row_label(row) -> str:
    arm = f": {row.arm}" if row.arm else ""
    size = "" if row.n is None or pd.isna(row.n) else f", n={int(row.n)}"
    return wrap(f"{row.study}{arm} ({row.when}{size})", 44)


def plot_response_rates(outcomes: pd.DataFrame, trials: pd.DataFrame) -> Figure:
    """Dot chart: overall response (%) per study arm, with exact 95% CIs where counts exist.

    Circles: MSC products; squares: comparators (drugs). Filled: an arm of a randomised trial;
    open: a single-arm study (no control group). Uses the columns of `response_data`.
    """
    table = response_data(outcomes, trials)
    figure, axes = new_figure(outcomes, trials, width=MAX_WIDTH_IN, height=0.55 * len(table) + 1.4)
    positions = list(range(len(table)))[::-1]
    for y, row in zip(positions, table.itertuples(), strict=True):
        colour = PALETTE["orange"] if row.comparator else PALETTE["blue"]
        if not pd.isna(row.ci_low):
            axes.hlines(y, row.ci_low, row.ci_high, color=colour, linewidth=1.6, gid="exact-ci")
        axes.scatter(
            row.percent,
            y,
            s=55,
            marker="s" if row.comparator else "o",
            facecolors=colour if row.randomised else "white",
            edgecolors=colour,
            linewidths=1.8,
            zorder=3,
            gid=f"{row.trial_id}:{row.arm_id}",
        )
    axes.set_yticks(positions, [_row_label(row) for row in table.itertuples()])
    axes.set_xlim(0, 100)
    axes.set_ylim(-0.7, len(table) - 0.3)
    axes.set_xlabel(
        wrap("Patients with an overall response (%), with the exact 95% CI where counts exist", 60)
    )
    axes.grid(axis="x", color=PALETTE["grey"], linewidth=0.5)
    handles = [
        Line2D([], [], ls="", marker="o", mfc=PALETTE["blue"], mec=PALETTE["blue"],
               label="MSC product"),
        Line2D([], [], ls="", marker="s", mfc=PALETTE["orange"], mec=PALETTE["orange"],
               label="comparator: drug, not cells"),
        Line2D([], [], ls="", marker="o", mfc="white", mec=PALETTE["black"],
               label="open: single arm"),
        Line2D([], [], ls="", marker="o", mfc=PALETTE["black"], mec=PALETTE["black"],
               label="filled: randomised arm"),
    ]  # fmt: skip
    figure.legend(handles=handles, loc="outside lower center", ncols=2, frameon=False,
                  fontsize=SMALL_TEXT_PT)  # fmt: skip
    return figure


# ------------------------------------------------------------------ single arm vs controls


def control_comparison(events: int, n: int, control_rates: dict[str, float]) -> pd.DataFrame:
    """A single-arm response count against assumed control rates (%, by label).

    Returns one row per control: label, control percent, the study's percent and exact 95% CI,
    and `above` (True when the whole interval lies above the control rate). The control rates
    are assumptions the reader chooses; none of them is a control group of the study.
    """
    if not control_rates:
        raise ValueError("control_rates is empty: give at least one assumed control rate (%)")
    bad = {k: v for k, v in control_rates.items() if not 0 <= float(v) <= 100}
    if bad:
        raise ValueError(f"control rates must be percentages from 0 to 100; got {bad}")
    low, high = exact_binomial_ci(events, n)
    percent = 100 * events / n
    return pd.DataFrame(
        [
            {
                "control": label,
                "control_percent": float(rate),
                "percent": percent,
                "ci_low": 100 * low,
                "ci_high": 100 * high,
                "above": bool(100 * low > float(rate)),
            }
            for label, rate in control_rates.items()
        ]
    )


def plot_control_comparison(
    outcomes: pd.DataFrame,
    trials: pd.DataFrame,
    outcome_id: str,
    control_rates: dict[str, float],
) -> Figure:
    """One single-arm result (its exact 95% CI as a band) against several control rates (lines).

    `outcome_id` names a `trial_outcomes` row with events and total; `control_rates` maps a
    label (say what it assumes) to a percentage. Uses the columns of `control_comparison`.
    """
    row = outcomes.set_index("outcome_id").loc[outcome_id]
    if pd.isna(row["events"]) or pd.isna(row["total"]):
        raise ValueError(f"outcome {outcome_id!r} has no events/total to compute an interval from")
    table = control_comparison(int(row["events"]), int(row["total"]), control_rates)
    # the name before its parenthesis ("MSB-GVHD001"): the axis label has one line to spare
    study = trials.set_index("trial_id").loc[row["trial_id"], "short_name"].split(" (")[0]
    figure, axes = new_figure(outcomes, trials, width=MAX_WIDTH_IN, height=0.5 * len(table) + 2.2)
    first = table.iloc[0]
    axes.axvspan(first["ci_low"], first["ci_high"], color=PALETTE["sky"], alpha=0.35, lw=0,
                 gid="study-exact-ci")  # fmt: skip
    axes.axvline(first["percent"], color=PALETTE["blue"], linewidth=2, gid="study-estimate")
    positions = list(range(len(table)))[::-1]
    for y, control in zip(positions, table.itertuples(), strict=True):
        axes.plot([control.control_percent], [y], marker="D", ms=8,
                  color=PALETTE["black"] if control.above else PALETTE["vermillion"],
                  ls="", gid=f"control:{control.control}")  # fmt: skip
    axes.set_yticks(positions, [wrap(label, 30) for label in table["control"]])
    axes.set_xlim(0, 100)
    axes.set_ylim(-0.7, len(table) - 0.3)
    axes.set_xlabel(
        wrap(f"Day-28 overall response (%): {study}, {int(row['events'])} of "
             f"{int(row['total'])} (line) with its exact 95% CI (band)", 56)
    )  # fmt: skip
    handles = [
        Line2D([], [], ls="", marker="D", color=PALETTE["black"],
               label="control rate below the whole interval"),
        Line2D([], [], ls="", marker="D", color=PALETTE["vermillion"],
               label="control rate inside or above the interval"),
    ]  # fmt: skip
    figure.legend(handles=handles, loc="outside lower center", ncols=1, frameon=False,
                  fontsize=SMALL_TEXT_PT)  # fmt: skip
    return figure


# ----------------------------------------------------------------------- regulatory timeline

#: Kinds of event on the timeline, with the marker and words each gets.
EVENT_STYLE = {
    "approval": ("o", PALETTE["blue"], "approval"),
    "advisory_committee_vote": ("^", PALETTE["green"], "advisory committee vote"),
    "complete_response_letter": (
        "X",
        PALETTE["vermillion"],
        "complete-response letter (not approved)",
    ),
}


def timeline_data(
    approved_products: pd.DataFrame, regulatory_decisions: pd.DataFrame
) -> pd.DataFrame:
    """The regulatory history of MSC products for acute GvHD, in date order.

    Approvals come from `approved_products` (rows whose indication names graft-versus-host
    disease: one source of truth), other decisions from `regulatory_decisions`. Columns: date
    (as recorded), year (decimal, for plotting; a month or a year alone sits at its middle),
    kind, product, jurisdiction, text.
    """
    gvhd = approved_products[
        approved_products["indication"].str.contains("graft-versus-host", case=False)
    ]
    rows = [
        {"date": r.approval_date, "kind": "approval", "product": r.product,
         "jurisdiction": r.country_region, "text": f"{_latin(r.product)}: {r.regulator} approval"}
        for r in gvhd.itertuples()
    ] + [
        {"date": r.decision_date, "kind": r.decision_type, "product": r.product,
         "jurisdiction": r.country_region,
         "text": f"{r.product}: {r.regulator} " + (
             f"advisory vote {r.votes_for}-{r.votes_against}"
             if r.decision_type == "advisory_committee_vote" else "complete-response letter")}
        for r in regulatory_decisions.itertuples()
    ]  # fmt: skip
    table = pd.DataFrame(rows)
    table["year"] = table["date"].map(_decimal_year)
    return table.sort_values(["year", "text"]).reset_index(drop=True)


def _latin(name: str) -> str:
    """The name without a parenthesised part in another script: the figure font has no CJK
    glyphs ('Ruibosheng (睿铂生)' -> 'Ruibosheng')."""
    return re.sub(r"\s*\([^)]*[^\x00-\x7f][^)]*\)", "", name).strip()


def _decimal_year(date: str) -> float:
    parts = [int(part) for part in str(date).split("-")]
    if len(parts) == 1:
        return parts[0] + 0.5
    month_start = parts[0] + (parts[1] - 1) / 12
    return month_start + ((parts[2] - 1) / 365 if len(parts) == 3 else 1 / 24)


def plot_timeline(approved_products: pd.DataFrame, regulatory_decisions: pd.DataFrame) -> Figure:
    """Timeline: one row per event, dated on the x axis; marker by kind of decision.

    Uses the columns of `timeline_data`.
    """
    table = timeline_data(approved_products, regulatory_decisions)
    figure, axes = new_figure(
        approved_products, regulatory_decisions, width=MAX_WIDTH_IN,
        height=0.42 * len(table) + 1.6,
    )  # fmt: skip
    positions = list(range(len(table)))[::-1]
    for y, row in zip(positions, table.itertuples(), strict=True):
        marker, colour, _ = EVENT_STYLE[row.kind]
        axes.plot([row.year], [y], marker=marker, ms=9, color=colour, ls="",
                  gid=f"{row.kind}:{row.date}")  # fmt: skip
    labels = [
        wrap(f"{row.text}, {row.jurisdiction} ({row.date})", 40) for row in table.itertuples()
    ]
    axes.set_yticks(positions, labels)
    axes.set_xlim(2011, 2026)
    axes.set_xticks(range(2012, 2027, 2), [str(year) for year in range(2012, 2027, 2)])
    axes.set_ylim(-0.7, len(table) - 0.3)
    axes.set_xlabel("Year")
    axes.grid(axis="x", color=PALETTE["grey"], linewidth=0.5)
    kinds = [kind for kind in EVENT_STYLE if kind in set(table["kind"])]
    handles = [
        Line2D([], [], ls="", marker=EVENT_STYLE[k][0], color=EVENT_STYLE[k][1],
               label=EVENT_STYLE[k][2])
        for k in kinds
    ]  # fmt: skip
    figure.legend(handles=handles, loc="outside lower center", ncols=1, frameon=False,
                  fontsize=SMALL_TEXT_PT)  # fmt: skip
    return figure
