"""`jupyter-book` as the build runs it: the same command line, minus an import that costs seconds.

jsonschema, which jupyter-book's config check and nbformat import, loads `rfc3987_syntax` when it
is installed (jupyter-events, a JupyterLab dependency, asks for `jsonschema[format-nongpl]`). That
module compiles 38 lark grammars when imported: about 1.7 s of CPU in every process that imports
jsonschema (0.2 s without it), on a build whose Sphinx start-up is otherwise about 5 s. It only
provides the checkers of the `iri` and `iri-reference` string formats, which nothing in the build
uses, so the build's processes make it unimportable and jsonschema omits those two checkers.

`python -m mscbook.build.jupyter_book ARGS` = `jupyter-book ARGS`.
"""

from __future__ import annotations

import sys

#: Optional imports of the toolchain that are slow and unused by the build.
SLOW_OPTIONAL_MODULES = ("rfc3987_syntax",)


def skip_slow_optional_imports() -> None:
    """Make the modules above raise ImportError when imported (unless already imported)."""
    for name in SLOW_OPTIONAL_MODULES:
        sys.modules.setdefault(name, None)


def main() -> int:
    skip_slow_optional_imports()
    from jupyter_book.cli.main import main as jupyter_book_main

    sys.argv[0] = "jupyter-book"
    return jupyter_book_main()


if __name__ == "__main__":
    sys.exit(main())
