"""Figures for the Biology part."""

from __future__ import annotations

import pandas as pd
from matplotlib.figure import Figure

from mscbook.style import PALETTE, new_figure

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
    figure, axes = new_figure(criteria, width=6.5, height=0.42 * len(windows) + 1.2)
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
            fontsize=9,
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
