"""Build-side fixes for phones and desktops: figure min-widths (offline.py) and navigation.py."""

from __future__ import annotations

import io
from types import SimpleNamespace

import pytest
from docutils import nodes
from PIL import Image, PngImagePlugin
from sphinx_exercise.nodes import solution_node

from mscbook.build import navigation, offline
from mscbook.style import SMALLEST_TEXT_KEY


def write_png(path, smallest_pt: str | None) -> None:
    info = PngImagePlugin.PngInfo()
    if smallest_pt is not None:
        info.add_text(SMALLEST_TEXT_KEY, smallest_pt)
    buffer = io.BytesIO()
    Image.new("RGB", (8, 4), "white").save(buffer, format="png", pnginfo=info)
    path.write_bytes(buffer.getvalue())


def page_with(src: str, style: str = "width: 624px;") -> str:
    return f'<p><a href="{src}"><img alt="A chart &quot;x&quot;" src="{src}" style="{style}" /></a>'


@pytest.mark.parametrize(("points", "expected"), [(8, 410), (10, 328), (7, 468)])
def test_min_width_keeps_the_smallest_text_at_seven_css_pixels(tmp_path, points, expected):
    (tmp_path / "_images").mkdir()
    write_png(tmp_path / "_images" / "f.png", str(points))
    html = offline.keep_figure_text_legible(page_with("_images/f.png"), tmp_path)
    assert f'style="width: 624px; min-width: {expected}px;"' in html
    wide = expected > offline.PHONE_COLUMN_PX
    assert (f'class="{offline.WIDE_FIGURE_CLASS}"' in html) is wide
    # 624 px wide at the minimum width: text of `points` pt is at least 7 CSS px tall.
    assert (
        points * 96 / 72 * expected / 624
        >= offline.MIN_TEXT_PX
        > points * 96 / 72 * (expected - 1) / 624
    )


def test_relative_sources_resolve_from_the_page_folder(tmp_path):
    (tmp_path / "_images").mkdir()
    (tmp_path / "chapters" / "biology").mkdir(parents=True)
    write_png(tmp_path / "_images" / "f.png", "8")
    html = offline.keep_figure_text_legible(
        page_with("../../_images/f.png"), tmp_path / "chapters" / "biology"
    )
    assert "min-width: 410px;" in html


@pytest.mark.parametrize("smallest", [None, "", "nan", "0"])
def test_a_png_without_a_text_size_is_left_alone(tmp_path, smallest):
    write_png(tmp_path / "f.png", smallest)
    page = page_with("f.png")
    assert offline.keep_figure_text_legible(page, tmp_path) == page


def test_missing_png_or_other_images_are_left_alone(tmp_path):
    for page in (page_with("gone.png"), page_with("logo.svg"), page_with("f.png", "height: 9px;")):
        assert offline.keep_figure_text_legible(page, tmp_path) == page


def test_already_limited_images_are_not_limited_twice(tmp_path):
    write_png(tmp_path / "f.png", "8")
    once = offline.keep_figure_text_legible(page_with("f.png"), tmp_path)
    assert offline.keep_figure_text_legible(once, tmp_path) == once


def test_only_one_set_of_sidebar_toggles():
    config = SimpleNamespace(html_theme_options={"launch_buttons": {"thebe": False}})
    navigation.one_set_of_toggles(None, config)
    expected = {"launch_buttons": {"thebe": False}, "navbar_persistent": []}
    assert config.html_theme_options == expected
    chosen = SimpleNamespace(html_theme_options={"navbar_persistent": ["search-button-field"]})
    navigation.one_set_of_toggles(None, chosen)
    assert chosen.html_theme_options["navbar_persistent"] == ["search-button-field"]


def solution_with_link() -> tuple[nodes.document, solution_node]:
    link = nodes.reference("", "", nodes.Text(" Exercise 3 (easy)"), internal=True, refuri="#ex-a")
    title = nodes.title("", "", nodes.Text("Solution to"), link)
    solution = solution_node("", title, nodes.paragraph("", "The answer."))
    document = nodes.document(None, None)
    document += solution
    return document, solution


def test_solution_title_becomes_plain_text_and_the_link_moves_after_the_solution():
    document, solution = solution_with_link()
    app = SimpleNamespace(builder=SimpleNamespace(format="html"))
    navigation.solution_titles_toggle_only(app, document, "page")
    title = solution.children[0]
    assert title.astext() == "Solution to Exercise 3 (easy)"
    assert not list(title.findall(nodes.reference))
    back = solution.children[-1]
    assert navigation.BACK_LINK_CLASS in back["classes"]
    (link,) = back.findall(nodes.reference)
    assert link["refuri"] == "#ex-a" and link.astext() == navigation.BACK_LINK_TEXT


def test_other_builders_keep_the_title_link():
    document, solution = solution_with_link()
    app = SimpleNamespace(builder=SimpleNamespace(format="latex"))
    navigation.solution_titles_toggle_only(app, document, "page")
    assert list(solution.children[0].findall(nodes.reference))
