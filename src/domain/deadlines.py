"""Due dates of stages in working days, from the rule set, the cycle and the calendar."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from domain.calendar import WorkingCalendar
from domain.criteria.ruleset import Deadlines
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
