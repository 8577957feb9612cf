"""Sphinx extension: the built site loads nothing from outside itself.

- Adds the pinned browser assets (`mscbook.build.assets`: MathJax, installed from
  package-lock.json by `npm ci`) to `html_static_path`, copying them out of `node_modules/` first
  if the set-up step has not.
- Loads no widget manager: a widget cell shows its output at the example values as plain HTML
  (`mscbook.widgets.layout.LiveWidget`, chosen by `nb_mime_priority_overrides`), so the widget
  state myst-nb would embed, and the require.js / `embed-amd.js` scripts that come with it, are
  dropped (`drop_widget_state`). The form itself is live in JupyterLab only.
- Drops sphinx-thebe's scripts: its inline `THEBE_JS_URL` names a third-party host, and the
  script, emitted twice per page, throws a JavaScript error on every page; the book does not
  use thebe.
- Warns (so `-W` fails the build) on any script, style sheet, image, frame or font that a built
  page or style sheet would load from another host, on a configured asset (`mathjax_path`,
  `nb_ipywidgets_js`) that is not in the build, and on any page that still embeds widgets (a
  widget view or widget state: it would need a widget manager and a kernel to respond).
- Fixes accessibility faults in the theme's markup that axe-core reports as serious, and drops
  the theme's redundant 1.5 MB fontawesome.js (see `THEME_FIXES`) and, on every page but the
  search page, the search scripts and index that only search-as-you-type uses (`INLINE_SEARCH`).
- Adds DataTables to the pages with a trial explorer table only (`mscbook.build.explorer`).
- Sets up `mscbook.build.navigation`: sidebar toggles that work on a phone and a desktop, and
  solution titles that open their solution.
"""

from __future__ import annotations

import math
import re
from html.parser import HTMLParser
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.util import logging

from mscbook.build import assets
from mscbook.build.table_widths import size_page_tables

logger = logging.getLogger(__name__)

WIDGET_STATE_TYPE = "application/vnd.jupyter.widget-state+json"
WIDGET_VIEW_TYPE = "application/vnd.jupyter.widget-view+json"
#: Keys of the scripts myst-nb registers for a page with widget state (state, then the manager).
WIDGET_SCRIPT_KEYS = "ipywidgets_"
#: Link relations that make a browser fetch the target while loading the page.
FETCHING_RELS = {"stylesheet", "icon", "preload", "modulepreload", "prefetch", "manifest"}
EXTERNAL = re.compile(r"^\s*(?:[a-z][a-z0-9+.-]*:)?//", re.IGNORECASE)
CSS_URL = re.compile(r"""(?:url\(\s*['"]?|@import\s+['"])([^'")\s]+)""", re.IGNORECASE)


def setup(app: Sphinx) -> dict:
    # The trial explorer's DataTables, on the pages that have its table only.
    app.setup_extension("mscbook.build.explorer")
    # Sidebar toggles and solution titles that work at every width (upstream theme faults).
    app.setup_extension("mscbook.build.navigation")
    app.connect("config-inited", add_assets)
    app.connect("doctree-read", drop_widget_state)
    # After myst-nb (500), which adds the widget scripts in its own handler.
    app.connect("html-page-context", drop_thebe_and_check_assets, priority=900)
    # Column widths for Markdown and widget tables (show's own tables are sized when made).
    app.connect("html-page-context", size_page_tables)
    app.connect("build-finished", check_built_site)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}


#: Touched (in the doctree folder, not the site) when `check_built_site` has gone through.
CHECKED_STAMP = "mscbook-offline-checked"


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
    app.add_css_file("book.css")
    app.add_css_file("tables.css")  # every table a reader sees (mscbook.tables.show)
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


def drop_widget_state(app: Sphinx, doctree) -> None:
    """Forget the widget state (and widget-manager scripts) myst-nb registered for this page."""
    metadata = getattr(app.env, "nb_metadata", {}).get(app.env.docname, {})
    scripts = metadata.get("js_files", {})
    for key in [key for key in scripts if key.startswith(WIDGET_SCRIPT_KEYS)]:
        del scripts[key]


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
        self.widgets = 0  # widget state and widget view scripts

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        if tag == "script" and attributes.get("type") in (WIDGET_STATE_TYPE, WIDGET_VIEW_TYPE):
            self.widgets += 1
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


def scan_page(text: str) -> _ResourceScanner:
    scanner = _ResourceScanner()
    scanner.feed(text)
    scanner.close()
    return scanner


def external_urls(text: str) -> list[tuple[str, str]]:
    """(tag, URL) of every resource the page would fetch from another host."""
    return [(tag, url) for tag, url in scan_page(text).urls if is_external(url)]


def check_built_site(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or app.builder.format != "html":
        return
    outdir = Path(app.outdir)
    problems: list[tuple] = []

    def problem(message: str, *args) -> None:
        problems.append(args)
        logger.warning(message, *args, type="mscbook", subtype="offline")

    # Every page written since the last build whose check found nothing (all of them in a clean
    # build; in a preview, those whose source changed): an older page was fixed and passed then.
    # A second early, as some file systems keep only whole seconds.
    stamp = Path(app.doctreedir) / CHECKED_STAMP
    since = stamp.stat().st_mtime - 1 if stamp.exists() else 0
    for page in sorted(outdir.rglob("*.html")):
        relative = page.relative_to(outdir).as_posix()
        if relative.startswith(("_static/", "_sources/")) or page.stat().st_mtime < since:
            continue
        text = page.read_text(encoding="utf-8")
        fixed = fix_theme_markup(text)
        fixed = keep_figure_text_legible(fixed, page.parent)
        if relative != SEARCH_PAGE and not search_as_you_type(app):
            fixed = drop_inline_search(fixed)
        if fixed != text:
            page.write_text(fixed, encoding="utf-8")
        scanner = scan_page(fixed)
        for tag, url in scanner.urls:
            if is_external(url):
                problem("offline: %s: <%s> loads %s from another host", relative, tag, url)
        if scanner.widgets:
            problem(
                "offline: %s embeds %d widget script(s): a widget cell should show static HTML "
                "here (mscbook.widgets.layout.LiveWidget) and load no widget manager",
                relative,
                scanner.widgets,
            )
    for sheet in sorted((outdir / "_static").rglob("*.css")):
        for url in CSS_URL.findall(sheet.read_text(encoding="utf-8", errors="replace")):
            if is_external(url):
                problem("offline: %s loads %s from another host",
                        sheet.relative_to(outdir).as_posix(), url)  # fmt: skip
    for name, path in configured_assets(app.config):
        if not is_external(path) and not (outdir / "_static" / path).is_file():
            problem("offline: %s = %s is not in the build's _static/", name, path)
    if problems:  # checked again, page by page, until a build passes
        stamp.unlink(missing_ok=True)
    else:
        stamp.touch()


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


#: The page that runs the search (it keeps its search scripts).
SEARCH_PAGE = "search.html"
#: pydata-sphinx-theme 0.17 loads Sphinx's search scripts and the whole search index on every page
#: (its layout.html), for an optional search-as-you-type that this book leaves off; without it
#: the search field only opens search.html, which loads them itself. 0.13 MB a page, and the index
#: grows with every chapter.
INLINE_SEARCH = re.compile(
    r'\s*<script src="[^"]*(?:_static/searchtools\.js|_static/language_data\.js|searchindex\.js)">'
    r"</script>"
)


def search_as_you_type(app: Sphinx) -> bool:
    options = getattr(app.config, "html_theme_options", None) or {}
    return str(options.get("search_as_you_type", False)).lower() == "true"


def drop_inline_search(text: str) -> str:
    """Remove the search scripts that only search-as-you-type would use (see INLINE_SEARCH)."""
    return INLINE_SEARCH.sub("", text)


def fix_theme_markup(text: str) -> str:
    """Fixes to markup that comes from the theme's templates (see THEME_FIXES)."""
    for pattern, replacement in THEME_FIXES:
        text = pattern.sub(replacement, text)
    return text


#: Smallest text, in CSS pixels, that a figure may show on any screen: below about 7 px a label
#: is unreadable on a phone. Figures are drawn for a 624 px column (6.5 in at 96 dpi); on a
#: 390 px phone they shrink to about 0.57, so 8 pt labels (10.7 px) would come out at 6 px.
MIN_TEXT_PX = 7
PX_PER_PT = 96 / 72
#: Room for an image in a figure on a 390 px phone (less the page's and the figure's padding,
#: measured in Chromium): a figure held wider scrolls sideways there, and is marked with
#: WIDE_FIGURE_CLASS so that book.css tells the reader so.
PHONE_COLUMN_PX = 342
WIDE_FIGURE_CLASS = "mscbook-wide-figure"
#: A figure image as myst-nb writes it: a local PNG with its display width as an inline style.
FIGURE_IMG = re.compile(
    r'(<img\b[^>]*?\bsrc="(?P<src>[^":]+\.png)"[^>]*?\bstyle="width: (?P<width>\d+)px;)(")'
)


def figure_min_width(png: Path, width: int) -> int | None:
    """The narrowest display width (CSS px) at which the figure's smallest text, recorded in its
    PNG by `mscbook.style.png_bytes`, is still MIN_TEXT_PX tall; None if that is no limit."""
    from PIL import Image

    from mscbook.png_text import SMALLEST_TEXT_KEY

    try:
        with Image.open(png) as image:
            points = float(getattr(image, "text", {}).get(SMALLEST_TEXT_KEY, "") or "nan")
    except (OSError, ValueError):
        return None
    if not points > 0:
        return None
    needed = math.ceil(width * MIN_TEXT_PX / (points * PX_PER_PT) - 1e-9)  # 468.0000001 is 468
    return needed if needed > 0 else None


def keep_figure_text_legible(text: str, folder: Path) -> str:
    """Give each figure image a `min-width` that keeps its smallest text legible.

    On a narrow screen the figure then scrolls sideways in its own box (book.css), and a tap
    still opens the full-size 2x PNG (Sphinx links a sized image to its file)."""

    def add_min_width(match: re.Match[str]) -> str:
        if "min-width" in match.group(0):
            return match.group(0)
        minimum = figure_min_width(folder / match.group("src"), int(match.group("width")))
        if minimum is None:
            return match.group(0)
        marked = ""
        if minimum > PHONE_COLUMN_PX and "class=" not in match.group(1):
            marked = f' class="{WIDE_FIGURE_CLASS}"'
        return f"{match.group(1)} min-width: {minimum}px;{match.group(4)}{marked}"

    return FIGURE_IMG.sub(add_min_width, text)
