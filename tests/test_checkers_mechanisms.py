"""The Mechanisms checkers: reference answers pass, untouched answers are "not answered", and
typical wrong answers fail with distinct feedback that does not give the answer away.

Expected answers are computed here from the raw CSV files (or by hand for the teaching model),
not by the checker."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from mscbook import checkers
from mscbook.widgets import ido
from tests.conftest import raw_table

MSC = ("msc", "msc_like", "msc_derived")


def assert_distinct_failures(label: str, namespace: dict, right: dict, wrongs: dict) -> None:
    messages = []
    for case, wrong in wrongs.items():
        feedback = checkers.check(label, namespace | right | wrong)
        assert not feedback.passed and feedback.answered, case
        assert str(feedback).startswith("Not yet right"), case
        messages.append(feedback.message)
    assert len(set(messages)) == len(messages), "each wrong answer gets its own feedback"


def assert_reference_and_untouched(label: str, namespace: dict, right: dict) -> None:
    feedback = checkers.check(label, namespace | right)
    assert feedback.passed and str(feedback).startswith("Correct"), feedback
    untouched = checkers.check(label, namespace | dict.fromkeys(right, ...))
    assert not untouched.passed and not untouched.answered
    half = dict.fromkeys(right, ...) | dict([next(iter(right.items()))])
    partial = checkers.check(label, namespace | half)
    said = (partial.message, *partial.points)
    assert not partial.passed and partial.answered and any("still `...`" in t for t in said)


# --- angiogenesis -----------------------------------------------------------------------------


def angio_answer():
    """The claim exercise's answer from the raw CSV: rung and MSC-specificity per row, the human
    rows and the human rows with a control group."""
    rows = [row for row in raw_table("secretome") if row["mechanism"] == "angiogenesis"]
    rung = {
        r["factor_id"]: {"in_vitro": 1, "animal": 2, "human": 3}[r["evidence_kind"]] for r in rows
    }
    specific = {r["factor_id"]: "mechanism not separated" not in r["factor"] for r in rows}
    human = [r for r in rows if r["evidence_kind"] == "human"]
    controlled = [r["factor_id"] for r in human if "no control group" not in r["value_meaning"]]
    return {
        "rung": rung,
        "msc_specific": specific,
        "human_rows": [r["factor_id"] for r in human],
        "controlled_human_rows": controlled,
        "human_row_supports_new_vessels": False,
        "weakest_link": "negative human finding",
    }


def test_angiogenesis_claim_answer_matches_the_rows_read_by_hand():
    right = angio_answer()
    # read by hand from data/secretome.csv: two culture rows, one pooled animal review, and one
    # uncontrolled human study that saw no new vessels on angiography
    assert right["rung"] == {
        "vegf_fgf2": 1,
        "hypoxia_induction": 1,
        "hindlimb_perfusion": 2,
        "angiography_cli": 3,
    }
    assert [key for key, value in right["msc_specific"].items() if not value] == [
        "hindlimb_perfusion"
    ]
    assert right["human_rows"] == ["angiography_cli"]
    assert right["controlled_human_rows"] == []


def test_angiogenesis_claim_checker(secretome):
    namespace = {"secretome": secretome}
    right = angio_answer()
    assert_reference_and_untouched("ex-angio-claim-code", namespace, right)
    as_pandas = right | {
        "rung": pd.Series(right["rung"]),
        "msc_specific": {k: np.bool_(v) for k, v in right["msc_specific"].items()},
        "human_rows": pd.Index(right["human_rows"]),
        "controlled_human_rows": set(),
        "weakest_link": " Negative human finding",
    }
    assert checkers.check("ex-angio-claim-code", namespace | as_pandas).passed
    upside_down = {k: 4 - v for k, v in right["rung"].items()}
    with_other = right["rung"] | {"ido": 1}
    assert_distinct_failures(
        "ex-angio-claim-code",
        namespace,
        right,
        {
            "rungs upside down": {"rung": upside_down},
            "rows of another mechanism": {"rung": with_other},
            "a row missing": {"rung": dict(list(right["rung"].items())[:3])},
            "rung as text": {"rung": dict.fromkeys(right["rung"], "in_vitro")},
            "every row MSC-specific": {"msc_specific": dict.fromkeys(right["rung"], True)},
            "an MSC row marked not specific": {
                "msc_specific": right["msc_specific"] | {"vegf_fgf2": False}
            },
            "uncontrolled study taken as controlled": {
                "controlled_human_rows": ["angiography_cli"]
            },
            "an animal row counted as human": {
                "human_rows": ["angiography_cli", "hindlimb_perfusion"]
            },
            "counting taken for reading": {"human_row_supports_new_vessels": True},
            "an absence chosen": {"weakest_link": "no controlled human study"},
            "a lower rung chosen": {"weakest_link": "antibodies only partly block"},
            "not on the menu": {"weakest_link": "small sample"},
        },
    )


def test_angiogenesis_claim_feedback_never_gives_the_judgements(secretome):
    right = angio_answer()
    for wrong in (
        {"human_row_supports_new_vessels": True},
        {"weakest_link": "no controlled human study"},
        {"weakest_link": "mechanism not separated in animals"},
    ):
        feedback = checkers.check("ex-angio-claim-code", {"secretome": secretome} | right | wrong)
        assert not feedback.passed
        assert "negative human finding" not in feedback.message
        assert "False" not in feedback.message


def test_angiogenesis_checker_reports_lost_data():
    feedback = checkers.check("ex-angio-claim-code", angio_answer())
    assert not feedback.passed and "run the cells above" in feedback.message


# --- immunomodulation -------------------------------------------------------------------------

FOLD_WITHOUT = math.exp(0.03 * 1 / 1.2 * 72)  # k = 0: exp(r W0 / (W0 + K) t)
FOLD_WITH = (1.2 / (math.exp(-0.05 * 72) + 0.2)) ** (0.03 / 0.05)


def test_ido_checker():
    right = {"fold_without_ido": FOLD_WITHOUT, "fold_with_ido": FOLD_WITH}
    assert_reference_and_untouched("ex-immuno-ido-code", {}, right)
    at_96 = ido.compare([96]).set_index("condition")["fold"]
    assert_distinct_failures(
        "ex-immuno-ido-code",
        {},
        right,
        {
            "swapped": {"fold_without_ido": FOLD_WITH, "fold_with_ido": FOLD_WITHOUT},
            "cell numbers": {"fold_without_ido": 50_000 * FOLD_WITHOUT},
            "at 96 hours": {"fold_with_ido": at_96["with IDO"]},
            "tryptophan": {"fold_with_ido": math.exp(-0.05 * 72)},
            "a Series": {"fold_without_ido": pd.Series([FOLD_WITHOUT, 1.0])},
            "unrelated number": {"fold_without_ido": 3.3},
        },
    )


# IFN-gamma acts only within a species (Hemmi 1989): by hand, the MSCs meet IFN-gamma of their own
# species in B (human T cells in the mouse), C (mouse MSCs in mice) and D (human IFN-gamma in
# culture before injection), and only mouse IFN-gamma in A, E and F.
XENO_RIGHT = {
    "licensable": {"A": False, "B": True, "C": True, "D": True, "E": False, "F": False},
    "conclusion_supported": False,
}


def flipped(*designs: str) -> dict:
    answer = dict(XENO_RIGHT["licensable"])
    for design in designs:
        answer[design] = not answer[design]
    return {"licensable": answer}


def test_xenograft_checker():
    assert_reference_and_untouched("ex-immuno-xenograft-code", {}, XENO_RIGHT)
    lower_numpy = {key.lower(): np.bool_(v) for key, v in XENO_RIGHT["licensable"].items()}
    as_series = pd.Series(XENO_RIGHT["licensable"])
    for licensable in (lower_numpy, as_series):
        feedback = checkers.check(
            "ex-immuno-xenograft-code", XENO_RIGHT | {"licensable": licensable}
        )
        assert feedback.passed, feedback
    missing_f = {key: v for key, v in XENO_RIGHT["licensable"].items() if key != "F"}
    assert_distinct_failures(
        "ex-immuno-xenograft-code",
        {},
        XENO_RIGHT,
        {
            "mouse IFN-gamma taken to license human cells": flipped("A"),
            "human effector cells overlooked": flipped("B"),
            "same species marked impossible": flipped("C"),
            "licensing in culture overlooked": flipped("D"),
            "two kinds wrong": flipped("A", "D"),
            "every answer True": {"licensable": dict.fromkeys("ABCDEF", True)},
            "a design missing": {"licensable": missing_f},
            "an unknown design": {"licensable": XENO_RIGHT["licensable"] | {"G": True}},
            "text instead of True/False": {"licensable": XENO_RIGHT["licensable"] | {"A": "no"}},
            "a list": {"licensable": [False, True, True, True, False, False]},
            "a design given twice": {"licensable": XENO_RIGHT["licensable"] | {"a": True}},
            "negative result read as proof": {"conclusion_supported": True},
            "conclusion as text": {"conclusion_supported": "False"},
        },
    )


def test_xenograft_checker_names_a_design_given_twice():
    twice = XENO_RIGHT["licensable"] | {"b": True}
    feedback = checkers.check("ex-immuno-xenograft-code", XENO_RIGHT | {"licensable": twice})
    assert not feedback.passed and "Duplicate design: B" in feedback.message


def test_xenograft_feedback_never_names_a_design_or_its_answer():
    for design in "ABCDEF":
        message = str(checkers.check("ex-immuno-xenograft-code", XENO_RIGHT | flipped(design)))
        assert not any(f"{letter} " in message or f"{letter}:" in message for letter in "ABCDEF")
        assert "True" not in message.replace("marked True", "")


# --- homing -----------------------------------------------------------------------------------


def route_count(route: str, products, exact: bool = False) -> int:
    return sum(
        1
        for row in raw_table("trials")
        if row["product_type"] in products
        and (row["route"] == route if exact else route in row["route"].split(";"))
    )


def test_route_checker(trials):
    iv, im = route_count("intravenous", MSC), route_count("intramuscular", MSC)
    # hand count of trials.csv: 10 MS (Lublin 2014 and Riordan 2018 among them) + 5 SSc + 6
    # acute GvHD (Le Blanc 2008, Prochymal protocol 280, MSB-GVHD001, Study 275, JR-031 phase
    # I/II and II/III; PLEB001's route is not recorded) intravenous; 13 CLI (Kwiatkowski 2022
    # both intra-arterial and intramuscular) + 1 SSc (MANUS) intramuscular
    assert (iv, im) == (21, 14)
    namespace = {"trials": trials}
    right = {"iv_msc_studies": iv, "im_msc_studies": im}
    assert_reference_and_untouched("ex-homing-routes-code", namespace, right)
    every = {row["product_type"] for row in raw_table("trials")}
    assert_distinct_failures(
        "ex-homing-routes-code",
        namespace,
        right,
        {
            "exact match misses combined routes": {
                "iv_msc_studies": route_count("intravenous", MSC, exact=True)
            },
            "comparators included": {"im_msc_studies": route_count("intramuscular", every)},
            "only plain msc": {"im_msc_studies": route_count("intramuscular", ("msc",))},
            "nonsense": {"im_msc_studies": 99},
            "a list": {"iv_msc_studies": [iv]},
        },
    )


# --- anti-fibrosis ----------------------------------------------------------------------------


def test_ssc_checker(trials):
    rows = [
        row
        for row in raw_table("trials")
        if row["disease_area"] == "systemic_sclerosis"
        and row["randomised"] == "true"
        and row["results_available"] != "not_found"
    ]
    expected = sorted(row["trial_id"] for row in rows)
    # ASSIST, SCLERADEC II, the fat-graft trial, STAR, SCOT and ASTIS: comparators, none MSCs
    assert expected == [
        "burt2011", "daumas2022", "delpapa2019", "khanna2022", "sullivan2018", "vanlaar2014"
    ]  # fmt: skip
    n_msc = sum(row["product_type"] in MSC for row in rows)
    assert n_msc == 0
    namespace = {"trials": trials}
    right = {"randomised_ssc": expected, "msc_among_them": n_msc}
    assert_reference_and_untouched("ex-fibrosis-rct-code", namespace, right)
    assert checkers.check(
        "ex-fibrosis-rct-code", namespace | right | {"randomised_ssc": pd.Series(expected)}
    ).passed
    assert_distinct_failures(
        "ex-fibrosis-rct-code",
        namespace,
        right,
        {
            "includes the not-yet-recruiting trial": {"randomised_ssc": [*expected, "nct06722105"]},
            "includes a non-randomised study": {"randomised_ssc": [*expected, "zhang2017"]},
            "includes another disease": {"randomised_ssc": [*expected, "petrou2020"]},
            "misses one": {"randomised_ssc": expected[:1]},
            "unknown id": {"randomised_ssc": ["scleradec2"]},
            "one string": {"randomised_ssc": "daumas2022"},
            "counts every product": {"msc_among_them": len(expected)},
            "other count": {"msc_among_them": 1},
        },
    )


def test_mechanism_checkers_are_registered_with_the_names_in_the_exercise_table():
    table = {row["label"]: row["checker"] for row in raw_table("exercises") if row["checker"]}
    registered = checkers.registered()
    for label in (
        "ex-angio-claim-code",
        "ex-immuno-xenograft-code",
        "ex-immuno-ido-code",
        "ex-homing-routes-code",
        "ex-fibrosis-rct-code",
    ):
        assert registered[label].name == table[label]
