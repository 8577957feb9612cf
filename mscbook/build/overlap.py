"""Sphinx reads the book while its chapters execute: both sides of the hand-over.

`make book` executes the chapters in a pool of kernels (`mscbook.build.execution`) and renders
them with Sphinx from jupyter-cache. Run one after the other, Sphinx's start-up and its reading of
the pages without code (the introductions, the generated appendix pages) wait for the slowest
chapter, and the last chapter runs alone on one core while the other idles. So the build starts
Sphinx first and tells it, through a folder of marker files, when each chapter is ready:

- the build writes `order.json` (the chapters' docnames in the order they will execute) into
  the folder named by the environment variable `MSCBOOK_READY_DIR`, then starts Sphinx, then
  checks the data and the exercises (Sphinx starts up meanwhile, and reads nothing until
  `CHECKED` is written; if the checks fail, the build stops Sphinx);
- Sphinx (this module, loaded as an extension) reads the pages without code first, then the
  chapters in that order; before reading a chapter it waits for `<docname>.ready` (written as
  soon as the chapter's execution has been cached, or has failed) or for `ALL` (execution is
  over, whatever happened);
- a chapter that failed is not in the cache, so myst-nb runs it itself while reading and reports
  its error, exactly as a build without this hand-over would.

Without `MSCBOOK_READY_DIR` (stock `jupyter-book build`, the benchmark's baseline) this extension
does nothing. The pages do not depend on the order of reading: `make bench` compares every page
of this build with stock Jupyter Book's (serial reading, book order) and reports the differences
(only the execution-status page's own times, and the search index words made of them).
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.util import logging

logger = logging.getLogger(__name__)

READY_ENV = "MSCBOOK_READY_DIR"
ORDER_FILE = "order.json"
CHECKED = "CHECKED"
ALL_DONE = "ALL"
#: How often Sphinx looks for a marker, and how long it waits for one before giving up: more than
#: any chapter may take (the execution timeout is 120 s per cell).
POLL_SECONDS = 0.05
GIVE_UP_SECONDS = 1800


def marker_name(docname: str) -> str:
    return docname.replace("/", "__") + ".ready"


class ReadySignal:
    """The build's side: where Sphinx is told which chapters it may read."""

    def __init__(self, folder: Path, docnames: list[str]):
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        for old in folder.iterdir():
            old.unlink()
        (folder / ORDER_FILE).write_text(json.dumps(docnames), encoding="utf-8")

    def checked(self) -> None:
        (self.folder / CHECKED).touch()

    def ready(self, docname: str) -> None:
        (self.folder / marker_name(docname)).touch()

    def finish(self) -> None:
        (self.folder / ALL_DONE).touch()


def _folder() -> Path | None:
    value = os.environ.get(READY_ENV)
    return Path(value) if value else None


def _chapters(folder: Path) -> list[str]:
    return json.loads((folder / ORDER_FILE).read_text(encoding="utf-8"))


def checks_passed() -> bool:
    """True in a Sphinx run of `make book` or `make preview` once the build's checks of the data
    and the exercises passed (False in any other Sphinx run, which must check for itself)."""
    folder = _folder()
    return folder is not None and (folder / CHECKED).exists()


def _wait_for(docname: str, *markers: Path) -> None:
    started = time.monotonic()
    while not any(marker.exists() for marker in markers):
        if time.monotonic() - started > GIVE_UP_SECONDS:
            logger.warning(f"{docname}: no word from the build in {GIVE_UP_SECONDS} s")
            return
        time.sleep(POLL_SECONDS)


def read_ready_first(app: Sphinx, env: BuildEnvironment, docnames: list[str]) -> None:
    """Pages without code first, then the chapters in the order they execute (in place); and
    nothing before the data and the exercises have passed their checks."""
    folder = _folder()
    if folder is None:
        return
    _wait_for("the book", folder / CHECKED, folder / ALL_DONE)
    chapters = _chapters(folder)
    rank = {name: place for place, name in enumerate(chapters)}
    docnames.sort(key=lambda name: (name in rank, rank.get(name, 0)))


def wait_until_executed(app: Sphinx, docname: str, source: list[str]) -> None:
    folder = _folder()
    if folder is None or docname not in _chapters(folder):
        return
    _wait_for(docname, folder / marker_name(docname), folder / ALL_DONE)


def setup(app: Sphinx) -> dict:
    app.connect("env-before-read-docs", read_ready_first)
    # before myst-nb looks the notebook up in the cache (that happens while parsing)
    app.connect("source-read", wait_until_executed)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
