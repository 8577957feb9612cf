"""The disease figures draw exactly the data: points, values, order and labels."""

from __future__ import annotations

import pandas as pd
import pytest
from matplotlib.collections import PathCollection

from mscbook import data, style
from mscbook.figures import diseases
from tests.conftest import raw_table
from tests.test_style import assert_each_row_under_its_label, row_labels


@pytest.fixture(scope="module")
def frames():
    return {
        name: data.load(name) for name in ("trials", "trial_arms", "trial_outcomes", "epidemiology")
    }


def test_design_levels_follow_the_design_columns(frames):
    points = diseases.evidence_map_data(frames["trials"], "cli_clti").set_index("trial_id")
    assert points.loc["norgren2024", "design"] == "randomised, blinded"
    assert points.loc["qin2016", "design"] == "randomised, open"  # blinding not stated
    assert points.loc["nct01484574", "design"] == "non-randomised, controlled"  # standard care arm
    assert points.loc["shirbaghaee2023", "design"] == "single arm"  # dose groups only
    assert points.loc["kwiatkowski2022", "design"] == "single arm"
    ssc = diseases.evidence_map_data(frames["trials"], "systemic_sclerosis").set_index("trial_id")
    assert ssc.loc["wehbe2016", "design"] == "case report"


def test_controlled_study_of_unknown_randomisation_is_not_drawn_as_a_design(frames):
    # SCLERADEC III's record, as read, has a placebo arm but does not say whether allocation
    # is random: it belongs in neither the randomised nor the non-randomised column.
    trials = frames["trials"]
    ssc = diseases.evidence_map_data(trials, "systemic_sclerosis")
    assert "nct02866552" not in set(ssc["trial_id"])
    assert ssc.attrs["design_unknown"] == ["SCLERADEC III (registered)"]
    # The same study with a stated allocation is drawn where that allocation puts it.
    stated = trials.copy()
    stated["randomised"] = stated["randomised"].astype(object)
    stated.loc[stated["trial_id"] == "nct02866552", "randomised"] = False
    points = diseases.evidence_map_data(stated, "systemic_sclerosis").set_index("trial_id")
    assert points.loc["nct02866552", "design"] == "non-randomised, controlled"
    assert points.attrs["design_unknown"] == []
    # A controlled study without n stays in missing_n, not in design_unknown.
    cli = diseases.evidence_map_data(trials, "cli_clti")
    assert cli.attrs["design_unknown"] == []


def test_evidence_map_has_one_marker_per_study_with_n(frames):
    trials = frames["trials"]
    points = diseases.evidence_map_data(trials, "cli_clti")
    cli = trials[trials["disease_area"] == "cli_clti"]
    assert points["trial_id"].tolist() == cli.loc[cli["n_total"].notna(), "trial_id"].tolist()
    assert points["n"].tolist() == cli["n_total"].dropna().astype(int).tolist()
    assert points.attrs["missing_n"] == cli.loc[cli["n_total"].isna(), "short_name"].tolist()
    assert set(points.loc[points["stopped"], "trial_id"]) == {
        "norgren2024",
        "nct03111238",
        "nct03174522",
    }
    assert set(points.loc[points["comparator"], "trial_id"]) == {
        "powell2012",
        "nct03111238",
        "nct03174522",
        "teraa2015",  # JUVENTAS: marrow mononuclear cells
    }
    figure = diseases.plot_evidence_map(trials, "cli_clti")
    axes = figure.axes[0]
    markers = [c for c in axes.collections if isinstance(c, PathCollection)]
    plotted = [c.get_offsets()[0][1] for c in markers if c.get_sizes()[0] == 60]
    assert plotted == points["n"].tolist()
    rings = [c for c in markers if c.get_sizes()[0] == 220]
    assert len(rings) == points["stopped"].sum()
    assert axes.get_yscale() == "log"
    assert [t.get_text() for t in axes.get_xticklabels()] == [
        level.replace(" ", "\n", 1) if level in {"case report", "single arm"} else
        level.replace(", ", ",\n") for level in diseases.DESIGN_LEVELS
    ]  # fmt: skip
    assert style.data_files(figure) == ("data/trials.csv",)


def test_outcome_rows_separate_ratios_and_arm_percentages(frames):
    effects, percentages = diseases.outcome_rows(
        frames["trial_outcomes"], frames["trials"], frames["trial_arms"], "cli_clti"
    )
    # PACE: HR 0.93 (0.53-1.63) (Norgren 2024); JUVENTAS: RR 1.46 (0.62-3.42), major amputation
    # 19% vs 13% (Teraa 2015): the between-arm ratios with a CI.
    assert effects["outcome_id"].tolist() == ["pace_amp_death_hr", "juventas_amp_rr"]
    assert effects[["value", "ci_low", "ci_high"]].values.tolist() == [
        [0.93, 0.53, 1.63],
        [1.46, 0.62, 3.42],
    ]
    assert percentages["outcome_id"].tolist() == [
        "pace_amp_death_plxpad", "pace_amp_death_placebo", "kwiatkowski2022_afs_12mo",
        "kwiatkowski2022_afs_48mo", "ra2017_amp_6mo", "juventas_amp_bmmnc", "juventas_amp_placebo",
    ]  # fmt: skip
    # CIRCULATE reported 80% alive without major amputation (Kwiatkowski 2022): the panel's one
    # axis counts patients *with* an event, so it is drawn as 20% amputated or dead, beside
    # PACE's 28.6% and 33% with the same composite event, and its label says how.
    assert percentages["value"].tolist() == [28.6, 33.0, 20.0, 20.0, 0.0, 19.0, 13.0]
    assert set(percentages["outcome"]) == {"major_amputation_or_death", "major_amputation"}
    circulate = percentages.set_index("outcome_id").loc["kwiatkowski2022_afs_12mo", "label"]
    assert "major amputation or death" in circulate
    assert "(reported as 80% free of it)" in circulate
    controlled, single = "arm of a controlled trial", "single arm"
    assert percentages["context"].tolist() == [controlled] * 2 + [single] * 3 + [controlled] * 2


def test_outcomes_figure_draws_the_rows(frames):
    args = (frames["trial_outcomes"], frames["trials"], frames["trial_arms"], "cli_clti")
    effects, percentages = diseases.outcome_rows(*args)
    figure = diseases.plot_outcomes(*args)
    top, bottom = figure.axes
    assert row_labels(top) == effects["label"].tolist()
    assert row_labels(bottom) == percentages["label"].tolist()
    dots = [c.get_offsets()[0] for c in bottom.collections]
    assert [x for x, _ in dots] == percentages["value"].tolist()
    assert_each_row_under_its_label(figure, bottom, [y for _, y in dots])
    assert top.get_xscale() == "log"
    assert "95% CI" in top.get_xlabel()


def test_outcomes_figure_draws_comparator_products_as_squares(frames):
    """JUVENTAS (marrow mononuclear cells) is a comparator, not an MSC result: its ratio and its
    arms are squares, every MSC row keeps its own marker, and a legend says what a square is."""
    args = (frames["trial_outcomes"], frames["trials"], frames["trial_arms"], "cli_clti")
    effects, percentages = diseases.outcome_rows(*args)
    figure = diseases.plot_outcomes(*args)
    top, bottom = figure.axes
    ratio_markers = [container.lines[0].get_marker() for container in top.containers]
    assert ratio_markers == ["s" if comparator else "D" for comparator in effects["comparator"]]
    arm_gids = [collection.get_gid() for collection in bottom.collections]
    assert arm_gids == [
        "comparator-arm" if comparator else "msc-arm" for comparator in percentages["comparator"]
    ]
    assert "comparator-arm" in arm_gids and "msc-arm" in arm_gids
    (legend,) = figure.legends
    assert any("not MSCs" in text.get_text() for text in legend.get_texts())


def test_every_arm_of_a_comparison_reported_as_a_percentage_is_drawn(frames):
    """Petrou 2020's treatment failure: the cell arms beside the sham arm, not sham alone."""
    effects, percentages = diseases.outcome_rows(
        frames["trial_outcomes"], frames["trials"], frames["trial_arms"], "multiple_sclerosis"
    )
    ms_trials = {
        row["trial_id"]
        for row in raw_table("trials")
        if row["disease_area"] == "multiple_sclerosis"
    }
    expected = [
        row
        for row in raw_table("trial_outcomes")
        if row["trial_id"] in ms_trials
        and row["value_unit"] == "%"
        and row["value"]
        and not (row["effect_measure"] and row["effect_ci_low"])
    ]
    assert percentages["outcome_id"].tolist() == [row["outcome_id"] for row in expected]
    assert percentages["value"].tolist() == [float(row["value"]) for row in expected]
    failure = percentages[percentages["outcome_id"].str.startswith("petrou2020_failure_")]
    assert failure["outcome_id"].tolist()[:3] == [
        "petrou2020_failure_it", "petrou2020_failure_iv", "petrou2020_failure_sham",
    ]  # fmt: skip
    assert failure["value"].tolist()[:3] == [6.7, 9.7, 41.9]


def test_the_ratio_axis_widens_until_every_interval_fits(frames):
    args = (frames["trial_outcomes"], frames["trials"], frames["trial_arms"], "cli_clti")
    top = diseases.plot_outcomes(*args).axes[0]
    assert top.get_xlim() == pytest.approx((0.25, 8))  # JUVENTAS's 3.42 needs room beyond 4
    wide = pd.DataFrame({"ci_low": [0.1, 0.5], "ci_high": [2.0, 7.5]})
    low, high = diseases.ratio_axis_limits(wide)
    assert (low, high) == (0.0625, 16)
    assert low < 0.1 / 1.2 and high > 7.5 * 1.2


def test_benchmark_band_and_points_equal_the_data(frames):
    band = diseases.benchmark_data(frames["epidemiology"])
    # Ghare 2021: risk-adjusted AFS 42.0% (32.8-51.2) at 6 months, 33.3% (21.1-45.5) at 12.
    assert band.values.tolist() == [[6.0, 42.0, 32.8, 51.2], [12.0, 33.3, 21.1, 45.5]]
    results = diseases.single_arm_results(frames["trial_outcomes"], frames["trials"])
    assert results[["trial_id", "months", "percent_free", "deaths_counted"]].values.tolist() == [
        ["kwiatkowski2022", 12.0, 80.0, True],
        ["kwiatkowski2022", 48.0, 80.0, True],
        ["ra2017", 6.0, 100.0, False],
    ]
    figure = diseases.plot_benchmark(
        frames["trial_outcomes"], frames["trials"], frames["epidemiology"]
    )
    axes = figure.axes[0]
    bars = [
        (p.get_x() + p.get_width() / 2, p.get_y(), p.get_y() + p.get_height()) for p in axes.patches
    ]
    assert [value for bar in bars for value in bar] == pytest.approx(
        [6, 32.8, 51.2, 12, 21.1, 45.5]
    )
    points = [tuple(c.get_offsets()[0]) for c in axes.collections if isinstance(c, PathCollection)]
    assert points == [(12.0, 80.0), (48.0, 80.0), (6.0, 100.0)]
    assert axes.get_ylabel() == "Alive without major amputation (%)"


def test_single_arm_points_carry_exact_intervals(frames):
    # Clopper-Pearson, computed independently: 4/5 -> 28.36-99.49%; 17/17 free -> 0.025^(1/17).
    results = diseases.single_arm_results(frames["trial_outcomes"], frames["trials"])
    by_point = results.set_index(["trial_id", "months"])
    assert by_point.loc[("kwiatkowski2022", 12.0), ["free", "n"]].tolist() == [4, 5]
    assert by_point.loc[("kwiatkowski2022", 12.0), ["ci_low", "ci_high"]].tolist() == pytest.approx(
        [28.36, 99.49], abs=0.01
    )
    assert by_point.loc[("ra2017", 6.0), ["free", "n"]].tolist() == [17, 17]
    assert by_point.loc[("ra2017", 6.0), ["ci_low", "ci_high"]].tolist() == pytest.approx(
        [100 * 0.025 ** (1 / 17), 100.0]
    )
    figure = diseases.plot_benchmark(
        frames["trial_outcomes"], frames["trials"], frames["epidemiology"]
    )
    (bars,) = [c for c in figure.axes[0].collections if c.get_gid() == "single-arm-exact-ci"]
    drawn = sorted((x0, y0, y1) for (x0, y0), (_, y1) in bars.get_segments())
    expected = sorted((row.months, row.ci_low, row.ci_high) for row in results.itertuples())
    assert [v for segment in drawn for v in segment] == pytest.approx(
        [v for segment in expected for v in segment]
    )
    labels = [text.get_text() for text in figure.legends[0].get_texts()]
    assert any("exact 95% CI" in text for text in labels)


def test_a_single_arm_result_without_counts_has_no_interval(frames):
    outcomes = frames["trial_outcomes"].copy()
    row = outcomes["outcome_id"] == "kwiatkowski2022_afs_48mo"
    outcomes.loc[row, ["events", "total"]] = float("nan")
    results = diseases.single_arm_results(outcomes, frames["trials"]).set_index(
        ["trial_id", "months"]
    )
    assert results.loc[("kwiatkowski2022", 48.0), ["ci_low", "ci_high"]].isna().all()
    assert results.loc[("kwiatkowski2022", 48.0), "percent_free"] == 80.0


def test_unknown_disease_is_rejected(frames):
    with pytest.raises(ValueError, match="unknown disease 'lupus'"):
        diseases.plot_evidence_map(frames["trials"], "lupus")


def test_primary_results_are_the_randomised_trials_primary_rows(frames):
    results = diseases.primary_results(
        frames["trial_outcomes"], frames["trials"], frames["trial_arms"], "multiple_sclerosis"
    )
    # Hand-checked: Petrou 2020 table (2/30, 3/31, 13/31; P=0.0003, 0.0008), Harris 2024 abstract
    # (33% vs 37%, no P), Llufriu 2014 abstract (3.1 (1.1-8.8) vs 12.3 (4.4-34.5), P=0.064),
    # MESEMS abstract (rate ratio 0.94 (0.58-1.50), P=0.78). Fernandez 2018's primary was safety.
    assert results["outcome_id"].tolist() == [
        "petrou2020_failure_it", "petrou2020_failure_iv", "petrou2020_failure_sham",
        "harris2024_edssplus_np", "harris2024_edssplus_saline", "llufriu2014_gel_msc",
        "llufriu2014_gel_placebo", "uccelli2021_gel_24w",
    ]  # fmt: skip
    assert results["value"].tolist() == [6.7, 9.7, 41.9, 33.0, 37.0, 3.1, 12.3, 0.94]
    assert results.loc[7, ["ci_low", "ci_high"]].tolist() == [0.58, 1.5]
    assert results.loc[5, ["ci_low", "ci_high"]].tolist() == [1.1, 8.8]
    assert results["events"].tolist()[:3] == [2, 3, 13]
    assert results["kind"].tolist() == ["arm"] * 7 + ["effect"]
    verdicts = results.drop_duplicates("trial_id").set_index("trial_id")["verdict"].to_dict()
    assert verdicts == {
        "petrou2020": "met",
        "harris2024": "not met (authors)",
        "llufriu2014": "not met",
        "uccelli2021": "not met",
    }
    assert "primary progressive" not in " ".join(results["what"])
    # Petrou 2020's arm denominators (30 + 31 + 31) exceed its 48 patients: treatment periods.
    pooled = results.drop_duplicates("trial_id").set_index("trial_id")["periods_pooled"]
    assert pooled.to_dict() == {
        "petrou2020": True, "harris2024": False, "llufriu2014": False, "uccelli2021": False,
    }  # fmt: skip


def test_authors_verdict_is_used_only_without_a_test_and_marked(frames):
    trials = frames["trials"].copy()
    args = (frames["trial_outcomes"], trials, frames["trial_arms"], "multiple_sclerosis")
    harris = diseases.primary_results(*args).query("trial_id == 'harris2024'")
    assert diseases.panel_heading(harris) == (
        "MSC-NP phase II, n=54: primary endpoint not met "
        "(authors: no difference; no P value in the abstract)"
    )
    # Without the authors' statement the data hold no verdict at all.
    trials.loc[trials["trial_id"] == "harris2024", "primary_result"] = "EDSS-Plus 33% vs 37%."
    harris = diseases.primary_results(*args).query("trial_id == 'harris2024'")
    assert set(harris["verdict"]) == {"no test reported"}
    assert diseases.panel_heading(harris).endswith("no test of the primary endpoint in the data")


def test_primary_results_skip_rows_not_named_primary(frames):
    cli = diseases.primary_results(
        frames["trial_outcomes"], frames["trials"], frames["trial_arms"], "cli_clti"
    )
    assert cli.empty and list(cli.columns) == diseases.PRIMARY_COLUMNS


def test_primary_results_figure_draws_one_panel_per_trial(frames):
    args = (frames["trial_outcomes"], frames["trials"], frames["trial_arms"], "multiple_sclerosis")
    results = diseases.primary_results(*args)
    figure = diseases.plot_primary_results(*args)
    assert len(figure.axes) == results["trial_id"].nunique() == 4
    drawn = []
    for axis, (_, group) in zip(figure.axes, results.groupby("trial_id", sort=False), strict=True):
        assert [t.get_text() for t in axis.get_yticklabels()] == group["label"].tolist()
        drawn += [container.lines[0].get_xdata()[0] for container in axis.containers]
        heading = axis.texts[-1].get_text().replace("\n", " ")
        assert heading == diseases.panel_heading(group)
    assert drawn == results["value"].tolist()
    petrou, _, _, mesems = figure.axes
    assert petrou.texts[-1].get_text().replace("\n", " ") == (
        "Petrou 2020, n=48: primary endpoint met (P=0.0003; P=0.0008)"
    )
    assert mesems.get_xscale() == "log" and "ratio vs control" in mesems.get_xlabel()
    # MESEMS reported 0.58-1.50: both bounds keep two decimals.
    assert "(95% CI 0.58 to 1.50)" in [text.get_text() for text in mesems.texts][0]
    assert diseases.same_decimals(1.1, 8.8) == ["1.1", "8.8"]
    assert petrou.get_xlim() == (0.0, 100.0)
    assert "treatment periods" in petrou.get_xlabel() and "patients in the arm" not in (
        petrou.get_xlabel()
    )
    assert "% of patients in the arm" in figure.axes[1].get_xlabel()
    assert style.data_files(figure) == (
        "data/trial_arms.csv", "data/trial_outcomes.csv", "data/trials.csv",
    )  # fmt: skip
