"""Starting the product as a newcomer would, on free ports and a temporary data directory."""

from __future__ import annotations

import os
import socket
import subprocess
import time
import urllib.request
from pathlib import Path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def product_env(data_dir: Path) -> tuple[dict[str, str], str]:
    """The environment for `thidua run` / `make run` away from ./var, and the API's base URL."""
    port = free_port()
    env = {
        **os.environ,
        "THIDUA_DATA_DIR": str(data_dir),
        "THIDUA_PORT": str(port),
        "THIDUA_TEMPORAL_ADDRESS": f"127.0.0.1:{free_port()}",
        "THIDUA_TEMPORAL_UI_PORT": str(free_port()),
        "THIDUA_LOG_FORMAT": "json",
    }
    return env, f"http://127.0.0.1:{port}"


def wait_until_ready(base: str, process: subprocess.Popen[bytes], seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(f"{base}/readyz", timeout=2) as response:  # noqa: S310
                if response.status == 200:
                    return
        except OSError:
            pass
        if time.monotonic() > deadline or process.poll() is not None:
            raise RuntimeError("the product did not become ready")
        time.sleep(0.5)
