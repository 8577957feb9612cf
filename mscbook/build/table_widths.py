"""Column widths for every table of a page that `mscbook.tables.show` did not make.

Markdown tables in the chapters, the generated appendix pages (exercise index, data dictionary)
and widgets' static HTML leave column widths to the browser, which on a narrow screen squeezes
a column of phrases to one word a line. Each such column gets the minimum width `show` gives its
own columns (`mscbook.tables.width_style`, from the column's texts), on its first row's cells;
the table's container scrolls sideways instead.
"""

from __future__ import annotations

import re

from bs4 import BeautifulSoup

from mscbook.tables import CHAR_EM, PADDING_EM, TABLE_CLASS, width_style

#: One table (the book has no nested tables) with its opening tag's attributes.
TABLE = re.compile(r"<table\b(?P<attrs>[^>]*)>.*?</table>", re.DOTALL | re.IGNORECASE)
#: Tables already sized when made: `show`'s and the trial explorer's.
SIZED = re.compile(rf'class="[^"]*\b(?:{TABLE_CLASS}|mscbook-trials-table)\b')


def column_texts(table) -> list[list[str]]:
    """Per column, the text of each cell (whitespace collapsed); [] if a cell spans columns,
    so a column's cells cannot be told apart."""
    columns: list[list[str]] = []
    for row in table.find_all("tr"):
        for number, cell in enumerate(row.find_all(["td", "th"], recursive=False)):
            if int(cell.get("colspan", 1) or 1) > 1:
                return []
            if number == len(columns):
                columns.append([])
            columns[number].append(" ".join(cell.get_text().split()))
    return columns


def short_style(texts: list[str]) -> str:
    """A short column (no text over `mscbook.tables.SHORT_TEXT` characters) with a cell of three
    or more words ("Run Time (s)") keeps each text on one line; `show` sets such columns
    `white-space: nowrap` by class instead."""
    if not any(len(text.split()) >= 3 for text in texts):
        return ""
    longest = max(len(text) for text in texts)
    return f' style="min-width: {longest * CHAR_EM + PADDING_EM:.1f}em"'


def size_table(markup: str) -> str:
    """One table's HTML with a minimum width on each wrapping column's first cell."""
    soup = BeautifulSoup(markup, "html.parser")
    table = soup.find("table")
    columns = column_texts(table)
    first = table.find("tr")
    if not columns or first is None:
        return markup
    for cell, texts in zip(first.find_all(["td", "th"], recursive=False), columns, strict=False):
        style = width_style(texts) or short_style(texts)
        if style:
            width = style.split('"')[1]
            cell["style"] = f"{cell['style'].rstrip('; ')}; {width}" if cell.get("style") else width
    return str(soup)


def size_tables(body: str) -> str:
    """Every table in `body` (a page's HTML) not already sized, sized by `size_table`."""

    def one(match: re.Match[str]) -> str:
        if SIZED.search(match.group("attrs")):
            return match.group()
        return size_table(match.group())

    return TABLE.sub(one, body)


def size_page_tables(app, pagename: str, templatename, context: dict, doctree) -> None:
    """Sphinx `html-page-context` handler: size the tables of the page's body."""
    if "body" in context:
        context["body"] = size_tables(context["body"])
