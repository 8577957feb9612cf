"""Reading exercises from the chapter sources, and checking them against `data/exercises.csv`.

An exercise is a sphinx-exercise `exercise` block, followed by the cells it gives, an answer cell
tagged `exercise-answer` (names set to `...`) and a check cell tagged `exercise-check`, then its
solution (a `solution` block, or gated `solution-start` ... `solution-end`). The student edition,
the assignment notebooks, the exercise index and the build's preflight all read them from here.

Exercises are labelled by chapter ("MS-3", `mscbook.exercises.numbers`), not by sphinx-exercise's
book-wide count: each exercise directive has `:nonumber:`, and this module, as a Sphinx extension,
writes "Exercise MS-3" into the exercise's title (and so into its solution's title and into
`{ref}` links to it).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import pandas as pd
import yaml

from mscbook.build.execution import toc_documents
from mscbook.checkers import registered
from mscbook.exercises import ANSWER_TAG, CHECK_TAG, metadata, numbers
from mscbook.paths import book_root

#: The glue role that puts the type and difficulty from the table into an exercise's title.
TITLE_GLUE = re.compile(r"\{glue:text\}`exercise-(?P<label>[^`]+)`:?\s*")

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
    unnumbered: bool = False  # has `:nonumber:` (its number comes from the table)

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
                label,
                title,
                block.content,
                title_is_glued=bool(TITLE_GLUE.match(block.arg)),
                unnumbered="nonumber" in block.options,
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
    checkers = registered()
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
        registered_name = getattr(checkers.get(label), "name", None)
        if checker is not None and registered_name != checker:
            found.append(
                f"{where}: checker {checker!r} is not registered for this label in "
                "mscbook.checkers (decorate `check_" + checker + f"` with @checker({label!r}))"
            )
        if row["type"] == "coding":
            if checker is None:
                found.append(f"{where}: a coding exercise needs a checker")
            if not exercise.answer or not exercise.checks:
                found.append(
                    f"{where}: a coding exercise needs an answer cell tagged {ANSWER_TAG} and a "
                    f"check cell tagged {CHECK_TAG}"
                )
        if not exercise.unnumbered:
            found.append(
                f"{where}: add :nonumber: under its :label: (exercises are numbered by chapter, "
                "from the table, not by sphinx-exercise's count through the book)"
            )
    for label, (chapter, _) in in_sources.items():
        if label not in set(table["label"]):
            found.append(f"{chapter}.md: exercise {label!r} has no row in data/exercises.csv")
    return found + _numbering_disagreements(table, chapters)


def _numbering_disagreements(table: pd.DataFrame, chapters: dict[str, list[Exercise]]) -> list:
    """One code per chapter, no code shared, and rows in the order of the chapter's exercises."""
    found: list[str] = []
    codes = table.groupby("chapter", sort=False)["chapter_code"].unique()
    for chapter, used in codes.items():
        if len(used) > 1:
            found.append(
                f"data/exercises.csv: chapter {chapter} has more than one chapter_code "
                f"({', '.join(sorted(used))}); use one"
            )
    owners = table.drop_duplicates(["chapter", "chapter_code"]).groupby("chapter_code")["chapter"]
    for code, owner in owners:
        if owner.nunique() > 1:
            found.append(
                f"data/exercises.csv: chapter_code {code!r} is used by {', '.join(owner)}; "
                "give each chapter its own"
            )
    for chapter, exercises in chapters.items():
        in_table = [label for label in table.loc[table["chapter"] == chapter, "label"]]
        in_source = [exercise.label for exercise in exercises if exercise.label in in_table]
        if in_table != in_source and sorted(in_table) == sorted(in_source):
            found.append(
                f"data/exercises.csv: the rows of {chapter} are not in the order of its "
                f"exercises (the order gives their numbers); put them as {', '.join(in_source)}"
            )
    return found


def problems(root: Path | None = None) -> list[str]:
    """Everything that disagrees between data/exercises.csv and the chapters (empty: all good)."""
    root = root or book_root()
    chapters, errors = _read_chapters(root)
    # A chapter that could not be read counts as having no exercises, so its rows are reported.
    return errors + _disagreements(metadata(root), chapters)


def exercises_by_chapter(
    root: Path | None = None, *, checked: bool = False
) -> dict[str, list[tuple[dict, Exercise]]]:
    """Chapter → [(table row, exercise)] in book order; raises if table and sources disagree.

    `checked=True`: `problems(root)` has just found nothing (the book build's preflight), so the
    table and the sources are not compared a second time.
    """
    root = root or book_root()
    table = metadata(root)
    chapters, errors = _read_chapters(root)
    issues = errors + ([] if checked else _disagreements(table, chapters))
    if issues:
        raise ExerciseSourceError(
            "Exercises and data/exercises.csv disagree:\n  - " + "\n  - ".join(issues)
        )
    number = numbers(table)  # "MS-3"
    rows = {
        row["label"]: row | {"number": number[row["label"]]} for row in table.to_dict("records")
    }
    return {
        chapter: [(rows[exercise.label], exercise) for exercise in exercises]
        for chapter, exercises in chapters.items()
        if exercises
    }


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


# ------------------------------------------------------------------ the Sphinx extension


def number_exercise_titles(app, doctree) -> None:
    """doctree-read, before sphinx-exercise's own handler: "Exercise" → "Exercise MS-3".

    sphinx-exercise builds an unnumbered exercise's title as its title text ("Exercise") and
    the subtitle in brackets, and a solution's title from the exercise's title text; its
    doctree-read handler then registers the node's `title` for `{ref}`. Changing the text here
    (in the page and in sphinx-exercise's copy of the node) changes all three.
    """
    from docutils import nodes
    from sphinx_exercise.nodes import exercise_node, exercise_title

    number = numbers(metadata(Path(app.srcdir)))
    registry = getattr(app.env, "sphinx_exercise_registry", {})
    for node in doctree.findall(exercise_node):
        label = node.get("label")
        if label not in number:
            continue
        text = f"{node['title']} {number[label]}"
        for copy in filter(None, [node, registry.get(label, {}).get("node")]):
            copy["title"] = text
            if isinstance(copy.children[0], exercise_title):
                copy.children[0][0] = nodes.Text(text)


def setup(app) -> dict:
    # Priority below the default 500, so that sphinx-exercise registers the numbered title.
    app.connect("doctree-read", number_exercise_titles, priority=400)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
