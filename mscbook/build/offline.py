"""Sphinx extension: the built site loads nothing from outside itself.

- Adds the pinned browser assets (`mscbook.build.assets`: MathJax, require.js, the ipywidgets HTML
  manager, installed from package-lock.json by `npm ci`) to `html_static_path`, copying them out
  of `node_modules/` first if the set-up step has not.
- Drops sphinx-thebe's scripts: its inline `THEBE_JS_URL` names a third-party host, and the
  script, emitted twice per page, throws a JavaScript error on every page; the book does not
  use thebe.
- Warns (so `-W` fails the build) on any script, style sheet, image, frame or font that a built
  page or style sheet would load from another host, on a configured asset (`mathjax_path`,
  `nb_ipywidgets_js`) that is not in the build, and on embedded widgets whose JavaScript module
  is not bundled in the local widget manager (they could not render offline).
- Fixes accessibility faults in the theme's markup that axe-core reports as serious, and drops
  the theme's redundant 1.5 MB fontawesome.js (see `THEME_FIXES`).
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.util import logging

from mscbook.build import assets

logger = logging.getLogger(__name__)

#: Widget modules that `@jupyter-widgets/html-manager` renders without loading anything.
BUNDLED_WIDGET_MODULES = {
    "@jupyter-widgets/base",
    "@jupyter-widgets/controls",
    "@jupyter-widgets/output",
}
WIDGET_STATE_TYPE = "application/vnd.jupyter.widget-state+json"
#: Link relations that make a browser fetch the target while loading the page.
FETCHING_RELS = {"stylesheet", "icon", "preload", "modulepreload", "prefetch", "manifest"}
EXTERNAL = re.compile(r"^\s*(?:[a-z][a-z0-9+.-]*:)?//", re.IGNORECASE)
CSS_URL = re.compile(r"""(?:url\(\s*['"]?|@import\s+['"])([^'")\s]+)""", re.IGNORECASE)


def setup(app: Sphinx) -> dict:
    app.connect("config-inited", add_assets)
    # After myst-nb (500), which adds the widget scripts in its own handler.
    app.connect("html-page-context", drop_thebe_and_check_assets, priority=900)
    app.connect("build-finished", check_built_site)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}


def is_external(url: str) -> bool:
    """True for a URL with a scheme or a protocol-relative one (`//host/...`), but not data:."""
    return bool(EXTERNAL.match(url))


def add_assets(app: Sphinx, config: Config) -> None:
    if not assets.is_current():
        logger.info("offline: copying the pinned browser assets (mscbook.build.assets)")
        try:
            assets.ensure(quiet=True)
        except assets.AssetError as error:
            logger.warning("offline: %s", error, type="mscbook", subtype="offline")
            return
    config.html_static_path = [*config.html_static_path, str(assets.static_dir())]
    for name, url in configured_assets(config):
        if is_external(url):
            logger.warning(
                "offline: %s loads %s from another host; serve it from _static/ "
                "(mscbook.build.assets)",
                name,
                url,
                type="mscbook",
                subtype="offline",
            )


def configured_assets(config: Config) -> list[tuple[str, str]]:
    """(config key, path) of the assets that pages with math or widgets load."""
    found = [("mathjax_path", config.mathjax_path)] if config.mathjax_path else []
    widgets_js = getattr(config, "nb_ipywidgets_js", None) or {}
    found += [("nb_ipywidgets_js", path) for path in widgets_js]
    return found


def _is_thebe(asset) -> bool:
    filename = str(getattr(asset, "filename", asset) or "")
    body = getattr(asset, "attributes", {}).get("body", "") or ""
    return filename.endswith("sphinx-thebe.js") or "THEBE_JS_URL" in body


def drop_thebe_and_check_assets(app: Sphinx, pagename: str, templatename, context, doctree):
    scripts = context.get("script_files")
    if isinstance(scripts, list):
        scripts[:] = [asset for asset in scripts if not _is_thebe(asset)]
    styles = context.get("css_files")
    if isinstance(styles, list):
        styles[:] = [s for s in styles if not str(s.filename).endswith("sphinx-thebe.css")]
    for kind, files in (("script", scripts or []), ("style sheet", styles or [])):
        for asset in files:
            url = str(getattr(asset, "filename", asset) or "")
            if is_external(url):
                logger.warning(
                    "offline: page loads a %s from another host: %s",
                    kind,
                    url,
                    location=pagename,
                    type="mscbook",
                    subtype="offline",
                )


class _ResourceScanner(HTMLParser):
    """Collects the URLs a page fetches while loading, and its embedded widget state."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.urls: list[tuple[str, str]] = []  # (tag, url)
        self.widget_states: list[str] = []
        self._in_state = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        if tag == "script":
            self._in_state = attributes.get("type") == WIDGET_STATE_TYPE
            if self._in_state:
                self.widget_states.append("")
        if tag == "link":
            rels = set(attributes.get("rel", "").lower().split())
            if rels & FETCHING_RELS:
                self.urls.append((tag, attributes.get("href", "")))
        for name in ("src", "data", "poster"):
            if attributes.get(name):
                self.urls.append((tag, attributes[name]))
        for candidate in attributes.get("srcset", "").split(","):
            if candidate.strip():
                self.urls.append((tag, candidate.split()[0]))
        for url in CSS_URL.findall(attributes.get("style", "")):
            self.urls.append((tag, url))

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_state = False

    def handle_data(self, data: str) -> None:
        if self._in_state:
            self.widget_states[-1] += data


def scan_page(text: str) -> _ResourceScanner:
    scanner = _ResourceScanner()
    scanner.feed(text)
    scanner.close()
    return scanner


def external_urls(text: str) -> list[tuple[str, str]]:
    """(tag, URL) of every resource the page would fetch from another host."""
    return [(tag, url) for tag, url in scan_page(text).urls if is_external(url)]


def unbundled_widget_modules(state_json: str) -> set[str]:
    state = json.loads(state_json).get("state", {})
    modules = {model.get("model_module", "") for model in state.values()}
    return modules - BUNDLED_WIDGET_MODULES


def check_built_site(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or app.builder.format != "html":
        return
    outdir = Path(app.outdir)
    warn = {"type": "mscbook", "subtype": "offline"}
    for page in sorted(outdir.rglob("*.html")):
        relative = page.relative_to(outdir).as_posix()
        if relative.startswith(("_static/", "_sources/")):
            continue
        text = page.read_text(encoding="utf-8")
        fixed = fix_theme_markup(text)
        if fixed != text:
            page.write_text(fixed, encoding="utf-8")
        scanner = scan_page(fixed)
        for tag, url in scanner.urls:
            if is_external(url):
                logger.warning("offline: %s: <%s> loads %s from another host", relative, tag, url,
                               **warn)  # fmt: skip
        for state in scanner.widget_states:
            for module in sorted(unbundled_widget_modules(state)):
                logger.warning(
                    "offline: %s: widget module %s is not bundled in the local widget manager; "
                    "it cannot render without a network",
                    relative,
                    module,
                    **warn,
                )
    for sheet in sorted((outdir / "_static").rglob("*.css")):
        for url in CSS_URL.findall(sheet.read_text(encoding="utf-8", errors="replace")):
            if is_external(url):
                logger.warning("offline: %s loads %s from another host",
                               sheet.relative_to(outdir).as_posix(), url, **warn)  # fmt: skip
    for name, path in configured_assets(app.config):
        if not is_external(path) and not (outdir / "_static" / path).is_file():
            logger.warning("offline: %s = %s is not in the build's _static/", name, path, **warn)


#: (pattern, replacement) pairs for markup from pydata-sphinx-theme 0.17 / sphinx-book-theme 1.3
#: templates and myst-nb's hidden-cell toggles that axe-core reports as serious
#: `label-content-name-mismatch` (WCAG 2.5.3, label in name): an aria-label that hides the
#: visible text from speech-input users.
THEME_FIXES: tuple[tuple[re.Pattern[str], str], ...] = (
    # Search field buttons show "Search Ctrl+K" but are named "Search": name them by their text.
    (re.compile(r'(<button class="[^"]*\bsearch-button-field\b[^"]*"[^>]*?) aria-label="[^"]*"'),
     r"\1"),
    # The colour-mode button's icons carry titles (Light, Dark, ...) that fontawesome.js turns
    # into SVG <title>s, visible text that differs from the button's name "Color mode": make the
    # icons decorative (the theme's script switches modes by data-mode, not by title).
    (re.compile(r'<i class="(theme-switch\b[^"]*)"([^>]*?) title="[^"]*"'),
     r'<i aria-hidden="true" class="\1"\2'),
    # Hidden code cells: the summary reads "Show code cell source", its aria-label another text.
    (re.compile(r'<summary aria-label="Toggle hidden content">'), "<summary>"),
    # Page weight, not accessibility: pydata-sphinx-theme loads Font Awesome twice, as a web font
    # (its style sheet holds every icon class) and as fontawesome.js (1.5 MB, 0.5 MB gzipped,
    # which swaps each <i> for an SVG). The web font alone draws the same icons.
    (re.compile(r'\s*<script defer src="[^"]*_static/scripts/fontawesome\.js[^"]*"></script>'), ""),
)  # fmt: skip


def fix_theme_markup(text: str) -> str:
    """Fixes to markup that comes from the theme's templates (see THEME_FIXES)."""
    for pattern, replacement in THEME_FIXES:
        text = pattern.sub(replacement, text)
    return text
