"""The Nomination aggregate: a unit's dossier for an award, from collection to decision.

Public methods guard and decide; private ``@event`` methods only record. State holds
JSON-ready values (str keys, lists, dicts) so snapshots round-trip unchanged.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import event

from domain.chain import ChainedAggregate
from domain.criteria.ruleset import RuleSet
from domain.dossier import Complaint, CouncilDecision, ReviewDecision, Revocation, Visit
from domain.nomination_clock import ClockRecords
from domain.nomination_collecting import CollectingSteps, require_may_open
from domain.nomination_council import CouncilSteps
from domain.nomination_inspection import InspectionSteps
from domain.nomination_notice import PublicNoticeSteps
from domain.nomination_reviews import ReviewCompleted, ReviewSteps
from domain.nomination_upcasts import SnapshotUpcasts
from domain.stages import Stage
from domain.units import Nominee


def nomination_id(unit_code: str, award_form: str, cycle_year: int) -> UUID:
    """One nomination per unit, award form and cycle."""
    return uuid5(NAMESPACE_URL, f"/nominations/{unit_code}/{award_form}/{cycle_year}")


class Nomination(
    CollectingSteps,
    ReviewSteps,
    InspectionSteps,
    PublicNoticeSteps,
    CouncilSteps,
    ClockRecords,
    SnapshotUpcasts,
    ChainedAggregate,
):
    # Version 2 holds its dossier parts as values (domain.dossier); version 1 held dicts.
    # Version 3 keeps the official figures and how the declared ones differ from them.
    # Version 4 keeps each review, and who made each override and when.
    class_version = 4

    @staticmethod
    def create_id(nominee: dict[str, Any], award_form: str, cycle_year: int) -> UUID:
        return nomination_id(nominee["code"], award_form, cycle_year)

    # --- opening ----------------------------------------------------------------------

    @classmethod
    def open(
        cls,
        nominee: Nominee,
        award_form: str,
        cycle_year: int,
        evaluation_years: tuple[int, int],
        rule_set: RuleSet,
        due_on: date,
    ) -> Nomination:
        require_may_open(nominee, award_form, cycle_year, evaluation_years, rule_set)
        return cls(
            nominee=nominee.to_dict(),
            award_form=award_form,
            cycle_year=cycle_year,
            evaluation_years=list(evaluation_years),
            rule_set=rule_set.ref.to_dict(),
            due_on=due_on,
        )

    class Opened(ChainedAggregate.Created):
        nominee: dict[str, Any]
        award_form: str
        cycle_year: int
        evaluation_years: list[int]
        rule_set: dict[str, Any]
        due_on: date

    @event(Opened)
    def __init__(
        self,
        nominee: dict[str, Any],
        award_form: str,
        cycle_year: int,
        evaluation_years: list[int],
        rule_set: dict[str, Any],
        due_on: date,
    ) -> None:
        self.nominee = nominee
        self.award_form = award_form
        self.cycle_year = cycle_year
        self.evaluation_years = list(evaluation_years)
        self.rule_set = rule_set
        self.stage_name = Stage.COLLECTING.value
        self.due_on: date | None = due_on
        self._begin_dossier()

    # --- collecting -------------------------------------------------------------------

    class StatisticsRecorded(ChainedAggregate.Event):
        """Version 2 names the basis of the figures; version 1 held declared ones only."""

        class_version = 2
        year: int
        statistics: dict[str, Any]
        basis: str

        @classmethod
        def upcast_v1_v2(cls, state: dict[str, Any]) -> None:
            # The chain still links: a loaded event is hashed as stored, before this runs.
            state["basis"] = "declared"

    @event(StatisticsRecorded)
    def _statistics_recorded(self, year: int, statistics: dict[str, Any], basis: str) -> None:
        target = {
            "declared": self.statistics,
            "official": self.official_statistics,
        }.get(basis, self.verified_statistics)
        target[str(year)] = statistics

    class EvidenceAttached(ChainedAggregate.Event):
        sha256: str
        filename: str
        media_type: str
        size: int

    @event(EvidenceAttached)
    def _evidence_attached(self, sha256: str, filename: str, media_type: str, size: int) -> None:
        self.evidence[sha256] = {"filename": filename, "media_type": media_type, "size": size}

    class AchievementReportWritten(ChainedAggregate.Event):
        text: str

    @event(AchievementReportWritten)
    def _achievement_report_written(self, text: str) -> None:
        self.achievement_report = text

    class FiguresSummed(ChainedAggregate.Event):
        """A year before the unit existed: its figures are its predecessors' summed."""

        year: int
        parts: list[dict[str, Any]]

    @event(FiguresSummed)
    def _figures_summed(self, year: int, parts: list[dict[str, Any]]) -> None:
        self.summed_from[str(year)] = parts

    class OfficialFiguresDiffer(ChainedAggregate.Event):
        """Per year, each figure as the officer declared it and as the register has it."""

        differences: dict[str, Any]

    @event(OfficialFiguresDiffer)
    def _official_figures_differ(self, differences: dict[str, Any]) -> None:
        self.official_differences = differences

    class Submitted(ChainedAggregate.Event):
        round: int
        to_stage: str
        due_on: date | None

    @event(Submitted)
    def _submitted(self, round: int, to_stage: str, due_on: date | None) -> None:
        self.round = round
        self.requested_changes = None
        self._enter(to_stage, due_on)

    class Withdrawn(ChainedAggregate.Event):
        reason: str

    @event(Withdrawn)
    def _withdrawn(self, reason: str) -> None:
        self.outcome = "withdrawn"
        self._enter(Stage.CLOSED.value, None)

    # --- checks -----------------------------------------------------------------------

    class CriterionChecked(ChainedAggregate.Event):
        check: dict[str, Any]
        stage: str

    @event(CriterionChecked)
    def _criterion_checked(self, check: dict[str, Any], stage: str) -> None:
        self.checks.append(check)
        # An override answers the check it was made against; a check that takes its place
        # needs a new one. A declared check that does not take its place leaves it.
        current = self.effective_checks().get(check["criterion_id"])
        if current is not None and current.to_dict() == check:
            self.overrides.pop(check["criterion_id"], None)

    class CheckOverridden(ChainedAggregate.Event):
        criterion_id: str
        reason: str

        def apply(self, aggregate: Any) -> None:
            super().apply(aggregate)
            aggregate.overrides[self.criterion_id].update(self._made())

    @event(CheckOverridden)
    def _check_overridden(self, criterion_id: str, reason: str) -> None:
        self.overrides[criterion_id] = {"reason": reason}

    # --- reviews ----------------------------------------------------------------------

    class DistrictReviewCompleted(ReviewCompleted):
        review = Stage.DISTRICT_REVIEW

    @event(DistrictReviewCompleted)
    def _district_review_completed(
        self, decision: str, comment: str, to_stage: str, due_on: date | None
    ) -> None:
        self._after_review(decision, comment, to_stage, due_on)

    class ProvinceReviewCompleted(ReviewCompleted):
        review = Stage.PROVINCE_REVIEW

    @event(ProvinceReviewCompleted)
    def _province_review_completed(
        self, decision: str, comment: str, to_stage: str, due_on: date | None
    ) -> None:
        self._after_review(decision, comment, to_stage, due_on)

    def keep_review(self, stage: Stage, review: Any) -> None:
        """Applying a review: its decision and comment, by whom and when, for the dossier."""
        made = review._made()
        self.reviews.append(
            {
                "stage": stage.value,
                "decision": review.decision,
                "comment": review.comment,
                "by": made["by"],
                "at": made["at"],
            }
        )

    def _after_review(
        self, decision: str, comment: str, to_stage: str, due_on: date | None
    ) -> None:
        if decision == ReviewDecision.RETURN:
            self.requested_changes = comment
        if decision == ReviewDecision.REJECT:
            self.outcome = "rejected"
        self._enter(to_stage, due_on)

    def _enter(self, to_stage: str, due_on: date | None) -> None:
        self.stage_name = to_stage
        self.due_on = due_on

    # --- reorganisations ----------------------------------------------------------------

    class StageCutOver(ChainedAggregate.Event):
        """The stage ended by law on ``on``; the dossier goes on in the stage replacing it."""

        from_stage: str
        to_stage: str
        on: date
        legal_basis: str
        due_on: date | None

    @event(StageCutOver)
    def _stage_cut_over(
        self, from_stage: str, to_stage: str, on: date, legal_basis: str, due_on: date | None
    ) -> None:
        if to_stage == Stage.CLOSED.value:
            self.outcome = "authority_ceased"
        self._enter(to_stage, due_on)

    # --- inspection -------------------------------------------------------------------

    class InspectionOrdered(ChainedAggregate.Event):
        visit_id: str
        team_id: str
        due_on: date

    @event(InspectionOrdered)
    def _inspection_ordered(self, visit_id: str, team_id: str, due_on: date) -> None:
        self.visits[visit_id] = Visit(team_id, due_on)

    class InspectionReported(ChainedAggregate.Event):
        visit_id: str
        visited_on: date
        findings: str
        recommendation: str

    @event(InspectionReported)
    def _inspection_reported(
        self, visit_id: str, visited_on: date, findings: str, recommendation: str
    ) -> None:
        self.visits[visit_id] = self.visits[visit_id].reported(visited_on, findings, recommendation)

    class DiscrepancyRecorded(ChainedAggregate.Event):
        visit_id: str
        differences: dict[str, Any]

    @event(DiscrepancyRecorded)
    def _discrepancy_recorded(self, visit_id: str, differences: dict[str, Any]) -> None:
        self.visits[visit_id] = self.visits[visit_id].with_discrepancies(differences)

    # --- public notice and complaints ---------------------------------------------------

    class ComplaintFiled(ChainedAggregate.Event):
        complaint_id: str
        text: str
        filed_by: str

    @event(ComplaintFiled)
    def _complaint_filed(self, complaint_id: str, text: str, filed_by: str) -> None:
        self.complaints[complaint_id] = Complaint(text, filed_by)

    class ComplaintResolved(ChainedAggregate.Event):
        complaint_id: str
        resolution: str
        upheld: bool

    @event(ComplaintResolved)
    def _complaint_resolved(self, complaint_id: str, resolution: str, upheld: bool) -> None:
        self.complaints[complaint_id] = self.complaints[complaint_id].resolved(resolution, upheld)

    class PublicNoticeEnded(ChainedAggregate.Event):
        to_stage: str

    @event(PublicNoticeEnded)
    def _public_notice_ended(self, to_stage: str) -> None:
        self._enter(to_stage, None)

    # --- council ----------------------------------------------------------------------

    class PlacedOnAgenda(ChainedAggregate.Event):
        session_id: str

    @event(PlacedOnAgenda)
    def _placed_on_agenda(self, session_id: str) -> None:
        self.agenda_session_id = session_id

    class CouncilDecided(ChainedAggregate.Event):
        session_id: str
        outcome: str
        tally: dict[str, int]
        decision_number: str | None
        decision_date: date
        to_stage: str

    @event(CouncilDecided)
    def _council_decided(
        self,
        session_id: str,
        outcome: str,
        tally: dict[str, int],
        decision_number: str | None,
        decision_date: date,
        to_stage: str,
    ) -> None:
        self.outcome = outcome
        self.agenda_session_id = None
        self.decision = CouncilDecision(session_id, outcome, tally, decision_number, decision_date)
        self._enter(to_stage, None)

    class CouncilDeferred(ChainedAggregate.Event):
        session_id: str
        reason: str

    @event(CouncilDeferred)
    def _council_deferred(self, session_id: str, reason: str) -> None:
        self.agenda_session_id = None

    class Revoked(ChainedAggregate.Event):
        reason: str
        decision_number: str

    @event(Revoked)
    def _revoked(self, reason: str, decision_number: str) -> None:
        self.outcome = "revoked"
        self.revocation = Revocation(reason, decision_number)

    # --- the decision chain (docs/spec.md §12) ---------------------------------------

    class CouncilRecommended(ChainedAggregate.Event):
        session_id: str
        recommendation: str
        tally: dict[str, int]
        to_stage: str

    @event(CouncilRecommended)
    def _council_recommended(
        self, session_id: str, recommendation: str, tally: dict[str, int], to_stage: str
    ) -> None:
        self.agenda_session_id = None
        self.recommendation = {"session_id": session_id, "recommendation": recommendation}
        self.recommendation["tally"] = dict(tally)
        self.outcome = None if recommendation == "recommended" else recommendation
        self._enter(to_stage, None)

    class AwardDecided(ChainedAggregate.Event):
        decision: dict[str, Any]  # submission, awarded, reason, number, date, authority, signer
        to_stage: str

    @event(AwardDecided)
    def _award_decided(self, decision: dict[str, Any], to_stage: str) -> None:
        self.outcome = "approved" if decision["awarded"] else "not_approved"
        session_id, tally = self.recommended_by()
        on = date.fromisoformat(decision["date"])
        self.decision = CouncilDecision(session_id, self.outcome, tally, decision["number"], on)
        self.award_decision = dict(decision)
        self._enter(to_stage, None)

    # --- the clock's records -----------------------------------------------------------

    class DeadlineMissed(ChainedAggregate.Event):
        stage: str
        due_on: date

    @event(DeadlineMissed)
    def _deadline_missed(self, stage: str, due_on: date) -> None:
        self.missed_deadlines.append(f"{stage}:{due_on.isoformat()}")

    class ReminderSent(ChainedAggregate.Event):
        stage: str
        recipients: list[str]
        message: str

    @event(ReminderSent)
    def _reminder_sent(self, stage: str, recipients: list[str], message: str) -> None:
        pass

    class Escalated(ChainedAggregate.Event):
        stage: str
        to: str
        reason: str

    @event(Escalated)
    def _escalated(self, stage: str, to: str, reason: str) -> None:
        pass


# The events that move a dossier on from one review stage to the next.
REVIEW_MOVES = (
    Nomination.Submitted,
    Nomination.DistrictReviewCompleted,
    Nomination.ProvinceReviewCompleted,
    Nomination.StageCutOver,
)
