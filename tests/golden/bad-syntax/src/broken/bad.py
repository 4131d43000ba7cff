"""A syntax error on line 4."""


def oops(a, b:
    pass
