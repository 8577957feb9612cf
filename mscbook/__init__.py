"""Library behind the MSC executable textbook: data, figures, widgets and build checks."""

__version__ = "0.1.0"
