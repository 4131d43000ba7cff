__all__ = ["NAME", "café"]
