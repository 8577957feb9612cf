"""Cross-table and bibliography rules for `data/` that a per-table schema cannot express.

`mscbook.data.load` validates one table against its schema. The rules here look across tables and
into `references.bib`: outcomes point at existing trials and arms, events never exceed totals,
percentages stay within 0-100, intervals are ordered, every bibliography entry is traceable (DOI,
PMID, registry or regulator id, with valid syntax, and a `note` on what it was checked against)
and used by a data row or a chapter citation. Approved products: partial dates are real dates
and not in the future, withdrawals carry a date and an explanation, and `primary_confirmed` agrees
with what the row was checked against. Each problem names file, line, column and value, like
`load`.
"""

from __future__ import annotations

import csv
import datetime
import hashlib
import json
import re
from collections.abc import Iterator
from pathlib import Path

from mscbook.data import (
    DataValidationError,
    Problem,
    load,
    schema,
    stamps_dir,
    table_names,
    validate_all,
)
from mscbook.paths import bibliography_path, book_root, data_dir
from mscbook.references import (
    DOI_PATTERN,
    PMID_PATTERN,
    REGISTRY_PATTERN,
    REGULATOR_ID_PATTERN,
    URL_PATTERN,
    load_references,
    split_keys,
)

CITE_ROLE = re.compile(r"\{(?:foot)?cite(?::[a-z]+)?\}`([^`]*)`")


def _rows(name: str, root: Path) -> Iterator[tuple[int, dict[str, str]]]:
    """Raw rows of a table with their CSV line numbers (header = line 1)."""
    path = data_dir(root) / schema(name, root)["path"]
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        for row in reader:
            yield reader.line_num, row


def _shown(name: str, root: Path) -> str:
    return f"data/{schema(name, root)['path']}"


def _num(value: str | None) -> float | None:
    return float(value) if value not in (None, "") else None


def referential_problems(root: Path) -> list[Problem]:
    """trial_arms -> trials, trial_outcomes -> trials and trial_arms."""
    trials = {row["trial_id"] for _, row in _rows("trials", root)}
    arms = {(row["trial_id"], row["arm_id"]) for _, row in _rows("trial_arms", root)}
    problems = []
    for line, row in _rows("trial_arms", root):
        if row["trial_id"] not in trials:
            problems.append(
                Problem(
                    _shown("trial_arms", root),
                    line,
                    "trial_id",
                    row["trial_id"],
                    "no such trial in data/trials.csv",
                )
            )
    shown = _shown("trial_outcomes", root)
    for line, row in _rows("trial_outcomes", root):
        if row["trial_id"] not in trials:
            problems.append(
                Problem(
                    shown, line, "trial_id", row["trial_id"], "no such trial in data/trials.csv"
                )
            )
            continue
        for column in ("arm_id", "comparator_arm_id"):
            if row[column] and (row["trial_id"], row[column]) not in arms:
                problems.append(
                    Problem(
                        shown,
                        line,
                        column,
                        row[column],
                        f"no arm with this id for trial {row['trial_id']!r} in data/trial_arms.csv",
                    )
                )
    return problems


def range_problems(root: Path) -> list[Problem]:
    """events <= total, 0 <= % <= 100, ordered intervals and ranges."""
    problems = []
    shown = _shown("trial_outcomes", root)
    for line, row in _rows("trial_outcomes", root):
        events, total, value = _num(row["events"]), _num(row["total"]), _num(row["value"])
        if events is not None and total is not None and events > total:
            problems.append(
                Problem(
                    shown,
                    line,
                    "events",
                    row["events"],
                    f"more events than the total ({row['total']})",
                )
            )
        if row["value_unit"] == "%" and value is not None and not 0 <= value <= 100:
            problems.append(
                Problem(
                    shown, line, "value", row["value"], "a percentage must lie between 0 and 100"
                )
            )
        for low, mid, high in (
            ("ci_low", "value", "ci_high"),
            ("effect_ci_low", "effect_value", "effect_ci_high"),
        ):
            bounds = [_num(row[c]) for c in (low, mid, high)]
            present = [b for b in bounds if b is not None]
            if present != sorted(present):
                problems.append(
                    Problem(
                        shown,
                        line,
                        mid,
                        row[mid],
                        f"interval out of order: {low} <= {mid} <= {high} must hold ({row[low]}, "
                        f"{row[mid]}, {row[high]})",
                    )
                )
    pairs = {
        "trial_arms": [("dose_value", "dose_value_max")],
        "trials": [("doses_number", "doses_number_max")],
        "msc_sources": [("value_low", "value_high")],
        "epidemiology": [("value", "value_high"), ("ci_low", "ci_high")],
    }
    for name, columns in pairs.items():
        for line, row in _rows(name, root):
            for low, high in columns:
                if (
                    _num(row[low]) is not None
                    and _num(row[high]) is not None
                    and _num(row[high]) < _num(row[low])
                ):
                    problems.append(
                        Problem(
                            _shown(name, root),
                            line,
                            high,
                            row[high],
                            f"upper bound is below {low} ({row[low]})",
                        )
                    )
    for line, row in _rows("epidemiology", root):
        if row["unit"] == "%" and not 0 <= (_num(row["value_high"]) or _num(row["value"])) <= 100:
            problems.append(
                Problem(
                    _shown("epidemiology", root),
                    line,
                    "value",
                    row["value"],
                    "a percentage must lie between 0 and 100",
                )
            )
    return problems


def glossary_problems(root: Path) -> list[Problem]:
    """related_terms must name existing glossary terms."""
    rows = list(_rows("glossary", root))
    terms = {row["term_id"] for _, row in rows}
    return [
        Problem(
            _shown("glossary", root), line, "related_terms", key, "no glossary term with this id"
        )
        for line, row in rows
        for key in split_keys(row["related_terms"] or "")
        if key not in terms
    ]


# What confirms that an approval happened (as opposed to a review table that lists it).
APPROVAL_CONFIRMATIONS = {"regulator record", "press release", "company data", "news report"}
ENDED_STATUSES = {"withdrawn", "lapsed"}


def _partial_date(value: str) -> datetime.date | None:
    """'2018', '2018-03' or '2018-03-23' -> the earliest day it can mean; None if not a date."""
    parts = value.split("-")
    try:
        numbers = [int(part) for part in parts] + [1] * (3 - len(parts))
        return datetime.date(*numbers)
    except (TypeError, ValueError):
        return None


def approved_products_problems(root: Path, today: datetime.date | None = None) -> list[Problem]:
    """Dates are real and not in the future; status_date not before approval; withdrawn or lapsed
    rows say when and why, in-force rows which dated record shows it (not_checked rows carry no
    date); primary_confirmed is true exactly when a regulator record, press
    release, company data or news report (not only a review table) was checked."""
    today = today or datetime.date.today()
    shown = _shown("approved_products", root)
    problems = []
    for line, row in _rows("approved_products", root):
        dates = {}
        for column in ("approval_date", "status_date"):
            if not row[column]:
                continue
            dates[column] = _partial_date(row[column])
            if dates[column] is None:
                problems.append(Problem(shown, line, column, row[column], "not a calendar date"))
            elif dates[column] > today:
                problems.append(Problem(shown, line, column, row[column], "date is in the future"))
        approved, status = dates.get("approval_date"), dates.get("status_date")
        if approved and status and status < approved:
            problems.append(
                Problem(
                    shown,
                    line,
                    "status_date",
                    row["status_date"],
                    f"status date is before the approval date ({row['approval_date']})",
                )
            )
        if row["status"] in ENDED_STATUSES | {"in_force"}:
            what = (
                "say when and why"
                if row["status"] in ENDED_STATUSES
                else "say which dated regulator record, holder announcement or company report "
                "shows it in force"
            )
            for column in ("status_date", "status_note"):
                if not row[column]:
                    problems.append(
                        Problem(
                            shown,
                            line,
                            column,
                            row[column],
                            f"required when status is {row['status']!r}: {what}",
                        )
                    )
        elif row["status"] == "not_checked" and row["status_date"]:
            problems.append(
                Problem(
                    shown,
                    line,
                    "status_date",
                    row["status_date"],
                    "a status that was not checked has no date: leave status_date empty",
                )
            )
        checked = {item.strip() for item in row["verified_against"].split(";")}
        confirmed = bool(checked & APPROVAL_CONFIRMATIONS)
        if (
            row["primary_confirmed"] in ("true", "false")
            and (row["primary_confirmed"] == "true") != confirmed
        ):
            problems.append(
                Problem(
                    shown,
                    line,
                    "primary_confirmed",
                    row["primary_confirmed"],
                    "must be true exactly when verified_against names a regulator record, press "
                    "release, company data or news report, not only review tables or papers "
                    f"(verified_against is {row['verified_against']!r})",
                )
            )
    return problems


#: (field, pattern, what a valid value looks like) for the identifiers of a bibliography entry.
IDENTIFIER_RULES = (
    ("doi", DOI_PATTERN, "not a DOI (expected 10.NNNN/suffix, without 'doi:' or a URL)"),
    ("pmid", PMID_PATTERN, "a PMID is digits only"),
    ("registry", REGISTRY_PATTERN, "not a registry id (e.g. NCT01234567)"),
    (
        "regulator_id",
        REGULATOR_ID_PATTERN,
        "not a regulator record id (an EMA product number such as EMEA/H/C/004258, or an FDA "
        "BLA number such as BLA 125000)",
    ),
    ("url", URL_PATTERN, "not an https address of the publisher's page"),
)


def bibliography_problems(root: Path) -> list[Problem]:
    """Every entry: DOI, PMID, registry or regulator id with valid syntax; a `checked` record."""
    problems = []
    for key, reference in load_references(bibliography_path(root)).items():
        where = ("references.bib", reference.line)
        if reference.identifier is None:
            problems.append(
                Problem(
                    *where,
                    "doi",
                    key,
                    "entry has no doi, pmid, registry, regulator_id or url: "
                    "a reader cannot trace it",
                )
            )
        for field, pattern, expected in IDENTIFIER_RULES:
            value = getattr(reference, field)
            if value and not pattern.match(value):
                problems.append(Problem(*where, field, value, f"entry {key!r}: {expected}"))
        if not reference.checked:
            problems.append(
                Problem(
                    *where,
                    "checked",
                    key,
                    "entry has no `checked` record of what it was checked against",
                )
            )
    return problems


def cited_keys(root: Path) -> dict[str, str]:
    """Keys cited by data `source` columns and by {cite}/{footcite} roles (any :p/:t variant) in
    chapters and intro.md -> where."""
    used: dict[str, str] = {}
    for name in table_names(root):
        fields = {field["name"] for field in schema(name, root)["schema"]["fields"]}
        if "source" not in fields:
            continue
        for _, row in _rows(name, root):
            for key in split_keys(row["source"] or ""):
                used.setdefault(key, _shown(name, root))
    pages = sorted((root / "chapters").glob("**/*.md")) + [root / "intro.md"]
    for page in pages:
        if page.exists():
            for match in CITE_ROLE.finditer(page.read_text(encoding="utf-8")):
                for key in match.group(1).split(","):
                    used.setdefault(key.strip(), page.relative_to(root).as_posix())
    return used


def unused_reference_problems(root: Path) -> list[Problem]:
    used = cited_keys(root)
    entries = load_references(bibliography_path(root))
    return [
        Problem(
            "references.bib",
            None,
            "key",
            key,
            "entry is cited by no data row and no chapter: cite it or remove it",
        )
        for key in entries
        if key not in used
    ]


def secretome_problems(root: Path) -> list[Problem]:
    """A secretome `value` comes with its unit and meaning; a unit or meaning needs a value."""
    shown, problems = _shown("secretome", root), []
    for line, row in _rows("secretome", root):
        has_value = row.get("value", "") != ""
        for column in ("value_unit", "value_meaning"):
            if has_value and not row.get(column):
                problems.append(
                    Problem(shown, line, column, "", "a value needs its unit and meaning")
                )
            if not has_value and row.get(column):
                problems.append(
                    Problem(shown, line, column, row[column], "no value for this to describe")
                )
    return problems


def cross_table_problems(root: Path | None = None) -> list[Problem]:
    root = root or book_root()
    return (
        referential_problems(root)
        + range_problems(root)
        + glossary_problems(root)
        + secretome_problems(root)
        + approved_products_problems(root)
        + bibliography_problems(root)
        + unused_reference_problems(root)
    )


def check_all(root: Path | None = None, *, revalidate: bool = True) -> dict[str, int]:
    """Validate every table (mscbook.data.validate_all), then the cross-table rules; raise on
    any problem; return each table's row count.

    `revalidate=False` (the preview) trusts stamps: when every check passed today on exactly
    these files (all of data/, references.bib and mscbook/, which holds the checks), the counts
    recorded then are returned; otherwise each table's own validation stamp still counts.
    """
    root = root or book_root()
    stamp = _passed_stamp(root)
    if not revalidate and stamp.is_file():
        return json.loads(stamp.read_text(encoding="utf-8"))
    counts = validate_all(root, revalidate=revalidate)
    problems = cross_table_problems(root)
    if problems:
        raise DataValidationError("data/ and references.bib (cross-table checks)", problems)
    try:
        stamp.parent.mkdir(parents=True, exist_ok=True)
        stamp.write_text(json.dumps(counts), encoding="utf-8")
    except OSError:  # an unwritable stamp folder: the checks simply run every time
        pass
    return counts


def _passed_stamp(root: Path) -> Path:
    """Where a pass of every check on these exact files is recorded. Today's date is part of
    the name: an approval date that was in the future yesterday may not be today."""
    from mscbook.build.execution import inputs_fingerprint
    from mscbook.data import _code_digest

    # the checking code as installed (a test's throw-away book has no mscbook/ of its own)
    digest = hashlib.sha256(_code_digest() + Path(__file__).read_bytes())
    digest.update(inputs_fingerprint(root).encode())
    digest.update(datetime.date.today().isoformat().encode())
    return stamps_dir() / f"checks-passed-{digest.hexdigest()}.json"


__all__ = ["check_all", "cross_table_problems", "cited_keys", "load"]
