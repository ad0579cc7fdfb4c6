"""Complainants stay confidential (Law on Denunciation): only the province reviewer, the
council secretary and the auditor learn who complained and how to reach them."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest

from tests.api.journey import ok, open_dossier, to_province
from tests.security.conftest import Api

WHO = "Nguyễn Văn An, ấp 3, 0901 234 567"


def complained(api: Api) -> tuple[str, str]:
    api.client.app.state.thidua.clock = lambda: date(2024, 1, 15)  # type: ignore[attr-defined]
    nid = open_dossier(api)
    to_province(api, nid)
    ok(
        api.post(
            f"/api/v1/nominations/{nid}/province-review",
            "province",
            json={"decision": "approve", "comment": "Trình Hội đồng."},
        )
    )
    answer = ok(
        api.post(
            f"/api/v1/nominations/{nid}/complaints",
            "province",
            json={"text": "Số hộ nghèo chưa đúng.", "filed_by": WHO},
        ),
        201,
    )
    return nid, answer["extra"]["complaint_id"]


def everything_shown(api: Api, nid: str, who: str) -> str:
    after = {"after": str(api.events())}
    parts = [
        api.get(f"/api/v1/nominations/{nid}", who).text,
        api.get(f"/api/v1/nominations/{nid}/events", who).text,
        api.get(f"/api/v1/nominations/{nid}/audit", who, params=after).text,
    ]
    return "\n".join(parts)


@pytest.mark.parametrize("who", ["officer", "district-831"])
def test_other_roles_see_the_complaint_without_who_made_it(api: Api, who: str) -> None:
    nid, cid = complained(api)
    shown = everything_shown(api, nid, who)
    assert "Số hộ nghèo chưa đúng." in shown  # the complaint itself is not hidden
    assert "Nguyễn Văn An" not in shown
    assert "0901 234 567" not in shown
    complaint = ok(api.get(f"/api/v1/nominations/{nid}", who))["complaints"][cid]
    assert complaint["filed_by"] is None


@pytest.mark.parametrize("who", ["province", "secretary", "auditor"])
def test_the_province_the_secretary_and_the_auditor_see_who_complained(api: Api, who: str) -> None:
    nid, cid = complained(api)
    assert ok(api.get(f"/api/v1/nominations/{nid}", who))["complaints"][cid]["filed_by"] == WHO
    assert WHO in everything_shown(api, nid, who)


def test_the_auditors_export_keeps_the_complainant_for_the_record(api: Api) -> None:
    nid, _ = complained(api)
    ok(api.get(f"/api/v1/nominations/{nid}/audit", "auditor", params={"after": api.events()}))
    exported = api.get("/api/v1/audit/trail?format=csv", "auditor")
    rows = list(csv.DictReader(io.StringIO(exported.text)))
    assert any(WHO in (r["details"] or "") for r in rows if r["event_type"] == "ComplaintFiled")
