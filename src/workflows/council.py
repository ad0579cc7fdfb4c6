"""A council session's clock: a reminder to members who have not voted, and a closing
deadline that the secretary may move with a validated update."""

from __future__ import annotations

from datetime import datetime, timedelta

from temporalio import workflow
from temporalio.exceptions import ActivityError

with workflow.unsafe.imports_passed_through():
    from workflows.activities import ClockActivities
    from workflows.inputs import (
        MoveClosingDeadline,
        ReminderAsked,
        SessionClockInput,
        SessionClosed,
        SessionOpened,
    )
    from workflows.retry import Delivered, clock_step, run_activity

REMIND_BEFORE = timedelta(hours=2)


@workflow.defn
class CouncilSessionWorkflow:
    def __init__(self) -> None:
        self._seen = Delivered()
        self._opened = False
        self._closed = False
        self._closes_at: datetime | None = None
        self._moves = 0
        self._reminded_for: set[str] = set()
        self._asked: list[str] = []
        self._session_id = ""

    @workflow.signal
    def session_opened(self, opened: SessionOpened) -> None:
        if not self._seen.first(opened.event_id):
            return
        self._opened = True
        if self._closes_at is None:
            self._closes_at = opened.closes_at
            self._moves += 1

    @workflow.signal
    def deadline_set(self, news: SessionOpened) -> None:
        """A deadline recorded in the store, by this workflow's update or before opening."""
        if not self._seen.first(news.event_id):
            return
        if news.closes_at != self._closes_at:
            self._closes_at = news.closes_at
            self._moves += 1

    @workflow.signal
    def remind_now(self, asked: ReminderAsked) -> None:
        """The secretary asked, in the store: remind those who have not voted, now."""
        if not self._seen.first(asked.event_id):
            return
        self._asked.append(asked.event_id)

    @workflow.signal
    def session_closed(self, closed: SessionClosed) -> None:
        self._seen.first(closed.event_id)
        self._closed = True

    @workflow.update
    async def move_closing_deadline(self, move: MoveClosingDeadline) -> datetime:
        self._closes_at = move.closes_at
        self._moves += 1
        await run_activity(
            ClockActivities.set_closing_deadline,
            clock_step(
                self._session_id,
                f"deadline/{self._moves}",
                "set_closing_deadline",
                closes_at=move.closes_at,
            ),
        )
        return move.closes_at

    @move_closing_deadline.validator
    def _validate_move(self, move: MoveClosingDeadline) -> None:
        if self._closed:
            raise ValueError("the session is closed")
        if move.closes_at.tzinfo is None:
            raise ValueError("closes_at: must include a time zone")
        if move.closes_at <= workflow.now():
            raise ValueError("closes_at: must be in the future")
        if not move.by:
            raise ValueError("by: the secretary moving the deadline is required")

    @workflow.query
    def get_state(self) -> dict[str, object]:
        return {
            "opened": self._opened,
            "closed": self._closed,
            "closes_at": self._closes_at.isoformat() if self._closes_at else None,
        }

    @workflow.run
    async def run(self, session: SessionClockInput) -> str:
        self._session_id = session.session_id
        await workflow.wait_condition(
            lambda: self._closed or (self._opened and self._closes_at is not None)
        )
        while not self._closed:
            if self._asked:
                await self._step(
                    "reminder", f"asked/{self._asked.pop(0)}", "remind_council_members"
                )
                continue
            moves, closes_at = self._moves, self._closes_at
            assert closes_at is not None  # noqa: S101 - the wait above guarantees it
            key = closes_at.isoformat()
            remind_at = closes_at - REMIND_BEFORE
            if key not in self._reminded_for and workflow.now() < remind_at:
                if await self._sleep_until(remind_at, moves):
                    continue
                self._reminded_for.add(key)
                await self._step("reminder", key, "remind_council_members")
                continue
            if await self._sleep_until(closes_at, moves):
                continue
            await self._step("close", key, "close_council_session")
            self._closed = True
        await workflow.wait_condition(workflow.all_handlers_finished)
        return "closed"

    async def _sleep_until(self, moment: datetime, moves: int) -> bool:
        """True when the session closed or the deadline moved before ``moment``."""
        delay = moment - workflow.now()
        if delay <= timedelta(0):
            return self._closed or self._moves != moves or bool(self._asked)
        try:
            await workflow.wait_condition(
                lambda: self._closed or self._moves != moves or bool(self._asked), timeout=delay
            )
            return True
        except TimeoutError:
            return False

    async def _step(self, kind: str, key: str, name: str) -> None:
        activity = getattr(ClockActivities, name)
        try:
            await run_activity(activity, clock_step(self._session_id, f"{kind}/{key}", kind))
        except ActivityError as error:
            workflow.logger.info("council clock step refused: %s", error.cause)
