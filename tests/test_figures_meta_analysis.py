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


def test_the_contour_funnel_is_centred_on_no_effect_not_on_the_pooled_one():
    from mscbook.figures.meta_analysis import CONTOURS, contour_limits, plot_contour_funnel

    md = stamped(
        stats.pool_mean_differences(
            [1, 2, 0.5], [1, 1, 2], [20, 30, 15], [0, 0, 0], [1, 1, 2], [20, 30, 15]
        )
    )
    limits = contour_limits(md)
    for p, z, _ in CONTOURS:
        se, edge = limits[p]
        assert np.allclose(edge, z * se)  # symmetric about 0, whatever the pooled effect
    figure = plot_contour_funnel(md)
    axes = figure.axes[0]
    points = axes.collections[-1].get_offsets()
    assert np.allclose(points[:, 0], md.studies["effect"])
    assert np.allclose(points[:, 1], md.studies["se"])
    assert axes.yaxis_inverted()
    labels = [text.get_text() for text in figure.legends[0].get_texts()]
    assert {"P < 0.1", "P < 0.05", "P < 0.01", "no effect", "pooled effect"} <= set(labels)
    no_effect = [line for line in axes.get_lines() if line.get_label() == "no effect"][0]
    assert no_effect.get_xdata()[0] == 0


def test_the_contour_funnel_of_ratios_is_drawn_on_a_log_axis_at_1():
    from mscbook.figures.meta_analysis import plot_contour_funnel

    figure = plot_contour_funnel(stamped(bcg(stats.pool_risk_ratios, "dl")))
    axes = figure.axes[0]
    assert axes.get_xscale() == "log"
    no_effect = [line for line in axes.get_lines() if line.get_label() == "no effect"][0]
    assert no_effect.get_xdata()[0] == 1


def test_the_forest_label_names_hartung_knapp():
    from mscbook.figures.meta_analysis import forest_rows

    hk = stats.pool_risk_ratios(
        BCG["tpos"], BCG["tpos"] + BCG["tneg"], BCG["cpos"], BCG["cpos"] + BCG["cneg"],
        hartung_knapp=True,
    )  # fmt: skip
    assert "Hartung-Knapp" in forest_rows(hk)[-1]["label"]


def test_a_generic_ratio_axis_has_a_short_label():
    from mscbook.figures.meta_analysis import plot_forest

    result = stamped(stats.pool_generic([0.94, 0.25], [0.58, 0.06], [1.50, 1.08]))
    label = plot_forest(result).axes[0].get_xlabel()
    assert label == "Ratio, treatment vs control (log scale)"


def test_every_contour_band_reaches_past_the_plot_edge_and_is_visible():
    # A band filled only to a fixed `reach` was drawn backwards, as a dark strip, where its
    # contour passed that point; each band must run from its contour out beyond the x-limits.
    from matplotlib.collections import PolyCollection
    from matplotlib.colors import to_rgb

    from mscbook.figures.meta_analysis import plot_contour_funnel

    md = stamped(
        stats.pool_mean_differences(
            [1, 2, 0.5], [1, 1, 2], [20, 30, 15], [0, 0, 0], [1, 1, 2], [20, 30, 15]
        )
    )
    axes = plot_contour_funnel(md).axes[0]
    low, high = axes.get_xlim()
    bands = [c for c in axes.collections if isinstance(c, PolyCollection)]
    assert len(bands) == 6
    for band in bands:
        x = np.concatenate([path.vertices[:, 0] for path in band.get_paths()])
        assert x.max() >= high or x.min() <= low
        assert max(to_rgb(band.get_facecolor()[0][:3])) <= 0.9  # not near-white on white
