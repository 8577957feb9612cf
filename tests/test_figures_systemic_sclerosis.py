"""The systemic sclerosis figures and trial table draw the data: rows, values, order and labels.

Expected values are from the sources, hand-checked: ASTIS Figure 2 legend (van Laar 2014) gives
event-free survival HRs 2.01, 1.35, 0.52, 0.35, 0.34 and overall survival HRs 2.40, 1.50, 0.48,
0.29, 0.29 at 3 and 6 months, 1 and 2 years, and 3 to 10 years; Zhang 2017 reports mean mRSS
20.1 (SD 3.1) and 13.8 (10.2) at 12 months; Alip 2024 18.68, 13.95, 13.29, 12.39 at 0, 1, 3, 5
years; Del Papa 2019 23/25 vs 1/13 ulcers healed; SCOT 79 vs 50% event-free at 54 months.
"""

from __future__ import annotations

import pytest
from matplotlib.collections import PathCollection

from mscbook import data
from mscbook.figures import systemic_sclerosis as ssc
from tests.test_style import assert_each_row_under_its_label, row_labels


@pytest.fixture(scope="module")
def frames():
    return {name: data.load(name) for name in ("trials", "trial_arms", "trial_outcomes")}


def test_astis_hazard_ratios_equal_the_figure_legend(frames):
    table = ssc.hazard_over_time_data(frames["trial_outcomes"])
    efs = table[table["outcome"] == "event_free_survival"]
    os_ = table[table["outcome"] == "overall_survival"]
    assert efs["hr"].tolist() == [2.01, 1.35, 0.52, 0.35, 0.34]
    assert os_["hr"].tolist() == [2.40, 1.50, 0.48, 0.29, 0.29]
    assert efs["months"].tolist() == [3, 6, 12, 24, 120]
    assert os_[["ci_low", "ci_high"]].iloc[-1].tolist() == [0.13, 0.64]


def test_astis_figure_draws_every_ratio_on_a_log_axis_that_holds_every_interval(frames):
    table = ssc.hazard_over_time_data(frames["trial_outcomes"])
    figure = ssc.plot_hazard_over_time(frames["trial_outcomes"])
    axes = figure.axes[0]
    assert axes.get_yscale() == "log"
    low, high = axes.get_ylim()
    assert low <= table["ci_low"].min() and high >= table["ci_high"].max()
    drawn = sorted(round(line.get_ydata()[0], 2) for line in axes.lines if line.get_marker() == "o")
    assert drawn == sorted(table["hr"].round(2).tolist())
    ticks = [t.get_text() for t in axes.get_xticklabels()]
    assert ticks == ["3-month", "6-month", "1-year", "2-year", "3–10-year"]


def test_no_hazard_ratios_is_a_clear_error(frames):
    with pytest.raises(ValueError, match="no hazard ratios for 'zhang2017'"):
        ssc.hazard_over_time_data(frames["trial_outcomes"], "zhang2017")


def test_mrss_course_holds_the_uncontrolled_msc_studies(frames):
    table = ssc.mrss_course_data(frames["trial_outcomes"], frames["trials"])
    assert table["trial_id"].tolist() == ["zhang2017"] * 2 + ["alip2024"] * 4
    assert table["mean"].tolist() == [20.1, 13.8, 18.68, 13.95, 13.29, 12.39]
    assert table["months"].tolist() == [0, 12, 0, 12, 36, 60]
    assert set(table["design"]) == {"uncontrolled"}


def test_mrss_figure_says_uncontrolled_in_its_legend(frames):
    figure = ssc.plot_mrss_course(frames["trial_outcomes"], frames["trials"])
    legend = [text.get_text() for text in figure.legends[0].get_texts()]
    assert len(legend) == 2
    assert all("uncontrolled" in entry for entry in legend)


def test_arm_results_draw_each_arm_with_its_product_label(frames):
    args = (frames["trial_outcomes"], frames["trials"], frames["trial_arms"])
    table = ssc.arm_results_data(*args)
    assert table["outcome_id"].tolist() == [
        "alip2024_survival_5y", "delpapa2019_du_graft", "delpapa2019_du_sham",
        "sullivan2018_efs_54m_hsct", "sullivan2018_efs_54m_cyc", "sullivan2018_efs_72m_hsct",
        "sullivan2018_efs_72m_cyc", "sullivan2018_os_72m_hsct", "sullivan2018_os_72m_cyc",
    ]  # fmt: skip
    assert table["value"].tolist() == [92.7, 92.0, 7.7, 79, 50, 74, 47, 86, 51]
    # Only the MSC cohort is an MSC product, and only it is uncontrolled.
    assert table["comparator"].tolist() == [False] + [True] * 8
    assert table["context"].tolist() == ["single arm"] + ["arm of a controlled trial"] * 8
    assert "global_rank_composite" not in set(table["outcome"])  # not a share of patients
    figure = ssc.plot_arm_results(*args)
    axes = figure.axes[0]
    # The uncontrolled cohort is not drawn next to the randomised arms.
    drawn = table.iloc[1:]
    dots = [c.get_offsets()[0] for c in axes.collections if isinstance(c, PathCollection)]
    assert [x for x, _ in dots] == drawn["value"].tolist()
    labels = row_labels(axes)
    assert labels == drawn["label"].tolist()
    assert_each_row_under_its_label(figure, axes, [y for _, y in dots])
    assert not any("Nanjing" in label or "Alip" in label for label in labels)
    assert labels[2].startswith("SCOT: Transplant (HSCT)")
    assert [t.get_text() for t in figure.legends[0].get_texts()] == ["comparator (not MSCs)"]
    assert "(500 mg/m2" not in " ".join(labels)  # arm names are cut before any bracket
