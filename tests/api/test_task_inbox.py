"""The inbox is one list of visits and reviews, ordered by due date, paged by a keyset
cursor in SQL; each caller sees only their own work."""

from __future__ import annotations

from typing import Any

from tests.api.conftest import Api
from tests.api.journey import ok


def inbox_rows(api: Api) -> None:
    view = api.client.app.state.thidua.runner.task_inbox_view  # type: ignore[attr-defined]
    with view.page():
        for n in range(30):
            for scope in ("831", "829", "province"):
                view.execute(
                    "INSERT INTO inbox_reviews (nomination_id, stage, scope, unit_code, unit_name,"
                    " award_form, cycle_year, due_on, since) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        f"{scope}-{n:03d}",
                        "province_review" if scope == "province" else "district_review",
                        scope,
                        f"S-{n:03d}",
                        f"Xã {n}",
                        "bang-khen-tinh",
                        2023,
                        f"2024-02-{1 + n % 28:02d}",
                        "2024-01-10",
                    ),
                )


def all_pages(api: Api, who: str, limit: int) -> tuple[list[dict[str, Any]], int]:
    rows: list[dict[str, Any]] = []
    params: dict[str, Any] = {"limit": limit}
    while True:
        page = ok(api.get("/api/v1/tasks", who, params=params))
        rows += page["data"]
        if page["next"] is None:
            return rows, page["count"]
        params["cursor"] = page["next"]


def test_a_reviewer_pages_through_their_own_reviews_in_due_order(api: Api) -> None:
    inbox_rows(api)
    rows, count = all_pages(api, "district-831", limit=7)
    assert count == 30
    assert len(rows) == 30
    assert {r["id"].split("-")[0] for r in rows} == {"831"}
    assert len({r["id"] for r in rows}) == 30  # no row twice across pages
    keys = [(r["due_on"], r["id"]) for r in rows]
    assert keys == sorted(keys)
    province, count = all_pages(api, "province", limit=50)
    assert count == 30
    assert {r["stage"] for r in province} == {"province_review"}


def test_a_cursor_the_route_did_not_give_is_refused_naming_it(api: Api) -> None:
    refused = api.get("/api/v1/tasks", "district-831", params={"cursor": "nonsense"})
    assert refused.status_code == 422
    assert "cursor" in refused.text


def test_due_dates_count_working_days_across_tet(api: Api) -> None:
    """A review due on Friday 16 February 2024, seen on Monday the 5th: eleven calendar days,
    but Tết (8 to 14 February) and a weekend leave four working days."""
    from datetime import date

    inbox_rows(api)
    api.client.app.state.thidua.clock = lambda: date(2024, 2, 5)  # type: ignore[attr-defined]
    rows, _ = all_pages(api, "district-831", 50)
    due = {r["due_on"]: r["working_days_left"] for r in rows}
    assert due["2024-02-16"] == 4
    assert due["2024-02-05"] == 0
    assert due["2024-02-02"] == -1  # Friday before: one working day overdue
