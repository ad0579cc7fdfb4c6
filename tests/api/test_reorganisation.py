"""After 1/7/2025 the district level is gone: its councils do not sit, its forms are not
nominated, each refusal a 409 that says why."""

from __future__ import annotations

from datetime import date

from tests.api.conftest import Api
from tests.api.journey import ok


def at(api: Api, day: date) -> None:
    api.client.app.state.thidua.clock = lambda: day  # type: ignore[attr-defined]


def schedule(api: Api, on: str) -> object:
    return api.post(
        "/api/v1/council/sessions",
        "secretary",
        json={
            "title": "Hội đồng TĐKT huyện Ba Tri",
            "scheduled_for": on,
            "members": ["member-1", "member-2", "member-3"],
            "award_form": "giay-khen-huyen",
            "scope": "836",
        },
    )


def test_a_district_council_cannot_be_scheduled_after_its_district_ceased(api: Api) -> None:
    at(api, date(2025, 7, 2))
    refused = schedule(api, "2025-07-15")
    assert refused.status_code == 409  # type: ignore[attr-defined]
    assert "ceased on 2025-06-30" in refused.text  # type: ignore[attr-defined]


def test_a_district_council_scheduled_before_cannot_open_after(api: Api) -> None:
    at(api, date(2025, 6, 2))
    session = ok(schedule(api, "2025-06-20"), 201)
    at(api, date(2025, 7, 1))
    refused = api.post(f"/api/v1/council/sessions/{session['id']}/open", "secretary")
    assert refused.status_code == 409
    assert "ceased" in refused.text


def test_a_district_form_cannot_be_nominated_after_the_district_level_ended(api: Api) -> None:
    at(api, date(2026, 1, 5))
    refused = api.post(
        "/api/v1/nominations",
        "officer",
        json={"unit_code": "S-831-01", "award_form": "giay-khen-huyen", "cycle_year": 2025},
    )
    assert refused.status_code == 409
    assert "district council" in refused.text


def test_the_nomination_names_the_deciding_authority_in_force_on_its_date(api: Api) -> None:
    from tests.api.journey import open_dossier

    at(api, date(2024, 1, 15))
    nid = open_dossier(api)
    before = ok(api.get(f"/api/v1/nominations/{nid}", "officer"))
    assert before["deciding_authority"]["vi"] == "Chủ tịch UBND tỉnh Bến Tre"
    at(api, date(2025, 7, 1))
    after = ok(api.get(f"/api/v1/nominations/{nid}", "officer"))
    assert after["deciding_authority"]["vi"] == "Chủ tịch UBND tỉnh Vĩnh Long"


def test_the_board_names_the_authority_in_force_for_each_dossier(api: Api) -> None:
    from tests.api.journey import open_dossier

    at(api, date(2024, 1, 15))
    open_dossier(api)
    after = {"after": str(api.events())}
    [row] = ok(api.get("/api/v1/nominations", "province", params=after))["data"]
    assert row["deciding_authority"]["vi"] == "Chủ tịch UBND tỉnh Bến Tre"
    assert row["decided_on"] is None
    at(api, date(2025, 7, 2))
    [row] = ok(api.get("/api/v1/nominations", "province", params=after))["data"]
    assert row["deciding_authority"]["vi"] == "Chủ tịch UBND tỉnh Vĩnh Long"
