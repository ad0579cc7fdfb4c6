"""The API over HTTP, with a real store (a SQLite file, or PostgreSQL for `store_api`):
accounts for every role, tokens, an event count."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from domain.context import SYSTEM_ACTOR, CommandContext
from domain.units import UnitRegistry
from projections.runner import ProjectionRunner
from service.nomination_service import NominationService
from storage.views import PostgresDatabase, SQLiteDatabase
from thidua.bootstrap import SQLITE_FACTORY, build_app, postgres_env
from thidua.embedded import fresh_schema
from thidua.passwords import hash_password
from thidua.settings import Settings

PASSWORD = "a-long-test-password"
ACCOUNTS: dict[str, list[dict[str, Any]]] = {
    "officer": [{"role": "unit_officer", "scope": "831"}],
    "officer-829": [{"role": "unit_officer", "scope": "829"}],
    "officer-83": [{"role": "unit_officer", "scope": "83"}],
    "officer-86": [{"role": "unit_officer", "scope": "86"}],
    "district-831": [{"role": "district_reviewer", "scope": "831"}],
    "district-829": [{"role": "district_reviewer", "scope": "829"}],
    "province": [{"role": "province_reviewer"}],
    "inspector": [{"role": "inspector", "scope": "team-1"}],
    "inspector-2": [{"role": "inspector", "scope": "team-2"}],
    "secretary": [{"role": "council_secretary"}],
    "auditor": [{"role": "auditor"}],
    "chairman": [{"role": "awarding_authority", "scope": "ubnd-tinh-ben-tre"}],
    "chairman-vinh-long": [{"role": "awarding_authority", "scope": "ubnd-tinh-vinh-long"}],
    **{f"member-{i}": [{"role": "council_member"}] for i in range(1, 6)},
}
ADMIN_PASSWORD = "the-first-admin-password"


class Api:
    def __init__(self, client: TestClient, service: NominationService) -> None:
        self.client = client
        self.service = service
        self._tokens: dict[str, str] = {}

    def token(self, username: str) -> str:
        if username not in self._tokens:
            password = ADMIN_PASSWORD if username == "admin" else PASSWORD
            response = self.client.post(
                "/api/v1/auth/token", data={"username": username, "password": password}
            )
            assert response.status_code == 200, response.text
            self._tokens[username] = response.json()["access_token"]
        return self._tokens[username]

    def as_(self, username: str | None, **headers: str) -> dict[str, str]:
        if username is not None:
            headers["Authorization"] = f"Bearer {self.token(username)}"
        return headers

    def get(self, path: str, who: str | None, **kw: Any) -> Any:
        return self.client.get(path, headers=self.as_(who, **kw.pop("headers", {})), **kw)

    def post(self, path: str, who: str | None, **kw: Any) -> Any:
        return self.client.post(path, headers=self.as_(who, **kw.pop("headers", {})), **kw)

    def put(self, path: str, who: str | None, **kw: Any) -> Any:
        return self.client.put(path, headers=self.as_(who, **kw.pop("headers", {})), **kw)

    def events(self) -> int:
        return self.service.recorder.max_notification_id() or 0


def build(
    settings: Settings, env: dict[str, str], database: Any, units: UnitRegistry
) -> Iterator[Api]:
    service = NominationService(env, units=units)
    hashed = hash_password(PASSWORD)
    for username, grants in ACCOUNTS.items():
        service.register_account(
            CommandContext(
                SYSTEM_ACTOR, f"test/{username}", "test", date(2024, 1, 1), at=datetime.now(UTC)
            ),
            username,
            hashed,
            grants,
            username,
        )
    runner = ProjectionRunner(service, database)
    app = build_app(settings, service=service, runner=runner)
    with TestClient(app) as client:
        yield Api(client, service)
    service.close()


def settings_for(tmp_path: Path) -> Settings:
    return Settings(  # type: ignore[call-arg]
        data_dir=tmp_path, admin_password=ADMIN_PASSWORD, read_wait_seconds=10, _env_file=None
    )


@pytest.fixture
def api(tmp_path: Path, units: UnitRegistry) -> Iterator[Api]:
    path = str(tmp_path / "events.sqlite3")
    env = {
        "PERSISTENCE_MODULE": SQLITE_FACTORY,
        "SQLITE_DBNAME": path,
        "AGGREGATE_CACHE_MAXSIZE": "100",
    }
    yield from build(settings_for(tmp_path), env, SQLiteDatabase(path), units)


@pytest.fixture
def shipped_api(tmp_path: Path, shipped_units: UnitRegistry) -> Iterator[Api]:
    """The API on the units the product ships (the shipped sample's units)."""
    path = str(tmp_path / "events.sqlite3")
    env = {"PERSISTENCE_MODULE": SQLITE_FACTORY, "SQLITE_DBNAME": path}
    yield from build(settings_for(tmp_path), env, SQLiteDatabase(path), shipped_units)


@pytest.fixture(params=["sqlite", "postgres"])
def store_api(request: pytest.FixtureRequest, tmp_path: Path, units: UnitRegistry) -> Iterator[Api]:
    if request.param == "sqlite":
        yield request.getfixturevalue("api")
        return
    url = request.getfixturevalue("postgres_url")
    with fresh_schema(url) as schema:
        env = {**postgres_env(url, schema), "AGGREGATE_CACHE_MAXSIZE": "100"}
        yield from build(settings_for(tmp_path), env, PostgresDatabase(url, schema), units)
