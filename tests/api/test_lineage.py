"""Units with lineage over HTTP: a merged unit names its predecessors, and each shows the
other with its dates."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from domain.units import UnitRegistry
from service.nomination_service import NominationService
from tests.api.conftest import Api
from tests.api.journey import ok
from thidua.bootstrap import SQLITE_FACTORY


def test_a_merged_unit_is_registered_with_its_predecessors_and_both_sides_show_it(
    api: Api,
) -> None:
    body = {
        "code": "S-86-MOI",
        "name": "Xã Hợp Nhất (dữ liệu mẫu)",
        "kind": "commune",
        "parent_code": "86",
        "valid_from": "2025-07-01",
        "predecessors": ["S-831-01", "S-831-02"],
        "synthetic": True,
    }
    ok(api.post("/api/v1/units", "admin", json=body), 201)
    merged = ok(api.get("/api/v1/units/S-86-MOI", "officer"))
    assert [p["code"] for p in merged["predecessors"]] == ["S-831-01", "S-831-02"]
    assert all(p["valid_from"] for p in merged["predecessors"])
    before = ok(api.get("/api/v1/units/S-831-01", "officer"))
    assert [s["code"] for s in before["successors"]] == ["S-86-MOI"]
    assert before["successors"][0]["valid_from"] == "2025-07-01"


def test_a_predecessor_that_is_not_registered_is_refused_naming_the_field(api: Api) -> None:
    body = {
        "code": "S-86-X",
        "name": "Xã X (dữ liệu mẫu)",
        "kind": "commune",
        "parent_code": "86",
        "valid_from": "2025-07-01",
        "predecessors": ["NO-SUCH"],
    }
    refused = api.post("/api/v1/units", "admin", json=body)
    assert refused.status_code == 422
    assert "predecessors" in refused.text


def test_the_shipped_merged_ward_names_its_three_predecessors(api: Api) -> None:
    ward = ok(api.get("/api/v1/units/28789", "officer"))
    assert ward["name"] == "Phường Bến Tre"
    assert [p["code"] for p in ward["predecessors"]] == ["S-829-BP", "S-829-P7", "S-838-TT"]
    assert all(p["valid_to"] == "2025-06-30" for p in ward["predecessors"])


def test_the_board_finds_a_merged_units_dossiers_by_its_old_units_and_theirs_by_it(
    api: Api,
) -> None:
    from datetime import date

    from tests.api.journey import open_dossier

    api.client.app.state.thidua.clock = lambda: date(2024, 1, 15)  # type: ignore[attr-defined]
    old = open_dossier(api)  # S-831-01, before the merger
    body = {
        "code": "S-86-GOP",
        "name": "Xã Gộp (dữ liệu mẫu)",
        "kind": "commune",
        "parent_code": "86",
        "valid_from": "2025-07-01",
        "predecessors": ["S-831-01", "S-831-02"],
        "synthetic": True,
    }
    ok(api.post("/api/v1/units", "admin", json=body), 201)
    after = {"after": str(api.events())}
    by_new = ok(api.get("/api/v1/nominations", "province", params={"unit": "S-86-GOP", **after}))
    assert [r["nomination_id"] for r in by_new["data"]] == [old]
    by_old = ok(api.get("/api/v1/nominations", "province", params={"unit": "S-831-01", **after}))
    assert [r["nomination_id"] for r in by_old["data"]] == [old]
    sibling = ok(api.get("/api/v1/nominations", "province", params={"unit": "S-831-02", **after}))
    assert sibling["count"] == 0  # a sibling of the merger is not its forebear


def test_a_units_dated_flags_are_registered_and_read_back_and_a_reversed_period_is_refused(
    api: Api,
) -> None:
    body = {
        "code": "S-86-BIEN",
        "name": "Xã Ven Biển (dữ liệu mẫu)",
        "kind": "commune",
        "parent_code": "86",
        "valid_from": "2025-07-01",
        "dated_flags": [{"flag": "coastal_special_difficulty", "valid_from": "2025-07-01"}],
        "synthetic": True,
    }
    ok(api.post("/api/v1/units", "admin", json=body), 201)
    unit = ok(api.get("/api/v1/units/S-86-BIEN", "officer"))
    assert unit["flags"] == []
    assert unit["dated_flags"] == [
        {"flag": "coastal_special_difficulty", "valid_from": "2025-07-01", "valid_to": None}
    ]
    reversed_period = {
        **body,
        "code": "S-86-BIEN2",
        "dated_flags": [{"flag": "island", "valid_from": "2025-07-01", "valid_to": "2025-01-01"}],
    }
    refused = api.post("/api/v1/units", "admin", json=reversed_period)
    assert refused.status_code == 422
    assert "dated_flags[0].valid_to" in refused.text
    assert api.get("/api/v1/units/S-86-BIEN2", "officer").status_code == 404


def test_a_unit_another_api_process_registered_is_known_here_for_reading_its_dossiers(
    api: Api, tmp_path: Path, units: UnitRegistry
) -> None:
    from tests.factories import ADMIN, ctx, officer

    other_process = NominationService(
        {"PERSISTENCE_MODULE": SQLITE_FACTORY, "SQLITE_DBNAME": str(tmp_path / "events.sqlite3")},
        units=units,
    )
    other_process.register_unit(
        ctx(ADMIN),
        {
            "code": "S-831-88",
            "name": "Xã Bên Kia (dữ liệu mẫu)",
            "kind": "commune",
            "parent_code": "831",
            "valid_from": "2020-02-01",
            "valid_to": "2025-06-30",
            "synthetic": True,
        },
    )
    opened = other_process.open_nomination(
        ctx(officer("831"), date(2024, 1, 15)), "S-831-88", "bang-khen-tinh", 2023
    )
    other_process.close()
    shown = ok(api.get(f"/api/v1/nominations/{opened.id}", "officer"))
    assert shown["unit_code"] == "S-831-88"
    listed = ok(api.get("/api/v1/units", "officer", params={"limit": 1000}))
    assert "S-831-88" in {u["code"] for u in listed["data"]}
