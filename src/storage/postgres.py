"""A PostgreSQL recorder that appends in one round trip, keeps commit order, and whose
tables refuse to change their past.

Notification ids must commit in order, so that a follower reading "after id N" never
passes over a late commit. The library takes ``LOCK TABLE … IN EXCLUSIVE MODE`` for that,
which needs UPDATE, DELETE or TRUNCATE rights; the product's role has only INSERT and
SELECT. This recorder serialises appends with a transaction-scoped advisory lock instead,
held from before the id is drawn until the commit, in one server function that takes the
lock, inserts and notifies as a single statement.

Triggers refuse UPDATE, DELETE and TRUNCATE on the event and snapshot tables. With
``THIDUA_POSTGRES_OWNER_URL`` set, an owner role creates and migrates the schema
(``migrate``) and grants the product's role what it needs, no more.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import structlog
from eventsourcing.persistence import InterfaceError, OperationalError, StoredEvent
from eventsourcing.postgres import (
    PostgresAggregateRecorder,
    PostgresApplicationRecorder,
    PostgresDatastore,
    PostgresFactory,
)
from eventsourcing.utils import Environment, retry
from psycopg.conninfo import conninfo_to_dict
from psycopg.rows import tuple_row
from psycopg.sql import SQL, Composable, Composed, Identifier, Literal

from storage.append_only import GUARDS, guard_names, log_guard_name


class OrderedPostgresApplicationRecorder(PostgresApplicationRecorder):
    def __init__(
        self, datastore: PostgresDatastore, *, events_table_name: str = "stored_events"
    ) -> None:
        super().__init__(datastore, events_table_name=events_table_name)
        schema = Identifier(self.datastore.schema)
        table = Identifier(self.events_table_name)
        # One advisory lock per events table: appends to it queue, readers never wait.
        self.append_lock_key: Composable = SQL("hashtextextended({key}, 0)").format(
            key=Literal(f"{self.datastore.schema}.{self.events_table_name}")
        )
        self.pg_function_name_insert_events = (
            f"thidua_append_{self.events_table_name}_{self.datastore.originator_id_type}"
        )
        self.check_identifier_length(self.pg_function_name_insert_events)
        function = Identifier(self.pg_function_name_insert_events)
        # What both append functions (arrays, and one event) are made of.
        parts: dict[str, Any] = {
            "schema": schema,
            "id_type": Identifier(self.datastore.originator_id_type),
            "table": table,
            "channel": Identifier(self.channel_name),
            "lock_timeout": self.datastore.lock_timeout,
            "lock_key": self.append_lock_key,
        }
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
            "  PERFORM pg_advisory_xact_lock({lock_key}); "
            "  NOTIFY {channel}; "
            "  RETURN QUERY "
            "  INSERT INTO {schema}.{table} AS t (originator_id, originator_version, topic, state) "
            "  SELECT * FROM unnest(ids, versions, topics, states) "
            "  RETURNING notification_id; "
            "END; $BODY$"
        ).format(function=function, **parts)
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
                "  PERFORM pg_advisory_xact_lock({lock_key}); "
                "  NOTIFY {channel}; "
                "  INSERT INTO {schema}.{table} (originator_id, originator_version, topic, state) "
                "  VALUES (id, version, topic, state) RETURNING notification_id INTO position; "
                "  RETURN position; "
                "END; $BODY$"
            ).format(function=one, **parts)
        )
        self.sql_create_statements.extend(postgres_guards(self.datastore.schema, events_table_name))
        self.sql_create_statements.extend(
            postgres_log_guard(self.datastore.schema, events_table_name)
        )
        self.sql_create_statements.insert(0, ddl_lock(self.datastore.schema))
        # An aggregate loads only the events the log lists: those with an id above 0.
        self.select_events_statement += SQL(" AND notification_id > 0")

    def missing_guards(self) -> list[str]:
        return missing_guards(self, [log_guard_name(self.events_table_name)])

    def rows_outside_log(self) -> int:
        """Rows the notification log does not list: none, unless the guard was bypassed."""
        with self.datastore.transaction(commit=False) as cursor:
            cursor.execute(
                SQL("SELECT COUNT(*) AS n FROM {schema}.{table} WHERE notification_id <= 0").format(
                    schema=Identifier(self.datastore.schema),
                    table=Identifier(self.events_table_name),
                )
            )
            row = cursor.fetchone()
        return int(row["n"]) if row else 0

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
    def missing_guards(self) -> list[str]:
        return missing_guards(self)

    """Snapshots are not in the notification log: a plain insert of binary values suffices."""

    def __init__(
        self, datastore: PostgresDatastore, *, events_table_name: str = "stored_events"
    ) -> None:
        super().__init__(datastore, events_table_name=events_table_name)
        self.sql_create_statements.extend(postgres_guards(self.datastore.schema, events_table_name))
        self.sql_create_statements.insert(0, ddl_lock(self.datastore.schema))
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

    def aggregate_recorder(self, purpose: str = "events") -> Any:
        recorder = super().aggregate_recorder(purpose)
        report_missing_guards(recorder)
        return recorder

    def application_recorder(self) -> Any:
        recorder = super().application_recorder()
        report_missing_guards(recorder)
        return recorder


REFUSE_FUNCTION = "thidua_refuse_change"


def ddl_lock(schema: str) -> Composed:
    """Taken first in the transaction that creates a store's tables, functions and guards:
    processes starting together (a cluster) create them in turns, where they would
    otherwise deadlock replacing the same functions and triggers."""
    return SQL("SELECT pg_advisory_xact_lock(hashtextextended({key}, 0))").format(
        key=Literal(f"thidua.ddl.{schema}")
    )


def postgres_guards(schema: str, table: str) -> list[Composed]:
    """A trigger function and the triggers that refuse UPDATE, DELETE and TRUNCATE."""
    names = dict(zip(GUARDS, guard_names(table), strict=True))
    function = SQL("{schema}.{function}").format(
        schema=Identifier(schema), function=Identifier(REFUSE_FUNCTION)
    )
    target = SQL("{schema}.{table}").format(schema=Identifier(schema), table=Identifier(table))
    return [
        SQL(
            "CREATE OR REPLACE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $BODY$ "
            "BEGIN RAISE EXCEPTION '% is append-only: a recorded row cannot be %d',"
            " TG_TABLE_NAME, lower(TG_OP) USING ERRCODE = 'insufficient_privilege'; END; $BODY$"
        ).format(function=function),
        SQL(
            "CREATE OR REPLACE TRIGGER {name} BEFORE UPDATE ON {target}"
            " FOR EACH ROW EXECUTE FUNCTION {function}()"
        ).format(name=Identifier(names["no_update"]), target=target, function=function),
        SQL(
            "CREATE OR REPLACE TRIGGER {name} BEFORE DELETE ON {target}"
            " FOR EACH ROW EXECUTE FUNCTION {function}()"
        ).format(name=Identifier(names["no_delete"]), target=target, function=function),
        SQL(
            "CREATE OR REPLACE TRIGGER {name} BEFORE TRUNCATE ON {target}"
            " FOR EACH STATEMENT EXECUTE FUNCTION {function}()"
        ).format(name=Identifier(names["no_truncate"]), target=target, function=function),
    ]


def postgres_log_guard(schema: str, table: str) -> list[Composed]:
    """A trigger that refuses a row the notification log would not list (id 0 or below)."""
    function = SQL("{schema}.{function}").format(
        schema=Identifier(schema), function=Identifier("thidua_refuse_outside_log")
    )
    return [
        SQL(
            "CREATE OR REPLACE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $BODY$ "
            "BEGIN RAISE EXCEPTION '%: a row outside the notification log (id %) is refused',"
            " TG_TABLE_NAME, NEW.notification_id USING ERRCODE = 'check_violation'; END; $BODY$"
        ).format(function=function),
        SQL(
            "CREATE OR REPLACE TRIGGER {name} BEFORE INSERT ON {target} FOR EACH ROW"
            " WHEN (NEW.notification_id <= 0) EXECUTE FUNCTION {function}()"
        ).format(
            name=Identifier(log_guard_name(table)),
            target=SQL("{schema}.{table}").format(
                schema=Identifier(schema), table=Identifier(table)
            ),
            function=function,
        ),
    ]


def missing_guards(recorder: PostgresAggregateRecorder, more: Sequence[str] = ()) -> list[str]:
    """The append-only triggers the recorder's table should have and has not."""
    with recorder.datastore.transaction(commit=False) as cursor:
        cursor.execute(
            "SELECT t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid"
            " JOIN pg_namespace n ON n.oid = c.relnamespace"
            " WHERE n.nspname = %s AND c.relname = %s AND t.tgenabled <> 'D'",
            (recorder.datastore.schema, recorder.events_table_name),
        )
        present = {row["tgname"] for row in cursor.fetchall()}
    return [n for n in [*guard_names(recorder.events_table_name), *more] if n not in present]


def report_missing_guards(recorder: Any) -> None:
    missing = recorder.missing_guards()
    if missing:
        structlog.get_logger().error(
            "store.append_only_guard_missing", table=recorder.events_table_name, missing=missing
        )


def migrate(owner_url: str, schema: str, app_role: str, name: str = "thidua") -> None:
    """As the owner: create or update the event store, its guards, and the product role's
    rights — SELECT and INSERT on the event and snapshot tables, nothing more on them."""
    env = Environment(name, {**postgres_env(owner_url, schema), "CREATE_TABLE": "y"})
    factory = ThiduaPostgresFactory(env)
    try:
        events = factory.application_recorder()
        snapshots = factory.aggregate_recorder("snapshots")
        sch = Identifier(factory.datastore.schema)
        role = Identifier(app_role)
        with factory.datastore.transaction(commit=True) as cursor:
            cursor.execute(SQL("GRANT USAGE, CREATE ON SCHEMA {} TO {}").format(sch, role))
            for recorder in (events, snapshots):
                table = SQL("{}.{}").format(sch, Identifier(recorder.events_table_name))
                cursor.execute(SQL("REVOKE ALL ON {} FROM {}").format(table, role))
                cursor.execute(SQL("GRANT SELECT, INSERT ON {} TO {}").format(table, role))
            cursor.execute(SQL("GRANT USAGE ON ALL SEQUENCES IN SCHEMA {} TO {}").format(sch, role))
            cursor.execute(
                SQL("GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA {} TO {}").format(sch, role)
            )
    finally:
        factory.close()


def postgres_env(url: str, schema: str = "") -> dict[str, str]:
    """The library's environment for the store at ``url`` (in ``schema``)."""
    parts = conninfo_to_dict(url)
    env = {
        "PERSISTENCE_MODULE": "storage.postgres:ThiduaPostgresFactory",
        "POSTGRES_DBNAME": str(parts.get("dbname") or "postgres"),
        "POSTGRES_HOST": str(parts.get("host") or "localhost"),
        "POSTGRES_PORT": str(parts.get("port") or "5432"),
        "POSTGRES_USER": str(parts.get("user") or "postgres"),
        "POSTGRES_PASSWORD": str(parts.get("password") or ""),
    }
    if schema:
        env["POSTGRES_SCHEMA"] = schema
    return env
