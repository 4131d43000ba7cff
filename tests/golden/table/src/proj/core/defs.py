# A comment before the docstring.
'''
   Every row of the extraction table (DESIGN 2.1).

   Only the first non-blank line is the summary.
'''
from __future__ import annotations

import functools
from typing import Literal, overload

# Variables: plain, annotated, annotation only, tuple/list targets, chains.
CONSTANT = 1
LIMIT: int = 10
pending: list[str]
first, (second, *rest) = [third, fourth] = 1, (2, 3), 4
alpha = beta = gamma = None
MODE: Literal[
    "read",
    "write",  # trailing comma dropped: a line break precedes the bracket
] = "read"
SINGLE: tuple[int,] = (1,)
counter = 0
counter += 1          # augmented: not a new definition
obj.attr = 2          # attribute target: not a definition
table["k"] = 3        # subscript target: not a definition

# Type aliases (Python 3.12).
type Alias = dict[str, "Model"]
type Pair[T] = tuple[T, T]

# Definitions inside if/elif/else, try/except/else/finally and with blocks.
if functools:
    def fetch(url: str, *, timeout: float = 1.0) -> bytes:
        """Fetch a URL."""
elif LIMIT:
    def fetch(url, timeout=None):
        "Fallback fetch."
else:
    fetch = None

try:
    import json
except ImportError:  # pragma: no cover
    json = None
else:
    HAVE_JSON = True
finally:
    CLEANUP = "done"

with open(__file__) as handle:
    FROM_WITH = 1

try:
    pass
except* ValueError:
    FROM_GROUP = 1


def outer(a, b=2, /, c: int = 3, *args: str, d, e: bool = False, **kw: object) -> None:
    """Functions: every parameter kind."""
    inner_variable = 1

    def inner():
        pass

    class Local:
        pass


async def stream(
    source: "Iterable[bytes]",  # comment inside the parameters
    chunk: int = 1024 * \
        4,
) -> "AsyncIterator[bytes]":
    f"""An f-string is not a docstring {source}."""


def keywords(*, only): ...


def positional(x, y, /): ...


@overload
def conv(x: int) -> int: ...
@overload
def conv(x: str) -> str: ...
def conv(x):
    b"""A bytes literal is not a docstring."""
    return x


class Base: ...


@functools.total_ordering
class Model(Base, metaclass=type):
    """A class with every kind of member."""

    name: str
    size: int = 0
    x, y = 0, 0
    _secret = "s"
    __slots__ = ()

    if LIMIT:
        def conditional(self): ...

    def __init__(self, name: str) -> None:
        self.name = name          # instance attributes are not extracted

    async def load(self) -> None:
        """Load the model."""

    @property
    def title(self) -> str:
        return self.name

    @title.setter
    def title(self, value: str) -> None: ...

    @title.deleter
    def title(self): ...

    @functools.cached_property
    def cached(self) -> int: ...

    @cached_property
    def cached2(self) -> int: ...

    @classmethod
    def create(cls, name: str) -> "Model": ...

    @classmethod
    async def acreate(cls) -> "Model": ...

    @staticmethod
    def helper(*values: int) -> int: ...

    @functools.wraps(helper)
    @staticmethod
    def wrapped(): ...

    def _private(self): ...

    class Meta:
        """Nested class."""

        ordering = ["name"]

        class Deeper:
            level: int = 3

    class _Hidden:
        visible_in_all = True


class Empty():
    pass


def joiner(sep: str = """
""", *parts: str) -> str:
    """A line break inside a string literal stays in the model."""
