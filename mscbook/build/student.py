"""The student edition: the same book built from copies of its sources with every solution removed.

sphinx-exercise's `hide_solutions` only hides solutions in the HTML pages (the downloadable
`_sources` keep them) and crashes on the gated `solution-start` / `solution-end` form. So, like
Neuromatch, we generate the student sources from the one source: `{solution}` blocks and
everything from a `solution-start` to its `solution-end` (code cells included) are cut, and the
copies are built exactly like the instructor edition. No solution text reaches the pages, the
search index, `_sources` or the downloads, because it is not in the sources that were built.

Layout, next to the instructor build (`<build>` is `_build/` or MSCBOOK_BUILD_DIR):
`<build>/student-src/` the stripped sources (and their own `_build/` with the execution cache),
`<build>/student/html/` the student site.
"""

from __future__ import annotations

import os
import shutil
import sys
import time
from contextlib import contextmanager
from pathlib import Path

from mscbook.build import book, execution
from mscbook.build.exercise_sources import ExerciseSourceError, scan
from mscbook.paths import BUILD_ENV, book_root, build_dir

#: What the student source tree holds besides the pages: config, bibliography, data, favicon.
COPIED_FILES = ("_config.yml", "_toc.yml", "references.bib")
COPIED_FOLDERS = ("data", "mscbook/build/static")
SOLUTION_BLOCKS = {"solution", "solution-start", "solution-end"}


def strip_solutions(text: str, where: str = "<text>") -> str:
    """`text` (MyST) without its solution blocks; everything else is kept byte for byte."""
    kept: list[str] = []
    inside = False
    removed_last = False
    for block in scan(text):
        if block.name == "solution":
            removed_last = True
            continue
        if block.name == "solution-start":
            if inside:
                raise ExerciseSourceError(f"{where}: solution-start inside another solution")
            inside = removed_last = True
            continue
        if block.name == "solution-end":
            if not inside:
                raise ExerciseSourceError(f"{where}: solution-end without a solution-start")
            inside = False
            continue
        if inside:
            continue
        chunk = block.text
        if removed_last and block.name is None:
            chunk = chunk.lstrip("\n")  # the blank line before the cut block is already there
        removed_last = False
        kept.append(chunk)
    if inside:
        raise ExerciseSourceError(f"{where}: a solution-start has no solution-end")
    return "".join(kept)


def make_student_sources(root: Path, target: Path) -> list[Path]:
    """Write the student copy of the book's sources into `target`; return the pages written."""
    for name in COPIED_FILES:
        shutil.copy2(root / name, target / name)
    for folder in COPIED_FOLDERS:
        shutil.copytree(root / folder, target / folder, dirs_exist_ok=True)
    pages = execution.toc_documents(root)
    for source in pages:
        destination = target / source.relative_to(root)
        destination.parent.mkdir(parents=True, exist_ok=True)
        text = source.read_text(encoding="utf-8")
        stripped = strip_solutions(text, str(source.relative_to(root)))
        if destination.exists() and destination.read_text(encoding="utf-8") == stripped:
            continue  # unchanged: keep the timestamp
        destination.write_text(stripped, encoding="utf-8")
    known = {target / page.relative_to(root) for page in pages}
    for stale in target.joinpath("chapters").rglob("*.md"):
        if stale not in known:
            stale.unlink()
    return sorted(known)


@contextmanager
def _build_dir_set_to(path: Path):
    previous = os.environ.get(BUILD_ENV)
    os.environ[BUILD_ENV] = str(path)
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop(BUILD_ENV, None)
        else:
            os.environ[BUILD_ENV] = previous


def student_html(root: Path | None = None) -> Path:
    return build_dir(root or book_root()) / "student" / "html"


def build_student(root: Path | None = None) -> int:
    """Build the student edition into `<build>/student/html`; return the exit status."""
    root = root or book_root()
    started = time.perf_counter()
    if not book.preflight(root, "student edition", revalidate=False):  # stamps: same bytes
        return 1
    source = build_dir(root) / "student-src"
    source.mkdir(parents=True, exist_ok=True)
    try:
        pages = make_student_sources(root, source)
    except ExerciseSourceError as error:
        print(f"student edition: not built. {error}", file=sys.stderr)
        return 1
    leftovers = [
        page
        for page in pages
        if any(block.name in SOLUTION_BLOCKS for block in scan(page.read_text("utf-8")))
    ]
    if leftovers:
        print(f"student edition: solutions left in {leftovers}", file=sys.stderr)
        return 1
    with _build_dir_set_to(source / "_build"):
        # checked above, before the sources were copied
        status = book.execute_and_render(source, official=True, checks=lambda: True)
    if status != 0:
        print("student edition: build FAILED (see the warnings above)", file=sys.stderr)
        return status
    target = student_html(root)
    if target.exists():
        shutil.rmtree(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.move(source / "_build" / "html", target)
    print(f"student edition: built in {time.perf_counter() - started:.0f} s, no solutions")
    print(target / "index.html")
    return 0
