"""EDSS explainer: does a change in EDSS count as confirmed worsening, or as improvement?

`classify` is the pure model; `compare_rules` applies every rule to the same patient, which is
what a table of thresholds cannot show at a glance; `make_widget` puts a form in front of them.

The EDSS runs 0, then 1.0 to 9.5 in half steps, then 10 (death due to MS); there is no 0.5 step
(Kurtzke 1983). Trials do not agree on how large a change must be, and each rule below is the one
a named source wrote down:

- `care_ms`: 6-month confirmed disability worsening in CARE-MS I: an increase of at least 1.0
  point, or at least 1.5 points from a baseline of 0 (Havrdova et al. 2017, abstract).
- `prisms`: 3-month confirmed disability progression as an exploratory endpoint of a post hoc
  analysis of PRISMS's first year, not the definition of the PRISMS trial itself: an increase of
  1.0 point from a baseline below 6.0, or 0.5 point from 6.0 or more (Traboulsee et al. 2018,
  abstract and background).
- `oratorio`: 12-week confirmed disability progression in ORATORIO, the trial on which ocrelizumab's
  approval for primary progressive MS rests: an increase of at least 1.0 point from a baseline of
  5.5 or less, or at least 0.5 point from a baseline above 5.5 (as the ORATORIO investigators
  define it in Wolinsky et al. 2018, abstract). Its thresholds are the PRISMS row's; what differs
  is that this one defines a pre-specified primary endpoint, not an exploratory one.
- `msc_np`: the EDSS part of EDSS-Plus improvement, the primary endpoint of the MSC-NP trial: a
  decrease of at least 1.0 point from an entry EDSS of 5.5 or less, or at least 0.5 point from 6.0
  or more, at month 13 against baseline (registry record NCT03355365 of Harris et al. 2024).
"""

from __future__ import annotations

import html
from dataclasses import dataclass

import pandas as pd

from mscbook.widgets import inputs

#: Every score the EDSS allows (Kurtzke 1983): 0, 1.0-9.5 in half steps, 10.
EDSS_STEPS = (0.0, *(step / 2 for step in range(2, 20)), 10.0)


@dataclass(frozen=True)
class Rule:
    """One source's definition. `tiers` are (lowest baseline, smallest change) pairs, lowest
    baseline first: the tier with the highest lowest-baseline at or below the baseline applies."""

    name: str
    direction: str  # "worsening" (EDSS rises) or "improvement" (EDSS falls)
    tiers: tuple[tuple[float, float], ...]
    confirmation: str  # how long the change must last; "" when the rule has no confirmation
    source: str  # references.bib key

    def required_change(self, baseline: float) -> float:
        return [change for lowest, change in self.tiers if lowest <= baseline][-1]


RULES = {
    "care_ms": Rule(
        name="CARE-MS I (alemtuzumab, relapsing-remitting MS)",
        direction="worsening",
        tiers=((0.0, 1.5), (1.0, 1.0)),
        confirmation="6 months",
        source="havrdova2017",
    ),
    "prisms": Rule(
        name="PRISMS year 1, exploratory post hoc analysis (interferon beta-1a, relapsing MS)",
        direction="worsening",
        tiers=((0.0, 1.0), (6.0, 0.5)),
        confirmation="3 months",
        source="traboulsee2018",
    ),
    "oratorio": Rule(
        name="ORATORIO, primary endpoint (ocrelizumab, primary progressive MS)",
        direction="worsening",
        tiers=((0.0, 1.0), (6.0, 0.5)),  # "above 5.5" is 6.0 or more: the EDSS moves in half steps
        confirmation="12 weeks",
        source="wolinsky2018",
    ),
    "msc_np": Rule(
        name="MSC-NP phase II (EDSS part of EDSS-Plus improvement, progressive MS)",
        direction="improvement",
        tiers=((0.0, 1.0), (6.0, 0.5)),
        confirmation="",
        source="harris2024",
    ),
}
#: The example patient on the page: the two worsening rules disagree about this change.
EXAMPLE = {"baseline": "6.0", "follow_up": "6.5", "confirmation": "6.5", "rule": "prisms"}
LABELS = {
    "baseline": "EDSS at baseline",
    "follow_up": "EDSS at follow-up",
    "confirmation": "EDSS at confirmation visit (empty if none)",
}


def score(value: float) -> str:
    """An EDSS score as clinicians write it: 0, 1.0, 6.5."""
    return "0" if value == 0 else f"{value:.1f}"


class EdssInputError(ValueError):
    """An input the explainer cannot use; the message names the input and says what is allowed."""


@dataclass(frozen=True)
class Verdict:
    """What `classify` returns: the change, what the rule asks for, and whether it counts."""

    rule: str
    baseline: float
    follow_up: float
    confirmation: float | None
    change: float  # follow-up minus baseline (negative = lower EDSS = better)
    required: float  # smallest change the rule counts, in its own direction
    counts: bool
    reason: str


def parse_edss(value: object, name: str, *, optional: bool = False) -> float | None:
    """An EDSS score from a number or text ('6', '6.0', '6,5'); EdssInputError if it is not one.

    `name` is the key of the input in `LABELS`. With `optional`, empty text or None gives None.
    """
    label = LABELS.get(name, name)
    if value is None or (isinstance(value, str) and not value.strip()):
        if optional:
            return None
        raise EdssInputError(f"{label}: no value entered; type a score such as 4.5.")
    number = inputs.parse_number(
        value,
        label,
        error=EdssInputError,
        expected="an EDSS score",
        hint="type a score such as 4.5",
        normalise=lambda text: text.strip().replace(",", "."),
    )
    if not 0 <= number <= 10:
        raise EdssInputError(f"{label}: {number:g} is outside the scale, which runs from 0 to 10.")
    if number == 0.5:
        raise EdssInputError(f"{label}: the EDSS has no 0.5 step; after 0 the scale starts at 1.0.")
    if number not in EDSS_STEPS:
        raise EdssInputError(
            f"{label}: {number:g} is not an EDSS score; scores go in half steps (4.0, 4.5, 5.0)."
        )
    return number


def classify(
    baseline: object, follow_up: object, confirmation: object = None, rule: str = "care_ms"
) -> Verdict:
    """Whether the change from `baseline` to `follow_up` counts under `rule` (a key of `RULES`).

    A worsening rule also needs a confirmation visit at which the rise is still at least the
    required size; a rule without confirmation (`msc_np`) compares follow-up with baseline only.
    Raises EdssInputError naming every unusable input.
    """
    if rule not in RULES:
        raise EdssInputError(f"rule: {rule!r} is not one of {', '.join(map(repr, RULES))}.")
    problems, values = [], {}
    for name, value in (("baseline", baseline), ("follow_up", follow_up)):
        try:
            values[name] = parse_edss(value, name)
        except EdssInputError as error:
            problems.append(str(error))
    try:
        confirm = parse_edss(confirmation, "confirmation", optional=True)
    except EdssInputError as error:
        problems.append(str(error))
    if problems:
        raise EdssInputError("\n".join(problems))
    chosen = RULES[rule]
    start, end = values["baseline"], values["follow_up"]
    change = end - start
    required = chosen.required_change(start)
    sign = 1 if chosen.direction == "worsening" else -1
    big_enough = sign * change >= required
    word = "rise" if chosen.direction == "worsening" else "fall"
    if not big_enough:
        counts = False
        reason = (
            f"From a baseline of {score(start)} this rule needs a {word} of at least "
            f"{required:.1f}; the change is {change:+.1f}."
        )
    elif not chosen.confirmation:
        counts = True
        reason = (
            f"A {word} of {abs(change):.1f} from {score(start)} reaches the {required:.1f} this "
            "rule needs (it compares the follow-up visit with baseline; no confirmation visit)."
        )
    elif confirm is None:
        counts = False
        reason = (
            f"The {word} is large enough, but it is not confirmed: the rule needs it to last "
            f"{chosen.confirmation}. Without a confirmation visit it is not confirmed worsening."
        )
    elif sign * (confirm - start) >= required:
        counts = True
        reason = (
            f"A {word} of {abs(change):.1f} from {score(start)} reaches the {required:.1f} this "
            f"rule needs, and it is still there at the confirmation visit ({score(confirm)})."
        )
    else:
        counts = False
        reason = (
            f"The {word} did not last: at the confirmation visit the score is {score(confirm)}, "
            f"less than {required:.1f} from baseline. A change that reverses (after a relapse, "
            "say) is not confirmed."
        )
    return Verdict(rule, start, end, confirm, change, required, counts, reason)


def compare_rules(baseline: object, follow_up: object, confirmation: object = None) -> pd.DataFrame:
    """The same patient under every rule: one row per rule, in `RULES` order."""
    rows = []
    for key, chosen in RULES.items():
        verdict = classify(baseline, follow_up, confirmation, key)
        rows.append(
            {
                "Rule": chosen.name,
                "Counts": chosen.direction,
                "Change needed from this baseline": f"{verdict.required:.1f}",
                "Confirmed over": chosen.confirmation or "no confirmation (month 13 vs baseline)",
                "Does this patient count?": "yes" if verdict.counts else "no",
                "Source": chosen.source,
            }
        )
    return pd.DataFrame(rows, index=pd.Index(list(RULES), name=None))


def rules_table() -> pd.DataFrame:
    """Each rule's thresholds in words, for the page."""
    rows = []
    for chosen in RULES.values():
        parts = []
        for index, (lowest, change) in enumerate(chosen.tiers):
            upper = chosen.tiers[index + 1][0] if index + 1 < len(chosen.tiers) else None
            if upper is None:
                where = f"baseline {lowest:g} or more"
            elif lowest == 0 and upper == 1.0:
                where = "baseline 0"
            else:
                where = f"baseline {lowest:g} to {upper - 0.5:g}"
            parts.append(f"{change:g} point(s) from {where}")
        rows.append(
            {
                "Rule": chosen.name,
                "Counts": chosen.direction,
                "Smallest change that counts": "; ".join(parts),
                "Confirmed over": chosen.confirmation or "no confirmation",
                "Source": chosen.source,
            }
        )
    return pd.DataFrame(rows, index=pd.Index(list(RULES), name=None))


def render(verdict: Verdict, comparison: pd.DataFrame) -> str:
    """The verdict under the chosen rule and the same patient under every rule, as HTML."""
    chosen = RULES[verdict.rule]
    headline = (
        f"Counts as {'confirmed ' if chosen.confirmation else ''}{chosen.direction} under "
        f"{chosen.name}."
        if verdict.counts
        else f"Does not count under {chosen.name}."
    )
    from mscbook.tables import show  # one table style; sources as citations, not bib keys

    return (
        f'<p class="mscbook-verdict"><strong>{html.escape(headline)}</strong> '
        f"{html.escape(verdict.reason)}</p>"
        "<p>The same patient under every rule:</p>"
        f"{show(comparison).html}"
    )


def render_error(error: Exception) -> str:
    items = "".join(f"<li>{html.escape(line)}</li>" for line in str(error).splitlines())
    heading = "<p><strong>Please check these inputs:</strong></p>"
    return f'<div role="alert">{heading}<ul>{items}</ul></div>'


def make_widget(example: dict[str, str] | None = None):
    """A form for the explainer, filled with `example`; the report updates on every change.

    Live in JupyterLab; in the HTML book, the report for the example (see `layout.LiveWidget`).
    """
    import ipywidgets as widgets

    from mscbook.widgets import layout

    values = EXAMPLE | (example or {})
    inputs = {name: layout.text_input(values[name], label) for name, label in LABELS.items()}
    rule = layout.dropdown(
        [(chosen.name, key) for key, chosen in RULES.items()], values["rule"], "Rule"
    )
    report = widgets.HTML()

    def update(_change=None) -> None:
        try:
            answers = {name: box.value for name, box in inputs.items()}
            verdict = classify(**answers, rule=rule.value)
            report.value = render(verdict, compare_rules(**answers))
        except EdssInputError as error:
            report.value = render_error(error)

    for control in [*inputs.values(), rule]:
        control.observe(update, names="value")
    update()
    box = layout.form([("The patient", list(inputs.values())), ("The rule", [rule])], report)
    return layout.LiveWidget(box, report.value)
