"""The ``thidua`` command."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

import structlog

from thidua.bootstrap import build_service
from thidua.logging import configure_logging
from thidua.settings import Settings


def _demo(settings: Settings, _: argparse.Namespace) -> int:
    from thidua.demo import run_demo

    service = build_service(settings)
    log = structlog.get_logger()
    log.info("demo.start", store=settings.store, data_dir=str(settings.data_dir))
    try:
        return run_demo(service, settings.units_file, sys.stdout)
    finally:
        service.close()


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="thidua", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    demo = commands.add_parser(
        "demo", help="take sample nominations through their lifecycle and print the outcomes"
    )
    demo.set_defaults(handler=_demo)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    settings = Settings()
    configure_logging(settings)
    return int(args.handler(settings, args))


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
