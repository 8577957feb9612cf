"""Parallel pre-execution of the chapters into jupyter-cache, which the book build renders from.

Stock Jupyter Book 1 executes notebooks one at a time. Here jupyter-cache's `local-parallel`
executor runs them in one process per core (each in its own folder, as a student would), and
`jupyter-book build` with `execute_notebooks: cache` then renders from the cache without
re-executing. jupyter-cache keys a notebook on its code cells only, so the cache is cleared
whenever `data/` or `mscbook/` change: otherwise a preview would show stale figures.

Kernels talk to the build over local IPC sockets, not TCP (`mscbook.build.kernels`), so none
prints ipykernel's "running over TCP without encryption" warning.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from mscbook.paths import book_root, build_dir

#: Notebooks read with myst-nb's reader, exactly as the book build reads them.
MYST_READER = {"name": "myst_nb_md", "type": "plugin"}
FINGERPRINT_FILE = "mscbook-inputs.sha256"
#: Seconds each chapter took to execute in the last build (`execution_order` reads them).
SECONDS_FILE = "mscbook-chapter-seconds.json"
#: In the cache folder: the SHA-256 of each chapter's file as it was when its run was cached.
CACHED_SOURCES_FILE = "mscbook-cached-sources.json"


@dataclass
class ExecutionSummary:
    executed: list[str] = field(default_factory=list)
    from_cache: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    cleared_because: str = ""
    seconds: float = 0.0

    def describe(self) -> str:
        parts = [f"{len(self.executed)} executed in parallel", f"{len(self.from_cache)} cached"]
        if self.failed:
            parts.append(f"{len(self.failed)} FAILED: {', '.join(self.failed)}")
        reason = f" (cache cleared: {self.cleared_because})" if self.cleared_because else ""
        return f"chapters: {', '.join(parts)} in {self.seconds:.1f} s{reason}"


def toc_documents(root: Path | None = None) -> list[Path]:
    """Source files of every page in `_toc.yml`, in book order."""
    root = root or book_root()
    toc = yaml.safe_load((root / "_toc.yml").read_text(encoding="utf-8"))
    names = [toc["root"]]
    for part in toc.get("parts", []):
        names += [chapter["file"] for chapter in part.get("chapters", [])]
    return [root / f"{name}.md" for name in names]


def notebook_documents(root: Path | None = None) -> list[Path]:
    """The pages that are notebooks (MyST Markdown with a jupytext header)."""
    return [
        path
        for path in toc_documents(root)
        if path.read_text(encoding="utf-8").startswith("---\njupytext:")
    ]


def cache_dir(root: Path | None = None) -> Path:
    """jupyter-book's default cache location for this build folder."""
    return build_dir(root) / ".jupyter_cache"


def inputs_fingerprint(root: Path | None = None) -> str:
    """Hash of everything a chapter reads besides its own code: data/, mscbook/, references."""
    root = root or book_root()
    files = sorted(
        [
            *root.joinpath("data").rglob("*"),
            *root.joinpath("mscbook").rglob("*.py"),
            root / "references.bib",
        ]
    )
    digest = hashlib.sha256()
    for path in files:
        if path.is_file():
            digest.update(path.relative_to(root).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def stale_cache_reason(root: Path, *, fresh: bool) -> str:
    """Why the whole cache must go ("" when it may stay): an official build, or changed inputs."""
    if fresh:
        return "official build: every chapter re-executes"
    stamp = cache_dir(root) / FINGERPRINT_FILE
    if stamp.exists() and stamp.read_text() != inputs_fingerprint(root):
        return "data/, mscbook/ or references.bib changed"
    return ""


def _seconds_path(root: Path) -> Path:
    return build_dir(root) / SECONDS_FILE


def execution_order(root: Path, notebooks: list[Path]) -> list[Path]:
    """The chapters, slowest first by the last build's times (new chapters first of all, book
    order between equals): with a pool of kernels, the slowest chapter then never starts last
    and runs alone while the other cores idle."""
    path = _seconds_path(root)
    seconds = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
    place = {notebook: at for at, notebook in enumerate(notebooks)}

    def key(notebook: Path) -> tuple[float, int]:
        took = seconds.get(_short(str(notebook), root))
        return (-took if took is not None else float("-inf"), place[notebook])

    return sorted(notebooks, key=key)


def _record_seconds(root: Path, cache) -> None:
    path = _seconds_path(root)
    seconds = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
    for record in cache.list_cache_records():
        took = record.data.get("execution_seconds")
        if took is not None and Path(record.uri).is_file():
            seconds[_short(record.uri, root)] = round(took, 2)
    path.write_text(json.dumps(seconds, indent=1, sort_keys=True) + "\n", encoding="utf-8")


def pre_execute(
    root: Path | None = None,
    *,
    fresh: bool,
    timeout: int = 120,
    on_done: Callable[[Path], None] | None = None,
) -> ExecutionSummary:
    """Execute the chapters that have no valid cached result, in parallel, slowest first.

    `fresh=True` (the official build) empties the cache first, so every chapter re-executes.
    `on_done(path)` is called as soon as a chapter is cached or has failed (and not for chapters
    that were already cached).
    """
    from jupyter_cache import get_cache
    from jupyter_cache.cache.main import JupyterCacheBase

    from mscbook.build.kernels import ParallelExecutor, SerialExecutor

    root = root or book_root()
    started = time.perf_counter()
    summary = ExecutionSummary()
    location = cache_dir(root)
    summary.cleared_because = stale_cache_reason(root, fresh=fresh)
    if summary.cleared_because and location.exists():
        shutil.rmtree(location)
    location.mkdir(parents=True, exist_ok=True)
    cache = get_cache(location)
    paths = execution_order(root, notebook_documents(root))
    notebooks = [str(path) for path in paths]
    known = {record.uri for record in cache.list_project_records()}
    for record in cache.list_project_records():
        if record.uri not in notebooks:  # a chapter removed from the book
            cache.remove_nb_from_project(record.pk)
    for uri in notebooks:
        if uri not in known:
            cache.add_nb_to_project(uri, read_data=MYST_READER)
    # jupyter-cache's parallel workers each truncate the shared SQLite index after caching and,
    # racing, can delete a record another worker just wrote (seen here: a notebook re-executed on
    # the next preview, or a KeyError). The book empties its cache on every official build, so
    # truncation is never needed; the forked workers inherit this no-op.
    JupyterCacheBase.truncate_caches = _keep_every_cached_notebook

    def done(uri: str, status: int) -> None:
        # "errored" (2) is retried below before anyone may read the chapter
        if on_done and status != 2:
            on_done(Path(uri))

    # jupyter-cache decides whether a chapter's run is cached by reading it and hashing its code,
    # about 40 ms a chapter; a chapter whose file is byte for byte as it was when its run was
    # cached needs no reading.
    sources = _cached_sources(location)
    changed = [uri for uri in notebooks if sources.get(_short(uri, root)) != _file_digest(uri)]
    executor = ParallelExecutor(cache)
    result = executor.run_and_cache(
        filter_uris=changed,
        timeout=timeout,
        allow_errors=False,
        order=notebooks,
        on_done=done,
        force=bool(summary.cleared_because),
    )
    succeeded, excepted, errored = result.succeeded, result.excepted, result.errored
    if errored:
        # "errored" is a failure outside the notebook's code: jupyter-cache's parallel workers
        # can race on its SQLite index while caching. Those notebooks get one serial retry.
        serial = SerialExecutor(cache)
        retry = serial.run_and_cache(filter_uris=errored, timeout=timeout, allow_errors=False)
        excepted = excepted + retry.excepted
        missing = {record.uri for record in cache.list_unexecuted(filter_uris=errored)}
        succeeded = succeeded + [uri for uri in errored if uri not in missing]
        errored = [uri for uri in errored if uri in missing and uri not in retry.excepted]
    summary.executed = [_short(uri, root) for uri in notebooks if uri in succeeded]
    summary.failed = [_short(uri, root) for uri in notebooks if uri in excepted + errored]
    ran = set(succeeded + excepted + errored)
    summary.from_cache = [_short(uri, root) for uri in notebooks if uri not in ran]
    failed = set(excepted + errored)
    sources = {_short(uri, root): _file_digest(uri) for uri in notebooks if uri not in failed}
    (location / CACHED_SOURCES_FILE).write_text(json.dumps(sources, indent=1, sort_keys=True))
    (location / FINGERPRINT_FILE).write_text(inputs_fingerprint(root))
    _record_seconds(root, cache)
    summary.seconds = time.perf_counter() - started
    return summary


def _cached_sources(location: Path) -> dict[str, str]:
    path = location / CACHED_SOURCES_FILE
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}


def _file_digest(uri: str) -> str:
    return hashlib.sha256(Path(uri).read_bytes()).hexdigest()


def _keep_every_cached_notebook(self) -> None:
    """Stands in for JupyterCacheBase.truncate_caches (see pre_execute)."""


def _short(uri: str, root: Path) -> str:
    return Path(uri).resolve().relative_to(root.resolve()).as_posix()
