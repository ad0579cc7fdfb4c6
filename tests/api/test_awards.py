"""Who may receive which form, and one achievement one award, over HTTP on a SQLite file and
on PostgreSQL (docs/spec.md §5): each refusal names what it refuses and records nothing."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from tests.api.conftest import Api
from tests.api.journey import ok, open_dossier
from tests.factories import PROVINCE, ctx
from tests.scenarios import Story

pytestmark = pytest.mark.api
DAY = date(2024, 4, 5)


def open_(api: Api, unit: str, form: str, year: int, who: str = "officer") -> Any:
    body = {"unit_code": unit, "award_form": form, "cycle_year": year}
    return api.post("/api/v1/nominations", who, json=body)


@pytest.mark.parametrize(
    ("unit", "form", "year", "reason"),
    [
        ("S-HO-01", "co-thi-dua-tinh", 2025, "is not for a household"),
        ("S-DN-01", "co-thi-dua-tinh", 2023, "is not given in a preliminary cycle"),
    ],
)
def test_a_form_is_refused_for_a_nominee_it_is_not_for_naming_award_form(
    store_api: Api, unit: str, form: str, year: int, reason: str
) -> None:
    before = store_api.events()
    refused = open_(store_api, unit, form, year, "officer-83")
    assert refused.status_code == 422, refused.text
    problem = refused.json()
    assert problem["field"] == "award_form"
    assert reason in problem["detail"]
    assert store_api.events() == before


def test_a_year_already_claimed_by_another_dossier_is_refused_naming_it(store_api: Api) -> None:
    first = open_dossier(store_api, "S-831-01", 2023)  # evaluates 2022–2023
    before = store_api.events()
    refused = open_(store_api, "S-831-01", "bang-khen-tinh", 2024)  # 2023–2024
    assert refused.status_code == 409, refused.text
    problem = refused.json()
    assert first in problem["detail"]
    assert "year 2023" in problem["detail"]
    assert store_api.events() == before
    ok(open_(store_api, "S-831-01", "bang-khen-tinh", 2025), 201)  # 2024–2025 is free


@pytest.mark.parametrize(
    ("decided_on", "reason"),
    [
        ("2023-03-01", "is before 2023's review began (1/9)"),
        ("2024-02-01", "is in the future"),
    ],
)
def test_declared_figures_sourced_from_a_decision_dated_outside_their_review_are_refused(
    store_api: Api, decided_on: str, reason: str
) -> None:
    store_api.client.app.state.thidua.clock = lambda: date(2024, 1, 15)  # type: ignore[attr-defined]
    nid = open_dossier(store_api)
    before = store_api.events()
    source = {"decision_number": "9/QĐ-UBND", "decision_date": decided_on}
    figures = {"total_households": 4040, "poor_households": 220, "source": source}
    refused = store_api.put(f"/api/v1/nominations/{nid}/statistics/2023", "officer", json=figures)
    assert refused.status_code == 422, refused.text
    assert refused.json()["field"] == "source.decision_date"
    assert reason in refused.json()["detail"]
    assert store_api.events() == before
    source["decision_date"] = "2023-12-20"  # within 2023's review, and before today
    ok(store_api.put(f"/api/v1/nominations/{nid}/statistics/2023", "officer", json=figures))


@pytest.mark.parametrize(
    ("period", "field", "reason"),
    [
        ({"valid_from": "2024-01-01"}, "valid_to", "must end by 2025-06-30"),
        ({"valid_from": "2019-01-01", "valid_to": "2025-06-30"}, "valid_from", "before its parent"),
    ],
)
def test_a_unit_is_registered_only_inside_its_parents_period(
    store_api: Api, period: dict[str, str], field: str, reason: str
) -> None:
    body = {"code": "S-831-77", "name": "Xã Mới", "kind": "commune", "parent_code": "831"}
    before = store_api.events()
    refused = store_api.post("/api/v1/units", "admin", json={**body, **period})
    assert refused.status_code == 422, refused.text
    assert (refused.json()["field"], reason in refused.json()["detail"]) == (field, True)
    assert store_api.events() == before
    inside = {"valid_from": "2024-01-01", "valid_to": "2025-06-30"}
    ok(store_api.post("/api/v1/units", "admin", json={**body, **inside}), 201)


def test_a_nominee_under_a_pending_inspection_is_not_awarded_until_the_hold_is_cleared(
    store_api: Api,
) -> None:
    """Decree 152/2025 art. 4: no commendation while an inspection is pending."""
    api = store_api
    api.client.app.state.thidua.clock = lambda: DAY  # type: ignore[attr-defined]
    service = api.service
    sid, [nid] = Story(service).recommended(("S-831-01",))
    submission = service.prepare_submission(ctx(PROVINCE, DAY), sid, [nid], "Kính trình.").id
    body = {"kind": "inspection", "reason": "Thanh tra quỹ.", "reference": "12/QĐ-TTr"}
    placed = ok(api.post("/api/v1/units/S-831-01/holds", "province", json=body), 201)
    assert placed["hold_id"] == "H1"
    assert api.post("/api/v1/units/S-831-01/holds", "officer", json=body).status_code == 403
    decision = {
        "signed_on": DAY.isoformat(),
        "signer_title": "Chủ tịch",
        "signer_name": "Nguyễn Văn A",
        "awarded": [{"nomination_id": str(nid), "reason": "Đạt."}],
        "not_awarded": [],
    }
    before = api.events()
    held = api.post(f"/api/v1/submissions/{submission}/decision", "chairman", json=decision)
    assert held.status_code == 409, held.text
    assert "hold H1" in held.json()["detail"]
    assert "152/2025" in held.json()["detail"]
    assert api.events() == before
    listed = ok(api.get("/api/v1/units/S-831-01/holds", "chairman"))["data"]
    assert [(h["hold_id"], h["cleared"]) for h in listed] == [("H1", None)]
    [item] = ok(api.get(f"/api/v1/submissions/{submission}", "chairman"))["items"]
    assert [h["reference"] for h in item["holds"]] == ["12/QĐ-TTr"]  # the chairman sees why
    clearance = {
        "decision_number": "45/KL-TTr",
        "decision_date": DAY.isoformat(),
        "outcome": "Không vi phạm.",
    }
    ok(api.post("/api/v1/units/S-831-01/holds/H1/clearance", "province", json=clearance))
    again = api.post("/api/v1/units/S-831-01/holds/H1/clearance", "province", json=clearance)
    assert again.status_code == 409  # cleared once, by its decision
    [item] = ok(api.get(f"/api/v1/submissions/{submission}", "chairman"))["items"]
    assert item["holds"] == []
    ok(api.post(f"/api/v1/submissions/{submission}/decision", "chairman", json=decision))
    assert service.get_nomination(nid).outcome == "approved"


def test_a_hamlet_is_a_unit_of_its_commune_and_may_be_nominated_for_what_the_movement_gives_it(
    store_api: Api,
) -> None:
    """The seed names hamlets and neighbourhoods (ấp, khu phố) among those it commends."""
    api = store_api
    hamlet = {
        "code": "S-831-01-A1",
        "name": "Ấp Mẫu Một (dữ liệu mẫu)",
        "kind": "hamlet",
        "valid_from": "2021-01-01",
    }
    misplaced = api.post("/api/v1/units", "admin", json={**hamlet, "parent_code": "831"})
    assert (misplaced.status_code, misplaced.json()["field"]) == (422, "parent_code")
    ok(api.post("/api/v1/units", "admin", json={**hamlet, "parent_code": "S-831-01"}), 201)
    shown = ok(api.get("/api/v1/units/S-831-01-A1", "officer"))
    assert (shown["kind"], shown["parent_code"]) == ("hamlet", "S-831-01")
    flag = open_(api, "S-831-01-A1", "co-thi-dua-tinh", 2025)
    assert (flag.status_code, flag.json()["field"]) == (422, "award_form")
    opened = ok(open_(api, "S-831-01-A1", "bang-khen-tinh", 2025), 201)
    dossier = ok(api.get(f"/api/v1/nominations/{opened['id']}", "officer"))
    assert dossier["unit_code"] == "S-831-01-A1"


def test_a_merged_ward_whose_predecessors_answered_to_different_criteria_is_judged_not_summed(
    store_api: Api,
) -> None:
    """Xã Mẫu Ba (10 % at end-2021) and Xã Mẫu Hai (2.5 %) became one ward: the rate groups
    differ, and a commune at 5 % or more that became a ward answers to no ward criterion."""
    api = store_api
    api.client.app.state.thidua.clock = lambda: date(2026, 1, 12)  # type: ignore[attr-defined]
    ward = {
        "code": "S-86-PHUONG",
        "name": "Phường Hợp Nhất (dữ liệu mẫu)",
        "kind": "ward",
        "parent_code": "86",
        "valid_from": "2025-07-01",
        "predecessors": ["S-831-01", "S-829-02"],
    }
    ok(api.post("/api/v1/units", "admin", json=ward), 201)
    poor = {"S-831-01": 400, "S-829-02": 100}
    for code, count in poor.items():
        for year in range(2021, 2025):
            figures = {
                "total_households": 4000,
                "poor_households": count - 10 * (year - 2021),
                "source": {
                    "decision_number": f"{year}/QĐ-UBND",
                    "decision_date": f"{year}-12-20",
                    "issuing_body": "UBND tỉnh Bến Tre",
                },
            }
            ok(api.put(f"/api/v1/units/{code}/poverty-figures/{year}", "province", json=figures))
    own = {
        "total_households": 8000,
        "poor_households": 420,
        "source": {
            "decision_number": "2025/QĐ-UBND",
            "decision_date": "2025-12-20",
            "issuing_body": "UBND tỉnh Vĩnh Long",
        },
    }
    ok(api.put("/api/v1/units/S-86-PHUONG/poverty-figures/2025", "province", json=own))
    nid = ok(open_(api, "S-86-PHUONG", "bang-khen-tinh", 2025, "officer-86"), 201)["id"]
    report = {"text": "Báo cáo thành tích."}
    ok(api.put(f"/api/v1/nominations/{nid}/achievement-report", "officer-86", json=report))
    ok(api.post(f"/api/v1/nominations/{nid}/submit", "officer-86"))
    dossier = ok(api.get(f"/api/v1/nominations/{nid}", "province"))
    checks = dossier["checks"]
    assert [c["outcome"] for c in checks] == ["needs_judgement"]  # a ward at 5 %: no criterion
    said = checks[0]["explanation"]["en"]
    assert "fell in both end-2021 rate groups" in said
    assert "Xã Mẫu Ba (dữ liệu mẫu) (a commune) and Phường Hợp Nhất (dữ liệu mẫu) (a ward)" in said
