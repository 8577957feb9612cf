"""Tables on a phone (390 px) and a desktop (1280 px): key columns on screen or behind a visible
scrollbar, the long claims table paginated with its verdicts on screen, no cell squeezed to one
word a line, no data codes or bib keys, no NaN anywhere, Chinese marked as Chinese.

Uses the `browser` and `site` fixtures of conftest.py; the contexts here are this file's own.
Expected values come from the data (`mscbook.tables`), never from the page.
"""

from __future__ import annotations

import re

import pytest

from mscbook import data
from mscbook.tables import PAGED_CLASS

from .conftest import DESKTOP, PHONE, Site, built_pages, redirect_target

SIZES = {"phone": PHONE, "desktop": DESKTOP}
EXPLORER_PAGES = [
    "chapters/diseases/limb-ischaemia.html",
    "chapters/diseases/multiple-sclerosis.html",
    "chapters/diseases/systemic-sclerosis.html",
]
CLAIMS_PAGE = "chapters/evidence/reading-a-trial.html"
#: The page that documents the data's own field names and codes (shown as code, by design).
DATA_DICTIONARY = "chapters/appendix/data-dictionary.html"
KEY_COLUMNS = ["Study", "Randomised", "Blinding", "Control", "Design", "n total", "Status"]
SNAKE = re.compile(r"\b[a-z0-9]+(?:_[a-z0-9]+)+\b")
MISSING_WORDS = re.compile(r"(?<![\w-])(NaN|nan|None|<NA>|NaT)(?![\w-])")

#: Per table cell of the article, as the reader sees it: its text without code elements, its
#: number of words, and the number of lines it takes on screen.
CELLS_JS = """() => [...document.querySelectorAll('article table')].flatMap((table, t) =>
    [...table.querySelectorAll('th, td')].map(cell => {
        const clone = cell.cloneNode(true);
        clone.querySelectorAll('code, pre').forEach(code => code.remove());
        // Line boxes of the cell's text nodes only (an element's own box is not a line).
        const tops = new Set();
        const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
        while (walker.nextNode()) {
            const range = document.createRange();
            range.selectNodeContents(walker.currentNode);
            [...range.getClientRects()].filter(rect => rect.width > 0)
                .forEach(rect => tops.add(Math.round(rect.top)));
        }
        const text = clone.textContent.trim();
        const words = text.split(/\\s+/).filter(word => /[\\p{L}\\p{N}]/u.test(word));
        return {table: t, text, words: words.length, lines: tops.size,
                hidden: cell.getBoundingClientRect().width === 0};
    }))"""


def _context(browser, site: Site, size: dict):
    context = browser.new_context(viewport=size, device_scale_factor=1)

    def only_local(route) -> None:
        if site.is_local(route.request.url):
            route.continue_()
        else:
            route.abort()

    context.route("**/*", only_local)
    return context


@pytest.fixture(scope="module", params=list(SIZES))
def device(request, browser, site: Site):
    """A browser context at phone or desktop size, no network (one per size, module-wide)."""
    context = _context(browser, site, SIZES[request.param])
    yield request.param, context
    context.close()


def _open(context, site: Site, page: str):
    tab = context.new_page()
    tab.goto(site.url(page), wait_until="load")
    return tab


@pytest.mark.parametrize("page", EXPLORER_PAGES)
def test_explorer_key_columns_are_on_screen_or_behind_a_visible_scrollbar(device, site, page):
    size, context = device
    tab = _open(context, site, page)
    try:
        tab.wait_for_selector(".mscbook-trials .dt-container", timeout=10_000)
        box = tab.evaluate(
            """() => {
                const table = document.querySelector('table.mscbook-trials-table');
                const box = table.closest('.mscbook-table-box');
                const style = getComputedStyle(box);
                const rect = box.getBoundingClientRect();
                return {overflowX: style.overflowX, scrollWidth: box.scrollWidth,
                        clientWidth: box.clientWidth, bar: box.offsetHeight - box.clientHeight
                          - parseFloat(style.borderTopWidth) - parseFloat(style.borderBottomWidth),
                        left: rect.left, right: rect.right,
                        // Headless Chromium hides every scrollbar (--hide-scrollbars): then
                        // check that the book's style sheet draws one for the box instead.
                        hidden: (() => {
                            const probe = document.createElement('div');
                            probe.style.cssText = 'overflow:scroll;width:50px;height:50px';
                            document.body.appendChild(probe);
                            const none = probe.offsetHeight === probe.clientHeight;
                            probe.remove();
                            return none;
                        })(),
                        styled: [...document.styleSheets].flatMap(sheet => {
                            try { return [...sheet.cssRules]; } catch (e) { return []; }
                        }).some(rule => rule.selectorText
                            === '.mscbook-table-box::-webkit-scrollbar'
                            && parseFloat(rule.style.height) > 0),
                        page: document.documentElement.scrollWidth - window.innerWidth,
                        heads: [...table.querySelectorAll('thead th')].map(th => {
                            const r = th.getBoundingClientRect();
                            return {text: th.textContent.trim(), left: r.left, right: r.right};
                        })};
            }"""
        )
    finally:
        tab.close()
    heads = [head["text"] for head in box["heads"]]
    assert heads[: len(KEY_COLUMNS) + 1][:5] == KEY_COLUMNS[:5], heads  # key columns first
    assert box["page"] <= 1, f"{size}: the page itself scrolls sideways by {box['page']} px"
    if box["scrollWidth"] > box["clientWidth"]:  # wider than its box: a scrollbar must show
        assert box["overflowX"] in ("auto", "scroll")
        if box["hidden"]:
            assert box["styled"], f"{size}: the box has no scrollbar style"
        else:
            assert box["bar"] >= 8, f"{size}: no visible horizontal scrollbar ({box['bar']} px)"
    on_screen = [
        head["text"]
        for head in box["heads"]
        if head["left"] >= box["left"] - 1 and head["right"] <= box["right"] + 1
    ]
    assert "Study" in on_screen and "Randomised" in on_screen, (size, on_screen)
    if size == "desktop":  # at 1280 px the design columns are on screen without scrolling
        assert set(KEY_COLUMNS[:5]) <= set(on_screen), (size, on_screen)


def test_claims_table_is_paginated_with_its_verdicts_on_screen(device, site):
    size, context = device
    claims = data.load("seed_claims")
    tab = _open(context, site, CLAIMS_PAGE)
    try:
        tab.wait_for_selector(f"table.{PAGED_CLASS} + *, .dt-container", timeout=10_000)
        state = tab.evaluate(
            """(paged) => {
                const table = document.querySelector('table.' + paged);
                const box = table.closest('.mscbook-table-box');
                const heads = [...table.querySelectorAll('thead th')];
                const verdict = heads.find(th => th.textContent.trim() === 'Verdict');
                const b = box.getBoundingClientRect(), v = verdict.getBoundingClientRect();
                return {rows: table.querySelectorAll('tbody tr').length,
                        height: table.getBoundingClientRect().height,
                        info: document.querySelector('.dt-info')?.textContent || '',
                        verdictVisible: v.left >= b.left - 1 && v.right <= b.right + 1,
                        pages: document.querySelectorAll('.dt-paging button').length};
            }""",
            PAGED_CLASS,
        )
    finally:
        tab.close()
    assert state["rows"] < len(claims), state  # one page, not all rows
    assert str(len(claims)) in state["info"], state["info"]  # "Rows 1 to 8 of 43"
    assert state["pages"] >= 2
    assert state["verdictVisible"], f"{size}: the Verdict column is off-screen"


def _article_pages(site: Site) -> list[str]:
    return [page for page in built_pages(site.root) if page.startswith("chapters/")]


def test_no_table_cell_wraps_to_one_word_a_line(device, site):
    size, context = device
    squeezed = []
    for page in _article_pages(site):
        tab = _open(context, site, page)
        try:
            cells = tab.evaluate(CELLS_JS)
        finally:
            tab.close()
        for cell in cells:
            if cell["words"] >= 3 and not cell["hidden"] and cell["lines"] >= cell["words"]:
                squeezed.append(f"{page} table {cell['table']}: {cell['text'][:60]!r}")
    assert not squeezed, f"{size}: cells with one word a line:\n" + "\n".join(squeezed[:20])


def test_tables_show_words_not_codes_or_bib_keys(site, browser):
    keys = set(_bib_keys())
    context = _context(browser, site, DESKTOP)
    found = []
    try:
        for page in _article_pages(site):
            if page == DATA_DICTIONARY:
                continue
            tab = _open(context, site, page)
            try:
                cells = tab.evaluate(CELLS_JS)
            finally:
                tab.close()
            for cell in cells:
                codes = SNAKE.findall(cell["text"])
                cited = [word for word in re.findall(r"[a-z0-9_]+", cell["text"]) if word in keys]
                if codes or cited:
                    found.append(f"{page} table {cell['table']}: {codes + cited}")
    finally:
        context.close()
    assert not found, "\n".join(found[:30])


def _bib_keys() -> list[str]:
    from mscbook.references import load_references

    return list(load_references())


def test_no_page_shows_nan(site, browser):
    context = _context(browser, site, DESKTOP)
    found = []
    try:
        for page in built_pages(site.root):
            if redirect_target(site.root / page):
                continue  # a meta-refresh page (index.html): its target is checked itself
            tab = _open(context, site, page)
            try:
                texts = tab.evaluate(
                    """() => {
                        const root = document.querySelector('article') || document.body;
                        const clone = root.cloneNode(true);
                        clone.querySelectorAll('pre, code, .cell_input, script, style')
                            .forEach(node => node.remove());
                        return {cells: [...clone.querySelectorAll('td, th')]
                                    .map(cell => cell.textContent.trim()),
                                prose: clone.innerText || clone.textContent};
                    }"""
                )
            finally:
                tab.close()
            found += [
                f"{page}: cell {cell!r}" for cell in texts["cells"] if MISSING_WORDS.search(cell)
            ]
            for match in MISSING_WORDS.finditer(texts["prose"]):
                before = texts["prose"][max(0, match.start() - 40) : match.start()]
                if match.group() == "None" and re.search(r"[.!?]\s*$", before):
                    continue  # "None of these ..." starts a sentence: an English word
                found.append(f"{page}: ...{before}{match.group()}...")
    finally:
        context.close()
    assert not found, "\n".join(found[:30])


def test_chinese_text_is_marked_as_chinese(site, browser):
    context = _context(browser, site, DESKTOP)
    unmarked = []
    try:
        for page in ["chapters/appendix/glossary.html", CLAIMS_PAGE, *EXPLORER_PAGES]:
            tab = _open(context, site, page)
            try:
                texts = tab.evaluate(
                    """() => {
                        const found = [];
                        const walker = document.createTreeWalker(
                            document.querySelector('article'), NodeFilter.SHOW_TEXT);
                        while (walker.nextNode()) {
                            const node = walker.currentNode;
                            if (/[\\u4e00-\\u9fff]/.test(node.textContent)) {
                                const holder = node.parentElement.closest('[lang]');
                                found.push({text: node.textContent.trim().slice(0, 30),
                                            lang: holder ? holder.getAttribute('lang') : ''});
                            }
                        }
                        return found;
                    }"""
                )
            finally:
                tab.close()
            assert texts or page in EXPLORER_PAGES, f"{page}: no Chinese text found"
            unmarked += [f"{page}: {t['text']!r}" for t in texts if not t["lang"].startswith("zh")]
    finally:
        context.close()
    assert not unmarked, "\n".join(unmarked[:20])


def test_markdown_tables_scroll_in_a_box_with_a_visible_scrollbar(site, browser):
    """A prerequisites table (Markdown) is wider than a phone: its theme container scrolls it
    sideways, the page does not, and the book's style sheet draws the container's scrollbar."""
    context = _context(browser, site, PHONE)
    tab = _open(context, site, "chapters/biology/tissue-sources.html")
    try:
        state = tab.evaluate(
            """() => {
                const box = document.querySelector('article .pst-scrollable-table-container');
                return {overflowX: getComputedStyle(box).overflowX,
                        wider: box.scrollWidth > box.clientWidth,
                        page: document.documentElement.scrollWidth - window.innerWidth,
                        styled: [...document.styleSheets].flatMap(sheet => {
                            try { return [...sheet.cssRules]; } catch (e) { return []; }
                        }).some(rule => (rule.selectorText || '').endsWith(
                            '.pst-scrollable-table-container::-webkit-scrollbar')
                            && parseFloat(rule.style.height) > 0)};
            }"""
        )
    finally:
        tab.close()
        context.close()
    assert state["wider"], "the prerequisites table fits a phone: nothing to test here"
    assert state["overflowX"] in ("auto", "scroll")
    assert state["page"] <= 1, f"the page itself scrolls sideways by {state['page']} px"
    assert state["styled"], "Markdown table boxes have no scrollbar style"
