"""Projections on both stores: a SQLite file and PostgreSQL, same tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest

from domain.units import UnitRegistry
from projections.runner import ProjectionRunner
from service.nomination_service import NominationService
from storage.views import Database, PostgresDatabase, SQLiteDatabase
from tests.scenarios import Story
from thidua.bootstrap import SQLITE_FACTORY, postgres_env
from thidua.embedded import fresh_schema


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


class StoredRows:
    """Direct access to the event table, as someone with the owner's rights would have:
    the append-only triggers are dropped before each change."""

    def __init__(self, service: NominationService, store: Store) -> None:
        self.service = service
        self.db = store.database()
        self.table = service.recorder.events_table_name  # type: ignore[attr-defined]
        assert service.snapshots is not None
        self.snapshots = service.snapshots.recorder.events_table_name  # type: ignore[attr-defined]
        self.sqlite = self.db.dialect == "sqlite"

    def key(self, aggregate_id: UUID) -> Any:
        return aggregate_id.hex if self.sqlite else aggregate_id

    def state(self, aggregate_id: UUID, version: int) -> bytes:
        with self.db.reading() as cursor:
            cursor.execute(
                f"SELECT state FROM {self.table}"  # noqa: S608
                " WHERE originator_id = ? AND originator_version = ?",
                (self.key(aggregate_id), version),
            )
            return bytes(cursor.fetchone()[0])

    def drop_guards(self, cursor: Any, table: str) -> None:
        for guard in ("no_update", "no_delete"):
            if self.sqlite:
                cursor.execute(f"DROP TRIGGER IF EXISTS {table}_{guard}")
            else:
                cursor.execute(f"DROP TRIGGER IF EXISTS {table}_{guard} ON {table}")

    def overwrite(self, aggregate_id: UUID, version: int, state: bytes) -> None:
        with self.db.transaction() as cursor:
            self.drop_guards(cursor, self.table)
            cursor.execute(
                f"UPDATE {self.table} SET state = ? WHERE originator_id = ?"  # noqa: S608
                " AND originator_version = ?",
                (state, self.key(aggregate_id), version),
            )

    def snapshot_state(self, aggregate_id: UUID) -> bytes:
        with self.db.reading() as cursor:
            cursor.execute(
                f"SELECT state FROM {self.snapshots} WHERE originator_id = ?",  # noqa: S608
                (self.key(aggregate_id),),
            )
            return bytes(cursor.fetchone()[0])

    def overwrite_snapshot(self, aggregate_id: UUID, state: bytes) -> None:
        with self.db.transaction() as cursor:
            self.drop_guards(cursor, self.snapshots)
            cursor.execute(
                f"UPDATE {self.snapshots} SET state = ? WHERE originator_id = ?",  # noqa: S608
                (state, self.key(aggregate_id)),
            )

    def swap(self, first: int, second: int) -> None:
        """Two events trade places in the log."""
        column = "rowid" if self.sqlite else "notification_id"
        with self.db.transaction() as cursor:
            self.drop_guards(cursor, self.table)
            for old, new in ((first, -1), (second, first), (-1, second)):
                cursor.execute(
                    f"UPDATE {self.table} SET {column} = ? WHERE {column} = ?",  # noqa: S608
                    (new, old),
                )

    def delete_aggregate(self, aggregate_id: UUID) -> None:
        with self.db.transaction() as cursor:
            self.drop_guards(cursor, self.table)
            cursor.execute(
                f"DELETE FROM {self.table} WHERE originator_id = ?",  # noqa: S608
                (self.key(aggregate_id),),
            )

    def delete(self, aggregate_id: UUID, version: int) -> None:
        with self.db.transaction() as cursor:
            self.drop_guards(cursor, self.table)
            cursor.execute(
                f"DELETE FROM {self.table} WHERE originator_id = ? AND originator_version = ?",  # noqa: S608
                (self.key(aggregate_id), version),
            )


@pytest.fixture
def rows(service: NominationService, store: Store) -> StoredRows:
    return StoredRows(service, store)


@pytest.fixture
def ids(service: NominationService, runner: ProjectionRunner) -> dict[str, UUID]:
    """A whole cycle's events (tests.scenarios), every view caught up with them."""
    built = Story(service).full_lifecycle()
    runner.catch_up_all()
    return built
