"""One active runner per projection and one active relay: the others wait as standbys, take
over when the lease lapses, and a holder that wakes after losing it writes nothing."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest

from domain.units import UnitRegistry
from projections.lease import Lease, LeaseLost, LeaseTiming
from projections.runner import ProjectionRunner
from projections.tracking import Positions
from service.nomination_service import NominationService
from storage.views import PostgresDatabase
from tests.projections.conftest import Store
from tests.scenarios import Story
from thidua.bootstrap import postgres_env
from thidua.embedded import fresh_schema

pytestmark = pytest.mark.projections

TTL = 0.5


def test_a_lease_is_held_by_one_and_taken_over_with_a_new_token_once_it_lapses(
    store: Store,
) -> None:
    database = store.database()
    active = Lease(database, "relay", "active", TTL)
    standby = Lease(database, "relay", "standby", TTL)
    assert active.acquire()
    assert not standby.acquire()
    assert active.acquire()  # renewed
    time.sleep(TTL + 0.2)  # the active one is paused past its lease
    assert standby.acquire()
    assert (active.token, standby.token) == (1, 2)
    assert not active.acquire()
    database.close()


def test_a_paused_relay_that_wakes_after_losing_its_lease_cannot_move_the_position(
    store: Store,
) -> None:
    database = store.database()
    active_lease = Lease(database, "relay", "active", TTL)
    assert active_lease.acquire()
    active = Positions(database, "relay", active_lease)
    active.save("NominationService", 10)
    time.sleep(TTL + 0.2)
    standby_lease = Lease(database, "relay", "standby", TTL)
    assert standby_lease.acquire()
    standby = Positions(database, "relay", standby_lease)
    standby.save("NominationService", 25)
    with pytest.raises(LeaseLost):
        active.save("NominationService", 12)  # what it read before the pause
    assert standby.get("NominationService") == 25
    database.close()


@pytest.fixture
def on_postgres(
    postgres_url: str, units: UnitRegistry
) -> Iterator[tuple[Store, NominationService]]:
    """PostgreSQL alone: on SQLite a writer paused inside its transaction holds the one
    write lock, and every other writer waits for it whatever the lease says."""
    with fresh_schema(postgres_url) as schema:
        store = Store(
            postgres_env(postgres_url, schema), lambda: PostgresDatabase(postgres_url, schema)
        )
        with store.service(units) as service:
            yield store, service


def test_a_standby_runner_takes_over_and_the_woken_runners_page_is_rolled_back(
    on_postgres: tuple[Store, NominationService],
) -> None:
    store, service = on_postgres
    Story(service).full_lifecycle()
    first_db, second_db = store.database(), store.database()
    active = ProjectionRunner(service, first_db, ["board"], page_size=5)
    standby = ProjectionRunner(service, second_db, ["board"], page_size=5)
    active.leases = {"board": Lease(first_db, "projection:board", "active", TTL)}
    standby.leases = {"board": Lease(second_db, "projection:board", "standby", TTL)}
    assert active.leases["board"].acquire()
    active.step("board")
    assert not standby.leases["board"].acquire()

    # The active runner reads its next page, and is paused in the middle of applying it.
    projection = active.projections["board"]
    apply = projection.process_event
    paused, resume = threading.Event(), threading.Event()

    def applying_then_pausing(event: object, tracking: object) -> None:
        paused.set()
        resume.wait(10)
        apply(event, tracking)  # type: ignore[arg-type]

    projection.process_event = applying_then_pausing  # type: ignore[method-assign]
    outcome: list[BaseException] = []

    def page() -> None:
        try:
            active.step("board")
        except BaseException as error:
            outcome.append(error)

    woken = threading.Thread(target=page)
    woken.start()
    assert paused.wait(10)
    time.sleep(TTL + 0.2)  # paused past its lease
    assert standby.leases["board"].acquire()
    standby.catch_up("board")
    head = standby.head()
    assert standby.position("board") == head
    resume.set()
    woken.join(timeout=20)
    assert [type(e) for e in outcome] == [LeaseLost]
    assert standby.position("board") == head

    live = standby.board_view.digest()
    standby.board_view.drop()
    standby.leases = {}
    standby.catch_up("board")
    assert standby.board_view.digest() == live  # nothing applied twice
    first_db.close()
    second_db.close()


def test_run_forever_follows_only_with_its_lease_and_releases_it_on_stop(
    store: Store, service: NominationService
) -> None:
    database = store.database()
    runner = ProjectionRunner(service, database, ["board"], timing=LeaseTiming.for_ttl(TTL))
    holder = Lease(database, "projection:board", "someone else", 30)
    assert holder.acquire()
    Story(service).full_lifecycle()
    stop = threading.Event()
    follower = threading.Thread(target=runner.run_forever, args=(stop, 0.1))
    follower.start()
    time.sleep(0.5)
    assert runner.position("board") == 0  # a standby while the lease is held elsewhere
    holder.release()
    deadline = time.monotonic() + 5
    while runner.position("board") < runner.head() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert runner.position("board") == runner.head()
    stop.set()
    follower.join(timeout=10)
    assert holder.acquire()  # released on stop: the next runner need not wait
    database.close()
