"""Format 2 cases for the cross-check.

Defined in __init__.py, so rendered as a file section.
"""

from .models import Model

__all__ = ["Model", "helper", "Config", "LIMIT"]
__all__ += ["Pair"]
__all__.append("Alias")
if True:
    __all__.extend(["Shape"])

LIMIT: int = 10


def helper(x, /, y=1, *args, z, **kw) -> None:
    """Help.

    More text.
    """


class Config:
    """Configuration."""

    debug = False

    def __init__(self, name: str, debug=False):
        self.name = name
        self.debug = debug          # also a class variable: not listed again
        self.name = "again"         # assigned twice: listed once
        self._secret = 1
        self.items: list[str] = []
        self.pending: int
        self.a, self.b = 1, 2
        self.c = self.d = None
        if name:
            self.maybe = True
        for _ in range(3):
            self.looped = 1
        try:
            self.tried = 1
        except Exception:
            self.failed = 2

        def inner(other):
            other.hidden = 1
            self.hidden_too = 1

        class Inner:
            def __init__(self):
                self.nested = 1

    @property
    def size(self):
        return 1

    def __init__(self, other=None):  # a second __init__
        self.size = 3               # a property of that name: not listed
        self.second = 1


class Pair(tuple):
    def __init__(me, a):
        me.left = a
        self.not_me = 1
