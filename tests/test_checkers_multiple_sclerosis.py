"""The multiple sclerosis checkers: reference answers pass, typical wrong answers get feedback.

Expected values come from the sources: Petrou 2020's results table gives treatment failure at 6
months in 2/30 (intrathecal), 3/31 (intravenous) and 13/31 (sham), and 9/29 and 23/30 by its second
definition. The randomised MS trials of MSC-family products were hand-checked against their
abstracts: Petrou 2020 (met, P=0.0003), MESEMS (rate ratio 0.94, 0.58-1.50, not met), Llufriu 2014
(P=0.064, not met), Harris 2024 (no difference, no P in the abstract), Fernandez 2018 (primary
endpoint safety) and Lublin 2014 (MSC-like PDA-001, phase 1b, primary endpoint safety). MIST (Burt
2019) is randomised but tested haematopoietic stem-cell transplantation, a comparator.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from mscbook import checkers

RISK_IT, RISK_IV, RISK_SHAM = 2 / 30, 3 / 31, 13 / 31
# The Wald 95% CI of 2/30 minus 13/31, by hand: difference +/- 1.96 * sqrt(p1 q1/n1 + p2 q2/n2).
RD_SE = (RISK_IT * (1 - RISK_IT) / 30 + RISK_SHAM * (1 - RISK_SHAM) / 31) ** 0.5
RD_LOW, RD_HIGH = RISK_IT - RISK_SHAM - 1.96 * RD_SE, RISK_IT - RISK_SHAM + 1.96 * RD_SE
RANDOMISED = {
    "petrou2020",
    "harris2024",
    "llufriu2014",
    "uccelli2021",
    "fernandez2018",
    "lublin2014",
}
MET = {"petrou2020"}


def risk(**names) -> checkers.Feedback:
    empty = {
        "risk_it": ...,
        "risk_sham": ...,
        "risk_difference": ...,
        "rd_ci_low": ...,
        "rd_ci_high": ...,
        "rules_out_no_difference": ...,
    }
    return checkers.check("ex-ms-petrou-risk-difference", empty | names)


def primary(**names) -> checkers.Feedback:
    empty = {"randomised_ids": ..., "met_ids": ...}
    return checkers.check("ex-ms-randomised-primary", empty | names)


REFERENCE = {
    "risk_it": RISK_IT,
    "risk_sham": RISK_SHAM,
    "risk_difference": RISK_IT - RISK_SHAM,
    "rd_ci_low": RD_LOW,
    "rd_ci_high": RD_HIGH,
    "rules_out_no_difference": True,
}


def test_risk_reference_answer_passes():
    feedback = risk(**REFERENCE)
    assert feedback.passed, feedback
    # the table's rounded percentages, as proportions, and a CI to 2 decimals are close enough
    rounded = {"risk_it": 0.067, "risk_sham": 0.419, "risk_difference": 0.067 - 0.419}
    assert risk(**(REFERENCE | rounded | {"rd_ci_low": -0.55, "rd_ci_high": -0.16})).passed
    # a numpy comparison gives numpy's bool, which is an answer too
    assert risk(**(REFERENCE | {"rules_out_no_difference": np.bool_(True)})).passed


def test_wrong_conclusion_is_coached_not_answered():
    feedback = risk(**(REFERENCE | {"rules_out_no_difference": False}))
    assert not feedback.passed
    assert "whether 0 lies between" in feedback.message
    assert "True" not in feedback.message and "False" not in feedback.message


def test_risk_untouched_is_not_answered():
    feedback = risk()
    assert not feedback.answered and str(feedback).startswith("Not answered yet")


@pytest.mark.parametrize(
    ("names", "says"),
    [
        ({"risk_it": 6.67}, "looks like a percentage"),
        ({"risk_it": RISK_IV}, "intravenous arm"),
        ({"risk_it": 9 / 29}, "second treatment-failure definition"),
        ({"risk_sham": 1 - RISK_SHAM}, "*without* treatment failure"),
        ({"risk_sham": 0.5}, "is not `events / total`"),
        ({"risk_difference": RISK_SHAM - RISK_IT}, "wrong sign"),
        ({"risk_difference": 100 * (RISK_IT - RISK_SHAM)}, "percentage points"),
        ({"risk_difference": RISK_IV - RISK_SHAM}, "intravenous arm with sham"),
        ({"risk_difference": 9 / 29 - 23 / 30}, "second treatment-failure definition"),
        ({"risk_difference": RISK_IT / RISK_SHAM}, "ratio of the risks"),
        ({"rd_ci_low": 100 * RD_LOW}, "looks like percentage points"),
        ({"rd_ci_low": -RD_HIGH, "rd_ci_high": -RD_LOW}, "sham minus intrathecal"),
        ({"rd_ci_low": RD_HIGH, "rd_ci_high": RD_LOW}, "are swapped"),
        ({"rd_ci_high": -0.2}, "not the upper end of the 95% CI"),
        ({"rules_out_no_difference": "yes"}, "should be True or False"),
        ({"risk_it": "2/30"}, "is text"),
        ({"risk_it": float("nan")}, "NaN"),
        ({"risk_it": pd.Series([RISK_IT])}, "`.item()`"),
    ],
)
def test_risk_wrong_answers_get_distinct_feedback(names, says):
    feedback = risk(**(REFERENCE | names))
    assert not feedback.passed
    assert says in feedback.message or any(says in point for point in feedback.points)


def test_risk_partly_answered_names_what_is_missing():
    feedback = risk(risk_it=RISK_IT)
    assert feedback.answered and not feedback.passed
    assert any("`risk_sham` is still `...`" in point for point in feedback.points)


def test_broken_answer_gives_feedback_not_a_traceback():
    class Broken:
        def __float__(self):
            raise RuntimeError("boom")

    feedback = risk(risk_it=Broken(), risk_sham=RISK_SHAM, risk_difference=0.0)
    assert not feedback.passed
    assert "should be a number" in str(feedback)


def test_primary_reference_answer_passes():
    feedback = primary(randomised_ids=RANDOMISED, met_ids=MET)
    assert feedback.passed, feedback
    assert primary(randomised_ids=sorted(RANDOMISED), met_ids=["petrou2020"]).passed


@pytest.mark.parametrize(
    ("names", "says"),
    [
        ({"randomised_ids": RANDOMISED | {"petrou2021"}}, "not randomised"),
        ({"randomised_ids": RANDOMISED - {"harris2024"}}, "MSC-derived products"),
        ({"randomised_ids": RANDOMISED - {"lublin2014"}}, "MSC-like product"),
        ({"randomised_ids": RANDOMISED | {"burt2019"}}, "comparator, not an MSC treatment"),
        ({"randomised_ids": RANDOMISED - {"uccelli2021"}}, "1 randomised MSC trial(s) are missing"),
        ({"randomised_ids": RANDOMISED | {"norgren2024"}}, "not multiple sclerosis trials"),
        ({"randomised_ids": RANDOMISED | {"mesems"}}, "not trial ids"),
        ({"randomised_ids": "petrou2020"}, "set or list of trial ids"),
        ({"randomised_ids": pd.DataFrame({"trial_id": ["petrou2020"]})}, "whole table"),
        ({"met_ids": MET | {"petrou2021"}}, "not randomised"),
        ({"met_ids": MET | {"llufriu2014"}}, "P value of 0.05 or more"),
        ({"met_ids": MET | {"uccelli2021"}}, "CI that includes 1"),
        ({"met_ids": MET | {"harris2024"}}, "authors report no difference"),
        ({"met_ids": MET | {"fernandez2018"}}, "primary endpoint was safety"),
        ({"met_ids": MET | {"lublin2014"}}, "primary endpoint was safety"),
        ({"met_ids": MET | {"burt2019"}}, "comparator, not an MSC treatment"),
        ({"met_ids": set()}, "missing from `met_ids`"),
        ({"met_ids": [1]}, "should be a trial id"),
    ],
)
def test_primary_wrong_answers_get_distinct_feedback(names, says):
    feedback = primary(**({"randomised_ids": RANDOMISED, "met_ids": MET} | names))
    assert not feedback.passed
    assert says in feedback.message or any(says in point for point in feedback.points)


def test_checkers_are_registered_by_label():
    registered = checkers.registered()
    assert registered["ex-ms-petrou-risk-difference"].name == "petrou_risk_difference"
    assert registered["ex-ms-randomised-primary"].name == "randomised_primary"
