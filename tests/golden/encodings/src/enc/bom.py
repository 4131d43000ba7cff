"""A UTF-8 byte order mark is ignored."""
BOM = True
