"""The one layout of the book's widgets: a form that keeps its width, its output below it.

Every widget builds its controls with `text_input`, `checkbox` and `dropdown` and puts them
together with `form`; `LiveWidget` then shows the form in a live notebook and plain HTML
everywhere else.

- Inputs keep their width: a fixed label column and a fixed input box (`LABEL_WIDTH`,
  `INPUT_WIDTH`), neither of which flexes, so a value such as "97.5" is shown whole at any
  notebook width, and the output goes below the form, where it never squeezes it.
- Labels are never cut: ipywidgets' style truncates a label with an ellipsis at its fixed width;
  `FORM_CSS` lets labels of a `FORM_CLASS` form wrap instead.
- Text inputs apply on every keystroke (`continuous_update=True`), and the form says so
  (`UPDATE_HINT`), so nobody waits for a result that only Enter would bring.
- In the HTML book no kernel runs, so a form could not respond: `LiveWidget`'s mime bundle holds
  the widget view and a `text/html` rendering of the output at the example values; the book's
  configuration (`nb_mime_priority_overrides` in `_config.yml`) makes the HTML builder use the
  HTML and never load a widget manager. JupyterLab shows the live form.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

#: CSS class of every form made by `form` (FORM_CSS applies to it only).
FORM_CLASS = "mscbook-form"
#: Width of the label column and of each text input box.
LABEL_WIDTH = "12em"
INPUT_WIDTH = "7em"
#: Labels wrap rather than being cut with an ellipsis (ipywidgets' default for `.widget-label`).
FORM_CSS = (
    f".{FORM_CLASS} .widget-label, .{FORM_CLASS} .widget-label-basic span "
    "{white-space: normal; overflow: visible; text-overflow: clip; height: auto; "
    "line-height: 1.3;}"
    f" .{FORM_CLASS} .widget-checkbox {{width: auto; height: auto;}}"
    f" .{FORM_CLASS} .widget-text {{height: auto; align-items: center;}}"
)
UPDATE_HINT = "The result below updates as you type or tick a box."
LIVE_NOTE = (
    "This is the result for the example values. To change them, open this chapter in JupyterLab "
    "(<code>make lab</code>), where the form is live."
)


def text_input(value: object, label: str):
    """A text box with its label: fixed widths, applies on every keystroke."""
    import ipywidgets as widgets

    return widgets.Text(
        value=str(value),
        description=label,
        continuous_update=True,
        style={"description_width": LABEL_WIDTH},
        layout=widgets.Layout(width=f"calc({LABEL_WIDTH} + {INPUT_WIDTH})", flex="0 0 auto"),
    )


def checkbox(value: bool, label: str):
    """A checkbox with its label beside it; as wide as its label, never squeezed."""
    import ipywidgets as widgets

    return widgets.Checkbox(
        value=bool(value),
        description=label,
        indent=False,
        layout=widgets.Layout(width="auto", flex="0 0 auto"),
    )


#: A drop-down list is never narrower than two input boxes, and grows with its longest option
#: (about `EM_PER_CHAR` em a character, plus room for the arrow), so no option is cut off.
EM_PER_CHAR = 0.6
ARROW_EM = 3


def dropdown_width(options: Sequence[tuple[str, object]]) -> str:
    """The CSS width of a `dropdown` whose longest shown text is in `options`: label column
    plus a box that holds that text whole (at least 2 x INPUT_WIDTH), at most the form's width."""
    longest = max((len(str(text)) for text, _ in options), default=0)
    box = f"max(2 * {INPUT_WIDTH}, {longest * EM_PER_CHAR + ARROW_EM:.1f}em)"
    return f"min(100%, calc({LABEL_WIDTH} + {box}))"


def dropdown(options: Sequence[tuple[str, object]], value: object, label: str):
    """A drop-down list with its label: (shown text, value) options, the label column fixed and
    the list as wide as its longest option (`dropdown_width`)."""
    import ipywidgets as widgets

    options = list(options)
    return widgets.Dropdown(
        options=options,
        value=value,
        description=label,
        style={"description_width": LABEL_WIDTH},
        layout=widgets.Layout(width=dropdown_width(options), flex="0 0 auto"),
    )


def form(sections: Sequence[tuple[str, Sequence[object]]], output, hint: str = UPDATE_HINT):
    """Headed groups of controls, the hint, then `output` below (full width, never squeezing)."""
    import ipywidgets as widgets

    children = [widgets.HTML(f"<style>{FORM_CSS}</style>")]
    for heading, controls in sections:
        children.append(widgets.HTML(f"<strong>{html.escape(heading)}</strong>"))
        children.extend(controls)
    children.append(widgets.HTML(f"<em>{html.escape(hint)}</em>"))
    controls_box = widgets.VBox(children, layout=widgets.Layout(flex="0 0 auto"))
    output.layout = widgets.Layout(width="100%", overflow="auto")
    box = widgets.VBox([controls_box, output], layout=widgets.Layout(width="100%"))
    box.add_class(FORM_CLASS)
    return box


def controls(box) -> list:
    """The input controls of a form made by `form` (text boxes and checkboxes), in order."""
    from ipywidgets import Checkbox, Dropdown, Text

    controls_box = box.children[0]
    kinds = Text | Checkbox | Dropdown
    return [child for child in controls_box.children if isinstance(child, kinds)]


def output_of(box):
    """The output widget of a form made by `form`."""
    return box.children[1]


class LiveWidget:
    """A widget in a live notebook; `static_html` (plus a note) where no kernel runs.

    Its mime bundle has the widget view (JupyterLab shows it, live) and `text/html`: the output
    at the example values and `LIVE_NOTE`, which the HTML book shows instead of dead controls.
    """

    def __init__(self, widget, static_html: str, note: str = LIVE_NOTE) -> None:
        self.widget = widget
        self.static_html = static_html
        self.note = note

    def html(self) -> str:
        return (
            f'<div class="mscbook-widget-static">{self.static_html}'
            f'<p class="mscbook-live-note"><em>{self.note}</em></p></div>'
        )

    def _repr_mimebundle_(self, include=None, exclude=None):
        bundle = dict(self.widget._repr_mimebundle_())
        bundle["text/html"] = self.html()
        return bundle

    def __getattr__(self, name: str):  # the widget's own attributes (children, ...) for code
        if name == "widget":
            raise AttributeError(name)
        return getattr(self.widget, name)
