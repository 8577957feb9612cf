"""An nbgrader course from the book's exercises: `python -m mscbook export-nbgrader --out DIR`.

Writes a standard nbgrader course directory (nothing written by hand):

- `DIR/nbgrader_config.py`;
- `DIR/source/<chapter>/<chapter>.ipynb`: one assignment per chapter (or only `--chapter`),
  read from the chapter sources and `data/exercises.csv` exactly as the assignment notebooks are
  (`mscbook.build.assignments`, `mscbook.build.exercise_sources`).

In each notebook the chapter's set-up cell, every exercise's text and the cells it gives are
read-only (nbgrader restores them before grading). A coding exercise's answer cell keeps the
book's `...` stub and holds the reference solution between nbgrader's solution delimiters; its
check becomes an autograded test cell worth the exercise's `points`, which calls
`mscbook.grading.grade`: it fails with the checker's coaching message unless the checker says the
answer is right. A written exercise's answer is a manually graded answer cell; its model answer
is a mark scheme in the exercise's read-only text cell above it, which nbgrader removes from the
student's copy and (with this course's configuration) from the feedback, but restores for the
instructor in formgrader.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell

from mscbook.build.assignments import (
    _cells,
    _exercise_cells,
    _matches,
    finished_notebook,
    jupyterlab_text,
    setup_block,
)
from mscbook.build.exercise_sources import (
    Exercise,
    chapter_paths,
    chapter_title,
    exercises_by_chapter,
)
from mscbook.exercises import CHECK_TAG
from mscbook.paths import book_root

COURSE_ID = "mscbook"
#: What a student sees in place of a reference solution (after the book's own `...` stub).
CODE_STUB = "# Replace each ... above with your answer, then run this cell."
TEXT_STUB = "Write your answer here (double-click this cell)."

CONFIG = f'''"""nbgrader configuration of a course made by `python -m mscbook export-nbgrader`."""

from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor
from nbgrader.preprocessors import ClearMarkScheme, GetGrades

c = get_config()  # noqa: F821 (nbgrader provides it)
c.CourseDirectory.course_id = {COURSE_ID!r}
# Students start from the book's `...` stubs: the stub below follows them, and raises nothing.
c.ClearSolutions.code_stub = {{"python": {CODE_STUB!r}}}
c.ClearSolutions.text_stub = {TEXT_STUB!r}
# A written exercise's model answer is a mark scheme in its read-only text cell (not a task
# cell): nbgrader removes it from the release, restores it for formgrader when it autogrades,
# and (the line after) removes it again from the feedback that students get.
c.ClearMarkScheme.enforce_metadata = False
c.GenerateFeedback.preprocessors = [GetGrades, ClearMarkScheme, CSSHTMLHeaderPreprocessor]
# A deleted test cell comes back and is graded (zero unless the answer is there).
c.OverwriteCells.add_missing_cells = True
# A chapter's set-up loads its data; a slow machine gets time for it.
c.Execute.timeout = 120
# Kernels on local sockets, as in the book's build: no port opened, no TCP warning per student.
c.Execute.kernel_manager_class = "mscbook.build.kernels.LocalKernelManager"
'''


def _meta(grade_id: str, *, grade=False, solution=False, locked=False, task=False, points=None):
    """nbgrader's cell metadata (schema 3)."""
    meta = {
        "grade": grade,
        "grade_id": grade_id,
        "locked": locked,
        "schema_version": 3,
        "solution": solution,
        "task": task,
    }
    if grade or task:
        meta["points"] = int(points)
    return {"nbgrader": meta}


def _locked(cell: nbformat.NotebookNode, grade_id: str) -> nbformat.NotebookNode:
    cell.metadata.update(_meta(grade_id, locked=True))
    return cell


def _solution_code(exercise: Exercise) -> str:
    """The reference solution's code cells as one block; its text as comments (the instructor
    reads them in the source notebook; nbgrader removes the whole region for students)."""
    lines: list[str] = []
    for block in exercise.solution:
        if CHECK_TAG in block.tags:
            continue
        if block.name == "code-cell":
            lines.append(block.content)
        elif block.name is None and block.text.strip():
            text = block.text.strip().splitlines()
            lines.append("\n".join(f"# {line}".rstrip() for line in text))
    return "\n".join(lines)


def _test_source(label: str, points: int) -> str:
    return (
        f"# Autograded ({points} point{'s' if points != 1 else ''}): the book's checker for this "
        "exercise,\n# loaded afresh from the installed mscbook (a name redefined above does not "
        f'count).\nfrom mscbook.grading import grade\n\ngrade("{label}", globals())'
    )


def exercise_cells(row: dict, exercise: Exercise) -> list[nbformat.NotebookNode]:
    """One exercise as nbgrader cells (see the module's docstring)."""
    label, points = row["label"], int(row["points"])
    heading = _exercise_cells(row, exercise, key=False)[0]  # the assignments' own heading
    given = _cells(exercise.given)
    if exercise.answer:
        cells = [_locked(heading, f"{label}-text")]
        cells += [_locked(cell, f"{label}-given-{n}") for n, cell in enumerate(given, 1)]
        stub = "\n".join(block.content for block in exercise.answer)
        answer = new_code_cell(
            f"{stub}\n### BEGIN SOLUTION\n{_solution_code(exercise)}\n### END SOLUTION",
            metadata=_meta(f"{label}-answer", solution=True),
        )
        has_checker = isinstance(row.get("checker"), str) and row["checker"]
        if not has_checker:  # code that an instructor reads: a manually graded answer
            answer.metadata = _meta(label, solution=True, grade=True, points=points)
            return cells + [answer]
        test = new_code_cell(
            _test_source(label, points), metadata=_meta(label, grade=True, points=points)
        )
        test.metadata.nbgrader["locked"] = True
        return cells + [answer, test]
    # A written exercise: its text, read-only, with the model answer as a mark scheme (for the
    # instructor in formgrader only), and the student's manually graded answer cell.
    heading.source += (
        "\n\n=== BEGIN MARK SCHEME ===\n\n**Model answer (instructor only).**\n\n"
        f"{exercise.solution_text}\n\n=== END MARK SCHEME ==="
    )
    cells = [_locked(heading, f"{label}-text")]
    cells += [_locked(cell, f"{label}-given-{n}") for n, cell in enumerate(given, 1)]
    answer = new_markdown_cell(
        f"### BEGIN SOLUTION\n{exercise.solution_text}\n### END SOLUTION",
        metadata=_meta(label, solution=True, grade=True, points=points),
    )
    return cells + [answer]


def build_source(chapter: str, root: Path | None = None) -> nbformat.NotebookNode:
    """The nbgrader source notebook of one chapter (solutions between nbgrader's delimiters)."""
    root = root or book_root()
    path = chapter_paths(root)[chapter]
    intro = (
        f"# {chapter_title(path)}: graded exercises\n\n"
        f"The exercises of the chapter *{chapter_title(path)}* ({chapter}.md). Run the cells from "
        "the top (Kernel, Restart and run all). Write text answers in the answer cells. In a "
        "coding exercise, replace each `...` in the answer cell and run it; the cell under it "
        "is graded automatically and says what is still wrong, not what the answer is."
    )
    cells = [_locked(new_markdown_cell(intro), "intro")]
    setup = setup_block(path)
    if setup is not None:
        cells.append(_locked(_cells([setup])[0], "setup"))
    for row, exercise in exercises_by_chapter(root)[chapter]:
        cells += exercise_cells(row, exercise)
    return finished_notebook(
        cells, chapter, root, "export-nbgrader", {"chapter": chapter, "nbgrader": True}
    )


def assignment_name(chapter: str) -> str:
    return chapter.rsplit("/", 1)[-1]


def export(out: Path, chapters: list[str] | None = None, root: Path | None = None) -> int:
    """Write the course directory (all chapters with exercises, or those named); exit status."""
    root = root or book_root()
    started = time.perf_counter()
    available = list(exercises_by_chapter(root))
    chosen = available
    if chapters:
        chosen = [name for name in available if any(_matches(name, want) for want in chapters)]
        unknown = [want for want in chapters if not any(_matches(n, want) for n in available)]
        if unknown:
            print(
                "export-nbgrader: no chapter with exercises matches "
                f"{', '.join(map(repr, unknown))}; chapters with exercises: {', '.join(available)}",
                file=sys.stderr,
            )
            return 1
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "nbgrader_config.py").write_text(CONFIG, encoding="utf-8")
    for chapter in chosen:
        name = assignment_name(chapter)
        target = out / "source" / name / f"{name}.ipynb"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(jupyterlab_text(build_source(chapter, root), name), encoding="utf-8")
        print(target)
    print(
        f"export-nbgrader: {len(chosen)} assignment(s) in {out} "
        f"in {time.perf_counter() - started:.1f} s"
    )
    return 0
