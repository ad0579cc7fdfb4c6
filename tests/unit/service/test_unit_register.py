"""Registering units costs the same however many came before: the catalogue is neither
rebuilt from the store nor scanned for each registration."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from domain.store import CheckedRepository
from domain.units import UnitRegistry, catalogue_id
from service.nomination_service import NominationService
from tests.factories import ADMIN, ctx
from thidua.bootstrap import SQLITE_FACTORY


def unit(n: int) -> dict[str, Any]:
    return {
        "code": f"S-831-R{n:04d}",
        "name": f"Xã {n} (dữ liệu mẫu)",
        "kind": "commune",
        "parent_code": "831",
        "valid_from": "2020-02-01",
        "valid_to": "2025-06-30",
        "synthetic": True,
    }


def test_registering_more_units_rebuilds_the_catalogue_from_the_store_no_more_often(
    tmp_path: Path, units: UnitRegistry, monkeypatch: pytest.MonkeyPatch
) -> None:
    env = {
        "PERSISTENCE_MODULE": SQLITE_FACTORY,
        "SQLITE_DBNAME": str(tmp_path / "events.db"),
        "AGGREGATE_CACHE_MAXSIZE": "100",
    }
    service = NominationService(env, units=units)
    for n in range(3):
        service.register_unit(ctx(ADMIN), unit(n))
    rebuilt: list[Any] = []
    rebuild = CheckedRepository._reconstruct_aggregate

    def counting(self: CheckedRepository, aggregate_id: Any, *args: Any) -> Any:
        if aggregate_id == catalogue_id():
            rebuilt.append(aggregate_id)
        return rebuild(self, aggregate_id, *args)

    monkeypatch.setattr(CheckedRepository, "_reconstruct_aggregate", counting)
    for n in range(3, 603):  # past a snapshot, too
        service.register_unit(ctx(ADMIN), unit(n))
    assert rebuilt == []
    assert service.knows_unit("S-831-R0602")
    other = NominationService(env, units=units)  # another process sees them all
    assert len([u for u in other.registry() if u.code.startswith("S-831-R")]) == 603
    service.close()
    other.close()


def fresh(tmp_path: Path, units: UnitRegistry) -> NominationService:
    env = {
        "PERSISTENCE_MODULE": SQLITE_FACTORY,
        "SQLITE_DBNAME": str(tmp_path / "bulk.db"),
        "AGGREGATE_CACHE_MAXSIZE": "100",
    }
    return NominationService(env, units=units)


def test_a_bulk_registration_saves_in_chunks_of_about_a_megabyte_and_again_changes_nothing(
    tmp_path: Path, units: UnitRegistry
) -> None:
    service = fresh(tmp_path, units)
    rows = [unit(n) for n in range(5000)]
    command = ctx(ADMIN, command_id="bulk-1")
    results = service.register_units(command, rows)
    assert len(results) >= 2  # more than a megabyte of units
    assert not any(r.replayed for r in results)
    assert service.knows_unit("S-831-R4999")
    head = service.head()
    again = service.register_units(command, rows)
    assert all(r.replayed for r in again)
    assert service.head() == head
    service.close()


def test_a_bulk_registration_with_one_wrong_row_registers_nothing_and_names_the_row(
    tmp_path: Path, units: UnitRegistry
) -> None:
    from domain.errors import AlreadyExists, InvalidInput

    service = fresh(tmp_path, units)
    rows = [unit(n) for n in range(10)]
    rows[7] = {**rows[7], "kind": "planet"}
    with pytest.raises(InvalidInput, match=r"units\[7\]\.kind"):
        service.register_units(ctx(ADMIN), rows)
    assert service.head() == 0
    service.register_unit(ctx(ADMIN), unit(3))
    head = service.head()
    with pytest.raises(AlreadyExists, match=r"units\[3\]\.code"):
        service.register_units(ctx(ADMIN), [unit(n) for n in range(10)])
    assert service.head() == head
    orphan = {**unit(20), "parent_code": "NOWHERE"}
    with pytest.raises(InvalidInput, match=r"units\[0\]\.parent_code"):
        service.register_units(ctx(ADMIN), [orphan])
    service.close()
