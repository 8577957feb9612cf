"""Every figure of the built book reads on a 390 px phone without scrolling sideways: no figure
is wider than the style allows, none draws text under the style's floor, and so the build gives
none a min-width beyond a phone's column (mscbook.build.offline.keep_figure_text_legible)."""

from __future__ import annotations

import json
import re
from pathlib import Path

from PIL import Image

from mscbook import style
from mscbook.build import offline


def shown_figures(built_html: Path) -> list[tuple[str, Path, int]]:
    """(label, PNG, display width in CSS px) of every figure in the manifest."""
    figures = json.loads((built_html / "figures.json").read_text(encoding="utf-8"))["figures"]
    shown = []
    for figure in figures:
        page = (built_html / f"{figure['page']}.html").read_text(encoding="utf-8")
        name = re.escape(Path(figure["image"]).name)
        width = int(re.search(name + r'" style="width: (\d+)px', page).group(1))
        shown.append((figure["label"], built_html / figure["image"], width))
    return shown


def test_no_figure_scrolls_sideways_on_a_phone(built_html: Path):
    shown = shown_figures(built_html)
    assert len(shown) >= 30
    too_wide, too_small, scrolls = [], [], []
    for label, png, width in shown:
        with Image.open(png) as image:
            points = float(image.text[style.SMALLEST_TEXT_KEY])
        if width > style.MAX_WIDTH_IN * style.SCREEN_DPI:
            too_wide.append(f"{label}: {width} px")
        if points < style.SMALL_TEXT_PT:
            too_small.append(f"{label}: {points:g} pt")
        minimum = offline.figure_min_width(png, width) or 0
        if minimum > offline.PHONE_COLUMN_PX:
            scrolls.append(f"{label}: needs {minimum} px")
    assert not too_wide, f"figures wider than {style.MAX_WIDTH_IN} in: {too_wide}"
    assert not too_small, f"text under {style.SMALL_TEXT_PT} pt: {too_small}"
    assert not scrolls, f"figures that scroll on a 390 px phone: {scrolls}"


def test_no_page_marks_a_figure_as_wide(built_html: Path):
    figures = json.loads((built_html / "figures.json").read_text(encoding="utf-8"))["figures"]
    pages = {built_html / f"{figure['page']}.html" for figure in figures}
    marked = [p.name for p in pages if offline.WIDE_FIGURE_CLASS in p.read_text(encoding="utf-8")]
    assert not marked, f"pages with a figure that scrolls sideways on a phone: {marked}"
