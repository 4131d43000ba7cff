"""Orders: from a basket to a shipment."""

__all__ = ["Order", "OrderStatus", "place_order"]

from .models import Order, OrderStatus
from .service import place_order
