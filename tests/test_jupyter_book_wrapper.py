"""The build's jupyter-book command skips jsonschema's slow optional import and nothing else."""

from __future__ import annotations

import subprocess
import sys

import pytest


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


def test_jobs_is_taken_out_of_the_arguments_and_checked():
    from mscbook.build.jupyter_book import sphinx_jobs

    assert sphinx_jobs(["build", "."]) == (1, ["build", "."])
    assert sphinx_jobs(["--jobs", "2", "build", "."]) == (2, ["build", "."])
    for bad in (["--jobs"], ["--jobs", "0"], ["--jobs", "two", "build"]):
        with pytest.raises(SystemExit, match="--jobs needs a whole number"):
            sphinx_jobs(bad)


def test_pybtex_plugin_lookups_are_remembered_and_unknown_names_still_fail():
    out = _run(
        "from mscbook.build.jupyter_book import cache_pybtex_plugin_lookups\n"
        "cache_pybtex_plugin_lookups(); cache_pybtex_plugin_lookups()\n"
        "import pybtex.plugin as plugin\n"
        "first = plugin.find_plugin('pybtex.style.formatting', 'plain')\n"
        "again = plugin.find_plugin('pybtex.style.formatting', 'plain')\n"
        "try:\n    plugin.find_plugin('pybtex.style.formatting', 'no-such-style')\n"
        "except plugin.PluginNotFound:\n    print('not found')\n"
        "info = plugin._load_entry_point.cache_info()\n"
        "print(first is again, info.hits, info.misses)"
    )
    assert out.splitlines() == ["not found", "True 1 2"]


def test_an_entry_is_formatted_once_per_style_and_label_with_the_same_text():
    out = _run(
        "from pybtex.database import parse_string\n"
        "from pybtex.style.formatting.plain import Style\n"
        "bib = parse_string('@article{a, author={Doe, J.}, title={T}, journal={J}, year={2020}}',"
        " 'bibtex')\n"
        "entry = bib.entries['a']\n"
        "before = Style().format_entry('', entry).text.render_as('text')\n"
        "from mscbook.build.jupyter_book import remember_formatted_entries\n"
        "remember_formatted_entries(); remember_formatted_entries()\n"
        "first, again = Style().format_entry('', entry), Style().format_entry('', entry)\n"
        "other = Style().format_entry('1', entry)\n"
        "print(first is again, other is first, first.text.render_as('text') == before)\n"
    )
    assert out == "True False True"
