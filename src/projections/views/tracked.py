"""A view that records, in the same transaction as its rows, how far it has read the log."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any, ClassVar

from eventsourcing.persistence import Tracking, TrackingRecorder

from projections.tracking import TRACKING_DDL, UPSERT, position_of
from storage.views import Cursor, Database

_CREATE = re.compile(r"CREATE TABLE IF NOT EXISTS (\w+)\s*\((.*)\)\s*$", re.IGNORECASE | re.DOTALL)
_COMPOSITE_KEY = re.compile(r"PRIMARY KEY\s*\(([^)]*)\)", re.IGNORECASE)
_COLUMN_KEY = re.compile(r"(\w+)\s+\w+\s+PRIMARY KEY", re.IGNORECASE)
_TABLE = re.compile(r"^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+(\w+)", re.IGNORECASE)


def _table_of(sql: str) -> str:
    match = _TABLE.match(sql)
    return match.group(1).lower() if match else sql


def keys_of(ddl: Sequence[str]) -> dict[str, str]:
    """Each table the statements create, with its primary key columns (how its rows are ordered
    when digested). A table without a primary key is refused: its digest would have no order."""
    tables: dict[str, str] = {}
    for statement in ddl:
        created = _CREATE.match(statement.strip())
        if created is None:
            continue
        table, body = created.groups()
        key = _COMPOSITE_KEY.search(body) or _COLUMN_KEY.search(body)
        if key is None:
            raise ValueError(f"{table}: a view's table needs a primary key")
        tables[table] = ", ".join(column.strip() for column in key.group(1).split(","))
    return tables


class TrackedView(TrackingRecorder):
    """Base of every view: its tables, its tracking row, and the page transaction.

    A runner opens ``page()``; handlers write through ``cursor``; the page's last position
    is written by ``insert_tracking`` before the page commits, so each event is applied
    exactly once however the process stops.
    """

    name: str = ""
    ddl: tuple[str, ...] = ()
    # Tables the view creates whose rows come from people, not from the log: a rebuild keeps
    # them and the digest leaves them out.
    kept_ddl: tuple[str, ...] = ()
    tables: ClassVar[dict[str, str]] = {}  # table -> its key columns, read from ``ddl``

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls.tables = keys_of(cls.ddl)

    def __init__(self, database: Database) -> None:
        self.db = database
        self._page = threading.local()
        self.create_tables()

    def create_tables(self) -> None:
        with self.db.transaction() as cursor:
            self.db.take_turns_changing_tables(cursor)
            cursor.execute(TRACKING_DDL)
            for statement in (*self.ddl, *self.kept_ddl):
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

    def row_by_key(
        self, table: str, columns: Sequence[str], key: str, value: object
    ) -> dict[str, Any] | None:
        """One row of a table by its key, as a dict of the columns asked for."""
        with self.db.reading() as cursor:
            cursor.execute(
                f"SELECT {', '.join(columns)} FROM {table} WHERE {key} = ?",  # noqa: S608
                (value,),
            )
            row = cursor.fetchone()
        return dict(zip(columns, row, strict=True)) if row else None

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
