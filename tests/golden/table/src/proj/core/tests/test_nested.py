"""Tests in a plain subdirectory."""


class TestNested:
    def test_it(self):
        pass
