"""The built-site check looks again at every page written since the last build it passed."""

from __future__ import annotations

import os
import time
from pathlib import Path
from types import SimpleNamespace

import pytest
from sphinx.util import logging as sphinx_logging

from mscbook.build import offline

LOCAL = "<html><body><img src='_images/a.png' alt='a'></body></html>"
FROM_A_CDN = "<html><head><script src='https://cdn.example.org/x.js'></script></head></html>"


@pytest.fixture
def site(tmp_path: Path):
    outdir, doctrees = tmp_path / "html", tmp_path / "doctrees"
    (outdir / "_static").mkdir(parents=True)
    doctrees.mkdir()
    app = SimpleNamespace(
        outdir=str(outdir),
        doctreedir=str(doctrees),
        builder=SimpleNamespace(format="html"),
        config=SimpleNamespace(mathjax_path="", html_theme_options={}),
    )
    return app, outdir


def _offline_warnings(app, caplog) -> list[str]:
    caplog.clear()
    with caplog.at_level("WARNING"):
        offline.check_built_site(app, None)
    return [r.getMessage() for r in caplog.records if r.getMessage().startswith("offline:")]


def _written_long_ago(path: Path) -> None:
    old = time.time() - 3600
    os.utime(path, (old, old))


@pytest.fixture
def caplog(caplog):
    # Sphinx's loggers do not propagate to the root logger unless told to
    sphinx_logging.getLogger("mscbook.build.offline").logger.propagate = True
    return caplog


def test_an_unchanged_page_is_skipped_only_after_a_build_that_passed(site, caplog):
    app, outdir = site
    (outdir / "good.html").write_text(LOCAL)
    assert _offline_warnings(app, caplog) == []

    # a page written long ago that now loads from a CDN (as if edited by hand): skipped
    (outdir / "bad.html").write_text(FROM_A_CDN)
    _written_long_ago(outdir / "bad.html")
    assert _offline_warnings(app, caplog) == []

    # written by this build: checked, and it stays checked until a build passes
    (outdir / "bad.html").write_text(FROM_A_CDN)
    assert len(_offline_warnings(app, caplog)) == 1
    _written_long_ago(outdir / "bad.html")
    assert len(_offline_warnings(app, caplog)) == 1, "a failing page must not be forgotten"

    (outdir / "bad.html").write_text(LOCAL)
    assert _offline_warnings(app, caplog) == []


def test_a_first_build_checks_every_page(site, caplog):
    app, outdir = site
    (outdir / "bad.html").write_text(FROM_A_CDN)
    _written_long_ago(outdir / "bad.html")
    assert len(_offline_warnings(app, caplog)) == 1
