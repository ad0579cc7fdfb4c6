"""A client that got no answer sends its command again, perhaps to another process while
the first attempt still runs. Whichever attempt saves first, the command is applied once and
the other attempt is answered as a replay, not refused."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from eventsourcing.domain import Aggregate

from domain.units import UnitRegistry
from service.nomination_service import NominationService
from tests.factories import ADMIN, ctx, officer, stats
from tests.scenarios import GOOD, Story
from thidua.bootstrap import SQLITE_FACTORY


def two_processes(
    tmp_path: Path, units: UnitRegistry
) -> tuple[NominationService, NominationService]:
    env = {"PERSISTENCE_MODULE": SQLITE_FACTORY, "SQLITE_DBNAME": str(tmp_path / "events.db")}
    return NominationService(env, units=units), NominationService(env, units=units)


def test_a_statistics_command_that_lost_the_race_to_its_own_first_attempt_is_a_replay(
    tmp_path: Path, units: UnitRegistry
) -> None:
    first, second = two_processes(tmp_path, units)
    nid = Story(first).open("S-831-01", GOOD)
    command = ctx(officer(), command_id="http:officer:stats-again")
    figures = stats(4100, 200)
    save = second._commit

    def first_attempt_saves_meanwhile(*aggregates: Aggregate) -> Any:
        first.record_statistics(command, nid, 2023, figures)
        return save(*aggregates)

    second._commit = first_attempt_saves_meanwhile  # type: ignore[method-assign]
    answered = second.record_statistics(command, nid, 2023, figures)
    assert answered.replayed
    recorded = [
        e
        for e in first.events.get(nid)
        if type(e).__name__ == "StatisticsRecorded" and e.command_id == command.command_id  # type: ignore[attr-defined]
    ]
    assert len(recorded) == 1


def test_a_unit_registration_that_lost_the_race_to_its_own_first_attempt_is_a_replay(
    tmp_path: Path, units: UnitRegistry
) -> None:
    first, second = two_processes(tmp_path, units)
    unit = {
        "code": "S-831-66",
        "name": "Xã Đua (dữ liệu mẫu)",
        "kind": "commune",
        "parent_code": "831",
        "valid_from": "2024-01-01",
        "valid_to": "2025-06-30",
        "synthetic": True,
    }
    first.register_unit(ctx(ADMIN), {**unit, "code": "S-831-65"})  # the catalogue exists
    command = ctx(ADMIN, command_id="http:admin:unit-again")
    save = second._commit

    def first_attempt_saves_meanwhile(*aggregates: Aggregate) -> Any:
        first.register_unit(command, unit)
        return save(*aggregates)

    second._commit = first_attempt_saves_meanwhile  # type: ignore[method-assign]
    assert second.register_unit(command, unit).replayed


def test_units_registered_at_once_through_two_processes_are_both_registered(
    tmp_path: Path, units: UnitRegistry
) -> None:
    first, second = two_processes(tmp_path, units)
    unit = {
        "code": "S-831-61",
        "name": "Xã Một (dữ liệu mẫu)",
        "kind": "commune",
        "parent_code": "831",
        "valid_from": "2024-01-01",
        "valid_to": "2025-06-30",
        "synthetic": True,
    }
    first.register_unit(ctx(ADMIN), {**unit, "code": "S-831-60"})  # the catalogue exists
    save = second._commit
    raced: list[bool] = []

    def another_registration_saves_meanwhile(*aggregates: Aggregate) -> Any:
        if not raced:
            raced.append(True)
            first.register_unit(ctx(ADMIN), {**unit, "code": "S-831-62", "name": "Xã Hai"})
        return save(*aggregates)

    second._commit = another_registration_saves_meanwhile  # type: ignore[method-assign]
    assert not second.register_unit(ctx(ADMIN), unit).replayed
    assert {"S-831-60", "S-831-61", "S-831-62"} <= {u.code for u in second.registry()}
