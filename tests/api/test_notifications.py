"""The bell over HTTP: a person's notices, and marking them read for that person alone."""

from __future__ import annotations

from datetime import date

import pytest

from tests.api.conftest import Api
from tests.api.journey import ok, open_dossier

pytestmark = pytest.mark.api


def submitted(api: Api, unit: str) -> int:
    api.client.app.state.thidua.clock = lambda: date(2024, 1, 15)  # type: ignore[attr-defined]
    nid = open_dossier(api, unit)
    position: int = ok(api.post(f"/api/v1/nominations/{nid}/submit", "officer"))["position"]
    return position


def bell(api: Api, who: str, position: int) -> dict:  # type: ignore[type-arg]
    return ok(api.get("/api/v1/notifications", who, params={"after": position}))


def test_a_reviewer_is_told_of_a_dossier_waiting_and_reads_it_for_themselves(api: Api) -> None:
    position = submitted(api, "S-831-01")
    mine = bell(api, "district-831", position)
    assert (mine["count"], mine["unread"]) == (1, 1)
    [notice] = mine["data"]
    assert (notice["kind"], notice["read"]) == ("review", False)
    assert notice["subject"] == "Xã Mẫu Ba (dữ liệu mẫu)"
    assert bell(api, "district-829", position)["count"] == 0  # another district's dossier

    refused = api.post("/api/v1/notifications/read", "district-829", json={"ids": [notice["id"]]})
    assert (refused.status_code, refused.json()["field"]) == (422, "ids")
    read = ok(api.post("/api/v1/notifications/read", "district-831", json={"ids": [notice["id"]]}))
    assert (read["unread"], read["data"][0]["read"]) == (0, True)

    position = submitted(api, "S-831-02")
    assert bell(api, "district-831", position)["unread"] == 1
    cleared = ok(api.post("/api/v1/notifications/read-all", "district-831"))
    assert (cleared["count"], cleared["unread"]) == (2, 0)
