"""Tissue comparison: two MSC sources side by side, each finding with the study behind it.

`compare_sources` is the pure model; `make_widget` puts two drop-downs in front of it.
"""

from __future__ import annotations

import html

import pandas as pd

from mscbook.figures.biology import TISSUE_LABELS, study_label

#: Plain-English names of the `msc_sources.parameter` codes.
PARAMETER_LABELS = {
    "colony_forming_cell_frequency": "Colony-forming cells",
    "isolation_success": "Isolation success",
    "doubling_time": "Population doubling time",
    "colony_forming_efficiency": "Colony-forming efficiency",
    "senescence_passage": "Passage at senescence",
    "proliferation": "Proliferation",
    "growth_and_colony_comparison": "Growth and colonies compared",
    "ageing_in_culture": "Ageing in culture",
    "cumulative_population_doublings": "Cumulative population doublings",
    "replicative_lifespan_doublings": "Doublings before senescence (lifespan)",
    "alp_positive_colony_frequency": "Osteoprogenitor colonies",
    "colonies_per_aspirate": "Colonies per aspirate",
    "aspirate_syringe_effect": "Aspirate syringe size",
    "recovery_after_thaw": "Recovery after thawing",
    "hla_class_ii_after_ifn_gamma": "HLA class II after IFN-γ",
    "tissue_factor_and_ibmir": "Tissue factor and blood reaction (IBMIR)",
    "in_vivo_tissue_formation": "Tissue formed in animals",
    "first_clinical_use": "First use in patients",
}

#: Findings that compare several tissues and bear on a property: where a tissue has no value of
#: its own, the comparison says what is known (the `tissues_compared` column says whom it covers).
RELATED_PARAMETERS = {
    "colony_forming_cell_frequency": {"colony_forming_efficiency", "growth_and_colony_comparison"},
    "colony_forming_efficiency": {"colony_forming_efficiency", "growth_and_colony_comparison"},
    "doubling_time": {"proliferation", "growth_and_colony_comparison"},
    "proliferation": {"proliferation", "growth_and_colony_comparison"},
    "cumulative_population_doublings": {"proliferation", "growth_and_colony_comparison"},
    "replicative_lifespan_doublings": {"proliferation"},
    "tissue_factor_and_ibmir": {"tissue_factor_and_ibmir"},
}
NO_VALUE = "No checked value for this tissue in the book's data"
#: Properties measured on one kind of sample only: other tissues are not missing a value.
SAMPLE_SPECIFIC = {
    "colonies_per_aspirate": "a marrow-aspirate measure",
    "aspirate_syringe_effect": "a marrow-aspirate measure",
    "alp_positive_colony_frequency": "a marrow-aspirate measure",
}


class SourceInputError(ValueError):
    """A choice the comparison cannot use: the message names the input and lists valid ones."""


def tissues_with_findings(sources: pd.DataFrame) -> list[str]:
    """Tissue codes that have at least one finding of their own (not 'several')."""
    present = set(sources["tissue"]) - {"several", "not_stated"}
    return [code for code in TISSUE_LABELS if code in present]


def describe(finding) -> str:
    """One finding as text: its value and unit (if measured), the finding, and the study."""
    study = study_label(finding.source)
    if pd.isna(finding.value_low):
        return f"{finding.finding} ({study})"
    value = f"{finding.value_low:g}"
    if pd.notna(finding.value_high):
        value += f"–{finding.value_high:g}"
    species = "" if finding.species == "human" else f", {finding.species.replace('_', ' ')}"
    return f"{value} {finding.unit} ({study}{species})"


def compare_sources(sources: pd.DataFrame, first: str, second: str) -> pd.DataFrame:
    """Side-by-side findings for tissues `first` and `second` (codes such as 'bone_marrow').

    One row per property that either tissue has a finding for; a cell lists every finding for
    that tissue and property (studies that disagree both appear). Where a tissue has none, the
    cell says so and names any study in the data that compared this tissue with others on a
    related property (`gap_note`): a gap in the book's data is not a gap in the evidence.
    Findings that compare several tissues at once are returned by `shared_findings`.
    Raises SourceInputError for an unknown tissue or the same tissue twice.
    """
    known = tissues_with_findings(sources)
    problems = []
    for name, value in (("first tissue", first), ("second tissue", second)):
        if value not in known:
            labels = ", ".join(f"'{code}' ({TISSUE_LABELS[code]})" for code in known)
            problems.append(
                f"{name}: {value!r} has no findings in msc_sources; choose one of {labels}."
            )
    if not problems and first == second:
        problems.append("second tissue: choose a different tissue from the first.")
    if problems:
        raise SourceInputError("\n".join(problems))
    rows = []
    for parameter, label in PARAMETER_LABELS.items():
        cells = []
        for tissue in (first, second):
            found = sources[(sources["tissue"] == tissue) & (sources["parameter"] == parameter)]
            cells.append("; ".join(describe(row) for row in found.itertuples()))
        if any(cells):
            notes = [gap_note(sources, tissue, parameter) for tissue in (first, second)]
            rows.append([label, *(cell or note for cell, note in zip(cells, notes, strict=True))])
    return pd.DataFrame(rows, columns=["Property", TISSUE_LABELS[first], TISSUE_LABELS[second]])


def gap_note(sources: pd.DataFrame, tissue: str, parameter: str) -> str:
    """What a comparison cell says when `tissue` has no finding of its own for `parameter`.

    It names the studies in the data that compared this tissue with others on a related
    property (listed in full under the table), or says that none in the data did.
    """
    if parameter in SAMPLE_SPECIFIC:
        return f"Not measured this way: {SAMPLE_SPECIFIC[parameter]}."
    related = RELATED_PARAMETERS.get(parameter, set())
    compared = sources[
        (sources["tissue"] == "several")
        & sources["parameter"].isin(related)
        & sources["tissues_compared"].fillna("").str.split(";").map(lambda codes: tissue in codes)
    ]
    if compared.empty:
        return f"{NO_VALUE}, and no study in it compares this tissue with others on this point."
    studies = sorted({study_label(key) for key in compared["source"]})
    ranks = [
        f"{phrase} ({study_label(row.source)})"
        for row in compared.itertuples()
        if (phrase := rank_phrase(row.tissue_ranking, tissue))
    ]
    ranked = f": {'; '.join(ranks)}" if ranks else ""
    return (
        f"{NO_VALUE}; compared with other tissues in {' and '.join(studies)}{ranked} "
        "(see the list below the table)."
    )


_ORDINALS = ["highest", "second", "third", "fourth", "fifth", "sixth"]


def rank_phrase(ranking: object, tissue: str) -> str:
    """Where `tissue` stands in a study's `tissue_ranking` ('a=b>c>d', highest first), in words:
    'highest of 4 tissues, tied with umbilical cord'. Empty if the study did not rank it."""
    if not isinstance(ranking, str) or not ranking:
        return ""
    groups = [group.split("=") for group in ranking.split(">")]
    total = sum(len(group) for group in groups)
    ahead = 0  # tissues ranked above: ties share a place, as in a sports table
    for place, group in enumerate(groups):
        if tissue not in group:
            ahead += len(group)
            continue
        word = "lowest" if place == len(groups) - 1 else _ORDINALS[ahead]
        phrase = f"{word} of {total} tissues"
        others = [TISSUE_LABELS.get(code, code) for code in group if code != tissue]
        return phrase + (f", tied with {' and '.join(others)}" if others else "")
    return ""


def shared_findings(sources: pd.DataFrame) -> list[str]:
    """Findings that compare several tissues in one study, as text with their study."""
    return [describe(row) for row in sources[sources["tissue"] == "several"].itertuples()]


def render_comparison(table: pd.DataFrame, shared: list[str]) -> str:
    head = "".join(f"<th scope='col'>{html.escape(name)}</th>" for name in table.columns)
    body = "".join(
        "<tr>"
        + f"<th scope='row'>{html.escape(row[0])}</th>"
        + "".join(f"<td>{html.escape(cell)}</td>" for cell in row[1:])
        + "</tr>"
        for row in table.itertuples(index=False)
    )
    notes = "".join(f"<li>{html.escape(text)}</li>" for text in shared)
    return (
        f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
        f"<p><strong>Studies that compared several tissues at once:</strong></p><ul>{notes}</ul>"
    )


def render_error(error: Exception) -> str:
    items = "".join(f"<li>{html.escape(line)}</li>" for line in str(error).splitlines())
    heading = "<p><strong>Please check these choices:</strong></p>"
    return f'<div role="alert">{heading}<ul>{items}</ul></div>'


def make_widget(sources: pd.DataFrame, first: str = "bone_marrow", second: str = "placenta"):
    """Two drop-downs (tissues) and the comparison table, updated on every change."""
    import ipywidgets as widgets

    from mscbook.widgets import layout

    options = [(TISSUE_LABELS[code], code) for code in tissues_with_findings(sources)]
    first_box = layout.dropdown(options, first, "First tissue")
    second_box = layout.dropdown(options, second, "Second tissue")
    report = widgets.HTML()
    shared = shared_findings(sources)

    def update(_change=None) -> None:
        try:
            report.value = render_comparison(
                compare_sources(sources, first_box.value, second_box.value), shared
            )
        except SourceInputError as error:
            report.value = render_error(error)

    for box in (first_box, second_box):
        box.observe(update, names="value")
    update()
    box = layout.form(
        [("Tissues to compare", [first_box, second_box])],
        report,
        hint="The table below updates when you pick another tissue.",
    )
    return layout.LiveWidget(box, report.value)
