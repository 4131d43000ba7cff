"""Stock keeping for the shop."""

from .items import Item, Sku
from .stock import Stock, OutOfStock

__all__ = ["Item", "Sku", "Stock", "OutOfStock"]
