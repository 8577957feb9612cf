"""The student lab (`make lab`): solution-free notebooks and assignments under _build/lab/,
with what JupyterLab cannot render (glue, term, citations) turned into readable text."""

from __future__ import annotations

import hashlib
import subprocess

import nbformat
import pytest

from mscbook.build import assignments, execution, exercise_sources, lab
from mscbook.build.citations import Bibliography
from mscbook.exercises import metadata, numbers
from mscbook.paths import BUILD_ENV, book_root

ROOT = book_root()
BIB_TEXT = r"""@article{dominici2006, author = {Dominici, M. and Le Blanc, K. and Mueller, I.},
       title = {Minimal criteria for {MSC}}, journal = {Cytotherapy}, year = {2006},
       doi = {10.1080/14653240600855905}}
       @article{caplan1991, author = {Caplan, A. I.}, title = {Mesenchymal stem cells},
       journal = {J Orthop Res}, year = {1991}, pmid = {1870029}}
       @article{fernandez2018, author = {Fern{\'a}ndez, O. and N{\'e}meth, K. and others},
       title = {Adipose-derived {MSC} in {SPMS}}, journal = {PLoS One}, year = {2018},
       doi = {10.1371/journal.pone.0195891}}
       @misc{nct03799718, title = {{NurOwn} ({MSC-NTF} cells) in progressive {MS}},
       registry = {NCT03799718}}"""


@pytest.fixture(scope="module")
def bib(tmp_path_factory) -> Bibliography:
    path = tmp_path_factory.mktemp("bib") / "references.bib"
    path.write_text(BIB_TEXT, encoding="utf-8")
    return Bibliography.read(path)


def test_roles_become_readable_text(bib):
    text = (
        "At least {glue:text}`positive_threshold:g`% of {glue:text}`markers`; "
        "{term}`Plastic adherence` and {term}`MNCs <Bone-marrow mononuclear cells>` "
        "{footcite:p}`dominici2006,caplan1991`. {numref}`fig-x` shows it; see {ref}`part-x`."
    )
    glue = {"positive_threshold": "95.0", "markers": "'CD105, CD73 and CD90'"}
    result, cited = lab.readable(text, glue, bib, {"part-x": "Mechanisms"})
    assert result == (
        "At least 95% of CD105, CD73 and CD90; Plastic adherence and MNCs "
        "([Dominici et al. 2006](https://doi.org/10.1080/14653240600855905); "
        "[Caplan 1991](https://pubmed.ncbi.nlm.nih.gov/1870029/)). "
        "The figure shows it; see *Mechanisms*."
    )
    assert cited == ["dominici2006", "caplan1991"]


def test_citations_are_clean_text_with_a_link(bib):
    # LaTeX accents and protecting braces, as references.bib writes them, never reach a reader.
    assert bib.cite(["fernandez2018", "nct03799718"]) == (
        "([Fernández et al. 2018](https://doi.org/10.1371/journal.pone.0195891); "
        "[NurOwn (MSC-NTF cells) in progressive MS](https://clinicaltrials.gov/study/NCT03799718))"
    )


def test_a_reference_is_formatted_as_in_the_book_with_a_working_link(bib):
    line = bib.reference("fernandez2018")
    assert line.startswith("O. Fernández, K. Németh, and others. Adipose-derived MSC in SPMS.")
    assert "*PLoS One*" in line
    assert (
        "[doi:10.1371/journal.pone.0195891](https://doi.org/10.1371/journal.pone.0195891)" in line
    )
    registry = bib.reference("nct03799718")
    assert registry.startswith("NurOwn (MSC-NTF cells) in progressive MS.")
    assert registry.endswith("[NCT03799718](https://clinicaltrials.gov/study/NCT03799718)")
    pubmed = bib.reference("caplan1991")
    assert pubmed.endswith("[PMID 1870029](https://pubmed.ncbi.nlm.nih.gov/1870029/)")
    for text in (line, registry, pubmed):
        assert "{" not in text and "\\'" not in text


def test_every_reference_of_the_book_renders_without_latex():
    bibliography = Bibliography.read()
    for key in bibliography.entries:
        text = bibliography.reference(key) + bibliography.cite([key])
        assert not any(mark in text for mark in ("{", "}", "\\'", '\\"', "\\~")), key
        assert "](https://" in bibliography.reference(key) or key in {
            "ema004258",
            "chictr2000035740",
        }, key


def test_exercises_keep_the_books_number_in_the_notebook():
    text = ":::{exercise} Concept: x\n:label: ex-ms-edss-rules\n:nonumber:\n\nBody\n:::\n"
    numbered = lab.numbered_exercises(text, numbers(metadata(ROOT)))
    assert (
        numbered
        == ":::{exercise} Concept: x\n:label: ex-ms-edss-rules\n:enumerator: MS-1\n\nBody\n:::\n"
    )


def test_book_only_admonitions_are_left_out_of_notebooks():
    text = (
        "Before.\n\n```{admonition} Running the form live\n:class: note book-only\n"
        "Clone the repository and run `make lab`.\n```\n\nAfter.\n"
        "```{admonition} Kept\n:class: note\nStays.\n```\n"
    )
    assert assignments.without_book_only(text) == (
        "Before.\n\nAfter.\n```{admonition} Kept\n:class: note\nStays.\n```\n"
    )


def test_notebooks_are_written_as_jupyterlab_saves_them():
    notebook = nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_markdown_cell("# Title"), nbformat.v4.new_code_cell("1 + 1")]
    )
    text = lab.assignments.jupyterlab_text(notebook, "chapter")
    assert text == lab.assignments.jupyterlab_text(notebook, "chapter")  # stable ids
    saved = nbformat.reads(text, as_version=4)
    assert (saved.nbformat, saved.nbformat_minor) == (4, 5)
    assert [cell.id for cell in saved.cells] == ["chapter-1", "chapter-2"]
    # what JupyterLab's server writes on save: nbformat.write, i.e. writes() and a newline
    assert nbformat.writes(saved, version=4) + "\n" == text
    from ipykernel.ipkernel import IPythonKernel
    from jupyter_client.kernelspec import KernelSpecManager

    spec = KernelSpecManager().get_kernel_spec("python3")
    assert saved.metadata.kernelspec == {
        "display_name": spec.display_name,
        "language": "python",
        "name": "python3",
    }
    assert saved.metadata.language_info == IPythonKernel.language_info


def test_a_notebook_the_student_changed_is_never_overwritten(tmp_path):
    target, manifest = tmp_path / "a.ipynb", {}
    assert lab.write_if_untouched(target, "v1", manifest, tmp_path) == "written"
    assert lab.write_if_untouched(target, "v2", manifest, tmp_path) == "written"  # untouched
    target.write_text("my work")
    assert lab.write_if_untouched(target, "v3", manifest, tmp_path).startswith("kept")
    assert target.read_text() == "my work"
    assert lab.write_if_untouched(target, "my work", manifest, tmp_path) == "unchanged"


@pytest.fixture(scope="module")
def written(tmp_path_factory, built_html):
    """The student lab, written into a throw-away build folder (glued values from the book's
    build, as `make lab` after `make book`); the sources' hashes around it."""
    build = tmp_path_factory.mktemp("student-lab") / "_build"
    sources = sorted((ROOT / "chapters").rglob("*.md"))
    before = {path: hashlib.sha256(path.read_bytes()).hexdigest() for path in sources}
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(BUILD_ENV, str(build))
        assert lab.make_lab(ROOT, glue_from=built_html.parent) == 0
    after = {path: hashlib.sha256(path.read_bytes()).hexdigest() for path in sources}
    return build / "lab", before, after


def test_the_lab_takes_glued_values_from_a_build_of_these_sources_only(built_html, tmp_path):
    glue = lab.book_glue(ROOT, built_html.parent)
    assert glue is not None, "make book's sources stamp does not match the sources"
    assert set(glue) == {
        path.relative_to(ROOT).with_suffix("").as_posix()
        for path in execution.notebook_documents(ROOT)
    }
    # a build of other sources (or none) is not trusted: the chapters would run instead
    (tmp_path / "mscbook-sources.sha256").write_text("another build\n")
    assert lab.book_glue(ROOT, tmp_path) is None
    assert lab.book_glue(ROOT, tmp_path / "no-build") is None


def test_the_built_glue_is_what_running_the_student_notebook_gives(built_html, tmp_path):
    """The shortcut changes no number: the book's values equal a fresh run's (one chapter)."""
    chapter = "chapters/biology/what-is-an-msc"
    notebook = lab.student_notebook(ROOT / f"{chapter}.md", ROOT)
    ran = lab.glued_values(notebook, tmp_path)
    built = lab.book_glue(ROOT, built_html.parent)[chapter]
    assert ran and ran == {name: built[name] for name in ran}


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
    assert "([Dominici et al. 2006](https://doi.org/" in text
    assert "Exercise {ref}" not in text and ":nonumber:" not in text
    assert ":enumerator: MSC-1" in text  # the book's number
    assert "make lab" not in text and "clone" not in text.lower()  # advice for the HTML book
    assert all(not cell.get("outputs") for cell in notebook.cells if cell.cell_type == "code")


def test_no_notebook_holds_raw_bibtex_or_book_only_advice(written):
    folder = written[0]
    for path in folder.rglob("*.ipynb"):
        text = "\n".join(cell.source for cell in nbformat.read(path, as_version=4).cells)
        for raw in (
            "{\\'",
            "{footcite",
            "{footbibliography}",
            "{cite",
            "make lab",
            "download button",
        ):
            assert raw not in text, (path.name, raw)
        assert path.read_text(encoding="utf-8") == lab.assignments.jupyterlab_text(
            nbformat.read(path, as_version=4), path.stem
        ), path.name


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


def test_the_html_book_says_how_to_run_a_page_live(built_html):
    # The download button offers the page's .md source, which runs only inside the repository:
    # each live-widget page says so, in an admonition that the notebooks leave out.
    import re

    pages = [
        path for path in built_html.rglob("chapters/**/*.html") if "book-only" in path.read_text()
    ]
    assert len(pages) >= 7
    for page in pages:
        html = page.read_text(encoding="utf-8")
        note = re.search(r'<div class="[^"]*\bbook-only\b[^"]*">(.*?)</div>', html, re.S)
        assert note, page.name
        text = re.sub(r"<[^>]+>", "", note.group(1))
        assert "make lab" in text and ".md" in text and "repository" in text, page.name
