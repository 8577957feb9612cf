"""Every citation in the book and every data `source` resolves to a traceable bibliography entry."""

from __future__ import annotations

from mscbook import data
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
