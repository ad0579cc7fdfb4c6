"""docs/spec.md §6 under time skipping: reminders, missed deadlines, escalations, and a
deadline met early that cancels its timers. Real activities on an in-memory store."""

from __future__ import annotations

from datetime import date, timedelta
from uuid import UUID

import pytest

from domain.cycles import CycleKind, CycleTerms
from domain.deadlines import VIETNAM, stage_alarms
from domain.stages import Stage
from tests.factories import ADMIN, PROVINCE, ctx, officer
from tests.workflows.conftest import Clock
from workflows import nomination_workflow_id
from workflows.nomination import NominationClockWorkflow

pytestmark = [pytest.mark.workflow, pytest.mark.asyncio(loop_scope="session")]

FIGURES = {
    2023: {"total_households": 4000, "poor_households": 200},
    2024: {"total_households": 4000, "poor_households": 150},
    2025: {"total_households": 4000, "poor_households": 118},
}


async def open_nomination(clock: Clock, closes_in_days: int = 40) -> UUID:
    """A department's nomination for cycle 2025, whose dossiers close in the future."""
    today = await clock.today()
    s = clock.service
    s.configure_cycle(
        ctx(ADMIN, today),
        CycleTerms(2025, CycleKind.FINAL, today + timedelta(days=closes_in_days), (2024, 2025), 10),
    )
    nid = s.open_nomination(ctx(officer(), today), "S-SO-LDTBXH", "bang-khen-tinh", 2025).id
    s.write_achievement_report(ctx(officer(), today), nid, "Báo cáo.")
    return nid


async def submit(clock: Clock, nid: UUID) -> None:
    clock.service.submit_nomination(ctx(officer(), await clock.today()), nid)
    await clock.relay_events()


def names(clock: Clock, nid: UUID, kind: str) -> list[object]:
    return [e for e in clock.service.events.get(nid) if type(e).__name__ == kind]


async def test_collection_reminds_five_and_one_working_days_before_closing_then_records_the_miss(
    clock: Clock,
) -> None:
    nid = await open_nomination(clock)
    await clock.relay_events()
    due = clock.service.get_nomination(nid).due_on
    assert due is not None
    await clock.sleep_until(
        stage_alarms(
            Stage.COLLECTING, due, clock.service.calendar, clock.service.default_rule_set.deadlines
        )[-1].at
        + timedelta(hours=1)
    )
    reminders = names(clock, nid, "ReminderSent")
    assert len(reminders) == 2
    assert [r.stage for r in reminders] == ["collecting", "collecting"]  # type: ignore[attr-defined]
    [missed] = names(clock, nid, "DeadlineMissed")
    assert (missed.stage, missed.due_on) == ("collecting", due)  # type: ignore[attr-defined]
    assert len(clock.outbox.sent) == 2
    assert clock.outbox.sent[0][0] == ["unit_officer.s-so-ldtbxh@thidua.local"]


async def test_province_review_reminds_records_the_miss_and_escalates_to_the_board_head(
    clock: Clock,
) -> None:
    nid = await open_nomination(clock)
    await submit(clock, nid)
    nomination = clock.service.get_nomination(nid)
    assert nomination.stage == "province_review"
    due = nomination.due_on
    assert due is not None
    assert due == clock.service.calendar.add_working_days(await clock.today(), 25)
    await clock.sleep_until(_midnight_after(due) + timedelta(hours=1))
    assert [r.stage for r in names(clock, nid, "ReminderSent")] == ["province_review"]  # type: ignore[attr-defined]
    [missed] = names(clock, nid, "DeadlineMissed")
    assert missed.due_on == due  # type: ignore[attr-defined]
    [escalated] = names(clock, nid, "Escalated")
    assert escalated.to == "board_head"  # type: ignore[attr-defined]
    workflow_id = nomination_workflow_id(str(nid), clock.prefix)
    state = await clock.env.client.get_workflow_handle(workflow_id).query(
        NominationClockWorkflow.get_state
    )
    assert state["stage"] == "province_review"
    # The notices read fully in Vietnamese: the stage and the award by name, not by code.
    texts = [s + b for (_, s), b in zip(clock.outbox.sent, clock.outbox.bodies, strict=True)]
    assert texts
    assert all("province_review" not in text and "bang-khen" not in text for text in texts)
    assert any("thẩm định cấp tỉnh" in text for text in texts)


async def test_a_deadline_met_one_day_early_cancels_its_timers(clock: Clock) -> None:
    nid = await open_nomination(clock)
    await submit(clock, nid)
    due = clock.service.get_nomination(nid).due_on
    assert due is not None
    await clock.sleep_until(_midnight_after(due - timedelta(days=2)) + timedelta(hours=9))
    assert await clock.today() == due - timedelta(days=1)
    s = clock.service
    s.record_criterion_check(
        ctx(PROVINCE, await clock.today()), nid, "plan-1067-tasks", "met", "Hoàn thành."
    )
    s.complete_province_review(ctx(PROVINCE, await clock.today()), nid, "approve", "")
    await clock.relay_events()
    await clock.sleep_until(_midnight_after(due) + timedelta(days=3))
    assert names(clock, nid, "DeadlineMissed") == []
    assert names(clock, nid, "Escalated") == []
    assert s.get_nomination(nid).stage == "public_notice"


async def test_the_public_notice_ends_by_itself_when_its_window_closes(clock: Clock) -> None:
    nid = await open_nomination(clock)
    await submit(clock, nid)
    s = clock.service
    today = await clock.today()
    s.record_criterion_check(ctx(PROVINCE, today), nid, "plan-1067-tasks", "met", "Đạt.")
    s.complete_province_review(ctx(PROVINCE, today), nid, "approve", "")
    await clock.relay_events()
    due = s.get_nomination(nid).due_on
    assert due == s.calendar.add_working_days(today, 10)
    await clock.sleep_until(_midnight_after(due) + timedelta(hours=1))  # type: ignore[arg-type]
    assert s.get_nomination(nid).stage == "council"
    [ended] = names(clock, nid, "PublicNoticeEnded")
    assert ended.actor_id == "system"  # type: ignore[attr-defined]


async def test_an_open_complaint_holds_the_notice_until_it_is_resolved(clock: Clock) -> None:
    nid = await open_nomination(clock)
    await submit(clock, nid)
    s = clock.service
    today = await clock.today()
    s.record_criterion_check(ctx(PROVINCE, today), nid, "plan-1067-tasks", "met", "Đạt.")
    s.complete_province_review(ctx(PROVINCE, today), nid, "approve", "")
    complaint, _ = s.file_complaint(ctx(PROVINCE, today), nid, "Phản ánh.", "Người dân")
    await clock.relay_events()
    due = s.get_nomination(nid).due_on
    await clock.sleep_until(_midnight_after(due) + timedelta(days=2))  # type: ignore[arg-type]
    assert s.get_nomination(nid).stage == "public_notice"
    s.resolve_complaint(
        ctx(PROVINCE, await clock.today()), nid, complaint, "Không có cơ sở.", False
    )
    await clock.relay_events()
    await clock.env.sleep(timedelta(minutes=5))
    assert s.get_nomination(nid).stage == "council"


def _midnight_after(day: date) -> object:
    from datetime import datetime, time

    return datetime.combine(day + timedelta(days=1), time(0), VIETNAM)
