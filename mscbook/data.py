"""The only reader of `data/`: load a table, validated against `data/datapackage.json`.

Validation uses Frictionless (Table Schema): types, required cells, allowed values, ranges,
primary keys and missing or extra columns. On top of it, every `source` cell must name keys
that exist in `references.bib`. Any problem stops the load with one message that lists every
offending cell by file, line, column and value; nothing is skipped or coerced.

Validation is paid once per content, not once per kernel. A table that passed leaves a stamp: an
empty file named by the SHA-256 of exactly the bytes that passed (the CSV, `datapackage.json`,
`references.bib`, this module and `references.py`, which do the checking, and the Frictionless
version). `load()` skips validation only when that stamp exists; change one byte of any of them
and it validates again, with the same file/line/column message. Stamps are content-addressed, so
one folder serves every build (the book, the student edition built from copies of the sources, a
student's kernel): `<venv>/share/mscbook-validated/`, or MSCBOOK_STAMPS_DIR. `validate_all()`
(the preflight of `make book`, `python -m mscbook validate-data`) always validates and writes the
stamps; `make preview` and the student edition trust them.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import sys
import tempfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pandas as pd

from mscbook.paths import bibliography_path, book_root, data_dir

SOURCE_FIELD = "source"
#: Environment variable that moves the validation stamps (default: <venv>/share/mscbook-validated).
STAMPS_ENV = "MSCBOOK_STAMPS_DIR"
#: The code whose verdict a stamp records: a change in it invalidates every stamp.
_VALIDATION_CODE = (Path(__file__), Path(__file__).with_name("references.py"))

# Frictionless's default true/false spellings; validation has already rejected any other.
_BOOLEANS = {
    "true": True,
    "True": True,
    "TRUE": True,
    "1": True,
    "false": False,
    "False": False,
    "FALSE": False,
    "0": False,
}
_PANDAS_TYPES = {"integer": "Int64", "number": "float64", "boolean": "boolean"}


class DataValidationError(ValueError):
    """A data file does not match its schema; the message names every bad cell."""

    def __init__(self, file: str, problems: list[Problem]):
        self.file = file
        self.problems = problems
        lines = [f"{file}: {len(problems)} problem(s) — fix the file, nothing was loaded:"]
        lines += [f"  - {problem}" for problem in problems]
        super().__init__("\n".join(lines))


@dataclass(frozen=True)
class Problem:
    """One invalid cell, header or row. `line` is the CSV line (the header is line 1)."""

    file: str
    line: int | None
    column: str | None
    value: str | None
    message: str

    def __str__(self) -> str:
        where = [self.file]
        if self.line is not None:
            where.append(f"line {self.line}")
        if self.column is not None:
            where.append(f"column '{self.column}'")
        shown = "" if self.value is None else f" (value {self.value!r})"
        return f"{', '.join(where)}: {self.message}{shown}"


def table_names(root: Path | None = None) -> list[str]:
    """Names of all tables described in the data package."""
    return [resource["name"] for resource in _descriptor(root)["resources"]]


def schema(name: str, root: Path | None = None) -> dict:
    """The resource descriptor of one table (path, description, schema with field units)."""
    for resource in _descriptor(root)["resources"]:
        if resource["name"] == name:
            return resource
    raise KeyError(
        f"No table named {name!r} in {data_dir(root) / 'datapackage.json'}; "
        f"known tables: {', '.join(table_names(root))}"
    )


def load(name: str, root: Path | None = None, *, revalidate: bool = False) -> pd.DataFrame:
    """Load table `name` from `data/` after validating it; raise DataValidationError if invalid.

    Validation is skipped when a stamp proves that exactly these bytes passed before (see the
    module's docstring); `revalidate=True` validates regardless. The frame's
    `attrs["data_files"]` records the file it came from, so figures can cite it.
    """
    root = root or book_root()
    resource = schema(name, root)
    path = data_dir(root) / resource["path"]
    shown = _display_path(path, root)
    stamp = None if not path.exists() else _stamp_path(path, root)
    if revalidate or stamp is None or not stamp.exists():
        validate(resource, path, root, shown)
        if stamp is not None:
            _write_stamp(stamp, shown)
    frame = _read(path, resource["schema"])
    frame.attrs["data_files"] = (shown,)
    return frame


def validate(resource: dict, path: Path, root: Path, shown: str) -> None:
    """Check one table against its schema and the bibliography; raise DataValidationError."""
    problems = _header_problems(resource, path, shown)
    if not problems:  # row checks are meaningless when the columns do not line up
        problems = _schema_problems(resource, root, shown) + _source_problems(
            resource, path, root, shown
        )
    if problems:
        raise DataValidationError(shown, problems)


def validate_all(root: Path | None = None, *, revalidate: bool = True) -> dict[str, int]:
    """Validate and load every table and write their stamps; return row counts.

    By default every stamp is ignored; `revalidate=False` (the preview build) trusts them.
    Raises on the first invalid table.
    """
    return {name: len(load(name, root, revalidate=revalidate)) for name in table_names(root)}


def stamps_dir() -> Path:
    """Where validation stamps live (content-addressed, shared by every build)."""
    override = os.environ.get(STAMPS_ENV)
    if override:
        return Path(override).resolve()
    return Path(sys.prefix) / "share" / "mscbook-validated"


@cache
def _code_digest() -> bytes:
    from importlib.metadata import version

    digest = hashlib.sha256(version("frictionless").encode())
    for module in _VALIDATION_CODE:
        digest.update(module.read_bytes())
    return digest.digest()


def stamp_key(path: Path, root: Path) -> str:
    """SHA-256 of everything a table's verdict depends on: its bytes, the schema of every table,
    the bibliography and the validation code."""
    digest = hashlib.sha256(_code_digest())
    bibliography = bibliography_path(root)
    for part in (path, data_dir(root) / "datapackage.json", bibliography):
        digest.update(part.name.encode() + b"\0")
        digest.update(part.read_bytes() if part.exists() else b"<missing>")
        digest.update(b"\0")
    return digest.hexdigest()


def _stamp_path(path: Path, root: Path) -> Path:
    return stamps_dir() / stamp_key(path, root)


def _write_stamp(stamp: Path, shown: str) -> None:
    """Record a pass; silently skipped where the folder cannot be written (validation then
    simply runs every time)."""
    try:
        stamp.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=stamp.parent, prefix=".stamp-")
        with os.fdopen(handle, "w") as out:
            out.write(f"{shown}\n")
        os.replace(temporary, stamp)  # atomic: parallel kernels may write the same stamp
    except OSError:
        pass


def _descriptor(root: Path | None) -> dict:
    return json.loads((data_dir(root) / "datapackage.json").read_text(encoding="utf-8"))


def _display_path(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)


def _header_problems(resource: dict, path: Path, shown: str) -> list[Problem]:
    """Compare the header with the schema by name, so one missing column is one message."""
    if not path.exists():
        return [Problem(shown, None, None, None, "file not found")]
    with path.open(encoding="utf-8", newline="") as handle:
        header = next(csv.reader(handle), [])
    expected = [field["name"] for field in resource["schema"]["fields"]]
    problems = [
        Problem(shown, 1, name, None, "column is missing from the header")
        for name in expected
        if name not in header
    ]
    problems += [
        Problem(shown, 1, name, None, "column is not described in data/datapackage.json")
        for name in header
        if name not in expected
    ]
    if not problems and header != expected:
        problems.append(
            Problem(shown, 1, None, None, f"columns must be in schema order: {', '.join(expected)}")
        )
    return problems


def _schema_problems(resource: dict, root: Path, shown: str) -> list[Problem]:
    from frictionless import Resource  # slow import, needed only here

    table = Resource(dict(resource), basepath=str(data_dir(root)))
    report = table.validate(limit_errors=10_000)
    fields = {field["name"]: field for field in resource["schema"]["fields"]}
    primary_key = resource["schema"].get("primaryKey", [])
    problems = []
    for task in report.tasks:
        for error in task.errors:
            column = getattr(error, "field_name", None)
            value = getattr(error, "cell", None)
            if error.type == "primary-key":
                column = ", ".join(primary_key)
                value = ", ".join(str(cell) for cell in error.cells[: len(primary_key)])
            problems.append(
                Problem(
                    file=shown,
                    line=getattr(error, "row_number", None),
                    column=column,
                    value=value,
                    message=_plain_message(error, fields.get(column or "", {})),
                )
            )
    problems += [Problem(shown, None, None, None, error.message) for error in report.errors]
    return problems


def _plain_message(error, field: dict) -> str:
    """Frictionless notes reworded for an author who is fixing a CSV by hand."""
    constraints = field.get("constraints", {})
    note = getattr(error, "note", "") or ""
    if error.type == "type-error":
        return f"not a valid {field.get('type', 'value')}"
    if error.type == "primary-key":
        return "duplicate id: another row already uses it"
    if error.type in ("constraint-error", "required-value"):
        if "required" in note or error.type == "required-value":
            return "required cell is empty"
        if '"enum"' in note:
            return f"not an allowed value (allowed: {', '.join(map(str, constraints['enum']))})"
        if '"minimum"' in note:
            return f"below the minimum {constraints['minimum']}"
        if '"maximum"' in note:
            return f"above the maximum {constraints['maximum']}"
        if '"pattern"' in note:
            return f"does not match the pattern {constraints['pattern']}"
    if error.type == "extra-cell":
        return "row has more cells than the header"
    if error.type == "missing-cell":
        return "row has fewer cells than the header"
    return error.message


def _source_problems(resource: dict, path: Path, root: Path, shown: str) -> list[Problem]:
    fields = {field["name"] for field in resource["schema"]["fields"]}
    if SOURCE_FIELD not in fields:
        return []
    from mscbook.references import load_references, split_keys  # pybtex, needed only here

    known = load_references(bibliography_path(root))
    problems = []
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        for row in reader:
            for key in split_keys(row.get(SOURCE_FIELD) or ""):
                if key not in known:
                    problems.append(
                        Problem(
                            shown,
                            reader.line_num,
                            SOURCE_FIELD,
                            key,
                            "unknown citation key: add it to references.bib or fix the key",
                        )
                    )
    return problems


def _read(path: Path, table_schema: dict) -> pd.DataFrame:
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    for field in table_schema["fields"]:
        name, kind = field["name"], field.get("type", "string")
        column = frame[name].replace("", pd.NA)
        frame[name] = pd.to_numeric(column) if kind in ("integer", "number") else column
        if kind in _PANDAS_TYPES:
            if kind == "boolean":
                frame[name] = column.map(_BOOLEANS, na_action="ignore")
            frame[name] = frame[name].astype(_PANDAS_TYPES[kind])
    return frame
