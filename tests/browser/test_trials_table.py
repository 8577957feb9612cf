"""The trial explorer's table in the built book: search, sort and filter with no kernel and no
network, from the local server and from file://, and accessible (see conftest.py for the set-up).

Expected rows come from the data (`mscbook.data.load` and `trials_table`), never from the page.
"""

from __future__ import annotations

import pandas as pd
import pytest

from mscbook import data
from mscbook.tables import trials_table

from .conftest import Site

PAGE = "chapters/diseases/limb-ischaemia.html"
TABLE = "table.mscbook-trials-table"
ROWS = f"{TABLE} tbody tr:not(:has(td.dt-empty))"
SERIOUS = {"serious", "critical"}


@pytest.fixture(scope="module")
def trials() -> pd.DataFrame:
    return data.load("trials")


@pytest.fixture(scope="module")
def expected(trials) -> pd.DataFrame:
    """The limb-ischaemia table as the data define it, with each study's n total as a number."""
    table = trials_table(trials, data.load("trial_arms"), "cli_clti")
    n_total = trials.set_index("trial_id").loc[table.index, "n_total"]
    return table.assign(n=[-1 if pd.isna(n) else int(n) for n in n_total]).reset_index(drop=True)


def _studies(tab) -> list[str]:
    return tab.locator(f"{ROWS} td:first-child").all_inner_texts()


@pytest.fixture
def table_page(context, site: Site):
    tab = context.new_page()
    errors: list[str] = []
    requests: list[str] = []
    tab.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    tab.on("pageerror", lambda error: errors.append(f"uncaught: {error}"))
    tab.on("request", lambda request: requests.append(request.url))
    tab.goto(site.url(PAGE), wait_until="load")
    tab.wait_for_selector(".mscbook-trials .dt-container", timeout=10_000)
    yield tab, errors, requests
    tab.close()


def test_search_sort_and_filter_without_a_kernel(table_page, site: Site, expected):
    tab, errors, requests = table_page
    assert _studies(tab) == expected["Study"].tolist()  # every row, in data order

    # Search: rows with the word in any column.
    tab.get_by_label("Search the trials:").fill("wharton")
    wharton = expected[expected.apply(lambda row: _row_has(row, "wharton"), axis=1)]
    assert wharton.shape[0] >= 2
    tab.wait_for_function(
        f"n => document.querySelectorAll('{ROWS}').length === n", arg=len(wharton)
    )
    assert _studies(tab) == wharton["Study"].tolist()
    tab.get_by_label("Search the trials:").fill("")

    # Sort: a click on "n total" orders by the number of patients; Enter on the heading's sort
    # button (keyboard users) reverses it.
    heading = tab.locator(f"{TABLE} thead th", has_text="n total")
    heading.click()
    _wait_for_sort(tab, "n total", "ascending")
    ascending = expected.sort_values("n", kind="stable")["Study"].tolist()
    assert _studies(tab) == ascending
    heading.get_by_role("button").press("Enter")
    _wait_for_sort(tab, "n total", "descending")
    by_study = dict(zip(expected["Study"], expected["n"], strict=True))
    shown = _studies(tab)
    assert sorted(shown) == sorted(expected["Study"])
    assert [by_study[study] for study in shown] == sorted(expected["n"], reverse=True)

    # Filter a design column: exactly that value ("III", not "II" or "II/III").
    phase = tab.get_by_label("Phase", exact=True)
    options = phase.locator("option").all_inner_texts()
    assert options[0] == "any" and sorted(options[1:]) == sorted(expected["Phase"].unique())
    phase.select_option("III")
    phase_three = expected[expected["Phase"] == "III"]
    assert len(phase_three) >= 2
    assert sorted(_studies(tab)) == sorted(phase_three["Study"])
    # Filters combine with each other and with the search; no match says so.
    tab.get_by_label("Donor", exact=True).select_option("own cells (autologous)")
    both = phase_three[phase_three["Donor"] == "own cells (autologous)"]
    assert 0 < len(both) < len(phase_three)
    assert sorted(_studies(tab)) == sorted(both["Study"])
    tab.get_by_label("Search the trials:").fill("no such trial")
    assert _studies(tab) == []
    assert "No trials match" in tab.locator(f"{TABLE} tbody").inner_text()
    phase.select_option("")
    tab.get_by_label("Donor", exact=True).select_option("")
    tab.get_by_label("Search the trials:").fill("")
    assert len(_studies(tab)) == len(expected)

    tab.wait_for_load_state("networkidle")
    assert errors == []
    assert [url for url in requests if not site.is_local(url)] == []
    assert any(
        url.split("?")[0].endswith("_static/datatables/dataTables.min.js") for url in requests
    )


def _wait_for_sort(tab, column: str, direction: str) -> None:
    tab.wait_for_function(
        """([table, column, direction]) => [...document.querySelectorAll(table + ' thead th')]
            .some(th => th.textContent.trim() === column
                        && th.getAttribute('aria-sort') === direction)""",
        arg=[TABLE, column, direction],
        timeout=5_000,
    )


def _row_has(row: pd.Series, word: str) -> bool:
    return any(word in str(value).lower() for value in row.drop("n"))


def test_the_enhanced_table_passes_the_accessibility_audit(table_page, axe_source: str):
    tab, errors, _ = table_page
    tab.get_by_label("Phase", exact=True).select_option("III")
    tab.locator(f"{TABLE} thead th", has_text="Study").click()
    _wait_for_sort(tab, "Study", "ascending")
    tab.add_script_tag(content=axe_source)
    violations = tab.evaluate(
        """async () => (await axe.run(document.querySelector('.mscbook-trials'),
                {resultTypes: ['violations']})).violations
            .map(v => ({id: v.id, impact: v.impact,
                        nodes: v.nodes.map(n => n.html.slice(0, 120))}))"""
    )
    assert [v for v in violations if v["impact"] in SERIOUS] == []
    assert errors == []


def test_the_table_works_opened_from_disk(browser, site: Site, expected):
    """file://: classic scripts load from disk (module scripts would be refused); nothing else."""
    context = browser.new_context()
    outside: list[str] = []

    def only_files(route) -> None:
        if route.request.url.startswith(("file://", "data:", "about:")):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    context.route("**/*", only_files)
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda error: errors.append(str(error)))
    try:
        tab.goto((site.root / PAGE).resolve().as_uri(), wait_until="load")
        tab.wait_for_selector(".mscbook-trials .dt-container", timeout=10_000)
        tab.get_by_label("Randomised", exact=True).select_option("yes")
        randomised = expected[expected["Randomised"] == "yes"]["Study"].tolist()
        assert _studies(tab) == randomised
    finally:
        context.close()
    assert errors == [] and outside == []


def test_without_javascript_every_row_is_a_plain_table(browser, site: Site, expected):
    context = browser.new_context(java_script_enabled=False)
    tab = context.new_page()
    try:
        tab.goto(site.url(PAGE), wait_until="load")
        assert _studies(tab) == expected["Study"].tolist()
        assert tab.locator(".mscbook-trials-help").is_hidden()  # it describes the controls
    finally:
        context.close()
