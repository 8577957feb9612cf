"""Automatic checks of coding exercises: `check(label, globals())` in a notebook's check cell.

Each part of the book has a module here (`biology`, `diseases`, ...) whose checkers register
themselves by exercise label with `@checker(label)`. A checker is a pure function of the
student's namespace that returns `Feedback`: it never `eval`s text, and any broken answer
(missing name, wrong type, NaN, an object that raises) becomes feedback, never a traceback.
"""

from __future__ import annotations

import html
import importlib
import pkgutil
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

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


def not_answered() -> Feedback:
    return Feedback(False, NOT_ANSWERED, answered=False)


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
