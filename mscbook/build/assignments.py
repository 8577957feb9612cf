"""Assignment notebooks: one per chapter with its exercises, plus an answer key per chapter.

Both are generated from the chapter sources and `data/exercises.csv` (nothing is written by hand):

- `<build>/assignments/<chapter>.ipynb`: the chapter's set-up cell, then per exercise its text,
  the cells it gives, an empty answer (a "Your answer" cell, or the `...` stub of a coding
  exercise) and the check cells, which call `mscbook.checkers.check`.
- `<build>/assignments/answer-keys/<chapter>-answer-key.ipynb`: the same with the reference
  solutions in place of the empty answers. Do not hand out the `answer-keys` folder.

Notebooks are written exactly as JupyterLab saves them (`jupyterlab_text`), so that opening one
in JupyterLab does not mark it as changed. Exercises carry the book's numbers ("MS-3").
"""

from __future__ import annotations

import json
import re
import sys
import time
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from mscbook.build.citations import Bibliography
from mscbook.build.exercise_sources import (
    Block,
    Exercise,
    chapter_paths,
    chapter_title,
    exercises_by_chapter,
    scan,
)
from mscbook.exercises import ANSWER_TAG, CHECK_TAG, badge
from mscbook.paths import bibliography_path, book_root, build_dir

KEY_FOLDER = "answer-keys"
KERNEL_NAME = "python3"
#: Admonitions with this class speak to readers of the HTML book only (how to run a page live);
#: notebooks leave them out.
BOOK_ONLY_CLASS = "book-only"
_BOOK_ONLY = re.compile(
    r"^(?P<fence>`{3,}|:{3,})\{admonition\}[^\n]*\n(?::[\w-]+:[^\n]*\n)*?"
    rf":class:[^\n]*\b{BOOK_ONLY_CLASS}\b[^\n]*\n.*?^(?P=fence)[ \t]*(?:\n|$)\n?",
    re.MULTILINE | re.DOTALL,
)
_CITE_ROLE = re.compile(r"\{(?:foot)?cite(?::[a-z]+)?\}`([^`]+)`")


def without_book_only(text: str) -> str:
    """MyST text without its `book-only` admonitions."""
    return _BOOK_ONLY.sub("", text)


def cite_readable(text: str, bibliography, cited: list[str] | None = None) -> str:
    """`{footcite:p}` roles as linked "(Author et al. Year)" text; keys are added to `cited`."""

    def role(match: re.Match) -> str:
        keys = [key.strip() for key in match.group(1).split(",")]
        if cited is not None:
            cited.extend(key for key in keys if key not in cited)
        return bibliography.cite(keys)

    return _CITE_ROLE.sub(role, text)


def built_glue(chapter: str, root: Path | None = None, build: Path | None = None) -> dict[str, str]:
    """Every value the chapter glued when the book was last built (`make book` writes them to
    `_build/jupyter_execute/<chapter>.glue.json`; `build`: another build folder), as
    text/plain; empty before a build. The exports run no kernel, so this is where an exercise's
    `{glue:text}` numbers come from."""
    build = build or build_dir(root or book_root())
    path = build / "jupyter_execute" / f"{chapter}.glue.json"
    if not path.is_file():
        return {}
    outputs = json.loads(path.read_text(encoding="utf-8"))
    return {
        key: output["data"]["text/plain"]
        for key, output in outputs.items()
        if "text/plain" in output.get("data", {})
    }


def paste_glue(text: str, glue: dict[str, str], missing: list[str]) -> str:
    """`{glue:text}` roles as the book shows them; keys not in `glue` stay as written and are
    added to `missing`."""
    from mscbook.build.lab import GLUE_ROLE, glue_text  # lab imports this module

    def role(match: re.Match) -> str:
        key, _, spec = match.group(1).partition(":")
        if key not in glue:
            missing.extend([key] if key not in missing else [])
            return match.group(0)
        return glue_text(glue[key], spec)

    return GLUE_ROLE.sub(role, text)


def warn_unglued(chapter: str, missing: list[str], command: str) -> None:
    if missing:
        print(
            f"{command}: {chapter}: no built value for {{glue:text}} "
            f"{', '.join(missing)}, so the notebook shows the role as written; run `make book` "
            "first, then export again",
            file=sys.stderr,
        )


def kernel_metadata() -> dict:
    """The `kernelspec` and `language_info` JupyterLab writes into a notebook when its kernel
    starts: read from the installed kernel spec and from ipykernel, so that they match."""
    from ipykernel.ipkernel import IPythonKernel
    from jupyter_client.kernelspec import KernelSpecManager

    spec = KernelSpecManager().get_kernel_spec(KERNEL_NAME)
    return {
        "kernelspec": {
            "display_name": spec.display_name,
            "language": spec.language,
            "name": KERNEL_NAME,
        },
        "language_info": dict(IPythonKernel.language_info),
    }


def jupyterlab_text(notebook: nbformat.NotebookNode, stem: str) -> str:
    """The notebook as JupyterLab saves it: nbformat 4.5 with cell ids (here stable, made from
    `stem` and the cell's place, so that an unchanged notebook is written byte for byte the
    same), the kernel metadata JupyterLab would add, nbformat's JSON (indent 1, sorted keys) and
    a final newline."""
    notebook = nbformat.from_dict(notebook)
    notebook.nbformat, notebook.nbformat_minor = 4, 5
    for number, cell in enumerate(notebook.cells, start=1):
        cell.id = f"{stem}-{number}"[-64:]
        if cell.cell_type == "code":
            cell.setdefault("execution_count", None)
            cell.setdefault("outputs", [])
    notebook.metadata.update(kernel_metadata())
    nbformat.validate(notebook)
    return nbformat.writes(notebook, version=4) + "\n"


def assignments_dir(root: Path | None = None) -> Path:
    return build_dir(root or book_root()) / "assignments"


def _code(block: Block) -> nbformat.NotebookNode:
    tags = block.tags
    return new_code_cell(block.content, metadata={"tags": tags} if tags else {})


def _cells(blocks: list[Block]) -> list[nbformat.NotebookNode]:
    # Text and directives other than code cells stay MyST Markdown.
    cells = []
    for block in blocks:
        if block.name == "code-cell":
            cells.append(_code(block))
        elif without_book_only(block.text).strip():
            cells.append(new_markdown_cell(without_book_only(block.text).strip()))
    return cells


def setup_block(path: Path) -> Block | None:
    """The chapter's first code cell, which by convention loads everything the chapter uses."""
    return next(
        (block for block in scan(path.read_text("utf-8")) if block.name == "code-cell"), None
    )


def _exercise_cells(row: dict, exercise: Exercise, key: bool) -> list:
    heading = (
        f"## Exercise {row['number']} · {badge(row)}: {exercise.display_title}\n\n"
        f"*Objective:* {row['objective']} *About {int(row['minutes'])} minutes.* "
        f"(`{exercise.label}`)\n\n{exercise.body}"
    )
    cells = [new_markdown_cell(heading, metadata={"exercise": exercise.label})]
    cells += _cells(exercise.given)
    if row["type"] != "coding" and not exercise.answer:
        if key:
            cells.append(new_markdown_cell("**Reference answer.**\n\n" + exercise.solution_text))
        else:
            cells.append(
                new_markdown_cell(
                    "**Your answer** (double-click to write; your instructor reads it):\n\n",
                    metadata={"tags": [ANSWER_TAG]},
                )
            )
        return cells
    if key:
        solution = _cells(exercise.solution)
        cells.append(new_markdown_cell("**Reference solution.**"))
        cells += solution
        if not any(CHECK_TAG in cell.metadata.get("tags", []) for cell in solution):
            cells += [_code(block) for block in exercise.checks]
    else:
        cells += [_code(block) for block in exercise.answer + exercise.checks]
    return cells


def build_notebook(chapter: str, root: Path | None = None, *, key: bool = False):
    """The assignment (or, with `key=True`, the answer key) of one chapter, as a notebook."""
    root = root or book_root()
    path = chapter_paths(root)[chapter]
    pairs = exercises_by_chapter(root)[chapter]
    kind = "Answer key" if key else "Assignment"
    intro = (
        f"# {kind}: {chapter_title(path)}\n\n"
        f"The exercises of the chapter *{chapter_title(path)}* ({chapter}.md). "
        "Run the cells from the top (Kernel, Restart and run all). Write text answers in the "
        "cells marked **Your answer**. In a coding exercise, replace each `...` in the answer "
        "cell, run it, then run the check cell below it: the check says what is still wrong, "
        "not what the answer is."
    )
    if key:
        intro += "\n\n**For instructors only: this notebook holds the reference solutions.**"
    cells = [new_markdown_cell(intro)]
    setup = setup_block(path)
    if setup is not None:
        cells.append(new_markdown_cell("Set-up: load the data and the book's library."))
        cells.append(_code(setup))
    cells.append(new_code_cell("from mscbook.checkers import check"))
    for row, exercise in pairs:
        cells += _exercise_cells(row, exercise, key)
    return finished_notebook(
        cells, chapter, root, "export-assignments", {"chapter": chapter, "answer_key": key}
    )


def finished_notebook(
    cells: list, chapter: str, root: Path, command: str, metadata: dict
) -> nbformat.NotebookNode:
    """An exported notebook from its cells: citations made readable, glued numbers pasted from
    the last book build (`command` names the export in the warning about missing ones), the
    book's kernel, `metadata` under "mscbook", validated."""
    bibliography = Bibliography.read(bibliography_path(root))
    glue, missing = built_glue(chapter, root), []
    for cell in cells:
        if cell.cell_type == "markdown":
            text = cite_readable(without_book_only(cell.source), bibliography)
            cell.source = paste_glue(text, glue, missing)
    warn_unglued(chapter, missing, command)
    notebook = new_notebook(cells=cells)
    notebook.metadata["kernelspec"] = kernel_metadata()["kernelspec"]
    notebook.metadata["mscbook"] = metadata
    nbformat.validate(notebook)
    return notebook


def _matches(chapter: str, wanted: str) -> bool:
    wanted = wanted.removesuffix(".md").strip("/")
    return chapter == wanted or chapter.rsplit("/", 1)[-1] == wanted


def export(chapter: str | None = None, root: Path | None = None) -> int:
    """Write the assignments and answer keys (all chapters with exercises, or one); exit status."""
    root = root or book_root()
    started = time.perf_counter()
    chapters = list(exercises_by_chapter(root))
    if chapter is not None:
        chapters = [name for name in chapters if _matches(name, chapter)]
        if not chapters:
            print(
                f"export-assignments: no chapter with exercises matches {chapter!r}; chapters "
                f"with exercises: {', '.join(exercises_by_chapter(root))}",
                file=sys.stderr,
            )
            return 1
    folder = assignments_dir(root)
    (folder / KEY_FOLDER).mkdir(parents=True, exist_ok=True)
    for name in chapters:
        stem = name.rsplit("/", 1)[-1]
        for key, target in (
            (False, folder / f"{stem}.ipynb"),
            (True, folder / KEY_FOLDER / f"{stem}-answer-key.ipynb"),
        ):
            notebook = build_notebook(name, root, key=key)
            target.write_text(jupyterlab_text(notebook, target.stem), encoding="utf-8")
            print(target)
    print(
        f"export-assignments: {len(chapters)} chapter(s) in {time.perf_counter() - started:.1f} s"
    )
    return 0
