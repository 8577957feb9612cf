"""Chapters in the canonical form jupytext writes back (`python -m mscbook format-chapters`).

JupyterLab saves an opened chapter through jupytext, with the options pinned in `jupytext.toml`
and the running kernel's spec. A chapter already in that form is saved unchanged, so reading a
chapter never dirties a clone (tests/test_jupytext_roundtrip.py checks every chapter).
"""

from __future__ import annotations

from pathlib import Path

from mscbook.build.execution import notebook_documents
from mscbook.paths import book_root

#: No jupytext version in a chapter's header: it would change with every upgrade of jupytext.
VERSION_FILTER = "-jupytext.text_representation.jupytext_version"


def canonical(path: Path) -> str:
    """The text jupytext writes for `path` when a running python3 kernel saves it."""
    import jupytext
    from jupyter_client.kernelspec import KernelSpecManager
    from jupytext.config import load_jupytext_config

    config = load_jupytext_config(str(path.resolve()))
    notebook = jupytext.read(path, config=config)
    for cell in notebook.cells:  # a folded `caption: >` ends in a newline that means nothing
        cell.metadata = _stripped(cell.metadata)
    # The filter also lives in each chapter's own header, so that jupytext applies it wherever
    # the chapter is converted (the command line ignores jupytext.toml when writing to stdout).
    header = notebook.metadata.setdefault("jupytext", {})
    header["notebook_metadata_filter"] = VERSION_FILTER
    spec = KernelSpecManager().get_kernel_spec("python3")
    notebook.metadata["kernelspec"] = {
        "display_name": spec.display_name, "language": spec.language, "name": "python3",
    }  # fmt: skip
    return jupytext.writes(notebook, fmt="md:myst", config=config)


def format_chapters(root: Path | None = None) -> list[Path]:
    """Rewrite every chapter that is not in canonical form; return the ones rewritten."""
    changed = []
    for path in notebook_documents(root or book_root()):
        text = canonical(path)
        if text != path.read_text(encoding="utf-8"):
            path.write_text(text, encoding="utf-8")
            changed.append(path)
    return changed


def _stripped(value):
    """`value` with the trailing white space of every string in it removed."""
    if isinstance(value, str):
        return value.rstrip()
    if isinstance(value, dict):
        return type(value)((key, _stripped(item)) for key, item in value.items())
    if isinstance(value, list):
        return [_stripped(item) for item in value]
    return value
