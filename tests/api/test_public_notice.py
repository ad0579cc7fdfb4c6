"""The public notice: anyone reads what is posted and objects while a notice is open; the
objection enters the complaint flow, its filer stays confidential, and abuse is refused."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from fastapi.testclient import TestClient

from domain.units import UnitRegistry
from projections.runner import ProjectionRunner
from service.nomination_service import NominationService
from storage.views import SQLiteDatabase
from tests.api.conftest import settings_for
from thidua.bootstrap import SQLITE_FACTORY, build_app
from thidua.demo import DEMO_PASSWORD, seed_demo
from thidua.settings import Settings


class Public:
    def __init__(self, client: TestClient, service: NominationService) -> None:
        self.client, self.service = client, service

    def bearer(self, who: str) -> dict[str, str]:
        form = {"username": who, "password": DEMO_PASSWORD}
        token = self.client.post("/api/v1/auth/token", data=form).json()["access_token"]
        return {"Authorization": f"Bearer {token}"}

    def posted(self) -> dict[str, Any]:
        rows = self.client.get("/api/v1/public/notices").json()["data"]
        assert rows, "the demo posts a nomination"
        return dict(rows[0])

    def events(self) -> int:
        return self.service.recorder.max_notification_id() or 0


@pytest.fixture
def public(tmp_path: Path, shipped_units: UnitRegistry) -> Iterator[Public]:
    path = str(tmp_path / "events.sqlite3")
    service = NominationService(
        {"PERSISTENCE_MODULE": SQLITE_FACTORY, "SQLITE_DBNAME": path}, units=shipped_units
    )
    seed_demo(service, Settings().units_file)
    runner = ProjectionRunner(service, SQLiteDatabase(path))
    runner.catch_up_all()
    settings = settings_for(tmp_path).model_copy(update={"public_complaints_per_hour": 3})
    with TestClient(build_app(settings, service=service, runner=runner)) as client:
        yield Public(client, service)
    service.close()


def test_anyone_reads_the_posted_nominations_by_name_with_figures_and_outcomes(
    public: Public,
) -> None:
    row = public.posted()
    assert row["award_form_name"] == "Bằng khen của Chủ tịch UBND tỉnh"
    detail = public.client.get(f"/api/v1/public/notices/{row['nomination_id']}").json()
    assert detail["open"] is True
    assert detail["last_day"]
    assert {f["year"] for f in detail["figures"]} >= {2024, 2025}
    assert all(f["rate_percent"] is not None for f in detail["figures"])
    assert detail["criteria"]
    assert all(c["explanation"] for c in detail["criteria"])
    page = public.client.get("/cong-khai")
    assert page.status_code == 200
    assert row["unit_name"] in page.text
    assert "Bằng khen của Chủ tịch UBND tỉnh" in page.text
    one = public.client.get(f"/cong-khai/{row['nomination_id']}")
    assert "Số liệu hộ nghèo" in one.text
    assert "Gửi phản ánh, khiếu nại" in one.text
    overridden = [c for c in detail["criteria"] if c["outcome"] == "not_met"]
    assert all(c["override"] for c in overridden)  # the demo forwards it by an override
    assert "Cấp tỉnh vẫn trình Hội đồng, với lý do" in one.text
    english = public.client.get(f"/cong-khai/{row['nomination_id']}?lang=en")
    assert "Object to this nomination" in english.text
    n = public.service.get_nomination(UUID(row["nomination_id"]))
    assert n.achievement_report
    assert n.achievement_report not in one.text  # the dossier itself stays inside


def test_a_nomination_not_on_public_notice_is_not_shown(public: Public) -> None:
    rows = public.client.get(
        "/api/v1/nominations?stage=council", headers=public.bearer("demo-auditor")
    ).json()["data"]
    hidden = rows[0]["nomination_id"]
    assert public.client.get(f"/api/v1/public/notices/{hidden}").status_code == 404
    assert public.client.get(f"/cong-khai/{hidden}").status_code == 404


def test_an_objection_enters_the_complaint_flow_and_its_filer_stays_confidential(
    public: Public,
) -> None:
    nid = public.posted()["nomination_id"]
    text = unicodedata.normalize("NFD", "Số hộ nghèo của ấp 4 chưa đúng thực tế.")
    filed = public.client.post(
        "/api/v1/public/complaints",
        json={"nomination_id": nid, "text": text, "name": "Nguyễn Văn A", "contact": "0909"},
    )
    assert filed.status_code == 201, filed.text
    number = filed.json()["number"]
    follow = public.client.get(
        f"/api/v1/public/complaints/{number}?after={filed.json()['position']}"
    )
    assert follow.json()["state"] == "open"
    assert "Nguyễn" not in follow.text

    n = public.service.get_nomination(UUID(nid))
    [complaint] = [c for c in n.complaints.values() if "ấp 4" in c["text"]]
    assert complaint["text"] == unicodedata.normalize("NFC", text)  # stored as NFC
    reviewer = public.client.get(
        f"/api/v1/nominations/{nid}", headers=public.bearer("demo-province-reviewer")
    )
    officer = public.client.get(f"/api/v1/nominations/{nid}", headers=public.bearer("demo-officer"))
    seen = [c["filed_by"] for c in reviewer.json()["complaints"].values()]
    assert "Nguyễn Văn A; 0909" in seen
    assert all(c["filed_by"] is None for c in officer.json()["complaints"].values())
    history = public.client.get(
        f"/api/v1/nominations/{nid}/audit", headers=public.bearer("demo-officer")
    )
    assert history.status_code == 200
    assert "ấp 4" in history.text  # the complaint is there, its filer is not
    assert "Nguyễn Văn A" not in history.text

    cid = next(k for k, c in n.complaints.items() if "ấp 4" in c["text"])
    resolved = public.client.post(
        f"/api/v1/nominations/{nid}/complaints/{cid}/resolve",
        json={"resolution": "Đã xác minh: số liệu đúng.", "upheld": False},
        headers=public.bearer("demo-province-reviewer"),
    )
    assert resolved.status_code == 200, resolved.text
    after = resolved.json()["position"]
    state = public.client.get(f"/api/v1/public/complaints/{number}?after={after}").json()
    assert state["state"] == "dismissed"
    page = public.client.get(f"/cong-khai/khieu-nai/{number}")
    assert "Đã giải quyết" in page.text


def test_the_form_files_and_sends_the_filer_to_follow_it(public: Public) -> None:
    nid = public.posted()["nomination_id"]
    answer = public.client.post(
        f"/cong-khai/{nid}", data={"text": "Phản ánh qua biểu mẫu."}, follow_redirects=False
    )
    assert answer.status_code == 303
    assert answer.headers["location"].startswith("/cong-khai/khieu-nai/KN-")
    followed = public.client.get(answer.headers["location"])
    assert "Đang xem xét" in followed.text


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"text": "Xin chào", "website": "http://spam.example"}, "website"),
        ({"text": "x" * 4001}, "text"),
        ({"text": "   "}, "text"),
        ({"text": "ok", "name": "n" * 121}, "name"),
        ({"text": "ok", "contact": "c" * 121}, "contact"),
    ],
)
def test_abuse_is_refused_naming_the_field_and_records_nothing(
    public: Public, body: dict[str, Any], field: str
) -> None:
    nid = public.posted()["nomination_id"]
    before = public.events()
    refused = public.client.post("/api/v1/public/complaints", json={"nomination_id": nid, **body})
    assert refused.status_code == 422, refused.text
    assert field in refused.text
    assert public.events() == before


def test_one_address_may_object_only_so_often(public: Public) -> None:
    nid = public.posted()["nomination_id"]
    for i in range(3):
        answer = public.client.post(
            "/api/v1/public/complaints", json={"nomination_id": nid, "text": f"Phản ánh {i}"}
        )
        assert answer.status_code == 201
    before = public.events()
    refused = public.client.post(
        "/api/v1/public/complaints", json={"nomination_id": nid, "text": "Lần thứ tư"}
    )
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) > 0
    assert public.events() == before


def test_no_objection_is_taken_once_the_notice_has_closed(public: Public) -> None:
    row = public.posted()
    last = public.service.get_nomination(UUID(row["nomination_id"])).due_on
    assert last is not None
    state = public.client.app.state.thidua  # type: ignore[attr-defined]
    state.clock = lambda: last + timedelta(days=1)
    before = public.events()
    refused = public.client.post(
        "/api/v1/public/complaints", json={"nomination_id": row["nomination_id"], "text": "Muộn"}
    )
    assert refused.status_code == 409
    assert "not open" in refused.json()["detail"]
    assert public.events() == before
    assert (
        "Thời hạn công khai đã hết" in public.client.get(f"/cong-khai/{row['nomination_id']}").text
    )


def test_an_unknown_objection_number_is_answered_as_not_found(public: Public) -> None:
    answer = public.client.get("/api/v1/public/complaints/KN-AAAAAAAAAA")
    assert answer.status_code == 404
    assert answer.headers["content-type"].startswith("application/problem+json")
    page = public.client.get("/cong-khai/khieu-nai/KN-AAAAAAAAAA")
    assert page.status_code == 404
