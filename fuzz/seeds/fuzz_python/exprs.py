import typing as t


def ticks(x: "a`b" = "``", y=f"{1!r:>{2}}") -> t.Literal["`"]:
    pass


def spaced(a = 1, b : int=2, * , c : "x" = ( 1 , 2 , ), d=[
    1,
    2,
], e={  }, f=(  ), g=lambda: (yield)) -> (
    int
):
    pass


def cont(a=1 + \
        2, b=[1,  # one
              2]):
    pass


def tuples(a=(1,), b=(1,
                      ), c=(
    1,
)):
    pass


def strings(a='it''s', b="""multi
line""", c=r'\n'):
    pass


class K(
    # comment
    t.Generic[t.T],  # another
    metaclass = type,
    **{"x": 1},
):
    pass


class Star(*bases):
    pass


class L((object)):
    pass


@ decorate . me ( 1 ,2 )
@(lambda f: f)
def decorated(): pass


def defaults(a, b=1, /, c=2, *, d, e=3, **kw): pass


def only_kw(*, a): pass


def posonly(a, /): pass


def varargs(*args: *t.Ts): pass


class Props:
    @property
    async def aprop(self): pass

    @abc.abstractproperty
    def old(self): pass

    @foo.bar.setter
    def deep(self, v): pass

    @property()
    def called(self): pass

    @cached_property
    def cp(self): pass

    @staticmethod
    @classmethod
    def both(): pass

    __all__ = ["not", "module", "level"]

    def __dunder__(self): pass

    def __x(self): pass
