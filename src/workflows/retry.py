"""What every workflow shares: activity timeouts, retries, and the Vietnamese date."""

from __future__ import annotations

from datetime import date, timedelta, timezone

from temporalio import workflow
from temporalio.common import RetryPolicy

DOMAIN_ERRORS = [
    "StageTransitionError",
    "JurisdictionError",
    "InvalidNomination",
    "NominationNotFound",
    "SessionNotFound",
    "VisitNotFound",
    "NotFound",
    "AlreadyExists",
    "MissingContextError",
]
# Domain refusals are final; anything else (a database or network blip) is retried.
RETRY = RetryPolicy(
    initial_interval=timedelta(seconds=1),
    backoff_coefficient=2.0,
    maximum_interval=timedelta(minutes=1),
    non_retryable_error_types=DOMAIN_ERRORS,
)
# Every activity is a few database calls and at most one e-mail (10 s SMTP timeout).
ACTIVITY_TIMEOUT = timedelta(seconds=20)
VIETNAM = timezone(timedelta(hours=7))


def today_in_vietnam() -> date:
    """The business date of the workflow's clock: deadlines are Vietnamese dates."""
    return workflow.now().astimezone(VIETNAM).date()
