"""Kernels for the build and the student lab, reached over local IPC sockets instead of TCP.

A kernel started with jupyter_client's defaults listens on TCP ports without encryption, and
ipykernel prints a warning saying so, once per kernel (13 times per `make book`). The build's
kernels only ever talk to a process on the same machine, so they use IPC (Unix) sockets with a
unique name in Jupyter's runtime folder: nothing listens on a port, and there is nothing to warn
about.

jupyter-cache passes no options to nbclient, but each of its executors names the worker class
that runs a notebook (`_EXECUTION_WORKER`); the executors here use workers that run the same
`single_nb_execution` with `LOCAL_KERNEL`. Imported only when notebooks run (jupyter-cache
takes about a second to import).
"""

from __future__ import annotations

import multiprocessing
import os
import uuid
from collections.abc import Callable
from pathlib import Path

from jupyter_cache.executors import basic
from jupyter_cache.executors.base import ExecutorRunResult
from jupyter_cache.executors.utils import single_nb_execution
from jupyter_client.manager import AsyncKernelManager
from jupyter_core.paths import jupyter_runtime_dir
from traitlets import default


class LocalKernelManager(AsyncKernelManager):
    """A kernel manager whose kernels use IPC sockets (same machine only)."""

    @default("transport")
    def _local_transport(self) -> str:
        return "ipc"

    @default("ip")
    def _unique_socket_name(self) -> str:
        # jupyter_client's default, "kernel-ipc" in the working folder, makes two kernels started
        # at once there (the parallel build) take the same socket names: one never answers.
        # A unique, short name (a socket path has at most 107 bytes) in the runtime folder.
        folder = Path(jupyter_runtime_dir())
        folder.mkdir(parents=True, exist_ok=True)
        return str(folder / f"mscbook-{uuid.uuid4().hex[:12]}")


#: Keyword arguments for nbclient's `NotebookClient` (and `nbclient.execute`).
LOCAL_KERNEL = {"kernel_manager_class": LocalKernelManager}


def _execute(project_nb, data):
    """What jupyter-cache's local workers do, with `LOCAL_KERNEL`."""
    return single_nb_execution(
        project_nb.nb,
        cwd=str(Path(project_nb.uri).parent),
        timeout=data.timeout,
        allow_errors=data.allow_errors,
        **LOCAL_KERNEL,
    )


class ParallelWorker(basic.ExecutionWorkerLocalMProc):
    execute = staticmethod(_execute)


class SerialWorker(basic.ExecutionWorkerLocalSerial):
    execute = staticmethod(_execute)


class ParallelExecutor(basic.JupyterExecutorLocalMproc):
    """jupyter-cache's `local-parallel` executor (a process per core), local-socket kernels,
    with two changes to how the pool is fed:

    - notebooks start in the order given (`order`: the build puts the slowest first, so that no
      core idles at the end while the last long chapter runs alone), one at a time (jupyter-cache
      hands them out in chunks of two, in book order);
    - `on_done(uri, status)` is called as each notebook finishes (status 0 cached, 1 its code
      failed, 2 anything else), so that the book's Sphinx run can read it at once.
    """

    _EXECUTION_WORKER = ParallelWorker

    def run_and_cache(
        self,
        *,
        filter_uris: list[str],
        timeout: int = 30,
        allow_errors: bool = False,
        order: list[str] | None = None,
        on_done: Callable[[str, int], None] | None = None,
        force: bool = False,
        **_,
    ) -> ExecutorRunResult:
        if not filter_uris:  # [] would mean every notebook to jupyter-cache
            return ExecutorRunResult(succeeded=[], excepted=[], errored=[])
        # force: every notebook runs (an emptied cache), so none needs reading to find that out
        records = self.get_records(filter_uris, None, clear_tracebacks=True, force=force)
        if not records:
            return ExecutorRunResult(succeeded=[], excepted=[], errored=[])
        rank = {uri: place for place, uri in enumerate(order or [])}
        records.sort(key=lambda record: rank.get(record.uri, len(rank)))
        work = [basic.ProcessData(r.pk, r.uri, self.cache, timeout, allow_errors) for r in records]
        results = []
        with multiprocessing.Pool(min(os.cpu_count() or 1, max(len(work), 1))) as pool:
            for status, uri in pool.imap_unordered(self._EXECUTION_WORKER(), work, chunksize=1):
                results.append((status, uri))
                if on_done:
                    on_done(uri, status)
        return ExecutorRunResult(
            succeeded=[uri for status, uri in results if status == 0],
            excepted=[uri for status, uri in results if status == 1],
            errored=[uri for status, uri in results if status == 2],
        )


class SerialExecutor(basic.JupyterExecutorLocalSerial):
    """jupyter-cache's `local-serial` executor, local-socket kernels."""

    _EXECUTION_WORKER = SerialWorker
