"""A prize's recovery after its award is revoked (docs/spec.md §12).

Law 06/2022/QH15 art. 93(2): where an award's decision is revoked, the insignia and the prize
money are recovered. The revoking decision sets the time allowed, in working days; the
recovery stays open, with the clock's reminders and an escalation once it is overdue, until
the office records the money returned to the emulation fund with its receipt.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import event

from domain.access import require_grant
from domain.chain import ChainedAggregate
from domain.context import Role, current_context
from domain.errors import InvalidInput, StageTransitionError
from domain.text import bounded_text

BASIS = "Luật Thi đua, khen thưởng số 06/2022/QH15, Điều 93, khoản 2"


SHOWN = (
    "nomination_id",
    "unit_code",
    "amount_vnd",
    "revocation_number",
    "within_working_days",
    "due_on",
    "state",
    "receipt",
    "recovered_on",
)
"""What a recovery shows as it is recorded; the clock's steps are counted beside it."""


class ChaseStep(StrEnum):
    OVERDUE = "overdue"
    REMINDER = "reminder"
    ESCALATION = "escalation"


class RecoveryState(StrEnum):
    OPEN = "open"
    RECOVERED = "recovered"


def recovery_id(nomination_id: UUID | str) -> UUID:
    return uuid5(NAMESPACE_URL, f"/recoveries/{nomination_id}")


class PrizeRecovery(ChainedAggregate):
    """The recovery of one revoked award's prize."""

    @staticmethod
    def create_id(nomination_id: str) -> UUID:
        return recovery_id(nomination_id)

    class Opened(ChainedAggregate.Created):
        nomination_id: str
        unit_code: str
        amount_vnd: int
        revocation_number: str
        within_working_days: int
        due_on: date

    @event(Opened)
    def __init__(
        self,
        nomination_id: str,
        unit_code: str,
        amount_vnd: int,
        revocation_number: str,
        within_working_days: int,
        due_on: date,
    ) -> None:
        self.nomination_id = nomination_id
        self.unit_code = unit_code
        self.amount_vnd = amount_vnd
        self.revocation_number = revocation_number
        self.within_working_days = within_working_days
        self.due_on = due_on
        self.state = RecoveryState.OPEN.value  # a string: snapshots hold plain values
        self.receipt: str | None = None
        self.recovered_on: date | None = None
        self.chases: dict[str, int] = {}  # how often each step was taken

    @classmethod
    def open(
        cls,
        nomination_id: UUID,
        unit_code: str,
        amount_vnd: int,
        revocation_number: str,
        within_working_days: int,
        due_on: date,
    ) -> PrizeRecovery:
        """Opened by the revoking authority, with the time its decision allows."""
        require_grant("open a prize's recovery", Role.AWARDING_AUTHORITY)
        if not 1 <= within_working_days <= 90:
            raise InvalidInput("recover_within_working_days", "must be 1 to 90 working days")
        return cls(
            nomination_id=str(nomination_id),
            unit_code=unit_code,
            amount_vnd=amount_vnd,
            revocation_number=revocation_number,
            within_working_days=within_working_days,
            due_on=due_on,
        )

    def record(self, amount_vnd: int, receipt: str, recovered_on: date) -> None:
        """The office records the prize returned to the fund, with the receipt that proves it."""
        require_grant("record a prize's recovery", Role.PROVINCE_REVIEWER)
        if self.state != RecoveryState.OPEN:
            raise StageTransitionError(
                f"the prize was recovered already ({self.receipt})", recovery_id=str(self.id)
            )
        if amount_vnd != self.amount_vnd:
            raise InvalidInput(
                "amount_vnd", f"the prize to recover is {self.amount_vnd} đồng, not {amount_vnd}"
            )
        if recovered_on > current_context().today:
            raise InvalidInput("recovered_on", "cannot be after today")
        self._recovered(
            nomination_id=self.nomination_id,
            amount_vnd=amount_vnd,
            receipt=bounded_text("receipt", receipt, limit=200),
            recovered_on=recovered_on,
        )

    class Recovered(ChainedAggregate.Event):
        nomination_id: str  # the clock that waits for it is named by the nomination
        amount_vnd: int
        receipt: str
        recovered_on: date

    @event(Recovered)
    def _recovered(
        self, nomination_id: str, amount_vnd: int, receipt: str, recovered_on: date
    ) -> None:
        self.state = RecoveryState.RECOVERED.value
        self.receipt = receipt
        self.recovered_on = recovered_on

    # --- the clock (docs/spec.md §6) ------------------------------------------------------

    def chase(self, step: ChaseStep, to: list[str], note: str) -> bool:
        """The clock chases an open recovery: overdue once its due date has passed, reminders,
        one escalation. Once the prize is back, or a once-only step was taken, it records
        nothing (False)."""
        require_grant("chase a prize's recovery", Role.SYSTEM)
        if self.state != RecoveryState.OPEN:
            return False
        if step is ChaseStep.OVERDUE and current_context().today <= self.due_on:
            raise InvalidInput("due_on", f"{self.due_on.isoformat()} has not passed yet")
        if step is not ChaseStep.REMINDER and self.chases.get(step.value):
            return False
        self._chased(step=step.value, to=sorted(to), note=bounded_text("note", note))
        return True

    class Chased(ChainedAggregate.Event):
        step: str
        to: list[str]
        note: str

    @event(Chased)
    def _chased(self, step: str, to: list[str], note: str) -> None:
        self.chases[step] = self.chases.get(step, 0) + 1

    def to_dict(self) -> dict[str, object]:
        return {
            **{name: getattr(self, name) for name in SHOWN},
            "overdue": bool(self.chases.get(ChaseStep.OVERDUE.value)),
            "escalated": bool(self.chases.get(ChaseStep.ESCALATION.value)),
            "reminders": self.chases.get(ChaseStep.REMINDER.value, 0),
            "basis": BASIS,
        }
