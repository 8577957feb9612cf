"""What every widget does with a typed value: a finite number, or an error that names the input.

A student types into a text box, so a value arrives as text ('2e6', '97.5 %', '') or, from code,
as a number. `parse_number` turns either into a float or raises the widget's own error class with
a message that names the input and says what to type; range checks stay with each widget's model.
"""

from __future__ import annotations

import math
from collections.abc import Callable


def parse_number(
    value: object,
    label: str,
    *,
    error: type[Exception] = ValueError,
    expected: str = "a number",
    hint: str = "type digits, for example 2e6",
    normalise: Callable[[str], str] = str.strip,
) -> float:
    """A finite float from a number or text; `error` naming `label` if there is none.

    `expected` says what to enter ("a percentage between 0 and 100"), `hint` how to type it when
    the text is not a number, and `normalise` cleans typed text first (drop a '%' sign, spaces).
    """
    if isinstance(value, bool) or value is None:
        raise error(f"{label}: enter {expected} (got {value!r}).")
    if isinstance(value, str):
        text = normalise(value)
        if not text:
            raise error(f"{label}: no value entered; type {expected}.")
        try:
            number = float(text)
        except ValueError:
            raise error(f"{label}: '{value}' is not a number; {hint}.") from None
    elif isinstance(value, int | float):
        number = float(value)
    else:
        raise error(f"{label}: expected a number, got {type(value).__name__}.")
    if math.isnan(number) or math.isinf(number):
        raise error(f"{label}: {value!r} is not a finite number.")
    return number
