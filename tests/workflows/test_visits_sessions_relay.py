"""Inspection visits, council sessions, a window across Tết, and a relay that re-sends."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, time, timedelta
from uuid import UUID

import pytest
from temporalio.client import WorkflowUpdateFailedError

from domain.calendar import WorkingCalendar
from domain.deadlines import VIETNAM
from domain.errors import StageTransitionError
from tests.factories import ADMIN, PROVINCE, SECRETARY, ctx, inspector, member, officer
from tests.workflows.conftest import Clock
from tests.workflows.test_nomination_clock import names, open_nomination, submit
from workflows import council_workflow_id, inspection_workflow_id, nomination_workflow_id
from workflows.council import CouncilSessionWorkflow
from workflows.inputs import MoveClosingDeadline
from workflows.nomination import NominationClockWorkflow
from workflows.relay import Relay

pytestmark = [pytest.mark.workflow, pytest.mark.asyncio(loop_scope="session")]


def morning(day: date) -> datetime:
    return datetime.combine(day, time(8), VIETNAM)


async def test_an_overdue_visit_is_reminded_every_two_working_days_and_escalated_after_five(
    clock: Clock,
) -> None:
    nid = await open_nomination(clock)
    await submit(clock, nid)
    s, today = clock.service, await clock.today()
    s.schedule_inspection_visit(ctx(PROVINCE, today), nid, "team-1", today + timedelta(days=3))
    await clock.relay_events()
    vid = UUID(next(iter(s.get_nomination(nid).visits)))
    due = s.get_visit(vid).due_on
    cal = s.calendar
    await clock.sleep_until(morning(cal.add_working_days(due, 6)) + timedelta(hours=1))
    visit = s.get_visit(vid)
    assert (visit.overdue, visit.escalated, visit.reminders) == (True, True, 3)
    assert len(names(clock, vid, "ReminderSent")) == 3
    assert ["inspector.team-1@thidua.local"] in [r for r, _ in clock.outbox.sent]

    s.claim_visit(ctx(inspector(), await clock.today()), vid)
    s.file_visit_report(
        ctx(inspector(), await clock.today()), vid, await clock.today(), "Đã kiểm tra.", "confirm"
    )
    await clock.relay_events()
    child = clock.env.client.get_workflow_handle(inspection_workflow_id(str(vid), clock.prefix))
    assert await child.result() == "reported"
    await clock.env.sleep(timedelta(days=10))
    assert len(names(clock, vid, "ReminderSent")) == 3  # its timers ended with the report


async def test_a_province_review_across_tet_counts_only_working_days(clock: Clock) -> None:
    # The shared test server's clock only moves forward: take the next Tết still ahead.
    now = await clock.today()
    tet = next(
        days
        for y in range(now.year, now.year + 3)
        if (days := tet_days(y))[0] > now + timedelta(days=12)
    )
    start = tet[0] - timedelta(days=10)
    await clock.sleep_until(morning(start))
    nid = await open_nomination(clock, closes_in_days=30)
    await submit(clock, nid)
    cal = clock.service.calendar
    due = clock.service.get_nomination(nid).due_on
    assert due is not None
    assert due == cal.add_working_days(start, 25)
    assert start < tet[0]
    assert tet[-1] < due  # the window spans Tết
    no_holidays = WorkingCalendar(public_holidays=lambda _: ()).add_working_days(start, 25)
    assert (due - no_holidays).days >= 5  # Tết's weekdays do not count
    reminder_at = morning(cal.add_working_days(due, -2))
    await clock.sleep_until(reminder_at - timedelta(minutes=1))
    assert names(clock, nid, "ReminderSent") == []
    await clock.sleep_until(reminder_at + timedelta(minutes=1))
    assert len(names(clock, nid, "ReminderSent")) == 1
    await clock.sleep_until(morning(due))
    assert names(clock, nid, "DeadlineMissed") == []
    await clock.sleep_until(morning(due + timedelta(days=1)))
    [missed] = names(clock, nid, "DeadlineMissed")
    assert missed.due_on == due  # type: ignore[attr-defined]


def tet_days(year: int) -> list[date]:
    import holidays

    calendar = holidays.country_holidays("VN", years=year, language="en_US")
    return sorted(d for d, name in calendar.items() if "Lunar New Year" in name)


async def council_ready(clock: Clock) -> tuple[UUID, UUID]:
    nid = await open_nomination(clock)
    s, today = clock.service, await clock.today()
    terms = s.cycle_terms(2025)
    s.configure_cycle(ctx(ADMIN, today), replace(terms, public_notice_working_days=0))
    s.submit_nomination(ctx(officer(), today), nid)
    s.record_criterion_check(ctx(PROVINCE, today), nid, "plan-1067-tasks", "met", "Đạt.")
    s.complete_province_review(ctx(PROVINCE, today), nid, "approve", "")
    sid = s.schedule_council_session(
        ctx(SECRETARY, today), "Phiên họp", today, ["m1", "m2", "m3"], "bang-khen-tinh"
    ).id
    s.add_to_agenda(ctx(SECRETARY, today), sid, nid)
    return nid, sid


async def test_a_council_session_reminds_non_voters_and_closes_at_a_deadline_moved_by_update(
    clock: Clock,
) -> None:
    nid, sid = await council_ready(clock)
    s, now = clock.service, await clock.now()
    s.set_closing_deadline(ctx(SECRETARY, await clock.today()), sid, now + timedelta(days=1))
    s.open_session(ctx(SECRETARY, await clock.today()), sid)
    s.cast_vote(ctx(member("m1"), await clock.today()), sid, nid, "approve")
    await clock.relay_events()
    handle = clock.env.client.get_workflow_handle(council_workflow_id(str(sid), clock.prefix))

    with pytest.raises(WorkflowUpdateFailedError):
        await handle.execute_update(
            CouncilSessionWorkflow.move_closing_deadline,
            MoveClosingDeadline(closes_at=now - timedelta(hours=1), by="secretary"),
        )
    moved = await handle.execute_update(
        CouncilSessionWorkflow.move_closing_deadline,
        MoveClosingDeadline(closes_at=now + timedelta(days=2), by="secretary"),
    )
    assert moved == now + timedelta(days=2)
    assert s.get_session(sid).closes_at == now + timedelta(days=2)

    await clock.sleep_until(now + timedelta(days=2) - timedelta(hours=1))
    [reminder] = names(clock, sid, "ReminderSent")
    assert reminder.recipients == [  # type: ignore[attr-defined]
        "member.m2@thidua.local",
        "member.m3@thidua.local",
    ]
    assert s.get_session(sid).state == "open"
    await clock.sleep_until(now + timedelta(days=2, minutes=5))
    assert await handle.result() == "closed"
    session = s.get_session(sid)
    assert session.state == "closed"
    assert session.results[str(nid)]["outcome"] == "no_quorum"
    [closed] = names(clock, sid, "SessionClosed")
    assert closed.actor_id == "system"  # type: ignore[attr-defined]


async def test_the_secretary_reminds_non_voters_now_through_the_sessions_workflow(
    clock: Clock,
) -> None:
    nid, sid = await council_ready(clock)
    s, now = clock.service, await clock.now()
    s.set_closing_deadline(ctx(SECRETARY, await clock.today()), sid, now + timedelta(days=3))
    s.open_session(ctx(SECRETARY, await clock.today()), sid)
    s.cast_vote(ctx(member("m1"), await clock.today()), sid, nid, "approve")
    await clock.relay_events()
    s.request_session_reminder(ctx(SECRETARY, await clock.today()), sid)
    await clock.relay_events()
    await clock.relay_events()  # a relay that sends again sends nothing twice
    await clock.sleep_until(now + timedelta(minutes=5))
    [reminder] = names(clock, sid, "ReminderSent")
    assert reminder.recipients == [  # type: ignore[attr-defined]
        "member.m2@thidua.local",
        "member.m3@thidua.local",
    ]
    [asked] = names(clock, sid, "ReminderRequested")
    assert asked.actor_id == "secretary"  # type: ignore[attr-defined]
    for m in ("m2", "m3"):
        s.cast_vote(ctx(member(m), await clock.today()), sid, nid, "approve")
    with pytest.raises(StageTransitionError, match="nobody to remind"):
        s.request_session_reminder(ctx(SECRETARY, await clock.today()), sid)


async def test_a_relay_that_dies_between_commit_and_signal_loses_nothing_and_doubles_nothing(
    clock: Clock,
) -> None:
    nid = await open_nomination(clock)
    clock.service.submit_nomination(ctx(officer(), await clock.today()), nid)

    def crash(reached: int) -> None:
        raise SystemExit("relay killed after signalling, before storing its position")

    dying = clock.relay
    dying._store_position = crash  # type: ignore[method-assign]
    with pytest.raises(SystemExit):
        await dying.catch_up()
    handle = clock.env.client.get_workflow_handle(nomination_workflow_id(str(nid), clock.prefix))
    before = await handle.query(NominationClockWorkflow.get_state)
    assert before["changes"] == 2  # opened, submitted

    # While no relay runs, another change commits.
    clock.service.complete_province_review(
        ctx(PROVINCE, await clock.today()), nid, "return", "Bổ sung hồ sơ."
    )
    restarted = Relay(
        clock.service, dying.position, clock.env.client, clock.task_queue, id_prefix=clock.prefix
    )
    await restarted.catch_up()
    assert restarted.lag() == 0
    after = await handle.query(NominationClockWorkflow.get_state)
    assert after["changes"] == 3  # the re-sent events counted once, the new one too
    assert after["stage"] == "collecting"
    await clock.env.sleep(timedelta(minutes=1))
    assert len(names(clock, nid, "ProvinceReviewCompleted")) == 1
