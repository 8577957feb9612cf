"""The systemic sclerosis checkers: reference answers pass, typical wrong answers get feedback.

Expected values are hand-computed from the sources. The described patient (ex-ssc-classify) has
Raynaud's phenomenon 3, puffy fingers 2 and sclerodactyly 4 (higher counts: 4), a digital tip ulcer
2 and pitting scars 3 (higher counts: 3), abnormal nailfold capillaries 2 and anti-Scl-70 3: 15
points, classified (van den Hoogen 2013, Table 1); adding every item would give 19. Zhang 2017's
abstract reports mean mRSS 20.1 at baseline and 13.8 at 12 months: a change of -6.3 points.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from mscbook import checkers

CASE = [
    "raynaud_phenomenon",
    "puffy_fingers",
    "sclerodactyly",
    "digital_tip_ulcers",
    "fingertip_pitting_scars",
    "abnormal_nailfold_capillaries",
    "anti_topoisomerase_i",
]


def classify(**names) -> checkers.Feedback:
    empty = {"patient_items": ..., "total": ..., "classified": ...}
    return checkers.check("ex-ssc-classify", empty | names)


def zhang(**names) -> checkers.Feedback:
    answer_names = ("mrss_change", "largest_mid", "exceeds_every_mid", "attributable_to_msc")
    empty = dict.fromkeys(answer_names, ...)
    return checkers.check("ex-ssc-zhang-mrss", empty | names)


def test_both_checkers_are_registered():
    registered = checkers.registered()
    assert registered["ex-ssc-classify"].name == "classify"
    assert registered["ex-ssc-zhang-mrss"].name == "zhang_mrss"


def test_classify_reference_answer_passes():
    feedback = classify(patient_items=CASE, total=15, classified=True)
    assert feedback.passed, feedback
    assert classify(patient_items=tuple(reversed(CASE)), total=np.int64(15), classified=True).passed


def test_classify_untouched_is_not_answered():
    feedback = classify()
    assert not feedback.answered


@pytest.mark.parametrize(
    ("names", "says"),
    [
        ({"total": 19}, "adds every item"),
        ({"total": 12}, "is not her score"),
        ({"total": "15"}, "should be a number"),
        ({"classified": False}, "does not follow from the score"),
        ({"classified": "yes"}, "should be True or False"),
        (
            {"patient_items": [*CASE, "skin_thickening_proximal_to_mcp"]},
            "stops short of the knuckles",
        ),
        ({"patient_items": [*CASE, "interstitial_lung_disease"]}, "leave out the lung items"),
        ({"patient_items": [*CASE, "telangiectasia"]}, "not in the description"),
        ({"patient_items": CASE[1:]}, "among them: Raynaud's phenomenon"),
        ({"patient_items": [*CASE, "raynauds"]}, "Not item ids of criteria: 'raynauds'"),
        ({"patient_items": "raynaud_phenomenon"}, "should be a list of item ids"),
        ({"patient_items": [1, 2]}, "should be an item id"),
    ],
)
def test_classify_wrong_answers_get_distinct_feedback(names, says):
    answer = {"patient_items": CASE, "total": 15, "classified": True} | names
    feedback = classify(**answer)
    assert not feedback.passed
    assert says in str(feedback)


def test_classify_partly_answered_names_what_is_missing():
    feedback = classify(patient_items=CASE)
    assert not feedback.passed and feedback.answered
    assert "`total` is still `...`" in feedback.message or any(
        "`total` is still" in point for point in feedback.points
    )


# The largest published MID of the mRSS: 5.3 points (Khanna 2006, upper end of 3.2-5.3); Zhang
# 2017's fall of 6.3 points is larger.
ZHANG = {
    "mrss_change": -6.3,
    "largest_mid": 5.3,
    "exceeds_every_mid": True,
    "attributable_to_msc": False,
}


def test_zhang_reference_answer_passes():
    assert zhang(**(ZHANG | {"mrss_change": 13.8 - 20.1})).passed
    assert zhang(**ZHANG).passed
    assert zhang(**(ZHANG | {"exceeds_every_mid": np.bool_(True)})).passed


@pytest.mark.parametrize(
    ("names", "says"),
    [
        ({"exceeds_every_mid": False}, "compare the size of the fall"),
        ({"attributable_to_msc": True}, "a group without MSCs"),
    ],
)
def test_zhang_wrong_conclusions_are_coached_not_answered(names, says):
    feedback = zhang(**(ZHANG | names))
    assert not feedback.passed
    assert says in str(feedback)
    assert "should be" not in str(feedback)
    assert "True" not in str(feedback) and "False" not in str(feedback)


@pytest.mark.parametrize(
    ("names", "says"),
    [
        ({"mrss_change": 6.3}, "wrong sign"),
        ({"mrss_change": -31.3}, "percentage change"),
        ({"mrss_change": 7.1}, "standard deviation"),
        ({"mrss_change": -6.29}, "Nanjing 5-year cohort"),  # 12.39 - 18.68 (alip2024, 5 y)
        ({"mrss_change": -4.73}, "Nanjing 5-year cohort"),  # 13.95 - 18.68 (alip2024, 1 y)
        ({"mrss_change": -3.0}, "is not the change"),
        ({"mrss_change": pd.Series([-6.3])}, "pandas object holding one value"),
        ({"mrss_change": float("nan")}, "NaN"),
        ({"attributable_to_msc": True}, "plasmapheresis and cyclophosphamide"),
        ({"largest_mid": 3.2}, "low end of an estimate"),
        ({"largest_mid": 4}, "not the largest"),
        ({"largest_mid": 6.3}, "is not a minimal important difference"),
        ({"exceeds_every_mid": "yes"}, "should be True or False"),
        ({"attributable_to_msc": "no"}, "should be True or False"),
    ],
)
def test_zhang_wrong_answers_get_distinct_feedback(names, says):
    answer = ZHANG | names
    feedback = zhang(**answer)
    assert not feedback.passed
    assert says in str(feedback)


def test_broken_answers_give_feedback_not_tracebacks():
    class Exploding:
        def __iter__(self):
            raise RuntimeError("boom")

    feedback = classify(patient_items=Exploding(), total=15, classified=True)
    assert not feedback.passed
    assert "could not be checked" in feedback.message or "RuntimeError" in str(feedback)
    assert not zhang(**(ZHANG | {"mrss_change": object()})).passed
