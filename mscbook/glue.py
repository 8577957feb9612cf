"""`glue(name, value)`: put a value into the page (`{glue:text}` roles), without myst-nb.

`from myst_nb import glue` imports all of myst-nb (Sphinx, docutils, markdown-it: about 1.3 s in
every chapter kernel). What its glue does is small: format the value with IPython's display
formatters and emit a display output whose metadata names it for myst-nb, which the book build
later pastes wherever a `{glue}` role or directive refers to it. This is that function, with the
same output, byte for byte (tests/test_glue.py compares the two); it needs only IPython, which
every kernel has already imported.
"""

from __future__ import annotations

from typing import Any

#: myst-nb's prefix for the MIME types of a value that is glued but not displayed in place.
GLUE_PREFIX = "application/papermill.record/"


def glue(name: str, variable: Any, display: bool = True) -> None:
    """Glue `variable` under `name` (myst_nb.glue's signature and output).

    With `display=False` the value is stored for `{glue:text}` and friends but not shown where
    the cell is.
    """
    from IPython.core.formatters import format_display_data
    from IPython.display import display as ipy_display

    mimebundle, metadata = format_display_data(variable)
    mime_prefix = "" if display else GLUE_PREFIX
    metadata["scrapbook"] = dict(name=name, mime_prefix=mime_prefix)
    ipy_display({mime_prefix + k: v for k, v in mimebundle.items()}, raw=True, metadata=metadata)


def glue_value(name: str, value: Any) -> None:
    """Glue a number or text for the prose, not shown where the cell is.

    A numpy number (what a pandas lookup returns) becomes the plain Python number, so that
    `{glue:text}` prints `7` rather than `np.int64(7)`.
    """
    glue(name, value.item() if hasattr(value, "item") else value, display=False)
