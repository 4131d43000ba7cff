"""tree-sitter inserts a MISSING ')' here."""


class Broken(Base:
    pass
