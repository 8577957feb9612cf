"""nbgrader's whole cycle on one chapter, offline, with nbgrader's own commands.

generate_assignment, then autograde on submissions (the answer key, the untouched release, one
wrong answer, and bad input: a syntax error, a deleted answer cell, a wrong type, a redefined
`check`), then generate_feedback and export; the exported scores are asserted, and neither the
release nor the feedback holds solution text.
"""

from __future__ import annotations

import csv
import html
import os
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from mscbook.build import exercise_sources, nbgrader
from mscbook.paths import book_root
from tests.test_student_edition import grams, solution_grams

ROOT = book_root()
CHAPTER = "chapters/biology/what-is-an-msc"
NAME = nbgrader.assignment_name(CHAPTER)
CODING = "ex-msc-isct-code"
ROWS = {row["label"]: row for row, _ in exercise_sources.exercises_by_chapter(ROOT)[CHAPTER]}
AUTO = sum(row["points"] for row in ROWS.values() if row["type"] == "coding")
TOTAL = sum(row["points"] for row in ROWS.values())


def environment() -> dict[str, str]:
    """nbgrader runs `alembic` (and kernels) from the PATH: put this environment's bin first,
    as activating .venv does."""
    return os.environ | {"PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}


def nbgrader_run(course: Path, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "nbgrader", *args],
        cwd=course,
        env=environment(),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout + done.stderr


def answer_cell(notebook, label: str) -> nbformat.NotebookNode:
    return next(
        c for c in notebook.cells if c.metadata.get("nbgrader", {}).get("grade_id") == label
    )


def solution_of(source, label: str) -> str:
    """The reference code between nbgrader's delimiters in the source notebook."""
    text = answer_cell(source, label).source
    return text.split("### BEGIN SOLUTION\n")[1].split("\n### END SOLUTION")[0]


def submissions(source, release) -> dict[str, nbformat.NotebookNode]:
    """Student id → the notebook they hand in: the key, the release, and the release with the
    coding answer written in several ways (the written answers left empty)."""
    right = solution_of(source, f"{CODING}-answer")
    made = {"key": source, "untouched": release}

    def wrong(code):  # the right criteria, a limit 7 points too high
        return code.replace("hla_dr_limit = float(", "hla_dr_limit = 7 + float(")

    def syntax(code):
        return code.replace("failed = batch_result.failed", "failed = [cd90")

    def typed(code):
        return code + '\nhla_dr_limit = "2%"'

    def cheat(code):  # every answer wrong, and a `check` that says it is right
        return (
            "failed, hla_dr_limit = [], 0.0\n"
            "import mscbook.checkers as checkers\n"
            "def check(*args):\n    return checkers.Feedback(True, 'Well done.')\n"
            "checkers.check = check\n"
            "checkers.CHECKERS['ex-msc-isct-code'] = checkers.Registered('x', check)\n"
        )

    for student, change in [
        ("wrong", wrong),
        ("syntax", syntax),
        ("deleted", None),
        ("typed", typed),
        ("cheat", cheat),
    ]:
        notebook = nbformat.from_dict(release)
        cell = answer_cell(notebook, f"{CODING}-answer")
        if change is None:
            notebook.cells.remove(cell)
        else:
            cell.source = change(right)
        made[student] = notebook
    return made


@pytest.fixture(scope="module")
def course(tmp_path_factory) -> Path:
    course = tmp_path_factory.mktemp("course")
    assert nbgrader.export(course, [CHAPTER], ROOT) == 0
    nbgrader_run(course, "generate_assignment", NAME, "--force")
    source = nbformat.read(course / "source" / NAME / f"{NAME}.ipynb", as_version=4)
    release = nbformat.read(course / "release" / NAME / f"{NAME}.ipynb", as_version=4)
    for student, notebook in submissions(source, release).items():
        folder = course / "submitted" / student / NAME
        folder.mkdir(parents=True)
        nbformat.write(notebook, folder / f"{NAME}.ipynb")
    nbgrader_run(course, "autograde", NAME, "--force")
    nbgrader_run(course, "generate_feedback", NAME, "--force")
    nbgrader_run(course, "export", "--to", str(course / "grades.csv"))
    return course


@pytest.fixture(scope="module")
def scores(course) -> dict[str, dict[str, str]]:
    with (course / "grades.csv").open(newline="") as handle:
        return {row["student_id"]: row for row in csv.DictReader(handle)}


def feedback(course: Path, student: str) -> str:
    page = (course / "feedback" / student / NAME / f"{NAME}.html").read_text("utf-8")
    return html.unescape(re.sub(r"<[^>]+>", "", page))


def test_the_answer_key_gets_every_autograded_point(scores):
    assert float(scores["key"]["max_score"]) == TOTAL
    assert float(scores["key"]["score"]) == AUTO  # written answers wait for the instructor


def test_formgrader_shows_the_model_answer_beside_each_written_answer(course):
    """formgrader shows the autograded notebook: nbgrader restores each read-only exercise text
    there with its mark scheme, which holds the model answer."""
    graded = nbformat.read(course / "autograded" / "untouched" / NAME / f"{NAME}.ipynb", 4)
    by_id = {c.metadata.get("nbgrader", {}).get("grade_id"): c for c in graded.cells}
    for label, row in ROWS.items():
        if row["type"] != "coding":
            assert "Model answer (instructor only)" in by_id[f"{label}-text"].source, label
            assert by_id[label].metadata.nbgrader.solution  # the student's answer, graded by hand


def test_written_answers_graded_by_hand_complete_the_answer_keys_marks(course):
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as book:  # what formgrader does
        notebook = book.find_submission_notebook(NAME, NAME, "key")
        waiting = [grade for grade in notebook.grades if grade.needs_manual_grade]
        assert {grade.name for grade in waiting} == {
            label for label, row in ROWS.items() if row["type"] != "coding"
        }
        for grade in waiting:
            grade.manual_score = grade.max_score
        book.db.commit()
    nbgrader_run(course, "export", "--to", str(course / "graded.csv"))
    with (course / "graded.csv").open(newline="") as handle:
        rows = {row["student_id"]: row for row in csv.DictReader(handle)}
    assert float(rows["key"]["score"]) == TOTAL


def test_the_untouched_release_scores_zero(scores, course):
    assert float(scores["untouched"]["score"]) == 0
    assert "Not answered yet" in feedback(course, "untouched")


def test_one_wrong_answer_loses_that_exercise_and_is_coached(scores, course):
    assert float(scores["wrong"]["score"]) == 0
    text = feedback(course, "wrong")
    coaching = re.search(r"NotYetRight: Not yet right \(exercise ex-msc-isct-code\): (.*)", text)
    assert coaching and "hla_dr_limit" in coaching[1]  # what to fix
    assert not re.search(r"\b2(\.0)?\b", coaching[1])  # not the limit itself (2%)


@pytest.mark.parametrize("student", ["syntax", "deleted", "typed", "cheat"])
def test_bad_input_is_graded_zero_with_a_message(scores, course, student):
    assert float(scores[student]["score"]) == 0
    pattern = r"NotYetRight: (Not yet right|Not answered yet) \(exercise ex-msc-isct-code\)"
    assert re.search(pattern, feedback(course, student))


def test_the_release_and_the_feedback_hold_no_solution_text(course):
    release = course / "release" / NAME / f"{NAME}.ipynb"
    untouched = course / "feedback" / "untouched" / NAME / f"{NAME}.html"
    for path in (release, untouched):
        text = path.read_text("utf-8")
        plain = html.unescape(re.sub(r"<[^>]+>", " ", text)).replace("\\n", "\n")
        found = grams(plain)
        for label, solution in solution_grams().items():
            leaked = solution & found
            assert not leaked, f"{label}: solution text in {path}: {' '.join(next(iter(leaked)))}"
        assert "MARK SCHEME" not in text and "Model answer" not in text, path
