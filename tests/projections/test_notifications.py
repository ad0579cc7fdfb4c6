"""The bell's read model: each notice reaches whom the work waits for, and reading is theirs."""

from __future__ import annotations

from collections import Counter
from typing import Any
from uuid import UUID

import pytest

from projections.notifications import audiences
from projections.runner import ProjectionRunner
from tests.scenarios import MEMBERS

pytestmark = pytest.mark.projections


def notices_of(runner: ProjectionRunner, username: str, *grants: tuple[str, str | None]) -> Any:
    rows, count, unread = runner.notifications_view.for_person(
        username, audiences(username, grants), limit=100
    )
    assert count == len(rows)
    return rows, unread


def test_each_kind_of_waiting_work_reaches_the_people_it_waits_for(
    ids: dict[str, UUID], runner: ProjectionRunner
) -> None:
    good = str(ids["good"])
    district, _ = notices_of(runner, "reviewer", ("district_reviewer", "831"))
    assert {n["kind"] for n in district} == {"review"}
    assert good in {n["nomination_id"] for n in district}
    other, _ = notices_of(runner, "reviewer-829", ("district_reviewer", "829"))
    assert good not in {n["nomination_id"] for n in other}  # another district's work

    province, _ = notices_of(runner, "province", ("province_reviewer", None))
    kinds = Counter(n["kind"] for n in province)
    assert kinds["review"] >= 2
    assert kinds["escalation"] == 2  # the visit's and the dossier's
    assert kinds["reminder"] == 1
    assert all(n["subject"] for n in province)

    team, _ = notices_of(runner, "inspector", ("inspector", "team-1"))
    assert Counter(n["kind"] for n in team) == {"visit": 1, "reminder": 1}
    assert team[0]["visit_id"] == str(ids["visit"])
    assert notices_of(runner, "inspector-2", ("inspector", "team-2"))[0] == []


def test_a_member_is_told_of_each_ballot_and_reminded_while_one_waits(
    ids: dict[str, UUID], runner: ProjectionRunner
) -> None:
    notices, unread = notices_of(runner, MEMBERS[0], ("council_member", None))
    assert Counter(n["kind"] for n in notices) == {"ballot": 2, "reminder": 2}
    assert {n["session_id"] for n in notices} >= {str(ids["session"])}
    assert unread == len(notices)
    positions = [n["position"] for n in notices]
    assert positions == sorted(positions, reverse=True)  # newest first


def test_reading_is_per_person_and_survives_a_rebuild(
    ids: dict[str, UUID], runner: ProjectionRunner
) -> None:
    first, second = MEMBERS[0], MEMBERS[1]
    view = runner.notifications_view
    mine, _ = notices_of(runner, first, ("council_member", None))
    view.mark_read(first, [mine[0]["id"]], "2024-04-03T10:00:00+07:00")
    assert notices_of(runner, first, ("council_member", None))[1] == len(mine) - 1
    theirs, unread = notices_of(runner, second, ("council_member", None))
    assert unread == len(theirs)  # another member's reading is not theirs
    runner.rebuild("notifications")
    after, unread = notices_of(runner, first, ("council_member", None))
    assert [n["id"] for n in after] == [n["id"] for n in mine]
    assert unread == len(mine) - 1
    assert after[0]["read"] is True
