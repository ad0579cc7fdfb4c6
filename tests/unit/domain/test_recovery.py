"""A revoked award's prize recovery (docs/spec.md §12), as the aggregate decides it."""

from __future__ import annotations

from datetime import date
from uuid import uuid4

import pytest

from domain.errors import InvalidInput, JurisdictionError, StageTransitionError
from domain.recovery import ChaseStep, PrizeRecovery
from tests.factories import PROVINCE, SYSTEM, as_, chairman

pytestmark = pytest.mark.unit

DUE = date(2024, 6, 17)


def opened() -> PrizeRecovery:
    with as_(chairman()):
        return PrizeRecovery.open(uuid4(), "S-831-01", 3_600_000, "2/QĐ-UBND", 10, DUE)


def test_only_an_awarding_authority_opens_a_recovery_within_a_sane_time() -> None:
    with as_(PROVINCE), pytest.raises(JurisdictionError):
        PrizeRecovery.open(uuid4(), "S-831-01", 1, "2/QĐ-UBND", 10, DUE)
    with as_(chairman()), pytest.raises(InvalidInput) as refused:
        PrizeRecovery.open(uuid4(), "S-831-01", 1, "2/QĐ-UBND", 0, DUE)
    assert refused.value.field == "recover_within_working_days"


def test_the_office_records_exactly_the_prize_once_and_not_in_the_future() -> None:
    recovery = opened()
    with as_(PROVINCE, date(2024, 6, 12)):
        with pytest.raises(InvalidInput, match="amount_vnd"):
            recovery.record(1_000_000, "PT-1", date(2024, 6, 10))
        with pytest.raises(InvalidInput, match="recovered_on"):
            recovery.record(3_600_000, "PT-1", date(2024, 6, 13))
        recovery.record(3_600_000, "PT-1", date(2024, 6, 10))
        with pytest.raises(StageTransitionError):
            recovery.record(3_600_000, "PT-2", date(2024, 6, 10))
    assert (recovery.state, recovery.receipt) == ("recovered", "PT-1")


def test_the_clock_marks_overdue_only_after_the_due_date_and_stops_once_recovered() -> None:
    recovery = opened()
    with as_(SYSTEM, DUE), pytest.raises(InvalidInput, match="due_on"):
        recovery.chase(ChaseStep.OVERDUE, [], "Quá hạn.")
    with as_(SYSTEM, date(2024, 6, 18)):
        assert recovery.chase(ChaseStep.OVERDUE, [], "Quá hạn.") is True
        assert recovery.chase(ChaseStep.OVERDUE, [], "Quá hạn.") is False  # once
        assert recovery.chase(ChaseStep.REMINDER, ["p@x.org"], "Nhắc.") is True
        assert recovery.chase(ChaseStep.REMINDER, ["p@x.org"], "Nhắc.") is True
        assert recovery.chase(ChaseStep.ESCALATION, ["board_head"], "Quá hạn.") is True
        assert recovery.chase(ChaseStep.ESCALATION, ["board_head"], "Quá hạn.") is False
    with as_(PROVINCE, date(2024, 6, 19)):
        recovery.record(3_600_000, "PT-1", date(2024, 6, 19))
    with as_(SYSTEM, date(2024, 6, 20)):
        assert recovery.chase(ChaseStep.REMINDER, ["p@x.org"], "Nhắc.") is False
    assert recovery.to_dict()["reminders"] == 2
