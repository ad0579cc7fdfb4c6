"""The award register over HTTP, on a SQLite file and on PostgreSQL (docs/spec.md §13): every
award decided and every revocation, filtered and paged, exported, counted, and found by the
public by unit, never with more than a published decision states."""

from __future__ import annotations

import csv
import io
from datetime import date
from typing import Any
from uuid import UUID

import pytest
from openpyxl import load_workbook

from api.security import hash_password
from domain.submission import Signer
from tests.api.conftest import PASSWORD, Api
from tests.api.journey import ok
from tests.factories import ADMIN, PROVINCE, chairman, ctx
from tests.scenarios import Story

pytestmark = pytest.mark.api

DAY = date(2024, 4, 5)
CHAIR = Signer("Chủ tịch", "Nguyễn Văn A")


def decided(api: Api) -> tuple[str, str, str]:
    """Two dossiers recommended; the chairman awards the first and not the second."""
    service = api.service
    sid, ids = Story(service).recommended(("S-831-01", "S-829-02"))
    submission = service.prepare_submission(ctx(PROVINCE, DAY), sid, ids, "Kính trình.").id
    won, lost = (str(n) for n in ids)
    service.decide_submission(
        ctx(chairman(), DAY), submission, DAY, CHAIR, {won: "Đạt."}, {lost: "Chưa đạt."}
    )
    return won, lost, str(submission)


def read(api: Api, path: str, who: str | None = "auditor", **params: Any) -> dict[str, Any]:
    return ok(api.get(path, who, params={"after": api.events(), **params}))


def test_an_award_decided_enters_the_register_with_its_decision_and_prize(store_api: Api) -> None:
    won, _, _ = decided(store_api)
    page = read(store_api, "/api/v1/awards")
    assert page["count"] == 1  # the dossier not awarded is not an award
    [row] = page["data"]
    assert row["nomination_id"] == won
    assert (row["unit_code"], row["award_form"], row["first_year"], row["last_year"]) == (
        "S-831-01",
        "bang-khen-tinh",
        2022,
        2023,
    )
    assert (row["decision_number"], row["decided_on"], row["authority_id"]) == (
        "1/QĐ-UBND",
        "2024-04-05",
        "ubnd-tinh-ben-tre",
    )
    assert row["prize_vnd"] == 3_600_000
    assert row["movement"] == "ben-tre-vi-nguoi-ngheo-2021-2025"
    assert row["decided_under"] == "authority_decision"
    assert row["revoked_on"] is None
    for params in ({"unit": "S-829-02"}, {"form": "co-thi-dua-tinh"}, {"year": 2025}):
        assert read(store_api, "/api/v1/awards", **params)["count"] == 0, params
    for params in ({"unit": "S-831-01"}, {"year": 2024}, {"authority": "ubnd-tinh-ben-tre"}):
        assert read(store_api, "/api/v1/awards", **params)["count"] == 1, params


def test_a_revocation_stays_in_the_register_beside_the_award_it_withdrew(store_api: Api) -> None:
    won, _, _ = decided(store_api)
    revoking = ctx(chairman(), DAY)
    store_api.service.revoke_award(revoking, UUID(won), "Khai man thành tích.", recover_within=10)
    [row] = read(store_api, "/api/v1/awards")["data"]
    assert (row["revocation_number"], row["revocation_reason"]) == (
        "2/QĐ-UBND",
        "Khai man thành tích.",
    )
    assert row["revoked_on"] is not None
    [stat] = read(store_api, "/api/v1/awards/statistics")["data"]
    assert (stat["year"], stat["authority_id"], stat["award_form"]) == (
        2024,
        "ubnd-tinh-ben-tre",
        "bang-khen-tinh",
    )
    assert (stat["awards"], stat["revoked"], stat["prize_vnd"]) == (0, 1, 0)


def test_the_register_pages_by_keyset_and_exports_csv_and_xlsx(api: Api) -> None:
    service = api.service
    sid, ids = Story(service).recommended(("S-831-01", "S-829-02", "S-831-02"))
    submission = service.prepare_submission(ctx(PROVINCE, DAY), sid, ids, "Kính trình.").id
    service.decide_submission(
        ctx(chairman(), DAY), submission, DAY, CHAIR, {str(n): "Đạt." for n in ids}, {}
    )
    first = read(api, "/api/v1/awards", limit=2)
    second = read(api, "/api/v1/awards", limit=2, cursor=first["next"])
    seen = [r["nomination_id"] for r in first["data"] + second["data"]]
    assert sorted(seen) == sorted(str(n) for n in ids)
    assert second["next"] is None
    bad = api.get("/api/v1/awards", "auditor", params={"cursor": "not-ours"})
    assert (bad.status_code, bad.json()["field"]) == (422, "cursor")
    answer = api.get("/api/v1/awards/export", "auditor", params={"format": "csv"})
    assert answer.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(answer.text)))
    assert sorted(r["nomination_id"] for r in rows) == sorted(str(n) for n in ids)
    assert {r["prize_vnd"] for r in rows} == {"3600000"}
    sheet = api.get(
        "/api/v1/awards/export", "auditor", params={"format": "xlsx", "unit": "S-831-02"}
    )
    book = load_workbook(io.BytesIO(sheet.content), read_only=True)
    values = list(book.active.iter_rows(values_only=True))  # type: ignore[union-attr]
    assert values[0][:2] == ("nomination_id", "unit_code")
    assert [v[1] for v in values[1:]] == ["S-831-02"]
    stats = api.get("/api/v1/awards/statistics", "auditor", params={"format": "xlsx"})
    assert stats.status_code == 200
    assert load_workbook(io.BytesIO(stats.content), read_only=True).active is not None


def test_who_reads_the_register(api: Api) -> None:
    decided(api)
    assert api.get("/api/v1/awards", "officer").status_code == 403
    assert read(api, "/api/v1/awards", "chairman")["count"] == 1  # its own authority's awards
    assert read(api, "/api/v1/awards", "chairman-vinh-long")["count"] == 0
    other = api.get("/api/v1/awards", "chairman", params={"authority": "ubnd-tinh-vinh-long"})
    assert (other.status_code, other.json()["field"]) == (422, "authority")
    assert api.get("/api/v1/awards/statistics", "chairman").status_code == 403
    # A chairman who held Bến Tre's authority and holds Vĩnh Long's reads both, unasked.
    grants = [
        {"role": "awarding_authority", "scope": "ubnd-tinh-ben-tre"},
        {"role": "awarding_authority", "scope": "ubnd-tinh-vinh-long"},
    ]
    api.service.register_account(ctx(ADMIN), "chairman-both", hash_password(PASSWORD), grants)
    assert read(api, "/api/v1/awards", "chairman-both")["count"] == 1


def test_the_public_finds_a_units_awards_by_its_name_without_signing_in(api: Api) -> None:
    decided(api)
    api.get("/api/v1/awards", "auditor", params={"after": api.events()})  # the view caught up
    found = ok(api.get("/api/v1/public/awards", None, params={"unit": "mau ba"}))
    [award] = found["data"]
    assert award["unit_name"] == "Xã Mẫu Ba (dữ liệu mẫu)"
    assert (award["decision_number"], award["prize_vnd"]) == ("1/QĐ-UBND", 3_600_000)
    assert "nomination_id" not in award  # what the decision states, no internal id
    assert ok(api.get("/api/v1/public/awards", None, params={"unit": "S-829-02"}))["count"] == 0
    short = api.get("/api/v1/public/awards", None, params={"unit": "x"})
    assert short.status_code == 422
    page = api.get("/cong-khai/khen-thuong", None, params={"q": "Mẫu Ba"})
    assert page.status_code == 200
    assert "Xã Mẫu Ba (dữ liệu mẫu)" in page.text
    assert "1/QĐ-UBND" in page.text
    assert "3.600.000" in page.text
