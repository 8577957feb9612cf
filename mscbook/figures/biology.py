"""Figures for the Biology part."""

from __future__ import annotations

import pandas as pd
from matplotlib.figure import Figure

from mscbook.style import (
    DISEASE_COLOURS,
    LINE_IN,
    MAX_WIDTH_IN,
    PALETTE,
    SMALL_TEXT_PT,
    label_rows_above,
    new_figure,
    rows_below_labels,
)
from mscbook.tables import DISEASE_SHORT

DIRECTION_STYLE = {
    "positive": {"color": PALETTE["blue"], "label": "must express (at least the threshold)"},
    "negative": {"color": PALETTE["vermillion"], "label": "must lack (at most the threshold)"},
}


def marker_windows(criteria: pd.DataFrame) -> pd.DataFrame:
    """The allowed range of % positive cells for each surface-marker criterion, in table order.

    Uses columns `category`, `marker`, `direction`, `threshold_percent`.
    """
    markers = criteria[criteria["category"] == "surface_marker"]
    low = markers["threshold_percent"].where(markers["direction"] == "positive", 0.0)
    high = markers["threshold_percent"].where(markers["direction"] == "negative", 100.0)
    return pd.DataFrame(
        {
            "marker": markers["marker"].to_numpy(),
            "direction": markers["direction"].to_numpy(),
            "threshold_percent": markers["threshold_percent"].to_numpy(),
            "allowed_low": low.to_numpy(dtype=float),
            "allowed_high": high.to_numpy(dtype=float),
        }
    )


def plot_isct_marker_windows(criteria: pd.DataFrame) -> Figure:
    """One bar per ISCT surface marker spanning the % of positive cells the criteria allow.

    Uses columns `category`, `marker`, `direction`, `threshold_percent` of `isct_criteria`.
    """
    windows = marker_windows(criteria)
    figure, axes = new_figure(criteria, width=MAX_WIDTH_IN, height=0.42 * len(windows) + 1.2)
    rows = range(len(windows))[::-1]  # first marker at the top
    axes.barh(list(rows), [100] * len(windows), color=PALETTE["grey"], alpha=0.35, height=0.6)
    for row, window in zip(rows, windows.itertuples(), strict=True):
        style = DIRECTION_STYLE[window.direction]
        axes.barh(
            row,
            window.allowed_high - window.allowed_low,
            left=window.allowed_low,
            height=0.6,
            color=style["color"],
            label=style["label"],
        )
        sign = "≥" if window.direction == "positive" else "≤"
        text_x = (
            window.allowed_low - 1 if window.direction == "positive" else window.allowed_high + 1
        )
        axes.text(
            text_x,
            row,
            f"{sign}{window.threshold_percent:g}%",
            va="center",
            ha="right" if window.direction == "positive" else "left",
            fontsize=SMALL_TEXT_PT,
        )
    axes.set_yticks(list(rows), windows["marker"])
    axes.set_xlim(0, 100)
    axes.set_xlabel("Cells positive for the marker (% of the population, flow cytometry)")
    handles, labels = axes.get_legend_handles_labels()
    unique = dict(zip(labels, handles, strict=True))
    figure.legend(
        unique.values(), unique.keys(), loc="outside lower center", ncols=2, frameon=False
    )
    return figure


# --- Tissue sources and manufacturing (chapters tissue-sources, manufacturing-and-dose) ---

#: Plain-English names of the tissue codes used in data/ (trials.cell_source, msc_sources.tissue).
TISSUE_LABELS = {
    "bone_marrow": "Bone marrow",
    "adipose": "Adipose tissue",
    "umbilical_cord": "Umbilical cord",
    "wharton_jelly": "Wharton's jelly",
    "cord_blood": "Cord blood",
    "placenta": "Placenta",
    "peripheral_blood": "Peripheral blood",
    "dental_pulp": "Dental pulp",
    "ipsc_derived": "Made from iPS cells",
    "not_stated": "Not stated",
    "several": "Several tissues compared",
}
DONOR_COLOURS = {
    "autologous": PALETTE["blue"],
    "allogeneic": PALETTE["orange"],
    "not_stated": PALETTE["grey"],
}
#: trials.product_type / trial_arms.intervention values that are MSC products; all other cell
#: products are comparators (see data/README.md).
MSC_PRODUCTS = ("msc", "msc_like", "msc_derived")
#: The quantitative msc_sources parameters shown per tissue, in panel order, with axis labels.
SOURCE_PANELS = {
    "isolation_success": "Isolation success (% of samples)",
    "colony_forming_cell_frequency": "Colony-forming cells (% of nucleated cells; log scale)",
    "cumulative_population_doublings": "Cumulative population doublings",
    "doubling_time": "Population doubling time (hours)",
}
DOSE_UNIT_PANELS = {
    "×10^6 cells/kg": "Dose per administration (×10⁶ cells per kg, log scale)",
    "×10^6 cells": "Dose per administration (×10⁶ cells, fixed, log scale)",
}


def log_axis(ax, low: float, high: float) -> None:
    """A log-scale x axis from a little below `low` to a little above `high`, with ticks at
    1, 2 and 5 times powers of ten written as plain numbers (0.01, 20, 5000)."""
    import math

    from matplotlib.ticker import FixedLocator, FuncFormatter, NullFormatter

    ax.set_xscale("log")
    left, right = low / 1.8, high * 1.8
    ticks = [
        step * 10**power
        for power in range(math.floor(math.log10(left)), math.ceil(math.log10(right)) + 1)
        for step in (1, 2, 5)
        if left <= step * 10**power <= right
    ]
    ax.set_xlim(left, right)
    ax.xaxis.set_major_locator(FixedLocator(ticks))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:g}"))
    ax.xaxis.set_minor_formatter(NullFormatter())


def study_label(key: str) -> str:
    """'kern2006' -> 'Kern 2006' (the first key of a `source` cell, for figure labels)."""
    first = key.split(";")[0].strip()
    name, year = first.rstrip("abcdefghijklmnopqrstuvwxyz"), ""
    for index, char in enumerate(first):
        if char.isdigit():
            name, year = first[:index], first[index : index + 4]
            break
    return f"{name.capitalize()} {year}".strip()


def _finding_detail(finding_id: str) -> str:
    """'sung2010_cpd_first_trimester' -> 'first trimester' (the part after the measure code)."""
    parts = finding_id.split("_")[1:]
    if len(parts) > 1:
        parts = parts[1:]
    return " ".join(parts)


def source_measurements(sources: pd.DataFrame) -> pd.DataFrame:
    """The quantitative findings of `msc_sources` in the panels of `SOURCE_PANELS`, one per row.

    Uses columns `finding_id`, `tissue`, `species`, `parameter`, `value_low`, `value_high`,
    `source`. Adds `tissue_label` and `row_label` ("Bone marrow · Sung 2010", with the species
    when it is not human) and `value_high` filled with `value_low` for single values.
    """
    rows = sources[sources["parameter"].isin(SOURCE_PANELS) & sources["value_low"].notna()].copy()
    rows["tissue_label"] = rows["tissue"].map(TISSUE_LABELS)
    species = rows["species"].map(
        lambda name: "" if name == "human" else f" ({name.replace('_', ' ')})"
    )
    rows["row_label"] = rows["tissue_label"] + " · " + rows["source"].map(study_label) + species
    # Two findings of one study on one tissue (e.g. first-trimester and term placenta) are told
    # apart by the end of their finding_id ("sung2010_cpd_term" -> "term").
    repeated = rows.duplicated(["parameter", "row_label"], keep=False)
    detail = rows["finding_id"].map(_finding_detail)
    rows.loc[repeated, "row_label"] = rows["row_label"] + ", " + detail
    rows["value_high"] = rows["value_high"].fillna(rows["value_low"])
    order = {name: index for index, name in enumerate(SOURCE_PANELS)}
    rows = rows.sort_values(
        ["parameter", "tissue_label", "finding_id"],
        key=lambda column: column.map(order) if column.name == "parameter" else column,
    )
    return rows[
        [
            "finding_id",
            "parameter",
            "tissue",
            "tissue_label",
            "row_label",
            "value_low",
            "value_high",
            "source",
        ]
    ].reset_index(drop=True)


def plot_source_measurements(sources: pd.DataFrame) -> Figure:
    """One panel per measured property; one row per finding, labelled with tissue and study.

    A single value is a dot; a range (value_low to value_high) is a line between two dots. Uses
    the columns of `source_measurements`.
    """
    measured = source_measurements(sources)
    panels = [name for name in SOURCE_PANELS if (measured["parameter"] == name).any()]
    blocks = {
        name: measured[measured["parameter"] == name].reset_index(drop=True) for name in panels
    }
    # Each finding's label stands above its row (style.rows_below_labels): the axes keep the
    # figure's whole width, which a phone needs.
    layouts = {name: rows_below_labels(blocks[name]["row_label"]) for name in panels}
    totals = [max(layouts[name][2], 4.0) for name in panels]
    figure, axes = new_figure(
        sources,
        width=MAX_WIDTH_IN,
        height=LINE_IN * sum(totals) + 0.75 * len(panels),
        nrows=len(panels),
        height_ratios=[total + 4 for total in totals],  # + the tick labels and axis title
    )
    axes_list = list(axes) if len(panels) > 1 else [axes]
    figure.get_layout_engine().set(hspace=0.08)
    for ax, name, total in zip(axes_list, panels, totals, strict=True):
        block = blocks[name]
        tops, ys, _ = layouts[name]
        shift = total - layouts[name][2]  # a short panel keeps its rows at the top
        ys = [y + shift for y in ys]
        for y, finding in zip(ys, block.itertuples(), strict=True):
            colour = TISSUE_COLOURS.get(finding.tissue, PALETTE["black"])
            ends = [finding.value_low, finding.value_high]
            ax.plot(ends, [y, y], color=colour, lw=2, clip_on=False)  # 100% shows whole
            ax.plot(ends, [y, y], "o", color=colour, ms=6, clip_on=False)
        label_rows_above(ax, block["row_label"], [top + shift for top in tops], total)
        ax.set_xlabel(SOURCE_PANELS[name])
        if name == "colony_forming_cell_frequency":
            log_axis(ax, block["value_low"].min(), block["value_high"].max())
        else:
            ax.set_xlim(0, None)
        if name == "cumulative_population_doublings":
            _mark_lifespan(ax, sources)
    return figure


#: Marked on the doublings panel: a lifespan (cells grown until they stopped), not a count over
#: one study's culture period, so the reader sees the two measures side by side.
LIFESPAN_MARKER = "bruder1997_lifespan_bm"


def _mark_lifespan(ax, sources: pd.DataFrame) -> None:
    row = sources.set_index("finding_id").loc[LIFESPAN_MARKER]
    lifespan = float(row["value_low"])
    ax.axvline(lifespan, color=PALETTE["black"], ls="--", lw=1, gid="lifespan-marker")
    ax.set_xlim(0, max(ax.get_xlim()[1], lifespan * 1.05))
    ax.text(
        lifespan,
        1.0,
        f" {TISSUE_LABELS[row['tissue']].lower()} lifespan,\n {study_label(row['source'])}"
        f" ({lifespan:g})",
        transform=ax.get_xaxis_transform(),
        ha="right",
        va="top",
        fontsize=9,
    )


TISSUE_COLOURS = {
    "bone_marrow": PALETTE["blue"],
    "adipose": PALETTE["orange"],
    "umbilical_cord": PALETTE["green"],
    "wharton_jelly": PALETTE["green"],
    "cord_blood": PALETTE["sky"],
    "placenta": PALETTE["purple"],
    "peripheral_blood": PALETTE["vermillion"],
}


#: Product types that are not cell products, so have no tissue of origin.
NOT_CELLS = frozenset({"drug"})


def trial_counts_by_source(trials: pd.DataFrame) -> pd.DataFrame:
    """Studies in `trials` counted by product group, tissue and donor type.

    Uses columns `product_type`, `cell_source`, `donor`. `group` is "MSC products" for
    `MSC_PRODUCTS` and "Comparators (not MSCs)" for every other cell product. Trials of
    products that are not cells (`NOT_CELLS`: the drug comparators) have no tissue and are left
    out.
    """
    trials = trials[~trials["product_type"].isin(NOT_CELLS)]
    grouped = trials.assign(
        group=trials["product_type"]
        .isin(MSC_PRODUCTS)
        .map({True: "MSC products", False: "Comparators (not MSCs)"}),
        tissue_label=trials["cell_source"].map(TISSUE_LABELS),
    )
    counts = (
        grouped.groupby(["group", "tissue_label", "donor"]).size().rename("studies").reset_index()
    )
    return counts.sort_values(["group", "tissue_label", "donor"], ignore_index=True)


def plot_trials_by_source(trials: pd.DataFrame) -> Figure:
    """Stacked bars: studies per tissue, split by donor type; MSC products and comparators apart.

    Uses columns `product_type`, `cell_source`, `donor` of `trials`.
    """
    counts = trial_counts_by_source(trials)
    groups = ["MSC products", "Comparators (not MSCs)"]
    tissues = sorted(counts["tissue_label"].unique(), reverse=True)
    figure, axes = new_figure(trials, width=MAX_WIDTH_IN, height=0.35 * len(tissues) + 1.6, ncols=2)
    most = counts.groupby(["group", "tissue_label"])["studies"].sum().max()
    for ax, group in zip(axes, groups, strict=True):
        block = counts[counts["group"] == group]
        left = pd.Series(0, index=tissues)
        for donor, colour in DONOR_COLOURS.items():
            if donor not in set(counts["donor"]):
                continue  # no empty legend entry for a donor type no study has
            values = (
                block[block["donor"] == donor]
                .set_index("tissue_label")["studies"]
                .reindex(tissues, fill_value=0)
            )
            name = donor.replace("_", " ")
            ax.barh(tissues, values, left=left, color=colour, label=name, height=0.6)
            left = left + values
        ax.set_xlabel(f"{group}\nnumber of studies")
        ax.set_xlim(0, most + 1)
        ax.xaxis.get_major_locator().set_params(integer=True)
    axes[1].set_yticks(range(len(tissues)), [""] * len(tissues))
    handles, labels = axes[0].get_legend_handles_labels()
    figure.legend(handles, labels, loc="outside lower center", ncols=2, frameon=False)
    return figure


def dose_points(trials: pd.DataFrame, arms: pd.DataFrame) -> pd.DataFrame:
    """The MSC-product arms of `trial_arms` with a stated dose, with their study and disease.

    Uses `trial_arms` columns `trial_id`, `arm_id`, `arm_label`, `intervention`, `dose_value`,
    `dose_value_max`, `dose_unit`, `dose_statistic` and `trials` columns `trial_id`,
    `short_name`, `disease_area`. Comparator arms (not MSCs) are left out.
    """
    dosed = arms[arms["intervention"].isin(MSC_PRODUCTS) & arms["dose_value"].notna()]
    merged = dosed.merge(
        trials[["trial_id", "short_name", "disease_area"]],
        on="trial_id",
        how="left",
        validate="many_to_one",
    )
    merged["dose_high"] = merged["dose_value_max"].fillna(merged["dose_value"])
    merged["disease_label"] = merged["disease_area"].map(DISEASE_SHORT)
    return merged.sort_values(
        ["dose_unit", "disease_area", "dose_value", "trial_id"], ignore_index=True
    )[
        [
            "trial_id",
            "arm_id",
            "short_name",
            "disease_area",
            "disease_label",
            "arm_label",
            "dose_value",
            "dose_high",
            "dose_unit",
            "dose_statistic",
        ]
    ]


def plot_trial_doses(trials: pd.DataFrame, arms: pd.DataFrame) -> Figure:
    """Doses of MSC arms on a log scale, one row per study, coloured by disease.

    Per-kg and fixed doses cannot be compared without body weights, so each unit has its own
    panel. A range (planned or given) is a line; a mean dose is a diamond, a fixed dose a dot.
    """
    points = dose_points(trials, arms)
    units = [unit for unit in DOSE_UNIT_PANELS if (points["dose_unit"] == unit).any()]
    studies = {
        unit: list(dict.fromkeys(points[points["dose_unit"] == unit]["short_name"]))
        for unit in units
    }
    # Each study's name stands above its row (style.rows_below_labels): the log axes keep the
    # figure's whole width, which a phone needs.
    layouts = {unit: rows_below_labels(studies[unit]) for unit in units}
    figure, axes = new_figure(
        trials,
        arms,
        width=MAX_WIDTH_IN,
        height=LINE_IN * sum(layouts[unit][2] for unit in units) + 0.9 * len(units) + 0.5,
        nrows=len(units),
        height_ratios=[layouts[unit][2] + 4 for unit in units],  # + tick labels, axis title
    )
    axes_list = list(axes) if len(units) > 1 else [axes]
    figure.get_layout_engine().set(hspace=0.1)
    for ax, unit in zip(axes_list, units, strict=True):
        block = points[points["dose_unit"] == unit]
        tops, ys, total = layouts[unit]
        rows = dict(zip(studies[unit], ys, strict=True))
        for arm in block.itertuples():
            row, colour = rows[arm.short_name], DISEASE_COLOURS[arm.disease_area]
            marker = "D" if arm.dose_statistic == "mean" else "o"
            if arm.dose_high > arm.dose_value:
                ax.plot([arm.dose_value, arm.dose_high], [row, row], color=colour, lw=2)
                ax.plot([arm.dose_value, arm.dose_high], [row, row], "|", color=colour, ms=10)
            else:
                ax.plot(
                    arm.dose_value,
                    row,
                    marker,
                    color=colour,
                    ms=7,
                    label=DISEASE_SHORT[arm.disease_area],
                )
        label_rows_above(ax, studies[unit], tops, total)
        log_axis(ax, block["dose_value"].min(), block["dose_high"].max())
        ax.set_xlabel(DOSE_UNIT_PANELS[unit])
    handles, labels = {}, []
    for ax in axes_list:
        for handle, label in zip(*ax.get_legend_handles_labels(), strict=True):
            handles.setdefault(label, handle)
    labels = [DISEASE_SHORT[key] for key in DISEASE_SHORT if DISEASE_SHORT[key] in handles]
    figure.legend(
        [handles[label] for label in labels],
        labels,
        loc="outside lower center",
        ncols=len(labels),
        frameon=False,
    )
    return figure


def enrolment_to_dosing(trials: pd.DataFrame, arms: pd.DataFrame, trial_ids) -> pd.DataFrame:
    """For each study in `trial_ids`: participants enrolled or randomised, and how many received
    cells or placebo (the sum of its arms counted as `treated`).

    Uses `trials` columns `trial_id`, `short_name`, `n_total`, `n_total_basis` and `trial_arms`
    columns `trial_id`, `n`, `n_basis`.
    """
    chosen = trials.set_index("trial_id").loc[list(trial_ids)]
    treated = arms[arms["n_basis"] == "treated"].groupby("trial_id")["n"].sum()
    table = pd.DataFrame(
        {
            "trial_id": chosen.index,
            "short_name": chosen["short_name"].to_numpy(),
            "n_total": chosen["n_total"].astype(int).to_numpy(),
            "n_total_basis": chosen["n_total_basis"].to_numpy(),
            "treated": [int(treated.get(trial, 0)) for trial in chosen.index],
        }
    )
    table["not_treated"] = table["n_total"] - table["treated"]
    return table


def plot_enrolment_to_dosing(trials: pd.DataFrame, arms: pd.DataFrame, trial_ids) -> Figure:
    """Per study, a bar of participants enrolled (or randomised) and a bar of those treated."""
    table = enrolment_to_dosing(trials, arms, trial_ids)
    figure, axes = new_figure(trials, arms, width=MAX_WIDTH_IN, height=0.9 * len(table) + 1.3)
    rows = list(range(len(table)))[::-1]
    for row, study in zip(rows, table.itertuples(), strict=True):
        axes.barh(
            row + 0.18,
            study.n_total,
            height=0.34,
            color=PALETTE["grey"],
            label="enrolled or randomised",
        )
        axes.barh(
            row - 0.18,
            study.treated,
            height=0.34,
            color=PALETTE["blue"],
            label="received the product or placebo",
        )
        axes.text(
            study.n_total + 0.3,
            row + 0.18,
            f"{study.n_total} {study.n_total_basis}",
            va="center",
            fontsize=SMALL_TEXT_PT,
        )
        axes.text(
            study.treated + 0.3,
            row - 0.18,
            f"{study.treated} treated",
            va="center",
            fontsize=SMALL_TEXT_PT,
        )
    axes.set_yticks(rows, table["short_name"])
    axes.set_xlim(0, table["n_total"].max() * 1.3)
    axes.set_xlabel("Participants")
    handles, labels = axes.get_legend_handles_labels()
    unique = dict(zip(labels, handles, strict=True))
    figure.legend(
        unique.values(), unique.keys(), loc="outside lower center", ncols=2, frameon=False
    )
    return figure
