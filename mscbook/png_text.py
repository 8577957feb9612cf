"""The PNG text keys that `mscbook.style` writes into every figure and the build reads back.

Kept apart from `mscbook.style` (which imports Matplotlib, about 0.5 s) so that the build's
figure audit and page checks can read a PNG without importing a plotting library.
"""

#: The data files behind a figure.
PROVENANCE_KEY = "mscbook:data_files"
#: The size of the figure's smallest text, in points: the build keeps a figure wide enough on a
#: phone for that text to stay legible (mscbook.build.offline).
SMALLEST_TEXT_KEY = "mscbook:smallest_text_pt"
