"""PostgreSQL restarts (a crash, a failover): every connection is cut. Each part of the
product gets new ones and carries on from where it was, within seconds."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest

from domain.units import UnitRegistry
from projections.tracking import Positions
from storage.views import PostgresDatabase
from thidua.embedded import EmbeddedPostgres

pytestmark = pytest.mark.integration

T = TypeVar("T")


@pytest.fixture
def server(tmp_path: Path) -> Iterator[EmbeddedPostgres]:
    """A server of the test's own: restarting the shared one would cut every other test."""
    own = EmbeddedPostgres(tmp_path / "pg" / "data")
    try:
        yield own
    finally:
        own.stop()


def within(seconds: float, attempt: Callable[[], T]) -> tuple[T, float]:
    """The first success of ``attempt`` and how long it took; the last failure after that."""
    start = time.monotonic()
    while True:
        try:
            return attempt(), time.monotonic() - start
        except Exception:
            if time.monotonic() - start > seconds:
                raise
            time.sleep(0.1)


def test_the_views_database_and_the_relays_position_work_again_after_a_restart(
    server: EmbeddedPostgres,
) -> None:
    database = PostgresDatabase(server.url)
    positions = Positions(database, "relay")
    positions.save("NominationService", 41)
    server.restart_immediately()
    _, took = within(5, lambda: positions.save("NominationService", 42))
    assert positions.get("NominationService") == 42
    assert took < 5
    database.close()


def test_the_event_store_takes_writes_again_after_a_restart(
    server: EmbeddedPostgres, units: UnitRegistry
) -> None:
    from service.nomination_service import NominationService
    from tests.factories import ADMIN, ctx
    from thidua.bootstrap import postgres_env

    env: dict[str, Any] = postgres_env(server.url)
    service = NominationService(env, units=units)
    unit = {
        "code": "S-831-91",
        "name": "Xã Một (dữ liệu mẫu)",
        "kind": "commune",
        "parent_code": "831",
        "valid_from": "2024-01-01",
        "valid_to": "2025-06-30",
        "synthetic": True,
    }
    service.register_unit(ctx(ADMIN), unit)
    server.restart_immediately()
    second = {**unit, "code": "S-831-92", "name": "Xã Hai (dữ liệu mẫu)"}
    result, took = within(5, lambda: service.register_unit(ctx(ADMIN), second))
    assert result.position is not None
    assert took < 5
    service.close()
