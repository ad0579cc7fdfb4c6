"""A lease holder that is slow but working keeps its lease and reaches the head of the log:
a page that takes several times the lease's life is committed in steps, and the lease is
renewed while they go on. A standby watching all along never gets it."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable
from typing import Any

import pytest

from projections.lease import Keeper, Lease, LeaseTiming, create_lease_table, lease_statuses
from projections.runner import ProjectionRunner
from projections.tracking import Positions
from service.nomination_service import NominationService
from storage.views import Database
from tests.projections.conftest import Store
from tests.scenarios import Story
from workflows.relay import TOPICS, Relay

pytestmark = pytest.mark.projections

TTL = 0.6
TIMING = LeaseTiming.for_ttl(TTL)


def wait_for(condition: Callable[[], bool], seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"waited {seconds} s for {what}"
        time.sleep(0.05)


def lease_row(database: Database, name: str) -> tuple[int, int]:
    """The lease's fencing token (1 while nobody ever took it over) and its losses."""
    [found] = [s for s in lease_statuses(database) if s.name == name]
    return found.token, found.losses


class SlowTemporal:
    """A Temporal that takes ``delay`` seconds for each signal, one at a time."""

    def __init__(self, delay: float) -> None:
        self.delay = delay
        self.sent: list[str] = []
        self.busy = 0.0

    async def start_workflow(self, *_: Any, start_signal_args: list[Any], **__: Any) -> None:
        started = time.monotonic()
        time.sleep(self.delay)  # a busy host: the event loop itself is held up
        self.sent.append(start_signal_args[0].event_id)
        self.busy += time.monotonic() - started


def test_a_relay_whose_signals_are_slow_keeps_its_lease_and_reaches_the_head(
    store: Store, service: NominationService
) -> None:
    Story(service).full_lifecycle()
    wanted = {
        f"{n.originator_id}:{n.originator_version}"
        for n in service.read_log(0, 10_000, service.head(), TOPICS)
    }
    database = store.database()
    temporal = SlowTemporal(delay=4 * TTL / len(wanted) + 0.01)

    def relay(holder: str) -> Relay:
        lease = Lease(database, "relay", holder, TTL)
        positions = Positions(database, "relay", lease)
        return Relay(service, positions, temporal, "q", lease=lease, timing=TIMING)  # type: ignore[arg-type]

    active, standby = relay("active"), relay("standby")

    async def both() -> None:
        stop = asyncio.Event()
        running = [asyncio.create_task(active.run(stop, poll_seconds=0.05))]
        while active.lease is None or active.lease.token is None:
            await asyncio.sleep(0.01)
        running.append(asyncio.create_task(standby.run(stop, poll_seconds=0.05)))
        deadline = time.monotonic() + 60
        while active.lag() and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        stop.set()
        await asyncio.gather(*running)

    asyncio.run(both())
    assert active.lag() == 0
    assert set(temporal.sent) == wanted
    assert temporal.busy >= 3 * TTL, "the page must outlast the lease for the test to mean it"
    assert lease_row(database, "relay") == (1, 0)  # never taken over, never lost
    database.close()


def test_a_runner_whose_handler_is_slow_keeps_its_lease_and_reaches_the_head(
    store: Store, service: NominationService
) -> None:
    Story(service).full_lifecycle()
    databases = [store.database(), store.database()]
    runners = [ProjectionRunner(service, db, ["board"], timing=TIMING) for db in databases]
    events = len(
        service.read_log(0, 10_000, service.head(), runners[0].projections["board"].topics)
    )
    delay = 4 * TTL / events
    busy = [0.0]
    for runner in runners:
        projection = runner.projections["board"]
        handle = projection.process_event

        def slow(event: Any, tracking: Any, handle: Any = handle) -> None:
            started = time.monotonic()
            time.sleep(delay)
            handle(event, tracking)
            busy[0] += time.monotonic() - started

        projection.process_event = slow  # type: ignore[method-assign]
    stop = threading.Event()
    threads = [threading.Thread(target=r.run_forever, args=(stop, 0.05)) for r in runners]
    threads[0].start()

    def holds() -> bool:
        held = runners[0].leases.get("board")
        return held is not None and held.token is not None

    wait_for(holds, 10, "the first runner to hold the lease")
    threads[1].start()
    try:
        wait_for(lambda: runners[0].position("board") >= runners[0].head(), 60, "the head")
        # Read while both still run: stopping releases the holder's lease, and the standby,
        # not yet stopped, may then take it, which says nothing of the slow page.
        at_the_head = lease_row(databases[0], "projection:board")
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=20)
    assert busy[0] >= 3 * TTL, "the page must outlast the lease for the test to mean it"
    assert at_the_head == (1, 0)
    for db in databases:
        db.close()


def test_a_holder_alive_but_stuck_stops_renewing_and_a_standby_takes_over(
    store: Store,
) -> None:
    database = store.database()
    create_lease_table(database)
    stuck = Lease(database, "relay", "stuck", TTL)
    assert stuck.acquire()
    with Keeper([stuck], TIMING.renew_every, TIMING.ttl):  # nothing reports progress
        standby = Lease(database, "relay", "standby", TTL)
        wait_for(standby.acquire, 5 * TTL, "the standby to take the lease")
    assert lease_row(database, "relay") == (2, 1)  # one loss, counted in the database
    database.close()
