"""Formatters for supekku records."""

from .change_formatters import ChangeFormatter, format_change

__all__ = [
    "format_change",
    "ChangeFormatter",
]
