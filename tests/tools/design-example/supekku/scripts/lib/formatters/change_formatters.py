"""Formatters for change records.

Each formatter turns one record into text.
"""

from abc import ABCMeta, abstractmethod
from dataclasses import dataclass

DEFAULT_WIDTH: int = 80
_CACHE: dict = {}

type Rows[T] = list[tuple[str, T]]


def first[T: Change](changes: Sequence[T]) -> T | None:
    return changes[0] if changes else None


def format_change(change: Change, *, verbose: bool = False) -> str:
    """Render one change as text."""
    return ChangeFormatter().render(change)


@dataclass(frozen=True)
class ChangeFormatter(BaseFormatter, metaclass=ABCMeta):
    """Renders changes."""

    width: int = 80
    indent: str = "  "

    def __init__(self, width: int = 80) -> None:
        self.cache: dict[str, str]
        self.width = width

    @property
    def name(self) -> str:
        return "change"

    @abstractmethod
    def render(self, change: Change) -> str:
        """Render one change."""
