"""One model per workflow, signal, update and activity payload (pydantic converter)."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict


class Payload(BaseModel):
    model_config = ConfigDict(frozen=True)


class NominationClockInput(Payload):
    nomination_id: str
    id_prefix: str = ""


class StageChanged(Payload):
    """The relay's news of a committed nomination event that moves or nudges the clock."""

    event_id: str
    version: int
    stage: str
    due_on: date | None = None


class VisitOrdered(Payload):
    event_id: str
    visit_id: str
    team_id: str
    due_on: date


class VisitReported(Payload):
    event_id: str
    visit_id: str


class VisitClockInput(Payload):
    visit_id: str
    nomination_id: str
    team_id: str
    due_on: date


class SessionClockInput(Payload):
    session_id: str


class SessionOpened(Payload):
    event_id: str
    closes_at: datetime


class SessionClosed(Payload):
    event_id: str


class ReminderAsked(Payload):
    """The secretary asked for a reminder now (the store's ReminderRequested)."""

    event_id: str


class MoveClosingDeadline(Payload):
    closes_at: datetime
    by: str


class AlarmPlan(Payload):
    at: datetime
    kind: str
    ordinal: int = 0
    escalate_to: str | None = None


class PlanStage(Payload):
    stage: str
    due_on: date | None
    today: date | None = None  # the clock's business date, to find a reorganisation ahead


class PlanVisit(Payload):
    due_on: date


class ClockStep(Payload):
    """One thing the clock does to one aggregate; ``command_id`` makes it happen once."""

    aggregate_id: str
    command_id: str
    correlation_id: str
    today: date
    kind: str
    stage: str | None = None
    due_on: date | None = None
    escalate_to: str | None = None
    closes_at: datetime | None = None


class ClockResult(Payload):
    recorded: bool
    detail: str = ""


class RecoveryInput(Payload):
    """A revoked award's prize to recover: the recovery is named by its nomination."""

    nomination_id: str
    due_on: date


class SubmissionInput(Payload):
    submission_id: str


class ChainNews(Payload):
    """A step of the decision chain, from the store (Submission.Prepared or .Decided)."""

    event_id: str
