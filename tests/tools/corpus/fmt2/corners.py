"""Corners DESIGN 2.1 leaves to judgement (see tests/tools/README.md)."""

__all__ = ["Corner", "Generic2", "LOOP_ALL", "matched"]
for _name in ("x",):
    __all__ += ["LOOP_ALL"]

LOOP_ALL = 1
NOT_LISTED = 2


def matched():
    pass


class Corner:
    Nested = None
    type Alias = int

    class Inner:
        pass

    def __init__(self, /, a, *rest):
        *self.star, self.last = a
        self.Nested = 1          # a variable of that name: not listed
        self.Alias = 2           # a type alias of that name
        self.Inner = 3           # a nested class of that name
        match a:
            case [x]:
                self.matched = x
            case _:
                self.other: "int" = (  # comment
                    1,
                )
        with open(a) as f:
            self.opened = f
        while False:
            self.looped = 1
        self.long = {"key_%d" % i: [i, i * 2, i * 3] for i in range(100) if i % 2 == 0 and i % 3 and "été"}

    for _k in range(1):
        class InLoop:
            pass


class Generic2[T: (int, str), *Ts, **P](metaclass=type):
    type Inner[U] = dict[U, T]

    def __init__(self):
        self.t: T


class NoInit:
    def __init__():
        self.nothing = 1


class StarInit:
    def __init__(*args):
        args[0].nothing = 1
