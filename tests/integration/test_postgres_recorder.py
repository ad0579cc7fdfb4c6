"""The PostgreSQL recorder appends in one round trip and still commits ids in order."""

from __future__ import annotations

from datetime import date

import pytest

from domain.units import UnitRegistry
from service.nomination_service import NominationService
from storage.postgres import OrderedPostgresApplicationRecorder
from tests.factories import ctx, officer
from tests.integration.followers import follow_while_writing
from thidua.bootstrap import postgres_env

pytestmark = pytest.mark.integration


def test_a_follower_reading_after_the_last_id_it_saw_never_passes_over_an_event(
    postgres_url: str, postgres_schema: str, units: UnitRegistry
) -> None:
    env = postgres_env(postgres_url, postgres_schema)
    writers = [NominationService(env, units=units) for _ in range(4)]
    recorder = writers[0].recorder
    assert isinstance(recorder, OrderedPostgresApplicationRecorder)
    seen = follow_while_writing(writers, 150)
    every = [n.id for n in recorder.select_notifications(1, 10_000)]
    assert len(every) == 4 + 4 * 150
    assert seen == every  # nothing skipped, nothing twice, in order
    for w in writers:
        w.close()


def test_a_save_of_several_events_gets_consecutive_positions(
    postgres_url: str, postgres_schema: str, units: UnitRegistry
) -> None:
    service = NominationService(postgres_env(postgres_url, postgres_schema), units=units)
    nid = service.open_nomination(
        ctx(officer(), date(2024, 1, 8)), "S-831-01", "bang-khen-tinh", 2023
    ).id
    for year, (total, poor) in {2021: (4000, 400), 2022: (4020, 310), 2023: (4040, 220)}.items():
        service.record_statistics(
            ctx(officer()), nid, year, {"total_households": total, "poor_households": poor}
        )
    service.write_achievement_report(ctx(officer()), nid, "Báo cáo.")
    before = service.recorder.max_notification_id() or 0
    result = service.submit_nomination(ctx(officer(), date(2024, 1, 15)), nid)
    assert result.position == before + 2  # CriterionChecked and Submitted, together
    positions = [n.id for n in service.recorder.select_notifications(before + 1, 10)]
    assert positions == [before + 1, before + 2]
    service.close()


def test_processes_starting_together_on_one_store_do_not_deadlock_creating_it(
    postgres_url: str, postgres_schema: str, units: UnitRegistry
) -> None:
    """Every process (re)creates the store's functions and guards as it starts; several
    starting at once, as a cluster does, take turns rather than deadlock."""
    import threading

    env = postgres_env(postgres_url, postgres_schema)
    NominationService(env, units=units).close()  # the tables exist, as after a first start
    failures: list[BaseException] = []
    for _ in range(5):
        barrier = threading.Barrier(4)

        def start(barrier: threading.Barrier = barrier) -> None:
            barrier.wait()
            try:
                NominationService(env, units=units).close()
            except BaseException as error:
                failures.append(error)

        threads = [threading.Thread(target=start) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert failures == []
