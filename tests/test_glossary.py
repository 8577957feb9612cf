"""The glossary page: every term of data/glossary.csv, linked, sourced, in alphabetical order."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from mscbook import data
from mscbook.build.pages import glossary_markdown


def test_every_term_is_a_glossary_entry_in_alphabetical_order():
    table = data.load("glossary")
    terms = re.findall(r"^(\S[^\n]*)\n  ", glossary_markdown(), flags=re.MULTILINE)
    assert sorted(terms, key=str.casefold) == terms
    assert set(terms) == set(table["term_en"])


def test_sources_become_citations_and_related_terms_become_links():
    table = data.load("glossary").set_index("term_id")
    text = glossary_markdown()
    cited = table["source"].dropna()
    assert cited.size and text.count("{footcite:p}") == cited.size
    licensing = table.loc["licensing"]
    entry = text.split(f"\n{licensing['term_en']}\n", 1)[1].split("\n\n", 1)[0]
    assert "{footcite:p}`krampera2006,ren2008`" in entry
    for related in licensing["related_terms"].split(";"):
        assert f"{{term}}`{table.loc[related, 'term_en']}`" in entry
    assert licensing["term_zh"] in entry


def test_the_built_page_defines_every_term_with_its_chinese_name(built_html: Path):
    page = (built_html / "chapters/appendix/glossary.html").read_text(encoding="utf-8")
    page = page.replace("\u2019", "'")  # Sphinx typesets apostrophes as typographic ones
    table = data.load("glossary")
    for row in table.to_dict("records"):
        assert f'>{row["term_en"]}<a class="headerlink"' in page, row["term_id"]
        assert row["term_zh"] in page, row["term_id"]
        if not pd.isna(row["abbreviation"]):
            assert f"<em>{row['abbreviation']}</em>" in page, row["term_id"]
    assert "std-term" in page  # related terms are cross-links


def test_the_model_chapter_links_terms_to_the_glossary(built_html: Path):
    page = (built_html / "chapters/biology/what-is-an-msc.html").read_text(encoding="utf-8")
    assert 'href="../appendix/glossary.html#term-Plastic-adherence"' in page
