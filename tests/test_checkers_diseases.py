"""The Disease-area checkers: reference answers pass, typical wrong ones get distinct feedback.

Expected values come from the sources: Kwiatkowski 2022 reports amputation-free survival of 80%
in 5 patients at 12 months (4 of 5), whose exact Clopper-Pearson 95% interval is 28.36-99.49%;
Ghare 2021 gives the 12-month no-option benchmark as 33.3% (95% CI 21.1-45.5); 33.3 lies inside
28.36-99.49, so the pilot is compatible with the natural history. The randomised
MSC trials were hand-checked against their abstracts and registries.
"""

from __future__ import annotations

import pandas as pd
import pytest

from mscbook import checkers, data

RCT_IDS = {"gupta2013", "lu2011", "soriajuan2021", "norgren2024", "qin2016", "wijnand2018"}


REFERENCE = {
    "afs_percent": 80.0,
    "ci_low": 28.36,
    "ci_high": 99.49,
    "benchmark_afs": 33.3,
    "compatible_with_benchmark": True,
}


def afs(**names) -> checkers.Feedback:
    empty = dict.fromkeys(REFERENCE, ...)
    return checkers.check("ex-cli-benchmark-afs", empty | names)


def rcts(**names) -> checkers.Feedback:
    empty = {"rct_ids": ..., "largest_completed_id": ...}
    return checkers.check("ex-cli-randomised-msc", empty | names)


def test_benchmark_reference_answer_passes():
    feedback = afs(**REFERENCE)
    assert feedback.passed, feedback
    assert "one arm cannot show a benefit" in feedback.message
    low, high = 100 * 0.28358, 100 * 0.99495
    computed = {"afs_percent": 4 / 5 * 100, "ci_low": low, "ci_high": high}
    contains = {"compatible_with_benchmark": low <= 33.3 <= high}
    assert afs(**REFERENCE | computed | contains).passed


def test_benchmark_accepts_numpy_truth_values():
    """A comparison of numpy numbers (a pandas cell) gives numpy's bool, not Python's."""
    import numpy as np

    low, high = np.float64(28.36), np.float64(99.49)
    contains = (low <= 33.3) & (high >= 33.3)
    assert isinstance(contains, np.bool_)
    assert afs(**REFERENCE | {"compatible_with_benchmark": contains}).passed
    assert not afs(**REFERENCE | {"compatible_with_benchmark": np.bool_(False)}).passed


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
        ({"ci_low": 0.2836, "ci_high": 0.9949}, "look like fractions"),
        ({"ci_low": 99.49, "ci_high": 28.36}, "swapped"),
        ({"ci_low": 21.1, "ci_high": 45.5}, "the benchmark's interval"),
        ({"ci_low": 44.94, "ci_high": 115.06}, "Wald"),
        ({"ci_low": 37.55, "ci_high": 96.38}, "Wilson"),
        ({"ci_low": 50.0}, "not the lower end"),
        ({"ci_high": 90.0}, "not the upper end"),
        ({"benchmark_afs": 45.5}, "an end of the benchmark's confidence interval"),
        ({"benchmark_afs": 21.1}, "an end of the benchmark's confidence interval"),
        ({"benchmark_afs": 42.0}, "6-month benchmark"),
        ({"benchmark_afs": 50.0}, "not the benchmark's estimate"),
        ({"compatible_with_benchmark": False}, "the point estimate lies above the benchmark"),
        ({"compatible_with_benchmark": "yes"}, "should be True or False"),
    ],
)
def test_benchmark_wrong_answers_get_distinct_feedback(names, says):
    feedback = afs(**REFERENCE | names)
    assert not feedback.passed
    assert says in feedback.message


def _with_result(monkeypatch, events: int, total: int) -> None:
    """Make the single-arm study's 12-month row report `events` of `total` alive without
    amputation, so the compatibility rule can be tested on intervals that do and do not contain
    the benchmark's 33.3%."""
    real = data.load

    def load(name):
        table = real(name)
        if name == "trial_outcomes":
            table = table.copy()
            row = table["outcome_id"] == "kwiatkowski2022_afs_12mo"
            table.loc[row, ["events", "total"]] = [events, total]
        return table

    monkeypatch.setattr(data, "load", load)


def test_benchmark_overlap_alone_is_not_compatibility(monkeypatch):
    """15 of 25 (60%): exact 95% CI 38.7-78.9%, which overlaps the benchmark's 21.1-45.5% but
    excludes its 33.3%; the sound answer is False, and overlap is named as the wrong rule."""
    _with_result(monkeypatch, 15, 25)
    answers = REFERENCE | {"afs_percent": 60.0, "ci_low": 38.67, "ci_high": 78.87}
    assert afs(**answers | {"compatible_with_benchmark": False}).passed
    feedback = afs(**answers | {"compatible_with_benchmark": True})
    assert not feedback.passed
    assert "overlap is a lenient rule" in feedback.message


def test_benchmark_partly_answered_names_what_is_missing():
    feedback = afs(afs_percent=80.0)
    assert not feedback.passed and feedback.answered
    assert (
        "`ci_low`, `ci_high`, `benchmark_afs`, `compatible_with_benchmark` still `...`"
        in feedback.message
    )


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
