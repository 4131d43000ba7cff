"""Shapes and the tables that describe them.

This second paragraph is not part of the summary, even though it is
long enough to matter.

Nor is this third one.
"""

from .model import Circle, Color, Point

__all__ = ["Circle", "Color", "Point", "area"]
__all__ += ["VERSION"]

VERSION = "2.0"


def area[S: (Circle, Point)](shape: S, /, *, exact: bool = False) -> float:
    """Area of a shape."""
    return 0.0
