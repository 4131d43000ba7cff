"""No __all__: the underscore rule, and the contract order (DESIGN 2.2)."""

import os

# Groups and byte order: upper case, then '_', then lower case.
zeta = 1
_hidden = 2
Alpha = 3
beta = 4
__dunder__ = 5


class b: ...


class A: ...


def z(): ...


def _a(): ...


def B(): ...


type T = int

# Same names keep their source order.
try:
    def loads(data: bytes): ...
except ImportError:
    def loads(data: str): ...

if os.name == "nt":
    PATH_SEP = "\\"
else:
    PATH_SEP = "/"


class Members:
    class Inner:
        """Nested classes come after the members."""

    def method_b(self): ...

    VAR_B = 1

    @staticmethod
    def method_a(): ...

    var_a: int = 0

    class Another: ...
