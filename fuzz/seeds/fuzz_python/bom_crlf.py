"""BOM file."""
A = 1
def f(a,
      b): pass
