"""The loader: real data loads typed; each malformed file stops it with a precise message."""

from __future__ import annotations

import pytest

from mscbook import data
from tests.conftest import read_rows, write_rows


def break_cell(root, line: int, column: str, value: str) -> None:
    path = root / "data" / "isct_criteria.csv"
    rows = read_rows(path)
    rows[line - 1][rows[0].index(column)] = value
    write_rows(path, rows)


def load_error(root) -> str:
    with pytest.raises(data.DataValidationError) as caught:
        data.load("isct_criteria", root=root)
    return str(caught.value)


def test_real_table_loads_with_schema_types(criteria):
    assert criteria["threshold_percent"].dtype == "float64"
    assert criteria["criterion_id"].is_unique
    assert criteria.attrs["data_files"] == ("data/isct_criteria.csv",)
    # Optional cells stay missing rather than becoming empty strings or zeros.
    adherence = criteria.set_index("criterion_id").loc["plastic_adherence"]
    assert adherence.isna()[["marker", "threshold_percent", "lineage"]].all()


def test_missing_column_is_named(fixture_root):
    path = fixture_root / "data" / "isct_criteria.csv"
    rows = [row[:2] + row[3:] for row in read_rows(path)]  # drop "marker"
    write_rows(path, rows)
    message = load_error(fixture_root)
    assert "data/isct_criteria.csv, line 1, column 'marker': column is missing" in message


def test_extra_column_is_named(fixture_root):
    path = fixture_root / "data" / "isct_criteria.csv"
    write_rows(path, [row + ["x"] for row in read_rows(path)])
    message = load_error(fixture_root)
    assert "line 1" in message and "not described in data/datapackage.json" in message


def test_wrong_type_names_line_column_and_value(fixture_root):
    break_cell(fixture_root, 3, "threshold_percent", "ninety-five")
    message = load_error(fixture_root)
    assert (
        "data/isct_criteria.csv, line 3, column 'threshold_percent': not a valid number "
        "(value 'ninety-five')" in message
    )


def test_value_outside_allowed_set(fixture_root):
    break_cell(fixture_root, 5, "direction", "sideways")
    message = load_error(fixture_root)
    assert "line 5, column 'direction': not an allowed value" in message
    assert "(value 'sideways')" in message and "positive, negative" in message


def test_value_outside_range(fixture_root):
    break_cell(fixture_root, 6, "threshold_percent", "102")
    assert "line 6, column 'threshold_percent': above the maximum 100 (value '102')" in load_error(
        fixture_root
    )


def test_duplicate_id(fixture_root):
    path = fixture_root / "data" / "isct_criteria.csv"
    rows = read_rows(path)
    write_rows(path, rows + [rows[2]])
    message = load_error(fixture_root)
    assert f"line {len(rows) + 1}, column 'criterion_id': duplicate id" in message
    assert "(value 'cd105')" in message


def test_empty_required_cell(fixture_root):
    break_cell(fixture_root, 4, "requirement", "")
    assert "line 4, column 'requirement': required cell is empty" in load_error(fixture_root)


def test_unknown_source_key(fixture_root):
    break_cell(fixture_root, 7, "source", "dominici2006; nobody1999")
    message = load_error(fixture_root)
    assert "line 7, column 'source': unknown citation key" in message
    assert "(value 'nobody1999')" in message


def test_every_problem_is_reported_not_just_the_first(fixture_root):
    break_cell(fixture_root, 3, "threshold_percent", "abc")
    break_cell(fixture_root, 8, "category", "mystery")
    message = load_error(fixture_root)
    assert "line 3" in message and "line 8" in message


def test_unknown_table_lists_known_tables():
    with pytest.raises(KeyError, match="known tables: .*isct_criteria"):
        data.load("no_such_table")
