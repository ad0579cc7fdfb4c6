"""An inspection visit's clock: overdue, reminders every few working days, escalation.

It ends when the team files its report.
"""

from __future__ import annotations

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from workflows.activities import ClockActivities
    from workflows.inputs import AlarmPlan, PlanVisit, VisitClockInput, VisitReported
    from workflows.overdue import follow_until_done
    from workflows.retry import run_activity


VISIT_STEPS = {
    "overdue": ClockActivities.mark_visit_overdue,
    "reminder": ClockActivities.remind_visit_team,
    "escalate": ClockActivities.escalate_visit,
}


@workflow.defn
class InspectionVisitWorkflow:
    def __init__(self) -> None:
        self._reported = False
        self._done: list[str] = []

    @workflow.signal
    def report_filed(self, report: VisitReported) -> None:
        self._reported = True

    @workflow.query
    def get_state(self) -> dict[str, object]:
        return {"reported": self._reported, "done": list(self._done)}

    @workflow.run
    async def run(self, visit: VisitClockInput) -> str:
        alarms: list[AlarmPlan] = await run_activity(
            ClockActivities.plan_visit, PlanVisit(due_on=visit.due_on)
        )
        await follow_until_done(
            visit.visit_id,
            visit.due_on,
            alarms,
            VISIT_STEPS,
            lambda: self._reported,
            self._done,
        )
        await workflow.wait_condition(workflow.all_handlers_finished)
        return "reported"
