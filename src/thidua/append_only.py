"""The triggers that make the event and snapshot tables append-only, for both stores."""

from __future__ import annotations

GUARDS = ("no_update", "no_delete", "no_truncate")
SQLITE_GUARDS = GUARDS[:2]  # SQLite has no TRUNCATE


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
