"""The site on a phone (390 px, touch) and on a desktop (1280 px): the navigation opens and
collapses, figures keep their shape and legible labels, and a solution's title opens it.

Screenshots for review go to _build/screenshots/ (phone-navigation-open, phone-figure,
phone-trial-explorer).
"""

from __future__ import annotations

import io
from urllib.parse import unquote, urljoin, urlsplit

import pytest
from PIL import Image

from mscbook.build.offline import MIN_TEXT_PX, PX_PER_PT
from mscbook.style import PIXEL_RATIO, SMALLEST_TEXT_KEY
from mscbook.widgets.trials import TABLE_CLASS

from .conftest import Site, built_pages, screenshot

#: A chapter with figures, exercises and solutions, and the chapter with the trial explorer.
CHAPTER = "chapters/biology/what-is-an-msc.html"
EXPLORER_CHAPTER = "chapters/diseases/limb-ischaemia.html"
ASPECT_TOLERANCE = 0.02


def open_page(context, site: Site, page: str):
    tab = context.new_page()
    tab.goto(site.url(page), wait_until="networkidle")
    return tab


def top_of(locator) -> None:
    """Scroll the element's top to just under the page's sticky header (for a screenshot)."""
    locator.evaluate("e => { e.scrollIntoView({block: 'start'}); window.scrollBy(0, -70); }")


def local_path(site: Site, url: str):
    return site.root / unquote(urlsplit(url).path.removeprefix("/"))


# -- navigation ---------------------------------------------------------------------------------


def test_phone_navigation_opens_and_a_link_in_it_navigates(phone_context, site: Site):
    tab = open_page(phone_context, site, CHAPTER)
    try:
        toggle = tab.locator(".primary-toggle:visible")
        assert toggle.count() == 1, "one visible ☰ button on a phone"
        toggle.tap()
        navigation = tab.locator("#pst-primary-sidebar-modal")
        navigation.wait_for(state="visible", timeout=3_000)
        links = navigation.locator("nav a.reference.internal:not(.current)")
        assert links.count() > 3, "the navigation lists the book's chapters"
        link = links.nth(2)
        link.scroll_into_view_if_needed()
        box = link.bounding_box()
        assert box and box["width"] > 0 and box["x"] >= 0 and box["x"] + box["width"] <= 390, box
        screenshot(tab, site, "phone-navigation-open")
        target = urljoin(tab.url, link.get_attribute("href")).split("#")[0]
        assert target != tab.url.split("#")[0]
        link.tap()
        tab.wait_for_url(target + "*", timeout=5_000)
        tab.locator("article h1").first.wait_for(state="visible")
    finally:
        tab.close()


def test_phone_contents_button_opens_the_pages_contents(phone_context, site: Site):
    tab = open_page(phone_context, site, CHAPTER)
    try:
        toggle = tab.locator(".secondary-toggle:visible")
        assert toggle.count() == 1, "one visible contents button on a phone"
        toggle.tap()
        contents = tab.locator("#pst-secondary-sidebar-modal")
        contents.wait_for(state="visible", timeout=3_000)
        entries = contents.locator("#pst-page-toc-nav a")
        assert entries.count() > 3
        headings = tab.locator("article :is(h2, h3)").all_inner_texts()
        entry = entries.nth(1)
        assert entry.is_visible()
        assert entry.inner_text().strip() in {h.replace("#", "").strip() for h in headings}
        entry.tap()
        assert urlsplit(tab.url).fragment == entry.get_attribute("href").split("#")[1]
    finally:
        tab.close()


def test_desktop_menu_button_collapses_and_reopens_the_sidebar(context, site: Site):
    tab = open_page(context, site, CHAPTER)
    try:
        sidebar = tab.locator("#pst-primary-sidebar")
        toggle = tab.locator(".primary-toggle:visible")
        assert sidebar.is_visible() and toggle.count() == 1
        before = tab.locator("article").bounding_box()["width"]
        toggle.click()
        sidebar.wait_for(state="hidden", timeout=3_000)
        assert not tab.evaluate("() => document.querySelector('#pst-primary-sidebar-modal').open")
        tab.wait_for_function(f"() => document.querySelector('article').offsetWidth > {before}")
        toggle.click()
        sidebar.wait_for(state="visible", timeout=3_000)
        assert sidebar.locator("nav a.reference.internal").first.is_visible()
    finally:
        tab.close()


# -- figures ------------------------------------------------------------------------------------


def figure_pages(site: Site) -> list[str]:
    return [
        page
        for page in built_pages(site.root)
        if "_images/" in (site.root / page).read_text(encoding="utf-8")
    ]


def smallest_text_pt(path) -> float | None:
    with Image.open(io.BytesIO(path.read_bytes())) as image:
        value = image.text.get(SMALLEST_TEXT_KEY)
    return float(value) if value else None


IMAGES = """async () => Promise.all([...document.querySelectorAll('article img')].map(async img => {
    try { await img.decode(); } catch (e) {}
    img.scrollIntoView();
    return {src: img.currentSrc || img.src, naturalWidth: img.naturalWidth,
            naturalHeight: img.naturalHeight, width: img.getBoundingClientRect().width,
            height: img.getBoundingClientRect().height};
}))"""
#: Figures that scroll sideways in their box but whose caption does not tell the reader so.
WIDE_FIGURES_SAY_SO = """() => [...document.querySelectorAll('article figure')]
    .filter(f => f.querySelector('img') && f.scrollWidth > f.clientWidth + 1)
    .filter(f => !/Scroll the figure sideways/.test(
        getComputedStyle(f.querySelector('figcaption') || f, '::before').content))
    .map(f => location.pathname + ' ' + f.querySelector('img').getAttribute('src'))"""
SIDEWAYS = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"


@pytest.mark.parametrize("device", ["phone", "desktop"])
def test_every_figure_keeps_its_shape_and_legible_labels(
    request, site: Site, device: str, record_property
):
    """Aspect ratio within 2 % of the PNG's, the smallest label at least 7 CSS px tall, and the
    page itself never scrolls sideways (a wide figure scrolls in its own box)."""
    context = request.getfixturevalue("phone_context" if device == "phone" else "context")
    pages = figure_pages(site)
    assert pages, "no page shows a figure"
    squashed, illegible, sideways, unmarked, measured = [], [], [], [], 0
    tab = context.new_page()
    try:
        for page in pages:
            tab.goto(site.url(page), wait_until="networkidle")
            for image in tab.evaluate(IMAGES):
                assert image["naturalWidth"] > 0, f"{page}: {image['src']} did not load"
                measured += 1
                natural = image["naturalWidth"] / image["naturalHeight"]
                shown = image["width"] / image["height"]
                if abs(shown / natural - 1) > ASPECT_TOLERANCE:
                    squashed.append(f"{page}: {image['src']} at {shown / natural:.2f} of its shape")
                points = smallest_text_pt(local_path(site, image["src"]))
                if points is not None:
                    scale = image["width"] / (image["naturalWidth"] / PIXEL_RATIO)
                    pixels = points * PX_PER_PT * scale
                    if pixels < MIN_TEXT_PX - 0.05:  # sub-pixel layout rounding
                        illegible.append(f"{page}: {image['src']} {points} pt -> {pixels:.1f} px")
            if tab.evaluate(SIDEWAYS) > 1:
                sideways.append(page)
            if device == "phone":
                unmarked += tab.evaluate(WIDE_FIGURES_SAY_SO)
        if device == "phone":
            densest = tab_with_densest_figure(tab, site, pages)
            screenshot(densest, site, "phone-figure")
    finally:
        tab.close()
    record_property("images", measured)
    assert measured >= 10, f"only {measured} figure images measured"
    assert not squashed, "\n".join(squashed)
    assert not illegible, "labels under 7 px:\n" + "\n".join(illegible)
    assert not sideways, f"pages that scroll sideways: {sideways}"
    assert not unmarked, f"figures that scroll sideways without saying so: {unmarked}"


def tab_with_densest_figure(tab, site: Site, pages: list[str]):
    """Scroll the tab to the figure with the smallest labels in the book (for the screenshot)."""
    smallest = None
    for page in pages:
        html = (site.root / page).read_text(encoding="utf-8")
        for chunk in html.split('src="')[1:]:
            src = chunk.split('"', 1)[0]
            if "_images/" in src and src.endswith(".png"):
                path = (site.root / page).parent / src
                points = smallest_text_pt(path.resolve()) if path.exists() else None
                if points is not None and (smallest is None or points < smallest[0]):
                    smallest = (points, page, src)
    assert smallest, "no figure records its smallest text"
    _, page, src = smallest
    tab.goto(site.url(page), wait_until="networkidle")
    figure = tab.locator(f'figure:has(img[src="{src}"])').first
    top_of(figure)
    return tab


# -- solutions ----------------------------------------------------------------------------------


@pytest.mark.parametrize("device", ["phone", "desktop"])
def test_clicking_a_solution_title_opens_it_and_stays_on_the_page(request, site: Site, device):
    context = request.getfixturevalue("phone_context" if device == "phone" else "context")
    tab = open_page(context, site, CHAPTER)
    try:
        solutions = tab.locator("div.solution.dropdown")
        assert solutions.count() >= 2
        start = tab.url
        for index in range(solutions.count()):
            solution = solutions.nth(index)
            title = solution.locator(":scope > .admonition-title")
            body = solution.locator(":scope > section").first
            title.scroll_into_view_if_needed()
            box = title.bounding_box()
            for name, x in (("centre", box["width"] / 2), ("left", box["width"] * 0.15)):
                assert not body.is_visible(), f"solution {index + 1} is open before the click"
                title.click(position={"x": x, "y": box["height"] / 2})
                body.wait_for(state="visible", timeout=3_000)
                assert tab.url == start, f"{device}: a click on the {name} of the title navigated"
                title.click(position={"x": x, "y": box["height"] / 2})  # and closes it again
                body.wait_for(state="hidden", timeout=3_000)
    finally:
        tab.close()


def test_an_open_solution_links_back_to_its_exercise(context, site: Site):
    tab = open_page(context, site, CHAPTER)
    try:
        solution = tab.locator("div.solution.dropdown").first
        solution.locator(":scope > .admonition-title").click()
        back = solution.locator(".mscbook-solution-back a")
        back.wait_for(state="visible", timeout=3_000)
        exercise_id = back.get_attribute("href").split("#")[1]
        assert tab.locator(f'[id="{exercise_id}"].exercise').count() == 1
        back.click()
        assert urlsplit(tab.url).fragment == exercise_id
    finally:
        tab.close()


# -- the trial explorer on a phone --------------------------------------------------------------


def test_trial_explorer_on_a_phone_screenshot(phone_context, site: Site):
    tab = open_page(phone_context, site, EXPLORER_CHAPTER)
    try:
        table = tab.locator(f"table.{TABLE_CLASS}").first
        table.wait_for(state="attached")
        explorer = tab.locator(f".dt-container:has(table.{TABLE_CLASS})").first
        target = explorer if explorer.count() else table
        top_of(target)
        assert target.is_visible()
        screenshot(tab, site, "phone-trial-explorer")
    finally:
        tab.close()
