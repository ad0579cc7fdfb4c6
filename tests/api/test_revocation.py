"""Revoking an award over HTTP: only the authority that decided it, by a numbered decision
of its own (docs/spec.md §12)."""

from __future__ import annotations

from datetime import date

import pytest

from domain.submission import Signer
from tests.api.conftest import Api
from tests.api.journey import ok
from tests.factories import PROVINCE, chairman, ctx
from tests.scenarios import Story

pytestmark = pytest.mark.api

DAY = date(2024, 4, 5)


def test_the_authority_that_decided_an_award_revokes_it_under_its_registers_next_number(
    api: Api,
) -> None:
    service = api.service
    sid, [nid] = Story(service).recommended()
    submission = service.prepare_submission(ctx(PROVINCE, DAY), sid, [nid], "Kính trình.").id
    service.decide_submission(
        ctx(chairman(), DAY), submission, DAY, Signer("Chủ tịch", "A"), {str(nid): "Đạt."}, {}
    )
    api.client.app.state.thidua.clock = lambda: DAY  # type: ignore[attr-defined]
    url = f"/api/v1/nominations/{nid}/revocation"
    body = {"reason": "Phát hiện kê khai sai số liệu."}
    assert api.post(url, "secretary", json=body).status_code == 403  # the council advises only
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
