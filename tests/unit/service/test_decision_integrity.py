"""The decision path cannot be bent: verified findings stand, and nobody reviews their own
nomination."""

from __future__ import annotations

from datetime import date
from uuid import UUID

import pytest

from domain.errors import AlreadyExists, StageTransitionError
from domain.units import UnitRegistry
from service.nomination_service import NominationService
from tests.factories import (
    ADMIN,
    PROVINCE,
    SECRETARY,
    SYSTEM,
    ctx,
    district_reviewer,
    inspector,
    member,
    officer,
)
from tests.scenarios import GOOD, MEMBERS, Story


@pytest.fixture
def service(units: UnitRegistry) -> NominationService:
    return NominationService({"PERSISTENCE_MODULE": "eventsourcing.popo"}, units=units)


def _inspected_not_met(service: NominationService) -> UUID:
    story = Story(service)
    nid = story.open("S-831-01", GOOD)
    story.to_province_review(nid)
    service.schedule_inspection_visit(ctx(PROVINCE, date(2024, 2, 20)), nid, "team-1")
    vid = next(UUID(v) for v in service.get_nomination(nid).visits)
    service.claim_visit(ctx(inspector(), date(2024, 3, 14)), vid)
    verified = dict(GOOD[2023], poor_households=300)  # barely any fall: not met
    service.file_visit_report(
        ctx(inspector(), date(2024, 3, 14)),
        vid,
        date(2024, 3, 14),
        "Số liệu thực tế cao hơn kê khai.",
        "discrepancy",
        {"2023": verified},
    )
    return nid


def _outcome(service: NominationService, nid: UUID, criterion: str) -> str:
    checks = {c["criterion_id"]: c for c in service.get_nomination(nid).checks}
    return str(checks[criterion]["outcome"])


def test_a_verified_finding_is_not_erased_by_resubmitting_the_declared_figures(
    service: NominationService,
) -> None:
    nid = _inspected_not_met(service)
    assert _outcome(service, nid, "commune-high-pp2") == "not_met"
    service.complete_province_review(
        ctx(PROVINCE, date(2024, 3, 15)), nid, "return", "Bổ sung hồ sơ."
    )
    service.submit_nomination(ctx(officer(), date(2024, 3, 18)), nid)  # the same declared figures
    assert _outcome(service, nid, "commune-high-pp2") == "not_met"
    service.complete_district_review(
        ctx(district_reviewer("831"), date(2024, 3, 19)), nid, "approve", "Đạt."
    )
    assert _outcome(service, nid, "commune-high-pp2") == "not_met"
    with pytest.raises(StageTransitionError, match="not met"):
        service.complete_province_review(
            ctx(PROVINCE, date(2024, 3, 20)), nid, "approve", "Trình Hội đồng."
        )
    service.override_check(
        ctx(PROVINCE, date(2024, 3, 20)), nid, "commune-high-pp2", "Đã xác minh lại tại chỗ."
    )
    service.complete_province_review(
        ctx(PROVINCE, date(2024, 3, 20)), nid, "approve", "Trình Hội đồng."
    )


def test_a_districts_own_nomination_skips_its_district_review(
    service: NominationService,
) -> None:
    nid = service.open_nomination(
        ctx(officer(), date(2024, 1, 8)), "831", "bang-khen-tinh", 2023
    ).id
    for year, figures in GOOD.items():
        service.record_statistics(ctx(officer(), date(2024, 1, 8)), nid, year, figures)
    service.write_achievement_report(ctx(officer(), date(2024, 1, 8)), nid, "Báo cáo.")
    service.submit_nomination(ctx(officer(), date(2024, 1, 15)), nid)
    assert service.get_nomination(nid).stage == "province_review"
    with pytest.raises(StageTransitionError):
        service.complete_district_review(
            ctx(district_reviewer("831"), date(2024, 1, 22)), nid, "approve", "Tự duyệt."
        )


def test_a_member_who_works_for_the_nominee_is_recused_with_the_reason(
    service: NominationService,
) -> None:
    story = Story(service)
    service.register_account(
        ctx(ADMIN),
        "member-1",
        "$argon2id$hash",
        [{"role": "council_member"}, {"role": "unit_officer", "scope": "S-831-01"}],
    )
    nid = story.open("S-831-01", GOOD)
    story.to_province_review(nid)
    service.complete_province_review(ctx(PROVINCE, date(2024, 3, 15)), nid, "approve", "Trình.")
    service.end_public_notice(ctx(SYSTEM, date(2024, 4, 1)), nid)
    sid = service.schedule_council_session(
        ctx(SECRETARY, date(2024, 4, 3)), "Phiên họp", date(2024, 4, 3), MEMBERS, "bang-khen-tinh"
    ).id
    service.add_to_agenda(ctx(SECRETARY, date(2024, 4, 3)), sid, nid)
    assert service.get_session(sid).participation[str(nid)] == ["member-1"]
    service.open_session(ctx(SECRETARY, date(2024, 4, 3)), sid)
    with pytest.raises(AlreadyExists):
        service.cast_vote(ctx(member("member-1"), date(2024, 4, 3)), sid, nid, "approve")
    reasons = [e.payload["reason"] for e in service.history(sid) if "MemberRecused" in e.topic]
    assert reasons == ["Thuộc đơn vị được đề nghị khen thưởng: Xã Mẫu Ba (dữ liệu mẫu)"]
