"""Every citation in the book and every data `source` resolves to a traceable bibliography entry."""

from __future__ import annotations

import re

from pybtex.database import parse_file, parse_string
from pybtex.plugin import find_plugin

from mscbook import data
from mscbook.build.bibstyle import Style as BookStyle
from mscbook.build.checks import CITE_ROLE
from mscbook.paths import book_root
from mscbook.references import (
    DOI_PATTERN,
    REGULATOR_ID_PATTERN,
    Reference,
    load_references,
    split_keys,
)

ROOT = book_root()


def cited_keys() -> dict[str, set[str]]:
    """Citation keys by page, from {cite}/{footcite} roles in the book's Markdown sources."""
    pages = [ROOT / "intro.md", *ROOT.glob("chapters/**/*.md")]
    keys = {}
    for page in pages:
        found = {key.strip() for match in CITE_ROLE.findall(page.read_text(encoding="utf-8"))
                 for key in match.split(",")}  # fmt: skip
        if found:
            keys[str(page.relative_to(ROOT))] = found
    return keys


def test_the_book_cites_sources():
    assert cited_keys().get("chapters/biology/what-is-an-msc.md")


def test_every_cited_key_is_in_the_bibliography():
    known = load_references()
    missing = {page: sorted(keys - set(known)) for page, keys in cited_keys().items()}
    assert not {page: keys for page, keys in missing.items() if keys}


def test_every_data_source_key_is_in_the_bibliography():
    known = load_references()
    for name in data.table_names():
        frame = data.load(name)
        if "source" in frame:
            keys = {key for cell in frame["source"].dropna() for key in split_keys(cell)}
            assert keys <= set(known), f"{name}: {sorted(keys - set(known))}"


def test_every_entry_is_traceable():
    for key, reference in load_references().items():
        assert reference.identifier, (
            f"{key}: needs a doi, pmid, registry, regulator_id or url field"
        )
        if reference.doi:
            assert DOI_PATTERN.match(reference.doi), f"{key}: malformed DOI {reference.doi!r}"
        if reference.pmid:
            assert reference.pmid.isdigit(), f"{key}: malformed PMID {reference.pmid!r}"
        if reference.regulator_id:
            assert REGULATOR_ID_PATTERN.match(reference.regulator_id), key


def test_a_regulator_record_is_the_identifier_of_last_resort():
    record = Reference("ema004258", None, None, None, regulator_id="EMEA/H/C/004258")
    assert record.identifier == "EMEA/H/C/004258"
    paper = Reference("x2020", "10.1000/xyz", None, None, regulator_id="BLA 125000")
    assert paper.identifier == "doi:10.1000/xyz"
    assert not REGULATOR_ID_PATTERN.match("EMEA/H/C/4258")
    assert not REGULATOR_ID_PATTERN.match("BLA125000")


# --- What the reference lists show (the book's bibliography style, mscbook.build.bibstyle) ---

#: A file named in a reference: a relative path or a file name with an extension of the kind the
#: project's working notes use.
FILE_MENTION = re.compile(
    r"(?:\.\./|~/)[\w./-]+|\b[\w.-]+(?:/[\w.-]+)*\.(?:md|csv|json|py|r|ipynb|txt|bib|ya?ml)\b",
    re.IGNORECASE,
)


def rendered(key: str, entries=None) -> str:
    """The text a reference list shows for `key`, as the book's style renders it."""
    entries = entries or parse_file(str(ROOT / "references.bib")).entries
    text = BookStyle().format_entry(key, entries[key]).text
    return text.render(find_plugin("pybtex.backends", "text")())


def test_the_style_renders_a_reader_note_but_never_the_checked_record():
    source = (
        "@article{x2020, author = {Doe, J.}, title = {A trial}, journal = {J}, year = {2020},"
        " pmid = {123456}, note = {Study protocol.}, checked = {Seen in facts.md 9z today.}}"
    )
    entries = parse_string(source, "bibtex").entries
    text = rendered("x2020", entries)
    assert "Study protocol." in text and "PMID 123456" in text
    assert "facts.md" not in text and "today" not in text


def test_every_reference_shows_its_identifier():
    entries = parse_file(str(ROOT / "references.bib")).entries
    for key, reference in load_references().items():
        shown = rendered(key, entries)
        identifiers = [
            reference.doi,
            reference.pmid,
            reference.registry,
            reference.regulator_id,
            reference.url,
        ]
        assert any(value and value in shown for value in identifiers), f"{key}: {shown}"


def test_no_rendered_reference_names_a_file_outside_the_repository():
    entries = parse_file(str(ROOT / "references.bib")).entries
    outside = {}
    for key, reference in load_references().items():
        shown = rendered(key, entries)
        for mention in FILE_MENTION.findall(shown):
            # a file that is itself the cited source is reached through the entry's url
            if reference.url and mention in reference.url:
                continue
            if not (ROOT / mention).resolve().is_relative_to(ROOT) or not (ROOT / mention).exists():
                outside.setdefault(key, []).append(mention)
    assert not outside, outside


def test_every_entry_keeps_its_checked_record():
    missing = [key for key, reference in load_references().items() if not reference.checked]
    assert not missing


def test_the_bibliography_is_parsed_once_per_version_of_the_file(tmp_path):
    from mscbook.references import bib_entries

    path = tmp_path / "references.bib"
    path.write_text("@misc{one, title = {One}, registry = {NCT00000001}}\n")
    first = bib_entries(path)
    assert bib_entries(path) is first  # asked again: no second parse
    path.write_text(
        "@misc{one, title = {One}, registry = {NCT00000001}}\n"
        "@misc{two, title = {Two}, registry = {NCT00000002}}\n"
    )
    assert sorted(bib_entries(path)) == ["one", "two"]  # an edited file is read again
