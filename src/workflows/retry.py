"""What every workflow shares: activity timeouts, retries, and the Vietnamese date."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any, TypeVar

from temporalio import workflow
from temporalio.common import RetryPolicy

from domain.calendar import VIETNAM
from workflows.inputs import ClockStep

A = TypeVar("A")
R = TypeVar("R")

# A database or network blip is retried; domain refusals are marked final by the activities
# themselves (``workflows.activities.final_domain_errors``).
RETRY = RetryPolicy(
    initial_interval=timedelta(seconds=1),
    backoff_coefficient=2.0,
    maximum_interval=timedelta(minutes=1),
)
# Every activity is a few database calls and at most one e-mail (10 s SMTP timeout).
ACTIVITY_TIMEOUT = timedelta(seconds=20)


async def run_activity(activity: Callable[[Any, A], R], argument: A) -> R:
    """Runs one of the clock's activities with the shared timeout and retries."""
    result: R = await workflow.execute_activity_method(
        activity, argument, start_to_close_timeout=ACTIVITY_TIMEOUT, retry_policy=RETRY
    )
    return result


class Delivered:
    """The event ids a workflow has acted on: the relay delivers at least once, and a
    workflow acts on each event once."""

    def __init__(self) -> None:
        self._ids: set[str] = set()

    def first(self, event_id: str) -> bool:
        """Whether this is the event's first delivery, remembering it."""
        if event_id in self._ids:
            return False
        self._ids.add(event_id)
        return True


def today_in_vietnam() -> date:
    """The business date of the workflow's clock: deadlines are Vietnamese dates."""
    return workflow.now().astimezone(VIETNAM).date()


def clock_step(
    aggregate_id: str,
    path: str,
    kind: str,
    *,
    stage: str | None = None,
    due_on: date | None = None,
    escalate_to: str | None = None,
    closes_at: datetime | None = None,
) -> ClockStep:
    """One step of this workflow's clock; its command id is the workflow's id and ``path``, so
    the step retried or replayed is recorded once."""
    info = workflow.info()
    return ClockStep(
        aggregate_id=aggregate_id,
        command_id=f"{info.workflow_id}/{path}",
        correlation_id=info.workflow_id,
        today=today_in_vietnam(),
        kind=kind,
        stage=stage,
        due_on=due_on,
        escalate_to=escalate_to,
        closes_at=closes_at,
    )
