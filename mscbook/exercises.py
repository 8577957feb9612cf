"""Exercise metadata that chapters read: `data/exercises.csv`, and the badge in exercise titles.

Every exercise's metadata (chapter, objective, type, difficulty, time, checker) lives in one place,
`data/exercises.csv`; its text and solution live in the chapter, in sphinx-exercise directives.
Exercises are labelled by chapter ("MS-3": the chapter's code and the exercise's place among the
chapter's rows), the same in the book, the notebooks, the assignments and the exercise index
(`numbers`). A chapter's Exercises section glues each badge ("Coding · difficulty 2") with
`glue_metadata`;
the build reads the same table for the exercise index, the student edition and the assignments
(`mscbook.build.exercise_sources`). Automatic checks are in `mscbook.checkers`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path

import pandas as pd

from mscbook import data
from mscbook.paths import book_root

TABLE = "exercises"
#: Tags of a coding exercise's cells: the stub a student fills in, and the cell that checks it.
ANSWER_TAG = "exercise-answer"
CHECK_TAG = "exercise-check"
TYPE_LABELS = {"concept": "Concept", "appraisal": "Appraisal", "coding": "Coding"}


@lru_cache(maxsize=4)
def _metadata(root: Path, modified: int) -> pd.DataFrame:
    return data.load(TABLE, root)


def metadata(root: Path | None = None) -> pd.DataFrame:
    """data/exercises.csv, validated (one row per exercise); re-read when the file changes."""
    root = root or book_root()
    table = root / "data" / f"{TABLE}.csv"
    modified = table.stat().st_mtime_ns if table.exists() else 0
    return _metadata(root, modified).copy()


def numbers(table: pd.DataFrame) -> dict[str, str]:
    """Exercise label → its number in the book, such as "MS-3" (`chapter_code`, then the place
    of the row among its chapter's rows, counting from 1)."""
    place = table.groupby("chapter", sort=False).cumcount() + 1
    return {
        label: f"{code}-{int(n)}"
        for label, code, n in zip(table["label"], table["chapter_code"], place, strict=True)
    }


def badge(row: Mapping) -> str:
    """The start of an exercise title, such as "Concept · difficulty 1"."""
    return f"{TYPE_LABELS[row['type']]} · difficulty {int(row['difficulty'])}"


def glue_metadata(chapter: str, root: Path | None = None) -> None:
    """Glue each exercise's badge as `exercise-<label>`, for the chapter's exercise titles."""
    from mscbook.glue import glue

    for row in metadata(root).query("chapter == @chapter").to_dict("records"):
        glue(f"exercise-{row['label']}", badge(row), display=False)


def default_points(difficulty: int, minutes: int) -> int:
    """The points an exercise is worth when graded (the `points` column of data/exercises.csv):
    its difficulty (1 to 3) plus one for every started 10 minutes beyond the first 10, so a
    10-minute exercise of difficulty 1 is worth 1 point and a 15-minute one of difficulty 3, 4.
    The table may set another value; this is the rule its rows start from."""
    if int(difficulty) != difficulty or not 1 <= difficulty <= 3:
        raise ValueError(f"difficulty should be 1, 2 or 3, not {difficulty!r}")
    if int(minutes) != minutes or minutes < 1:
        raise ValueError(f"minutes should be a whole number of at least 1, not {minutes!r}")
    return int(difficulty) + max(0, math.ceil(int(minutes) / 10) - 1)
