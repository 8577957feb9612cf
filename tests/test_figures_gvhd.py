"""The acute GvHD figures draw the data: rows, values, intervals, markers and dates.

Expected values are from the sources, hand-checked: MSB-GVHD001 38 of 54 at day 28 (FDA: 30%
complete and 41% partial responses of 54 children, Kurtzberg 2020), Study 275 157 of 241, JR-031
phase I/II 13 of 14 and phase II/III 15 of 25 (6 complete + 9 partial), Le Blanc 2008 39 of 55
(30 complete + 9 improved), REACH1 39 of 71, REACH2 62% vs 39% without counts; randomised MSC
trials: Jiang 2024 (PLEB001) 60% of 40 = 24 vs 50% of 38 = 19, Zhao 2022 82 vs 70 (82.8% and
70.7%, so 99 per arm); protocol 280's post hoc grade C-D rows (58% vs 37%) are not drawn.
Approvals for GvHD in data/approved_products.csv: Canada 2012-05-17, New Zealand 2012-06, Japan
2015-09-18, United States 2024-12-18, China 2025-01-02; decisions: ODAC 2020-08-13 (9-1),
letters 2020-10, 2023-08.
Exact intervals are recomputed here from the beta distribution, not with mscbook.stats.
"""

from __future__ import annotations

import math

import pytest
from matplotlib.collections import LineCollection, PathCollection
from scipy.stats import beta

from mscbook import data
from mscbook.figures import diseases, gvhd


@pytest.fixture(scope="module")
def frames():
    names = ("trials", "trial_outcomes", "approved_products", "regulatory_decisions")
    return {name: data.load(name) for name in names}


def clopper_pearson(k: int, n: int) -> tuple[float, float]:
    low = beta.ppf(0.025, k, n - k + 1) if k else 0.0
    high = beta.ppf(0.975, k + 1, n - k) if k < n else 1.0
    return 100 * low, 100 * high


COUNTS = {
    ("leblanc2008", "msc"): (39, 55),
    ("kurtzberg2020", "msc"): (38, 54),
    ("nct00759018", "msc"): (157, 241),
    ("muroi2013", "msc"): (13, 14),
    ("muroi2016", "msc"): (15, 25),
    ("chictr2000035740", "msc"): (24, 40),
    ("chictr2000035740", "placebo"): (19, 38),
    ("zhao2022", "msc"): (82, 99),
    ("zhao2022", "control"): (70, 99),
    ("nct02953678", "ruxolitinib"): (39, 71),
}


def test_response_rows_are_the_studies_counts_with_exact_intervals(frames):
    table = gvhd.response_data(frames["trial_outcomes"], frames["trials"])
    assert len(table) == 12
    counted = table.dropna(subset=["ci_low"]).set_index(["trial_id", "arm_id"])
    assert set(counted.index) == set(COUNTS)
    for arm, (k, n) in COUNTS.items():
        row = counted.loc[arm]
        assert (row["events"], row["n"]) == (k, n)
        assert math.isclose(row["percent"], 100 * k / n)
        low, high = clopper_pearson(k, n)
        assert math.isclose(row["ci_low"], low, abs_tol=1e-9)
        assert math.isclose(row["ci_high"], high, abs_tol=1e-9)


def test_reach2_arms_are_reported_percentages_without_an_interval(frames):
    table = gvhd.response_data(frames["trial_outcomes"], frames["trials"])
    reach2 = table[table["trial_id"] == "zeiser2020"].set_index("arm_id")
    assert reach2.loc["ruxolitinib", "percent"] == 62
    assert reach2.loc["bat", "percent"] == 39
    assert reach2["ci_low"].isna().all()
    assert reach2["randomised"].all() and reach2["comparator"].all()
    assert reach2.loc["bat", "arm"] == "best available therapy"


def test_post_hoc_subgroups_are_left_out_and_randomised_msc_arms_are_named(frames):
    table = gvhd.response_data(frames["trial_outcomes"], frames["trials"])
    # protocol 280's only overall-response rows are its post hoc grade C-D subgroup (58% vs 37%)
    assert "nct00366145" not in set(table["trial_id"])
    arms = table.set_index(["trial_id", "arm_id"])["arm"]
    assert arms[("zhao2022", "msc")] == "MSCs added"
    assert arms[("zhao2022", "control")] == "second-line drugs alone"
    assert arms[("chictr2000035740", "placebo")] == "placebo"
    assert arms[("kurtzberg2020", "msc")] == ""  # a single arm needs no name


def test_only_the_drug_trials_are_comparators(frames):
    table = gvhd.response_data(frames["trial_outcomes"], frames["trials"])
    assert set(table.loc[table["comparator"], "trial_id"]) == {"zeiser2020", "nct02953678"}


def test_response_chart_draws_one_marker_per_arm_and_one_interval_per_count(frames):
    figure = gvhd.plot_response_rates(frames["trial_outcomes"], frames["trials"])
    axes = figure.axes[0]
    points = [c for c in axes.collections if isinstance(c, PathCollection)]
    intervals = [c for c in axes.collections if isinstance(c, LineCollection)]
    assert len(points) == 12
    assert len(intervals) == 10
    xs = sorted(round(float(p.get_offsets()[0][0]), 3) for p in points)
    expected = sorted([round(100 * k / n, 3) for k, n in COUNTS.values()] + [62.0, 39.0])
    assert xs == expected
    by_gid = {p.get_gid(): p for p in points}
    # randomised arms are filled, single arms open (white face)
    assert tuple(by_gid["zeiser2020:bat"].get_facecolor()[0][:3]) != (1.0, 1.0, 1.0)
    assert tuple(by_gid["kurtzberg2020:msc"].get_facecolor()[0][:3]) == (1.0, 1.0, 1.0)
    labels = [tick.get_text() for tick in axes.get_yticklabels()]
    assert any("n=54" in text and "MSB-GVHD001" in text for text in labels)


def test_control_comparison_flags_rates_below_the_whole_interval():
    low, high = clopper_pearson(38, 54)
    table = gvhd.control_comparison(38, 54, {"a": 39.0, "b": low - 0.01, "c": low + 0.01, "d": 90})
    assert table["above"].tolist() == [True, True, False, False]
    assert math.isclose(table["ci_high"].iloc[0], high, abs_tol=1e-9)


@pytest.mark.parametrize(("rates", "says"), [({}, "is empty"), ({"x": 120}, "from 0 to 100")])
def test_control_comparison_refuses_bad_rates(rates, says):
    with pytest.raises(ValueError, match=says):
        gvhd.control_comparison(38, 54, rates)


def test_control_chart_draws_the_band_and_one_diamond_per_control(frames):
    controls = {"REACH2 control arm": 39.0, "assumption": 60.0}
    figure = gvhd.plot_control_comparison(
        frames["trial_outcomes"], frames["trials"], "kurtzberg2020_or_d28", controls
    )
    axes = figure.axes[0]
    gids = {line.get_gid(): line for line in axes.get_lines()}
    assert gids["study-estimate"].get_xdata()[0] == pytest.approx(100 * 38 / 54)
    assert gids["control:REACH2 control arm"].get_xdata()[0] == 39.0
    band = next(p for p in axes.patches if p.get_gid() == "study-exact-ci")
    # axvspan draws a Rectangle (matplotlib 3.9+) whose x and width are in data units
    xs = [band.get_x(), band.get_x() + band.get_width()]
    low, high = clopper_pearson(38, 54)
    assert min(xs) == pytest.approx(low) and max(xs) == pytest.approx(high)


def test_control_chart_refuses_a_row_without_counts(frames):
    with pytest.raises(ValueError, match="no events/total"):
        gvhd.plot_control_comparison(
            frames["trial_outcomes"], frames["trials"], "zeiser2020_or_d28_bat", {"x": 1.0}
        )


def test_timeline_holds_every_gvhd_approval_and_decision_in_date_order(frames):
    table = gvhd.timeline_data(frames["approved_products"], frames["regulatory_decisions"])
    assert table["date"].tolist() == [
        "2012-05-17",
        "2012-06",
        "2015-09-18",
        "2020-08-13",
        "2020-10",
        "2023-08",
        "2024-12-18",
        "2025-01-02",
    ]
    assert table["kind"].value_counts().to_dict() == {
        "approval": 5,
        "complete_response_letter": 2,
        "advisory_committee_vote": 1,
    }
    assert "advisory vote 9-1" in table.loc[3, "text"]
    assert table.loc[7, "text"] == "Ruibosheng: NMPA approval"  # no CJK glyphs in the figure
    assert table.loc[4, "year"] == pytest.approx(2020 + 9 / 12 + 1 / 24)


def test_timeline_chart_draws_each_event_at_its_date(frames):
    figure = gvhd.plot_timeline(frames["approved_products"], frames["regulatory_decisions"])
    lines = {line.get_gid(): line for line in figure.axes[0].get_lines()}
    assert len(lines) == 8
    assert lines["approval:2024-12-18"].get_xdata()[0] == pytest.approx(2024 + 11 / 12 + 17 / 365)
    assert lines["complete_response_letter:2023-08"].get_marker() == "X"


def test_evidence_map_has_every_gvhd_study(frames):
    points = diseases.evidence_map_data(frames["trials"], "acute_gvhd")
    # 9 studies plus the two open-label Chinese add-on trials (Zhao 2022, NCT04738981)
    assert len(points) == 11
    drugs = points["trial_id"].isin(["zeiser2020", "nct02953678"])
    assert points.loc[drugs, "comparator"].all()
    assert not points.loc[~drugs, "comparator"].any()
