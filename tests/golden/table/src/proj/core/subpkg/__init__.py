"""A subpackage: its files are not part of proj.core."""
