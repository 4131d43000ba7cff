"""A non-literal __all__ assignment: back to the underscore rule."""

__all__ = ["listed_only"]
__all__ += [name for name in dir() if name.islower()]

listed_only = 1
not_listed = 2
_private = 3
