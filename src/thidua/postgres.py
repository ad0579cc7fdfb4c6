"""A PostgreSQL recorder that appends in one round trip and keeps commit order.

The library's recorder takes ``LOCK TABLE … IN EXCLUSIVE MODE`` so notification ids commit
in order (a follower reading "after id N" never passes over a late commit), but spends
several round trips per append. Its server-function path is one round trip yet drops the
lock. This recorder runs one server function that takes the same lock, inserts, and
notifies, as a single statement in its own transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from eventsourcing.persistence import InterfaceError, OperationalError, StoredEvent
from eventsourcing.postgres import (
    PostgresAggregateRecorder,
    PostgresApplicationRecorder,
    PostgresDatastore,
    PostgresFactory,
)
from eventsourcing.utils import retry
from psycopg.rows import tuple_row
from psycopg.sql import SQL, Identifier


class OrderedPostgresApplicationRecorder(PostgresApplicationRecorder):
    def __init__(
        self, datastore: PostgresDatastore, *, events_table_name: str = "stored_events"
    ) -> None:
        super().__init__(datastore, events_table_name=events_table_name)
        schema = Identifier(self.datastore.schema)
        table = Identifier(self.events_table_name)
        self.pg_function_name_insert_events = (
            f"thidua_append_{self.events_table_name}_{self.datastore.originator_id_type}"
        )
        self.check_identifier_length(self.pg_function_name_insert_events)
        function = Identifier(self.pg_function_name_insert_events)
        # Columns travel as four arrays in binary, cheaper to encode than composite rows.
        self.sql_invoke_pg_function_insert_events = SQL(
            "SELECT * FROM {schema}.{function}(%b, %b, %b, %b)"
        ).format(schema=schema, function=function)
        self.sql_create_pg_function_insert_events = SQL(
            "CREATE OR REPLACE FUNCTION {schema}.{function}("
            "ids {id_type}[], versions bigint[], topics text[], states bytea[]) "
            "RETURNS SETOF bigint LANGUAGE plpgsql AS $BODY$ "
            "BEGIN "
            "  SET LOCAL lock_timeout = '{lock_timeout}s'; "
            "  LOCK TABLE {schema}.{table} IN EXCLUSIVE MODE; "
            "  NOTIFY {channel}; "
            "  RETURN QUERY "
            "  INSERT INTO {schema}.{table} AS t (originator_id, originator_version, topic, state) "
            "  SELECT * FROM unnest(ids, versions, topics, states) "
            "  RETURNING notification_id; "
            "END; $BODY$"
        ).format(
            schema=schema,
            function=function,
            id_type=Identifier(self.datastore.originator_id_type),
            table=table,
            channel=Identifier(self.channel_name),
            lock_timeout=self.datastore.lock_timeout,
        )
        self.sql_create_statements[self.create_insert_function_statement_index] = (
            self.sql_create_pg_function_insert_events
        )
        # Most saves append one event: scalars are cheaper still than one-element arrays.
        self.append_one_function = f"{self.pg_function_name_insert_events}_one"
        self.check_identifier_length(self.append_one_function)
        one = Identifier(self.append_one_function)
        # Composed once: a hot path should not re-compose the statement on every call.
        self.append_one_query = (
            SQL("SELECT {schema}.{function}(%b, %b, %b, %b)")
            .format(schema=schema, function=one)
            .as_string()
        )
        self.sql_create_statements.append(
            SQL(
                "CREATE OR REPLACE FUNCTION {schema}.{function}("
                "id {id_type}, version bigint, topic text, state bytea) "
                "RETURNS bigint LANGUAGE plpgsql AS $BODY$ "
                "DECLARE position bigint; "
                "BEGIN "
                "  SET LOCAL lock_timeout = '{lock_timeout}s'; "
                "  LOCK TABLE {schema}.{table} IN EXCLUSIVE MODE; "
                "  NOTIFY {channel}; "
                "  INSERT INTO {schema}.{table} (originator_id, originator_version, topic, state) "
                "  VALUES (id, version, topic, state) RETURNING notification_id INTO position; "
                "  RETURN position; "
                "END; $BODY$"
            ).format(
                schema=schema,
                function=one,
                id_type=Identifier(self.datastore.originator_id_type),
                table=table,
                channel=Identifier(self.channel_name),
                lock_timeout=self.datastore.lock_timeout,
            )
        )

    @retry((InterfaceError, OperationalError), max_attempts=10, wait=0.2)
    def insert_events(
        self, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        if not stored_events:
            return []
        if len(stored_events) == 1:
            [e] = stored_events
            with self.datastore.get_connection() as conn:
                cursor = conn.cursor(row_factory=tuple_row)
                cursor.execute(
                    self.append_one_query,
                    (e.originator_id, e.originator_version, e.topic, e.state),
                    prepare=True,
                )
                row = cursor.fetchone()
            return [row[0]] if row else []
        columns = (
            [e.originator_id for e in stored_events],
            [e.originator_version for e in stored_events],
            [e.topic for e in stored_events],
            [e.state for e in stored_events],
        )
        with self.datastore.get_connection() as conn, conn.cursor() as curs:
            curs.execute(self.sql_invoke_pg_function_insert_events, columns, prepare=True)
            return [row[self.pg_function_name_insert_events] for row in curs.fetchall()]


class SnapshotPostgresRecorder(PostgresAggregateRecorder):
    """Snapshots are not in the notification log: a plain insert of binary values suffices."""

    def __init__(
        self, datastore: PostgresDatastore, *, events_table_name: str = "stored_events"
    ) -> None:
        super().__init__(datastore, events_table_name=events_table_name)
        self.sql_insert_row = SQL(
            "INSERT INTO {schema}.{table} (originator_id, originator_version, topic, state)"
            " VALUES (%b, %b, %b, %b)"
        ).format(
            schema=Identifier(self.datastore.schema),
            table=Identifier(self.events_table_name),
        )

    @retry((InterfaceError, OperationalError), max_attempts=10, wait=0.2)
    def insert_events(
        self, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        if stored_events:
            rows = [
                (e.originator_id, e.originator_version, e.topic, e.state) for e in stored_events
            ]
            with self.datastore.transaction(commit=True) as curs:
                curs.executemany(self.sql_insert_row, rows)
        return None


class ThiduaPostgresFactory(PostgresFactory):
    """The library's PostgreSQL factory with the recorders above."""

    aggregate_recorder_class = SnapshotPostgresRecorder
    application_recorder_class = OrderedPostgresApplicationRecorder
