"""One figure style for the whole book, and how figures reach a notebook with their provenance.

Figures are plain `matplotlib.figure.Figure` objects (no pyplot state, so nothing is shown
twice). `use()` registers a notebook display hook that renders them as 2x PNGs and writes the
data files they came from into the PNG itself, where the build's figure audit reads them.
"""

from __future__ import annotations

import io
import textwrap
from collections.abc import Iterable

import matplotlib as mpl
import pandas as pd
from matplotlib.figure import Figure

from mscbook import png_text

#: Okabe-Ito palette: distinguishable with the common forms of colour blindness.
PALETTE = {
    "blue": "#0072B2",
    "orange": "#E69F00",
    "green": "#009E73",
    "vermillion": "#D55E00",
    "sky": "#56B4E9",
    "purple": "#CC79A7",
    "yellow": "#F0E442",
    "black": "#000000",
    "grey": "#BBBBBB",
}

#: One colour per disease area, the same in every figure that compares diseases.
DISEASE_COLOURS = {
    "cli_clti": PALETTE["blue"],
    "multiple_sclerosis": PALETTE["orange"],
    "systemic_sclerosis": PALETTE["green"],
    "acute_gvhd": PALETTE["purple"],
}
#: CSS pixels per inch; figures are rendered at twice this for high-DPI screens.
SCREEN_DPI = 96
PIXEL_RATIO = 2
# PNG text keys: the data files behind a figure, and its smallest text (see mscbook.png_text).
PROVENANCE_KEY, SMALLEST_TEXT_KEY = png_text.PROVENANCE_KEY, png_text.SMALLEST_TEXT_KEY

#: Every figure reads on a phone without scrolling sideways. A 390 px phone gives a figure 342
#: CSS px (mscbook.build.offline.PHONE_COLUMN_PX), and the build wants its smallest label at least
#: 7 CSS px tall there (MIN_TEXT_PX), or it holds the figure wider and the reader scrolls. Text of
#: SMALL_TEXT_PT in a figure MAX_WIDTH_IN wide is 9 * 96/72 * 342/576 = 7.1 px: so no figure
#: draws text smaller than SMALL_TEXT_PT (tick labels, annotations, legends) and none is wider
#: than MAX_WIDTH_IN. On a desktop (about 720 px of column) the same figure shows its 9 pt labels
#: at 12 px. A figure with more to show grows taller, not wider: one column of panels, long
#: labels wrapped (`wrap`) or written above their row (`rows_below_labels`, `label_rows_above`).
SMALL_TEXT_PT = 9
MAX_WIDTH_IN = 6.0

RC = {
    "font.size": 10,
    "axes.titlesize": 11,
    "axes.labelsize": 10,
    "legend.fontsize": SMALL_TEXT_PT,
    "legend.title_fontsize": SMALL_TEXT_PT,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.prop_cycle": mpl.cycler(color=list(PALETTE.values())),
    "legend.frameon": False,
    "figure.dpi": SCREEN_DPI,
    "savefig.dpi": SCREEN_DPI * PIXEL_RATIO,
    "svg.hashsalt": "mscbook",  # fixed ids: identical SVGs from identical inputs
}


def new_figure(
    *frames: pd.DataFrame,
    width: float = MAX_WIDTH_IN,
    height: float = 3.5,
    nrows: int = 1,
    ncols: int = 1,
    height_ratios: list[float] | None = None,
):
    """A styled figure and its axes; the figure remembers the data files `frames` came from.

    `height_ratios` (one per row) sizes the rows of a figure with several panels. `width` is at
    most MAX_WIDTH_IN, so that the figure's labels stay legible on a phone."""
    if not 0 < width <= MAX_WIDTH_IN:
        raise ValueError(
            f"a figure {width:g} inches wide does not fit a phone's column: make it at most "
            f"{MAX_WIDTH_IN:g} inches wide (mscbook.style.MAX_WIDTH_IN) and taller if it needs room"
        )
    files = sorted({name for frame in frames for name in frame.attrs.get("data_files", ())})
    if not files:
        raise ValueError(
            "new_figure() needs the DataFrames the figure shows, loaded with mscbook.data.load(), "
            "so the figure can say which data files it came from"
        )
    with mpl.rc_context(RC):
        figure = Figure(figsize=(width, height), layout="constrained")
        axes = figure.subplots(nrows, ncols, height_ratios=height_ratios)
    figure.mscbook_data_files = tuple(files)
    return figure, axes


def data_files(figure: Figure) -> tuple[str, ...]:
    return getattr(figure, "mscbook_data_files", ())


#: Colours kept in a figure's PNG. Book figures are flat colours, lines and anti-aliased text,
#: which a 256-colour palette reproduces without visible change at about a third of the bytes
#: of full RGBA (every page must stay within 1.5 MB; see benchmarks/page_weight.py).
PNG_COLOURS = 256


def png_bytes(figure: Figure) -> bytes:
    """Render at 2x as a 256-colour PNG with fixed metadata (no timestamp), so equal inputs give
    equal bytes; the data files behind the figure travel in the PNG's text chunk."""
    from PIL import Image, PngImagePlugin

    rendered = io.BytesIO()
    with mpl.rc_context(RC):
        # compress_level 0: this PNG is decoded at once, so compressing it is wasted work
        figure.savefig(
            rendered, format="png", metadata={"Software": None}, pil_kwargs={"compress_level": 0}
        )
    rendered.seek(0)
    with Image.open(rendered) as image:
        palette = image.convert("RGB").quantize(
            colors=PNG_COLOURS, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE
        )
    info = PngImagePlugin.PngInfo()
    if data_files(figure):
        info.add_text(PROVENANCE_KEY, ";".join(data_files(figure)))
    smallest = smallest_text_pt(figure)  # after savefig: tick labels exist once drawn
    if smallest is not None:
        info.add_text(SMALLEST_TEXT_KEY, f"{smallest:g}")
    buffer = io.BytesIO()
    palette.save(buffer, format="png", pnginfo=info, compress_level=6)
    return buffer.getvalue()


def smallest_text_pt(figure: Figure) -> float | None:
    """The font size (points) of the smallest text the figure draws, or None if it has none."""
    from matplotlib.text import Text

    sizes = [
        text.get_fontsize()
        for text in figure.findobj(Text)
        if text.get_visible() and text.get_text().strip() and text.get_alpha() != 0
    ]
    return min(sizes) if sizes else None


def _png_for_notebook(figure: Figure):
    """The PNG and its display width in CSS pixels (half its pixel width: sharp on 2x screens).

    Width only: myst-nb writes the metadata as an inline `width: ...px; height: ...px` style, and a
    fixed height stays put when a phone's column shrinks the width (figures came out squashed
    to 0.4-0.65 of their aspect ratio at 390 px). With the width alone the browser scales the
    height with it, and JupyterLab does the same."""
    data = png_bytes(figure)
    width = figure.get_size_inches()[0] * SCREEN_DPI
    return data, {"width": int(round(width))}


def use() -> None:
    """Apply the book style and show `Figure` objects as provenance-stamped 2x PNGs."""
    mpl.rcParams.update(RC)
    pd.set_option("display.max_colwidth", None)  # tables show whole sentences, not "..."
    pd.set_option("display.max_rows", 200)  # and every row of a chapter's table
    from IPython import get_ipython

    shell = get_ipython()
    if shell is None:
        return
    formatter = shell.display_formatter.formatters["image/png"]
    formatter.for_type(Figure, _png_for_notebook)
    # Without this, IPython would also offer the default text repr "<Figure size ...>".
    shell.display_formatter.formatters["text/plain"].for_type(
        Figure, lambda figure, printer, cycle: printer.text("[figure]")
    )


def wrap(text: str, width: int) -> str:
    """`text` with each of its lines wrapped at `width` characters (a figure's long labels, so a
    narrow figure grows taller instead of squeezing its data)."""
    return "\n".join(textwrap.fill(line, width) or line for line in text.split("\n"))


#: Row charts whose labels are long (outcomes, approvals) put each label above its row, across
#: the whole figure, instead of in a column that leaves the data a sliver on a phone. Heights in
#: such a chart count lines of SMALL_TEXT_PT text: LINE_IN inches each (1.2 line spacing, and
#: a little air); below its label a row has TRACK_LINES for its marks, MARKS_BELOW_LABEL down.
LINE_IN = 0.16
TRACK_LINES = 1.6
MARKS_BELOW_LABEL = 0.55


def rows_below_labels(labels: Iterable[str]) -> tuple[list[float], list[float], float]:
    """For row labels in top-to-bottom order: the y of each label's top, the y of its row's
    marks, and the height of all rows, in lines (y grows upwards, as on an axis)."""
    lines = [str(label).count("\n") + 1 for label in labels]
    total = sum(lines) + TRACK_LINES * len(lines)
    tops = [total - sum(lines[:i]) - TRACK_LINES * i for i in range(len(lines))]
    marks = [top - n - MARKS_BELOW_LABEL for top, n in zip(tops, lines, strict=True)]
    return tops, marks, total


def label_rows_above(axes, labels: Iterable[str], tops: Iterable[float], total: float) -> None:
    """Write each label at the left of `axes`, its top at `tops` (from `rows_below_labels`), on
    a white ground so that a reference line behind it does not cross the words; the y axis then
    has no ticks (the labels name the rows). Each label's gid is "row-label"."""
    for label, top in zip(labels, tops, strict=True):
        axes.text(
            0, top, label, transform=axes.get_yaxis_transform(), va="top", ha="left",
            fontsize=SMALL_TEXT_PT, gid="row-label", zorder=4,
            bbox={"facecolor": "white", "edgecolor": "none", "pad": 0.5},
        )  # fmt: skip
    axes.set_yticks([])
    axes.spines["left"].set_visible(False)
    axes.set_ylim(0, total)


def label_list(items: Iterable[str]) -> str:
    """'a, b and c' for figure annotations and messages."""
    items = list(items)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]
