"""Sphinx extension: the trial explorer's table works in the HTML book, offline, on its pages only.

`mscbook.widgets.trials.static_table` writes a plain HTML table marked with `TABLE_CLASS`. On every
page whose body contains that class, this adds DataTables (its classic script and style sheet,
pinned npm packages that `mscbook.build.assets` copies into the build's `_static/datatables/`)
and the book's own `trials-table.js`, which turns each marked table into a searchable, sortable
table with a filter per design column; a table that `mscbook.tables.show` marks with
`PAGED_CLASS` becomes a paginated, searchable one. Other pages load none of it (about 0.16 MB).

Classic scripts, not ES modules: Chromium refuses module scripts from `file://`, and the book
must work opened from disk as well as from a server.
"""

from __future__ import annotations

import re

from sphinx.application import Sphinx

from mscbook.tables import PAGED_CLASS
from mscbook.widgets.trials import TABLE_CLASS

#: Files under the build's `_static/`, in load order (DataTables before the script that uses it).
SCRIPTS = ("datatables/dataTables.min.js", "trials-table.js")
STYLES = ("datatables/dataTables.dataTables.min.css", "trials-table.css")


def setup(app: Sphinx) -> dict:
    app.connect("html-page-context", add_table_assets)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}


#: An element whose class list holds a marker class (a trials table or a paginated table).
MARKER = re.compile(
    rf"""class=["'](?:[^"']*\s)?(?:{re.escape(TABLE_CLASS)}|{re.escape(PAGED_CLASS)})[\s"']"""
)


def has_trials_table(body: str) -> bool:
    return bool(MARKER.search(body))


def add_table_assets(app: Sphinx, pagename: str, templatename, context, doctree) -> None:
    """Add the table's scripts and styles to this page only (Sphinx resets them per page)."""
    if not has_trials_table(context.get("body") or ""):
        return
    for style in STYLES:
        app.add_css_file(style)
    for script in SCRIPTS:
        app.add_js_file(script, priority=600)
