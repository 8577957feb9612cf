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

from mscbook.tables import (
    BOX_CLASS,
    DISEASES,
    EVIDENCE_COLUMN,
    LABELS,
    cell_text,
    label,
    show,
    trials_table,
    width_class,
    width_style,
)
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
        explorer_table(matches, arms, disease)
        for disease in DISEASES
        if (matches["disease_area"] == disease).any()
    ]
    return pd.concat(tables)


def explorer_table(trials: pd.DataFrame, arms: pd.DataFrame, disease: str) -> pd.DataFrame:
    """`trials_table` without its Evidence column: the explorer filters by design, and its
    columns (key design columns first, tested on a phone screen) stay those of the design."""
    return trials_table(trials, arms, disease).drop(columns=EVIDENCE_COLUMN)


def render(result: pd.DataFrame | str) -> str:
    if isinstance(result, str):
        return f"<p><strong>{html.escape(result)}</strong></p>"
    count = f"<p>{len(result)} trial(s) match.</p>"
    return count + show(result).html


def render_error(error: Exception) -> str:
    items = "".join(f"<li>{html.escape(line)}</li>" for line in str(error).splitlines())
    heading = "<p><strong>Please check these filters:</strong></p>"
    return f'<div role="alert">{heading}<ul>{items}</ul></div>'


def present_values(trials: pd.DataFrame, name: str) -> list[object]:
    """The codes of filter `name` that `trials` hold, in the order of the book's labels (a
    study given by several routes counts for each)."""
    column = trials[FILTERS[name][0]]
    if name == "randomised":
        return [value for value in (True, False) if column.eq(value).fillna(False).any()]
    if name == "route":
        found = {part for value in column.dropna() for part in str(value).split(";")}
    else:
        found = set(column.dropna())
    return [code for code in allowed_values(name) if code in found]


def _options(name: str, trials: pd.DataFrame) -> list[tuple[str, object]]:
    codes = present_values(trials, name)
    if name == "disease_area":
        pairs = [(DISEASES[code], code) for code in codes]
    elif name == "randomised":
        pairs = [("yes" if code else "no", code) for code in codes]
    else:
        pairs = [(label(name, code), code) for code in codes]
    return [("any", ANY), *pairs]


def make_widget(trials: pd.DataFrame, arms: pd.DataFrame, **example: object) -> layout.LiveWidget:
    """Drop-down lists for every filter (set to `example`), the matching trials below.

    Live in JupyterLab; in the HTML book, the table for the example (see `layout.LiveWidget`).
    """
    import ipywidgets as widgets

    chosen = normalise_filters(example)
    # Offer only what the chapter's trials hold: its disease's trials when the example names one.
    offered = filter_trials(trials, disease_area=chosen.get("disease_area"))
    controls = {}
    for name, (_, words) in FILTERS.items():
        options, value = _options(name, offered), example.get(name, ANY)
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
#: Columns whose cells may hold several values (a study given by two routes: "intrathecal,
#: intravenous"): their drop-down list offers each value once, and matches a row holding it.
SPLIT_COLUMNS = {"Route": ", "}
#: Columns sorted by the number they start with ("72 (treated)" after "8"), not as text.
NUMERIC_COLUMNS = ("n total",)
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


def _header(column: str, width: str) -> str:
    kind = "list" if column in LIST_FILTER_COLUMNS else "text"
    split = f' data-mscbook-split="{SPLIT_COLUMNS[column]}"' if column in SPLIT_COLUMNS else ""
    return (
        f'<th scope="col" class="{width}" data-mscbook-filter="{kind}"{split}>'
        f"{html.escape(column)}</th>"
    )


def table_html(table: pd.DataFrame, caption: str) -> str:
    """`table` as an accessible HTML table with the marker class: a caption, column headers
    (with the kind of filter each column gets), every row, all text escaped, in a box that
    scrolls sideways (`mscbook.tables.BOX_CLASS`) with a width class per column."""
    esc = html.escape
    texts = {column: [cell_text(value) for value in table[column]] for column in table.columns}
    widths = {column: width_class([str(column), *texts[column]]) for column in table.columns}
    styles = {column: width_style([str(column), *texts[column]]) for column in table.columns}
    headers = "".join(
        _header(str(column), widths[column]).replace(">", styles[column] + ">", 1)
        for column in table.columns
    )
    body = []
    for position in range(len(table)):
        cells = []
        for column in table.columns:
            text = texts[column][position]
            order = f' data-order="{_sort_key(text)}"' if column in NUMERIC_COLUMNS else ""
            cells.append(f'<td class="{widths[column]}"{order}>{esc(text)}</td>')
        body.append(f"<tr>{''.join(cells)}</tr>")
    return (
        f'<div class="mscbook-trials">'
        f'<p class="mscbook-trials-help" hidden>{esc(HELP_TEXT)}</p>'
        f'<div class="{BOX_CLASS}" role="region" tabindex="0" aria-label="{esc(caption)}">'
        f'<table class="{TABLE_CLASS}"><caption>{esc(caption)}</caption>'
        f"<thead><tr>{headers}</tr></thead><tbody>{''.join(body)}</tbody></table></div></div>"
    )


def static_table(trials: pd.DataFrame, arms: pd.DataFrame, disease: str) -> TrialsTable:
    """The disease's trials (every row of `trials_table`) as a table the HTML book lets the reader
    search, sort and filter without a kernel and offline.

    The HTML is a plain table (readable without JavaScript and in JupyterLab) marked with
    `TABLE_CLASS`; the build adds DataTables, served from the site itself, to the pages that
    contain one (`mscbook.build.explorer`).
    """
    table = explorer_table(trials, arms, disease).reset_index(drop=True)
    caption = f"{DISEASES[disease]}: {len(table)} trials, each with its design."
    return TrialsTable(table, table_html(table, caption))


def show_explorer(
    trials: pd.DataFrame,
    arms: pd.DataFrame,
    disease: str,
    columns: Iterable[str],
    **example: object,
) -> None:
    """A disease chapter's whole explorer, in order: every trial of `disease` as the searchable
    table (`static_table`); the trials that match the `example` filters, as `explore` returns
    them, cut to `columns`; and the drop-down form set to the same example (`make_widget`).

    The example's disease is `disease` (a different `disease_area` is refused). Displays the
    three outputs and returns nothing, so that the chapter's cell shows only them.
    """
    from IPython.display import display

    if example.setdefault("disease_area", disease) != disease:
        raise TrialFilterError(
            f"the example's disease_area {example['disease_area']!r} is not the chapter's "
            f"disease {disease!r}."
        )
    table = static_table(trials, arms, disease)
    found = explore(trials, arms, **example)
    if isinstance(found, pd.DataFrame):
        columns = list(columns)
        unknown = [column for column in columns if column not in found.columns]
        if unknown:
            raise TrialFilterError(
                f"unknown column(s) {unknown}; expected some of: {', '.join(found.columns)}."
            )
        matches = show(found[columns])
    else:  # no trial matches: the message that says which filters matched nothing
        matches = found
    form = make_widget(trials, arms, **example)
    for output in (table, matches, form):
        if isinstance(output, str):  # printed, so it reads as a sentence, not a quoted string
            print(output)
        else:
            display(output)
