"""The figures of "Reading a cell-therapy trial" draw exactly the data: points, values, labels."""

from __future__ import annotations

import pandas as pd
import pytest
from matplotlib.collections import PathCollection
from matplotlib.colors import to_hex
from pybtex.database import parse_file

from mscbook import data, style
from mscbook.figures import reading_a_trial as figures
from mscbook.figures.diseases import SOURCE_COLOURS
from mscbook.paths import bibliography_path
from mscbook.tables import MSC_FAMILY


@pytest.fixture(scope="module")
def trials():
    return data.load("trials")


def markers(axes, size):
    return [
        c for c in axes.collections if isinstance(c, PathCollection) and c.get_sizes()[0] == size
    ]


def drawn(axes, size):
    """Offsets of every point drawn with marker size `size`, collection by collection."""
    return [tuple(point) for c in markers(axes, size) for point in c.get_offsets()]


#: One panel per disease area of data/trials.csv, in the order of mscbook.tables.DISEASES.
DISEASE_PANELS = ("cli_clti", "multiple_sclerosis", "systemic_sclerosis", "acute_gvhd")


def test_field_map_has_every_study_with_n_in_its_disease_panel(trials):
    points = figures.field_evidence_map_data(trials)
    with_n = trials[trials["n_total"].notna() & (trials["trial_id"] != "nct02866552")]
    assert sorted(points["trial_id"]) == sorted(with_n["trial_id"])
    assert points.attrs["design_unknown"]["systemic_sclerosis"] == ["SCLERADEC III (registered)"]
    assert points.attrs["missing_n"] == {
        disease: trials.loc[
            (trials["disease_area"] == disease) & trials["n_total"].isna(), "short_name"
        ].tolist()
        for disease in DISEASE_PANELS
    }
    figure = figures.plot_field_evidence_map(trials)
    panels = figure.axes[: len(DISEASE_PANELS)]
    for panel, disease in zip(panels, DISEASE_PANELS, strict=True):
        chosen = with_n[with_n["disease_area"] == disease]
        expected = chosen["n_total"].astype(int).tolist()
        msc_first = pd.concat(
            [
                chosen[chosen["product_type"].isin(MSC_FAMILY)],
                chosen[~chosen["product_type"].isin(MSC_FAMILY)],
            ]
        )["n_total"].tolist()  # MSC products are drawn first, then comparators
        assert [x for x, _ in drawn(panel, 55)] == msc_first
        stopped = chosen[chosen["status"].isin(["stopped_early", "terminated"])]
        assert sorted(x for x, _ in drawn(panel, 200)) == sorted(stopped["n_total"].tolist())
        assert panel.get_xscale() == "log"
        assert f"({len(expected)} studies)" in panel.get_ylabel()
    cli = with_n[(with_n["disease_area"] == "cli_clti") & with_n["product_type"].isin(MSC_FAMILY)]
    filled = markers(panels[0], 55)[0].get_facecolors()
    assert [to_hex(colour) for colour in filled] == [
        SOURCE_COLOURS[source].lower() for source in cli["cell_source"]
    ]
    assert [t.get_text() for t in panels[0].get_yticklabels()] == [
        "case report", "single arm", "non-randomised, controlled", "randomised, open",
        "randomised, blinded",
    ]  # fmt: skip
    assert style.data_files(figure) == ("data/trials.csv",)


def test_design_levels_of_the_examples_the_chapter_uses(trials):
    points = figures.field_evidence_map_data(trials).set_index("trial_id")
    assert points.loc["norgren2024", "design"] == "randomised, blinded"
    assert points.loc["petrou2020", "design"] == "randomised, blinded"  # sham, double-blind
    assert points.loc["wehbe2016", "design"] == "case report"
    assert points.loc["kwiatkowski2022", "design"] == "single arm"


def test_main_paper_years_read_the_bibliography(trials):
    years = figures.main_paper_years(trials)
    entries = parse_file(str(bibliography_path())).entries
    published = trials[trials["results_available"] == "published"]
    assert set(years) == set(published["trial_id"])
    # Hand-checked: PACE was published in 2024, Lu in 2011, Petrou's trial in 2020.
    assert years["norgren2024"] == 2024 and years["lu2011"] == 2011 and years["petrou2020"] == 2020
    for trial in published.itertuples():
        key = trial.source.split(";")[0]
        assert years[trial.trial_id] == int(entries[key].fields["year"])
        # ids are "author + year of the main paper", except records keyed by their registry id
        if trial.trial_id[-4:].isdigit() and not trial.trial_id.startswith(("nct", "chictr")):
            assert years[trial.trial_id] == int(trial.trial_id[-4:])


def test_phase_year_figure_places_each_study_at_its_year_and_phase(trials):
    years = figures.main_paper_years(trials)
    rows = figures.phase_year_data(trials, years)
    assert rows["trial_id"].tolist() == trials["trial_id"].tolist()
    assert rows["year"].isna().sum() == (trials["results_available"] != "published").sum()
    figure = figures.plot_phase_year(trials, years)
    axes = figure.axes[0]
    points = drawn(axes, 45)
    assert len(points) == len(trials)
    order = list(rows[~rows["comparator"]].index) + list(rows[rows["comparator"]].index)
    phases = [p for p in figures.PHASE_ORDER if p in set(trials["phase"])]
    labels = [t.get_text() for t in axes.get_yticklabels()]
    assert labels[0] == "I" and labels[-1] == "not applicable" and len(labels) == len(phases)
    last = int(rows["year"].max())
    for (x, y), row in zip(points, rows.loc[order].itertuples(), strict=True):
        assert round(y) == phases.index(row.phase)
        assert round(x) == (last + 2 if pd.isna(row.year) else row.year)
    assert axes.get_xticklabels()[-1].get_text() == figures.NO_RESULTS


def test_benchmark_rate_comes_from_the_epidemiology_table():
    epidemiology = data.load("epidemiology")
    # Ghare 2021: risk-adjusted 12-month AFS 33.3% in no-option Rutherford 5-6 patients.
    assert figures.benchmark_rate(epidemiology) == pytest.approx(0.333)


def test_simulation_figure_draws_the_simulated_grids():
    epidemiology = data.load("epidemiology")
    by_history, by_spread = figures.simulation_grids(epidemiology, n_simulations=500, seed=1)
    assert by_history.attrs["benchmark_rate"] == pytest.approx(0.333)
    figure = figures.plot_false_success(by_history, by_spread)
    left, right = figure.axes[:2]
    history_lines = [line for line in left.get_lines() if line.get_marker() == "o"]
    assert len(history_lines) == 4
    known = by_history[by_history["historical_n"].isna()]
    assert list(history_lines[0].get_xdata()) == known["n_patients"].tolist()
    assert list(history_lines[0].get_ydata()) == pytest.approx(
        (100 * known["false_success_rate"]).tolist()
    )
    assert [t.get_text() for t in left.get_legend().get_texts()] == [
        "benchmark known exactly", "historical cohort of 200", "historical cohort of 50",
        "historical cohort of 20",
    ]  # fmt: skip
    spread_lines = [line for line in right.get_lines() if line.get_marker() == "o"]
    assert len(spread_lines) == 3
    widest = by_spread[by_spread["between_study_sd"] == 0.5]
    assert list(spread_lines[2].get_ydata()) == pytest.approx(
        (100 * widest["false_success_rate"]).tolist()
    )
    dashed = [line for line in left.get_lines() if line.get_linestyle() == "--"]
    assert dashed and dashed[0].get_ydata()[0] == pytest.approx(5.0)
    assert style.data_files(figure) == ("data/epidemiology.csv",)


def test_verdicts_by_topic_counts_every_claim_in_plain_words():
    claims = data.load("seed_claims")
    table = figures.verdicts_by_topic(claims)
    assert list(table.columns) == ["Supported", "Overstated", "Wrong", "Unverified", "Total"]
    assert table.loc["Total", "Total"] == len(claims)
    assert table.index[0] == "Epidemiology"  # the first claim's topic comes first
    limb = claims[claims["topic"] == "cli_clti"]
    assert table.loc["Limb ischaemia", "Wrong"] == (limb["verdict"] == "wrong").sum()
    assert table.loc["Total", "Unverified"] == (claims["verdict"] == "unverified").sum()
    assert (
        table.drop(index="Total")["Total"].tolist()
        == claims["topic"].value_counts()[list(pd.unique(claims["topic"]))].tolist()
    )


def test_subgroup_figure_uses_the_arm_size_of_harris_2024_and_draws_the_grid():
    arms = data.load("trial_arms")
    grid = figures.subgroup_chance_data(arms, k_values=(1, 2, 4), n_simulations=500, seed=1)
    # Harris 2024 randomised 27 patients to each arm (abstract).
    assert grid["n_per_arm"].unique().tolist() == [27]
    assert grid.attrs["trial_id"] == "harris2024"
    figure = figures.plot_subgroup_chance(grid)
    axes = figure.axes[0]
    lines = {line.get_label(): line for line in axes.get_lines()}
    simulated = lines["simulated: at least one subgroup P ≤ 0.05"]
    assert list(simulated.get_xdata()) == [1, 2, 4]
    assert list(simulated.get_ydata()) == pytest.approx((100 * grid["any_significant"]).tolist())
    interaction = lines["simulated: interaction test P ≤ 0.05"]
    assert list(interaction.get_xdata()) == [2, 4]  # no interaction test with one subgroup
    expected = lines["expected: 1 − (1 − 0.05)^k"]
    assert list(expected.get_ydata()) == pytest.approx([5.0, 9.75, 100 * (1 - 0.95**4)])
    assert style.data_files(figure) == ("data/trial_arms.csv",)
    with pytest.raises(ValueError, match="no randomised arm"):
        figures.subgroup_chance_data(arms, trial_id="no_such_trial", seed=1)
