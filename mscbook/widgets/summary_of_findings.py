"""Summary of findings: choose a disease area and an outcome, see its effect, evidence and
certainty with the reasons for each downgrade.

The table itself is `mscbook.certainty.summary_of_findings` (pure, tested); this module only
renders the chosen rows as the book's table (`mscbook.tables.show`: words, sources as linked
citations) and wires two drop-downs to it. In the HTML book, where no kernel runs,
the widget shows every outcome at once (the whole table), never dead controls.
"""

from __future__ import annotations

import html

import pandas as pd

from mscbook.certainty import sof_for_readers
from mscbook.tables import DISEASES, show

#: What the HTML book says under the table it shows in place of the form.
STATIC_NOTE = (
    "This shows every rated outcome. To choose one disease and outcome at a time, open this "
    "chapter in JupyterLab (<code>make lab</code>), where the form is live."
)


class SummaryInputError(ValueError):
    """A choice the table cannot show: the message names the input and lists valid ones."""


def choose(sof: pd.DataFrame, disease: str, sof_id: str | None = None) -> pd.DataFrame:
    """The rows of `sof` for `disease` (a disease code, or 'all'), narrowed to `sof_id` if given.
    Raises SummaryInputError for a disease or outcome the table does not hold."""
    diseases = list(dict.fromkeys(sof["disease_area"]))
    if disease != "all" and disease not in diseases:
        raise SummaryInputError(
            f"disease: {disease!r} has no rated outcome; choose 'all' or one of "
            f"{', '.join(diseases)}."
        )
    rows = sof if disease == "all" else sof[sof["disease_area"] == disease]
    if sof_id is None:
        return rows
    if sof_id not in set(rows["sof_id"]):
        raise SummaryInputError(
            f"outcome: {sof_id!r} is not rated for this disease; choose one of "
            f"{', '.join(rows['sof_id'])}."
        )
    return rows[rows["sof_id"] == sof_id]


#: The caption of the table the widget shows.
CAPTION = "Summary of findings"


def render(rows: pd.DataFrame) -> str:
    """The chosen rows as the book's table (`tables.show`), one row an outcome: question,
    disease area, evidence, effect, absolute effect per arm, certainty, why, who rated it and
    the source as a linked citation."""
    table = sof_for_readers(rows)
    table.insert(1, "Disease area", rows["disease_area"].map(DISEASES).to_numpy())
    return show(table, caption=CAPTION).html


def render_error(error: Exception) -> str:
    return (
        f'<div role="alert"><p><strong>Please check:</strong> {html.escape(str(error))}</p></div>'
    )


def make_widget(sof: pd.DataFrame, disease: str = "all"):
    """Two drop-downs (disease area, outcome) and the chosen summary of findings."""
    import ipywidgets as widgets

    from mscbook.widgets import layout

    disease_options = [("All disease areas", "all")] + [
        (DISEASES[code], code) for code in dict.fromkeys(sof["disease_area"])
    ]
    disease_box = layout.dropdown(disease_options, disease, "Disease area")

    def outcome_options(code: str) -> list[tuple[str, object]]:
        rows = choose(sof, code)
        return [("Every outcome", None)] + list(zip(rows["question"], rows["sof_id"], strict=True))

    outcome_box = layout.dropdown(outcome_options(disease), None, "Outcome")
    report = widgets.HTML()

    def update(_change=None) -> None:
        try:
            report.value = render(choose(sof, disease_box.value, outcome_box.value))
        except SummaryInputError as error:
            report.value = render_error(error)

    def new_disease(_change=None) -> None:
        outcome_box.options = outcome_options(disease_box.value)
        outcome_box.value = None
        update()

    disease_box.observe(new_disease, names="value")
    outcome_box.observe(update, names="value")
    update()
    box = layout.form(
        [("What to show", [disease_box, outcome_box])],
        report,
        hint="The summary below updates when you choose another disease or outcome.",
    )
    return layout.LiveWidget(box, render(choose(sof, "all")), note=STATIC_NOTE)
