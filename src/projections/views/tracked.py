"""A view that records, in the same transaction as its rows, how far it has read the log."""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from eventsourcing.persistence import Tracking, TrackingRecorder

from projections.views.database import Cursor, Database

TRACKING_DDL = (
    "CREATE TABLE IF NOT EXISTS projection_tracking ("
    " projection TEXT NOT NULL, application TEXT NOT NULL, position BIGINT NOT NULL,"
    " PRIMARY KEY (projection, application))"
)


class TrackedView(TrackingRecorder):
    """Base of every view: its tables, its tracking row, and the page transaction.

    A runner opens ``page()``; handlers write through ``cursor``; the page's last position
    is written by ``insert_tracking`` before the page commits, so each event is applied
    exactly once however the process stops.
    """

    name: str = ""
    tables: dict[str, str] = {}  # noqa: RUF012 - table -> its key columns, for ordering
    ddl: tuple[str, ...] = ()

    def __init__(self, database: Database) -> None:
        self.db = database
        self._page = threading.local()
        self.create_tables()

    def create_tables(self) -> None:
        with self.db.transaction() as cursor:
            cursor.execute(TRACKING_DDL)
            for statement in self.ddl:
                cursor.execute(statement)

    def drop(self) -> None:
        """Drops the view's tables and its tracking row, ready for a rebuild."""
        with self.db.transaction() as cursor:
            for table in self.tables:
                cursor.execute(f"DROP TABLE IF EXISTS {table}")
            cursor.execute("DELETE FROM projection_tracking WHERE projection = ?", (self.name,))
        self.create_tables()

    @contextmanager
    def page(self) -> Iterator[Cursor]:
        with self.db.transaction() as cursor:
            self._page.cursor = cursor
            try:
                yield cursor
            finally:
                self._page.cursor = None

    @property
    def cursor(self) -> Cursor:
        cursor = getattr(self._page, "cursor", None)
        if cursor is None:
            raise RuntimeError(f"{self.name}: writes happen inside a page transaction")
        return cursor

    def execute(self, sql: str, params: Sequence[Any] = ()) -> None:
        self.cursor.execute(sql, params)

    # --- TrackingRecorder ---------------------------------------------------------------

    def insert_tracking(self, tracking: Tracking) -> None:
        self.execute(
            "INSERT INTO projection_tracking (projection, application, position)"
            " VALUES (?, ?, ?) ON CONFLICT (projection, application)"
            " DO UPDATE SET position = excluded.position",
            (self.name, tracking.application_name, tracking.notification_id),
        )

    def max_tracking_id(self, application_name: str) -> int | None:
        with self.db.reading() as cursor:
            cursor.execute(
                "SELECT position FROM projection_tracking WHERE projection = ? AND application = ?",
                (self.name, application_name),
            )
            row = cursor.fetchone()
        return int(row[0]) if row else None

    def digest(self) -> str:
        """SHA-256 over every row of every table, in key order: equal views, equal digests."""
        import hashlib
        import json

        hasher = hashlib.sha256()
        for table in self.tables:
            hasher.update(table.encode())
            rows = self.db.stream(f"SELECT * FROM {table} ORDER BY {self.tables[table]}")  # noqa: S608
            for row in rows:
                hasher.update(json.dumps(list(row), default=str).encode())
        return hasher.hexdigest()
