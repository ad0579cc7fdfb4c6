"""Projections on both stores: a SQLite file and PostgreSQL, same tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from domain.service import NominationService
from domain.units import UnitRegistry
from projections.runner import ProjectionRunner
from projections.views.database import Database, PostgresDatabase, SQLiteDatabase
from thidua.bootstrap import SQLITE_FACTORY, postgres_env
from thidua.embedded import fresh_schema, postgres_server


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    with postgres_server("THIDUA_TEST_POSTGRES_URL") as url:
        yield url


class Store:
    """One event store and its views' database."""

    def __init__(self, env: dict[str, str], database_factory: object) -> None:
        self.env = env
        self.database_factory = database_factory

    def service(self, units: UnitRegistry) -> NominationService:
        return NominationService(self.env, units=units)

    def database(self) -> Database:
        return self.database_factory()  # type: ignore[operator,no-any-return]


@pytest.fixture(params=["sqlite", "postgres"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    if request.param == "sqlite":
        path = str(tmp_path / "events.sqlite3")
        env = {"PERSISTENCE_MODULE": SQLITE_FACTORY, "SQLITE_DBNAME": path}
        yield Store(env, lambda: SQLiteDatabase(path))
        return
    url = request.getfixturevalue("postgres_url")
    with fresh_schema(url) as schema:
        yield Store(postgres_env(url, schema), lambda: PostgresDatabase(url, schema))


@pytest.fixture
def service(store: Store, units: UnitRegistry) -> Iterator[NominationService]:
    with store.service(units) as app:
        yield app


@pytest.fixture
def runner(store: Store, service: NominationService) -> Iterator[ProjectionRunner]:
    database = store.database()
    yield ProjectionRunner(service, database)
    database.close()
