"""What only the build uses: executing chapters, the Sphinx extensions (figure audit, offline
site), browser assets, the student and assignment editions, generated pages and the cross-table
data checks.

Chapters never import this package, and the library layer (`data`, `style`, `figures`, `widgets`,
`checkers`, `exercises`) never imports it either; `tests/test_layout.py` enforces both.
"""
