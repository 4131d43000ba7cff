"""Plain UTF-8: naïve café, 日本語, emoji 🙂."""


def grüße(名前: str) -> str: ...
