"""The ``werkmap`` command line.

Exit codes: 0 ok; 2 bad input (every problem listed on stderr); 1 any other error.
Each subcommand is a function ``_cmd_<name>(args) -> int`` registered in :func:`build_parser`.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from werkmap._version import __version__
from werkmap.errors import InvalidInput, WerkmapError

__all__ = ["build_parser", "main"]

EXIT_OK = 0
EXIT_ERROR = 1
EXIT_BAD_INPUT = 2


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser with every subcommand."""
    parser = argparse.ArgumentParser(
        prog="werkmap",
        description="werkmap: Work Profiler, Personal Work Folder and the service model.",
    )
    parser.add_argument("--version", action="version", version=f"werkmap {__version__}")
    parser.add_subparsers(dest="command", metavar="COMMAND")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line with ``argv`` (default: ``sys.argv[1:]``) and return the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    handler = getattr(args, "handler", None)
    if handler is None:
        parser.print_help(sys.stderr)
        return EXIT_BAD_INPUT
    try:
        code: int = handler(args)
    except InvalidInput as exc:
        print(f"werkmap: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except WerkmapError as exc:
        print(f"werkmap: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except BrokenPipeError:
        return EXIT_OK
    return code
