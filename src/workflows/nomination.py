"""The nomination's clock: stage deadlines, reminders, escalation, and its visits' clocks.

It follows the stages as the relay reports them. For each stage it asks an activity for
the stage's alarms (working days come from the calendar there), then sleeps until each
alarm unless the stage changes first, which cancels the remaining timers.
"""

from __future__ import annotations

import asyncio
from datetime import date, timedelta

from temporalio import workflow
from temporalio.exceptions import ActivityError
from temporalio.workflow import ParentClosePolicy

with workflow.unsafe.imports_passed_through():
    from workflows import inspection_workflow_id
    from workflows.activities import ClockActivities
    from workflows.inputs import (
        AlarmPlan,
        ClockResult,
        NominationClockInput,
        PlanStage,
        StageChanged,
        VisitClockInput,
        VisitOrdered,
        VisitReported,
    )
    from workflows.inspection import InspectionVisitWorkflow
    from workflows.retry import Delivered, clock_step, run_activity, today_in_vietnam

TERMINAL = frozenset({"decided", "closed"})


@workflow.defn
class NominationClockWorkflow:
    def __init__(self) -> None:
        self._seen = Delivered()
        self._version = 0
        self._stage: str | None = None
        self._due_on: date | None = None
        self._changes = 0
        self._orders: list[VisitOrdered] = []
        self._reports: list[VisitReported] = []
        self._started_visits: set[str] = set()
        self._done: list[str] = []
        self._nomination_id = ""

    # --- messages from the relay --------------------------------------------------------

    @workflow.signal
    def stage_changed(self, change: StageChanged) -> None:
        if not self._seen.first(change.event_id):
            return
        if change.version < self._version:
            return  # older news than what the clock already follows
        self._version, self._stage, self._due_on = change.version, change.stage, change.due_on
        self._changes += 1

    @workflow.signal
    def nudged(self, news: StageChanged) -> None:
        """News that may unblock the current stage (a complaint resolved): plan it again."""
        if self._seen.first(news.event_id):
            self._changes += 1

    @workflow.signal
    def visit_ordered(self, order: VisitOrdered) -> None:
        if self._seen.first(order.event_id):
            self._orders.append(order)

    @workflow.signal
    def visit_reported(self, report: VisitReported) -> None:
        if self._seen.first(report.event_id):
            self._reports.append(report)

    @workflow.query
    def get_state(self) -> dict[str, object]:
        return {
            "stage": self._stage,
            "due_on": str(self._due_on) if self._due_on else None,
            "version": self._version,
            "changes": self._changes,
            "done": list(self._done),
            "visits": sorted(self._started_visits),
        }

    # --- the clock ----------------------------------------------------------------------

    @workflow.run
    async def run(self, clock: NominationClockInput) -> str:
        self._nomination_id = clock.nomination_id
        visits = asyncio.create_task(self._follow_visits(clock))
        await workflow.wait_condition(lambda: self._stage is not None)
        while self._stage not in TERMINAL:
            await self._run_stage()
        await workflow.wait_condition(lambda: not self._orders and not self._reports)
        visits.cancel()
        await workflow.wait_condition(workflow.all_handlers_finished)
        return str(self._stage)

    async def _run_stage(self) -> None:
        changes, stage, due_on, version = self._changes, self._stage, self._due_on, self._version
        alarms: list[AlarmPlan] = await run_activity(
            ClockActivities.plan_stage,
            PlanStage(stage=str(stage), due_on=due_on, today=today_in_vietnam()),
        )
        for index, alarm in enumerate(alarms):
            delay = alarm.at - workflow.now()
            if delay > timedelta(0):
                try:
                    await workflow.wait_condition(lambda: self._changes != changes, timeout=delay)
                    return  # the stage moved on in time: the remaining timers are dropped
                except TimeoutError:
                    pass
            elif self._changes != changes:
                return
            later = alarms[index + 1 :]
            if alarm.kind == "reminder" and later and later[0].at <= workflow.now():
                continue  # a reminder for a moment already past its deadline helps nobody
            if not await self._act(alarm, str(stage), due_on, version):
                break  # refused (e.g. a complaint keeps the notice open): wait for news
        await workflow.wait_condition(lambda: self._changes != changes)

    async def _act(self, alarm: AlarmPlan, stage: str, due_on: date | None, version: int) -> bool:
        step = clock_step(
            self._nomination_id,
            f"v{version}/{stage}/{alarm.kind}/{alarm.ordinal}",
            alarm.kind,
            stage=stage,
            due_on=due_on,
            escalate_to=alarm.escalate_to,
        )
        activity = {
            "reminder": ClockActivities.remind_nomination,
            "deadline_missed": ClockActivities.record_deadline_missed,
            "escalate": ClockActivities.escalate_nomination,
            "end_public_notice": ClockActivities.end_public_notice,
            "cut_over": ClockActivities.cut_over_nomination,
        }[alarm.kind]
        try:
            result: ClockResult = await run_activity(activity, step)
        except ActivityError as error:
            workflow.logger.info("clock step refused: %s", error.cause)
            return False
        if result.recorded:
            self._done.append(f"{stage}:{alarm.kind}:{alarm.ordinal}")
        return True

    async def _follow_visits(self, clock: NominationClockInput) -> None:
        """Starts each ordered visit's clock and passes it the news of its report."""
        while True:
            await workflow.wait_condition(lambda: bool(self._orders or self._reports))
            while self._orders:
                order = self._orders.pop(0)
                if order.visit_id in self._started_visits:
                    continue
                self._started_visits.add(order.visit_id)
                await workflow.start_child_workflow(
                    InspectionVisitWorkflow.run,
                    VisitClockInput(
                        visit_id=order.visit_id,
                        nomination_id=clock.nomination_id,
                        team_id=order.team_id,
                        due_on=order.due_on,
                    ),
                    id=inspection_workflow_id(order.visit_id, clock.id_prefix),
                    parent_close_policy=ParentClosePolicy.ABANDON,
                )
            while self._reports:
                report = self._reports.pop(0)
                if report.visit_id not in self._started_visits:
                    continue
                handle = workflow.get_external_workflow_handle(
                    inspection_workflow_id(report.visit_id, clock.id_prefix)
                )
                try:
                    await handle.signal(InspectionVisitWorkflow.report_filed, report)
                except Exception as error:
                    workflow.logger.info("visit clock gone: %s", error)
