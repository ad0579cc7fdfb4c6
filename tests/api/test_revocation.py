"""Revoking an award over HTTP: only the authority that decided it, by a numbered decision
of its own (docs/spec.md §12)."""

from __future__ import annotations

from datetime import date

import pytest

from tests.api.conftest import Api
from tests.api.journey import ok
from tests.scenarios import Story

pytestmark = pytest.mark.api

DAY = date(2024, 4, 5)


def test_the_authority_that_decided_an_award_revokes_it_under_its_registers_next_number(
    api: Api,
) -> None:
    service = api.service
    nid = Story(service).awarded()
    api.client.app.state.thidua.clock = lambda: DAY  # type: ignore[attr-defined]
    url = f"/api/v1/nominations/{nid}/revocation"
    body = {"reason": "Phát hiện kê khai sai số liệu.", "recover_within_working_days": 10}
    assert api.post(url, "secretary", json=body).status_code == 403  # the council advises only
    # The award carried a prize: the decision says by when it comes back.
    unsaid = api.post(url, "chairman", json={"reason": body["reason"]})
    assert (unsaid.status_code, unsaid.json()["field"]) == (422, "recover_within_working_days")
    # Another authority may not even read the dossier: it does not exist for them.
    assert api.post(url, "chairman-vinh-long", json=body).status_code == 404
    bare = api.post(url, "chairman", json={"reason": ""})
    assert (bare.status_code, bare.json()["errors"][0]["field"]) == (422, "reason")
    taken = api.post(url, "chairman", json={**body, "decision_number": "1/QĐ-UBND"})
    assert taken.status_code == 409  # the award's own number: never given twice
    ok(api.post(url, "chairman", json=body))
    revoked = service.get_nomination(nid)
    assert revoked.outcome == "revoked"
    assert revoked.revocation == {"reason": body["reason"], "decision_number": "2/QĐ-UBND"}
    again = api.post(url, "chairman", json=body)
    assert again.status_code == 409  # only an award can be revoked


def test_a_revoked_awards_prize_is_recovered_by_the_date_the_decision_set(api: Api) -> None:
    service = api.service
    nid = Story(service).awarded()
    api.client.app.state.thidua.clock = lambda: date(2024, 6, 3)  # type: ignore[attr-defined]
    revoke = {"reason": "Kê khai sai.", "recover_within_working_days": 10}
    ok(api.post(f"/api/v1/nominations/{nid}/revocation", "chairman", json=revoke))
    recovery = ok(api.get(f"/api/v1/nominations/{nid}", "province"))["recovery"]
    assert (recovery["state"], recovery["due_on"]) == ("open", "2024-06-17")
    assert recovery["amount_vnd"] == 3_600_000  # Bằng khen to a collective: 2.0 × 1,800,000
    assert "Điều 93" in recovery["basis"]
    url = f"/api/v1/nominations/{nid}/recovery"
    api.client.app.state.thidua.clock = lambda: date(2024, 6, 12)  # type: ignore[attr-defined]
    paid = {"amount_vnd": 3_600_000, "receipt": "PT-2024/0153", "recovered_on": "2024-06-10"}
    assert api.post(url, "officer", json=paid).status_code == 403
    short = api.post(url, "province", json={**paid, "amount_vnd": 1_000_000})
    assert (short.status_code, short.json()["field"]) == (422, "amount_vnd")
    ahead = api.post(url, "province", json={**paid, "recovered_on": "2024-06-30"})
    assert (ahead.status_code, ahead.json()["field"]) == (422, "recovered_on")
    ok(api.post(url, "province", json=paid))
    recovery = ok(api.get(f"/api/v1/nominations/{nid}", "province"))["recovery"]
    assert (recovery["state"], recovery["receipt"]) == ("recovered", "PT-2024/0153")
    assert api.post(url, "province", json=paid).status_code == 409  # recovered once
