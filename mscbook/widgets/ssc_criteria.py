"""The 2013 ACR/EULAR classification criteria for systemic sclerosis: tick the items, get the score.

`score_patient` is the pure model (items and weights from `data/ssc_criteria.csv`); `make_widget`
puts a form of checkboxes in front of it. Classification criteria decide who enters a study; they
are not a diagnosis, and every result says so.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import pandas as pd

from mscbook.widgets import layout

NOT_DIAGNOSIS = (
    "Classification is not diagnosis: the criteria decide which patients enter studies. They do "
    "not apply when the skin thickening spares the fingers or when another disorder better "
    "explains the findings, and a diagnosis is a clinician's judgement."
)

DOMAIN_LABELS = {
    "skin_proximal_to_mcp": "Skin thickening proximal to the MCP joints",
    "skin_fingers": "Skin thickening of the fingers",
    "fingertip_lesions": "Fingertip lesions",
    "telangiectasia": "Telangiectasia",
    "nailfold_capillaries": "Abnormal nailfold capillaries",
    "lung": "Pulmonary arterial hypertension and/or interstitial lung disease",
    "raynaud": "Raynaud's phenomenon",
    "autoantibodies": "SSc-related autoantibodies",
}


class CriteriaInputError(ValueError):
    """Input the score cannot use: the message names each bad item and says what is allowed."""


@dataclass(frozen=True)
class DomainScore:
    domain: str
    items_present: tuple[str, ...]
    points: int
    counted_item: str | None


@dataclass(frozen=True)
class ClassificationResult:
    """The score of one patient: per-domain points, the total and the verdict."""

    domains: tuple[DomainScore, ...]
    total: int
    threshold: int
    sufficient_item: str | None

    @property
    def classified(self) -> bool:
        return self.total >= self.threshold

    @property
    def verdict(self) -> str:
        if self.sufficient_item is not None:
            return (
                f"Classified as systemic sclerosis: skin thickening of the fingers of both hands "
                f"extending proximal to the MCP joints is sufficient on its own "
                f"({self.total} points; {self.threshold} needed)."
            )
        if self.classified:
            return (
                f"Classified as systemic sclerosis: {self.total} points "
                f"(at least {self.threshold} needed)."
            )
        return (
            f"Not classified as systemic sclerosis: {self.total} points "
            f"(at least {self.threshold} needed)."
        )

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame(
            {
                "Domain": [DOMAIN_LABELS.get(d.domain, d.domain) for d in self.domains],
                "Items ticked": [len(d.items_present) for d in self.domains],
                "Points counted": [d.points for d in self.domains],
            }
        )


def _threshold(criteria: pd.DataFrame) -> int:
    thresholds = set(criteria["classification_threshold"])
    if len(thresholds) != 1:  # the data table promises one value; say so if it breaks
        raise ValueError(
            f"ssc_criteria: classification_threshold differs between rows: {thresholds}"
        )
    return int(thresholds.pop())


def _present_items(criteria: pd.DataFrame, items: object) -> set[str]:
    """The ticked item ids, or CriteriaInputError naming every bad one."""
    known = list(criteria["item_id"])
    if isinstance(items, Mapping):
        bad = [
            f"{key!r}: expected True or False, got {type(value).__name__} ({value!r})."
            for key, value in items.items()
            if not isinstance(value, bool)
        ]
        unknown = [key for key in items if key not in known]
        present = {key for key, value in items.items() if value is True}
    elif isinstance(items, str) or not isinstance(items, Iterable):
        raise CriteriaInputError(
            f"items: expected a list of item ids (or a mapping of item id to True/False), got "
            f"{type(items).__name__} ({items!r})."
        )
    else:
        items = list(items)
        bad = [
            f"{item!r}: expected an item id (text), got {type(item).__name__}."
            for item in items
            if not isinstance(item, str)
        ]
        unknown = [item for item in items if isinstance(item, str) and item not in known]
        present = {item for item in items if isinstance(item, str)}
    problems = [f"unknown item {item!r}; expected one of: {', '.join(known)}." for item in unknown]
    problems += bad
    if problems:
        raise CriteriaInputError("\n".join(problems))
    return present


def score_patient(criteria: pd.DataFrame, items: object) -> ClassificationResult:
    """Score a patient on the 2013 ACR/EULAR criteria (`criteria` = the `ssc_criteria` table).

    `items` lists the item ids present (or maps each item id to True/False). Within a domain only
    the highest-weighted item present counts; a `sufficient` item classifies on its own.
    Raises CriteriaInputError naming each unknown item or value of the wrong type.
    """
    present = _present_items(criteria, items)
    threshold = _threshold(criteria)
    domains = []
    for domain, rows in criteria.groupby("domain", sort=False):
        ticked = rows[rows["item_id"].isin(present)]
        if ticked.empty:
            domains.append(DomainScore(str(domain), (), 0, None))
            continue
        best = ticked.loc[ticked["points"].idxmax()]
        domains.append(
            DomainScore(
                str(domain), tuple(ticked["item_id"]), int(best["points"]), str(best["item_id"])
            )
        )
    sufficient = criteria[criteria["sufficient"].astype(bool) & criteria["item_id"].isin(present)]
    sufficient_item = None if sufficient.empty else str(sufficient["item_id"].iloc[0])
    # Domains add up; the sufficient item's own weight (9) already reaches the threshold.
    total = sum(domain.points for domain in domains)
    return ClassificationResult(tuple(domains), total, threshold, sufficient_item)


def render_result(result: ClassificationResult) -> str:
    """The verdict, the points per domain and the not-a-diagnosis notice, as HTML."""
    rows = "".join(
        f"<tr><td>{html.escape(DOMAIN_LABELS.get(d.domain, d.domain))}</td><td>{d.points}</td></tr>"
        for d in result.domains
    )
    return (
        f'<p class="mscbook-verdict"><strong>{html.escape(result.verdict)}</strong></p>'
        "<table><thead><tr><th>Domain (highest item counts)</th><th>Points</th></tr></thead>"
        f"<tbody>{rows}<tr><td><strong>Total</strong></td><td><strong>{result.total}"
        "</strong></td></tr></tbody></table>"
        f'<p role="note"><em>{html.escape(NOT_DIAGNOSIS)}</em></p>'
    )


def render_error(error: Exception) -> str:
    items = "".join(f"<li>{html.escape(line)}</li>" for line in str(error).splitlines())
    heading = "<p><strong>Please check these inputs:</strong></p>"
    return f'<div role="alert">{heading}<ul>{items}</ul></div>'


def make_widget(criteria: pd.DataFrame, example_items: Iterable[str] = ()) -> layout.LiveWidget:
    """A checkbox per item, grouped by domain, ticked as in `example_items`; the score updates on
    every tick. Live in JupyterLab; in the HTML book, the result for the example."""
    import ipywidgets as widgets

    example = set(example_items)
    boxes = {
        row.item_id: layout.checkbox(row.item_id in example, f"{row.item} ({row.points})")
        for row in criteria.itertuples()
    }
    report = widgets.HTML()

    def update(_change=None) -> None:
        try:
            result = score_patient(criteria, {key: box.value for key, box in boxes.items()})
            report.value = render_result(result)
        except CriteriaInputError as error:
            report.value = render_error(error)

    for box in boxes.values():
        box.observe(update, names="value")
    update()
    sections = [
        (DOMAIN_LABELS.get(domain, domain), [boxes[item] for item in rows["item_id"]])
        for domain, rows in criteria.groupby("domain", sort=False)
    ]
    form = layout.form(sections, report, hint="The score below updates when you tick a box.")
    return layout.LiveWidget(form, report.value)
