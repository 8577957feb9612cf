"""The single-arm simulator: its numbers are the simulation's, bad inputs are named, the form
updates and shows errors as messages."""

from __future__ import annotations

import re

import pytest

from mscbook import simulation
from mscbook.widgets import benchmark_simulation as widget
from mscbook.widgets import layout


def test_report_equals_the_simulation_with_the_same_settings():
    report = widget.simulate_single_arm(40, "33.3", "20", "0")
    settings = {"n_simulations": widget.SIMULATIONS, "seed": widget.SEED}
    assert report.uncertain == simulation.false_success_rate(40, 0.333, historical_n=20, **settings)
    assert report.known == simulation.false_success_rate(40, 0.333, **settings)
    assert report.uncertain.false_success_rate > report.known.false_success_rate


def test_blank_cohort_means_a_known_benchmark():
    report = widget.simulate_single_arm(40, 33.3, "", 0)
    assert report.historical_n is None
    assert report.uncertain == report.known
    assert "known exactly" in widget.render_report(report)


def test_the_report_is_labelled_as_simulated():
    text = widget.render_report(widget.simulate_single_arm())
    assert text.startswith("<p><strong>Simulated teaching data.</strong>")
    assert "4,000 simulated single-arm studies" in text


def test_the_report_tables_the_setting_beside_a_known_benchmark_and_the_nominal_rate():
    report = widget.simulate_single_arm(40, 33.3, 20, 0)
    text = widget.render_report(report)
    cells = re.findall(r"<td>([^<]*)</td>", text)
    assert cells[1::2] == [
        f"{100 * report.uncertain.false_success_rate:.1f}%",
        f"{100 * report.known.false_success_rate:.1f}%",
        "5.0%",
    ]
    assert "historical cohort of 20 patients" in cells[0]


@pytest.mark.parametrize(
    ("arguments", "says"),
    [
        ({"n_patients": "0"}, "patients in the study: enter a value from 1"),
        ({"n_patients": "12.5"}, "patients in the study: enter a whole number"),
        ({"n_patients": "many"}, "patients in the study: 'many' is not a number"),
        ({"benchmark_percent": "0"}, "benchmark rate of good outcomes (%): enter a percentage"),
        ({"benchmark_percent": "120"}, "benchmark rate of good outcomes (%): enter a percentage"),
        ({"benchmark_percent": ""}, "benchmark rate of good outcomes (%): no value entered"),
        ({"historical_n": "0"}, "historical cohort size"),
        ({"between_study_sd": "-1"}, "spread between populations"),
        (
            {"between_study_sd": "nan"},
            "spread between populations (SD, log-odds): 'nan' is not a finite",
        ),
    ],
)
def test_bad_inputs_are_named_with_the_allowed_range(arguments, says):
    with pytest.raises(widget.BenchmarkInputError) as error:
        widget.simulate_single_arm(**arguments)
    assert says in str(error.value)


def test_every_bad_input_is_listed_at_once():
    with pytest.raises(widget.BenchmarkInputError) as error:
        widget.simulate_single_arm("0", "150", "x", "-2")
    assert len(str(error.value).splitlines()) == 4


def test_form_updates_and_shows_errors_as_messages():
    live = widget.make_widget()
    assert isinstance(live, layout.LiveWidget)
    assert "Simulated teaching data" in live.html()
    box = live.widget
    controls = layout.controls(box)
    assert [c.description for c in controls] == [label for label, _, _ in widget.INPUTS.values()]
    output = layout.output_of(box)
    controls[0].value = "abc"
    assert 'role="alert"' in output.value and "patients in the study" in output.value
    controls[0].value = "80"
    assert "80 patients" in output.value
