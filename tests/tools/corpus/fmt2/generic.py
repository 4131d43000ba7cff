"""PEP 695 (Python 3.12)."""

type Simple = int
type Rows[T] = list[tuple[str, T]]
type Many[T: (int, str), *Ts, **P] = Callable[P, tuple[T, *Ts]]
type Wrapped[
    T,
] = list[T]


def first[T: Sequence[int]](items: T) -> T:
    return items


async def gather[*Ts](*args: *Ts) -> tuple[*Ts]:
    pass


class Box[T](Generic):
    """A box."""

    type Inner = list[T]

    def get[S](self, s: S) -> T | S:
        pass
