"""Build and interaction timings, reported as ratios (`make bench`).

Runs on a throw-away copy of the repository so the working tree and its _build are untouched,
and writes the section "## Build and interaction" of benchmarks/RESULTS.md (other sections of
that file belong to other benchmarks and are kept).
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
RESULTS = REPO / "benchmarks" / "RESULTS.md"
SECTION = "## Build and interaction"
IGNORED = shutil.ignore_patterns(".venv", "_build", ".git", "__pycache__", ".pytest_cache")


def timed(command: list[str], environment: dict[str, str]) -> float:
    started = time.perf_counter()
    result = subprocess.run(command, env=environment, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        sys.exit(f"benchmark step failed: {' '.join(command)}\n{result.stdout}\n{result.stderr}")
    return time.perf_counter() - started


def serial_reference(root: Path) -> tuple[float, dict[str, float], list[tuple[float, str]], set]:
    """Bare serial execution of every chapter in a fresh kernel (nbclient, no Sphinx)."""
    import jupytext
    from nbclient import NotebookClient

    from mscbook.build.execution import notebook_documents

    per_chapter, cells, figure_hashes = {}, [], set()
    started = time.perf_counter()
    for path in notebook_documents(root):
        notebook = jupytext.read(path)
        chapter_started = time.perf_counter()
        NotebookClient(
            notebook, timeout=120, resources={"metadata": {"path": str(path.parent)}}
        ).execute()
        name = path.relative_to(root).as_posix()
        per_chapter[name] = time.perf_counter() - chapter_started
        for index, cell in enumerate(notebook.cells):
            timing = cell.get("metadata", {}).get("execution", {})
            if "iopub.execute_input" in timing and "shell.execute_reply" in timing:
                start = datetime.fromisoformat(timing["iopub.execute_input"].replace("Z", "+00:00"))
                end = datetime.fromisoformat(timing["shell.execute_reply"].replace("Z", "+00:00"))
                cells.append(((end - start).total_seconds(), f"{name}, cell {index + 1}"))
            for output in cell.get("outputs", []):
                png = output.get("data", {}).get("image/png")
                if png:
                    figure_hashes.add(hashlib.sha256(base64.b64decode(png)).hexdigest())
    return (
        time.perf_counter() - started,
        per_chapter,
        sorted(cells, reverse=True)[:5],
        figure_hashes,
    )


def widget_latency() -> dict[str, float]:
    """Median and p95 (ms) over 100 calls: the pure model, and a full widget update."""
    from mscbook import data
    from mscbook.widgets import isct

    criteria = data.load("isct_criteria")
    report = isct.simulate_flow_report(criteria, seed=1)
    lineages = ["osteoblast", "adipocyte", "chondroblast"]
    model, update = [], []
    for _ in range(100):
        started = time.perf_counter()
        isct.evaluate_sample(criteria, report, lineages, True)
        model.append((time.perf_counter() - started) * 1000)
    widget = isct.make_widget(criteria, report, lineages)
    box = next(
        child for child in widget.children[0].children if child.description.startswith("CD34")
    )
    for index in range(100):
        started = time.perf_counter()
        box.value = f"{index % 5}.5"
        update.append((time.perf_counter() - started) * 1000)

    def p95(values: list[float]) -> float:
        return statistics.quantiles(values, n=20)[-1]

    return {
        "model_median": statistics.median(model),
        "model_p95": p95(model),
        "update_median": statistics.median(update),
        "update_p95": p95(update),
    }


def manifest_hashes(build: Path) -> set[str]:
    figures = json.loads((build / "html" / "figures.json").read_text())["figures"]
    return {figure["sha256"] for figure in figures}


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="mscbook-bench-") as scratch:
        root = Path(scratch) / "book"
        shutil.copytree(REPO, root, ignore=IGNORED)
        build = root / "_build"
        environment = os.environ | {"MSCBOOK_ROOT": str(root), "MSCBOOK_BUILD_DIR": str(build)}
        os.environ.update(environment)
        python = [sys.executable, "-m", "mscbook"]

        reference, per_chapter, slowest, serial_hashes = serial_reference(root)
        clean = timed([*python, "build"], environment)
        first_hashes = manifest_hashes(build)
        no_change = timed([*python, "preview"], environment)
        chapter = root / "chapters" / "biology" / "what-is-an-msc.md"
        text = chapter.read_text()
        chapter.write_text(text.replace("style.use()", "style.use()  # edited", 1))
        one_edited = timed([*python, "preview"], environment)
        chapter.write_text(text)
        timed([*python, "build"], environment)
        second_hashes = manifest_hashes(build)
        latency = widget_latency()
        tests = timed([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"], environment)

    rows = [
        ("Serial execution of all chapters, fresh kernels (nbclient, no Sphinx): reference",
         f"{reference:.1f} s", "1.00 × reference"),
        ("Clean `make book` (parallel execution + Sphinx)", f"{clean:.1f} s",
         f"{clean / reference:.2f} × reference (goal ≤ 1.0)"),
        ("`make preview`, nothing changed", f"{no_change:.1f} s",
         f"{no_change / clean:.3f} × clean build (goal ≤ 0.10)"),
        ("`make preview`, one chapter's code edited", f"{one_edited:.1f} s",
         f"{one_edited / clean:.2f} × clean build"),
        ("Widget model (`evaluate_sample`), median / p95 of 100 calls",
         f"{latency['model_median']:.2f} / {latency['model_p95']:.2f} ms", "goal ≤ 50 ms"),
        ("Widget update (type a value → report HTML), median / p95 of 100",
         f"{latency['update_median']:.2f} / {latency['update_p95']:.2f} ms", "goal ≤ 50 ms"),
        ("Test suite (`pytest`, against the built book)", f"{tests:.1f} s", ""),
    ]  # fmt: skip
    lines = [
        SECTION,
        "",
        f"Measured {datetime.now().date()} on {platform.node() or 'this machine'} "
        f"({os.cpu_count()} cores, Python {platform.python_version()}) by `make bench`.",
        "",
        "| Measure | Time | Ratio / goal |",
        "|---|---|---|",
        *[f"| {name} | {value} | {ratio} |" for name, value, ratio in rows],
        "",
        "Per-chapter execution (serial reference; goal ≤ 5 s each):",
        "",
        *[f"- `{name}`: {seconds:.1f} s" for name, seconds in per_chapter.items()],
        "",
        "Slowest cells:",
        "",
        *[f"- {where}: {seconds:.2f} s" for seconds, where in slowest],
        "",
        "Figures: two clean builds give "
        + ("identical" if first_hashes == second_hashes else "DIFFERENT")
        + " figure hashes; the parallel build's figures are "
        + ("identical to" if first_hashes == serial_hashes else "DIFFERENT from")
        + f" the serial run's ({len(first_hashes)} figure(s)).",
        "",
    ]
    write_section("\n".join(lines))
    print("\n".join(lines))


def write_section(section: str) -> None:
    """Replace this benchmark's section of RESULTS.md, keeping the others."""
    text = RESULTS.read_text() if RESULTS.exists() else "# Benchmark results\n\n"
    if SECTION in text:
        before, _, rest = text.partition(SECTION)
        after = rest[rest.find("\n## ") + 1 :] if "\n## " in rest else ""
        text = before + section + ("\n" + after if after else "")
    else:
        text = text.rstrip("\n") + "\n\n" + section
    RESULTS.write_text(text.rstrip("\n") + "\n")


if __name__ == "__main__":
    main()
