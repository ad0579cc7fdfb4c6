"""People nominated in their own right, and households' representatives (docs/spec.md §14):
their personal data stays out of the hash-chained log, only the roles that compile, appraise
or decide read it, and it is erased where the law allows."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest

from tests.api.conftest import PASSWORD, Api
from tests.api.journey import ok, to_province
from tests.api.test_documents import text_of
from tests.factories import PROVINCE, SYSTEM, ctx
from tests.scenarios import Story

pytestmark = pytest.mark.api

HOA = {
    "full_name": "Nguyễn Thị Hoa",
    "job_title": "Phó Chủ tịch Ủy ban nhân dân xã",
    "unit_code": "S-831-01",
    "gender": "female",
}


def record(api: Api, who: str = "officer", **changes: Any) -> dict[str, Any]:
    return ok(api.post("/api/v1/people", who, json={**HOA, **changes}), 201)


def nominate(api: Api, person: dict[str, Any], who: str = "officer") -> str:
    body = {
        "unit_code": person["unit_code"],
        "person_id": person["id"],
        "award_form": "bang-khen-tinh",
        "cycle_year": 2023,
    }
    nid = str(ok(api.post("/api/v1/nominations", who, json=body), 201)["id"])
    report = {"text": "Hỗ trợ 12 hộ nghèo thoát nghèo bền vững."}
    ok(api.put(f"/api/v1/nominations/{nid}/achievement-report", who, json=report))
    return nid


def stored_events(api: Api) -> str:
    """Every stored event's state, as the recorder keeps it."""
    recorder = api.service.recorder
    return "\n".join(
        bytes(e.state).decode("utf-8", "replace") for e in recorder.select_notifications(1, 10**6)
    )


def mentions(log: str, text: str) -> bool:
    """Whether the text is in the log, as written or as JSON escapes it."""
    return text in log or json.dumps(text)[1:-1] in log


def test_a_person_is_nominated_by_id_and_their_name_never_enters_the_log(store_api: Api) -> None:
    api = store_api
    api.client.app.state.thidua.clock = lambda: date(2024, 1, 15)  # type: ignore[attr-defined]
    person = record(api)
    assert person["purpose"].startswith("Xét khen thưởng")
    assert person["recorded_by"] == "officer"
    nid = nominate(api, person)
    dossier = ok(api.get(f"/api/v1/nominations/{nid}", "officer"))
    assert dossier["unit_kind"] == "individual"
    assert dossier["unit_code"] == f"CN-{person['id']}"
    assert dossier["unit_name"] == "Nguyễn Thị Hoa"
    assert dossier["person"]["job_title"] == HOA["job_title"]
    # The log names the person by id: not their name, job_title or gender.
    log = stored_events(api)
    assert person["id"] in log
    assert mentions(log, "12 hộ nghèo")  # the dossier's own words are there
    for personal in ("Hoa", "Phó Chủ tịch", "female"):
        assert not mentions(log, personal), personal


def test_only_the_roles_that_appraise_or_decide_see_a_persons_data(store_api: Api) -> None:
    api = store_api
    api.client.app.state.thidua.clock = lambda: date(2024, 1, 15)  # type: ignore[attr-defined]
    person = record(api)
    nid = nominate(api, person)
    to_province(api, nid)
    for who in ("officer", "district-831", "province", "secretary"):
        assert ok(api.get(f"/api/v1/people/{person['id']}", who))["full_name"] == HOA["full_name"]
    for who in ("auditor", "inspector", "officer-829", "district-829", "admin"):
        assert api.get(f"/api/v1/people/{person['id']}", who).status_code == 404, who
    # A council member or a chairman works on a dossier only once it is on their agenda or
    # awaits their decision.
    for who in ("member-1", "chairman"):
        assert api.get(f"/api/v1/people/{person['id']}", who).status_code == 404, who
    # The auditor reads the dossier and the board with the person's code, never the name.
    seen = ok(api.get(f"/api/v1/nominations/{nid}", "auditor"))
    assert (seen["unit_name"], seen["person"]) == (f"CN-{person['id']}", None)
    rows = ok(api.get("/api/v1/nominations", "auditor", params={"after": api.events()}))["data"]
    assert [r["unit_name"] for r in rows] == [f"CN-{person['id']}"]
    rows = ok(api.get("/api/v1/nominations", "province"))["data"]
    assert [r["unit_name"] for r in rows] == [HOA["full_name"]]


def test_bad_personal_data_is_refused_naming_the_field_and_nothing_is_kept(store_api: Api) -> None:
    api = store_api
    for field, value in (
        ("full_name", " "),
        ("gender", "other"),
        ("unit_code", "S-999-99"),
        ("role", "household_representative"),  # S-831-01 is a commune, not a household
    ):
        answer = api.post("/api/v1/people", "officer", json={**HOA, field: value})
        assert answer.status_code == 422, (field, answer.text)
        named = answer.json().get("field") or answer.json()["errors"][0]["field"]
        assert named == field
    # Outside one's scope, a person is not recorded at all.
    assert api.post("/api/v1/people", "officer-829", json=HOA).status_code == 403
    # A dossier naming a person at another workplace, or nobody, is refused.
    person = record(api)
    wrong = {
        "unit_code": "S-831-02",
        "person_id": person["id"],
        "award_form": "bang-khen-tinh",
        "cycle_year": 2023,
    }
    answer = api.post("/api/v1/nominations", "officer", json=wrong)
    assert (answer.status_code, answer.json()["field"]) == (422, "unit_code")
    nobody = {**wrong, "unit_code": "S-831-01", "person_id": "00000000-0000-0000-0000-000000000000"}
    answer = api.post("/api/v1/nominations", "officer", json=nobody)
    assert (answer.status_code, answer.json()["field"]) == (422, "person_id")
    # Cờ thi đua is for collectives only.
    flag = {**nobody, "person_id": person["id"], "award_form": "co-thi-dua-tinh"}
    answer = api.post("/api/v1/nominations", "officer", json=flag)
    assert (answer.status_code, answer.json()["field"]) == (422, "award_form")


def test_erasure_blanks_the_data_and_leaves_the_log_verifiable(store_api: Api) -> None:
    api = store_api
    api.client.app.state.thidua.clock = lambda: date(2024, 1, 15)  # type: ignore[attr-defined]
    person = record(api)
    nid = nominate(api, person)
    erasure = f"/api/v1/people/{person['id']}/erasure"
    why = {"reason": "Người được đề nghị yêu cầu xóa."}
    # While the dossier is in progress it needs the data; an officer never erases.
    assert api.post(erasure, "admin", json=why).status_code == 409
    assert api.post(erasure, "officer", json=why).status_code == 403
    ok(api.post(f"/api/v1/nominations/{nid}/withdraw", "officer", json={"reason": "Rút."}))
    erased = ok(api.post(erasure, "admin", json=why))
    assert (erased["full_name"], erased["job_title"], erased["gender"]) == (None, None, None)
    assert erased["erased_at"]
    shown = ok(api.get(f"/api/v1/nominations/{nid}", "province"))
    assert shown["unit_name"] == "(đã xóa dữ liệu cá nhân)"
    assert ok(api.get("/api/v1/audit/verify", "auditor"))["ok"] is True


def test_a_household_keeps_a_named_representative(store_api: Api) -> None:
    api = store_api
    household = next(u.code for u in api.service.registry() if u.kind.value == "household")
    officer = "officer-83"  # scoped to the province: every household is under it
    rep = record(
        api,
        officer,
        full_name="Trần Văn Ba",
        job_title="Chủ hộ",
        unit_code=household,
        role="household_representative",
        gender="male",
    )
    assert rep["role"] == "household_representative"
    # A representative is not nominated alone.
    body = {
        "unit_code": household,
        "person_id": rep["id"],
        "award_form": "bang-khen-tinh",
        "cycle_year": 2023,
    }
    answer = api.post("/api/v1/nominations", officer, json=body)
    assert (answer.status_code, answer.json()["field"]) == (422, "person_id")


def awarded_person(api: Api) -> dict[str, Any]:
    """A person nominated, judged, recommended and awarded (15/QĐ-UBND of 3/4/2024)."""
    person = record(api)
    nid = UUID(nominate(api, person))
    to_province(api, str(nid))
    story = Story(api.service)
    story.driver.judge_open_checks("p", nid, date(2024, 3, 10), "Đạt tiêu chí.")
    api.service.complete_province_review(ctx(PROVINCE, date(2024, 3, 15)), nid, "approve", "")
    api.service.end_public_notice(ctx(SYSTEM, date(2024, 4, 1)), nid)
    story.council([nid], {nid}, date(2024, 4, 3))
    return person


def test_an_awarded_person_is_named_by_the_decision_and_counted_among_women(store_api: Api) -> None:
    api = store_api
    api.client.app.state.thidua.clock = lambda: date(2024, 1, 15)  # type: ignore[attr-defined]
    person = awarded_person(api)
    for who in ("member-1", "chairman"):  # who sat on its session, who decided it
        assert ok(api.get(f"/api/v1/people/{person['id']}", who))["full_name"] == HOA["full_name"]
    after = {"after": api.events()}
    [row] = ok(api.get("/api/v1/awards", "province", params=after))["data"]
    assert (row["unit_name"], row["nominee_kind"]) == (HOA["full_name"], "individual")
    [row] = ok(api.get("/api/v1/awards", "auditor"))["data"]
    assert row["unit_name"] == f"CN-{person['id']}"  # the auditor proves, without names
    csv = api.get("/api/v1/awards/export", "auditor").text
    assert HOA["full_name"] not in csv
    assert HOA["full_name"] in api.get("/api/v1/awards/export", "province").text
    [stats] = ok(api.get("/api/v1/awards/statistics", "auditor"))["data"]
    assert (stats["nominee_kind"], stats["awards"], stats["women"]) == ("individual", 1, 1)
    # The decision names her: it is published, and so kept.
    erasure = f"/api/v1/people/{person['id']}/erasure"
    refused = api.post(erasure, "admin", json={"reason": "Yêu cầu xóa."})
    assert (refused.status_code, refused.json()["title"]) == (409, "Kept by law")
    # The public lookup is by unit: a person's award is in the published decision, not there.
    assert ok(api.get("/api/v1/public/awards", None, params={"unit": "CN-"}))["data"] == []


def test_the_decision_names_an_awarded_person_as_it_is_published(
    store_api: Api, tmp_path: Path
) -> None:
    api = store_api
    api.client.app.state.thidua.clock = lambda: date(2024, 1, 15)  # type: ignore[attr-defined]
    awarded_person(api)
    after = {"after": api.events()}
    [submission] = ok(api.get("/api/v1/submissions", "province", params=after))["data"]
    pdf = api.get(f"/api/v1/submissions/{submission['submission_id']}/decision.pdf", "province")
    assert pdf.status_code == 200, pdf.text
    text = text_of(pdf.content, tmp_path, "decision.pdf")
    assert "Cá nhân Nguyễn Thị Hoa, Phó Chủ tịch Ủy ban nhân dân xã" in text
    assert "1 cá nhân" in text
    assert "tiền thưởng: 1.800.000 đồng" in text  # a person's coefficient, 1.0
    assert "các cá nhân có tên tại Điều 1" in text


def test_every_showing_of_a_persons_data_is_recorded_and_auditors_read_the_record(
    store_api: Api,
) -> None:
    api = store_api
    api.client.app.state.thidua.clock = lambda: date(2024, 1, 15)  # type: ignore[attr-defined]
    person = record(api)
    nid = nominate(api, person)
    ok(api.get(f"/api/v1/nominations/{nid}", "officer"))
    ok(api.get(f"/api/v1/nominations/{nid}", "province"))
    ok(api.get("/api/v1/nominations", "province", params={"after": api.events()}))
    ok(api.get(f"/api/v1/nominations/{nid}", "auditor"))  # shown the code only: not recorded
    reads = f"/api/v1/people/{person['id']}/reads"
    assert api.get(reads, "officer").status_code == 403
    shown = ok(api.get(reads, "auditor"))["data"]
    assert {(r["reader"], r["what"]) for r in shown} >= {
        ("officer", "dossier"),
        ("province", "dossier"),
        ("province", "list"),
    }
    assert "auditor" not in {r["reader"] for r in shown}


def test_a_member_who_is_also_an_officer_elsewhere_reads_no_person_outside_both(
    store_api: Api,
) -> None:
    api = store_api
    api.client.app.state.thidua.clock = lambda: date(2024, 1, 15)  # type: ignore[attr-defined]
    both = [{"role": "council_member"}, {"role": "unit_officer", "scope": "829"}]
    body = {"username": "member-829", "password": PASSWORD, "roles": both}
    ok(api.post("/api/v1/accounts", "admin", json=body), 201)
    person = record(api)  # works at S-831-01, in district 831
    nominate(api, person)
    assert api.get(f"/api/v1/people/{person['id']}", "member-829").status_code == 404
