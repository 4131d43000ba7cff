"""Models.

Second paragraph of the module docstring.

Third paragraph.
"""
import enum
from dataclasses import dataclass, field

TABLE = {"alpha": 1, "beta": 2, "gamma": 3, "delta": 4, "epsilon": 5, "zeta": 6, "eta": 7}
SHORT = {"a": 1}
EXACT80 = "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
EXACT81 = "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
UNICODE = "ééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééé"
MULTI = """first
second"""
WRAPPED = (
    "one "  # comment
    "two"
)
CHOICES = Literal[
    "a",
    "b",
]
ONE = (1,)
ONE_NL = (1,
)
a = b = [1, 2]
c, d = 1, 2
first, *rest = range(3)
UNANNOTATED: "Model"
BACKTICK = "`"
n = 1
n += 1

for _i in range(2):
    LOOPED = _i

    def in_for():
        pass
else:
    def in_for_else():
        pass

while False:
    def in_while():
        pass

match 1:
    case 1:
        def in_match(): pass
    case _:
        CASE_VAR = 2

with open(__file__) as _f:
    def in_with():
        pass

try:
    import json
except ImportError:
    def in_except(): pass
finally:
    FINAL = 1


def long_doc():
    """This summary is far too long to be kept whole, so it is cut at one hundred and sixty characters, which this sentence reaches only because it goes on and on and on and on."""


def para_doc():
    """First line
    continues here.

    Second paragraph."""


def blank_first():
    """

    Starts after blank lines.
    """


@decorate("""a
b""")
def deco_string(x="""multi
line""") -> "A`B":
    pass


@dataclass(frozen=True)
class Model:
    """A model."""

    z: int
    a: str = "a"
    m: list[int] = field(default_factory=list)
    if True:
        cond: int = 1
    k = 3

    def __init__(self):
        self.z = 1
        self.extra = 2

    class Meta:
        ordering = ["z"]
        abstract = True


class Color(enum.Enum):
    RED = 1
    GREEN = 2
    BLUE = "blue"


class Shape:
    for _k in range(2):
        def loop_method(self):
            pass
    with ctx():
        W = 1
