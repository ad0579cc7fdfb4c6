"""Task inboxes: inspection visits per team, and review queues per scope."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from eventsourcing.persistence import Tracking

from domain.inspection import InspectionVisit
from domain.nomination import REVIEW_MOVES, Nomination
from projections.handled import HandledProjection, handles
from projections.views.tracked import TrackedView
from storage.views import iso_day

VISIT_COLUMNS = (
    "visit_id",
    "nomination_id",
    "unit_code",
    "team_id",
    "due_on",
    "state",
    "claimed_by",
    "overdue",
    "escalated",
    "reminders",
    "ordered_at",
    "reported_at",
)
REVIEW_COLUMNS = (
    "nomination_id",
    "stage",
    "scope",
    "unit_code",
    "unit_name",
    "award_form",
    "cycle_year",
    "due_on",
    "since",
)
REVIEW_STAGES = {"district_review", "province_review"}
PROVINCE = "province"


class TaskInboxView(TrackedView):
    name = "task_inbox"
    ddl = (
        "CREATE TABLE IF NOT EXISTS inbox_visits ("
        " visit_id TEXT PRIMARY KEY, nomination_id TEXT NOT NULL, unit_code TEXT NOT NULL,"
        " team_id TEXT NOT NULL, due_on TEXT NOT NULL, state TEXT NOT NULL, claimed_by TEXT,"
        " overdue INTEGER NOT NULL, escalated INTEGER NOT NULL, reminders INTEGER NOT NULL,"
        " ordered_at TEXT NOT NULL, reported_at TEXT)",
        "CREATE INDEX IF NOT EXISTS inbox_visits_team ON inbox_visits (team_id, state)",
        "CREATE TABLE IF NOT EXISTS inbox_reviews ("
        " nomination_id TEXT PRIMARY KEY, stage TEXT NOT NULL, scope TEXT NOT NULL,"
        " unit_code TEXT NOT NULL, unit_name TEXT NOT NULL, award_form TEXT NOT NULL,"
        " cycle_year INTEGER NOT NULL, due_on TEXT, since TEXT NOT NULL)",
        "CREATE INDEX IF NOT EXISTS inbox_reviews_scope ON inbox_reviews (scope, due_on)",
        "CREATE TABLE IF NOT EXISTS inbox_units ("
        " nomination_id TEXT PRIMARY KEY, unit_code TEXT NOT NULL, unit_name TEXT NOT NULL,"
        " district_code TEXT, award_form TEXT NOT NULL, cycle_year INTEGER NOT NULL)",
    )

    def remember_unit(self, nomination_id: str, unit: dict[str, Any], form: str, year: int) -> None:
        self.execute(
            "INSERT INTO inbox_units VALUES (?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (nomination_id) DO NOTHING",
            (nomination_id, unit["code"], unit["name"], unit.get("district_code"), form, year),
        )

    def queue(self, nomination_id: str, stage: str, due_on: str | None, since: str) -> None:
        self.execute("DELETE FROM inbox_reviews WHERE nomination_id = ?", (nomination_id,))
        if stage not in REVIEW_STAGES:
            return
        self.cursor.execute(
            "SELECT unit_code, unit_name, district_code, award_form, cycle_year FROM inbox_units"
            " WHERE nomination_id = ?",
            (nomination_id,),
        )
        unit = self.cursor.fetchone()
        if unit is None:
            return
        scope = unit[2] if stage == "district_review" else PROVINCE
        self.execute(
            f"INSERT INTO inbox_reviews ({', '.join(REVIEW_COLUMNS)})"  # noqa: S608
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (nomination_id, stage, scope, unit[0], unit[1], unit[3], unit[4], due_on, since),
        )

    def add_visit(self, row: dict[str, Any]) -> None:
        self.execute(
            f"INSERT INTO inbox_visits ({', '.join(VISIT_COLUMNS)})"  # noqa: S608
            f" VALUES ({', '.join('?' for _ in VISIT_COLUMNS)}) ON CONFLICT (visit_id) DO NOTHING",
            [row.get(c) for c in VISIT_COLUMNS],
        )

    def update_visit(self, visit_id: str, **changes: Any) -> None:
        sets = ", ".join(f"{column} = ?" for column in changes)
        self.execute(
            f"UPDATE inbox_visits SET {sets} WHERE visit_id = ?",  # noqa: S608
            [*changes.values(), visit_id],
        )

    def count_reminder(self, visit_id: str) -> None:
        self.execute(
            "UPDATE inbox_visits SET reminders = reminders + 1 WHERE visit_id = ?", (visit_id,)
        )

    # --- reads ------------------------------------------------------------------------

    def visits_for(self, team_id: str, *, include_reported: bool = False) -> list[dict[str, Any]]:
        sql = f"SELECT {', '.join(VISIT_COLUMNS)} FROM inbox_visits WHERE team_id = ?"  # noqa: S608
        if not include_reported:
            sql += " AND state <> 'reported'"
        with self.db.reading() as cursor:
            cursor.execute(sql + " ORDER BY due_on, visit_id", (team_id,))
            rows = [dict(zip(VISIT_COLUMNS, r, strict=True)) for r in cursor.fetchall()]
        for row in rows:
            row["overdue"], row["escalated"] = bool(row["overdue"]), bool(row["escalated"])
        return rows

    def tasks(
        self,
        teams: Sequence[str],
        scopes: Sequence[str],
        *,
        include_done: bool = False,
        limit: int = 100,
        after: tuple[str, str] | None = None,
    ) -> tuple[list[dict[str, Any]], int]:
        """One page of a caller's visits and reviews, by due date then id, from a keyset
        ``after`` (the last row's due date and id), and how many there are in all: the
        union, its order and its page are all the database's work."""
        parts: list[str] = []
        params: list[Any] = []
        if teams:
            marks = ", ".join("?" for _ in teams)
            done = "" if include_done else " AND state <> 'reported'"
            parts.append(
                "SELECT 'visit' AS kind, visit_id AS id, nomination_id, unit_code,"  # noqa: S608
                " 'inspection' AS stage, COALESCE(due_on, '') AS due, state, claimed_by,"
                f" overdue FROM inbox_visits WHERE team_id IN ({marks}){done}"
            )
            params += teams
        if scopes:
            marks = ", ".join("?" for _ in scopes)
            parts.append(
                "SELECT 'review' AS kind, nomination_id AS id, nomination_id, unit_code,"  # noqa: S608
                " stage, COALESCE(due_on, '') AS due, 'waiting' AS state, NULL AS claimed_by,"
                " 0 AS overdue"
                f" FROM inbox_reviews WHERE scope IN ({marks})"
            )
            params += scopes
        if not parts:
            return [], 0
        union = " UNION ALL ".join(parts)
        keyset, key = (
            ("", [])
            if after is None
            else (" WHERE (due > ? OR (due = ? AND id > ?))", [after[0], after[0], after[1]])
        )
        columns = (
            "kind",
            "id",
            "nomination_id",
            "unit_code",
            "stage",
            "due_on",
            "state",
            "claimed_by",
            "overdue",
        )
        with self.db.reading() as cursor:
            cursor.execute(f"SELECT COUNT(*) FROM ({union}) AS t", params)  # noqa: S608
            count = int(cursor.fetchone()[0])
            cursor.execute(
                f"SELECT * FROM ({union}) AS t{keyset} ORDER BY due, id LIMIT ?",  # noqa: S608
                [*params, *key, limit],
            )
            rows = [dict(zip(columns, r, strict=True)) for r in cursor.fetchall()]
        return rows, count

    def reviews_for(self, scope: str) -> list[dict[str, Any]]:
        """Nominations waiting for review: a district's code, or ``province``."""
        with self.db.reading() as cursor:
            cursor.execute(
                f"SELECT {', '.join(REVIEW_COLUMNS)} FROM inbox_reviews WHERE scope = ?"  # noqa: S608
                " ORDER BY due_on, nomination_id",
                (scope,),
            )
            return [dict(zip(REVIEW_COLUMNS, r, strict=True)) for r in cursor.fetchall()]

    def visit(self, visit_id: str) -> dict[str, Any] | None:
        return self.row_by_key("inbox_visits", VISIT_COLUMNS, "visit_id", visit_id)


class TaskInboxProjection(HandledProjection[TaskInboxView]):
    name = "task_inbox"

    @handles(Nomination.Opened)
    def _opened(self, event: Any, tracking: Tracking) -> None:
        self.view.remember_unit(
            str(event.originator_id), event.nominee, event.award_form, event.cycle_year
        )

    @handles(*REVIEW_MOVES)
    def _moved(self, event: Any, tracking: Tracking) -> None:
        self.view.queue(
            str(event.originator_id),
            event.to_stage,
            iso_day(event.due_on),
            event.timestamp.isoformat(),
        )

    @handles(Nomination.Withdrawn)
    def _withdrawn(self, event: Any, tracking: Tracking) -> None:
        self.view.queue(str(event.originator_id), "closed", None, event.timestamp.isoformat())

    @handles(InspectionVisit.Ordered)
    def _ordered(self, event: Any, tracking: Tracking) -> None:
        self.view.add_visit(
            {
                "visit_id": str(event.originator_id),
                "nomination_id": event.nomination_id,
                "unit_code": event.unit_code,
                "team_id": event.team_id,
                "due_on": iso_day(event.due_on),
                "state": "ordered",
                "overdue": 0,
                "escalated": 0,
                "reminders": 0,
                "ordered_at": event.timestamp.isoformat(),
            }
        )

    @handles(InspectionVisit.Claimed)
    def _claimed(self, event: Any, tracking: Tracking) -> None:
        self.view.update_visit(
            str(event.originator_id), state="claimed", claimed_by=event.inspector_id
        )

    @handles(InspectionVisit.ReportFiled)
    def _reported(self, event: Any, tracking: Tracking) -> None:
        self.view.update_visit(
            str(event.originator_id), state="reported", reported_at=event.timestamp.isoformat()
        )

    @handles(InspectionVisit.BecameOverdue)
    def _overdue(self, event: Any, tracking: Tracking) -> None:
        self.view.update_visit(str(event.originator_id), overdue=1)

    @handles(InspectionVisit.ReminderSent)
    def _reminded(self, event: Any, tracking: Tracking) -> None:
        self.view.count_reminder(str(event.originator_id))

    @handles(InspectionVisit.Escalated)
    def _escalated(self, event: Any, tracking: Tracking) -> None:
        self.view.update_visit(str(event.originator_id), escalated=1)
