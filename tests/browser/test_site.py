"""The built site as a reader sees it, in headless Chromium with no network (see conftest.py)."""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest

from .conftest import NON_DOCUMENTS, SCREENSHOT_PAGES, Site

SERIOUS = {"serious", "critical"}
PAGE_BUDGET = 1.5 * 1024 * 1024  # bytes, raw (benchmarks/page_weight.py)
#: The words the issue names, and words the book contains today (so that search is tested
#: against real results even while no page mentions the first two).
SEARCH_WORDS = ["VEGF", "Rutherford", "ISCT", "stromal"]


def _report(problems: dict[str, list]) -> str:
    return "\n".join(f"{page}: {items}" for page, items in problems.items() if items)


def test_every_page_is_checked(visits):
    documents = [page for page in visits if page not in NON_DOCUMENTS]
    assert "intro.html" in visits and len(documents) >= 2, sorted(visits)


def test_no_request_leaves_the_machine(visits, site: Site):
    problems = {p: [u for u in v.requests if not site.is_local(u)] for p, v in visits.items()}
    assert not any(problems.values()), "non-local requests:\n" + _report(problems)
    assert site.blocked == [], site.blocked


def test_no_console_errors_or_missing_files(visits):
    problems = {p: v.console_errors + v.http_errors for p, v in visits.items()}
    assert not any(problems.values()), _report(problems)


def test_every_image_loads_and_has_alt_text(visits):
    problems = {
        page: [
            image["src"]
            for image in visit.images
            if image["naturalWidth"] == 0 or not (image["alt"] or "").strip()
        ]
        for page, visit in visits.items()
    }
    assert not any(problems.values()), "image not loaded or without alt text:\n" + _report(problems)
    assert any(visit.images for visit in visits.values()), "no page shows an image"


def test_no_serious_accessibility_violations(visits):
    problems = {
        page: [
            f"{v['id']} ({v['impact']}: {v['help']}): {v['nodes'][:2]}"
            for v in visit.axe
            if v["impact"] in SERIOUS
        ]
        for page, visit in visits.items()
    }
    assert not any(problems.values()), "axe-core:\n" + _report(problems)


def test_no_page_loads_a_widget_manager(visits):
    """Widgets are live in JupyterLab only: no page embeds widget state or a widget manager."""
    problems = {
        page: [
            url
            for url in visit.requests
            if url.split("?")[0].endswith(("embed-amd.js", "require.js", "require-paths.js"))
        ]
        + ([f"{visit.widget_scripts} widget script(s)"] if visit.widget_scripts else [])
        for page, visit in visits.items()
    }
    assert not any(problems.values()), _report(problems)


def test_widget_cells_show_their_output_and_how_to_run_live(visits):
    widget_pages = {page: v for page, v in visits.items() if v.widget_outputs}
    assert "chapters/biology/what-is-an-msc.html" in widget_pages, "no page shows a widget cell"
    for page, visit in widget_pages.items():
        for output in visit.widget_outputs:
            assert output["visible"], page
            assert output["rows"] > 0, f"{page}: the widget's table has no rows"
            assert "make lab" in output["text"], f"{page} does not say how to run it live"
    isct = widget_pages["chapters/biology/what-is-an-msc.html"].widget_outputs
    # Only the ISCT checker reports a verdict; other widgets (dose plan, trial explorer) do not.
    assert isct[0]["verdict"].startswith(("Meets all", "Does not meet"))
    assert isct[0]["verdict"] == "Does not meet the ISCT minimal criteria: 1 failed."
    dose = widget_pages["chapters/biology/manufacturing-and-dose.html"].widget_outputs
    assert "2.8 × 10⁸" in dose[0]["text"]  # the example plan: 2×10⁶/kg × 70 kg × 2 injections


def test_every_page_is_within_the_weight_budget(visits):
    """1.5 MB raw per page, every fetched file counted once (as benchmarks/page_weight.py)."""
    heavy = {page: v.raw_bytes for page, v in visits.items() if v.raw_bytes > PAGE_BUDGET}
    assert not heavy, heavy
    assert all(v.raw_bytes > 0 for v in visits.values())


def test_solution_toggles_open_and_close(context, site: Site, visits):
    pages = [page for page, v in visits.items() if "Solution to" in v.text]
    assert pages, "no page has a solution"
    for page in pages:
        tab = context.new_page()
        try:
            tab.goto(site.url(page), wait_until="networkidle")
            solutions = tab.locator("div.solution.dropdown")
            assert solutions.count() > 0, page
            for index in range(solutions.count()):
                solution = solutions.nth(index)
                body = solution.locator(":scope > section, :scope > :not(.admonition-title)")
                button = solution.locator("button.toggle-button")
                assert not body.first.is_visible(), f"{page}: solution {index + 1} starts open"
                button.click()
                body.first.wait_for(state="visible", timeout=3_000)
                button.click()
                body.first.wait_for(state="hidden", timeout=3_000)
        finally:
            tab.close()


def _search(context, site: Site, word: str) -> set[str]:
    tab = context.new_page()
    try:
        tab.goto(site.url(f"search.html?q={quote(word)}"), wait_until="networkidle")
        tab.wait_for_function(
            "() => /finished|did not match/.test("
            "document.querySelector('#search-results .search-summary')?.textContent || '')",
            timeout=10_000,
        )
        links = tab.eval_on_selector_all(
            "#search-results ul.search li > a", "links => links.map(a => a.getAttribute('href'))"
        )
    finally:
        tab.close()
    return {link.split("#")[0].split("?")[0] for link in links}


@pytest.mark.parametrize("word", SEARCH_WORDS)
def test_search_finds_the_pages_that_mention_a_word(context, site: Site, visits, word: str):
    documents = {page: v for page, v in visits.items() if page not in NON_DOCUMENTS}
    whole_word = re.compile(rf"\b{re.escape(word)}\b", re.IGNORECASE)
    expected = {page for page, v in documents.items() if whole_word.search(v.text)}
    mentioning = {page for page, v in documents.items() if word.lower() in v.text.lower()}
    assert expected, f"no page of the book mentions {word!r}: the glossary should define it"
    found = _search(context, site, word)
    assert expected <= found, f"search for {word!r} misses {sorted(expected - found)}"
    assert found <= mentioning, f"search for {word!r} lists pages without it: {found - mentioning}"


def test_vendored_mathjax_typesets_offline(context, site: Site):
    """No page has math yet; load the site's MathJax the way Sphinx would and typeset a formula."""
    tab = context.new_page()
    requests: list[str] = []
    tab.on("request", lambda request: requests.append(request.url))
    try:
        tab.goto(site.url("search.html"), wait_until="networkidle")
        tab.evaluate(
            """() => { const p = document.createElement('p');
                       p.textContent = '\\\\(\\\\frac{a}{b} = \\\\sqrt{x^2}\\\\)';
                       document.querySelector('article, body').appendChild(p); }"""
        )
        tab.add_script_tag(url=site.url("_static/mathjax/tex-chtml.js"))
        tab.wait_for_selector("mjx-container mjx-math", timeout=15_000)
        tab.wait_for_load_state("networkidle")
    finally:
        tab.close()
    assert [u for u in requests if not site.is_local(u)] == []
    assert any("_static/mathjax/output/chtml/fonts/" in u for u in requests), requests


def test_screenshots_for_review(visits):
    """Full-page screenshots (desktop, 390 px phone) under _build/screenshots/; at phone width
    the page itself never scrolls sideways (wide tables and figures scroll in their own box)."""
    for page in SCREENSHOT_PAGES:
        assert page in visits, f"{page} is not in the build: update SCREENSHOT_PAGES"
        shots = visits[page].screenshots
        assert set(shots) == {"desktop", "phone"}, page
        for viewport, (path, overflow) in shots.items():
            assert path.stat().st_size > 0, path
            assert overflow <= 1, f"{page} scrolls sideways by {overflow} px ({viewport})"
