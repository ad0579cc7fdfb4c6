"""Reads the web UI leans on: the checks before submission, and the sessions a member sits on."""

from __future__ import annotations

from datetime import date

import pytest

from tests.api.conftest import Api
from tests.api.journey import ok, open_dossier

pytestmark = pytest.mark.api


def test_the_checks_preview_shows_what_submission_records_and_records_nothing(api: Api) -> None:
    api.client.app.state.thidua.clock = lambda: date(2024, 1, 15)  # type: ignore[attr-defined]
    nid = open_dossier(api)
    before = api.events()
    preview = ok(api.get(f"/api/v1/nominations/{nid}/checks-preview", "officer"))
    assert api.events() == before
    assert preview["count"] == len(preview["data"]) > 0
    assert all(p["explanation"]["vi"] and p["explanation"]["en"] for p in preview["data"])

    ok(api.post(f"/api/v1/nominations/{nid}/submit", "officer"))
    recorded = ok(api.get(f"/api/v1/nominations/{nid}", "officer"))["checks"]
    assert {(c["criterion_id"], c["outcome"]) for c in recorded} == {
        (p["criterion_id"], p["outcome"]) for p in preview["data"]
    }


def test_a_preview_is_refused_for_an_unknown_nomination_and_outside_the_callers_scope(
    api: Api,
) -> None:
    api.client.app.state.thidua.clock = lambda: date(2024, 1, 15)  # type: ignore[attr-defined]
    unknown = api.get(
        "/api/v1/nominations/00000000-0000-4000-8000-000000000000/checks-preview", "officer"
    )
    assert unknown.status_code == 404
    nid = open_dossier(api)
    outsider = api.get(f"/api/v1/nominations/{nid}/checks-preview", "officer-829")
    assert outsider.status_code in (403, 404)
    malformed = api.get("/api/v1/nominations/not-a-uuid/checks-preview", "officer")
    assert malformed.status_code == 422
    assert "nomination_id" in malformed.text


def test_members_list_only_the_sessions_they_sit_on_and_the_secretary_lists_all(
    api: Api,
) -> None:
    created = ok(
        api.post(
            "/api/v1/council/sessions",
            "secretary",
            json={
                "title": "Phiên tháng 3",
                "scheduled_for": "2024-03-20",
                "members": ["member-1", "member-2", "member-3"],
                "award_form": "bang-khen-tinh",
            },
        ),
        201,
    )
    position = {"after": created["position"]}

    def titles(who: str) -> list[str]:
        listed = ok(api.get("/api/v1/council/sessions", who, params=position))
        return [s["title"] for s in listed["data"]]

    assert titles("member-1") == ["Phiên tháng 3"]
    assert titles("member-5") == []
    assert titles("secretary") == ["Phiên tháng 3"]
    refused = api.get("/api/v1/council/sessions", "member-1", params={"after": -1})
    assert refused.status_code == 422
    assert "after" in refused.text


def test_the_ui_takes_its_choices_from_the_api(api: Api) -> None:
    values = api.get("/api/v1/enumerations", "auditor").json()
    assert values["stages"][0] == "collecting"
    assert values["stages"][-2:] == ["decided", "closed"]
    assert values["choices"] == ["approve", "reject", "abstain", "recuse"]
    assert "needs_judgement" in values["outcomes"]
    assert "needs_judgement" not in values["judged_outcomes"]
    assert api.client.get("/api/v1/enumerations").status_code == 401


def test_a_members_sessions_page_newest_first_with_a_cursor_and_others_are_not_listed(
    api: Api,
) -> None:
    from datetime import date

    api.client.app.state.thidua.clock = lambda: date(2024, 3, 1)  # type: ignore[attr-defined]
    last = None
    for day in (25, 21, 23, 22, 24):
        last = ok(
            api.post(
                "/api/v1/council/sessions",
                "secretary",
                json={
                    "title": f"Phiên ngày {day}",
                    "scheduled_for": f"2024-03-{day}",
                    "members": ["member-1", "member-2"] if day != 24 else ["member-3"],
                    "award_form": "bang-khen-tinh",
                },
            ),
            201,
        )
    assert last is not None
    titles: list[str] = []
    params: dict[str, object] = {"after": last["position"], "limit": 2}
    while True:
        page = ok(api.get("/api/v1/council/sessions", "member-1", params=params))
        titles += [s["title"] for s in page["data"]]
        assert page["count"] == 4
        if page["next"] is None:
            break
        params = {"limit": 2, "cursor": page["next"]}
    assert titles == ["Phiên ngày 25", "Phiên ngày 23", "Phiên ngày 22", "Phiên ngày 21"]
    refused = api.get("/api/v1/council/sessions", "member-1", params={"cursor": "x"})
    assert refused.status_code == 422
    assert "cursor" in refused.text


def test_a_nomination_page_loads_the_nomination_once(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    nid = open_dossier(api)
    loads: list[object] = []
    real = api.service.get_nomination

    def counted(*args: object, **kwargs: object) -> object:
        loads.append(args)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(api.service, "get_nomination", counted)
    ok(api.get(f"/api/v1/nominations/{nid}", "officer"))
    assert len(loads) == 1
    loads.clear()
    ok(api.get(f"/api/v1/nominations/{nid}?version=1", "officer"))
    assert len(loads) == 2  # the guard reads it now, the route at version 1
