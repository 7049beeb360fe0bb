"""The ``screening-api`` command line: check, test and document rules; screen; serve."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from screening_api import __version__
from screening_api.api.commands import register as register_api_commands

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="screening-api", description=__doc__)
    parser.add_argument("--version", action="version", version=f"screening-api {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)
    register_api_commands(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    result: int = args.func(args)
    return result


if __name__ == "__main__":
    sys.exit(main())
