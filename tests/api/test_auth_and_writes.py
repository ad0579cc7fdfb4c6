"""Sign-in, throttling, security headers, idempotency keys, uploads and concurrent ballots."""

from __future__ import annotations

import asyncio
from datetime import date

import httpx
import pytest

from tests.api.conftest import PASSWORD, Api
from tests.api.journey import ok, open_dossier, to_province

pytestmark = pytest.mark.api


def test_a_wrong_password_is_401_and_the_sixth_try_within_the_window_is_429(api: Api) -> None:
    for _ in range(5):
        r = api.client.post("/api/v1/auth/token", data={"username": "officer", "password": "wrong"})
        assert r.status_code == 401
    r = api.client.post("/api/v1/auth/token", data={"username": "officer", "password": PASSWORD})
    assert r.status_code == 429
    assert int(r.headers["Retry-After"]) > 0
    other = api.client.post(
        "/api/v1/auth/token", data={"username": "auditor", "password": PASSWORD}
    )
    assert other.status_code == 200  # the throttle is per account


def test_a_deactivated_account_can_no_longer_use_its_token(api: Api) -> None:
    token = api.token("officer-829")
    ok(api.client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}))
    from tests.factories import ADMIN, ctx

    api.service.deactivate_account(ctx(ADMIN), "officer-829", "Chuyển công tác.")
    assert (
        api.client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code
        == 401
    )


def test_every_response_carries_the_security_headers(api: Api) -> None:
    for response in (
        api.client.get("/healthz"),
        api.get("/api/v1/me", "auditor"),
        api.client.get("/api/v1/me"),
    ):
        csp = response.headers["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in csp
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["X-Request-ID"]


def test_a_repeated_write_with_the_same_key_returns_the_first_answer_and_records_nothing(
    api: Api,
) -> None:
    api.client.app.state.thidua.clock = lambda: date(2024, 1, 15)  # type: ignore[attr-defined]
    headers = {"Idempotency-Key": "open-831-once"}
    body = {"unit_code": "S-831-01", "award_form": "bang-khen-tinh", "cycle_year": 2023}
    first = api.post("/api/v1/nominations", "officer", json=body, headers=headers)
    assert first.status_code == 201
    events = api.events()
    again = api.post("/api/v1/nominations", "officer", json=body, headers=headers)
    assert (again.status_code, again.json()) == (201, first.json())
    assert again.headers["Idempotent-Replayed"] == "true"
    assert api.events() == events
    other = api.post(f"/api/v1/nominations/{first.json()['id']}/submit", "officer", headers=headers)
    assert other.status_code == 422  # the key belongs to another request
    assert "Idempotency-Key" in other.json()["detail"]


def forget_answers(api: Api) -> None:
    """As if each first attempt committed and its process died before keeping the answer."""
    with api.client.app.state.thidua.database.transaction() as cursor:  # type: ignore[attr-defined]
        cursor.execute("DELETE FROM api_requests")


def test_a_retry_whose_first_attempt_committed_but_kept_no_answer_is_answered_as_the_first(
    api: Api,
) -> None:
    unit = {
        "code": "S-831-77",
        "name": "Xã Thử (dữ liệu mẫu)",
        "kind": "commune",
        "parent_code": "831",
        "valid_from": "2024-01-01",
        "valid_to": "2025-06-30",
        "synthetic": True,
    }
    headers = {"Idempotency-Key": "register-831-77"}
    first = api.post("/api/v1/units", "admin", json=unit, headers=headers)
    assert first.status_code == 201
    events = api.events()
    forget_answers(api)
    again = api.post("/api/v1/units", "admin", json=unit, headers=headers)
    assert again.status_code == 201, again.text
    assert (again.json()["id"], again.json()["version"]) == (
        first.json()["id"],
        first.json()["version"],
    )
    assert again.json()["replayed"] is True
    assert api.events() == events
    someone_else = api.post(
        "/api/v1/units", "admin", json=unit, headers={"Idempotency-Key": "another-key"}
    )
    assert someone_else.status_code == 409  # a new command for the same unit is refused


def test_evidence_is_stored_by_sha256_once_with_a_size_limit_and_allowed_types(api: Api) -> None:
    api.client.app.state.thidua.clock = lambda: date(2024, 1, 15)  # type: ignore[attr-defined]
    nid = open_dossier(api)
    pdf = b"%PDF-1.7 the same bytes"
    first = ok(
        api.post(
            f"/api/v1/nominations/{nid}/evidence",
            "officer",
            files={"file": ("a.pdf", pdf, "application/pdf")},
        ),
        201,
    )
    second = ok(
        api.post(
            f"/api/v1/nominations/{nid}/evidence",
            "officer",
            files={"file": ("b.pdf", pdf, "application/pdf")},
        ),
        201,
    )
    assert first["sha256"] == second["sha256"]
    assert (first["stored"], second["stored"]) == (True, False)
    settings = api.client.app.state.thidua.settings  # type: ignore[attr-defined]
    stored = settings.uploads_dir / first["sha256"][:2] / first["sha256"]
    assert stored.read_bytes() == pdf
    assert (
        api.post(
            f"/api/v1/nominations/{nid}/evidence",
            "officer",
            files={"file": ("x.exe", b"MZ", "application/x-msdownload")},
        ).status_code
        == 415
    )
    settings.upload_max_bytes = 10
    assert (
        api.post(
            f"/api/v1/nominations/{nid}/evidence",
            "officer",
            files={"file": ("big.pdf", b"%PDF" + b"0" * 20, "application/pdf")},
        ).status_code
        == 413
    )
    assert list(ok(api.get(f"/api/v1/nominations/{nid}", "officer"))["evidence"]) == [
        first["sha256"]
    ]


def test_concurrent_votes_by_different_members_all_count_and_a_second_ballot_is_refused(
    api: Api,
) -> None:
    api.client.app.state.thidua.clock = lambda: date(2024, 2, 20)  # type: ignore[attr-defined]
    nid = open_dossier(api)
    ok(
        api.put(
            "/api/v1/cycles/2023",
            "admin",
            json={
                "kind": "preliminary",
                "closes_on": "2024-01-31",
                "evaluation_years": [2022, 2023],
                "public_notice_working_days": 0,
            },
        )
    )
    to_province(api, nid)
    ok(
        api.post(
            f"/api/v1/nominations/{nid}/province-review",
            "province",
            json={"decision": "approve", "comment": ""},
        )
    )
    members = [f"member-{i}" for i in range(1, 6)]
    session = ok(
        api.post(
            "/api/v1/council/sessions",
            "secretary",
            json={
                "title": "Phiên",
                "scheduled_for": "2024-03-20",
                "members": members,
                "award_form": "bang-khen-tinh",
            },
        ),
        201,
    )["id"]
    ok(
        api.post(
            f"/api/v1/council/sessions/{session}/agenda", "secretary", json={"nomination_id": nid}
        )
    )
    ok(api.post(f"/api/v1/council/sessions/{session}/open", "secretary"))
    tokens = {m: api.token(m) for m in members}

    async def ballots() -> list[int]:
        transport = httpx.ASGITransport(app=api.client.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            responses = await asyncio.gather(
                *(
                    client.post(
                        f"/api/v1/council/sessions/{session}/votes",
                        headers={"Authorization": f"Bearer {tokens[m]}"},
                        json={"nomination_id": nid, "choice": "approve"},
                    )
                    for m in members
                )
            )
        return [r.status_code for r in responses]

    assert asyncio.run(ballots()) == [201] * 5
    again = api.post(
        f"/api/v1/council/sessions/{session}/votes",
        "member-1",
        json={"nomination_id": nid, "choice": "reject"},
    )
    assert again.status_code == 409
    voted = ok(api.get(f"/api/v1/council/sessions/{session}", "secretary"))["items"][0]["voted"]
    assert voted == members


def test_an_upload_repeated_with_its_idempotency_key_records_nothing_more(api: Api) -> None:
    api.client.app.state.thidua.clock = lambda: date(2024, 1, 15)  # type: ignore[attr-defined]
    body = {"unit_code": "S-831-01", "award_form": "bang-khen-tinh", "cycle_year": 2023}
    nid = api.post("/api/v1/nominations", "officer", json=body).json()["id"]
    upload = {"file": ("quyet-dinh.pdf", b"%PDF-1.7 once", "application/pdf")}
    headers = {"Idempotency-Key": "upload-once"}
    first = api.post(
        f"/api/v1/nominations/{nid}/evidence", "officer", files=upload, headers=headers
    )
    assert first.status_code == 201, first.text
    events = api.events()
    again = api.post(
        f"/api/v1/nominations/{nid}/evidence", "officer", files=upload, headers=headers
    )
    assert again.status_code == 201
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    assert api.events() == events


def test_the_system_role_cannot_be_granted_and_the_schema_lists_only_grantable_roles(
    api: Api,
) -> None:
    body = {"username": "may.chu", "password": "a-long-password", "roles": [{"role": "system"}]}
    refused = api.post("/api/v1/accounts", "admin", json=body)
    assert refused.status_code == 422
    assert "roles.0.role" in refused.text
    schema = api.client.get("/openapi.json").json()["components"]["schemas"]["GrantIn"]
    assert "system" not in schema["properties"]["role"]["enum"]
    assert "auditor" in schema["properties"]["role"]["enum"]


def test_every_write_route_runs_once_per_idempotency_key_and_answers_with_a_model() -> None:
    from fastapi.routing import APIRoute

    from api.routers import (
        admin,
        audit,
        auth,
        complaints,
        council,
        inspections,
        nominations,
        reviews,
    )

    reads_by_post = {"/token", "/audit/receipts/verify", "/audit/what-if"}
    writes = [
        route
        for module in (auth, admin, nominations, reviews, inspections, complaints, council, audit)
        for route in module.router.routes
        if isinstance(route, APIRoute)
        and route.methods & {"POST", "PUT", "PATCH", "DELETE"}
        and not any(route.path.endswith(read) for read in reads_by_post)
    ]
    assert len(writes) >= 23
    # The upload streams its body, so it keeps its key itself (tested above) rather than by
    # the decorator, which needs the body read first.
    streamed = {"/nominations/{nomination_id}/evidence"}
    for route in writes:
        wrapped = getattr(route.endpoint, "__wrapped__", None) is not None
        assert wrapped or route.path in streamed, route.path
        assert route.response_model is not None, route.path
