"""Invalid UTF-8: ÿþ and a lone Ã byte."""
ODD: "été" = 1


def f(x="€"): ...
