"""A member who cannot attend votes in writing (docs/spec.md §7): the rule set says how such
a vote counts, the session shows how each member took part, and never what they chose."""

from __future__ import annotations

from datetime import date

import pytest

from tests.api.conftest import Api
from tests.api.journey import ok, schedule_session
from tests.factories import PROVINCE, SYSTEM, ctx
from tests.scenarios import GOOD, Story

pytestmark = pytest.mark.api

MEMBERS = [f"member-{i}" for i in range(1, 6)]


def at_council(api: Api) -> list[str]:
    """Two dossiers the province approved and whose public notice has ended."""
    story = Story(api.service)
    ids = [story.open(code, GOOD) for code in ("S-831-01", "S-829-02")]
    for nid in ids:
        story.to_province_review(nid)
        api.service.complete_province_review(ctx(PROVINCE, date(2024, 3, 15)), nid, "approve", "")
        api.service.end_public_notice(ctx(SYSTEM, date(2024, 4, 1)), nid)
    return [str(nid) for nid in ids]


def test_a_member_away_votes_in_writing_and_the_session_says_how_each_took_part(
    api: Api,
) -> None:
    first, second = at_council(api)
    api.client.app.state.thidua.clock = lambda: date(2024, 3, 20)  # type: ignore[attr-defined]
    session = schedule_session(api, MEMBERS)
    for nid in (first, second):
        ok(
            api.post(
                f"/api/v1/council/sessions/{session}/agenda",
                "secretary",
                json={"nomination_id": nid},
            )
        )
    ok(api.post(f"/api/v1/council/sessions/{session}/open", "secretary"))
    votes = f"/api/v1/council/sessions/{session}/votes"
    written = {"nomination_id": first, "choice": "approve", "in_writing": True}
    ok(api.post(votes, "member-5", json=written), 201)
    # Having voted in writing, member-5 takes part in writing on every item, and the refusal
    # names the field; nothing is recorded.
    before = api.events()
    in_person = api.post(votes, "member-5", json={"nomination_id": second, "choice": "approve"})
    assert (in_person.status_code, in_person.json()["field"]) == (422, "in_writing")
    assert api.events() == before
    ok(api.post(votes, "member-5", json={**written, "nomination_id": second}), 201)
    for m in MEMBERS[:4]:
        for nid in (first, second):
            ok(api.post(votes, m, json={"nomination_id": nid, "choice": "approve"}), 201)
    during = ok(api.get(f"/api/v1/council/sessions/{session}", "member-1"))
    assert during["attendance"] == {
        **{m: "in_person" for m in MEMBERS[:4]},
        "member-5": "in_writing",
    }
    assert during["voting_rule"]["written_votes"]["count_towards_quorum"] is False
    ok(api.post(f"/api/v1/council/sessions/{session}/close", "secretary"))
    after = ok(api.get(f"/api/v1/council/sessions/{session}", "member-2"))
    for item in after["items"]:
        # Four of five attended, a quorum (2/3); the written ballot counts towards approval.
        assert (item["outcome"], item["tally"]["approve"]) == ("approved", 5)
        assert (item["tally"]["present"], item["tally"]["in_writing"]) == (5, 1)
