"""The core package."""

from .defs import *  # noqa

__all__ = ("fetch", "Model", "CONSTANT")
__all__ += ["Alias"]
__all__.extend(["fetch", "Extra"])
