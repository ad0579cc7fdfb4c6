"""`thidua cluster` started as an operator would, on free ports and a temporary directory,
and a careful HTTP client for it."""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg

from tests.processes import free_port

ADMIN_PASSWORD = "fault-suite Quilt Harbor 93"


@dataclass
class Answer:
    status: int  # 0: no answer at all (refused, cut, or timed out)
    body: Any = None


def two_free_ports() -> int:
    """A port whose successor is free too: the cluster's APIs listen on both."""
    for _ in range(50):
        port = free_port()
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port + 1))
            except OSError:
                continue
        return port
    raise RuntimeError("no two consecutive free ports")


class RunningCluster:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.data = root / "data"
        self.api_port = two_free_ports()
        self.temporal_port = free_port()
        self.env = {
            **os.environ,
            "THIDUA_DATA_DIR": str(self.data),
            "THIDUA_PORT": str(self.api_port),
            "THIDUA_TEMPORAL_ADDRESS": f"127.0.0.1:{self.temporal_port}",
            "THIDUA_TEMPORAL_UI_PORT": str(free_port()),
            "THIDUA_ADMIN_PASSWORD": ADMIN_PASSWORD,
            "THIDUA_DEMO": "0",
            "THIDUA_LOG_FORMAT": "json",
        }
        self.env.pop("THIDUA_POSTGRES_URL", None)
        self.env.pop("THIDUA_STORE", None)
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def bases(self) -> list[str]:
        return [f"http://127.0.0.1:{self.api_port + i}" for i in (0, 1)]

    def start(self, seconds: float = 180) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        log = (self.root / "cluster.log").open("ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "thidua.cli", "cluster"],
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            if (self.data / "cluster.json").exists() and all(
                Http(base).get("/readyz").status == 200 for base in self.bases
            ):
                return
            time.sleep(0.5)
        raise RuntimeError(f"the cluster did not become ready:\n{self.log()[-4000:]}")

    def log(self, part: str | None = None) -> str:
        path = self.root / "cluster.log" if part is None else self.data / "logs" / f"{part}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=90)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
        self._stop_postgres()

    def _stop_postgres(self) -> None:
        """A PostgreSQL the faults restarted runs outside the cluster's process group, as the
        embedded server's own user: stop it by its pid file, or it outlives the tests."""
        pid_file = self.data / "postgres" / "postmaster.pid"
        if not pid_file.exists():
            return
        with contextlib.suppress(ValueError, ProcessLookupError, PermissionError):
            os.kill(int(pid_file.read_text().splitlines()[0]), signal.SIGINT)

    # --- what runs where -----------------------------------------------------------------

    def state(self) -> dict[str, Any]:
        return dict(json.loads((self.data / "cluster.json").read_text()))

    @property
    def postgres_url(self) -> str:
        return str(self.state()["postgres_url"])

    def pid(self, part: str) -> int:
        found = next(p for p in self.state()["parts"] if p["name"] == part)
        return int(found["pid"])

    def part_of_pid(self, pid: int) -> str:
        return next(p["name"] for p in self.state()["parts"] if p["pid"] == pid)

    def lease_holders(self) -> dict[str, tuple[int, int]]:
        """Each lease's holder's pid and fencing token, as the database has them now."""
        with psycopg.connect(self.postgres_url, connect_timeout=5) as conn:
            rows = conn.execute("SELECT name, holder, token FROM leases").fetchall()
        return {name: (int(holder.split(":")[1]), int(token)) for name, holder, token in rows}

    def relay_position_and_head(self) -> tuple[int, int]:
        """Where the relay has got to in the log, and the log's head, as stored now."""
        from service.nomination_service import NominationService

        events = f"{NominationService.name.lower()}_events"  # the library's naming
        with psycopg.connect(self.postgres_url, connect_timeout=5) as conn:
            row = conn.execute(
                "SELECT (SELECT position FROM projection_tracking"  # noqa: S608 - our own name
                f" WHERE projection = 'relay'), (SELECT MAX(notification_id) FROM {events})"
            ).fetchone()
        assert row is not None
        return int(row[0] or 0), int(row[1] or 0)

    def lease_losses(self, lease: str) -> int:
        with psycopg.connect(self.postgres_url, connect_timeout=5) as conn:
            row = conn.execute("SELECT losses FROM leases WHERE name = %s", (lease,)).fetchone()
        return int(row[0]) if row else 0

    def wait_for_new_holder(self, lease: str, old_token: int, seconds: float = 30) -> float:
        """Seconds until a lease has a holder other than the one with ``old_token``."""
        start = time.monotonic()
        while time.monotonic() - start < seconds:
            try:
                holders = self.lease_holders()
            except psycopg.Error:
                holders = {}
            if lease in holders and holders[lease][1] > old_token:
                return time.monotonic() - start
            time.sleep(0.05)
        raise AssertionError(f"no standby took the {lease} lease within {seconds} s")


class Http:
    def __init__(self, base: str, token: str | None = None) -> None:
        self.base = base
        self.token = token

    def request(
        self,
        method: str,
        path: str,
        *,
        body: Any = None,
        form: dict[str, str] | None = None,
        key: str | None = None,
        timeout: float = 15,
    ) -> Answer:
        headers = {"Accept": "application/json"}
        data = None
        if form is not None:
            data = urllib.parse.urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        elif body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        if key:
            headers["Idempotency-Key"] = key
        request = urllib.request.Request(  # noqa: S310 - loopback only
            self.base + path, data=data, method=method, headers=headers
        )
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
                return Answer(response.status, json.loads(response.read() or b"null"))
        except urllib.error.HTTPError as error:
            text = error.read()
            try:
                return Answer(error.code, json.loads(text))
            except ValueError:
                return Answer(error.code, text.decode(errors="replace"))
        except (OSError, ValueError, http.client.HTTPException):
            # No answer, or one cut off as its server died: the caller retries with its key.
            return Answer(0)

    def get(self, path: str) -> Answer:
        return self.request("GET", path, timeout=10)

    def signed_in(self, username: str, password: str) -> Http:
        for _ in range(60):
            answer = self.request(
                "POST", "/api/v1/auth/token", form={"username": username, "password": password}
            )
            if answer.status == 200:
                return Http(self.base, str(answer.body["access_token"]))
            time.sleep(0.5)
        raise RuntimeError(f"{username} could not sign in: {answer}")
