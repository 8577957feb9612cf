"""The dose planner: hand-computed plans, the doubling-limit warning, every bad input, the form."""

from __future__ import annotations

import math

import pytest

from mscbook.widgets import dose, layout


def test_the_chapter_example_by_hand():
    # 2x10^6 cells/kg x 70 kg x 2 injections = 2.8x10^8 cells; from 10^7 cells that is a
    # 28-fold expansion: log2(28) = 4.807 doublings; at 1:3, log2(3) = 1.585 doublings per
    # passage, so 4.807 / 1.585 = 3.03 -> 4 passages; 4.807 doublings x 48 h = 230.7 h = 9.61 d.
    plan = dose.plan_dose(
        2e6,
        "cells/kg",
        weight_kg=70,
        injections=2,
        patients=1,
        starting_cells=1e7,
        doubling_time_hours=48,
        max_doublings=20,
        split_ratio=3,
    )
    assert plan.cells_per_injection == pytest.approx(1.4e8)
    assert plan.cells_per_patient == pytest.approx(2.8e8)
    assert plan.total_cells == pytest.approx(2.8e8)
    assert plan.expansion_fold == pytest.approx(28)
    assert (
        plan.doublings == pytest.approx(math.log2(2.8e8 / 1e7)) == pytest.approx(4.8074, abs=1e-4)
    )
    assert plan.passages == 4
    assert plan.culture_days == pytest.approx(4.8074 * 2, abs=1e-3)
    assert plan.warnings == () and not plan.exceeds_doubling_limit


def test_a_fixed_dose_ignores_weight_and_counts_patients():
    # 300x10^6 cells x 2 injections x 10 patients = 6x10^9 cells; from 10^8: 60-fold,
    # log2(60) = 5.907 doublings; at 1:4 (2 doublings per passage) -> 3 passages.
    plan = dose.plan_dose(
        3e8,
        "cells",
        weight_kg="not used",
        injections=2,
        patients=10,
        starting_cells=1e8,
        doubling_time_hours=30,
        split_ratio=4,
    )
    assert plan.total_cells == pytest.approx(6e9)
    assert plan.doublings == pytest.approx(math.log2(60))
    assert plan.passages == 3
    assert plan.culture_days == pytest.approx(math.log2(60) * 30 / 24)


def test_exact_powers_of_the_split_ratio_need_no_extra_passage():
    plan = dose.plan_dose(8e7, "cells", starting_cells=1e7, split_ratio=2)  # 3 doublings
    assert plan.doublings == pytest.approx(3) and plan.passages == 3


def test_text_numbers_are_accepted():
    plan = dose.plan_dose("2e6", "cells/kg", weight_kg="70", injections="2", starting_cells="1e7")
    assert plan.total_cells == pytest.approx(2.8e8)
    assert dose.plan_dose("2 000 000", weight_kg="70").cells_per_injection == pytest.approx(1.4e8)


def test_the_doubling_limit_warns():
    # 4x10^6 cells/kg x 80 kg x 4 injections x 50 patients = 6.4x10^10 cells from 10^5 cells:
    # log2(640000) = 19.3 doublings, above a limit of 15 and below 20.
    over = dose.plan_dose(
        4e6,
        "cells/kg",
        weight_kg=80,
        injections=4,
        patients=50,
        starting_cells=1e5,
        max_doublings=15,
    )
    assert over.doublings == pytest.approx(math.log2(640000))
    assert over.exceeds_doubling_limit
    assert len(over.warnings) == 1 and "more than the 15" in over.warnings[0]
    assert "Warning" in dose.render_plan(over)
    under = dose.plan_dose(
        4e6,
        "cells/kg",
        weight_kg=80,
        injections=4,
        patients=50,
        starting_cells=1e5,
        max_doublings=20,
    )
    assert not under.exceeds_doubling_limit and under.warnings == ()


def test_no_expansion_needed_is_said():
    plan = dose.plan_dose(1e6, "cells", starting_cells=1e7)
    assert plan.doublings == 0 and plan.passages == 0 and plan.culture_days == 0
    assert "no expansion is needed" in plan.warnings[0]


BAD_INPUTS = [
    ({"dose": 0}, "dose per kg: must be more than zero"),
    ({"dose": -2e6}, "dose per kg: must be more than zero"),
    ({"dose": "two million"}, "dose per kg: 'two million' is not a number"),
    ({"dose": 1e9}, "dose per kg: 1e+09 cells/kg is outside the range"),
    ({"dose": ""}, "dose per kg: no value entered"),
    ({"dose": float("nan")}, "dose per kg: nan is not a finite number"),
    ({"dose": None}, "dose per kg: enter a number"),
    ({"dose": True}, "dose per kg: enter a number"),
    ({"dose": [2e6]}, "dose per kg: expected a number, got list"),
    ({"dose": 1e12, "dose_unit": "cells"}, "fixed dose: 1e+12 cells is outside the range"),
    ({"weight_kg": 0}, "patient weight: must be more than zero"),
    ({"weight_kg": -70}, "patient weight: must be more than zero"),
    ({"weight_kg": 7000}, "patient weight: 7000 kg is outside the range"),
    ({"weight_kg": "seventy"}, "patient weight: 'seventy' is not a number"),
    ({"injections": 0}, "injections per patient: must be more than zero"),
    ({"injections": 1.5}, "injections per patient: must be a whole number"),
    ({"patients": -1}, "number of patients: must be more than zero"),
    ({"patients": "ten"}, "number of patients: 'ten' is not a number"),
    ({"starting_cells": 0}, "starting cells: must be more than zero"),
    ({"starting_cells": "many"}, "starting cells: 'many' is not a number"),
    ({"doubling_time_hours": 0}, "doubling time: must be more than zero"),
    ({"doubling_time_hours": float("inf")}, "doubling time: inf is not a finite number"),
    ({"max_doublings": -5}, "maximum population doublings: must be more than zero"),
    ({"split_ratio": 1}, "split ratio: 1 is outside the range"),
    ({"split_ratio": 0}, "split ratio: must be more than zero"),
    ({"dose_unit": "mg"}, "dose unit: 'mg' is not one of"),
]


@pytest.mark.parametrize(("change", "message"), BAD_INPUTS, ids=[m for _, m in BAD_INPUTS])
def test_every_bad_input_gets_a_message_naming_it(change, message):
    inputs = {"dose": 2e6, "dose_unit": "cells/kg", "weight_kg": 70} | change
    with pytest.raises(dose.DoseInputError) as raised:
        dose.plan_dose(**inputs)
    assert message in str(raised.value)


def test_all_bad_inputs_are_listed_at_once():
    with pytest.raises(dose.DoseInputError) as raised:
        dose.plan_dose(0, weight_kg=-1, patients="x")
    lines = str(raised.value).splitlines()
    assert len(lines) == 3
    assert {line.split(":")[0] for line in lines} == {
        "dose per kg",
        "patient weight",
        "number of patients",
    }


def test_scientific_notation_for_pages():
    assert dose.scientific(2.8e8) == "2.8 × 10⁸"
    assert dose.scientific(1.4e-3) == "1.4 × 10⁻³"


def test_the_form_shows_the_example_plan_and_messages_not_tracebacks():
    live = dose.make_widget()
    report, inputs = layout.output_of(live.widget), layout.controls(live.widget)
    assert "2.8 × 10⁸" in report.value and "teaching model" in report.value
    assert "2.8 × 10⁸" in live.html()  # what the HTML book shows instead of the form
    dose_box = inputs[0]
    dose_box.value = "1e9"
    assert 'role="alert"' in report.value and "dose per kg" in report.value
    assert "Traceback" not in report.value
    dose_box.value = "abc"
    assert "&#x27;abc&#x27; is not a number" in report.value
    dose_box.value = "2e6"
    assert "2.8 × 10⁸" in report.value
    assert all(child.description for child in inputs)  # screen readers need a name


# --- Starting from an aspirate, against a lifespan (issue 29) ---
# Hand arithmetic from the abstracts: Muschler 1997, 2400 colonies per 2 mL and 36 colonies per
# 10^6 nucleated cells -> 1200 / 36e-6 = 3.33x10^7 nucleated cells per mL; Kuznetsov 2009, 32.3
# CFU-F per 10^5 adult nucleated cells; Bruder 1997, 38 doublings before senescence.
MUSCHLER_PER_ML = 1200 / 36e-6


def test_the_default_limit_is_the_marrow_lifespan_in_the_data():
    from mscbook import data

    sources = data.load("msc_sources")
    assert dose.doubling_limit(sources) == 38 == dose.DEFAULT_MAX_DOUBLINGS
    assert dose.EXAMPLE["max_doublings"] == "38"


def test_nucleated_cells_per_ml_follow_from_the_aspirate_study():
    from mscbook import data

    assert dose.nucleated_cells_per_ml(data.load("msc_sources")) == pytest.approx(MUSCHLER_PER_ML)


def test_colony_forming_cells_are_volume_times_count_times_frequency():
    # 20 mL x 3x10^7 cells/mL x 0.0323% = 1.938x10^5 founding cells.
    assert dose.colony_forming_cells(20, 3e7, 0.0323) == pytest.approx(1.938e5)


def test_a_plan_from_an_aspirate_counts_doublings_from_the_founders():
    plan = dose.plan_from_aspirate(
        2e6,
        "cells/kg",
        aspirate_ml=30,
        nucleated_cells_per_ml=MUSCHLER_PER_ML,
        colony_percent=0.0323,
        weight_kg=70,
        injections=2,
        patients=10,
    )
    founders = 30 * MUSCHLER_PER_ML * 0.000323
    assert plan.starting_cells == pytest.approx(founders)
    assert (
        plan.doublings
        == pytest.approx(math.log2(2.8e9 / founders))
        == pytest.approx(13.08, abs=0.01)
    )
    assert plan.warnings == ()
    assert any(name.startswith("Starting cells (30 mL") for name, _ in dose.plan_rows(plan))
    # The same plan judged against Sung 2010's within-study marrow count (9.2) would warn.
    judged = dose.plan_from_aspirate(
        2e6,
        "cells/kg",
        aspirate_ml=30,
        nucleated_cells_per_ml=MUSCHLER_PER_ML,
        colony_percent=0.0323,
        weight_kg=70,
        injections=2,
        patients=10,
        max_doublings=9.2,
    )
    assert judged.exceeds_doubling_limit and "stop dividing" in judged.warnings[0]


def test_bad_aspirate_inputs_are_each_named():
    with pytest.raises(dose.DoseInputError) as caught:
        dose.plan_from_aspirate(
            2e6, aspirate_ml=0, nucleated_cells_per_ml="lots", colony_percent=50
        )
    message = str(caught.value)
    assert "aspirate volume: must be more than zero" in message
    assert "nucleated cells per mL of aspirate" in message and "'lots'" in message
    assert "colony-forming cells: 50" in message
    with pytest.raises(dose.DoseInputError, match="starting cells: not an input here"):
        dose.plan_from_aspirate(2e6, starting_cells=1e7)


def test_an_aspirate_with_no_colony_forming_cell_is_refused():
    with pytest.raises(dose.DoseInputError, match="fewer than one"):
        dose.plan_from_aspirate(
            2e6, aspirate_ml=0.5, nucleated_cells_per_ml=1e5, colony_percent=1e-5
        )


def test_the_form_can_start_from_an_aspirate():
    box = dose.make_widget().widget
    start = [c for c in layout.controls(box) if getattr(c, "description", "") == "Start from"]
    assert start, "the form has no 'Start from' menu"
    start[0].value = "aspirate"
    assert "Starting cells (20 mL" in layout.output_of(box).value


# --- Review fixes: dilution, share of lifespan, release limit, example from data ---


def test_blood_dilution_divides_the_founders_and_adds_log2_of_it_in_doublings():
    # 30 mL x 3.33x10^7/mL x 0.0323% = 3.23x10^5 founders undiluted; a 3-fold dilution leaves a
    # third, and log2(3) = 1.585 more doublings.
    undiluted = dose.colony_forming_cells(30, MUSCHLER_PER_ML, 0.0323)
    assert undiluted == pytest.approx(3.23e5, rel=1e-3)
    assert dose.colony_forming_cells(30, MUSCHLER_PER_ML, 0.0323, 3) == pytest.approx(undiluted / 3)
    common = dict(aspirate_ml=30, nucleated_cells_per_ml=MUSCHLER_PER_ML, colony_percent=0.0323)
    common |= dict(weight_kg=70, injections=2, patients=10)
    plain = dose.plan_from_aspirate(2e6, **common)
    diluted = dose.plan_from_aspirate(2e6, blood_dilution=3, **common)
    assert diluted.doublings - plain.doublings == pytest.approx(1.585, abs=1e-3)
    assert "upper bound" in plain.starting_note and "÷ 3" in diluted.starting_note
    with pytest.raises(dose.DoseInputError, match="blood dilution of the aspirate"):
        dose.plan_from_aspirate(2e6, blood_dilution=0.5, **common)


def test_share_of_lifespan_and_release_limit_are_reported():
    # 2.8x10^8 cells from 10^7: log2(28) = 4.807 doublings, 13% of 38.
    plan = dose.plan_dose(2e6, weight_kg=70, injections=2, starting_cells=1e7)
    assert plan.lifespan_used == pytest.approx(4.807 / 38, abs=1e-3)
    rows = dict(dose.plan_rows(plan))
    assert rows["Share of the lifespan used"].startswith("13% of 38")
    assert rows["Release limit (doublings)"] == "no checked value"
    capped = dose.plan_dose(2e6, weight_kg=70, injections=2, starting_cells=1e7, release_limit=4)
    assert dict(dose.plan_rows(capped))["Release limit (doublings)"] == "4"
    assert any("release limit of 4" in text for text in capped.warnings)
    assert dose.plan_dose(2e6, weight_kg=70, release_limit="  ").release_limit is None
    with pytest.raises(dose.DoseInputError, match="release limit"):
        dose.plan_dose(2e6, weight_kg=70, release_limit="ten")


def test_the_form_takes_its_aspirate_numbers_from_the_data():
    from mscbook import data

    example = dose.aspirate_example(data.load("msc_sources"))
    assert float(example["nucleated_cells_per_ml"]) == pytest.approx(MUSCHLER_PER_ML, rel=1e-3)
    assert example["colony_percent"] == "0.0323"
    assert "nucleated_cells_per_ml" not in dose.EXAMPLE
