"""Leases: one active relay, and one active runner per projection; the others wait.

A lease is a row with its holder, an expiry on the database's clock and a fencing token
that grows with every change of holder. The holder renews it inside each transaction that
moves its position, so the position only moves while the lease holds: a holder that was
paused past its expiry (SIGSTOP, a long GC pause, a frozen VM) finds on waking that its
renewal matches no row, its transaction is rolled back, and nothing it read is applied a
second time. A plain advisory lock would not do: a paused process keeps its session, and
with it the lock, for as long as it is paused.

Between those transactions a ``Keeper`` renews the lease from a thread of its own, but only
while its holder reports progress (an event applied, a signal sent): a holder that is alive
and working never loses its lease to a slow page, and one that is alive but stuck stops
renewing, so a standby takes over. Its holder's steps are bounded by time as well as by
count, so each step commits well inside the lease however slow the host.

The same row works on SQLite, whose writers take turns (``BEGIN IMMEDIATE``), so the
standby on the same machine takes over in the same way. The row also keeps, for operators,
when its holder last committed a step and how often a holder lost it (``LeaseStatus``).
"""

from __future__ import annotations

import contextlib
import os
import socket
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from uuid import uuid4

import structlog

from storage.views import Cursor, Database

LEASE_DDL = (
    "CREATE TABLE IF NOT EXISTS leases ("
    " name TEXT PRIMARY KEY, holder TEXT NOT NULL, token BIGINT NOT NULL,"
    " expires_at DOUBLE PRECISION NOT NULL)"
)
# Added to leases written before operators could see them: (column, its type).
STATUS_COLUMNS = (
    ("stepped_at", "DOUBLE PRECISION"),
    ("losses", "BIGINT NOT NULL DEFAULT 0"),
)
_COLUMNS = {
    "sqlite": "SELECT name FROM pragma_table_info('leases')",
    "postgres": "SELECT column_name FROM information_schema.columns"
    " WHERE table_name = 'leases' AND table_schema = current_schema()",
}
_NOW = {
    "sqlite": "((julianday('now') - 2440587.5) * 86400.0)",
    "postgres": "EXTRACT(EPOCH FROM clock_timestamp())::DOUBLE PRECISION",
}


@dataclass(frozen=True)
class LeaseTiming:
    """How long a lease lives unrenewed, how often a working holder renews it, and how long
    one step may work before it commits (both well inside the lease)."""

    ttl: float = 3.0
    renew_every: float = 1.0
    step: float = 1.0

    def __post_init__(self) -> None:
        if not 0 < self.renew_every < self.ttl or not 0 < self.step < self.ttl:
            raise ValueError(f"renewals and steps must be shorter than the lease: {self}")

    @classmethod
    def for_ttl(cls, ttl: float) -> LeaseTiming:
        """A third of the lease for each: a renewal or a step can be late twice in a row."""
        return cls(ttl, ttl / 3, ttl / 3)


class LeaseLost(Exception):
    """Another instance holds the lease now: this one must not write."""


def holder_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid4().hex[:8]}"


def create_lease_table(database: Database) -> None:
    with database.transaction() as cursor:
        database.take_turns_changing_tables(cursor)
        cursor.execute(LEASE_DDL)
        cursor.execute(_COLUMNS[database.dialect])
        present = {row[0] for row in cursor.fetchall()}
        for column, kind in STATUS_COLUMNS:
            if column not in present:
                cursor.execute(f"ALTER TABLE leases ADD COLUMN {column} {kind}")


class Lease:
    """One named lease, held by this process when ``acquire`` says so."""

    def __init__(
        self, database: Database, name: str, holder: str | None = None, ttl_seconds: float = 3.0
    ) -> None:
        self.db = database
        self.name = name
        self.holder = holder or holder_name()
        self.ttl = ttl_seconds
        self.token: int | None = None
        self._now = _NOW[database.dialect]
        create_lease_table(database)

    def acquire(self) -> bool:
        """Takes the lease if it is free or expired, renews it if held; True when held.

        Taking over a lease that lapsed without being released counts as a loss for its
        former holder: a holder that stopped cleanly sets its expiry to 0 first."""
        with self.db.transaction() as cursor:
            cursor.execute(
                "SELECT holder, token, expires_at > "  # noqa: S608 - the clock expression
                f"{self._now}, expires_at FROM leases WHERE name = ?",
                (self.name,),
            )
            row = cursor.fetchone()
            if row is None:
                cursor.execute(
                    "INSERT INTO leases (name, holder, token, expires_at, losses)"  # noqa: S608
                    f" VALUES (?, ?, 1, {self._now} + ?, 0) ON CONFLICT (name) DO NOTHING",
                    (self.name, self.holder, self.ttl),
                )
                token = 1
            elif row[0] == self.holder and row[1] == self.token and row[2]:
                token = int(row[1])  # still ours: renew below
            elif not row[2]:
                token = int(row[1]) + 1  # expired: take it with a new fencing token
                lost = 1 if float(row[3]) > 0 else 0
                cursor.execute(
                    "UPDATE leases SET holder = ?, token = ?, losses = losses + ?,"  # noqa: S608
                    f" expires_at = {self._now} + ? WHERE name = ? AND token = ?",
                    (self.holder, token, lost, self.ttl, self.name, row[1]),
                )
            else:
                self.token = None
                return False
            self.token = token
            held = self._renew(cursor)
            if not held:
                self.token = None  # another standby took it first
            return held

    def guard(self, cursor: Cursor) -> None:
        """Inside a transaction that commits a step: renews the lease and records the step,
        or raises ``LeaseLost`` so the whole transaction rolls back. On PostgreSQL the
        renewal locks the row until commit, so no standby can take the lease between this
        check and the commit."""
        if not self._renew(cursor, stepped=True):
            held, self.token = self.token, None
            raise LeaseLost(f"{self.name}: lease {held} of {self.holder} was taken over")

    def renew(self) -> bool:
        """Renews the lease in a transaction of its own (the keeper's); False once lost."""
        token = self.token
        if token is None:
            return False
        with self.db.transaction() as cursor:
            held = self._renew(cursor, token=token)
        if not held and self.token == token:
            self.token = None
        return held

    def _renew(self, cursor: Cursor, *, stepped: bool = False, token: int | None = None) -> bool:
        token = self.token if token is None else token
        if token is None:
            return False
        step = f", stepped_at = {self._now}" if stepped else ""
        cursor.execute(
            f"UPDATE leases SET expires_at = {self._now} + ?{step}"  # noqa: S608
            " WHERE name = ? AND holder = ? AND token = ?"
            f" AND expires_at > {self._now} RETURNING token",
            (self.ttl, self.name, self.holder, token),
        )
        return cursor.fetchone() is not None

    def release(self) -> None:
        """Lets a standby take over at once (a clean shutdown)."""
        if self.token is None:
            return
        with self.db.transaction() as cursor:
            cursor.execute(
                "UPDATE leases SET expires_at = 0 WHERE name = ? AND holder = ? AND token = ?",
                (self.name, self.holder, self.token),
            )
        self.token = None


class Keeper:
    """Renews leases every ``every`` seconds from a thread of its own while their holder
    makes progress: ``progressed()`` is called after each event applied or signal sent. A
    holder silent for ``stall`` seconds is stuck, not slow, and its leases lapse."""

    def __init__(self, leases: Iterable[Lease], every: float, stall: float) -> None:
        self.leases = list(leases)
        self.every = every
        self.stall = stall
        self._last = time.monotonic()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def progressed(self) -> None:
        self._last = time.monotonic()

    def renew_if_progressing(self) -> None:
        if time.monotonic() - self._last >= self.stall:
            return
        for lease in self.leases:
            if lease.token is None:
                continue
            try:
                if not lease.renew():
                    structlog.get_logger().warning("lease.renewal_refused", lease=lease.name)
            except Exception as error:  # an outage: the holder's own step will find out
                structlog.get_logger().warning(
                    "lease.renewal_failed", lease=lease.name, error=str(error)
                )

    def _run(self) -> None:
        while not self._stop.wait(self.every):
            self.renew_if_progressing()

    def __enter__(self) -> Keeper:
        self.progressed()
        self._thread = threading.Thread(target=self._run, name="lease-keeper", daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        if self._thread is not None:
            with contextlib.suppress(RuntimeError):
                self._thread.join(timeout=self.every + 5)


@dataclass(frozen=True)
class LeaseStatus:
    """What an operator sees of one lease: who holds it, since when its holder last
    committed a step, and how often a holder lost it."""

    name: str
    holder: str
    token: int
    expires_in: float
    step_age: float | None
    losses: int

    @property
    def held(self) -> bool:
        return self.expires_in > 0


def lease_statuses(database: Database) -> list[LeaseStatus]:
    """Every lease's status; the table must exist (``create_lease_table``)."""
    now = _NOW[database.dialect]
    with database.reading() as cursor:
        cursor.execute(
            f"SELECT name, holder, token, expires_at - {now},"  # noqa: S608
            f" {now} - stepped_at, losses FROM leases ORDER BY name"
        )
        rows = cursor.fetchall()
    return [
        LeaseStatus(
            str(r[0]),
            str(r[1]),
            int(r[2]),
            float(r[3]),
            None if r[4] is None else float(r[4]),
            int(r[5] or 0),
        )
        for r in rows
    ]
