"""Forest and funnel plots of pooled results (mscbook.figures.meta_analysis).

Uses the BCG data of tests/test_stats.py; expected values are the published ones recorded there.
"""

from __future__ import annotations

import numpy as np
import pytest

from mscbook import stats
from tests.test_stats import BCG, bcg


def stamped(result: stats.Pooled) -> stats.Pooled:
    result.studies.attrs["data_files"] = ("data/trial_outcomes.csv",)
    return result


def test_the_forest_plot_draws_each_study_then_the_pooled_diamond():
    from mscbook.figures.meta_analysis import forest_rows, plot_forest

    dl = stamped(bcg(stats.pool_risk_ratios, "dl"))
    rows = forest_rows(dl)
    assert [row["label"] for row in rows[:-1]] == BCG["trial"].tolist()
    assert rows[-1]["pooled"] and rows[-1]["value"] == pytest.approx(0.4896, abs=5e-5)
    figure = plot_forest(dl)
    axes = figure.axes[0]
    assert axes.get_xscale() == "log"
    labels = {tick.get_position()[1]: tick.get_text() for tick in axes.get_yticklabels()}
    assert [labels[y] for y in sorted(labels, reverse=True)] == [r["label"] for r in rows]
    assert "Risk ratio" in axes.get_xlabel()
    assert figure.mscbook_data_files == ("data/trial_outcomes.csv",)


def test_the_funnel_plot_shows_every_study_at_its_standard_error():
    from mscbook.figures.meta_analysis import funnel_limits, plot_funnel

    md = stamped(
        stats.pool_mean_differences(
            [1, 2, 0.5], [1, 1, 2], [20, 30, 15], [0, 0, 0], [1, 1, 2], [20, 30, 15]
        )
    )
    figure = plot_funnel(md)
    points = figure.axes[0].collections[0].get_offsets()
    assert np.allclose(points[:, 0], md.studies["effect"])
    assert np.allclose(points[:, 1], md.studies["se"])
    se, low, high = funnel_limits(md)
    assert np.allclose(high - low, 2 * 1.96 * se)
    assert figure.axes[0].yaxis_inverted()


def test_a_figure_of_unsourced_numbers_is_refused():
    from mscbook.figures.meta_analysis import plot_forest

    with pytest.raises(ValueError, match="data files"):
        plot_forest(bcg(stats.pool_risk_ratios, "fixed"))


def test_a_risk_difference_forest_plot_has_a_linear_axis_at_zero():
    from mscbook.figures.meta_analysis import forest_rows, plot_forest

    rd = stamped(bcg(stats.pool_risk_differences, "dl"))
    rows = forest_rows(rd)
    assert rows[-1]["value"] == pytest.approx(-0.0071, abs=5e-5)
    axes = plot_forest(rd).axes[0]
    assert axes.get_xscale() == "linear"
    assert "Risk difference" in axes.get_xlabel()
    null_lines = [line for line in axes.get_lines() if line.get_linestyle() == "--"]
    assert null_lines and null_lines[0].get_xdata()[0] == 0.0
