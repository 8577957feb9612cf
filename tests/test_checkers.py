"""The shared pieces of every checker: sentences, combined verdicts, plain numbers."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from mscbook import checkers
from mscbook.checkers import WAITING, Feedback, combine, sentence, shown


def test_every_message_and_point_starts_as_a_sentence():
    feedback = Feedback(False, "you listed names", points=("`x` is text", "  two values "))
    assert feedback.message == "You listed names"
    assert feedback.points == ("Your `x` is text", "Two values")
    assert sentence("`ratio` is upside down.") == "Your `ratio` is upside down."


def test_one_problem_is_a_sentence_that_also_says_what_is_right():
    feedback = combine({"a": None, "b": "`b` is in hours: divide by 24."})
    assert not feedback.passed and feedback.answered and not feedback.points
    assert feedback.message == "Your `b` is in hours: divide by 24. Your `a` is right."


def test_several_problems_are_a_short_list():
    feedback = combine({"a": "`a` is text.", "b": WAITING, "c": None})
    assert feedback.message == "Two things to fix:"
    assert feedback.points == (
        "Your `a` is text.",
        "Your `b` is still `...`: replace it with your answer and run the answer cell.",
    )
    assert "<ul><li>Your <code>a</code> is text.</li>" in feedback._repr_html_()


def test_nothing_answered_and_everything_right():
    assert not combine({"a": WAITING, "b": WAITING}).answered
    right = combine({"a": None, "b": None}, praise="Both answers match the data.")
    assert right.passed and str(right) == "Correct: Both answers match the data."


def test_numbers_are_shown_plainly():
    assert shown(np.float64(2.0)) == "2" and shown(0.25) == "0.25" and shown("2") == "'2'"


@pytest.mark.parametrize(
    ("value", "says"),
    [
        ("0.35", "`risk` is text (`'0.35'`); it should be a number."),
        (True, "`risk` should be a number, not bool (`True`)."),
        ([0.35], "`risk` should be a number, not list (`[0.35]`)."),
        (float("nan"), "`risk` is NaN (not a number): you read an empty cell."),
        (pd.Series([0.35]), "`risk` is a pandas object holding one value; take the number"),
        (pd.Series([0.35, 0.4]), "`risk` holds 2 values; select one row and one column."),
    ],
)
def test_a_numeric_answer_that_is_not_one_number_gets_a_message_naming_it(value, says):
    assert checkers.number_answer("risk", value).startswith(says)


def test_a_numeric_answer_is_a_float_or_still_waiting():
    assert checkers.number_answer("risk", 7) == 7.0
    assert checkers.number_answer("risk", np.float64(0.25)) == 0.25
    assert checkers.number_answer("risk", ...) == checkers.WAITING
    assert checkers.number_answer("risk", ..., unanswered="not yet") == "not yet"


@pytest.mark.parametrize(
    ("value", "says"),
    [
        (pd.DataFrame({"trial_id": ["a"]}), "`ids` is a whole table; take its `trial_id` column"),
        ("petrou2020", "`ids` should be a set or list of trial ids, not str."),
        (7, "`ids` should be a set or list of trial ids, not int."),
        (["petrou2020", 3], "every item of `ids` should be a trial id (text); found `3`."),
    ],
)
def test_a_list_of_trial_ids_that_is_not_one_gets_a_message_naming_it(value, says):
    assert checkers.trial_ids_answer("ids", value).startswith(says)


def test_trial_ids_become_a_set_or_wait():
    assert checkers.trial_ids_answer("ids", ["b", "a", "b"]) == {"a", "b"}
    assert checkers.trial_ids_answer("ids", ...) == checkers.WAITING
