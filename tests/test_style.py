"""How a figure reaches a notebook (and so the HTML book): a 2x PNG shown at half its pixels."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from mscbook import style
from mscbook.data import load


@pytest.fixture(scope="module")
def figure():
    figure, axes = style.new_figure(load("isct_criteria"), width=5.5, height=3.5)
    axes.plot([0, 1], [0, 1])
    return figure


def test_notebook_png_is_shown_at_half_its_pixel_width(figure):
    data, metadata = style._png_for_notebook(figure)
    image = Image.open(io.BytesIO(data))
    assert metadata["width"] == pytest.approx(image.width / style.PIXEL_RATIO, abs=1)
    assert metadata["width"] == round(5.5 * style.SCREEN_DPI)


def test_notebook_png_gives_no_fixed_height(figure):
    """A fixed height (myst-nb writes it as an inline style) squashes the figure when a phone's
    column narrows the width; with the width alone the browser keeps the aspect ratio."""
    _, metadata = style._png_for_notebook(figure)
    assert set(metadata) == {"width"}


def test_no_figure_is_wider_than_a_phone_can_show_with_legible_labels():
    with pytest.raises(ValueError, match=r"6.5 inches wide does not fit a phone's column: .* 6 "):
        style.new_figure(load("isct_criteria"), width=6.5)
    figure, _ = style.new_figure(load("isct_criteria"))
    assert figure.get_size_inches()[0] == style.MAX_WIDTH_IN


def test_the_smallest_text_in_the_widest_figure_fits_a_phone_unscrolled(tmp_path):
    """The style's floor and width cap keep a figure inside a 390 px phone's column: the build
    (mscbook.build.offline) then gives it no min-width beyond that column, so it does not
    scroll sideways, and text of the floor's size is at least MIN_TEXT_PX tall there."""
    from mscbook.build import offline

    figure, axes = style.new_figure(load("isct_criteria"))
    axes.set_xlabel("dose", fontsize=style.SMALL_TEXT_PT)
    axes.tick_params(labelsize=style.SMALL_TEXT_PT)
    (tmp_path / "f.png").write_bytes(style.png_bytes(figure))
    width = round(style.MAX_WIDTH_IN * style.SCREEN_DPI)
    assert offline.figure_min_width(tmp_path / "f.png", width) <= offline.PHONE_COLUMN_PX
    shown = style.SMALL_TEXT_PT * offline.PX_PER_PT * offline.PHONE_COLUMN_PX / width
    assert shown >= offline.MIN_TEXT_PX


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


# -- row charts with their labels above the rows -------------------------------------------------


def row_labels(axes) -> list[str]:
    """The labels `style.label_rows_above` wrote on `axes`, top to bottom."""
    return [text.get_text() for text in axes.texts if text.get_gid() == "row-label"]


def assert_each_row_under_its_label(figure, axes, ys) -> None:
    """The marks of each row (at heights `ys`, top row first) lie below the row's own label and
    above the next row's label: a reader sees which label a mark belongs to."""
    figure.draw_without_rendering()
    to_data = axes.transData.inverted()
    labels = [text for text in axes.texts if text.get_gid() == "row-label"]
    spans = [to_data.transform(text.get_window_extent())[:, 1] for text in labels]
    assert len(spans) == len(ys)
    for index, y in enumerate(ys):
        assert y < spans[index].min(), f"row {index}: its marks overlap or sit above its label"
        if index + 1 < len(spans):
            assert y > spans[index + 1].max(), f"row {index}: its marks sit in the next row"


def test_legends_use_the_small_text_size():
    assert style.RC["legend.fontsize"] == style.SMALL_TEXT_PT


def test_rows_below_labels_leave_room_for_each_label_and_its_marks():
    tops, marks, total = style.rows_below_labels(["one line", "two\nlines", "x"])
    lines, track = [1, 2, 1], style.TRACK_LINES
    assert total == pytest.approx(sum(lines) + 3 * track)
    assert tops[0] == pytest.approx(total)
    for index, (top, mark, n) in enumerate(zip(tops, marks, lines, strict=True)):
        assert top - n - track < mark < top - n  # below its own label, inside its track
        if index + 1 < len(tops):
            assert tops[index + 1] == pytest.approx(top - n - track)
    assert style.rows_below_labels([]) == ([], [], 0)


def test_labels_above_rows_name_each_row_on_a_white_ground(criteria):
    labels = ["Study A: cells\nhealing, 8 weeks", "Study A: placebo\nhealing, 8 weeks", "B"]
    tops, ys, total = style.rows_below_labels(labels)
    figure, axes = style.new_figure(criteria, height=style.LINE_IN * total + 1)
    axes.set_xlim(0, 100)
    style.label_rows_above(axes, labels, tops, total)
    axes.scatter([10, 50, 90], ys)
    assert row_labels(axes) == labels
    assert not axes.get_yticks().size  # the labels name the rows, not tick labels
    assert_each_row_under_its_label(figure, axes, ys)
    figure.draw_without_rendering()
    for text in axes.texts:  # each label starts at the axis' left edge and stays in the figure
        box = text.get_window_extent()
        assert box.x0 == pytest.approx(axes.get_window_extent().x0, abs=1)
        assert box.x1 <= figure.bbox.x1
        assert text.get_bbox_patch().get_facecolor()[:3] == (1, 1, 1)


def test_wrap_keeps_each_line_break_and_wraps_long_lines():
    assert style.wrap("Critical limb ischaemia:\nstudies (n)", 16) == (
        "Critical limb\nischaemia:\nstudies (n)"
    )
    assert style.wrap("short", 16) == "short"
    assert style.wrap("a\n\nb", 16) == "a\n\nb"
