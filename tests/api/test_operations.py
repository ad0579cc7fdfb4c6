"""The API describes itself, logs without secrets, and exposes its metrics."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
import structlog
from fastapi.testclient import TestClient
from pydantic import SecretStr

from projections.lease import Lease
from tests.api.conftest import PASSWORD, Api

pytestmark = pytest.mark.api


def test_every_operation_has_a_summary_a_role_tag_and_request_examples(api: Api) -> None:
    spec = api.client.get("/openapi.json").json()
    roles = {t["name"] for t in spec["tags"]}
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            where = f"{method.upper()} {path}"
            assert operation.get("summary"), where
            assert operation.get("tags"), where
            assert set(operation["tags"]) <= roles, where
            for media, content in operation.get("requestBody", {}).get("content", {}).items():
                if media == "multipart/form-data":
                    continue
                ref = content.get("schema", {}).get("$ref")
                component = spec["components"]["schemas"][ref.split("/")[-1]] if ref else {}
                by_field = all("examples" in p for p in component.get("properties", {}).values())
                assert "examples" in component or "example" in content or by_field, where


def test_logs_carry_the_request_id_and_never_the_token(api: Api) -> None:
    with structlog.testing.capture_logs() as logs:
        token = api.client.post(
            "/api/v1/auth/token", data={"username": "auditor", "password": PASSWORD}
        ).json()["access_token"]
        api.client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    text = repr(logs)
    assert token not in text
    assert PASSWORD not in text
    assert any(entry.get("event") == "login.ok" for entry in logs)


def scraped(api: Api) -> str:
    """/metrics as Prometheus reads it, with the operations token."""
    settings = api.client.app.state.thidua.settings  # type: ignore[attr-defined]
    settings.metrics_token = SecretStr("operations-token-for-the-test")
    return str(
        api.client.get(
            "/metrics", headers={"Authorization": "Bearer operations-token-for-the-test"}
        ).text
    )


def test_metrics_count_requests_and_report_projection_and_relay_lag(api: Api) -> None:
    api.get("/api/v1/me", "auditor")
    metrics = scraped(api)
    assert 'thidua_http_requests_total{method="GET",route="/api/v1/me",status="200"}' in metrics
    assert "thidua_http_request_seconds_bucket" in metrics
    assert 'thidua_projection_lag_events{projection="board"}' in metrics
    assert "thidua_relay_lag_events" in metrics


def details(api: Api) -> dict[str, Any]:
    """What operators see behind the public probe."""
    return dict(api.get("/api/v1/operations/readiness", "auditor").json())


def test_readiness_checks_the_store(api: Api) -> None:
    assert api.client.get("/readyz").json() == {"ready": True}
    ready = details(api)
    assert ready["ready"] is True
    assert ready["checks"]["store"]["ok"] is True
    assert ready["checks"]["append_only"]["ok"] is True


def test_the_public_probe_says_ready_or_not_and_nothing_more(api: Api) -> None:
    assert api.client.get("/readyz").json() == {"ready": True}
    assert "head" in details(api)["checks"]["store"]
    assert api.get("/api/v1/operations/readiness", "officer").status_code == 403


def test_readiness_fails_while_an_append_only_trigger_is_missing(api: Api) -> None:
    with api.client.app.state.thidua.database.transaction() as cursor:  # type: ignore[attr-defined]
        cursor.execute("DROP TRIGGER stored_events_no_update")
    response = api.client.get("/readyz")
    assert response.status_code == 503
    assert response.json() == {"ready": False}  # which trigger is no stranger's business
    assert details(api)["checks"]["append_only"] == {
        "ok": False,
        "missing": ["stored_events_no_update"],
    }


def test_an_unreachable_store_is_503_with_a_retry_hint(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sqlite3

    def down(*_: object, **__: object) -> None:
        raise sqlite3.OperationalError("unable to open database file")

    monkeypatch.setattr(api.service, "get_nomination", down)
    response = api.get("/api/v1/nominations/00000000-0000-0000-0000-000000000001", "auditor")
    assert response.status_code == 503
    assert response.headers["Retry-After"]
    assert response.headers["content-type"].startswith("application/problem+json")


REQUEST_ID = "0b7f3c9e-5a44-4f7e-9a0e-2d6a7c1f8b42"


def test_the_request_id_becomes_the_correlation_id_of_the_events_it_causes(api: Api) -> None:
    response = api.post(
        "/api/v1/accounts",
        "admin",
        headers={"X-Request-ID": REQUEST_ID},
        json={
            "username": "new.user",
            "password": "a-long-passphrase",
            "roles": [{"role": "auditor"}],
        },
    )
    assert response.status_code == 201
    assert response.headers["X-Request-ID"] == REQUEST_ID
    from uuid import UUID

    [registered] = list(api.service.events.get(UUID(response.json()["id"])))
    assert registered.correlation_id == REQUEST_ID  # type: ignore[attr-defined]
    assert registered.actor_id == "admin"  # type: ignore[attr-defined]


def test_readiness_is_503_while_temporal_cannot_be_reached(api: Api) -> None:
    async def unreachable() -> bool:
        raise ConnectionError("connection refused")

    api.client.app.state.thidua.temporal_probe = unreachable  # type: ignore[attr-defined]
    response = api.client.get("/readyz")
    assert response.status_code == 503
    assert details(api)["checks"]["temporal"]["ok"] is False


def test_a_complaint_is_resolved_under_its_own_nomination_without_waiting_for_a_read_model(
    api: Api,
) -> None:
    from datetime import date

    from tests.factories import PROVINCE, ctx
    from tests.scenarios import GOOD, Story

    story = Story(api.service)
    first, second = story.open("S-831-01", GOOD), story.open("S-832-01", GOOD)
    for nid in (first, second):
        story.to_province_review(nid)
        api.service.complete_province_review(ctx(PROVINCE, date(2024, 3, 1)), nid, "approve", "")
    complaint, _ = api.service.file_complaint(
        ctx(PROVINCE, date(2024, 3, 2)), first, "Phản ánh.", "Người dân"
    )
    before = api.events()
    body = {"resolution": "Không có cơ sở.", "upheld": False}
    wrong = api.post(
        f"/api/v1/nominations/{second}/complaints/{complaint}/resolve", "province", json=body
    )
    assert wrong.status_code == 422
    assert "complaint_id" in wrong.text
    assert api.events() == before
    right = api.post(
        f"/api/v1/nominations/{first}/complaints/{complaint}/resolve", "province", json=body
    )
    assert right.status_code == 200, right.text


def test_readiness_is_503_while_the_views_database_cannot_be_reached(api: Api) -> None:
    from storage.views import PostgresDatabase
    from tests.processes import free_port

    state = api.client.app.state.thidua  # type: ignore[attr-defined]
    working = state.database
    nobody = PostgresDatabase(
        f"postgresql://nobody@127.0.0.1:{free_port()}/none", timeout_seconds=1
    )
    state.database = nobody
    try:
        response = api.client.get("/readyz")
        found = details(api)
    finally:
        state.database = working
        nobody.close()
    assert response.status_code == 503
    assert found["checks"]["views"] == {"ok": False}
    assert found["checks"]["store"]["ok"] is True
    assert api.client.get("/readyz").status_code == 200


def test_a_second_lifespan_of_the_same_app_starts_no_second_follower(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A test client (schemathesis keeps one until the process ends) may start the app's
    # lifespan again: two followers of one runner would race on one connection pool, and the
    # one left running would still be reading when the store is closed.
    runner = api.client.app.state.thidua.runner  # type: ignore[attr-defined]
    started = threading.Event()
    monkeypatch.setattr(runner, "run_forever", lambda *a, **kw: started.set())
    with TestClient(api.client.app):
        assert not started.wait(0.5)


def test_a_stalled_relay_shows_to_operators_with_its_step_age_and_lease_losses(api: Api) -> None:
    database = api.client.app.state.thidua.database  # type: ignore[attr-defined]
    # A relay took the lease, committed a step, then stalled; another took it over later.
    stalled = Lease(database, "relay", "host-a:101:stalled", ttl_seconds=0.6)
    assert stalled.acquire()
    with database.transaction() as cursor:
        stalled.guard(cursor)
    api.token("auditor")  # signed in before: the standby's lease is read while it holds
    standby = Lease(database, "relay", "host-b:202:standby", ttl_seconds=60)
    deadline = time.monotonic() + 5
    while not standby.acquire():
        assert time.monotonic() < deadline
        time.sleep(0.05)
    readers = api.get("/api/v1/operations/log-readers", "auditor").json()
    [relay] = [r for r in readers["readers"] if r["name"] == "relay"]
    assert relay["holder"] == "host-b:202:standby"
    assert relay["held"] is True
    assert relay["lease_losses"] == 1
    assert relay["step_age_seconds"] >= 0.6  # the last step was the stalled holder's
    assert {r["name"] for r in readers["readers"]} >= {"board", "audit_trail", "relay"}
    assert api.get("/api/v1/operations/log-readers", "officer").status_code == 403

    metrics = scraped(api)
    assert 'thidua_reader_lease_losses{reader="relay"} 1.0' in metrics
    assert 'thidua_reader_step_age_seconds{reader="relay"}' in metrics
    # The public probe still says only whether the API serves, stalled relay or not.
    assert api.client.get("/readyz").status_code == 200
