"""Command-line commands of the HTTP service (``serve``, ``keys``), registered by cli.py."""

from __future__ import annotations

import argparse
from typing import Any


def register(commands: argparse._SubParsersAction[Any]) -> None:
    """Add the service's subcommands to the ``screening-api`` parser."""
