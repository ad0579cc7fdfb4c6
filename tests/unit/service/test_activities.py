"""Every activity marks a domain refusal final, so Temporal does not retry it."""

from __future__ import annotations

from datetime import date
from uuid import uuid4

import pytest
from temporalio.exceptions import ApplicationError

from domain.units import UnitRegistry
from service.nomination_service import NominationService
from workflows.activities import ClockActivities
from workflows.inputs import ClockStep
from workflows.notifier import Directory, LogNotifier


@pytest.fixture
def activities(units: UnitRegistry) -> ClockActivities:
    service = NominationService({"PERSISTENCE_MODULE": "eventsourcing.popo"}, units=units)
    return ClockActivities(service, LogNotifier(), Directory())


@pytest.mark.parametrize("name", ["remind_nomination", "escalate_nomination", "remind_visit_team"])
def test_an_unknown_aggregate_is_a_final_error_not_a_retry(
    activities: ClockActivities, name: str
) -> None:
    step = ClockStep(
        aggregate_id=str(uuid4()),
        command_id="step-1",
        correlation_id="wf-1",
        today=date(2024, 3, 1),
        kind="reminder",
        stage="collecting",
    )
    with pytest.raises(ApplicationError) as refused:
        getattr(activities, name)(step)
    assert refused.value.non_retryable
    assert refused.value.type in ("NominationNotFound", "VisitNotFound")
