# -*- coding: utf-8 -*-
r'''  Basin   module	summary \n not decoded.

More text.
'''
import functools
from typing import Literal, overload

__all__ = ['Basin', 'tap', 'Later', '_hidden']

DEPTH: int = 3
WIDTH = HEIGHT = 10
a, b = 1, 2
[c, d] = 3, 4
MODE: Literal[
    "a",
    "b",  # a comment
] = "a"
counter = 0
counter += 1
VERSION: "str"


def tap(x: ( int ), /, y: dict[ str , int ] = { 'a' : 1 }, *args: int,
        z=( 1, ), **kw: "Any") -> list[ int ]:
    """
        Open   the	tap.
    """
    def inner():
        """not extracted"""
    return []


async def pour(*, amount: float = .5, into=None) -> None:
    f"""not a docstring {amount}"""


def _hidden(a, b=lambda x: x + 1, /):
    pass


@overload
def tap2(x: int) -> int: ...
@overload
def tap2(x: str) -> str: ...
def tap2(x):
    return x


if True:
    def conditional(): pass
else:
    def conditional(a): pass

try:
    import json
    FAST = True
except ImportError:
    FAST = False
finally:
    CLEAN = 1

with open(__file__) as fh:
    IN_WITH = 1

for i in range(3):
    NOT_A_DEF = i


@functools.total_ordering
class Basin(object, metaclass=type):
    '''The basin.'''
    size: int = 0
    _private = 1
    __slots__ = ()

    def __init__(self, size: int = 80) -> None:
        self.size = size

    @property
    def volume(self) -> float:
        """Volume in litres."""
        return 0.0

    @volume.setter
    def volume(self, v): pass

    @functools.cached_property
    def heavy(self): return 1

    @staticmethod
    def make(): return Basin()

    @classmethod
    def build(cls, *a, **k): return cls()

    async def fill(self): pass

    @other
    @classmethod
    def both(cls): pass

    def _secret(self): pass

    class Plug:
        """A plug."""
        tight = True

        def pull(self): pass

        class Chain:
            links: list[int]

    class _Internal:
        def visible(self): pass

    if True:
        COND_ATTR = 1


class Later(  # comment
    Basin,
):
    pass

