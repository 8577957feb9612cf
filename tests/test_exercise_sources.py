"""Exercises as read from the chapters, checked against data/exercises.csv, and their index.

The build's preflight stops on every disagreement between the table and the chapters; each test
breaks a copy of the book in one way and expects one message naming the file and the exercise.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from mscbook import checkers, exercises
from mscbook.build import exercise_sources, pages
from mscbook.paths import book_root

from .conftest import read_rows, write_rows

ROOT = book_root()
LABEL = "ex-msc-isct-code"


def test_the_book_and_its_exercise_table_agree():
    assert exercise_sources.problems(ROOT) == []


def test_every_coding_exercise_has_a_registered_checker():
    table = exercises.metadata(ROOT)
    coding = table[table["type"] == "coding"]
    assert not coding.empty
    registered = checkers.registered()
    for row in coding.to_dict("records"):
        assert registered[row["label"]].name == row["checker"]


def test_exercises_are_read_with_their_cells():
    path = ROOT / "chapters" / "biology" / "what-is-an-msc.md"
    found = {exercise.label: exercise for exercise in exercise_sources.read_exercises(path)}
    coding = found[LABEL]
    assert coding.title == "find the failing criteria"
    assert any("simulate_flow_report" in block.content for block in coding.given)
    assert [exercises.ANSWER_TAG in block.tags for block in coding.answer] == [True]
    assert "evaluate_sample" in coding.solution_text
    assert "check(" not in coding.solution_text  # check cells are not part of the solution


@pytest.fixture
def book_copy(tmp_path: Path) -> Path:
    """A copy of the book's sources and data, safe to break."""
    for name in ("_toc.yml", "_config.yml", "references.bib", "intro.md"):
        shutil.copy(ROOT / name, tmp_path / name)
    for folder in ("chapters", "data"):
        shutil.copytree(ROOT / folder, tmp_path / folder)
    return tmp_path


CHAPTER = Path("chapters/biology/what-is-an-msc.md")


def edit_chapter(root: Path, old: str, new: str) -> None:
    path = root / CHAPTER
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def edit_table(root: Path, label: str, column: str, value: str) -> None:
    path = root / "data" / "exercises.csv"
    rows = read_rows(path)
    index = rows[0].index(column)
    for row in rows[1:]:
        if row[0] == label:
            row[index] = value
    write_rows(path, rows)


def test_an_exercise_without_a_row_is_reported(book_copy):
    path = book_copy / "data" / "exercises.csv"
    write_rows(path, [row for row in read_rows(path) if row[0] != "ex-msc-clinic-claim"])
    assert exercise_sources.problems(book_copy) == [
        f"{CHAPTER.with_suffix('')}.md: exercise 'ex-msc-clinic-claim' has no row in "
        "data/exercises.csv"
    ]


def test_a_row_without_an_exercise_is_reported(book_copy):
    edit_table(book_copy, "ex-msc-clinic-claim", "label", "ex-msc-typo")
    assert any(
        "exercise 'ex-msc-typo': no exercise with this label" in problem
        for problem in exercise_sources.problems(book_copy)
    )


def test_a_coding_exercise_without_checker_is_reported(book_copy):
    edit_table(book_copy, LABEL, "checker", "")
    assert any("needs a checker" in problem for problem in exercise_sources.problems(book_copy))
    edit_table(book_copy, LABEL, "checker", "no_such_checker")
    assert any(
        "checker 'no_such_checker' is not registered for this label" in problem
        for problem in exercise_sources.problems(book_copy)
    )


def test_an_exercise_without_solution_is_reported(book_copy):
    text = (book_copy / CHAPTER).read_text(encoding="utf-8")
    start = text.index("```{solution} ex-msc-stem-or-stromal")
    end = text.index("```\n", text.index("\n", start) + 1) + len("```\n")
    (book_copy / CHAPTER).write_text(text[:start] + text[end:], encoding="utf-8")
    assert (
        "data/exercises.csv, exercise 'ex-msc-stem-or-stromal': the exercise has no solution"
        in exercise_sources.problems(book_copy)
    )


def test_a_title_without_the_badge_is_reported(book_copy):
    edit_chapter(book_copy, "{glue:text}`exercise-ex-msc-clinic-claim`:", "Appraisal:")
    assert any(
        "start its title with" in problem for problem in exercise_sources.problems(book_copy)
    )


def test_a_bad_type_in_the_table_names_file_row_and_column(book_copy):
    from mscbook.data import DataValidationError

    edit_table(book_copy, LABEL, "type", "programming")
    with pytest.raises(DataValidationError) as error:
        exercise_sources.problems(book_copy)
    message = str(error.value)
    assert "exercises.csv" in message and "type" in message and "programming" in message


def test_exercises_are_numbered_by_chapter_code_and_table_order():
    table = exercises.metadata(ROOT)
    numbers = exercises.numbers(table)
    ms = table[table["chapter"] == "chapters/diseases/multiple-sclerosis"]
    assert [numbers[label] for label in ms["label"]] == [f"MS-{n}" for n in range(1, len(ms) + 1)]
    assert len(set(numbers.values())) == len(table)  # no two exercises share a number


def test_an_exercise_without_nonumber_is_reported(book_copy):
    # sphinx-exercise would number it through the whole book (MS exercises were 27-31).
    edit_chapter(
        book_copy, ":label: ex-msc-clinic-claim\n:nonumber:\n", ":label: ex-msc-clinic-claim\n"
    )
    assert any(
        "'ex-msc-clinic-claim': add :nonumber:" in problem
        for problem in exercise_sources.problems(book_copy)
    )


def test_a_chapter_with_two_codes_or_a_code_shared_is_reported(book_copy):
    edit_table(book_copy, "ex-msc-clinic-claim", "chapter_code", "MS")
    problems = exercise_sources.problems(book_copy)
    assert any(
        "chapters/biology/what-is-an-msc has more than one chapter_code" in p for p in problems
    )
    assert any("chapter_code 'MS' is used by" in problem for problem in problems)


def test_rows_out_of_the_chapters_order_are_reported(book_copy):
    path = book_copy / "data" / "exercises.csv"
    rows = read_rows(path)
    first = next(i for i, row in enumerate(rows) if row[0] == "ex-msc-stem-or-stromal")
    rows[first], rows[first + 1] = rows[first + 1], rows[first]
    write_rows(path, rows)
    assert any(
        "the rows of chapters/biology/what-is-an-msc are not in the order of its exercises" in p
        for p in exercise_sources.problems(book_copy)
    )


def test_the_index_lists_every_exercise_with_a_link():
    text = pages.index_markdown(ROOT)
    numbers = exercises.numbers(exercises.metadata(ROOT))
    for row in exercises.metadata(ROOT).to_dict("records"):
        assert f"| {numbers[row['label']]}: {{ref}}`" in text
        assert f"<{row['label']}>`" in text
    assert "{doc}`/chapters/biology/what-is-an-msc`" in text


def test_the_built_book_numbers_exercises_and_solutions_by_chapter(built_html: Path):
    import re

    page = (built_html / "chapters/diseases/multiple-sclerosis.html").read_text(encoding="utf-8")
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))
    for n in range(1, 6):
        assert f"Exercise MS-{n} (" in text
        assert f"Solution to Exercise MS-{n} (" in text
    assert not re.search(r"Exercise \d", text)
    limb = (built_html / "chapters/diseases/limb-ischaemia.html").read_text(encoding="utf-8")
    assert re.search(r"std-ref\">Exercise CLI-5</span>", limb)  # a {ref} to an exercise


def test_the_built_index_page_links_every_exercise(built_html: Path):
    page = (built_html / "chapters/appendix/exercise-index.html").read_text(encoding="utf-8")
    for row in exercises.metadata(ROOT).to_dict("records"):
        page_name = row["chapter"].rsplit("/", 1)[-1]
        assert f"{page_name}.html#{row['label']}" in page


def test_the_index_sets_data_table_names_in_objectives_as_code():
    text = pages.index_markdown(ROOT)
    assert "from the `msc_sources` table" in text
    assert "the `trial_arms` table" in text
    assert "`trials`" not in text  # a table named by an English word stays prose
    names = ["msc_sources", "trial_arms", "trials"]
    # Whole names only: "trial_arms_x" is not a table; "trials" is a word.
    assert pages.table_names_as_code("the trials and trial_arms_x, trial_arms.", names) == (
        "the trials and trial_arms_x, `trial_arms`."
    )
    assert pages.table_names_as_code("`msc_sources` already", names) == "`msc_sources` already"
