"""A whole cycle over HTTP, step by step, for the lifecycle and role tests."""

from __future__ import annotations

from datetime import date
from typing import Any

from tests.api.conftest import Api

FIGURES = {
    "2021": {"total_households": 4000, "poor_households": 400},
    "2022": {"total_households": 4020, "poor_households": 310},
    "2023": {"total_households": 4040, "poor_households": 220},
}


def ok(response: Any, status: int = 200) -> dict[str, Any]:
    assert response.status_code == status, response.text
    return response.json()  # type: ignore[no-any-return]


def open_dossier(api: Api, unit: str = "S-831-01", cycle: int = 2023, who: str = "officer") -> str:
    body = ok(
        api.post(
            "/api/v1/nominations",
            who,
            json={"unit_code": unit, "award_form": "bang-khen-tinh", "cycle_year": cycle},
        ),
        201,
    )
    nid = body["id"]
    for year, figures in FIGURES.items():
        ok(api.put(f"/api/v1/nominations/{nid}/statistics/{year}", who, json=figures))
    ok(api.put(f"/api/v1/nominations/{nid}/achievement-report", who, json={"text": "Báo cáo."}))
    return nid


def to_province(
    api: Api, nid: str, officer: str = "officer", district: str = "district-831"
) -> None:
    ok(api.post(f"/api/v1/nominations/{nid}/submit", officer))
    ok(
        api.post(
            f"/api/v1/nominations/{nid}/district-review",
            district,
            json={"decision": "approve", "comment": ""},
        )
    )


def schedule_session(api: Api, members: list[str]) -> str:
    """The secretary schedules a provincial session for 20/3/2024; its id."""
    body = {
        "title": "Phiên họp",
        "scheduled_for": "2024-03-20",
        "members": members,
        "award_form": "bang-khen-tinh",
    }
    return str(ok(api.post("/api/v1/council/sessions", "secretary", json=body), 201)["id"])


def order_inspection(api: Api, nid: str, due_date: str = "2024-03-01") -> dict[str, Any]:
    """The province orders a visit by team-1; the answer holds the visit id and position."""
    return ok(
        api.post(
            f"/api/v1/nominations/{nid}/inspections",
            "province",
            json={"team_id": "team-1", "due_date": due_date},
        ),
        201,
    )


def found_wanting(api: Api, nid: str) -> None:
    """An inspection at the province stage verifies more poor households than declared."""
    api.client.app.state.thidua.clock = lambda: date(2024, 2, 20)  # type: ignore[attr-defined]
    ordered = order_inspection(api, nid)
    visit = ordered["extra"]["visit_id"]
    ok(api.post(f"/api/v1/tasks/{visit}/claim", "inspector", params={"after": ordered["position"]}))
    ok(
        api.post(
            f"/api/v1/inspections/{visit}/report",
            "inspector",
            json={
                "visited_on": "2024-02-20",
                "findings": "Số hộ nghèo thực tế cao hơn.",
                "recommendation": "discrepancy",
                "verified_statistics": {"2023": {"total_households": 4040, "poor_households": 300}},
            },
        )
    )
