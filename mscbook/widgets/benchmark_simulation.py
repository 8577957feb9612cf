"""Single-arm simulator: how often a study of a useless treatment "beats" a benchmark.

`simulate_single_arm` is the pure model (text or numbers in, a report out, every bad input named
in one message); `make_widget` puts a form in front of it. The numbers are **simulated teaching
data** from `mscbook.simulation`, never data about patients.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

from mscbook import simulation
from mscbook.widgets import inputs

#: Inputs: (label shown in the form and in messages, lowest allowed, highest allowed).
INPUTS = {
    "n_patients": ("patients in the study", 1, 1000),
    "benchmark_percent": ("benchmark rate of good outcomes (%)", 0.0, 100.0),
    "historical_n": ("historical cohort size (blank: known exactly)", 1, 100_000),
    "between_study_sd": ("spread between populations (SD, log-odds)", 0.0, 3.0),
}
SIMULATIONS = 4000
SEED = 2021
ALPHA = 0.05


class BenchmarkInputError(ValueError):
    """Inputs the simulator cannot use: one line per input, naming it and the allowed range."""


@dataclass(frozen=True)
class SingleArmReport:
    """What the form shows: the setting, its simulated false-success share and the same study
    judged against an exactly known benchmark, for comparison."""

    n_patients: int
    benchmark_rate: float
    historical_n: int | None
    between_study_sd: float
    uncertain: simulation.SimulationResult
    known: simulation.SimulationResult


def _number(name: str, value: object, whole: bool, problems: list[str]) -> float | None:
    """The input as a number within its range, or None with the problem added to `problems`."""
    label, low, high = INPUTS[name]
    try:
        number = inputs.parse_number(
            value,
            label,
            error=BenchmarkInputError,
            hint="type digits, for example 40",
            normalise=lambda text: text.strip().replace(",", ""),
        )
    except BenchmarkInputError as error:
        problems.append(str(error))
        return None
    if whole and number != int(number):
        problems.append(f"{label}: enter a whole number (got {number:g}).")
        return None
    if name == "benchmark_percent" and not low < number < high:
        problems.append(f"{label}: enter a percentage above 0 and below 100 (got {number:g}).")
        return None
    if not low <= number <= high:
        problems.append(f"{label}: enter a value from {low:g} to {high:,} (got {number:g}).")
        return None
    return number


def simulate_single_arm(
    n_patients: object = 40,
    benchmark_percent: object = 33.3,
    historical_n: object = 20,
    between_study_sd: object = 0.0,
) -> SingleArmReport:
    """Simulate `SIMULATIONS` single-arm studies of a treatment with no effect (seed `SEED`).

    `historical_n` blank or None means the benchmark is known exactly. Raises
    BenchmarkInputError naming every input that is missing, not a number or out of range.
    """
    problems: list[str] = []
    n = _number("n_patients", n_patients, True, problems)
    percent = _number("benchmark_percent", benchmark_percent, False, problems)
    history = None
    if not (historical_n is None or (isinstance(historical_n, str) and not historical_n.strip())):
        history = _number("historical_n", historical_n, True, problems)
    spread = _number("between_study_sd", between_study_sd, False, problems)
    if problems:
        raise BenchmarkInputError("\n".join(problems))
    rate = percent / 100
    settings = {"n_simulations": SIMULATIONS, "seed": SEED, "alpha": ALPHA}
    uncertain = simulation.false_success_rate(
        int(n),
        rate,
        historical_n=None if history is None else int(history),
        between_study_sd=spread,
        **settings,
    )
    known = simulation.false_success_rate(int(n), rate, **settings)
    return SingleArmReport(
        int(n), rate, None if history is None else int(history), spread, uncertain, known
    )


def render_report(report: SingleArmReport) -> str:
    """The report as HTML, labelled as simulated: a sentence and a table of the share of
    studies called a success against each benchmark, beside the nominal rate."""
    if report.historical_n is None:
        benchmark = "known exactly"
    else:
        benchmark = f"estimated from a historical cohort of {report.historical_n:,} patients"
    setting = (
        f"{report.n_patients:,} patients, benchmark {100 * report.benchmark_rate:g}% "
        f"{benchmark}, spread between populations SD {report.between_study_sd:g}"
    )
    rows = [
        (f"This setting (benchmark {benchmark})", report.uncertain.false_success_rate),
        ("The same studies, benchmark known exactly", report.known.false_success_rate),
        ("Nominal rate of a one-sided test", ALPHA),
    ]
    body = "".join(
        f"<tr><td>{html.escape(what)}</td><td>{100 * rate:.1f}%</td></tr>" for what, rate in rows
    )
    return (
        "<p><strong>Simulated teaching data.</strong> "
        f"Of {report.uncertain.n_simulations:,} simulated single-arm studies of a treatment with "
        f"no effect ({html.escape(setting)}), "
        f"<strong>{100 * report.uncertain.false_success_rate:.1f}%</strong> were called a "
        f"success (one-sided exact binomial test, P ≤ {ALPHA:g}).</p>"
        "<table><caption>Share of studies of a useless treatment called a success</caption>"
        "<thead><tr><th>Judged against</th><th>Called a success</th></tr></thead>"
        f"<tbody>{body}</tbody></table>"
    )


def render_error(error: Exception) -> str:
    items = "".join(f"<li>{html.escape(line)}</li>" for line in str(error).splitlines())
    heading = "<p><strong>Please check these values:</strong></p>"
    return f'<div role="alert">{heading}<ul>{items}</ul></div>'


def make_widget(
    n_patients: object = 40,
    benchmark_percent: object = 33.3,
    historical_n: object = 20,
    between_study_sd: object = 0.0,
):
    """A form with the four inputs and the simulated result, updated on every change."""
    import ipywidgets as widgets

    from mscbook.widgets import layout

    values = {
        "n_patients": n_patients,
        "benchmark_percent": benchmark_percent,
        "historical_n": "" if historical_n is None else historical_n,
        "between_study_sd": between_study_sd,
    }
    boxes = {name: layout.text_input(values[name], INPUTS[name][0]) for name in INPUTS}
    report = widgets.HTML()

    def update(_change=None) -> None:
        try:
            result = simulate_single_arm(**{name: box.value for name, box in boxes.items()})
            report.value = render_report(result)
        except BenchmarkInputError as error:
            report.value = render_error(error)

    for box in boxes.values():
        box.observe(update, names="value")
    update()
    box = layout.form(
        [
            ("The study", [boxes["n_patients"]]),
            (
                "The benchmark",
                [boxes["benchmark_percent"], boxes["historical_n"], boxes["between_study_sd"]],
            ),
        ],
        report,
    )
    return layout.LiveWidget(box, report.value)
