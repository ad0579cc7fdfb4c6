"""docs/spec.md §9: each role's allowed calls succeed; others get 401, 403, or 404 where the
caller's scope does not reach (as if it did not exist), and change nothing."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from tests.api.conftest import Api
from tests.api.journey import FIGURES, ok, open_dossier, order_inspection, to_province

pytestmark = pytest.mark.api


@pytest.fixture
def dated(api: Api) -> Api:
    api.client.app.state.thidua.clock = lambda: date(2024, 1, 15)  # type: ignore[attr-defined]
    return api


def refused(
    api: Api, method: str, path: str, who: str | None, status: int, **kw: Any
) -> dict[str, Any]:
    before = api.events()
    response = getattr(api, method)(path, who, **kw)
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert api.events() == before  # nothing changed
    return response.json()  # type: ignore[no-any-return]


def test_without_a_token_every_api_call_is_401(dated: Api) -> None:
    nid = open_dossier(dated)
    for method, path in [
        ("get", "/api/v1/me"),
        ("get", "/api/v1/nominations"),
        ("get", f"/api/v1/nominations/{nid}"),
        ("post", f"/api/v1/nominations/{nid}/submit"),
        ("get", "/api/v1/audit/verify"),
        ("get", "/api/v1/accounts"),
    ]:
        refused(dated, method, path, None, 401)


def test_an_expired_or_forged_token_is_401(dated: Api) -> None:
    from api.security import issue_token

    expired, _ = issue_token(
        "officer", dated.client.app.state.thidua.settings.secret_key.get_secret_value(), -1
    )  # type: ignore[attr-defined]
    forged, _ = issue_token("officer", "another-secret-entirely-another-secret", 5)
    for token in (expired, forged, "not-a-jwt"):
        response = dated.client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 401


def test_unit_officers_work_on_their_own_units_only(dated: Api) -> None:
    nid = open_dossier(dated)
    refused(
        dated,
        "put",
        f"/api/v1/nominations/{nid}/statistics/2022",
        "officer-829",
        404,
        json=FIGURES["2022"],
    )
    refused(
        dated,
        "post",
        "/api/v1/nominations",
        "officer-829",
        403,
        json={"unit_code": "S-831-02", "award_form": "bang-khen-tinh", "cycle_year": 2023},
    )
    refused(dated, "get", f"/api/v1/nominations/{nid}", "officer-829", 404)
    refused(
        dated,
        "post",
        "/api/v1/nominations",
        "province",
        403,
        json={"unit_code": "S-831-02", "award_form": "bang-khen-tinh", "cycle_year": 2023},
    )
    assert ok(dated.get(f"/api/v1/nominations/{nid}", "officer"))["unit_code"] == "S-831-01"
    board = ok(dated.get("/api/v1/nominations", "officer-829", params={"after": dated.events()}))
    assert board["count"] == 0


def test_district_reviewers_review_their_own_district_only(dated: Api) -> None:
    nid = open_dossier(dated)
    ok(dated.post(f"/api/v1/nominations/{nid}/submit", "officer"))
    refused(
        dated,
        "post",
        f"/api/v1/nominations/{nid}/district-review",
        "district-829",
        404,
        json={"decision": "approve", "comment": ""},
    )
    refused(
        dated,
        "post",
        f"/api/v1/nominations/{nid}/district-review",
        "officer",
        403,
        json={"decision": "approve", "comment": ""},
    )
    refused(
        dated,
        "post",
        f"/api/v1/nominations/{nid}/province-review",
        "province",
        409,
        json={"decision": "approve", "comment": ""},
    )
    ok(
        dated.post(
            f"/api/v1/nominations/{nid}/district-review",
            "district-831",
            json={"decision": "approve", "comment": ""},
        )
    )
    board = ok(dated.get("/api/v1/nominations", "district-831", params={"after": dated.events()}))
    assert board["data"][0]["stage"] == "province_review"


def test_only_province_reviewers_order_inspections_and_only_the_team_reports(dated: Api) -> None:
    nid = open_dossier(dated)
    to_province(dated, nid)
    refused(
        dated,
        "post",
        f"/api/v1/nominations/{nid}/inspections",
        "district-831",
        403,
        json={"team_id": "team-1"},
    )
    ordered = order_inspection(dated, nid, due_date="2024-02-01")
    visit = ordered["extra"]["visit_id"]
    report = {"visited_on": "2024-01-15", "findings": "x", "recommendation": "confirm"}
    # Another team's visit is answered as one that does not exist.
    refused(dated, "post", f"/api/v1/inspections/{visit}/report", "inspector-2", 404, json=report)
    refused(dated, "post", f"/api/v1/tasks/{visit}/claim", "province", 403)
    assert (
        ok(dated.get("/api/v1/tasks", "inspector-2", params={"after": ordered["position"]}))[
            "count"
        ]
        == 0
    )
    ok(dated.post(f"/api/v1/inspections/{visit}/report", "inspector", json=report))
    assert (
        ok(dated.get(f"/api/v1/nominations/{nid}", "inspector"))["visits"][visit]["state"]
        == "reported"
    )


def test_council_members_vote_in_their_own_sessions_only(dated: Api) -> None:
    session = ok(
        dated.post(
            "/api/v1/council/sessions",
            "secretary",
            json={
                "title": "Phiên",
                "scheduled_for": "2024-03-20",
                "members": ["member-1", "member-2"],
                "award_form": "bang-khen-tinh",
            },
        ),
        201,
    )["id"]
    refused(
        dated,
        "post",
        "/api/v1/council/sessions",
        "member-1",
        403,
        json={
            "title": "x",
            "scheduled_for": "2024-03-20",
            "members": ["member-1"],
            "award_form": "bang-khen-tinh",
        },
    )
    # A session one does not sit on is answered as one that does not exist.
    refused(dated, "get", f"/api/v1/council/sessions/{session}", "member-3", 404)
    refused(
        dated, "post", f"/api/v1/council/sessions/{session}/open", "secretary", 409
    )  # empty agenda
    refused(
        dated,
        "post",
        f"/api/v1/council/sessions/{session}/votes",
        "secretary",
        403,
        json={"nomination_id": "00000000-0000-0000-0000-000000000000", "choice": "approve"},
    )


def test_auditors_read_and_verify_but_write_nothing(dated: Api) -> None:
    nid = open_dossier(dated)
    assert ok(dated.get("/api/v1/audit/verify", "auditor"))["ok"] is True
    assert ok(dated.get(f"/api/v1/nominations/{nid}/events", "auditor"))["count"] >= 5
    refused(dated, "get", "/api/v1/audit/verify", "province", 403)
    refused(dated, "post", f"/api/v1/nominations/{nid}/submit", "auditor", 403)
    refused(
        dated,
        "post",
        "/api/v1/accounts",
        "auditor",
        403,
        json={"username": "x1", "password": "long-enough-pass", "roles": [{"role": "auditor"}]},
    )


def test_admins_manage_accounts_units_and_cycles(dated: Api) -> None:
    created = ok(
        dated.post(
            "/api/v1/accounts",
            "admin",
            json={
                "username": "phongnoivu.batri",
                "password": "a-long-passphrase",
                "roles": [{"role": "district_reviewer", "scope": "836"}],
            },
        ),
        201,
    )
    assert created["position"] is not None
    names = [a["username"] for a in ok(dated.get("/api/v1/accounts", "admin"))["data"]]
    assert "phongnoivu.batri" in names
    refused(
        dated,
        "post",
        "/api/v1/accounts",
        "admin",
        422,
        json={
            "username": "x2",
            "password": "a-long-passphrase",
            "roles": [{"role": "district_reviewer"}],
        },
    )  # a district reviewer needs a scope
    refused(
        dated,
        "post",
        "/api/v1/accounts",
        "admin",
        409,
        json={
            "username": "officer",
            "password": "a-long-passphrase",
            "roles": [{"role": "auditor"}],
        },
    )
    ok(
        dated.post(
            "/api/v1/units",
            "admin",
            json={
                "code": "S-836-03",
                "name": "Xã Mới (dữ liệu mẫu)",
                "kind": "commune",
                "parent_code": "836",
                "valid_from": "2024-01-01",
                "valid_to": "2025-06-30",
                "synthetic": True,
            },
        ),
        201,
    )
    assert ok(dated.get("/api/v1/units/S-836-03", "officer"))["parent_code"] == "836"
    refused(
        dated,
        "post",
        "/api/v1/units",
        "admin",
        404,
        json={
            "code": "S-000",
            "name": "x",
            "kind": "commune",
            "parent_code": "nowhere",
            "valid_from": "2024-01-01",
        },
    )
    ok(
        dated.put(
            "/api/v1/cycles/2023",
            "admin",
            json={
                "kind": "preliminary",
                "closes_on": "2024-02-15",
                "evaluation_years": [2022, 2023],
                "public_notice_working_days": 0,
            },
        )
    )
    assert ok(dated.get("/api/v1/cycles/2023", "officer"))["public_notice_working_days"] == 0
    refused(
        dated,
        "put",
        "/api/v1/cycles/2023",
        "admin",
        422,
        json={"kind": "preliminary", "closes_on": "2024-02-15", "evaluation_years": [2021, 2023]},
    )


def test_unknown_ids_are_404_and_bad_input_names_the_field(dated: Api) -> None:
    missing = "00000000-0000-0000-0000-000000000001"
    refused(dated, "get", f"/api/v1/nominations/{missing}", "auditor", 404)
    refused(dated, "post", f"/api/v1/nominations/{missing}/submit", "officer", 404)
    refused(dated, "get", "/api/v1/units/NOPE", "officer", 404)
    body = refused(
        dated,
        "post",
        "/api/v1/nominations",
        "officer",
        422,
        json={"unit_code": "S-831-01", "award_form": "bang-khen", "cycle_year": 2023},
    )
    assert body["detail"].startswith("award_form")
    nid = open_dossier(dated)
    body = refused(
        dated,
        "put",
        f"/api/v1/nominations/{nid}/statistics/2022",
        "officer",
        422,
        json={"total_households": 10, "poor_households": 20},
    )
    assert body["field"] == "poor_households"
    refused(dated, "get", "/api/v1/nominations", "auditor", 422, params={"after": 10**9})
