b"""Bytes docstring."""
(a, b), c = (1, 2), 3
first, *rest = [1, 2, 3]
x = y = z = 0
X: int
X = 1
obj.attr = 2
items[0] = 3
(paren) = 4
type Alias = list[int]
type Generic[T] = dict[str, T]
