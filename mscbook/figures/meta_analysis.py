"""Forest and funnel plots of a pooled result from `mscbook.stats` (any chapter can use them).

Both read `Pooled.studies` (columns `study`, `effect`, `se`, `ci_low`, `ci_high`, `weight`), whose
`attrs["data_files"]` name the data files the counts came from, so the figure audit can cite them.
Ratio measures are drawn on a log axis with the null line at 1; differences on a linear axis at 0.
"""

from __future__ import annotations

import math

import numpy as np
from matplotlib.figure import Figure

from mscbook.stats import MEASURE_NAMES, RATIO_MEASURES, Pooled
from mscbook.style import MAX_WIDTH_IN, PALETTE, SMALL_TEXT_PT, new_figure

METHOD_NAMES = {"fixed": "fixed effect", "dl": "random effects, DL", "pm": "random effects, PM"}
#: Tick values for a ratio axis, shown as plain numbers rather than powers of ten.
RATIO_TICKS = (0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100)


def _axis_label(result: Pooled) -> str:
    # generic inverse-variance results keep their long name for `describe`, not for an axis
    name = MEASURE_NAMES[result.measure].removesuffix(" (generic inverse variance)")
    name = name[:1].upper() + name[1:]
    if result.measure in RATIO_MEASURES:
        return f"{name}, treatment vs control (log scale)"
    return f"{name} (treatment minus control)"


def forest_rows(result: Pooled) -> list[dict]:
    """What the forest plot draws, top to bottom: each study, then the pooled estimate."""
    rows = [
        {"label": row.study, "value": _natural(result, row.effect), "low": row.ci_low,
         "high": row.ci_high, "weight": row.weight, "pooled": False}
        for row in result.studies.itertuples()
    ]  # fmt: skip
    heterogeneity = f"I² {100 * result.i2:.0f}%, tau² {result.tau2:.2f}"
    method = METHOD_NAMES[result.method] + (", Hartung-Knapp" if result.hartung_knapp else "")
    rows.append(
        {"label": f"Pooled ({method})\n{heterogeneity}", "value": result.value,
         "low": result.ci_low, "high": result.ci_high, "weight": 1.0, "pooled": True}
    )  # fmt: skip
    return rows


def _natural(result: Pooled, effect: float) -> float:
    return math.exp(effect) if result.measure in RATIO_MEASURES else float(effect)


def plot_forest(result: Pooled) -> Figure:
    """Each study's effect and 95% CI (square area ∝ weight), the pooled diamond, the null line.

    Uses `result.studies` columns `study`, `effect`, `ci_low`, `ci_high`, `weight`.
    """
    rows = forest_rows(result)
    figure, axes = new_figure(result.studies, width=MAX_WIDTH_IN, height=0.38 * len(rows) + 1.4)
    positions = list(range(len(rows)))[::-1]
    largest = max(row["weight"] for row in rows if not row["pooled"])
    for y, row in zip(positions, rows, strict=True):
        if row["pooled"]:
            diamond_x = [row["low"], row["value"], row["high"], row["value"]]
            axes.fill(diamond_x, [y, y + 0.3, y, y - 0.3], color=PALETTE["vermillion"])
            continue
        axes.plot([row["low"], row["high"]], [y, y], color=PALETTE["black"], linewidth=1)
        axes.plot(row["value"], y, marker="s", color=PALETTE["blue"],
                  markersize=3 + 9 * math.sqrt(row["weight"] / largest))  # fmt: skip
    null = 1.0 if result.measure in RATIO_MEASURES else 0.0
    axes.axvline(null, color=PALETTE["grey"], linestyle="--", linewidth=1)
    if result.measure in RATIO_MEASURES:
        _ratio_axis(axes, [row["low"] for row in rows] + [row["high"] for row in rows])
    axes.set_yticks(positions, [row["label"] for row in rows])
    axes.set_xlabel(_axis_label(result))
    return figure


def _ratio_axis(axes, values: list[float]) -> None:
    """A log axis labelled with plain numbers (0.2, 0.5, 1, 2) spanning `values` and 1."""
    low, high = min([*values, 1.0]), max([*values, 1.0])
    axes.set_xscale("log")
    axes.set_xlim(low / 1.15, high * 1.15)
    ticks = [tick for tick in RATIO_TICKS if low / 1.15 <= tick <= high * 1.15]
    axes.set_xticks(ticks, [f"{tick:g}" for tick in ticks])
    axes.xaxis.set_minor_formatter("")


def funnel_limits(result: Pooled, steps: int = 50) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Standard errors and the pseudo 95% limits (pooled ± 1.96 SE) around the pooled effect."""
    se = np.linspace(0, float(result.studies["se"].max()) * 1.05, steps)
    return se, result.estimate - 1.96 * se, result.estimate + 1.96 * se


def plot_funnel(result: Pooled) -> Figure:
    """Each study's effect against its standard error (precise studies on top), with the pooled
    effect and its pseudo 95% limits: asymmetry can hint at small-study effects.

    Uses `result.studies` columns `effect`, `se`.
    """
    figure, axes = new_figure(result.studies, width=5.5, height=4.0)
    to_axis = np.exp if result.measure in RATIO_MEASURES else (lambda values: values)
    se, low, high = funnel_limits(result)
    axes.plot(to_axis(low), se, color=PALETTE["grey"], linestyle="--", label="pseudo 95% limits")
    axes.plot(to_axis(high), se, color=PALETTE["grey"], linestyle="--")
    axes.axvline(result.value, color=PALETTE["vermillion"], label="pooled effect")
    axes.scatter(to_axis(result.studies["effect"]), result.studies["se"],
                 color=PALETTE["blue"], zorder=3, label="study")  # fmt: skip
    if result.measure in RATIO_MEASURES:
        _ratio_axis(axes, [*to_axis(low), *to_axis(high), *to_axis(result.studies["effect"])])
    axes.invert_yaxis()
    axes.set_xlabel(_axis_label(result))
    axes.set_ylabel("Standard error (smaller = more precise)")
    figure.legend(loc="outside lower center", ncols=3, fontsize=SMALL_TEXT_PT)  # never over a study
    return figure


#: Contour bands of a contour-enhanced funnel: two-sided P value, its z, and the band's shade.
CONTOURS = ((0.10, 1.645, "#e0e0e0"), (0.05, 1.960, "#bdbdbd"), (0.01, 2.576, "#969696"))


def contour_limits(result: Pooled, steps: int = 60) -> dict[float, tuple[np.ndarray, np.ndarray]]:
    """For each P value in `CONTOURS`: the effects (on the pooling scale) beyond which a study
    of each standard error would be 'significant' against no effect, as (se, z × se)."""
    se = np.linspace(0, float(result.studies["se"].max()) * 1.1, steps)
    return {p: (se, z * se) for p, z, _ in CONTOURS}


def plot_contour_funnel(result: Pooled) -> Figure:
    """A contour-enhanced funnel plot (Peters et al. 2008): the bands are centred on NO effect,
    not on the pooled one, and shade where a study's own result would reach P < 0.10, 0.05 and
    0.01. Missing studies in the unshaded (non-significant) zone suggest publication bias;
    missing studies inside the shaded zones point to another cause.

    Uses `result.studies` columns `study`, `effect`, `se`.
    """
    figure, axes = new_figure(result.studies, width=5.5, height=4.2)
    ratio = result.measure in RATIO_MEASURES
    to_axis = np.exp if ratio else (lambda values: values)
    limits = contour_limits(result)
    se_max = float(result.studies["se"].max()) * 1.1
    reach = float(np.abs(result.studies["effect"]).max()) * 1.25 + 0.1
    # Each band runs from its contour to well beyond the axis limits (clipped there): filling only
    # to `reach` drew a band backwards, as a dark strip at the edges, where the contour passed it.
    far = min(2 * max(reach, max(float(edge.max()) for _, edge in limits.values())), 50.0)
    for p, _, shade in CONTOURS:  # P < 0.10 covers the most; each stricter band is drawn over it
        se, edge = limits[p]
        outer = np.full_like(se, far)
        axes.fill_betweenx(se, to_axis(edge), to_axis(outer), color=shade,
                           linewidth=0, label=f"P < {p:g}")  # fmt: skip
        axes.fill_betweenx(se, to_axis(-outer), to_axis(-edge), color=shade,
                           linewidth=0)  # fmt: skip
    axes.axvline(to_axis(0.0), color=PALETTE["black"], linewidth=1, label="no effect")
    axes.axvline(result.value, color=PALETTE["vermillion"], linestyle="--", label="pooled effect")
    axes.scatter(to_axis(result.studies["effect"]), result.studies["se"],
                 color=PALETTE["blue"], zorder=3, label="study")  # fmt: skip
    if ratio:
        _ratio_axis(axes, [float(to_axis(-reach)), float(to_axis(reach))])
    else:
        axes.set_xlim(-reach, reach)
    axes.set_ylim(se_max, 0)
    axes.set_xlabel(_axis_label(result))
    axes.set_ylabel("Standard error (smaller = more precise)")
    figure.legend(loc="outside lower center", ncols=3, fontsize=SMALL_TEXT_PT)
    return figure
