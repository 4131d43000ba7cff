"Concatenated " "docstring."


def one():
    '''

    '''


def two():
    """   \t  """
    """second"""


def three():
    u"""Unicode prefix é and   tabs	here."""


def four():
    R"""Raw \d+ summary."""


class Five:
    ("parenthesised docstring")


def six(): "inline docstring"
