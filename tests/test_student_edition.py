"""The student edition holds no solution text (pages, search index, _sources); instructors do."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest

from mscbook import exercises
from mscbook.build import student
from mscbook.build.exercise_sources import chapter_paths, solution_texts
from mscbook.paths import book_root

ROOT = book_root()
N = 6  # a solution's runs of six words must not reach students
SKIPPED = {"_static", "_images"}


def words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower())


def grams(text: str, n: int = N) -> set[tuple[str, ...]]:
    found = words(text)
    return {tuple(found[i : i + n]) for i in range(len(found) - n + 1)}


# A glued number renders as its value, not as the role: runs of words may not span one.
GLUE_ROLE = re.compile(r"\{glue(?::text)?\}`[^`]*`")


def solution_grams() -> dict[str, set[tuple[str, ...]]]:
    return {
        label: set().union(*(grams(piece) for part in parts for piece in GLUE_ROLE.split(part)))
        for label, parts in solution_texts().items()
    }


def site_text(site: Path) -> dict[Path, str]:
    """Every published text file (pages, search index, _sources, JSON), tags removed."""
    texts = {}
    for path in site.rglob("*"):
        if path.is_dir() or SKIPPED & set(path.relative_to(site).parts):
            continue
        if path.suffix not in {".html", ".js", ".md", ".txt", ".ipynb", ".json", ".py"}:
            continue
        raw = path.read_text(encoding="utf-8", errors="replace")
        texts[path] = html.unescape(re.sub(r"<[^>]+>", " ", raw))
    return texts


def index_terms(site: Path) -> set[str]:
    raw = (site / "searchindex.js").read_text(encoding="utf-8")
    return set(json.loads(raw[raw.index("(") + 1 : raw.rindex(")")])["terms"])


@pytest.fixture(scope="session")
def student_site() -> Path:
    """The student edition, built now unless it is newer than every source it depends on."""
    site = student.student_html(ROOT)
    sources = [
        *ROOT.glob("chapters/**/*.md"),
        *ROOT.glob("data/*"),
        *ROOT.glob("mscbook/**/*.py"),
        ROOT / "_config.yml",
        ROOT / "_toc.yml",
        ROOT / "intro.md",
    ]
    newest = max(path.stat().st_mtime for path in sources)
    index = site / "index.html"
    if not index.exists() or index.stat().st_mtime < newest:
        assert student.build_student(ROOT) == 0
    return site


# ------------------------------------------------------------------ stripping, on small sources

SOURCE = """# Chapter

:::{exercise} {glue:text}`exercise-ex-a`: one
:label: ex-a
Question A.
:::

````{solution} ex-a
:class: dropdown
Secret answer A.

```python
secret_a = 1
```
````

```{exercise} two
:label: ex-b
Question B.
```

```{code-cell} ipython3
given = 2
```

````{solution-start} ex-b
:class: dropdown
````

Secret text B.

```{code-cell} ipython3
secret_b = given
```

````{solution-end}
````

## Next

````md
```{solution} example-only
Shown to readers as an example of the syntax.
```
````
"""


def test_strip_solutions_removes_both_forms_and_keeps_everything_else():
    stripped = student.strip_solutions(SOURCE)
    assert "Secret" not in stripped and "secret_" not in stripped
    for kept in ("Question A.", "Question B.", "given = 2", "## Next", "example-only"):
        assert kept in stripped
    assert "\n\n\n" not in stripped
    assert student.strip_solutions(stripped) == stripped  # idempotent


def test_strip_solutions_refuses_an_unclosed_gated_solution():
    broken = SOURCE.replace("````{solution-end}\n````\n", "")
    with pytest.raises(ValueError, match="no solution-end"):
        student.strip_solutions(broken)


# -------------------------------------------------------------------------- the built editions


def test_every_solution_is_found_in_the_sources():
    texts = solution_texts()
    assert texts, "the book has exercises with solutions"
    assert all(parts and all(part.strip() for part in parts) for parts in texts.values())


def test_the_instructor_edition_has_every_solution(built_html: Path):
    pages = {
        chapter: (built_html / f"{chapter}.html").read_text(encoding="utf-8")
        for chapter in chapter_paths(ROOT)
    }
    shown = set().union(*(grams(html.unescape(re.sub(r"<[^>]+>", " ", p))) for p in pages.values()))
    for label, solution in solution_grams().items():
        assert solution, label
        missing = solution - shown
        assert not missing, f"{label}: solution text missing from the instructor edition"


def test_the_student_edition_has_no_solution_text(student_site: Path):
    texts = site_text(student_site)
    assert any(path.name == "searchindex.js" for path in texts)
    assert any("_sources" in path.parts for path in texts)
    published = {path: grams(text) for path, text in texts.items()}
    for label, solution in solution_grams().items():
        for path, found in published.items():
            leaked = solution & found
            assert not leaked, f"{label}: solution text in {path}: {' '.join(next(iter(leaked)))}"
    for path, text in texts.items():
        assert "sol-msc-" not in text, path  # no solution label or anchor either


def test_the_student_search_index_lacks_the_solutions_words(student_site, built_html):
    import snowballstemmer

    stem = snowballstemmer.stemmer("porter").stemWord
    # Pages are written from the chapter sources, data/ (generated pages) and the bibliography.
    inputs = [
        *chapter_paths(ROOT).values(),
        *sorted((ROOT / "data").glob("*.*")),
        ROOT / "references.bib",
    ]
    sources = " ".join(path.read_text(encoding="utf-8") for path in inputs)
    for parts in solution_texts().values():
        for part in parts:
            sources = sources.replace(part, " ")
    elsewhere = {stem(word) for word in re.findall(r"\w+", sources.lower())}
    instructor, students = index_terms(built_html), index_terms(student_site)
    checked = []  # a solution whose every word is also used elsewhere cannot be checked here
    for label, parts in solution_texts().items():
        only_here = {
            stem(word) for word in re.findall(r"\w+", " ".join(parts).lower()) if len(word) > 2
        } - elsewhere
        assert only_here <= instructor, f"{label}: {sorted(only_here - instructor)} not indexed"
        assert not only_here & students, f"{label}: {sorted(only_here & students)} indexed"
        checked += [label] if only_here else []
    assert checked, "no solution has a word of its own: this test could not fail"


def test_the_student_edition_keeps_the_exercises(student_site: Path):

    for row in exercises.metadata(ROOT).to_dict("records"):
        chapter = (student_site / f"{row['chapter']}.html").read_text(encoding="utf-8")
        assert f'id="{row["label"]}"' in chapter
    page = (student_site / "chapters/biology/what-is-an-msc.html").read_text(encoding="utf-8")
    assert "Coding · difficulty 2" in page
    assert "Not answered yet" in page
    assert (student_site / "chapters/appendix/exercise-index.html").is_file()
