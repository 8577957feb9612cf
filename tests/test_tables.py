"""The shared disease tables: rows, order, values and words equal the data."""

from __future__ import annotations

import pandas as pd
import pytest

from mscbook import data
from mscbook.tables import (
    CLAIM_COLUMNS,
    LABELS,
    TRIAL_COLUMNS,
    UnknownValueError,
    claims_table,
    label,
    trials_table,
)


@pytest.fixture(scope="module")
def trials():
    return data.load("trials")


@pytest.fixture(scope="module")
def arms():
    return data.load("trial_arms")


def test_trials_table_has_one_row_per_study_in_data_order(trials, arms):
    table = trials_table(trials, arms, "cli_clti")
    expected = trials.loc[trials["disease_area"] == "cli_clti", "trial_id"].tolist()
    assert table.index.tolist() == expected
    assert list(table.columns) == TRIAL_COLUMNS
    assert (
        table["Study"].tolist() == trials.set_index("trial_id").loc[expected, "short_name"].tolist()
    )


def test_design_columns_are_plain_words_not_codes(trials, arms):
    table = trials_table(trials, arms, "cli_clti")
    codes = {code for field in LABELS.values() for code in field if "_" in code}
    for column in TRIAL_COLUMNS[1:-3]:
        assert not set(table[column]) & codes, column
    pace = table.loc["norgren2024"]  # PACE, Norgren 2024: randomised, double-blind, placebo
    assert pace["Randomised"] == "yes"
    assert pace["Blinding"] == "double-blind"
    assert pace["Control"] == "placebo"
    assert pace["Product"] == "MSC-like cells (PLX-PAD)"
    assert pace["Cell source"] == "placenta"
    assert pace["Status"] == "stopped early"


def test_n_per_arm_comes_from_trial_arms(trials, arms):
    table = trials_table(trials, arms, "cli_clti")
    # Hand-checked against the abstracts: PACE 143 vs 70; RESTORE-CLI 48 vs 24; Lu 2011 limbs.
    assert table.loc["norgren2024", "n per arm"].endswith(": 143; Placebo, days 0 and 60: 70")
    assert table.loc["powell2012", "n per arm"] == "Ixmyelocel-T: 48; Placebo: 24"
    assert "20 limbs" in table.loc["lu2011", "n per arm"]
    assert table.loc["soriajuan2021", "n per arm"].count("n not reported") == 3
    assert table.loc["norgren2024", "n total"] == "213 (randomised)"


def test_comparators_are_labelled(trials, arms):
    table = trials_table(trials, arms, "cli_clti")
    for trial_id in ("powell2012", "nct03111238", "nct03174522"):
        assert table.loc[trial_id, "Product"].startswith("Comparator: ")
    assert table.loc["gupta2013", "Product"] == "MSC (Stempeucel)"


def test_multi_route_and_missing_values_read_as_words():
    assert label("route", "intra_arterial;intramuscular") == "into an artery, into muscle"
    assert label("route", "") == "not stated"
    assert label("randomised", pd.NA) == "not stated"
    assert label("randomised", False) == "no"


def test_unknown_disease_is_rejected(trials, arms):
    with pytest.raises(UnknownValueError, match="unknown disease 'cli'.*cli_clti"):
        trials_table(trials, arms, "cli")


def test_claims_table_equals_seed_claims():
    claims = data.load("seed_claims")
    table = claims_table(claims, "cli_clti")
    chosen = claims[claims["topic"] == "cli_clti"]
    assert table.index.tolist() == chosen["claim_id"].tolist()
    assert list(table.columns) == CLAIM_COLUMNS
    assert table["Claim (English)"].tolist() == chosen["claim_english"].tolist()
    assert table.loc["plxpad_improved_afs", "Verdict"] == "wrong"
    assert "P=0.788" in table.loc["plxpad_improved_afs", "What the primary source says"]
    with pytest.raises(UnknownValueError, match="unknown claim topic"):
        claims_table(claims, "limbs")


@pytest.mark.parametrize(
    "field",
    [
        "product_type",
        "cell_source",
        "donor",
        "phase",
        "blinding",
        "control_type",
        "allocation",
        "status",
    ],
)
def test_every_code_in_the_schema_has_plain_words(field):
    fields = {f["name"]: f for f in data.schema("trials")["schema"]["fields"]}
    assert set(fields[field]["constraints"]["enum"]) <= set(LABELS[field]), field
