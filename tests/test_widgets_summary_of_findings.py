"""The summary-of-findings widget: the chosen rows, readable errors, and a static fallback
that shows every outcome."""

from __future__ import annotations

import html

import pytest

from mscbook import certainty, data
from mscbook.widgets import layout
from mscbook.widgets import summary_of_findings as widget


@pytest.fixture(scope="module")
def sof():
    return certainty.summary_of_findings(
        data.load("certainty_ratings"),
        data.load("trial_outcomes"),
        data.load("trials"),
        data.load("trial_arms"),
    )


def test_choose_narrows_by_disease_and_outcome(sof):
    ms = widget.choose(sof, "multiple_sclerosis")
    assert set(ms["disease_area"]) == {"multiple_sclerosis"} and len(ms) >= 1
    one = widget.choose(sof, "cli_clti", "limb_pace")
    assert list(one["sof_id"]) == ["limb_pace"]
    assert len(widget.choose(sof, "all")) == len(sof)


def test_bad_choices_name_the_input_and_the_valid_ones(sof):
    with pytest.raises(widget.SummaryInputError, match="disease: 'asthma'.*cli_clti"):
        widget.choose(sof, "asthma")
    with pytest.raises(widget.SummaryInputError, match="outcome: 'ms_mesems'.*limb_pace"):
        widget.choose(sof, "cli_clti", "ms_mesems")


def test_render_shows_effect_certainty_and_reasons_escaped(sof):
    text = widget.render(widget.choose(sof, "all", "ssc_star"))
    row = sof.set_index("sof_id").loc["ssc_star"]
    assert row["certainty_words"] in text
    assert "Imprecision (−1, serious)" in text
    assert html.escape(row["absolute"]) in text
    assert "<script" not in widget.render(sof.assign(question="<script>x</script>"))


def test_static_html_holds_every_outcome_and_the_live_note(sof):
    shown = widget.make_widget(sof)
    assert isinstance(shown, layout.LiveWidget)
    page = shown.html()
    for question in sof["question"]:
        assert question.replace("'", "&#x27;") in page or question in page
    assert widget.STATIC_NOTE in page and "make lab" in page
    assert shown._repr_mimebundle_()["text/html"] == page


def test_choosing_a_disease_then_an_outcome_updates_the_report(sof):
    box = widget.make_widget(sof).widget
    disease, outcome = layout.controls(box)
    report = layout.output_of(box)
    disease.value = "systemic_sclerosis"
    assert [value for _, value in outcome.options] == [None, "ssc_star"]
    assert "STAR" in report.value and "PACE" not in report.value
    outcome.value = "ssc_star"
    assert report.value == widget.render(widget.choose(sof, "systemic_sclerosis", "ssc_star"))


def test_static_html_is_a_table_with_one_row_an_outcome_and_cited_sources(sof):
    """The HTML book shows the widget's output as a table (the browser test counts its body
    rows), with words for headings and linked citations, never bib keys, for sources."""
    from mscbook.references import split_keys
    from mscbook.tables import citation

    page = widget.make_widget(sof).html()
    body = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    assert "<table" in page and body.count("<tr>") == len(sof)
    assert "<th" in page and "Disease area" in page and "Certainty" in page
    for key in (key for keys in sof["source"] for key in split_keys(keys)):
        assert html.escape(citation(key)) in body
        assert f">{key}<" not in body
    assert "disease_area" not in page and "sof_id" not in page
