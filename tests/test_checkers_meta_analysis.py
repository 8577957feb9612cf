"""The meta-analysis checkers: reference answers pass, typical wrong ones get distinct feedback,
and broken answers get feedback, never a traceback.

The reference BCG answer is checked against the published pooled risk ratio (Stata metan,
recorded in tests/test_stats.py), not against the checker's own computation.
"""

from __future__ import annotations

import warnings

import pandas as pd
import pytest

from mscbook import checkers, data, stats

ZERO_EXAMPLE = pd.DataFrame(
    {
        "study": ["Trial A", "Trial B", "Trial C"],
        "events_treat": [1, 0, 0],
        "n_treat": [30, 25, 20],
        "events_control": [3, 2, 0],
        "n_control": [30, 24, 20],
    }
)


@pytest.fixture(scope="module")
def bcg():
    return data.load("bcg_trials")


def pooled(function, table, columns, **options):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", stats.ZeroCellWarning)
        return function(*(table[column] for column in columns), **options)


BCG_ARMS = ("events_vaccinated", "n_vaccinated", "events_control", "n_control")
ZERO_ARMS = ("events_treat", "n_treat", "events_control", "n_control")

# ---------------------------------------------------------------- BCG

BCG_LABEL = "ex-meta-bcg-pool"


def check_bcg(bcg, **names):
    return checkers.check(BCG_LABEL, {"bcg": bcg} | names)


def test_the_bcg_reference_answer_passes_and_is_the_published_one(bcg):
    answer = pooled(stats.pool_risk_ratios, bcg, BCG_ARMS, method="dl")
    assert round(answer.rr, 4) == 0.4896  # Stata metan, random effects
    feedback = check_bcg(bcg, bcg_pooled=answer)
    assert feedback.passed, feedback
    assert "0.49" in feedback.message


def test_the_bcg_exercise_not_answered(bcg):
    feedback = check_bcg(bcg)
    assert not feedback.answered
    assert not check_bcg(bcg, bcg_pooled=...).answered


@pytest.mark.parametrize(
    ("make_answer", "message"),
    [
        (lambda b: pooled(stats.pool_risk_ratios, b, BCG_ARMS, method="fixed"), "fixed-effect"),
        (lambda b: pooled(stats.pool_risk_ratios, b, BCG_ARMS, method="pm"), "Paule-Mandel"),
        (lambda b: pooled(stats.pool_odds_ratios, b, BCG_ARMS), "You pooled odds ratios"),
        (lambda b: pooled(stats.pool_risk_ratios, b.head(10), BCG_ARMS), "You pooled 10 trials"),
        (
            lambda b: pooled(stats.pool_risk_ratios, b, BCG_ARMS[2:] + BCG_ARMS[:2]),
            "the control group went in first",
        ),
        (
            lambda b: stats.pool_risk_ratios(
                b["events_vaccinated"],
                b["n_vaccinated"] - b["events_vaccinated"],
                b["events_control"],
                b["n_control"] - b["events_control"],
            ),  # fmt: skip
            "totals, not the people without tuberculosis",
        ),
        (lambda b: pooled(stats.pool_risk_ratios, b, BCG_ARMS).rr, "single number"),
        (lambda b: "0.49", "not str"),
    ],
)
def test_typical_wrong_bcg_answers_get_their_own_feedback(bcg, make_answer, message):
    feedback = check_bcg(bcg, bcg_pooled=make_answer(bcg))
    assert not feedback.passed and feedback.answered
    assert message in feedback.message, feedback


def test_a_missing_bcg_table_is_explained():
    answer = pooled(stats.pool_risk_ratios, data.load("bcg_trials"), BCG_ARMS)
    feedback = checkers.check(BCG_LABEL, {"bcg_pooled": answer})
    assert not feedback.passed and "`bcg` is missing" in feedback.message
    feedback = checkers.check(BCG_LABEL, {"bcg": "a table", "bcg_pooled": answer})
    assert "`bcg` is missing or was changed" in feedback.message


# ---------------------------------------------------------------- zero events

ZERO_LABEL = "ex-meta-zero-events"


def check_zero(**names):
    return checkers.check(ZERO_LABEL, {"zero_example": ZERO_EXAMPLE} | names)


def reference_zero():
    return {
        "zero_rr": pooled(stats.pool_risk_ratios, ZERO_EXAMPLE, ZERO_ARMS),
        "zero_rd": pooled(stats.pool_risk_differences, ZERO_EXAMPLE, ZERO_ARMS),
    }


def test_the_zero_event_reference_answer_passes():
    answers = reference_zero()
    # by hand: the ratio drops Trial C (no events in either arm); the difference keeps it
    assert answers["zero_rr"].k == 2 and answers["zero_rd"].k == 3
    feedback = check_zero(**answers)
    assert feedback.passed, feedback
    assert "pools 2 studies" in feedback.message and "keeps all 3" in feedback.message


def test_the_zero_event_exercise_half_answered():
    assert not check_zero().answered
    feedback = check_zero(zero_rr=reference_zero()["zero_rr"])
    assert feedback.answered and not feedback.passed
    assert "`zero_rd` is still `...`" in feedback.message
    assert "`zero_rr` is right" in feedback.message


def test_typical_wrong_zero_event_answers_get_their_own_feedback():
    answers = reference_zero()
    without_c = ZERO_EXAMPLE[ZERO_EXAMPLE["study"] != "Trial C"]
    dropped = pooled(stats.pool_risk_differences, without_c, ZERO_ARMS)
    feedback = check_zero(zero_rr=answers["zero_rr"], zero_rd=dropped)
    assert "a risk difference of 0 is information" in feedback.message
    feedback = check_zero(zero_rr=answers["zero_rd"], zero_rd=answers["zero_rd"])
    assert "is a pooled risk difference; use `stats.pool_risk_ratios`" in feedback.message
    swapped = pooled(stats.pool_risk_differences, ZERO_EXAMPLE, ZERO_ARMS[2:] + ZERO_ARMS[:2])
    feedback = check_zero(zero_rr=answers["zero_rr"], zero_rd=swapped)
    assert "give the treatment arm first" in feedback.message
    feedback = check_zero(zero_rr=1.0, zero_rd=None)
    assert feedback.message.startswith("Two things to fix")
    assert any("single number" in point for point in feedback.points)
    assert any("not NoneType" in point for point in feedback.points)


def test_a_broken_zero_example_gives_feedback_not_a_traceback():
    broken = ZERO_EXAMPLE.assign(events_treat=[1, 40, 0])  # more events than patients
    feedback = checkers.check(ZERO_LABEL, {"zero_example": broken, **reference_zero()})
    assert not feedback.passed and "could not be checked" in feedback.message
    feedback = checkers.check(ZERO_LABEL, {"zero_rr": 1})
    assert "`zero_example` is missing" in feedback.message


# ---------------------------------------------------------------- Hartung-Knapp judgement

HK_LABEL = "ex-meta-hk-judgement"


@pytest.fixture(scope="module")
def ms_ratios():
    return stats.reported_ratios(
        data.load("trial_outcomes"), "gd_enhancing_lesions", data.load("trials")
    )


def hk(ms_ratios, **options):
    return stats.pool_generic(
        ms_ratios["estimate"], ms_ratios["ci_low"], ms_ratios["ci_high"],
        p_values=ms_ratios["p_value"], **options,
    )  # fmt: skip


def check_hk(ms_ratios, **names):
    return checkers.check(HK_LABEL, {"ms_ratios": ms_ratios} | names)


def test_the_hk_reference_answer_passes(ms_ratios):
    answer = hk(ms_ratios, hartung_knapp=True)
    # independent of the checker: both intervals include 1, so the verdict cannot change
    assert answer.ci_low < 1 < answer.ci_high
    dl = hk(ms_ratios)
    assert dl.ci_low < 1 < dl.ci_high
    feedback = check_hk(ms_ratios, hk_pool=answer, claims={"B", "C", "D"}, verdict_changes=False)
    assert feedback.passed, feedback


def test_the_hk_exercise_not_answered(ms_ratios):
    feedback = check_hk(ms_ratios)
    assert not feedback.passed and not feedback.answered


def test_a_pool_without_hartung_knapp_is_named(ms_ratios):
    feedback = check_hk(ms_ratios, hk_pool=hk(ms_ratios), claims="BCD", verdict_changes=False)
    assert not feedback.passed and "hartung_knapp=True" in str(feedback)


def _claims_feedback(ms_ratios, claims):
    answer = hk(ms_ratios, hartung_knapp=True)
    return check_hk(ms_ratios, hk_pool=answer, claims=claims, verdict_changes=False)


def test_wrong_claims_are_counted_not_named(ms_ratios):
    # The key (B, C, D true) is stated here, independently of the checker's table.
    feedback = _claims_feedback(ms_ratios, {"A", "B", "C", "D"})
    assert not feedback.passed
    message = str(feedback)
    assert "1 of your letters is false" in message and "missing" not in message
    assert not {"A", "B", "C", "D", "E"} & set(message.replace(",", " ").replace(".", " ").split())


def test_same_counts_with_different_letters_give_identical_feedback(ms_ratios):
    # one false letter and one true letter missing, in two different ways
    first = str(_claims_feedback(ms_ratios, {"A", "B", "C"}))
    second = str(_claims_feedback(ms_ratios, {"C", "D", "E"}))
    assert first == second
    assert "1 of your letters is false" in first and "1 true statement is missing" in first
    # missing only, different letters
    assert str(_claims_feedback(ms_ratios, {"B", "C"})) == str(
        _claims_feedback(ms_ratios, {"C", "D"})
    )


def test_an_empty_attempt_does_not_return_the_key(ms_ratios):
    message = str(_claims_feedback(ms_ratios, set()))
    assert "3 true statements are missing" in message
    # the coaching is the same neutral list as for any other wrong answer
    assert (
        message.split("Inspect")[1] == str(_claims_feedback(ms_ratios, {"A"})).split("Inspect")[1]
    )
    assert "chi2.sf" in message


def test_a_wrong_verdict_is_coached_without_stating_the_rule(ms_ratios):
    answer = hk(ms_ratios, hartung_knapp=True)
    feedback = check_hk(ms_ratios, hk_pool=answer, claims={"B", "C", "D"}, verdict_changes=True)
    assert not feedback.passed
    message = str(feedback)
    assert "compare each interval" in message
    assert "False" not in message and "only if" not in message and "excludes" not in message


@pytest.mark.parametrize(
    ("claims", "fragment"),
    [("Z", "A to E"), (42, "set of letters")],
)
def test_malformed_claims_get_feedback_not_a_traceback(ms_ratios, claims, fragment):
    answer = hk(ms_ratios, hartung_knapp=True)
    feedback = check_hk(ms_ratios, hk_pool=answer, claims=claims, verdict_changes=False)
    assert not feedback.passed and fragment in str(feedback)


def test_a_verdict_that_is_not_true_or_false_is_named(ms_ratios):
    answer = hk(ms_ratios, hartung_knapp=True)
    feedback = check_hk(ms_ratios, hk_pool=answer, claims={"B", "C", "D"}, verdict_changes="no")
    assert not feedback.passed and "True or False" in str(feedback)
