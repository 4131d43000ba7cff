"""Prices, rules and discounts."""
