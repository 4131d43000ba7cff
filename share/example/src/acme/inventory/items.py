"""Catalogue items and their stock keeping units."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NewType

Sku = NewType("Sku", str)

MAX_NAME_LENGTH: int = 80


@dataclass(frozen=True)
class Item:
    """One thing the shop sells."""

    sku: Sku
    name: str
    price_cents: int
    tags: frozenset[str] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        if len(self.name) > MAX_NAME_LENGTH:
            raise ValueError("name too long")

    @property
    def price(self) -> float:
        """The price in currency units."""
        return self.price_cents / 100

    def with_tags(self, *tags: str) -> "Item":
        """A copy of the item with more tags."""
        return Item(self.sku, self.name, self.price_cents, self.tags | frozenset(tags))


def parse_sku(text: str) -> Sku:
    """Validate and normalise a SKU."""
    text = text.strip().upper()
    if not text:
        raise ValueError("empty SKU")
    return Sku(text)
