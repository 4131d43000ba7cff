"""Apply API edits to a copy of Django's django/utils, for the griffe comparison.

Test helper only (tests/e2e/t1960-diff-griffe.sh): each edit is an exact
text replacement that must match once, so that a different Django fails
loudly instead of silently testing less. Usage: django-api-edits.py ROOT
(the directory holding django/).
"""
import os
import sys

EDITS = [
    # parameter added as required
    ("django/utils/text.py", "def wrap(text, width):", "def wrap(text, width, indent):"),
    # parameter default changed
    ("django/utils/text.py", "def slugify(value, allow_unicode=False):",
     "def slugify(value, allow_unicode=True):"),
    # public function removed (renamed: removed + added)
    ("django/utils/text.py", "def get_valid_filename(name):", "def get_valid_file_name(name):"),
    # parameter made required
    ("django/utils/text.py", "    def chars(self, num, truncate=None, html=False):",
     "    def chars(self, num, truncate, html=False):"),
    # def -> async def (griffe does not look; git spec diff does)
    ("django/utils/text.py", "def normalize_newlines(text):", "async def normalize_newlines(text):"),
    # parameter removed
    ("django/utils/datastructures.py", "    def getlist(self, key, default=None):",
     "    def getlist(self, key):"),
    # method removed
    ("django/utils/datastructures.py", "    def setlistdefault(self, key, default_list=None):",
     "    def _setlistdefault(self, key, default_list=None):"),
    # base class removed
    ("django/utils/datastructures.py", "class MultiValueDictKeyError(KeyError):",
     "class MultiValueDictKeyError:"),
    # positional parameters moved
    ("django/utils/dateformat.py", "def format(value, format_string):",
     "def format(format_string, value):"),
    # positional-or-keyword made positional-only
    ("django/utils/html.py", "def escape(text):", "def escape(text, /):"),
]

REMOVED = ["django/utils/baseconv.py"]


def main():
    root = sys.argv[1]
    for path, old, new in EDITS:
        full = os.path.join(root, path)
        with open(full, encoding="utf-8") as f:
            text = f.read()
        if text.count(old) != 1:
            sys.exit(f"{path}: expected exactly one {old!r}, found {text.count(old)}")
        with open(full, "w", encoding="utf-8") as f:
            f.write(text.replace(old, new))
    for path in REMOVED:
        os.remove(os.path.join(root, path))


if __name__ == "__main__":
    main()
