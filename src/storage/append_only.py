"""The triggers that make the event and snapshot tables append-only, for both stores."""

from __future__ import annotations

GUARDS = ("no_update", "no_delete", "no_truncate")
SQLITE_GUARDS = GUARDS[:2]  # SQLite has no TRUNCATE
IN_LOG = "in_log"
"""The events table's guard that refuses a row the notification log would not list (an id
of 0 or below): the log, verify and receipts read ids above 0, so such a row would be
loaded into its aggregate unseen."""


def guard_names(table: str, guards: tuple[str, ...] = GUARDS) -> list[str]:
    return [f"{table}_{guard}" for guard in guards]


def sqlite_guards(table: str) -> list[str]:
    return [
        f"CREATE TRIGGER IF NOT EXISTS {table}_no_update BEFORE UPDATE ON {table} BEGIN"
        f" SELECT RAISE(ABORT, '{table} is append-only: a recorded row cannot be changed');"
        " END",
        f"CREATE TRIGGER IF NOT EXISTS {table}_no_delete BEFORE DELETE ON {table} BEGIN"
        f" SELECT RAISE(ABORT, '{table} is append-only: a recorded row cannot be deleted');"
        " END",
    ]


def log_guard_name(table: str) -> str:
    return f"{table}_{IN_LOG}"


def sqlite_log_guard(table: str) -> str:
    # AFTER: in a BEFORE INSERT trigger SQLite's NEW.rowid is -1 for every automatic id.
    return (
        f"CREATE TRIGGER IF NOT EXISTS {log_guard_name(table)} AFTER INSERT ON {table}"
        f" WHEN NEW.rowid <= 0 BEGIN SELECT RAISE(ABORT, '{table}: a row outside the"
        " notification log (id 0 or below) is refused'); END"
    )
