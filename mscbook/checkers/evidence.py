"""Checkers of the Evidence part's coding exercises (see `mscbook.checkers`)."""

from __future__ import annotations

from collections.abc import Mapping
from numbers import Integral, Real

import pandas as pd

from mscbook.checkers import Feedback, checker, not_answered, quoted
from mscbook.checkers import count as count_words

ENDED = ("withdrawn", "lapsed")
PRODUCT_COLUMNS = {"product_id", "product", "country_region", "approval_date", "status"}


def _products(namespace: Mapping[str, object]) -> pd.DataFrame | None:
    products = namespace.get("products")
    if isinstance(products, pd.DataFrame) and set(products.columns) >= PRODUCT_COLUMNS:
        return products
    return None


PRODUCTS_MISSING = Feedback(
    False,
    "`products` is missing or was changed: run the cells above from the top (Kernel, Restart "
    "and run all) and keep that name for data.load('approved_products').",
)


# ---------------------------------------------------------------- still approved


@checker("ex-safety-still-approved")
def check_still_approved(namespace: Mapping[str, object]) -> Feedback:
    """`ex-safety-still-approved`: `still_approved`, the product_ids not recorded as ended."""
    products = _products(namespace)
    if products is None:
        return PRODUCTS_MISSING
    value = namespace.get("still_approved", ...)
    if value is ...:
        return not_answered()
    if isinstance(value, pd.DataFrame):
        return Feedback(
            False,
            "`still_approved` is a whole table; keep only its `product_id` column, as a list.",
        )
    if isinstance(value, str) or not isinstance(value, list | tuple | set | pd.Series | pd.Index):
        return Feedback(
            False,
            "`still_approved` should be a list of product ids (the `product_id` column), "
            f"not {type(value).__name__} {quoted(value)}.",
        )
    items = list(value)
    if any(not isinstance(item, str) for item in items):
        return Feedback(False, "every item of `still_approved` should be a product id (text).")
    ids, names = set(products["product_id"]), set(products["product"])
    if items and all(item in names and item not in ids for item in items):
        return Feedback(
            False,
            "you listed brand names; one product can hold several approvals (Stempeucel twice "
            "in India, Prochymal in two countries, Alofisel in the EU and Japan). List the "
            "`product_id` of each approval instead.",
        )
    unknown = sorted(set(items) - ids)
    if unknown:
        return Feedback(False, f"Not product ids in `products`: {quoted(unknown, 60)}.")
    if len(items) != len(set(items)):
        return Feedback(False, "`still_approved` lists some approvals twice; list each once.")
    status = products.set_index("product_id")["status"]
    expected = set(status[~status.isin(ENDED)].index)
    got = set(items)
    if got == expected:
        return Feedback(True, "these are the approvals the data do not record as ended.")
    ended = sorted(got & set(status[status.isin(ENDED)].index))
    if ended:
        return Feedback(
            False,
            f"These approvals ended: {quoted(ended, 60)}. Look at their `status` and "
            "`status_note`: a withdrawn or lapsed "
            "approval is no longer in force.",
        )
    in_force = set(status[status == "in_force"].index)
    if got == in_force:
        return Feedback(
            False,
            "you kept only the rows whose status is 'in_force'. 'not_checked' means nobody "
            "verified the current status, not that the approval ended: the question asks for "
            "every approval not recorded as withdrawn or lapsed.",
        )
    missing = expected - got
    return Feedback(
        False,
        f"{len(missing)} approval(s) that the data do not record as ended are missing: filter "
        "on `status`, keeping everything except 'withdrawn' and 'lapsed'.",
    )


# ---------------------------------------------------------------- approvals per country and year


def _as_counts(value: object) -> dict[tuple[str, object], float] | str:
    """{(country, year): count} from a Series or a table, or a message saying what is wrong."""
    if isinstance(value, pd.DataFrame):
        numeric = [c for c in value.columns if pd.api.types.is_numeric_dtype(value[c])]
        text = [c for c in value.columns if c not in numeric]
        if "country_region" in value.columns and len(value.columns) == 3 and len(numeric) >= 1:
            others = [c for c in value.columns if c != "country_region"]
            count_column = [c for c in others if c in numeric][-1]
            year_column = [c for c in others if c != count_column][0]
            value = value.set_index(["country_region", year_column])[count_column]
        elif len(value.columns) >= 1 and not text:
            value = value.stack()  # a wide table: countries down, years across
            value = value[value != 0]
        else:
            return (
                "`per_country_year` should be counts indexed by country and year, for example "
                "the result of `groupby([...]).size()`."
            )
    if not isinstance(value, pd.Series):
        return (
            "`per_country_year` should be a pandas Series of counts indexed by country and "
            f"year (from `groupby(...).size()`), not {type(value).__name__}."
        )
    if value.index.nlevels != 2:
        return (
            "count per country *and* year: your counts have one index level "
            f"({list(value.index[:3])}...); group by two keys."
        )
    if not all(isinstance(v, Real) and not isinstance(v, bool) for v in value.tolist()):
        return "the values of `per_country_year` should be numbers of approvals."
    return {(str(a), b): float(v) for (a, b), v in value.items()}


def _year(label: object) -> int | None:
    if isinstance(label, Integral) and not isinstance(label, bool):
        return int(label)
    if isinstance(label, Real) and float(label).is_integer():
        return int(label)
    if isinstance(label, str) and len(label) == 4 and label.isdigit():
        return int(label)
    return None


@checker("ex-safety-approvals-per-year")
def check_approvals_per_country_year(namespace: Mapping[str, object]) -> Feedback:
    """`ex-safety-approvals-per-year`: `per_country_year`, approvals counted by country, year."""
    products = _products(namespace)
    if products is None:
        return PRODUCTS_MISSING
    value = namespace.get("per_country_year", ...)
    if value is ...:
        return not_answered()
    counts = _as_counts(value)
    if isinstance(counts, str):
        return Feedback(False, counts)
    countries = set(products["country_region"])
    swapped = [(b, a) for a, b in counts if a not in countries and str(b) in countries]
    if swapped and len(swapped) == len(counts):
        counts = {(str(b), a): v for (a, b), v in counts.items()}
    if any(country not in countries for country, _ in counts):
        return Feedback(
            False,
            "the first index level should be the country (`country_region`), the second the year.",
        )
    labels = [year for _, year in counts]
    if any(_year(label) is None for label in labels):
        example = next(label for label in labels if _year(label) is None)
        return Feedback(
            False,
            f"This is not a year: {quoted(example)}. Dates in `approval_date` have different "
            "precision (2011, 2016-05, 2018-03-23). Group by the year only, the first four "
            "characters.",
        )
    got: dict[tuple[str, int], float] = {}
    for (country, label), count in counts.items():
        key = (country, _year(label))
        got[key] = got.get(key, 0.0) + count
    got = {key: count for key, count in got.items() if count != 0}
    years = products["approval_date"].astype(str).str[:4].astype(int)
    expected = products.groupby([products["country_region"], years]).size()
    expected = {(country, int(year)): float(n) for (country, year), n in expected.items()}
    if got == expected:
        return Feedback(True, "every approval is counted under its country and year.")
    total, expected_total = sum(got.values()), sum(expected.values())
    kept = products[~products["status"].isin(ENDED)]
    kept_years = kept["approval_date"].astype(str).str[:4].astype(int)
    without_ended = kept.groupby([kept["country_region"], kept_years]).size()
    if len(kept) < len(products) and got == {
        (country, int(year)): float(n) for (country, year), n in without_ended.items()
    }:
        return Feedback(
            False,
            "approvals that were later withdrawn still count: the question asks when products "
            "were approved, not which approvals are in force today.",
        )
    if total != expected_total:
        return Feedback(
            False,
            f"your counts add up to {total:g} approvals; count every row of `products` once "
            "(one row is one approval).",
        )
    wrong = sorted(key for key in set(got) | set(expected) if got.get(key) != expected.get(key))
    country, year = wrong[0]
    return Feedback(
        False,
        f"the total is right but some cells are not, for example {country} in {year}: check "
        "which year you take from `approval_date`.",
    )


# ---------------------------------------------------------------- weighing a clinic's offer

#: What a clinic or its patients say about an offer (invented for the exercise). Each statement
#: is evidence *for* the offer's legitimacy, a warning sign, or neutral: true of legitimate and
#: unproven offers alike, so it settles nothing until checked.
OFFER_STATEMENTS: dict[str, str] = {
    "a": "Our study is registered on ClinicalTrials.gov; its NCT number is on our website.",
    "b": "Participants pay a fee of 9,800 dollars that covers the cells and the procedure.",
    "c": (
        "The regulator has allowed the study to proceed (in the United States, an "
        "investigational new drug application): the sponsor gives you the number and shows you "
        "the regulator's letter acknowledging it, and you can ask the regulator yourself."
    ),
    "d": (
        "Cells are freed from your belly fat with enzymes and injected back the same day; "
        "because they are your own cells, no approval is needed."
    ),
    "e": (
        "An independent ethics committee approved the protocol, which compares the cells "
        "with a placebo injection and names one primary outcome."
    ),
    "f": "All our doctors are board-certified.",
    "g": "One treatment helps arthritis, multiple sclerosis and lung disease.",
    "h": (
        "The regulator of the country where we work has approved an MSC product for "
        "graft-versus-host disease."
    ),
}
VERDICTS = ("supports", "warning", "neutral")
_OFFER_KEY = {
    "a": "neutral",
    "b": "warning",
    "c": "supports",
    "d": "warning",
    "e": "supports",
    "f": "neutral",
    "g": "warning",
    "h": "neutral",
}
#: Open questions, one per statement, shown together whatever the answer: naming only the
#: statements a student got wrong would give the key away in a few runs (three verdicts each).
#: Each asks what the statement shows, not which verdict it earns.
_OFFER_QUESTIONS = (
    "(a): who can file a registry entry, and what does the registry check before it lists one?",
    "(b): in a trial of an unproven product, who should carry the cost, and why?",
    "(c): what does a regulator's permission to run a study tell you, and how could you check it?",
    "(d): what did the US appeals courts decide about fat extracts of this kind, and does it "
    "matter whose cells they are?",
    "(e): what do independent ethics review and a placebo group protect a participant from?",
    "(f): what does a doctor's certification tell you about the product the doctor injects?",
    "(g): what evidence would it take to show that one product helps unrelated diseases, and "
    "does it exist?",
    "(h): what does an approval of one product for one disease say about a different product?",
)
MIN_REASON_WORDS = 4


def offer_statements() -> pd.DataFrame:
    """The statements of `ex-safety-weigh-offer` as a table (letter, statement) to show."""
    return pd.DataFrame(
        {"Statement": list(OFFER_STATEMENTS.values())},
        index=pd.Index(list(OFFER_STATEMENTS), name="Letter"),
    )


def _letters(name: str, value: object) -> dict[str, object] | str:
    """{letter: value} from a dict keyed by the statement letters, or what is wrong with it."""
    if not isinstance(value, Mapping):
        return (
            f"`{name}` should be a dict from each statement's letter to your answer, like "
            f"{{'a': ..., 'b': ...}}, not {type(value).__name__} {quoted(value)}."
        )
    letters = {str(key).strip().lower().strip("()"): item for key, item in value.items()}
    unknown = sorted(set(letters) - set(OFFER_STATEMENTS))
    if unknown:
        return f"`{name}` has keys that are not statement letters: {quoted(unknown)}."
    missing = sorted(set(OFFER_STATEMENTS) - set(letters))
    if missing:
        return f"`{name}` has no entry for statement(s) {', '.join(missing)}."
    return letters


@checker("ex-safety-weigh-offer")
def check_weigh_offer(namespace: Mapping[str, object]) -> Feedback:
    """`ex-safety-weigh-offer`: a verdict and a defending sentence for each statement."""
    verdicts, reasons = namespace.get("verdicts", ...), namespace.get("reasons", ...)
    if verdicts is ... and reasons is ...:
        return not_answered()
    if verdicts is ...:
        return Feedback(False, "`verdicts` is still `...`: give a verdict for every statement.")
    got = _letters("verdicts", verdicts)
    if isinstance(got, str):
        return Feedback(False, got)
    given = {letter: str(item).strip().lower() for letter, item in got.items()}
    odd = sorted(letter for letter, item in given.items() if item not in VERDICTS)
    if odd:
        return Feedback(
            False,
            f"Each verdict should be one of {', '.join(repr(v) for v in VERDICTS)}; statement(s) "
            f"{', '.join(odd)} have something else.",
        )
    if len(set(given.values())) == 1:
        return Feedback(
            False,
            f"You gave every statement the same verdict ({given['a']!r}). Some of these "
            "statements count for an offer, some against it, and some neither: weigh each one.",
        )
    if reasons is ...:
        return Feedback(
            False, "`reasons` is still `...`: defend each verdict in a sentence of your own."
        )
    why = _letters("reasons", reasons)
    if isinstance(why, str):
        return Feedback(False, why)
    thin = sorted(
        letter
        for letter, text in why.items()
        if not isinstance(text, str) or len(text.split()) < MIN_REASON_WORDS
    )
    if thin:
        return Feedback(
            False,
            f"Defend verdict(s) {', '.join(thin)} in a sentence (at least {MIN_REASON_WORDS} "
            "words): say what the statement does or does not tell you, and why.",
        )
    wrong = [letter for letter in OFFER_STATEMENTS if given[letter] != _OFFER_KEY[letter]]
    if not wrong:
        return Feedback(
            True,
            "Your verdicts match the chapter's reading of these statements. Compare your "
            "reasons with the solution: a right verdict with a wrong reason is still a wrong "
            "judgement.",
        )
    # Only the number of verdicts to revisit, never which ones: the questions are the same for
    # every wrong answer. The one exception is the chapter's central point, a registry entry
    # taken as a sign of legitimacy, which gets its own lead.
    count = f"{count_words(len(wrong))} verdict(s) to revisit."
    if given["a"] == "supports":
        lead = (
            f"{count} A registry entry may be doing too much work in your judgement: re-read "
            "'Registration is not legitimacy', then weigh each statement again with these "
            "questions:"
        )
    else:
        lead = f"{count} Weigh each statement again with these questions:"
    return Feedback(False, lead, points=_OFFER_QUESTIONS)
