"""The widget layout helper: fixed widths, labels that wrap instead of being cut, output below,
a visible hint, and a static HTML rendering for the book (no dead controls)."""

from __future__ import annotations

import ipywidgets as widgets
import pytest

from mscbook.widgets import isct, layout

ALL_LINEAGES = ["osteoblast", "adipocyte", "chondroblast"]


@pytest.fixture
def isct_widget(criteria) -> layout.LiveWidget:
    example = isct.simulate_flow_report(criteria, seed=2006, out_of_range=["cd34"])
    return isct.make_widget(criteria, example, ALL_LINEAGES)


def test_text_inputs_have_fixed_label_and_box_widths():
    box = layout.text_input(97.5, "CD79α or CD19 (% +)")
    assert box.value == "97.5"
    assert box.style.description_width == layout.LABEL_WIDTH
    assert box.layout.width == f"calc({layout.LABEL_WIDTH} + {layout.INPUT_WIDTH})"
    assert box.layout.flex == "0 0 auto"  # never shrinks in a narrow notebook
    assert box.continuous_update  # applies on every keystroke, not only on Enter


def test_checkboxes_are_as_wide_as_their_labels():
    box = layout.checkbox(True, "Differentiates to osteoblasts")
    assert box.indent is False and box.layout.width == "auto" and box.layout.flex == "0 0 auto"


def test_labels_wrap_instead_of_being_cut_by_style():
    css = layout.FORM_CSS
    for rule in ("white-space: normal", "overflow: visible", "text-overflow: clip"):
        assert rule in css
    assert f".{layout.FORM_CLASS} .widget-label" in css
    assert f".{layout.FORM_CLASS} .widget-label-basic span" in css  # checkbox labels


def test_the_form_puts_the_output_below_with_a_hint():
    output = widgets.HTML("result")
    box = layout.form([("Inputs", [layout.text_input(1, "A")])], output)
    assert isinstance(box, widgets.VBox) and layout.FORM_CLASS in box._dom_classes
    assert layout.output_of(box) is output and box.children[1] is output
    assert output.layout.width == "100%"
    texts = [child.value for child in box.children[0].children if isinstance(child, widgets.HTML)]
    assert f"<style>{layout.FORM_CSS}</style>" in texts
    assert f"<em>{layout.UPDATE_HINT}</em>" in texts


def test_every_widget_uses_the_layout(isct_widget):
    box = isct_widget.widget
    assert layout.FORM_CLASS in box._dom_classes
    for control in layout.controls(box):
        if isinstance(control, widgets.Text):
            assert control.style.description_width == layout.LABEL_WIDTH
            assert control.continuous_update
        else:
            assert control.layout.width == "auto"


def test_the_mime_bundle_has_the_live_view_and_the_static_output(isct_widget):
    bundle = isct_widget._repr_mimebundle_()
    view = bundle["application/vnd.jupyter.widget-view+json"]
    assert view["model_id"] == isct_widget.widget.model_id
    static = bundle["text/html"]
    assert static.startswith('<div class="mscbook-widget-static">')
    assert "Does not meet the ISCT minimal criteria: 1 failed." in static  # the example: CD34
    assert static.count("<tr>") == 1 + 12  # header and one row per criterion
    assert "make lab" in static and "<input" not in static


def test_dropdowns_are_wide_enough_for_their_longest_option():
    from mscbook.widgets import edss

    live = edss.make_widget()
    for control in layout.controls(live.widget):
        if not isinstance(control, widgets.Dropdown):
            continue
        longest = max(len(text) for text in control._options_labels)
        width = control.layout.width
        assert f"{longest * layout.EM_PER_CHAR + layout.ARROW_EM:.1f}em" in width, width
        assert width.startswith("min(100%,")  # never wider than the form
    short = layout.dropdown([("yes", True), ("no", False)], True, "Randomised")
    assert f"max(2 * {layout.INPUT_WIDTH}" in short.layout.width
