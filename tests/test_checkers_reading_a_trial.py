"""The reading-a-trial checkers: reference answers pass, typical wrong ones get distinct feedback,
broken answers get feedback instead of a traceback.

The reference rates are recomputed here from the exercise's stated settings (40 patients, the
12-month no-option benchmark of 33.3% from Ghare 2021, seed 2024, 20,000 simulations); the claim
counts were read row by row from data/seed_claims.csv.
"""

from __future__ import annotations

import pandas as pd
import pytest

from mscbook import checkers, data, simulation

SETTINGS = {"n_simulations": 20_000, "seed": 2024}


@pytest.fixture(scope="module")
def rates():
    known = simulation.false_success_rate(40, 0.333, **SETTINGS).false_success_rate
    estimated = simulation.false_success_rate(
        40, 0.333, historical_n=20, **SETTINGS
    ).false_success_rate
    return known, estimated


def false_success(**names) -> checkers.Feedback:
    return checkers.check(
        "ex-trial-false-success", {"known_rate": ..., "estimated_rate": ...} | names
    )


def verdicts(**names) -> checkers.Feedback:
    return checkers.check(
        "ex-trial-claim-verdicts", {"verdict_counts": ..., "wrong_ids": ...} | names
    )


def test_false_success_reference_answer_passes(rates):
    known, estimated = rates
    feedback = false_success(known_rate=known, estimated_rate=estimated)
    assert feedback.passed, feedback
    assert estimated > 2 * known  # the lesson the praise states


def test_false_success_untouched_is_not_answered():
    assert not false_success().answered


@pytest.mark.parametrize(
    ("change", "says"),
    [
        (lambda k, e: {"known_rate": 100 * k}, "looks like a percentage"),
        (lambda k, e: {"known_rate": e, "estimated_rate": k}, "other setting's result"),
        (lambda k, e: {"estimated_rate": k}, "pass `historical_n=20`"),
        (lambda k, e: {"known_rate": k + 0.003}, "use `seed=2024`"),
        (lambda k, e: {"known_rate": 0.5}, "is not what `simulation.false_success_rate` gives"),
        (lambda k, e: {"known_rate": "0.05"}, "is text"),
        (lambda k, e: {"known_rate": float("nan")}, "NaN"),
        (lambda k, e: {"known_rate": -0.2}, "cannot be a share"),
        (lambda k, e: {"estimated_rate": ...}, "still `...`"),
        (
            lambda k, e: {"known_rate": simulation.false_success_rate(40, 0.333, **SETTINGS)},
            "take its `false_success_rate`",
        ),
    ],
)
def test_false_success_wrong_answers_get_distinct_feedback(rates, change, says):
    known, estimated = rates
    answer = {"known_rate": known, "estimated_rate": estimated} | change(known, estimated)
    feedback = false_success(**answer)
    assert not feedback.passed
    assert says in str(feedback) or says in feedback.message + " ".join(feedback.points)


def test_claim_verdicts_reference_answer_passes():
    claims = data.load("seed_claims")
    counts = claims["verdict"].value_counts()
    wrong = list(claims.loc[claims["verdict"] == "wrong", "claim_id"])
    assert verdicts(verdict_counts=counts, wrong_ids=wrong).passed
    assert verdicts(verdict_counts=counts.to_dict(), wrong_ids=set(wrong)).passed


def test_claim_verdicts_match_the_hand_count():
    claims = data.load("seed_claims")
    # Read row by row in data/seed_claims.csv: 43 claims, these 8 judged wrong.
    assert len(claims) == 43
    assert set(claims.loc[claims["verdict"] == "wrong", "claim_id"]) == {
        "cd34_27_patients_as_msc", "plxpad_improved_afs", "petrou2021_phase3",
        "ssc_trials_prove", "msc_secrete_ifng", "ssc_definition_garbled",
        "ssc_reference_2_misused", "petrou2021_no_worsening",
    }  # fmt: skip


@pytest.mark.parametrize(
    ("change", "says"),
    [
        (lambda c, w: {"verdict_counts": c[c.index != "supported"]}, "add up to"),
        (lambda c, w: {"verdict_counts": c.rename(index={"wrong": "false"})}, "Not verdicts"),
        (lambda c, w: {"verdict_counts": c.to_frame()}, "is a table"),
        (lambda c, w: {"verdict_counts": 43}, "should map each verdict"),
        (
            lambda c, w: {"wrong_ids": w + ["placental_9_patients"]},
            "overstated claims are true in part",
        ),
        (lambda c, w: {"wrong_ids": w[1:]}, "missing"),
        (lambda c, w: {"wrong_ids": w + ["no_such_claim"]}, "Not claim ids"),
        (lambda c, w: {"wrong_ids": "plxpad_improved_afs"}, "set or list of claim ids"),
        (lambda c, w: {"wrong_ids": pd.DataFrame({"claim_id": w})}, "whole table"),
    ],
)
def test_claim_verdicts_wrong_answers_get_distinct_feedback(change, says):
    claims = data.load("seed_claims")
    counts = claims["verdict"].value_counts()
    wrong = list(claims.loc[claims["verdict"] == "wrong", "claim_id"])
    feedback = verdicts(**({"verdict_counts": counts, "wrong_ids": wrong} | change(counts, wrong)))
    assert not feedback.passed
    assert says in feedback.message + " ".join(feedback.points)


def test_broken_answers_give_feedback_not_tracebacks():
    class Exploding:
        def __iter__(self):
            raise RuntimeError("boom")

    feedback = verdicts(verdict_counts={"wrong": 9}, wrong_ids=Exploding())
    assert not feedback.passed and "could not be checked" in feedback.message


def test_checkers_are_registered_by_label():
    registered = checkers.registered()
    assert registered["ex-trial-false-success"].name == "false_success"
    assert registered["ex-trial-claim-verdicts"].name == "claim_verdicts"
