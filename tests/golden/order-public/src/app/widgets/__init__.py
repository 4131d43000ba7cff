from .listed import *
from .plain import *

# A computed __all__ in __init__.py: no Exports block.
__all__ = listed.__all__ + plain.__all__
