"""SQLite recorders whose tables refuse to change their past.

Triggers abort any UPDATE or DELETE of a stored event or snapshot. They are created with
the tables; at start-up a missing one is logged as an error, and ``/readyz`` reports it.
"""

from __future__ import annotations

from typing import Any

import structlog
from eventsourcing.sqlite import (
    SQLiteAggregateRecorder,
    SQLiteApplicationRecorder,
    SQLiteDatastore,
    SQLiteFactory,
)

from storage.append_only import (
    SQLITE_GUARDS,
    guard_names,
    log_guard_name,
    sqlite_guards,
    sqlite_log_guard,
)


class _Guarded:
    datastore: SQLiteDatastore
    events_table_name: str

    def missing_guards(self) -> list[str]:
        """The append-only triggers this table should have and has not."""
        with self.datastore.transaction(commit=False) as cursor:
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ?",
                (self.events_table_name,),
            )
            present = {row[0] for row in cursor.fetchall()}
        return [name for name in self.guard_names() if name not in present]

    def guard_names(self) -> list[str]:
        return guard_names(self.events_table_name, SQLITE_GUARDS)

    def report_missing_guards(self) -> None:
        missing = self.missing_guards()
        if missing:
            structlog.get_logger().error(
                "store.append_only_guard_missing", table=self.events_table_name, missing=missing
            )


class AppendOnlySQLiteApplicationRecorder(_Guarded, SQLiteApplicationRecorder):
    def __init__(self, datastore: SQLiteDatastore, events_table_name: str = "stored_events"):
        super().__init__(datastore, events_table_name)
        # An aggregate loads only the events the log lists: those with an id above 0.
        self.select_events_statement += "AND rowid > 0 "

    def construct_create_table_statements(self) -> list[str]:
        return [
            *super().construct_create_table_statements(),
            *sqlite_guards(self.events_table_name),
            sqlite_log_guard(self.events_table_name),
        ]

    def guard_names(self) -> list[str]:
        return [*super().guard_names(), log_guard_name(self.events_table_name)]

    def rows_outside_log(self) -> int:
        """Rows the notification log does not list: none, unless the guard was bypassed."""
        with self.datastore.transaction(commit=False) as cursor:
            cursor.execute(f"SELECT COUNT(*) FROM {self.events_table_name} WHERE rowid <= 0")  # noqa: S608
            return int(cursor.fetchone()[0])


class AppendOnlySQLiteAggregateRecorder(_Guarded, SQLiteAggregateRecorder):
    def construct_create_table_statements(self) -> list[str]:
        return [
            *super().construct_create_table_statements(),
            *sqlite_guards(self.events_table_name),
        ]


class ThiduaSQLiteFactory(SQLiteFactory):
    """The library's SQLite factory with append-only events and snapshots."""

    aggregate_recorder_class = AppendOnlySQLiteAggregateRecorder
    application_recorder_class = AppendOnlySQLiteApplicationRecorder

    def aggregate_recorder(self, purpose: str = "events") -> Any:
        recorder: Any = super().aggregate_recorder(purpose)
        recorder.report_missing_guards()
        return recorder

    def application_recorder(self) -> Any:
        recorder: Any = super().application_recorder()
        recorder.report_missing_guards()
        return recorder
