"""PostgreSQL restarts in immediate mode while the API, relay, projection runner and worker
run as separate processes under a steady write load: nothing acknowledged is lost, writes
work again within seconds, no process exits or stalls, and every reader resumes from its
stored position."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from tests.faults.cluster import Answer, Cluster
from thidua.embedded import EmbeddedPostgres

pytestmark = pytest.mark.faults


@pytest.fixture
def cluster(tmp_path: Path) -> Iterator[tuple[Cluster, EmbeddedPostgres]]:
    server = EmbeddedPostgres(tmp_path / "pg" / "data")
    parts = Cluster(tmp_path, server.url)
    try:
        parts.start_temporal()
        parts.start("api", "api")
        parts.wait_ready()
        parts.start("relay", "relay")
        parts.start("projections", "projections", "run")
        parts.start("worker", "worker", "--no-relay")
        yield parts, server
    finally:
        parts.stop()
        server.stop()


class Load:
    """Registers units one after another, as a careful client: a request with no answer or
    a 503 is sent again with the same Idempotency-Key until it is answered."""

    def __init__(self, cluster: Cluster, token: str) -> None:
        self.cluster = cluster
        self.token = token
        self.acknowledged: list[str] = []
        self.unexpected: list[Answer] = []
        self.outages: list[tuple[float, float]] = []  # (first failure, next success)
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)

    def run(self) -> None:
        index = 0
        while not self.stop.is_set() and index < 2000:
            index += 1
            code = f"S-831-F{index:04d}"
            body = {
                "code": code,
                "name": f"Xã Thử {index} (dữ liệu mẫu)",
                "kind": "commune",
                "parent_code": "831",
                "valid_from": "2024-01-01",
                "synthetic": True,
            }
            failed_at: float | None = None
            while True:
                answer = self.cluster.request(
                    "POST", "/api/v1/units", body=body, token=self.token, key=f"unit-{code}"
                )
                if answer.status == 201:
                    self.acknowledged.append(code)
                    if failed_at is not None:
                        self.outages.append((failed_at, time.monotonic()))
                    break
                if answer.status not in (0, 503):
                    self.unexpected.append(answer)
                    break
                failed_at = failed_at or time.monotonic()
                time.sleep(0.1)
            time.sleep(0.02)


def relay_position(cluster: Cluster) -> tuple[int, int]:
    """The relay's stored position, and the head of the log as the API reads it."""
    head = int(cluster.get("/readyz").body["checks"]["store"]["head"])
    with psycopg.connect(cluster.postgres_url) as conn:
        found = conn.execute(
            "SELECT position FROM projection_tracking WHERE projection = 'relay'"
        ).fetchone()
    return int(found[0]) if found else 0, head


def test_a_database_restart_under_load_loses_nothing_and_every_process_carries_on(
    cluster: tuple[Cluster, EmbeddedPostgres],
) -> None:
    parts, server = cluster
    load = Load(parts, parts.token())
    load.thread.start()
    time.sleep(3)
    before = len(load.acknowledged)
    assert before > 0
    server.restart_immediately()
    restarted = time.monotonic()
    time.sleep(8)
    load.stop.set()
    load.thread.join(timeout=60)

    assert load.unexpected == []
    assert len(load.acknowledged) > before, "no write was acknowledged after the restart"
    assert all(end - restarted < 5 for _, end in load.outages), load.outages
    for name, process in parts.processes.items():
        assert process.poll() is None, f"{name} exited:\n{parts.log(name)[-2000:]}"

    token = parts.token()
    lost = [c for c in load.acknowledged if parts.get(f"/api/v1/units/{c}", token).status != 200]
    assert lost == []
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        position, head = relay_position(parts)
        if position >= head:
            break
        time.sleep(0.5)
    assert position >= head, f"the relay stalled at {position} of {head}"
    ready = parts.get("/readyz")
    assert ready.status == 200, ready.body
    assert ready.body["checks"]["views"]["ok"] is True
    print(
        f"\nacknowledged {len(load.acknowledged)} writes, {before} before the restart;"
        f" outages seen by the client: {[round(b - a, 2) for a, b in load.outages]} s"
    )
