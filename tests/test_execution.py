"""Parallel pre-execution: what runs, what comes from the cache, and when the cache is cleared."""

from __future__ import annotations

from pathlib import Path

import pytest

from mscbook.build import execution

NOTEBOOK = """---
jupytext:
  text_representation: {{extension: .md, format_name: myst}}
kernelspec: {{display_name: Python 3, language: python, name: python3}}
---

# {title}

```{{code-cell}} ipython3
{code}
```
"""


@pytest.fixture
def tiny_book(tmp_path: Path, monkeypatch) -> Path:
    monkeypatch.delenv("MSCBOOK_BUILD_DIR", raising=False)
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "numbers.csv").write_text("x\n1\n")
    (tmp_path / "_toc.yml").write_text(
        "format: jb-book\nroot: intro\nparts:\n  - caption: Part\n    chapters:\n"
        "      - file: one\n      - file: two\n"
    )
    (tmp_path / "intro.md").write_text("# Plain page, not a notebook\n")
    (tmp_path / "one.md").write_text(NOTEBOOK.format(title="One", code="print(1 + 1)"))
    (tmp_path / "two.md").write_text(
        NOTEBOOK.format(title="Two", code="print(open('data/numbers.csv').read())")
    )
    return tmp_path


def test_only_notebook_pages_are_executed(tiny_book):
    assert [path.name for path in execution.notebook_documents(tiny_book)] == ["one.md", "two.md"]


def test_cache_is_reused_until_code_or_inputs_change(tiny_book):
    first = execution.pre_execute(tiny_book, fresh=False)
    assert sorted(first.executed) == ["one.md", "two.md"] and not first.failed

    again = execution.pre_execute(tiny_book, fresh=False)
    assert again.executed == [] and sorted(again.from_cache) == ["one.md", "two.md"]

    (tiny_book / "one.md").write_text(NOTEBOOK.format(title="One", code="print(2 + 2)"))
    edited = execution.pre_execute(tiny_book, fresh=False)
    assert edited.executed == ["one.md"] and edited.from_cache == ["two.md"]

    (tiny_book / "data" / "numbers.csv").write_text("x\n2\n")
    data_changed = execution.pre_execute(tiny_book, fresh=False)
    assert "data/" in data_changed.cleared_because
    assert sorted(data_changed.executed) == ["one.md", "two.md"]


def test_official_build_re_executes_everything(tiny_book):
    execution.pre_execute(tiny_book, fresh=False)
    official = execution.pre_execute(tiny_book, fresh=True)
    assert sorted(official.executed) == ["one.md", "two.md"]


def test_a_failing_chapter_is_reported(tiny_book):
    (tiny_book / "two.md").write_text(NOTEBOOK.format(title="Two", code="1 / 0"))
    summary = execution.pre_execute(tiny_book, fresh=True)
    assert summary.failed == ["two.md"] and summary.executed == ["one.md"]
    assert "1 FAILED: two.md" in summary.describe()


def test_a_preview_rebuilds_after_an_edit_to_the_sites_own_scripts_or_pinned_assets(tiny_book):
    from mscbook.build.book import sources_fingerprint

    static = tiny_book / "mscbook" / "build" / "static"
    static.mkdir(parents=True)
    (static / "table.js").write_text("// one\n")
    (tiny_book / "package-lock.json").write_text("{}\n")
    before = sources_fingerprint(tiny_book)
    assert sources_fingerprint(tiny_book) == before

    (static / "table.js").write_text("// two\n")
    after_script = sources_fingerprint(tiny_book)
    assert after_script != before

    (tiny_book / "package-lock.json").write_text('{"lockfileVersion": 3}\n')
    assert sources_fingerprint(tiny_book) != after_script


def test_kernels_run_over_local_sockets_and_print_no_tcp_warning(tiny_book, capfd):
    # ipykernel warns once per kernel that runs over TCP without encryption (13 times per
    # `make book`); the build's kernels talk over local IPC sockets instead.
    (tiny_book / "one.md").write_text(
        NOTEBOOK.format(
            title="One",
            code="from ipykernel.kernelapp import IPKernelApp\n"
            "print(IPKernelApp.instance().transport)",
        )
    )
    summary = execution.pre_execute(tiny_book, fresh=True)
    assert sorted(summary.executed) == ["one.md", "two.md"], summary.describe()
    captured = capfd.readouterr()
    assert "without encryption" not in captured.out + captured.err
    from jupyter_cache import get_cache

    cache = get_cache(execution.cache_dir(tiny_book))
    record = next(r for r in cache.list_cache_records() if r.uri.endswith("one.md"))
    outputs = cache.get_cache_bundle(record.pk).nb.cells[-1].outputs
    assert outputs[0]["text"].strip() == "ipc"


def test_the_lab_kernel_runs_over_local_sockets_too(tmp_path, capfd):
    import nbformat

    from mscbook.build import lab

    notebook = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_code_cell(
                "from ipykernel.kernelapp import IPKernelApp\n"
                "from mscbook.glue import glue\n"
                "glue('transport', IPKernelApp.instance().transport, display=False)"
            )
        ]
    )
    assert lab.glued_values(notebook, tmp_path) == {"transport": "'ipc'"}
    captured = capfd.readouterr()
    assert "without encryption" not in captured.out + captured.err
