"""First-cell time of every chapter: imports + loading its tables, in a fresh kernel.

`python benchmarks/first_cell.py [--runs N]` prints the median per chapter; `build_bench.py` calls
`measure()` for RESULTS.md. Kernel start-up is not counted: the clock runs from sending the cell to
its reply, as the execution timings in a notebook do. "warm" = the data's validation stamps exist
(what every kernel of the build sees after the preflight); "cold" = an empty stamp folder (a
student's very first run of a freshly edited table).
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


def time_cell(code: str, cwd: Path, environment: dict[str, str]) -> float:
    """Seconds from sending `code` to its reply, in a new kernel started in `cwd`."""
    from jupyter_client.manager import start_new_kernel

    manager, client = start_new_kernel(kernel_name="python3", cwd=str(cwd), env=environment)
    try:
        started = time.perf_counter()
        reply = client.execute_interactive(code, timeout=120, output_hook=lambda message: None)
        seconds = time.perf_counter() - started
        if reply["content"]["status"] != "ok":
            raise RuntimeError(f"first cell failed in {cwd}: {reply['content'].get('evalue')}")
        return seconds
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)


def measure(root: Path, runs: int = 5, cold_runs: int = 2) -> dict[str, dict[str, float]]:
    """Chapter -> {"warm": median s, "cold": median s} over fresh kernels."""
    from mscbook import data
    from mscbook.build.execution import notebook_documents

    environment = dict(os.environ)
    environment.setdefault("MSCBOOK_ROOT", str(root))
    data.validate_all(root)  # what the build's preflight does: stamps for the warm runs
    results = {}
    for path in notebook_documents(root):
        code = first_code_cell(path)
        warm = [time_cell(code, path.parent, environment) for _ in range(runs)]
        cold = []
        for _ in range(cold_runs):
            with tempfile.TemporaryDirectory() as empty:
                cold_environment = environment | {data.STAMPS_ENV: empty}
                cold.append(time_cell(code, path.parent, cold_environment))
        name = path.relative_to(root).as_posix()
        results[name] = {"warm": statistics.median(warm), "cold": statistics.median(cold)}
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="fresh kernels per chapter (warm)")
    args = parser.parse_args()
    for name, seconds in measure(REPO, runs=args.runs).items():
        print(f"{name}: {seconds['warm']:.2f} s (cold {seconds['cold']:.2f} s)")


if __name__ == "__main__":
    main()
