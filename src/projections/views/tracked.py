"""A view that records, in the same transaction as its rows, how far it has read the log."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from eventsourcing.persistence import Tracking, TrackingRecorder

from projections.tracking import TRACKING_DDL, UPSERT, position_of
from storage.views import Cursor, Database

_TABLE = re.compile(r"^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+(\w+)", re.IGNORECASE)


def _table_of(sql: str) -> str:
    match = _TABLE.match(sql)
    return match.group(1).lower() if match else sql


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
            self.db.take_turns_changing_tables(cursor)
            cursor.execute(TRACKING_DDL)
            for statement in self.ddl:
                cursor.execute(statement)

    def drop(self) -> None:
        """Drops the view's tables and its tracking row, ready for a rebuild."""
        with self.db.transaction() as cursor:
            self.db.take_turns_changing_tables(cursor)
            for table in self.tables:
                cursor.execute(f"DROP TABLE IF EXISTS {table}")
            cursor.execute("DELETE FROM projection_tracking WHERE projection = ?", (self.name,))
        self.create_tables()

    @contextmanager
    def page(self) -> Iterator[Cursor]:
        """One transaction: writes are buffered and sent in batches when the page ends."""
        with self.db.transaction() as cursor:
            self._page.cursor = cursor
            self._page.pending = []
            try:
                yield cursor
                self.flush()
            except BaseException:
                self.forget()
                raise
            finally:
                self._page.cursor = None
                self._page.pending = []

    def forget(self) -> None:
        """Called when a page is abandoned: drop anything remembered from it."""

    @property
    def cursor(self) -> Cursor:
        """The page's cursor, for reads: buffered writes are sent first, so reads see them."""
        cursor = self._page_cursor()
        self.flush()
        return cursor

    def _page_cursor(self) -> Cursor:
        cursor = getattr(self._page, "cursor", None)
        if cursor is None:
            raise RuntimeError(f"{self.name}: writes happen inside a page transaction")
        found: Cursor = cursor
        return found

    def execute(self, sql: str, params: Sequence[Any] = ()) -> None:
        self._page_cursor()
        self._page.pending.append((sql, tuple(params)))

    def flush(self) -> None:
        """Sends buffered writes: each table's in order, a run of one statement as a batch.

        Writes to different tables commute, so a page's inserts into one table travel
        together even when the handlers interleaved them with writes elsewhere.
        """
        pending: list[tuple[str, tuple[Any, ...]]] = getattr(self._page, "pending", [])
        if not pending:
            return
        cursor = self._page_cursor()
        self._page.pending = []
        by_table: dict[str, list[tuple[str, tuple[Any, ...]]]] = {}
        for write in pending:
            by_table.setdefault(_table_of(write[0]), []).append(write)
        for writes in by_table.values():
            start = 0
            while start < len(writes):
                sql = writes[start][0]
                end = start
                while end < len(writes) and writes[end][0] == sql:
                    end += 1
                if end - start == 1:
                    cursor.execute(sql, writes[start][1])
                else:
                    cursor.executemany(sql, [params for _, params in writes[start:end]])
                start = end

    # --- TrackingRecorder ---------------------------------------------------------------

    def insert_tracking(self, tracking: Tracking) -> None:
        self.execute(UPSERT, (self.name, tracking.application_name, tracking.notification_id))

    def max_tracking_id(self, application_name: str) -> int | None:
        return position_of(self.db, self.name, application_name)

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
