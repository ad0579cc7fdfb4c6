"""Auditors fetch, keep and check signed receipts over HTTP."""

from __future__ import annotations

import pytest

from tests.api.conftest import Api
from tests.scenarios import GOOD, Story

pytestmark = pytest.mark.api


def _seal(api: Api) -> dict[str, object]:
    return api.client.app.state.thidua.receipts.seal()  # type: ignore[attr-defined,no-any-return]


def test_an_auditor_fetches_the_latest_receipt_and_checks_the_store_with_it(api: Api) -> None:
    assert api.get("/api/v1/audit/receipts/latest", "auditor").status_code == 404
    nid = Story(api.service).open("S-831-01", GOOD)
    sealed = _seal(api)
    latest = api.get("/api/v1/audit/receipts/latest", "auditor").json()
    assert latest == sealed
    assert api.get("/api/v1/audit/receipts", "auditor").json()["count"] == 1
    key = api.client.get("/api/v1/audit/public-key").json()
    assert key["pem"].startswith("-----BEGIN PUBLIC KEY-----")
    assert key["key_id"] == latest["key_id"]
    ok = api.post("/api/v1/audit/receipts/verify", "auditor", json=latest)
    assert ok.status_code == 200
    assert ok.json()["ok"] is True

    with api.client.app.state.thidua.database.transaction() as cursor:  # type: ignore[attr-defined]
        cursor.execute("DROP TRIGGER stored_events_no_delete")
        cursor.execute("DELETE FROM stored_events WHERE originator_id = ?", (nid.hex,))
    broken = api.post("/api/v1/audit/receipts/verify", "auditor", json=latest).json()
    assert broken["ok"] is False
    assert broken["finding"]["change"] == "deleted"
    assert broken["finding"]["aggregate_id"] == str(nid)
    assert broken["finding"]["version"] == 1


def test_a_receipt_with_a_wrong_signature_is_refused_naming_the_field(api: Api) -> None:
    Story(api.service).open("S-831-01", GOOD)
    sealed = dict(_seal(api))
    sealed["position"] = int(sealed["position"]) + 1  # type: ignore[call-overload]
    response = api.post("/api/v1/audit/receipts/verify", "auditor", json=sealed)
    assert response.status_code == 422
    assert "signature" in response.text


def test_receipts_are_for_auditors(api: Api) -> None:
    assert api.get("/api/v1/audit/receipts/latest", "officer").status_code == 403


def test_a_consistency_proof_links_two_receipts(api: Api) -> None:
    story = Story(api.service)
    story.open("S-831-01", GOOD)
    old = _seal(api)
    story.open("S-832-01", GOOD)
    new = _seal(api)
    proof = api.get(
        f"/api/v1/audit/consistency?from={old['position']}&to={new['position']}", "auditor"
    ).json()
    assert proof["from_root"] == old["root"]
    assert proof["to_root"] == new["root"]
    assert proof["proof"]["type"] == "consistency"
    bad = api.get("/api/v1/audit/consistency?from=5&to=2", "auditor")
    assert bad.status_code == 422
