"""Citations in the notebooks: what `{footcite}` and `{footbibliography}` become outside Sphinx.

JupyterLab renders MyST but knows no bibliography, so the student notebooks and the assignments
get plain Markdown: a citation becomes "(Fernández et al. 2018)" linked to the source, and a
chapter's `{footbibliography}` a list of its sources. The entries are formatted by pybtex with the
book's style (`bibtex_default_style: plain`, which sphinxcontrib-bibtex also uses), so the list
says what the HTML book says; pybtex also turns the LaTeX of `references.bib` ("Fern{\\'a}ndez",
"{NurOwn}") into text. Each item ends with a link a reader can follow: the DOI, else the PubMed
record, else the trial's registry record (or the publisher's page that `url` names).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

from pybtex.backends.markdown import Backend as PybtexMarkdown
from pybtex.database import Entry
from pybtex.plugin import find_plugin

from mscbook.paths import bibliography_path
from mscbook.references import Reference, bib_entries, load_references, plain_text

#: The pybtex style the book uses (`bibtex_default_style` in _config.yml).
STYLE = "plain"
#: Registry records by identifier prefix (the pattern of each is in mscbook.references).
REGISTRY_URLS = {
    "NCT": "https://clinicaltrials.gov/study/{id}",
    "ISRCTN": "https://www.isrctn.com/{id}",
}


class Markdown(PybtexMarkdown):
    """pybtex's Markdown backend, escaping only what MyST would otherwise read as markup.

    The stock backend escapes every dot, hyphen and bracket ("P\\. K\\. Gupta"), which makes the
    notebook source hard to read; a dash or a dot starts no markup inside a list item.
    """

    symbols = MappingProxyType({"ndash": "–", "newblock": " ", "nbsp": " "})
    SPECIAL = ("\\", "`", "*", "_", "[", "]", "<", "$", "{", "}")

    def format_str(self, text: str) -> str:
        for char in self.SPECIAL:
            text = text.replace(char, "\\" + char)
        return text


@functools.cache
def _style():
    # pybtex looks a plugin up among every installed distribution's entry points on each call
    return find_plugin("pybtex.style.formatting", STYLE)()


@dataclass
class Bibliography:
    """The entries of `references.bib`, formatted for notebooks."""

    entries: dict[str, Entry]
    references: dict[str, Reference]

    @classmethod
    def read(cls, path: Path | None = None) -> Bibliography:
        path = path or bibliography_path()
        return cls(dict(bib_entries(path)), load_references(path))

    def __contains__(self, key: str) -> bool:
        return key in self.entries

    def label(self, key: str) -> str:
        """ "Dominici et al. 2006": first author (or the title) and year, LaTeX as text."""
        entry = self.entries[key]
        people = entry.persons.get("author", []) or entry.persons.get("editor", [])
        year = plain_text(entry.fields.get("year", ""))
        if not people:  # a registry record or an agency's report: its title
            return f"{plain_text(entry.fields.get('title', key))} {year}".strip()
        names = [plain_text(" ".join(person.last_names)) or str(person) for person in people]
        if len(names) == 1:
            return f"{names[0]} {year}"
        if len(names) == 2 and names[1] != "others":
            return f"{names[0]} and {names[1]} {year}"
        return f"{names[0]} et al. {year}"

    def link(self, key: str) -> tuple[str, str | None]:
        """The identifier a reader can follow and its address (None: no address is known)."""
        reference = self.references[key]
        if reference.doi:
            return f"doi:{reference.doi}", f"https://doi.org/{reference.doi}"
        if reference.pmid:
            return f"PMID {reference.pmid}", f"https://pubmed.ncbi.nlm.nih.gov/{reference.pmid}/"
        if reference.url:
            return reference.url, reference.url
        identifier = reference.registry or reference.regulator_id or key
        for prefix, address in REGISTRY_URLS.items():
            if identifier.startswith(prefix):
                return identifier, address.format(id=identifier)
        return identifier, None

    def cite(self, keys: list[str]) -> str:
        """ "([Dominici et al. 2006](https://doi.org/…); …)"; an unknown key stays as it is."""
        parts = []
        for key in keys:
            if key not in self.entries:
                parts.append(key)
                continue
            address = self.link(key)[1]
            label = self.label(key)
            parts.append(f"[{label}]({address})" if address else label)
        return "(" + "; ".join(parts) + ")"

    def reference(self, key: str) -> str:
        """One entry of a reference list, as the book's style formats it, as Markdown, ending
        with its link (the style links a DOI; PubMed and registry records are added here)."""
        entry = self.entries[key]
        style = _style()
        text = style.format_entry(key, entry).text.render(Markdown()).strip()
        identifier, address = self.link(key)
        if address and address not in text:
            text += f" [{Markdown().format_str(identifier)}]({address})"
        elif not address and identifier not in text:
            text += f" {Markdown().format_str(identifier)}"
        return text

    def reference_list(self, keys: list[str]) -> str:
        """A chapter's sources, in the order cited (as `{footbibliography}` lists them)."""
        return "\n".join(f"- {self.reference(key)}" for key in keys if key in self.entries)
