"""The fault suite: `thidua cluster` under a steady write load through both API processes,
while its parts fail one at a time. Afterwards it proves that no acknowledged write was
lost or applied twice, that no answer was a 5xx other than 503, that every view equals its
rebuild, that the chain verifies, and that every submitted nomination has its workflow.

``make test`` runs it briefly; ``make faults`` (THIDUA_FAULTS=long) runs it at length.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tests.faults.cluster import ADMIN_PASSWORD, Answer, Http, RunningCluster
from thidua.embedded import restart_immediately

pytestmark = pytest.mark.faults

LONG = os.environ.get("THIDUA_FAULTS") == "long"
CLIENTS = 6 if LONG else 3
ROUNDS = 3 if LONG else 1
OFFICER, PROVINCE = "fault-officer", "fault-province"
PASSWORD = "Mango Lantern Ferry 4471"
FIGURES = {
    2021: {"total_households": 1000, "poor_households": 100},
    2023: {"total_households": 1010, "poor_households": 80},
    2024: {"total_households": 1020, "poor_households": 55},
    2025: {"total_households": 1030, "poor_households": 30},
}
ONCE = ("Opened", "StatisticsRecorded", "AchievementReportWritten", "Submitted")


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningCluster]:
    running = RunningCluster(tmp_path_factory.mktemp("cluster"))
    try:
        running.start()
        admin = Http(running.bases[0]).signed_in("admin", ADMIN_PASSWORD)
        for username, role, scope in (
            (OFFICER, "unit_officer", "86"),
            (PROVINCE, "province_reviewer", None),
        ):
            created = admin.request(
                "POST",
                "/api/v1/accounts",
                body={
                    "username": username,
                    "password": PASSWORD,
                    "roles": [{"role": role, "scope": scope}],
                },
                key=f"account-{username}",
            )
            assert created.status == 201, created
        cycle = admin.request(
            "PUT",
            "/api/v1/cycles/2025",
            body={"kind": "final", "closes_on": "2099-01-30", "evaluation_years": [2024, 2025]},
            key="cycle-2025",
        )
        assert cycle.status == 200, cycle
        yield running
    finally:
        running.stop()


@dataclass
class Written:
    key: str
    username: str
    kind: str
    target: str
    at: float = field(default_factory=time.monotonic)


@dataclass
class Client:
    """A careful client: every write has its Idempotency-Key, and a write with no answer or
    a 503 is sent again, with the same key, through the other API, until it is answered."""

    number: int
    sessions: dict[str, list[Http]]
    acknowledged: list[Written] = field(default_factory=list)
    unexpected: list[tuple[str, Answer]] = field(default_factory=list)
    retries: int = 0
    turn: int = 0

    def write(
        self, who: str, method: str, path: str, key: str, kind: str, target: str, body: Any = None
    ) -> Answer:
        deadline = time.monotonic() + 120
        while True:
            self.turn += 1
            session = self.sessions[who][self.turn % 2]
            answer = session.request(method, path, body=body, key=key)
            if answer.status in (200, 201):
                self.acknowledged.append(Written(key, who, kind, target))
                return answer
            if answer.status not in (0, 503) or time.monotonic() > deadline:
                when = time.strftime("%H:%M:%S")
                self.unexpected.append((f"{when} {method} {path} via {session.base}", answer))
                return answer
            self.retries += 1
            time.sleep(0.2)

    def dossier(self, item: int) -> None:
        code = f"F{self.number}-{item:04d}"
        registered = self.write(
            "admin",
            "POST",
            "/api/v1/units",
            f"unit-{code}",
            "unit",
            code,
            {
                "code": code,
                "name": f"Xã Thử {code} (dữ liệu mẫu)",
                "kind": "commune",
                "parent_code": "86",
                "valid_from": "2025-07-01",
                "synthetic": True,
            },
        )
        if registered.status != 201:
            return
        opened = self.write(
            OFFICER,
            "POST",
            "/api/v1/nominations",
            f"open-{code}",
            "open",
            code,
            {"unit_code": code, "award_form": "bang-khen-tinh", "cycle_year": 2025},
        )
        if opened.status != 201:
            return
        nid = opened.body["id"]
        for year, figures in FIGURES.items():
            self.write(
                OFFICER,
                "PUT",
                f"/api/v1/nominations/{nid}/statistics/{year}",
                f"stats-{code}-{year}",
                f"stats:{year}",
                nid,
                figures,
            )
        self.write(
            OFFICER,
            "PUT",
            f"/api/v1/nominations/{nid}/achievement-report",
            f"report-{code}",
            "report",
            nid,
            {"text": "Báo cáo thành tích."},
        )
        submitted = self.write(
            OFFICER, "POST", f"/api/v1/nominations/{nid}/submit", f"submit-{code}", "submit", nid
        )
        if submitted.status == 200 and item % 2 == 0:
            self.write(
                PROVINCE,
                "POST",
                f"/api/v1/nominations/{nid}/province-review",
                f"review-{code}",
                "review",
                nid,
                {"decision": "approve", "comment": "Đủ điều kiện."},
            )


def run_load(cluster: RunningCluster, stop: threading.Event) -> list[Client]:
    sessions = {
        who: [Http(base).signed_in(who, password) for base in cluster.bases]
        for who, password in (("admin", ADMIN_PASSWORD), (OFFICER, PASSWORD), (PROVINCE, PASSWORD))
    }
    clients = [Client(n, sessions) for n in range(CLIENTS)]

    crashed: list[str] = []

    def work(client: Client) -> None:
        item = 0
        try:
            while not stop.is_set() and item < 400:
                client.dossier(item)
                item += 1
        except Exception as error:  # a client that dies would silently shrink the load
            crashed.append(f"client {client.number} at item {item}: {error!r}")

    threads = [threading.Thread(target=work, args=(c,), daemon=True) for c in clients]
    for thread in threads:
        thread.start()
    stop.wait()
    for thread in threads:
        thread.join(timeout=180)
    assert not crashed
    return clients


def active(cluster: RunningCluster, lease: str) -> tuple[str, int, int]:
    pid, token = cluster.lease_holders()[lease]
    return cluster.part_of_pid(pid), pid, token


def faults(cluster: RunningCluster, figures: dict[str, Any]) -> None:
    """Each fault once per round, with the load running; the cluster starts parts again."""
    pause = 6 if LONG else 3
    for _ in range(ROUNDS):
        for part in ("api-1", "worker-1"):
            os.kill(cluster.pid(part), signal.SIGKILL)
            time.sleep(pause)
        name, pid, token = active(cluster, "relay")
        os.kill(pid, signal.SIGKILL)
        figures.setdefault("takeover_after_sigkill_relay_s", []).append(
            cluster.wait_for_new_holder("relay", token)
        )
        time.sleep(pause)
        name, pid, token = active(cluster, "projection:board")
        os.kill(pid, signal.SIGKILL)
        figures.setdefault("takeover_after_sigkill_runner_s", []).append(
            cluster.wait_for_new_holder("projection:board", token)
        )
        time.sleep(pause)
        name, pid, token = active(cluster, "relay")
        os.kill(pid, signal.SIGSTOP)
        try:
            figures.setdefault("takeover_after_sigstop_relay_s", []).append(
                cluster.wait_for_new_holder("relay", token)
            )
            time.sleep(pause)
        finally:
            os.kill(pid, signal.SIGCONT)
        figures.setdefault("paused_relays", []).append(name)
        relays_paused_then_resumed_on_a_busy_host(cluster, figures)
        os.kill(cluster.pid("temporal"), signal.SIGKILL)  # started again on its database file
        time.sleep(pause + 3)
        restart_immediately(Path(cluster.state()["postgres_data"]))
        figures.setdefault("postgres_back_at", []).append(time.monotonic())
        time.sleep(pause + 3)


def relay_reaches(cluster: RunningCluster, target: int, within: float, since: float) -> None:
    position, seen = 0, []
    while position < target:
        elapsed = time.monotonic() - since
        assert elapsed < within, f"the relay is at {position} of {target} {within:.0f} s on: {seen}"
        time.sleep(0.25)
        position, head = cluster.relay_position_and_head()
        seen.append(f"{elapsed:.0f}s:{position}/{head}")


def relays_paused_then_resumed_on_a_busy_host(
    cluster: RunningCluster,
    figures: dict[str, Any],
    backlog: int = 400,
    paused_for: float = 15,
    busy_for: float = 15,
) -> None:
    """The case that once stalled: from a relay at the head, every relay stopped while writes
    go on, so a backlog builds (``backlog`` events, several pages); then resumed while other
    processes (one per core) keep every core busy for ``busy_for`` s (five lease lifetimes).
    The relay must reach the head of the log as it was at the resume within 60 s, its holder
    never losing the lease once it works."""
    relays = [cluster.pid(f"relay-{i}") for i in (1, 2)]
    relay_reaches(cluster, cluster.relay_position_and_head()[1], within=90, since=time.monotonic())
    for pid in relays:
        os.kill(pid, signal.SIGSTOP)
    try:
        _, head = cluster.relay_position_and_head()
        deadline = time.monotonic() + paused_for
        grown = head
        # The load goes on writing meanwhile: paused until the backlog is built (or at most
        # paused_for, on a machine slow enough to write less).
        while time.monotonic() < deadline and grown - head < backlog:
            time.sleep(0.5)
            _, grown = cluster.relay_position_and_head()
        figures.setdefault("backlog_events_written_while_paused", []).append(grown - head)
    finally:
        for pid in relays:
            os.kill(pid, signal.SIGCONT)
    resumed = time.monotonic()
    burn = f"import time\nend = time.monotonic() + {busy_for}\nwhile time.monotonic() < end: pass"
    burners = [subprocess.Popen([sys.executable, "-c", burn]) for _ in range(os.cpu_count() or 2)]
    try:
        _, target = cluster.relay_position_and_head()
        relay_reaches(cluster, target, within=60, since=resumed)
        figures.setdefault("relay_at_head_after_resume_on_busy_host_s", []).append(
            time.monotonic() - resumed
        )
        losses = cluster.lease_losses("relay")
        while any(b.poll() is None for b in burners):  # the cores stay busy: does it hold?
            time.sleep(0.5)
        figures.setdefault("relay_lease_losses_while_busy", []).append(
            cluster.lease_losses("relay") - losses
        )
    finally:
        for burner in burners:
            burner.kill()
            burner.wait()


def wait_until_quiet(cluster: RunningCluster, seconds: float = 90) -> None:
    """Every projection and the relay at the head of the log."""
    import psycopg

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with psycopg.connect(cluster.postgres_url) as conn:
            positions = dict(
                conn.execute("SELECT projection, position FROM projection_tracking").fetchall()
            )
        _, head = cluster.relay_position_and_head()
        if len(positions) >= 6 and all(p >= head for p in positions.values()):
            return
        time.sleep(0.5)
    raise AssertionError(f"not caught up: {positions} at head {head}")


def command_events(cluster: RunningCluster) -> list[tuple[str, str, str]]:
    """(command id, event class, originator) of every event in the log."""
    from domain.units import UnitRegistry
    from service.nomination_service import NominationService
    from thidua.bootstrap import postgres_env
    from thidua.settings import Settings

    units = UnitRegistry.from_json(Settings().units_file.read_bytes())
    found: list[tuple[str, str, str]] = []
    with NominationService(postgres_env(cluster.postgres_url), units=units) as service:
        after, head = 0, service.head()
        while after < head:
            page = service.read_log(after, 500, head)
            for notification in page:
                event = service.event_of(notification)
                found.append(
                    (
                        getattr(event, "command_id", ""),
                        type(event).__name__,
                        str(event.originator_id),
                    )
                )
            after = page[-1].id
    return found


def views_equal_their_rebuilds(cluster: RunningCluster) -> dict[str, bool]:
    """Each live view against the same view rebuilt from the log into a schema of its own."""
    from domain.units import UnitRegistry
    from projections.runner import CATALOGUE, ProjectionRunner
    from service.nomination_service import NominationService
    from storage.views import PostgresDatabase
    from thidua.bootstrap import postgres_env
    from thidua.embedded import fresh_schema
    from thidua.settings import Settings

    units = UnitRegistry.from_json(Settings().units_file.read_bytes())
    url = cluster.postgres_url
    with (
        NominationService(postgres_env(url), units=units) as service,
        fresh_schema(url, "rebuild") as schema,
    ):
        live_db, rebuilt_db = PostgresDatabase(url), PostgresDatabase(url, schema)
        live = ProjectionRunner(service, live_db)
        rebuilt = ProjectionRunner(service, rebuilt_db)
        rebuilt.catch_up_all()
        equal = {
            name: live.view(name).digest() == rebuilt.view(name).digest()
            and live.position(name) == rebuilt.position(name)
            for name in CATALOGUE
        }
        live_db.close()
        rebuilt_db.close()
    return equal


async def missing_workflows(cluster: RunningCluster, nominations: list[str]) -> list[str]:
    from temporalio.client import Client as TemporalClient

    from workflows import nomination_workflow_id

    client = await TemporalClient.connect(f"127.0.0.1:{cluster.temporal_port}")
    missing = []
    for nid in nominations:
        try:
            await client.get_workflow_handle(nomination_workflow_id(nid)).describe()
        except Exception:
            missing.append(nid)
    return missing


def test_nothing_acknowledged_is_lost_or_doubled_while_each_part_fails_in_turn(
    cluster: RunningCluster,
) -> None:
    stop = threading.Event()
    result: list[list[Client]] = []
    load = threading.Thread(target=lambda: result.append(run_load(cluster, stop)))
    load.start()
    time.sleep(5)
    figures: dict[str, Any] = {}
    try:
        faults(cluster, figures)
    finally:
        time.sleep(3)
        stop.set()
        load.join(timeout=300)
    [clients] = result
    written = [w for c in clients for w in c.acknowledged]
    unexpected = [u for c in clients for u in c.unexpected]
    assert unexpected == [], "\n".join(f"{w}: {a}" for w, a in unexpected)
    wait_until_quiet(cluster)

    # Writes work again within 5 s of PostgreSQL's return.
    for back in figures.pop("postgres_back_at"):
        first = min(w.at for w in written if w.at > back)
        figures.setdefault("writes_again_after_postgres_restart_s", []).append(first - back)
    assert all(s < 5 for s in figures["writes_again_after_postgres_restart_s"]), figures

    # Lost: every acknowledged write is in the log, and its effect shows through the API.
    events = command_events(cluster)
    by_command = Counter(command for command, _, _ in events)
    lost = [w for w in written if by_command[f"http:{w.username}:{w.key}"] == 0]
    assert lost == []
    reader = Http(cluster.bases[1]).signed_in(PROVINCE, PASSWORD)
    submitted = sorted({w.target for w in written if w.kind == "submit"})
    reviewed = {w.target for w in written if w.kind == "review"}
    for nid in submitted:
        shown = reader.get(f"/api/v1/nominations/{nid}")
        assert shown.status == 200
        assert shown.body["stage"] == ("public_notice" if nid in reviewed else "province_review")
        assert sorted(shown.body["statistics"]) == [str(y) for y in FIGURES]

    # Doubled: each write's one-off event appears once for its command.
    doubled = [
        (command, kind)
        for (command, kind), n in Counter((c, k) for c, k, _ in events if k in ONCE).items()
        if n > 1
    ]
    assert doubled == []
    reminders = Counter((c, k) for c, k, _ in events if k in ("ReminderSent", "DeadlineMissed"))
    assert [r for r, n in reminders.items() if n > 1] == []

    equal = views_equal_their_rebuilds(cluster)
    assert all(equal.values()), equal
    verified = subprocess.run(
        [sys.executable, "-m", "thidua.cli", "audit", "verify"],
        env={
            **cluster.env,
            "THIDUA_STORE": "postgres",
            "THIDUA_POSTGRES_URL": cluster.postgres_url,
        },
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert asyncio.run(missing_workflows(cluster, submitted)) == []
    for paused in figures["paused_relays"]:
        assert "relay.lease_lost" in cluster.log(paused)  # it woke, and wrote nothing
    # Working through a backlog on a busy host, the relay holding the lease kept it.
    assert figures["relay_lease_losses_while_busy"] == [0] * ROUNDS, figures

    retries = sum(c.retries for c in clients)
    print(
        f"\nfaults: {len(written)} acknowledged writes ({len(submitted)} submitted dossiers),"
        f" {retries} retries; lost 0, doubled 0, 5xx other than 503: 0;"
        f" views equal their rebuilds; audit verify intact;"
        f" workflows {len(submitted)}/{len(submitted)}"
    )
    for name, values in figures.items():
        if name.endswith(("_s", "_busy", "_paused")):
            print(f"{name}: " + ", ".join(f"{v:.2f}" for v in values))
