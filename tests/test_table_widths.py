"""Build-time column widths for tables that `mscbook.tables.show` did not make."""

from __future__ import annotations

import pandas as pd
from bs4 import BeautifulSoup

from mscbook.build.table_widths import column_texts, size_table, size_tables
from mscbook.tables import show, width_style

MARKDOWN = (
    '<table class="table"><thead><tr><th class="head"><p>Concept</p></th>'
    '<th class="head"><p>Importance</p></th><th class="head"><p>Where to learn it</p></th>'
    "</tr></thead><tbody><tr><td><p>Logarithmic scales</p></td><td><p>Helpful</p></td>"
    "<td><p>Any introductory mathematics text</p></td></tr></tbody></table>"
)


def test_markdown_table_columns_get_shows_width_rule():
    sized = size_table(MARKDOWN)
    wanted = width_style(["Where to learn it", "Any introductory mathematics text"])
    assert wanted.split('"')[1] in sized
    assert sized.count("min-width") == 2  # "Importance" (short: never wraps) gets none
    assert '<th class="head" style="min-width' in sized  # on the heading row only
    assert "<td><p>Any introductory mathematics text</p></td>" in sized  # content unchanged


def test_tables_made_by_show_and_spanning_tables_are_left_alone():
    made = show(pd.DataFrame({"x": ["a long phrase of several words"]})).html
    assert size_tables(made) == made
    spanning = '<table><tr><td colspan="2">one two three four five six</td></tr></table>'
    assert column_texts(BeautifulSoup(spanning, "html.parser").table) == []
    assert size_tables(spanning) == spanning


def test_every_table_of_a_page_is_sized_and_the_rest_kept():
    page = f"<p>Before</p>{MARKDOWN}<p>Between</p>{MARKDOWN}<p>After</p>"
    sized = size_tables(page)
    assert sized.count("min-width") == 4
    assert sized.startswith("<p>Before</p>") and sized.endswith("<p>After</p>")
    assert "<p>Between</p>" in sized


def test_an_existing_style_is_kept():
    table = '<table><tr><th style="color: red">A heading of many words here</th></tr></table>'
    assert 'style="color: red; min-width: max(' in size_table(table)


def test_a_short_column_of_three_words_stays_on_one_line():
    table = "<table><tr><th>Run Time (s)</th><th>Status</th></tr><tr><td>2.5</td><td>ok</td></tr>"
    sized = size_table(table + "</table>")
    assert '<th style="min-width: 8.8em">Run Time (s)</th>' in sized  # 12 x 0.6 + 1.6
    assert "<th>Status</th>" in sized  # one word: may wrap as it likes


def test_punctuation_after_a_link_stays_with_its_word():
    # Two links and a comma: the text the reader sees is "Paracrine angiogenesis, Immuno...",
    # whose shortest pair is "Paracrine angiogenesis," (23), not "angiogenesis ," (14).
    cell = (
        '<td><a href="#a"><span>Paracrine angiogenesis</span></a>, '
        '<a href="#b"><span>Immunomodulation</span></a></td>'
    )
    table = BeautifulSoup(f"<table><tr>{cell}</tr></table>", "html.parser").table
    assert column_texts(table) == [["Paracrine angiogenesis, Immunomodulation"]]
