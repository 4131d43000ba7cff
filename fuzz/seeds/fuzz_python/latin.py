# -*- coding: latin-1 -*-
"""Café crème."""
NAME = "été"
def f(x="à"): pass
