"""The RoB 2 traffic-light plot (mscbook.figures.certainty): what it draws is the data."""

from __future__ import annotations

import csv

import pytest
from matplotlib.collections import PathCollection

from mscbook import certainty, data
from mscbook.figures import certainty as figures
from mscbook.paths import book_root
from mscbook.style import MAX_WIDTH_IN


@pytest.fixture(scope="module")
def loaded():
    return data.load("risk_of_bias"), data.load("trials")


def raw_rob() -> list[dict[str, str]]:
    with (book_root() / "data" / "risk_of_bias.csv").open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_one_cell_per_trial_and_column_with_the_judgement_of_the_data(loaded):
    cells = figures.traffic_light_data(*loaded)
    rows = raw_rob()
    trials = {row["trial_id"] for row in rows}
    assert len(cells) == len(trials) * (len(certainty.ROB_DOMAINS) + 1)
    names = {row["trial_id"]: row["short_name"] for row in csv.DictReader(
        (book_root() / "data" / "trials.csv").open(encoding="utf-8"))}  # fmt: skip
    shown = cells.set_index(["trial", "column"])
    for row in rows:
        cell = shown.loc[(names[row["trial_id"]], row["domain"])]
        assert cell["judgement"] == row["judgement"]
        assert cell["provisional"] == (row["basis"] == "no_information")


def test_the_overall_is_provisional_exactly_when_a_domain_rests_on_no_information(loaded):
    cells = figures.traffic_light_data(*loaded)
    for trial, group in cells.groupby("trial"):
        domains = group[group["column"] != "overall"]
        overall = group[group["column"] == "overall"].iloc[0]
        assert overall["provisional"] == domains["provisional"].any(), trial


def test_first_trial_of_the_data_is_the_top_row(loaded):
    cells = figures.traffic_light_data(*loaded)
    top = cells.loc[cells["y"].idxmax(), "trial"]
    assert top == cells["trial"].iloc[0]


def test_plot_draws_every_cell_labels_every_trial_and_explains_every_mark(loaded):
    figure = figures.plot_risk_of_bias(*loaded)
    axes = figure.axes[0]
    cells = figures.traffic_light_data(*loaded)
    dots = [c for c in axes.collections if isinstance(c, PathCollection)]
    # a provisional cell is a faded dot plus a dashed, unfilled outline drawn over it
    assert len(dots) == len(cells) + int(cells["provisional"].sum())
    dashed = [c for c in dots if c.get_linestyle()[0][1] is not None]
    assert len(dashed) == int(cells["provisional"].sum()) > 0
    assert {t.get_text() for t in axes.get_yticklabels()} == set(cells["trial"])
    assert [t.get_text() for t in axes.get_xticklabels()] == list(figures.COLUMNS.values())
    legend = [t.get_text() for t in axes.get_legend().get_texts()]
    for code, label in certainty.JUDGEMENTS.items():
        assert any(label in text for text in legend), code
    assert any("provisional" in text for text in legend)
    symbols = [t.get_text() for t in axes.texts]
    expected = [figures.JUDGEMENT_STYLE[j][1] for j in cells["judgement"]]
    assert symbols == expected
    assert figure.get_figwidth() <= MAX_WIDTH_IN
    assert "data/risk_of_bias.csv" in " ".join(figure.mscbook_data_files)
