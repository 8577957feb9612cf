"""Sphinx extension: declares two of jupyter-book's extensions safe for parallel reading.

Sphinx reads in parallel (`-j N`, `python -m mscbook.build.jupyter_book --jobs N`) only when every
extension says it is safe; two that jupyter-book loads say nothing, so Sphinx warns (a failure
under `-W`) and reads serially. Both are safe for the HTML builder, read here (versions pinned in
requirements.txt):

- `sphinx_multitoc_numbering` 0.1.3 only replaces `TocTreeCollector.assign_section_numbers`,
  which Sphinx runs in the main process after every document has been read and merged; it
  keeps no per-document state.
- `sphinx_jupyterbook_latex` 1.0.0 keeps state only for the LaTeX builder (`builder-inited`
  returns at once for any other builder) and its transforms act on LaTeX builds only.

`make bench` builds the book's pages with `--jobs 1` and `--jobs 2` from the same executed
notebooks and reports whether the two sites are byte-identical (they are), and what `-j 2` gains.
"""

from __future__ import annotations

from sphinx.application import Sphinx
from sphinx.builders.latex import LaTeXBuilder

#: Extensions that are parallel-safe for every builder except LaTeX (see above).
SAFE_OUTSIDE_LATEX = ("sphinx_multitoc_numbering", "sphinx_jupyterbook_latex")


def declare_parallel_safe(app: Sphinx) -> None:
    if isinstance(app.builder, LaTeXBuilder):
        return
    for name in SAFE_OUTSIDE_LATEX:
        extension = app.extensions.get(name)
        if extension is not None and extension.parallel_read_safe is None:
            extension.parallel_read_safe = True


def setup(app: Sphinx) -> dict:
    app.connect("builder-inited", declare_parallel_safe)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
