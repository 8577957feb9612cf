"""Dose planner: how many cells a dosing plan needs, and how long a culture takes to make them.

`plan_dose` is the pure model; `make_widget` puts a form in front of it.

The growth model is a **teaching model**, not a manufacturing protocol: real cultures have a lag
after seeding, slow down as they age and lose cells at every harvest and thaw (see
`plan_dose`'s docstring for the full list of assumptions).
"""

from __future__ import annotations

import html
import math
from dataclasses import dataclass, field, replace

from mscbook.widgets import inputs

DOSE_UNITS = {
    "cells/kg": "cells per kg of body weight, per injection",
    "cells": "cells per injection (a fixed dose, whatever the weight)",
}

#: Bounds on each input: (lowest allowed, highest allowed, what the input is, its unit). Values
#: outside them are rejected as typing mistakes. They are sanity bounds, not clinical limits:
#: the highest doses in the book's trials (data/trial_arms.csv) are a few ×10^6 cells/kg and a few
#: ×10^9 cells per injection, and the upper bounds sit far above them.
BOUNDS = {
    "weight_kg": (1.0, 300.0, "patient weight", "kg"),
    "dose_per_kg": (1e3, 1e8, "dose per kg", "cells/kg"),
    "dose_fixed": (1e3, 1e11, "fixed dose", "cells"),
    "injections": (1, 100, "injections per patient", ""),
    "patients": (1, 10_000, "number of patients", ""),
    "starting_cells": (1.0, 1e11, "starting cells", "cells"),
    "doubling_time_hours": (1.0, 2000.0, "doubling time", "hours"),
    "max_doublings": (1.0, 100.0, "maximum population doublings", ""),
    "split_ratio": (1.5, 20.0, "split ratio", ""),
    "aspirate_ml": (0.5, 1000.0, "aspirate volume", "mL"),
    "nucleated_cells_per_ml": (1e5, 1e9, "nucleated cells per mL of aspirate", "cells/mL"),
    "colony_percent": (1e-6, 10.0, "colony-forming cells", "% of nucleated cells"),
    "blood_dilution": (1.0, 100.0, "blood dilution of the aspirate", "-fold"),
    "release_limit": (1.0, 100.0, "release limit", "doublings"),
}
INTEGER_INPUTS = {"injections", "patients"}


#: The finding in data/msc_sources.csv that gives the planner its default doubling limit: adult
#: marrow MSCs grown until they stopped dividing (Bruder 1997, 38 +/- 4 doublings). It is a
#: replicative lifespan, the end of the road, not a safe release limit; products are released
#: well before it. tests/test_widgets_dose.py checks that DEFAULT_MAX_DOUBLINGS equals the data.
LIFESPAN_FINDING = "bruder1997_lifespan_bm"
DEFAULT_MAX_DOUBLINGS = 38.0


class DoseInputError(ValueError):
    """Inputs the planner cannot use: the message names each input and says why."""


@dataclass(frozen=True)
class DosePlan:
    """What `plan_dose` returns. Cell numbers are counts of cells; time is in days."""

    cells_per_injection: float
    cells_per_patient: float
    total_cells: float
    expansion_fold: float
    doublings: float
    passages: int
    culture_days: float
    max_doublings: float
    warnings: tuple[str, ...] = field(default=())
    starting_cells: float | None = None
    starting_note: str = ""
    release_limit: float | None = None

    @property
    def exceeds_doubling_limit(self) -> bool:
        return self.doublings > self.max_doublings

    @property
    def lifespan_used(self) -> float:
        """Share of the lifespan (`max_doublings`) the plan spends, 0.34 for 34%. Senescence is
        the end of the road: colony-forming and differentiation capacity and blood compatibility
        fall long before it, so a small share does not make a plan safe."""
        return self.doublings / self.max_doublings


def parse_number(value: object, name: str) -> float:
    """A finite number from a number or text such as '2e6' or '2 000 000'; DoseInputError if not.

    `name` is the key of the input in `BOUNDS`; the message uses its plain-English label.
    """
    return inputs.parse_number(value, BOUNDS[name][2], error=DoseInputError, normalise=_digits_only)


def _digits_only(text: str) -> str:
    return text.strip().replace(",", "").replace(" ", "").replace("×10^", "e")


def _checked_all(raw: dict[str, object]) -> dict[str, float]:
    """Every input checked (`_checked`); one error listing every bad input, not just the first."""
    values: dict[str, float] = {}
    problems: list[str] = []
    for name, value in raw.items():
        try:
            values[name] = _checked(value, name)
        except DoseInputError as error:
            problems.append(str(error))
    if problems:
        raise DoseInputError("\n".join(problems))
    return values


def _checked(value: object, name: str) -> float:
    number = parse_number(value, name)
    low, high, label, unit = BOUNDS[name]
    shown_unit = f" {unit}" if unit else ""
    if number <= 0:
        raise DoseInputError(f"{label}: must be more than zero (got {number:g}{shown_unit}).")
    if name in INTEGER_INPUTS and number != int(number):
        raise DoseInputError(f"{label}: must be a whole number (got {number:g}).")
    if not low <= number <= high:
        raise DoseInputError(
            f"{label}: {number:g}{shown_unit} is outside the range this planner accepts "
            f"({low:g}–{high:g}{shown_unit}); check the number of zeros."
        )
    return number


def plan_dose(
    dose: object,
    dose_unit: str = "cells/kg",
    weight_kg: object = 70,
    injections: object = 1,
    patients: object = 1,
    starting_cells: object = 1e7,
    doubling_time_hours: object = 48,
    max_doublings: object = DEFAULT_MAX_DOUBLINGS,
    split_ratio: object = 3,
    release_limit: object = None,
) -> DosePlan:
    """Cells needed for a dosing plan, and the culture needed to grow them from `starting_cells`.

    Inputs: `dose` in cells (not millions) per kg or per injection (`dose_unit` "cells/kg" or
    "cells"); `weight_kg` (used only for cells/kg); `injections` per patient; `patients`;
    `starting_cells` at the start of expansion; `doubling_time_hours`; `max_doublings`, the
    replicative lifespan (doublings until the cells stop dividing); `split_ratio` N for a 1:N
    split at each passage; `release_limit`, optional, a cap on doublings at release (None or blank
    when there is no checked value, the default: this book has none). Numbers may be given as
    text ('2e6').

    Model (a teaching model, not a manufacturing protocol):
    - total cells = dose × (weight, for cells/kg) × injections × patients, all from **one batch**
      grown from `starting_cells` (an allogeneic bank; for autologous cells, plan one patient);
    - growth is **exponential** with a constant doubling time: doublings = log2(total / start),
      days = doublings × doubling time / 24 (no lag after seeding, no slowing with age);
    - every passage splits 1:N and the culture regrows to confluence, so each passage gives
      log2(N) doublings: passages = ceil(doublings / log2(N));
    - **no cells are lost**: none at harvest, cryopreservation, thawing, release testing or
      retained samples, and no batch fails release (real plans add an overage for these).

    Raises DoseInputError naming every unusable input. The result's `warnings` say when the plan
    needs more doublings than `max_doublings` or `release_limit`, or needs no expansion at all.
    """
    if dose_unit not in DOSE_UNITS:
        raise DoseInputError(
            f"dose unit: {dose_unit!r} is not one of {', '.join(map(repr, DOSE_UNITS))}."
        )
    per_kg = dose_unit == "cells/kg"
    raw = {
        "dose_per_kg" if per_kg else "dose_fixed": dose,
        "injections": injections,
        "patients": patients,
        "starting_cells": starting_cells,
        "doubling_time_hours": doubling_time_hours,
        "max_doublings": max_doublings,
        "split_ratio": split_ratio,
    }
    if per_kg:
        raw["weight_kg"] = weight_kg
    if not _blank(release_limit):
        raw["release_limit"] = release_limit
    values = _checked_all(raw)

    per_injection = values["dose_per_kg"] * values["weight_kg"] if per_kg else values["dose_fixed"]
    per_patient = per_injection * values["injections"]
    total = per_patient * values["patients"]
    fold = total / values["starting_cells"]
    doublings = max(0.0, math.log2(fold))
    passages = math.ceil(doublings / math.log2(values["split_ratio"]) - 1e-9) if doublings else 0
    days = doublings * values["doubling_time_hours"] / 24
    warnings = []
    if doublings > values["max_doublings"]:
        warnings.append(
            f"The plan needs {doublings:.1f} population doublings, more than the "
            f"{values['max_doublings']:g} these cells manage before they stop dividing: start "
            "from more cells, treat fewer patients per batch, or lower the dose."
        )
    release = values.get("release_limit")
    if release is not None and doublings > release:
        warnings.append(
            f"The plan needs {doublings:.1f} population doublings, more than the release limit "
            f"of {release:g} you entered: the cells would be older than the product allows."
        )
    if fold <= 1:
        warnings.append(
            "The starting cells already cover the plan: no expansion is needed (a real product "
            "would still be cultured to select and test the cells)."
        )
    return DosePlan(
        starting_cells=values["starting_cells"],
        cells_per_injection=per_injection,
        cells_per_patient=per_patient,
        total_cells=total,
        expansion_fold=fold,
        doublings=doublings,
        passages=passages,
        culture_days=days,
        max_doublings=values["max_doublings"],
        warnings=tuple(warnings),
        release_limit=release,
    )


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def colony_forming_cells(
    aspirate_ml: object,
    nucleated_cells_per_ml: object,
    colony_percent: object,
    blood_dilution: object = 1,
) -> float:
    """Colony-forming cells in a marrow aspirate: volume × nucleated cells per mL × frequency
    ÷ `blood_dilution`.

    `colony_percent` is the colony-forming cells as a % of nucleated cells (the unit of
    `msc_sources`: 0.0323 means 32.3 per 10^5). Each colony grows from one cell, so this is the
    number of cells the culture really starts from. The book's cell count per mL comes from 1-4
    mL draws (Muschler 1997); large draws are diluted with peripheral blood, which lowers both the
    count per mL and the colony-forming share of nucleated cells, so with `blood_dilution` 1 the
    result is an UPPER BOUND, fair only for many small (<= 2 mL) draws from several sites.
    `blood_dilution` (>= 1) divides the result. Raises DoseInputError naming bad inputs.
    """
    raw = {
        "aspirate_ml": aspirate_ml,
        "nucleated_cells_per_ml": nucleated_cells_per_ml,
        "colony_percent": colony_percent,
        "blood_dilution": blood_dilution,
    }
    values = _checked_all(raw)
    founders = values["aspirate_ml"] * values["nucleated_cells_per_ml"] * values["colony_percent"]
    return founders / 100 / values["blood_dilution"]


def plan_from_aspirate(
    dose: object,
    dose_unit: str = "cells/kg",
    aspirate_ml: object = None,
    nucleated_cells_per_ml: object = None,
    colony_percent: object = None,
    blood_dilution: object = 1,
    **plan: object,
) -> DosePlan:
    """`plan_dose` starting from a marrow aspirate instead of a count of cultured cells.

    The starting cells are the aspirate's colony-forming cells (`colony_forming_cells`, an upper
    bound unless `blood_dilution` is set), so the doublings counted run from the founding cells.
    Whether a published lifespan (Bruder 1997's 38) also counts the doublings of primary colony
    growth is not stated in its abstract; if it does not, the true margin is smaller. Other
    keyword arguments go to `plan_dose` (weight_kg, injections, ...). Raises DoseInputError
    naming every unusable input.
    """
    if "starting_cells" in plan:
        raise DoseInputError(
            "starting cells: not an input here; the aspirate's colony-forming cells are the start."
        )
    problems: list[str] = []
    start = None
    try:
        start = colony_forming_cells(
            aspirate_ml, nucleated_cells_per_ml, colony_percent, blood_dilution
        )
    except DoseInputError as error:
        problems.append(str(error))
    if start is not None and start < BOUNDS["starting_cells"][0]:
        problems.append(
            f"aspirate: it holds {start:.2g} colony-forming cells, fewer than one; "
            "check the volume, the cell count and the colony frequency."
        )
    result = None
    try:
        result = plan_dose(dose, dose_unit, starting_cells=start or 1.0, **plan)
    except DoseInputError as error:
        problems.append(str(error))
    if problems:
        raise DoseInputError("\n".join(problems))
    diluted = parse_number(blood_dilution, "blood_dilution")
    note = (
        f"{parse_number(aspirate_ml, 'aspirate_ml'):g} mL × "
        f"{parse_number(nucleated_cells_per_ml, 'nucleated_cells_per_ml'):.3g} nucleated cells/mL"
        f" × {parse_number(colony_percent, 'colony_percent'):g}% colony-forming"
        + (f" ÷ {diluted:g} for blood dilution" if diluted != 1 else ", an upper bound")
    )
    return replace(result, starting_note=note)


def nucleated_cells_per_ml(sources) -> float:
    """Nucleated cells per mL of marrow aspirate implied by Muschler 1997 (`msc_sources` rows
    `muschler1997_colonies_per_aspirate` and `muschler1997_alp_cfu_frequency`).

    The paper's abstract gives colonies per 2-mL aspirate and colonies per nucleated cell, not the
    cell count itself; dividing one by the other recovers the count (an estimate from two means).
    """
    values = sources.set_index("finding_id")["value_low"]
    colonies_per_ml = float(values["muschler1997_colonies_per_aspirate"]) / 2  # per 2 mL
    fraction = float(values["muschler1997_alp_cfu_frequency"]) / 100
    return colonies_per_ml / fraction


def doubling_limit(sources) -> float:
    """Replicative lifespan of adult marrow MSCs, in population doublings (`LIFESPAN_FINDING`)."""
    return float(sources.set_index("finding_id").loc[LIFESPAN_FINDING, "value_low"])


def scientific(number: float) -> str:
    """2.8e8 as '2.8 × 10⁸' (for pages and messages)."""
    if number == 0:
        return "0"
    exponent = math.floor(math.log10(abs(number)))
    mantissa = number / 10**exponent
    superscript = str(exponent).translate(str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹"))
    return f"{mantissa:.3g} × 10{superscript}"


def plan_rows(plan: DosePlan) -> list[tuple[str, str]]:
    """The plan as (quantity, value) rows in plain words."""
    start = []
    if plan.starting_cells is not None:
        detail = f" ({plan.starting_note})" if plan.starting_note else ""
        start = [("Starting cells" + detail, scientific(plan.starting_cells))]
    return [
        *start,
        ("Cells per injection", scientific(plan.cells_per_injection)),
        ("Cells per patient", scientific(plan.cells_per_patient)),
        ("Cells for the whole plan", scientific(plan.total_cells)),
        ("Expansion needed", f"{plan.expansion_fold:,.1f}-fold"),
        ("Population doublings", f"{plan.doublings:.1f}"),
        (
            "Share of the lifespan used",
            f"{plan.lifespan_used:.0%} of {plan.max_doublings:g} doublings (senescence, not a "
            "safe limit)",
        ),
        (
            "Release limit (doublings)",
            "no checked value" if plan.release_limit is None else f"{plan.release_limit:g}",
        ),
        ("Passages at the split ratio", str(plan.passages)),
        ("Days of growth (exponential model)", f"{plan.culture_days:.1f}"),
    ]


def plan_table(plan: DosePlan):
    """The plan as a two-column pandas table (quantity, value), for pages and notebooks."""
    import pandas as pd

    return pd.DataFrame(plan_rows(plan), columns=["Quantity", "Value"]).set_index("Quantity")


def render_plan(plan: DosePlan) -> str:
    """The plan and any warning as HTML (what the widget shows)."""
    rows = "".join(
        f"<tr><th scope='row'>{html.escape(name)}</th><td>{html.escape(value)}</td></tr>"
        for name, value in plan_rows(plan)
    )
    warnings = "".join(
        f'<p role="alert"><strong>Warning:</strong> {html.escape(text)}</p>'
        for text in plan.warnings
    )
    return (
        f"{warnings}<table><tbody>{rows}</tbody></table>"
        "<p><em>Exponential growth with no cell loss: a teaching model.</em></p>"
    )


def render_error(error: Exception) -> str:
    items = "".join(f"<li>{html.escape(line)}</li>" for line in str(error).splitlines())
    heading = "<p><strong>Please check these inputs:</strong></p>"
    return f'<div role="alert">{heading}<ul>{items}</ul></div>'


EXAMPLE = {
    "dose": "2e6",
    "dose_unit": "cells/kg",
    "weight_kg": "70",
    "injections": "2",
    "patients": "1",
    "starting_cells": "1e7",
    "doubling_time_hours": "48",
    "max_doublings": f"{DEFAULT_MAX_DOUBLINGS:g}",
    "split_ratio": "3",
    "release_limit": "",
    "start": "cells",
    "aspirate_ml": "20",
    "blood_dilution": "1",
}
#: Filled from data/msc_sources.csv when the form is made (`aspirate_example`), not typed here.
DATA_INPUTS = ("nucleated_cells_per_ml", "colony_percent")

LABELS = {
    "dose": "Dose (cells)",
    "weight_kg": "Weight (kg)",
    "injections": "Injections per patient",
    "patients": "Patients per batch",
    "starting_cells": "Starting cells",
    "doubling_time_hours": "Doubling time (h)",
    "max_doublings": "Lifespan (doublings)",
    "split_ratio": "Split ratio (1:N)",
    "release_limit": "Release limit (doublings; blank: no checked value)",
    "aspirate_ml": "Aspirate (mL)",
    "nucleated_cells_per_ml": "Nucleated cells/mL",
    "colony_percent": "Colony-forming (%)",
    "blood_dilution": "Blood dilution (×)",
}
ASPIRATE_INPUTS = ("aspirate_ml", "nucleated_cells_per_ml", "colony_percent", "blood_dilution")


def aspirate_example(sources=None) -> dict[str, str]:
    """The aspirate inputs of the form, from the data: cells per mL (Muschler 1997, derived by
    `nucleated_cells_per_ml`) and the adult colony-forming frequency (Kuznetsov 2009)."""
    if sources is None:
        from mscbook import data

        sources = data.load("msc_sources")
    adult = sources.set_index("finding_id").loc["kuznetsov2009_cfe_adult", "value_low"]
    return {
        "nucleated_cells_per_ml": f"{nucleated_cells_per_ml(sources):.3g}",
        "colony_percent": f"{float(adult):g}",
    }


def make_widget(example: dict[str, object] | None = None):
    """A form for the planner, filled with `example` (text inputs, so any typo gets a message)."""
    import ipywidgets as widgets

    from mscbook.widgets import layout

    values = EXAMPLE | aspirate_example() | (example or {})
    inputs = {name: layout.text_input(values[name], label) for name, label in LABELS.items()}
    unit = layout.dropdown(
        [("cells per kg", "cells/kg"), ("cells (fixed dose)", "cells")],
        values["dose_unit"],
        "Dose unit",
    )
    report = widgets.HTML()

    start = layout.dropdown(
        [("a number of cells", "cells"), ("a marrow aspirate", "aspirate")],
        values["start"],
        "Start from",
    )

    def update(_change=None) -> None:
        given = {name: box.value for name, box in inputs.items()}
        aspirate = {name: given.pop(name) for name in ASPIRATE_INPUTS}
        try:
            if start.value == "aspirate":
                given.pop("starting_cells")
                plan = plan_from_aspirate(dose_unit=unit.value, **aspirate, **given)
            else:
                plan = plan_dose(dose_unit=unit.value, **given)
            report.value = render_plan(plan)
        except DoseInputError as error:
            report.value = render_error(error)

    for control in [*inputs.values(), unit, start]:
        control.observe(update, names="value")
    update()
    plan_boxes = [inputs[name] for name in LABELS if name not in ASPIRATE_INPUTS]
    box = layout.form(
        [
            ("The plan", [plan_boxes[0], unit, *plan_boxes[1:]]),
            ("Or start from an aspirate", [start, *(inputs[name] for name in ASPIRATE_INPUTS)]),
        ],
        report,
    )
    return layout.LiveWidget(box, report.value)
