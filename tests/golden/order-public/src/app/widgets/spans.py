"""Code spans holding backticks get a longer fence."""

TICK: Literal["`"] = "`"
DOUBLE: Literal["``", "`"] = "``"


def quote(mark: str = "`", *, fence: str = "```") -> str: ...
