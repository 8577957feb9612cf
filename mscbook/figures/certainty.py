"""Figure of the chapter "Certainty of evidence": the RoB 2 traffic-light plot.

`traffic_light_data` returns the tidy table the figure draws (tested against the data);
`plot_risk_of_bias` draws that table and nothing else.
"""

from __future__ import annotations

import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from mscbook.certainty import JUDGEMENTS, ROB_DOMAINS, rob_table
from mscbook.style import PALETTE, SMALL_TEXT_PT, new_figure

#: Colour and symbol of each judgement: the symbol carries the meaning for readers who cannot
#: tell the colours apart (the usual RoB 2 convention: + low, ! some concerns, − high).
JUDGEMENT_STYLE = {
    "low": (PALETTE["green"], "+"),
    "some_concerns": (PALETTE["yellow"], "!"),
    "high": (PALETTE["vermillion"], "−"),
}
#: A judgement that rests on No information answers is drawn with a dashed, thicker outline
#: and a lighter fill, so "provisional" reads without colour too.
PROVISIONAL_STYLE = {"linestyle": (0, (2, 1.5)), "linewidth": 1.4, "alpha": 0.55}
#: Column headings: the five domains (D1-D5, named in the legend's caption) and the overall.
COLUMNS = {**{domain: f"D{i}" for i, domain in enumerate(ROB_DOMAINS, 1)}, "overall": "Overall"}


def traffic_light_data(rob: pd.DataFrame, trials: pd.DataFrame) -> pd.DataFrame:
    """One row per trial and column (five domains, then overall): trial name, column code,
    column heading, judgement, provisional (the domain rests on No information answers; for
    the overall, any domain does), x and y positions (first trial at the top). Uses
    risk_of_bias columns trial_id, domain, judgement, basis and trials trial_id, short_name."""
    table = rob_table(rob, trials)
    basis = rob.set_index(["trial_id", "domain"])["basis"]
    rows = []
    for y, result in enumerate(table.itertuples(index=False)):
        for x, column in enumerate(COLUMNS):
            provisional = (
                result.provisional
                if column == "overall"
                else basis[(result.trial_id, column)] == "no_information"
            )
            rows.append(
                {
                    "trial": result.trial,
                    "column": column,
                    "heading": COLUMNS[column],
                    "judgement": getattr(result, column),
                    "provisional": bool(provisional),
                    "x": x,
                    "y": len(table) - 1 - y,
                }
            )
    return pd.DataFrame(rows)


def plot_risk_of_bias(rob: pd.DataFrame, trials: pd.DataFrame) -> Figure:
    """Traffic-light plot: one row per trial result, one circle per RoB 2 domain and one for the
    overall judgement, coloured and marked by judgement (`JUDGEMENT_STYLE`); provisional
    judgements (No information answers) have a dashed outline (`PROVISIONAL_STYLE`)."""
    cells = traffic_light_data(rob, trials)
    n_trials = cells["trial"].nunique()
    figure, axes = new_figure(rob, trials, height=1.6 + 0.55 * n_trials)
    for cell in cells.itertuples():
        colour, symbol = JUDGEMENT_STYLE[cell.judgement]
        if cell.provisional:
            axes.scatter(cell.x, cell.y, s=420, color=colour, alpha=PROVISIONAL_STYLE["alpha"])
            axes.scatter(cell.x, cell.y, s=420, facecolor="none", edgecolor="black",
                         linewidth=PROVISIONAL_STYLE["linewidth"],
                         linestyle=PROVISIONAL_STYLE["linestyle"])  # fmt: skip
        else:
            axes.scatter(cell.x, cell.y, s=420, color=colour, edgecolor="black", linewidth=0.6)
        axes.text(cell.x, cell.y, symbol, ha="center", va="center", fontsize=11, weight="bold")
    axes.set_xticks(range(len(COLUMNS)), list(COLUMNS.values()))
    axes.xaxis.tick_top()
    order = cells.drop_duplicates("trial").sort_values("y")
    axes.set_yticks(order["y"].tolist(), order["trial"].tolist())
    axes.set_xlim(-0.6, len(COLUMNS) - 0.4)
    axes.set_ylim(-0.6, n_trials - 0.4)
    axes.axvline(len(ROB_DOMAINS) - 0.5, color=PALETTE["black"], linewidth=0.6)
    for side in ("left", "bottom", "top", "right"):
        axes.spines[side].set_visible(False)
    axes.tick_params(length=0)
    handles = [
        Line2D([], [], marker="o", linestyle="", markersize=11, markerfacecolor=colour,
               markeredgecolor="black", label=f"{symbol}  {JUDGEMENTS[code]}")
        for code, (colour, symbol) in JUDGEMENT_STYLE.items()
    ] + [
        Line2D([], [], marker="o", linestyle="", markersize=11,
               markerfacecolor=PALETTE["yellow"], alpha=PROVISIONAL_STYLE["alpha"],
               markeredgecolor="black", markeredgewidth=PROVISIONAL_STYLE["linewidth"],
               label="dashed: provisional (No information)")
    ]  # fmt: skip
    axes.legend(
        handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.02), ncols=2,
        fontsize=SMALL_TEXT_PT,
    )  # fmt: skip
    return figure
