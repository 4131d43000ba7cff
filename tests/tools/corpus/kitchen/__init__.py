"""Kitchen: a package with everything."""
from .sink.basin import Basin

__all__ = ["Basin", "tap"]
__all__ += ("drain",)
__all__.extend(["Basin"])
