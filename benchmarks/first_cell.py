"""First-cell time of every chapter: imports + loading its tables, in a fresh kernel.

`python benchmarks/first_cell.py [--runs N]` prints the median per chapter; `build_bench.py` calls
`measure()` for RESULTS.md. Kernel start-up is not counted: the clock runs from sending the cell to
its reply, as the execution timings in a notebook do. "warm" = the data's validation stamps exist
(what every kernel of the build sees after the preflight); "cold" = an empty stamp folder (a
student's very first run of a freshly edited table). The floor is `import pandas,
matplotlib.pyplot` alone in a fresh kernel, measured in the same loop.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))


def first_code_cell(path: Path) -> str:
    import jupytext

    notebook = jupytext.read(path)
    return next(cell.source for cell in notebook.cells if cell.cell_type == "code")


#: Imports that every chapter pays and the book cannot avoid: the floor of a first cell.
FLOOR = "import pandas, matplotlib.pyplot"
#: Run in the kernel after the cell: the kernel's CPU seconds, which a busy machine inflates less.
_CPU = "import time as _bench_time; print(_bench_time.process_time())"


def time_cell(code: str, cwd: Path, environment: dict[str, str]) -> tuple[float, float]:
    """(wall, CPU) seconds from sending `code` to its reply, in a new kernel started in `cwd`."""
    from jupyter_client.manager import start_new_kernel

    manager, client = start_new_kernel(kernel_name="python3", cwd=str(cwd), env=environment)
    printed: list[str] = []

    def keep(message) -> None:
        if message["msg_type"] == "stream":
            printed.append(message["content"]["text"])

    try:
        client.execute_interactive(_CPU, timeout=60, output_hook=keep)
        started = time.perf_counter()
        reply = client.execute_interactive(code, timeout=120, output_hook=lambda message: None)
        seconds = time.perf_counter() - started
        if reply["content"]["status"] != "ok":
            raise RuntimeError(f"first cell failed in {cwd}: {reply['content'].get('evalue')}")
        client.execute_interactive(_CPU, timeout=60, output_hook=keep)
        before, after = (float(text) for text in "".join(printed).split())
        return seconds, after - before
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)


def _median(samples: list[tuple[float, float]]) -> tuple[float, float]:
    return statistics.median(s[0] for s in samples), statistics.median(s[1] for s in samples)


def measure(root: Path, runs: int = 5, cold_runs: int = 2) -> dict[str, dict]:
    """Chapter -> {"warm": (wall, CPU), "cold": (wall, CPU)}, medians over fresh kernels, and
    "floor" -> {"warm": ...}: the same for `FLOOR` alone. Kernels alternate between chapters and
    the floor, so that a busy machine affects both alike."""
    from mscbook import data
    from mscbook.build.execution import notebook_documents

    environment = dict(os.environ)
    environment.setdefault("MSCBOOK_ROOT", str(root))
    data.validate_all(root)  # what the build's preflight does: stamps for the warm runs
    chapters = {path.relative_to(root).as_posix(): path for path in notebook_documents(root)}
    codes = {name: first_code_cell(path) for name, path in chapters.items()}
    warm: dict[str, list] = {name: [] for name in [*chapters, "floor"]}
    for _ in range(runs):
        warm["floor"].append(time_cell(FLOOR, root, environment))
        for name, path in chapters.items():
            warm[name].append(time_cell(codes[name], path.parent, environment))
    results = {name: {"warm": _median(samples)} for name, samples in warm.items()}
    for name, path in chapters.items():
        cold = []
        for _ in range(cold_runs):
            with tempfile.TemporaryDirectory() as empty:
                cold_environment = environment | {data.STAMPS_ENV: empty}
                cold.append(time_cell(codes[name], path.parent, cold_environment))
        results[name]["cold"] = _median(cold)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="fresh kernels per chapter (warm)")
    args = parser.parse_args()
    for name, result in measure(REPO, runs=args.runs).items():
        wall, cpu = result["warm"]
        cold = f", cold {result['cold'][0]:.2f} s" if "cold" in result else ""
        print(f"{name}: {wall:.2f} s wall, {cpu:.2f} s CPU{cold}")


if __name__ == "__main__":
    main()
