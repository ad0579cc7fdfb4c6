"""The views' database: the event store's own SQLite file or PostgreSQL schema.

Views write plain SQL with ``?`` placeholders; the PostgreSQL handle turns them into
``%s``. SQLite gives each thread its own connection; PostgreSQL lends them from a pool.
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
from abc import ABC, abstractmethod
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from typing import Any, Protocol

import psycopg
from psycopg_pool import ConnectionPool


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

    @abstractmethod
    def take_turns_changing_tables(self, cursor: Cursor) -> None:
        """Called first in a transaction that creates or drops tables: processes starting
        together (a cluster's runners) then take turns."""

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

    def take_turns_changing_tables(self, cursor: Cursor) -> None:
        """Its transactions take the write lock first: they take turns already."""

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


IDLE_IN_TRANSACTION_MS = 10_000


class PostgresDatabase(Database):
    """Connections from a ``psycopg_pool`` pool, borrowed for one transaction or one read.

    A connection the server cut (a restart, a failover) fails once; the pool is then swept
    of every other idle connection the cut left broken, so the next borrower gets a live
    one instead of each stale connection failing in turn. A thread inside ``transaction()``
    reads through the connection it holds, so it sees its own uncommitted writes.
    """

    dialect = "postgres"

    def __init__(
        self,
        conninfo: str,
        schema: str = "public",
        *,
        max_size: int = 10,
        timeout_seconds: float = 5.0,
        name: str = "views",
    ) -> None:
        super().__init__()
        self.conninfo = conninfo
        self.schema = schema or "public"
        self.pool = ConnectionPool(
            conninfo,
            # A session paused inside a transaction (SIGSTOP) would hold its row locks, a
            # lease's among them, for as long as it is paused: the server ends it instead.
            kwargs={
                "autocommit": True,
                "options": f"-c search_path={self.schema}"
                f" -c idle_in_transaction_session_timeout={IDLE_IN_TRANSACTION_MS}",
            },
            min_size=1,
            max_size=max(max_size, 1),
            timeout=timeout_seconds,
            name=name,
            open=False,
        )
        # The server may still be starting: the pool connects in the background and a
        # borrower waits up to ``timeout_seconds`` (then PoolTimeout, an OperationalError).
        self.pool.open(wait=False)

    def _connect(self) -> psycopg.Connection[Any]:
        return psycopg.connect(
            self.conninfo, autocommit=True, options=f"-c search_path={self.schema}"
        )

    def sql(self, statement: str) -> str:
        return statement.replace("%", "%%").replace("?", "%s")

    @contextmanager
    def _borrowed(self) -> Iterator[psycopg.Connection[Any]]:
        held: psycopg.Connection[Any] | None = getattr(self._local, "conn", None)
        if held is not None:
            yield held
            return
        try:
            with self.pool.connection() as conn:
                self._local.conn = conn
                try:
                    yield conn
                finally:
                    self._local.conn = None
        except psycopg.OperationalError:
            self.sweep()
            raise

    def sweep(self) -> None:
        """Drops every idle connection that no longer works (the pool replaces them)."""
        with contextlib.suppress(Exception):
            self.pool.check()

    def take_turns_changing_tables(self, cursor: Cursor) -> None:
        # Concurrent CREATE TABLE IF NOT EXISTS of one table fails on PostgreSQL.
        cursor.execute(
            "SELECT pg_advisory_xact_lock(hashtextextended(?, 0))", (f"thidua.views.{self.schema}",)
        )

    @contextmanager
    def transaction(self) -> Iterator[Cursor]:
        with self._borrowed() as conn, conn.transaction(), conn.cursor() as cursor:
            yield _PostgresCursor(cursor, self)

    @contextmanager
    def reading(self) -> Iterator[Cursor]:
        with self._borrowed() as conn, conn.cursor() as cursor:
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

    def close(self) -> None:
        self.pool.close()


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


def equal_to(filters: Sequence[tuple[str, Any]]) -> tuple[list[str], list[Any]]:
    """``column = ?`` clauses and their parameters for the filters given (None: no filter).
    Column names come from the caller's code, never from a request."""
    given = [(column, value) for column, value in filters if value is not None]
    return [f"{column} = ?" for column, _ in given], [value for _, value in given]
