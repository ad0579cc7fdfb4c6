"""The service contract on a SQLite file and on PostgreSQL: same tests, another env."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from domain.units import UnitRegistry
from service.nomination_service import NominationService
from tests.service_contract import SharedStoreContract
from thidua.bootstrap import SQLITE_FACTORY, postgres_env

pytestmark = pytest.mark.integration


class TwoProcesses(SharedStoreContract):
    """Two services on one store stand for two processes sharing it."""

    @pytest.fixture
    def env(self) -> dict[str, str]:
        raise NotImplementedError

    @pytest.fixture
    def service(self, env: dict[str, str], units: UnitRegistry) -> Iterator[NominationService]:
        with NominationService(env, units=units) as app:
            yield app

    @pytest.fixture
    def second_service(
        self, env: dict[str, str], units: UnitRegistry
    ) -> Iterator[NominationService]:
        with NominationService(env, units=units) as app:
            yield app


class TestSQLiteFileService(TwoProcesses):
    @pytest.fixture
    def env(self, tmp_path: Path) -> dict[str, str]:
        return {
            "PERSISTENCE_MODULE": SQLITE_FACTORY,
            "SQLITE_DBNAME": str(tmp_path / "events.sqlite3"),
            "SQLITE_LOCK_TIMEOUT": "10",
            "AGGREGATE_CACHE_MAXSIZE": "100",
        }


class TestPostgresService(TwoProcesses):
    @pytest.fixture
    def env(self, postgres_url: str, postgres_schema: str) -> dict[str, str]:
        return {**postgres_env(postgres_url, postgres_schema), "AGGREGATE_CACHE_MAXSIZE": "100"}
