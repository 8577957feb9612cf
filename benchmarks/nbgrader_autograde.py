"""Time `nbgrader autograde` on 40 submissions of one chapter (default: what-is-an-msc).

    python benchmarks/nbgrader_autograde.py [--chapter what-is-an-msc] [--students 40]

Exports the chapter as an nbgrader course in a temporary folder, runs generate_assignment, hands
in the release with the coding answers filled from the answer key (every third student leaves
them empty), then times one `nbgrader autograde` of all submissions and prints the seconds.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

from mscbook.build import nbgrader


def run(course: Path, *args: str) -> None:
    # nbgrader runs `alembic` from the PATH, as in an activated .venv
    path = f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"
    subprocess.run(
        [sys.executable, "-m", "nbgrader", *args],
        cwd=course,
        check=True,
        capture_output=True,
        env=os.environ | {"PATH": path},
    )


def _children_cpu() -> float:
    """CPU seconds of finished child processes (and theirs, once waited for)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chapter", default="what-is-an-msc")
    parser.add_argument("--students", type=int, default=40)
    args = parser.parse_args()
    load = " ".join(f"{value:.1f}" for value in os.getloadavg())
    with tempfile.TemporaryDirectory(prefix="nbgrader-bench-") as folder:
        course = Path(folder)
        assert nbgrader.export(course, [args.chapter]) == 0
        name = args.chapter.rsplit("/", 1)[-1]
        run(course, "generate_assignment", name, "--force")
        source = nbformat.read(course / "source" / name / f"{name}.ipynb", as_version=4)
        release = nbformat.read(course / "release" / name / f"{name}.ipynb", as_version=4)
        answers = {
            cell.metadata.nbgrader.grade_id: cell.source
            for cell in source.cells
            if cell.cell_type == "code" and cell.metadata.get("nbgrader", {}).get("solution")
        }
        for number in range(args.students):
            notebook = nbformat.from_dict(release)
            if number % 3:
                for cell in notebook.cells:
                    grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
                    if grade_id in answers:
                        cell.source = re.sub(r"### (BEGIN|END) SOLUTION\n?", "", answers[grade_id])
            target = course / "submitted" / f"student{number:02d}" / name / f"{name}.ipynb"
            target.parent.mkdir(parents=True)
            nbformat.write(notebook, target)
        started, cpu = time.perf_counter(), _children_cpu()
        run(course, "autograde", name, "--force")
        seconds, cpu = time.perf_counter() - started, _children_cpu() - cpu
    print(
        f"nbgrader autograde: {args.students} submissions of {name} in {seconds:.1f} s "
        f"({seconds / args.students:.2f} s each); CPU {cpu:.1f} s (nbgrader and its kernels: "
        f"the wall time on an idle core); load average before: {load}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
