"""Page weight of every built page, as Chromium loads it with no network; figure sharpness.

Usage: python benchmarks/page_weight.py  (after `make book`; honours MSCBOOK_BUILD_DIR)

Each page is opened in headless Debian Chromium (as in tests/browser) from a local server at
1280x800, lazy images forced to load; every file it fetched is counted once (HTML, scripts, style
sheets, fonts, images, search index). Two sizes: the bytes of the files ("raw", what
`python -m http.server` or `file://` sends) and their gzip size (level 6, what a compressing web
host such as GitHub Pages, Netlify or nginx with gzip sends). The budget is 1.5 MB per page.
Figures: rendered width versus the PNG's pixel width; a ratio of 2 or more is sharp on 2x
(high-DPI) screens.

Writes the section "## Page weight" of benchmarks/RESULTS.md (other sections are left alone).
"""

from __future__ import annotations

import datetime as dt
import functools
import gzip
import http.server
import platform
import re
import statistics
import sys
import threading
from pathlib import Path
from urllib.parse import unquote, urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from mscbook.paths import build_dir  # noqa: E402

RESULTS = ROOT / "benchmarks" / "RESULTS.md"
SECTION = "## Page weight"
BUDGET = 1.5 * 1024 * 1024
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]  # fmt: skip
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp", ".avif"}


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002
        pass


def pages(html: Path) -> list[str]:
    """Every page a reader reads (not theme fragments, not meta-refresh redirects)."""
    found = []
    for path in sorted(html.rglob("*.html")):
        relative = path.relative_to(html).as_posix()
        head = path.read_text(encoding="utf-8", errors="replace")[:2000].lower()
        if not relative.startswith(("_static/", "_sources/", "reports/")) and (
            'http-equiv="refresh"' not in head
        ):
            found.append(relative)
    return found


@functools.cache
def sizes(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    return len(data), len(gzip.compress(data, compresslevel=6, mtime=0))


def measure(html: Path) -> tuple[list[dict], list[dict]]:
    from playwright.sync_api import sync_playwright

    handler = functools.partial(_Quiet, directory=str(html))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}/"
    rows, figures = [], []
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            context = browser.new_context(viewport={"width": 1280, "height": 800})
            context.route(
                "**/*",
                lambda r: r.continue_() if r.request.url.startswith(base) else r.abort(),
            )
            for page in pages(html):
                fetched: set[str] = set()
                tab = context.new_page()
                tab.on("requestfinished", lambda request, seen=fetched: seen.add(request.url))
                tab.goto(base + page, wait_until="load")
                found = tab.evaluate(
                    """async () => Promise.all([...document.images].map(async img => {
                        img.loading = 'eager';
                        try { await img.decode(); } catch (e) {}
                        return {src: img.currentSrc, natural: img.naturalWidth,
                                shown: img.getBoundingClientRect().width};
                    }))"""
                )
                tab.wait_for_load_state("networkidle")
                tab.close()
                raw = packed = images = 0
                largest = (0, "")
                for url in fetched:
                    path = html / unquote(urlsplit(url).path.removeprefix("/"))
                    if path.is_dir():
                        path = path / "index.html"
                    if not path.is_file():
                        continue
                    size, size_gz = sizes(path)
                    raw += size
                    packed += size_gz
                    images += size if path.suffix.lower() in IMAGE_SUFFIXES else 0
                    largest = max(largest, (size, path.relative_to(html).as_posix()))
                rows.append({"page": page, "files": len(fetched), "raw": raw, "gzip": packed,
                             "images": images, "largest": largest})  # fmt: skip
                for image in found:
                    if "/_images/" in image["src"] and image["shown"]:
                        figures.append({"page": page, **image})
            browser.close()
    finally:
        server.shutdown()
    return rows, figures


def mb(size: float) -> str:
    return f"{size / 1024 / 1024:.2f} MB"


def section(rows: list[dict], figures: list[dict]) -> str:
    raw = [r["raw"] for r in rows]
    packed = [r["gzip"] for r in rows]
    heaviest = max(rows, key=lambda r: r["raw"])
    lines = [
        SECTION,
        "",
        f"Measured {dt.date.today()} on {platform.node()} by `python benchmarks/page_weight.py`: "
        f"{len(rows)} pages opened in headless Chromium (1280x800, no network), every file a page "
        "fetched counted once. Raw = file bytes (a plain static server or `file://`); gzip = "
        "what a compressing web host sends. Budget: 1.5 MB per page.",
        "",
        "| | Raw | gzip |",
        "|---|---|---|",
        f"| Median page | {mb(statistics.median(raw))} | {mb(statistics.median(packed))} |",
        f"| Heaviest page (`{heaviest['page']}`) | {mb(heaviest['raw'])} | "
        f"{mb(heaviest['gzip'])} |",
        f"| Pages over budget | {sum(r > BUDGET for r in raw)} of {len(rows)} | "
        f"{sum(p > BUDGET for p in packed)} of {len(rows)} |",
        "",
        "| Page | Files | Raw | gzip | Images | Largest file |",
        "|---|---|---|---|---|---|",
        *(
            f"| `{r['page']}` | {r['files']} | {mb(r['raw'])} | {mb(r['gzip'])} | "
            f"{mb(r['images'])} | `{r['largest'][1]}` ({mb(r['largest'][0])}) |"
            for r in sorted(rows, key=lambda r: -r["raw"])
        ),
        "",
    ]
    if figures:
        ratios = [f["natural"] / f["shown"] for f in figures]
        lines += [figure_line(len(figures), min(ratios), statistics.median(ratios)), ""]
    return "\n".join(lines)


def figure_line(count: int, lowest: float, median: float) -> str:
    """The figures' sharpness verdict, judged on the ratio as printed (two decimals): a width of
    800.4 px for 1600 pixels is 1.9990, printed 2.00 and sharp, not "2.00 (NOT sharp)"."""
    lowest, median = round(lowest, 2), round(median, 2)
    verdict = "sharp" if lowest >= 2 else "NOT sharp"
    return (
        f"Figures: {count}; pixel width / displayed width at 1280 px: min {lowest:.2f}, "
        f"median {median:.2f} ({verdict} on 2x screens: goal >= 2)."
    )


def write_section(text: str, results: Path = RESULTS) -> None:
    """Replace the "## Page weight" section (up to the next "## " heading) or append it."""
    old = results.read_text(encoding="utf-8") if results.exists() else "# Benchmark results\n"
    pattern = re.compile(rf"^{re.escape(SECTION)}\n.*?(?=^## |\Z)", re.MULTILINE | re.DOTALL)
    if pattern.search(old):
        new = pattern.sub(lambda _: text + "\n", old, count=1)
    else:
        new = old.rstrip("\n") + "\n\n" + text
    results.write_text(new.rstrip("\n") + "\n", encoding="utf-8")


def main() -> int:
    html = build_dir(ROOT) / "html"
    if not (html / "index.html").exists():
        print(f"no built book in {html}: run `make book` first", file=sys.stderr)
        return 1
    rows, figures = measure(html)
    text = section(rows, figures)
    print(text)
    write_section(text)
    print(f"written to {RESULTS}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
