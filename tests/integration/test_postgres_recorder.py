"""The PostgreSQL recorder appends in one round trip and still commits ids in order."""

from __future__ import annotations

import threading
from datetime import date

import pytest

from domain.service import NominationService
from domain.units import UnitRegistry
from tests.factories import SYSTEM, ctx, officer
from thidua.bootstrap import postgres_env
from thidua.postgres import OrderedPostgresApplicationRecorder

pytestmark = pytest.mark.integration


def test_a_follower_reading_after_the_last_id_it_saw_never_passes_over_an_event(
    postgres_url: str, postgres_schema: str, units: UnitRegistry
) -> None:
    env = postgres_env(postgres_url, postgres_schema)
    writers = [NominationService(env, units=units) for _ in range(4)]
    codes = ["S-829-01", "S-831-01", "S-832-01", "S-834-01"]
    ids = [
        w.open_nomination(ctx(officer(), date(2024, 1, 8)), code, "bang-khen-tinh", 2023).id
        for w, code in zip(writers, codes, strict=True)
    ]
    recorder = writers[0].recorder
    assert isinstance(recorder, OrderedPostgresApplicationRecorder)
    done = threading.Event()
    seen: list[int] = []

    def follow() -> None:
        last = recorder.max_notification_id() or 0
        seen.extend(range(1, last + 1))
        while True:
            finished = done.is_set()
            batch = recorder.select_notifications(last + 1, 50)
            for notification in batch:
                seen.append(notification.id)
                last = notification.id
            if finished and not batch:
                return

    def write(index: int) -> None:
        for i in range(150):
            writers[index].record_reminder(
                ctx(SYSTEM), ids[index], "collecting", ["a@example.org"], f"#{i}"
            )

    follower = threading.Thread(target=follow)
    follower.start()
    threads = [threading.Thread(target=write, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    done.set()
    follower.join()
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
