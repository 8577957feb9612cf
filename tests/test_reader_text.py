"""What a reader sees on the built pages: no working notes, and captions that match their figures.

Working notes are the project's own records (which file a fact was checked in, what was not
re-read, what is still to do); they belong in the data's "what was checked" columns and in the
`checked` field of references.bib, never on a page. Reference lists show a citation, its
identifier and at most a short note for readers, so any verification vocabulary there is a leak.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from mscbook.style import PALETTE

#: Working notes, wherever they appear on a page: files outside the repository, relative dates,
#: to-do markers, and records of what was (not) checked about a citation.
WORKING_NOTE = re.compile(
    r"\bfacts\.md\b|\.\./shared\b|\bshared/(?:sources|facts)\b"
    r"|\bnot (?:yet )?re-?read\b|\b(?:re-?read|checked|verified) today\b"
    r"|\b(?:TODO|FIXME|TBD|XXX)\b"
    r"|\bnot (?:yet )?matched against\b|\bstored (?:record|copy|page)s?\b|\baudit trail\b"
    r"|\b(?:titles?|authors?|co-?authors?|author list)\b(?: and [\w-]+)?(?: (?:were|was))?"
    r" not (?:checked|verified|read)\b",
)
#: Inside a reference list any verification vocabulary is a working note: a reference shows
#: authors, title, journal, year, identifier and a reader's note, none of which say "checked".
REFERENCE_NOTE = re.compile(
    r"\bcheck(?:ed|s)?\b|\bverif(?:y|ied)\b|\bmatched\b|\bre-?read\b|\bnot (?:read|seen|found)\b"
    r"|\bstored\b|\bmirror(?:ed|s)?\b|\baudit\b|\btoday\b|\.md\b"
    r"|(?<![\w./-])20\d\d-\d\d-\d\d(?![\w-])",  # the date a record was looked at
    re.IGNORECASE,
)
REFERENCE_ITEM = re.compile(r'<aside class="footnote brackets"[^>]*>(.*?)</aside>', re.DOTALL)
SCRIPT_OR_STYLE = re.compile(r"<(script|style)\b.*?</\1>", re.DOTALL | re.IGNORECASE)
TAG = re.compile(r"<[^>]+>")


def text_of(markup: str) -> str:
    return re.sub(r"\s+", " ", html.unescape(TAG.sub(" ", SCRIPT_OR_STYLE.sub(" ", markup))))


def pages(root: Path) -> list[Path]:
    found = sorted(root.glob("**/*.html"))
    assert len(found) > 10, f"only {len(found)} pages in {root}"
    return found


def test_the_working_note_patterns_catch_the_notes_that_were_found():
    for note in (
        "Journal, volume and pages checked (facts.md 3a)",
        "checked against the PMC full text earlier (../shared/facts.md 3c), not re-read today",
        "Title and co-authors not checked.",
        "Author list after the first author not checked.",
        "DOI and PMID not yet matched against a stored record.",
        "TODO: confirm the dose",
    ):
        assert WORKING_NOTE.search(note), note
    for reader_text in (
        "the checked sources did not give one",
        "no primary source could be checked, so the book does not state the claim as fact",
        "Status: not checked",
    ):
        assert not WORKING_NOTE.search(reader_text), reader_text


def test_no_page_shows_a_working_note(built_html):
    found = {}
    for page in pages(built_html):
        text = text_of(page.read_text(encoding="utf-8"))
        hits = [text[max(0, m.start() - 60) : m.end() + 20] for m in WORKING_NOTE.finditer(text)]
        if hits:
            found[str(page.relative_to(built_html))] = hits[:3]
    assert not found, found


def test_reference_lists_show_citations_not_verification_records(built_html):
    found, items = {}, 0
    for page in pages(built_html):
        for item in REFERENCE_ITEM.findall(page.read_text(encoding="utf-8")):
            items += 1
            text = text_of(item)
            hits = [
                text[max(0, m.start() - 60) : m.end() + 20] for m in REFERENCE_NOTE.finditer(text)
            ]
            if hits:
                found.setdefault(str(page.relative_to(built_html)), []).extend(hits)
    assert items > 100, f"only {items} reference list items found: has the markup changed?"
    assert not found, found
    assert REFERENCE_NOTE.search("Checked against the abstract (PMC4802465).")
    assert not REFERENCE_NOTE.search("Blood, 115(8):1549–1553, 2010. doi:10.1182/blood-2009-05-2")


# ------------------------------------------------------------------ captions and alt text

#: What a colour word in a caption or alt text can mean in the book's figures (the Okabe-Ito
#: palette of mscbook.style, plus the dark yellow of the approvals figure). "red" is no palette
#: colour: the red-orange of the palette is vermillion, which readers see as orange-red.
COLOUR_WORDS = {
    "blue": [PALETTE["blue"], PALETTE["sky"]],
    "sky blue": [PALETTE["sky"]],
    "light blue": [PALETTE["sky"]],
    "orange": [PALETTE["orange"]],
    "vermillion": [PALETTE["vermillion"]],
    "red-orange": [PALETTE["vermillion"]],
    "red": ["#FF0000"],
    "green": [PALETTE["green"]],
    "yellow": [PALETTE["yellow"], "#8C6D00"],
    "purple": [PALETTE["purple"]],
    "pink": [PALETTE["purple"]],
}
# Grey, black and white are left out: every figure has them (text, axes, background).
COLOUR_WORD = re.compile(
    r"\b(" + "|".join(sorted(COLOUR_WORDS, key=len, reverse=True)) + r")\b", re.IGNORECASE
)
#: A colour is in a figure when this many pixels have it, pure or blended with the white
#: background (transparency, anti-aliasing); a marker at 2x is about 100 pixels.
MIN_PIXELS = 40


def colour_pixels(image: Path | Image.Image, colour: str) -> int:
    """How many pixels show `colour` ('#RRGGBB'), pure or up to 65% faded into white."""
    picture = image if isinstance(image, Image.Image) else Image.open(image)
    pixels = np.asarray(picture.convert("RGB"), dtype=float).reshape(-1, 3)
    pure = np.array([int(colour[i : i + 2], 16) for i in (1, 3, 5)], dtype=float)
    towards_white = np.array([255.0, 255.0, 255.0]) - pure
    share = np.clip(
        (pixels - pure) @ towards_white / max(towards_white @ towards_white, 1), 0, 0.65
    )
    nearest = pure + share[:, None] * towards_white
    return int((np.linalg.norm(pixels - nearest, axis=1) < 20).sum())


def colours_named(text: str) -> set[str]:
    return {word.lower() for word in COLOUR_WORD.findall(text or "")}


def missing_colours(text: str, image: Path | Image.Image) -> list[str]:
    """Colour words in `text` that `image` does not show."""
    return sorted(
        word
        for word in colours_named(text)
        if all(colour_pixels(image, colour) < MIN_PIXELS for colour in COLOUR_WORDS[word])
    )


def figures(built_html: Path) -> list[dict]:
    manifest = json.loads((built_html / "figures.json").read_text(encoding="utf-8"))["figures"]
    assert len(manifest) > 20
    return manifest


def test_the_colour_check_can_fail():
    picture = Image.new("RGB", (60, 60), "white")
    picture.paste(PALETTE["blue"], (0, 0, 30, 30))
    picture.paste(PALETTE["vermillion"], (30, 30, 60, 60))
    assert missing_colours("Blue: kept; red-orange: dropped", picture) == []
    assert missing_colours("Blue: kept; red: dropped; green: none", picture) == ["green", "red"]
    assert missing_colours("orange bars", picture) == ["orange"]
    assert colours_named("coloured by disease; a sky blue dot") == {"sky blue"}


def test_the_isct_figure_has_no_red_the_old_caption_named(built_html):
    (isct,) = [f for f in figures(built_html) if f["label"] == "fig-isct-marker-windows"]
    old_caption = "Blue: markers the population must express. Red: markers it must lack."
    assert missing_colours(old_caption, built_html / isct["image"]) == ["red"]


@pytest.mark.parametrize("kind", ["caption", "alt"])
def test_captions_and_alt_text_name_only_colours_their_figure_shows(built_html, kind):
    wrong = {}
    for figure in figures(built_html):
        missing = missing_colours(figure[kind], built_html / figure["image"])
        if missing:
            wrong[f"{figure['page']} {figure['label']}"] = missing
    assert not wrong, f"{kind} names colours its figure does not show: {wrong}"
