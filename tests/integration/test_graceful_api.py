"""SIGTERM to an API process: it stops taking connections, answers the requests in flight,
and exits cleanly."""

from __future__ import annotations

import http.client
import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.processes import product_env

pytestmark = pytest.mark.integration

ADMIN_PASSWORD = "Drain Lantern Harbor 5812"


def test_an_api_told_to_stop_answers_the_upload_in_flight_then_exits(tmp_path: Path) -> None:
    env, base = product_env(tmp_path)
    env.update(THIDUA_ADMIN_PASSWORD=ADMIN_PASSWORD)
    port = int(base.rsplit(":", 1)[1])
    api = subprocess.Popen(
        [sys.executable, "-m", "thidua.cli", "api"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_alive(base, api)
        token = _sign_in(port)
        unit = {
            "code": "S-831-70",
            "name": "Xã Chậm (dữ liệu mẫu)",
            "kind": "commune",
            "parent_code": "831",
            "valid_from": "2020-02-01",
            "valid_to": "2025-06-30",
            "synthetic": True,
        }
        # A unit registration whose body arrives slowly: SIGTERM comes half-way through.
        body = json.dumps(unit).encode()
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        connection.putrequest("POST", "/api/v1/units")
        connection.putheader("Authorization", f"Bearer {token}")
        connection.putheader("Content-Type", "application/json")
        connection.putheader("Content-Length", str(len(body)))
        connection.endheaders()
        connection.send(body[:20])
        time.sleep(0.5)
        api.send_signal(signal.SIGTERM)
        time.sleep(1.0)
        connection.send(body[20:])
        answer = connection.getresponse()
        assert answer.status == 201, answer.read()
        assert api.wait(timeout=30) == 0
        refused = _try_connect(port)
        assert refused  # no longer listening
    finally:
        if api.poll() is None:
            api.kill()


def _wait_alive(base: str, process: subprocess.Popen[bytes]) -> None:
    port = int(base.rsplit(":", 1)[1])
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("the API exited")
        if not _try_connect(port):
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                return
        time.sleep(0.3)
    raise RuntimeError("the API did not start")


def _try_connect(port: int) -> bool:
    """True when the connection is refused."""
    import socket

    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) != 0


def _sign_in(port: int) -> str:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request(
        "POST",
        "/api/v1/auth/token",
        body=f"username=admin&password={ADMIN_PASSWORD.replace(' ', '+')}",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    answer = connection.getresponse()
    assert answer.status == 200, answer.read()
    return str(json.loads(answer.read())["access_token"])
