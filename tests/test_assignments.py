"""Assignment notebooks run in a fresh kernel: empty answers say "not answered yet", keys pass."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from mscbook import exercises
from mscbook.build import assignments, exercise_sources
from mscbook.cli import main
from mscbook.paths import BUILD_ENV, book_root

ROOT = book_root()
CHAPTERS = list(exercise_sources.exercises_by_chapter(ROOT))


@pytest.fixture(scope="module")
def exported(tmp_path_factory) -> Path:
    """All assignments, exported by the CLI into a throw-away build folder."""
    build = tmp_path_factory.mktemp("export") / "_build"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(BUILD_ENV, str(build))
        assert main(["export-assignments"]) == 0
    return build / "assignments"


def notebook_path(folder: Path, chapter: str, key: bool) -> Path:
    stem = chapter.rsplit("/", 1)[-1]
    return (
        folder / assignments.KEY_FOLDER / f"{stem}-answer-key.ipynb"
        if key
        else folder / (f"{stem}.ipynb")
    )


def run(path: Path, workdir: Path) -> nbformat.NotebookNode:
    """Execute like a student: a fresh kernel, in a folder that is not the repository."""
    notebook = nbformat.read(path, as_version=4)
    NotebookClient(
        notebook, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(workdir)}}
    ).execute()
    return notebook


def check_outputs(notebook) -> list[str]:
    texts = []
    for cell in notebook.cells:
        if exercises.CHECK_TAG in cell.metadata.get("tags", []):
            texts += [
                output.get("data", {}).get("text/plain", output.get("text", ""))
                for output in cell.outputs
            ]
    return texts


def errors(notebook) -> list[str]:
    return [
        f"{output.ename}: {output.evalue}"
        for cell in notebook.cells
        if cell.cell_type == "code"
        for output in cell.outputs
        if output.output_type == "error"
    ]


def test_there_is_a_chapter_with_exercises():
    assert "chapters/biology/what-is-an-msc" in CHAPTERS


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_an_unanswered_assignment_runs_and_says_not_answered(exported, chapter, tmp_path):
    notebook = run(notebook_path(exported, chapter, key=False), tmp_path)
    assert not errors(notebook)
    outputs = check_outputs(notebook)
    pairs = exercise_sources.exercises_by_chapter(ROOT)[chapter]
    assert len(outputs) >= sum(row["type"] == "coding" for row, _ in pairs)
    assert outputs and all(text.startswith("Not answered yet") for text in outputs), outputs


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_the_answer_key_runs_and_every_check_passes(exported, chapter, tmp_path):
    notebook = run(notebook_path(exported, chapter, key=True), tmp_path)
    assert not errors(notebook)
    outputs = check_outputs(notebook)
    assert outputs and all(text.startswith("Correct") for text in outputs), outputs


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_assignments_hold_every_exercise_and_no_solution(exported, chapter):
    assignment = nbformat.read(notebook_path(exported, chapter, key=False), as_version=4)
    key = nbformat.read(notebook_path(exported, chapter, key=True), as_version=4)
    assignment_text = "\n".join(cell.source for cell in assignment.cells)
    key_text = "\n".join(cell.source for cell in key.cells)
    for row, exercise in exercise_sources.exercises_by_chapter(ROOT)[chapter]:
        assert f"`{row['label']}`" in assignment_text
        # numbered as in the book ("MS-3"), not 1, 2, 3 within the notebook
        assert f"## Exercise {row['number']} · " in assignment_text
        assert exercise.body.splitlines()[0] in assignment_text
        for part in exercise.solution_parts:
            assert part.strip() in key_text, row["label"]
            for line in part.splitlines():
                if len(line) > 40:  # a solution's sentences and code lines stay out
                    assert line not in assignment_text, (row["label"], line)
    answers = [c for c in assignment.cells if exercises.ANSWER_TAG in c.metadata.get("tags", [])]
    assert len(answers) >= len(exercise_sources.exercises_by_chapter(ROOT)[chapter])


def test_one_chapter_can_be_exported_alone(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv(BUILD_ENV, str(tmp_path / "_build"))
    assert main(["export-assignments", "--chapter", "what-is-an-msc"]) == 0
    written = sorted(p.name for p in (tmp_path / "_build" / "assignments").rglob("*.ipynb"))
    assert written == ["what-is-an-msc-answer-key.ipynb", "what-is-an-msc.ipynb"]
    assert re.search(r"1 chapter\(s\) in \d+\.\d s", capsys.readouterr().out)


def test_an_unknown_chapter_is_named_in_the_error(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv(BUILD_ENV, str(tmp_path / "_build"))
    assert main(["export-assignments", "--chapter", "no-such-chapter"]) == 1
    message = capsys.readouterr().err
    assert "'no-such-chapter'" in message and "what-is-an-msc" in message
    assert not (tmp_path / "_build" / "assignments").exists()
