"""RoB 2 and GRADE rules (mscbook.certainty) and the two tables they read.

Rules are tested on small hand-made inputs; the data tests read the CSV files themselves
(csv module), so they check the data against the rules rather than the code against itself.
"""

from __future__ import annotations

import csv
import math

import pandas as pd
import pytest

from mscbook import certainty, data
from mscbook.paths import book_root

LOW = dict.fromkeys(certainty.ROB_DOMAINS, "low")


def raw(name: str) -> list[dict[str, str]]:
    with (book_root() / "data" / f"{name}.csv").open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def tables():
    return {
        name: data.load(name)
        for name in ("trials", "trial_arms", "trial_outcomes", "risk_of_bias", "certainty_ratings")
    }


@pytest.fixture(scope="module")
def sof(tables):
    return certainty.summary_of_findings(
        tables["certainty_ratings"],
        tables["trial_outcomes"],
        tables["trials"],
        tables["trial_arms"],
    ).set_index("sof_id")


# ------------------------------------------------------------------------------ RoB 2 rules


def test_all_low_is_low_and_one_concern_is_some_concerns():
    assert certainty.rob_overall(LOW) == "low"
    assert certainty.rob_overall(LOW | {"measurement": "some_concerns"}) == "some_concerns"


def test_one_high_domain_makes_the_result_high_even_with_unjudged_domains():
    judgements = LOW | {"missing_data": "high", "randomisation": "not_judged"}
    assert certainty.rob_overall(judgements) == "high"


def test_an_unjudged_domain_leaves_the_overall_unjudged():
    assert certainty.rob_overall(LOW | {"randomisation": "not_judged"}) == "not_judged"


def test_missing_domain_and_bad_judgement_are_named():
    partial = dict(LOW)
    del partial["deviations"]
    with pytest.raises(certainty.CertaintyError, match=r"trial X.*missing \['deviations'\]"):
        certainty.rob_overall(partial, where="trial X")
    with pytest.raises(certainty.CertaintyError, match="'unclear' is not a RoB 2 judgement"):
        certainty.rob_overall(LOW | {"measurement": "unclear"})


# ------------------------------------------------------------------------------ GRADE rules


def test_randomised_evidence_starts_high_and_anything_else_low():
    assert certainty.starting_level(True) == "high"
    assert certainty.starting_level(False) == "low"
    assert certainty.starting_level(pd.NA) == "low"  # randomisation not known: the weaker reading


def test_each_level_downgraded_lowers_certainty_one_step_to_very_low_at_most():
    assert certainty.grade_certainty("high", {"imprecision": 1}) == "moderate"
    assert certainty.grade_certainty("high", {"imprecision": 2, "indirectness": 1}) == "very_low"
    assert certainty.grade_certainty("low", {"risk_of_bias": 2, "imprecision": 2}) == "very_low"
    assert certainty.grade_certainty("high", dict.fromkeys(certainty.GRADE_DOMAINS, 0)) == "high"


@pytest.mark.parametrize("levels", [3, -1, True, 1.5])
def test_a_downgrade_is_zero_one_or_two(levels):
    with pytest.raises(certainty.CertaintyError, match="0, 1 or 2"):
        certainty.grade_certainty("high", {"imprecision": levels}, where="outcome Y")


def test_unknown_domain_and_level_are_named():
    with pytest.raises(certainty.CertaintyError, match="not GRADE domains"):
        certainty.grade_certainty("high", {"small_trial": 1})
    with pytest.raises(certainty.CertaintyError, match="'excellent' is not a GRADE level"):
        certainty.grade_certainty("excellent", {})


# ------------------------------------------------------------------------------ the data


def test_every_judged_result_has_the_five_domains_of_a_randomised_trial_and_its_own_outcome():
    trials = {row["trial_id"]: row for row in raw("trials")}
    outcomes = {row["outcome_id"]: row["trial_id"] for row in raw("trial_outcomes")}
    domains: dict[str, list[str]] = {}
    for row in raw("risk_of_bias"):
        assert trials[row["trial_id"]]["randomised"] == "true", row["trial_id"]
        assert outcomes[row["outcome_id"]] == row["trial_id"], row["outcome_id"]
        domains.setdefault(row["trial_id"], []).append(row["domain"])
    for trial_id, found in domains.items():
        assert sorted(found) == sorted(certainty.ROB_DOMAINS), trial_id


def test_an_unjudged_domain_says_what_could_not_be_read():
    for row in raw("risk_of_bias"):
        if row["judgement"] == "not_judged":
            assert "not read" in row["reason"] or "could not be read" in row["reason"], row


def test_rob_table_overall_follows_the_rule_for_each_trial(tables):
    table = certainty.rob_table(tables["risk_of_bias"], tables["trials"]).set_index("trial_id")
    for trial_id, rows in pd.DataFrame(raw("risk_of_bias")).groupby("trial_id"):
        values = set(rows["judgement"])
        expected = (
            "high" if "high" in values
            else "not_judged" if "not_judged" in values
            else "low" if values == {"low"} else "some_concerns"
        )  # fmt: skip
        assert table.loc[trial_id, "overall"] == expected


def test_each_rated_outcome_of_the_book_has_five_domains_and_a_review_only_its_overall():
    by_outcome: dict[str, list[dict[str, str]]] = {}
    for row in raw("certainty_ratings"):
        by_outcome.setdefault(row["sof_id"], []).append(row)
    for sof_id, rows in by_outcome.items():
        if rows[0]["rated_by"] == "this_book":
            assert sorted(r["domain"] for r in rows) == sorted(certainty.GRADE_DOMAINS), sof_id
            assert all(r["downgrade"] in {"0", "1", "2"} and not r["certainty"] for r in rows)
        else:
            assert [r["domain"] for r in rows] == ["overall"], sof_id
            assert rows[0]["certainty"] in certainty.LEVELS and not rows[0]["downgrade"]


def test_a_question_about_a_comparator_product_says_it_is_not_msc(tables):
    trials = {row["trial_id"]: row for row in raw("trials")}
    outcomes = {row["outcome_id"]: row["trial_id"] for row in raw("trial_outcomes")}
    for row in raw("certainty_ratings"):
        product = trials[outcomes[row["outcome_id"]]]["product_type"] if row["outcome_id"] else None
        if product is None or product not in ("msc", "msc_like", "msc_derived"):
            assert "not MSCs" in row["question"], row["rating_id"]


# ------------------------------------------------------------------------------ summary table


def test_book_certainty_is_the_trial_start_lowered_by_the_rows_downgrades(sof):
    for sof_id, rows in pd.DataFrame(raw("certainty_ratings")).groupby("sof_id"):
        if rows.iloc[0]["rated_by"] != "this_book":
            continue
        steps = sum(int(value) for value in rows["downgrade"])
        expected = certainty.LEVELS[max(3 - steps, 0)]  # every rated book outcome is an RCT
        assert sof.loc[sof_id, "certainty"] == expected, sof_id


def test_a_review_keeps_its_own_rating_and_effect(sof):
    row = next(r for r in raw("certainty_ratings") if r["rated_by"] == "published_review")
    shown = sof.loc[row["sof_id"]]
    assert shown["certainty"] == row["certainty"]
    assert f"{float(row['effect_ci_high']):.2f}" in shown["effect"]
    assert row["n_participants"] in shown["evidence"]


def test_mean_changes_become_a_mean_difference_with_its_interval(sof):
    rows = {r["outcome_id"]: r for r in raw("trial_outcomes")}
    cells, placebo = rows["khanna2022_cochin_adrc"], rows["khanna2022_cochin_placebo"]
    n = {(r["trial_id"], r["arm_id"]): int(r["n"]) for r in raw("trial_arms") if r["n"]}
    diff = float(cells["value"]) - float(placebo["value"])
    se = math.sqrt(
        float(cells["sd"]) ** 2 / n[("khanna2022", "adrc")]
        + float(placebo["sd"]) ** 2 / n[("khanna2022", "placebo")]
    )
    text = sof.loc["ssc_star", "effect"]
    assert f"{diff:+.1f} points" in text
    assert f"{diff - 1.959964 * se:+.1f} to {diff + 1.959964 * se:+.1f}" in text


def test_evidence_names_design_n_and_a_comparator_product(sof):
    star = sof.loc["ssc_star", "evidence"]
    assert "randomised" in star and "88 patients" in star and "comparator" in star.lower()
    assert "comparator" not in sof.loc["ms_mesems", "evidence"].lower()
    assert "phase III" in sof.loc["limb_pace", "evidence"]


def test_a_book_rating_without_all_five_domains_is_refused(tables):
    ratings = tables["certainty_ratings"]
    broken = ratings.drop(ratings.index[ratings["rating_id"] == "ms_mesems_imprecision"])
    with pytest.raises(certainty.CertaintyError, match="ms_mesems: needs one row for each"):
        certainty.summary_of_findings(
            broken, tables["trial_outcomes"], tables["trials"], tables["trial_arms"]
        )
