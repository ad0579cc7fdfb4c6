"""The audit trail's view: its tables, one append-only row per criterion check and per
other step of a case, every event's digest beside them, and the queries auditors run."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Any

from projections.views.tracked import TrackedView
from service.audit import RecordedDigest
from storage.views import equal_to

ROW_COLUMNS = (
    "position",
    "item",
    "aggregate_id",
    "aggregate_type",
    "version",
    "event_type",
    "kind",
    "nomination_id",
    "unit_code",
    "district_code",
    "cycle_year",
    "stage",
    "criterion_id",
    "outcome",
    "basis",
    "rule_set_id",
    "rule_set_version",
    "rule_set_digest",
    "inputs",
    "check_values",
    "threshold",
    "explanation_vi",
    "explanation_en",
    "checked_by",
    "reason",
    "details",
    "actor_id",
    "actor_role",
    "correlation_id",
    "occurred_at",
)


# A criterion check as the auditors' export lists it: what was checked, by whom, when.
CHECK_COLUMNS = (
    *ROW_COLUMNS[ROW_COLUMNS.index("nomination_id") : ROW_COLUMNS.index("reason") + 1],
    "actor_id",
    "occurred_at",
    "version",
)


@dataclass(frozen=True)
class TrailFilter:
    cycle_year: int | None = None
    district_code: str | None = None
    criterion_id: str | None = None
    outcome: str | None = None
    nomination_id: str | None = None
    kind: str | None = None

    def where(self) -> tuple[str, list[Any]]:
        clauses, params = equal_to(
            (
                ("cycle_year", self.cycle_year),
                ("district_code", self.district_code),
                ("criterion_id", self.criterion_id),
                ("outcome", self.outcome),
                ("nomination_id", self.nomination_id),
                ("kind", self.kind),
            )
        )
        return (" WHERE " + " AND ".join(clauses)) if clauses else "", params


class AuditTrailView(TrackedView):
    name = "audit_trail"
    ddl = (
        "CREATE TABLE IF NOT EXISTS audit_trail ("
        " position BIGINT NOT NULL, item INTEGER NOT NULL,"
        " aggregate_id TEXT NOT NULL, aggregate_type TEXT NOT NULL, version BIGINT NOT NULL,"
        " event_type TEXT NOT NULL, kind TEXT NOT NULL, nomination_id TEXT, unit_code TEXT,"
        " district_code TEXT, cycle_year INTEGER, stage TEXT, criterion_id TEXT, outcome TEXT,"
        " basis TEXT, rule_set_id TEXT, rule_set_version INTEGER, rule_set_digest TEXT,"
        " inputs TEXT, check_values TEXT, threshold TEXT, explanation_vi TEXT,"
        " explanation_en TEXT, checked_by TEXT, reason TEXT, details TEXT, actor_id TEXT,"
        " actor_role TEXT, correlation_id TEXT, occurred_at TEXT NOT NULL,"
        " PRIMARY KEY (position, item))",
        "CREATE INDEX IF NOT EXISTS audit_trail_nomination"
        " ON audit_trail (nomination_id, position)",
        "CREATE INDEX IF NOT EXISTS audit_trail_kind ON audit_trail (kind, cycle_year)",
        "CREATE TABLE IF NOT EXISTS audit_cases ("
        " nomination_id TEXT PRIMARY KEY, unit_code TEXT, district_code TEXT,"
        " cycle_year INTEGER, award_form TEXT, stage TEXT)",
        "CREATE TABLE IF NOT EXISTS audit_links ("
        " aggregate_id TEXT PRIMARY KEY, nomination_id TEXT)",
        "CREATE TABLE IF NOT EXISTS audit_digests ("
        " position BIGINT PRIMARY KEY, aggregate_id TEXT NOT NULL, version BIGINT NOT NULL,"
        " digest TEXT NOT NULL)",
    )

    # --- writes (inside a page) -------------------------------------------------------

    def __init__(self, database: Any) -> None:
        super().__init__(database)
        # Every event looks its case up; keep them at hand rather than ask the database.
        self._cases: dict[str, list[Any]] = {}
        self._links: dict[str, str | None] = {}

    def forget(self) -> None:
        self._cases.clear()
        self._links.clear()

    def add_case(self, nomination_id: str, unit: dict[str, Any], cycle: int, form: str) -> None:
        row = [unit["code"], unit.get("district_code"), cycle, "collecting"]
        self._cases[nomination_id] = row
        self.execute(
            "INSERT INTO audit_cases VALUES (?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (nomination_id) DO NOTHING",
            (nomination_id, row[0], row[1], cycle, form, row[3]),
        )

    def link(self, aggregate_id: str, nomination_id: str) -> None:
        self._links[aggregate_id] = nomination_id
        self.execute(
            "INSERT INTO audit_links VALUES (?, ?) ON CONFLICT (aggregate_id) DO NOTHING",
            (aggregate_id, nomination_id),
        )

    def linked_nomination(self, aggregate_id: str) -> str | None:
        if aggregate_id not in self._links:
            self.cursor.execute(
                "SELECT nomination_id FROM audit_links WHERE aggregate_id = ?", (aggregate_id,)
            )
            row = self.cursor.fetchone()
            self._links[aggregate_id] = str(row[0]) if row else None
        return self._links[aggregate_id]

    def case(self, nomination_id: str) -> tuple[Any, ...] | None:
        """Unit, district, cycle and current stage of a nomination."""
        if nomination_id not in self._cases:
            self.cursor.execute(
                "SELECT unit_code, district_code, cycle_year, stage FROM audit_cases"
                " WHERE nomination_id = ?",
                (nomination_id,),
            )
            row = self.cursor.fetchone()
            if row is None:
                return None
            self._cases[nomination_id] = list(row)
        return tuple(self._cases[nomination_id])

    def move_case(self, nomination_id: str, stage: str) -> None:
        if nomination_id in self._cases:
            self._cases[nomination_id][3] = stage
        self.execute(
            "UPDATE audit_cases SET stage = ? WHERE nomination_id = ?", (stage, nomination_id)
        )

    def drop(self) -> None:
        self.forget()
        super().drop()

    def append(self, row: dict[str, Any]) -> None:
        values = [row.get(c) for c in ROW_COLUMNS]
        self.execute(
            f"INSERT INTO audit_trail ({', '.join(ROW_COLUMNS)})"  # noqa: S608
            f" VALUES ({', '.join('?' for _ in ROW_COLUMNS)})"
            " ON CONFLICT (position, item) DO NOTHING",
            values,
        )

    def record_digest(self, position: int, aggregate_id: str, version: int, digest: str) -> None:
        self.execute(
            "INSERT INTO audit_digests VALUES (?, ?, ?, ?) ON CONFLICT (position) DO NOTHING",
            (position, aggregate_id, version, digest),
        )

    # --- reads ------------------------------------------------------------------------

    def rows(self, where: TrailFilter = TrailFilter()) -> Iterator[dict[str, Any]]:
        clause, params = where.where()
        sql = f"SELECT {', '.join(ROW_COLUMNS)} FROM audit_trail{clause} ORDER BY position, item"  # noqa: S608
        for row in self.db.stream(sql, params):
            yield decoded_row(dict(zip(ROW_COLUMNS, row, strict=True)))

    def page_of_checks(
        self, where: TrailFilter, limit: int, after: tuple[int, int] | None = None
    ) -> tuple[list[dict[str, Any]], int]:
        """One page of criterion checks in log order from a keyset (the last row's position
        and item), and how many match: a page costs its own rows, not the whole trail."""
        clause, params = replace(where, kind="check").where()
        with self.db.reading() as cursor:
            cursor.execute(f"SELECT COUNT(*) FROM audit_trail{clause}", params)  # noqa: S608
            count = int(cursor.fetchone()[0])
            keyset, key = "", []
            if after is not None:
                keyset = (" AND " if clause else " WHERE ") + "(position, item) > (?, ?)"
                key = list(after)
            cursor.execute(
                f"SELECT {', '.join(ROW_COLUMNS)} FROM audit_trail{clause}{keyset}"  # noqa: S608
                " ORDER BY position, item LIMIT ?",
                [*params, *key, limit],
            )
            rows = [decoded_row(dict(zip(ROW_COLUMNS, r, strict=True))) for r in cursor.fetchall()]
        return rows, count

    def checks(self, where: TrailFilter = TrailFilter()) -> Iterator[dict[str, Any]]:
        return self.rows(
            TrailFilter(
                where.cycle_year,
                where.district_code,
                where.criterion_id,
                where.outcome,
                where.nomination_id,
                "check",
            )
        )

    def digests(self) -> Iterator[RecordedDigest]:
        """The digest each event had when it was projected, in log order, streamed."""
        for position, aggregate_id, version, digest in self.db.stream(
            "SELECT position, aggregate_id, version, digest FROM audit_digests ORDER BY position",
            size=5000,
        ):
            yield int(position), str(aggregate_id), int(version), str(digest)


def decoded_row(row: dict[str, Any]) -> dict[str, Any]:
    for column in ("inputs", "check_values", "details"):
        if row.get(column):
            row[column] = json.loads(row[column])
    return row


def as_json(value: Any) -> str | None:
    return (
        None
        if value is None
        else json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
    )
