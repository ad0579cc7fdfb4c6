"""docs/spec.md §12 through the service: the council recommends, the office submits, the
competent chairman decides under a number from its register, and nothing else decides."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from eventsourcing.domain import Aggregate

from domain.authorities import WrongAuthority
from domain.errors import AlreadyExists, InvalidInput, JurisdictionError, StageTransitionError
from domain.submission import Signer
from domain.units import UnitRegistry
from service.nomination_service import NominationService
from tests.factories import PROVINCE, SECRETARY, SYSTEM, chairman, ctx
from tests.scenarios import GOOD, Story
from thidua.bootstrap import SQLITE_FACTORY

pytestmark = pytest.mark.unit

CHAIR = Signer("Chủ tịch", "Nguyễn Văn A")
DAY = date(2024, 4, 5)


@pytest.fixture
def service(units: UnitRegistry) -> NominationService:
    return NominationService({"PERSISTENCE_MODULE": "eventsourcing.popo"}, units=units)


def recommended(story: Story, codes: tuple[str, ...] = ("S-831-01",)) -> tuple[UUID, list[UUID]]:
    return story.recommended(codes)


def submit(service: NominationService, sid: UUID, ids: list[UUID]) -> UUID:
    return service.prepare_submission(ctx(PROVINCE, DAY), sid, ids, "Kính trình.").id


def test_a_recommended_dossier_waits_for_the_chairman_and_no_vote_decides_it(
    service: NominationService,
) -> None:
    sid, [nid] = recommended(Story(service))
    n = service.get_nomination(nid)
    assert (n.stage, n.outcome, n.decision) == ("awaiting_decision", None, None)
    assert n.recommendation == {
        "session_id": str(sid),
        "recommendation": "recommended",
        "tally": n.recommendation["tally"] if n.recommendation else {},
    }
    assert service.awaiting_decision(sid) == [nid]


def test_the_office_submits_once_per_session_and_authority_numbered_in_its_register(
    service: NominationService,
) -> None:
    sid, ids = recommended(Story(service))
    first = service.get_submission(submit(service, sid, ids))
    assert (first["number"], first["authority"]["id"]) == ("1/TTr-BTĐKT", "ubnd-tinh-ben-tre")
    assert first["items"][0]["tally"]["approve"] >= 1
    with pytest.raises(StageTransitionError, match=r"1/TTr-BTĐKT .* exists already"):
        submit(service, sid, ids)
    with pytest.raises(JurisdictionError):
        service.prepare_submission(ctx(SECRETARY, DAY), sid, ids, "Kính trình.")


def test_a_submission_holds_only_what_its_session_recommended(service: NominationService) -> None:
    story = Story(service)
    sid, ids = recommended(story)
    other = story.open("S-829-02", GOOD)
    with pytest.raises(StageTransitionError, match="not a dossier session"):
        submit(service, sid, [*ids, other])
    with pytest.raises(InvalidInput, match="nomination_ids"):
        submit(service, sid, [ids[0], ids[0]])
    with pytest.raises(InvalidInput, match="nomination_ids"):
        submit(service, sid, [])


def test_the_chairmans_decision_takes_the_next_number_and_decides_every_dossier(
    service: NominationService,
) -> None:
    sid, ids = recommended(Story(service), ("S-831-01", "S-829-02"))
    submission = submit(service, sid, ids)
    won, lost = (str(n) for n in ids)
    service.decide_submission(
        ctx(chairman(), DAY), submission, DAY, CHAIR, {won: "Đạt."}, {lost: "Chưa đạt."}
    )
    awarded, refused = (service.get_nomination(n) for n in ids)
    assert (awarded.stage, awarded.outcome) == ("decided", "approved")
    assert (refused.stage, refused.outcome) == ("decided", "not_approved")
    assert awarded.decided_under == "authority_decision"
    assert awarded.award_decision is not None
    assert awarded.award_decision["number"] == "1/QĐ-UBND"
    assert awarded.award_decision["authority"] == "ubnd-tinh-ben-tre"
    assert service.get_submission(submission)["state"] == "decided"


def test_a_decision_refused_for_its_number_its_date_or_its_authority_changes_nothing(
    service: NominationService,
) -> None:
    story = Story(service)
    sid, ids = recommended(story)
    submission = submit(service, sid, ids)
    awarded = {str(ids[0]): "Đạt."}
    decide = service.decide_submission
    with pytest.raises(InvalidInput, match="signed_on"):  # not signed yet
        decide(ctx(chairman(), DAY), submission, date(2024, 4, 6), CHAIR, awarded, {})
    with pytest.raises(InvalidInput, match="signed_on"):  # before it was submitted
        decide(ctx(chairman(), DAY), submission, date(2024, 4, 4), CHAIR, awarded, {})
    with pytest.raises(JurisdictionError):
        decide(ctx(chairman("ubnd-tinh-vinh-long"), DAY), submission, DAY, CHAIR, awarded, {})
    late = date(2025, 7, 2)  # the province was merged: Bến Tre's chairman no longer decides
    with pytest.raises(WrongAuthority, match="ubnd-tinh-ben-tre may not decide"):
        decide(ctx(chairman(), late), submission, late, CHAIR, awarded, {})
    assert service.get_submission(submission)["state"] == "waiting"
    assert service.get_nomination(ids[0]).stage == "awaiting_decision"


def test_a_chancerys_number_is_recorded_once_and_refused_for_another_decision(
    service: NominationService,
) -> None:
    story = Story(service)
    sid, ids = recommended(story)
    first = submit(service, sid, ids)
    service.decide_submission(
        ctx(chairman(), DAY), first, DAY, CHAIR, {str(ids[0]): "Đạt."}, {}, "27/QĐ-UBND"
    )
    assert service.get_nomination(ids[0]).award_decision["number"] == "27/QĐ-UBND"  # type: ignore[index]
    sid2, ids2 = recommended(story, ("S-829-02",))
    second = submit(service, sid2, ids2)
    with pytest.raises(AlreadyExists, match="27/QĐ-UBND of 2024 is already given"):
        service.decide_submission(
            ctx(chairman(), DAY), second, DAY, CHAIR, {str(ids2[0]): "Đạt."}, {}, "27/QĐ-UBND"
        )
    assert service.get_nomination(ids2[0]).stage == "awaiting_decision"


def test_an_objection_open_before_the_decision_blocks_it_until_resolved(
    service: NominationService,
) -> None:
    sid, ids = recommended(Story(service))
    submission = submit(service, sid, ids)
    complaint, _ = service.file_complaint(ctx(SECRETARY, DAY), ids[0], "Tố cáo.", "Người dân")
    awarded = {str(ids[0]): "Đạt."}
    with pytest.raises(StageTransitionError, match=r"complaint .* is open"):
        service.decide_submission(ctx(chairman(), DAY), submission, DAY, CHAIR, awarded, {})
    service.resolve_complaint(ctx(SECRETARY, DAY), ids[0], complaint, "Không có cơ sở.", False)
    service.decide_submission(ctx(chairman(), DAY), submission, DAY, CHAIR, awarded, {})
    assert service.get_nomination(ids[0]).outcome == "approved"


def test_two_decisions_signed_at_once_take_consecutive_numbers_neither_lost_nor_shared(
    tmp_path: Path, units: UnitRegistry
) -> None:
    env = {"PERSISTENCE_MODULE": SQLITE_FACTORY, "SQLITE_DBNAME": str(tmp_path / "events.db")}
    first = NominationService(env, units=units)
    second = NominationService(env, units=units)
    story = Story(first)
    sid1, ids1 = recommended(story)
    sid2, ids2 = recommended(story, ("S-829-02",))
    one, two = submit(first, sid1, ids1), submit(first, sid2, ids2)
    commit = second._commit

    def the_other_decision_commits_meanwhile(*aggregates: Aggregate) -> Any:
        if not getattr(the_other_decision_commits_meanwhile, "done", False):
            the_other_decision_commits_meanwhile.done = True  # type: ignore[attr-defined]
            first.decide_submission(
                ctx(chairman(), DAY), one, DAY, CHAIR, {str(ids1[0]): "Đạt."}, {}
            )
        return commit(*aggregates)

    second._commit = the_other_decision_commits_meanwhile  # type: ignore[method-assign]
    second.decide_submission(ctx(chairman(), DAY), two, DAY, CHAIR, {str(ids2[0]): "Đạt."}, {})
    numbers = [
        first.get_nomination(n).award_decision["number"]  # type: ignore[index]
        for n in (ids1[0], ids2[0])
    ]
    assert numbers == ["1/QĐ-UBND", "2/QĐ-UBND"]


def test_a_district_award_in_flight_when_the_district_level_ends_is_closed_citing_the_law(
    service: NominationService,
) -> None:
    from tests.factories import officer, stats
    from tests.scenarios import SLOW

    on = date(2025, 1, 6)
    nid = service.open_nomination(ctx(officer(), on), "S-829-02", "giay-khen-huyen", 2024).id
    for year, figures in SLOW.items():
        service.record_statistics(ctx(officer(), on), nid, year, figures)
    service.record_statistics(ctx(officer(), on), nid, 2024, stats(3030, 110))
    service.write_achievement_report(ctx(officer(), on), nid, "Báo cáo thành tích.")
    service.submit_nomination(ctx(officer(), date(2025, 6, 20)), nid)
    assert service.cut_over(ctx(SYSTEM, date(2025, 7, 1)), nid).position is not None
    n = service.get_nomination(nid)
    assert (n.stage, n.outcome) == ("closed", "authority_ceased")  # not sent to the province
    moved = [e for e in service.events.get(nid) if type(e).__name__ == "StageCutOver"]
    assert "72/2025/QH15" in moved[-1].legal_basis  # type: ignore[attr-defined]


def test_a_district_session_open_when_the_district_level_ends_decides_nothing_and_closes(
    service: NominationService,
) -> None:
    from tests.scenarios import MEMBERS

    story = Story(service)
    nid = story.open("S-831-01", GOOD, form="giay-khen-huyen")
    story.to_province_review(nid)  # a district form goes from the district to its council
    assert service.get_nomination(nid).stage == "council"
    on = date(2025, 6, 25)
    sid = service.schedule_council_session(
        ctx(SECRETARY, on), "Phiên họp huyện", on, MEMBERS, "giay-khen-huyen", "831"
    ).id
    service.add_to_agenda(ctx(SECRETARY, on), sid, nid)
    service.open_session(ctx(SECRETARY, on), sid)
    service.close_session(ctx(SECRETARY, date(2025, 7, 2)), sid)
    result = service.get_session(sid).results[str(nid)]
    assert result["outcome"] == "no_decision"
    assert "the district level ceased" in result["reason"]
    assert "72/2025/QH15" in result["reason"]
    n = service.get_nomination(nid)
    assert (n.stage, n.outcome) == ("closed", "authority_ceased")
