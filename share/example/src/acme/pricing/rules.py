"""Pricing rules applied to a basket."""

from __future__ import annotations

import abc
from decimal import Decimal
from typing import Iterable, Protocol

ROUNDING = Decimal("0.01")
_registry: dict[str, type["Rule"]] = {}


class Priced(Protocol):
    price_cents: int


class Rule(abc.ABC):
    """A rule turns a subtotal into a new subtotal."""

    name: str = "rule"

    def __init_subclass__(cls, **kwargs) -> None:
        super().__init_subclass__(**kwargs)
        _registry[cls.name] = cls

    @abc.abstractmethod
    def apply(self, subtotal: Decimal, items: Iterable[Priced]) -> Decimal:
        """Apply the rule."""

    @classmethod
    def named(cls, name: str) -> type["Rule"]:
        """Look a rule up by name."""
        return _registry[name]


class Minimum(Rule):
    """Never charge less than a floor."""

    name = "minimum"

    def __init__(self, floor: Decimal = Decimal("1.00")) -> None:
        self.floor = floor

    def apply(self, subtotal: Decimal, items: Iterable[Priced]) -> Decimal:
        return max(subtotal, self.floor)


def subtotal(items: Iterable[Priced], /, *, currency: str = "EUR") -> Decimal:
    """Sum the items' prices."""
    total = sum((Decimal(i.price_cents) for i in items), Decimal(0))
    return (total / 100).quantize(ROUNDING)


def apply_all(items: list[Priced], rules: list[Rule]) -> Decimal:
    """Apply every rule in order."""
    amount = subtotal(items)
    for rule in rules:
        amount = rule.apply(amount, items)
    return amount
