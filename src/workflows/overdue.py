"""What the clocks of things that fall due share (an inspection visit, a prize's recovery):
overdue the day after, reminders every few working days and one escalation, each step
recorded once, until the thing is done."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Mapping
from datetime import date, timedelta
from typing import Any

from temporalio import workflow
from temporalio.exceptions import ActivityError

with workflow.unsafe.imports_passed_through():
    from workflows.inputs import AlarmPlan, ClockResult, ClockStep
    from workflows.retry import clock_step, run_activity


async def follow_until_done(
    aggregate_id: str,
    due_on: date,
    alarms: list[AlarmPlan],
    activities: Mapping[str, Callable[[Any, ClockStep], ClockResult]],
    done: Callable[[], bool],
    recorded: list[str],
) -> None:
    """Runs each alarm's activity at its moment unless ``done`` first; then waits for it."""
    for alarm in alarms:
        delay = alarm.at - workflow.now()
        if delay > timedelta(0):
            with contextlib.suppress(asyncio.TimeoutError):
                await workflow.wait_condition(done, timeout=delay)
        if done():
            break
        step = clock_step(
            aggregate_id,
            f"{alarm.kind}/{alarm.ordinal}",
            alarm.kind,
            due_on=due_on,
            escalate_to=alarm.escalate_to,
        )
        try:
            result = await run_activity(activities[alarm.kind], step)
        except ActivityError as error:
            workflow.logger.info("clock step refused: %s", error.cause)
            continue
        if result.recorded:
            recorded.append(f"{alarm.kind}:{alarm.ordinal}")
    await workflow.wait_condition(done)
