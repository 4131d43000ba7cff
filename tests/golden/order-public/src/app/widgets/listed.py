"""A module with a literal __all__ (DESIGN 2.3)."""

__all__ = ["Widget", "make_widget", "_internal_but_listed"]
__all__ += ("DEFAULT",)
__all__.extend(["Zeta"])

DEFAULT = 1
UNLISTED = 2


def make_widget(): ...


def _internal_but_listed(): ...


def helper(): ...


class Widget:
    """Public: listed."""

    color = "red"
    _shade = "dark"

    def __init__(self): ...

    def __repr__(self): ...

    def _draw(self): ...

    def __private_mangled(self): ...

    class Part:
        size = 1

    class _Secret:
        key = 1


class Zeta: ...


class Gadget:
    """Not listed: private, and so are its members."""

    def run(self): ...
