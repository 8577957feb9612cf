"""The Evidence figures and tables show what the CSV files hold (read here without mscbook)."""

from __future__ import annotations

import matplotlib.dates as mdates
import pandas as pd
import pytest
from matplotlib.collections import PathCollection

from mscbook import data
from mscbook.figures import evidence
from tests.conftest import raw_table
from tests.test_style import assert_each_row_under_its_label, row_labels


def earliest_day(text: str) -> float:
    parts = [int(part) for part in text.split("-")] + [1] * (3 - len(text.split("-")))
    return mdates.date2num(pd.Timestamp(*parts))


@pytest.fixture(scope="module")
def products():
    return data.load("approved_products")


def marks(figure, gid: str) -> list[tuple[float, float]]:
    points = []
    for collection in figure.axes[0].collections:
        if isinstance(collection, PathCollection) and collection.get_gid() == gid:
            points.extend(tuple(point) for point in collection.get_offsets())
    return points


def test_one_approval_mark_per_row_at_the_approval_date(products):
    figure = evidence.plot_approvals_timeline(products)
    rows = raw_table("approved_products")
    points = marks(figure, "approval")
    assert len(points) == len(rows)
    assert sorted(x for x, _ in points) == pytest.approx(
        sorted(earliest_day(row["approval_date"]) for row in rows)
    )


def test_one_mark_per_withdrawal_or_lapse_at_its_date(products):
    figure = evidence.plot_approvals_timeline(products)
    ended = [
        row for row in raw_table("approved_products") if row["status"] in ("withdrawn", "lapsed")
    ]
    assert ended, "the data hold at least one withdrawal (Alofisel, EU)"
    points = marks(figure, "withdrawal") + marks(figure, "lapse")
    assert len(points) == len(ended)
    assert sorted(x for x, _ in points) == pytest.approx(
        sorted(earliest_day(row["status_date"]) for row in ended)
    )
    text = " ".join(t.get_text() for t in figure.axes[0].texts)
    for row in ended:
        assert row["status_date"] in text


def test_each_row_label_names_its_country_and_indication(products):
    figure = evidence.plot_approvals_timeline(products)
    labels = row_labels(figure.axes[0])
    rows = raw_table("approved_products")
    assert len(labels) == len(rows)
    countries = [label.split("\n")[-2].rsplit("· ", 1)[-1] for label in labels]
    assert sorted(countries) == sorted(row["country_region"] for row in rows)
    assert sorted(label.split("\n")[-1] for label in labels) == sorted(
        row["indication_short"] for row in rows
    )


def test_each_row_label_sits_just_above_its_own_marks(products):
    """Labels span the figure above their row (a phone has no room for a column of labels)."""
    figure = evidence.plot_approvals_timeline(products)
    rows = evidence.timeline_rows(products)
    assert row_labels(figure.axes[0]) == list(rows["label"])
    approvals = sorted(marks(figure, "approval"), key=lambda point: -point[1])
    assert [x for x, _ in approvals] == pytest.approx([mdates.date2num(d) for d in rows["date"]])
    assert_each_row_under_its_label(figure, figure.axes[0], [y for _, y in approvals])


def test_modified_and_news_only_rows_are_marked(products):
    rows = evidence.timeline_rows(products)
    raw_rows = {row["product_id"]: row for row in raw_table("approved_products")}
    for row in rows.itertuples():
        source = raw_rows[row.product_id]
        assert ("(modified MSCs)" in row.label) == (source["modified"] == "true")
        checked = {item.strip() for item in source["verified_against"].split(";")}
        weak = not checked & {"regulator record", "press release", "company data"}
        assert (" †" in row.label) == weak
    assert rows.loc[rows["product_id"] == "akuugo_jp_2024", "modified"].item()
    assert rows.loc[rows["product_id"] == "stemirac_jp_2018", "news_or_reviews_only"].item()
    assert not rows.loc[rows["product_id"] == "alofisel_eu_2018", "news_or_reviews_only"].item()


def test_timeline_runs_from_earliest_to_latest_approval(products):
    rows = evidence.timeline_rows(products)
    assert list(rows["date"]) == sorted(rows["date"])


def test_bad_dates_get_a_clear_message(products):
    broken = products.copy()
    broken.loc[broken.index[0], "approval_date"] = "July 2011"
    with pytest.raises(ValueError, match="not a YYYY, YYYY-MM or YYYY-MM-DD date: 'July 2011'"):
        evidence.approval_events(broken)


def test_approvals_table_speaks_plain_words(products):
    table = evidence.approvals_table(products)
    rows = raw_table("approved_products")
    assert len(table) == len(rows)
    assert sorted(table["Approved"]) == sorted(row["approval_date"] for row in rows)
    assert sorted(table["Where"]) == sorted(row["country_region"] for row in rows)
    text = table.to_string()
    for code in ("conditional_time_limited", "not_checked", "in_force", "bone_marrow", "_"):
        assert code not in text.replace("Ruibosheng", ""), code
    alofisel = table[(table["Product"] == "Alofisel") & (table["Where"] == "European Union")]
    assert alofisel["Status"].item() == "withdrawn 2024-12-13"
    assert "conditional and time-limited" in set(table["Type of approval"])


def test_relative_risks_are_the_table_values():
    estimates = data.load("safety_meta_analyses")
    figure = evidence.plot_safety_relative_risks(estimates)
    rows = [
        row for row in raw_table("safety_meta_analyses") if row["effect_measure"] == "relative_risk"
    ]
    axes = figure.axes[0]
    squares = [line for line in axes.lines if line.get_marker() == "s"]
    assert sorted(float(line.get_xdata()[0]) for line in squares) == pytest.approx(
        sorted(float(row["effect_value"]) for row in rows)
    )
    intervals = [  # the vertical reference line at 1 has two equal x values
        line
        for line in axes.lines
        if len(line.get_xdata()) == 2 and line.get_xdata()[0] != line.get_xdata()[1]
    ]
    drawn = sorted(tuple(float(x) for x in line.get_xdata()) for line in intervals)
    wanted = sorted((float(row["ci_low"]), float(row["ci_high"])) for row in rows)
    assert [x for pair in drawn for x in pair] == pytest.approx([x for p in wanted for x in p])
    death = [row for row in rows if row["outcome"] == "death"][0]
    assert death["finding"] == "no_increased_risk"  # facts.md 2, item 21
    assert "Death" in [label.get_text() for label in axes.get_yticklabels()]


def test_adverse_event_bars_equal_the_outcome_rows():
    trials, arms, outcomes = (data.load(n) for n in ("trials", "trial_arms", "trial_outcomes"))
    figure = evidence.plot_adverse_events(trials, arms, outcomes)
    expected = [
        float(row["value"])
        for row in raw_table("trial_outcomes")
        if row["outcome"] in evidence.AE_OUTCOMES and row["value_unit"] == "events"
    ]
    bars = [p for p in figure.axes[0].patches if p.get_gid() == "adverse-event-bar"]
    assert sorted(bar.get_width() for bar in bars) == pytest.approx(sorted(expected))
    legend = [text.get_text() for text in figure.legends[0].get_texts()]
    assert "PlasmaLyte A (placebo)" in legend


def test_safety_trials_table_lists_only_msc_safety_trials():
    trials = data.load("trials")
    table = evidence.safety_trials_table(trials)
    names = set(table["Study"])
    expected = {
        row["short_name"]
        for row in raw_table("trials")
        if row["product_type"] in ("msc", "msc_like", "msc_derived")
        and "safety" in row["primary_endpoint"].lower()
    }
    assert names == expected
    assert "_" not in " ".join(table["Design"]) + " ".join(table["Route"])


def test_latin_name_drops_a_script_the_font_cannot_draw():
    assert evidence.latin_name("Ruibosheng (睿铂生)") == "Ruibosheng"
    assert evidence.latin_name("TEMCELL HS Inj.") == "TEMCELL HS Inj."
