"""Formatters for change records.

Each formatter turns one record into text.
"""

from __future__ import annotations

from abc import ABCMeta, abstractmethod
from dataclasses import dataclass

from .base import BaseFormatter, Change

__all__ = ["ChangeFormatter", "format_change", "DEFAULT_WIDTH"]

DEFAULT_WIDTH: int = 80
_CACHE: dict = {}


def format_change(change: Change, *, verbose: bool = False) -> str:
    """Render one change as text."""
    return ChangeFormatter().render(change)


def _helper(x):
    return x


@dataclass(frozen=True)
class ChangeFormatter(BaseFormatter, metaclass=ABCMeta):
    """Renders changes."""

    width: int

    def __init__(self, width: int = 80) -> None:
        self.width = width

    @property
    def name(self) -> str:
        return "change"

    @abstractmethod
    def render(self, change: Change) -> str:
        """Render one change."""

    def _private(self):
        pass
