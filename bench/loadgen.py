"""A bounded load generator for loopback: threads issuing one request each in a loop.

python -m bench.loadgen METHOD URL SECONDS THREADS [TOKEN] [JSON_BODY]; prints JSON results.
"""

from __future__ import annotations

import json
import sys
import threading
import time

import httpx


def main() -> None:
    method, url, seconds, threads = sys.argv[1], sys.argv[2], float(sys.argv[3]), int(sys.argv[4])
    token = sys.argv[5] if len(sys.argv) > 5 and sys.argv[5] else None
    body = json.loads(sys.argv[6]) if len(sys.argv) > 6 else None
    if not url.startswith("http://127.0.0.1"):
        raise SystemExit("loopback only")
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def worker(index: int) -> None:
        mine: list[float] = []
        with httpx.Client(headers=headers, timeout=10) as client:
            i = 0
            while time.monotonic() < deadline:
                payload = None
                if body is not None:
                    payload = dict(body, poor_households=body["poor_households"] - (i + index) % 7)
                started = time.perf_counter()
                response = client.request(method, url, json=payload)
                mine.append(time.perf_counter() - started)
                if response.status_code >= 400:
                    with lock:
                        errors[0] += 1
                i += 1
        with lock:
            latencies.extend(mine)

    pool = [threading.Thread(target=worker, args=(i,)) for i in range(threads)]
    started = time.monotonic()
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    elapsed = time.monotonic() - started
    latencies.sort()
    p = lambda q: latencies[min(int(q * len(latencies)), len(latencies) - 1)] * 1000  # noqa: E731
    print(
        json.dumps(
            {
                "requests": len(latencies),
                "rps": len(latencies) / elapsed,
                "p50_ms": p(0.50),
                "p99_ms": p(0.99),
                "errors": errors[0],
            }
        )
    )


if __name__ == "__main__":
    main()
