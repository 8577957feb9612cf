"""Automatic checks of coding exercises: `check(label, globals())` in a notebook's check cell.

Each part of the book has a module here (`biology`, `diseases`, ...) whose checkers register
themselves by exercise label with `@checker(label)`. A checker is a pure function of the
student's namespace that returns `Feedback`: it never `eval`s text, and any broken answer
(missing name, wrong type, NaN, an object that raises) becomes feedback, never a traceback.
"""

from __future__ import annotations

import functools
import html
import importlib
import math
import pkgutil
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from numbers import Real

Checker = Callable[[Mapping[str, object]], "Feedback"]


@dataclass(frozen=True)
class Feedback:
    """What a check cell shows: whether the answer is right, and what to fix (never the answer).

    `message` is one or more sentences, each starting with a capital; `points` (optional) are
    several problems, shown as a short list under it. Both are Markdown: names in code are
    written between backticks. A notebook shows the feedback formatted (`_repr_html_`,
    `_repr_markdown_`); `str()` is plain text without the backticks.
    """

    passed: bool
    message: str
    answered: bool = True
    points: tuple[str, ...] = ()

    def __post_init__(self) -> None:  # every part's checker gets sentences that start right
        object.__setattr__(self, "message", sentence(self.message))
        object.__setattr__(self, "points", tuple(sentence(point) for point in self.points))

    @property
    def status(self) -> str:
        if not self.answered:
            return "Not answered yet"
        return "Correct" if self.passed else "Not yet right"

    def __str__(self) -> str:
        lines = [f"{self.status}: {plain(self.message)}"]
        lines += [f"  - {plain(point)}" for point in self.points]
        return "\n".join(lines)

    def __repr__(self) -> str:  # the text/plain output of a check cell
        return str(self)

    def _repr_markdown_(self) -> str:
        text = f"**{self.status}.** {self.message}"
        if self.points:
            text += "\n\n" + "\n".join(f"- {point}" for point in self.points)
        return text

    def _repr_html_(self) -> str:
        kind = "not-answered" if not self.answered else "passed" if self.passed else "failed"
        items = "".join(f"<li>{to_html(point)}</li>" for point in self.points)
        return (
            f'<div class="mscbook-feedback mscbook-feedback-{kind}" role="status">'
            f"<p><strong>{self.status}.</strong> {to_html(self.message)}</p>"
            + (f"<ul>{items}</ul>" if items else "")
            + "</div>"
        )


_CODE = re.compile(r"`([^`]+)`")


def plain(text: str) -> str:
    """Markdown feedback as plain text: code spans lose their backticks."""
    return _CODE.sub(r"\1", text)


def to_html(text: str) -> str:
    """Markdown feedback (text and code spans only) as HTML."""
    return _CODE.sub(r"<code>\1</code>", html.escape(text, quote=False))


NOT_ANSWERED = "Replace each `...` in the answer cell above, run it, then run this cell again."
#: A per-answer verdict for `combine`: this answer is still `...`.
WAITING = "waiting"
NUMBER_WORDS = {1: "One", 2: "Two", 3: "Three", 4: "Four", 5: "Five"}


def as_bool(value: object) -> bool | None:
    """A student's True/False answer as a Python bool: numpy's bool (what a comparison of numpy
    numbers gives) counts too; None when the value is not a truth value at all."""
    if isinstance(value, bool):
        return value
    if type(value).__name__ in {"bool_", "bool"} and type(value).__module__ == "numpy":
        return bool(value)
    return None


def number_answer(name: str, value: object, *, unanswered: str = WAITING) -> float | str:
    """The answer bound to `name` as a float, or a sentence saying what is wrong with it.

    One reading of numeric answers for every checker: `unanswered` while the answer is still
    `...`; text, booleans, other types, NaN and a pandas object (one value or many) each get
    their own message. Range checks stay with each checker.
    """
    if value is ...:
        return unanswered
    if isinstance(value, str):
        return f"`{name}` is text ({quoted(value)}); it should be a number."
    if not isinstance(value, bool) and isinstance(value, Real):
        number = float(value)
        if math.isnan(number):
            return f"`{name}` is NaN (not a number): you read an empty cell."
        return number
    size = getattr(value, "size", None)
    if isinstance(size, int) and hasattr(value, "item"):
        if size == 1:
            return f"`{name}` is a pandas object holding one value; take the number with `.item()`."
        return f"`{name}` holds {size} values; select one row and one column."
    return f"`{name}` should be a number, not {type(value).__name__} ({quoted(value)})."


def trial_ids_answer(name: str, value: object, *, unanswered: str = WAITING) -> set[str] | str:
    """The answer bound to `name` as a set of trial ids, or a sentence saying what is wrong.

    `unanswered` while it is still `...`; a whole table, text, a non-collection and items that
    are not text each get their own message."""
    if value is ...:
        return unanswered
    if hasattr(value, "columns") and hasattr(value, "iloc"):  # a pandas DataFrame
        return (
            f"`{name}` is a whole table; take its `trial_id` column, e.g. `set(table['trial_id'])`."
        )
    if isinstance(value, str) or not isinstance(value, Iterable):
        return f"`{name}` should be a set or list of trial ids, not {type(value).__name__}."
    items = list(value)
    bad = [item for item in items if not isinstance(item, str)]
    if bad:
        return f"every item of `{name}` should be a trial id (text); found {quoted(bad[0])}."
    return set(items)


def not_answered() -> Feedback:
    return Feedback(False, NOT_ANSWERED, answered=False)


def sentence(text: str) -> str:
    """`text` as a sentence that starts with a capital: "`ratio` is ..." → "Your `ratio` is ..."."""
    text = text.strip()
    if text.startswith("`"):
        return "Your " + text
    return text[:1].upper() + text[1:]


def count(number: int) -> str:
    """A count at the start of a sentence: "One", "Two", ... "12"."""
    return NUMBER_WORDS.get(number, str(number))


def shown(value: object) -> str:
    """A student's value as a reader should see it: numbers plain (2, not np.float64(2.0))."""
    if isinstance(value, Real) and not isinstance(value, bool):
        return f"{float(value):g}"
    return repr(value)


def quoted(value: object, width: int = 40) -> str:
    """A student's own value quoted back as code, cut to `width` characters (never a table)."""
    if hasattr(value, "columns") and hasattr(value, "shape"):
        return f"a table of {value.shape[0]} rows"
    text = " ".join(shown(value).split())
    return f"`{text[: width - 1] + '…' if len(text) > width else text}`"


@functools.cache
def _trial_names() -> dict[str, str]:
    from mscbook import data  # the data layer only when a trial is named

    trials = data.load("trials")
    return dict(zip(trials["trial_id"], trials["short_name"], strict=True))


def trial_name(trial_id: object) -> str:
    """A trial as the chapters print it (the `short_name` column of data/trials.csv, the one
    place that maps ids to names); anything else is the student's own text, quoted back."""
    name = _trial_names().get(trial_id) if isinstance(trial_id, str) else None
    return name or quoted(trial_id)


def trial_names(trial_ids: Iterable[object]) -> str:
    """Several trials for a sentence: 'A', 'A and B', 'A, B and C' (sorted by name)."""
    names = sorted(trial_name(item) for item in trial_ids)
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def combine(verdicts: Mapping[str, str | None], praise: str = "All answers are right.") -> Feedback:
    """One Feedback from a verdict per answer name: None (right), WAITING (still `...`) or what
    is wrong. One problem is a sentence; several are a short list."""
    waiting = [name for name, verdict in verdicts.items() if verdict == WAITING]
    if len(waiting) == len(verdicts):
        return not_answered()
    problems = [sentence(v) for v in verdicts.values() if v is not None and v != WAITING]
    problems += [
        f"Your `{name}` is still `...`: replace it with your answer and run the answer cell."
        for name in waiting
    ]
    if not problems:
        return Feedback(True, praise)
    if len(problems) == 1:
        right = [name for name, verdict in verdicts.items() if verdict is None]
        message = problems[0] + (f" Your `{right[0]}` is right." if len(right) == 1 else "")
        return Feedback(False, message)
    return Feedback(False, f"{count(len(problems))} things to fix:", points=tuple(problems))


@dataclass(frozen=True)
class Registered:
    """A checker and its name (the `checker` column of data/exercises.csv names it)."""

    name: str
    function: Checker


#: Exercise label → its checker. Filled by the `@checker` decorators of the part modules.
CHECKERS: dict[str, Registered] = {}


def checker(label: str) -> Callable[[Checker], Checker]:
    """Register the decorated function as the checker of exercise `label`.

    Its name without the `check_` prefix is what `data/exercises.csv` puts in `checker`.
    """

    def register(function: Checker) -> Checker:
        if label in CHECKERS:
            raise ValueError(f"exercise {label!r} already has a checker: {CHECKERS[label].name}")
        CHECKERS[label] = Registered(function.__name__.removeprefix("check_"), function)
        return function

    return register


def registered() -> dict[str, Registered]:
    """Every checker of every part module, by exercise label."""
    for module in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{module.name}")
    return CHECKERS


def check(label: str, namespace: Mapping[str, object]) -> Feedback:
    """Check the answer to exercise `label` in `namespace` (pass `globals()` from a notebook)."""
    found = registered().get(label)
    if found is None:
        return Feedback(False, f"Exercise {label!r} has no automatic check; ask your instructor.")
    try:
        return found.function(namespace)
    except Exception as error:  # a broken answer is feedback, never a traceback
        return Feedback(
            False,
            f"Your answer could not be checked ({type(error).__name__}: {error}). Check the "
            "types of the names in your answer cell and run the cells above again.",
        )


def flag_answer(name: str, value: object) -> bool | str:
    """A True/False answer read the book's one way (`as_bool`), or the message to give back:
    still `...`, or not a True/False value."""
    if value is ...:
        return WAITING
    if as_bool(value) is None:
        return f"`{name}` should be True or False, not {type(value).__name__} ({quoted(value)})."
    return as_bool(value)


def flag_verdict(name: str, value: object, expected: bool, hint: str) -> str | None:
    """None when the True/False answer `name` is `expected`; otherwise what to say: still `...`
    or not a True/False value (`flag_answer`), or `hint` for the wrong one."""
    flag = flag_answer(name, value)
    if isinstance(flag, str):
        return flag
    return None if flag == bool(expected) else hint
