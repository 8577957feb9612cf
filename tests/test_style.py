"""How a figure reaches a notebook (and so the HTML book): a 2x PNG shown at half its pixels."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from mscbook import style
from mscbook.data import load


@pytest.fixture(scope="module")
def figure():
    figure, axes = style.new_figure(load("isct_criteria"), width=6.5, height=3.5)
    axes.plot([0, 1], [0, 1])
    return figure


def test_notebook_png_is_shown_at_half_its_pixel_width(figure):
    data, metadata = style._png_for_notebook(figure)
    image = Image.open(io.BytesIO(data))
    assert metadata["width"] == pytest.approx(image.width / style.PIXEL_RATIO, abs=1)
    assert metadata["width"] == round(6.5 * style.SCREEN_DPI)


def test_notebook_png_gives_no_fixed_height(figure):
    """A fixed height (myst-nb writes it as an inline style) squashes the figure when a phone's
    column narrows the width; with the width alone the browser keeps the aspect ratio."""
    _, metadata = style._png_for_notebook(figure)
    assert set(metadata) == {"width"}


def test_smallest_text_is_the_smallest_drawn_label():
    figure, axes = style.new_figure(load("isct_criteria"))
    axes.plot([0, 1], [0, 1])
    axes.set_xlabel("dose", fontsize=9)
    axes.text(0.5, 0.5, "note", fontsize=7.5)
    axes.text(0.5, 0.2, "hidden", fontsize=5, visible=False)
    axes.text(0.5, 0.2, "  ", fontsize=4)
    assert style.smallest_text_pt(figure) == 7.5


def test_png_records_its_smallest_text():
    figure, axes = style.new_figure(load("isct_criteria"))
    axes.plot([0, 1], [0, 1])
    axes.set_title("A title", fontsize=12)
    axes.tick_params(labelsize=8)
    image = Image.open(io.BytesIO(style.png_bytes(figure)))
    assert float(image.text[style.SMALLEST_TEXT_KEY]) == 8


def test_a_figure_without_text_records_no_text_size():
    figure, axes = style.new_figure(load("isct_criteria"))
    axes.set_axis_off()
    image = Image.open(io.BytesIO(style.png_bytes(figure)))
    assert style.smallest_text_pt(figure) is None
    assert style.SMALLEST_TEXT_KEY not in image.text
