"""`thidua cluster`: a production-shaped deployment on one machine.

PostgreSQL (``THIDUA_POSTGRES_URL``, or the embedded server with its data under
``THIDUA_DATA_DIR/postgres``), a Temporal dev server on its database file, two API
processes, two workers, two relays and two projection runners. One relay and one runner
per projection are active at a time; the others wait on their leases. Each part is its own
process and is started again if it dies, as a service manager would. Where each part runs
is printed, and kept in ``THIDUA_DATA_DIR/cluster.json`` for operators and the fault suite.
Ctrl-C (or SIGTERM) stops every part with SIGTERM, so each finishes cleanly.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import structlog
from pydantic import SecretStr

from thidua.binaries import temporal_dev_server_command
from thidua.settings import Settings

RESTART_DELAY_SECONDS = 1.0


@dataclass
class Part:
    """One supervised process."""

    name: str
    command: list[str]
    env: dict[str, str]
    log_path: Path
    address: str = ""
    process: subprocess.Popen[bytes] | None = None
    restarts: int = 0
    _log: IO[bytes] | None = field(default=None, repr=False)

    def start(self) -> None:
        if self._log is None:
            self._log = self.log_path.open("ab")
        # A session of its own: Ctrl-C reaches the cluster, which stops the parts in order.
        self.process = subprocess.Popen(  # noqa: S603 - our own binaries and arguments
            self.command,
            env=self.env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def describe(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "pid": self.process.pid if self.process else None,
            "address": self.address,
            "log": str(self.log_path),
            "restarts": self.restarts,
        }

    def close(self) -> None:
        if self._log is not None:
            self._log.close()
            self._log = None


class Cluster:
    def __init__(self, settings: Settings, env: dict[str, str], postgres_data: Path | None):
        self.settings = settings
        self.env = env
        self.postgres_data = postgres_data
        self.parts: list[Part] = []
        self.stopping = threading.Event()
        self.state_file = settings.data_dir / "cluster.json"
        self.log = structlog.get_logger()

    def add(self, name: str, command: list[str], address: str = "", **env: str) -> None:
        logs = self.settings.data_dir / "logs"
        logs.mkdir(parents=True, exist_ok=True)
        self.parts.append(
            Part(name, command, {**self.env, **env}, logs / f"{name}.log", address=address)
        )

    def write_state(self) -> None:
        state = {
            "postgres_data": str(self.postgres_data) if self.postgres_data else None,
            # The embedded server's URL has no password; an external one is not written.
            "postgres_url": self.env["THIDUA_POSTGRES_URL"] if self.postgres_data else None,
            "parts": [p.describe() for p in self.parts],
        }
        temporary = self.state_file.with_suffix(".tmp")
        temporary.write_text(json.dumps(state, indent=2))
        temporary.replace(self.state_file)

    def start(self) -> None:
        """Temporal first, so that workers and relays find it; then every other part."""
        from thidua.services import wait_for_port

        for part in self.parts:
            part.start()
            if part.name == "temporal":
                host, _, port = part.address.rpartition(":")
                wait_for_port(host or "127.0.0.1", int(port), timeout=60)
        self.write_state()

    def supervise(self) -> None:
        """Starts again any part that died, until stopping."""
        while not self.stopping.wait(0.2):
            changed = False
            for part in self.parts:
                process = part.process
                if process is None or process.poll() is None:
                    continue
                self.log.warning("cluster.part_exited", part=part.name, code=process.returncode)
                if self.stopping.wait(RESTART_DELAY_SECONDS):
                    return
                part.restarts += 1
                part.start()
                changed = True
            if changed:
                self.write_state()

    def stop(self, timeout: float = 30) -> None:
        """SIGTERM to every part, the Temporal server last; SIGKILL what outlives it."""
        self.stopping.set()
        ordered = sorted(self.parts, key=lambda p: p.name == "temporal")
        for group in ([p for p in ordered if p.name != "temporal"], ordered[-1:]):
            for part in group:
                if part.process is not None and part.process.poll() is None:
                    part.process.send_signal(signal.SIGTERM)
            deadline = time.monotonic() + timeout
            for part in group:
                if part.process is None:
                    continue
                try:
                    part.process.wait(max(deadline - time.monotonic(), 0.1))
                except subprocess.TimeoutExpired:
                    part.process.kill()
                    part.process.wait()
        for part in self.parts:
            part.close()


def run_cluster(settings: Settings) -> int:
    from thidua.bootstrap import build_runner, build_service, ensure_admin
    from thidua.embedded import EmbeddedPostgres

    log = structlog.get_logger()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    embedded: EmbeddedPostgres | None = None
    if settings.postgres_url is not None:
        url = settings.postgres_url.get_secret_value()
    else:
        embedded = EmbeddedPostgres(settings.data_dir / "postgres")
        url = embedded.url
    env = {
        **os.environ,
        "THIDUA_STORE": "postgres",
        "THIDUA_POSTGRES_URL": url,
        "THIDUA_DATA_DIR": str(settings.data_dir),
    }
    shared = settings.model_copy(update={"store": "postgres", "postgres_url": SecretStr(url)})
    # The schema, the views' tables and the first admin, once, before the parts race for them.
    service = build_service(shared)
    try:
        build_runner(shared, service).database.close()
        ensure_admin(shared, service)
        if settings.demo:
            from thidua.demo import (
                hold_sample_import,
                make_demo_signing_keys,
                seed_demo_with_people,
            )

            seed_demo_with_people(settings, service)
            make_demo_signing_keys(settings, service)
            hold_sample_import(settings.waiting_imports_dir)
    finally:
        service.close()

    cluster = Cluster(settings, env, settings.data_dir / "postgres" if embedded else None)
    cluster.add(
        "temporal",
        temporal_dev_server_command(
            settings.data_dir, settings.temporal_address, settings.temporal_ui_port
        ),
        address=settings.temporal_address,
    )
    thidua = [sys.executable, "-m", "thidua.cli"]
    for index in (1, 2):
        api_port = settings.port + index - 1
        cluster.add(
            f"api-{index}",
            [*thidua, "api"],
            address=f"http://{settings.host}:{api_port}",
            THIDUA_PORT=str(api_port),
        )
    for index in (1, 2):
        cluster.add(f"worker-{index}", [*thidua, "worker", "--no-relay"])
        cluster.add(f"relay-{index}", [*thidua, "relay"])
        cluster.add(f"projections-{index}", [*thidua, "projections", "run"])

    stop_requested = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop_requested.set())
    try:
        cluster.start()
        print(f"PostgreSQL: {_without_password(url)}", flush=True)
        for part in cluster.parts:
            where = part.address or "(no port)"
            print(f"{part.name:14} pid {part.process.pid if part.process else '-':>7}  {where}")
        print(f"State: {cluster.state_file} — logs under {settings.data_dir / 'logs'}")
        print("Ctrl-C stops everything.", flush=True)
        supervisor = threading.Thread(target=cluster.supervise, daemon=True)
        supervisor.start()
        while not stop_requested.wait(0.5):
            pass
    finally:
        cluster.stop()
        if embedded is not None:
            embedded.stop()
        log.info("cluster.stopped")
    return 0


def _without_password(url: str) -> str:
    from psycopg.conninfo import conninfo_to_dict, make_conninfo

    parts = conninfo_to_dict(url)
    if parts.get("password"):
        parts["password"] = "***"  # noqa: S105 - a mask, not a secret
    return make_conninfo("", **parts)
