"""The Evidence checkers: reference answers pass, typical wrong ones get distinct feedback.

The expected answers are computed here from the CSV file itself (read without mscbook), the way
the chapter's solutions compute them.
"""

from __future__ import annotations

import csv
from collections import Counter

import pandas as pd
import pytest

from mscbook import checkers, data
from mscbook.paths import book_root


def raw_products() -> list[dict[str, str]]:
    with (book_root() / "data" / "approved_products.csv").open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def products():
    return data.load("approved_products")


def check(label: str, products, **names) -> checkers.Feedback:
    return checkers.check(label, {"products": products} | names)


# ---------------------------------------------------------------- still approved

STILL = "ex-safety-still-approved"


def reference_still_approved() -> list[str]:
    return [r["product_id"] for r in raw_products() if r["status"] not in ("withdrawn", "lapsed")]


def test_still_approved_reference_passes(products):
    expected = reference_still_approved()
    assert "alofisel_eu_2018" not in expected and "alofisel_jp_2021" in expected
    for answer in (expected, tuple(reversed(expected)), pd.Series(expected), set(expected)):
        feedback = check(STILL, products, still_approved=answer)
        assert feedback.passed, feedback


def test_still_approved_not_answered(products):
    feedback = check(STILL, products)
    assert not feedback.answered and str(feedback).startswith("Not answered yet")


WRONG_STILL = {
    "withdrawn included": (
        lambda: reference_still_approved() + ["alofisel_eu_2018"],
        "These approvals ended: `['alofisel_eu_2018']`",
    ),
    "only in_force": (
        lambda: [r["product_id"] for r in raw_products() if r["status"] == "in_force"],
        "'not_checked' means nobody verified",
    ),
    "brand names": (
        lambda: sorted({r["product"] for r in raw_products() if r["status"] != "withdrawn"}),
        "You listed brand names",
    ),
    "one missing": (lambda: reference_still_approved()[1:], "1 approval(s)"),
    "a typo": (lambda: reference_still_approved()[1:] + ["temcel_jp_2015"], "Not product ids"),
    "whole table": (lambda: pd.DataFrame({"product_id": reference_still_approved()}), "table"),
    "a string": (lambda: "temcell_jp_2015", "should be a list of product ids"),
    "duplicates": (lambda: reference_still_approved() * 2, "twice"),
}


@pytest.mark.parametrize("case", WRONG_STILL)
def test_still_approved_wrong_answers_get_distinct_feedback(products, case):
    make, expected = WRONG_STILL[case]
    feedback = check(STILL, products, still_approved=make())
    assert not feedback.passed and feedback.answered
    assert expected in feedback.message


def test_still_approved_messages_are_distinct(products):
    messages = {
        case: check(STILL, products, still_approved=make()).message
        for case, (make, _) in WRONG_STILL.items()
    }
    assert len(set(messages.values())) == len(messages)


def test_still_approved_needs_the_data():
    feedback = checkers.check(STILL, {"still_approved": ["x"]})
    assert not feedback.passed and "`products` is missing" in feedback.message


# ---------------------------------------------------------------- per country and year

PER_YEAR = "ex-safety-approvals-per-year"


def reference_counts() -> Counter:
    return Counter((r["country_region"], int(r["approval_date"][:4])) for r in raw_products())


def reference_series(products) -> pd.Series:
    year = products["approval_date"].str[:4]
    return products.groupby([products["country_region"], year]).size()


def test_per_year_reference_passes(products):
    expected = reference_counts()
    assert expected[("South Korea", 2012)] == 2  # Cartistem and Cupistem
    answer = reference_series(products)
    assert {(c, int(y)): n for (c, y), n in answer.items()} == dict(expected)
    assert check(PER_YEAR, products, per_country_year=answer).passed


def test_per_year_equivalent_forms_pass(products):
    series = reference_series(products)
    as_int = series.copy()
    as_int.index = as_int.index.set_levels(as_int.index.levels[1].astype(int), level=1)
    long = series.rename("approvals").reset_index()
    long.columns = ["country_region", "year", "approvals"]
    wide = series.unstack(fill_value=0)
    for answer in (as_int, long, wide):
        feedback = check(PER_YEAR, products, per_country_year=answer)
        assert feedback.passed, feedback


def test_per_year_not_answered(products):
    assert not check(PER_YEAR, products).answered


WRONG_PER_YEAR = {
    "grouped by the whole date": (
        lambda p: p.groupby(["country_region", "approval_date"]).size(),
        "This is not a year",
    ),
    "grouped by country only": (
        lambda p: p.groupby("country_region").size(),
        "one index level",
    ),
    "withdrawn left out": (
        lambda p: reference_series(p[p["status"] != "withdrawn"]),
        "later withdrawn still count",
    ),
    "counted distinct brand names": (
        lambda p: p.groupby(["country_region", p["approval_date"].str[:4]])["product"].first(),
        "should be numbers of approvals",
    ),
    "one row dropped": (lambda p: reference_series(p.iloc[1:]), "add up to"),
    "wrong year taken": (
        lambda p: p.groupby(
            [p["country_region"], p["status_date"].fillna(p["approval_date"]).str[:4]]
        ).size(),
        "The total is right but some cells are not",
    ),
    "a list": (lambda p: [1, 2, 3], "should be a pandas Series"),
}


@pytest.mark.parametrize("case", WRONG_PER_YEAR)
def test_per_year_wrong_answers_get_distinct_feedback(products, case):
    make, expected = WRONG_PER_YEAR[case]
    feedback = check(PER_YEAR, products, per_country_year=make(products))
    assert not feedback.passed and feedback.answered
    assert expected in feedback.message, feedback.message


def test_per_year_messages_are_distinct(products):
    messages = {
        case: check(PER_YEAR, products, per_country_year=make(products)).message
        for case, (make, _) in WRONG_PER_YEAR.items()
    }
    assert len(set(messages.values())) == len(messages)


# ---------------------------------------------------------------- weighing a clinic's offer

OFFER = "ex-safety-weigh-offer"
#: The chapter's reading, written out here (not imported): a registry entry, board certification
#: and another product's approval are neutral; a fee, the claim that an enzyme-isolated fat
#: extract of one's own cells needs no approval, and one cure for many diseases are warnings;
#: a confirmable regulator's permission and independent ethics review of a placebo-controlled
#: protocol support the offer.
OFFER_KEY = {
    "a": "neutral",
    "b": "warning",
    "c": "supports",
    "d": "warning",
    "e": "supports",
    "f": "neutral",
    "g": "warning",
    "h": "neutral",
}
REASONS = {letter: "a sentence that defends this verdict" for letter in OFFER_KEY}


def weigh(**names) -> checkers.Feedback:
    return checkers.check(OFFER, names)


def every_text(feedback: checkers.Feedback) -> str:
    return " ".join((feedback.message, *feedback.points))


def test_weigh_offer_reference_passes():
    assert weigh(verdicts=OFFER_KEY, reasons=REASONS).passed
    shouted = {f"({k.upper()})": f" {v.upper()} " for k, v in OFFER_KEY.items()}
    assert weigh(verdicts=shouted, reasons=REASONS).passed


def test_weigh_offer_not_answered():
    assert not weigh().answered
    assert not weigh(verdicts=..., reasons=...).answered


def test_a_registry_entry_taken_as_support_gets_its_own_coaching():
    feedback = weigh(verdicts=OFFER_KEY | {"a": "supports"}, reasons=REASONS)
    assert not feedback.passed
    assert "Registration is not legitimacy" in feedback.message
    assert feedback.message.startswith("One verdict(s) to revisit.")


WRONG_OFFER = {
    "not a dict": (dict(verdicts=["neutral"] * 8, reasons=REASONS), "should be a dict"),
    "a letter missing": (
        dict(verdicts={k: v for k, v in OFFER_KEY.items() if k != "h"}, reasons=REASONS),
        "no entry for statement(s) h",
    ),
    "an unknown letter": (dict(verdicts=OFFER_KEY | {"z": "neutral"}, reasons=REASONS), "not"),
    "an unknown verdict": (
        dict(verdicts=OFFER_KEY | {"b": "red flag"}, reasons=REASONS),
        "statement(s) b have something else",
    ),
    "everything neutral": (
        dict(verdicts=dict.fromkeys(OFFER_KEY, "neutral"), reasons=REASONS),
        "same verdict",
    ),
    "no reasons": (dict(verdicts=OFFER_KEY, reasons=...), "`reasons` is still"),
    "a one-word reason": (
        dict(verdicts=OFFER_KEY, reasons=REASONS | {"c": "regulator"}),
        "Defend verdict(s) c",
    ),
    "a board certificate trusted": (
        dict(verdicts=OFFER_KEY | {"f": "supports"}, reasons=REASONS),
        "One verdict(s) to revisit",
    ),
}


@pytest.mark.parametrize("case", WRONG_OFFER)
def test_weigh_offer_wrong_answers_get_distinct_feedback(case):
    names, expected = WRONG_OFFER[case]
    feedback = weigh(**names)
    assert not feedback.passed and feedback.answered
    assert expected in feedback.message, feedback.message


def test_weigh_offer_messages_are_distinct():
    messages = {every_text(weigh(**names)) for names, _ in WRONG_OFFER.values()}
    assert len(messages) == len(WRONG_OFFER)


def _flip(letters: str) -> dict[str, str]:
    """The key with each of `letters` moved to another verdict (the next one round)."""
    order = ("supports", "warning", "neutral")
    return OFFER_KEY | {k: order[(order.index(OFFER_KEY[k]) + 1) % 3] for k in letters}


@pytest.mark.parametrize("letter", OFFER_KEY)
def test_feedback_on_a_wrong_verdict_never_names_the_right_one(letter):
    for wrong in {"supports", "warning", "neutral"} - {OFFER_KEY[letter]}:
        feedback = weigh(verdicts=OFFER_KEY | {letter: wrong}, reasons=REASONS)
        assert not feedback.passed
        for verdict in ("supports", "warning", "neutral"):
            assert verdict not in every_text(feedback).lower(), every_text(feedback)


def test_feedback_does_not_identify_which_verdicts_are_wrong():
    # Same number wrong, different letters: the student must learn nothing but the count.
    # (Statement (a) taken as support is the one case with its own lead, so leave it out.)
    texts = {every_text(weigh(verdicts=_flip(ls), reasons=REASONS)) for ls in ("bg", "ch", "df")}
    assert len(texts) == 1, texts
    single = {every_text(weigh(verdicts=_flip(letter), reasons=REASONS)) for letter in "bcdefgh"}
    assert len(single) == 1, single
    assert "Two verdict(s) to revisit" in texts.pop()
    assert "One verdict(s) to revisit" in single.pop()


def test_the_count_of_verdicts_to_revisit_is_right():
    assert weigh(verdicts=_flip("bcdef"), reasons=REASONS).message.startswith("Five verdict(s)")


def test_the_statements_table_lists_every_letter_once():
    from mscbook.checkers.evidence import offer_statements

    table = offer_statements()
    assert list(table.index) == list(OFFER_KEY)
    assert table["Statement"].str.len().min() > 20


def test_checkers_are_registered_under_the_exercise_table_names():
    table = data.load("exercises").set_index("label")
    registered = checkers.registered()
    for label in (STILL, PER_YEAR, OFFER):
        assert registered[label].name == table.loc[label, "checker"]


def test_the_chapter_checklist_does_not_teach_a_registry_number_as_a_sign_of_trust():
    # Clinics list pay-to-participate studies (Turner 2017); the Kuriyan clinic had one listed.
    text = (book_root() / "chapters" / "evidence" / "safety-and-regulation.md").read_text()
    checklist = text.split("Questions that expose such an offer:")[1].split("\n## ")[0]
    assert "registered trial has an identifier" not in checklist
    assert "Registration is not legitimacy" in checklist
    assert "{footcite:p}`turner2017`" in checklist
