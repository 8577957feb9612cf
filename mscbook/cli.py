"""Command line: `python -m mscbook COMMAND`. Run with `--help` for the list."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

from mscbook import checks, data
from mscbook.audit import MANIFEST_NAME
from mscbook.paths import book_root, build_dir

#: JupyterLab settings so that a click on a chapter `.md` opens it as a notebook (jupytext).
LAB_OVERRIDES = {
    "@jupyterlab/docmanager-extension:plugin": {
        "defaultViewers": {"markdown": "Jupytext Notebook", "myst": "Jupytext Notebook"}
    }
}


def build(args: argparse.Namespace) -> int:
    """Validate the data, re-execute every chapter and build the HTML with warnings as errors."""
    root = book_root()
    try:
        counts = checks.check_all(root)
    except data.DataValidationError as error:
        print(f"book: not built, the data is invalid.\n{error}", file=sys.stderr)
        return 1
    print(f"data: {len(counts)} table(s) valid ({sum(counts.values())} rows)")
    started = time.perf_counter()
    command = [
        str(Path(sys.executable).parent / "jupyter-book"), "build", str(root),
        "--path-output", str(build_dir(root).parent), "--all", "-W", "-n", "--keep-going",
    ]  # fmt: skip
    environment = os.environ | {"PYDEVD_DISABLE_FILE_VALIDATION": "1"}
    completed = subprocess.run(command, cwd=root, env=environment, check=False)
    if completed.returncode != 0:
        print("book: build FAILED (see the warnings above; execution reports are in "
              "_build/html/reports/)", file=sys.stderr)  # fmt: skip
        return completed.returncode
    html_dir = build_dir(root) / "html"
    manifest = json.loads((html_dir / MANIFEST_NAME).read_text(encoding="utf-8"))
    print(f"book: built in {time.perf_counter() - started:.0f} s; "
          f"{len(manifest['figures'])} figure(s) audited ({html_dir / MANIFEST_NAME})")  # fmt: skip
    print(html_dir / "index.html")
    return 0


def validate_data(args: argparse.Namespace) -> int:
    """Validate every table in data/ (schema, citations, cross-table rules)."""
    try:
        counts = checks.check_all()
    except data.DataValidationError as error:
        print(error, file=sys.stderr)
        return 1
    for name, rows in counts.items():
        print(f"{name}: {rows} rows, valid")
    return 0


def lab_settings(args: argparse.Namespace) -> int:
    """Make JupyterLab (in this environment) open chapter .md files as notebooks."""
    target = Path(sys.prefix, "share", "jupyter", "lab", "settings", "overrides.json")
    target.parent.mkdir(parents=True, exist_ok=True)
    settings = json.loads(target.read_text()) if target.exists() else {}
    settings.update(LAB_OVERRIDES)
    target.write_text(json.dumps(settings, indent=2) + "\n")
    print(f"JupyterLab: .md files open as notebooks ({target})")
    return 0


COMMANDS = {"build": build, "validate-data": validate_data, "lab-settings": lab_settings}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m mscbook", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    for name, function in COMMANDS.items():
        commands.add_parser(name, help=function.__doc__.splitlines()[0])
    args = parser.parse_args(argv)
    return COMMANDS[args.command](args)
