"""The views' database: the event store's own SQLite file or PostgreSQL schema.

Views write plain SQL with ``?`` placeholders; the PostgreSQL handle turns them into
``%s``. Each thread gets its own connection.
"""

from __future__ import annotations

import sqlite3
import threading
from abc import ABC, abstractmethod
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from typing import Any, Protocol

import psycopg


class Cursor(Protocol):
    def execute(self, sql: str, params: Sequence[Any] = ()) -> Any: ...
    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> Any: ...
    def fetchone(self) -> Any: ...
    def fetchall(self) -> list[Any]: ...
    def fetchmany(self, size: int) -> list[Any]: ...
    def insert_rows(
        self, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]
    ) -> None: ...


class Database(ABC):
    dialect: str

    def __init__(self) -> None:
        self._local = threading.local()

    @abstractmethod
    def _connect(self) -> Any: ...

    def _connection(self) -> Any:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._local.conn = self._connect()
        return conn

    @abstractmethod
    def sql(self, statement: str) -> str:
        """The statement in this database's parameter style."""

    @contextmanager
    @abstractmethod
    def transaction(self) -> Iterator[Cursor]:
        """A cursor whose writes commit together when the block ends, or not at all."""

    @contextmanager
    @abstractmethod
    def reading(self) -> Iterator[Cursor]:
        """A cursor for reads that see committed data."""

    @abstractmethod
    def stream(self, sql: str, params: Sequence[Any] = (), size: int = 1000) -> Iterator[Any]:
        """Rows of one query, fetched ``size`` at a time so memory stays flat."""

    def close(self) -> None:
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None


class SQLiteDatabase(Database):
    dialect = "sqlite"

    def __init__(self, path: str, timeout_seconds: float = 30.0) -> None:
        super().__init__()
        self.path = path
        self.timeout = timeout_seconds

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(
            self.path, timeout=self.timeout, isolation_level=None, check_same_thread=False
        )
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute(f"PRAGMA busy_timeout={int(self.timeout * 1000)}")
        return conn

    def sql(self, statement: str) -> str:
        return statement

    @contextmanager
    def transaction(self) -> Iterator[Cursor]:
        conn = self._connection()
        cursor = conn.cursor()
        # IMMEDIATE takes the write lock up front, so a busy store waits instead of failing
        # half-way through a page.
        cursor.execute("BEGIN IMMEDIATE")
        try:
            yield _SQLiteCursor(cursor)
        except BaseException:
            conn.rollback()
            raise
        conn.commit()

    @contextmanager
    def reading(self) -> Iterator[Cursor]:
        conn = self._connection()
        cursor = conn.cursor()
        try:
            yield _SQLiteCursor(cursor)
        finally:
            cursor.close()

    def stream(self, sql: str, params: Sequence[Any] = (), size: int = 1000) -> Iterator[Any]:
        # Its own connection: the caller may write through this thread's one meanwhile.
        conn = self._connect()
        try:
            cursor = conn.execute(sql, tuple(params))
            while rows := cursor.fetchmany(size):
                yield from rows
        finally:
            conn.close()


class _SQLiteCursor:
    def __init__(self, cursor: sqlite3.Cursor) -> None:
        self._cursor = cursor

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        return self._cursor.execute(sql, tuple(params))

    def insert_rows(
        self, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]
    ) -> None:
        # Table and column names are the views' own constants, never input.
        marks = ", ".join("?" for _ in columns)
        names = ", ".join(columns)
        self.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)  # noqa: S608

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> Any:
        return self._cursor.executemany(sql, rows)

    def fetchone(self) -> Any:
        return self._cursor.fetchone()

    def fetchall(self) -> list[Any]:
        return self._cursor.fetchall()

    def fetchmany(self, size: int) -> list[Any]:
        return self._cursor.fetchmany(size)


class PostgresDatabase(Database):
    dialect = "postgres"

    def __init__(self, conninfo: str, schema: str = "public") -> None:
        super().__init__()
        self.conninfo = conninfo
        self.schema = schema or "public"

    def _connect(self) -> psycopg.Connection[Any]:
        return psycopg.connect(
            self.conninfo, autocommit=True, options=f"-c search_path={self.schema}"
        )

    def sql(self, statement: str) -> str:
        return statement.replace("%", "%%").replace("?", "%s")

    @contextmanager
    def transaction(self) -> Iterator[Cursor]:
        conn = self._connection()
        with conn.transaction(), conn.cursor() as cursor:
            yield _PostgresCursor(cursor, self)

    @contextmanager
    def reading(self) -> Iterator[Cursor]:
        conn = self._connection()
        with conn.cursor() as cursor:
            yield _PostgresCursor(cursor, self)

    def stream(self, sql: str, params: Sequence[Any] = (), size: int = 1000) -> Iterator[Any]:
        # A server-side cursor on its own connection sends rows a page at a time.
        with (
            self._connect() as conn,
            conn.transaction(),
            conn.cursor(name="thidua_stream") as cursor,
        ):
            cursor.itersize = size
            cursor.execute(self.sql(sql), tuple(params) or None)
            yield from cursor


class _PostgresCursor:
    def __init__(self, cursor: Any, database: PostgresDatabase) -> None:
        self._cursor = cursor
        self._db = database

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        return self._cursor.execute(self._db.sql(sql), tuple(params) or None)

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> Any:
        return self._cursor.executemany(self._db.sql(sql), rows)

    def insert_rows(
        self, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]
    ) -> None:
        """Many rows at once with COPY, several times faster than row-by-row inserts."""
        names = ", ".join(columns)
        with self._cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)

    def fetchone(self) -> Any:
        return self._cursor.fetchone()

    def fetchall(self) -> list[Any]:
        return list(self._cursor.fetchall())

    def fetchmany(self, size: int) -> list[Any]:
        return list(self._cursor.fetchmany(size))


def iso_day(value: Any) -> str | None:
    """A day as views store it: ISO text (events carry dates, or text after an upcast)."""
    return value.isoformat() if isinstance(value, date) else value
