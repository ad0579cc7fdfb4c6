"""A prize's recovery after its award is revoked (docs/spec.md §12): the office records the
money returned with its receipt; the clock reminds, marks it overdue and escalates."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from domain.context import CommandContext
from domain.errors import NotFound
from domain.recovery import ChaseStep, PrizeRecovery, recovery_id
from domain.summaries import CommandResult
from service.application import Kind
from service.lookups import Lookups

RECOVERY = Kind(PrizeRecovery, lambda rid: NotFound(f"no prize is being recovered ({rid})"))


class RecoveryCases(Lookups):
    def get_recovery(self, nid: UUID) -> dict[str, Any] | None:
        """The recovery of a revoked award's prize; None where there is none."""
        try:
            found: PrizeRecovery = self._load(RECOVERY, recovery_id(nid))
        except NotFound:
            return None
        return {**found.to_dict(), "id": str(found.id), "version": found.version}

    def record_recovery(
        self, ctx: CommandContext, nid: UUID, amount_vnd: int, receipt: str, recovered_on: date
    ) -> CommandResult:
        return self._execute(
            ctx,
            RECOVERY,
            recovery_id(nid),
            lambda r: r.record(amount_vnd, receipt, recovered_on),
        )

    def mark_recovery_overdue(self, ctx: CommandContext, nid: UUID) -> CommandResult:
        return self._chase(ctx, nid, ChaseStep.OVERDUE, [], "the prize was not back in time")

    def record_recovery_reminder(
        self, ctx: CommandContext, nid: UUID, recipients: list[str], message: str
    ) -> CommandResult:
        return self._chase(ctx, nid, ChaseStep.REMINDER, recipients, message)

    def escalate_recovery(
        self, ctx: CommandContext, nid: UUID, to: str, reason: str
    ) -> CommandResult:
        return self._chase(ctx, nid, ChaseStep.ESCALATION, [to], reason)

    def _chase(
        self, ctx: CommandContext, nid: UUID, step: ChaseStep, to: list[str], note: str
    ) -> CommandResult:
        """A step of the clock; one with nothing to do (the prize came back meanwhile)
        records nothing."""

        def chase(recovery: PrizeRecovery) -> None:
            recovery.chase(step, to, note)

        return self._execute(ctx, RECOVERY, recovery_id(nid), chase)
