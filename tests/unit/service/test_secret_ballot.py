"""docs/spec.md §7: a secret ballot is secret in the store too. Who voted is recorded apart
from what they chose; the choices are counted at the close from ballots sealed under a key
the database never holds."""

from __future__ import annotations

import json
from datetime import date
from uuid import UUID

import pytest

from domain.errors import StageTransitionError
from domain.units import UnitRegistry
from service.nomination_service import NominationService
from tests.factories import PROVINCE, SECRETARY, SYSTEM, ctx, member
from tests.scenarios import GOOD, MEMBERS, Story

pytestmark = pytest.mark.unit

DAY = date(2024, 4, 3)


def voted_session(service: NominationService) -> tuple[UUID, UUID]:
    """A session of seven on one dossier: five approve, one rejects, one abstains."""
    story = Story(service)
    nid = story.open("S-831-01", GOOD)
    story.to_province_review(nid)
    service.complete_province_review(ctx(PROVINCE, date(2024, 3, 15)), nid, "approve", "")
    service.end_public_notice(ctx(SYSTEM, date(2024, 4, 1)), nid)
    sid = service.schedule_council_session(
        ctx(SECRETARY, DAY), "Phiên họp", DAY, MEMBERS, "bang-khen-tinh"
    ).id
    service.add_to_agenda(ctx(SECRETARY, DAY), sid, nid)
    service.open_session(ctx(SECRETARY, DAY), sid)
    choices = ["approve"] * 5 + ["reject", "abstain"]
    for account, choice in zip(MEMBERS, choices, strict=True):
        service.cast_vote(ctx(member(account), DAY), sid, nid, choice)
    return sid, nid


@pytest.fixture
def service(units: UnitRegistry) -> NominationService:
    return NominationService({"PERSISTENCE_MODULE": "eventsourcing.popo"}, units=units)


def test_no_stored_event_joins_a_member_to_a_choice(service: NominationService) -> None:
    sid, nid = voted_session(service)
    service.close_session(ctx(SECRETARY, DAY), sid)
    for event in service.events.get(sid):
        state = {k: v for k, v in vars(event).items() if not k.startswith("_")}
        text = json.dumps(state, default=str)
        if "member_id" in state:  # who voted: never with a choice
            assert "choice" not in state
            for word in ("approve", "reject", "abstain"):
                assert word not in text, type(event).__name__
    result = service.get_session(sid).results[str(nid)]
    assert result["opened"] == sorted(["approve"] * 5 + ["reject", "abstain"])
    tally = result["tally"]
    assert (tally["approve"], tally["reject"], tally["abstain"]) == (5, 1, 1)
    assert service.get_nomination(nid).stage == "awaiting_decision"


def test_the_tally_is_counted_again_from_the_log(service: NominationService) -> None:
    sid, nid = voted_session(service)
    service.close_session(ctx(SECRETARY, DAY), sid)
    sealed = [e for e in service.events.get(sid) if type(e).__name__ == "BallotSealed"]
    result = service.get_session(sid).results[str(nid)]
    assert len(sealed) == len(result["opened"])  # one opened choice per sealed ballot
    for choice in ("approve", "reject", "abstain"):
        assert result["opened"].count(choice) == result["tally"][choice]


def test_ballots_sealed_under_another_key_or_moved_do_not_open(
    service: NominationService,
) -> None:
    sid, _ = voted_session(service)
    from service.ballots import open_ballots, sealer

    seal = sealer(b"k" * 32, str(sid))
    sealed = {"item": {"m1": seal("item", "m1", "approve")}}
    assert open_ballots(b"k" * 32, str(sid), sealed) == {"item": ["approve"]}
    with pytest.raises(StageTransitionError, match="does not open under this ballot key"):
        open_ballots(b"j" * 32, str(sid), sealed)
    moved = {"item": {"m2": sealed["item"]["m1"]}}  # the database role swaps two members
    with pytest.raises(StageTransitionError, match="moved"):
        open_ballots(b"k" * 32, str(sid), moved)
