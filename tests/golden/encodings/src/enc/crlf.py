"""CRLF line endings are read as LF.

Second line.
"""

def joined(
    first: int,
    second: int = 2,
) -> tuple[
    int,
    int,
]:
    """Lines join."""
