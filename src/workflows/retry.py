"""What every workflow shares: activity timeouts, retries, and the Vietnamese date."""

from __future__ import annotations

from datetime import date, timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy

from domain.calendar import VIETNAM

# A database or network blip is retried; domain refusals are marked final by the activities
# themselves (``workflows.activities.final_domain_errors``).
RETRY = RetryPolicy(
    initial_interval=timedelta(seconds=1),
    backoff_coefficient=2.0,
    maximum_interval=timedelta(minutes=1),
)
# Every activity is a few database calls and at most one e-mail (10 s SMTP timeout).
ACTIVITY_TIMEOUT = timedelta(seconds=20)


def today_in_vietnam() -> date:
    """The business date of the workflow's clock: deadlines are Vietnamese dates."""
    return workflow.now().astimezone(VIETNAM).date()
