# -*- coding: latin-1 -*-
"""Café au lait (PEP 263, latin-1)."""
NAME: "é" = "é"


def café(crème: str = "brûlée") -> "Ç": ...
