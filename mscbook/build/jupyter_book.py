"""`jupyter-book` as the build runs it: the same command line, minus work that costs seconds.

Two costs of the toolchain that change nothing in the built book are removed here, in the build's
own processes only (stock `jupyter-book` on the same sources pays both; `make bench` measures it;
`python -m mscbook` skips the first as well):

- jsonschema, which jupyter-book's config check and nbformat import, loads `rfc3987_syntax` when
  it is installed (jupyter-events, a JupyterLab dependency, asks for
  `jsonschema[format-nongpl]`). That module compiles 38 lark grammars when imported: about 1.7 s
  of CPU in every process that imports jsonschema (0.2 s without it). It only provides the
  checkers of the `iri` and `iri-reference` string formats, which nothing in the build uses, so
  the build's processes make it unimportable and jsonschema omits those two checkers.
- sphinxcontrib-bibtex makes a new pybtex style for every `{footcite}` role, and pybtex looks up
  each of the style's plugins (name, label and sorting styles) by scanning the entry points of
  every installed distribution, every time: about 1,650 scans of some 190 distributions for the
  book's 411 citations, 6–8 s of a 22-s Sphinx run. Which class a plugin name means cannot change
  during a build, so the build remembers each answer (a name that is not found is not cached).
  Each of those roles then formats its entries in full again (about 440 times for some 220
  cited entries); an entry formatted by the same style, with the same label, gives the same
  text, so the build formats each once.

`python -m mscbook.build.jupyter_book [--jobs N] ARGS` = `jupyter-book ARGS`, with Sphinx reading
and writing in N processes (default 1; `mscbook.build.parallel` explains what is parallel-safe).
"""

from __future__ import annotations

import functools
import sys

#: Optional imports of the toolchain that are slow and unused by the build.
SLOW_OPTIONAL_MODULES = ("rfc3987_syntax",)


def skip_slow_optional_imports() -> None:
    """Make the modules above raise ImportError when imported (unless already imported)."""
    for name in SLOW_OPTIONAL_MODULES:
        sys.modules.setdefault(name, None)


def cache_pybtex_plugin_lookups() -> None:
    """Remember which class each pybtex plugin name means (see the module's docstring)."""
    import pybtex.plugin

    if not hasattr(pybtex.plugin._load_entry_point, "cache_info"):
        pybtex.plugin._load_entry_point = functools.cache(pybtex.plugin._load_entry_point)


def remember_formatted_entries() -> None:
    """Format each bibliography entry once per style and label (see the module's docstring)."""
    from pybtex.style.formatting import BaseStyle

    if getattr(BaseStyle.format_entry, "remembers", False):
        return
    format_entry = BaseStyle.format_entry
    formatted: dict[tuple, tuple] = {}

    def remembered(self, label, entry, bib_data=None):
        # Everything the text depends on: the style and its settings, the label, the entry (by
        # identity: entries are parsed once and never changed during a build) and its database.
        settings = (type(self), type(self.name_style), self.abbreviate_names, self.min_crossrefs)
        key = (*settings, label, id(entry), id(bib_data))
        if key not in formatted:
            # the entry is kept with its text, so that its id cannot be given to another object
            formatted[key] = (entry, bib_data, format_entry(self, label, entry, bib_data=bib_data))
        return formatted[key][2]

    remembered.remembers = True
    BaseStyle.format_entry = remembered


def sphinx_jobs(argv: list[str]) -> tuple[int, list[str]]:
    """(`--jobs N`, the other arguments); N must be a whole number of at least 1."""
    if "--jobs" not in argv:
        return 1, argv
    at = argv.index("--jobs")
    value = argv[at + 1] if at + 1 < len(argv) else ""
    if not value.isdigit() or int(value) < 1:
        raise SystemExit(f"--jobs needs a whole number of processes (1 or more), got {value!r}")
    return int(value), argv[:at] + argv[at + 2 :]


def main() -> int:
    jobs, sys.argv[1:] = sphinx_jobs(sys.argv[1:])
    skip_slow_optional_imports()
    cache_pybtex_plugin_lookups()
    remember_formatted_entries()
    import jupyter_book.sphinx
    from jupyter_book.cli.main import main as jupyter_book_main

    if jobs > 1:  # jupyter-book's command line has no option for Sphinx's `-j`
        build_sphinx = jupyter_book.sphinx.build_sphinx
        jupyter_book.sphinx.build_sphinx = functools.partial(build_sphinx, jobs=jobs)
    sys.argv[0] = "jupyter-book"
    return jupyter_book_main()


if __name__ == "__main__":
    sys.exit(main())
