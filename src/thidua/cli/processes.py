"""Running the product: all of it (run, cluster) or one process (api, worker, relay), the
demo and the API document."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import structlog

from thidua.cli.common import (
    Subparsers,
    open_service,
    output,
)
from thidua.settings import Settings


def _demo(settings: Settings, _: argparse.Namespace) -> int:
    from thidua.demo import demo_people, hold_sample_import, run_demo

    structlog.get_logger().info("demo.start", store=settings.store, data_dir=str(settings.data_dir))
    hold_sample_import(settings.waiting_imports_dir)
    with open_service(settings) as service, demo_people(settings) as people:
        return run_demo(service, settings.units_file, sys.stdout, people)


def _run(settings: Settings, _: argparse.Namespace) -> int:
    from thidua.services import run_everything

    return run_everything(settings)


def _cluster(settings: Settings, _: argparse.Namespace) -> int:
    from thidua.cluster import run_cluster

    return run_cluster(settings)


def _worker(settings: Settings, args: argparse.Namespace) -> int:
    import asyncio

    from thidua.services import serve

    asyncio.run(serve(settings, worker=True, relay=not args.no_relay))
    return 0


def _api(settings: Settings, _: argparse.Namespace) -> int:
    import asyncio

    from thidua.services import serve_api

    asyncio.run(serve_api(settings))
    return 0


def _openapi(settings: Settings, args: argparse.Namespace) -> int:
    """The API's OpenAPI document, from an app built on a throwaway store."""
    import tempfile

    from thidua.bootstrap import build_app

    with tempfile.TemporaryDirectory(prefix="thidua-openapi-") as scratch:
        throwaway = settings.model_copy(
            update={"store": "sqlite", "sqlite_path": None, "data_dir": Path(scratch)}
        )
        app = build_app(throwaway, follow_projections=False)
        document = app.openapi()
        app.state.thidua.service.close()
    with output(args.output) as out:
        json.dump(document, out, ensure_ascii=False, indent=2, sort_keys=True)
        out.write("\n")
    return 0


def _relay(settings: Settings, _: argparse.Namespace) -> int:
    import asyncio

    from thidua.services import serve

    asyncio.run(serve(settings, worker=False, relay=True))
    return 0


def add_parsers(commands: Subparsers) -> None:
    demo = commands.add_parser(
        "demo", help="take sample nominations through their lifecycle and print the outcomes"
    )
    demo.set_defaults(handler=_demo)
    everything = commands.add_parser(
        "run", help="a local Temporal, the worker, the relay and the projections (make run)"
    )
    everything.set_defaults(handler=_run)
    cluster = commands.add_parser(
        "cluster",
        help="a production-shaped deployment on one machine: PostgreSQL, Temporal, two of"
        " each process (make cluster)",
    )
    cluster.set_defaults(handler=_cluster)
    worker = commands.add_parser("worker", help="the Temporal worker (and the relay)")
    worker.add_argument("--no-relay", action="store_true", help="run the relay elsewhere")
    worker.set_defaults(handler=_worker)
    api = commands.add_parser("api", help="the HTTP API alone, on THIDUA_HOST:THIDUA_PORT")
    api.set_defaults(handler=_api)
    openapi = commands.add_parser("openapi", help="the API's OpenAPI document, as JSON")
    openapi.add_argument("-o", "--output", type=Path, help="a file (default: standard output)")
    openapi.set_defaults(handler=_openapi)
    relay = commands.add_parser("relay", help="turn committed events into workflow signals")
    relay.set_defaults(handler=_relay)
