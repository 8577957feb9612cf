"""The ISCT checker: real thresholds, exact boundaries, bad input, and the widget's messages."""

from __future__ import annotations

import math

import pytest

from mscbook.widgets import isct, layout

ALL_LINEAGES = ["osteoblast", "adipocyte", "chondroblast"]


def passing_report() -> dict[str, object]:
    return {
        "cd105": 99,
        "cd73": 99,
        "cd90": 99,
        "cd45": 0.5,
        "cd34": 0.5,
        "cd14_or_cd11b": 0.5,
        "cd79a_or_cd19": 0.5,
        "hla_dr": 0.5,
    }


def test_a_clean_report_meets_every_criterion(criteria):
    result = isct.evaluate_sample(criteria, passing_report(), ALL_LINEAGES, True)
    assert result.meets_criteria
    assert len(result.checks) == len(criteria)


@pytest.mark.parametrize(
    ("marker", "value", "passes"),
    [("cd105", 95.0, True), ("cd105", 94.9, False), ("cd34", 2.0, True), ("cd34", 2.1, False)],
)
def test_boundaries_are_inclusive(criteria, marker, value, passes):
    report = passing_report() | {marker: value}
    result = isct.evaluate_sample(criteria, report, ALL_LINEAGES, True)
    assert result.meets_criteria is passes
    assert (marker in result.failed) is not passes


def test_failures_say_why(criteria):
    report = passing_report() | {"cd90": "80"}
    result = isct.evaluate_sample(criteria, report, ["osteoblast", "adipocyte"], False)
    assert set(result.failed) == {"cd90", "chondrogenic", "plastic_adherence"}
    reasons = {check.criterion_id: check.reason for check in result.checks}
    assert reasons["cd90"] == "80% of cells are positive for CD90; at least 95% required."
    assert "chondroblasts was not shown" in reasons["chondrogenic"]


def test_text_input_with_percent_sign_is_accepted(criteria):
    report = passing_report() | {"cd73": " 97.5 % "}
    assert isct.evaluate_sample(criteria, report, ALL_LINEAGES, True).meets_criteria


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("abc", "CD105: 'abc' is not a number"),
        ("", "CD105: no value entered"),
        (101, "CD105: 101% is outside 0–100"),
        (-0.1, "CD105: -0.1% is outside 0–100"),
        (math.nan, "CD105: nan is not a finite number"),
        (True, "CD105: enter a percentage"),
        (None, "CD105: enter a percentage"),
        ([95], "CD105: expected a number, got list"),
    ],
)
def test_bad_percentages_are_rejected_with_the_marker_named(criteria, value, expected):
    with pytest.raises(isct.IsctInputError, match=expected):
        isct.evaluate_sample(criteria, passing_report() | {"cd105": value}, ALL_LINEAGES, True)


def test_missing_and_unknown_inputs_are_all_listed(criteria):
    report = passing_report()
    del report["hla_dr"]
    report["cd999"] = 5
    with pytest.raises(isct.IsctInputError) as caught:
        isct.evaluate_sample(criteria, report, ["neuron", "osteoblast"], True)
    message = str(caught.value)
    assert "HLA-DR: no value given" in message
    assert "unknown marker criterion 'cd999'" in message
    assert "unknown lineage 'neuron'" in message


def test_widget_shows_errors_as_messages_not_tracebacks(criteria):
    widget = isct.make_widget(criteria, passing_report(), ALL_LINEAGES)
    report = layout.output_of(widget.widget)
    assert "Meets all the ISCT minimal criteria" in report.value
    controls = layout.controls(widget.widget)
    cd105_box = next(child for child in controls if child.description.startswith("CD105"))
    cd105_box.value = "lots"
    assert 'role="alert"' in report.value and "CD105: &#x27;lots&#x27; is not a number" in (
        report.value
    )
    cd105_box.value = "150"
    assert "150% is outside 0–100" in report.value
    cd105_box.value = "90"
    assert "Does not meet" in report.value and "✘ fail" in report.value


def test_every_widget_control_has_an_accessible_name(criteria):
    widget = isct.make_widget(criteria, passing_report(), ALL_LINEAGES)
    controls = layout.controls(widget.widget)
    assert len(controls) == len(criteria) + 1  # one per criterion, and "licensed with IFN-γ"
    assert all(control.description.strip() for control in controls)  # each labelled


def test_simulated_report_is_seeded_and_puts_chosen_markers_out_of_range(criteria):
    first = isct.simulate_flow_report(criteria, seed=3, out_of_range=["cd73", "cd45"])
    assert first == isct.simulate_flow_report(criteria, seed=3, out_of_range=["cd73", "cd45"])
    result = isct.evaluate_sample(criteria, first, ALL_LINEAGES, True)
    assert set(result.failed) == {"cd73", "cd45"}
    with pytest.raises(ValueError, match="unknown marker criteria: cd000"):
        isct.simulate_flow_report(criteria, seed=3, out_of_range=["cd000"])


# --- A licensed batch (issue 29): same verdict, and the reason says why ---


def licensed_report() -> dict[str, object]:
    return passing_report() | {"hla_dr": 90}


def test_a_licensed_batch_still_fails_hla_dr_and_is_told_why():
    from mscbook import data

    criteria = data.load("isct_criteria")
    plain = isct.evaluate_sample(criteria, licensed_report(), ALL_LINEAGES, True)
    licensed = isct.evaluate_sample(criteria, licensed_report(), ALL_LINEAGES, True, licensed=True)
    assert plain.failed == licensed.failed == ["hla_dr"]
    reason = {c.criterion_id: c.reason for c in licensed.checks}["hla_dr"]
    assert "licensed with IFN-γ" in reason and "HLA class II" in reason
    assert "unlicensed clinical batches" in reason and "Grau-Vorster 2019" in reason
    assert "licensed" not in {c.criterion_id: c.reason for c in plain.checks}["hla_dr"]
    # A licensed batch that fails for another reason gets no licensing excuse for it.
    other = isct.evaluate_sample(
        criteria, passing_report() | {"cd45": 5}, ALL_LINEAGES, True, licensed=True
    )
    assert "IFN" not in {c.criterion_id: c.reason for c in other.checks}["cd45"]


def test_the_licensed_flag_must_be_true_or_false():
    from mscbook import data

    with pytest.raises(isct.IsctInputError, match="licensed must be True or False"):
        isct.evaluate_sample(
            data.load("isct_criteria"), passing_report(), ALL_LINEAGES, True, "yes"
        )


def test_the_simulated_licensed_batch_takes_hla_dr_from_le_blanc_2003():
    from mscbook import data

    criteria, sources = data.load("isct_criteria"), data.load("msc_sources")
    report = isct.licensed_batch_report(criteria, sources, seed=48)
    assert report["hla_dr"] == 90  # "more than 90%" of cells after 48 h of IFN-gamma
    result = isct.evaluate_sample(criteria, report, ALL_LINEAGES, True, licensed=True)
    assert result.failed == ["hla_dr"]
