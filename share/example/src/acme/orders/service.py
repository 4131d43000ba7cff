"""Placing orders."""

from datetime import datetime, timezone

from acme.inventory import Stock

from .models import Order, OrderStatus

_next_number = 1000


def place_order(stock: Stock, lines: list[tuple[str, int]], *, now: datetime | None = None) -> Order:
    """Reserve stock for every line and record the order."""
    global _next_number
    for sku, quantity in lines:
        stock.reserve(sku, quantity)
    _next_number += 1
    return Order(_next_number, list(lines), OrderStatus.NEW, now or datetime.now(timezone.utc))


def _renumber(start: int) -> None:
    global _next_number
    _next_number = start
