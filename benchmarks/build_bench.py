"""Build timings against stock Jupyter Book, previews, first cells (`make bench`).

Runs on a throw-away copy of the repository (the working tree and its _build are untouched) and
writes the section "## Build and interaction" of benchmarks/RESULTS.md (a generated file; other
sections belong to other benchmarks and are kept). Side by side, in one run:

- stock Jupyter Book on the same sources: `jupyter-book build` with a copy of `_config.yml` whose
  only change is `execute_notebooks: force` (serial execution inside Sphinx, no pre-execution,
  the same extensions), into its own folder;
- the clean `make book` (`python -m mscbook build`);
- `make preview` with nothing changed, and with one chapter's code edited;
- the first cell of each chapter in a fresh kernel (benchmarks/first_cell.py);
- where the time goes: Sphinx alone (`-j 1` and `-j 2`), its parts, kernel start-up, and the
  parts of the chapters' own run (benchmarks/build_parts.py).

Both clean builds' sites are compared page by page: the book's build reads the pages in another
order than stock (while the chapters execute), and must give the same pages.

Each build gets an empty validation-stamp folder, so neither profits from the other's. Wall time
is what a user waits; on a shared machine it swings with the load, so the CPU seconds of the
build and its child processes are reported too. The two clean builds alternate three times and
the medians are reported (`--repeat N` for another number of pairs, about two minutes a pair);
`--only kernels` measures the first cells alone.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
RESULTS = REPO / "benchmarks" / "RESULTS.md"
SECTION = "## Build and interaction"
IGNORED = shutil.ignore_patterns(
    ".venv", "_build", ".git", "node_modules", "__pycache__", ".pytest_cache", ".ruff_cache"
)
#: The chapter whose code the one-chapter-edit preview changes.
EDITED = "chapters/biology/what-is-an-msc.md"


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(
    command: list[str], environment: dict[str, str], cwd: Path | None = None
) -> tuple[float, float, str]:
    """(wall s, CPU s of the command and its children, stdout)."""
    cpu = _children_cpu()
    started = time.perf_counter()
    result = subprocess.run(
        command, env=environment, cwd=cwd, capture_output=True, text=True, check=False
    )
    wall = time.perf_counter() - started
    if result.returncode != 0:
        sys.exit(f"benchmark step failed: {' '.join(command)}\n{result.stdout}\n{result.stderr}")
    return wall, _children_cpu() - cpu, result.stdout


def stock_config(root: Path, target: Path) -> Path:
    """A copy of _config.yml with one change: Jupyter Book executes every notebook itself."""
    text = (root / "_config.yml").read_text(encoding="utf-8")
    changed = text.replace("execute_notebooks: cache", "execute_notebooks: force", 1)
    if changed == text:
        sys.exit("_config.yml has no `execute_notebooks: cache` line to change")
    target.write_text(changed, encoding="utf-8")
    return target


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


#: Pages that differ between any two builds: the execution-status page shows each chapter's time
#: and the moment it ran, and the search index holds the words of that page.
TIMED_PAGES = ("chapters/appendix/execution-status.html", "searchindex.js")


def manifest_hashes(build: Path) -> set[str]:
    figures = json.loads((build / "html" / "figures.json").read_text())["figures"]
    return {figure["sha256"] for figure in figures}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="clean builds of each kind (median)")
    parser.add_argument("--runs", type=int, default=5, help="fresh kernels per chapter")
    parser.add_argument("--only", choices=["kernels"], help="measure the first cells alone")
    args = parser.parse_args()
    import build_parts
    import first_cell

    with tempfile.TemporaryDirectory(prefix="mscbook-bench-") as scratch:
        scratch = Path(scratch)
        root = scratch / "book"
        shutil.copytree(REPO, root, ignore=IGNORED)
        build = root / "_build"
        environment = os.environ | {"MSCBOOK_ROOT": str(root), "MSCBOOK_BUILD_DIR": str(build)}
        os.environ.update(environment)
        if args.only == "kernels":
            kernels = first_cell.measure(root, runs=args.runs)
            write_section("\n".join(kernel_lines(kernels)), keep_builds=True)
            return

        def stamps(name: str) -> dict[str, str]:
            folder = scratch / "stamps" / name
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir(parents=True)
            return environment | {"MSCBOOK_STAMPS_DIR": str(folder)}

        ours = [sys.executable, "-m", "mscbook"]
        config = stock_config(root, scratch / "_config.stock.yml")
        stock_out = scratch / "stock"
        stock_command = [
            str(Path(sys.executable).parent / "jupyter-book"), "build", str(root),
            "--config", str(config), "--path-output", str(stock_out), "-W", "-n", "--keep-going",
        ]  # fmt: skip
        stock_runs, clean_runs, phases, cpu_parts = [], [], "", ""
        for _ in range(args.repeat):
            shutil.rmtree(stock_out, ignore_errors=True)
            stock_runs.append(timed(stock_command, stamps("stock"))[:2])
            shutil.rmtree(build, ignore_errors=True)
            wall, cpu, out = timed([*ours, "build"], stamps("ours"))
            clean_runs.append((wall, cpu))
            phases, cpu_parts = _phases(out), _phases(out, "book: CPU (s): ")
        # before the previews edit a chapter: the two clean builds, page by page
        differing = [
            page
            for page in build_parts.differing_files(build / "html", stock_out / "_build" / "html")
            if page not in TIMED_PAGES
        ]
        pages = sum(1 for _ in (build / "html").rglob("*.html"))
        where = [
            f"`{page}`: "
            + build_parts.first_difference(
                build / "html" / page, stock_out / "_build" / "html" / page
            )
            for page in differing[:3]
            if page.endswith(".html") and (stock_out / "_build" / "html" / page).exists()
        ]
        preview_environment = environment | {"MSCBOOK_STAMPS_DIR": str(scratch / "stamps/ours")}
        no_change = timed([*ours, "preview"], preview_environment)
        chapter = root / EDITED
        text = chapter.read_text(encoding="utf-8")
        chapter.write_text(text.replace("style.use()", "style.use()  # edited", 1))
        one_edited = timed([*ours, "preview"], preview_environment)
        chapter.write_text(text)
        with tempfile.TemporaryDirectory(prefix="mscbook-preview-") as folder:
            preview_parts = build_parts.sphinx_preview(root, preview_environment, Path(folder))
        same_figures = manifest_hashes(build) == manifest_hashes(stock_out / "_build")
        figures = len(manifest_hashes(build))
        parts = build_parts.measure(root, environment)
        from mscbook.build.execution import notebook_documents

        chapters = len(notebook_documents(root))
        kernels = first_cell.measure(root, runs=args.runs)
        latency = widget_latency()

    stock = _medians(stock_runs)
    clean = _medians(clean_runs)

    def ratio(run, reference) -> str:
        return f"{run[0] / reference[0]:.2f} (CPU {run[1] / reference[1]:.2f})"

    def shown(run) -> str:
        return f"{run[0]:.1f} s | {run[1]:.1f} s"

    rows = [
        ("Stock Jupyter Book (`execute_notebooks: force`), clean", shown(stock), "1.00 × stock"),
        ("Clean `make book` (parallel execution + Sphinx)", shown(clean),
         f"{ratio(clean, stock)} × stock (goal ≤ 0.6, CPU ≤ 0.9)"),
        ("`make preview`, nothing changed", shown(no_change[:2]),
         f"{ratio(no_change, clean)} × clean build (goal ≤ 0.10)"),
        ("`make preview`, one chapter's code edited", shown(one_edited[:2]),
         f"{ratio(one_edited, clean)} × clean build (goal ≤ 0.2)"),
        ("Widget model (`evaluate_sample`), median / p95 of 100 calls",
         f"{latency['model_median']:.2f} / {latency['model_p95']:.2f} ms |", "goal ≤ 50 ms"),
        ("Widget update (type a value → report HTML), median / p95 of 100",
         f"{latency['update_median']:.2f} / {latency['update_p95']:.2f} ms |", "goal ≤ 50 ms"),
    ]  # fmt: skip
    lines = [
        SECTION,
        "",
        f"Measured {datetime.now():%Y-%m-%d %H:%M} on {platform.node() or 'this machine'} "
        f"({os.cpu_count()} cores, Python {platform.python_version()}, load average "
        f"{os.getloadavg()[0]:.1f} at the end) by `make bench`"
        + (f", medians of {args.repeat} clean builds of each kind" if args.repeat > 1 else "")
        + ". Wall = what a user waits; CPU = seconds of CPU used by the command and its "
        "children (kernels included), steadier than wall time on a shared machine.",
        "",
        "| Measure | Wall | CPU | Ratio / goal |",
        "|---|---|---|---|",
        *[f"| {name} | {value} | {goal} |" for name, value, goal in rows],
        "",
        f"Phases of the clean build (s): {phases or 'not printed'}; its CPU (s): "
        f"{cpu_parts or 'not printed'}. Phases of the one-chapter preview (s): "
        f"{_phases(one_edited[2]) or 'not printed'}.",
        "",
        "Figures: the clean build and stock Jupyter Book give "
        + ("identical" if same_figures else "DIFFERENT")
        + f" figure hashes ({figures} figure(s)). Pages: "
        + (
            f"all {pages} identical, files compared byte by byte"
            if not differing
            else f"DIFFERENT: {differing[:8]}; " + "; ".join(where)
        )
        + f" (except {' and '.join(f'`{page}`' for page in TIMED_PAGES)}, which show when and "
        "how long each chapter ran).",
        "",
        *build_parts.lines(parts, chapters=chapters),
        *build_parts.preview_lines(preview_parts),
        *kernel_lines(kernels),
    ]
    write_section("\n".join(lines))
    print("\n".join(lines))


def _medians(runs: list[tuple[float, float]]) -> tuple[float, float]:
    return statistics.median(r[0] for r in runs), statistics.median(r[1] for r in runs)


def _phases(output: str, prefix: str = "book: phases (s): ") -> str:
    found = [line for line in output.splitlines() if line.startswith(prefix)]
    return found[-1].removeprefix(prefix) if found else ""


KERNELS = "### First cell of each chapter"


def kernel_lines(kernels: dict[str, dict]) -> list[str]:
    floor_wall, floor_cpu = kernels["floor"]["warm"]
    lines = [
        KERNELS,
        "",
        "Imports + loading the chapter's tables, in a fresh kernel (kernel start-up not counted), "
        "median of fresh kernels. Warm = the tables' validation stamps exist, as in every build "
        "after its preflight; cold = no stamp (a table edited by hand: it is validated once, "
        "then stamped). Floor = `import pandas, matplotlib.pyplot` alone, measured in the same "
        "loop. Goal: warm ≤ 1.0 s.",
        "",
        "| Chapter | Warm wall | Warm CPU | Cold wall |",
        "|---|---|---|---|",
    ]
    for name, result in kernels.items():
        if name == "floor":
            continue
        wall, cpu = result["warm"]
        lines.append(f"| `{name}` | {wall:.2f} s | {cpu:.2f} s | {result['cold'][0]:.2f} s |")
    lines += [f"| floor (pandas + matplotlib) | {floor_wall:.2f} s | {floor_cpu:.2f} s | |", ""]
    return lines


def write_section(section: str, *, keep_builds: bool = False) -> None:
    """Replace this benchmark's section of RESULTS.md, keeping the others. With `keep_builds`,
    only the first-cell subsection is replaced."""
    text = RESULTS.read_text() if RESULTS.exists() else "# Benchmark results\n\n"
    if keep_builds and KERNELS in text:
        before, _, rest = text.partition(KERNELS)
        after = rest[rest.find("\n## ") + 1 :] if "\n## " in rest else ""
        RESULTS.write_text(before + section.rstrip("\n") + "\n" + ("\n" + after if after else ""))
        return
    if SECTION in text:
        before, _, rest = text.partition(SECTION)
        after = rest[rest.find("\n## ") + 1 :] if "\n## " in rest else ""
        text = before + section + ("\n" + after if after else "")
    else:
        text = text.rstrip("\n") + "\n\n" + section
    RESULTS.write_text(text.rstrip("\n") + "\n")


if __name__ == "__main__":
    main()
