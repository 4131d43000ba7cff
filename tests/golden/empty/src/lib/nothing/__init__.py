"""Only an __init__.py."""
from os import path
