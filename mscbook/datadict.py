"""The data dictionary, generated from `data/datapackage.json` (never written by hand)."""

from __future__ import annotations

from pathlib import Path

from mscbook import data


def table_cell(text: object) -> str:
    """`text` made safe for one cell of a Markdown table."""
    return str(text).replace("|", "\\|").replace("\n", " ")


def field_rows(name: str, root: Path | None = None) -> list[dict[str, str]]:
    """One dict per field of table `name`: field, type, unit, required, allowed, description."""
    rows = []
    for field in data.schema(name, root)["schema"]["fields"]:
        constraints = field.get("constraints", {})
        allowed = ", ".join(map(str, constraints.get("enum", [])))
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


def render_markdown(root: Path | None = None) -> str:
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
