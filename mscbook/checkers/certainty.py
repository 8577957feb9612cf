"""Checkers of the chapter "Certainty of evidence" (see `mscbook.checkers`).

They check the reasoning a program can check: that a problem is placed in the right RoB 2
domain, that a GRADE rating moves in the right direction in each domain, and that the final
certainty follows from the start and the downgrades. Where reasonable raters differ (one level
or two), every defensible answer passes; the feedback never states the expected value.
"""

from __future__ import annotations

from collections.abc import Mapping

from mscbook import certainty, data
from mscbook.checkers import (
    WAITING,
    Feedback,
    checker,
    combine,
    not_answered,
    number_answer,
    quoted,
)

# ---------------------------------------------------------------------- which RoB 2 domain

#: The scenarios of exercise ex-certainty-rob-domains (the chapter states each) and their domain.
SCENARIO_DOMAINS = {
    "a": "randomisation",
    "b": "measurement",
    "c": "deviations",
    "d": "missing_data",
    "e": "selective_reporting",
}
#: A nudge for a wrong answer: the question that separates the right domain from the others.
SCENARIO_HINTS = {
    "a": "did the problem arise before or after each patient's group was fixed?",
    "b": "is the problem in the care patients received, or in how their outcome was scored?",
    "c": "is the problem in how the outcome was scored, or in what patients did after "
    "learning their group?",
    "d": "is the problem how the outcome was measured, or whether it was measured at all?",
    "e": "was the outcome measured badly, or was one of several measured results picked "
    "for the paper?",
}


def _domain_verdict(key: str, value: object) -> str | None:
    if value is ...:
        return WAITING
    if not isinstance(value, str) or value not in certainty.ROB_DOMAINS:
        return (
            f"scenario ({key}): {quoted(value)} is not a RoB 2 domain code; use one of "
            f"{', '.join(certainty.ROB_DOMAINS)}."
        )
    if value == SCENARIO_DOMAINS[key]:
        return None
    return (
        f"scenario ({key}): not {certainty.ROB_DOMAINS[value].lower()}. Ask: {SCENARIO_HINTS[key]}"
    )


@checker("ex-certainty-rob-domains")
def check_rob_domains(namespace: Mapping[str, object]) -> Feedback:
    """`domains`: a dict mapping each scenario letter ('a' to 'e') to a RoB 2 domain code."""
    answer = namespace.get("domains", ...)
    if answer is ...:
        return not_answered()
    if not isinstance(answer, Mapping):
        return Feedback(
            False,
            f"`domains` should be a dict such as {{'a': ..., 'b': ...}}, not {quoted(answer)}.",
        )
    unknown = sorted(str(key) for key in answer if key not in SCENARIO_DOMAINS)
    if unknown:
        return Feedback(
            False, f"`domains` has keys `{unknown}`; use the scenario letters 'a' to 'e' only."
        )
    verdicts = {
        f"domains['{key}']": _domain_verdict(key, answer.get(key, ...)) for key in SCENARIO_DOMAINS
    }
    return combine(verdicts, praise="Each problem is in its RoB 2 domain.")


# ------------------------------------------------------------------ grade Petrou 2020

GRADED_TRIAL = "petrou2020"
#: What a defensible rating of Petrou 2020's treatment failure (intrathecal MSCs vs sham) can
#: be in each domain: the teaching rubric of exercise ex-certainty-grade (see the chapter's
#: solution for the reasons).
ACCEPTED = {
    "risk_of_bias": {1, 2},
    "inconsistency": {0},
    "indirectness": {0, 1},
    "imprecision": {1, 2, 3},
    "publication_bias": {0, 1},
}
MIN_REASON_WORDS = 5
#: Word stems a reason for each domain is expected to use, one at least: a reason that names
#: none of them is probably about another domain. Deliberately broad (any defensible reason
#: passes); they say what a domain is about, not what the answer is.
DOMAIN_WORDS = {
    "risk_of_bias": ("bias", "conceal", "allocat", "blind", "mask", "carry", "crossover",
                     "period", "registr", "endpoint", "outcome", "sham", "random", "rob"),
    "inconsistency": ("trial", "stud", "consisten", "agree", "differ", "heterogen"),
    "indirectness": ("indirect", "direct", "population", "patient", "centre", "center",
                     "setting", "general", "surrogate", "composite", "outcome", "product"),
    "imprecision": (
        "event",
        "interval",
        "confidence",
        "95%",
        "precis",
        "sample",
        "few",
        "small",
        "wide",
        "information size",
        "threshold",
        "number",
    ),
    "publication_bias": ("publi", "registr", "unreported", "funnel", "small-study", "missing"),
}  # fmt: skip


def _concerns(trial_id: str) -> str:
    """'3 domains with some concerns (2 of them provisional, from No information answers)'
    for the trial's RoB 2 rows; counts high-risk domains separately."""
    rob = data.load("risk_of_bias")
    rows = rob[rob["trial_id"] == trial_id]
    parts = []
    for judgement in ("some_concerns", "high"):
        chosen = rows[rows["judgement"] == judgement]
        if len(chosen):
            provisional = int((chosen["basis"] == "no_information").sum())
            words = certainty.JUDGEMENTS[judgement].lower()
            text = f"{len(chosen)} domain{'s' * (len(chosen) != 1)} with {words}"
            if provisional:
                text += f" ({provisional} of them provisional, from No information answers)"
            parts.append(text)
    return " and ".join(parts) or "no domain that is not low"


def _direction(domain: str, levels: int) -> str | None:
    """A nudge when a domain's downgrade lies outside the rubric; None when it is defensible."""
    if levels in ACCEPTED[domain]:
        return None
    low = min(ACCEPTED[domain])
    if domain == "risk_of_bias" and levels < low:
        return (
            f"risk of bias: the book's RoB 2 table has {_concerns(GRADED_TRIAL)} for this "
            "result; a rating that ignores them needs looking at again."
        )
    if domain == "inconsistency":
        return (
            "inconsistency is about results that disagree between studies; ask how many trials "
            "this outcome rests on."
        )
    if domain == "imprecision" and levels < low:
        return (
            "imprecision: count the events the comparison rests on (trial_outcomes) and think "
            "about how wide an interval so few events give."
        )
    if levels > max(ACCEPTED[domain]):
        return (
            f"{certainty.GRADE_DOMAINS[domain].lower()}: that is more than this domain's problems "
            "support; ask whether they are serious, or very serious."
        )
    return f"{certainty.GRADE_DOMAINS[domain].lower()}: look at this domain again."


def _codes(names) -> str:
    """Codes a student types, each in code quotes, as the exercise shows them."""
    return ", ".join(f"`{name!r}`" if " " not in str(name) else repr(name) for name in names)


def _downgrades(value: object) -> dict[str, int] | str:
    if value is ...:
        return WAITING
    if not isinstance(value, Mapping):
        return f"`downgrades` should be a dict of the five GRADE domains, not {quoted(value)}."
    missing = [domain for domain in certainty.GRADE_DOMAINS if domain not in value]
    unknown = sorted(str(key) for key in value if key not in certainty.GRADE_DOMAINS)
    if missing or unknown:
        return (
            "`downgrades` needs exactly the five GRADE domains: "
            f"{_codes(certainty.GRADE_DOMAINS)}"
            + (f"; missing {_codes(missing)}" if missing else "")
            + (f"; not GRADE domains: {_codes(unknown)}" if unknown else "")
            + "."
        )
    levels = {}
    for domain in certainty.GRADE_DOMAINS:
        name = f"downgrades['{domain}']"
        # the book's one reading of numbers: numpy integers and 1.0 count, text does not
        number = number_answer(name, value[domain])
        if isinstance(number, str):
            return number
        top = certainty.MAX_DOWNGRADE[domain]
        if number < 0:
            return (
                f"`{name}` is negative: these five domains only lower certainty "
                f"(0 to {top} levels)."
            )
        if number != int(number) or number > top:
            return (
                f"`{name}` should be a whole number from 0 to {top}, not {quoted(value[domain])}."
            )
        levels[domain] = int(number)
    return levels


@checker("ex-certainty-grade")
def check_grade(namespace: Mapping[str, object]) -> Feedback:
    """`downgrades` (levels per GRADE domain), `level` (the certainty left, a code such as
    'moderate') and `reasons` (a sentence for each domain you downgraded)."""
    answers = {name: namespace.get(name, ...) for name in ("downgrades", "level", "reasons")}
    if all(value is ... for value in answers.values()):
        return not_answered()
    levels = _downgrades(answers["downgrades"])
    verdicts: dict[str, str | None] = {}
    if isinstance(levels, str):
        verdicts["downgrades"] = levels
    else:
        problems = [
            problem
            for domain, number in levels.items()
            if (problem := _direction(domain, number)) is not None
        ]
        verdicts["downgrades"] = " ".join(problems) if problems else None
    verdicts["level"] = _judge_level(answers["level"], levels)
    verdicts["reasons"] = _judge_reasons(answers["reasons"], levels)
    return combine(
        verdicts,
        praise=(
            "A defensible rating: each downgrade goes the right way, has a reason, and the "
            "certainty follows from them. Compare your reasons with the solution's."
        ),
    )


def _judge_level(value: object, levels: dict[str, int] | str) -> str | None:
    if value is ...:
        return WAITING
    if not certainty.is_level(value):
        return f"`level` should be one of {_codes(certainty.LEVELS)}, not {quoted(value)}."
    if isinstance(levels, str):
        return None  # judged once `downgrades` can be read
    trial = data.load("trials").set_index("trial_id").loc[GRADED_TRIAL]
    start = certainty.starting_level(trial.randomised)
    if value == certainty.grade_certainty(start, levels):
        return None
    if value == certainty.grade_certainty("low", levels) and start == "high":
        return "`level` starts from the wrong place: evidence from a randomised trial starts high."
    return (
        "`level` does not follow from your `downgrades`: start from the trial's design and "
        "go down one level for each level downgraded, no lower than very low."
    )


def _judge_reasons(value: object, levels: dict[str, int] | str) -> str | None:
    if value is ...:
        return WAITING
    if not isinstance(value, Mapping):
        return f"`reasons` should be a dict from domain to a sentence, not {quoted(value)}."
    if isinstance(levels, str):
        return None
    thin = [
        domain
        for domain, number in levels.items()
        if number > 0
        and (
            not isinstance(value.get(domain), str)
            or len(value.get(domain, "").split()) < MIN_REASON_WORDS
        )
    ]
    if thin:
        return (
            "every downgrade needs its reason, a sentence of at least "
            f"{MIN_REASON_WORDS} words: add one for {', '.join(thin)}."
        )
    off_topic = [
        domain
        for domain, number in levels.items()
        if number > 0 and not any(word in value[domain].lower() for word in DOMAIN_WORDS[domain])
    ]
    if off_topic:
        return (
            f"the reason for {', '.join(off_topic)} does not say what that domain is about; "
            "check that each sentence defends its own domain, not another one."
        )
    return None
