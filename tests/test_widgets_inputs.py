"""The shared parser of typed widget values: numbers in, a named error for anything else."""

import math

import pytest

from mscbook.widgets.inputs import parse_number


class FormError(ValueError):
    pass


@pytest.mark.parametrize(
    ("typed", "expected"),
    [(" 2.5 ", 2.5), ("2e6", 2_000_000.0), (7, 7.0), (0.25, 0.25), ("-3", -3.0)],
)
def test_numbers_and_typed_numbers_become_floats(typed, expected):
    assert parse_number(typed, "Dose") == expected


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        (None, "Dose: enter a number (got None)"),
        (True, "Dose: enter a number (got True)"),
        ("", "Dose: no value entered"),
        ("   ", "Dose: no value entered"),
        ("two", "Dose: 'two' is not a number"),
        ([1], "Dose: expected a number, got list"),
        (math.nan, "Dose: nan is not a finite number"),
        ("inf", "Dose: 'inf' is not a finite number"),
    ],
)
def test_anything_else_raises_the_widgets_error_naming_the_input(typed, says):
    with pytest.raises(FormError) as raised:
        parse_number(typed, "Dose", error=FormError)
    assert str(raised.value).startswith(says)


def test_the_caller_says_what_to_type_and_how_text_is_cleaned():
    percent = {
        "expected": "a percentage between 0 and 100",
        "hint": "type a percentage such as 97.5",
        "normalise": lambda text: text.strip().rstrip("%").strip(),
    }
    assert parse_number("97.5 %", "CD73", **percent) == 97.5
    with pytest.raises(
        ValueError, match="CD73: 'high' is not a number; type a percentage such as 97.5"
    ):
        parse_number("high", "CD73", **percent)
    with pytest.raises(ValueError, match="no value entered; type a percentage between 0 and 100"):
        parse_number("%", "CD73", **percent)
