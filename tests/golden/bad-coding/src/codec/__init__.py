__all__ = ["ok"]
