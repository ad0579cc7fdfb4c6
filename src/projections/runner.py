"""Runs, rebuilds and reports the lag of every projection.

Each projection reads the notification log in pages; a step's rows and its tracking
position commit in one transaction, so an event is applied exactly once whenever the
process stops. Pages end at the log's head as read before the page: ids commit in order,
so nothing below the head can still appear. A step ends after ``page_size`` events or
``timing.step`` seconds, whichever comes first, so a slow handler or a busy host makes the
steps smaller instead of making one transaction outlast the lease.
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

import psycopg
import structlog
from eventsourcing.application import Application
from eventsourcing.persistence import InterfaceError, OperationalError, Tracking
from eventsourcing.projection import Projection
from psycopg import sql

from projections.audit_trail import AuditTrailProjection
from projections.audit_trail_view import AuditTrailView
from projections.award_register import AwardRegisterProjection, AwardRegisterView
from projections.board import BoardProjection, BoardView
from projections.council_agenda import CouncilAgendaProjection, CouncilAgendaView
from projections.lease import (
    Keeper,
    Lease,
    LeaseLost,
    LeaseTiming,
    create_lease_table,
    holder_name,
    lease_statuses,
)
from projections.notifications import NotificationsProjection, NotificationsView
from projections.statistics import StatisticsProjection, StatisticsView
from projections.task_inbox import TaskInboxProjection, TaskInboxView
from projections.tracking import position_of
from projections.views.tracked import TrackedView
from storage.views import Database, PostgresDatabase

V = TypeVar("V", bound=TrackedView)

CATALOGUE: dict[str, tuple[type[Projection[Any]], type[TrackedView]]] = {
    "audit_trail": (AuditTrailProjection, AuditTrailView),
    "board": (BoardProjection, BoardView),
    "task_inbox": (TaskInboxProjection, TaskInboxView),
    "council_agenda": (CouncilAgendaProjection, CouncilAgendaView),
    "statistics": (StatisticsProjection, StatisticsView),
    "notifications": (NotificationsProjection, NotificationsView),
    "award_register": (AwardRegisterProjection, AwardRegisterView),
}

Progress = Callable[[int, int], None]
"""Called with (position reached, head of the log)."""


@dataclass(frozen=True)
class Lag:
    name: str
    position: int
    head: int

    @property
    def behind(self) -> int:
        return max(self.head - self.position, 0)


@dataclass(frozen=True)
class Reader:
    """One reader of the log (a projection, or the relay) as an operator sees it: where it
    is, how far behind, who holds its lease, how long since its holder last committed a
    step, and how often a holder lost the lease (counted in the database, so the relay's
    figures show here too though its process serves no HTTP)."""

    name: str
    position: int
    behind: int
    holder: str | None
    held: bool
    step_age_seconds: float | None
    lease_losses: int


class ProjectionRunner:
    def __init__(
        self,
        app: Application[Any],
        database: Database,
        names: Iterable[str] | None = None,
        page_size: int = 500,
        timing: LeaseTiming | None = None,
    ) -> None:
        self.app = app
        self.database = database
        self.page_size = page_size
        self.timing = timing or LeaseTiming()
        self.keeper: Keeper | None = None
        """Set by ``run_forever``: told of each event applied, it keeps the leases."""
        chosen = list(names) if names is not None else list(CATALOGUE)
        unknown = [n for n in chosen if n not in CATALOGUE]
        if unknown:
            raise ValueError(f"unknown projection {unknown[0]!r}; known: {', '.join(CATALOGUE)}")
        self.projections: dict[str, Projection[Any]] = {}
        self.leases: dict[str, Lease] = {}
        """Set by ``run_forever``: each page then moves a view only while its lease holds."""
        for name in chosen:
            projection_class, view_class = CATALOGUE[name]
            self.projections[name] = projection_class(view_class(database))
        create_lease_table(database)

    def view(self, name: str) -> TrackedView:
        """A view by its name in the catalogue, for what every view has (its position)."""
        view: TrackedView = self.projections[name].view
        return view

    def _typed(self, name: str, kind: type[V]) -> V:
        view = self.projections[name].view
        if not isinstance(view, kind):  # pragma: no cover - the catalogue pairs them
            raise TypeError(f"the {name} view is a {type(view).__name__}")
        return view

    # Each view typed, for its own queries.
    @property
    def board_view(self) -> BoardView:
        return self._typed("board", BoardView)

    @property
    def audit_trail_view(self) -> AuditTrailView:
        return self._typed("audit_trail", AuditTrailView)

    @property
    def task_inbox_view(self) -> TaskInboxView:
        return self._typed("task_inbox", TaskInboxView)

    @property
    def council_agenda_view(self) -> CouncilAgendaView:
        return self._typed("council_agenda", CouncilAgendaView)

    @property
    def statistics_view(self) -> StatisticsView:
        return self._typed("statistics", StatisticsView)

    @property
    def notifications_view(self) -> NotificationsView:
        return self._typed("notifications", NotificationsView)

    @property
    def award_register_view(self) -> AwardRegisterView:
        return self._typed("award_register", AwardRegisterView)

    # --- processing -----------------------------------------------------------------------

    def position(self, name: str) -> int:
        return self.view(name).max_tracking_id(self.app.name) or 0

    def head(self) -> int:
        return self.app.recorder.max_notification_id() or 0

    def step(self, name: str, head: int | None = None) -> int:
        """Applies one step up to ``head``; returns the position reached."""
        projection = self.projections[name]
        position = self.position(name)
        head = self.head() if head is None else head
        if position >= head:
            return position
        notifications = self.app.recorder.select_notifications(
            start=position,
            limit=self.page_size,
            stop=head,
            topics=projection.topics,
            inclusive_of_start=False,
        )
        # A short page means every relevant event up to the head has been read.
        reached = notifications[-1].id if len(notifications) == self.page_size else head
        mapper = self.app.mapper
        decode = getattr(mapper, "to_read_only_event", mapper.to_domain_event)
        deadline = time.monotonic() + self.timing.step
        with projection.view.page():
            for index, notification in enumerate(notifications):
                projection.process_event(
                    decode(notification),
                    Tracking(self.app.name, notification.id),
                )
                if self.keeper is not None:
                    self.keeper.progressed()
                if time.monotonic() >= deadline and index + 1 < len(notifications):
                    reached = notification.id  # the rest of the page is the next step's
                    break
            lease = self.leases.get(name)
            if lease is not None:
                lease.guard(projection.view.cursor)  # else LeaseLost: the page rolls back
            projection.view.insert_tracking(Tracking(self.app.name, reached))
        return reached

    def catch_up(
        self, name: str, progress: Progress | None = None, stop: threading.Event | None = None
    ) -> int:
        """Applies pages until the projection reaches the head as it was at the start, or
        until ``stop`` is set: the page being applied then commits, and no other starts."""
        head = self.head()
        position = self.position(name)
        while position < head and not (stop is not None and stop.is_set()):
            position = self.step(name, head)
            if progress is not None:
                progress(position, head)
        return position

    def catch_up_all(self) -> None:
        for name in self.projections:
            self.catch_up(name)

    def rebuild(self, name: str, progress: Progress | None = None) -> int:
        """Drops the view and replays the whole log into it."""
        self.view(name).drop()
        return self.catch_up(name, progress)

    def readers(self) -> list[Reader]:
        """Every projection this runner knows and the relay, with their leases."""
        head = self.head()
        leases = {s.name: s for s in lease_statuses(self.database)}
        positions = {f"projection:{name}": self.position(name) for name in self.projections}
        positions["relay"] = position_of(self.database, "relay", self.app.name) or 0
        found = []
        for lease_name, position in positions.items():
            lease = leases.get(lease_name)
            found.append(
                Reader(
                    lease_name.removeprefix("projection:"),
                    position,
                    max(head - position, 0),
                    lease.holder if lease else None,
                    bool(lease and lease.held),
                    lease.step_age if lease else None,
                    lease.losses if lease else 0,
                )
            )
        return found

    def lag(self) -> list[Lag]:
        head = self.head()
        return [Lag(name, self.position(name), head) for name in self.projections]

    # --- running --------------------------------------------------------------------------

    def run_forever(
        self, stop: threading.Event, poll_seconds: float = 0.5, leased: bool = True
    ) -> None:
        """Follows the log until ``stop`` is set.

        SQLite cannot push, so the runner polls. On PostgreSQL it sleeps until the store
        notifies a new append (the recorder's channel), with the poll as a fallback. While
        the database is unreachable it keeps trying, and resumes from the stored positions:
        a page that failed was never committed.

        With ``leased``, each projection is followed only while this runner holds its lease;
        other runners wait as standbys and take over when it lapses. A keeper renews the
        leases while steps make progress, so a long catch-up keeps them.
        """
        database = self.database
        waiter = _NotifyWaiter(self, database) if isinstance(database, PostgresDatabase) else None
        log = structlog.get_logger()
        holder = holder_name()
        if leased:
            self.leases = {
                name: Lease(database, f"projection:{name}", holder, self.timing.ttl)
                for name in self.projections
            }
        keeper = Keeper(self.leases.values(), self.timing.renew_every, self.timing.ttl)
        self.keeper = keeper
        failing = False
        try:
            with keeper:
                while not stop.is_set():
                    try:
                        self._follow(log, stop)
                    except OUTAGES as error:
                        if not failing:
                            log.warning("projections.database_unreachable", error=str(error))
                        failing = True
                        stop.wait(poll_seconds)
                        continue
                    keeper.progressed()  # a whole round done: alive and well
                    if failing:
                        log.info("projections.database_back")
                        failing = False
                    if waiter is not None:
                        waiter.wait(poll_seconds)
                    else:
                        stop.wait(poll_seconds)
        finally:
            self.keeper = None
            if waiter is not None:
                waiter.close()
            for lease in self.leases.values():
                with contextlib.suppress(*OUTAGES):
                    lease.release()
            self.leases = {}

    def _follow(self, log: Any, stop: threading.Event) -> None:
        """One round: the projections this runner holds take a step each in turn until all
        reach the head as it was when the round began, so none waits on another's backlog."""
        head = self.head()
        following = [name for name in self.projections if self._hold(name, log)]
        while following and not stop.is_set():
            for name in list(following):
                try:
                    if self.step(name, head) >= head:
                        following.remove(name)
                except LeaseLost as lost:
                    log.warning("projection.lease_lost", projection=name, reason=str(lost))
                    following.remove(name)

    def _hold(self, name: str, log: Any) -> bool:
        lease = self.leases.get(name)
        if lease is None:
            return True
        was_held = lease.token is not None
        if not lease.acquire():
            if was_held:
                log.warning("projection.lease_lost", projection=name)
            return False
        if not was_held:
            log.info(
                "projection.lease_taken",
                projection=name,
                token=lease.token,
                position=self.position(name),
            )
        return True


OUTAGES: tuple[type[Exception], ...] = (
    sqlite3.OperationalError,
    psycopg.OperationalError,
    psycopg.InterfaceError,
    OperationalError,
    InterfaceError,
)
"""What a lost or busy database raises: worth waiting out, unlike a bug in a view."""


class _NotifyWaiter:
    """LISTENs on the channel the event store NOTIFYs on each append; when the connection
    is lost it waits out the poll and listens again on a new one."""

    def __init__(self, runner: ProjectionRunner, database: PostgresDatabase) -> None:
        self._conninfo = database.conninfo
        self._channel = getattr(runner.app.recorder, "channel_name", "stored_events")
        self._conn: psycopg.Connection[Any] | None = None

    def _listen(self) -> psycopg.Connection[Any]:
        conn = psycopg.connect(self._conninfo, autocommit=True, connect_timeout=5)
        conn.execute(sql.SQL("LISTEN {}").format(sql.Identifier(self._channel)))
        return conn

    def wait(self, timeout: float) -> None:
        try:
            if self._conn is None:
                self._conn = self._listen()
            for _ in self._conn.notifies(timeout=timeout, stop_after=1):
                break
        except psycopg.Error:
            self.close()
            time.sleep(timeout)  # the poll goes on; the next wait listens again

    def close(self) -> None:
        if self._conn is not None:
            with contextlib.suppress(psycopg.Error):
                self._conn.close()
            self._conn = None
