"""A revoked award's prize is recovered by the date the revoking decision set: the clock marks
it overdue the day after, reminds the office, escalates once, and stops when it comes back."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest

from domain.deadlines import VIETNAM
from tests.factories import PROVINCE, chairman, ctx
from tests.scenarios import Story
from tests.workflows.conftest import Clock
from workflows import recovery_workflow_id

pytestmark = [pytest.mark.workflow, pytest.mark.asyncio(loop_scope="session")]


def morning(day: date) -> datetime:
    return datetime.combine(day, time(8), VIETNAM)


async def test_an_unrecovered_prize_is_marked_overdue_reminded_and_escalated_until_it_is_back(
    clock: Clock,
) -> None:
    s = clock.service
    nid = Story(s).awarded()
    today = await clock.today()
    s.revoke_award(ctx(chairman(), today), nid, "Kê khai sai.", None, recover_within=5)
    await clock.relay_events()
    recovery = s.get_recovery(nid)
    assert recovery is not None
    due = recovery["due_on"]
    assert due == s.calendar.add_working_days(today, 5)

    await clock.sleep_until(morning(s.calendar.add_working_days(due, 6)) + timedelta(hours=1))
    recovery = s.get_recovery(nid)
    assert recovery is not None
    assert (recovery["overdue"], recovery["escalated"], recovery["reminders"]) == (True, True, 3)
    assert any("Thu hồi tiền thưởng" in subject for _, subject in clock.outbox.sent)

    on = await clock.today()
    s.record_recovery(ctx(PROVINCE, on), nid, recovery["amount_vnd"], "PT-0153", on)
    await clock.relay_events()
    handle = clock.env.client.get_workflow_handle(recovery_workflow_id(str(nid), clock.prefix))
    assert await handle.result() == "recovered"
    sent = len(clock.outbox.sent)
    await clock.env.sleep(timedelta(days=20))
    assert len(clock.outbox.sent) == sent  # its timers ended with the recovery
