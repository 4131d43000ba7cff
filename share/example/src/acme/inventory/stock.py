"""Quantities on hand."""

from collections import Counter

from .items import Item, Sku


class OutOfStock(Exception):
    """Raised when a reservation exceeds what is on hand."""

    def __init__(self, sku: Sku, wanted: int, available: int) -> None:
        super().__init__(f"{sku}: wanted {wanted}, have {available}")
        self.sku = sku


class Stock:
    """Quantities per SKU."""

    def __init__(self) -> None:
        self._on_hand: Counter[Sku] = Counter()

    def add(self, item: Item, quantity: int = 1) -> None:
        """Receive goods."""
        self._on_hand[item.sku] += quantity

    def reserve(self, sku: Sku, quantity: int) -> int:
        """Take goods out; returns what is left."""
        available = self._on_hand[sku]
        if quantity > available:
            raise OutOfStock(sku, quantity, available)
        self._on_hand[sku] -= quantity
        return self._on_hand[sku]

    def __contains__(self, sku: object) -> bool:
        return self._on_hand.get(sku, 0) > 0  # type: ignore[arg-type]

    def _audit(self) -> list[tuple[Sku, int]]:
        return sorted(self._on_hand.items())
