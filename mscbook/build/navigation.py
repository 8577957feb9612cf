"""Sphinx extension: a reader can move around the site on a phone and on a desktop.

- **One set of sidebar toggles.** pydata-sphinx-theme 0.17 renders its own ☰ and "On this page"
  buttons (`.primary-toggle`, `.secondary-toggle`) in a top navbar that sphinx-book-theme hides,
  while sphinx-book-theme renders the visible ones in the article header. Both themes' scripts
  bind only `document.querySelector(".primary-toggle")`, the first, hidden one: on a phone ☰
  only showed its tooltip and the contents button did nothing; on a desktop ☰ did not collapse
  the sidebar. Upstream: pydata-sphinx-theme issue 2451 and sphinx-book-theme issue 988 (fix
  proposed in sphinx-book-theme pull request 1000). The navbar is drawn only when it has items,
  and its one item here is a second copy of the sidebar's search field; with
  `navbar_persistent = []` the theme leaves it out, toggles included, so the scripts bind the
  visible buttons. No script of ours, no pin. Delete `one_set_of_toggles` once a
  sphinx-book-theme release drops the navbar toggles itself; tests/browser/test_devices.py
  checks the behaviour either way.
- **Solution titles open their solution.** sphinx-exercise wraps "Exercise N (...)" in a
  solution's title in a link back to the exercise; sphinx-togglebutton makes the whole title a
  toggle, so a click on the link's part (half the title on a desktop, the middle on a phone)
  jumped to the exercise instead. The title becomes plain text and the link moves to the end of
  the solution ("Back to the exercise"), where it is reachable once the solution is open.
"""

from __future__ import annotations

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.config import Config

#: Class of the paragraph that carries a solution's link back to its exercise.
BACK_LINK_CLASS = "mscbook-solution-back"
BACK_LINK_TEXT = "Back to the exercise"


def setup(app: Sphinx) -> dict:
    app.connect("config-inited", one_set_of_toggles)
    app.connect("doctree-resolved", solution_titles_toggle_only)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}


def one_set_of_toggles(app: Sphinx, config: Config) -> None:
    """Leave pydata-sphinx-theme's hidden navbar (and its duplicate toggles) out of every page."""
    options = dict(config.html_theme_options or {})
    options.setdefault("navbar_persistent", [])
    config.html_theme_options = options


def solution_titles_toggle_only(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """Unlink each solution's title and put the link back to its exercise after the solution."""
    if app.builder.format != "html":
        return
    from sphinx_exercise.nodes import solution_node

    for solution in doctree.findall(solution_node):
        title = solution.children[0] if solution.children else None
        if not isinstance(title, nodes.title):
            continue
        links = [ref for ref in title.findall(nodes.reference) if ref.get("refuri")]
        for link in links:
            link.replace_self(list(link.children))
        if links:
            back = nodes.reference("", BACK_LINK_TEXT, internal=True, refuri=links[0]["refuri"])
            solution += nodes.paragraph("", "", back, classes=[BACK_LINK_CLASS])
