"""A prize's recovery clock (docs/spec.md §12): from the revoking decision's due date it marks
the recovery overdue, reminds the office every few working days and escalates once; it ends
when the office records the prize returned."""

from __future__ import annotations

import asyncio
import contextlib
from datetime import timedelta

from temporalio import workflow
from temporalio.exceptions import ActivityError

with workflow.unsafe.imports_passed_through():
    from workflows.inputs import AlarmPlan, ChainNews, PlanVisit, RecoveryInput
    from workflows.recovery_activities import RecoveryActivities
    from workflows.retry import Delivered, clock_step, run_activity

ACTIVITY = {
    "overdue": RecoveryActivities.mark_recovery_overdue,
    "reminder": RecoveryActivities.remind_recovery,
    "escalate": RecoveryActivities.escalate_recovery,
}


@workflow.defn
class PrizeRecoveryWorkflow:
    def __init__(self) -> None:
        self._seen = Delivered()
        self._recovered = False
        self._done: list[str] = []

    @workflow.signal
    def opened(self, news: ChainNews) -> None:
        self._seen.first(news.event_id)

    @workflow.signal
    def recovered(self, news: ChainNews) -> None:
        if self._seen.first(news.event_id):
            self._recovered = True

    @workflow.query
    def get_state(self) -> dict[str, object]:
        return {"recovered": self._recovered, "done": list(self._done)}

    @workflow.run
    async def run(self, recovery: RecoveryInput) -> str:
        alarms: list[AlarmPlan] = await run_activity(
            RecoveryActivities.plan_recovery, PlanVisit(due_on=recovery.due_on)
        )
        for alarm in alarms:
            delay = alarm.at - workflow.now()
            if delay > timedelta(0):
                with contextlib.suppress(asyncio.TimeoutError):
                    await workflow.wait_condition(lambda: self._recovered, timeout=delay)
            if self._recovered:
                break
            step = clock_step(
                recovery.nomination_id,
                f"{alarm.kind}/{alarm.ordinal}",
                alarm.kind,
                due_on=recovery.due_on,
                escalate_to=alarm.escalate_to,
            )
            try:
                result = await run_activity(ACTIVITY[alarm.kind], step)
            except ActivityError as error:
                workflow.logger.info("recovery clock step refused: %s", error.cause)
                continue
            if result.recorded:
                self._done.append(f"{alarm.kind}:{alarm.ordinal}")
        await workflow.wait_condition(lambda: self._recovered)
        await workflow.wait_condition(workflow.all_handlers_finished)
        return "recovered"
