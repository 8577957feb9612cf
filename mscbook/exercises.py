"""Exercises: metadata, reading them from the chapter sources, and the automatic checkers.

Every exercise's metadata (chapter, objective, type, difficulty, time, checker) lives in one place,
`data/exercises.csv`; its text and solution live in the chapter, in sphinx-exercise directives.
From these two the book generates the exercise index, the "Concept · difficulty 1" part of each
exercise title (`glue_metadata`), the student edition (`mscbook.student`) and the assignment
notebooks (`mscbook.assignments`).

A coding exercise has an answer cell tagged `exercise-answer` (names set to `...`) and a check cell
tagged `exercise-check` that calls `check(label, globals())`. Checkers are pure functions of the
student's namespace: they never `eval` text, and any broken answer (missing name, wrong type, NaN,
an object that raises) becomes `Feedback`, never a traceback.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from numbers import Real
from pathlib import Path

import pandas as pd
import yaml

from mscbook import data
from mscbook.datadict import table_cell
from mscbook.paths import book_root

TABLE = "exercises"
ANSWER_TAG = "exercise-answer"
CHECK_TAG = "exercise-check"
TYPE_LABELS = {"concept": "Concept", "appraisal": "Appraisal", "coding": "Coding"}
#: The glue role that puts the type and difficulty from the table into an exercise's title.
TITLE_GLUE = re.compile(r"\{glue:text\}`exercise-(?P<label>[^`]+)`:?\s*")


# ------------------------------------------------------------------------------------ feedback


@dataclass(frozen=True)
class Feedback:
    """What a check cell shows: whether the answer is right, and what to fix (never the answer)."""

    passed: bool
    message: str
    answered: bool = True

    @property
    def status(self) -> str:
        if not self.answered:
            return "Not answered yet"
        return "Correct" if self.passed else "Not yet right"

    def __str__(self) -> str:
        return f"{self.status}: {self.message}"

    def __repr__(self) -> str:  # what a notebook shows for the check cell's result
        return str(self)


NOT_ANSWERED = "replace each `...` in the answer cell above, run it, then run this cell again."


def _not_answered() -> Feedback:
    return Feedback(False, NOT_ANSWERED, answered=False)


# ------------------------------------------------------------------------------------ checkers


def check_isct_failing_criteria(namespace: Mapping[str, object]) -> Feedback:
    """`ex-msc-isct-code`: `failed` (criterion ids the batch fails) and `hla_dr_limit` (a %)."""
    from mscbook.widgets import isct

    criteria, batch = namespace.get("criteria"), namespace.get("batch")
    if not isinstance(criteria, pd.DataFrame) or not isinstance(batch, Mapping):
        return Feedback(
            False,
            "`criteria` or `batch` is missing or was changed: run the cells above from the top "
            "(Kernel, Restart and run all) and keep those two names for the data.",
        )
    answers = {name: namespace.get(name, ...) for name in ("failed", "hla_dr_limit")}
    if all(value is ... for value in answers.values()):
        return _not_answered()
    expected = isct.evaluate_sample(
        criteria, batch, ["osteoblast", "adipocyte"], plastic_adherent=True
    ).failed
    by_id = criteria.set_index("criterion_id")
    parts = [
        _judge_failed(answers["failed"], set(expected), criteria),
        _judge_hla_dr_limit(answers["hla_dr_limit"], by_id, batch),
    ]
    if all(part is None for part in parts):
        return Feedback(True, "both answers match the criteria table.")
    if any(part == NOT_ANSWERED for part in parts):
        missing = [name for name, part in zip(answers, parts, strict=True) if part == NOT_ANSWERED]
        problems = [part for part in parts if part and part != NOT_ANSWERED]
        message = f"`{'`, `'.join(missing)}` still `...`. " + " ".join(problems)
        return Feedback(False, message.strip(), answered=bool(problems) or len(missing) < 2)
    return Feedback(False, " ".join(part for part in parts if part))


def _judge_failed(value: object, expected: set[str], criteria: pd.DataFrame) -> str | None:
    """None if `value` lists exactly the failing criterion ids, else what is wrong with it."""
    from mscbook.widgets.isct import IsctResult

    if value is ...:
        return NOT_ANSWERED
    if isinstance(value, IsctResult):
        return (
            "`failed` holds the whole result of `evaluate_sample`; take its `.failed` attribute, "
            "the list of criterion ids that failed."
        )
    if isinstance(value, str) or not isinstance(value, list | tuple | set | pd.Series | pd.Index):
        return (
            "`failed` should be a list of criterion ids such as ['cd105'], "
            f"not {type(value).__name__} {value!r:.40}."
        )
    items = list(value)
    not_text = [item for item in items if not isinstance(item, str)]
    if not_text:
        return (
            "every item of `failed` should be a criterion id (text) such as 'cd105'; "
            f"found {not_text[0]!r} ({type(not_text[0]).__name__})."
        )
    ids = set(criteria["criterion_id"])
    markers = set(criteria["marker"].dropna())
    if any(item in markers and item not in ids for item in items):
        return (
            "`failed` lists marker names; use the ids in the table's `criterion_id` column "
            "(such as 'cd105'), which is what `evaluate_sample(...).failed` gives."
        )
    unknown = sorted(set(items) - ids)
    if unknown:
        return f"{unknown} are not criterion ids in the `criteria` table."
    got = set(items)
    if got == expected:
        return None
    missing, extra = expected - got, got - expected
    categories = criteria.set_index("criterion_id")["category"]
    problems = []
    if extra:
        problems.append(f"{sorted(extra)} passed, so they do not belong in `failed`.")
    if missing and all(categories[item] != "surface_marker" for item in missing) and not extra:
        problems.append(
            "your surface markers are right, but a criterion of another kind also fails: "
            "look again at which lineages the batch differentiated into."
        )
    elif missing:
        problems.append(
            f"{len(missing)} failing criterion(s) are missing from `failed`: check every "
            "criterion, not only the markers, or use `evaluate_sample(...).failed`."
        )
    return " ".join(problems)


def _judge_hla_dr_limit(value: object, by_id: pd.DataFrame, batch: Mapping) -> str | None:
    """None if `value` is the HLA-DR threshold from the table, else what is wrong with it."""
    if value is ...:
        return NOT_ANSWERED
    if isinstance(value, pd.Series | pd.DataFrame):
        if value.size == 1:
            return (
                "`hla_dr_limit` is a pandas object holding one value; take the number itself, "
                "for example with `.item()`."
            )
        return f"`hla_dr_limit` holds {value.size} values; select the `hla_dr` row only."
    if isinstance(value, str):
        return (
            f"`hla_dr_limit` is text ({value!r}); it should be a number, read from the "
            "`threshold_percent` column."
        )
    if isinstance(value, bool) or not isinstance(value, Real):
        return f"`hla_dr_limit` should be a number, not {type(value).__name__}."
    number = float(value)
    if math.isnan(number):
        return (
            "`hla_dr_limit` is NaN (not a number): you read an empty cell; criteria without a "
            "threshold (culture, differentiation) have none."
        )
    thresholds = by_id["threshold_percent"]
    limit = float(thresholds["hla_dr"])
    if math.isclose(number, limit):
        return None
    if math.isclose(number, 100 - limit):
        return (
            "that is the smallest share of HLA-DR-negative cells; the question asks for the "
            "largest percentage of HLA-DR-positive cells."
        )
    if math.isclose(number, float(batch.get("hla_dr", math.nan))):
        return "that is the batch's measured HLA-DR value, not the limit the criteria allow."
    directions = by_id["direction"]
    positive = thresholds[directions == "positive"].dropna().astype(float)
    if any(math.isclose(number, other) for other in positive):
        return (
            "that is the threshold of the positive markers; HLA-DR is a negative criterion with "
            "its own row."
        )
    if not 0 <= number <= 100:
        return f"{number:g} is not a percentage of cells (0–100)."
    return (
        f"{number:g}% is not the HLA-DR limit: read `threshold_percent` from the row whose "
        "`criterion_id` is 'hla_dr'."
    )


#: Checker name (the `checker` column of data/exercises.csv) → function of the namespace.
CHECKERS: dict[str, Callable[[Mapping[str, object]], Feedback]] = {
    "isct_failing_criteria": check_isct_failing_criteria,
}


def check(label: str, namespace: Mapping[str, object]) -> Feedback:
    """Check the answer to exercise `label` in `namespace` (pass `globals()` from a notebook)."""
    checkers = metadata().set_index("label")["checker"]
    if pd.isna(checkers.get(label)):
        return Feedback(False, f"exercise {label!r} has no automatic check; ask your instructor.")
    try:
        return CHECKERS[checkers[label]](namespace)
    except Exception as error:  # a broken answer is feedback, never a traceback
        return Feedback(
            False,
            f"your answer could not be checked ({type(error).__name__}: {error}). Check the "
            "types of the names in your answer cell and run the cells above again.",
        )


# ------------------------------------------------------------------------------------ metadata


@lru_cache(maxsize=4)
def _metadata(root: Path, modified: int) -> pd.DataFrame:
    return data.load(TABLE, root)


def metadata(root: Path | None = None) -> pd.DataFrame:
    """data/exercises.csv, validated (one row per exercise); re-read when the file changes."""
    root = root or book_root()
    table = root / "data" / f"{TABLE}.csv"
    modified = table.stat().st_mtime_ns if table.exists() else 0
    return _metadata(root, modified).copy()


def badge(row: Mapping) -> str:
    """The start of an exercise title, such as "Concept · difficulty 1"."""
    return f"{TYPE_LABELS[row['type']]} · difficulty {int(row['difficulty'])}"


def glue_metadata(chapter: str, root: Path | None = None) -> None:
    """Glue each exercise's badge as `exercise-<label>`, for the chapter's exercise titles."""
    from myst_nb import glue

    for row in metadata(root).query("chapter == @chapter").to_dict("records"):
        glue(f"exercise-{row['label']}", badge(row), display=False)


# ----------------------------------------------------------------- reading the chapter sources

_FENCE = re.compile(r"^(?P<fence>`{3,}|~{3,}|:{3,})(?P<info>[^\n]*?)\s*$")
_DIRECTIVE = re.compile(r"^\{(?P<name>[^}]+)\}\s*(?P<arg>.*)$")


@dataclass
class Block:
    """A top-level fenced block of a MyST file (`name` is its directive), or plain text."""

    lines: list[str]
    name: str | None = None  # None: text between blocks; "": a fenced block that is no directive
    arg: str = ""

    @property
    def text(self) -> str:
        return "".join(self.lines)

    @cached_property
    def _split(self) -> tuple[dict, list[str]]:
        body = self.lines[1:-1]
        options: dict = {}
        if body and body[0].strip() == "---":
            end = next(i for i in range(1, len(body)) if body[i].strip() == "---")
            options = yaml.safe_load("".join(body[1:end])) or {}
            return options, body[end + 1 :]
        index = 0
        while index < len(body) and re.match(r"^:[\w-]+:", body[index]):
            key, _, value = body[index][1:].partition(":")
            options[key] = yaml.safe_load(value.strip()) if value.strip() else ""
            index += 1
        return options, body[index:]

    @property
    def options(self) -> dict:
        return self._split[0]

    @property
    def content(self) -> str:
        return "".join(self._split[1]).strip("\n")

    @property
    def tags(self) -> list[str]:
        if self.name is None:
            return []
        options = self.options
        return list(options.get("tags") or options.get("mystnb", {}).get("tags") or [])


def scan(text: str) -> list[Block]:
    """Split MyST text into top-level fenced blocks and the text between them (lossless)."""
    lines = text.splitlines(keepends=True)
    blocks: list[Block] = []
    plain: list[str] = []
    index = 0
    while index < len(lines):
        opening = _FENCE.match(lines[index].rstrip("\n"))
        if not opening:
            plain.append(lines[index])
            index += 1
            continue
        if plain:
            blocks.append(Block(plain))
            plain = []
        fence = opening["fence"]
        closing = re.compile(rf"^{re.escape(fence[0])}{{{len(fence)},}}\s*$")
        end = index + 1
        while end < len(lines) and not closing.match(lines[end]):
            end += 1
        directive = _DIRECTIVE.match(opening["info"].strip())
        blocks.append(
            Block(
                lines[index : end + 1],
                name=directive["name"] if directive else "",
                arg=directive["arg"].strip() if directive else "",
            )
        )
        index = end + 1
    if plain:
        blocks.append(Block(plain))
    return blocks


@dataclass
class Exercise:
    """One exercise as written in its chapter."""

    label: str
    title: str  # without the glued badge
    body: str
    given: list[Block] = field(default_factory=list)  # code and text the student works from
    answer: list[Block] = field(default_factory=list)  # stub cells, tagged exercise-answer
    checks: list[Block] = field(default_factory=list)  # check cells, tagged exercise-check
    solution: list[Block] = field(default_factory=list)  # text and code of the solution
    title_is_glued: bool = False

    @property
    def display_title(self) -> str:
        """The title as it starts a heading or a table row (first letter capitalised)."""
        return self.title[:1].upper() + self.title[1:]

    @property
    def solution_parts(self) -> list[str]:
        """The solution's text and code blocks, without its check cells (shared with students)."""
        return [
            block.content if block.name is not None else block.text.strip()
            for block in self.solution
            if CHECK_TAG not in block.tags
        ]

    @property
    def solution_text(self) -> str:
        return "\n\n".join(self.solution_parts)


class ExerciseSourceError(ValueError):
    """An exercise block in a chapter is malformed; the message names the file and label."""


def read_exercises(path: Path) -> list[Exercise]:
    """Every exercise in one chapter, with its given cells, answer, checks and solution."""
    found: list[Exercise] = []
    current: Exercise | None = None
    in_solution = False
    for block in scan(path.read_text(encoding="utf-8")):
        if block.name == "exercise":
            label = block.options.get("label")
            if not label:
                raise ExerciseSourceError(f"{path}: an exercise has no :label: ({block.arg!r})")
            title = TITLE_GLUE.sub("", block.arg).strip()
            current = Exercise(
                label, title, block.content, title_is_glued=bool(TITLE_GLUE.match(block.arg))
            )
            found.append(current)
            in_solution = False
        elif block.name in ("solution", "solution-start"):
            if current is None or block.arg != current.label:
                raise ExerciseSourceError(
                    f"{path}: solution for {block.arg!r} does not follow its exercise"
                )
            if block.name == "solution":
                current.solution.append(block)
                current = None
            else:
                in_solution = True
        elif block.name == "solution-end":
            in_solution, current = False, None
        elif current is None:
            continue
        elif in_solution:
            if block.name is not None or block.text.strip():
                current.solution.append(block)
        elif block.name == "code-cell" and ANSWER_TAG in block.tags:
            current.answer.append(block)
        elif block.name == "code-cell" and CHECK_TAG in block.tags:
            current.checks.append(block)
        elif block.name is not None or block.text.strip():
            if block.name is None and block.text.lstrip().startswith("#"):
                current = None  # a new section ends the exercise
            else:
                current.given.append(block)
    if in_solution:
        raise ExerciseSourceError(f"{path}: a solution-start has no solution-end")
    return found


def chapter_title(path: Path) -> str:
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("# "):
            return line[2:].strip()
    return path.stem


def chapter_paths(root: Path | None = None) -> dict[str, Path]:
    """Chapter path as written in _toc.yml → its source file, in book order."""
    from mscbook.execution import toc_documents

    root = root or book_root()
    return {path.relative_to(root).with_suffix("").as_posix(): path for path in toc_documents(root)}


def _read_chapters(root: Path) -> tuple[dict[str, list[Exercise]], list[str]]:
    """Every chapter's exercises, in book order, and the chapters that could not be read."""
    found: dict[str, list[Exercise]] = {}
    errors: list[str] = []
    for chapter, path in chapter_paths(root).items():
        try:
            found[chapter] = read_exercises(path)
        except ExerciseSourceError as error:
            found[chapter] = []
            errors.append(str(error))
    return found, errors


def _disagreements(table: pd.DataFrame, chapters: dict[str, list[Exercise]]) -> list[str]:
    """What disagrees between the table's rows and the exercises read from the chapters."""
    found: list[str] = []
    in_sources = {ex.label: (chapter, ex) for chapter, exs in chapters.items() for ex in exs}
    for row in table.to_dict("records"):
        label, where = row["label"], f"data/exercises.csv, exercise {row['label']!r}"
        if row["chapter"] not in chapters:
            found.append(f"{where}: chapter {row['chapter']!r} is not in _toc.yml")
            continue
        if label not in in_sources or in_sources[label][0] != row["chapter"]:
            found.append(f"{where}: no exercise with this label in {row['chapter']}.md")
            continue
        exercise = in_sources[label][1]
        checker = None if pd.isna(row["checker"]) else row["checker"]
        if not exercise.solution:
            found.append(f"{where}: the exercise has no solution")
        if not exercise.title_is_glued:
            found.append(
                f"{where}: start its title with {{glue:text}}`exercise-{label}`: so that the "
                "type and difficulty come from the table"
            )
        if checker is not None and checker not in CHECKERS:
            found.append(f"{where}: checker {checker!r} is not in mscbook.exercises.CHECKERS")
        if row["type"] == "coding":
            if checker is None:
                found.append(f"{where}: a coding exercise needs a checker")
            if not exercise.answer or not exercise.checks:
                found.append(
                    f"{where}: a coding exercise needs an answer cell tagged {ANSWER_TAG} and a "
                    f"check cell tagged {CHECK_TAG}"
                )
    for label, (chapter, _) in in_sources.items():
        if label not in set(table["label"]):
            found.append(f"{chapter}.md: exercise {label!r} has no row in data/exercises.csv")
    return found


def problems(root: Path | None = None) -> list[str]:
    """Everything that disagrees between data/exercises.csv and the chapters (empty: all good)."""
    root = root or book_root()
    chapters, errors = _read_chapters(root)
    # A chapter that could not be read counts as having no exercises, so its rows are reported.
    return errors + _disagreements(metadata(root), chapters)


def exercises_by_chapter(root: Path | None = None) -> dict[str, list[tuple[dict, Exercise]]]:
    """Chapter → [(table row, exercise)] in book order; raises if table and sources disagree."""
    root = root or book_root()
    table = metadata(root)
    chapters, errors = _read_chapters(root)
    issues = errors + _disagreements(table, chapters)
    if issues:
        raise ExerciseSourceError(
            "Exercises and data/exercises.csv disagree:\n  - " + "\n  - ".join(issues)
        )
    rows = {row["label"]: row for row in table.to_dict("records")}
    return {
        chapter: [(rows[exercise.label], exercise) for exercise in exercises]
        for chapter, exercises in chapters.items()
        if exercises
    }


# ------------------------------------------------------------------------------- the index page


def index_markdown(root: Path | None = None) -> str:
    """The exercise index: counts by chapter and type, then one row per exercise with a link."""
    root = root or book_root()
    chapters = exercises_by_chapter(root)
    paths = chapter_paths(root)
    types = list(TYPE_LABELS)
    lines = [
        "| Chapter | " + " | ".join(TYPE_LABELS.values()) + " | Minutes |",
        "|---|" + "---:|" * (len(types) + 1),
    ]
    for chapter, pairs in chapters.items():
        counts = [sum(row["type"] == kind for row, _ in pairs) for kind in types]
        minutes = sum(int(row["minutes"]) for row, _ in pairs)
        lines.append(f"| {{doc}}`/{chapter}` | " + " | ".join(map(str, counts)) + f" | {minutes} |")
    for chapter, pairs in chapters.items():
        lines += ["", f"## {chapter_title(paths[chapter])}", ""]
        lines += [
            "| Exercise | Type | Difficulty | Minutes | Learning objective | Automatic check |",
            "|---|---|---:|---:|---|---|",
        ]
        for row, exercise in pairs:
            title = exercise.display_title.replace("<", "\\<").replace("`", "")
            checked = "yes" if not pd.isna(row["checker"]) else "no (discussed in class)"
            lines.append(
                f"| {{ref}}`{table_cell(title)} <{exercise.label}>` "
                f"| {TYPE_LABELS[row['type']]} | {int(row['difficulty'])} "
                f"| {int(row['minutes'])} | {table_cell(row['objective'])} | {checked} |"
            )
    return "\n".join(lines) + "\n"


def counts(root: Path | None = None) -> pd.DataFrame:
    """Number of exercises per chapter and type (for reports)."""
    table = metadata(root)
    return pd.crosstab(table["chapter"], table["type"])


def solution_texts(root: Path | None = None) -> dict[str, list[str]]:
    """Label → its solution's text and code blocks: what must never reach a student."""
    return {
        exercise.label: exercise.solution_parts
        for pairs in exercises_by_chapter(root).values()
        for _, exercise in pairs
    }


_TIME_TO_LEARN = re.compile(r"\*\*Time to learn:\*\*\s*about\s+(\d+)\s+minutes", re.I)


def time_table_markdown(root: Path | None = None) -> str:
    """Per chapter: reading time (its "Time to learn" line) and exercise time (the table)."""
    root = root or book_root()
    table = metadata(root)
    lines = [
        "| Chapter | Reading (min) | Exercises | Exercise time (min) |",
        "|---|---:|---:|---:|",
    ]
    for chapter, path in chapter_paths(root).items():
        if not chapter.startswith("chapters/") or "/appendix/" in chapter:
            continue
        found = _TIME_TO_LEARN.search(path.read_text(encoding="utf-8"))
        rows = table[table["chapter"] == chapter]
        if not found and rows.empty:
            continue  # a part introduction
        reading = found.group(1) if found else "–"
        lines.append(
            f"| {{doc}}`/{chapter}` | {reading} | {len(rows)} | {int(rows['minutes'].sum())} |"
        )
    return "\n".join(lines) + "\n"
