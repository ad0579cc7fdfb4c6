"""The relay: committed domain events become workflow signals, none lost, none doubled.

It reads the notification log after its stored position, sends ``signal_with_start`` for
each event a workflow needs (carrying the event id), and only then stores the new
position. A crash in between re-sends a step; workflows ignore event ids they have seen.
Nothing is sent for a write that did not commit: only the log is read.

While a page's signals go out, the position after the longest run of events whose signals
were all sent is committed every ``timing.step`` seconds: a slow Temporal or a busy host
makes each step cover fewer events, never makes one outlast the lease, and a keeper renews
the lease between commits while signals keep going out.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol
from uuid import UUID

import structlog
from eventsourcing.domain import DomainEventProtocol
from eventsourcing.utils import get_topic
from temporalio.client import Client
from temporalio.common import WorkflowIDReusePolicy
from temporalio.exceptions import WorkflowAlreadyStartedError

from domain.calendar import VIETNAM
from domain.council import CouncilSession
from domain.council_voting import VOTING_CLOSES
from domain.nomination import REVIEW_MOVES, Nomination
from domain.recovery import PrizeRecovery
from domain.submission import Submission
from projections.lease import Keeper, Lease, LeaseLost, LeaseTiming
from workflows import (
    council_workflow_id,
    nomination_workflow_id,
    recovery_workflow_id,
    submission_workflow_id,
)
from workflows.council import CouncilSessionWorkflow
from workflows.inputs import (
    ChainNews,
    NominationClockInput,
    RecoveryInput,
    ReminderAsked,
    SessionClockInput,
    SessionClosed,
    SessionOpened,
    StageChanged,
    SubmissionInput,
    VisitOrdered,
    VisitReported,
)
from workflows.nomination import NominationClockWorkflow
from workflows.recovery import PrizeRecoveryWorkflow
from workflows.submission import SubmissionWorkflow


class EventLog(Protocol):
    """What the relay reads: the committed log, its events, and a session's closing time."""

    name: str

    def head(self) -> int: ...
    def read_log(
        self, after: int, limit: int, stop: int, topics: Sequence[str] = ()
    ) -> Sequence[Any]: ...
    def event_of(self, notification: Any) -> Any: ...
    def get_session(self, sid: UUID) -> Any: ...


class PositionStore(Protocol):
    """Where the relay keeps its place in the log, beside the projections' places."""

    def get(self, application: str) -> int: ...
    def save(self, application: str, position: int) -> None: ...


@dataclass(frozen=True)
class Signal:
    workflow_id: str
    workflow: Any
    start_input: Any
    name: str
    payload: Any


STAGE_EVENTS = (
    *REVIEW_MOVES,
    Nomination.PublicNoticeEnded,
    Nomination.CouncilDecided,
    Nomination.CouncilRecommended,
    Nomination.AwardDecided,
)
TOPICS = tuple(
    get_topic(cls)
    for cls in (
        Nomination.Opened,
        *STAGE_EVENTS,
        Nomination.Withdrawn,
        Nomination.ComplaintFiled,
        Nomination.ComplaintResolved,
        Nomination.InspectionOrdered,
        Nomination.InspectionReported,
        CouncilSession.SessionOpened,
        CouncilSession.ClosingDeadlineSet,
        CouncilSession.ReminderRequested,
        CouncilSession.SessionClosed,
        Submission.Prepared,
        Submission.Decided,
        PrizeRecovery.Opened,
        PrizeRecovery.Recovered,
    )
)


class Relay:
    def __init__(
        self,
        service: EventLog,
        position: PositionStore,
        client: Client,
        task_queue: str,
        page_size: int = 200,
        id_prefix: str = "",
        lease: Lease | None = None,
        timing: LeaseTiming | None = None,
    ) -> None:
        self.id_prefix = id_prefix
        self.lease = lease
        self.timing = timing or (LeaseTiming.for_ttl(lease.ttl) if lease else LeaseTiming())
        self.keeper: Keeper | None = None
        self.service = service
        self.position = position
        self.client = client
        self.task_queue = task_queue
        self.page_size = page_size
        self.log = structlog.get_logger()
        self.workflow_ids: set[str] = set()  # every workflow this relay has signalled

    # --- what to send ---------------------------------------------------------------------

    def signals_for(self, event: DomainEventProtocol[UUID]) -> list[Signal]:
        event_id = f"{event.originator_id}:{event.originator_version}"
        aggregate_id = str(event.originator_id)
        state = vars(event)
        if isinstance(event, Nomination.Event):
            kind = type(event).__name__
            stage, due_on, name = None, None, "stage_changed"
            payload: Any
            if kind == "Opened":
                stage, due_on = "collecting", state["due_on"]
            elif kind == "Withdrawn":
                stage = "closed"
            elif "to_stage" in state:
                stage, due_on = state["to_stage"], state.get("due_on")
            if kind == "InspectionOrdered":
                name = "visit_ordered"
                payload = VisitOrdered(
                    event_id=event_id,
                    visit_id=state["visit_id"],
                    team_id=state["team_id"],
                    due_on=state["due_on"],
                )
            elif kind == "InspectionReported":
                name = "visit_reported"
                payload = VisitReported(event_id=event_id, visit_id=state["visit_id"])
            elif stage is None:  # a complaint: the public notice may end now, or not yet
                payload = StageChanged(
                    event_id=event_id, version=event.originator_version, stage="", due_on=None
                )
                name = "nudged"
            else:
                payload = StageChanged(
                    event_id=event_id,
                    version=event.originator_version,
                    stage=stage,
                    due_on=due_on,
                )
            return [
                Signal(
                    nomination_workflow_id(aggregate_id, self.id_prefix),
                    NominationClockWorkflow.run,
                    NominationClockInput(nomination_id=aggregate_id, id_prefix=self.id_prefix),
                    name,
                    payload,
                )
            ]
        if isinstance(event, PrizeRecovery.Opened | PrizeRecovery.Recovered):
            opened = isinstance(event, PrizeRecovery.Opened)
            nid = str(state["nomination_id"])
            due_on = state["due_on"] if opened else state["recovered_on"]
            return [
                Signal(
                    recovery_workflow_id(nid, self.id_prefix),
                    PrizeRecoveryWorkflow.run,
                    RecoveryInput(nomination_id=nid, due_on=due_on),
                    "opened" if opened else "recovered",
                    ChainNews(event_id=event_id),
                )
            ]
        if isinstance(event, Submission.Prepared | Submission.Decided):
            name = "prepared" if isinstance(event, Submission.Prepared) else "decided"
            return [
                Signal(
                    submission_workflow_id(aggregate_id, self.id_prefix),
                    SubmissionWorkflow.run,
                    SubmissionInput(submission_id=aggregate_id),
                    name,
                    ChainNews(event_id=event_id),
                )
            ]
        kind = type(event).__name__
        start = SessionClockInput(session_id=aggregate_id)
        workflow_id = council_workflow_id(aggregate_id, self.id_prefix)
        if kind == "SessionOpened":
            session = self.service.get_session(event.originator_id)
            # Sessions opened before the opening recorded its deadline.
            closes_at = session.closes_at or datetime.combine(
                session.scheduled_for, VOTING_CLOSES, VIETNAM
            )
            payload = SessionOpened(event_id=event_id, closes_at=closes_at)
            return [
                Signal(workflow_id, CouncilSessionWorkflow.run, start, "session_opened", payload)
            ]
        if kind == "ClosingDeadlineSet":
            payload = SessionOpened(event_id=event_id, closes_at=state["closes_at"])
            return [Signal(workflow_id, CouncilSessionWorkflow.run, start, "deadline_set", payload)]
        if kind == "ReminderRequested":
            asked = ReminderAsked(event_id=event_id)
            return [Signal(workflow_id, CouncilSessionWorkflow.run, start, "remind_now", asked)]
        if kind == "SessionClosed":
            payload = SessionClosed(event_id=event_id)
            return [
                Signal(workflow_id, CouncilSessionWorkflow.run, start, "session_closed", payload)
            ]
        return []

    # --- sending --------------------------------------------------------------------------

    async def send(self, signal: Signal) -> None:
        self.workflow_ids.add(signal.workflow_id)
        try:
            await self.client.start_workflow(
                signal.workflow,
                signal.start_input,
                id=signal.workflow_id,
                task_queue=self.task_queue,
                start_signal=signal.name,
                start_signal_args=[signal.payload],
                id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
            )
        except WorkflowAlreadyStartedError:
            # The workflow ran to its end already: nothing left for it to hear.
            self.log.info("relay.workflow_finished", workflow_id=signal.workflow_id)

    async def step(self) -> int:
        """Relays one page of the log; returns how many events it read (0 when caught up).

        Every workflow hears its events in log order, different workflows in parallel. While
        the page's signals go out, the position after the longest run of events whose
        signals were all sent is committed every ``timing.step`` seconds, so a page that
        takes far longer than the lease (a backlog, a slow Temporal, a busy host) keeps its
        progress in small steps, and the keeper renews the lease as each signal goes."""
        page = await asyncio.to_thread(self._read_page)
        if page is None:
            return 0
        notifications, reached = page
        unsent: list[int] = []  # per notification: its signals not yet sent
        chains: dict[str, list[tuple[int, Signal]]] = {}
        for index, notification in enumerate(notifications):
            found = self.signals_for(self.service.event_of(notification))
            unsent.append(len(found))
            for signal in found:
                chains.setdefault(signal.workflow_id, []).append((index, signal))

        async def in_order(chain: list[tuple[int, Signal]]) -> None:
            for index, signal in chain:
                if self.lease is not None and self.lease.token is None:
                    return  # the lease is gone: stop at once, the next holder goes on
                await self.send(signal)
                unsent[index] -= 1
                if self.keeper is not None:
                    self.keeper.progressed()

        committed = [0]

        async def commit() -> None:
            """Stores the position after the events all of whose signals went out."""
            done = next((i for i, n in enumerate(unsent) if n), len(unsent))
            if done == len(notifications):
                position = reached  # the whole page, or a page with nothing to send
            elif done:
                position = notifications[done - 1].id
            else:
                return
            if position > committed[0]:
                await asyncio.to_thread(self._store_position, position)
                committed[0] = position
                if self.keeper is not None:
                    self.keeper.progressed()

        tasks = [asyncio.create_task(in_order(chain)) for chain in chains.values()]
        try:
            pending: set[asyncio.Task[None]] = set(tasks)
            while pending:
                _, pending = await asyncio.wait(pending, timeout=self.timing.step)
                if any(t.done() and not t.cancelled() and t.exception() for t in tasks):
                    break
                if pending:
                    await commit()  # a step: what was sent so far stays sent
        finally:
            for task in tasks:
                task.cancel()
            outcomes = await asyncio.gather(*tasks, return_exceptions=True)
        await commit()  # what was sent stays sent, even when a signal failed
        for outcome in outcomes:
            if isinstance(outcome, BaseException) and not isinstance(
                outcome, asyncio.CancelledError
            ):
                raise outcome
        if self.lease is not None and self.lease.token is None:
            raise LeaseLost(f"relay: the lease of {self.lease.holder} lapsed during a page")
        return len(notifications) or 1

    def _read_page(self) -> tuple[list[Any], int] | None:
        position = self.position.get(self.service.name)
        head = self.service.head()
        if position >= head:
            return None
        notifications = self.service.read_log(position, self.page_size, head, TOPICS)
        reached = notifications[-1].id if len(notifications) == self.page_size else head
        return list(notifications), reached

    def _store_position(self, reached: int) -> None:
        self.position.save(self.service.name, reached)

    async def catch_up(self) -> None:
        while await self.step():
            pass

    async def run(self, stop: asyncio.Event, poll_seconds: float = 0.5) -> None:
        """Relays until ``stop`` is set; with a lease, only while this relay holds it (the
        others wait as standbys, and the first to find it lapsed takes over). A keeper
        renews the lease while signals go out, so a long catch-up never loses it."""
        leases = [self.lease] if self.lease is not None else []
        keeper = Keeper(leases, self.timing.renew_every, self.timing.ttl)
        self.keeper = keeper
        try:
            with keeper:
                while not stop.is_set():
                    try:
                        if await asyncio.to_thread(self._hold):
                            await self.catch_up()
                        keeper.progressed()  # a round done: alive and well
                    except LeaseLost as lost:  # paused past the lease: a standby moved on
                        self.log.warning("relay.lease_lost", reason=str(lost))
                    except Exception:  # a Temporal or database outage: retry from the position
                        self.log.exception("relay.step_failed")
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(stop.wait(), poll_seconds)
        finally:
            self.keeper = None
            if self.lease is not None:
                with contextlib.suppress(Exception):
                    await asyncio.to_thread(self.lease.release)

    def _hold(self) -> bool:
        lease = self.lease
        if lease is None:
            return True
        was_held = lease.token is not None
        held = lease.acquire()
        if held and not was_held:
            self.log.info(
                "relay.lease_taken",
                token=lease.token,
                position=self.position.get(self.service.name),
            )
        elif was_held and not held:
            self.log.warning("relay.lease_lost")
        return held

    def lag(self) -> int:
        return max(self.service.head() - self.position.get(self.service.name), 0)
