"""Exactly once, catch-up, rebuild and lag, on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from projections.board import BoardQuery
from projections.runner import ProjectionRunner
from service.nomination_service import NominationService
from tests.factories import SYSTEM, ctx, officer
from tests.projections.conftest import Store
from tests.scenarios import GOOD, Story

pytestmark = pytest.mark.projections


def count(runner: ProjectionRunner, table: str) -> int:
    with runner.database.reading() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {table}")  # noqa: S608
        return int(cursor.fetchone()[0])


def test_a_projection_that_dies_mid_page_applies_each_event_once_after_restart(
    service: NominationService, store: Store, runner: ProjectionRunner, units: Any
) -> None:
    Story(service).full_lifecycle()
    head = runner.head()
    projection = runner.projections["audit_trail"]
    real = projection.process_event
    seen = {"n": 0}

    def dies_after_writing_some_rows(event: Any, tracking: Any) -> None:
        real(event, tracking)
        seen["n"] += 1
        if seen["n"] == 40:
            raise SystemExit("killed before the page committed")

    projection.process_event = dies_after_writing_some_rows  # type: ignore[method-assign]
    runner.page_size = 25
    with pytest.raises(SystemExit):
        runner.catch_up("audit_trail")
    assert runner.position("audit_trail") == 25  # the first page committed, the second did not

    restarted = ProjectionRunner(service, store.database(), ["audit_trail"], page_size=25)
    restarted.catch_up("audit_trail")
    assert restarted.position("audit_trail") == head
    assert count(restarted, "audit_digests") == head  # one per event, none twice


def test_projections_catch_up_after_thousands_of_events(
    service: NominationService, runner: ProjectionRunner
) -> None:
    story = Story(service)
    nid = story.open("S-831-01", GOOD)
    with service.bulk():  # the writing is not what is tested: a few saves, not 3,000
        for i in range(3000):
            service.record_reminder(ctx(SYSTEM), nid, "collecting", ["a@example.org"], f"#{i}")
    runner.catch_up_all()
    assert all(lag.behind == 0 for lag in runner.lag())
    assert count(runner, "audit_digests") == runner.head()
    reminders = count(runner, "audit_trail WHERE kind = 'reminder'")
    assert reminders == 3000


def test_a_rebuilt_view_equals_the_view_built_live(
    service: NominationService, runner: ProjectionRunner
) -> None:
    story = Story(service)
    story.full_lifecycle()
    runner.page_size = 7  # live: many small pages, interleaved with writes
    runner.catch_up_all()
    extra = story.open("S-832-01", {})
    service.withdraw_nomination(ctx(officer()), extra, "x")
    runner.catch_up_all()
    live = {name: runner.view(name).digest() for name in runner.projections}
    runner.page_size = 500
    progress: list[tuple[int, int]] = []
    for name in runner.projections:
        runner.rebuild(name, lambda done, total: progress.append((done, total)))
    rebuilt = {name: runner.view(name).digest() for name in runner.projections}
    assert rebuilt == live
    assert progress[-1][0] == progress[-1][1] == runner.head()


def test_lag_counts_the_events_a_projection_has_not_applied(
    service: NominationService, runner: ProjectionRunner
) -> None:
    Story(service).open("S-831-01", GOOD)
    [board] = [lag for lag in runner.lag() if lag.name == "board"]
    assert board.behind == runner.head()
    runner.catch_up("board")
    [board] = [lag for lag in runner.lag() if lag.name == "board"]
    assert board.behind == 0


def test_a_running_runner_follows_new_events_until_stopped(
    service: NominationService, runner: ProjectionRunner
) -> None:
    import threading
    import time

    stop = threading.Event()
    follower = threading.Thread(target=runner.run_forever, args=(stop, 0.2))
    follower.start()
    try:
        Story(service).open("S-831-01", GOOD)
        deadline = time.monotonic() + 20
        while any(lag.behind for lag in runner.lag()) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert all(lag.behind == 0 for lag in runner.lag())
        assert runner.board_view.page_of(BoardQuery()).count == 1
    finally:
        stop.set()
        follower.join(timeout=10)
    assert not follower.is_alive()


def test_a_runner_told_to_stop_commits_the_page_it_is_applying_and_goes_no_further(
    service: NominationService, store: Store
) -> None:
    from projections.runner import ProjectionRunner
    from tests.scenarios import Story

    Story(service).full_lifecycle()
    database = store.database()
    runner = ProjectionRunner(service, database, ["audit_trail"], page_size=10)
    stop = threading.Event()
    projection = runner.projections["audit_trail"]
    apply = projection.process_event

    def applying_while_sigterm_arrives(event: Any, tracking: Any) -> None:
        stop.set()  # SIGTERM, in the middle of the first page
        apply(event, tracking)

    projection.process_event = applying_while_sigterm_arrives  # type: ignore[method-assign]
    runner.run_forever(stop, 0.1)
    reached = runner.position("audit_trail")
    assert 0 < reached < runner.head()  # the page was committed, and no other
    projection.process_event = apply  # type: ignore[method-assign]
    runner.catch_up("audit_trail")
    live = runner.audit_trail_view.digest()
    runner.rebuild("audit_trail")
    assert runner.audit_trail_view.digest() == live
    database.close()


def test_views_other_than_the_audit_trail_never_hash_the_events_they_read(
    service: NominationService, runner: ProjectionRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    import domain.chain
    import domain.store

    Story(service).full_lifecycle()
    hashed = {"n": 0}
    real = domain.chain.event_digest

    def counted(topic: str, state: Any) -> str:
        hashed["n"] += 1
        return real(topic, state)

    monkeypatch.setattr(domain.chain, "event_digest", counted)
    monkeypatch.setattr(domain.store, "event_digest", counted)
    for name in ("board", "task_inbox", "council_agenda", "statistics"):
        runner.rebuild(name)
    assert hashed["n"] == 0
    runner.rebuild("audit_trail")
    assert hashed["n"] == runner.head()


def test_the_audit_trail_records_each_event_with_the_digest_its_stored_state_has(
    service: NominationService, runner: ProjectionRunner
) -> None:
    Story(service).full_lifecycle()
    runner.catch_up_all()
    eager = {
        n.id: service.mapper.stored_content(n).digest  # type: ignore[attr-defined]
        for n in service.recorder.select_notifications(start=1, limit=100_000)
    }
    assert {
        position: digest for position, _, _, digest in runner.audit_trail_view.digests()
    } == eager


def test_runners_starting_together_on_one_views_database_create_it_in_turns(
    store: Store, service: NominationService
) -> None:
    """As a cluster's processes do: every view, lease and position table made at once."""
    from projections.lease import Lease
    from projections.tracking import Positions

    failures: list[BaseException] = []
    for _ in range(3):
        barrier = threading.Barrier(4)

        def start(barrier: threading.Barrier = barrier) -> None:
            database = store.database()
            barrier.wait()
            try:
                ProjectionRunner(service, database)
                Positions(database, "relay", Lease(database, "relay"))
            except BaseException as error:
                failures.append(error)

        threads = [threading.Thread(target=start) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        with store.database().transaction() as cursor:
            for table in ("board_nominations", "audit_trail", "projection_tracking", "leases"):
                cursor.execute(f"DROP TABLE IF EXISTS {table}")
    assert failures == []
