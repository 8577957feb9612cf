"""Grading a coding exercise in an nbgrader test cell: `grade(label, globals())`.

An autograded cell (written by `python -m mscbook export-nbgrader`) passes only when the book's
own checker says the answer is right; otherwise it raises `NotYetRight` with the checker's
coaching message, which is what nbgrader's feedback then shows the student (never the answer).

The checker is taken from a private, fresh load of `mscbook.checkers` and its part modules, not
from whatever the student's kernel holds: a submission that redefines `check`, replaces a checker
in `mscbook.checkers.CHECKERS` or patches `Feedback` does not change what this cell calls. (Code
in the same kernel can always do more, for example patch the data loader; nbgrader's own advice
holds: read the submissions that score full marks with unusual code.)
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Mapping
from contextlib import contextmanager

from mscbook.checkers import plain

PACKAGE = "mscbook.checkers"


class NotYetRight(AssertionError):
    """A graded answer is missing or wrong; the message is the checker's coaching feedback."""


@contextmanager
def fresh_checkers():
    """A private copy of `mscbook.checkers` with every part module, loaded from the installed
    files, so that nothing a notebook did to the loaded modules (a replaced checker, a patched
    class) counts. Use it inside the `with`: the modules the kernel holds come back after it."""
    import mscbook

    def ours() -> list[str]:
        return [name for name in sys.modules if name == PACKAGE or name.startswith(PACKAGE + ".")]

    saved = {name: sys.modules.pop(name) for name in ours()}
    try:
        package = importlib.import_module(PACKAGE)
        package.registered()  # each part module registers its checkers with this copy
        yield package
    finally:
        for name in ours():
            del sys.modules[name]
        sys.modules.update(saved)
        if PACKAGE in saved:
            mscbook.checkers = saved[PACKAGE]


def grade(label: str, namespace: Mapping[str, object]):
    """The checker's feedback when the answer to exercise `label` is right; else NotYetRight."""
    with fresh_checkers() as package:
        feedback = package.check(label, dict(namespace))
    if feedback.passed is not True:
        lines = [plain(feedback.message), *(f"- {plain(point)}" for point in feedback.points)]
        raise NotYetRight(f"{feedback.status} (exercise {label}): " + "\n".join(lines))
    return feedback
