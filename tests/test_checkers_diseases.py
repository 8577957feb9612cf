"""The Disease-area checkers: reference answers pass, typical wrong ones get distinct feedback.

Expected values come from the sources: Kwiatkowski 2022 reports amputation-free survival of 80%
in 5 patients at 12 months; Ghare 2021 gives the 12-month no-option benchmark as 33.3% (95% CI
21.1-45.5). The randomised MSC trials were hand-checked against their abstracts and registries.
"""

from __future__ import annotations

import pandas as pd
import pytest

from mscbook import checkers, data

RCT_IDS = {"gupta2013", "lu2011", "soriajuan2021", "norgren2024", "qin2016", "wijnand2018"}


def afs(**names) -> checkers.Feedback:
    empty = {"afs_percent": ..., "benchmark_high": ..., "beats_benchmark": ...}
    return checkers.check("ex-cli-benchmark-afs", empty | names)


def rcts(**names) -> checkers.Feedback:
    empty = {"rct_ids": ..., "largest_completed_id": ...}
    return checkers.check("ex-cli-randomised-msc", empty | names)


def test_benchmark_reference_answer_passes():
    feedback = afs(afs_percent=80.0, benchmark_high=45.5, beats_benchmark=True)
    assert feedback.passed, feedback
    assert afs(afs_percent=4 / 5 * 100, benchmark_high=45.5, beats_benchmark=80 > 45.5).passed


def test_benchmark_untouched_is_not_answered():
    feedback = afs()
    assert not feedback.answered and str(feedback).startswith("Not answered yet")


@pytest.mark.parametrize(
    ("names", "says"),
    [
        ({"afs_percent": 0.8}, "looks like a fraction"),
        ({"afs_percent": 20.0}, "died or lost the leg"),
        ({"afs_percent": 60.0}, "divide `events` by `total`"),
        ({"afs_percent": "80%"}, "is text"),
        ({"benchmark_high": 33.3}, "point estimate"),
        ({"benchmark_high": 51.2}, "6-month benchmark"),
        ({"benchmark_high": 21.1}, "lower end"),
        ({"beats_benchmark": False}, "does not follow"),
        ({"beats_benchmark": "yes"}, "should be True or False"),
    ],
)
def test_benchmark_wrong_answers_get_distinct_feedback(names, says):
    answer = {"afs_percent": 80.0, "benchmark_high": 45.5, "beats_benchmark": True} | names
    feedback = afs(**answer)
    assert not feedback.passed
    assert says in feedback.message


def test_benchmark_partly_answered_names_what_is_missing():
    feedback = afs(afs_percent=80.0)
    assert not feedback.passed and feedback.answered
    assert "`benchmark_high`, `beats_benchmark` still `...`" in feedback.message


def test_randomised_reference_answer_passes():
    assert rcts(rct_ids=RCT_IDS, largest_completed_id="qin2016").passed
    trials = data.load("trials")
    as_list = list(trials.loc[trials["trial_id"].isin(RCT_IDS), "trial_id"])
    assert rcts(rct_ids=as_list, largest_completed_id="qin2016").passed


@pytest.mark.parametrize(
    ("names", "says"),
    [
        ({"rct_ids": RCT_IDS | {"powell2012"}}, "comparator products"),
        ({"rct_ids": RCT_IDS | {"nct01484574"}}, "not randomised"),
        ({"rct_ids": RCT_IDS - {"norgren2024"}}, "MSC-like cells"),
        ({"rct_ids": RCT_IDS - {"gupta2013"}}, "1 randomised MSC trial(s) are missing"),
        ({"rct_ids": RCT_IDS | {"uccelli2021"}}, "not limb-ischaemia trials"),
        ({"rct_ids": RCT_IDS | {"pace"}}, "not trial ids"),
        ({"rct_ids": "gupta2013"}, "set or list of trial ids"),
        ({"rct_ids": pd.DataFrame({"trial_id": ["gupta2013"]})}, "whole table"),
        ({"largest_completed_id": "norgren2024"}, "did not complete"),
        ({"largest_completed_id": "soriajuan2021"}, "no published results"),
        ({"largest_completed_id": "lu2011"}, "another such trial is larger"),
        ({"largest_completed_id": "powell2012"}, "not one of the randomised MSC trials"),
    ],
)
def test_randomised_wrong_answers_get_distinct_feedback(names, says):
    answer = {"rct_ids": RCT_IDS, "largest_completed_id": "qin2016"} | names
    feedback = rcts(**answer)
    assert not feedback.passed
    assert says in feedback.message


def test_checkers_are_registered_by_label():
    registered = checkers.registered()
    assert registered["ex-cli-benchmark-afs"].name == "benchmark_afs"
    assert registered["ex-cli-randomised-msc"].name == "randomised_msc"
