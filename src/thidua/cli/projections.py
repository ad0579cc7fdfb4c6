"""The read models: follow the log, see where each reader is, rebuild a view."""

from __future__ import annotations

import argparse
import signal
import threading
from typing import Any

import structlog

from projections.runner import CATALOGUE, ProjectionRunner
from thidua.bootstrap import (
    build_runner,
)
from thidua.cli.common import (
    Subparsers,
    UsageError,
    open_service,
    progress_bar,
)
from thidua.settings import Settings


def _projections_run(settings: Settings, args: argparse.Namespace) -> int:
    log = structlog.get_logger()
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    unknown = [n for n in args.names if n not in CATALOGUE]
    if unknown:
        raise UsageError(f"name: {unknown[0]!r} is not one of {', '.join(CATALOGUE)}")
    with open_service(settings) as service:
        runner = build_runner(settings, service, args.names or None)
        reporter = threading.Thread(target=_report_lag, args=(runner, stop, log), daemon=True)
        reporter.start()
        log.info("projections.run", names=list(runner.projections))
        runner.run_forever(stop, poll_seconds=args.poll)
    return 0


def _report_lag(runner: ProjectionRunner, stop: threading.Event, log: Any) -> None:
    while not stop.wait(10):
        for lag in runner.lag():
            log.info("projection.lag", projection=lag.name, behind=lag.behind)


def _projections_status(settings: Settings, _: argparse.Namespace) -> int:
    """Each reader of the log: its position and lag, who holds its lease, the age of its
    holder's last committed step and how often a holder lost the lease. The relay keeps its
    place in the same table: signals for events after it are still to be sent."""
    with open_service(settings) as service:
        runner = build_runner(settings, service)
        print(
            f"{'reader':16} {'position':>10} {'behind':>10} {'step age':>9} {'losses':>7}  holder"
        )
        for r in runner.readers():
            age = "-" if r.step_age_seconds is None else f"{r.step_age_seconds:.1f}s"
            holder = (r.holder or "-") if r.held else "(none)"
            print(
                f"{r.name:16} {r.position:>10} {r.behind:>10} {age:>9} {r.lease_losses:>7}"
                f"  {holder}"
            )
    return 0


def _projections_rebuild(settings: Settings, args: argparse.Namespace) -> int:
    names = list(CATALOGUE) if args.all else [args.name]
    if not args.all and args.name not in CATALOGUE:
        raise UsageError(f"name: must be one of {', '.join(CATALOGUE)}, or use --all")
    with open_service(settings) as service:
        runner = build_runner(settings, service, names)
        for name in names:
            with progress_bar(f"rebuild {name}") as progress:
                runner.rebuild(name, progress)
            print(f"{name}: rebuilt up to position {runner.position(name)}")
    return 0


def add_parsers(commands: Subparsers) -> None:
    projections = commands.add_parser("projections", help="read models").add_subparsers(
        dest="action", required=True
    )
    run = projections.add_parser("run", help="follow the log and keep every view current")
    run.add_argument("names", nargs="*", metavar="NAME", help=f"any of {', '.join(CATALOGUE)}")
    run.add_argument("--poll", type=float, default=0.5, help="seconds between polls")
    run.set_defaults(handler=_projections_run)
    status = projections.add_parser(
        "status", help="each projection's and the relay's position and lag behind the log"
    )
    status.set_defaults(handler=_projections_status)
    rebuild = projections.add_parser("rebuild", help="drop a view and replay the log into it")
    rebuild.add_argument("name", nargs="?", metavar="NAME")
    rebuild.add_argument("--all", action="store_true")
    rebuild.set_defaults(handler=_projections_rebuild)
