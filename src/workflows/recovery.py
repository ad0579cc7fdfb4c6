"""A prize's recovery clock (docs/spec.md §12): from the revoking decision's due date it marks
the recovery overdue, reminds the office every few working days and escalates once; it ends
when the office records the prize returned."""

from __future__ import annotations

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from workflows.inputs import AlarmPlan, ChainNews, PlanVisit, RecoveryInput
    from workflows.overdue import follow_until_done
    from workflows.recovery_activities import RecoveryActivities
    from workflows.retry import Delivered, run_activity

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
        await follow_until_done(
            recovery.nomination_id,
            recovery.due_on,
            alarms,
            ACTIVITY,
            lambda: self._recovered,
            self._done,
        )
        await workflow.wait_condition(workflow.all_handlers_finished)
        return "recovered"
