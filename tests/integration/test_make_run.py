"""`make run` starts the whole product; Ctrl-C stops all of it and leaves no process behind."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import psutil
import pytest

from tests.processes import product_env, wait_until_ready

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[2]


def fetch(url: str, data: bytes | None = None, token: str | None = None) -> tuple[int, dict]:  # type: ignore[type-arg]
    request = urllib.request.Request(url, data=data)  # noqa: S310 - loopback only
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, {}


def test_make_run_serves_the_demo_and_stops_cleanly_on_ctrl_c(tmp_path: Path) -> None:
    env, base = product_env(tmp_path)
    process = subprocess.Popen(
        ["make", "run"],  # noqa: S607 - make is what a newcomer types
        cwd=ROOT,
        env=env,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_until_ready(base, process)
        form = urllib.parse.urlencode(
            {"username": "demo-auditor", "password": "thidua-demo"}
        ).encode()
        status, token = fetch(f"{base}/api/v1/auth/token", form)
        assert status == 200
        status, board = fetch(f"{base}/api/v1/nominations?limit=100", token=token["access_token"])
        assert status == 200
        assert board["count"] >= 10
        descendants = psutil.Process(process.pid).children(recursive=True)
        assert any("temporal" in " ".join(p.cmdline()) for p in descendants)
    finally:
        os.killpg(process.pid, signal.SIGINT)
        process.wait(timeout=60)
    _, alive = psutil.wait_procs(descendants, timeout=30)
    left = [p for p in alive if p.status() != psutil.STATUS_ZOMBIE]
    assert left == []
