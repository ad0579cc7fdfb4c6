"""Operations endpoints that tell an outsider nothing, and identifiers from clients checked."""

from __future__ import annotations

import uuid
from pathlib import Path

from fastapi.testclient import TestClient
from pydantic import SecretStr

from tests.security.conftest import Api
from thidua.bootstrap import build_app
from thidua.settings import Settings


def test_metrics_need_the_operations_token(api: Api) -> None:
    assert api.client.get("/metrics").status_code == 404  # no token set: not served
    config = api.client.app.state.thidua.settings  # type: ignore[attr-defined]
    config.metrics_token = SecretStr("an-operations-token-of-some-length")
    assert api.client.get("/metrics").status_code == 401
    wrong = api.client.get("/metrics", headers={"Authorization": "Bearer guess"})
    assert wrong.status_code == 401
    right = api.client.get(
        "/metrics", headers={"Authorization": "Bearer an-operations-token-of-some-length"}
    )
    assert right.status_code == 200
    assert "thidua_http_requests_total" in right.text


def test_readiness_gives_no_internal_error_text(api: Api) -> None:
    async def unreachable() -> bool:
        raise RuntimeError("connection to temporal at 10.1.2.3:7233 refused; token abc123")

    api.client.app.state.thidua.temporal_probe = unreachable  # type: ignore[attr-defined]
    answer = api.client.get("/readyz")
    assert answer.status_code == 503
    assert "10.1.2.3" not in answer.text
    assert "abc123" not in answer.text
    assert answer.json() == {"ready": False}


def test_docs_are_off_in_production_unless_asked_for(tmp_path: Path) -> None:
    values = {
        "data_dir": tmp_path,
        "environment": "production",
        "secret_key": "k" * 48,
        "public_url": "https://thidua.example.vn",
        "_env_file": None,
    }
    client = TestClient(build_app(Settings(**values), follow_projections=False))  # type: ignore[arg-type]
    assert client.get("/docs").status_code == 404
    assert client.get("/redoc").status_code == 404
    assert client.get("/openapi.json").status_code == 404
    asked = TestClient(build_app(Settings(**values, docs=True), follow_projections=False))  # type: ignore[arg-type]
    assert asked.get("/docs").status_code == 200


def test_api_answers_are_not_cached_and_hsts_is_sent_when_asked(api: Api) -> None:
    answer = api.get("/api/v1/me", "auditor")
    assert answer.headers["Cache-Control"] == "no-store"
    assert "Strict-Transport-Security" not in answer.headers
    api.client.app.state.thidua.settings.hsts = True  # type: ignore[attr-defined]
    answer = api.get("/api/v1/me", "auditor")
    assert answer.headers["Strict-Transport-Security"].startswith("max-age=")


def test_a_rule_set_id_must_be_a_shipped_one(api: Api) -> None:
    for bad in ("../../../etc/passwd", "no-such-rules", "ben-tre/../x"):
        answer = api.post(
            "/api/v1/audit/what-if",
            "auditor",
            json={"rule_set_id": bad, "rule_set_version": 1, "cycle_year": 2023},
        )
        assert answer.status_code == 422, (bad, answer.text)
        assert "rule_set_id" in answer.text
    assert api.get("/api/v1/rule-sets/..%2F..%2Fetc", "auditor").status_code in (404, 422)


def test_a_request_id_is_kept_only_when_it_is_a_uuid(api: Api) -> None:
    mine = str(uuid.uuid4())
    assert (
        api.client.get("/healthz", headers={"X-Request-ID": mine}).headers["X-Request-ID"] == mine
    )
    forged = api.client.get("/healthz", headers={"X-Request-ID": "x\r\nSet-Cookie: a=b"})
    kept = forged.headers["X-Request-ID"]
    assert kept != "x\r\nSet-Cookie: a=b"
    uuid.UUID(kept)
    other = api.client.get("/healthz", headers={"X-Request-ID": "admin' OR 1=1"})
    uuid.UUID(other.headers["X-Request-ID"])
