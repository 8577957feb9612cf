"""Validation stamps: load() skips Frictionless only for exactly the bytes that passed."""

from __future__ import annotations

import shutil

import pytest

from mscbook import data
from tests.conftest import read_rows, write_rows


@pytest.fixture
def stamps(tmp_path, monkeypatch):
    folder = tmp_path / "stamps"
    monkeypatch.setenv(data.STAMPS_ENV, str(folder))
    return folder


@pytest.fixture
def validations(monkeypatch):
    """Counts real validations (the wrapped function still runs)."""
    calls = []
    real = data.validate

    def counting(resource, path, root, shown):
        calls.append(shown)
        return real(resource, path, root, shown)

    monkeypatch.setattr(data, "validate", counting)
    return calls


def test_validate_all_writes_stamps_and_load_then_skips_validation(
    fixture_root, stamps, validations
):
    data.validate_all(fixture_root)
    assert validations == ["data/isct_criteria.csv"]
    assert len(list(stamps.iterdir())) == 1
    frame = data.load("isct_criteria", root=fixture_root)
    assert validations == ["data/isct_criteria.csv"]  # stamp hit: not validated again
    assert frame["threshold_percent"].dtype == "float64"  # still typed by the schema
    assert frame.attrs["data_files"] == ("data/isct_criteria.csv",)


def test_validate_all_never_trusts_a_stamp(fixture_root, stamps, validations):
    data.validate_all(fixture_root)
    data.validate_all(fixture_root)
    assert len(validations) == 2


def test_load_writes_a_stamp_after_validating(fixture_root, stamps, validations):
    data.load("isct_criteria", root=fixture_root)
    data.load("isct_criteria", root=fixture_root)
    assert len(validations) == 1


def test_an_edited_csv_is_validated_again_and_the_bad_cell_reported(
    fixture_root, stamps, validations
):
    data.validate_all(fixture_root)
    path = fixture_root / "data" / "isct_criteria.csv"
    rows = read_rows(path)
    rows[2][rows[0].index("threshold_percent")] = "ninety-five"
    write_rows(path, rows)
    with pytest.raises(data.DataValidationError) as caught:
        data.load("isct_criteria", root=fixture_root)
    assert (
        "data/isct_criteria.csv, line 3, column 'threshold_percent': not a valid number "
        "(value 'ninety-five')" in str(caught.value)
    )
    assert len(validations) == 2
    assert len(list(stamps.iterdir())) == 1  # nothing stamped for the broken bytes


@pytest.mark.parametrize(
    "edit",
    [
        lambda root: _quote_first_header(root / "data" / "isct_criteria.csv"),
        lambda root: _append(root / "data" / "datapackage.json", b" "),
        lambda root: _append(root / "references.bib", b"\n"),
    ],
    ids=["csv", "datapackage", "bibliography"],
)
def test_any_byte_change_in_an_input_invalidates_the_stamp(fixture_root, stamps, validations, edit):
    data.validate_all(fixture_root)
    edit(fixture_root)
    data.load("isct_criteria", root=fixture_root)
    assert len(validations) == 2


def test_a_change_in_the_validation_code_invalidates_every_stamp(
    fixture_root, stamps, validations, monkeypatch
):
    data.validate_all(fixture_root)
    monkeypatch.setattr(data, "_code_digest", lambda: b"another version of data.py")
    data.load("isct_criteria", root=fixture_root)
    assert len(validations) == 2


def test_a_copy_of_the_same_bytes_elsewhere_hits_the_same_stamp(
    fixture_root, stamps, validations, tmp_path
):
    """The student edition builds from copies of the sources: no second validation."""
    data.validate_all(fixture_root)
    copy = tmp_path / "student-src"
    shutil.copytree(fixture_root / "data", copy / "data")
    shutil.copy(fixture_root / "references.bib", copy / "references.bib")
    data.load("isct_criteria", root=copy)
    assert len(validations) == 1


def test_an_unwritable_stamp_folder_only_costs_time(fixture_root, tmp_path, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    monkeypatch.setenv(data.STAMPS_ENV, str(blocker / "stamps"))  # cannot be created
    assert len(data.load("isct_criteria", root=fixture_root)) > 0


def _append(path, extra: bytes) -> None:
    path.write_bytes(path.read_bytes() + extra)


def _quote_first_header(path) -> None:
    """Same table, other bytes: the first header cell in quotes."""
    text = path.read_bytes()
    first = text.split(b",", 1)[0]
    path.write_bytes(b'"' + first + b'"' + text[len(first) :])


def test_a_preview_trusts_a_pass_of_every_check_on_the_same_files_only(tmp_path, monkeypatch):
    from mscbook.build import checks
    from mscbook.paths import book_root

    root = book_root()
    monkeypatch.setenv(data.STAMPS_ENV, str(tmp_path / "stamps"))
    book = tmp_path / "book"
    shutil.copytree(root / "data", book / "data")
    shutil.copy(root / "references.bib", book / "references.bib")
    shutil.copytree(root / "chapters", book / "chapters")  # the unused-reference rule reads them
    shutil.copy(root / "intro.md", book / "intro.md")
    counts = checks.check_all(book)  # the official build: everything runs, the pass is recorded
    assert list((tmp_path / "stamps").glob("checks-passed-*.json"))
    calls = []
    monkeypatch.setattr(checks, "cross_table_problems", lambda root: calls.append(root) or [])
    assert checks.check_all(book, revalidate=False) == counts and calls == []
    # any input edited (here a comment added to the bibliography): the checks run again
    bibliography = book / "references.bib"
    bibliography.write_text(bibliography.read_text(encoding="utf-8") + "\n% edited\n")
    checks.check_all(book, revalidate=False)
    assert calls == [book]
    assert checks.check_all(book, revalidate=True) == counts and len(calls) == 2
