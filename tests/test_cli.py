"""`python -m mscbook`: data validation from the command line, with readable failures."""

from __future__ import annotations

import os
import subprocess
import sys

from mscbook import data
from tests.conftest import read_rows, write_rows


def run_cli(*args: str, root=None) -> subprocess.CompletedProcess:
    environment = os.environ.copy()
    if root is not None:
        environment["MSCBOOK_ROOT"] = str(root)
    return subprocess.run(
        [sys.executable, "-m", "mscbook", *args],
        capture_output=True, text=True, env=environment, check=False, timeout=120,
    )  # fmt: skip


def test_validate_data_reports_each_table():
    result = run_cli("validate-data")
    assert result.returncode == 0, result.stderr
    for name in data.table_names():
        rows = len(read_rows(data.data_dir() / data.schema(name)["path"])) - 1  # minus header
        assert f"{name}: {rows} rows, valid" in result.stdout


def test_validate_data_fails_with_the_message_not_a_traceback(fixture_root):
    path = fixture_root / "data" / "isct_criteria.csv"
    rows = read_rows(path)
    rows[2][rows[0].index("threshold_percent")] = "high"
    write_rows(path, rows)
    result = run_cli("validate-data", root=fixture_root)
    assert result.returncode == 1
    assert "line 3, column 'threshold_percent': not a valid number (value 'high')" in result.stderr
    assert "Traceback" not in result.stderr


def test_lab_settings_keep_other_settings_and_open_markdown_as_notebooks(tmp_path, monkeypatch):
    import json

    from mscbook import cli

    settings = tmp_path / "share" / "jupyter" / "lab" / "settings" / "overrides.json"
    settings.parent.mkdir(parents=True)
    settings.write_text(json.dumps({"@jupyterlab/apputils-extension:themes": {"theme": "dark"}}))
    monkeypatch.setattr(sys, "prefix", str(tmp_path))
    assert cli.main(["lab-settings"]) == 0
    written = json.loads(settings.read_text())
    viewers = written["@jupyterlab/docmanager-extension:plugin"]["defaultViewers"]
    assert viewers == {"markdown": "Jupytext Notebook", "myst": "Jupytext Notebook"}
    assert written["@jupyterlab/apputils-extension:themes"] == {"theme": "dark"}
