"""Tests of the pricing rules."""

from decimal import Decimal

import pytest

from acme.pricing.discounts import Percentage, Voucher
from acme.pricing.rules import Minimum, apply_all, subtotal


def test_subtotal(basket):
    assert subtotal(basket) == Decimal("12.50")


def test_minimum(basket):
    assert Minimum(Decimal("20")).apply(Decimal("12.50"), basket) == Decimal("20")


@pytest.mark.parametrize("percent,expected", [(0, "12.50"), (10, "11.25")])
def test_percentage(basket, percent, expected):
    assert apply_all(basket, [Percentage(percent)]) == Decimal(expected)


class TestVoucher:
    def test_used_once(self, basket):
        v = Voucher("HELLO", Decimal("5"))
        assert v.apply(Decimal("10"), basket) == Decimal("5")
        assert v.apply(Decimal("10"), basket) == Decimal("10")
