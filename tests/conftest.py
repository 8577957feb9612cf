"""Shared fixtures: the real book, a throw-away book root for malformed data, the built HTML."""

from __future__ import annotations

import csv
import json
import os
import shutil
import tempfile
from pathlib import Path

import pytest

from mscbook import data
from mscbook.paths import book_root, build_dir

ROOT = book_root()
BUILD_HTML = build_dir(ROOT) / "html"

# The tests write many tables that pass validation: keep their stamps out of the venv's folder.
os.environ.setdefault(data.STAMPS_ENV, tempfile.mkdtemp(prefix="mscbook-test-stamps-"))


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    """Under pytest-xdist (`make test` runs one worker per core), each test module goes to one
    worker as a whole, and the browser tests all to the same one: their module- and
    package-scoped fixtures (a JupyterLab, a site visited page by page, a student edition build)
    are then made once, not once per worker. (xdist's own `--dist loadgroup` marks do not reach
    its scheduler under pytest 9, whose node ids it cannot rewrite.)"""
    from xdist.scheduler import LoadScopeScheduling

    class ModuleScheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            path = nodeid.split("::", 1)[0]
            return "tests/browser" if path.startswith("tests/browser/") else path

    return ModuleScheduling(config, log)


@pytest.fixture(scope="session")
def criteria():
    return data.load("isct_criteria")


@pytest.fixture
def fixture_root(tmp_path: Path) -> Path:
    """A copy of the ISCT table, its schema and the bibliography, safe to break."""
    (tmp_path / "data").mkdir()
    shutil.copy(ROOT / "references.bib", tmp_path / "references.bib")
    shutil.copy(ROOT / "data" / "isct_criteria.csv", tmp_path / "data" / "isct_criteria.csv")
    package = json.loads((ROOT / "data" / "datapackage.json").read_text(encoding="utf-8"))
    package["resources"] = [r for r in package["resources"] if r["name"] == "isct_criteria"]
    (tmp_path / "data" / "datapackage.json").write_text(json.dumps(package), encoding="utf-8")
    return tmp_path


def read_rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def raw_table(name: str) -> list[dict[str, str]]:
    """A data table as the CSV file holds it (text, not parsed by the loader under test)."""
    with (ROOT / "data" / f"{name}.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def trials():
    return data.load("trials")


@pytest.fixture(scope="module")
def secretome():
    return data.load("secretome")


def write_rows(path: Path, rows: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)


@pytest.fixture(scope="session")
def built_html() -> Path:
    """The HTML that `make book` built. `make test` builds it first; a stale build fails."""
    index = BUILD_HTML / "index.html"
    if not index.exists():
        pytest.fail("No built book in _build/html: run `make test` (it runs `make book` first).")
    sources = [*ROOT.glob("chapters/**/*.md"), *ROOT.glob("data/*"), ROOT / "_config.yml"]
    newest = max(path.stat().st_mtime for path in sources)
    if (BUILD_HTML / "figures.json").stat().st_mtime < newest:
        pytest.fail("_build/html is older than the sources: run `make test` to rebuild the book.")
    return BUILD_HTML
