"""The build's jupyter-book command skips jsonschema's slow optional import and nothing else."""

from __future__ import annotations

import subprocess
import sys


def _run(code: str) -> str:
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_rfc3987_syntax_is_skipped_and_jsonschema_still_validates():
    out = _run(
        "from mscbook.build.jupyter_book import skip_slow_optional_imports\n"
        "skip_slow_optional_imports()\n"
        "import sys, jsonschema\n"
        "jsonschema.validate({'a': 1}, {'type': 'object', 'required': ['a']})\n"
        "print(sys.modules['rfc3987_syntax'])"
    )
    assert out == "None"


def test_the_wrapper_is_the_jupyter_book_command():
    out = _run(
        "import sys; sys.argv = ['x', '--version']\n"
        "from mscbook.build.jupyter_book import main\n"
        "try:\n    main()\nexcept SystemExit as stop:\n    print('exit', stop.code)"
    )
    assert "Jupyter Book" in out and "exit 0" in out


def test_a_copied_mscbook_folder_in_the_working_directory_does_not_shadow_the_package(tmp_path):
    """The student edition builds in a copy of the sources that holds mscbook/build/static/."""
    (tmp_path / "mscbook" / "build" / "static").mkdir(parents=True)
    result = subprocess.run(
        [sys.executable, "-P", "-m", "mscbook.build.jupyter_book", "--version"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert "Jupyter Book" in result.stdout
