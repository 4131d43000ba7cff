"""In a plain subdirectory: part of fmt2."""
V = 1
