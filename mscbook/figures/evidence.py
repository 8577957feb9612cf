"""Figures and reader-facing tables for the Evidence part: approvals, safety.

Figure functions take DataFrames loaded with `mscbook.data.load` and return a Figure; table
functions return DataFrames whose headers and values are plain words (the codes stay in data/).
"""

from __future__ import annotations

import re
import textwrap

import matplotlib.dates as mdates
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

#: What confirms that an approval happened (the rest, alone, rests on news or review tables).
PRIMARY_RECORDS = {"regulator record", "press release", "company data"}
ENDED = {"withdrawn": "withdrawal", "lapsed": "lapse"}

COUNTRY_COLOURS = {
    "South Korea": PALETTE["blue"],
    "Canada": PALETTE["orange"],
    "New Zealand": "#8C6D00",  # dark yellow: Okabe-Ito yellow is too faint on white
    "Japan": PALETTE["vermillion"],
    "India": PALETTE["green"],
    "European Union": PALETTE["sky"],
    "United States": PALETTE["purple"],
    "China": PALETTE["black"],
}

APPROVAL_TYPE_WORDS = {
    "full": "full",
    "conditional": "conditional",
    "conditional_time_limited": "conditional and time-limited",
    "limited": "limited",
    "not_stated": "not stated",
}
STATUS_WORDS = {
    "in_force": "in force",
    "withdrawn": "withdrawn",
    "lapsed": "lapsed",
    "not_checked": "not checked",
}
SOURCE_WORDS = {
    "bone_marrow": "bone marrow",
    "adipose": "fat (adipose tissue)",
    "umbilical_cord": "umbilical cord",
    "wharton_jelly": "Wharton's jelly",
    "cord_blood": "umbilical-cord blood",
    "placenta": "placenta",
    "peripheral_blood": "blood",
    "not_stated": "not stated",
}
DONOR_WORDS = {"autologous": "patient's own", "allogeneic": "donor's"}
ROUTE_WORDS = {
    "intramuscular": "into muscle",
    "intravenous": "intravenous",
    "intrathecal": "intrathecal (spinal fluid)",
    "intra_arterial": "into an artery",
    "digital_injection": "into the fingers",
}
OUTCOME_WORDS = {
    "fever": "Fever",
    "acute_infusional_toxicity": "Acute infusional toxicity (not fever)",
    "organ_system_complications": "Organ-system complications",
    "infection": "Infection",
    "thrombotic_embolic": "Thrombotic or embolic events",
    "death": "Death",
    "malignancy": "Malignancy",
    "adverse_events": "Adverse events",
    "serious_adverse_events": "Serious adverse events",
    "any_adverse_event": "Any adverse event",
}
AE_OUTCOMES = ("adverse_events", "serious_adverse_events", "any_adverse_event")


def _date_parts(value: str) -> tuple[pd.Timestamp, str]:
    """'2011', '2011-07' or '2011-07-01' -> (the earliest day it can mean, its precision)."""
    text = str(value).strip()
    precision = {4: "year", 7: "month", 10: "day"}.get(len(text))
    if precision is None:
        raise ValueError(f"not a YYYY, YYYY-MM or YYYY-MM-DD date: {value!r}")
    padded = text + {"year": "-01-01", "month": "-01", "day": ""}[precision]
    return pd.Timestamp(padded), precision


def rests_on_news_or_reviews(verified_against: str) -> bool:
    """True when no regulator record, press release or company data confirmed the approval."""
    checked = {item.strip() for item in str(verified_against).split(";")}
    return not checked & PRIMARY_RECORDS


def approval_events(products: pd.DataFrame) -> pd.DataFrame:
    """One row per event on the timeline: each approval, and each withdrawal or lapse.

    Uses columns `product_id`, `product`, `country_region`, `indication_short`, `modified`,
    `approval_date`, `status`, `status_date`, `verified_against` of `approved_products`.
    """
    rows = []
    for row in products.itertuples(index=False):
        weak = rests_on_news_or_reviews(row.verified_against)
        common = {
            "product_id": row.product_id,
            "product": row.product,
            "country_region": row.country_region,
            "indication_short": row.indication_short,
            "modified": bool(row.modified),
            "news_or_reviews_only": weak,
        }
        date, precision = _date_parts(row.approval_date)
        rows.append(
            common
            | {"event": "approval", "date": date, "date_text": row.approval_date}
            | {"precision": precision}
        )
        if row.status in ENDED:
            date, precision = _date_parts(row.status_date)
            rows.append(
                common
                | {"event": ENDED[row.status], "date": date, "date_text": row.status_date}
                | {"precision": precision}
            )
    return pd.DataFrame(rows)


def latin_name(name: str) -> str:
    """The name without a parenthesis in a script the figure font cannot draw ('睿铂生')."""
    return re.sub(r"\s*\([^)]*[^\x00-\u024f\u2010-\u2027][^)]*\)", "", name).strip()


def timeline_rows(products: pd.DataFrame) -> pd.DataFrame:
    """The approvals in the order the timeline shows them (earliest at the top), with labels."""
    events = approval_events(products)
    approvals = events[events["event"] == "approval"].sort_values(["date", "product"])
    approvals = approvals.reset_index(drop=True)
    labels = []
    for row in approvals.itertuples():
        name = f"{latin_name(row.product)}{' (modified MSCs)' if row.modified else ''}"
        mark = " †" if row.news_or_reviews_only else ""
        first = textwrap.fill(f"{name}{mark} · {row.country_region}", 72)
        labels.append(f"{first}\n{row.indication_short}")
    approvals["label"] = labels
    return approvals


def plot_approvals_timeline(products: pd.DataFrame) -> Figure:
    """Each approval as a dot on a time axis, coloured by jurisdiction, one row per approval.

    Withdrawals and lapses are crosses joined to their approval by a line. Modified MSCs are
    diamonds; approvals confirmed only by news reports or review tables are hollow and carry a
    dagger (†) in their label. Uses the columns listed in `approval_events`.
    """
    rows = timeline_rows(products)
    events = approval_events(products)
    # Each row's label spans the figure above its marks (style.rows_below_labels).
    tops, ys, total = rows_below_labels(rows["label"])
    figure, axes = new_figure(products, width=MAX_WIDTH_IN, height=LINE_IN * total + 2.2)
    y_of = dict(zip(rows["product_id"], ys, strict=True))
    label_rows_above(axes, rows["label"], tops, total)
    for row in rows.itertuples():
        colour = COUNTRY_COLOURS.get(row.country_region, PALETTE["grey"])
        axes.scatter(
            [mdates.date2num(row.date)],
            [y_of[row.product_id]],
            marker="D" if row.modified else "o",
            s=55,
            facecolors="white" if row.news_or_reviews_only else colour,
            edgecolors=colour,
            linewidths=1.6,
            zorder=3,
            gid="approval",
        )
    ended = events[events["event"] != "approval"]
    for row in ended.itertuples():
        start = rows.loc[rows["product_id"] == row.product_id, "date"].item()
        y = y_of[row.product_id]
        axes.plot(
            [mdates.date2num(start), mdates.date2num(row.date)],
            [y, y],
            color=PALETTE["grey"],
            linewidth=2,
            zorder=1,
        )
        axes.scatter(
            [mdates.date2num(row.date)],
            [y],
            marker="X",
            s=70,
            color=PALETTE["black"],
            zorder=3,
            gid=row.event,
        )
        axes.annotate(  # above the line, ending at the cross: inside the axis on a phone
            f"{row.event} {row.date_text}",
            (mdates.date2num(row.date), y),
            xytext=(4, 5),
            textcoords="offset points",
            ha="right",
            va="bottom",
            fontsize=SMALL_TEXT_PT,
        )
    axes.xaxis.set_major_locator(mdates.YearLocator(2))
    axes.tick_params(axis="x", labelsize=SMALL_TEXT_PT)
    axes.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
    first = rows["date"].min().year
    last = max(events["date"].max().year + 2, first + 1)
    axes.set_xlim(
        mdates.date2num(pd.Timestamp(first - 1, 1, 1)), mdates.date2num(pd.Timestamp(last, 1, 1))
    )
    axes.set_xlabel("Date of approval (dots) and of withdrawal (crosses)")
    axes.grid(axis="x", color=PALETTE["grey"], alpha=0.4, linewidth=0.6)
    shown = [c for c in COUNTRY_COLOURS if c in set(rows["country_region"])]
    handles = [
        Line2D([], [], marker="o", linestyle="", color=COUNTRY_COLOURS[c], label=c) for c in shown
    ] + [
        Line2D([], [], marker="D", linestyle="", color=PALETTE["black"], label="modified MSCs"),
        Line2D(
            [],
            [],
            marker="o",
            linestyle="",
            markerfacecolor="white",
            markeredgecolor=PALETTE["black"],
            label="† known from news reports\nor review tables only",
        ),
        Line2D([], [], marker="X", linestyle="", color=PALETTE["black"], label="withdrawn"),
    ]
    figure.legend(handles=handles, loc="outside lower center", ncols=3, fontsize=SMALL_TEXT_PT)
    return figure


def approvals_table(products: pd.DataFrame) -> pd.DataFrame:
    """The approvals in plain words, in timeline order (for display, not for computing)."""
    order = timeline_rows(products)["product_id"]
    table = products.set_index("product_id").loc[order]

    def status(row) -> str:
        words = STATUS_WORDS[row["status"]]
        if row["status"] == "in_force":
            return f"{words} (as of {row['status_date']})"
        if row["status"] in ENDED:
            return f"{words} {row['status_date']}"
        return words

    def cells(row) -> str:
        kind = "modified MSCs" if row["modified"] else "MSCs"
        return f"{kind}: {DONOR_WORDS[row['donor']]}, from {SOURCE_WORDS[row['cell_source']]}"

    return pd.DataFrame(
        {
            "Product": table["product"],
            "Where": table["country_region"],
            "Approved": table["approval_date"],
            "Type of approval": table["approval_type"].map(APPROVAL_TYPE_WORDS),
            "For": table["indication_short"],
            "Cells": table.apply(cells, axis=1),
            "Status": table.apply(status, axis=1),
            "Checked against": table["verified_against"],
        }
    ).reset_index(drop=True)


def relative_risk_rows(estimates: pd.DataFrame) -> pd.DataFrame:
    """The pooled relative risks (rows with an effect size), in table order."""
    rows = estimates[estimates["effect_measure"] == "relative_risk"].copy()
    rows["label"] = rows["outcome"].map(OUTCOME_WORDS)
    return rows.reset_index(drop=True)


def plot_safety_relative_risks(estimates: pd.DataFrame) -> Figure:
    """Forest plot of pooled relative risks of adverse events with MSCs versus control.

    Uses `outcome`, `effect_measure`, `effect_value`, `ci_low`, `ci_high`, `finding`, `review`
    of `safety_meta_analyses`.
    """
    rows = relative_risk_rows(estimates)
    if rows.empty:
        raise ValueError("safety_meta_analyses has no rows with a relative risk to plot")
    figure, axes = new_figure(estimates, width=MAX_WIDTH_IN, height=0.45 * len(rows) + 1.3)
    ys = list(range(len(rows)))[::-1]
    for y, row in zip(ys, rows.itertuples(), strict=True):
        colour = PALETTE["vermillion"] if row.finding == "increased_risk" else PALETTE["blue"]
        axes.plot([row.ci_low, row.ci_high], [y, y], color=colour, linewidth=2)
        axes.plot([row.effect_value], [y], marker="s", color=colour, markersize=7)
        axes.annotate(
            f"{row.effect_value:.2f} ({row.ci_low:.2f}–{row.ci_high:.2f})",
            (max(rows["ci_high"]) * 1.15, y),
            va="center",
            fontsize=SMALL_TEXT_PT,
            annotation_clip=False,
        )
    axes.axvline(1, color=PALETTE["black"], linewidth=0.8)
    axes.set_xscale("log")
    low = min(rows["ci_low"]) * 0.8
    axes.set_xlim(low, max(rows["ci_high"]) * 1.1)
    ticks = [t for t in (0.5, 0.75, 1, 1.5, 2, 3, 4, 5) if low <= t <= max(rows["ci_high"]) * 1.1]
    axes.set_xticks(ticks, [f"{t:g}" for t in ticks])
    axes.minorticks_off()
    axes.set_yticks(ys, rows["label"])
    axes.set_xlabel("Relative risk with MSCs vs control\n(log scale; right of 1 = more events)")
    return figure


def adverse_event_counts(
    trials: pd.DataFrame, arms: pd.DataFrame, outcomes: pd.DataFrame
) -> pd.DataFrame:
    """Adverse-event counts per arm as trial_outcomes reports them (numbers of events).

    Uses `outcome`, `value`, `value_unit`, `trial_id`, `arm_id` of `trial_outcomes`, `arm_label`
    of `trial_arms` and `short_name` of `trials`.
    """
    rows = outcomes[
        outcomes["outcome"].isin(AE_OUTCOMES)
        & (outcomes["value_unit"] == "events")
        & outcomes["value"].notna()
    ]
    rows = rows.merge(
        arms[["trial_id", "arm_id", "arm_label", "intervention"]], on=["trial_id", "arm_id"]
    )
    placebo = (rows["intervention"] == "placebo") & ~rows["arm_label"].str.contains(
        "placebo", case=False
    )
    rows["arm_label"] = rows["arm_label"].where(~placebo, rows["arm_label"] + " (placebo)")
    rows = rows.merge(trials[["trial_id", "short_name"]], on="trial_id")
    rows = rows.assign(outcome_label=rows["outcome"].map(OUTCOME_WORDS))
    return rows[
        ["trial_id", "short_name", "arm_id", "arm_label", "outcome", "outcome_label", "value"]
    ].reset_index(drop=True)


def plot_adverse_events(trials: pd.DataFrame, arms: pd.DataFrame, outcomes: pd.DataFrame) -> Figure:
    """Grouped bars: number of (serious) adverse events per arm, one group per trial and outcome.

    Uses the columns listed in `adverse_event_counts`.
    """
    counts = adverse_event_counts(trials, arms, outcomes)
    if counts.empty:
        raise ValueError("trial_outcomes holds no adverse-event counts to plot")
    groups = list(dict.fromkeys(zip(counts["short_name"], counts["outcome_label"], strict=True)))
    arm_labels = list(dict.fromkeys(counts["arm_label"]))
    colours = [PALETTE["blue"], PALETTE["grey"], PALETTE["orange"], PALETTE["green"]]
    figure, axes = new_figure(
        trials, arms, outcomes, width=MAX_WIDTH_IN, height=1.1 * len(groups) + 1.3
    )
    height = 0.8 / len(arm_labels)
    for g, (trial, outcome) in enumerate(groups):
        base = len(groups) - 1 - g
        group = counts[(counts["short_name"] == trial) & (counts["outcome_label"] == outcome)]
        for a, arm in enumerate(arm_labels):
            value = group.loc[group["arm_label"] == arm, "value"]
            if value.empty:
                continue
            y = base + 0.4 - height * (a + 0.5)
            bar = axes.barh(y, value.item(), height=height * 0.9, color=colours[a % len(colours)])
            bar[0].set_gid("adverse-event-bar")
            axes.annotate(
                f"{value.item():g}",
                (value.item(), y),
                xytext=(3, 0),
                textcoords="offset points",
                va="center",
                fontsize=SMALL_TEXT_PT,
            )
    axes.set_yticks(
        [len(groups) - 1 - g for g in range(len(groups))],
        [f"{trial}\n{outcome}" for trial, outcome in groups],
    )
    axes.set_xlabel("Number of events reported\n(events, not patients)")
    handles = [
        Line2D([], [], marker="s", linestyle="", color=colours[a % len(colours)], label=arm)
        for a, arm in enumerate(arm_labels)
    ]
    figure.legend(handles=handles, loc="outside lower center", ncols=2, fontsize=SMALL_TEXT_PT)
    return figure


def safety_trials_table(trials: pd.DataFrame) -> pd.DataFrame:
    """The MSC trials in data/trials whose primary endpoint is safety, in plain words; a trial
    without a recorded result says why (its notes), never NaN."""
    from mscbook.tables import label, reported_result

    msc = trials[trials["product_type"].isin(["msc", "msc_like", "msc_derived"])]
    safety = msc[msc["primary_endpoint"].str.contains("safety", case=False, na=False)]

    def design(row) -> str:
        value = row["randomised"]
        if pd.isna(value):
            randomised = "randomisation not stated"
        else:
            randomised = "randomised" if value else "not randomised"
        phase = str(row["phase"])
        phase = {"not_stated": "phase not stated", "pilot": "pilot"}.get(phase, f"phase {phase}")
        blinding = label("blinding", row["blinding"])
        blinding = "blinding not stated" if blinding == "not stated" else blinding
        return f"{phase}, {randomised}, {blinding}"

    def route(value) -> str:
        if not isinstance(value, str):
            return "not stated"
        return " and ".join(
            ROUTE_WORDS.get(part, part.replace("_", " ")) for part in value.split(";")
        )

    return pd.DataFrame(
        {
            "Study": safety["short_name"],
            "Design": safety.apply(design, axis=1),
            "Patients": safety["n_total"].map(lambda n: "not reported" if pd.isna(n) else f"{n:g}"),
            "Route": safety["route"].map(route),
            "What it reported": [reported_result(trial) for trial in safety.itertuples()],
        }
    ).reset_index(drop=True)
