"""The bibliography (`references.bib`): which keys exist and how each can be traced.

Each entry has two kinds of remark: `note`, a short note for readers that the reference lists
show (e.g. "Review.", "not peer reviewed"), and `checked`, the record of what the entry was
checked against, which the book's bibliography style (`mscbook.build.bibstyle`) does not render.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

from pybtex.database import parse_file
from pybtex.richtext import Text

from mscbook.paths import bibliography_path

DOI_PATTERN = re.compile(r"^10\.\d{4,9}/\S+$")
REGISTRY_PATTERN = re.compile(r"^(NCT\d{8}|ISRCTN\d{8}|EudraCT \d{4}-\d{6}-\d{2}|ChiCTR\S+)$")
# A regulator's own record of a marketing authorisation, for approvals that no paper reports:
# an EMA product number (EMEA/H/C/004258) or an FDA biologics licence application (BLA 125000).
REGULATOR_ID_PATTERN = re.compile(r"^(EMEA/H/C/\d{6}|BLA \d{6})$")
PMID_PATTERN = re.compile(r"^[1-9][0-9]{0,8}$")
# Last resort, for a paper with no DOI or PMID (some journals assign neither): the https address
# of the publisher's page that was checked. The `checked` record must say that no DOI or PMID was
# seen.
URL_PATTERN = re.compile(r"^https://\S+$")
_ENTRY_START = re.compile(r"\s*@\w+\{([^,\s]+),")


@functools.cache
def _plain_text_backend():
    # `Text.render_as("text")` looks the backend up among every installed distribution's entry
    # points on each call: about 1 s of a chapter's run for a table of 36 citations.
    from pybtex.backends.plaintext import Backend

    return Backend()


def plain_text(latex: str) -> str:
    """BibTeX field text as a reader sees it: accents as letters, braces gone."""
    return Text.from_latex(latex).render(_plain_text_backend())


@dataclass(frozen=True)
class Reference:
    key: str
    doi: str | None
    pmid: str | None
    registry: str | None
    regulator_id: str | None = None
    url: str | None = None  # only when no DOI or PMID exists (see URL_PATTERN)
    note: str | None = None  # a short note for readers, shown in the reference lists
    checked: str | None = None  # what the entry was checked against (a record, never shown)
    line: int | None = None  # where the entry starts in references.bib

    @property
    def identifier(self) -> str | None:
        """The persistent identifier a reader can follow (DOI first, regulator record last)."""
        if self.doi:
            return f"doi:{self.doi}"
        if self.pmid:
            return f"PMID {self.pmid}"
        return self.registry or self.regulator_id or self.url


def bib_entries(path: Path | None = None):
    """The entries of `references.bib` as pybtex parsed them (key → pybtex Entry).

    Parsed once per version of the file: chapters, checks and exports ask for them several
    times in one process, and a parse costs 0.15–0.2 s. Treat the result as read-only.
    """
    path = Path(path or bibliography_path()).resolve()
    status = path.stat()
    return _parsed(str(path), status.st_mtime_ns, status.st_size)


@functools.lru_cache(maxsize=4)
def _parsed(path: str, mtime_ns: int, size: int):
    return parse_file(path, bib_format="bibtex").entries


def load_references(path: Path | None = None) -> dict[str, Reference]:
    """All entries of the bibliography, by key (the one reader of `references.bib`)."""
    path = path or bibliography_path()
    lines = {}
    for number, content in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        match = _ENTRY_START.match(content)
        if match:
            lines[match.group(1)] = number
    references = {}
    for key, entry in bib_entries(path).items():
        fields = {name.lower(): value.strip() or None for name, value in entry.fields.items()}
        references[key] = Reference(
            key=key,
            doi=fields.get("doi"),
            pmid=fields.get("pmid"),
            registry=fields.get("registry"),
            regulator_id=fields.get("regulator_id"),
            url=fields.get("url"),
            note=fields.get("note"),
            checked=fields.get("checked"),
            line=lines.get(key),
        )
    return references


def split_keys(value: str) -> list[str]:
    """Citation keys in a `source` cell: one or more keys separated by ';'."""
    return [key.strip() for key in value.split(";") if key.strip()]
