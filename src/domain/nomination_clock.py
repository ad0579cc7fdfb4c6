"""What the clock records on a dossier: a deadline missed, a reminder sent, an escalation
(docs/spec.md §6), each once per stage and due date. Their events stay on the Nomination,
whose stored topics they are."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from domain.access import require_grant
from domain.context import Role, current_context
from domain.errors import InvalidInput
from domain.nomination_reading import DossierReading
from domain.stages import Stage
from domain.text import bounded_text


class ClockRecords(DossierReading):
    """Mixed into the Nomination: the clock's records."""

    due_on: date | None
    missed_deadlines: list[str]

    if TYPE_CHECKING:  # the Nomination's

        def _deadline_missed(self, stage: str, due_on: date) -> None: ...

        def _escalated(self, stage: str, to: str, reason: str) -> None: ...

        def _reminder_sent(self, stage: str, recipients: list[str], message: str) -> None: ...

    def mark_deadline_missed(self, stage: Stage, due_on: date) -> bool:
        """Records a missed deadline only while that stage, with that due date, is still open."""
        require_grant("record a missed deadline", Role.SYSTEM)
        key = f"{stage.value}:{due_on.isoformat()}"
        if self.stage is not stage or self.due_on != due_on or key in self.missed_deadlines:
            return False
        if current_context().today <= due_on:
            raise InvalidInput("due_on", f"{due_on.isoformat()} has not passed yet")
        self._deadline_missed(stage=stage.value, due_on=due_on)
        return True

    def record_reminder(self, stage: Stage, recipients: list[str], message: str) -> bool:
        require_grant("record a reminder", Role.SYSTEM)
        if self.stage is not stage:
            return False
        self._reminder_sent(stage=stage.value, recipients=sorted(recipients), message=message)
        return True

    def escalate(self, stage: Stage, to: str, reason: str) -> bool:
        require_grant("record an escalation", Role.SYSTEM)
        if self.stage is not stage:
            return False
        self._escalated(
            stage=stage.value, to=bounded_text("to", to), reason=bounded_text("reason", reason)
        )
        return True
