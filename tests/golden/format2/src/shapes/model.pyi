"""Stub of the shape model."""

import enum

class Color(enum.Enum):
    RED: int
    GREEN: int
    BLUE: int

class Point:
    y: float
    x: float
    def __init__(self, y: float, x: float = ...) -> None: ...

class Circle[T: (int, float)]:
    kind: str
    def __init__(self, center: Point, radius: T = ..., /) -> None: ...
    @property
    def area(self) -> float: ...
