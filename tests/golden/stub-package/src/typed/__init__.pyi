"""A package that has only stubs."""

from .api import Client

__all__ = ["Client", "connect"]

def connect(url: str, *, timeout: float = ...) -> Client: ...
