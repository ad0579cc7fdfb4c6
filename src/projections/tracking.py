"""How far each reader of the log has got: projections and the relay share one table."""

from __future__ import annotations

from typing import TYPE_CHECKING

from storage.views import Database

if TYPE_CHECKING:
    from projections.lease import Lease

TRACKING_DDL = (
    "CREATE TABLE IF NOT EXISTS projection_tracking ("
    " projection TEXT NOT NULL, application TEXT NOT NULL, position BIGINT NOT NULL,"
    " PRIMARY KEY (projection, application))"
)
UPSERT = (
    "INSERT INTO projection_tracking (projection, application, position)"
    " VALUES (?, ?, ?) ON CONFLICT (projection, application)"
    " DO UPDATE SET position = excluded.position"
)


def position_of(database: Database, reader: str, application: str) -> int | None:
    """Where ``reader`` has got to in ``application``'s log, or None before its first page."""
    with database.reading() as cursor:
        cursor.execute(
            "SELECT position FROM projection_tracking WHERE projection = ? AND application = ?",
            (reader, application),
        )
        row = cursor.fetchone()
    return int(row[0]) if row else None


class Positions:
    """One reader's position in the log, read and saved in the store's own database."""

    def __init__(self, database: Database, reader: str, lease: Lease | None = None) -> None:
        self.db = database
        self.reader = reader
        self.lease = lease
        with self.db.transaction() as cursor:
            self.db.take_turns_changing_tables(cursor)
            cursor.execute(TRACKING_DDL)

    def get(self, application: str) -> int:
        return position_of(self.db, self.reader, application) or 0

    def save(self, application: str, position: int) -> None:
        """Moves the position; with a lease, only while it holds (else ``LeaseLost``)."""
        with self.db.transaction() as cursor:
            if self.lease is not None:
                self.lease.guard(cursor)
            cursor.execute(UPSERT, (self.reader, application, position))
