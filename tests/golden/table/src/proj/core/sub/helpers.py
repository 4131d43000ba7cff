"""A plain subdirectory (no __init__.py) belongs to the package."""


def help_me() -> str:
    return "help"
