"""Each chapter runs top to bottom in a fresh kernel from its own folder, as a student runs it."""

from __future__ import annotations

from pathlib import Path

import jupytext
import nbformat
import pytest
from nbclient import NotebookClient

from mscbook.paths import book_root

NOTEBOOKS = sorted(
    path
    for path in (book_root() / "chapters").rglob("*.md")
    if path.read_text(encoding="utf-8").startswith("---\njupytext:")
)


def test_there_are_executable_chapters():
    assert any(path.name == "what-is-an-msc.md" for path in NOTEBOOKS)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.stem)
def test_chapter_runs_in_a_fresh_kernel(path: Path):
    notebook = jupytext.read(path)
    client = NotebookClient(
        notebook,
        timeout=120,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
    )
    client.execute()
    errors = [
        output
        for cell in notebook.cells
        if cell.cell_type == "code"
        for output in cell.get("outputs", [])
        if output.output_type == "error"
    ]
    assert not errors
    assert nbformat.validate(notebook) is None
