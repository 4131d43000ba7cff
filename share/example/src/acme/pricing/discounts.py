"""Percentage and voucher discounts."""

from decimal import Decimal
from typing import Iterable

from .rules import Priced, Rule


class Percentage(Rule):
    """Take a percentage off."""

    name = "percentage"

    def __init__(self, percent: int) -> None:
        if not 0 <= percent <= 100:
            raise ValueError("percent out of range")
        self.percent = percent

    def apply(self, subtotal: Decimal, items: Iterable[Priced]) -> Decimal:
        return subtotal * (100 - self.percent) / 100


class Voucher(Rule):
    """A fixed amount off, once."""

    name = "voucher"

    def __init__(self, code: str, amount: Decimal) -> None:
        self.code = code
        self.amount = amount
        self._used = False

    def apply(self, subtotal: Decimal, items: Iterable[Priced]) -> Decimal:
        if self._used:
            return subtotal
        self._used = True
        return max(subtotal - self.amount, Decimal(0))


async def fetch_campaign(code: str, *, timeout: float = 2.0) -> Percentage | None:
    """Look a campaign up in the marketing service."""
    return None
