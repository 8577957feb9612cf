"""The trial explorer's filter on hand-checked combinations, its messages and its form."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from mscbook import data
from mscbook.widgets import layout
from mscbook.widgets import trials as explorer


@pytest.fixture(scope="module")
def trials():
    return data.load("trials")


@pytest.fixture(scope="module")
def arms():
    return data.load("trial_arms")


def ids(frame) -> list[str]:
    return frame["trial_id"].tolist()


def test_randomised_msc_trials_in_limb_ischaemia(trials):
    # Hand-checked from the abstracts and registry records: Gupta 2013, Lu 2011, NOMA, PACE,
    # Qin 2016 and SAIL are randomised; RESTORE-CLI and both REX-001 trials are comparators.
    found = explorer.filter_trials(
        trials, disease_area="cli_clti", randomised=True, product_type=["msc", "msc_like"]
    )
    assert ids(found) == [
        "gupta2013", "lu2011", "soriajuan2021", "norgren2024", "qin2016", "wijnand2018"
    ]  # fmt: skip


def test_wharton_jelly_and_routes(trials):
    found = explorer.filter_trials(trials, cell_source="wharton_jelly", disease_area="cli_clti")
    assert ids(found) == ["arangorodriguez2023", "kwiatkowski2022", "ashoobi2024"]
    # Kwiatkowski gave cells both into an artery and into muscle: it matches either route.
    arterial = explorer.filter_trials(trials, route="intra_arterial", product_type="msc")
    assert ids(arterial) == ["das2013", "kwiatkowski2022"]
    assert "kwiatkowski2022" in ids(explorer.filter_trials(trials, route="intramuscular"))


def test_comparators_and_unstated_randomisation(trials):
    comparators = explorer.filter_trials(
        trials, disease_area="cli_clti", product_type=["bm_mnc", "bm_multicellular"]
    )
    assert ids(comparators) == ["powell2012", "nct03111238", "nct03174522", "teraa2015"]
    # Arango-Rodriguez 2023: randomisation not found, so neither randomised nor non-randomised.
    assert "arangorodriguez2023" not in ids(explorer.filter_trials(trials, randomised=True))
    assert "arangorodriguez2023" not in ids(explorer.filter_trials(trials, randomised=False))


def test_any_and_none_mean_no_filter(trials):
    assert len(explorer.filter_trials(trials, cell_source="any", donor=None)) == len(trials)


def test_empty_result_names_the_filters(trials, arms):
    result = explorer.explore(trials, arms, cell_source="placenta", donor="autologous")
    assert result == ("No trials match cell source = placenta and donor = own cells (autologous).")
    assert "No trials match" in explorer.render(result)


def test_unknown_filter_values_are_rejected_with_the_allowed_ones(trials):
    with pytest.raises(explorer.TrialFilterError) as error:
        explorer.filter_trials(trials, cell_source="fat", colour="blue", randomised="yes")
    message = str(error.value)
    assert "cell source: unknown value 'fat'; allowed values: 'bone_marrow'" in message
    assert "unknown filter 'colour'" in message
    assert "randomised: unknown value 'yes'; allowed values: True, False" in message
    with pytest.raises(explorer.TrialFilterError, match="phase: unknown value True"):
        explorer.filter_trials(trials, phase=True)


def test_explore_returns_the_plain_word_table(trials, arms):
    table = explorer.explore(trials, arms, disease_area="cli_clti", cell_source="placenta")
    assert table.index.tolist() == ["shirbaghaee2023", "norgren2024"]
    assert table["Cell source"].tolist() == ["placenta", "placenta"]


def test_form_shows_the_example_and_reports_errors_as_messages(trials, arms):
    live = explorer.make_widget(trials, arms, disease_area="cli_clti", cell_source="adipose")
    controls = layout.controls(live.widget)
    report = layout.output_of(live.widget)
    assert "4 trial(s) match" in live.html() and "make lab" in live.html()
    assert [control.description for control in controls] == [
        "Disease", "Cell source", "Donor", "Route", "Phase", "Randomised", "Product type"
    ]  # fmt: skip
    assert "4 trial(s) match" in report.value  # ACellDREAM, NOMA, Lee 2012, Buerger 2017
    controls[2].value = "allogeneic"
    assert "NOMA (protocol)" in report.value and "ACellDREAM" not in report.value
    controls[1].value = "placenta"
    controls[2].value = "autologous"
    assert "No trials match" in report.value
    assert "Traceback" not in report.value


def test_error_message_is_html_escaped():
    html = explorer.render_error(explorer.TrialFilterError("cell source: unknown value '<b>'"))
    assert "&lt;b&gt;" in html and 'role="alert"' in html


def test_form_accepts_an_example_with_several_codes(trials, arms):
    live = explorer.make_widget(trials, arms, product_type=["msc", "msc_like"], randomised=True)
    product = layout.controls(live.widget)[-1]
    assert product.value == ("msc", "msc_like")
    assert product.label == "MSC or MSC-like cells"
    assert "PACE (PLX-PAD)" in live.html() and "RESTORE-CLI" not in live.html()


def _parse_table(markup: str):
    """(caption, headers with their attributes, rows of cell texts) of the one table in `markup`,
    read with the standard library's HTML parser (entities decoded)."""
    from html.parser import HTMLParser

    class Reader(HTMLParser):
        def __init__(self):
            super().__init__(convert_charrefs=True)
            self.tables, self.caption, self.headers, self.rows = [], "", [], []
            self.where, self.text = None, ""

        def handle_starttag(self, tag, attrs):
            if tag == "table":
                self.tables.append(dict(attrs))
            if tag == "tr" and self.where == "tbody":
                self.rows.append([])
            if tag in ("thead", "tbody"):
                self.where = tag
            if tag in ("caption", "th", "td"):
                self.text, self.attrs = "", dict(attrs)

        def handle_data(self, data):
            self.text += data

        def handle_endtag(self, tag):
            if tag == "caption":
                self.caption = self.text
            elif tag == "th":
                self.headers.append((self.text, self.attrs))
            elif tag == "td":
                self.rows[-1].append((self.text, self.attrs))

    reader = Reader()
    reader.feed(markup)
    return reader


def test_static_table_holds_every_row_of_the_trials_table(trials, arms):
    from mscbook.tables import trials_table

    # Every column of the trials table but Evidence: the explorer keeps its design columns.
    expected = trials_table(trials, arms, "cli_clti").drop(columns="Evidence")
    shown = explorer.static_table(trials, arms, "cli_clti")
    page = _parse_table(shown._repr_html_())
    assert [table["class"] for table in page.tables] == ["mscbook-trials-table"]
    assert [text for text, _ in page.headers] == list(expected.columns)
    assert [[text for text, _ in row] for row in page.rows] == expected.to_numpy().tolist()
    assert page.caption == (
        f"Critical or chronic limb-threatening ischaemia: {len(expected)} trials, each with its "
        "design."
    )
    # The same table as a DataFrame, for code (and the plain-text repr in a terminal).
    assert shown.frame.to_numpy().tolist() == expected.to_numpy().tolist()
    assert "RESTORE-CLI" in repr(shown)


def test_static_table_marks_filters_and_sort_numbers(trials, arms):
    page = _parse_table(explorer.static_table(trials, arms, "cli_clti").html)
    kinds = {text: attrs["data-mscbook-filter"] for text, attrs in page.headers}
    assert kinds["Phase"] == kinds["Randomised"] == kinds["Control"] == kinds["Donor"] == "list"
    assert kinds["Study"] == kinds["n per arm"] == kinds["n total"] == "text"
    assert all(attrs["scope"] == "col" for _, attrs in page.headers)
    column = [text for text, _ in page.headers].index("n total")
    # "n total" sorts by the number of patients in the data (-1 when none was found), not as text.
    cli = trials[trials["disease_area"] == "cli_clti"]
    expected = ["-1" if pd.isna(n) else str(int(n)) for n in cli["n_total"]]
    assert [row[column][1]["data-order"] for row in page.rows] == expected
    restore = [row for row in page.rows if row[0][0].startswith("RESTORE-CLI")][0]
    assert restore[column][1]["data-order"] == "72"  # 72 treated (PMID 22453769)


def test_static_table_escapes_text(trials, arms):
    risky = trials[trials["disease_area"] == "cli_clti"].head(1).copy()
    risky["short_name"] = '<script>alert("x")</script> & Co'
    markup = explorer.static_table(risky, arms, "cli_clti").html
    assert "<script>" not in markup
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Co" in markup
    page = _parse_table(markup)
    assert page.rows[0][0][0] == '<script>alert("x")</script> & Co'


def test_static_table_of_each_disease_and_an_unknown_one(trials, arms):
    for disease in ("multiple_sclerosis", "systemic_sclerosis"):
        rows = _parse_table(explorer.static_table(trials, arms, disease).html).rows
        assert len(rows) == (trials["disease_area"] == disease).sum()
    with pytest.raises(ValueError, match="unknown disease 'gout'"):
        explorer.static_table(trials, arms, "gout")


def test_form_offers_only_values_the_chapters_trials_hold(trials, arms):
    live = explorer.make_widget(trials, arms, disease_area="multiple_sclerosis")
    controls = dict(zip(explorer.FILTERS, layout.controls(live.widget), strict=True))
    ms = trials[trials["disease_area"] == "multiple_sclerosis"]
    routes = {part for value in ms["route"].dropna() for part in value.split(";")}
    assert [value for _, value in controls["route"].options[1:]] == [
        code for code in explorer.LABELS["route"] if code in routes
    ]
    assert "into muscle" not in [text for text, _ in controls["route"].options]
    assert [value for _, value in controls["disease_area"].options] == ["any", "multiple_sclerosis"]
    for name, control in controls.items():  # every offered value finds at least one trial
        for _, value in control.options[1:]:
            control.value = value
            assert "No trials match" not in layout.output_of(live.widget).value, (name, value)
            control.value = "multiple_sclerosis" if name == "disease_area" else explorer.ANY


def test_static_table_scrolls_in_a_box_and_splits_routes(trials, arms):
    table = explorer.static_table(trials, arms, "multiple_sclerosis")
    assert '<div class="mscbook-table-box" role="region" tabindex="0"' in table.html
    assert 'data-mscbook-split=", "' in table.html  # "intrathecal, intravenous" is two routes
    assert not re.search(r">\s*(nan|NaN|None|<NA>)\s*<", table.html)


def test_show_explorer_shows_the_table_the_example_and_the_form_in_order(trials, arms, monkeypatch):
    import IPython.display

    shown = []
    monkeypatch.setattr(IPython.display, "display", shown.append)
    columns = ["Study", "Route", "Blinding", "Control", "n per arm"]
    explorer.show_explorer(
        trials, arms, "multiple_sclerosis", columns, randomised=True,
        product_type=["msc", "msc_derived"],
    )  # fmt: skip
    table, matches, form = shown
    # The searchable table holds every MS study, as static_table makes it.
    ms = trials[trials["disease_area"] == "multiple_sclerosis"]
    assert table.frame["Study"].tolist() == ms["short_name"].tolist()
    assert table.html == explorer.static_table(trials, arms, "multiple_sclerosis").html
    # The example: the randomised MS trials of MSC and MSC-derived products, only `columns`.
    picked = ms[(ms["randomised"] == True) & ms["product_type"].isin(["msc", "msc_derived"])]  # noqa: E712
    assert len(picked) > 0
    assert list(matches.frame.columns) == columns
    assert matches.frame["Study"].tolist() == picked["short_name"].tolist()
    # The form starts at the same example, so the HTML book shows the same rows.
    assert isinstance(form, layout.LiveWidget)
    for name in picked["short_name"]:
        assert name in form.static_html


def test_show_explorer_refuses_another_disease_and_unknown_columns(trials, arms, monkeypatch):
    import IPython.display

    monkeypatch.setattr(IPython.display, "display", lambda _: None)
    with pytest.raises(explorer.TrialFilterError, match="not the chapter's disease"):
        explorer.show_explorer(
            trials, arms, "cli_clti", ["Study"], disease_area="systemic_sclerosis"
        )
    with pytest.raises(explorer.TrialFilterError, match=r"unknown column\(s\) \['Evidence'\]"):
        explorer.show_explorer(trials, arms, "cli_clti", ["Study", "Evidence"], randomised=True)


def test_show_explorer_prints_the_message_when_nothing_matches(trials, arms, monkeypatch, capsys):
    import IPython.display

    shown = []
    monkeypatch.setattr(IPython.display, "display", shown.append)
    explorer.show_explorer(
        trials, arms, "cli_clti", ["Study"], cell_source="placenta", donor="autologous"
    )
    printed = capsys.readouterr().out
    assert printed.startswith("No trials match") and "placenta" in printed
    assert [type(output) for output in shown] == [explorer.TrialsTable, layout.LiveWidget]
