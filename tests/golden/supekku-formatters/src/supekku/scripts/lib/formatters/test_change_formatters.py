"""Tests for the change formatters."""

import pytest

from .change_formatters import ChangeFormatter, format_change


@pytest.fixture
def formatter():
    return ChangeFormatter(width=40)


def test_format_change(formatter):
    """format_change renders a change."""
    assert format_change(object())


class TestChangeFormatter:
    def test_name(self, formatter):
        assert formatter.name == "change"
