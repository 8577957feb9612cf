"""The certainty checkers: reference answers pass, defensible alternatives pass, wrong answers get
feedback that points at the domain or the direction without giving the expected value away."""

from __future__ import annotations

from mscbook import checkers
from mscbook.checkers.certainty import SCENARIO_DOMAINS

REFERENCE = {
    "a": "randomisation",
    "b": "measurement",
    "c": "deviations",
    "d": "missing_data",
    "e": "selective_reporting",
}
GRADING = {
    "risk_of_bias": 1,
    "inconsistency": 0,
    "indirectness": 1,
    "imprecision": 1,
    "publication_bias": 0,
}
REASONS = {
    "risk_of_bias": "Pooled crossover periods and a primary endpoint changed from the registry.",
    "indirectness": "One centre's patients, who may differ from those treated elsewhere.",
    "imprecision": "Very few events, so the interval of the effect is wide.",
}


def domains(value) -> checkers.Feedback:
    return checkers.check("ex-certainty-rob-domains", {"domains": value})


def grade(**names) -> checkers.Feedback:
    return checkers.check(
        "ex-certainty-grade", {"downgrades": ..., "level": ..., "reasons": ...} | names
    )


def test_scenarios_of_the_checker_are_the_chapters_answer_key():
    assert SCENARIO_DOMAINS == REFERENCE


def test_reference_domains_pass_and_untouched_answer_is_not_answered():
    assert domains(REFERENCE).passed
    assert not domains(...).answered


def test_a_wrong_domain_gets_a_question_not_the_answer():
    feedback = domains(REFERENCE | {"b": "deviations"})
    assert not feedback.passed
    text = str(feedback)
    assert "Scenario (b)" in text and "not deviations" in text
    assert "measurement" not in text.replace("measured", "")


def test_bad_shapes_and_codes_are_named():
    assert "should be a dict" in str(domains(["randomisation"]))
    assert "'f'" in str(domains(REFERENCE | {"f": "low"}))
    assert "not a RoB 2 domain code" in str(domains(REFERENCE | {"a": "allocation"}))


def test_reference_rating_passes_and_so_does_a_defensible_alternative():
    assert grade(downgrades=GRADING, level="very_low", reasons=REASONS).passed
    other = GRADING | {"indirectness": 0, "imprecision": 2}
    assert grade(downgrades=other, level="very_low", reasons=REASONS).passed


def test_ignoring_the_risk_of_bias_table_is_pointed_at_without_the_number():
    feedback = grade(downgrades=GRADING | {"risk_of_bias": 0}, level="low", reasons=REASONS)
    assert not feedback.passed
    text = str(feedback)
    assert "risk of bias" in text.lower() and "RoB 2 table" in text
    assert "1 or 2" not in text
    # some concerns read in the paper and those from No information answers are told apart
    assert "3 domains with some concerns (2 of them provisional" in text


def test_numpy_integers_count_as_levels_and_fractions_do_not():
    import numpy as np

    as_numpy = {domain: np.int64(levels) for domain, levels in GRADING.items()}
    assert grade(downgrades=as_numpy, level="very_low", reasons=REASONS).passed
    assert "whole number" in str(grade(downgrades=GRADING | {"imprecision": 1.5}))
    assert "text" in str(grade(downgrades=GRADING | {"imprecision": "1"}))


def test_imprecision_may_lose_three_levels_but_no_other_domain_may():
    three = GRADING | {"imprecision": 3}
    assert grade(downgrades=three, level="very_low", reasons=REASONS).passed
    assert "from 0 to 2" in str(grade(downgrades=GRADING | {"indirectness": 3}))
    assert "from 0 to 3" in str(grade(downgrades=GRADING | {"imprecision": 4}))


def test_a_reason_about_another_domain_is_pointed_at():
    swapped = REASONS | {"imprecision": "The patients came from one hospital in one country."}
    feedback = grade(downgrades=GRADING, level="very_low", reasons=swapped)
    assert not feedback.passed
    assert "reason for imprecision does not say what that domain is about" in str(feedback)


def test_downgrading_one_trial_for_inconsistency_explains_what_inconsistency_is():
    feedback = grade(downgrades=GRADING | {"inconsistency": 1}, level="very_low", reasons=REASONS)
    assert "disagree between studies" in str(feedback)


def test_certainty_must_follow_from_the_downgrades_and_start_high():
    assert "does not follow" in str(grade(downgrades=GRADING, level="moderate", reasons=REASONS))
    easy = GRADING | {"indirectness": 0}  # high - 2 = low; low - 2 would be very low
    feedback = grade(downgrades=easy, level="very_low", reasons=REASONS)
    assert "starts high" in str(feedback)


def test_negative_and_missing_downgrades_and_thin_reasons_are_named():
    assert "negative" in str(grade(downgrades=GRADING | {"imprecision": -1}))
    partial = {k: v for k, v in GRADING.items() if k != "publication_bias"}
    assert "missing 'publication_bias'" in str(grade(downgrades=partial))
    thin = {k: v for k, v in REASONS.items() if k != "imprecision"}
    feedback = grade(downgrades=GRADING, level="very_low", reasons=thin)
    assert "add one for imprecision" in str(feedback)
