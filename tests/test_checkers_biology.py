"""The Biology checkers: reference answers pass, typical wrong ones get distinct feedback.

The expected answers here come from the literature, not from the checker: Dominici et al. 2006
allow at most 2% HLA-DR-positive cells, and the chapter's batch is simulated with CD90 and HLA-DR
out of range and no chondrogenic differentiation.
"""

from __future__ import annotations

import ast

import pandas as pd
import pytest

from mscbook import checkers
from mscbook.paths import book_root
from mscbook.widgets import isct

ROOT = book_root()
LABEL = "ex-msc-isct-code"
FAILING = ["cd90", "hla_dr", "chondrogenic"]  # what the exercise's batch was simulated to fail
HLA_DR_LIMIT = 2.0  # Dominici 2006: HLA-DR on at most 2% of cells


@pytest.fixture
def namespace(criteria) -> dict[str, object]:
    """A student's notebook just before the answer cell: the data and the given batch."""
    batch = isct.simulate_flow_report(criteria, seed=11, out_of_range=["cd90", "hla_dr"])
    return {"criteria": criteria, "batch": batch, "failed": ..., "hla_dr_limit": ...}


def answer(namespace: dict, **names) -> checkers.Feedback:
    return checkers.check(LABEL, namespace | names)


def test_the_reference_answer_passes(namespace):
    feedback = answer(namespace, failed=list(FAILING), hla_dr_limit=HLA_DR_LIMIT)
    assert feedback.passed and feedback.answered
    assert str(feedback).startswith("Correct")


def test_equivalent_forms_of_the_answer_pass(namespace):
    assert answer(namespace, failed=tuple(reversed(FAILING)), hla_dr_limit=2).passed
    assert answer(namespace, failed=pd.Series(FAILING), hla_dr_limit=2.0).passed


def test_an_untouched_answer_cell_is_not_answered_yet(namespace):
    feedback = answer(namespace)
    assert not feedback.passed and not feedback.answered
    assert str(feedback).startswith("Not answered yet")


def test_half_an_answer_names_the_missing_part(namespace):
    feedback = answer(namespace, failed=list(FAILING))
    assert not feedback.passed and feedback.answered
    assert "`hla_dr_limit` still `...`" in feedback.message


WRONG_ANSWERS = {
    "the whole result object": lambda ns, c: dict(
        failed=isct.evaluate_sample(c, ns["batch"], ["osteoblast", "adipocyte"], True)
    ),
    "marker names, not ids": lambda ns, c: dict(failed=["CD90", "HLA-DR", "chondrogenic"]),
    "markers only": lambda ns, c: dict(failed=["cd90", "hla_dr"]),
    "a passing criterion added": lambda ns, c: dict(failed=[*FAILING, "cd105"]),
    "one id as text": lambda ns, c: dict(failed="cd90"),
    "numbers in the list": lambda ns, c: dict(failed=[90, 2]),
    "an unknown id": lambda ns, c: dict(failed=[*FAILING, "cd44"]),
    "negative share, not positive": lambda ns, c: dict(hla_dr_limit=100 - HLA_DR_LIMIT),
    "the batch's own value": lambda ns, c: dict(hla_dr_limit=ns["batch"]["hla_dr"]),
    "a positive marker's threshold": lambda ns, c: dict(hla_dr_limit=95),
    "an empty cell read": lambda ns, c: dict(hla_dr_limit=float("nan")),
    "text, not a number": lambda ns, c: dict(hla_dr_limit="2"),
    "a one-value Series": lambda ns, c: dict(hla_dr_limit=pd.Series([HLA_DR_LIMIT])),
    "the whole column": lambda ns, c: dict(hla_dr_limit=c["threshold_percent"]),
    "not a percentage": lambda ns, c: dict(hla_dr_limit=250),
    "another number": lambda ns, c: dict(hla_dr_limit=5),
}


@pytest.mark.parametrize("case", WRONG_ANSWERS)
def test_a_typical_wrong_answer_fails_without_giving_the_answer(namespace, criteria, case):
    right = {"failed": list(FAILING), "hla_dr_limit": HLA_DR_LIMIT}
    feedback = answer(namespace, **(right | WRONG_ANSWERS[case](namespace, criteria)))
    assert not feedback.passed and feedback.answered, case
    assert str(feedback).startswith("Not yet right")
    assert "chondrogenic" not in feedback.message or "chondrogenic" in str(
        WRONG_ANSWERS[case](namespace, criteria).get("failed")
    )
    assert "2%" not in feedback.message and "'hla_dr'," not in feedback.message


def test_every_wrong_answer_gets_its_own_feedback(namespace, criteria):
    right = {"failed": list(FAILING), "hla_dr_limit": HLA_DR_LIMIT}
    messages = {
        answer(namespace, **(right | make(namespace, criteria))).message
        for make in WRONG_ANSWERS.values()
    }
    assert len(messages) == len(WRONG_ANSWERS)


class Exploding:
    """A student's object that raises whenever the checker looks at it."""

    def __iter__(self):
        raise RuntimeError("boom")

    def __float__(self):
        raise RuntimeError("boom")


def test_a_broken_answer_is_feedback_not_a_traceback(namespace):
    feedback = answer(namespace, failed=Exploding(), hla_dr_limit=Exploding())
    assert not feedback.passed
    assert "should be" in feedback.message or "could not be checked" in feedback.message


def test_an_answer_that_raises_inside_the_checker_is_reported(namespace, monkeypatch):
    def crashing_checker(namespace):
        raise ZeroDivisionError("division by zero")

    registered = checkers.registered()[LABEL]
    monkeypatch.setitem(
        checkers.CHECKERS, LABEL, checkers.Registered(registered.name, crashing_checker)
    )
    feedback = answer(namespace, failed=list(FAILING), hla_dr_limit=2)
    assert not feedback.passed
    assert "could not be checked (ZeroDivisionError: division by zero)" in feedback.message


def test_lost_data_is_reported_before_the_answer(namespace):
    feedback = answer(namespace, criteria=None, failed=list(FAILING), hla_dr_limit=2)
    assert not feedback.passed and "run the cells above" in feedback.message


def test_exercises_without_a_checker_or_unknown_labels_say_so(namespace):
    assert "no automatic check" in checkers.check("ex-msc-clinic-claim", namespace).message
    assert "no automatic check" in checkers.check("ex-nonexistent", namespace).message


def test_checkers_never_evaluate_text():
    modules = sorted((ROOT / "mscbook" / "checkers").glob("*.py"))
    assert len(modules) >= 2
    for module in modules:
        tree = ast.parse(module.read_text(encoding="utf-8"))
        called = {
            node.func.id
            for node in ast.walk(tree)
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
        }
        assert not called & {"eval", "exec", "compile", "__import__"}, module.name
