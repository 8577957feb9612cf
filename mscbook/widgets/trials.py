"""Trial explorer: filter the trials table by disease, cell source, donor, route, phase,
randomisation and product type.

`filter_trials` is the pure model (tested directly); `make_widget` puts dropdowns in front of it
for JupyterLab; `static_table` is what the HTML book shows: a searchable, sortable, filterable table
that works without a kernel and offline (a plain HTML table that the build's DataTables script,
served from the site itself, enhances).
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Mapping

import pandas as pd

from mscbook.tables import DISEASES, LABELS, label, trials_table
from mscbook.widgets import layout

#: Filter name -> (trials column, what the reader sees).
FILTERS = {
    "disease_area": ("disease_area", "disease"),
    "cell_source": ("cell_source", "cell source"),
    "donor": ("donor", "donor"),
    "route": ("route", "route"),
    "phase": ("phase", "phase"),
    "randomised": ("randomised", "randomised"),
    "product_type": ("product_type", "product type"),
}
ANY = "any"


class TrialFilterError(ValueError):
    """A filter or value the explorer does not know: the message names it and what is allowed."""


def allowed_values(name: str) -> list[object]:
    if name == "disease_area":
        return list(DISEASES)
    if name == "randomised":
        return [True, False]
    return list(LABELS[name])


def _as_list(value: object) -> list[object]:
    if isinstance(value, str | bool) or not isinstance(value, Iterable):
        return [value]
    return list(value)


def normalise_filters(filters: Mapping[str, object]) -> dict[str, list[object]]:
    """Drop filters set to None or 'any'; check every name and value, naming all problems."""
    problems, chosen = [], {}
    for name, value in filters.items():
        if name not in FILTERS:
            problems.append(f"unknown filter {name!r}; the filters are: {', '.join(FILTERS)}.")
            continue
        if value is None or (isinstance(value, str) and value == ANY):
            continue
        values = _as_list(value)
        allowed = allowed_values(name)
        bad = [item for item in values if item not in allowed or (
            name != "randomised" and isinstance(item, bool))]  # fmt: skip
        if bad:
            shown = ", ".join(repr(item) for item in allowed)
            problems.append(
                f"{FILTERS[name][1]}: unknown value {bad[0]!r}; allowed values: {shown}."
            )
            continue
        chosen[name] = values
    if problems:
        raise TrialFilterError("\n".join(problems))
    return chosen


def filter_trials(trials: pd.DataFrame, **filters: object) -> pd.DataFrame:
    """The rows of `trials` that match every filter (a code or a list of codes; None or 'any'
    means no filter), in data order.

    A study given by several routes ('intrathecal;intravenous') matches any of them. A study whose
    randomisation is not stated matches neither True nor False. Raises TrialFilterError for an
    unknown filter or value.
    """
    chosen = normalise_filters(filters)
    keep = pd.Series(True, index=trials.index)
    for name, values in chosen.items():
        column = trials[FILTERS[name][0]]
        if name == "route":
            parts = column.fillna("").str.split(";")
            keep &= parts.apply(lambda routes, wanted=set(values): bool(wanted & set(routes)))
        elif name == "randomised":
            keep &= column.isin(values).fillna(False).astype(bool)
        else:
            keep &= column.isin(values)
    return trials[keep]


def describe_filters(filters: Mapping[str, object]) -> str:
    """'cell source = adipose tissue and randomised = yes' in the reader's words."""
    chosen = normalise_filters(filters)
    if not chosen:
        return "no filters"
    parts = []
    for name, values in chosen.items():
        if name == "disease_area":
            words = [DISEASES[value] for value in values]
        else:
            words = [label(name, value) for value in values]
        parts.append(f"{FILTERS[name][1]} = {' or '.join(words)}")
    return " and ".join(parts)


def explore(trials: pd.DataFrame, arms: pd.DataFrame, **filters: object) -> pd.DataFrame | str:
    """The plain-word trials table of the matching studies, or a message naming the filters when
    none match."""
    matches = filter_trials(trials, **filters)
    if matches.empty:
        return f"No trials match {describe_filters(filters)}."
    tables = [
        trials_table(matches, arms, disease)
        for disease in DISEASES
        if (matches["disease_area"] == disease).any()
    ]
    return pd.concat(tables)


def render(result: pd.DataFrame | str) -> str:
    if isinstance(result, str):
        return f"<p><strong>{html.escape(result)}</strong></p>"
    count = f"<p>{len(result)} trial(s) match.</p>"
    return count + result.to_html(index=False, escape=True, border=0)


def render_error(error: Exception) -> str:
    items = "".join(f"<li>{html.escape(line)}</li>" for line in str(error).splitlines())
    heading = "<p><strong>Please check these filters:</strong></p>"
    return f'<div role="alert">{heading}<ul>{items}</ul></div>'


def _options(name: str) -> list[tuple[str, object]]:
    if name == "disease_area":
        pairs = [(words, code) for code, words in DISEASES.items()]
    elif name == "randomised":
        pairs = [("yes", True), ("no", False)]
    else:
        pairs = [(words, code) for code, words in LABELS[name].items()]
    return [("any", ANY), *pairs]


def make_widget(trials: pd.DataFrame, arms: pd.DataFrame, **example: object) -> layout.LiveWidget:
    """Drop-down lists for every filter (set to `example`), the matching trials below.

    Live in JupyterLab; in the HTML book, the table for the example (see `layout.LiveWidget`).
    """
    import ipywidgets as widgets

    normalise_filters(example)
    controls = {}
    for name, (_, words) in FILTERS.items():
        options, value = _options(name), example.get(name, ANY)
        if isinstance(value, list | tuple):  # several codes: one extra option holding them all
            value = tuple(value)
            options.insert(1, (describe_filters({name: list(value)}).split(" = ", 1)[1], value))
        controls[name] = layout.dropdown(options, value, words.capitalize())
    report = widgets.HTML()

    def update(_change=None) -> None:
        try:
            filters = {name: control.value for name, control in controls.items()}
            report.value = render(explore(trials, arms, **filters))
        except TrialFilterError as error:
            report.value = render_error(error)

    for control in controls.values():
        control.observe(update, names="value")
    update()
    box = layout.form(
        [("Show trials with", list(controls.values()))],
        report,
        hint="The table below updates when you change a filter.",
    )
    return layout.LiveWidget(box, report.value)


#: CSS class that marks the trials table of `static_table`: the build loads the table scripts
#: (DataTables) only on pages that contain it (mscbook.build.explorer).
TABLE_CLASS = "mscbook-trials-table"
#: Design columns that get a drop-down list of their values in the book (their headings carry
#: data-mscbook-filter="list"; the others "text": the search box covers every column).
LIST_FILTER_COLUMNS = (
    "Product", "Cell source", "Donor", "Route", "Phase", "Randomised", "Blinding", "Control",
    "Design", "Status",
)  # fmt: skip
#: Columns sorted by the number they start with ("72 (treated)" after "8"), not as text.
NUMERIC_COLUMNS = ("n total",)
#: Columns of long text and the class that gives them more width in the book.
WIDE_COLUMNS = {"Study": "mscbook-wide", "Product": "mscbook-wide", "n per arm": "mscbook-widest"}
HELP_TEXT = (
    "Type in the search box to keep the rows that contain your words (in any column), choose a "
    "value in a drop-down list to keep the rows with exactly that design, and click a column "
    "heading to sort by it (click again to reverse)."
)


class TrialsTable:
    """A disease's trials table as plain HTML (`html`), with its DataFrame (`frame`).

    Notebooks show the HTML as an ordinary table; in the HTML book, the build's script turns every
    table with `TABLE_CLASS` into a searchable, sortable, filterable one (no kernel, no network).
    """

    def __init__(self, frame: pd.DataFrame, html_text: str) -> None:
        self.frame = frame
        self.html = html_text

    def _repr_html_(self) -> str:
        return self.html

    def __repr__(self) -> str:
        return self.frame.to_string(index=False)


def _sort_key(text: str) -> str:
    """The number a cell such as '72 (treated)' starts with; -1 for 'not found'."""
    number = re.match(r"\d+", text)
    return number.group() if number else "-1"


def _header(column: str) -> str:
    css = f' class="{WIDE_COLUMNS[column]}"' if column in WIDE_COLUMNS else ""
    kind = "list" if column in LIST_FILTER_COLUMNS else "text"
    return f'<th scope="col"{css} data-mscbook-filter="{kind}">{html.escape(column)}</th>'


def table_html(table: pd.DataFrame, caption: str) -> str:
    """`table` as an accessible HTML table with the marker class: a caption, column headers
    (with the kind of filter each column gets), every row, all text escaped."""
    esc = html.escape
    headers = "".join(_header(str(column)) for column in table.columns)
    body = []
    for row in table.itertuples(index=False):
        cells = []
        for column, value in zip(table.columns, row, strict=True):
            text = "" if pd.isna(value) else str(value)
            order = f' data-order="{_sort_key(text)}"' if column in NUMERIC_COLUMNS else ""
            cells.append(f"<td{order}>{esc(text)}</td>")
        body.append(f"<tr>{''.join(cells)}</tr>")
    return (
        f'<div class="mscbook-trials">'
        f'<p class="mscbook-trials-help" hidden>{esc(HELP_TEXT)}</p>'
        f'<table class="{TABLE_CLASS}"><caption>{esc(caption)}</caption>'
        f"<thead><tr>{headers}</tr></thead><tbody>{''.join(body)}</tbody></table></div>"
    )


def static_table(trials: pd.DataFrame, arms: pd.DataFrame, disease: str) -> TrialsTable:
    """The disease's trials (every row of `trials_table`) as a table the HTML book lets the reader
    search, sort and filter without a kernel and offline.

    The HTML is a plain table (readable without JavaScript and in JupyterLab) marked with
    `TABLE_CLASS`; the build adds DataTables, served from the site itself, to the pages that
    contain one (`mscbook.build.explorer`).
    """
    table = trials_table(trials, arms, disease).reset_index(drop=True)
    caption = f"{DISEASES[disease]}: {len(table)} trials, each with its design."
    return TrialsTable(table, table_html(table, caption))
