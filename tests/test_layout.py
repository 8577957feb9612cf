"""The package has two layers: the library chapters call, and `mscbook.build`, which only the build
uses. Chapters never import `mscbook.build`; the library (data, style, figures, widgets, checkers,
exercises) never imports it either. Imports are read with `ast`, lazy ones inside functions too.
"""

from __future__ import annotations

import ast
from pathlib import Path

import jupytext
import pytest

from mscbook.paths import book_root

ROOT = book_root()
PACKAGE = ROOT / "mscbook"
#: Entry points that run the build: they may import both layers.
ENTRY_POINTS = {"cli.py", "__main__.py"}


def imported_modules(source: str, module: str = "") -> set[str]:
    """Every module an `import` or `from ... import` in `source` names (relative ones resolved)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = module.rsplit(".", node.level)[0]
                base = f"{parent}.{base}" if base else parent
            found.add(base)
            found |= {f"{base}.{alias.name}" for alias in node.names}
    return found


def uses_build(modules: set[str]) -> set[str]:
    return {
        name for name in modules if name == "mscbook.build" or name.startswith("mscbook.build.")
    }


def library_modules() -> list[Path]:
    return sorted(
        path
        for path in PACKAGE.rglob("*.py")
        if "build" not in path.relative_to(PACKAGE).parts[:-1]
        and path.relative_to(PACKAGE).as_posix() not in ENTRY_POINTS
    )


def chapter_code(path: Path) -> str:
    """The code cells of a chapter (read as jupytext reads it), IPython magics dropped."""
    if not path.read_text(encoding="utf-8").startswith("---\njupytext:"):
        return ""  # a plain Markdown page runs no code
    cells = [cell.source for cell in jupytext.read(path).cells if cell.cell_type == "code"]
    lines = [
        line
        for cell in cells
        for line in cell.splitlines()
        if not line.lstrip().startswith(("%", "!"))
    ]
    return "\n".join(lines)


def test_the_detector_finds_every_form_of_import():
    source = (
        "import mscbook.build.book\n"
        "from mscbook.build import pages\n"
        "from mscbook import build\n"
        "def later():\n    from .build.audit import MANIFEST_NAME\n"
    )
    found = uses_build(imported_modules(source, module="mscbook.figures"))
    assert found == {
        "mscbook.build.book",
        "mscbook.build",
        "mscbook.build.pages",
        "mscbook.build.audit",
        "mscbook.build.audit.MANIFEST_NAME",
    }
    assert not uses_build(imported_modules("from mscbook import data, style\nimport builder"))


def test_the_library_layer_has_the_expected_parts():
    parts = {path.relative_to(PACKAGE).parts[0] for path in library_modules()}
    assert {"data.py", "style.py", "paths.py", "figures", "widgets", "checkers"} <= parts


@pytest.mark.parametrize("path", library_modules(), ids=lambda p: p.relative_to(PACKAGE).as_posix())
def test_the_library_never_imports_the_build(path: Path):
    module = "mscbook." + ".".join(path.relative_to(PACKAGE).with_suffix("").parts)
    module = module.removesuffix(".__init__")
    assert not uses_build(imported_modules(path.read_text(encoding="utf-8"), module))


CHAPTERS = sorted(ROOT.joinpath("chapters").rglob("*.md"))


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_no_chapter_imports_the_build(path: Path):
    assert not uses_build(imported_modules(chapter_code(path)))


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_no_chapter_imports_myst_nb(path: Path):
    # `from myst_nb import glue` costs about 1.3 s per kernel; mscbook.glue writes the same output.
    modules = imported_modules(chapter_code(path))
    assert not {name for name in modules if name.split(".")[0] == "myst_nb"}
