"""mscbook.glue emits exactly what myst_nb.glue emits, and the built page shows glued values."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from IPython.core.interactiveshell import InteractiveShell
from IPython.utils.capture import capture_output

from mscbook import exercises
from mscbook.glue import GLUE_PREFIX, glue, glue_value

VALUES = [
    ("a-float", 95.0),
    ("an-int", 3),
    ("a-text", "CD73, CD90 and CD105"),
    ("a-frame", pd.DataFrame({"marker": ["CD73"], "threshold": [95.0]})),
    ("none", None),
]


def _outputs(function, name, value, display):
    InteractiveShell.instance()  # format_display_data uses the running shell's formatters
    with capture_output() as captured:
        function(name, value, display=display)
    return [(output.data, output.metadata) for output in captured.outputs]


@pytest.mark.parametrize("display", [False, True])
@pytest.mark.parametrize(("name", "value"), VALUES, ids=[name for name, _ in VALUES])
def test_same_output_as_myst_nb(name, value, display):
    from myst_nb import glue as myst_nb_glue

    ours = _outputs(glue, name, value, display)
    assert ours == _outputs(myst_nb_glue, name, value, display)
    assert ours  # one display output, named for myst-nb
    data, metadata = ours[0]
    assert metadata["scrapbook"] == {"name": name, "mime_prefix": "" if display else GLUE_PREFIX}
    assert all(key.startswith(GLUE_PREFIX) != display for key in data)


def test_a_glued_value_is_hidden_and_a_numpy_number_becomes_a_python_number():
    InteractiveShell.instance()
    with capture_output() as captured:
        glue_value("n-trials", np.int64(7))
        glue_value("share", np.float64(0.25))
    texts = [output.data[GLUE_PREFIX + "text/plain"] for output in captured.outputs]
    assert texts == ["7", "0.25"]
    assert [output.metadata["scrapbook"]["mime_prefix"] for output in captured.outputs] == [
        GLUE_PREFIX,
        GLUE_PREFIX,
    ]


def test_the_prefix_is_myst_nbs():
    from myst_nb.ext.glue import GLUE_PREFIX as MYST_NB_PREFIX

    assert GLUE_PREFIX == MYST_NB_PREFIX


def test_a_chapter_kernel_does_not_import_myst_nb():
    code = (
        "import sys; from mscbook import data, style; from mscbook.glue import glue; "
        "from mscbook import exercises; print('myst_nb' in sys.modules, 'sphinx' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.split() == ["False", "False"]


def test_exercise_badges_are_glued_into_the_built_titles(built_html: Path):
    page = (built_html / "chapters/biology/what-is-an-msc.html").read_text(encoding="utf-8")
    text = re.sub(r"<[^>]+>", "", page)
    table = exercises.metadata().query("chapter == 'chapters/biology/what-is-an-msc'")
    assert len(table) > 0
    for row in table.to_dict("records"):
        assert exercises.badge(row) in text, row["label"]
