"""The tissue comparison: every finding of the two tissues, with its study; bad choices named."""

from __future__ import annotations

import csv

import pytest

from mscbook import data
from mscbook.paths import book_root
from mscbook.widgets import layout
from mscbook.widgets import sources as widget


@pytest.fixture(scope="module")
def sources():
    return data.load("msc_sources")


def raw_rows() -> list[dict[str, str]]:
    with (book_root() / "data" / "msc_sources.csv").open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_every_finding_of_both_tissues_appears_with_its_study(sources):
    table = widget.compare_sources(sources, "bone_marrow", "placenta")
    assert list(table.columns) == ["Property", "Bone marrow", "Placenta"]
    text = {column: " ".join(table[column]) for column in table.columns[1:]}
    for row in raw_rows():
        column = {"bone_marrow": "Bone marrow", "placenta": "Placenta"}.get(row["tissue"])
        if column is None:
            continue
        study = widget.study_label(row["source"])
        assert study in text[column], row["finding_id"]
        if row["value_low"]:
            assert f"{float(row['value_low']):g}" in text[column], row["finding_id"]


def test_conflicting_findings_are_both_kept(sources):
    table = widget.compare_sources(sources, "bone_marrow", "placenta").set_index("Property")
    cell = table.loc["Colony-forming cells", "Bone marrow"]
    assert "Friedenstein 1970, guinea pig" in cell and "Kuznetsov 2009" in cell
    # Placenta has no value of its own; the cell says so and points to Heo 2016's comparison.
    placenta = table.loc["Colony-forming cells", "Placenta"]
    assert placenta.startswith(widget.NO_VALUE) and "Heo 2016" in placenta
    placenta = table.loc["Cumulative population doublings", "Placenta"]
    assert "31.7" in placenta and "15.7" in placenta


def test_the_corrected_schellenberg_row_is_adipose(sources):
    table = widget.compare_sources(sources, "adipose", "bone_marrow").set_index("Property")
    assert "Schellenberg 2011" in table.loc["Ageing in culture", "Adipose tissue"]


def test_studies_of_several_tissues_are_listed_apart(sources):
    shared = widget.shared_findings(sources)
    assert any("Heo 2016" in text for text in shared)
    assert any("Kern 2006" in text for text in shared)


@pytest.mark.parametrize(
    ("first", "second", "message"),
    [
        ("bone", "placenta", "first tissue: 'bone' has no findings"),
        ("bone_marrow", "several", "second tissue: 'several' has no findings"),
        ("bone_marrow", "bone_marrow", "second tissue: choose a different tissue"),
        (None, 3, "first tissue: None has no findings"),
    ],
)
def test_bad_choices_get_a_message_naming_them(sources, first, second, message):
    with pytest.raises(widget.SourceInputError) as raised:
        widget.compare_sources(sources, first, second)
    assert message in str(raised.value)


def test_the_form_shows_the_example_and_a_message_for_the_same_tissue(sources):
    live = widget.make_widget(sources)
    report, menus = layout.output_of(live.widget), layout.controls(live.widget)
    first, second = menus
    assert "Sung 2010" in report.value and "Placenta" in report.value
    assert "Sung 2010" in live.html()  # what the HTML book shows instead of the form
    second.value = "bone_marrow"
    assert 'role="alert"' in report.value and "different tissue" in report.value
    assert all(menu.description for menu in menus)


# --- "No finding" says why and what is known elsewhere (issue 29) ---


def test_a_gap_names_the_studies_that_compared_the_tissue(sources):
    # Kern 2006 and Heo 2016 compared adipose tissue with marrow on growth and colonies.
    note = widget.gap_note(sources, "adipose", "cumulative_population_doublings")
    assert note.startswith(widget.NO_VALUE)
    assert "Kern 2006" in note and "Heo 2016" in note
    # Hoang 2024 compared tissue factor in dental pulp, adipose, cord and marrow MSCs.
    assert "Hoang 2024" in widget.gap_note(sources, "dental_pulp", "tissue_factor_and_ibmir")


def test_a_gap_with_no_comparison_says_so(sources):
    note = widget.gap_note(sources, "ipsc_derived", "recovery_after_thaw")
    assert note.startswith(widget.NO_VALUE) and "no study in it compares" in note
    # A marrow-aspirate measure is not "missing" for placenta: it does not apply.
    assert "marrow-aspirate" in widget.gap_note(sources, "placenta", "colonies_per_aspirate")


def test_the_comparison_never_prints_a_bare_no_finding(sources):
    for first, second in [("bone_marrow", "adipose"), ("placenta", "dental_pulp")]:
        table = widget.compare_sources(sources, first, second)
        cells = " ".join(" ".join(table[column]) for column in table.columns[1:])
        assert "no finding in the data" not in cells


def test_new_tissues_can_be_chosen(sources):
    assert {"dental_pulp", "ipsc_derived"} <= set(widget.tissues_with_findings(sources))


def test_a_gap_note_gives_the_rank_a_study_reported(sources):
    # Hoang 2024: adipose = umbilical cord > dental pulp > bone marrow in tissue factor;
    # Oeller 2018: adipose = cord > marrow.
    note = widget.gap_note(sources, "adipose", "tissue_factor_and_ibmir")
    assert "highest of 4 tissues" in note and "Hoang 2024" in note
    assert "highest of 3 tissues" in note
    assert widget.rank_phrase("a=b>c>d", "c") == "third of 4 tissues"
    assert widget.rank_phrase("a=b>c>d", "d") == "lowest of 4 tissues"
    assert widget.rank_phrase("a>b", "x") == "" and widget.rank_phrase(float("nan"), "a") == ""
