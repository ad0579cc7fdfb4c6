"""Schemathesis against the app's own OpenAPI: no server errors, no answer outside the schema."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import Case
from schemathesis.checks import not_a_server_error
from schemathesis.python import asgi
from schemathesis.specs.openapi.checks import response_schema_conformance

from domain.units import UnitRegistry
from storage.views import SQLiteDatabase
from tests.api.conftest import build, settings_for
from thidua.bootstrap import SQLITE_FACTORY

pytestmark = pytest.mark.api
EXAMPLES = 6  # per operation: bounded so the suite stays fast


def fuzz(operation: Any, headers: dict[str, str], calls: list[str]) -> Any:
    @settings(
        max_examples=EXAMPLES, deadline=None, database=None, suppress_health_check=list(HealthCheck)
    )
    @given(case=operation.as_strategy())
    def exercise(case: Case) -> None:
        calls.append(case.operation.label)
        case.call_and_validate(
            headers=headers, checks=[not_a_server_error, response_schema_conformance]
        )

    return exercise


@pytest.mark.slow
def test_the_api_never_errs_and_never_contradicts_its_schema(
    tmp_path: Path, units: UnitRegistry
) -> None:
    path = str(tmp_path / "events.sqlite3")
    env = {"PERSISTENCE_MODULE": SQLITE_FACTORY, "SQLITE_DBNAME": path}
    for api in build(settings_for(tmp_path), env, SQLiteDatabase(path), units):
        state = api.client.app.state.thidua  # type: ignore[attr-defined]
        state.clock = lambda: date(2024, 1, 15)
        state.settings.read_wait_seconds = 0.2
        headers = {"Authorization": f"Bearer {api.token('province')}"}
        schema = schemathesis.openapi.from_asgi("/openapi.json", api.client.app)
        operations, calls = 0, []
        for result in schema.get_all_operations():
            operations += 1
            fuzz(result.ok(), headers, calls)()
        asgi.shutdown_lifespans()  # the lifespan schemathesis started ends before the store closes
        assert operations >= 35
        assert len(set(calls)) == operations  # every operation was called
