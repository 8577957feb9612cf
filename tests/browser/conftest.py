"""Fixtures for the browser tests: the built site on a local server, headless Chromium, one visit
per page.

Chromium is Debian's (`apt-get install chromium`, at /usr/bin/chromium), driven by Playwright;
Playwright's own browser download is never used. Every request to a host other than the local
server is recorded and aborted, so the pages are tested as a reader with no network sees them.
"""

from __future__ import annotations

import functools
import http.server
import os
import posixpath
import re
import shutil
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from mscbook.build import assets

CHROMIUM = os.environ.get("MSCBOOK_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
#: What a widget cell shows in the HTML book: its output at the example values, as plain HTML.
WIDGET_STATIC = ".mscbook-widget-static"
#: Scripts of a widget manager, which no page may embed or load.
WIDGET_SCRIPTS = (
    'script[type="application/vnd.jupyter.widget-view+json"], '
    'script[type="application/vnd.jupyter.widget-state+json"]'
)
#: Pages photographed for review (full page, desktop and phone width) into _build/screenshots/.
SCREENSHOT_PAGES = [
    "intro.html",
    "chapters/biology/what-is-an-msc.html",
    "chapters/appendix/data-dictionary.html",
]
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
#: Pages Sphinx writes that are not documents (not in the search index).
NON_DOCUMENTS = {"index.html", "genindex.html", "search.html"}


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args) -> None:  # noqa: A002
        pass


class _Server(http.server.ThreadingHTTPServer):
    def handle_error(self, request, client_address) -> None:
        # A browser that moves on to the next page drops downloads still under way: that is
        # not a failure of the site, so no traceback (any other error is still printed).
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


@dataclass
class Site:
    root: Path
    base: str  # http://127.0.0.1:PORT/
    blocked: list[str] = field(default_factory=list)  # every non-local request, aborted

    def url(self, page: str) -> str:
        return self.base + page

    def is_local(self, url: str) -> bool:
        return url.startswith((self.base, "data:", "blob:", "about:"))


@dataclass
class Visit:
    page: str
    requests: list[str]
    console_errors: list[str]
    http_errors: list[str]
    images: list[dict]
    axe: list[dict]
    widget_scripts: int  # widget view or state scripts (there should be none)
    #: per widget cell: (verdict text, rows of its table, its text), as the reader sees them
    widget_outputs: list[dict]
    raw_bytes: int  # every file the page fetched, counted once (as benchmarks/page_weight.py)
    text: str  # textContent of the article, hidden parts included
    #: viewport name -> (screenshot file, sideways overflow in px), for SCREENSHOT_PAGES
    screenshots: dict[str, tuple[Path, int]] = field(default_factory=dict)


def built_pages(root: Path) -> list[str]:
    """Every HTML page of the site, relative to its root (not theme fragments, not sources)."""
    pages = []
    for path in sorted(root.rglob("*.html")):
        relative = path.relative_to(root).as_posix()
        if not relative.startswith(("_static/", "_sources/", "reports/")):
            pages.append(relative)
    return pages


def redirect_target(path: Path) -> str | None:
    """The page a `<meta http-equiv="Refresh">` page (Jupyter Book's index.html) sends to."""
    text = path.read_text(encoding="utf-8", errors="replace")[:2000]
    match = re.search(r'http-equiv="refresh"[^>]*url=([^"\s>]+)', text, re.IGNORECASE)
    if not match:
        return None
    return posixpath.normpath(posixpath.join(posixpath.dirname(path.name), match.group(1)))


@pytest.fixture(scope="package")
def site(built_html: Path) -> Iterator[Site]:
    handler = functools.partial(_QuietHandler, directory=str(built_html))
    server = _Server(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Site(built_html, f"http://127.0.0.1:{server.server_port}/")
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="package")
def browser():
    if not (os.path.exists(CHROMIUM) or shutil.which(CHROMIUM)):
        pytest.fail(f"No Chromium at {CHROMIUM}: install it with `apt-get install -y chromium`.")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


def offline_context(browser, site: Site, **options):
    """A browser context with no network: only the local server answers."""
    context = browser.new_context(**options)

    def only_local(route) -> None:
        if site.is_local(route.request.url):
            route.continue_()
        else:
            site.blocked.append(route.request.url)
            route.abort()

    context.route("**/*", only_local)
    return context


@pytest.fixture(scope="package")
def context(browser, site: Site):
    """A browser context (desktop size) with no network: only the local server answers."""
    context = offline_context(browser, site, viewport=DESKTOP, device_scale_factor=1)
    yield context
    context.close()


@pytest.fixture(scope="package")
def phone_context(browser, site: Site):
    """A phone (390 x 844 CSS px, 2x pixels, touch) with no network: only the local server."""
    context = offline_context(
        browser, site, viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True
    )
    yield context
    context.close()


def screenshots_folder(site: Site) -> Path:
    """_build/screenshots/, where the browser tests leave pictures for review."""
    folder = site.root.parent / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def screenshot(tab, site: Site, name: str, **options) -> Path:
    """Photograph the tab (or pass `full_page=True`) as _build/screenshots/NAME.png."""
    target = screenshots_folder(site) / f"{name}.png"
    tab.screenshot(path=str(target), animations="disabled", **options)
    return target


@pytest.fixture(scope="package")
def axe_source() -> str:
    path = assets.axe_js()
    if not path.exists():
        pytest.fail(
            f"axe-core missing ({path}): run `python -m mscbook.build.assets` (make book does)"
        )
    return path.read_text(encoding="utf-8")


def visit(context, site: Site, page: str, axe_source: str) -> Visit:
    """Open one page, let its scripts (widgets included) finish, and record what happened.

    Requests are recorded until the network has been idle for 500 ms after every check ran.
    """
    tab = context.new_page()
    requests: list[str] = []
    console_errors: list[str] = []
    http_errors: list[str] = []
    tab.on("request", lambda request: requests.append(request.url))
    tab.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)
    tab.on("pageerror", lambda error: console_errors.append(f"uncaught: {error}"))
    tab.on(
        "response",
        lambda r: http_errors.append(f"{r.status} {r.url}") if r.status >= 400 else None,
    )
    try:
        target = redirect_target(site.root / page)
        tab.goto(site.url(page), wait_until="load")
        if target:  # a meta-refresh page (index.html): check where it lands
            tab.wait_for_url(site.url(target))
            tab.wait_for_load_state("load")
        widget_scripts = tab.locator(WIDGET_SCRIPTS).count()
        widget_outputs = tab.evaluate(
            """selector => [...document.querySelectorAll(selector)].map(output => ({
                verdict: output.querySelector('.mscbook-verdict')?.innerText || '',
                rows: output.querySelectorAll('tbody tr').length,
                visible: output.getBoundingClientRect().width > 0,
                text: output.innerText,
            }))""",
            WIDGET_STATIC,
        )
        images = tab.evaluate(
            """async () => Promise.all([...document.images].map(async img => {
                img.loading = 'eager';
                try { await img.decode(); } catch (e) {}
                return {src: img.currentSrc || img.src, alt: img.getAttribute('alt'),
                        naturalWidth: img.naturalWidth, width: img.clientWidth};
            }))"""
        )
        tab.add_script_tag(content=axe_source)
        axe = tab.evaluate(
            """async () => (await axe.run(document, {resultTypes: ['violations']})).violations
                .map(v => ({id: v.id, impact: v.impact, help: v.help,
                            nodes: v.nodes.map(n => n.html.slice(0, 200))}))"""
        )
        text = tab.evaluate(
            "() => (document.querySelector('article') || document.body).textContent"
        )
        shots = _screenshots(tab, site, page) if page in SCREENSHOT_PAGES else {}
        tab.wait_for_load_state("networkidle")
    finally:
        tab.close()
    return Visit(
        page,
        requests,
        console_errors,
        http_errors,
        images,
        axe,
        widget_scripts,
        widget_outputs,
        raw_bytes(site, requests),
        text,
        shots,
    )


def raw_bytes(site: Site, requests: list[str]) -> int:
    """Bytes of the local files behind `requests`, each counted once."""
    total = 0
    for url in set(requests):
        if not url.startswith(site.base):
            continue
        path = site.root / unquote(urlsplit(url).path.removeprefix("/"))
        if path.is_dir():
            path = path / "index.html"
        if path.is_file():
            total += path.stat().st_size
    return total


def _screenshots(tab, site: Site, page: str) -> dict[str, tuple[Path, int]]:
    folder = screenshots_folder(site)
    shots = {}
    for name, size in (("desktop", DESKTOP), ("phone", PHONE)):
        tab.set_viewport_size(size)
        target = folder / f"{page.removesuffix('.html').replace('/', '_')}-{name}.png"
        tab.screenshot(path=str(target), full_page=True, animations="disabled")
        overflow = tab.evaluate(
            "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        shots[name] = (target, overflow)
    tab.set_viewport_size(DESKTOP)
    return shots


@pytest.fixture(scope="package")
def visits(context, site: Site, axe_source: str) -> dict[str, Visit]:
    """Every built page, opened once; the tests check what was recorded."""
    pages = built_pages(site.root)
    assert pages, f"no HTML pages in {site.root}"
    return {page: visit(context, site, page, axe_source) for page in pages}
