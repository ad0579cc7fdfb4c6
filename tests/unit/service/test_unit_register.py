"""Registering units costs the same however many came before: the catalogue is neither
rebuilt from the store nor scanned for each registration."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from domain.service import NominationService
from domain.store import CheckedRepository
from domain.units import UnitRegistry, catalogue_id
from tests.factories import ADMIN, ctx
from thidua.bootstrap import SQLITE_FACTORY


def unit(n: int) -> dict[str, Any]:
    return {
        "code": f"S-831-R{n:04d}",
        "name": f"Xã {n} (dữ liệu mẫu)",
        "kind": "commune",
        "parent_code": "831",
        "valid_from": "2020-01-01",
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
