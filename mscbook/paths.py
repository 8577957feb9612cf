"""Where the book's files live. One place, so chapters run from any working directory."""

from __future__ import annotations

import os
from pathlib import Path

#: Environment variable that points the library at another book root (used by test fixtures).
ROOT_ENV = "MSCBOOK_ROOT"


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
