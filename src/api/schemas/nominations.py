from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import ConfigDict, Field

from api.schemas.common import Schema, Text, WorkingDaysLeft, example
from api.schemas.people import PersonPublic
from api.schemas.submissions import RecoveryPublic

Count = Field(ge=0, le=10_000_000)


class FlowsIn(Schema):
    exited: int = Count
    newly_poor: int = Count
    fallen_back: int = Count
    removed: int = Count


class SourceIn(Schema):
    decision_number: str = Field(min_length=1, max_length=100)
    decision_date: date
    issuing_body: str | None = Field(
        default=None, max_length=255, description="who issued the recognition decision"
    )


class StatisticsIn(Schema):
    total_households: int = Field(ge=1, le=10_000_000)
    poor_households: int = Count
    near_poor_households: int | None = Field(default=None, ge=0, le=10_000_000)
    flows: FlowsIn | None = None
    source: SourceIn | None = None

    model_config = ConfigDict(
        extra="forbid",
        str_strip_whitespace=True,
        json_schema_extra={
            "examples": [
                {
                    "total_households": 4020,
                    "poor_households": 310,
                    "near_poor_households": 290,
                    "flows": {"exited": 100, "newly_poor": 5, "fallen_back": 5, "removed": 0},
                    "source": {"decision_number": "123/QĐ-UBND", "decision_date": "2022-12-20"},
                }
            ]
        },
    )


class NominationCreate(Schema):
    model_config = example(unit_code="S-831-01", award_form="bang-khen-tinh", cycle_year=2025)

    unit_code: str = Field(
        min_length=1,
        max_length=64,
        examples=["S-831-01"],
        description="the nominated unit; for a person, where they work",
    )
    award_form: Literal["bang-khen-tinh", "co-thi-dua-tinh", "giay-khen-huyen"]
    cycle_year: int = Field(ge=2000, le=2100, examples=[2025])
    person_id: str | None = Field(
        default=None,
        min_length=36,
        max_length=36,
        description="a person recorded under /people, nominated in their own right",
    )


class ReportIn(Schema):
    model_config = example(text="Báo cáo thành tích giảm nghèo giai đoạn 2024–2025 …")

    text: str = Field(min_length=1, max_length=100_000)


class WithdrawIn(Schema):
    model_config = example(reason="Đơn vị xin rút hồ sơ để bổ sung số liệu.")

    reason: str = Field(min_length=1, max_length=5000)


class JudgedCheckIn(Schema):
    model_config = example(
        criterion_id="plan-1067-tasks",
        outcome="met",
        justification="Hoàn thành đúng hạn các nhiệm vụ được giao theo Kế hoạch 1067.",
        evidence=[],
    )

    criterion_id: str = Field(min_length=1, max_length=100, examples=["plan-1067-tasks"])
    outcome: Literal["met", "not_met", "insufficient_data"]
    justification: str = Field(min_length=1, max_length=20_000)
    evidence: list[str] = Field(default_factory=list, max_length=50)


class OverrideIn(Schema):
    model_config = example(
        criterion_id="commune-high-pp2",
        reason="Năm 2025 giảm vượt mức, bù cho năm 2024; đề nghị Hội đồng xem xét.",
    )

    criterion_id: str = Field(min_length=1, max_length=100)
    reason: str = Field(min_length=1, max_length=20_000)


class ReviewIn(Schema):
    model_config = example(decision="approve", comment="Đủ điều kiện trình cấp tỉnh.")

    decision: Literal["approve", "return", "reject"]
    comment: str = Field(default="", max_length=20_000)


class InspectionOrder(Schema):
    model_config = example(team_id="doan-kiem-tra-1", due_date="2026-03-02")

    team_id: str = Field(min_length=1, max_length=100, examples=["doan-kiem-tra-1"])
    due_date: date | None = None


class VisitReportIn(Schema):
    model_config = example(
        visited_on="2026-02-24",
        findings="Đối chiếu danh sách hộ nghèo tại xã.",
        recommendation="discrepancy",
        verified_statistics={"2025": {"total_households": 4040, "poor_households": 218}},
    )

    visited_on: date
    findings: str = Field(min_length=1, max_length=50_000)
    recommendation: Literal["confirm", "discrepancy"]
    verified_statistics: dict[str, StatisticsIn] | None = None


class ComplaintIn(Schema):
    model_config = example(text="Phản ánh số hộ nghèo chưa chính xác.", filed_by="Người dân ấp 3")

    text: str = Field(min_length=1, max_length=50_000)
    filed_by: str = Field(min_length=1, max_length=255)


class ResolveIn(Schema):
    model_config = example(resolution="Đã xác minh: số liệu đúng.", upheld=False)

    resolution: str = Field(min_length=1, max_length=50_000)
    upheld: bool


class FiguresPublic(Schema):
    """A year's figures as recorded."""

    total_households: int
    poor_households: int
    near_poor_households: int | None = None
    flows: FlowsIn | None = None
    source: SourceIn | None = None


class RuleSetRefPublic(Schema):
    id: str
    version: int
    digest: str = Field(description="SHA-256 of the rule set's file")


class CheckPublic(Schema):
    criterion_id: str
    title: Text | None = Field(
        default=None, description="the criterion's name in the rule set the check cites"
    )
    kind: str
    outcome: str
    basis: str
    rule_set: RuleSetRefPublic
    inputs: dict[str, Any]
    values: dict[str, Any]
    threshold: str
    explanation: dict[str, str]
    checked_by: str
    checked_at: str
    justification: str | None = None
    evidence: list[str] = Field(default_factory=list)


class VisitPublic(Schema):
    team_id: str
    due_on: date
    state: Literal["ordered", "reported"]
    visited_on: date | None = None
    findings: str | None = None
    recommendation: str | None = None
    discrepancies: dict[str, dict[str, Any]] | None = Field(
        default=None, description="per year, each figure as declared and as verified"
    )


class ComplaintPublic(Schema):
    state: Literal["open", "resolved"]
    text: str
    filed_by: str | None = Field(
        description="who complained: shown to the province reviewer, the council secretary and"
        " the auditor only"
    )
    resolution: str | None = None
    upheld: bool | None = None


class DecisionPublic(Schema):
    session_id: str
    outcome: str
    tally: dict[str, int]
    decision_number: str | None
    decision_date: date


class RecommendationPublic(Schema):
    """The council's advice (it does not decide): recommended or not, with the tally."""

    session_id: str
    recommendation: Literal["recommended", "not_recommended"]
    tally: dict[str, int]


class PrizePublic(Schema):
    """An award's prize: coefficient × the base salary on the decision date, rounded up to
    ten thousand đồng, with both bases (docs/spec.md §12)."""

    amount_vnd: int
    coefficient: str
    base_salary_vnd: int
    basis: str
    salary_basis: str


class AwardDecisionPublic(Schema):
    """The competent chairman's decision on the submission that held this dossier."""

    submission_id: str
    awarded: bool
    reason: str
    number: str
    date: date
    authority: str
    signer_title: str
    signs_as: str
    prize: PrizePublic | None = None


class RevocationPublic(Schema):
    reason: str
    decision_number: str


class EvidenceEntry(Schema):
    filename: str
    media_type: str
    size: int


class OverridePublic(Schema):
    """A province reviewer's reasoned override of a ``not_met`` check."""

    reason: str
    by: str | None = Field(default=None, description="who made it (username)")
    by_name: str | None = Field(default=None, description="their name, as their account gives it")
    role: str | None = Field(default=None, description="the role they made it in")
    at: datetime | None = Field(default=None, description="when it was recorded")


class ReviewPublic(Schema):
    """A district or province review: the reviewer's recommendation and comment."""

    stage: Literal["district_review", "province_review"]
    decision: Literal["approve", "return", "reject"]
    comment: str
    by: str
    by_name: str | None
    at: datetime


class SummedPart(FiguresPublic):
    """One predecessor's official figures, as summed into a merged unit's year."""

    unit_code: str
    name: str


class DossierHeading(Schema):
    """Who is nominated, for which form, in which cycle: the head of every dossier view."""

    unit_code: str
    unit_name: str
    unit_kind: str
    district_code: str | None
    award_form: str
    cycle_year: int


class NominationPublic(DossierHeading):
    id: str
    person: PersonPublic | None = Field(
        default=None,
        description="a person nominated in their own right, for the roles whose work needs"
        " their data (docs/spec.md §14); others see the person's code only",
    )
    representative: PersonPublic | None = Field(
        default=None, description="a household's representative, for the same roles"
    )
    evaluation_years: list[int]
    rule_set: RuleSetRefPublic
    stage: str
    outcome: str | None
    due_at: date | None
    version: int
    statistics: dict[str, FiguresPublic] = Field(description="by year, as declared")
    verified_statistics: dict[str, FiguresPublic] = Field(description="by year, as inspected")
    official_statistics: dict[str, FiguresPublic] = Field(
        description="by year, from the register of the poverty review, as the checks used them"
    )
    official_differences: dict[str, dict[str, Any]] = Field(
        description="per year, each figure as declared and as official, where they differ"
    )
    deciding_authority: Text | None = Field(
        default=None,
        description="who decides the award: the authority in force on the decision date, or"
        " today while undecided",
    )
    summed_from: dict[str, list[SummedPart]] = Field(
        description="per year before the unit existed, the predecessors its figures sum"
    )
    checks: list[CheckPublic]
    check_history: list[CheckPublic]
    overrides: dict[str, OverridePublic]
    reviews: list[ReviewPublic] = Field(description="each review, in order, with its comment")
    working_days_left: WorkingDaysLeft = None
    evidence: dict[str, EvidenceEntry] = Field(description="by SHA-256")
    achievement_report: str | None
    visits: dict[str, VisitPublic]
    complaints: dict[str, ComplaintPublic]
    agenda_session_id: str | None
    decision: DecisionPublic | None
    recommendation: RecommendationPublic | None = None
    award_decision: AwardDecisionPublic | None = None
    decided_under: str | None = Field(
        default=None,
        description="how a decided dossier was decided: authority_decision (the chairman, on a"
        " submission) or former_council_vote (the council's vote, before the decision chain,"
        " kept as it was recorded)",
    )
    revocation: RevocationPublic | None
    recovery: RecoveryPublic | None = Field(
        default=None, description="a revoked award's prize being recovered, or recovered"
    )
    requested_changes: str | None
    missed_deadlines: list[str]
    chain_head: str
    created_on: datetime
    modified_on: datetime


class BoardEntry(DossierHeading):
    nomination_id: str
    stage: str
    outcome: str | None
    due_on: str | None
    opened_at: str
    updated_at: str
    decided_on: str | None = None


class BoardRow(BoardEntry):
    overdue: bool
    working_days_left: WorkingDaysLeft = None
    deciding_authority: Text | None = Field(
        default=None, description="in force on the decision date, or today while undecided"
    )


class BoardThen(BoardEntry):
    """A row of the board as it stood at a past moment, with the version it had then."""

    version: int


class TaskPublic(Schema):
    kind: Literal["visit", "review"]
    id: str
    nomination_id: str
    unit_code: str
    stage: str
    due_on: str | None
    state: str
    claimed_by: str | None
    overdue: bool
    working_days_left: WorkingDaysLeft = None


class EvidencePublic(Schema):
    sha256: str
    filename: str
    media_type: str
    size: int
    stored: bool = Field(description="false when the same bytes were already stored")


class PreviewCheck(Schema):
    criterion_id: str
    title: Text | None = Field(default=None, description="the criterion's name")
    kind: str
    outcome: str
    explanation: Text
