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
