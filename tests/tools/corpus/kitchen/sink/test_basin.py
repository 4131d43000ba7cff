"""Tests of the basin."""
import pytest


@pytest.fixture
def basin():
    return 1


def test_fill(basin):
    assert basin


class TestBasin:
    def test_size(self): pass
