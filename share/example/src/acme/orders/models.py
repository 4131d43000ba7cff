"""The order record."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime


class OrderStatus(enum.Enum):
    """Where an order is in its life."""

    NEW = "new"
    PAID = "paid"
    SHIPPED = "shipped"
    CANCELLED = "cancelled"


@dataclass
class Order:
    """A customer's order."""

    number: int
    lines: list[tuple[str, int]] = field(default_factory=list)
    status: OrderStatus = OrderStatus.NEW
    placed_at: datetime | None = None

    class Line:
        """One line of an order."""

        sku: str
        quantity: int

    def total_quantity(self) -> int:
        """How many items in all."""
        return sum(q for _, q in self.lines)

    def cancel(self) -> None:
        """Cancel an order that has not shipped."""
        if self.status is OrderStatus.SHIPPED:
            raise ValueError("already shipped")
        self.status = OrderStatus.CANCELLED
