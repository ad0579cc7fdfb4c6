"""The InspectionVisit aggregate: a team's task to verify a nomination on site."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import event

from domain.access import require_grant
from domain.chain import ChainedAggregate
from domain.context import Role, current_context
from domain.errors import InvalidInput, StageTransitionError, VisitNotFound
from domain.text import free_text

RECOMMENDATIONS = ("confirm", "discrepancy")


class VisitState(StrEnum):
    ORDERED = "ordered"
    CLAIMED = "claimed"
    REPORTED = "reported"


def visit_id(nomination_id: UUID | str, round_no: int, ordinal: int) -> UUID:
    """Deterministic, so a retried order collides with the visit it already made."""
    return uuid5(NAMESPACE_URL, f"/visits/{nomination_id}/{round_no}/{ordinal}")


class InspectionVisit(ChainedAggregate):
    @staticmethod
    def create_id(nomination_id: str, round_no: int, ordinal: int) -> UUID:
        return visit_id(nomination_id, round_no, ordinal)

    @classmethod
    def order(
        cls,
        nomination_id: UUID,
        round_no: int,
        ordinal: int,
        unit_code: str,
        team_id: str,
        due_on: date,
    ) -> InspectionVisit:
        require_grant("order an inspection visit", Role.PROVINCE_REVIEWER)
        return cls(
            nomination_id=str(nomination_id),
            round_no=round_no,
            ordinal=ordinal,
            unit_code=unit_code,
            team_id=team_id,
            due_on=due_on,
        )

    class Ordered(ChainedAggregate.Created):
        nomination_id: str
        round_no: int
        ordinal: int
        unit_code: str
        team_id: str
        due_on: date

    @event(Ordered)
    def __init__(
        self,
        nomination_id: str,
        round_no: int,
        ordinal: int,
        unit_code: str,
        team_id: str,
        due_on: date,
    ) -> None:
        self.nomination_id = nomination_id
        self.round_no = round_no
        self.ordinal = ordinal
        self.unit_code = unit_code
        self.team_id = team_id
        self.due_on = due_on
        self.state_name = VisitState.ORDERED.value
        self.claimed_by: str | None = None
        self.overdue = False
        self.escalated = False
        self.reminders = 0
        self.report: dict[str, Any] | None = None

    @property
    def state(self) -> VisitState:
        return VisitState(self.state_name)

    def _require_team_member(self, action: str) -> None:
        team = self.team_id
        teams = current_context().actor.scopes_for(Role.INSPECTOR)
        if teams and None not in teams and team not in teams:
            raise VisitNotFound(self.id)  # another team's visit: scope as absence
        require_grant(action, Role.INSPECTOR, lambda scope: scope == team)

    def _require_open(self, action: str) -> None:
        if self.state is VisitState.REPORTED:
            raise StageTransitionError(
                f"cannot {action}: the visit is already reported", visit_id=str(self.id)
            )

    def claim(self) -> None:
        self._require_team_member("claim this visit")
        self._require_open("claim it")
        me = current_context().actor.account_id
        if self.claimed_by == me:
            return
        if self.claimed_by is not None:
            raise StageTransitionError(
                f"the visit is claimed by {self.claimed_by}", visit_id=str(self.id)
            )
        self._claimed(inspector_id=me)

    class Claimed(ChainedAggregate.Event):
        inspector_id: str

    @event(Claimed)
    def _claimed(self, inspector_id: str) -> None:
        self.claimed_by = inspector_id
        self.state_name = VisitState.CLAIMED.value

    def file_report(
        self,
        visited_on: date,
        findings: str,
        recommendation: str,
        verified_years: list[int],
    ) -> None:
        self._require_team_member("file this visit report")
        self._require_open("file a report")
        if recommendation not in RECOMMENDATIONS:
            raise InvalidInput("recommendation", f"must be one of {', '.join(RECOMMENDATIONS)}")
        if visited_on > current_context().today:
            raise InvalidInput("visited_on", "must not be in the future")
        findings = free_text("findings", findings or "")
        if not findings.strip():
            raise InvalidInput("findings", "is required")
        self._report_filed(
            visited_on=visited_on,
            findings=findings.strip(),
            recommendation=recommendation,
            verified_years=sorted(verified_years),
        )

    class ReportFiled(ChainedAggregate.Event):
        visited_on: date
        findings: str
        recommendation: str
        verified_years: list[int]

    @event(ReportFiled)
    def _report_filed(
        self, visited_on: date, findings: str, recommendation: str, verified_years: list[int]
    ) -> None:
        self.state_name = VisitState.REPORTED.value
        self.report = {
            "visited_on": visited_on.isoformat(),
            "findings": findings,
            "recommendation": recommendation,
            "verified_years": verified_years,
        }

    def mark_overdue(self) -> bool:
        require_grant("mark a visit overdue", Role.SYSTEM)
        if self.state is VisitState.REPORTED or self.overdue:
            return False
        if current_context().today <= self.due_on:
            raise InvalidInput("due_on", f"{self.due_on.isoformat()} has not passed yet")
        self._became_overdue(due_on=self.due_on)
        return True

    class BecameOverdue(ChainedAggregate.Event):
        due_on: date

    @event(BecameOverdue)
    def _became_overdue(self, due_on: date) -> None:
        self.overdue = True

    def record_reminder(self, recipients: list[str], message: str) -> bool:
        require_grant("record a reminder", Role.SYSTEM)
        if self.state is VisitState.REPORTED:
            return False
        self._reminder_sent(recipients=sorted(recipients), message=message)
        return True

    class ReminderSent(ChainedAggregate.Event):
        recipients: list[str]
        message: str

    @event(ReminderSent)
    def _reminder_sent(self, recipients: list[str], message: str) -> None:
        self.reminders += 1

    def escalate(self, to: str, reason: str) -> bool:
        require_grant("escalate a visit", Role.SYSTEM)
        if self.state is VisitState.REPORTED or self.escalated:
            return False
        self._escalated(to=to, reason=reason)
        return True

    class Escalated(ChainedAggregate.Event):
        to: str
        reason: str

    @event(Escalated)
    def _escalated(self, to: str, reason: str) -> None:
        self.escalated = True
