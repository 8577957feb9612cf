"""The shared pieces of every checker: sentences, combined verdicts, plain numbers."""

from __future__ import annotations

import numpy as np

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
