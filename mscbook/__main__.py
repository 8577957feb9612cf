import sys

from mscbook.build.jupyter_book import skip_slow_optional_imports

# The build's own process imports nbformat (jupyter-cache, the exports), and with it jsonschema:
# 1.7 s of CPU for a module nothing here uses (see mscbook.build.jupyter_book).
skip_slow_optional_imports()

from mscbook.cli import main  # noqa: E402

sys.exit(main())
