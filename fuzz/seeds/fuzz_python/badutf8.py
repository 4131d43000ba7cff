"""Bad ÿş bytes."""
C = "Ã"
def k(x="ÿ"): pass
