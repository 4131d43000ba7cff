#!/usr/bin/env python
# vim: set fileencoding=cp1252 :
"""Quote “this” €."""
def g(x="…"): pass
