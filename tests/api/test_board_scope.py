"""The board filters by the caller's scope in SQL, on an index, and pages there: a reviewer
of one district never sees another district's rows, however many there are."""

from __future__ import annotations

from typing import Any

from tests.api.conftest import Api
from tests.api.journey import ok

PER_DISTRICT = 1000


def board_rows(api: Api) -> None:
    """2,000 dossiers across two districts, written into the board as its events would;
    every tenth has had an inspection by team-1, and 831's first ten sit on a session of
    member-1's."""
    view = api.client.app.state.thidua.runner.board_view  # type: ignore[attr-defined]
    with view.page():
        view.add_members("session-a", ["member-1", "member-2"])
        for district in ("831", "829"):
            for n in range(PER_DISTRICT):
                nid = f"{district}-{n:05d}"
                view.open(
                    {
                        "nomination_id": nid,
                        "unit_code": f"S-{district}-{n:05d}",
                        "unit_name": f"Xã {n}",
                        "unit_kind": "commune",
                        "district_code": district,
                        "award_form": "bang-khen-tinh",
                        "cycle_year": 2023,
                        "stage": "district_review",
                        "due_on": "2024-02-01",
                        "version": 3,
                        "opened_at": "2024-01-10T00:00:00+00:00",
                        "updated_at": "2024-01-10T00:00:00+00:00",
                        "agenda_session_id": "session-a" if district == "831" and n < 10 else None,
                    }
                )
                view.add_scopes(nid, [f"S-{district}-{n:05d}", district, "83"])
                if n % 10 == 0:
                    view.add_team(nid, "team-1")


def every_row(api: Api, who: str, **params: Any) -> tuple[list[dict[str, Any]], int]:
    rows: list[dict[str, Any]] = []
    offset = 0
    while True:
        page = ok(
            api.get("/api/v1/nominations", who, params={**params, "limit": 500, "offset": offset})
        )
        rows += page["data"]
        offset += 500
        if offset >= page["count"]:
            return rows, page["count"]


def test_a_district_reviewer_sees_all_of_their_district_and_nothing_of_another(api: Api) -> None:
    board_rows(api)
    rows, count = every_row(api, "district-831")
    assert count == PER_DISTRICT
    assert {r["district_code"] for r in rows} == {"831"}
    assert len({r["nomination_id"] for r in rows}) == PER_DISTRICT
    other, _ = every_row(api, "district-829", stage="district_review")
    assert {r["district_code"] for r in other} == {"829"}


def test_an_officer_inspector_and_member_see_their_own_rows_only(api: Api) -> None:
    board_rows(api)
    officer, count = every_row(api, "officer")  # scope 831
    assert count == PER_DISTRICT
    assert {r["district_code"] for r in officer} == {"831"}
    inspected, count = every_row(api, "inspector")  # team-1
    assert count == 2 * PER_DISTRICT // 10
    assert all(int(r["nomination_id"].split("-")[1]) % 10 == 0 for r in inspected)
    assert every_row(api, "inspector-2")[1] == 0
    on_agenda, count = every_row(api, "member-1")
    assert count == 10
    assert {r["nomination_id"] for r in on_agenda} == {f"831-{n:05d}" for n in range(10)}
    assert every_row(api, "member-3")[1] == 0
    assert every_row(api, "auditor")[1] == 2 * PER_DISTRICT


def test_the_scoped_board_query_uses_its_indexes(api: Api) -> None:
    from projections.board import Visibility

    board_rows(api)
    database = api.client.app.state.thidua.runner.database  # type: ignore[attr-defined]
    plans = {}
    for name, visibility in (
        ("district", Visibility(districts=("831",))),
        ("unit", Visibility(unit_scopes=("831",))),
        ("team", Visibility(teams=("team-1",))),
    ):
        where, params = visibility.where()
        with database.reading() as cursor:
            cursor.execute(
                f"EXPLAIN QUERY PLAN SELECT nomination_id FROM board_nominations WHERE {where}"  # noqa: S608
                " ORDER BY cycle_year DESC, district_code, unit_code, award_form LIMIT 50",
                params,
            )
            plans[name] = " | ".join(str(row[-1]) for row in cursor.fetchall())
    # Each scope is a search on an index, never a scan of every nomination.
    assert "SEARCH board_nominations USING INDEX board_by_district" in plans["district"]
    assert "SEARCH board_scopes USING COVERING INDEX" in plans["unit"]
    assert "SEARCH board_teams USING COVERING INDEX" in plans["team"]
    assert not any("SCAN board_nominations" in plan for plan in plans.values()), plans


def test_a_keyset_cursor_pages_through_the_board_with_no_row_twice_or_missed(api: Api) -> None:
    board_rows(api)
    seen: list[str] = []
    params: dict[str, Any] = {"limit": 300}
    while True:
        page = ok(api.get("/api/v1/nominations", "district-829", params=params))
        seen += [r["nomination_id"] for r in page["data"]]
        if page["next"] is None:
            break
        params["cursor"] = page["next"]
    assert len(seen) == len(set(seen)) == PER_DISTRICT
    assert {s.split("-")[0] for s in seen} == {"829"}
    by_offset, _ = every_row(api, "district-829")
    assert seen == [r["nomination_id"] for r in by_offset]  # the same order both ways
    refused = api.get("/api/v1/nominations", "district-829", params={"cursor": "%%%"})
    assert refused.status_code == 422
    assert "cursor" in refused.text
