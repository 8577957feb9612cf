"""Sphinx reading while the chapters execute: the order of reading, the waiting, the stop."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

import pytest

from mscbook.build import execution, overlap


@pytest.fixture
def ready(tmp_path: Path, monkeypatch) -> overlap.ReadySignal:
    monkeypatch.setenv(overlap.READY_ENV, str(tmp_path / "ready"))
    return overlap.ReadySignal(tmp_path / "ready", ["part/slow", "part/fast"])


def test_pages_without_code_are_read_first_then_chapters_in_execution_order(ready):
    docnames = ["intro", "part/fast", "part/index", "part/slow"]
    ready.checked()
    overlap.read_ready_first(None, None, docnames)
    assert docnames == ["intro", "part/index", "part/slow", "part/fast"]


def test_without_the_build_nothing_is_reordered_or_awaited(monkeypatch):
    monkeypatch.delenv(overlap.READY_ENV, raising=False)
    docnames = ["b", "a"]
    overlap.read_ready_first(None, None, docnames)
    overlap.wait_until_executed(None, "b", [""])
    assert docnames == ["b", "a"]


def _seconds_waited(action, docname: str, signal) -> float:
    """Run `action` while another thread gives `signal` after 0.3 s; the seconds it took."""
    timer = threading.Timer(0.3, signal)
    started = time.monotonic()
    timer.start()
    try:
        action(docname)
    finally:
        timer.cancel()
    return time.monotonic() - started


def test_a_chapter_is_read_only_once_it_is_ready(ready):
    waited = _seconds_waited(
        lambda name: overlap.wait_until_executed(None, name, [""]),
        "part/slow",
        lambda: ready.ready("part/slow"),
    )
    assert 0.25 < waited < 5
    # a page without code never waits
    assert _seconds_waited(lambda n: overlap.wait_until_executed(None, n, [""]), "intro", id) < 0.2


def test_the_end_of_the_execution_releases_every_chapter(ready):
    waited = _seconds_waited(
        lambda name: overlap.wait_until_executed(None, name, [""]), "part/fast", ready.finish
    )
    assert 0.25 < waited < 5


def test_nothing_is_read_before_the_checks_pass(ready):
    waited = _seconds_waited(
        lambda name: overlap.read_ready_first(None, None, [name]), "intro", ready.checked
    )
    assert 0.25 < waited < 5


def test_a_new_signal_forgets_the_last_builds_markers(tmp_path):
    first = overlap.ReadySignal(tmp_path, ["a"])
    first.ready("a")
    first.finish()
    overlap.ReadySignal(tmp_path, ["a", "b"])
    assert sorted(path.name for path in tmp_path.iterdir()) == [overlap.ORDER_FILE]
    assert json.loads((tmp_path / overlap.ORDER_FILE).read_text()) == ["a", "b"]


def test_chapters_execute_slowest_first_by_the_last_builds_times(tmp_path, monkeypatch):
    monkeypatch.setenv("MSCBOOK_BUILD_DIR", str(tmp_path / "_build"))
    chapters = [tmp_path / f"{name}.md" for name in ("quick", "slow", "new", "middle")]
    assert execution.execution_order(tmp_path, chapters) == chapters  # no times yet: book order
    (tmp_path / "_build").mkdir()
    (tmp_path / "_build" / execution.SECONDS_FILE).write_text(
        json.dumps({"quick.md": 1.0, "slow.md": 5.0, "middle.md": 2.5})
    )
    names = [path.stem for path in execution.execution_order(tmp_path, chapters)]
    assert names == ["new", "slow", "middle", "quick"]  # a chapter never timed goes first


def test_failed_checks_stop_the_sphinx_that_was_started(tmp_path, monkeypatch):
    from mscbook.build import book

    monkeypatch.setenv("MSCBOOK_BUILD_DIR", str(tmp_path / "_build"))
    (tmp_path / "_toc.yml").write_text("format: jb-book\nroot: intro\n")
    (tmp_path / "intro.md").write_text("# Intro\n")
    started = []
    real_start = book._start_sphinx

    def start(*args, **kwargs):
        started.append(real_start(*args, **kwargs))
        return started[-1]

    monkeypatch.setattr(book, "_start_sphinx", start)
    assert book.execute_and_render(tmp_path, official=True, checks=lambda: False) == 1
    assert started and started[0].returncode is not None  # stopped, not left running
    assert not (tmp_path / "_build" / "html").exists()


def test_sphinx_trusts_the_builds_checks_only_once_they_passed(ready, monkeypatch):
    assert not overlap.checks_passed()
    ready.checked()
    assert overlap.checks_passed()
    monkeypatch.delenv(overlap.READY_ENV)
    assert not overlap.checks_passed()  # a Sphinx run of its own checks for itself
