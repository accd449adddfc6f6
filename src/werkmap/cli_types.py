"""The argument types of the ``werkmap`` command line: what a flag's text must be, with a clear error.

A bad value makes :mod:`argparse` exit with code 2 and the message on stderr, like any bad input.
"""

from __future__ import annotations

import argparse
import datetime as dt

__all__ = ["iso_date", "positive_int"]


def iso_date(text: str) -> dt.date:
    """Return the date ``YYYY-MM-DD`` in ``text``.

    Raises:
        argparse.ArgumentTypeError: ``text`` is not such a date.
    """
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date YYYY-MM-DD, got {text!r}") from None


def positive_int(text: str) -> int:
    """Return the whole number of at least 1 in ``text``.

    Raises:
        argparse.ArgumentTypeError: ``text`` is not a whole number, or is below 1.
    """
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected at least 1, got {value}")
    return value
