"""The reference lists' style: pybtex's `plain`, plus every identifier a reader can follow.

`plain` renders a `doi`, a `url` and a PMID only from a field named `pubmed`; the book's entries
give `pmid`, `registry` (a trial registration) and `regulator_id` (an EMA or FDA record), so an
entry traced by one of those alone would show no identifier. This style adds them after the DOI.
Like `plain`, it renders no field it does not know: the `checked` record of what an entry was
checked against never reaches a page. Loaded by `_config.yml` as a Sphinx extension, which
registers the style under the name `mscbook` (`bibtex_default_style: mscbook`).
"""

from __future__ import annotations

from pybtex.plugin import register_plugin
from pybtex.style.formatting.plain import Style as PlainStyle
from pybtex.style.template import field, href, join, optional, sentence, words

STYLE_NAME = "mscbook"


class Style(PlainStyle):
    def format_web_refs(self, e):
        fields = e.fields
        shown = " ".join(fields.get(name, "") for name in ("title", "howpublished", "note"))
        refs = [
            optional[self.format_url(e)],
            optional[self.format_pmid(e)],
            optional[self.format_doi(e)],
        ]
        # a registry record's own entry usually names its id already (howpublished, title)
        labels = {"registry": "Trial registration", "regulator_id": "Regulator record"}
        for name, label in labels.items():
            if fields.get(name) and fields[name] not in shown:
                refs.append(self.format_registry(name, label, fields[name]))
        return sentence[*refs]

    def format_pmid(self, e):
        url = join["https://pubmed.ncbi.nlm.nih.gov/", field("pmid", raw=True), "/"]
        return href(url)[join["PMID ", field("pmid", raw=True)]]

    def format_registry(self, name: str, label: str, value: str):
        if value.startswith("NCT"):
            return words[label, href(f"https://clinicaltrials.gov/study/{value}")[value]]
        return words[label, field(name, raw=True)]


def setup(app):
    register_plugin("pybtex.style.formatting", STYLE_NAME, Style)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
