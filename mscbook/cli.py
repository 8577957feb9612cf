"""Command line: `python -m mscbook COMMAND`. Run with `--help` for the list."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from mscbook import data
from mscbook.build import checks
from mscbook.build.book import build_book

#: JupyterLab settings so that a click on a chapter `.md` opens it as a notebook (jupytext).
LAB_OVERRIDES = {
    "@jupyterlab/docmanager-extension:plugin": {
        "defaultViewers": {"markdown": "Jupytext Notebook", "myst": "Jupytext Notebook"}
    }
}


def build(args: argparse.Namespace) -> int:
    """Validate the data, re-execute every chapter and build the HTML with warnings as errors."""
    return build_book(official=True)


def preview(args: argparse.Namespace) -> int:
    """Rebuild for authors: execute only chapters whose code or inputs changed, then render."""
    return build_book(official=False)


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


def student(args: argparse.Namespace) -> int:
    """Build the student edition (every solution removed) into _build/student/html."""
    from mscbook.build.student import build_student

    return build_student()


def student_lab(args: argparse.Namespace) -> int:
    """Write the student notebooks (no solutions) and assignments for JupyterLab to _build/lab/."""
    from mscbook.build.lab import make_lab

    return make_lab()


def export_assignments(args: argparse.Namespace) -> int:
    """Write one assignment notebook and one answer key per chapter to _build/assignments/."""
    from mscbook.build.assignments import export

    return export(chapter=args.chapter)


def export_nbgrader(args: argparse.Namespace) -> int:
    """Write an nbgrader course directory (config and one source assignment per chapter)."""
    from mscbook.build.nbgrader import export

    return export(Path(args.out), chapters=args.chapter)


def format_chapters(args: argparse.Namespace) -> int:
    """Put every chapter in the form jupytext writes back (so opening one changes nothing)."""
    from mscbook.build.chapter_format import format_chapters as rewrite

    for path in rewrite():
        print(f"reformatted {path}")
    return 0


COMMANDS = {
    "build": build,
    "preview": preview,
    "validate-data": validate_data,
    "lab-settings": lab_settings,
    "student": student,
    "student-lab": student_lab,
    "export-assignments": export_assignments,
    "export-nbgrader": export_nbgrader,
    "format-chapters": format_chapters,
}
#: Options of the commands that take any: command → [(flag, add_argument keywords)].
OPTIONS = {
    "export-assignments": [
        ("--chapter", {"help": "only this chapter, e.g. what-is-an-msc (default: all)"})
    ],
    "export-nbgrader": [
        ("--out", {"required": True, "help": "the course directory to write (made if missing)"}),
        (
            "--chapter",
            {
                "action": "append",
                "help": "only this chapter, e.g. what-is-an-msc (repeat for more; default: all)",
            },
        ),
    ],
}


def main(argv: list[str] | None = None) -> int:
    from mscbook.build.jupyter_book import skip_slow_optional_imports

    skip_slow_optional_imports()  # seconds saved in every process of the build
    parser = argparse.ArgumentParser(prog="python -m mscbook", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    for name, function in COMMANDS.items():
        command = commands.add_parser(name, help=function.__doc__.splitlines()[0])
        for flag, options in OPTIONS.get(name, []):
            command.add_argument(flag, **options)
    args = parser.parse_args(argv)
    return COMMANDS[args.command](args)
