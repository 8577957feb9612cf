"""Where the book's files live. One place, so chapters run from any working directory."""

from __future__ import annotations

import os
from pathlib import Path

#: Environment variable that points the library at another book root (used by test fixtures).
ROOT_ENV = "MSCBOOK_ROOT"
#: Environment variable that moves the build output (default: `<root>/_build`).
BUILD_ENV = "MSCBOOK_BUILD_DIR"


def book_root() -> Path:
    """The folder holding `data/`, `references.bib` and `_config.yml`."""
    override = os.environ.get(ROOT_ENV)
    if override:
        return Path(override).resolve()
    return Path(__file__).resolve().parent.parent


def data_dir(root: Path | None = None) -> Path:
    return (root or book_root()) / "data"


def bibliography_path(root: Path | None = None) -> Path:
    return (root or book_root()) / "references.bib"


def build_dir(root: Path | None = None) -> Path:
    """Where `python -m mscbook build` writes: `_build/` unless MSCBOOK_BUILD_DIR says otherwise."""
    override = os.environ.get(BUILD_ENV)
    if not override:
        return (root or book_root()) / "_build"
    path = Path(override).resolve()
    if path.name != "_build":  # jupyter-book always writes into a folder named _build
        raise ValueError(f"{BUILD_ENV} must end in '/_build', got {override!r}")
    return path
