"""Where the build's time goes, part by part (`make bench` calls `measure()` on its copy).

Run after a clean build, on the same copy, so that the execution cache is full:

- **Sphinx alone**, rendering from the cache (no kernel runs): as the `jupyter-book` command runs
  it (what stock pays, besides executing), as the book's build runs it (`--jobs 1`), and with
  Sphinx's parallel reading and writing (`--jobs 2`); whether the two sites are byte-identical.
- **Sphinx's parts**, from one profiled `--jobs 1` run (cProfile slows every Python call, so the
  shares matter more than the seconds): start-up, reading, citations, generated pages, the figure
  audit, writing, the theme's page templates, the search index, the offline checks.
- **Kernel start-up**: a fresh kernel from start to its first reply, then shut down.
- **Inside the chapters**: each chapter profiled in its own fresh Python process (IPython, no
  kernel): imports, loading tables, figures (Matplotlib's PNG, then the 256-colour quantisation)
  and citation tables.
"""

from __future__ import annotations

import filecmp
import os
import pstats
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

#: Profiled functions: (file path ending, function name) → what the row says.
SPHINX_PARTS = {
    ("sphinx/application.py", "__init__"): "start-up: imports, extensions, configuration",
    ("sphinx/builders/__init__.py", "read"): "reading every page (parsing, transforms)",
    ("sphinxcontrib/bibtex/foot_roles.py", "run"): "  of which citations (`{footcite}`)",
    ("mscbook/build/pages.py", "run"): "  of which generated appendix pages",
    ("mscbook/build/audit.py", "audit_doctree"): "  of which the figure audit",
    ("sphinx/builders/__init__.py", "write"): "writing every page",
    ("sphinx/builders/html/__init__.py", "handle_page"): "  of which the theme's page templates",
    ("sphinx/builders/html/__init__.py", "index_page"): "  of which the search index",
    ("mscbook/build/offline.py", "drop_thebe_and_check_assets"): "  of which per-page asset checks",
    ("mscbook/build/offline.py", "size_page_tables"): "  of which table widths",
    ("mscbook/build/explorer.py", "add_table_assets"): "  of which the table explorer's assets",
    ("mscbook/build/offline.py", "check_built_site"): "offline check of the built site",
    ("mscbook/build/audit.py", "write_manifest"): "figure manifest",
    ("pybtex/plugin/__init__.py", "_load_entry_point"): "pybtex plugin look-ups",
}
#: Sphinx after a one-chapter preview: what it does once the chapter's run is cached.
PREVIEW_PARTS = {
    ("sphinx/application.py", "__init__"): "start-up (alongside the execution in a preview)",
    ("sphinx/builders/__init__.py", "read"): "reading the chapter and the pages that list it",
    ("sphinx/environment/__init__.py", "check_dependents"): "numbering figures in every page",
    ("sphinx/builders/__init__.py", "write"): "writing the re-read pages and execution status",
    ("sphinx/builders/html/__init__.py", "dump_search_index"): "the search index",
    ("mscbook/build/offline.py", "check_built_site"): "offline check of the written pages",
}
CHAPTER_PARTS = {
    ("<frozen importlib._bootstrap>", "_find_and_load"): "imports",
    ("mscbook/data.py", "load"): "loading tables (`data.load`)",
    ("mscbook/style.py", "png_bytes"): "figures: PNG for the notebook",
    ("matplotlib/figure.py", "savefig"): "  of which Matplotlib's drawing and PNG",
    ("PIL/Image.py", "quantize"): "  of which the 256-colour quantisation",
    ("mscbook/tables.py", "show"): "tables (`tables.show`)",
    ("mscbook/tables.py", "citation"): "  of which citations",
}
#: Runs one chapter's code cells in a fresh IPython shell under cProfile (argv: chapter, output).
CHAPTER_RUNNER = """
import cProfile, os, sys
import jupytext
from IPython.core.interactiveshell import InteractiveShell
notebook = jupytext.read(sys.argv[1])
os.chdir(os.path.dirname(os.path.abspath(sys.argv[1])))
shell = InteractiveShell.instance()
shell.enable_gui = lambda gui=None: None
shell.run_line_magic("matplotlib", "inline")
profile = cProfile.Profile()
profile.enable()
for cell in notebook.cells:
    if cell.cell_type == "code" and not shell.run_cell(cell.source).success:
        sys.exit(f"cell failed in {sys.argv[1]}")
profile.disable()
profile.dump_stats(sys.argv[2])
"""


def _run(command: list[str], environment: dict[str, str], cwd: Path) -> tuple[float, float]:
    from build_bench import timed

    return timed(command, environment, cwd)[:2]


def _cumulative(stats: pstats.Stats, wanted: dict) -> tuple[dict[str, float], float]:
    """Seconds per row of `wanted` (cumulative, outermost calls only) and the profile's total."""
    found = dict.fromkeys(wanted.values(), 0.0)
    for (filename, _, function), (_, _, _, cumulative, _) in stats.stats.items():
        for (ending, name), label in wanted.items():
            if function == name and filename.replace(os.sep, "/").endswith(ending):
                found[label] += cumulative
    return found, stats.total_tt


def differing_files(first: Path, second: Path) -> list[str]:
    """Files that differ between two built sites (relative paths); [] when identical."""
    differing = []
    for path in sorted(first.rglob("*")):
        if path.is_file():
            twin = second / path.relative_to(first)
            if not twin.is_file() or not filecmp.cmp(path, twin, shallow=False):
                differing.append(path.relative_to(first).as_posix())
    return differing + [
        path.relative_to(second).as_posix()
        for path in sorted(second.rglob("*"))
        if path.is_file() and not (first / path.relative_to(second)).exists()
    ]


def first_difference(first: Path, second: Path, around: int = 60) -> str:
    """Where two versions of a text file first differ: a little of each, side by side."""
    a = first.read_text(encoding="utf-8", errors="replace")
    b = second.read_text(encoding="utf-8", errors="replace")
    pairs = enumerate(zip(a, b, strict=False))  # the shorter text may end first
    at = next((i for i, (x, y) in pairs if x != y), min(len(a), len(b)))
    start = max(0, at - around // 2)
    return f"…{a[start : at + around]!r}… against …{b[start : at + around]!r}…"


def sphinx_alone(root: Path, environment: dict[str, str], scratch: Path) -> dict:
    """Sphinx from the full cache: the jupyter-book command, --jobs 1, --jobs 2, profiled."""
    environment = {k: v for k, v in environment.items() if k != "MSCBOOK_READY_DIR"}
    environment["PYDEVD_DISABLE_FILE_VALIDATION"] = "1"
    html = root / "_build" / "html"
    common = ["build", str(root), "--path-output", str(root), "-W", "-n", "--keep-going", "--all"]
    wrapper = [sys.executable, "-P", "-m", "mscbook.build.jupyter_book"]
    runs = {
        "stock": [str(Path(sys.executable).parent / "jupyter-book"), *common],
        "jobs 1": [*wrapper, "--jobs", "1", *common],
        "jobs 2": [*wrapper, "--jobs", "2", *common],
    }
    results, sites = {}, {}
    for name, command in runs.items():
        results[name] = _run(command, environment, root)
        sites[name] = scratch / f"site-{name.replace(' ', '-')}"
        shutil.copytree(html, sites[name])
    profile = scratch / "sphinx.prof"
    _run(
        [sys.executable, "-P", "-m", "cProfile", "-o", str(profile), *wrapper[2:], *common],
        environment,
        root,
    )
    parts, total = _cumulative(pstats.Stats(str(profile)), SPHINX_PARTS)
    return {
        "runs": results,
        "jobs_differ": differing_files(sites["jobs 1"], sites["jobs 2"]),
        "parts": parts,
        "profiled_total": total,
    }


def sphinx_preview(root: Path, environment: dict[str, str], scratch: Path) -> dict:
    """Sphinx's part of a one-chapter preview, profiled: run right after the benchmark's preview
    put the edited chapter back, so that Sphinx re-reads it from the cache (no kernel runs)."""
    environment = {k: v for k, v in environment.items() if k != "MSCBOOK_READY_DIR"}
    environment["PYDEVD_DISABLE_FILE_VALIDATION"] = "1"
    profile = scratch / "preview.prof"
    command = [
        sys.executable, "-P", "-m", "cProfile", "-o", str(profile), "-m",
        "mscbook.build.jupyter_book", "build", str(root), "--path-output", str(root),
        "-W", "-n", "--keep-going",
    ]  # fmt: skip
    _run(command, environment, root)
    parts, total = _cumulative(pstats.Stats(str(profile)), PREVIEW_PARTS)
    return {"parts": parts, "profiled_total": total}


def kernel_start_up(runs: int = 5) -> tuple[float, float]:
    """Median (wall s, kernel CPU s) from starting a kernel to its first reply."""
    from jupyter_client.manager import start_new_kernel

    walls, cpus = [], []
    for _ in range(runs):
        started = time.perf_counter()
        manager, client = start_new_kernel(kernel_name="python3")
        printed: list[str] = []

        def keep(message, printed=printed) -> None:
            if message["msg_type"] == "stream":
                printed.append(message["content"]["text"])

        try:
            client.execute_interactive(
                "import time; print(time.process_time())", timeout=60, output_hook=keep
            )
            walls.append(time.perf_counter() - started)
            cpus.append(float("".join(printed)))
        finally:
            client.stop_channels()
            manager.shutdown_kernel(now=True)
    return statistics.median(walls), statistics.median(cpus)


def inside_chapters(root: Path, scratch: Path) -> tuple[dict[str, float], float]:
    """Seconds per part summed over every chapter, each profiled in a fresh process."""
    sys.path.insert(0, str(root))
    from mscbook.build.execution import notebook_documents

    runner = scratch / "run_chapter.py"
    runner.write_text(CHAPTER_RUNNER)
    totals = dict.fromkeys(CHAPTER_PARTS.values(), 0.0)
    overall = 0.0
    for chapter in notebook_documents(root):
        output = scratch / f"{chapter.stem}.prof"
        run = [sys.executable, str(runner), str(chapter), str(output)]
        result = subprocess.run(run, capture_output=True, text=True)  # the chapter's own output
        if result.returncode != 0:
            sys.exit(f"profiling {chapter} failed:\n{result.stdout}\n{result.stderr}")
        found, total = _cumulative(pstats.Stats(str(output)), CHAPTER_PARTS)
        for label, seconds in found.items():
            totals[label] += seconds
        overall += total
    return totals, overall


def measure(root: Path, environment: dict[str, str]) -> dict:
    with tempfile.TemporaryDirectory(prefix="mscbook-parts-") as folder:
        scratch = Path(folder)
        return {
            "sphinx": sphinx_alone(root, environment, scratch),
            "kernel": kernel_start_up(),
            "chapters": inside_chapters(root, scratch),
        }


def preview_lines(preview: dict) -> list[str]:
    total = preview["profiled_total"]
    out = [
        f"**Sphinx in a one-chapter preview**, profiled ({total:.1f} s under cProfile; the "
        "start-up runs while the chapter executes, the rest after it):",
        "",
        "| Part | Profiled seconds | Share |",
        "|---|---|---|",
    ]
    for label, seconds in preview["parts"].items():
        out.append(f"| {label} | {seconds:.2f} | {seconds / total:.0%} |")
    return [*out, ""]


def lines(parts: dict, chapters: int) -> list[str]:
    """The RESULTS.md subsection."""
    sphinx = parts["sphinx"]
    stock, one, two = (sphinx["runs"][name] for name in ("stock", "jobs 1", "jobs 2"))
    differ = sphinx["jobs_differ"]
    kernel_wall, kernel_cpu = parts["kernel"]
    inside, inside_total = parts["chapters"]
    out = [
        "### Where the time goes",
        "",
        "Measured on the same copy right after the clean builds (`benchmarks/build_parts.py`).",
        "",
        "**Sphinx alone**, rendering every page from the full execution cache (no kernel runs):",
        "",
        "| Sphinx run | Wall | CPU |",
        "|---|---|---|",
        f"| as the `jupyter-book` command runs it | {stock[0]:.1f} s | {stock[1]:.1f} s |",
        f"| as the book's build runs it (`--jobs 1`) | {one[0]:.1f} s | {one[1]:.1f} s |",
        f"| with parallel reading and writing (`--jobs 2`) | {two[0]:.1f} s | {two[1]:.1f} s |",
        "",
        "The `--jobs 2` site is "
        + ("byte-identical to the serial one" if not differ else f"DIFFERENT in {differ[:5]}")
        + f"; it changes the wall time by {two[0] - one[0]:+.1f} s and costs "
        f"{two[1] - one[1]:+.1f} s of CPU, so the build reads and writes serially. The build's "
        "own `jupyter-book` (`mscbook.build.jupyter_book`) differs from the command only in "
        "what it does not do: importing `rfc3987_syntax`, repeating pybtex's plugin "
        "look-ups, and formatting a cited entry again for each citation of it.",
        "",
        f"**Sphinx's parts**, one profiled `--jobs 1` run ({sphinx['profiled_total']:.1f} s "
        "under cProfile):",
        "",
        "| Part | Profiled seconds | Share |",
        "|---|---|---|",
    ]
    total = sphinx["profiled_total"]
    for label, seconds in sphinx["parts"].items():
        out.append(f"| {label} | {seconds:.2f} | {seconds / total:.0%} |")
    out += [
        "",
        f"**Kernel start-up**: {kernel_wall:.2f} s from starting a fresh kernel to its first "
        f"reply (median of 5; {kernel_cpu:.2f} s of the kernel's CPU), paid once per chapter: "
        f"about {chapters * kernel_wall:.0f} s for {chapters} chapters, by stock Jupyter Book "
        "and by this build alike.",
        "",
        f"**Inside the chapters**, each profiled in a fresh process ({inside_total:.1f} s for "
        f"all {chapters}, under cProfile):",
        "",
        "| Part | Profiled seconds | Share |",
        "|---|---|---|",
    ]
    for label, seconds in inside.items():
        out.append(f"| {label} | {seconds:.2f} | {seconds / inside_total:.0%} |")
    return [*out, ""]
