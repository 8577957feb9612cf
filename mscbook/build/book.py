"""Building the book: validate the data, execute chapters in parallel, render with Sphinx.

`build_book(official=True)` is `make book`: every chapter re-executes from scratch. With
`official=False` (`make preview`) only chapters whose code, or whose inputs in `data/` and
`mscbook/`, changed are executed, and nothing at all happens when no source changed.
"""

from __future__ import annotations

import hashlib
import json
import os
import resource
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from mscbook import data
from mscbook.build import checks, execution, overlap
from mscbook.build.audit import MANIFEST_NAME
from mscbook.paths import book_root, build_dir

SOURCES_STAMP = "mscbook-sources.sha256"


def sources_fingerprint(root: Path) -> str:
    """Hash of every file the rendered book depends on.

    Besides the chapters' inputs: the pages, the site's own scripts and styles
    (`mscbook/build/static/`) and the pinned browser assets (`package-lock.json`), so that a
    preview rebuilds after an edit to any of them.
    """
    files = [
        *root.glob("*.md"),
        *root.glob("*.yml"),
        *root.joinpath("chapters").rglob("*.md"),
        *root.joinpath("mscbook", "build", "static").rglob("*"),
        root / "references.bib",
        root / "package-lock.json",
    ]
    digest = hashlib.sha256(execution.inputs_fingerprint(root).encode())
    for path in sorted(path for path in files if path.is_file()):
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def build_book(root: Path | None = None, *, official: bool) -> int:
    """Build the HTML; return the exit status. Prints the path of index.html on success."""
    root = root or book_root()
    html_dir = build_dir(root) / "html"
    stamp = build_dir(root) / SOURCES_STAMP
    fingerprint = sources_fingerprint(root)
    if not official and stamp.exists() and stamp.read_text() == fingerprint:
        print("book: up to date, nothing changed since the last build")
        print(html_dir / "index.html")
        return 0
    started = time.perf_counter()
    # The official build validates every table from scratch; a preview trusts the validation
    # stamps (mscbook.data), which prove that exactly these bytes passed before.
    status = execute_and_render(
        root, official=official, checks=lambda: preflight(root, "book", revalidate=official)
    )
    if status != 0:
        print(
            "book: build FAILED (see the warnings above; execution reports are in "
            f"{html_dir / 'reports'})",
            file=sys.stderr,
        )
        return status
    stamp.write_text(fingerprint)
    manifest = json.loads((html_dir / MANIFEST_NAME).read_text(encoding="utf-8"))
    print(
        f"book: built in {time.perf_counter() - started:.0f} s; "
        f"{len(manifest['figures'])} figure(s) audited ({html_dir / MANIFEST_NAME})"
    )
    print(html_dir / "index.html")
    return 0


def preflight(root: Path, what: str, *, revalidate: bool = True) -> bool:
    """Check the data and the exercises before anything executes; False (and why) if broken.

    `revalidate=False` lets each table's validation stamp stand in for re-validating it.
    """
    from mscbook.build import exercise_sources

    try:
        counts = checks.check_all(root, revalidate=revalidate)
    except data.DataValidationError as error:
        print(f"{what}: not built, the data is invalid.\n{error}", file=sys.stderr)
        return False
    print(f"data: {len(counts)} table(s) valid ({sum(counts.values())} rows)")
    disagreements = exercise_sources.problems(root)
    if disagreements:
        print(
            f"{what}: not built, the exercises and data/exercises.csv disagree:\n  - "
            + "\n  - ".join(disagreements),
            file=sys.stderr,
        )
        return False
    return True


def execute_and_render(root: Path, *, official: bool, checks: Callable[[], bool]) -> int:
    """Check, execute the chapters and render them, Sphinx reading alongside the execution
    (`mscbook.build.overlap`); the exit status. `official`: every chapter re-executes."""
    started, own_cpu, child_cpu = time.perf_counter(), _cpu(), _cpu(children=True)
    reason = execution.stale_cache_reason(root, fresh=official)
    # Sphinx re-reads only pages whose source changed; a cleared cache means every page did.
    reread_all = official or bool(reason)
    chapters = execution.execution_order(root, execution.notebook_documents(root))
    signal = overlap.ReadySignal(
        build_dir(root) / "execution-ready", [_docname(path, root) for path in chapters]
    )
    sphinx = _start_sphinx(root, reread_all=reread_all, ready=signal.folder)
    try:
        if not checks():
            sphinx.terminate()
            sphinx.wait()
            return 1
        signal.checked()
        checked, checks_cpu = time.perf_counter(), _cpu() - own_cpu
        summary = execution.pre_execute(
            root, fresh=official, on_done=lambda path: signal.ready(_docname(path, root))
        )
    except BaseException:
        sphinx.kill()
        sphinx.wait()
        raise
    signal.finish()
    executed, kernels_cpu = time.perf_counter(), _cpu(children=True) - child_cpu
    print(summary.describe())
    status = sphinx.wait()
    sphinx_cpu = _cpu(children=True) - child_cpu - kernels_cpu
    print(
        f"book: phases (s): checks {checked - started:.1f}, execution {executed - checked:.1f} "
        f"(Sphinx starting and reading alongside), Sphinx after the execution "
        f"{time.perf_counter() - executed:.1f}"
    )
    print(
        f"book: CPU (s): checks {checks_cpu:.1f}, execution {kernels_cpu:.1f} (pool and kernels), "
        f"Sphinx {sphinx_cpu:.1f}, the rest of the build's own process "
        f"{_cpu() - own_cpu - checks_cpu:.1f}"
    )
    return status


def _cpu(*, children: bool = False) -> float:
    """CPU seconds (user + system) of this process, or of its waited-for child processes."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN if children else resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _docname(path: Path, root: Path) -> str:
    return path.resolve().relative_to(root.resolve()).with_suffix("").as_posix()


def _start_sphinx(root: Path, *, reread_all: bool, ready: Path) -> subprocess.Popen:
    # -P: the working directory (the student edition's copied sources hold an `mscbook/` folder)
    # must not shadow the installed package, exactly as with the `jupyter-book` script.
    command = [
        sys.executable, "-P", "-m", "mscbook.build.jupyter_book", "build", str(root),
        "--path-output", str(build_dir(root).parent), "-W", "-n", "--keep-going",
    ]  # fmt: skip
    if reread_all:
        command.append("--all")
    environment = os.environ | {
        "PYDEVD_DISABLE_FILE_VALIDATION": "1",
        overlap.READY_ENV: str(ready),
    }
    return subprocess.Popen(command, cwd=root, env=environment)
