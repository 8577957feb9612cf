"""Figures for the Mechanisms part. Every mechanism figure shows the kind of evidence.

Each marker of a matrix or ladder is one row of `data/secretome.csv` (its `gid` is the row's
`factor_id`), coloured and shaped by `evidence_kind`. Trial figures count rows of
`data/trials.csv` and keep comparator products (not MSCs) apart from MSC products.
"""

from __future__ import annotations

import re

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
    wrap,
)

EVIDENCE_ORDER = ("review", "in_vitro", "animal", "human")
EVIDENCE_STYLE = {
    "review": {
        "color": PALETTE["grey"],
        "marker": "^",
        "label": "review or consensus (no experiment)",
    },
    "in_vitro": {"color": PALETTE["sky"], "marker": "o", "label": "in vitro (cells in culture)"},
    "animal": {"color": PALETTE["orange"], "marker": "s", "label": "animal"},
    "human": {"color": PALETTE["vermillion"], "marker": "D", "label": "human (patients)"},
}
MECHANISM_ORDER = (
    "angiogenesis",
    "immunomodulation",
    "anti_fibrosis",
    "homing_biodistribution",
    "extracellular_vesicles",
    "trophic",
)
MECHANISM_LABELS = {
    "angiogenesis": "Angio-\ngenesis",
    "immunomodulation": "Immuno-\nmodu-\nlation",
    "anti_fibrosis": "Anti-\nfibrosis",
    "homing_biodistribution": "Homing,\nbiodistri-\nbution",
    "extracellular_vesicles": "Extra-\ncellular\nvesicles",
    "trophic": "Trophic\n(concept)",
}
TARGET_ORDER = (
    "t_cells",
    "nk_cells",
    "macrophages",
    "phagocytes",
    "dendritic_cells",
    "msc",
    "heart",
    "patient_serum",
)
TARGET_LABELS = {
    "t_cells": "T cells",
    "nk_cells": "NK cells",
    "macrophages": "Macro-\nphages",
    "phagocytes": "Phago-\ncytes\n(CD11b+,\nCD11c+)",
    "dendritic_cells": "Dendritic\ncells",
    "msc": "MSCs\n(own\nHLA)",
    "heart": "Infarcted\nheart\n(mouse)",
    "patient_serum": "Patients'\nserum",
}
#: Citation keys whose author and year are not spelled by the key itself.
SOURCE_LABELS = {
    "dinicola2002": "Di Nicola 2002",
    "nemeth2009": "Németh 2009",
    "vanrhijnbrouwer2024": "van Rhijn-Brouwer 2024",
    "welsh2024": "MISEV2023 (Welsh 2024)",
}
MSC_PRODUCTS = ("msc", "msc_like", "msc_derived")
PRODUCT_STYLE = {
    "msc": {"color": PALETTE["blue"], "label": "MSC product"},
    "comparator": {"color": PALETTE["orange"], "label": "comparator (not MSCs)"},
}
ROUTE_ORDER = (
    "intravenous",
    "intrathecal",
    "intramuscular",
    "intra_arterial",
    "endovascular",
    "peri_ulcer",
    "digital_injection",
    "oral",
    "not_reported",
)
ROUTE_LABELS = {
    "intravenous": "intravenous",
    "intrathecal": "intrathecal",
    "intramuscular": "intramuscular",
    "intra_arterial": "intra-arterial",
    "endovascular": "endovascular",
    "peri_ulcer": "around the ulcer",
    "digital_injection": "into the fingers",
    "oral": "by mouth",
    "not_reported": "not reported",
}
DISEASE_LABELS = {
    "cli_clti": "Critical limb ischaemia",
    "multiple_sclerosis": "Multiple sclerosis",
    "systemic_sclerosis": "Systemic sclerosis",
    "acute_gvhd": "Acute GvHD",
}


def source_label(key: str) -> str:
    """'kinnaird2004' -> 'Kinnaird 2004' (exceptions in SOURCE_LABELS)."""
    if key in SOURCE_LABELS:
        return SOURCE_LABELS[key]
    match = re.fullmatch(r"([a-z]+)(\d{4})[a-z]?", key)
    return f"{match.group(1).capitalize()} {match.group(2)}" if match else key


def _check_columns(frame: pd.DataFrame, columns: tuple[str, ...], what: str) -> None:
    missing = [column for column in columns if column not in frame.columns]
    if missing:
        raise ValueError(f"{what} needs the column(s) {', '.join(missing)} of the table")


def matrix_cells(secretome: pd.DataFrame, column: str, order: tuple[str, ...]) -> pd.DataFrame:
    """One marker per row: (x, y) of each secretome row in a factor_label x `column` matrix.

    Rows are factor labels in the order of `order`, then table order; rows that share a cell
    are spread side by side inside it. Columns of `order` with no row are kept (empty column).
    """
    _check_columns(secretome, ("factor_id", "factor_label", "evidence_kind", column), "matrix")
    unknown = sorted(set(secretome[column]) - set(order))
    if unknown:
        raise ValueError(f"{column} value(s) {unknown} have no place in the figure's order")
    frame = secretome.assign(_rank=secretome[column].map(order.index)).reset_index(drop=True)
    frame = frame.sort_values(["_rank"], kind="stable")
    labels = list(dict.fromkeys(frame["factor_label"]))
    frame["y"] = frame["factor_label"].map({label: -i for i, label in enumerate(labels)})
    frame["x"] = frame["_rank"].astype(float)
    for _, cell in frame.groupby(["factor_label", column]):
        if len(cell) > 1:
            offsets = [0.36 * (i / (len(cell) - 1) - 0.5) for i in range(len(cell))]
            frame.loc[cell.index, "x"] = cell["x"] + offsets
    return frame.drop(columns="_rank")[
        ["factor_id", "factor_label", column, "evidence_kind", "source", "x", "y"]
    ]


def _evidence_legend(figure: Figure, kinds) -> None:
    handles = [
        Line2D(
            [],
            [],
            linestyle="",
            marker=EVIDENCE_STYLE[kind]["marker"],
            markersize=8,
            markerfacecolor=EVIDENCE_STYLE[kind]["color"],
            markeredgecolor="black",
            label=EVIDENCE_STYLE[kind]["label"],
        )
        for kind in EVIDENCE_ORDER
        if kind in set(kinds)
    ]
    figure.legend(handles=handles, loc="outside lower center", ncols=2, frameon=False)


def evidence_marker(axes, row, size: float) -> None:
    """One factor's mark, shaped and coloured by the kind of evidence (gid: the factor's id)."""
    style = EVIDENCE_STYLE[row.evidence_kind]
    axes.scatter(
        [row.x],
        [row.y],
        s=size,
        marker=style["marker"],
        color=style["color"],
        edgecolors="black",
        linewidths=0.6,
        zorder=3,
        gid=row.factor_id,
    )


def _plot_matrix(
    secretome: pd.DataFrame,
    column: str,
    order: tuple[str, ...],
    labels: dict[str, str],
    width: float,
    xlabel: str,
) -> Figure:
    cells = matrix_cells(secretome, column, order)
    n_rows = cells["factor_label"].nunique()
    figure, axes = new_figure(secretome, width=width, height=0.34 * n_rows + 2.3)
    for row in cells.itertuples():
        evidence_marker(axes, row, size=70)
    y_labels = cells.drop_duplicates("factor_label")
    axes.set_yticks(list(y_labels["y"]), list(y_labels["factor_label"]), fontsize=SMALL_TEXT_PT)
    axes.set_xticks(range(len(order)), [labels[key] for key in order], fontsize=SMALL_TEXT_PT)
    axes.set_xlim(-0.6, len(order) - 0.4)
    axes.set_ylim(cells["y"].min() - 0.6, 0.6)
    axes.xaxis.tick_top()
    axes.xaxis.set_label_position("top")
    axes.set_xlabel(xlabel)
    axes.grid(True, color=PALETTE["grey"], linewidth=0.5, alpha=0.6)
    axes.set_axisbelow(True)
    axes.tick_params(length=0)
    _evidence_legend(figure, cells["evidence_kind"])
    return figure


def plot_mechanism_matrix(secretome: pd.DataFrame) -> Figure:
    """Factor (rows) x mechanism (columns); one marker per secretome row, shaped by evidence kind.

    Uses columns `factor_id`, `factor_label`, `mechanism`, `evidence_kind` of `secretome`.
    """
    return _plot_matrix(
        secretome,
        "mechanism",
        MECHANISM_ORDER,
        MECHANISM_LABELS,
        width=MAX_WIDTH_IN,
        xlabel="Mechanism the finding supports",
    )


def plot_immune_targets(secretome: pd.DataFrame) -> Figure:
    """Immunomodulation rows: factor (rows) x what it acts on (columns), marker = evidence kind.

    Uses columns `factor_id`, `factor_label`, `mechanism`, `target_group`, `evidence_kind`.
    """
    _check_columns(secretome, ("mechanism",), "the immune-target figure")
    immune = secretome[secretome["mechanism"] == "immunomodulation"]
    if immune.empty:
        raise ValueError("the immune-target figure needs immunomodulation rows of secretome")
    return _plot_matrix(
        immune,
        "target_group",
        TARGET_ORDER,
        TARGET_LABELS,
        width=MAX_WIDTH_IN,
        xlabel="What the factor acts on (or where it was measured)",
    )


def ladder_rows(secretome: pd.DataFrame, mechanisms: tuple[str, ...]) -> pd.DataFrame:
    """The rows of `mechanisms`, ordered from bench to bedside (review, in vitro, animal, human)."""
    _check_columns(
        secretome, ("factor_id", "factor_label", "mechanism", "evidence_kind", "source"), "ladder"
    )
    rows = secretome[secretome["mechanism"].isin(mechanisms)]
    if rows.empty:
        raise ValueError(f"no secretome rows for mechanism(s) {', '.join(mechanisms)}")
    rows = rows.assign(_rank=rows["evidence_kind"].map(EVIDENCE_ORDER.index))
    rows = rows.sort_values("_rank", kind="stable").drop(columns="_rank").reset_index(drop=True)
    rows["x"] = rows["evidence_kind"].map(EVIDENCE_ORDER.index).astype(float)
    rows["y"] = -rows.index.astype(float)
    return rows


def plot_evidence_ladder(secretome: pd.DataFrame, mechanisms: tuple[str, ...]) -> Figure:
    """One line per secretome row of `mechanisms`, placed on the rung of its kind of evidence.

    Uses columns `factor_id`, `factor_label`, `mechanism`, `evidence_kind`, `source`.
    """
    rows = ladder_rows(secretome, mechanisms)
    figure, axes = new_figure(secretome, width=MAX_WIDTH_IN, height=0.42 * len(rows) + 1.9)
    for row in rows.itertuples():
        axes.plot([-0.3, row.x], [row.y, row.y], color=PALETTE["grey"], linewidth=1, zorder=1)
        evidence_marker(axes, row, size=80)
        sources = "; ".join(source_label(key.strip()) for key in row.source.split(";"))
        axes.text(row.x + 0.15, row.y, sources, va="center", fontsize=SMALL_TEXT_PT)
    axes.set_yticks(list(rows["y"]), list(rows["factor_label"]), fontsize=SMALL_TEXT_PT)
    axes.set_xticks(
        range(len(EVIDENCE_ORDER)),
        ["review,\nno\nexperiment", "in vitro\n(cells)", "animal", "human\n(patients)"],
    )
    axes.set_xlim(-0.3, len(EVIDENCE_ORDER) + 0.6)
    axes.set_ylim(rows["y"].min() - 0.6, 0.6)
    axes.set_xlabel("Kind of evidence (from the bench towards the patient)")
    axes.tick_params(axis="y", length=0)
    axes.spines["left"].set_visible(False)
    _evidence_legend(figure, rows["evidence_kind"])
    return figure


def plot_ido_model(curves: pd.DataFrame, evidence: pd.DataFrame) -> Figure:
    """The IDO teaching model: tryptophan (left) and T-cell fold expansion (right), per condition.

    `curves` is `mscbook.widgets.ido.compare(...)` (columns `hours`, `tryptophan`, `fold`,
    `condition`); `evidence` is the secretome row(s) of the mechanism the model illustrates
    (columns `factor_label`, `evidence_kind`, `source`), named on the figure with their kind of
    evidence so the model is never mistaken for data.
    """
    _check_columns(curves, ("hours", "tryptophan", "fold", "condition"), "the IDO model figure")
    _check_columns(evidence, ("factor_label", "evidence_kind", "source"), "the IDO model figure")
    figure, (left, right) = new_figure(evidence, width=MAX_WIDTH_IN, height=3.8, ncols=2)
    colours = {"without IDO": PALETTE["blue"], "with IDO": PALETTE["vermillion"]}
    styles = {"without IDO": "-", "with IDO": "--"}
    for condition, curve in curves.groupby("condition", sort=False):
        kwargs = {
            "color": colours.get(condition, PALETTE["black"]),
            "linestyle": styles.get(condition, ":"),
            "label": condition,
            "linewidth": 2,
        }
        left.plot(curve["hours"], curve["tryptophan"], gid=f"tryptophan:{condition}", **kwargs)
        right.plot(curve["hours"], curve["fold"], gid=f"fold:{condition}", **kwargs)
    left.set_xlabel("Time in co-culture (hours)")
    left.set_ylabel("Tryptophan\n(relative to fresh medium)")
    left.set_ylim(bottom=0)
    right.set_xlabel("Time in co-culture (hours)")
    right.set_ylabel("T cells (fold of starting\nnumber, log scale)")
    right.set_yscale("log")
    right.legend(loc="upper left", title="TEACHING MODEL, not data", title_fontsize=SMALL_TEXT_PT)
    shown = "\n".join(
        f"{EVIDENCE_STYLE[row.evidence_kind]['label']}:\n"
        + "; ".join(source_label(key.strip()) for key in row.source.split(";"))
        for row in evidence.itertuples()
    )
    left.text(  # below the line at 1 (without IDO), above the decayed curve (with IDO)
        0.97,
        0.86,
        f"Mechanism shown\n{shown}",
        transform=left.transAxes,
        ha="right",
        va="top",
        fontsize=SMALL_TEXT_PT,
        bbox={"boxstyle": "round", "facecolor": "white", "edgecolor": PALETTE["grey"]},
        gid="evidence-note",
    )
    return figure


def _routes(value: object) -> list[str]:
    if not isinstance(value, str) or not value.strip():
        return ["not_reported"]
    return [route.strip() for route in value.split(";")]


def route_counts(trials: pd.DataFrame) -> pd.DataFrame:
    """Studies per disease, route and product group (msc / comparator).

    A study that used several routes counts once under each; a study without a route counts
    under `not_reported`. Uses columns `disease_area`, `route`, `product_type`.
    """
    _check_columns(trials, ("trial_id", "disease_area", "route", "product_type"), "route_counts")
    records = [
        {
            "disease_area": row.disease_area,
            "route": route,
            "group": "msc" if row.product_type in MSC_PRODUCTS else "comparator",
            "trial_id": row.trial_id,
        }
        for row in trials.itertuples()
        for route in _routes(row.route)
    ]
    frame = pd.DataFrame(records, columns=["disease_area", "route", "group", "trial_id"])
    unknown = sorted(set(frame["route"]) - set(ROUTE_ORDER))
    if unknown:
        raise ValueError(f"route(s) {unknown} have no label in the route figure")
    return (
        frame.groupby(["disease_area", "route", "group"])["trial_id"]
        .nunique()
        .rename("n_studies")
        .reset_index()
    )


def plot_trial_routes(trials: pd.DataFrame) -> Figure:
    """Stacked bars: studies per route in each disease, MSC products and comparators apart.

    Uses columns `trial_id`, `disease_area`, `route`, `product_type` of `trials`.
    """
    counts = route_counts(trials)
    diseases = [d for d in DISEASE_LABELS if d in set(counts["disease_area"])]
    routes = [r for r in ROUTE_ORDER if r in set(counts["route"])]
    figure, axes_list = new_figure(
        trials, width=MAX_WIDTH_IN, height=0.32 * len(routes) + 2.2, ncols=len(diseases)
    )
    axes_list = list(axes_list)
    positions = {route: -i for i, route in enumerate(routes)}
    largest = counts.groupby(["disease_area", "route"])["n_studies"].sum().max()
    for axes, disease in zip(axes_list, diseases, strict=False):
        part = counts[counts["disease_area"] == disease]
        left = dict.fromkeys(routes, 0)
        for group in ("msc", "comparator"):
            rows = part[part["group"] == group]
            for row in rows.itertuples():
                axes.barh(
                    positions[row.route],
                    row.n_studies,
                    left=left[row.route],
                    height=0.6,
                    color=PRODUCT_STYLE[group]["color"],
                    gid=f"{disease}:{row.route}:{group}",
                )
                left[row.route] += row.n_studies
        axes.set_yticks(list(positions.values()), [ROUTE_LABELS[r] for r in routes])
        axes.set_xlim(0, largest + 0.5)
        axes.set_ylim(-len(routes) + 0.5, 0.5)
        axes.set_xlabel(f"{wrap(DISEASE_LABELS[disease] + ':', 16)}\nstudies (n)")
        axes.xaxis.get_major_locator().set_params(integer=True)
    for axes in axes_list[1:]:
        axes.tick_params(labelleft=False)
    handles = [
        Line2D([], [], linestyle="", marker="s", markersize=9, color=s["color"], label=s["label"])
        for s in PRODUCT_STYLE.values()
    ]
    figure.legend(handles=handles, loc="outside lower center", ncols=2, frameon=False)
    return figure


def _design_label(row) -> str:
    if row.status == "not_yet_recruiting":
        return "not yet recruiting"
    control = {
        "placebo": "placebo",
        "sham": "sham",
        "none": "no control",
        "before_after": "before/after",
        "dose_comparison": "doses compared",
        "active": "active treatment",
    }.get(row.control_type, str(row.control_type).replace("_", " "))
    if pd.isna(row.randomised):
        randomised = "randomisation not reported"
    else:
        randomised = "randomised" if bool(row.randomised) else "not randomised"
    design = f"{randomised}, {control}"
    if row.status == "ongoing":
        return f"{design}; ongoing"
    return design


def plot_study_designs(trials: pd.DataFrame, disease_area: str) -> Figure:
    """One bar per study of `disease_area`: its size (n), product group and design in words.

    Uses columns `trial_id`, `short_name`, `disease_area`, `product_type`, `randomised`,
    `control_type`, `status`, `n_total` of `trials`.
    """
    _check_columns(
        trials,
        ("short_name", "disease_area", "product_type", "randomised", "control_type", "status"),
        "the study-design figure",
    )
    studies = trials[trials["disease_area"] == disease_area].reset_index(drop=True)
    if studies.empty:
        raise ValueError(f"no studies of disease_area {disease_area!r} in trials")
    names = list(studies["short_name"])
    tops, ys, total = rows_below_labels(names)  # each study's name above its bar
    figure, axes = new_figure(trials, width=MAX_WIDTH_IN, height=LINE_IN * total + 1.3)
    largest = float(studies["n_total"].max())
    axes.set_xlim(0, largest * 2.5)
    label_rows_above(axes, names, tops, total)
    for y, row in zip(ys, studies.itertuples(), strict=True):
        group = "msc" if row.product_type in MSC_PRODUCTS else "comparator"
        n = 0 if pd.isna(row.n_total) else int(row.n_total)
        axes.barh(y, n, height=1.1, color=PRODUCT_STYLE[group]["color"], gid=row.trial_id)
        size = "n not reported" if pd.isna(row.n_total) else f"n = {n}"
        axes.text(
            n + largest * 0.02, y, f"{size}; {_design_label(row)}", va="center",
            fontsize=SMALL_TEXT_PT,
        )  # fmt: skip
    axes.set_xlabel("Participants (n, as counted by each study)")
    handles = [
        Line2D([], [], linestyle="", marker="s", markersize=9, color=s["color"], label=s["label"])
        for s in PRODUCT_STYLE.values()
    ]
    figure.legend(handles=handles, loc="outside lower center", ncols=2, frameon=False)
    return figure
