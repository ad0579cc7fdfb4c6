"""An inspection visit's clock: overdue, reminders every few working days, escalation.

It ends when the team files its report.
"""

from __future__ import annotations

import asyncio
import contextlib
from datetime import timedelta

from temporalio import workflow
from temporalio.exceptions import ActivityError

with workflow.unsafe.imports_passed_through():
    from workflows.activities import ClockActivities
    from workflows.inputs import AlarmPlan, PlanVisit, VisitClockInput, VisitReported
    from workflows.retry import clock_step, run_activity


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
        for alarm in alarms:
            delay = alarm.at - workflow.now()
            if delay > timedelta(0):
                with contextlib.suppress(asyncio.TimeoutError):
                    await workflow.wait_condition(lambda: self._reported, timeout=delay)
            if self._reported:
                break
            await self._act(visit, alarm)
        await workflow.wait_condition(lambda: self._reported)
        await workflow.wait_condition(workflow.all_handlers_finished)
        return "reported"

    async def _act(self, visit: VisitClockInput, alarm: AlarmPlan) -> None:
        activity = {
            "overdue": ClockActivities.mark_visit_overdue,
            "reminder": ClockActivities.remind_visit_team,
            "escalate": ClockActivities.escalate_visit,
        }[alarm.kind]
        step = clock_step(
            visit.visit_id,
            f"{alarm.kind}/{alarm.ordinal}",
            alarm.kind,
            due_on=visit.due_on,
            escalate_to=alarm.escalate_to,
        )
        try:
            result = await run_activity(activity, step)
        except ActivityError as error:
            workflow.logger.info("visit clock step refused: %s", error.cause)
            return
        if result.recorded:
            self._done.append(f"{alarm.kind}:{alarm.ordinal}")
