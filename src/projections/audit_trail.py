"""The audit trail: one append-only row per criterion check and per other step of a case.

Every event's digest is kept too, so verification can compare the store with an
independent copy and notice a changed event even when nothing follows it.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from eventsourcing.domain import DomainEventProtocol
from eventsourcing.persistence import Tracking
from eventsourcing.projection import Projection
from eventsourcing.utils import get_topic

from domain.accounts import Account, Roster
from domain.chain import digest_of, occurred_at
from domain.council import CouncilSession
from domain.councils import Council
from domain.cycles import Cycle
from domain.figures import OfficialFigures
from domain.holds import CommendationHolds
from domain.inspection import InspectionVisit
from domain.nomination import Nomination
from domain.recovery import PrizeRecovery
from domain.registers import NumberRegister
from domain.submission import Submission
from domain.units import UnitCatalogue
from projections.audit_trail_view import AuditTrailView, as_json

CONTEXT = (
    "originator_id",
    "originator_version",
    "timestamp",
    "prev_hash",
    "actor_id",
    "actor_role",
    "correlation_id",
    "command_id",
    "originator_topic",
)

KINDS: dict[type[Any], str] = {
    Nomination.Opened: "opened",
    Nomination.StatisticsRecorded: "statistics",
    Nomination.OfficialFiguresDiffer: "statistics",
    Nomination.FiguresSummed: "statistics",
    Nomination.EvidenceAttached: "evidence",
    Nomination.AchievementReportWritten: "report",
    Nomination.Submitted: "stage_change",
    Nomination.Withdrawn: "stage_change",
    Nomination.CriterionChecked: "check",
    Nomination.CheckOverridden: "override",
    Nomination.DistrictReviewCompleted: "review",
    Nomination.ProvinceReviewCompleted: "review",
    Nomination.InspectionOrdered: "inspection",
    Nomination.InspectionReported: "inspection",
    Nomination.DiscrepancyRecorded: "inspection",
    Nomination.ComplaintFiled: "complaint",
    Nomination.ComplaintResolved: "complaint",
    Nomination.PublicNoticeEnded: "stage_change",
    Nomination.StageCutOver: "stage_change",
    Nomination.PlacedOnAgenda: "council",
    Nomination.CouncilDecided: "decision",
    Nomination.CouncilRecommended: "council",
    Nomination.AwardDecided: "decision",
    Nomination.CouncilDeferred: "council",
    Nomination.Revoked: "revocation",
    Nomination.DeadlineMissed: "deadline",
    Nomination.ReminderSent: "reminder",
    Nomination.Escalated: "escalation",
    CouncilSession.Scheduled: "council",
    CouncilSession.ItemAdded: "council",
    CouncilSession.SessionOpened: "council",
    CouncilSession.BallotCast: "vote",
    CouncilSession.BallotSealed: "vote",
    CouncilSession.MemberRecused: "vote",
    CouncilSession.WrittenVoteDeclared: "vote",
    CouncilSession.SessionClosed: "council",
    CouncilSession.ClosingDeadlineSet: "council",
    CouncilSession.SignedDecisionAttached: "evidence",
    CouncilSession.ReminderSent: "reminder",
    CouncilSession.ReminderRequested: "reminder",
    CommendationHolds.Started: "hold",
    CommendationHolds.Placed: "hold",
    CommendationHolds.Cleared: "hold",
    PrizeRecovery.Opened: "revocation",
    PrizeRecovery.Recovered: "revocation",
    PrizeRecovery.Chased: "deadline",
    InspectionVisit.Ordered: "inspection",
    InspectionVisit.Claimed: "inspection",
    InspectionVisit.ReportFiled: "inspection",
    InspectionVisit.BecameOverdue: "deadline",
    InspectionVisit.ReminderSent: "reminder",
    InspectionVisit.Escalated: "escalation",
    Account.Registered: "account",
    Account.GrantsChanged: "account",
    Account.PasswordChanged: "account",
    Account.Deactivated: "account",
    Account.Reactivated: "account",
    Account.SignedOut: "account",
    Roster.Started: "account",
    Roster.Enrolled: "account",
    UnitCatalogue.Started: "unit",
    UnitCatalogue.UnitRegistered: "unit",
    Cycle.Configured: "cycle",
    Cycle.Reconfigured: "cycle",
    OfficialFigures.Recorded: "figures",
    OfficialFigures.Corrected: "figures",
    Submission.Prepared: "submission",
    Submission.Decided: "decision",
    NumberRegister.Opened: "register",
    NumberRegister.NumberGiven: "register",
    NumberRegister.NumberRecorded: "register",
    Council.Constituted: "council",
    Council.Recomposed: "council",
}

ALL_TOPICS = tuple(sorted(get_topic(cls) for cls in KINDS))


class AuditTrailProjection(Projection[AuditTrailView]):
    name = "audit_trail"
    topics = ALL_TOPICS

    def process_event(self, domain_event: Any, tracking: Tracking) -> None:
        event: DomainEventProtocol[UUID] = domain_event
        state = vars(event)
        aggregate_id = str(event.originator_id)
        position = tracking.notification_id
        self.view.record_digest(position, aggregate_id, event.originator_version, digest_of(event))
        cls = type(event)
        kind = KINDS.get(cls)
        if kind is None:
            return
        owner = cls.__qualname__.split(".")[0]
        nomination = self._nomination_of(owner, aggregate_id, state)
        case = self.view.case(nomination) if nomination else None
        base: dict[str, Any] = {
            "position": position,
            "item": 0,
            "aggregate_id": aggregate_id,
            "aggregate_type": owner,
            "version": event.originator_version,
            "event_type": cls.__name__,
            "kind": kind,
            "nomination_id": nomination,
            "unit_code": case[0] if case else None,
            "district_code": case[1] if case else None,
            "cycle_year": case[2] if case else None,
            "stage": case[3] if case else None,
            "actor_id": state.get("actor_id"),
            "actor_role": state.get("actor_role"),
            "correlation_id": state.get("correlation_id"),
            "occurred_at": occurred_at(event).isoformat(),
        }
        payload = {k: v for k, v in state.items() if k not in CONTEXT and not k.startswith("_")}
        if kind == "check":
            self.view.append(
                {**base, **_check_columns(payload["check"]), "stage": payload["stage"]}
            )
        elif cls is CouncilSession.SessionClosed:
            for item, (nid, result) in enumerate(sorted(payload["results"].items()), start=1):
                item_case = self.view.case(nid)
                self.view.append(
                    {
                        **base,
                        "item": item,
                        "nomination_id": nid,
                        "unit_code": item_case[0] if item_case else None,
                        "district_code": item_case[1] if item_case else None,
                        "cycle_year": item_case[2] if item_case else None,
                        "stage": item_case[3] if item_case else None,
                        "outcome": result["outcome"],
                        "reason": result.get("reason"),
                        "details": as_json(result),
                    }
                )
        else:
            if cls in (CouncilSession.BallotCast, CouncilSession.BallotSealed):
                payload = {"member_id": payload["member_id"]}  # the choice stays secret
            payload.pop("password_hash", None)
            decided = payload.get("decision")
            if isinstance(decided, dict):  # an award decision: its outcome and reason inside
                awarded = decided.get("awarded")
                decided = "approved" if awarded else "not_approved"
            self.view.append(
                {
                    **base,
                    "criterion_id": payload.get("criterion_id"),
                    "outcome": decided or payload.get("outcome") or payload.get("recommendation"),
                    "reason": payload.get("reason")
                    or payload.get("comment")
                    or (payload.get("decision") or {}).get("reason")
                    if isinstance(payload.get("decision"), dict)
                    else payload.get("reason") or payload.get("comment"),
                    "details": as_json(payload),
                }
            )
        if cls is Nomination.ComplaintFiled:
            self.view.link(payload["complaint_id"], aggregate_id)
        if owner == "Nomination" and "to_stage" in payload:
            self.view.move_case(aggregate_id, payload["to_stage"])

    def _nomination_of(self, owner: str, aggregate_id: str, state: dict[str, Any]) -> str | None:
        if owner == "Nomination":
            if "originator_topic" in state:
                self.view.add_case(
                    aggregate_id, state["nominee"], state["cycle_year"], state["award_form"]
                )
            return aggregate_id
        if owner in ("InspectionVisit", "PrizeRecovery"):
            if "nomination_id" in state and "originator_topic" in state:
                self.view.link(aggregate_id, state["nomination_id"])
            return self.view.linked_nomination(aggregate_id)
        if owner == "CouncilSession" and "nomination_id" in state:
            return str(state["nomination_id"])
        return None


def _check_columns(check: dict[str, Any]) -> dict[str, Any]:
    rule_set = check["rule_set"]
    return {
        "criterion_id": check["criterion_id"],
        "outcome": check["outcome"],
        "basis": check["basis"],
        "rule_set_id": rule_set["id"],
        "rule_set_version": rule_set["version"],
        "rule_set_digest": rule_set["digest"],
        "inputs": as_json(check["inputs"]),
        "check_values": as_json(check["values"]),
        "threshold": check["threshold"],
        "explanation_vi": check["explanation"]["vi"],
        "explanation_en": check["explanation"]["en"],
        "checked_by": check["checked_by"],
        "reason": check.get("justification"),
        "details": as_json({"kind": check["kind"], "evidence": check.get("evidence", [])}),
    }
