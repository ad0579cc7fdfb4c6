"""Due dates of stages in working days, from the rule set, the cycle and the calendar."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from domain.calendar import VIETNAM, WorkingCalendar
from domain.criteria.schema import Deadlines
from domain.cycles import CycleTerms
from domain.stages import Stage


@dataclass(frozen=True)
class DueDates:
    """Answers "when is this stage due if it starts today?"."""

    calendar: WorkingCalendar
    deadlines: Deadlines
    cycle: CycleTerms
    today: date
    public_notice_days: int

    def for_stage(self, stage: Stage) -> date | None:
        if stage is Stage.COLLECTING:
            # A dossier returned after the cycle closed gets a short window to be corrected.
            if self.today < self.cycle.closes_on:
                return self.cycle.closes_on
            return self.calendar.add_working_days(self.today, self.deadlines.returned_dossier_days)
        if stage is Stage.DISTRICT_REVIEW:
            return self.calendar.add_working_days(self.today, self.deadlines.district_review_days)
        if stage is Stage.PROVINCE_REVIEW:
            return self.calendar.add_working_days(self.today, self.deadlines.province_review_days)
        if stage is Stage.PUBLIC_NOTICE:
            return self.calendar.add_working_days(self.today, self.public_notice_days)
        return None

    def inspection_due(self, requested: date | None) -> date:
        if requested is not None:
            return requested
        return self.calendar.add_working_days(self.today, self.deadlines.inspection_days)


WORKDAY_STARTS = time(8, 0)


@dataclass(frozen=True)
class Alarm:
    """A moment a stage's clock acts: remind, record a missed deadline, escalate, end."""

    at: datetime
    kind: str  # "reminder", "deadline_missed", "escalate", "end_public_notice", "cut_over"
    ordinal: int = 0
    escalate_to: str | None = None


def _morning(day: date) -> datetime:
    return datetime.combine(day, WORKDAY_STARTS, VIETNAM)


def _after(day: date) -> datetime:
    """The first moment past a due date: midnight in Vietnam."""
    return datetime.combine(day + timedelta(days=1), time(0, 0), VIETNAM)


def until_cut_over(alarms: list[Alarm], ends_on: date | None) -> list[Alarm]:
    """A stage a reorganisation ends on ``ends_on``: its alarms before that day, then the
    cut-over at midnight in Vietnam (at once when that day has come)."""
    if ends_on is None:
        return alarms
    at = datetime.combine(ends_on, time(0, 0), VIETNAM)
    return [a for a in alarms if a.at < at] + [Alarm(at, "cut_over")]


def stage_alarms(
    stage: Stage, due_on: date | None, calendar: WorkingCalendar, deadlines: Deadlines
) -> list[Alarm]:
    """docs/spec.md §6: what the clock does for a stage due on ``due_on``, in time order."""
    if due_on is None:
        return []
    alarms: list[Alarm] = []
    if stage is Stage.COLLECTING:
        for i, before in enumerate(sorted(deadlines.collecting_reminders_before, reverse=True)):
            alarms.append(
                Alarm(_morning(calendar.add_working_days(due_on, -before)), "reminder", i + 1)
            )
        alarms.append(Alarm(_after(due_on), "deadline_missed"))
    elif stage in (Stage.DISTRICT_REVIEW, Stage.PROVINCE_REVIEW):
        before = (
            deadlines.district_review_reminder_before
            if stage is Stage.DISTRICT_REVIEW
            else deadlines.province_review_reminder_before
        )
        alarms.append(Alarm(_morning(calendar.add_working_days(due_on, -before)), "reminder", 1))
        alarms.append(Alarm(_after(due_on), "deadline_missed"))
        to = "province" if stage is Stage.DISTRICT_REVIEW else "board_head"
        alarms.append(Alarm(_after(due_on), "escalate", escalate_to=to))
    elif stage is Stage.PUBLIC_NOTICE:
        alarms.append(Alarm(_after(due_on), "end_public_notice"))
    return sorted(alarms, key=lambda a: a.at)


def visit_alarms(
    due_on: date, calendar: WorkingCalendar, deadlines: Deadlines, horizon: int = 20
) -> list[Alarm]:
    """An overdue visit: reminders every N working days, one escalation after M."""
    alarms = [Alarm(_after(due_on), "overdue")]
    every, escalate = deadlines.inspection_reminder_every, deadlines.inspection_escalate_after
    for i, days in enumerate(range(every, horizon + 1, every), start=1):
        alarms.append(Alarm(_morning(calendar.add_working_days(due_on, days)), "reminder", i))
    alarms.append(
        Alarm(
            _morning(calendar.add_working_days(due_on, escalate)),
            "escalate",
            escalate_to="board_head",
        )
    )
    return sorted(alarms, key=lambda a: (a.at, a.kind))
