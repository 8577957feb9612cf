"""The student lab (`make lab`): solution-free notebooks and assignments under _build/lab/,
with what JupyterLab cannot render (glue, term, citations) turned into readable text."""

from __future__ import annotations

import hashlib
import subprocess

import nbformat
import pytest
from pybtex.database import parse_string

from mscbook.build import exercise_sources, lab
from mscbook.paths import BUILD_ENV, book_root

ROOT = book_root()
BIB = parse_string(
    """@article{dominici2006, author = {Dominici, M. and Le Blanc, K. and Mueller, I.},
       title = {Minimal criteria for {MSC}}, journal = {Cytotherapy}, year = {2006},
       doi = {10.1080/14653240600855905}}
       @article{caplan1991, author = {Caplan, A. I.}, title = {Mesenchymal stem cells},
       journal = {J Orthop Res}, year = {1991}}""",
    "bibtex",
).entries


def test_roles_become_readable_text():
    text = (
        "At least {glue:text}`positive_threshold:g`% of {glue:text}`markers`; "
        "{term}`Plastic adherence` and {term}`MNCs <Bone-marrow mononuclear cells>` "
        "{footcite:p}`dominici2006,caplan1991`. {numref}`fig-x` shows it; see {ref}`part-x`."
    )
    glue = {"positive_threshold": "95.0", "markers": "'CD105, CD73 and CD90'"}
    result, cited = lab.readable(text, glue, BIB, {"part-x": "Mechanisms"})
    assert result == (
        "At least 95% of CD105, CD73 and CD90; Plastic adherence and MNCs "
        "(Dominici et al. 2006; Caplan 1991). The figure shows it; see *Mechanisms*."
    )
    assert cited == ["dominici2006", "caplan1991"]


def test_a_reference_line_is_plain_text():
    line = lab.reference_line(BIB["dominici2006"])
    assert line == (
        "Dominici et al. 2006. Minimal criteria for MSC. *Cytotherapy*. "
        "doi:10.1080/14653240600855905"
    )


def test_a_notebook_the_student_changed_is_never_overwritten(tmp_path):
    target, manifest = tmp_path / "a.ipynb", {}
    assert lab.write_if_untouched(target, "v1", manifest, tmp_path) == "written"
    assert lab.write_if_untouched(target, "v2", manifest, tmp_path) == "written"  # untouched
    target.write_text("my work")
    assert lab.write_if_untouched(target, "v3", manifest, tmp_path).startswith("kept")
    assert target.read_text() == "my work"
    assert lab.write_if_untouched(target, "my work", manifest, tmp_path) == "unchanged"


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    """The student lab, written into a throw-away build folder; the sources' hashes around it."""
    build = tmp_path_factory.mktemp("student-lab") / "_build"
    sources = sorted((ROOT / "chapters").rglob("*.md"))
    before = {path: hashlib.sha256(path.read_bytes()).hexdigest() for path in sources}
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(BUILD_ENV, str(build))
        assert lab.make_lab(ROOT) == 0
    after = {path: hashlib.sha256(path.read_bytes()).hexdigest() for path in sources}
    return build / "lab", before, after


def test_the_lab_is_outside_the_sources_and_leaves_them_alone(written):
    folder, before, after = written
    assert ROOT / "chapters" not in folder.parents
    assert before == after


def test_each_chapter_has_a_student_notebook_without_solutions_or_raw_roles(written):
    folder = written[0]
    notebook = nbformat.read(folder / "chapters/biology/what-is-an-msc.ipynb", as_version=4)
    text = "\n".join(cell.source for cell in notebook.cells)
    for parts in exercise_sources.solution_texts(ROOT).values():
        for part in parts:
            for line in part.splitlines():
                if len(line) > 40:
                    assert line.strip() not in text, line
    for role in ("{glue", "{term}", "{footcite", "{footbibliography}", "{numref}", "{ref}"):
        assert role not in text, role
    assert ":::{exercise}" in text  # rendered by jupyterlab-myst
    assert "At least 95% of cells must be positive" in text  # a glued value, from the data
    assert "(Dominici et al. 2006)" in text
    assert all(not cell.get("outputs") for cell in notebook.cells if cell.cell_type == "code")


def test_the_assignments_are_beside_the_chapters_but_not_the_answer_keys(written):
    folder = written[0]
    assert (folder / "assignments" / "what-is-an-msc.ipynb").is_file()
    assert not list(folder.rglob("*answer-key*"))


@pytest.mark.parametrize("target", ["lab", "lab-author"])
def test_make_lab_starts_jupyterlab_for_root_with_allow_root(target):
    # JupyterLab exits at once as root without --allow-root ("Running as root is not
    # recommended"), which is how a container runs `make lab`.
    def command(user_id: str) -> str:
        dry_run = subprocess.run(
            ["make", "-n", target, f"USER_ID={user_id}"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        return next(line for line in dry_run.splitlines() if "jupyter lab" in line)

    assert "--allow-root" in command("0").split()
    assert "--allow-root" not in command("1000").split()
