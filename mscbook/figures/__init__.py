"""Figure functions, one module per part of the book. Each takes DataFrames, returns a Figure."""
