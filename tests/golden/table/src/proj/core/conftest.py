"""Shared fixtures."""
import pytest


@pytest.fixture
def model():
    return None
