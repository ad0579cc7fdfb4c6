"""A whole cycle over HTTP — on a SQLite file and on PostgreSQL — then its audit trail."""

from __future__ import annotations

from datetime import date
from uuid import UUID

import pytest

from tests.api.conftest import Api
from tests.api.journey import (
    found_wanting,
    ok,
    open_dossier,
    order_inspection,
    schedule_session,
    to_province,
)
from tests.factories import SYSTEM, ctx

pytestmark = pytest.mark.api


def test_a_nomination_goes_from_creation_to_decision_over_http(store_api: Api) -> None:
    api = store_api
    api.client.app.state.thidua.clock = lambda: date(2024, 1, 15)  # type: ignore[attr-defined]
    nid = open_dossier(api)
    upload = api.post(
        f"/api/v1/nominations/{nid}/evidence",
        "officer",
        files={"file": ("quyet-dinh.pdf", b"%PDF-1.7 decision", "application/pdf")},
    )
    sha = ok(upload, 201)["sha256"]
    submitted = ok(api.post(f"/api/v1/nominations/{nid}/submit", "officer"))
    assert submitted["stage"] == "district_review"
    assert submitted["extra"]["checks"][0]["outcome"] == "met"
    ok(
        api.post(
            f"/api/v1/nominations/{nid}/district-review",
            "district-831",
            json={"decision": "approve", "comment": "Đạt."},
        )
    )

    api.client.app.state.thidua.clock = lambda: date(2024, 2, 20)  # type: ignore[attr-defined]
    ordered = order_inspection(api, nid)
    visit = ordered["extra"]["visit_id"]
    tasks = ok(api.get("/api/v1/tasks", "inspector", params={"after": ordered["position"]}))
    assert [t["id"] for t in tasks["data"]] == [visit]
    ok(api.post(f"/api/v1/tasks/{visit}/claim", "inspector"))
    ok(
        api.post(
            f"/api/v1/inspections/{visit}/report",
            "inspector",
            json={
                "visited_on": "2024-02-20",
                "findings": "Đối chiếu danh sách.",
                "recommendation": "confirm",
                "verified_statistics": {"2023": {"total_households": 4040, "poor_households": 218}},
            },
        )
    )
    refused = api.post(
        f"/api/v1/nominations/{nid}/criterion-checks",
        "province",
        json={
            "criterion_id": "commune-high-pp2",
            "outcome": "met",
            "justification": "x",
            "evidence": [sha],
        },
    )
    assert refused.status_code == 422  # an automatic check that needs no judgement
    ok(
        api.post(
            f"/api/v1/nominations/{nid}/province-review",
            "province",
            json={"decision": "approve", "comment": "Trình Hội đồng."},
        )
    )
    complaint = ok(
        api.post(
            f"/api/v1/nominations/{nid}/complaints",
            "province",
            json={"text": "Phản ánh.", "filed_by": "Người dân"},
        ),
        201,
    )
    ok(
        api.post(
            f"/api/v1/nominations/{nid}/complaints/{complaint['extra']['complaint_id']}/resolve",
            "province",
            json={"resolution": "Không có cơ sở.", "upheld": False},
        )
    )
    api.service.end_public_notice(ctx(SYSTEM, date(2024, 3, 6)), UUID(nid))  # the clock's step

    api.client.app.state.thidua.clock = lambda: date(2024, 3, 20)  # type: ignore[attr-defined]
    members = [f"member-{i}" for i in range(1, 6)]
    session = schedule_session(api, members)
    ok(
        api.post(
            f"/api/v1/council/sessions/{session}/agenda", "secretary", json={"nomination_id": nid}
        )
    )
    ok(api.post(f"/api/v1/council/sessions/{session}/open", "secretary"))
    for m in members[:4]:
        ok(
            api.post(
                f"/api/v1/council/sessions/{session}/votes",
                m,
                json={"nomination_id": nid, "choice": "approve"},
            ),
            201,
        )
    # A member's list says which open session still waits for their ballot.
    waiting = ok(api.get("/api/v1/council/sessions", "member-5", params={"after": api.events()}))
    assert [s["awaiting_you"] for s in waiting["data"]] == [1]
    assert ok(api.get("/api/v1/council/sessions", "member-1"))["data"][0]["awaiting_you"] == 0
    # The secretary reminds member-5 now; the workflow sends and records it.
    reminders = f"/api/v1/council/sessions/{session}/reminders"
    assert api.post(reminders, "member-1").status_code == 403
    ok(api.post(reminders, "secretary"), 201)
    # Standing aside takes a reason: without one it is refused, naming the field.
    votes = f"/api/v1/council/sessions/{session}/votes"
    bare = api.post(votes, "member-5", json={"nomination_id": nid, "choice": "recuse"})
    assert (bare.status_code, bare.json()["field"]) == (422, "reason")
    why = "Tôi từng công tác tại xã này."
    recusal = {"nomination_id": nid, "choice": "recuse", "reason": why}
    ok(api.post(votes, "member-5", json=recusal), 201)
    during = ok(api.get(f"/api/v1/council/sessions/{session}", "member-1"))
    assert during["items"][0]["voted"] == members
    assert during["items"][0]["recused"] == {"member-5": why}
    assert during["items"][0]["tally"] is None  # secret until closed
    ok(api.post(f"/api/v1/council/sessions/{session}/close", "secretary"))
    after = ok(api.get(f"/api/v1/council/sessions/{session}", "member-2"))
    assert (after["items"][0]["tally"]["approve"], after["items"][0]["tally"]["recuse"]) == (4, 1)
    advised = ok(api.get(f"/api/v1/nominations/{nid}", "member-3"))
    assert advised["stage"] == "awaiting_decision"  # the council advises; it does not decide

    # The office submits what the council recommended; the competent chairman decides.
    api.client.app.state.thidua.clock = lambda: date(2024, 3, 22)  # type: ignore[attr-defined]
    [recommended] = ok(api.get(f"/api/v1/submissions/recommended/{session}", "province"))["data"]
    assert (recommended["nomination_id"], recommended["tally"]["approve"]) == (nid, 4)
    assert recommended["objections"] == 1
    prepared = ok(
        api.post(
            "/api/v1/submissions",
            "province",
            json={"session_id": session, "nomination_ids": [nid], "summary": "Kính trình."},
        ),
        201,
    )
    assert prepared["number"] == "1/TTr-BTĐKT"
    submission = prepared["id"]
    waiting = ok(api.get("/api/v1/submissions", "chairman", params={"after": prepared["position"]}))
    assert [s["submission_id"] for s in waiting["data"]] == [submission]
    assert ok(api.get("/api/v1/submissions", "chairman-vinh-long"))["data"] == []
    decision = {
        "signed_on": "2024-03-22",
        "signer_title": "Chủ tịch",
        "signer_name": "Trần Văn Chủ",
        "awarded": [{"nomination_id": nid, "reason": "Đạt các tiêu chí."}],
    }
    url = f"/api/v1/submissions/{submission}/decision"
    assert api.post(url, "secretary", json=decision).status_code == 403
    assert api.post(url, "chairman-vinh-long", json=decision).status_code == 403
    closed = ok(api.post(url, "chairman", json=decision))
    decided = ok(api.get(f"/api/v1/nominations/{nid}", "member-3"))
    assert (decided["stage"], decided["outcome"]) == ("decided", "approved")
    assert decided["decision"]["decision_number"] == "1/QĐ-UBND"  # the authority's register
    made = ok(api.get(f"/api/v1/submissions/{submission}", "chairman"))
    assert (made["state"], made["decision"]["signs_as"]) == ("decided", "CHỦ TỊCH")

    trail = ok(
        api.get(f"/api/v1/nominations/{nid}/audit", "auditor", params={"after": closed["position"]})
    )
    kinds = {row["kind"] for row in trail["data"]}
    assert {"check", "review", "inspection", "complaint", "vote", "decision"} <= kinds
    checks = [r for r in trail["data"] if r["kind"] == "check"]
    assert {c["basis"] for c in checks} == {"declared", "inspection_verified"}
    statistics = ok(api.get("/api/v1/statistics", "auditor", params={"after": closed["position"]}))
    [decision] = statistics["decisions"]
    assert (decision["outcome"], decision["count"]) == ("approved", 1)
    assert decision["deciding_authority"]["vi"] == "Chủ tịch UBND tỉnh Bến Tre"
    assert api.get("/api/v1/statistics", "officer").status_code == 403
    verify = ok(api.get("/api/v1/audit/verify", "auditor"))
    assert verify["ok"] is True
    csv_text = api.get("/api/v1/audit/criterion-checks", "auditor", params={"format": "csv"}).text
    assert csv_text.splitlines()[0].startswith("nomination_id,unit_code")
    then = ok(api.get(f"/api/v1/nominations/{nid}", "auditor", params={"version": 5}))
    assert then["stage"] == "collecting"


def test_an_inspections_finding_is_not_erased_by_returning_and_resubmitting(
    store_api: Api,
) -> None:
    """The province returns a dossier an inspection found wanting; the officer submits the
    same declared figures again; the check stays not met until a reasoned override."""
    api = store_api
    api.client.app.state.thidua.clock = lambda: date(2024, 1, 15)  # type: ignore[attr-defined]
    nid = open_dossier(api)
    to_province(api, nid)
    found_wanting(api, nid)

    def pp2() -> str:
        checks = ok(api.get(f"/api/v1/nominations/{nid}", "province"))["checks"]
        return next(c["outcome"] for c in checks if c["criterion_id"] == "commune-high-pp2")

    assert pp2() == "not_met"
    ok(
        api.post(
            f"/api/v1/nominations/{nid}/province-review",
            "province",
            json={"decision": "return", "comment": "Giải trình số liệu."},
        )
    )
    to_province(api, nid)  # the same declared figures, submitted again
    assert pp2() == "not_met"
    refused = api.post(
        f"/api/v1/nominations/{nid}/province-review",
        "province",
        json={"decision": "approve", "comment": "Trình Hội đồng."},
    )
    assert refused.status_code == 409, refused.text
    assert "commune-high-pp2" in refused.text


def test_the_criterion_checks_page_by_keyset_and_match_the_full_export(store_api: Api) -> None:
    import csv
    import io

    api = store_api
    api.client.app.state.thidua.clock = lambda: date(2024, 1, 15)  # type: ignore[attr-defined]
    for unit, who in (
        ("S-831-01", "officer"),
        ("S-831-02", "officer"),
        ("S-829-01", "officer-829"),
    ):
        nid = open_dossier(api, unit, who=who)
        ok(api.post(f"/api/v1/nominations/{nid}/submit", who))
    head = {"after": str(api.events()), "format": "csv"}
    exported = api.get("/api/v1/audit/criterion-checks", "auditor", params=head)
    everything = list(csv.DictReader(io.StringIO(exported.text)))
    seen: list[tuple[str, str]] = []
    params: dict[str, object] = {"limit": 1}
    while True:
        page = ok(api.get("/api/v1/audit/criterion-checks", "auditor", params=params))
        assert page["count"] == len(everything)
        seen += [(r["nomination_id"], r["criterion_id"]) for r in page["data"]]
        if page["next"] is None:
            break
        params = {"limit": 1, "cursor": page["next"]}
    assert seen == [(r["nomination_id"], r["criterion_id"]) for r in everything]
    refused = api.get("/api/v1/audit/criterion-checks", "auditor", params={"cursor": "1:x"})
    assert refused.status_code == 422
    assert "cursor" in refused.text


def test_the_dossier_names_each_criterion_and_who_reviewed_and_overrode_it(
    store_api: Api,
) -> None:
    """What a council member weighs: each check by its criterion's name, each review's
    recommendation and comment, and who overrode a check, when and why."""
    api = store_api
    api.client.app.state.thidua.clock = lambda: date(2024, 1, 15)  # type: ignore[attr-defined]
    nid = open_dossier(api)
    to_province(api, nid)
    found_wanting(api, nid)
    ok(
        api.post(
            f"/api/v1/nominations/{nid}/overrides",
            "province",
            json={"criterion_id": "commune-high-pp2", "reason": "Giảm vượt mức năm sau."},
        ),
        201,
    )
    ok(
        api.post(
            f"/api/v1/nominations/{nid}/province-review",
            "province",
            json={"decision": "approve", "comment": "Trình Hội đồng."},
        )
    )
    dossier = ok(api.get(f"/api/v1/nominations/{nid}", "province"))
    titles = {c["criterion_id"]: c["title"] for c in dossier["checks"]}
    assert all(t and t["vi"].strip() and t["en"].strip() for t in titles.values())
    assert "commune-high-pp2" in titles
    override = dossier["overrides"]["commune-high-pp2"]
    assert override["reason"] == "Giảm vượt mức năm sau."
    assert (override["by"], override["by_name"], override["role"]) == (
        "province",
        "province",
        "province_reviewer",
    )
    assert override["at"]
    reviews = [(r["stage"], r["decision"], r["comment"], r["by"]) for r in dossier["reviews"]]
    assert reviews[-1] == ("province_review", "approve", "Trình Hội đồng.", "province")
    assert reviews[0][0:2] == ("district_review", "approve")
    assert all(r["at"] for r in dossier["reviews"])
