"""Formatters for the command line."""

from .change_formatters import ChangeFormatter, format_change

__all__ = [
    "format_change",
    "ChangeFormatter",
]
