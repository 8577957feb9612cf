"""ISCT checker: does a cell population meet the 2006 ISCT minimal criteria for MSCs?

`evaluate_sample` is the pure model; `make_widget` puts a form in front of it.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace

import pandas as pd

from mscbook.widgets import inputs, layout

LINEAGE_LABELS = {
    "osteoblast": "osteoblasts",
    "adipocyte": "adipocytes",
    "chondroblast": "chondroblasts",
}


class IsctInputError(ValueError):
    """An input the checker cannot judge: the message says which input and why."""


@dataclass(frozen=True)
class CriterionCheck:
    criterion_id: str
    requirement: str
    passed: bool
    reason: str


@dataclass(frozen=True)
class IsctResult:
    checks: tuple[CriterionCheck, ...]

    @property
    def meets_criteria(self) -> bool:
        return all(check.passed for check in self.checks)

    @property
    def failed(self) -> list[str]:
        return [check.criterion_id for check in self.checks if not check.passed]

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame([check.__dict__ for check in self.checks])


def parse_percentage(value: object, label: str) -> float:
    """A percentage of cells from a number or text; IsctInputError if it is not one."""
    number = inputs.parse_number(
        value,
        label,
        error=IsctInputError,
        expected="a percentage between 0 and 100",
        hint="type a percentage such as 97.5",
        normalise=lambda text: text.strip().rstrip("%").strip(),
    )
    if not 0 <= number <= 100:
        raise IsctInputError(
            f"{label}: {number:g}% is outside 0–100; a percentage of cells must lie in that range."
        )
    return number


def marker_criteria(criteria: pd.DataFrame) -> pd.DataFrame:
    return criteria[criteria["category"] == "surface_marker"]


#: Why a licensed batch fails the HLA-DR criterion (shown with the failure, not instead of it):
#: IFN-gamma induces HLA class II on MSCs (Le Blanc 2003, data/msc_sources.csv), while the 2006
#: thresholds describe unstimulated cells and were set to exclude contaminating immune cells.
LICENSED_NOTE = (
    "This batch was licensed with IFN-γ before testing. IFN-γ makes MSCs express HLA class II "
    "(HLA-DR), so a licensed batch exceeds this limit even when it contains no other cell type: "
    "the 2006 criteria describe unstimulated cells. Test identity before licensing, or report "
    "the licensed phenotype as a separate, stated attribute. HLA-DR also varies in unlicensed "
    "clinical batches without loss of function (Grau-Vorster 2019), so it is better read as "
    "information than as a verdict."
)
LICENSED_CRITERIA = {"hla_dr"}


def evaluate_sample(
    criteria: pd.DataFrame,
    percent_positive: Mapping[str, object],
    lineages_shown: Iterable[str],
    plastic_adherent: bool,
    licensed: bool = False,
) -> IsctResult:
    """Judge a sample against each criterion in `criteria` (the `isct_criteria` table).

    `percent_positive` maps each surface-marker criterion's `criterion_id` (e.g. "cd105") to the %
    of cells positive for it; `lineages_shown` lists the lineages differentiation was shown for;
    `licensed` says the cells were exposed to IFN-γ before testing: the verdict is the same (the
    2006 rule does not bend), but a failed HLA-DR criterion then explains why it failed.
    Raises IsctInputError naming every unusable input.
    """
    markers = marker_criteria(criteria)
    known_lineages = set(criteria["lineage"].dropna())
    shown = set(lineages_shown)
    problems = [
        f"unknown lineage '{name}'; expected one of: {', '.join(sorted(known_lineages))}."
        for name in sorted(shown - known_lineages)
    ]
    unknown_markers = set(percent_positive) - set(markers["criterion_id"])
    problems += [f"unknown marker criterion '{name}'." for name in sorted(unknown_markers)]
    values: dict[str, float] = {}
    for row in markers.itertuples():
        if row.criterion_id not in percent_positive:
            problems.append(f"{row.marker}: no value given.")
            continue
        try:
            values[row.criterion_id] = parse_percentage(
                percent_positive[row.criterion_id], row.marker
            )
        except IsctInputError as error:
            problems.append(str(error))
    if not isinstance(plastic_adherent, bool):
        problems.append(f"plastic adherence must be True or False, got {plastic_adherent!r}.")
    if not isinstance(licensed, bool):
        problems.append(f"licensed must be True or False, got {licensed!r}.")
    if problems:
        raise IsctInputError("\n".join(problems))
    checks = [_check(row, values, shown, plastic_adherent) for row in criteria.itertuples()]
    if licensed:
        checks = [
            replace(check, reason=f"{check.reason} {LICENSED_NOTE}")
            if check.criterion_id in LICENSED_CRITERIA and not check.passed
            else check
            for check in checks
        ]
    return IsctResult(tuple(checks))


def _check(row, values: dict[str, float], shown: set[str], adherent: bool) -> CriterionCheck:
    if row.category == "surface_marker":
        value, threshold = values[row.criterion_id], row.threshold_percent
        if row.direction == "positive":
            passed = value >= threshold
            required = f"at least {threshold:g}% required"
            reason = f"{value:g}% of cells are positive for {row.marker}; {required}."
        else:
            passed = value <= threshold
            allowed = f"at most {threshold:g}% allowed"
            reason = f"{value:g}% of cells are positive for {row.marker}; {allowed}."
    elif row.category == "differentiation":
        passed = row.lineage in shown
        lineage = LINEAGE_LABELS.get(row.lineage, row.lineage)
        reason = (
            f"Differentiation to {lineage} was shown."
            if passed
            else f"Differentiation to {lineage} was not shown."
        )
    else:
        passed = adherent
        reason = "The cells adhere to plastic." if passed else "The cells do not adhere to plastic."
    return CriterionCheck(row.criterion_id, row.requirement, bool(passed), reason)


def render_result(result: IsctResult) -> str:
    """The verdict and a table of criteria as HTML (what the widget shows)."""
    verdict = (
        "Meets all the ISCT minimal criteria."
        if result.meets_criteria
        else f"Does not meet the ISCT minimal criteria: {len(result.failed)} failed."
    )
    rows = "".join(
        f"<tr><td>{html.escape(check.requirement)}</td>"
        f"<td>{'✔ pass' if check.passed else '✘ fail'}</td>"
        f"<td>{html.escape(check.reason)}</td></tr>"
        for check in result.checks
    )
    return (
        f'<p class="mscbook-verdict"><strong>{html.escape(verdict)}</strong></p>'
        "<table><thead><tr><th>Criterion</th><th>Result</th><th>Why</th></tr></thead>"
        f"<tbody>{rows}</tbody></table>"
    )


def render_error(error: Exception) -> str:
    items = "".join(f"<li>{html.escape(line)}</li>" for line in str(error).splitlines())
    heading = "<p><strong>Please check these inputs:</strong></p>"
    return f'<div role="alert">{heading}<ul>{items}</ul></div>'


def make_widget(
    criteria: pd.DataFrame,
    example_percent: Mapping[str, object],
    example_lineages: Iterable[str],
    example_adherent: bool = True,
    example_licensed: bool = False,
) -> layout.LiveWidget:
    """A form for the checker, filled with an example; the report updates on every change.

    Live in JupyterLab; in the HTML book, the report for the example (see `layout.LiveWidget`).
    """
    import ipywidgets as widgets

    markers = marker_criteria(criteria)
    marker_inputs = {
        row.criterion_id: layout.text_input(
            example_percent[row.criterion_id], f"{row.marker} (% +)"
        )
        for row in markers.itertuples()
    }
    lineage_inputs = {
        lineage: layout.checkbox(
            lineage in set(example_lineages), f"Differentiates to {LINEAGE_LABELS[lineage]}"
        )
        for lineage in criteria["lineage"].dropna()
    }
    adherent_input = layout.checkbox(example_adherent, "Adheres to plastic")
    licensed_input = layout.checkbox(example_licensed, "Licensed with IFN-γ before testing")
    report = widgets.HTML()

    def update(_change=None) -> None:
        try:
            result = evaluate_sample(
                criteria,
                {key: box.value for key, box in marker_inputs.items()},
                [name for name, box in lineage_inputs.items() if box.value],
                adherent_input.value,
                licensed_input.value,
            )
            report.value = render_result(result)
        except IsctInputError as error:
            report.value = render_error(error)

    for control in [
        *marker_inputs.values(),
        *lineage_inputs.values(),
        adherent_input,
        licensed_input,
    ]:
        control.observe(update, names="value")
    update()
    box = layout.form(
        [
            ("Flow cytometry: % of cells positive", list(marker_inputs.values())),
            (
                "Culture and differentiation",
                [adherent_input, *lineage_inputs.values(), licensed_input],
            ),
        ],
        report,
    )
    return layout.LiveWidget(box, report.value)


def simulate_flow_report(
    criteria: pd.DataFrame, seed: int, out_of_range: Iterable[str] = ()
) -> dict[str, float]:
    """A SIMULATED flow-cytometry report (% positive per marker criterion) for teaching.

    Values are drawn with a seeded generator: inside each criterion's allowed range, except the
    criteria named in `out_of_range`, which are drawn just outside it. Not measured data.
    """
    import numpy as np

    generator = np.random.default_rng(seed)
    markers = marker_criteria(criteria)
    outside = set(out_of_range)
    unknown = outside - set(markers["criterion_id"])
    if unknown:
        raise ValueError(f"unknown marker criteria: {', '.join(sorted(unknown))}")
    report = {}
    for row in markers.itertuples():
        threshold = float(row.threshold_percent)
        if row.direction == "positive":
            low, high = (
                (threshold - 10.0, threshold - 0.5)
                if row.criterion_id in outside
                else (threshold + 0.5, 100.0)
            )
        else:
            low, high = (
                (threshold + 0.5, threshold + 8.0)
                if row.criterion_id in outside
                else (0.0, threshold - 0.5)
            )
        value = generator.uniform(max(low, 0.0), min(high, 100.0))
        report[row.criterion_id] = round(float(value), 1)
    return report


def licensed_batch_report(
    criteria: pd.DataFrame, sources: pd.DataFrame, seed: int
) -> dict[str, float]:
    """A SIMULATED flow report of a batch licensed with IFN-γ before testing, for teaching.

    Every marker is drawn inside its range (`simulate_flow_report`) except HLA-DR, set to the share
    of MSCs that expressed HLA class II after 48 h of IFN-γ in Le Blanc 2003 (`msc_sources` row
    `leblanc2003_hla_class_ii`, a lower bound: "more than 90%").
    """
    report = simulate_flow_report(criteria, seed)
    row = sources.set_index("finding_id").loc["leblanc2003_hla_class_ii"]
    report["hla_dr"] = float(row["value_low"])
    return report
