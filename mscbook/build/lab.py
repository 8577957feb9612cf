"""The student lab: JupyterLab on solution-free notebooks, outside the sources.

`python -m mscbook student-lab` (run by `make lab`) writes, under `<build>/lab/`:

- `chapters/<part>/<chapter>.ipynb`: each chapter's student notebook. It is made from the
  student copy of the source (every solution cut out, `mscbook.build.student.strip_solutions`),
  with what JupyterLab cannot render made readable: `{glue:text}` roles become the glued values
  (those of the last `make book` when it built these very sources, otherwise computed by
  running the student notebook once), `{term}` roles their text, citations linked
  "(Author et al. Year)" and `{footbibliography}` a list of the chapter's sources
  (`mscbook.build.citations`), and `{ref}` / `{numref}` the title of what they point to.
  Admonitions, exercises, figures and math stay MyST, which `jupyterlab-myst` renders; an
  exercise keeps the book's number ("Exercise MS-3": `:nonumber:` becomes `:enumerator: MS-3`),
  and admonitions meant for the HTML book only (class `book-only`) are left out.
- `assignments/<chapter>.ipynb`: the chapter's assignment (never the answer keys).

Both are written as JupyterLab saves them (`assignments.jupyterlab_text`): opening one and
saving it without an edit changes nothing, so JupyterLab never asks to save an untouched notebook.

Students work in these copies: nothing they do changes `chapters/`. Running the command again
refreshes a notebook only if the student has not changed it since it was written (a manifest of
hashes, `.mscbook-lab.json`), so no work is overwritten.
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
import tempfile
import time
from pathlib import Path

import jupytext
import nbformat
from nbclient import NotebookClient

from mscbook.build import assignments, execution
from mscbook.build.citations import Bibliography
from mscbook.build.exercise_sources import exercises_by_chapter
from mscbook.build.student import strip_solutions
from mscbook.exercises import metadata, numbers
from mscbook.paths import bibliography_path, book_root, build_dir

MANIFEST = ".mscbook-lab.json"
GLUE_ROLE = re.compile(r"\{glue(?::text)?\}`([^`]+)`")
TERM_ROLE = re.compile(r"\{term\}`([^`<]+?)\s*(?:<[^>`]*>)?`")
REF_ROLE = re.compile(r"\{(ref|numref)\}`([^`<]+?)\s*(?:<([^>`]*)>)?`")
BIBLIOGRAPHY = re.compile(r"```\{footbibliography\}\s*\n```")
TARGET = re.compile(r"^\(([\w-]+)\)=\s*\n#+\s+(.+)$", re.MULTILINE)
UNNUMBERED = re.compile(r"^(:label: *(?P<label>[\w-]+)\n):nonumber:[ \t]*$", re.MULTILINE)


def lab_dir(root: Path | None = None) -> Path:
    return build_dir(root or book_root()) / "lab"


# nbgrader (installed for instructors, `make nbgrader`) adds its own JupyterLab menus and a
# formgrader server extension to every JupyterLab of the environment. Students have no use for
# them, so the student lab runs with a config folder that switches both off.
INSTRUCTOR_ONLY_LAB_EXTENSIONS = ("@jupyter/nbgrader",)
INSTRUCTOR_ONLY_SERVER_EXTENSIONS = tuple(
    f"nbgrader.server_extensions.{name}"
    for name in ("formgrader", "validate_assignment", "assignment_list", "course_list")
)


def lab_config_dir(root: Path | None = None) -> Path:
    """The Jupyter config folder of the student lab (give it as JUPYTER_CONFIG_PATH); kept
    outside `lab_dir` so that students do not see it among their notebooks."""
    return build_dir(root or book_root()) / "lab-config"


def write_lab_config(root: Path | None = None) -> Path:
    """Write the student lab's config folder: instructor-only extensions disabled."""
    folder = lab_config_dir(root)
    page_config = {"disabledExtensions": {name: True for name in INSTRUCTOR_ONLY_LAB_EXTENSIONS}}
    switched_off = dict.fromkeys(INSTRUCTOR_ONLY_SERVER_EXTENSIONS, False)
    server = {"ServerApp": {"jpserver_extensions": switched_off}}
    (folder / "labconfig").mkdir(parents=True, exist_ok=True)
    (folder / "labconfig" / "page_config.json").write_text(json.dumps(page_config, indent=1) + "\n")
    (folder / "jupyter_server_config.json").write_text(json.dumps(server, indent=1) + "\n")
    return folder


def glued_values(notebook: nbformat.NotebookNode, workdir: Path) -> dict[str, str]:
    """Run `notebook` (a copy) in `workdir` and return every glued value as text/plain."""
    from mscbook.build.kernels import LOCAL_KERNEL

    notebook = nbformat.from_dict(notebook)
    NotebookClient(
        notebook,
        timeout=120,
        kernel_name="python3",
        resources={"metadata": {"path": str(workdir)}},
        **LOCAL_KERNEL,
    ).execute()
    values = {}
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            scrapbook = output.get("metadata", {}).get("scrapbook", {})
            plain = output.get("data", {}).get(scrapbook.get("mime_prefix", "") + "text/plain")
            if scrapbook.get("name") and plain is not None:
                values[scrapbook["name"]] = plain
    return values


def glue_text(value: str, spec: str) -> str:
    """A glued text/plain value as `{glue:text}` shows it (`spec`: a format such as `g`)."""
    if value[:1] in "'\"" and value[-1:] == value[:1]:
        value = value[1:-1]
    if spec:
        try:
            return format(float(value), spec)
        except ValueError:
            return value
    return value


def targets(root: Path) -> dict[str, str]:
    """Label → heading text, for every `(label)=` target above a heading in the book, and
    exercise label → "Exercise MS-3" (what `{ref}` shows in the book)."""
    found = {}
    for page in execution.toc_documents(root):
        for label, heading in TARGET.findall(page.read_text(encoding="utf-8")):
            found[label] = heading.strip()
    for label, number in numbers(metadata(root)).items():
        found[label] = f"Exercise {number}"
    return found


def numbered_exercises(text: str, number: dict[str, str]) -> str:
    """`:nonumber:` under an exercise's label becomes `:enumerator: MS-3` (jupyterlab-myst then
    titles it "Exercise MS-3", as the book does)."""

    def option(match: re.Match) -> str:
        label = match.group("label")
        if label not in number:
            return match.group(0)
        return f"{match.group(1)}:enumerator: {number[label]}"

    return UNNUMBERED.sub(option, text)


def readable(
    text: str, glue: dict[str, str], bibliography: Bibliography, labels: dict[str, str]
) -> tuple[str, list[str]]:
    """MyST Markdown with the roles JupyterLab cannot render replaced by readable text, and the
    citation keys it cited, in order."""
    cited: list[str] = []

    def glue_role(match: re.Match) -> str:
        key, _, spec = match.group(1).partition(":")
        if key not in glue:
            return key
        return glue_text(glue[key], spec)

    def ref_role(match: re.Match) -> str:
        kind, text, label = match.groups()
        if label:
            return text.strip()
        if kind == "numref":
            return "the figure"
        return f"*{labels.get(text, text)}*"

    text = GLUE_ROLE.sub(glue_role, text)
    text = TERM_ROLE.sub(lambda m: m.group(1).strip(), text)
    text = assignments.cite_readable(text, bibliography, cited)
    text = REF_ROLE.sub(ref_role, text)
    text = re.sub(r"(^|[.!?]\s+)the figure", lambda m: m.group(1) + "The figure", text)
    return text, cited


def student_notebook(path: Path, root: Path) -> nbformat.NotebookNode:
    """The student copy of one chapter as a notebook: no solutions, book-only parts left out,
    exercises numbered as in the book; roles still as written."""
    source = strip_solutions(path.read_text(encoding="utf-8"), str(path.relative_to(root)))
    source = numbered_exercises(assignments.without_book_only(source), numbers(metadata(root)))
    return jupytext.reads(source, fmt="md:myst")


def book_glue(root: Path, build: Path) -> dict[str, dict[str, str]] | None:
    """Every chapter's glued values (chapter → name → text/plain) from the book build in `build`,
    or None unless that build succeeded on exactly these sources (its sources stamp matches):
    then running the chapters again would compute the same values."""
    from mscbook.build.book import SOURCES_STAMP, sources_fingerprint

    stamp = build / SOURCES_STAMP
    if not stamp.is_file() or stamp.read_text() != sources_fingerprint(root):
        return None
    chapters = [path.relative_to(root).with_suffix("").as_posix() for path in
                execution.notebook_documents(root)]  # fmt: skip
    return {chapter: assignments.built_glue(chapter, root, build) for chapter in chapters}


def readable_notebook(
    notebook: nbformat.NotebookNode,
    chapter: str,
    glue: dict[str, str],
    bibliography: Bibliography,
    labels: dict[str, str],
) -> nbformat.NotebookNode:
    """`notebook` with readable roles and the chapter's reference list, and no outputs."""
    cited: list[str] = []
    for cell in notebook.cells:
        if cell.cell_type != "markdown":
            continue
        cell.source, keys = readable(cell.source, glue, bibliography, labels)
        cited += [key for key in keys if key not in cited]
    items = bibliography.reference_list(cited)
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            cell.source = BIBLIOGRAPHY.sub(lambda _: items, cell.source)
    notebook.cells = [
        cell for cell in notebook.cells if cell.cell_type != "markdown" or cell.source.strip()
    ]
    notebook.metadata.pop("jupytext", None)
    notebook.metadata["mscbook"] = {"chapter": chapter}
    return notebook


def write_if_untouched(target: Path, text: str, manifest: dict[str, str], folder: Path) -> str:
    """Write `text` unless the student changed the file since it was last written: the action."""
    key = target.relative_to(folder).as_posix()
    digest = hashlib.sha256(text.encode()).hexdigest()
    if target.exists():
        current = hashlib.sha256(target.read_bytes()).hexdigest()
        if current == digest:
            manifest[key] = digest
            return "unchanged"
        if manifest.get(key) != current:
            return "kept (you changed it; delete it to get a fresh copy)"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    manifest[key] = digest
    return "written"


def make_lab(root: Path | None = None, glue_from: Path | None = None) -> int:
    """Write the student notebooks and assignments into `<build>/lab/`; return the exit status.

    The glued numbers come from the book build in `glue_from` (default: this build folder) when
    it is a build of these very sources (`book_glue`); otherwise each chapter runs once here.
    """
    root = root or book_root()
    started = time.perf_counter()
    folder = lab_dir(root)
    folder.mkdir(parents=True, exist_ok=True)
    manifest_path = folder / MANIFEST
    manifest = json.loads(manifest_path.read_text()) if manifest_path.exists() else {}
    bibliography = Bibliography.read(bibliography_path(root))
    labels = targets(root)
    built = book_glue(root, glue_from or build_dir(root))
    print(
        "student-lab: glued values from the book build"
        if built is not None
        else "student-lab: no book build of these sources, so each chapter runs once for its "
        "glued values (`make book` first makes this faster)"
    )
    glue_by_chapter: dict[str, dict[str, str]] = {}
    with tempfile.TemporaryDirectory() as scratch:
        for path in execution.notebook_documents(root):
            relative = path.relative_to(root).with_suffix(".ipynb")
            chapter = relative.with_suffix("").as_posix()
            try:
                notebook = student_notebook(path, root)
                if built is not None:
                    glue = built[chapter]
                else:
                    glue = glued_values(notebook, Path(scratch))
            except Exception as error:  # a chapter that fails to run: say which, go on
                print(f"student-lab: {relative} not written: {error}", file=sys.stderr)
                return 1
            notebook = readable_notebook(notebook, chapter, glue, bibliography, labels)
            glue_by_chapter[chapter] = glue
            target = folder / relative
            text = assignments.jupyterlab_text(notebook, target.stem)
            action = write_if_untouched(target, text, manifest, folder)
            print(f"{target}: {action}")
    for chapter in exercises_by_chapter(root):
        stem = chapter.rsplit("/", 1)[-1]
        notebook = assignments.build_notebook(chapter, root, key=False)
        for cell in notebook.cells:
            if cell.cell_type == "markdown":
                glue = glue_by_chapter.get(chapter, {})
                cell.source = readable(cell.source, glue, bibliography, labels)[0]
        target = folder / "assignments" / f"{stem}.ipynb"
        text = assignments.jupyterlab_text(notebook, target.stem)
        action = write_if_untouched(target, text, manifest, folder)
        print(f"{target}: {action}")
    manifest_path.write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n")
    write_lab_config(root)
    print(f"student-lab: ready in {time.perf_counter() - started:.0f} s: {folder}")
    return 0
