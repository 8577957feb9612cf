"""The nbgrader export: points, the course notebooks, and grading that cannot be talked round."""

from __future__ import annotations

import re

import nbformat
import pytest

from mscbook import exercises, grading
from mscbook.build import exercise_sources, nbgrader
from mscbook.checkers import check
from mscbook.cli import main
from mscbook.paths import book_root
from tests.conftest import raw_table

ROOT = book_root()
CHAPTER = "chapters/biology/what-is-an-msc"
CODING = "ex-msc-isct-code"


@pytest.mark.parametrize(
    ("difficulty", "minutes", "points"),
    [(1, 10, 1), (1, 5, 1), (2, 10, 2), (2, 15, 3), (3, 15, 4), (2, 20, 3), (3, 30, 5)],
)
def test_default_points_add_difficulty_and_time(difficulty, minutes, points):
    assert exercises.default_points(difficulty, minutes) == points


@pytest.mark.parametrize(("difficulty", "minutes"), [(0, 10), (4, 10), (2, 0), (2, 1.5)])
def test_default_points_name_a_bad_input(difficulty, minutes):
    with pytest.raises(ValueError, match="difficulty|minutes"):
        exercises.default_points(difficulty, minutes)


def test_every_exercise_has_points():
    table = exercises.metadata(ROOT)
    assert (table["points"] >= 1).all()
    assert len(raw_table("exercises")) == len(table)


def nbgrader_cells(notebook) -> dict[str, nbformat.NotebookNode]:
    return {
        cell.metadata.nbgrader.grade_id: cell
        for cell in notebook.cells
        if "nbgrader" in cell.metadata
    }


@pytest.fixture(scope="module")
def source():
    return nbgrader.build_source(CHAPTER, ROOT)


def test_each_exercise_is_graded_for_its_points(source):
    cells = nbgrader_cells(source)
    ids = [c.metadata.nbgrader.grade_id for c in source.cells if "nbgrader" in c.metadata]
    assert len(ids) == len(set(ids))  # nbgrader needs unique ids
    for row, exercise in exercise_sources.exercises_by_chapter(ROOT)[CHAPTER]:
        graded = cells[row["label"]].metadata.nbgrader
        assert graded.grade and graded.points == row["points"]
        if row["type"] == "coding":
            assert not graded.solution and graded.locked  # an autograded test cell
            assert f'grade("{row["label"]}", globals())' in cells[row["label"]].source
            answer = cells[f"{row['label']}-answer"]
            assert answer.metadata.nbgrader.solution and not answer.metadata.nbgrader.grade
            assert re.search(r"### BEGIN SOLUTION\n.+### END SOLUTION$", answer.source, re.S)
            assert answer.source.startswith(exercise.answer[0].content)  # the book's stub
        else:  # a manually graded answer, its model answer a mark scheme for the instructor
            assert graded.solution and cells[row["label"]].cell_type == "markdown"
            task = cells[f"{row['label']}-text"]
            assert task.metadata.nbgrader.locked and "BEGIN MARK SCHEME" in task.source
            assert exercise.solution_parts[0].strip() in task.source


def test_the_set_up_and_the_exercise_texts_are_read_only(source):
    cells = nbgrader_cells(source)
    assert cells["setup"].metadata.nbgrader.locked
    assert 'data.load("isct_criteria")' in cells["setup"].source
    assert cells[f"{CODING}-text"].metadata.nbgrader.locked


def test_an_unknown_chapter_is_named_and_nothing_is_written(tmp_path, capsys):
    assert main(["export-nbgrader", "--out", str(tmp_path / "c"), "--chapter", "nope"]) == 1
    assert "'nope'" in capsys.readouterr().err
    assert not (tmp_path / "c").exists()


def test_the_cli_writes_a_course_directory(tmp_path):
    out = tmp_path / "course"
    assert main(["export-nbgrader", "--out", str(out), "--chapter", "what-is-an-msc"]) == 0
    assert (out / "nbgrader_config.py").is_file()
    written = [p.relative_to(out).as_posix() for p in (out / "source").rglob("*.ipynb")]
    assert written == ["source/what-is-an-msc/what-is-an-msc.ipynb"]
    nbformat.validate(nbformat.read(out / written[0], as_version=4))


# ------------------------------------------------------------ grading, in the student's kernel


@pytest.fixture
def answered(criteria):
    from mscbook.widgets import isct

    batch = isct.simulate_flow_report(criteria, seed=11, out_of_range=["cd90", "hla_dr"])
    lineages = ["osteoblast", "adipocyte"]
    result = isct.evaluate_sample(criteria, batch, lineages, plastic_adherent=True)
    limit = float(criteria.set_index("criterion_id").loc["hla_dr", "threshold_percent"])
    return {"criteria": criteria, "batch": batch, "failed": result.failed, "hla_dr_limit": limit}


def test_a_right_answer_passes_and_a_wrong_one_raises_the_coaching(answered):
    assert grading.grade(CODING, answered).passed
    wrong = answered | {"hla_dr_limit": answered["hla_dr_limit"] + 7}
    coaching = check(CODING, wrong)
    with pytest.raises(grading.NotYetRight) as raised:
        grading.grade(CODING, wrong)
    assert "Not yet right" in str(raised.value)
    assert coaching.message.split("`")[0][:30] in str(raised.value)


@pytest.mark.parametrize(
    "answer",
    [{"failed": ..., "hla_dr_limit": ...}, {}, {"failed": "cd90", "hla_dr_limit": "2%"}],
    ids=["untouched", "cell deleted", "wrong types"],
)
def test_missing_or_mistyped_answers_fail_with_a_message(answered, answer):
    given = {"criteria": answered["criteria"], "batch": answered["batch"]}
    with pytest.raises(grading.NotYetRight, match=r"exercise ex-msc-isct-code\): \w+"):
        grading.grade(CODING, given | answer)


def test_a_redefined_check_or_a_replaced_checker_awards_nothing(answered, monkeypatch):
    import mscbook.checkers as checkers
    from mscbook.checkers import biology

    always = checkers.Feedback(True, "Well done.")
    namespace = answered | {"failed": [], "hla_dr_limit": 0.0, "check": lambda *args: always}
    # what a submission could do in its kernel before the test cell runs
    monkeypatch.setattr(checkers, "check", lambda *args: always)
    monkeypatch.setitem(checkers.CHECKERS, CODING, checkers.Registered("x", lambda ns: always))
    monkeypatch.setattr(biology, "check_isct_failing_criteria", lambda ns: always, raising=False)
    with pytest.raises(grading.NotYetRight):
        grading.grade(CODING, namespace)


def test_a_checker_replaced_before_its_module_was_ever_imported_awards_nothing(
    answered, monkeypatch
):
    import sys

    import mscbook.checkers as checkers

    always = checkers.Feedback(True, "Well done.")
    monkeypatch.delitem(sys.modules, "mscbook.checkers.biology")  # as in a fresh kernel
    monkeypatch.setitem(checkers.CHECKERS, CODING, checkers.Registered("x", lambda ns: always))
    with pytest.raises(grading.NotYetRight):
        grading.grade(CODING, answered | {"hla_dr_limit": 0.0})


def test_grading_leaves_the_kernels_own_checkers_in_place(answered):
    import sys

    import mscbook.checkers as checkers

    grading.grade(CODING, answered)
    assert sys.modules["mscbook.checkers"] is checkers
    assert check(CODING, answered).passed  # the student's check cell still works


# ------------------------------------------- glued numbers in exercises, in both exports

GLUED = ["chapters/diseases/limb-ischaemia", "chapters/evidence/reading-a-trial"]


def glue_keys(chapter: str) -> set[str]:
    from mscbook.build.lab import GLUE_ROLE

    texts = [
        exercise.body
        + "\n"
        + exercise.solution_text
        + "\n"
        + "\n".join(b.text for b in exercise.given)
        for _, exercise in exercise_sources.exercises_by_chapter(ROOT)[chapter]
    ]
    return {match.split(":")[0] for text in texts for match in GLUE_ROLE.findall(text)}


def markdown(notebook) -> str:
    return "\n".join(cell.source for cell in notebook.cells if cell.cell_type == "markdown")


@pytest.mark.parametrize("chapter", GLUED)
def test_exports_paste_the_values_the_built_book_glued(chapter, tmp_path, monkeypatch):
    import json

    from mscbook.build import assignments
    from mscbook.paths import BUILD_ENV

    keys = glue_keys(chapter)
    assert keys  # these chapters' exercises quote glued numbers
    glue = {key: {"data": {"text/plain": "12.25"}, "output_type": "display_data"} for key in keys}
    target = tmp_path / "_build" / "jupyter_execute" / f"{chapter}.glue.json"
    target.parent.mkdir(parents=True)
    target.write_text(json.dumps(glue), encoding="utf-8")
    monkeypatch.setenv(BUILD_ENV, str(tmp_path / "_build"))
    for notebook in (
        assignments.build_notebook(chapter, ROOT),
        assignments.build_notebook(chapter, ROOT, key=True),
        nbgrader.build_source(chapter, ROOT),
    ):
        assert "{glue" not in markdown(notebook)
        assert "12.25" in markdown(notebook)


def test_an_export_before_the_book_is_built_says_what_to_run(tmp_path, monkeypatch, capsys):
    from mscbook.paths import BUILD_ENV

    monkeypatch.setenv(BUILD_ENV, str(tmp_path / "_build"))
    nbgrader.build_source("chapters/diseases/limb-ischaemia", ROOT)
    message = capsys.readouterr().err
    assert "kw_afs" in message and "make book" in message


@pytest.mark.parametrize("chapter", list(exercise_sources.exercises_by_chapter(ROOT)))
def test_no_release_holds_solution_text(chapter):
    """What `nbgrader generate_assignment` leaves of every chapter's source, with this course's
    stubs (the cycle test runs the real command on one chapter)."""
    from nbgrader.preprocessors import ClearMarkScheme, ClearSolutions

    from tests.test_student_edition import grams, solution_grams

    notebook = nbgrader.build_source(chapter, ROOT)
    stubs = {"code_stub": {"python": nbgrader.CODE_STUB}, "text_stub": nbgrader.TEXT_STUB}
    notebook, resources = ClearSolutions(**stubs).preprocess(notebook, {})
    notebook, _ = ClearMarkScheme(enforce_metadata=False).preprocess(notebook, resources)
    text = "\n".join(cell.source for cell in notebook.cells)
    assert "SOLUTION" not in text and "MARK SCHEME" not in text
    found = grams(text)
    for label, solution in solution_grams().items():
        leaked = solution & found
        assert not leaked, f"{label}: solution text in {chapter}: {' '.join(next(iter(leaked)))}"
