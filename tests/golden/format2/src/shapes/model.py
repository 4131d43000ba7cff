"""The shape model.

Details here.
"""

import enum
import sys
from dataclasses import dataclass, field

UNITS = {"mm": 0.001, "cm": 0.01, "m": 1.0, "km": 1000.0, "in": 0.0254, "ft": 0.3048, "yd": 0.9144, "mi": 1609.344}

SEP = """a
b"""

if sys.version_info >= (3, 12):
    type Pair[T] = tuple[T, T]
    try:
        import numpy
    except ImportError:
        HAVE_NUMPY = False
    else:
        HAVE_NUMPY = True
        for _name in ("float32",):
            def converter[N: numpy.number](value: N) -> float:
                return float(value)
        else:
            LOOPED = True
else:
    Pair = tuple

match sys.platform:
    case "win32":
        SEPARATOR = "\\"
    case _:
        SEPARATOR = "/"
        while False:
            def never(): pass
        else:
            WHILE_ELSE = 1


class Color(enum.Enum):
    """Colors, in value order."""

    RED = 1
    GREEN = 2
    BLUE = 3


@dataclass(frozen=True)
class Point:
    y: float
    x: float = 0.0
    tags: list[str] = field(default_factory=list)


class Circle[T: (int, float)]:
    """A circle.

    Second paragraph.
    """

    kind = "circle"

    def __init__(self, center: Point, radius: T = 1, /) -> None:
        self.center = center
        self.radius: T = radius
        self.radius = 2 * radius
        self.area = 0
        self.cache = {
            "unit": "m",
            "precision": 3,
            "method": "monte-carlo",
            "samples": 10_000,
            "seed": 42,
        }
        self._hidden = True
        self.kind = "overridden"
        if radius:
            self.big, self.small = radius > 10, radius < 1
        with open("/dev/null") as handle:
            self.handle = handle

        def helper():
            self.not_an_attribute = 1

    @property
    def area(self) -> float:
        return 3.14 * self.radius**2

    def scale[U](self, factor: U) -> "Circle[T]":
        return self

    class Style:
        def __init__(this):
            this.stroke = "black"
