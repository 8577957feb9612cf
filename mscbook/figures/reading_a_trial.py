"""Figures of the chapter "Reading a cell-therapy trial": the whole field at a glance, and a
simulation of single-arm studies judged against a historical benchmark.

Each `*_data` function returns the tidy table its figure draws (tested against the data); each
`plot_*` function draws that table and nothing else. The disease kit (`mscbook.figures.diseases`)
supplies the design ladder, colours and per-disease evidence-map rows.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from mscbook import simulation
from mscbook.figures.diseases import (
    DESIGN_LEVELS,
    SOURCE_COLOURS,
    evidence_map_data,
    evidence_map_legend,
)
from mscbook.paths import bibliography_path
from mscbook.style import DISEASE_COLOURS, MAX_WIDTH_IN, PALETTE, SMALL_TEXT_PT, new_figure
from mscbook.tables import DISEASE_SHORT, DISEASES, is_comparator, label

#: Trial phases from earliest to latest, then the designs that have no phase.
PHASE_ORDER = (
    "1",
    "1b",
    "1/2",
    "2a",
    "2",
    "2/3",
    "3",
    "4",
    "pilot",
    "not_stated",
    "not_applicable",
)
NO_RESULTS = "no results\npublished"
#: Participant counts marked on the evidence map's log axis.
N_TICKS = (2, 5, 10, 20, 50, 100, 200)

# ---------------------------------------------------------------------------- evidence map


def field_evidence_map_data(trials: pd.DataFrame) -> pd.DataFrame:
    """The disease kit's evidence-map rows for every disease, with a `disease` column.

    Uses the columns `mscbook.figures.diseases.evidence_map_data` uses. Studies without n are
    left out, and so are controlled studies whose randomisation is not known;
    `attrs["missing_n"]` and `attrs["design_unknown"]` list them by disease.
    """
    parts, missing, unknown = [], {}, {}
    for disease in DISEASES:
        rows = evidence_map_data(trials, disease)
        missing[disease] = rows.attrs["missing_n"]
        unknown[disease] = rows.attrs["design_unknown"]
        parts.append(rows.assign(disease=disease))
    frame = pd.concat(parts, ignore_index=True)
    frame.attrs["missing_n"] = missing
    frame.attrs["design_unknown"] = unknown
    return frame


def plot_field_evidence_map(trials: pd.DataFrame) -> Figure:
    """One panel per disease: each study's design (rows, weaker at the bottom) against its n
    (log scale). Colour: cell source; filled circle: MSC, MSC-like or MSC-derived product; open
    square: comparator product; black ring: stopped early or terminated. Studies sharing a design
    level are spread vertically in data order so none hides another."""
    points = field_evidence_map_data(trials)
    figure, axes = new_figure(trials, width=MAX_WIDTH_IN, height=8.0, nrows=len(DISEASES), ncols=1)
    for panel, disease in zip(axes, DISEASES, strict=True):
        chosen = points[points["disease"] == disease]
        offsets = chosen.groupby("level").cumcount()
        counts = chosen.groupby("level")["level"].transform("size")
        y = chosen["level"] + (offsets - (counts - 1) / 2) * (0.6 / counts.clip(lower=2))
        colours = chosen["cell_source"].map(SOURCE_COLOURS)
        # One collection per marker kind (MSC product, comparator), in data order within each.
        for comparator, marker in ((False, "o"), (True, "s")):
            kind = chosen["comparator"] == comparator
            panel.scatter(
                chosen.loc[kind, "n"],
                y[kind],
                s=55,
                marker=marker,
                facecolors="white" if comparator else list(colours[kind]),
                edgecolors=list(colours[kind]),
                linewidths=1.8,
                zorder=3,
            )
        stopped = chosen["stopped"]
        panel.scatter(
            chosen.loc[stopped, "n"],
            y[stopped],
            s=200,
            marker="o",
            facecolors="none",
            edgecolors=PALETTE["black"],
            linewidths=1.2,
            zorder=2,
        )
        panel.set_xscale("log")
        panel.set_xlim(1.5, 400)
        panel.set_xticks(N_TICKS, [str(tick) for tick in N_TICKS])
        panel.minorticks_off()
        panel.set_ylim(-0.6, len(DESIGN_LEVELS) - 0.4)
        panel.set_yticks(range(len(DESIGN_LEVELS)), list(DESIGN_LEVELS), fontsize=SMALL_TEXT_PT)
        panel.grid(axis="x", color=PALETTE["grey"], linewidth=0.5)
        panel.set_ylabel(
            f"{DISEASE_SHORT[disease]}\n({len(chosen)} studies)", fontsize=SMALL_TEXT_PT
        )
    axes[-1].set_xlabel("Participants (n, log scale)")
    handles = evidence_map_legend(points, msc_colour=PALETTE["grey"])
    figure.legend(handles=handles, loc="outside lower center", ncols=2, fontsize=SMALL_TEXT_PT)
    return figure


# -------------------------------------------------------------------- phase and year


def main_paper_years(trials: pd.DataFrame, path: Path | None = None) -> dict[str, int]:
    """Year of each study's results paper: the `year` of the first `source` key in
    references.bib, for studies whose `results_available` is 'published' (for the others the
    first source is a registry record or a protocol, whose year is not a results year)."""
    from mscbook.references import bib_entries  # here, not at import: only this figure needs it

    entries = bib_entries(path or bibliography_path())
    years = {}
    for trial in trials.itertuples():
        if trial.results_available != "published":
            continue
        key = trial.source.split(";")[0].strip()
        years[trial.trial_id] = int(entries[key].fields["year"])
    return years


def phase_year_data(trials: pd.DataFrame, years: Mapping[str, int]) -> pd.DataFrame:
    """One row per study, in data order: trial_id, study, disease, phase (code), phase_label,
    year (of the results paper; NA when no results were published), comparator.

    Uses `trials` columns trial_id, short_name, disease_area, phase, product_type; `years` from
    `main_paper_years`.
    """
    unknown = sorted(set(trials["phase"]) - set(PHASE_ORDER))
    if unknown:
        raise ValueError(f"phase value(s) {unknown} are not in PHASE_ORDER; add them there.")
    return pd.DataFrame(
        {
            "trial_id": trials["trial_id"].to_numpy(),
            "study": trials["short_name"].to_numpy(),
            "disease": trials["disease_area"].to_numpy(),
            "phase": trials["phase"].to_numpy(),
            "phase_label": [label("phase", phase) for phase in trials["phase"]],
            "year": pd.array([years.get(t) for t in trials["trial_id"]], dtype="Int64"),
            "comparator": [is_comparator(kind) for kind in trials["product_type"]],
        }
    )


def plot_phase_year(trials: pd.DataFrame, years: Mapping[str, int]) -> Figure:
    """Each study as a point: year of its results paper (x; studies without published results in
    a separate column on the right) against its phase as reported (y). Colour: disease; filled
    circle: MSC-family product; open square: comparator. Points sharing a cell are spread
    sideways in data order."""
    rows = phase_year_data(trials, years)
    phases = [phase for phase in PHASE_ORDER if phase in set(rows["phase"])]
    published = rows["year"].dropna()
    first, last = int(published.min()), int(published.max())
    no_results_x = last + 2
    x = rows["year"].astype("float").fillna(no_results_x)
    y = rows["phase"].map({phase: index for index, phase in enumerate(phases)})
    offsets = rows.groupby([x, y]).cumcount()
    counts = rows.groupby([x, y])["trial_id"].transform("size")
    x_spread = x + (offsets - (counts - 1) / 2) * 0.22
    figure, axes = new_figure(trials, width=MAX_WIDTH_IN, height=4.6)
    colours = rows["disease"].map(DISEASE_COLOURS)
    for comparator, marker in ((False, "o"), (True, "s")):
        kind = rows["comparator"] == comparator
        axes.scatter(
            x_spread[kind],
            y[kind],
            s=45,
            marker=marker,
            facecolors="white" if comparator else list(colours[kind]),
            edgecolors=list(colours[kind]),
            linewidths=1.6,
            zorder=3,
        )
    axes.axvline(last + 1, color=PALETTE["grey"], linewidth=1)
    ticks = list(range(first, last + 1, 2)) + [no_results_x]
    axes.set_xticks(ticks, [str(t) for t in ticks[:-1]] + [NO_RESULTS], fontsize=SMALL_TEXT_PT)
    axes.set_xlim(first - 0.8, no_results_x + 0.9)
    axes.set_yticks(
        range(len(phases)), [label("phase", phase) for phase in phases], fontsize=SMALL_TEXT_PT
    )
    axes.set_ylim(-0.6, len(phases) - 0.4)
    axes.grid(axis="y", color=PALETTE["grey"], linewidth=0.5)
    axes.set_xlabel("Year the results were published")
    axes.set_ylabel("Phase, as reported")
    handles = [
        Line2D([], [], marker="o", linestyle="", color=colour, label=DISEASE_SHORT[disease])
        for disease, colour in DISEASE_COLOURS.items()
    ]
    handles.append(
        Line2D(
            [],
            [],
            marker="s",
            linestyle="",
            markerfacecolor="white",
            markeredgecolor=PALETTE["black"],
            label="comparator (not MSCs)",
        )
    )
    figure.legend(handles=handles, loc="outside lower center", ncols=2, fontsize=SMALL_TEXT_PT)
    return figure


# ------------------------------------------------------------------------ claims by topic

CLAIM_TOPICS = {
    **DISEASE_SHORT,
    "epidemiology": "Epidemiology",
    "mechanism": "Mechanism",
    "registry_count": "Registry counts",
}
VERDICT_ORDER = ("supported", "overstated", "wrong", "unverified")


def verdicts_by_topic(claims: pd.DataFrame) -> pd.DataFrame:
    """Number of `seed_claims` per topic (rows, in order of first appearance) and verdict
    (columns, from supported to unverified), in plain words, with a total row and column.

    Uses columns topic and verdict.
    """
    unknown = sorted(set(claims["topic"]) - set(CLAIM_TOPICS))
    if unknown:
        raise ValueError(f"claim topic(s) {unknown} have no plain name in CLAIM_TOPICS.")
    counts = pd.crosstab(claims["topic"], claims["verdict"])
    counts = counts.reindex(
        index=list(pd.unique(claims["topic"])), columns=list(VERDICT_ORDER), fill_value=0
    )
    counts["Total"] = counts.sum(axis=1)
    counts.loc["total"] = counts.sum(axis=0)
    counts.index = [CLAIM_TOPICS.get(topic, "Total") for topic in counts.index]
    counts.columns = [
        column if column == "Total" else label("verdict", column).split(" (")[0].capitalize()
        for column in counts.columns
    ]
    return counts


# ------------------------------------------------------------------------ the simulation

BENCHMARK_ID = "nooption_r56_afs_12mo"


def benchmark_rate(epidemiology: pd.DataFrame, figure_id: str = BENCHMARK_ID) -> float:
    """The benchmark rate of good outcomes (0-1) from an `epidemiology` row given in %."""
    row = epidemiology.set_index("figure_id").loc[figure_id]
    if row["unit"] != "%":
        raise ValueError(f"epidemiology row {figure_id!r} is in {row['unit']!r}, not %.")
    return float(row["value"]) / 100


def simulation_grids(
    epidemiology: pd.DataFrame,
    *,
    sizes: Sequence[int] = (5, 10, 20, 40, 80, 160),
    historical_sizes: Sequence[int | None] = (None, 200, 50, 20),
    between_study_sds: Sequence[float] = (0.0, 0.25, 0.5),
    n_simulations: int = 4000,
    seed: int,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The two simulated grids the figure draws, at the benchmark rate of `epidemiology`'s
    12-month no-option AFS row: by historical-cohort size (no between-study spread), and by
    between-study SD (benchmark known exactly). Both frames remember the data file the rate
    came from, and the rate (`attrs['benchmark_rate']`)."""
    rate = benchmark_rate(epidemiology)
    by_history = simulation.false_success_grid(
        sizes, rate, historical_sizes=historical_sizes, n_simulations=n_simulations, seed=seed
    )
    by_spread = simulation.false_success_grid(
        sizes, rate, between_study_sds=between_study_sds, n_simulations=n_simulations, seed=seed + 1
    )
    for frame in (by_history, by_spread):
        frame.attrs["data_files"] = epidemiology.attrs.get("data_files", ())
        frame.attrs["benchmark_rate"] = rate
    return by_history, by_spread


HISTORY_COLOURS = (PALETTE["black"], PALETTE["blue"], PALETTE["orange"], PALETTE["vermillion"])
SPREAD_COLOURS = (PALETTE["black"], PALETTE["green"], PALETTE["purple"], PALETTE["sky"])


def _line_labels(values: pd.Series, known: str, template: str) -> list[tuple[object, str]]:
    out = []
    for value in pd.unique(values):
        out.append((value, known if pd.isna(value) or value == 0 else template.format(value)))
    return out


def plot_false_success(
    by_history: pd.DataFrame, by_spread: pd.DataFrame, alpha: float = 0.05
) -> Figure:
    """Simulated share of null single-arm studies declared a success (%, y) against study size
    (x, log scale). Top: benchmark estimated from historical cohorts of several sizes; bottom:
    the study population's true rate spread around the benchmark (SD on the log-odds scale).
    Dashed line: the nominal false-positive rate `alpha`. Bars: ±2 Monte Carlo standard errors."""
    # One panel above the other: side by side, a phone would shrink their labels below 7 px.
    figure, (left, right) = new_figure(
        by_history, by_spread, width=MAX_WIDTH_IN, height=6.6, nrows=2, ncols=1
    )
    panels = (
        (
            left,
            by_history,
            "historical_n",
            HISTORY_COLOURS,
            "benchmark known exactly",
            "historical cohort of {:.0f}",
        ),
        (
            right,
            by_spread,
            "between_study_sd",
            SPREAD_COLOURS,
            "no spread (SD 0)",
            "spread, SD {:g} (log-odds)",
        ),
    )
    for axes, grid, column, colours, known, template in panels:
        keys = grid[column].fillna(-1)
        for (value, text), colour in zip(
            _line_labels(grid[column], known, template), colours, strict=False
        ):
            chosen = grid[keys == (-1 if pd.isna(value) else value)]
            axes.errorbar(
                chosen["n_patients"],
                100 * chosen["false_success_rate"],
                yerr=200 * chosen["standard_error"],
                marker="o",
                markersize=4,
                capsize=2,
                color=colour,
                label=text,
            )
        axes.axhline(100 * alpha, color=PALETTE["black"], linestyle="--", linewidth=0.8)
        axes.set_xscale("log")
        sizes = sorted(grid["n_patients"].unique())
        axes.set_xticks(sizes, [str(size) for size in sizes])
        axes.minorticks_off()
        axes.set_xlabel("Patients in the single-arm study")
        axes.legend(fontsize=SMALL_TEXT_PT, loc="upper left")
        axes.set_ylabel("Null studies called a success (%)")
    top = 100 * max(by_history["false_success_rate"].max(), by_spread["false_success_rate"].max())
    for axes in (left, right):
        axes.set_ylim(0, max(top * 1.15, 100 * alpha * 3))
    return figure


# ------------------------------------------------------------------------------ subgroups

#: The trial whose arm size the subgroup simulation borrows (Harris 2024: 27 per arm).
SUBGROUP_TRIAL = "harris2024"


def subgroup_chance_data(
    arms: pd.DataFrame,
    *,
    trial_id: str = SUBGROUP_TRIAL,
    k_values: Sequence[int] = (1, 2, 3, 4, 5, 6, 8),
    effect: float = 0.0,
    n_simulations: int = 10_000,
    seed: int,
) -> pd.DataFrame:
    """Simulated subgroup analyses of a trial the size of `trial_id` (its smallest randomised
    arm in `arms`, columns trial_id, n, n_basis): one row per number of subgroups, the columns
    of `simulation.subgroup_grid`. Remembers the data file and the trial (`attrs`)."""
    rows = arms[(arms["trial_id"] == trial_id) & (arms["n_basis"] == "randomised")]
    if rows.empty:
        raise ValueError(f"trial_arms has no randomised arm for trial {trial_id!r}.")
    n_per_arm = int(rows["n"].min())
    grid = simulation.subgroup_grid(
        k_values, n_per_arm, effect=effect, n_simulations=n_simulations, seed=seed
    )
    grid.attrs["data_files"] = arms.attrs.get("data_files", ())
    grid.attrs["trial_id"] = trial_id
    return grid


def plot_subgroup_chance(grid: pd.DataFrame, alpha: float = 0.05) -> Figure:
    """Share of simulated trials of a useless treatment (%) with at least one 'significant'
    subgroup (points, simulated; line, the independent-tests formula) and with a significant
    test for a difference between subgroups (squares), against the number of subgroups.
    Columns: k_subgroups, any_significant, independent_any, interaction."""
    figure, axes = new_figure(grid, width=MAX_WIDTH_IN, height=3.6)
    axes.plot(
        grid["k_subgroups"],
        100 * grid["independent_any"],
        color=PALETTE["blue"],
        linewidth=1,
        label=f"expected: 1 − (1 − {alpha:g})^k",
    )
    axes.plot(
        grid["k_subgroups"],
        100 * grid["any_significant"],
        "o",
        color=PALETTE["vermillion"],
        label="simulated: at least one subgroup P ≤ 0.05",
    )
    with_test = grid[grid["k_subgroups"] > 1]
    axes.plot(
        with_test["k_subgroups"],
        100 * with_test["interaction"],
        "s",
        color=PALETTE["black"],
        markerfacecolor="none",
        label="simulated: interaction test P ≤ 0.05",
    )
    axes.axhline(100 * alpha, color=PALETTE["black"], linestyle="--", linewidth=0.8)
    axes.set_xticks(list(grid["k_subgroups"]), [str(k) for k in grid["k_subgroups"]])
    axes.set_xlabel("Number of subgroups analysed")
    axes.set_ylabel("Trials with a 'finding' (%)")
    axes.set_ylim(0, max(100 * grid["any_significant"].max(), 100 * alpha) * 1.2)
    axes.legend(fontsize=SMALL_TEXT_PT, loc="upper left")
    return figure
