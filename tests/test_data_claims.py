"""A "first", "only" or "largest" in the data's notes must be true of the data itself, where the
data can show it (mscbook.data_claims). The rule found the stale MESEMS note ("the largest
randomised trial in this dataset", while PACE and ASTIS randomised more); these tests keep it
able to fail.
"""

from __future__ import annotations

import pandas as pd
import pytest

from mscbook.data import load
from mscbook.data_claims import claim_problems, find_claims

OLD_MESEMS_NOTE = (
    "144 randomised (July 2012 - July 2019): the largest randomised trial in this dataset."
)


@pytest.fixture(scope="module")
def tables() -> dict[str, pd.DataFrame]:
    return {name: load(name) for name in ("trials", "approved_products")}


def _with_note(trials: pd.DataFrame, trial_id: str, note: str) -> pd.DataFrame:
    changed = trials.copy()
    changed.loc[changed["trial_id"] == trial_id, "notes"] = note
    return changed


def test_every_superlative_in_the_data_is_true_of_the_data(tables):
    assert claim_problems(tables) == []


def test_the_data_still_holds_claims_for_the_rule_to_judge(tables):
    # Without claims the test above would pass vacuously.
    words = {
        (claim.table, claim.word)
        for table, frame in tables.items()
        for claim in find_claims(table, frame)
    }
    assert ("trials", "largest") in words
    assert ("approved_products", "first") in words


def test_the_old_mesems_note_fails_and_names_the_larger_trials(tables):
    trials = _with_note(tables["trials"], "uccelli2021", OLD_MESEMS_NOTE)
    [problem] = claim_problems({"trials": trials})
    assert "uccelli2021" in problem and "'notes'" in problem
    assert "PACE" in problem and "ASTIS" in problem and "144" in problem


def test_largest_is_judged_within_the_scope_the_sentence_names(tables):
    # ASTIS (156) is the largest randomised trial in SSc, but not in the whole dataset (PACE 213).
    in_ssc = _with_note(
        tables["trials"], "vanlaar2014", "The largest randomised trial in SSc here."
    )
    assert claim_problems({"trials": in_ssc}) == []
    everywhere = _with_note(
        tables["trials"], "vanlaar2014", "The largest randomised trial in the dataset."
    )
    [problem] = claim_problems({"trials": everywhere})
    assert "PACE" in problem


def test_only_fails_when_another_trial_fits_the_description(tables):
    # The sentence narrows to randomised trials in SSc; STAR, SCOT and ASTIS fit that too.
    trials = _with_note(tables["trials"], "daumas2022", "The only randomised trial in SSc.")
    [problem] = claim_problems({"trials": trials})
    assert problem.startswith("data/trials.csv, row 'daumas2022'") and "not the only one" in problem


def test_first_approval_is_judged_by_date_within_the_jurisdiction(tables):
    products = tables["approved_products"].copy()
    later = products["product_id"] == "alofisel_jp_2021"
    products.loc[later, "notes"] = "Japan's first approved MSC product."
    [problem] = claim_problems({"approved_products": products})
    assert "alofisel_jp_2021" in problem and "temcell_jp_2015" in problem


@pytest.mark.parametrize(
    "note",
    [
        "Single IV infusion: first 10 patients 1x10^6 cells/kg.",  # no determiner: not a claim
        "Not the first randomised placebo-controlled MSC trial in SSc.",  # a correction
        "The first course combined plasmapheresis and rituximab.",  # not about a study or product
        "Only minor amputations.",
    ],
)
def test_ordinary_uses_of_the_words_are_not_claims(note):
    frame = pd.DataFrame({"trial_id": ["x"], "notes": [note]})
    assert find_claims("trials", frame) == []


def test_mesems_note_names_every_larger_randomised_trial(tables):
    # The "largest" rule judges a superlative within its scope (MS), so it cannot see that the
    # note's list of trials that "randomised more patients" went stale when JUVENTAS (160) was
    # added; this checks the list itself against the data.
    trials = tables["trials"].set_index("trial_id")
    own = trials.loc["uccelli2021", "n_total"]
    randomised = trials[trials["randomised"].fillna(False).astype(bool)]
    larger = randomised[randomised["n_total"] > own]
    assert not larger.empty
    note = trials.loc["uccelli2021", "notes"]
    missing = [
        name.split(" (")[0] for name in larger["short_name"] if name.split(" (")[0] not in note
    ]
    assert missing == [], f"MESEMS note omits larger randomised trials: {missing}"
