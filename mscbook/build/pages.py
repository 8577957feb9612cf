"""The generated appendix pages: glossary, data dictionary, exercise index and time table.

Each is MyST Markdown made from `data/` (never written by hand), so the pages always match the
data: the glossary from `data/glossary.csv` as a Sphinx glossary (chapters link terms with
`{term}`), the data dictionary from `data/datapackage.json`, the exercise index and the instructor
guide's time table from `data/exercises.csv` and the chapters.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import pandas as pd

from mscbook import data
from mscbook.build.exercise_sources import chapter_paths, chapter_title, exercises_by_chapter
from mscbook.exercises import TYPE_LABELS, metadata
from mscbook.paths import book_root
from mscbook.references import split_keys
from mscbook.tables import CHINESE


def table_cell(text: object) -> str:
    """`text` made safe for one cell of a Markdown table."""
    return str(text).replace("|", "\\|").replace("\n", " ")


def field_rows(name: str, root: Path | None = None) -> list[dict[str, str]]:
    """One dict per field of table `name`: field, type, unit, required, allowed, description."""
    rows = []
    for field in data.schema(name, root)["schema"]["fields"]:
        constraints = field.get("constraints", {})
        # Allowed values are data codes: set as code, so a reader sees them as names, not prose.
        allowed = ", ".join(f"`{value}`" for value in constraints.get("enum", []))
        if "minimum" in constraints or "maximum" in constraints:
            allowed = f"{constraints.get('minimum', '−∞')} to {constraints.get('maximum', '∞')}"
        rows.append(
            {
                "field": field["name"],
                "type": field.get("type", "string"),
                "unit": field.get("unit", ""),
                "required": "yes" if constraints.get("required") else "",
                "allowed": allowed,
                "description": field.get("description", ""),
            }
        )
    return rows


def data_dictionary_markdown(root: Path | None = None) -> str:
    """All tables: title, file, row count, description, then a table of fields."""
    parts = []
    for name in data.table_names(root):
        resource = data.schema(name, root)
        frame = data.load(name, root)
        parts.append(f"## `{name}`: {resource.get('title', name)}\n")
        parts.append(
            f"File `data/{resource['path']}`, {len(frame)} rows. "
            f"{resource.get('description', '')}\n"
        )
        parts.append("| Field | Type | Unit | Required | Allowed values | Description |")
        parts.append("|---|---|---|---|---|---|")
        for row in field_rows(name, root):
            parts.append("| " + " | ".join(table_cell(value) for value in row.values()) + " |")
        parts.append("")
    return "\n".join(parts)


GLOSSARY_TABLE = "glossary"


def _text(value: object) -> str:
    return "" if pd.isna(value) else str(value).strip()


#: A run of Chinese characters (and the Chinese punctuation between them) inside English text.
CHINESE_RUN = re.compile(
    r"[\u3400-\u4dbf\u4e00-\u9fff][\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]*"
)


def chinese_html(text: str) -> str:
    """`text` in a span marked as Simplified Chinese (inline HTML, which MyST passes through), so
    browsers and screen readers pick a Chinese font and voice."""
    return f'<span lang="{CHINESE}">{html.escape(text.strip())}</span>'


def glossary_markdown(root: Path | None = None) -> str:
    """A MyST `{glossary}` block with every term in English alphabetical order.

    `related_terms` are known to name glossary terms: `mscbook.build.checks` verifies that before
    any page is built.
    """
    table = data.load(GLOSSARY_TABLE, root)
    names = dict(zip(table["term_id"], table["term_en"], strict=True))
    entries = []
    for row in sorted(table.to_dict("records"), key=lambda row: row["term_en"].casefold()):
        heading = row["term_en"]
        details = [f"*{_text(row['abbreviation'])}*"] if _text(row["abbreviation"]) else []
        details.append(f"Chinese: {chinese_html(row['term_zh'])}")
        definition = CHINESE_RUN.sub(lambda run: chinese_html(run.group()), row["definition"])
        body = f"{' · '.join(details)}. {definition.strip()}"
        sources = split_keys(_text(row["source"]))
        if sources:
            body += " {footcite:p}`" + ",".join(sources) + "`"
        related = split_keys(_text(row["related_terms"]))
        if related:
            links = ", ".join(f"{{term}}`{names[term]}`" for term in related)
            body += f" See also: {links}."
        entries.append(f"{heading}\n  {body}\n")
    return "```{glossary}\n" + "\n".join(entries) + "```\n"


def table_names_as_code(text: str, names: list[str]) -> str:
    """`text` with each data table name in it that is not an English word (`msc_sources`, not
    "trials") set as code: in a coding exercise's objective the name is what the student
    types, not a word of prose."""
    names = [name for name in names if "_" in name]
    if not names:
        return text
    pattern = re.compile(r"(?<![`\w])(" + "|".join(map(re.escape, names)) + r")(?![`\w])")
    return pattern.sub(r"`\1`", text)


def index_markdown(root: Path | None = None) -> str:
    """The exercise index: counts by chapter and type, then one row per exercise with a link."""
    root = root or book_root()
    from mscbook.build.overlap import checks_passed

    chapters = exercises_by_chapter(root, checked=checks_passed())
    paths = chapter_paths(root)
    types = list(TYPE_LABELS)
    names = data.table_names(root)
    lines = [
        "| Chapter | " + " | ".join(TYPE_LABELS.values()) + " | Minutes |",
        "|---|" + "---:|" * (len(types) + 1),
    ]
    for chapter, pairs in chapters.items():
        counts = [sum(row["type"] == kind for row, _ in pairs) for kind in types]
        minutes = sum(int(row["minutes"]) for row, _ in pairs)
        lines.append(f"| {{doc}}`/{chapter}` | " + " | ".join(map(str, counts)) + f" | {minutes} |")
    for chapter, pairs in chapters.items():
        lines += ["", f"## {chapter_title(paths[chapter])}", ""]
        lines += [
            "| Exercise | Type | Difficulty | Minutes | Learning objective | Automatic check |",
            "|---|---|---:|---:|---|---|",
        ]
        for row, exercise in pairs:
            title = exercise.display_title.replace("<", "\\<").replace("`", "")
            checked = "yes" if not pd.isna(row["checker"]) else "no (discussed in class)"
            objective = table_names_as_code(row["objective"], names)
            lines.append(
                f"| {row['number']}: {{ref}}`{table_cell(title)} <{exercise.label}>` "
                f"| {TYPE_LABELS[row['type']]} | {int(row['difficulty'])} "
                f"| {int(row['minutes'])} | {table_cell(objective)} | {checked} |"
            )
    return "\n".join(lines) + "\n"


_TIME_TO_LEARN = re.compile(r"\*\*Time to learn:\*\*\s*about\s+(\d+)\s+minutes", re.I)


def time_table_markdown(root: Path | None = None) -> str:
    """Per chapter: reading time (its "Time to learn" line) and exercise time (the table)."""
    root = root or book_root()
    table = metadata(root)
    lines = [
        "| Chapter | Reading (min) | Exercises | Exercise time (min) |",
        "|---|---:|---:|---:|",
    ]
    for chapter, path in chapter_paths(root).items():
        if not chapter.startswith("chapters/") or "/appendix/" in chapter:
            continue
        found = _TIME_TO_LEARN.search(path.read_text(encoding="utf-8"))
        rows = table[table["chapter"] == chapter]
        if not found and rows.empty:
            continue  # a part introduction
        reading = found.group(1) if found else "–"
        lines.append(
            f"| {{doc}}`/{chapter}` | {reading} | {len(rows)} | {int(rows['minutes'].sum())} |"
        )
    return "\n".join(lines) + "\n"


# ------------------------------------------------------------------ the Sphinx directive

#: Name of each generated page's content → the function that writes it.
GENERATORS = {
    "glossary": glossary_markdown,
    "data-dictionary": data_dictionary_markdown,
    "exercise-index": index_markdown,
    "time-table": time_table_markdown,
}


def setup(app) -> dict:
    """Sphinx extension: the `{generated}` directive, so generated pages need no kernel."""
    app.add_directive("generated", GeneratedContent)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}


def _directive_base():
    from sphinx.util.docutils import SphinxDirective

    return SphinxDirective


class GeneratedContent(_directive_base()):
    """```{generated} glossary``` → the MyST that `GENERATORS["glossary"]` writes, parsed in place.

    The page is re-read whenever `data/`, the table of contents or a chapter changes (its inputs).
    """

    required_arguments = 1

    def run(self) -> list:
        from docutils import nodes
        from docutils.statemachine import StringList

        name = self.arguments[0]
        if name not in GENERATORS:
            raise self.error(
                f"unknown generated content {name!r}; known: {', '.join(sorted(GENERATORS))}"
            )
        root = book_root()
        for path in [*root.joinpath("data").glob("*"), root / "_toc.yml"]:
            self.env.note_dependency(str(path))
        if name in ("exercise-index", "time-table"):
            for path in chapter_paths(root).values():
                self.env.note_dependency(str(path))
        text = GENERATORS[name](root)
        holder = nodes.section()
        holder.document = self.state.document
        lines = StringList(text.splitlines(), source=f"<generated {name}>")
        self.state.nested_parse(lines, self.content_offset, holder, match_titles=True)
        return holder.children
