"""The glossary page, generated from `data/glossary.csv` as a Sphinx glossary.

Each term becomes a Sphinx glossary entry, so chapters can link to it with the `{term}` role
(`` {term}`Rutherford classification` ``) and the general index lists it. Related terms become
links, and a definition's sources become footnote citations (the page ends with
`{footbibliography}`).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from mscbook import data
from mscbook.references import split_keys

TABLE = "glossary"


def _text(value: object) -> str:
    return "" if pd.isna(value) else str(value).strip()


def render_markdown(root: Path | None = None) -> str:
    """A MyST `{glossary}` block with every term in English alphabetical order.

    `related_terms` are known to name glossary terms: `mscbook.checks` verifies that before any
    page is built.
    """
    table = data.load(TABLE, root)
    names = dict(zip(table["term_id"], table["term_en"], strict=True))
    entries = []
    for row in sorted(table.to_dict("records"), key=lambda row: row["term_en"].casefold()):
        heading = row["term_en"]
        details = [f"*{_text(row['abbreviation'])}*"] if _text(row["abbreviation"]) else []
        details.append(f"Chinese: {row['term_zh']}")
        body = f"{' · '.join(details)}. {row['definition'].strip()}"
        sources = split_keys(_text(row["source"]))
        if sources:
            body += " {footcite:p}`" + ",".join(sources) + "`"
        related = split_keys(_text(row["related_terms"]))
        if related:
            links = ", ".join(f"{{term}}`{names[term]}`" for term in related)
            body += f" See also: {links}."
        entries.append(f"{heading}\n  {body}\n")
    return "```{glossary}\n" + "\n".join(entries) + "```\n"
