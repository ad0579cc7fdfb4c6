"""Batches: each item is its own command, with its own key, checks and result."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

import pytest

from tests.api.conftest import Api
from tests.api.journey import found_wanting, ok, open_dossier, schedule_session, to_province
from tests.factories import SYSTEM, ctx

pytestmark = pytest.mark.api


def at_province(api: Api) -> list[str]:
    """Three dossiers waiting for the province; the second was found wanting on a visit."""
    api.client.app.state.thidua.clock = lambda: date(2024, 1, 15)  # type: ignore[attr-defined]
    first, second = open_dossier(api, "S-831-01"), open_dossier(api, "S-831-02")
    third = open_dossier(api, "S-829-02", who="officer-829")
    for nid in (first, second):
        to_province(api, nid)
    to_province(api, third, "officer-829", "district-829")
    found_wanting(api, second)
    return [first, second, third]


def forward(nids: list[str], prefix: str = "fwd") -> dict[str, Any]:
    return {
        "items": [
            {
                "key": f"{prefix}-{i}",
                "action": "province_review",
                "nomination_id": nid,
                "body": {"decision": "approve", "comment": "Trình Hội đồng."},
            }
            for i, nid in enumerate(nids)
        ]
    }


def test_a_reviewer_forwards_three_dossiers_and_the_one_refused_fails_alone(api: Api) -> None:
    nids = at_province(api)
    answer = ok(api.post("/api/v1/batches", "province", json=forward(nids)))
    assert (answer["succeeded"], answer["failed"]) == (2, 1)
    results = answer["results"]
    assert [r["nomination_id"] for r in results] == nids  # in the order sent
    assert [r["ok"] for r in results] == [True, False, True]
    refused = results[1]
    assert refused["status"] == 409
    assert "commune-high-pp2" in refused["error"]["detail"]
    # What blocked it, for machines and, by name, for people.
    error = refused["error"]
    assert (error["criterion_id"], error["outcome"]) == ("commune-high-pp2", "not_met")
    assert error["criterion_vi"].startswith("Xã")
    assert error["criterion_en"]
    assert results[0]["result"]["stage"] == results[2]["result"]["stage"] == "public_notice"
    stages = [ok(api.get(f"/api/v1/nominations/{n}", "province"))["stage"] for n in nids]
    assert stages == ["public_notice", "province_review", "public_notice"]

    # Sent again, each item is answered as before and nothing is recorded twice.
    events = api.events()
    again = ok(api.post("/api/v1/batches", "province", json=forward(nids)))
    assert [r["ok"] for r in again["results"]] == [True, False, True]
    assert again["results"][0]["result"]["replayed"] is True
    assert again["results"][0]["result"]["version"] == results[0]["result"]["version"]
    assert api.events() == events


def test_a_key_reused_for_another_item_is_refused_for_that_item(api: Api) -> None:
    nids = at_province(api)
    ok(api.post("/api/v1/batches", "province", json=forward(nids[:1])))
    reused = forward(nids[2:], prefix="fwd")  # fwd-0 again, for another dossier
    [result] = ok(api.post("/api/v1/batches", "province", json=reused))["results"]
    assert (result["ok"], result["status"], result["error"]["field"]) == (False, 422, "key")


def test_each_item_keeps_the_single_routes_roles_scopes_and_fields(api: Api) -> None:
    nids = at_province(api)
    as_district = forward(nids)
    for item in as_district["items"]:
        item["action"] = "district_review"
    results = ok(api.post("/api/v1/batches", "district-831", json=as_district))["results"]
    # Its own district's dossiers are past its stage; the other district's does not exist.
    assert [r["status"] for r in results] == [409, 409, 404]
    officer = ok(api.post("/api/v1/batches", "officer", json=forward(nids)))["results"]
    assert {r["status"] for r in officer} == {403}
    bad = forward(nids[:1])
    bad["items"][0]["body"] = {"decision": "maybe"}
    [invalid] = ok(api.post("/api/v1/batches", "province", json=bad))["results"]
    assert (invalid["status"], invalid["error"]["field"]) == (422, "body.decision")
    twice = forward(nids[:2])
    twice["items"][1]["key"] = twice["items"][0]["key"]
    refused = api.post("/api/v1/batches", "province", json=twice)
    assert refused.status_code == 422
    assert refused.json()["field"] == "items"
    for n in nids:  # nothing changed
        assert ok(api.get(f"/api/v1/nominations/{n}", "province"))["stage"] == "province_review"


def test_the_secretary_puts_several_nominations_on_the_agenda_at_once(api: Api) -> None:
    nids = at_province(api)
    ok(api.post("/api/v1/batches", "province", json=forward(nids)))
    for n in (nids[0], nids[2]):  # the clock ends their public notice
        api.service.end_public_notice(ctx(SYSTEM, date(2024, 3, 6)), UUID(n))
    session = schedule_session(api, ["member-1", "member-2", "member-3"])
    batch = {
        "items": [
            {
                "key": f"agenda-{n}",
                "action": "add_to_agenda",
                "nomination_id": n,
                "body": {"session_id": session},
            }
            for n in nids
        ]
    }
    answer = ok(api.post("/api/v1/batches", "secretary", json=batch))
    # The one still at the province is refused on its own row; the others are on the agenda.
    assert [r["status"] for r in answer["results"]] == [200, 409, 200]
    agenda = ok(api.get(f"/api/v1/council/sessions/{session}", "secretary"))["items"]
    assert [i["nomination_id"] for i in agenda] == [nids[0], nids[2]]
