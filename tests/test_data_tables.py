"""Data tables: every table loads, cross-table rules hold, and each rule fails loudly on bad input.

Failing fixtures copy the real data/ and references.bib into tmp_path, break one cell, and check
that the error names the file, the line, the column and the value.
"""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest

from mscbook.build.checks import check_all, cross_table_problems
from mscbook.data import DataValidationError, load, table_names
from mscbook.paths import book_root

ROOT = book_root()
EXPECTED_TABLES = {
    "isct_criteria",
    "nomenclature",
    "trials",
    "trial_arms",
    "trial_outcomes",
    "msc_sources",
    "secretome",
    "epidemiology",
    "approved_products",
    "safety_meta_analyses",
    "seed_claims",
    "ssc_criteria",
    "glossary",
}
COMPARATORS = {"cd34_cells", "bm_mnc", "bm_multicellular", "bmac", "svf_adrc", "fat_graft", "hsct"}


# ---------------------------------------------------------------- the real data


def test_every_table_is_described_and_loads():
    assert set(table_names()) >= EXPECTED_TABLES
    for name in table_names():
        assert len(load(name)) > 0, name


def test_cross_table_rules_hold_for_the_real_data():
    assert cross_table_problems() == []
    assert check_all()["trials"] > 0


def test_every_fact_row_is_traceable():
    for name in table_names():
        frame = load(name)
        if "verified_against" in frame and name != "seed_claims":
            assert frame["source"].notna().all(), name
            assert frame["verified_against"].notna().all(), name


def test_comparators_are_never_typed_as_msc():
    trials = load("trials")
    by_id = trials.set_index("trial_id")
    assert by_id.loc["norgren2024", "product_type"] == "msc_like"
    for trial_id in (
        "powell2012",
        "nct03111238",
        "granel2015",
        "daumas2022",
        "khanna2022",
        "delpapa2019",
        "sullivan2018",
    ):
        assert by_id.loc[trial_id, "product_type"] in COMPARATORS, trial_id


def test_corrections_from_facts_are_in_the_data():
    trials = load("trials").set_index("trial_id")
    assert not trials.loc["petrou2021", "randomised"] and trials.loc["petrou2021", "phase"] != "3"
    assert trials.loc["lu2011", "allocation"] == "within_patient"
    assert trials.loc["norgren2024", "status"] == "stopped_early"
    arms = load("trial_arms").set_index(["trial_id", "arm_id"])
    assert arms.loc[("gupta2013", "msc"), "dose_value"] == 2
    assert arms.loc[("gupta2013", "msc"), "dose_unit"] == "×10^6 cells/kg"
    assert set(arms.loc["shirbaghaee2023", "dose_value"]) == {20, 60}
    claims = load("seed_claims").set_index("claim_id")
    assert claims.loc["plxpad_improved_afs", "verdict"] == "wrong"
    assert claims.loc["petrou2021_phase3", "verdict"] == "wrong"


def test_systemic_sclerosis_corrections_are_in_the_data():
    trials = load("trials").set_index("trial_id")
    manus = trials.loc["nct03211793"]
    assert manus["product_type"] == "msc" and manus["randomised"]
    assert manus["control_type"] == "placebo"
    assert manus["n_total"] == 20 and manus["route"] == "intramuscular"
    assert "first" not in trials.loc["nct06722105", "notes"].lower().replace("not the first", "")
    arms = load("trial_arms")
    mscat = arms[arms["trial_id"] == "nct06722105"]
    assert sorted(mscat["intervention"]) == ["msc", "msc", "placebo"]
    star = arms[arms["trial_id"] == "khanna2022"].set_index("arm_id")
    assert (star.loc["adrc", "n"], star.loc["placebo", "n"]) == (48, 40)
    outcomes = load("trial_outcomes").set_index("outcome_id")
    assert outcomes.loc["khanna2022_cochin_adrc", "p_value"] == 0.299
    criteria = load("ssc_criteria")
    assert criteria.groupby("domain")["points"].max().sum() == 28
    assert set(criteria.loc[criteria["sufficient"], "points"]) == {9}
    assert set(criteria["classification_threshold"]) == {9}


def test_approved_products_carry_the_corrections():
    products = load("approved_products").set_index("product_id")
    stempeucel = products[products["product"] == "Stempeucel"]
    assert set(stempeucel["country_region"]) == {"India"}  # never the EU (facts.md 2, item 8)
    assert len(stempeucel) == 2
    assert products.loc["cartistem_kr_2012", "cell_source"] == "cord_blood"
    assert products.loc["cupistem_kr_2012", "cell_source"] == "adipose"
    assert products.loc["stemirac_jp_2018", "indication"].startswith("Neurological symptoms")
    alofisel = products.loc["alofisel_eu_2018"]
    assert alofisel["status"] == "withdrawn" and alofisel["status_date"] == "2024-12-13"
    assert "request of the holder" in alofisel["status_note"]
    assert "not a revocation" in alofisel["status_note"]
    assert products.loc["akuugo_jp_2024", "modified"]
    assert not products.drop("akuugo_jp_2024")["modified"].any()
    assert products.loc["ryoncil_us_2024", "approval_date"] == "2024-12-18"
    review_only = products[products["verified_against"] == "review table"]
    assert not review_only["primary_confirmed"].any()
    # Issue 22: news reports of the KFDA decisions confirm the Korean approvals.
    assert review_only.empty
    assert products.loc["hearticellgram_kr_2011", "approval_date"] == "2011-07-01"
    assert products.loc["hearticellgram_kr_2011", "primary_confirmed"]
    assert products.loc["cupistem_kr_2012", "primary_confirmed"]
    assert products.loc["cartistem_kr_2012", "approval_date"] == "2012-01-18"
    assert products.loc["cupistem_kr_2012", "approval_date"] == "2012-01-18"
    stemirac = products.loc["stemirac_jp_2018"]
    assert stemirac["status"] == "in_force" and "14 November 2025" in stemirac["status_note"]
    # A society's commentary is not a regulatory event (issue 22).
    ryoncil = products.loc["ryoncil_us_2024"]
    assert "ISCT" not in ryoncil["status_note"] and ryoncil["status_date"] == "2025-10-20"


# ---------------------------------------------------------------- fixtures


@pytest.fixture
def book(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "data", tmp_path / "data")
    shutil.copy(ROOT / "references.bib", tmp_path / "references.bib")
    shutil.copytree(ROOT / "chapters", tmp_path / "chapters")
    if (ROOT / "intro.md").exists():
        shutil.copy(ROOT / "intro.md", tmp_path / "intro.md")
    return tmp_path


def edit_cell(root: Path, table: str, row_id: dict[str, str], column: str, value: str) -> int:
    """Set one cell; return its CSV line number."""
    path = root / "data" / f"{table}.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
        fields = list(rows[0])
    for index, row in enumerate(rows):
        if all(row[k] == v for k, v in row_id.items()):
            row[column] = value
            line = index + 2
            break
    else:
        raise AssertionError(f"no row {row_id} in {table}")
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return line


def load_error(name: str, root: Path) -> str:
    with pytest.raises(DataValidationError) as info:
        load(name, root=root)
    return str(info.value)


def cross_error(root: Path) -> str:
    # As `make preview` checks: the tables left as they were keep their validation stamps (the
    # same bytes passed before), the edited one is validated afresh, then the cross-table rules.
    with pytest.raises(DataValidationError) as info:
        check_all(root, revalidate=False)
    return str(info.value)


# ---------------------------------------------------------------- schema rules (mscbook.data.load)


def test_n_must_be_positive(book):
    line = edit_cell(book, "trial_arms", {"trial_id": "gupta2013", "arm_id": "msc"}, "n", "0")
    message = load_error("trial_arms", book)
    assert (
        f"data/trial_arms.csv, line {line}, column 'n': below the minimum 1 (value '0')" in message
    )


def test_enum_violation_names_the_allowed_values(book):
    line = edit_cell(book, "trials", {"trial_id": "lu2011"}, "cell_source", "bone marrow")
    message = load_error("trials", book)
    assert f"data/trials.csv, line {line}, column 'cell_source': not an allowed value" in message
    assert "'bone marrow'" in message


def test_duplicate_id_is_rejected(book):
    line = edit_cell(book, "trials", {"trial_id": "lu2011"}, "trial_id", "gupta2013")
    message = load_error("trials", book)
    assert f"line {line}, column 'trial_id': duplicate id" in message


def test_unknown_source_key_is_rejected(book):
    line = edit_cell(
        book, "epidemiology", {"figure_id": "ms_cases_global_2020"}, "source", "walton2021"
    )
    message = load_error("epidemiology", book)
    assert f"data/epidemiology.csv, line {line}, column 'source': unknown citation key" in message
    assert "'walton2021'" in message


def test_dose_must_be_a_number_not_text(book):
    line = edit_cell(
        book,
        "trial_arms",
        {"trial_id": "shirbaghaee2023", "arm_id": "low"},
        "dose_value",
        "20 × 10",
    )
    message = load_error("trial_arms", book)
    assert f"line {line}, column 'dose_value': not a valid number (value '20 × 10')" in message


def test_verified_against_uses_the_controlled_vocabulary(book):
    line = edit_cell(book, "trials", {"trial_id": "lu2011"}, "verified_against", "checked")
    message = load_error("trials", book)
    assert f"line {line}, column 'verified_against': does not match the pattern" in message


def test_registry_id_syntax(book):
    line = edit_cell(book, "trials", {"trial_id": "gupta2013"}, "registry_id", "NCT0088387")
    message = load_error("trials", book)
    assert f"line {line}, column 'registry_id': does not match the pattern" in message


def test_p_value_above_one_is_rejected(book):
    line = edit_cell(book, "trial_outcomes", {"outcome_id": "pace_amp_death_hr"}, "p_value", "7.88")
    message = load_error("trial_outcomes", book)
    assert f"line {line}, column 'p_value': above the maximum 1 (value '7.88')" in message


# --- cross-table rules (mscbook.build.checks)


def test_outcome_must_point_at_an_existing_trial(book):
    line = edit_cell(
        book, "trial_outcomes", {"outcome_id": "gupta2013_ae_msc"}, "trial_id", "gupta2031"
    )
    message = cross_error(book)
    assert (
        f"data/trial_outcomes.csv, line {line}, column 'trial_id': no such trial in "
        f"data/trials.csv (value 'gupta2031')" in message
    )


def test_outcome_must_point_at_an_existing_arm(book):
    line = edit_cell(
        book, "trial_outcomes", {"outcome_id": "pace_amp_death_hr"}, "comparator_arm_id", "sham"
    )
    message = cross_error(book)
    assert (
        f"data/trial_outcomes.csv, line {line}, column 'comparator_arm_id': no arm with this id "
        f"for trial 'norgren2024'" in message
    )


def test_arm_must_point_at_an_existing_trial(book):
    line = edit_cell(
        book, "trial_arms", {"trial_id": "bura2014", "arm_id": "msc"}, "trial_id", "bura2041"
    )
    message = cross_error(book)
    assert (
        f"data/trial_arms.csv, line {line}, column 'trial_id': no such trial in data/trials.csv "
        f"(value 'bura2041')" in message
    )


def test_events_cannot_exceed_total(book):
    line = edit_cell(book, "trial_outcomes", {"outcome_id": "delpapa2019_du_graft"}, "events", "26")
    message = cross_error(book)
    assert (
        f"data/trial_outcomes.csv, line {line}, column 'events': more events than the total (25) "
        f"(value '26')" in message
    )


def test_percentage_must_be_between_0_and_100(book):
    line = edit_cell(
        book, "trial_outcomes", {"outcome_id": "pace_amp_death_plxpad"}, "value", "286"
    )
    message = cross_error(book)
    assert (
        f"data/trial_outcomes.csv, line {line}, column 'value': a percentage must lie between 0 "
        f"and 100 (value '286')" in message
    )


def test_confidence_interval_must_contain_the_estimate(book):
    line = edit_cell(
        book, "trial_outcomes", {"outcome_id": "pace_amp_death_hr"}, "effect_value", "1.93"
    )
    message = cross_error(book)
    assert (
        f"data/trial_outcomes.csv, line {line}, column 'effect_value': interval out of order"
        in message
    )


def test_range_upper_bound_not_below_lower(book):
    line = edit_cell(
        book, "trial_arms", {"trial_id": "lu2011", "arm_id": "msc"}, "dose_value_max", "50"
    )
    message = cross_error(book)
    assert (
        f"data/trial_arms.csv, line {line}, column 'dose_value_max': upper bound is below "
        f"dose_value (500) (value '50')" in message
    )


def test_glossary_related_terms_must_exist(book):
    line = edit_cell(book, "glossary", {"term_id": "abi"}, "related_terms", "pad;tcpo3")
    message = cross_error(book)
    assert (
        f"data/glossary.csv, line {line}, column 'related_terms': no glossary term with this id "
        f"(value 'tcpo3')" in message
    )


def append_bib(root: Path, text: str) -> int:
    path = root / "references.bib"
    before = path.read_text(encoding="utf-8")
    path.write_text(before + "\n" + text, encoding="utf-8")
    return before.count("\n") + 2


def test_doi_syntax_is_checked(book):
    line = append_bib(
        book,
        "@article{bad2020,\n  title = {X},\n  doi = {doi:10.1000/xyz},\n  checked = {C.}\n}\n",
    )
    edit_cell(book, "glossary", {"term_id": "placebo"}, "source", "bad2020")
    message = cross_error(book)
    assert f"references.bib, line {line}, column 'doi': entry 'bad2020': not a DOI" in message
    assert "(value 'doi:10.1000/xyz')" in message


def test_entry_without_identifier_is_rejected(book):
    line = append_bib(book, "@article{noid2020,\n  title = {X},\n  checked = {Checked.}\n}\n")
    edit_cell(book, "glossary", {"term_id": "placebo"}, "source", "noid2020")
    message = cross_error(book)
    assert (
        f"references.bib, line {line}, column 'doi': entry has no doi, pmid, registry, "
        f"regulator_id or url" in message
    )


def test_url_must_be_https(book):
    line = append_bib(
        book, "@article{web2020,\n  title = {X},\n  url = {www.example.org},\n  checked = {C.}\n}\n"
    )
    edit_cell(book, "glossary", {"term_id": "placebo"}, "source", "web2020")
    message = cross_error(book)
    assert f"references.bib, line {line}, column 'url': entry 'web2020': not an https" in message


def test_entry_without_checked_record_is_rejected(book):
    # a reader's `note` is not a record of what the entry was checked against
    line = append_bib(
        book, "@article{nonote2020,\n  title = {X},\n  pmid = {123456},\n  note = {Review.}\n}\n"
    )
    edit_cell(book, "glossary", {"term_id": "placebo"}, "source", "nonote2020")
    message = cross_error(book)
    expected = f"references.bib, line {line}, column 'checked': entry has no `checked` record"
    assert expected in message


def test_unused_bibliography_entry_is_reported(book):
    append_bib(
        book,
        "@article{orphan2020,\n  title = {X},\n  doi = {10.1000/xyz},\n  checked = {Checked.}\n}\n",
    )
    message = cross_error(book)
    assert "references.bib, column 'key': entry is cited by no data row and no chapter" in message
    assert "(value 'orphan2020')" in message


def test_chapter_citations_count_as_use(book):
    append_bib(
        book,
        "@article{orphan2020,\n  title = {X},\n  doi = {10.1000/xyz},\n  checked = {Checked.}\n}\n",
    )
    (book / "chapters" / "fixture.md").write_text("See {cite:t}`orphan2020`.\n", encoding="utf-8")
    check_all(book)


def test_regulator_id_syntax_is_checked(book):
    line = append_bib(
        book,
        "@misc{ema4258,\n  title = {X},\n  regulator_id = {EMEA/H/C/4258},\n"
        "  checked = {Checked.}\n}\n",
    )
    edit_cell(book, "approved_products", {"product_id": "alofisel_eu_2018"}, "source", "ema4258")
    message = cross_error(book)
    assert (
        f"references.bib, line {line}, column 'regulator_id': entry 'ema4258': not a regulator "
        f"record id" in message
    )
    assert "(value 'EMEA/H/C/4258')" in message


def test_a_regulator_record_alone_makes_an_entry_traceable(book):
    append_bib(
        book,
        "@misc{fda125000,\n  title = {X},\n  regulator_id = {BLA 125000},\n"
        "  checked = {Checked.}\n}\n",
    )
    edit_cell(
        book,
        "approved_products",
        {"product_id": "ryoncil_us_2024"},
        "source",
        "fda125000;kurtzberg2020;leblanc2025",
    )
    check_all(book)


# --- approved_products


def test_donor_must_be_autologous_or_allogeneic(book):
    line = edit_cell(
        book, "approved_products", {"product_id": "cartistem_kr_2012"}, "donor", "autogenic"
    )
    message = load_error("approved_products", book)
    assert (
        f"data/approved_products.csv, line {line}, column 'donor': not an allowed value "
        f"(allowed: autologous, allogeneic) (value 'autogenic')" in message
    )


def test_approval_date_is_iso_with_honest_precision(book):
    line = edit_cell(
        book, "approved_products", {"product_id": "alofisel_eu_2018"}, "approval_date", "23/03/2018"
    )
    message = load_error("approved_products", book)
    assert (
        f"data/approved_products.csv, line {line}, column 'approval_date': does not match the "
        f"pattern" in message
    )
    assert "(value '23/03/2018')" in message


#: (row, column, bad value, the message the cross-table check gives for it).
APPROVAL_DATE_CASES = {
    "not a date": ("stemirac_jp_2018", "approval_date", "2018-02-30", "not a calendar date"),
    "in the future": ("ryoncil_us_2024", "approval_date", "2999-12", "date is in the future"),
    "status before approval": (
        "alofisel_eu_2018",
        "status_date",
        "2017-12",
        "status date is before the approval date (2018-03-23)",
    ),
    "withdrawal without a date": (
        "alofisel_eu_2018",
        "status_date",
        "",
        "required when status is 'withdrawn': say when and why",
    ),
    "withdrawal without a reason": (
        "alofisel_eu_2018",
        "status_note",
        "",
        "required when status is 'withdrawn': say when and why",
    ),
    "in force without a dated record": (
        "ryoncil_us_2024",
        "status_date",
        "",
        "required when status is 'in_force': say which dated regulator record, holder "
        "announcement or company report shows it in force",
    ),
    "unchecked status with a date": (
        "temcell_jp_2015",
        "status_date",
        "2025-01",
        "a status that was not checked has no date: leave status_date empty",
    ),
}


@pytest.mark.parametrize("case", APPROVAL_DATE_CASES)
def test_approval_dates_and_withdrawals_are_checked(book, case):
    product_id, column, value, expected = APPROVAL_DATE_CASES[case]
    line = edit_cell(book, "approved_products", {"product_id": product_id}, column, value)
    assert (
        f"data/approved_products.csv, line {line}, column '{column}': {expected} "
        f"(value '{value}')" in cross_error(book)
    )


def test_review_table_only_rows_cannot_claim_primary_confirmation(book):
    line = edit_cell(
        book,
        "approved_products",
        {"product_id": "hearticellgram_kr_2011"},
        "verified_against",
        "review table",
    )
    message = cross_error(book)
    assert (
        f"data/approved_products.csv, line {line}, column 'primary_confirmed': must be true "
        f"exactly when verified_against names a regulator record" in message
    )
    assert "(verified_against is 'review table') (value 'true')" in message


def test_confirmed_rows_must_say_what_confirmed_them(book):
    line = edit_cell(
        book, "approved_products", {"product_id": "temcell_jp_2015"}, "verified_against", "abstract"
    )
    message = cross_error(book)
    assert (
        f"data/approved_products.csv, line {line}, column 'primary_confirmed': must be true "
        f"exactly when" in message
    )


def test_approved_product_source_must_exist(book):
    line = edit_cell(
        book, "approved_products", {"product_id": "akuugo_jp_2024"}, "source", "kawabori2012"
    )
    message = load_error("approved_products", book)
    assert (
        f"data/approved_products.csv, line {line}, column 'source': unknown citation key" in message
    )
