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


def test_one_high_domain_makes_the_result_high_whatever_the_others():
    judgements = LOW | {"missing_data": "high", "randomisation": "some_concerns"}
    assert certainty.rob_overall(judgements) == "high"


def test_not_judged_is_not_a_rob2_judgement():
    # RoB 2 answers missing information "No information" and still judges the domain
    with pytest.raises(certainty.CertaintyError, match="'not_judged' is not a RoB 2 judgement"):
        certainty.rob_overall(LOW | {"randomisation": "not_judged"})


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
def test_a_downgrade_is_zero_to_two_levels_outside_imprecision(levels):
    with pytest.raises(certainty.CertaintyError, match="outcome Y, indirectness: .*0 to 2"):
        certainty.grade_certainty("high", {"indirectness": levels}, where="outcome Y")


def test_imprecision_alone_may_lose_three_levels():
    # GRADE guidance 34: very wide intervals can call for rating down three levels
    assert certainty.grade_certainty("high", {"imprecision": 3}) == "very_low"
    with pytest.raises(certainty.CertaintyError, match="0 to 3"):
        certainty.grade_certainty("high", {"imprecision": 4})


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


def test_a_no_information_domain_says_what_was_not_read_and_is_never_low():
    rows = [row for row in raw("risk_of_bias") if row["basis"] == "no_information"]
    assert rows
    for row in rows:
        assert "not read" in row["reason"] and "No information" in row["reason"], row
        # RoB 2's algorithm never reaches low risk on a No information answer
        assert row["judgement"] != "low", row


def test_the_star_baseline_imbalance_p_in_the_reason_is_fisher_exact_on_its_counts():
    from scipy.stats import fisher_exact

    row = next(
        r for r in raw("risk_of_bias")
        if (r["trial_id"], r["domain"]) == ("khanna2022", "randomisation")
    )  # fmt: skip
    assert "32 of 48" in row["reason"] and "19 of 40" in row["reason"]
    p = fisher_exact([[32, 48 - 32], [19, 40 - 19]]).pvalue
    assert f"P about {p:.2f}" in row["reason"]
    assert row["judgement"] == "some_concerns"  # concealment unknown, imbalance compatible


def test_rob_table_overall_follows_the_rule_for_each_trial(tables):
    table = certainty.rob_table(tables["risk_of_bias"], tables["trials"]).set_index("trial_id")
    for trial_id, rows in pd.DataFrame(raw("risk_of_bias")).groupby("trial_id"):
        values = set(rows["judgement"])
        expected = (
            "high" if "high" in values
            else "low" if values == {"low"} else "some_concerns"
        )  # fmt: skip
        assert table.loc[trial_id, "overall"] == expected
        assert table.loc[trial_id, "provisional"] == ("no_information" in set(rows["basis"]))


def test_each_rated_outcome_of_the_book_has_five_domains_and_a_review_only_its_overall():
    by_outcome: dict[str, list[dict[str, str]]] = {}
    for row in raw("certainty_ratings"):
        by_outcome.setdefault(row["sof_id"], []).append(row)
    for sof_id, rows in by_outcome.items():
        if rows[0]["rated_by"] == "this_book":
            assert sorted(r["domain"] for r in rows) == sorted(certainty.GRADE_DOMAINS), sof_id
            for r in rows:
                allowed = {"0", "1", "2", "3"} if r["domain"] == "imprecision" else {"0", "1", "2"}
                if r["domain"] == "inconsistency":
                    allowed |= {""}  # not applicable to a single trial
                assert r["downgrade"] in allowed and not r["certainty"], r["rating_id"]
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
        steps = sum(int(value) for value in rows["downgrade"] if value)
        expected = certainty.LEVELS[max(3 - steps, 0)]  # every rated book outcome is an RCT
        assert sof.loc[sof_id, "certainty"] == expected, sof_id


def test_one_risk_of_bias_rule_for_every_book_rating(tables):
    # a single trial at some concerns overall (even provisionally) loses exactly one level
    overall = certainty.rob_table(tables["risk_of_bias"], tables["trials"]).set_index("trial_id")[
        "overall"
    ]
    trial_of = {r["outcome_id"]: r["trial_id"] for r in raw("trial_outcomes")}
    for row in raw("certainty_ratings"):
        if row["rated_by"] == "this_book" and row["domain"] == "risk_of_bias":
            expected = {"low": "0", "some_concerns": "1"}[overall[trial_of[row["outcome_id"]]]]
            assert row["downgrade"] == expected, row["rating_id"]


def test_a_single_trial_shows_inconsistency_as_not_applicable(sof):
    for sof_id in ("limb_pace", "ms_mesems", "ssc_star"):
        assert "Inconsistency: not applicable" in sof.loc[sof_id, "downgrades"], sof_id


def test_absolute_effects_are_the_arms_values(sof):
    rows = {r["outcome_id"]: r for r in raw("trial_outcomes")}
    pace = sof.loc["limb_pace", "absolute"]
    assert f"{float(rows['pace_amp_death_plxpad']['value']):g}% with cells" in pace
    assert f"{float(rows['pace_amp_death_placebo']['value']):g}% with control" in pace
    assert "not read" in sof.loc["cochrane_bmmnc_mortality", "absolute"]


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
    # the P beside a computed interval is the trial's, and says so; the sign is explained
    assert f"P = {float(cells['p_value']):g} as reported (trial's model)" in text
    assert "negative values favour the cells" in text and "48 and 40 randomised" in text


def test_evidence_names_design_n_and_a_comparator_product(sof):
    star = sof.loc["ssc_star", "evidence"]
    assert "randomised" in star and "88 patients" in star and "comparator" in star.lower()
    assert "comparator" not in sof.loc["ms_mesems", "evidence"].lower()
    assert "phase III" in sof.loc["limb_pace", "evidence"]
    assert star.startswith("STAR: device trial (registry phase: not applicable)")


def test_a_book_rating_without_all_five_domains_is_refused(tables):
    ratings = tables["certainty_ratings"]
    broken = ratings.drop(ratings.index[ratings["rating_id"] == "ms_mesems_imprecision"])
    with pytest.raises(certainty.CertaintyError, match="ms_mesems: needs one row for each"):
        certainty.summary_of_findings(
            broken, tables["trial_outcomes"], tables["trials"], tables["trial_arms"]
        )
