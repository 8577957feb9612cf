"""Checkers of the tissue-sources and manufacturing exercises: the reference answers pass and
typical wrong answers get distinct feedback that does not give the answer away.

Expected answers come from the papers, not from the checkers: Sung 2010 reports 31.7 cumulative
population doublings for first-trimester placental MSCs and 9.2 for adult bone-marrow MSCs;
Fernandez 2018's high dose is 4x10^6 cells/kg, so a 70-kg patient needs 2.8x10^8 cells, a
28-fold expansion of 10^7 cells: log2(28) = 4.807 doublings x 48 h = 9.61 days.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest

from mscbook import checkers, data

RATIO, GAP = 31.7 / 9.2, 31.7 - 9.2
CELLS, DAYS = 4e6 * 70, math.log2(28) * 2


@pytest.fixture(scope="module")
def tables():
    return {"sources": data.load("msc_sources"), "arms": data.load("trial_arms")}


def sources_answer(tables, **names) -> checkers.Feedback:
    namespace = {"sources": tables["sources"], "ratio": ..., "gap": ...}
    return checkers.check("ex-sources-doublings-code", namespace | names)


def dose_answer(tables, **names) -> checkers.Feedback:
    namespace = {"arms": tables["arms"], "cells_needed": ..., "days": ...}
    return checkers.check("ex-dose-plan-code", namespace | names)


def test_reference_answers_pass(tables):
    assert sources_answer(tables, ratio=RATIO, gap=GAP).passed
    assert dose_answer(tables, cells_needed=CELLS, days=DAYS).passed
    assert dose_answer(tables, cells_needed=int(CELLS), days=round(DAYS, 3)).passed


def test_untouched_answer_cells_are_not_answered(tables):
    for feedback in (sources_answer(tables), dose_answer(tables)):
        assert not feedback.passed and not feedback.answered


def test_half_an_answer_names_the_missing_part(tables):
    feedback = sources_answer(tables, ratio=RATIO)
    assert (
        not feedback.passed
        and feedback.answered
        and "Your `gap` is still `...`" in feedback.message
    )
    feedback = dose_answer(tables, days=DAYS)
    assert "Your `cells_needed` is still `...`" in feedback.message


SOURCES_WRONG = {
    "upside down": dict(ratio=1 / RATIO),
    "term placenta": dict(ratio=15.7 / 9.2),
    "difference as ratio": dict(ratio=GAP),
    "percentage": dict(ratio=100 * RATIO),
    "another number": dict(ratio=2.0),
    "text": dict(ratio="about three"),
    "one-value Series": dict(ratio=pd.Series([RATIO])),
    "NaN": dict(ratio=float("nan")),
    "gap sign": dict(gap=-GAP),
    "placentas compared": dict(gap=31.7 - 15.7),
    "ratio as gap": dict(gap=RATIO),
    "gap another number": dict(gap=10),
}
DOSE_WRONG = {
    "forgot x10^6": dict(cells_needed=4 * 70),
    "forgot weight": dict(cells_needed=4e6),
    "whole arm": dict(cells_needed=CELLS * 9),
    "low dose": dict(cells_needed=1e6 * 70),
    "other cells": dict(cells_needed=1e9),
    "cells as text": dict(cells_needed="many cells"),
    "hours": dict(days=DAYS * 24),
    "doublings": dict(days=math.log2(28)),
    "days for the arm": dict(days=math.log2(28 * 9) * 2),
    "days low dose": dict(days=math.log2(7) * 2),
    "days other": dict(days=30),
    "days a list": dict(days=[DAYS]),
}


@pytest.mark.parametrize("case", SOURCES_WRONG)
def test_sources_wrong_answers_fail_without_the_answer(tables, case):
    feedback = sources_answer(tables, **({"ratio": RATIO, "gap": GAP} | SOURCES_WRONG[case]))
    assert not feedback.passed and feedback.answered, case
    assert "3.4" not in feedback.message and "22.5" not in feedback.message


@pytest.mark.parametrize("case", DOSE_WRONG)
def test_dose_wrong_answers_fail_without_the_answer(tables, case):
    feedback = dose_answer(tables, **({"cells_needed": CELLS, "days": DAYS} | DOSE_WRONG[case]))
    assert not feedback.passed and feedback.answered, case
    assert "2.8" not in feedback.message and "9.6" not in feedback.message


def test_every_wrong_answer_gets_its_own_feedback(tables):
    right = {"ratio": RATIO, "gap": GAP}
    messages = {sources_answer(tables, **(right | case)).message for case in SOURCES_WRONG.values()}
    assert len(messages) == len(SOURCES_WRONG)
    right = {"cells_needed": CELLS, "days": DAYS}
    messages = {dose_answer(tables, **(right | case)).message for case in DOSE_WRONG.values()}
    assert len(messages) == len(DOSE_WRONG)


def test_lost_data_is_reported_first(tables):
    assert "Run the cells above" in sources_answer(tables, sources=None, ratio=RATIO).message
    assert "Run the cells above" in dose_answer(tables, arms="x", days=DAYS).message


# --- Integrative exercise: from one aspirate to ten patients (issue 29) ---
# From the abstracts: 3.33x10^7 nucleated cells/mL (Muschler 1997: 1200 colonies per mL at 36
# per 10^6), 32.3 CFU-F per 10^5 (Kuznetsov 2009 adults), 38 doublings (Bruder 1997).
PER_ML = 1200 / 36e-6
FOUNDERS = 30 * PER_ML * 32.3e-5
TOTAL = 2e6 * 70 * 2 * 10
DOUBLINGS = math.log2(TOTAL / FOUNDERS)
USED = DOUBLINGS / 38  # Bruder 1997's lifespan; 13.08 / 38 = 0.344


def aspirate_answer(tables, **names) -> checkers.Feedback:
    namespace = {"sources": tables["sources"], "founders": ..., "doublings": ...}
    return checkers.check("ex-dose-aspirate-code", namespace | {"lifespan_used": ...} | names)


def test_aspirate_reference_answer_passes(tables):
    feedback = aspirate_answer(tables, founders=FOUNDERS, doublings=DOUBLINGS, lifespan_used=USED)
    assert feedback.passed, feedback.message
    assert 13.07 < DOUBLINGS < 13.09 and 0.343 < USED < 0.345


@pytest.mark.parametrize(
    ("names", "expected"),
    [
        ({"founders": FOUNDERS * 100}, "percentage"),
        ({"founders": 30 * PER_ML * 36e-6}, "Muschler"),
        ({"founders": PER_ML * 32.3e-5}, "volume"),
        ({"doublings": math.log2(TOTAL / 10 / FOUNDERS)}, "one patient"),
        ({"doublings": math.log2(TOTAL / 1e7)}, "10^7"),
        ({"doublings": TOTAL / FOUNDERS}, "logarithm"),
        ({"founders": 30 * PER_ML * 52.2e-5}, "child donors"),
        ({"lifespan_used": DOUBLINGS / 9.2}, "Sung 2010"),
        ({"lifespan_used": 100 * USED}, "percentage"),
        ({"lifespan_used": 38 / DOUBLINGS}, "upside down"),
        ({"lifespan_used": True}, "lifespan_used"),
    ],
)
def test_aspirate_wrong_answers_get_their_own_feedback(tables, names, expected):
    answer = {"founders": FOUNDERS, "doublings": DOUBLINGS, "lifespan_used": USED} | names
    feedback = aspirate_answer(tables, **answer)
    assert not feedback.passed
    text = " ".join([feedback.message, *feedback.points])
    assert expected in text
    assert f"{DOUBLINGS:.1f}" not in text and f"{FOUNDERS:.0f}" not in text
    assert f"{USED:.2f}" not in text


def test_aspirate_checker_needs_the_table(tables):
    feedback = checkers.check("ex-dose-aspirate-code", {"founders": 1, "doublings": 1})
    assert not feedback.passed and "`sources`" in feedback.message
