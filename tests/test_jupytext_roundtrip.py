"""Every chapter is in the canonical form jupytext writes back: reading a chapter as a notebook
and saving it again, as JupyterLab does when it opens and autosaves a chapter, changes nothing.

The format options are pinned in one place, `jupytext.toml` at the repository root.
"""

from __future__ import annotations

from pathlib import Path

import jupytext
import pytest
from jupyter_client.kernelspec import KernelSpecManager
from jupytext.config import find_jupytext_configuration_file, load_jupytext_config

from mscbook.build.execution import notebook_documents
from mscbook.paths import book_root

ROOT = book_root()
CHAPTERS = notebook_documents(ROOT)


def config_for(path: Path):
    config = load_jupytext_config(str(path.resolve()))
    assert config is not None, "no jupytext.toml found above the chapter"
    return config


def round_trip(path: Path, kernelspec: dict | None = None) -> str:
    config = config_for(path)
    notebook = jupytext.read(path, config=config)
    if kernelspec is not None:  # what a running kernel writes into the notebook on save
        notebook.metadata["kernelspec"] = kernelspec
    return jupytext.writes(notebook, fmt="md:myst", config=config)


def test_the_format_options_are_pinned_at_the_root():
    chapter = ROOT / "chapters" / "biology" / "what-is-an-msc.md"
    assert Path(find_jupytext_configuration_file(chapter.parent)) == ROOT / "jupytext.toml"
    config = config_for(chapter)
    assert "-jupytext.text_representation.jupytext_version" in config.notebook_metadata_filter
    assert not any(
        config.formats or []
    )  # no pairing: opening a notebook never creates another file


def test_there_are_chapters_to_check():
    assert any(path.name == "what-is-an-msc.md" for path in CHAPTERS)


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda path: path.stem)
def test_reading_and_writing_a_chapter_changes_nothing(path: Path):
    message = f"{path.name} is not in canonical form: run `python -m mscbook format-chapters`"
    assert round_trip(path) == path.read_text(encoding="utf-8"), message


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda path: path.stem)
def test_saving_from_a_running_kernel_changes_nothing(path: Path):
    spec = KernelSpecManager().get_kernel_spec("python3")
    kernelspec = {"display_name": spec.display_name, "language": spec.language, "name": "python3"}
    message = f"{path.name} is not in canonical form: run `python -m mscbook format-chapters`"
    assert round_trip(path, kernelspec) == path.read_text(encoding="utf-8"), message


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda path: path.stem)
def test_converting_without_the_config_changes_nothing(path: Path):
    # `jupytext --output -` ignores jupytext.toml; the header's own filter keeps the text stable.
    notebook = jupytext.read(path)
    assert jupytext.writes(notebook, fmt="md:myst") == path.read_text(encoding="utf-8")
