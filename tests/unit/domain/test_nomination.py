"""The Nomination aggregate: every stage's allowed moves, and a refusal in each stage."""

from __future__ import annotations

from datetime import date
from uuid import uuid4

import pytest

from domain.calendar import WorkingCalendar
from domain.criteria.rules import Outcome
from domain.criteria.ruleset import RuleSet
from domain.cycles import CycleTerms
from domain.deadlines import DueDates
from domain.dossier import Attachment
from domain.errors import (
    AlreadyExists,
    InvalidInput,
    JurisdictionError,
    StageTransitionError,
)
from domain.nomination import Nomination
from domain.stages import Stage
from domain.statistics import YearStatistics
from domain.units import Nominee, UnitRegistry
from tests.factories import (
    PROVINCE,
    SECRETARY,
    SYSTEM,
    as_,
    chairman,
    district_reviewer,
    inspector,
    officer,
)

pytestmark = pytest.mark.unit

CALENDAR = WorkingCalendar()
SUBMITTED = date(2024, 1, 15)

# Xã Mẫu Ba: 10 % at end-2021, rate down more than 2 points in 2022 and 2023.
GOOD = {2021: (4000, 400), 2022: (4020, 310), 2023: (4040, 220)}
# Xã Mẫu Hai: exactly 5.00 %, falls too slowly.
SLOW = {2021: (3000, 150), 2022: (3010, 130), 2023: (3020, 118)}


def due(rules: RuleSet, today: date, notice_days: int = 10) -> DueDates:
    return DueDates(CALENDAR, rules.deadlines, CycleTerms.default(rules, 2023), today, notice_days)


def open_nomination(
    units: UnitRegistry,
    rules: RuleSet,
    code: str = "S-831-01",
    figures: dict[int, tuple[int, int]] | None = None,
    form: str = "bang-khen-tinh",
) -> Nomination:
    with as_(officer(), date(2024, 1, 8)):
        n = Nomination.open(
            Nominee.of(units.get(code), units), form, 2023, (2022, 2023), rules, date(2024, 1, 31)
        )
        for year, (total, poor) in (figures if figures is not None else GOOD).items():
            n.record_statistics(year, YearStatistics(total, poor), rules)
        n.write_achievement_report("Báo cáo thành tích.")
    return n


def submitted(units: UnitRegistry, rules: RuleSet, **kwargs: object) -> Nomination:
    n = open_nomination(units, rules, **kwargs)  # type: ignore[arg-type]
    with as_(officer(), SUBMITTED):
        n.submit(rules, due(rules, SUBMITTED))
    return n


def in_province_review(units: UnitRegistry, rules: RuleSet, **kwargs: object) -> Nomination:
    n = submitted(units, rules, **kwargs)
    with as_(district_reviewer(n.unit.district_code or ""), date(2024, 1, 22)):
        n.complete_district_review("approve", "", rules, due(rules, date(2024, 1, 22)))
    return n


def in_public_notice(units: UnitRegistry, rules: RuleSet) -> Nomination:
    n = in_province_review(units, rules)
    with as_(PROVINCE, date(2024, 2, 20)):
        n.complete_province_review("approve", "", rules, due(rules, date(2024, 2, 20)))
    return n


def in_council(units: UnitRegistry, rules: RuleSet) -> Nomination:
    n = in_public_notice(units, rules)
    with as_(SYSTEM, date(2024, 3, 6)):
        n.end_public_notice()
    return n


def event_names(n: Nomination) -> list[str]:
    return [type(e).__name__ for e in n.pending_events]


# --- collecting ----------------------------------------------------------------------------


def test_a_unit_officer_opens_a_nomination_in_collection_due_on_the_cycle_closing_date(
    units: UnitRegistry, rules: RuleSet
) -> None:
    n = open_nomination(units, rules, figures={})
    assert n.stage is Stage.COLLECTING
    assert n.due_on == date(2024, 1, 31)
    assert event_names(n) == ["Opened", "AchievementReportWritten"]


def test_an_officer_cannot_open_a_nomination_for_a_unit_outside_their_scope(
    units: UnitRegistry, rules: RuleSet
) -> None:
    with as_(officer("829"), date(2024, 1, 8)), pytest.raises(JurisdictionError):
        Nomination.open(
            Nominee.of(units.get("S-831-01"), units),
            "bang-khen-tinh",
            2023,
            (2022, 2023),
            rules,
            date(2024, 1, 31),
        )


def test_submission_runs_every_automatic_check_and_moves_to_district_review(
    units: UnitRegistry, rules: RuleSet
) -> None:
    n = submitted(units, rules)
    assert n.stage is Stage.DISTRICT_REVIEW
    assert n.due_on == CALENDAR.add_working_days(SUBMITTED, 10)
    [check] = n.effective_checks().values()
    assert check.criterion_id == "commune-high-pp2"
    assert check.outcome is Outcome.MET
    assert check.rule_set == rules.ref
    assert check.inputs["2021"] == {"total_households": 4000, "poor_households": 400}
    assert check.checked_by == "system"
    assert event_names(n)[-2:] == ["CriterionChecked", "Submitted"]


def test_submission_is_blocked_until_official_figures_exist_and_records_nothing(
    units: UnitRegistry, rules: RuleSet
) -> None:
    n = open_nomination(units, rules, figures={2021: (4000, 400), 2022: (4020, 310)})
    before = len(n.pending_events)
    with as_(officer(), SUBMITTED), pytest.raises(InvalidInput) as refused:
        n.submit(rules, due(rules, SUBMITTED))
    assert refused.value.field == "statistics"
    assert "2023" in refused.value.detail
    assert len(n.pending_events) == before
    assert n.stage is Stage.COLLECTING


def test_submission_needs_the_achievement_report(units: UnitRegistry, rules: RuleSet) -> None:
    with as_(officer(), date(2024, 1, 8)):
        n = Nomination.open(
            Nominee.of(units.get("S-831-01"), units),
            "bang-khen-tinh",
            2023,
            (2022, 2023),
            rules,
            date(2024, 1, 31),
        )
    with as_(officer(), SUBMITTED), pytest.raises(InvalidInput) as refused:
        n.submit(rules, due(rules, SUBMITTED))
    assert refused.value.field == "achievement_report"


def test_statistics_with_flows_that_do_not_reconcile_are_refused(
    units: UnitRegistry, rules: RuleSet
) -> None:
    n = open_nomination(units, rules, figures={2021: (4000, 400)})
    bad = YearStatistics.from_dict(
        {
            "total_households": 4020,
            "poor_households": 310,
            "flows": {"exited": 100, "newly_poor": 5, "fallen_back": 0, "removed": 0},
        }
    )
    with as_(officer()), pytest.raises(InvalidInput) as refused:
        n.record_statistics(2022, bad, rules)
    assert refused.value.field == "flows"
    assert "difference +5" in refused.value.detail


def test_statistics_for_a_year_outside_the_window_are_refused(
    units: UnitRegistry, rules: RuleSet
) -> None:
    n = open_nomination(units, rules, figures={})
    with as_(officer()), pytest.raises(InvalidInput) as refused:
        n.record_statistics(2024, YearStatistics(10, 1), rules)
    assert refused.value.field == "year"


def test_recording_the_same_figures_again_records_nothing(
    units: UnitRegistry, rules: RuleSet
) -> None:
    n = open_nomination(units, rules)
    before = len(n.pending_events)
    with as_(officer()):
        n.record_statistics(2021, YearStatistics(4000, 400), rules)
    assert len(n.pending_events) == before


def test_an_officer_withdraws_a_nomination_in_collection(
    units: UnitRegistry, rules: RuleSet
) -> None:
    n = open_nomination(units, rules)
    with as_(officer()):
        n.withdraw("Đơn vị rút hồ sơ.")
    assert n.stage is Stage.CLOSED
    assert n.outcome == "withdrawn"


def test_collection_refuses_a_district_review(units: UnitRegistry, rules: RuleSet) -> None:
    n = open_nomination(units, rules)
    with as_(district_reviewer("831")), pytest.raises(StageTransitionError):
        n.complete_district_review("approve", "", rules, due(rules, SUBMITTED))


# --- district review -----------------------------------------------------------------------


def test_the_district_reviewer_approves_into_province_review_due_in_25_working_days(
    units: UnitRegistry, rules: RuleSet
) -> None:
    n = in_province_review(units, rules)
    assert n.stage is Stage.PROVINCE_REVIEW
    assert n.due_on == CALENDAR.add_working_days(date(2024, 1, 22), 25)


def test_the_district_reviewer_returns_a_dossier_with_the_changes_wanted(
    units: UnitRegistry, rules: RuleSet
) -> None:
    n = submitted(units, rules)
    with as_(district_reviewer("831"), date(2024, 1, 22)):
        n.complete_district_review(
            "return", "Bổ sung quyết định công nhận.", rules, due(rules, date(2024, 1, 22))
        )
    assert n.stage is Stage.COLLECTING
    assert n.requested_changes == "Bổ sung quyết định công nhận."
    with as_(officer(), date(2024, 1, 24)):
        n.submit(rules, due(rules, date(2024, 1, 24)))
    assert n.round == 2
    assert n.requested_changes is None


def test_a_return_without_the_changes_wanted_is_refused(
    units: UnitRegistry, rules: RuleSet
) -> None:
    n = submitted(units, rules)
    with as_(district_reviewer("831")), pytest.raises(InvalidInput) as refused:
        n.complete_district_review("return", "  ", rules, due(rules, SUBMITTED))
    assert refused.value.field == "comment"


def test_the_district_reviewer_rejects_a_dossier(units: UnitRegistry, rules: RuleSet) -> None:
    n = submitted(units, rules)
    with as_(district_reviewer("831")):
        n.complete_district_review("reject", "Không đủ điều kiện.", rules, due(rules, SUBMITTED))
    assert (n.stage, n.outcome) == (Stage.CLOSED, "rejected")


def test_a_district_reviewer_of_another_district_is_refused(
    units: UnitRegistry, rules: RuleSet
) -> None:
    n = submitted(units, rules)
    with as_(district_reviewer("829")), pytest.raises(JurisdictionError):
        n.complete_district_review("approve", "", rules, due(rules, SUBMITTED))


def test_district_review_refuses_new_statistics(units: UnitRegistry, rules: RuleSet) -> None:
    n = submitted(units, rules)
    with as_(officer()), pytest.raises(StageTransitionError) as refused:
        n.record_statistics(2023, YearStatistics(4040, 200), rules)
    assert "district_review" in refused.value.detail


def test_an_unknown_review_decision_names_the_field(units: UnitRegistry, rules: RuleSet) -> None:
    n = submitted(units, rules)
    with as_(district_reviewer("831")), pytest.raises(InvalidInput) as refused:
        n.complete_district_review("maybe", "", rules, due(rules, SUBMITTED))
    assert refused.value.field == "decision"


# --- province review ------------------------------------------------------------------------


def test_a_not_met_check_blocks_forwarding_until_overridden_with_a_reason(
    units: UnitRegistry, rules: RuleSet
) -> None:
    n = in_province_review(units, rules, code="S-829-02", figures=SLOW)
    with as_(PROVINCE), pytest.raises(StageTransitionError) as refused:
        n.complete_province_review("approve", "", rules, due(rules, date(2024, 2, 20)))
    assert "commune-high-pp2" in refused.value.detail
    with as_(PROVINCE):
        n.override_check("commune-high-pp2", "Xã có nhiều mô hình giảm nghèo bền vững.")
        n.complete_province_review("approve", "", rules, due(rules, date(2024, 2, 20)))
    assert n.stage is Stage.PUBLIC_NOTICE
    override = n.overrides["commune-high-pp2"]
    assert override["reason"] == "Xã có nhiều mô hình giảm nghèo bền vững."


def test_an_override_keeps_who_made_it_and_when_beside_its_reason(
    units: UnitRegistry, rules: RuleSet
) -> None:
    n = in_province_review(units, rules, code="S-829-02", figures=SLOW)
    with as_(PROVINCE):
        n.override_check("commune-high-pp2", "Xã có nhiều mô hình giảm nghèo bền vững.")
    made = n.pending_events[-1]
    assert n.overrides["commune-high-pp2"] == {
        "reason": "Xã có nhiều mô hình giảm nghèo bền vững.",
        "by": PROVINCE.account_id,
        "role": "province_reviewer",
        "at": made.timestamp.isoformat(),
    }


def test_each_review_keeps_its_decision_comment_reviewer_and_time(
    units: UnitRegistry, rules: RuleSet
) -> None:
    n = submitted(units, rules)
    district = district_reviewer(n.unit.district_code or "")
    with as_(district, date(2024, 1, 22)):
        n.complete_district_review("approve", "Hồ sơ đầy đủ.", rules, due(rules, date(2024, 1, 22)))
    with as_(PROVINCE, date(2024, 2, 20)):
        n.complete_province_review("approve", "", rules, due(rules, date(2024, 2, 20)))
    district_event, province_event = n.pending_events[-2:]
    assert n.reviews == [
        {
            "stage": "district_review",
            "decision": "approve",
            "comment": "Hồ sơ đầy đủ.",
            "by": district.account_id,
            "at": district_event.timestamp.isoformat(),
        },
        {
            "stage": "province_review",
            "decision": "approve",
            "comment": "",
            "by": PROVINCE.account_id,
            "at": province_event.timestamp.isoformat(),
        },
    ]


def test_only_a_not_met_check_can_be_overridden(units: UnitRegistry, rules: RuleSet) -> None:
    n = in_province_review(units, rules)
    with as_(PROVINCE), pytest.raises(InvalidInput):
        n.override_check("commune-high-pp2", "no need")


def test_an_undecided_check_blocks_forwarding_until_judged(
    units: UnitRegistry, rules: RuleSet
) -> None:
    zero = {2021: (3800, 0), 2022: (3810, 0), 2023: (3820, 0)}
    n = in_province_review(units, rules, code="S-833-01", figures=zero)
    with as_(PROVINCE), pytest.raises(StageTransitionError):
        n.complete_province_review("approve", "", rules, due(rules, date(2024, 2, 20)))
    with as_(PROVINCE):
        n.record_judged_check(
            "commune-low-rel20", Outcome.MET, "Giữ không còn hộ nghèo.", (), rules
        )
        n.complete_province_review("approve", "", rules, due(rules, date(2024, 2, 20)))
    check = n.effective_checks()["commune-low-rel20"]
    assert (check.outcome, check.kind, check.checked_by) == (
        Outcome.MET,
        "judged",
        "province-reviewer",
    )


def test_a_judgement_on_a_criterion_that_is_not_judged_is_refused(
    units: UnitRegistry, rules: RuleSet
) -> None:
    n = in_province_review(units, rules)
    with as_(PROVINCE), pytest.raises(InvalidInput) as refused:
        n.record_judged_check("commune-high-pp2", Outcome.MET, "x", (), rules)
    assert refused.value.field == "criterion_id"


def test_an_open_inspection_blocks_forwarding_and_its_report_reruns_the_checks(
    units: UnitRegistry, rules: RuleSet
) -> None:
    n = in_province_review(units, rules)
    visit = uuid4()
    with as_(PROVINCE, date(2024, 2, 20)):
        n.order_inspection(visit, "team-1", date(2024, 3, 5))
        with pytest.raises(StageTransitionError):
            n.complete_province_review("approve", "", rules, due(rules, date(2024, 2, 20)))
    with as_(inspector(), date(2024, 2, 27)):
        n.record_inspection_report(
            visit,
            date(2024, 2, 27),
            "Đã đối chiếu danh sách.",
            "discrepancy",
            {2023: YearStatistics(4040, 300)},
            rules,
        )
    assert n.visits[str(visit)].discrepancies == {
        "2023": {"poor_households": {"declared": 220, "verified": 300}}
    }
    verified = n.effective_checks()["commune-high-pp2"]
    assert verified.basis.value == "inspection_verified"
    assert verified.outcome is Outcome.NOT_MET  # 7.71 % -> 7.43 % is not 2 points
    declared = [c for c in n.checks if c["basis"] == "declared"]
    assert declared[0]["outcome"] == "met"  # both results stay in the history


def test_an_inspector_of_another_team_cannot_report(units: UnitRegistry, rules: RuleSet) -> None:
    n = in_province_review(units, rules)
    visit = uuid4()
    with as_(PROVINCE, date(2024, 2, 20)):
        n.order_inspection(visit, "team-1", date(2024, 3, 5))
    with as_(inspector("team-2")), pytest.raises(JurisdictionError):
        n.record_inspection_report(visit, date(2024, 2, 27), "x", "confirm", {}, rules)


def test_province_review_refuses_a_submission(units: UnitRegistry, rules: RuleSet) -> None:
    n = in_province_review(units, rules)
    with as_(officer()), pytest.raises(StageTransitionError):
        n.submit(rules, due(rules, SUBMITTED))


def test_zero_public_notice_days_forward_straight_to_the_council(
    units: UnitRegistry, rules: RuleSet
) -> None:
    n = in_province_review(units, rules)
    with as_(PROVINCE, date(2024, 2, 20)):
        n.complete_province_review("approve", "", rules, due(rules, date(2024, 2, 20), 0))
    assert n.stage is Stage.COUNCIL


# --- public notice ---------------------------------------------------------------------------


def test_the_public_notice_ends_by_itself_only_once_its_window_closes(
    units: UnitRegistry, rules: RuleSet
) -> None:
    n = in_public_notice(units, rules)
    assert n.due_on == CALENDAR.add_working_days(date(2024, 2, 20), 10)
    with as_(SYSTEM, date(2024, 3, 4)), pytest.raises(StageTransitionError):
        n.end_public_notice()
    with as_(SYSTEM, date(2024, 3, 5)):
        n.end_public_notice()
    assert n.stage is Stage.COUNCIL


def test_an_open_complaint_keeps_the_public_notice_open(
    units: UnitRegistry, rules: RuleSet
) -> None:
    n = in_public_notice(units, rules)
    complaint = uuid4()
    with as_(PROVINCE, date(2024, 3, 1)):
        n.file_complaint(complaint, "Số liệu chưa đúng.", "Người dân")
    with as_(SYSTEM, date(2024, 3, 6)), pytest.raises(StageTransitionError) as refused:
        n.end_public_notice()
    assert str(complaint) in refused.value.detail
    with as_(PROVINCE, date(2024, 3, 6)):
        n.resolve_complaint(complaint, "Không có cơ sở.", upheld=False)
    with as_(SYSTEM, date(2024, 3, 6)):
        n.end_public_notice()
    assert n.stage is Stage.COUNCIL


def test_public_notice_refuses_an_agenda(units: UnitRegistry, rules: RuleSet) -> None:
    n = in_public_notice(units, rules)
    with as_(SECRETARY), pytest.raises(StageTransitionError):
        n.place_on_agenda(uuid4())


# --- council, decision and revocation ------------------------------------------------------------


def _decision(awarded: bool, number: str = "12/QĐ-UBND") -> dict[str, object]:
    return {
        "submission_id": str(uuid4()),
        "awarded": awarded,
        "reason": "Đạt." if awarded else "Không đủ điều kiện.",
        "number": number,
        "date": "2024-04-02",
        "authority": "ubnd-tinh-ben-tre",
        "signer_title": "Chủ tịch",
        "signs_as": "CHỦ TỊCH",
    }


def test_the_council_recommends_and_the_dossier_waits_for_the_chairmans_decision(
    units: UnitRegistry, rules: RuleSet
) -> None:
    n = in_council(units, rules)
    session = uuid4()
    with as_(SECRETARY, date(2024, 3, 20)):
        n.place_on_agenda(session)
        n.recommend(session, True, {"approve": 5})
    assert (n.stage, n.outcome, n.decision) == (Stage.AWAITING_DECISION, None, None)
    recommended = n.pending_events[-1]
    assert type(recommended).__name__ == "CouncilRecommended"
    assert recommended.prev_hash  # type: ignore[attr-defined]
    with as_(chairman(), date(2024, 4, 2)):
        n.decide_award(_decision(True))
    assert (n.stage, n.outcome, n.decided_under) == (
        Stage.DECIDED,
        "approved",
        "authority_decision",
    )
    assert n.decision is not None
    assert (n.decision.decision_number, n.decision.tally) == ("12/QĐ-UBND", {"approve": 5})


def test_a_dossier_the_council_does_not_recommend_is_closed_undecided(
    units: UnitRegistry, rules: RuleSet
) -> None:
    n = in_council(units, rules)
    session = uuid4()
    with as_(SECRETARY, date(2024, 3, 20)):
        n.place_on_agenda(session)
        n.recommend(session, False, {"approve": 1})
    assert (n.stage, n.outcome, n.decided_under) == (Stage.CLOSED, "not_recommended", None)
    with as_(chairman()), pytest.raises(StageTransitionError):
        n.decide_award(_decision(True))


def test_an_open_complaint_blocks_the_recommendation_and_the_decision(
    units: UnitRegistry, rules: RuleSet
) -> None:
    n = in_council(units, rules)
    session = uuid4()
    with as_(SECRETARY, date(2024, 3, 20)):
        n.place_on_agenda(session)
        complaint = uuid4()
        n.file_complaint(complaint, "Tố cáo mới.", "Người dân")
        with pytest.raises(StageTransitionError):
            n.recommend(session, True, {})
        n.resolve_complaint(complaint, "Không có cơ sở.", False)
        n.recommend(session, True, {})
        n.file_complaint(uuid4(), "Tố cáo sau phiên họp.", "Người dân")
    with as_(chairman()), pytest.raises(StageTransitionError):
        n.decide_award(_decision(True))


def test_a_nomination_cannot_sit_on_two_agendas(units: UnitRegistry, rules: RuleSet) -> None:
    n = in_council(units, rules)
    with as_(SECRETARY):
        n.place_on_agenda(uuid4())
        with pytest.raises(StageTransitionError):
            n.place_on_agenda(uuid4())


def test_the_council_stage_refuses_a_withdrawal(units: UnitRegistry, rules: RuleSet) -> None:
    n = in_council(units, rules)
    with as_(officer()), pytest.raises(StageTransitionError):
        n.withdraw("late")


def test_an_award_is_revoked_by_the_authority_that_decided_it(
    units: UnitRegistry, rules: RuleSet
) -> None:
    n = in_council(units, rules)
    session = uuid4()
    with as_(SECRETARY, date(2024, 3, 20)):
        n.place_on_agenda(session)
        n.recommend(session, True, {})
    with as_(chairman(), date(2024, 4, 2)):
        n.decide_award(_decision(True))
    with as_(SECRETARY), pytest.raises(JurisdictionError):  # the council advises, no more
        n.revoke("x", "1")
    with as_(chairman("ubnd-huyen-831")), pytest.raises(JurisdictionError):
        n.revoke("x", "1")
    with as_(chairman(), date(2024, 6, 3)):
        n.revoke("Phát hiện kê khai sai số liệu.", "30/QĐ-UBND")
    assert n.outcome == "revoked"
    assert n.decision is not None  # the decision stays in the record


def test_a_decided_nomination_refuses_new_statistics(units: UnitRegistry, rules: RuleSet) -> None:
    n = in_council(units, rules)
    session = uuid4()
    with as_(SECRETARY, date(2024, 3, 20)):
        n.place_on_agenda(session)
        n.recommend(session, True, {})
    with as_(chairman()):
        n.decide_award(_decision(False))
        with pytest.raises(StageTransitionError):
            n.revoke("x", "1")
    with as_(officer()), pytest.raises(StageTransitionError):
        n.record_statistics(2023, YearStatistics(10, 1), rules)


def test_a_closed_nomination_refuses_everything(units: UnitRegistry, rules: RuleSet) -> None:
    n = open_nomination(units, rules)
    with as_(officer()):
        n.withdraw("x")
        with pytest.raises(StageTransitionError):
            n.submit(rules, due(rules, SUBMITTED))


# --- the clock's records ------------------------------------------------------------------------


def test_a_missed_deadline_is_recorded_once_and_only_while_its_stage_is_open(
    units: UnitRegistry, rules: RuleSet
) -> None:
    n = submitted(units, rules)
    deadline = n.due_on
    assert deadline is not None
    with as_(SYSTEM, deadline), pytest.raises(InvalidInput):
        n.mark_deadline_missed(Stage.DISTRICT_REVIEW, deadline)
    with as_(SYSTEM, date(2024, 2, 1)):
        assert n.mark_deadline_missed(Stage.DISTRICT_REVIEW, deadline)
        assert not n.mark_deadline_missed(Stage.DISTRICT_REVIEW, deadline)
        assert not n.mark_deadline_missed(Stage.PROVINCE_REVIEW, deadline)
    assert event_names(n).count("DeadlineMissed") == 1


def test_only_the_system_records_reminders_and_escalations(
    units: UnitRegistry, rules: RuleSet
) -> None:
    n = submitted(units, rules)
    with as_(PROVINCE), pytest.raises(JurisdictionError):
        n.record_reminder(Stage.DISTRICT_REVIEW, ["a@example.org"], "x")
    with as_(SYSTEM):
        assert n.record_reminder(Stage.DISTRICT_REVIEW, ["a@example.org"], "2 ngày nữa đến hạn")
        assert n.escalate(Stage.DISTRICT_REVIEW, "province", "Quá hạn thẩm định")
        assert not n.escalate(Stage.COUNCIL, "board", "wrong stage")


def test_evidence_is_identified_by_its_sha256_and_kept_once(
    units: UnitRegistry, rules: RuleSet
) -> None:
    n = open_nomination(units, rules)
    digest = "a" * 64
    with as_(officer()):
        n.attach_evidence(Attachment(digest, "quyet-dinh.pdf", "application/pdf", 1200))
        n.attach_evidence(Attachment(digest.upper(), "again.pdf", "application/pdf", 1200))
        with pytest.raises(InvalidInput) as refused:
            n.attach_evidence(Attachment("not-a-hash", "x.pdf", "application/pdf", 1))
    assert refused.value.field == "sha256"
    assert list(n.evidence) == [digest]


def test_a_district_award_cannot_be_opened_once_districts_no_longer_exist(
    units: UnitRegistry, rules: RuleSet
) -> None:
    with as_(officer(), date(2025, 7, 1)), pytest.raises(StageTransitionError) as refused:
        Nomination.open(
            Nominee.of(units.get("S-836-02"), units),
            "giay-khen-huyen",
            2025,
            (2024, 2025),
            rules,
            date(2026, 1, 30),
        )
    assert "district council" in str(refused.value)


def test_an_inspection_cannot_be_ordered_twice_under_one_id(
    units: UnitRegistry, rules: RuleSet
) -> None:
    n = in_province_review(units, rules)
    visit = uuid4()
    with as_(PROVINCE, date(2024, 2, 20)):
        n.order_inspection(visit, "team-1", date(2024, 3, 5))
        with pytest.raises(AlreadyExists):
            n.order_inspection(visit, "team-1", date(2024, 3, 5))


def test_a_snapshot_keeps_visits_as_values_and_an_older_dict_shaped_one_reloads_as_values(
    units: UnitRegistry, rules: RuleSet
) -> None:
    from eventsourcing.domain import Snapshot

    from domain.dossier import Visit, VisitState

    n = in_province_review(units, rules)
    visit, other = uuid4(), uuid4()
    with as_(PROVINCE, date(2024, 2, 20)):
        n.order_inspection(visit, "team-1", date(2024, 3, 5))
        n.order_inspection(other, "team-1", date(2024, 3, 6))
    with as_(inspector(), date(2024, 2, 27)):
        n.record_inspection_report(
            visit, date(2024, 2, 27), "Đúng.", "ok", {2023: YearStatistics(4040, 300)}, rules
        )
    assert n.visits[str(other)] == Visit("team-1", date(2024, 3, 6), VisitState.ORDERED)
    assert n.visits[str(visit)].state is VisitState.REPORTED

    n.collect_events()
    snapshot = Snapshot.take(n)
    assert snapshot.state["class_version"] == 4
    assert vars(snapshot.mutate(None)) == vars(n)

    # As stored before the dossier values: dicts, no class version.
    old = dict(snapshot.state)
    del old["class_version"]
    old["visits"] = {k: v.to_dict() for k, v in n.visits.items()}
    del old["official_statistics"], old["official_differences"]  # not there before v3
    del old["reviews"]  # not there before v4: reviews before such a snapshot are in the log only
    legacy = Snapshot(
        originator_id=n.id,
        originator_version=n.version,
        timestamp=snapshot.timestamp,
        topic=snapshot.topic,
        state=old,
    )
    reloaded = legacy.mutate(None)
    assert isinstance(reloaded.visits[str(visit)], Visit)  # type: ignore[attr-defined]
    assert reloaded.reviews == []  # type: ignore[attr-defined]
    assert {**vars(reloaded), "reviews": n.reviews} == vars(n)


def test_a_review_decision_outside_approve_return_reject_is_refused_naming_the_field(
    units: UnitRegistry, rules: RuleSet
) -> None:
    n = in_province_review(units, rules)
    with as_(PROVINCE), pytest.raises(InvalidInput) as refused:
        n.complete_province_review("maybe", "", rules, due(rules, date(2024, 2, 20)))
    assert refused.value.field == "decision"
    assert "approve, return, reject" in str(refused.value)
