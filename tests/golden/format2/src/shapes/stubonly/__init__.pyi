"""A sub-package marked by its stub alone: not a file of shapes."""
X: int
