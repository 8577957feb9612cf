"""Interactive widgets. Each module has a pure `model` function (tested) and a thin
`make_widget()` that wires ipywidgets to it and shows errors as messages, never tracebacks."""
