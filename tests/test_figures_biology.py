"""The ISCT figure plots exactly what isct_criteria.csv holds (read here without mscbook)."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest
from matplotlib.patches import Rectangle
from PIL import Image

from mscbook import style
from mscbook.figures.biology import DIRECTION_STYLE, plot_isct_marker_windows
from mscbook.paths import book_root


def raw_marker_rows() -> list[dict[str, str]]:
    import csv

    with (book_root() / "data" / "isct_criteria.csv").open(encoding="utf-8") as handle:
        return [row for row in csv.DictReader(handle) if row["category"] == "surface_marker"]


def coloured_bars(axes) -> list[Rectangle]:
    colours = {spec["color"].lower() for spec in DIRECTION_STYLE.values()}
    return [
        patch
        for patch in axes.patches
        if isinstance(patch, Rectangle)
        and "#{:02x}{:02x}{:02x}".format(*(round(c * 255) for c in patch.get_facecolor()[:3]))
        in colours
    ]


def test_one_window_per_marker_with_the_table_thresholds(criteria):
    figure = plot_isct_marker_windows(criteria)
    axes = figure.axes[0]
    bars = sorted(coloured_bars(axes), key=lambda bar: -bar.get_y())  # top row first
    rows = raw_marker_rows()
    assert len(bars) == len(rows)
    for bar, row in zip(bars, rows, strict=True):
        threshold = float(row["threshold_percent"])
        expected = (threshold, 100.0) if row["direction"] == "positive" else (0.0, threshold)
        assert (bar.get_x(), bar.get_x() + bar.get_width()) == pytest.approx(expected)
    labels_top_down = [
        label.get_text()
        for position, label in sorted(
            zip(axes.get_yticks(), axes.get_yticklabels(), strict=True), key=lambda pair: -pair[0]
        )
    ]
    assert labels_top_down == [row["marker"] for row in rows]
    bar_centres = [bar.get_y() + bar.get_height() / 2 for bar in bars]
    assert bar_centres == sorted(axes.get_yticks(), reverse=True)  # each bar sits on its label


def test_axis_labels_carry_units(criteria):
    axes = plot_isct_marker_windows(criteria).axes[0]
    assert "%" in axes.get_xlabel()
    assert axes.get_xlim() == (0, 100)
    assert axes.get_title() == ""  # the caption is the title


def test_threshold_annotations_match_the_data(criteria):
    axes = plot_isct_marker_windows(criteria).axes[0]
    texts = sorted(text.get_text() for text in axes.texts)
    expected = sorted(
        ("≥" if row["direction"] == "positive" else "≤") + f"{float(row['threshold_percent']):g}%"
        for row in raw_marker_rows()
    )
    assert texts == expected


def test_png_is_2x_and_records_its_data_file(criteria):
    figure = plot_isct_marker_windows(criteria)
    image = Image.open(io.BytesIO(style.png_bytes(figure)))
    width_inches = figure.get_size_inches()[0]
    assert image.width == pytest.approx(width_inches * style.SCREEN_DPI * style.PIXEL_RATIO, abs=2)
    assert image.text[style.PROVENANCE_KEY] == "data/isct_criteria.csv"


def test_png_is_a_palette_image_that_looks_like_the_full_colour_render(criteria):
    figure = plot_isct_marker_windows(criteria)
    image = Image.open(io.BytesIO(style.png_bytes(figure)))
    assert image.mode == "P" and len(image.getcolors(maxcolors=257)) <= style.PNG_COLOURS
    full = io.BytesIO()
    figure.savefig(full, format="png", dpi=style.SCREEN_DPI * style.PIXEL_RATIO)
    reference = np.asarray(Image.open(full).convert("RGB"), dtype=float)
    palette = np.asarray(image.convert("RGB"), dtype=float)
    assert palette.shape == reference.shape
    assert np.abs(palette - reference).mean() < 2  # of 255: no visible change


def test_png_bytes_are_reproducible(criteria):
    first = style.png_bytes(plot_isct_marker_windows(criteria))
    assert first == style.png_bytes(plot_isct_marker_windows(criteria))


def test_a_figure_needs_loaded_data():
    with pytest.raises(ValueError, match="loaded with mscbook.data.load"):
        style.new_figure(pd.DataFrame({"x": [1]}))
