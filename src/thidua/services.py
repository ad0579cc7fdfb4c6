"""Running the product: the worker, the relay, the projections and a local Temporal."""

from __future__ import annotations

import asyncio
import contextlib
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from typing import Any

import structlog

from service.nomination_service import NominationService
from thidua.binaries import find_binary, temporal_dev_server_command
from thidua.bootstrap import (
    build_directory,
    build_notifier,
    build_receipts,
    build_service,
    views_database,
)
from thidua.settings import Settings
from workflows.worker import connect
from workflows.worker import run as run_worker_and_relay


def wait_for_port(host: str, port: int, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection((host, port), timeout=0.5):
            return
        time.sleep(0.2)
    raise TimeoutError(f"nothing answered on {host}:{port} within {timeout:.0f} s")


def wait_until_serving(address: str, timeout: float) -> None:
    """The server's frontend answers its port before it serves: a client that connects in
    between is refused ("Frontend is not healthy yet"), so wait for its health check."""
    deadline = time.monotonic() + timeout
    command = [find_binary("temporal"), "operator", "cluster", "health", "--address", address]
    while time.monotonic() < deadline:
        done = subprocess.run(command, capture_output=True, text=True, timeout=10, check=False)  # noqa: S603
        if done.returncode == 0 and "SERVING" in done.stdout:
            return
        time.sleep(0.2)
    raise TimeoutError(f"Temporal at {address} was not serving within {timeout:.0f} s")


@contextlib.contextmanager
def temporal_dev_server(settings: Settings) -> Iterator[None]:
    """``temporal server start-dev`` with its state in a file under the data directory."""
    host, _, port = settings.temporal_address.rpartition(":")
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    log_file = (settings.data_dir / "temporal.log").open("ab")
    process = subprocess.Popen(  # noqa: S603 - our own binary and arguments
        temporal_dev_server_command(
            settings.data_dir, settings.temporal_address, settings.temporal_ui_port
        ),
        stdout=log_file,
        stderr=subprocess.STDOUT,
    )
    try:
        wait_for_port(host or "127.0.0.1", int(port), timeout=60)
        wait_until_serving(settings.temporal_address, timeout=60)
        yield
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
        log_file.close()


def _stop_on_signals() -> asyncio.Event:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    return stop


def _clock(
    settings: Settings, client: Any, service: NominationService, stop: asyncio.Event, **parts: bool
) -> Any:
    return run_worker_and_relay(
        client,
        settings.task_queue,
        service,
        views_database(settings),
        build_notifier(settings),
        build_directory(settings),
        stop,
        # Only a worker seals: a relay-only process needs no key or receipts table.
        receipts=build_receipts(settings, service) if parts.get("with_worker", True) else None,
        seal_hours=settings.audit_seal_hours,
        lease_timing=settings.lease_timing,
        **parts,
    )


def api_server_config(settings: Settings, app: Any) -> Any:
    """uvicorn's configuration: behind the proxies THIDUA_FORWARDED_ALLOW_IPS names, each
    client's own address (X-Forwarded-For) is the one limits count."""
    import uvicorn

    return uvicorn.Config(
        app,
        host=settings.host,
        port=settings.port,
        log_config=None,
        proxy_headers=True,
        forwarded_allow_ips=settings.forwarded_allow_ips,
    )


def _api_server(
    settings: Settings, service: NominationService, client: Any, *, follow_projections: bool
) -> Any:
    import uvicorn

    from thidua.bootstrap import build_app

    async def temporal_ready() -> bool:
        return bool(await client.service_client.check_health())

    app = build_app(
        settings,
        service=service,
        temporal_probe=temporal_ready,
        follow_projections=follow_projections,
    )
    server = uvicorn.Server(api_server_config(settings, app))
    # Older uvicorn installs its own handlers unless told not to; newer ones hand them back.
    server.install_signal_handlers = lambda: None  # type: ignore[attr-defined]
    return server


async def serve(settings: Settings, *, worker: bool = True, relay: bool = True) -> None:
    """The worker and/or relay until SIGINT or SIGTERM."""
    stop = _stop_on_signals()
    service = build_service(settings)
    try:
        client = await connect(settings.temporal_address, settings.temporal_namespace)
        await _clock(settings, client, service, stop, with_worker=worker, with_relay=relay)
    finally:
        service.close()


async def serve_api(settings: Settings) -> None:
    """The API alone (production: projections, worker and relay run as their own services).

    It starts while Temporal is down; /readyz says so until it answers.
    """
    stop = _stop_on_signals()
    service = build_service(settings)
    try:
        client = await connect(settings.temporal_address, settings.temporal_namespace, lazy=True)
        server = _api_server(settings, service, client, follow_projections=False)
        api = asyncio.create_task(server.serve())
        await stop.wait()
        server.should_exit = True
        await api
    finally:
        service.close()


async def serve_everything(settings: Settings) -> None:
    """The API (which follows the projections), the worker and the relay, in one process."""
    stop = _stop_on_signals()
    service = build_service(settings)
    try:
        client = await connect(settings.temporal_address, settings.temporal_namespace)
        server = _api_server(settings, service, client, follow_projections=True)
        api = asyncio.create_task(server.serve())
        clock = asyncio.create_task(_clock(settings, client, service, stop))
        base = f"http://{settings.host}:{settings.port}"
        print(
            f"Web UI: {base}/ — API: {base}/api/v1 — docs {base}/docs — ready {base}/readyz\n"
            f"Temporal: {settings.temporal_address} — Web UI http://127.0.0.1:"
            f"{settings.temporal_ui_port}\nCtrl-C stops everything.",
            flush=True,
        )
        await stop.wait()
        server.should_exit = True
        await asyncio.gather(api, clock, return_exceptions=True)
    finally:
        service.close()


def run_everything(settings: Settings) -> int:
    """`make run`: Temporal dev server, API, worker, relay and projections; Ctrl-C stops all."""
    log = structlog.get_logger()
    if settings.demo:
        from thidua.demo import hold_sample_import, make_demo_signing_keys, seed_demo_with_people

        service = build_service(settings)
        try:
            seed_demo_with_people(settings, service)
            make_demo_signing_keys(settings, service)
        finally:
            service.close()
        hold_sample_import(settings.waiting_imports_dir)
    with contextlib.ExitStack() as stack:
        if settings.start_temporal:
            stack.enter_context(temporal_dev_server(settings))
        asyncio.run(serve_everything(settings))
    log.info("stopped")
    return 0
