"""What a prize's recovery clock does outside itself (docs/spec.md §12): it marks the
recovery overdue, reminds the office and escalates, each recorded once on the recovery."""

from __future__ import annotations

from collections.abc import Callable
from uuid import UUID

from temporalio import activity

from workflows.activities import ClockActivities, Mail, final_domain_errors
from workflows.inputs import AlarmPlan, ClockResult, ClockStep, PlanVisit

OPEN = "open"


class RecoveryActivities(ClockActivities):
    """The clock's service, notifier and directory; the recovery's own activities."""

    @activity.defn
    @final_domain_errors
    def plan_recovery(self, plan: PlanVisit) -> list[AlarmPlan]:
        """As for an overdue visit: overdue the day after, reminders, one escalation."""
        return self.plan_visit(plan)

    def _open(self, step: ClockStep) -> dict[str, object] | None:
        found = self.service.get_recovery(UUID(step.aggregate_id))
        return found if found and found["state"] == OPEN else None

    @activity.defn
    @final_domain_errors
    def mark_recovery_overdue(self, step: ClockStep) -> ClockResult:
        nid = UUID(step.aggregate_id)
        return self._record(step, lambda ctx: self.service.mark_recovery_overdue(ctx, nid))

    @activity.defn
    @final_domain_errors
    def remind_recovery(self, step: ClockStep) -> ClockResult:
        found = self._open(step)
        if found is None:
            return ClockResult(recorded=False, detail="already recovered")
        nid = UUID(step.aggregate_id)
        recipients = self.directory.recipients("province_reviewer")
        subject = f"[thidua] Thu hồi tiền thưởng quá hạn: {found['unit_code']}"
        body = (
            f"Quyết định số {found['revocation_number']} hủy bỏ khen thưởng: tiền thưởng"
            f" {found['amount_vnd']} đồng phải được thu hồi trước ngày {found['due_on']}."
        )
        return self._remind(
            step,
            lambda ctx: self.service.record_recovery_reminder(ctx, nid, recipients, subject),
            Mail(recipients, subject, body),
        )

    @activity.defn
    @final_domain_errors
    def escalate_recovery(self, step: ClockStep) -> ClockResult:
        found = self._open(step)
        if found is None:
            return ClockResult(recorded=False, detail="already recovered")
        nid = UUID(step.aggregate_id)
        return self._escalate(
            step,
            lambda ctx, to: self.service.escalate_recovery(ctx, nid, to, "prize recovery overdue"),
            f"[thidua] Thu hồi tiền thưởng quá hạn: {found['unit_code']}",
        )

    def all(self) -> list[Callable[..., object]]:
        return [
            self.plan_recovery,
            self.mark_recovery_overdue,
            self.remind_recovery,
            self.escalate_recovery,
        ]
