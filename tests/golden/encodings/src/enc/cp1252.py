#!/usr/bin/env python
# vim: set fileencoding=cp1252 :
"""“Smart quotes” and € (cp1252 on line 2)."""
PRICE: "€" = 1
