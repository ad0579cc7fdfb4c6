"""The product as separate processes on PostgreSQL and a Temporal dev server, for fault
tests: each part started as an operator would, on free ports and a temporary directory."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.processes import free_port
from thidua.binaries import find_binary

ADMIN_PASSWORD = "fault-suite Quilt Harbor 93"


@dataclass
class Answer:
    status: int  # 0: no answer at all (the connection was refused or cut)
    body: Any = None


@dataclass
class Cluster:
    root: Path
    postgres_url: str
    api_port: int = field(default_factory=free_port)
    temporal_port: int = field(default_factory=free_port)
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)

    @property
    def env(self) -> dict[str, str]:
        return {
            **os.environ,
            "THIDUA_STORE": "postgres",
            "THIDUA_POSTGRES_URL": self.postgres_url,
            "THIDUA_DATA_DIR": str(self.root / "data"),
            "THIDUA_PORT": str(self.api_port),
            "THIDUA_TEMPORAL_ADDRESS": f"127.0.0.1:{self.temporal_port}",
            "THIDUA_ADMIN_PASSWORD": ADMIN_PASSWORD,
            "THIDUA_LOG_FORMAT": "json",
        }

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.api_port}"

    def start(self, name: str, *args: str) -> subprocess.Popen[bytes]:
        log = (self.root / f"{name}.log").open("ab")
        command = (
            [find_binary("temporal"), *args]
            if name == "temporal"
            else [sys.executable, "-m", "thidua.cli", *args]
        )
        process = subprocess.Popen(command, env=self.env, stdout=log, stderr=subprocess.STDOUT)
        self.processes[name] = process
        return process

    def start_temporal(self) -> None:
        self.start(
            "temporal",
            "server",
            "start-dev",
            "--headless",
            "--db-filename",
            str(self.root / "temporal.db"),
            "--ip",
            "127.0.0.1",
            "--port",
            str(self.temporal_port),
            "--log-level",
            "error",
        )

    def wait_ready(self, seconds: float = 120) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.get("/readyz").status == 200:
                return
            if self.processes["api"].poll() is not None:
                break
            time.sleep(0.3)
        raise RuntimeError(f"the API did not become ready:\n{self.log('api')[-3000:]}")

    def log(self, name: str) -> str:
        return (self.root / f"{name}.log").read_text(errors="replace")

    def stop(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                process.terminate()
        for process in self.processes.values():
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()

    # --- HTTP -----------------------------------------------------------------------------

    def request(
        self,
        method: str,
        path: str,
        *,
        body: Any = None,
        form: dict[str, str] | None = None,
        token: str | None = None,
        key: str | None = None,
        timeout: float = 10,
    ) -> Answer:
        headers = {"Accept": "application/json"}
        data = None
        if form is not None:
            data = urllib.parse.urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        elif body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        if token:
            headers["Authorization"] = f"Bearer {token}"
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
        except (OSError, ValueError):
            return Answer(0)

    def get(self, path: str, token: str | None = None) -> Answer:
        return self.request("GET", path, token=token, timeout=5)

    def token(self, username: str = "admin", password: str = ADMIN_PASSWORD) -> str:
        answer = self.request(
            "POST", "/api/v1/auth/token", form={"username": username, "password": password}
        )
        if answer.status != 200:
            raise RuntimeError(f"sign-in failed: {answer}")
        return str(answer.body["access_token"])
