"""The EDSS explainer on hand-checked cases from each source's definition, on bad inputs, and as a
form that shows errors as messages.

Definitions (abstracts): CARE-MS I (Havrdova 2017): worsening = rise of at least 1.0, at least 1.5
from a baseline of 0, confirmed over 6 months. PRISMS year 1 (Traboulsee 2018): rise of 1.0 from a
baseline below 6.0, 0.5 from 6.0 or more, confirmed over 3 months. MSC-NP EDSS-Plus (registry
NCT03355365): fall of at least 1.0 from an entry EDSS of 5.5 or less, 0.5 from 6.0 or more.
ORATORIO (Wolinsky 2018, PMID 30155979): rise of at least 1.0 from a baseline of 5.5 or less, at
least 0.5 from a baseline above 5.5, confirmed over 12 weeks.
"""

from __future__ import annotations

import pytest

from mscbook.widgets import edss, layout


def test_the_scale_has_no_half_step_after_zero():
    assert edss.EDSS_STEPS[:3] == (0.0, 1.0, 1.5)
    assert edss.EDSS_STEPS[-2:] == (9.5, 10.0)
    assert len(edss.EDSS_STEPS) == 20


@pytest.mark.parametrize(
    ("rule", "baseline", "follow_up", "confirmation", "counts", "required"),
    [
        ("care_ms", 0, 1.0, 1.0, False, 1.5),  # from 0, 1.5 is needed
        ("care_ms", 0, 1.5, 1.5, True, 1.5),
        ("care_ms", 1.0, 2.0, 2.0, True, 1.0),
        ("care_ms", 6.0, 6.5, 6.5, False, 1.0),  # no 0.5 tier in CARE-MS I
        ("prisms", 0, 1.0, 1.0, True, 1.0),
        ("prisms", 5.5, 6.0, 6.0, False, 1.0),  # 5.5 is below 6.0
        ("prisms", 6.0, 6.5, 6.5, True, 0.5),
        ("prisms", 6.0, 6.5, 6.0, False, 0.5),  # reversed before confirmation
        ("prisms", 6.0, 6.5, None, False, 0.5),  # never confirmed
        ("oratorio", 5.5, 6.0, 6.0, False, 1.0),  # 5.5 is not above 5.5
        ("oratorio", 5.5, 6.5, 6.5, True, 1.0),
        ("oratorio", 6.0, 6.5, 6.5, True, 0.5),
        ("oratorio", 3.0, 4.0, 3.5, False, 1.0),  # partly reversed before confirmation
        ("msc_np", 5.5, 4.5, None, True, 1.0),
        ("msc_np", 5.5, 5.0, None, False, 1.0),
        ("msc_np", 6.5, 6.0, None, True, 0.5),
        ("msc_np", 6.0, 6.5, None, False, 0.5),  # worse is not improvement
    ],
)
def test_hand_checked_cases(rule, baseline, follow_up, confirmation, counts, required):
    verdict = edss.classify(baseline, follow_up, confirmation, rule)
    assert verdict.counts is counts
    assert verdict.required == required
    assert verdict.change == pytest.approx(follow_up - baseline)


def test_reasons_say_why():
    assert "needs a rise of at least 1.5" in edss.classify(0, 1.0, 1.0, "care_ms").reason
    assert "not confirmed" in edss.classify(6.0, 6.5, None, "prisms").reason
    assert "did not last" in edss.classify(6.0, 6.5, 6.0, "prisms").reason


def test_compare_rules_shows_the_same_patient_under_every_rule():
    table = edss.compare_rules("6.0", "6.5", "6.5")
    assert list(table.index) == list(edss.RULES)
    assert table["Does this patient count?"].tolist() == ["no", "yes", "yes", "no"]
    assert table["Change needed from this baseline"].tolist() == ["1.0", "0.5", "0.5", "0.5"]
    assert table["Source"].tolist() == [
        "havrdova2017",
        "traboulsee2018",
        "wolinsky2018",
        "harris2024",
    ]


def test_rules_table_states_each_threshold():
    table = edss.rules_table()
    assert table.loc["care_ms", "Smallest change that counts"] == (
        "1.5 point(s) from baseline 0; 1 point(s) from baseline 1 or more"
    )
    assert table.loc["prisms", "Smallest change that counts"] == (
        "1 point(s) from baseline 0 to 5.5; 0.5 point(s) from baseline 6 or more"
    )
    # Traboulsee 2018 calls this rule an exploratory endpoint of a post hoc year-1 analysis.
    assert "exploratory post hoc" in table.loc["prisms", "Rule"]
    # The standard thresholds beside it: the same numbers, but a trial's primary endpoint.
    assert table.loc["oratorio", "Smallest change that counts"] == (
        "1 point(s) from baseline 0 to 5.5; 0.5 point(s) from baseline 6 or more"
    )
    assert table.loc["oratorio", "Confirmed over"] == "12 weeks"
    assert "primary endpoint" in table.loc["oratorio", "Rule"]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"baseline": "0.5"}, "EDSS at baseline: the EDSS has no 0.5 step"),
        ({"baseline": "4.25"}, "EDSS at baseline: 4.25 is not an EDSS score"),
        ({"follow_up": "eleven"}, "EDSS at follow-up: 'eleven' is not a number"),
        ({"follow_up": 11}, "EDSS at follow-up: 11 is outside the scale"),
        ({"follow_up": ""}, "EDSS at follow-up: no value entered"),
        ({"confirmation": "-1"}, "EDSS at confirmation visit (empty if none): -1 is outside"),
        ({"baseline": True}, "EDSS at baseline: enter an EDSS score (got True)"),
        ({"rule": "expand"}, "rule: 'expand' is not one of"),
    ],
)
def test_bad_inputs_name_the_input(kwargs, message):
    arguments = {"baseline": 4.0, "follow_up": 5.0, "confirmation": 5.0, "rule": "care_ms"}
    with pytest.raises(edss.EdssInputError) as caught:
        edss.classify(**(arguments | kwargs))
    assert message in str(caught.value)


def test_every_bad_input_is_listed_at_once():
    with pytest.raises(edss.EdssInputError) as caught:
        edss.classify("0.5", "x", "11")
    assert len(str(caught.value).splitlines()) == 3


def test_text_with_a_decimal_comma_is_accepted():
    assert edss.parse_edss("6,5", "baseline") == 6.5


def test_widget_shows_errors_as_messages_not_tracebacks():
    widget = edss.make_widget()
    report = layout.output_of(widget.widget)
    assert "Counts as confirmed worsening under PRISMS" in widget.static_html
    baseline = next(
        c for c in layout.controls(widget.widget) if c.description == "EDSS at baseline"
    )
    baseline.value = "0.5"
    assert 'role="alert"' in report.value and "no 0.5 step" in report.value
    baseline.value = "6.0"
    confirmation = layout.controls(widget.widget)[2]
    confirmation.value = "6.0"  # the rise reversed before the confirmation visit
    assert "Does not count under PRISMS" in report.value and "did not last" in report.value


def test_every_widget_control_has_an_accessible_name():
    widget = edss.make_widget()
    controls = layout.controls(widget.widget)
    assert len(controls) == len(edss.LABELS) + 1  # the three scores and the rule
    assert all(control.description.strip() for control in controls)
