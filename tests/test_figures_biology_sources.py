"""The tissue-source and manufacturing figures plot exactly what the CSV files hold.

The expected values are read here with the csv module, not through mscbook, and compared with
the artists on the figure: bar widths, plotted points and tick labels.
"""

from __future__ import annotations

from collections import Counter, defaultdict

import pytest
from matplotlib.patches import Rectangle

from mscbook import data, style
from mscbook.figures import biology
from tests.conftest import raw_table

MSC_PRODUCTS = {"msc", "msc_like", "msc_derived"}


@pytest.fixture(scope="module")
def tables():
    return {name: data.load(name) for name in ("trials", "trial_arms", "msc_sources")}


def row_labels_of(axes) -> dict[float, str]:
    """Each height at which `axes` draws marks -> the row label just above it (the figures write
    each row's label above the row, across the figure: style.label_rows_above)."""
    axes.figure.draw_without_rendering()
    to_data = axes.transData.inverted()
    bottoms = {
        float(to_data.transform(text.get_window_extent())[:, 1].min()): text.get_text()
        for text in axes.texts
        if text.get_gid() == "row-label"
    }
    return {
        round(y, 6): bottoms[min(bottom for bottom in bottoms if bottom > y)]
        for _, y in plotted_points(axes)
    }


def plotted_points(axes) -> list[tuple[float, float]]:
    """Every (x, y) vertex of the lines and markers drawn on `axes`."""
    points = []
    for line in axes.get_lines():
        if line.get_gid() == "lifespan-marker":  # a reference line, checked on its own below
            continue
        points += list(zip(line.get_xdata(), line.get_ydata(), strict=True))
    return [(float(x), float(y)) for x, y in points]


def test_dose_figure_has_every_dosed_msc_arm_at_its_dose(tables):
    figure = biology.plot_trial_doses(tables["trials"], tables["trial_arms"])
    names = {row["trial_id"]: row["short_name"] for row in raw_table("trials")}
    expected = defaultdict(set)  # unit -> {(study, low, high)}
    for arm in raw_table("trial_arms"):
        if arm["intervention"] in MSC_PRODUCTS and arm["dose_value"]:
            low = float(arm["dose_value"])
            high = float(arm["dose_value_max"] or arm["dose_value"])
            expected[arm["dose_unit"]].add((names[arm["trial_id"]], low, high))
    assert len(figure.axes) == len(expected) == 2  # per-kg and fixed doses apart
    for axes, unit in zip(figure.axes, ["×10^6 cells/kg", "×10^6 cells"], strict=True):
        assert axes.get_xscale() == "log"
        assert ("per kg" in axes.get_xlabel()) == (unit == "×10^6 cells/kg")
        labels = row_labels_of(axes)
        shown = set()
        for x, y in plotted_points(axes):
            shown.add((labels[round(y, 6)], x))
        for study, low, high in expected[unit]:
            assert (study, low) in shown and (study, high) in shown, (study, low, high)
        assert {study for study, _ in shown} == {study for study, _, _ in expected[unit]}
        assert {x for _, x in shown} == {
            value for _, low, high in expected[unit] for value in (low, high)
        }


def test_dose_figure_leaves_out_comparators(tables):
    figure = biology.plot_trial_doses(tables["trials"], tables["trial_arms"])
    shown = {label for axes in figure.axes for label in row_labels_of(axes).values()}
    comparators = {
        row["short_name"] for row in raw_table("trials") if row["product_type"] not in MSC_PRODUCTS
    }
    assert comparators and not shown & comparators


def test_trial_counts_match_the_table_with_comparators_apart(tables):
    figure = biology.plot_trials_by_source(tables["trials"])
    expected = Counter(
        (
            "MSC products" if row["product_type"] in MSC_PRODUCTS else "Comparators (not MSCs)",
            biology.TISSUE_LABELS[row["cell_source"]],
            row["donor"],
        )
        for row in raw_table("trials")
        if row["product_type"] != "drug"  # a drug has no tissue of origin
    )
    colour_to_donor = {colour.lower(): donor for donor, colour in biology.DONOR_COLOURS.items()}
    tissues = [label.get_text() for label in figure.axes[0].get_yticklabels()]
    found = Counter()
    for axes, group in zip(figure.axes, ["MSC products", "Comparators (not MSCs)"], strict=True):
        assert group in axes.get_xlabel()
        for bar in axes.patches:
            if not isinstance(bar, Rectangle) or bar.get_width() == 0:
                continue
            rgb = "#{:02x}{:02x}{:02x}".format(*(round(c * 255) for c in bar.get_facecolor()[:3]))
            tissue = tissues[round(bar.get_y() + bar.get_height() / 2)]
            found[(group, tissue, colour_to_donor[rgb])] += bar.get_width()
    assert found == expected
    drugs = sum(row["product_type"] == "drug" for row in raw_table("trials"))
    assert drugs > 0  # the GvHD chapter's ruxolitinib trials: left out, not drawn as "Not stated"
    assert sum(found.values()) == len(raw_table("trials")) - drugs


def test_source_measurements_show_every_quantitative_finding(tables):
    figure = biology.plot_source_measurements(tables["msc_sources"])
    rows = [
        row
        for row in raw_table("msc_sources")
        if row["parameter"] in biology.SOURCE_PANELS and row["value_low"]
    ]
    panels = list(dict.fromkeys(row["parameter"] for row in rows))
    assert len(figure.axes) == len(set(panels))
    shown = set()
    for axes in figure.axes:
        labels = row_labels_of(axes)
        for x, y in plotted_points(axes):
            shown.add((axes.get_xlabel(), labels[round(y, 6)], round(x, 6)))
    for row in rows:
        label = biology.SOURCE_PANELS[row["parameter"]]
        matches = {entry for entry in shown if entry[0] == label}
        study = biology.study_label(row["source"])
        for value in (row["value_low"], row["value_high"] or row["value_low"]):
            assert any(study in text and x == round(float(value), 6) for _, text, x in matches), (
                row["finding_id"],
                value,
            )
    plotted_rows = {(entry[0], entry[1]) for entry in shown}
    assert len(plotted_rows) == len(rows)  # one labelled row per finding


def test_source_rows_name_tissue_study_and_non_human_species(tables):
    labels = biology.source_measurements(tables["msc_sources"])["row_label"].tolist()
    assert "Bone marrow · Friedenstein 1970 (guinea pig)" in labels
    assert "Placenta · Sung 2010, first trimester" in labels
    assert len(labels) == len(set(labels))


def test_enrolment_bars_match_enrolled_and_treated(tables):
    ids = ["mohamed2020", "fernandez2018"]
    figure = biology.plot_enrolment_to_dosing(tables["trials"], tables["trial_arms"], ids)
    trials = {row["trial_id"]: row for row in raw_table("trials")}
    treated = Counter()
    for arm in raw_table("trial_arms"):
        if arm["n_basis"] == "treated":
            treated[arm["trial_id"]] += int(arm["n"])
    widths = sorted(bar.get_width() for bar in figure.axes[0].patches)
    expected = sorted(
        [float(trials[trial]["n_total"]) for trial in ids] + [float(treated[t]) for t in ids]
    )
    assert widths == expected
    assert treated["mohamed2020"] == 4 and int(trials["mohamed2020"]["n_total"]) == 12
    assert int(trials["fernandez2018"]["n_total"]) - treated["fernandez2018"] == 4


@pytest.mark.parametrize(
    "make",
    [
        lambda t: biology.plot_trial_doses(t["trials"], t["trial_arms"]),
        lambda t: biology.plot_trials_by_source(t["trials"]),
        lambda t: biology.plot_source_measurements(t["msc_sources"]),
        lambda t: biology.plot_enrolment_to_dosing(
            t["trials"], t["trial_arms"], ["mohamed2020", "fernandez2018"]
        ),
    ],
    ids=["doses", "trials-by-source", "source-measurements", "enrolment"],
)
def test_figures_have_no_title_and_record_their_data(tables, make):
    figure = make(tables)
    assert all(axes.get_title() == "" for axes in figure.axes)
    assert style.data_files(figure)
    assert style.png_bytes(figure) == style.png_bytes(make(tables))


def test_the_doublings_panel_marks_the_marrow_lifespan_from_the_data(tables):
    # Bruder 1997: 38 doublings before senescence; Sung 2010's counts sit well below it.
    figure = biology.plot_source_measurements(tables["msc_sources"])
    panel = next(ax for ax in figure.axes if ax.get_xlabel() == "Cumulative population doublings")
    markers = [line for line in panel.get_lines() if line.get_gid() == "lifespan-marker"]
    assert len(markers) == 1 and list(markers[0].get_xdata()) == [38, 38]
    assert any("Bruder 1997" in text.get_text() and "38" in text.get_text() for text in panel.texts)
    assert panel.get_xlim()[1] >= 38
    others = [ax for ax in figure.axes if ax is not panel]
    assert not any(line.get_gid() == "lifespan-marker" for ax in others for line in ax.get_lines())
