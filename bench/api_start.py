"""A restarted API is back fast: seconds from ``thidua api``'s process start to its first
``200`` from ``/readyz``, on an idle machine and with both cores kept busy.

The store is the embedded default (SQLite) with the demo's data in it, and a Temporal dev
server runs beside it, as after ``make run``. Baseline in the same run: the smallest
FastAPI app under uvicorn, started and probed the same way, so the ratio is the start-up
cost of a bare web process over ours. Prints ``api_start: ratio <x> (target 0.1)``: the
goal is ready within 3 s on an idle 2-core machine, about ten times a bare process's start.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

from thidua.services import temporal_dev_server
from thidua.settings import Settings

BARE = """
import sys
import uvicorn
from fastapi import FastAPI
app = FastAPI()
@app.get("/readyz")
def ready() -> dict[str, bool]:
    return {"ready": True}
uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[1]), log_level="warning")
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def ready(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=1) as answer:
            return bool(answer.status == 200)
    except OSError:
        return False


def time_to_ready(command: list[str], env: dict[str, str], port: int) -> float:
    started = time.perf_counter()
    process = subprocess.Popen(  # noqa: S603 - our own interpreter and module  # noqa: S603 - our own interpreter and module
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        while not ready(port):
            if process.poll() is not None:
                raise RuntimeError(f"{command} stopped before it was ready")
            if time.perf_counter() - started > 120:
                raise TimeoutError(f"{command} not ready within 120 s")
            time.sleep(0.02)
        return time.perf_counter() - started
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()


@contextlib.contextmanager
def busy_cores(on: bool) -> Iterator[None]:
    """Twice as many spinning processes as cores, as other work on a busy host."""
    burners: list[subprocess.Popen[bytes]] = []
    if on:
        burners = [
            subprocess.Popen([sys.executable, "-c", "while True: pass"])
            for _ in range(2 * (os.cpu_count() or 2))
        ]
    try:
        yield
    finally:
        for burner in burners:
            burner.kill()
            burner.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="thidua-bench-api-start-") as folder:
        data = Path(folder)
        temporal = free_port()
        settings = Settings(  # type: ignore[call-arg]
            data_dir=data, temporal_address=f"127.0.0.1:{temporal}", temporal_ui_port=free_port()
        )
        port = free_port()
        env = {
            **os.environ,
            "THIDUA_DATA_DIR": str(data),
            "THIDUA_PORT": str(port),
            "THIDUA_TEMPORAL_ADDRESS": settings.temporal_address,
            "THIDUA_LOG_FORMAT": "json",
        }
        env.pop("THIDUA_STORE", None)
        thidua = [sys.executable, "-m", "thidua.cli"]
        subprocess.run([*thidua, "demo"], env=env, check=True, capture_output=True)  # noqa: S603
        bare = [sys.executable, "-c", BARE, str(port)]
        figures: dict[str, list[float]] = {}
        with temporal_dev_server(settings):
            time_to_ready([*thidua, "api"], env, port)  # the first start migrates; not counted
            for busy in (False, True):
                with busy_cores(busy):
                    for _ in range(args.runs):
                        for name, command in (("api", [*thidua, "api"]), ("bare", bare)):
                            key = f"{name}{' busy' if busy else ''}"
                            figures.setdefault(key, []).append(time_to_ready(command, env, port))
    for key, values in figures.items():
        print(
            f"{key:10} median {statistics.median(values):.2f} s,"
            f" max {max(values):.2f} s over {len(values)} starts"
        )
    ratio = statistics.median(figures["bare"]) / statistics.median(figures["api"])
    print(f"api_start: ratio {ratio:.2f} (target 0.1)")


if __name__ == "__main__":
    main()
