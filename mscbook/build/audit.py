"""Sphinx extension: the build refuses a figure it cannot vouch for.

Every image produced by a notebook code cell must have a caption, a label (`name`), alt text,
must not be blank (one flat colour), and must name the data files it was drawn from (written
into the PNG by `mscbook.style`). Each failure is a Sphinx warning naming the page and the cell,
so `-W --keep-going` fails the build and lists them all. The build writes a manifest,
`figures.json`, next to `index.html`.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
from docutils import nodes
from PIL import Image
from sphinx.application import Sphinx
from sphinx.util import logging

logger = logging.getLogger(__name__)

MANIFEST_NAME = "figures.json"


def setup(app: Sphinx) -> dict:
    app.connect("doctree-read", audit_doctree)
    app.connect("env-purge-doc", _purge)
    app.connect("env-merge-info", _merge)
    app.connect("build-finished", write_manifest)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}


def is_blank(path: Path) -> bool:
    """True when every pixel has the same colour (an empty or failed plot)."""
    with Image.open(path) as image:
        pixels = np.asarray(image.convert("RGBA"))
    return bool((pixels == pixels[0, 0]).all())


def provenance(path: Path) -> list[str]:
    """The data files recorded in a PNG by mscbook.style, or [] when none are recorded."""
    from mscbook.png_text import PROVENANCE_KEY

    with Image.open(path) as image:
        recorded = getattr(image, "text", {}).get(PROVENANCE_KEY, "")
    return [name for name in recorded.split(";") if name]


def audit_doctree(app: Sphinx, doctree: nodes.document) -> None:
    docname = app.env.docname
    records = []
    for cell in doctree.findall(nodes.container):
        if cell.get("nb_element") != "cell_code":
            continue
        for image in cell.findall(nodes.image):
            record, problems = _audit_image(app, docname, cell, image)
            records.append(record)
            for problem in problems:
                logger.warning(
                    "figure audit: %s, cell %s (%s): %s",
                    docname,
                    record["cell"],
                    record["label"] or "no label",
                    problem,
                    location=cell,
                    type="mscbook",
                    subtype="figure",
                )
    if not hasattr(app.env, "mscbook_figures"):
        app.env.mscbook_figures = {}
    app.env.mscbook_figures[docname] = records


def _audit_image(app: Sphinx, docname: str, cell: nodes.container, image: nodes.image):
    figure = _enclosing_figure(image, cell)
    captions = list(figure.findall(nodes.caption)) if figure else []
    caption = captions[0].astext().strip() if captions else ""
    label = figure["names"][0] if figure and figure["names"] else ""
    alt = (image.get("alt") or "").strip()
    uri = image["uri"]
    path = Path(app.srcdir, uri.lstrip("/")) if uri.startswith("/") else Path(app.srcdir, uri)
    record = {
        "page": docname,
        "cell": cell.get("cell_index", -1) + 1,
        "label": label,
        "caption": caption,
        "alt": alt,
        "source_image": str(path.resolve()),
        "image": "",
        "sha256": "",
        "data_files": [],
    }
    problems = []
    if not caption:
        problems.append("no caption (cell metadata mystnb.figure.caption)")
    if not label:
        problems.append("no label (cell metadata mystnb.figure.name)")
    if not alt:
        problems.append("no alt text (cell metadata mystnb.image.alt)")
    if not path.exists():
        problems.append(f"image file not found: {path}")
        return record, problems
    record["sha256"] = hashlib.sha256(path.read_bytes()).hexdigest()
    if path.suffix.lower() != ".png":
        problems.append(f"not a PNG ({path.suffix}); show figures through mscbook.style")
        return record, problems
    if is_blank(path):
        problems.append("blank image (a single flat colour)")
    record["data_files"] = provenance(path)
    if not record["data_files"]:
        problems.append(
            "does not say which data file(s) it came from "
            "(build it with mscbook.style.new_figure from frames loaded by mscbook.data.load)"
        )
    else:
        missing = [name for name in record["data_files"] if not Path(app.srcdir, name).exists()]
        if missing:
            problems.append(f"names data file(s) that do not exist: {', '.join(missing)}")
    return record, problems


def _enclosing_figure(image: nodes.image, cell: nodes.container) -> nodes.figure | None:
    """myst-nb nests the image in mime-bundle containers inside the figure, within the cell."""
    node = image.parent
    while node is not None and node is not cell:
        if isinstance(node, nodes.figure):
            return node
        node = node.parent
    return None


def _purge(app: Sphinx, env, docname: str) -> None:
    getattr(env, "mscbook_figures", {}).pop(docname, None)


def _merge(app: Sphinx, env, docnames, other) -> None:
    if not hasattr(env, "mscbook_figures"):
        env.mscbook_figures = {}
    env.mscbook_figures.update(getattr(other, "mscbook_figures", {}))


def write_manifest(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or app.builder.format != "html":
        return
    # Sphinx keys copied images by their path relative to the source folder (which may climb
    # out of it, e.g. into a build folder elsewhere); match them by resolved location.
    copied = {
        str(Path(app.srcdir, key).resolve()): name
        for key, name in getattr(app.builder, "images", {}).items()
    }
    figures = []
    for docname in sorted(getattr(app.env, "mscbook_figures", {})):
        for record in app.env.mscbook_figures[docname]:
            entry = dict(record)
            source = entry.pop("source_image")
            name = copied.get(source)
            if name is None:
                # An incremental build (make preview) copies only the images of the pages it
                # writes; an unchanged page's image is still in the site from the last build.
                kept = Path(app.outdir, app.builder.imagedir, Path(source).name)
                name = kept.name if kept.is_file() else None
            if name is None:
                message = "figure audit: %s, cell %s: image was not copied into the site"
                logger.warning(message, docname, entry["cell"], type="mscbook", subtype="figure")
            entry["image"] = f"{app.builder.imagedir}/{name}" if name else ""
            figures.append(entry)
    manifest = Path(app.outdir, MANIFEST_NAME)
    manifest.write_text(json.dumps({"figures": figures}, indent=2, ensure_ascii=False) + "\n")
    logger.info("figure audit: %d figure(s) listed in %s", len(figures), manifest)
