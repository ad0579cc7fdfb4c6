"""Leases: one active relay, and one active runner per projection; the others wait.

A lease is a row with its holder, an expiry on the database's clock and a fencing token
that grows with every change of holder. The holder renews it inside each transaction that
moves its position, so the position only moves while the lease holds: a holder that was
paused past its expiry (SIGSTOP, a long GC pause, a frozen VM) finds on waking that its
renewal matches no row, its transaction is rolled back, and nothing it read is applied a
second time. A plain advisory lock would not do: a paused process keeps its session, and
with it the lock, for as long as it is paused.

The same row works on SQLite, whose writers take turns (``BEGIN IMMEDIATE``), so the
standby on the same machine takes over in the same way.
"""

from __future__ import annotations

import os
import socket
from uuid import uuid4

from projections.views.database import Cursor, Database

LEASE_DDL = (
    "CREATE TABLE IF NOT EXISTS leases ("
    " name TEXT PRIMARY KEY, holder TEXT NOT NULL, token BIGINT NOT NULL,"
    " expires_at DOUBLE PRECISION NOT NULL)"
)
_NOW = {
    "sqlite": "((julianday('now') - 2440587.5) * 86400.0)",
    "postgres": "EXTRACT(EPOCH FROM clock_timestamp())::DOUBLE PRECISION",
}


class LeaseLost(Exception):
    """Another instance holds the lease now: this one must not write."""


def holder_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid4().hex[:8]}"


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
        with self.db.transaction() as cursor:
            self.db.take_turns_changing_tables(cursor)
            cursor.execute(LEASE_DDL)

    def acquire(self) -> bool:
        """Takes the lease if it is free or expired, renews it if held; True when held."""
        with self.db.transaction() as cursor:
            cursor.execute(
                "SELECT holder, token, expires_at > "  # noqa: S608 - the clock expression
                f"{self._now} FROM leases WHERE name = ?",
                (self.name,),
            )
            row = cursor.fetchone()
            if row is None:
                cursor.execute(
                    "INSERT INTO leases (name, holder, token, expires_at)"  # noqa: S608
                    f" VALUES (?, ?, 1, {self._now} + ?) ON CONFLICT (name) DO NOTHING",
                    (self.name, self.holder, self.ttl),
                )
                token = 1
            elif row[0] == self.holder and row[1] == self.token and row[2]:
                token = int(row[1])  # still ours: renew below
            elif not row[2]:
                token = int(row[1]) + 1  # expired: take it with a new fencing token
                cursor.execute(
                    "UPDATE leases SET holder = ?, token = ?,"  # noqa: S608
                    f" expires_at = {self._now} + ? WHERE name = ? AND token = ?",
                    (self.holder, token, self.ttl, self.name, row[1]),
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
        """Inside a transaction: renews the lease, or raises ``LeaseLost`` so the whole
        transaction rolls back. On PostgreSQL the renewal locks the row until commit, so no
        standby can take the lease between this check and the commit."""
        if not self._renew(cursor):
            held, self.token = self.token, None
            raise LeaseLost(f"{self.name}: lease {held} of {self.holder} was taken over")

    def _renew(self, cursor: Cursor) -> bool:
        if self.token is None:
            return False
        cursor.execute(
            f"UPDATE leases SET expires_at = {self._now} + ?"  # noqa: S608
            " WHERE name = ? AND holder = ? AND token = ?"
            f" AND expires_at > {self._now} RETURNING token",
            (self.ttl, self.name, self.holder, self.token),
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
