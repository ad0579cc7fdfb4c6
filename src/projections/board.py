"""The board: every nomination with its unit, stage, due date and overdue flag."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from eventsourcing.dispatch import singledispatchmethod
from eventsourcing.persistence import Tracking
from eventsourcing.projection import Projection
from eventsourcing.utils import get_topic

from domain.nomination import Nomination
from projections.views.database import iso_day
from projections.views.tracked import TrackedView

OPEN_STAGES = ("collecting", "district_review", "province_review", "public_notice", "council")
COLUMNS = (
    "nomination_id",
    "unit_code",
    "unit_name",
    "unit_kind",
    "district_code",
    "award_form",
    "cycle_year",
    "stage",
    "outcome",
    "due_on",
    "version",
    "opened_at",
    "updated_at",
    "decided_on",
)


@dataclass(frozen=True)
class BoardQuery:
    stage: str | None = None
    unit_code: str | None = None
    district_code: str | None = None
    cycle_year: int | None = None
    overdue_on: date | None = None  # only nominations overdue on this day
    limit: int = 50
    offset: int = 0
    lineage: tuple[str, ...] = ()
    """With ``unit_code``: the units it was formed from or went into, shown with it."""


@dataclass(frozen=True)
class BoardPage:
    rows: list[dict[str, Any]]
    count: int


class BoardView(TrackedView):
    name = "board"
    tables = {"board_nominations": "nomination_id"}  # noqa: RUF012
    ddl = (
        "CREATE TABLE IF NOT EXISTS board_nominations ("
        " nomination_id TEXT PRIMARY KEY, unit_code TEXT NOT NULL, unit_name TEXT NOT NULL,"
        " unit_kind TEXT NOT NULL, district_code TEXT, award_form TEXT NOT NULL,"
        " cycle_year INTEGER NOT NULL, stage TEXT NOT NULL, outcome TEXT, due_on TEXT,"
        " version BIGINT NOT NULL, opened_at TEXT NOT NULL, updated_at TEXT NOT NULL,"
        " decided_on TEXT)",
        "CREATE INDEX IF NOT EXISTS board_by_stage ON board_nominations (stage, cycle_year)",
        "CREATE INDEX IF NOT EXISTS board_by_district ON board_nominations (district_code)",
    )

    def create_tables(self) -> None:
        """A board made before it kept the decision date is dropped, and the runner rebuilds
        it from the log: a view is always what its events say, with every column."""
        super().create_tables()
        try:
            with self.db.reading() as cursor:
                cursor.execute("SELECT decided_on FROM board_nominations WHERE 1 = 0")
        except Exception:
            self.drop()

    def open(self, row: dict[str, Any]) -> None:
        self.execute(
            f"INSERT INTO board_nominations ({', '.join(COLUMNS)})"  # noqa: S608
            f" VALUES ({', '.join('?' for _ in COLUMNS)}) ON CONFLICT (nomination_id) DO NOTHING",
            [row.get(c) for c in COLUMNS],
        )

    def touch(self, nomination_id: str, version: int, at: str, **changes: Any) -> None:
        sets = ", ".join(f"{column} = ?" for column in changes)
        self.execute(
            f"UPDATE board_nominations SET version = ?, updated_at = ?{', ' if sets else ''}{sets}"  # noqa: S608
            " WHERE nomination_id = ? AND version < ?",
            [version, at, *changes.values(), nomination_id, version],
        )

    def page_of(self, query: BoardQuery) -> BoardPage:
        clauses: list[str] = []
        params: list[Any] = []
        for column, value in (
            ("stage", query.stage),
            ("district_code", query.district_code),
            ("cycle_year", query.cycle_year),
        ):
            if value is not None:
                clauses.append(f"{column} = ?")
                params.append(value)
        if query.unit_code is not None:
            units = (query.unit_code, *query.lineage)
            clauses.append(f"unit_code IN ({', '.join('?' for _ in units)})")
            params += units
        if query.overdue_on is not None:
            clauses.append(f"due_on < ? AND stage IN ({', '.join('?' for _ in OPEN_STAGES)})")
            params += [query.overdue_on.isoformat(), *OPEN_STAGES]
        where = (" WHERE " + " AND ".join(clauses)) if clauses else ""
        with self.db.reading() as cursor:
            cursor.execute(f"SELECT COUNT(*) FROM board_nominations{where}", params)  # noqa: S608
            count = int(cursor.fetchone()[0])
            cursor.execute(
                f"SELECT {', '.join(COLUMNS)} FROM board_nominations{where}"  # noqa: S608
                " ORDER BY cycle_year DESC, district_code, unit_code, award_form LIMIT ? OFFSET ?",
                [*params, query.limit, query.offset],
            )
            rows = [dict(zip(COLUMNS, r, strict=True)) for r in cursor.fetchall()]
        return BoardPage(rows, count)

    def get(self, nomination_id: str) -> dict[str, Any] | None:
        with self.db.reading() as cursor:
            cursor.execute(
                f"SELECT {', '.join(COLUMNS)} FROM board_nominations WHERE nomination_id = ?",  # noqa: S608
                (nomination_id,),
            )
            row = cursor.fetchone()
        return dict(zip(COLUMNS, row, strict=True)) if row else None


def is_overdue(row: dict[str, Any], today: date) -> bool:
    due = row.get("due_on")
    return bool(due) and row["stage"] in OPEN_STAGES and date.fromisoformat(str(due)) < today


class BoardProjection(Projection[BoardView]):
    name = "board"
    topics = tuple(
        get_topic(cls)
        for cls in (
            Nomination.Opened,
            Nomination.Submitted,
            Nomination.Withdrawn,
            Nomination.DistrictReviewCompleted,
            Nomination.ProvinceReviewCompleted,
            Nomination.StageCutOver,
            Nomination.PublicNoticeEnded,
            Nomination.CouncilDecided,
            Nomination.Revoked,
        )
    )

    @singledispatchmethod
    def process_event(self, domain_event: Any, tracking: Tracking) -> None:
        """Events the board does not show."""

    @process_event.register(Nomination.Opened)
    def _opened(self, event: Any, tracking: Tracking) -> None:
        unit = event.nominee
        at = event.timestamp.isoformat()
        self.view.open(
            {
                "nomination_id": str(event.originator_id),
                "unit_code": unit["code"],
                "unit_name": unit["name"],
                "unit_kind": unit["kind"],
                "district_code": unit.get("district_code"),
                "award_form": event.award_form,
                "cycle_year": event.cycle_year,
                "stage": "collecting",
                "due_on": iso_day(event.due_on),
                "version": event.originator_version,
                "opened_at": at,
                "updated_at": at,
            }
        )

    @process_event.register(Nomination.Submitted)
    @process_event.register(Nomination.DistrictReviewCompleted)
    @process_event.register(Nomination.ProvinceReviewCompleted)
    @process_event.register(Nomination.StageCutOver)
    def _moved(self, event: Any, tracking: Tracking) -> None:
        changes: dict[str, Any] = {"stage": event.to_stage, "due_on": iso_day(event.due_on)}
        if getattr(event, "decision", None) == "reject":
            changes["outcome"] = "rejected"
        self._touch(event, **changes)

    @process_event.register(Nomination.Withdrawn)
    def _withdrawn(self, event: Any, tracking: Tracking) -> None:
        self._touch(event, stage="closed", due_on=None, outcome="withdrawn")

    @process_event.register(Nomination.PublicNoticeEnded)
    def _notice_ended(self, event: Any, tracking: Tracking) -> None:
        self._touch(event, stage=event.to_stage, due_on=None)

    @process_event.register(Nomination.CouncilDecided)
    def _decided(self, event: Any, tracking: Tracking) -> None:
        self._touch(
            event,
            stage=event.to_stage,
            due_on=None,
            outcome=event.outcome,
            decided_on=iso_day(event.decision_date),
        )

    @process_event.register(Nomination.Revoked)
    def _revoked(self, event: Any, tracking: Tracking) -> None:
        self._touch(event, outcome="revoked")

    def _touch(self, event: Any, **changes: Any) -> None:
        self.view.touch(
            str(event.originator_id),
            event.originator_version,
            event.timestamp.isoformat(),
            **changes,
        )
