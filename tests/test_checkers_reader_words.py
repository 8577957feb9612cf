"""Checker feedback speaks the reader's words: no internal names, ids or bibliography keys.

Every checker is run with a battery of wrong answers (wrong types, NaN, pandas objects, numbers
off in the usual ways, every trial id alone, whole groups of ids, unknown ids), and every
sentence it gives back is read for what a reader of the chapter would not know:

- a Python constant (`MSC_FAMILY`) or any ALL_CAPS identifier;
- a bibliography key or trial id (`harris2024`): a reader knows the trial as the chapter prints
  it ("MSC-NP phase II (Harris 2024)"); only the student's own answer may be quoted back, in code;
- a snake_case token in running text; in code (between backticks) only the names the student
  was given (the exercise's text, its given and answer cells, the data's tables and columns,
  pandas' methods) or the student's own answer quoted back.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator

import pandas as pd
import pytest

from mscbook import checkers, data
from mscbook.build.exercise_sources import chapter_paths, read_exercises
from mscbook.references import load_references
from mscbook.widgets import isct

ALL_CAPS_IDENTIFIER = re.compile(r"\b[A-Z][A-Z0-9]*_[A-Z0-9_]+\b")
SNAKE_CASE = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")
CODE_SPAN = re.compile(r"`([^`]+)`")


def exercises() -> dict[str, object]:
    found = {}
    for path in chapter_paths().values():
        for exercise in read_exercises(path):
            found[exercise.label] = exercise
    return found


EXERCISES = exercises()
LABELS = sorted(checkers.registered())


def visible_text(label: str) -> str:
    """What the student sees of an exercise: its title, text, given cells and answer cells."""
    exercise = EXERCISES[label]
    blocks = [*exercise.given, *exercise.answer]
    parts = [exercise.title, exercise.body]
    parts += [block.content if block.name is not None else block.text for block in blocks]
    return "\n".join(parts)


def answer_names(label: str) -> list[str]:
    cells = "\n".join(block.content for block in EXERCISES[label].answer)
    return re.findall(r"^(\w+)\s*=\s*\.\.\.", cells, flags=re.MULTILINE)


def given_names() -> set[str]:
    """Names every exercise gives: the data's tables and columns, and pandas' own methods."""
    names = {str(column) for name in data.table_names() for column in data.load(name).columns}
    names |= set(data.table_names())
    return names | {name for name in dir(pd.DataFrame) + dir(pd.Series) if name[0] != "_"}


def internal_ids() -> set[str]:
    """Bibliography keys and trial ids: never shown to a reader."""
    return set(load_references()) | set(data.load("trials")["trial_id"])


def base_namespace() -> dict[str, object]:
    """The data names the chapters bind before their exercises."""
    criteria = data.load("isct_criteria")
    return {
        "criteria": criteria,
        "batch": isct.simulate_flow_report(criteria, seed=11, out_of_range=["cd90", "hla_dr"]),
        "sources": data.load("msc_sources"),
        "arms": data.load("trial_arms"),
        "trials": data.load("trials"),
        "secretome": data.load("secretome"),
        "products": data.load("approved_products"),
        "claims": data.load("seed_claims"),
        "outcomes": data.load("trial_outcomes"),
    }


def wrong_values() -> list[object]:
    """Answers that are wrong in the usual ways, for any answer name."""
    trials = data.load("trials")
    ids = sorted(trials["trial_id"])
    by_disease = [sorted(group["trial_id"]) for _, group in trials.groupby("disease_area")]
    randomised = [
        sorted(g["trial_id"]) for _, g in trials[trials["randomised"]].groupby("disease_area")
    ]
    products = sorted(data.load("approved_products")["product_id"])
    claims = data.load("seed_claims")
    verdicts = claims["verdict"].value_counts()
    values: list[object] = [
        "text", True, None, 0, -1, 0.5, 1.0, 2.5, 50.0, 100.0, 1e9, math.nan,
        pd.Series([1.0]), pd.Series([1.0, 2.0]), pd.DataFrame({"x": [1]}), trials, [], [1, 2],
        ["cd105"], ["CD105"], ["not_an_id"], {"not_an_id"}, set(ids), products, products[:1],
        ["temcell_jp_2015"], set(claims["claim_id"]), {"supported": 1}, verdicts.to_dict(),
        (verdicts + 1).to_dict(), {"not_a_verdict": 1},
    ]  # fmt: skip
    return values + by_disease + randomised


def messages(label: str) -> Iterator[tuple[str, str]]:
    """(the answer's repr, each sentence of feedback) over the battery of wrong answers: each
    wrong value alone and in every answer name, and each trial id alone."""
    names = answer_names(label)
    base = base_namespace() | {name: ... for name in names}
    cases = [{name: value} for name in names for value in wrong_values()]
    cases += [{name: value for name in names} for value in wrong_values()]
    trial_ids = sorted(data.load("trials")["trial_id"])
    id_names = [name for name in names if "id" in name.split("_") or "ids" in name.split("_")]
    cases += [{name: value} for name in id_names for value in trial_ids]
    for case in cases:
        feedback = checkers.check(label, base | case)
        for text in (feedback.message, *feedback.points):
            yield repr(case), text


def problems(text: str, allowed: set[str], ids: set[str], answer: str = "") -> list[str]:
    """What in `text` a reader would not know; `answer` (the student's own answer, as repr) may
    be quoted back in code, except for trial ids and bibliography keys."""
    found = [f"identifier {m}" for m in ALL_CAPS_IDENTIFIER.findall(text)]
    running = CODE_SPAN.sub(" ", text)
    found += [f"id or key {key}" for key in sorted(ids & set(re.findall(r"[\w.-]+", running)))]
    for span in CODE_SPAN.findall(text):  # in code: only the student's own answer, quoted back
        unasked = ids & set(re.findall(r"[\w.-]+", span)) - set(re.findall(r"[\w.-]+", answer))
        found += [f"id or key {key}" for key in sorted(unasked)]
    found += [f"snake_case {token}" for token in SNAKE_CASE.findall(running)]
    for span in CODE_SPAN.findall(text):
        found += [
            f"`{token}` (not in the exercise)"
            for token in SNAKE_CASE.findall(span)
            if token not in allowed and token not in answer
        ]
    return found


@pytest.fixture(autouse=True)
def tables_read_once(monkeypatch):
    """Thousands of checks: read each table once (a copy each time, as a fresh load gives)."""
    read = data.load
    tables: dict[str, pd.DataFrame] = {}

    def load(name: str, *args, **kwargs) -> pd.DataFrame:
        if args or kwargs:
            return read(name, *args, **kwargs)
        if name not in tables:
            tables[name] = read(name)
        return tables[name].copy()

    monkeypatch.setattr(data, "load", load)


def test_every_checker_has_its_exercise_and_answer_names():
    for label in LABELS:
        assert label in EXERCISES, label
        assert answer_names(label), f"{label}: no `name = ...` in its answer cell"


def test_the_word_rules_can_fail():
    ids = {"harris2024"}
    assert problems("allow every product type in `MSC_FAMILY`.", set(), ids)
    assert problems("'harris2024' is not randomised.", set(), ids)
    assert problems("read the row nooption_r56_afs_12mo", set(), ids)
    assert problems("use `historical_n`", set(), ids) == ["`historical_n` (not in the exercise)"]
    assert not problems("use `historical_n`", {"historical_n"}, ids)
    assert not problems("`'not_an_id'` is no product id", set(), ids, "['not_an_id']")
    assert problems("'not_an_id' is no product id", set(), ids, "['not_an_id']")
    assert not problems("`'harris2024'` is not a number", set(), ids, "['harris2024']")
    assert problems("`'harris2024'` is not randomised", set(), ids, "['petrou2020']")
    assert not problems("MSC-NP phase II (Harris 2024) is not randomised (95% CI).", set(), ids)


@pytest.mark.parametrize("label", LABELS)
def test_feedback_uses_the_readers_words(label):
    allowed = set(SNAKE_CASE.findall(visible_text(label))) | given_names()
    ids = internal_ids()
    found: dict[str, str] = {}
    count = 0
    for answer, text in messages(label):
        count += 1
        for problem in problems(text, allowed, ids, answer):
            found.setdefault(problem, f"{answer:.80}: {text}")
    assert count > 50, f"{label}: only {count} messages"
    assert not found, "\n".join(f"{problem}  <-  {where}" for problem, where in found.items())
