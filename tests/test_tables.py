"""The shared disease tables: rows, order, values and words equal the data."""

from __future__ import annotations

import pandas as pd
import pytest

from mscbook import data, stats
from mscbook.tables import (
    CLAIM_COLUMNS,
    LABELS,
    MAX_PAIR,
    MISSING,
    TRIAL_COLUMNS,
    UnknownValueError,
    citation,
    citation_url,
    claims_table,
    label,
    pair_width,
    reported_result,
    reproduction_table,
    show,
    trials_table,
    width_style,
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
    for column in TRIAL_COLUMNS[1:-1]:
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


def test_key_columns_come_first():
    # Which study, what it can show, its design, how many patients and how it ended, before
    # what was given.
    assert TRIAL_COLUMNS[:9] == [
        "Study", "Evidence", "Randomised", "Blinding", "Control", "Design", "Phase", "n total",
        "Status",
    ]  # fmt: skip
    assert CLAIM_COLUMNS[:2] == ["Claim (English)", "Verdict"]


def test_citation_names_first_author_and_year_and_links_the_source():
    assert citation("gupta2013") == "Gupta et al. 2013"
    assert citation_url("gupta2013").startswith("https://doi.org/10.")
    assert citation("nct01484574") == "NCT01484574"  # a registry record with no author
    assert citation_url("nct01484574") == "https://clinicaltrials.gov/study/NCT01484574"
    with pytest.raises(UnknownValueError, match="unknown source 'nobody1999'"):
        citation("nobody1999")


def test_citation_of_a_source_without_author_or_registry_is_words_not_its_key():
    from mscbook.references import load_references

    assert citation("cochrane2022bmmnc") == "Cochrane review CD008347"
    assert citation("mist2018interim") == "Neurology 2018"  # the year is not repeated
    assert not [key for key in load_references() if citation(key) == key]


def test_show_hides_row_ids_and_never_shows_nan():
    frame = pd.DataFrame(
        {"Value": [1.0, float("nan")], "Unit": ["%", None], "Source": ["gupta2013", "lu2011"]},
        index=["gupta_row", "lu_row"],
    )
    table = show(frame, "Two rows", missing={"Unit": "not reported"})
    assert "gupta_row" not in table.html and "lu_row" not in table.html
    assert "NaN" not in table.html and "None" not in table.html and "nan" not in table.html
    assert table.frame["Value"].tolist() == ["1", MISSING]
    assert table.frame["Unit"].tolist() == ["%", "not reported"]
    assert table.frame["Source"].tolist() == ["Gupta et al. 2013", "Lu et al. 2011"]
    assert 'href="https://doi.org/' in table.html and ">gupta2013<" not in table.html
    assert 'role="region" tabindex="0" aria-label="Two rows"' in table.html
    with pytest.raises(UnknownValueError, match="unknown column"):
        show(frame, missing={"Colour": "-"})


def test_show_marks_chinese_pages_long_tables_and_sets_code_as_code():
    claims = data.load("seed_claims")
    table = show(claims_table(claims, "cli_clti"), page_length=8)
    assert table.html.count('lang="zh-Hans"') == sum(
        any("\u4e00" <= char <= "\u9fff" for char in text)
        for text in claims.loc[claims["topic"] == "cli_clti", "claim_original"]
    )
    assert 'class="mscbook-table mscbook-paged-table" data-page-length="8"' in table.html
    assert "plxpad_improved_afs" not in table.html  # the claim ids stay in the data
    coded = show(pd.DataFrame({"n_treat": [3]}), code=True)
    assert "<code>n_treat</code>" in coded.html and "<code>3</code>" in coded.html


def test_show_sizes_columns_by_their_longest_text():
    frame = pd.DataFrame({"n": ["12"], "Population": ["adults " * 12], "Region": ["Global, 75"]})
    html = show(frame).html
    assert 'class="mscbook-col-short">n<' in html
    # 84 characters: a third of them a line, 26 at most (0.6 em each), 40% of a phone at most;
    # never under "adults adults" (13 characters) and the padding (1.6 em)
    long = 'class="mscbook-col-long" style="min-width: max(min(15.6em, 40vw), 9.4em)">Population<'
    assert long in html
    region = show(pd.DataFrame({"Region": ["75 reporting countries"]})).html
    # 22 characters: a third is under the 10-character floor; "75 reporting" on one line
    expected = 'class="mscbook-col-medium" style="min-width: max(min(6.0em, 40vw), 8.8em)">Region<'
    assert expected in region


def test_a_column_is_never_narrower_than_two_of_its_words():
    # Three words: the shortest neighbouring pair fits ("external (registry)": 19 characters).
    assert pair_width("external (registry) patients") == 19
    assert pair_width("Whole population (pooled studies)") == len("(pooled studies)")
    # ... and the longest word, whole (a hyphenated name breaking would add a line).
    assert pair_width("Random effects, DerSimonian-Laird") == len("DerSimonian-Laird")
    # Two words may take two lines; the longest word must fit.
    assert pair_width("Paule-Mandel method") == len("Paule-Mandel")
    assert pair_width("") == 0
    # A 40%-of-the-screen cap (156 px on a 390 px phone) never beats the pair: 19 x 0.6 + 1.6.
    style = width_style(["Control", "external (registry) patients"])
    assert style == ' style="min-width: max(min(6.0em, 40vw), 13.0em)"'
    # An absurdly long word (a URL) is capped: the box scrolls rather than growing further.
    assert (
        width_style(["x" * 80])
        == f' style="min-width: max(min(15.6em, 40vw), {MAX_PAIR * 0.6 + 1.6:.1f}em)"'
    )


def test_reproduction_table_says_why_a_value_is_missing():
    benchmarks = data.load("meta_analysis_benchmarks")
    reproduced = stats.reproduce_published(benchmarks, data.load("bcg_trials"))
    table = reproduction_table(reproduced, benchmarks)
    assert len(table) == 2 * len(benchmarks[benchmarks["dataset"] == "bcg_trials"])
    assert not table.isna().any().any()
    fixed = table[table["Analysis"] == "Risk ratio, fixed effect"].set_index("Values from")
    assert fixed.loc["reference", "τ²"] == "not in the reference"  # the data leave it empty
    assert fixed.loc["this book", "τ²"] == "not compared"
    published = benchmarks.set_index("benchmark_id").loc["bcg_rr_fixed", "estimate"]
    assert float(fixed.loc["reference", "Estimate"]) == pytest.approx(published)


def test_a_missing_result_says_why(trials):
    rows = trials.set_index("trial_id", drop=False)
    das = rows.loc[["das2013"]].iloc[0]
    assert pd.isna(das["primary_result"])
    text = reported_result(das)
    assert text.startswith("not reported in the book's data: ") and das["notes"] in text
    unpublished = rows[rows["results_available"] == "not_found"].iloc[0]
    assert reported_result(unpublished).startswith("no results found")


def test_evidence_column_says_what_each_ssc_study_can_show(trials, arms):
    # Moved from the SSc chapter's own helper: the same hand-checked labels.
    table = trials_table(trials, arms, "systemic_sclerosis")
    ssc_ids = trials.loc[trials["disease_area"] == "systemic_sclerosis"]
    assert table.index.tolist() == ssc_ids["trial_id"].tolist()
    assert list(table.columns[:2]) == ["Study", "Evidence"]
    evidence = table["Evidence"]
    assert evidence["wehbe2016"] == "uncontrolled: case report"
    for trial_id in ("zhang2017", "alip2024", "farge2022", "granel2015"):
        assert evidence[trial_id] == "uncontrolled: single group"
    assert evidence["daumas2022"] == "randomised vs placebo"
    assert evidence["delpapa2019"] == "randomised vs sham procedure"
    assert evidence["vanlaar2014"] == "randomised vs active treatment"
    assert evidence["nct03211793"] == evidence["nct06722105"] == "registered, no results yet"
    products = table["Product"]
    assert products["daumas2022"].startswith("Comparator: stromal vascular fraction")
    assert products["delpapa2019"] == "Comparator: fat graft"
    assert products["sullivan2018"] == "Comparator: haematopoietic stem-cell transplant"
    assert products["zhang2017"] == "MSC"


def test_evidence_column_in_limb_ischaemia_and_ms(trials, arms):
    cli = trials_table(trials, arms, "cli_clti")["Evidence"]
    assert cli["norgren2024"] == "randomised vs placebo"  # PACE
    assert cli["bura2014"] == "uncontrolled: single group"  # ACellDREAM
    # Registered or protocol only: results not found, whatever the design.
    for trial_id in ("soriajuan2021", "wijnand2018", "nct03111238", "nct03174522"):
        assert cli[trial_id] == "registered, no results yet"
    # Controlled, but the source does not say whether it was randomised: not "non-randomised".
    assert cli["arangorodriguez2023"] == (
        "controlled, randomisation not stated vs placebo and active treatment"
    )
    ms = trials_table(trials, arms, "multiple_sclerosis")["Evidence"]
    assert ms["petrou2020"] == "randomised vs sham procedure"
    assert ms["burt2019"] == "randomised vs active treatment"  # MIST
    assert ms["connick2012"] == "uncontrolled: single group"  # before vs after is not a control


def test_evidence_column_marks_company_reported_results(trials, arms):
    # No study in the data has company-only results yet; the schema allows them.
    changed = trials.copy()
    changed.loc[changed["trial_id"] == "norgren2024", "results_available"] = "company_data"
    evidence = trials_table(changed, arms, "cli_clti")["Evidence"]
    assert evidence["norgren2024"] == "randomised vs placebo (company report only)"
