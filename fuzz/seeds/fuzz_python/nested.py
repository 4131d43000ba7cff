class A:
    class B:
        @property
        def x(self) -> "B": ...

__all__ = ("A",)
__all__ += ["B"]
