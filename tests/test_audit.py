"""The figure audit fails a build, naming page and cell, for each kind of unfit figure."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from mscbook.build.audit import is_blank, provenance

FIXTURE = Path(__file__).parent / "books" / "bad-figures"


@pytest.fixture(scope="module")
def fixture_build(tmp_path_factory) -> subprocess.CompletedProcess:
    output = tmp_path_factory.mktemp("bad-figures-build")
    command = [
        str(Path(sys.executable).parent / "jupyter-book"), "build", str(FIXTURE),
        "--path-output", str(output), "-W", "--keep-going",
    ]  # fmt: skip
    result = subprocess.run(command, capture_output=True, text=True, check=False, timeout=300)
    result.output_dir = output
    return result


def audit_lines(build) -> list[str]:
    return [line for line in (build.stdout + build.stderr).splitlines() if "figure audit:" in line]


def test_the_build_fails(fixture_build):
    assert fixture_build.returncode != 0


@pytest.mark.parametrize(
    ("cell", "label", "problem"),
    [
        # Cells are numbered as in the notebook (Markdown cells count), as JupyterLab shows them.
        (4, "fig-no-alt", "no alt text"),
        (5, "no label", "no label"),
        (6, "fig-blank", "blank image"),
        (7, "fig-no-source", "does not say which data file(s) it came from"),
    ],
)
def test_each_problem_names_page_and_cell(fixture_build, cell, label, problem):
    expected = f"figure audit: figures, cell {cell} ({label}): {problem}"
    matches = [line for line in audit_lines(fixture_build) if expected in line]
    assert matches, audit_lines(fixture_build)
    assert "bad-figures/figures.md:" in matches[0]  # the file and line of the cell


def test_a_good_figure_is_not_flagged(fixture_build):
    assert not [line for line in audit_lines(fixture_build) if "fig-good" in line]


def test_flat_and_drawn_images_are_told_apart(tmp_path):
    flat = tmp_path / "flat.png"
    Image.fromarray(np.full((20, 30, 3), 255, dtype=np.uint8)).save(flat)
    drawn = tmp_path / "drawn.png"
    pixels = np.full((20, 30, 3), 255, dtype=np.uint8)
    pixels[10, 10] = (0, 0, 0)
    Image.fromarray(pixels).save(drawn)
    assert is_blank(flat) and not is_blank(drawn)
    assert provenance(drawn) == []


def test_an_incremental_build_finds_unchanged_pages_images_in_the_site(tmp_path):
    """`make preview` writes only changed pages; the manifest still lists the others' images."""
    import json
    from types import SimpleNamespace

    from mscbook.build.audit import MANIFEST_NAME, write_manifest

    (tmp_path / "_images").mkdir()
    (tmp_path / "_images" / "abc123.png").write_bytes(b"png")
    record = {"cell": 3, "label": "fig-x", "source_image": str(tmp_path / "exec" / "abc123.png")}
    missing = dict(record, cell=4, source_image=str(tmp_path / "exec" / "gone.png"))
    app = SimpleNamespace(
        builder=SimpleNamespace(format="html", images={}, imagedir="_images"),
        srcdir=str(tmp_path),
        outdir=str(tmp_path),
        env=SimpleNamespace(mscbook_figures={"page": [record, missing]}),
    )
    write_manifest(app, None)
    figures = json.loads((tmp_path / MANIFEST_NAME).read_text())["figures"]
    assert [figure["image"] for figure in figures] == ["_images/abc123.png", ""]
