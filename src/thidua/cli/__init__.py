"""The ``thidua`` command."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from domain.errors import DomainError
from thidua.cli import audit, data, processes, projections, store
from thidua.cli.common import UsageError
from thidua.logging import configure_logging
from thidua.settings import Settings

__all__ = ["UsageError", "build_parser", "main"]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="thidua", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    for group in (processes, projections, store, audit, data):
        group.add_parsers(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    settings = Settings()
    configure_logging(settings)
    try:
        return int(args.handler(settings, args))
    except (UsageError, DomainError) as error:
        print(f"thidua: {error}", file=sys.stderr)
        return 2
