"""The trial explorer's assets in the built site: only on pages with its table; the theme's unused
search scripts dropped from every other page; the page-weight report's sharpness verdict."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

from mscbook.build import explorer, offline
from mscbook.widgets.trials import TABLE_CLASS

ROOT = Path(__file__).resolve().parents[1]
TABLE_PAGE = "chapters/diseases/limb-ischaemia.html"
ASSETS = (*explorer.SCRIPTS, *explorer.STYLES)


def test_the_marker_is_found_in_a_class_list_only():
    assert explorer.has_trials_table(f'<div><table class="{TABLE_CLASS}"><tr></tr></table>')
    assert explorer.has_trials_table(f"<table class='display {TABLE_CLASS} compact'>")
    assert not explorer.has_trials_table(f"<p>the class {TABLE_CLASS} marks the table</p>")
    assert not explorer.has_trials_table(f'<table class="{TABLE_CLASS}-old">')


def test_inline_search_scripts_are_dropped_and_nothing_else():
    head = (
        '<script src="../_static/doctools.js?v=1"></script>\n'
        '    <script src="../_static/searchtools.js"></script>\n'
        '    <script src="../_static/language_data.js"></script>\n'
        '    <script src="../searchindex.js"></script>\n'
        '<script defer src="../_static/scripts/bootstrap.js"></script>'
    )
    assert offline.drop_inline_search(head) == (
        '<script src="../_static/doctools.js?v=1"></script>\n'
        '<script defer src="../_static/scripts/bootstrap.js"></script>'
    )


def _scripts_and_styles(page: Path) -> list[str]:
    text = page.read_text(encoding="utf-8")
    return re.findall(r'(?:src|href)="([^"?]+)', text)


def test_table_assets_are_on_the_table_page_only(built_html: Path):
    for name in ASSETS:
        assert (built_html / "_static" / name).is_file(), name
    pages = [p for p in built_html.rglob("*.html") if "_static" not in p.parts]
    with_table = []
    for page in pages:
        loaded = _scripts_and_styles(page)
        relative = page.relative_to(built_html).as_posix()
        has_assets = [any(url.endswith(f"_static/{name}") for url in loaded) for name in ASSETS]
        has_table = explorer.has_trials_table(page.read_text(encoding="utf-8"))
        assert all(has_assets) == has_table and any(has_assets) == has_table, relative
        if has_table:
            with_table.append(relative)
            # DataTables before the script that uses it.
            order = [url for url in loaded if url.endswith(".js") and "_static/" in url]
            names = [url.split("_static/", 1)[1] for url in order]
            assert names.index("datatables/dataTables.min.js") < names.index("trials-table.js")
    assert TABLE_PAGE in with_table


def test_search_scripts_are_on_the_search_page_only(built_html: Path):
    for page in [p for p in built_html.rglob("*.html") if "_static" not in p.parts]:
        relative = page.relative_to(built_html).as_posix()
        loaded = _scripts_and_styles(page)
        has_index = any(url.endswith("searchindex.js") for url in loaded)
        if relative == "search.html":
            assert has_index and any(url.endswith("_static/searchtools.js") for url in loaded)
        else:
            assert not has_index, relative


def _page_weight_module():
    spec = importlib.util.spec_from_file_location(
        "page_weight", ROOT / "benchmarks" / "page_weight.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_printed_ratio_of_2_00_is_sharp():
    page_weight = _page_weight_module()
    # 1600 pixels shown 800.4 px wide: 1.9990, printed 2.00, so sharp (was "2.00 (NOT sharp)").
    line = page_weight.figure_line(19, 1600 / 800.4, 2.0)
    assert "min 2.00, median 2.00 (sharp on 2x screens" in line
    assert "NOT" not in line
    assert "(NOT sharp on 2x screens" in page_weight.figure_line(3, 1.994, 2.1)  # printed 1.99
