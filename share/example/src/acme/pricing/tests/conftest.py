"""Fixtures for the pricing tests."""

import pytest


class FakeItem:
    def __init__(self, price_cents: int) -> None:
        self.price_cents = price_cents


@pytest.fixture
def basket() -> list[FakeItem]:
    return [FakeItem(250), FakeItem(1000)]
