"""The board: every nomination with its unit, stage, due date and overdue flag."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from eventsourcing.persistence import Tracking

from domain.council import CouncilSession
from domain.dossier import complaint_number
from domain.nomination import REVIEW_MOVES, Nomination
from projections.handled import HandledProjection, handles
from projections.views.tracked import TrackedView
from storage.views import equal_to, iso_day

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
    "agenda_session_id",
    "decided_session_id",
)
SHOWN = COLUMNS[:14]
ORDER_TAIL = "COALESCE(district_code, ''), unit_code, award_form, nomination_id"
"""The board's order after the cycle (newest first): one total order, the same on SQLite
and PostgreSQL (which place NULLs differently), so a keyset cursor is stable."""
"""The columns a board row shows; the sessions only decide who sees it."""


@dataclass(frozen=True)
class Visibility:
    """Who may see which rows, as docs/spec.md §9's read column says: everything, or the
    union of the caller's own units, districts, inspection teams and council sessions."""

    everything: bool = False
    unit_scopes: tuple[str, ...] = ()
    districts: tuple[str, ...] = ()
    teams: tuple[str, ...] = ()
    member: str | None = None

    def where(self) -> tuple[str, list[Any]]:
        if self.everything:
            return "", []
        ors: list[str] = []
        params: list[Any] = []
        for column, values, table in (
            ("scope_code", self.unit_scopes, "board_scopes"),
            ("district_code", self.districts, None),
            ("team_id", self.teams, "board_teams"),
        ):
            if not values:
                continue
            among = f"{column} IN ({', '.join('?' for _ in values)})"
            if table is not None:  # a dossier has many scopes and teams, each table its own
                among = f"nomination_id IN (SELECT nomination_id FROM {table} WHERE {among})"  # noqa: S608
            ors.append(among)
            params += values
        if self.member is not None:
            ors.append(
                "EXISTS (SELECT 1 FROM board_session_members m WHERE m.member = ?"
                " AND m.session_id IN (agenda_session_id, decided_session_id))"
            )
            params.append(self.member)
        return f"({' OR '.join(ors) or '1 = 0'})", params


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
    visibility: Visibility = Visibility(everything=True)
    after: tuple[int, str, str, str, str] | None = None
    """A keyset: the last row's cycle, district, unit, form and id; rows after it."""


@dataclass(frozen=True)
class BoardPage:
    rows: list[dict[str, Any]]
    count: int


CountKey = tuple[str, tuple[Any, ...]]


class BoardView(TrackedView):
    name = "board"
    _counts: tuple[int | None, dict[CountKey, int]] = (None, {})
    """Counts by filter at one position of the view (see ``_count``)."""
    ddl = (
        "CREATE TABLE IF NOT EXISTS board_nominations ("
        " nomination_id TEXT PRIMARY KEY, unit_code TEXT NOT NULL, unit_name TEXT NOT NULL,"
        " unit_kind TEXT NOT NULL, district_code TEXT, award_form TEXT NOT NULL,"
        " cycle_year INTEGER NOT NULL, stage TEXT NOT NULL, outcome TEXT, due_on TEXT,"
        " version BIGINT NOT NULL, opened_at TEXT NOT NULL, updated_at TEXT NOT NULL,"
        " decided_on TEXT, agenda_session_id TEXT, decided_session_id TEXT)",
        "CREATE INDEX IF NOT EXISTS board_by_stage ON board_nominations (stage, cycle_year)",
        # Complaints by the receipt number their filer follows them with: state only.
        "CREATE TABLE IF NOT EXISTS board_complaints (number TEXT PRIMARY KEY,"
        " nomination_id TEXT NOT NULL, complaint_id TEXT NOT NULL, state TEXT NOT NULL,"
        " filed_at TEXT NOT NULL, resolved_at TEXT)",
        "CREATE INDEX IF NOT EXISTS board_by_district ON board_nominations (district_code)",
        "CREATE INDEX IF NOT EXISTS board_keyset ON board_nominations"
        f" (cycle_year DESC, {ORDER_TAIL})",
        # The unit itself and each of its ancestors: a unit officer's scope is one of them.
        "CREATE TABLE IF NOT EXISTS board_scopes (scope_code TEXT NOT NULL,"
        " nomination_id TEXT NOT NULL, PRIMARY KEY (scope_code, nomination_id))",
        "CREATE TABLE IF NOT EXISTS board_teams (team_id TEXT NOT NULL,"
        " nomination_id TEXT NOT NULL, PRIMARY KEY (team_id, nomination_id))",
        "CREATE TABLE IF NOT EXISTS board_session_members (member TEXT NOT NULL,"
        " session_id TEXT NOT NULL, PRIMARY KEY (member, session_id))",
    )

    def create_tables(self) -> None:
        """A board made before it kept the decision date, the sessions and the scopes is
        dropped, and the runner rebuilds it from the log: a view is always what its events
        say, with every column."""
        with self.db.transaction() as cursor:  # the order index from before the keyset
            self.db.take_turns_changing_tables(cursor)
            cursor.execute("DROP INDEX IF EXISTS board_by_order")
        before_complaints = self._lacks("board_complaints") and not self._lacks("board_nominations")
        super().create_tables()
        if before_complaints:  # a board from before it kept complaints: rebuilt from the log
            self.drop()
            return
        try:
            with self.db.reading() as cursor:
                cursor.execute(
                    "SELECT decided_on, decided_session_id FROM board_nominations WHERE 1 = 0"
                )
        except Exception:
            self.drop()

    def _lacks(self, table: str) -> bool:
        try:
            with self.db.reading() as cursor:
                cursor.execute(f"SELECT 1 FROM {table} WHERE 1 = 0")  # noqa: S608 - our names
        except Exception:
            return True
        return False

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

    def add_scopes(self, nomination_id: str, codes: list[str]) -> None:
        for code in dict.fromkeys(codes):
            self.execute(
                "INSERT INTO board_scopes VALUES (?, ?) ON CONFLICT DO NOTHING",
                (code, nomination_id),
            )

    def file_complaint(self, nomination_id: str, complaint_id: str, at: str) -> None:
        self.execute(
            "INSERT INTO board_complaints VALUES (?, ?, ?, 'open', ?, NULL)"
            " ON CONFLICT (number) DO NOTHING",
            (complaint_number(complaint_id), nomination_id, complaint_id, at),
        )

    def resolve_complaint(self, complaint_id: str, upheld: bool, at: str) -> None:
        self.execute(
            "UPDATE board_complaints SET state = ?, resolved_at = ? WHERE number = ?",
            ("upheld" if upheld else "dismissed", at, complaint_number(complaint_id)),
        )

    def complaint(self, number: str) -> dict[str, Any] | None:
        """A complaint's state by its receipt number: nothing about who filed it."""
        columns = ("number", "nomination_id", "state", "filed_at", "resolved_at")
        return self.row_by_key("board_complaints", columns, "number", number)

    def add_team(self, nomination_id: str, team_id: str) -> None:
        self.execute(
            "INSERT INTO board_teams VALUES (?, ?) ON CONFLICT DO NOTHING",
            (team_id, nomination_id),
        )

    def add_members(self, session_id: str, members: list[str]) -> None:
        for member in members:
            self.execute(
                "INSERT INTO board_session_members VALUES (?, ?) ON CONFLICT DO NOTHING",
                (member, session_id),
            )

    def page_of(self, query: BoardQuery) -> BoardPage:
        visible, params = query.visibility.where()
        equal, values = equal_to(
            (
                ("stage", query.stage),
                ("district_code", query.district_code),
                ("cycle_year", query.cycle_year),
            )
        )
        clauses: list[str] = [visible, *equal] if visible else equal
        params += values
        if query.unit_code is not None:
            units = (query.unit_code, *query.lineage)
            clauses.append(f"unit_code IN ({', '.join('?' for _ in units)})")
            params += units
        if query.overdue_on is not None:
            clauses.append(f"due_on < ? AND stage IN ({', '.join('?' for _ in OPEN_STAGES)})")
            params += [query.overdue_on.isoformat(), *OPEN_STAGES]
        where = (" WHERE " + " AND ".join(clauses)) if clauses else ""
        with self.db.reading() as cursor:
            count = self._count(cursor, where, params)
            keyset, key = "", []
            if query.after is not None:
                cycle, *rest = query.after
                keyset = (" AND " if where else " WHERE ") + (
                    f"(cycle_year < ? OR (cycle_year = ? AND ({ORDER_TAIL}) > (?, ?, ?, ?)))"
                )
                key = [cycle, cycle, *rest]
            cursor.execute(
                f"SELECT {', '.join(SHOWN)} FROM board_nominations{where}{keyset}"  # noqa: S608
                f" ORDER BY cycle_year DESC, {ORDER_TAIL} LIMIT ? OFFSET ?",
                [*params, *key, query.limit, 0 if query.after else query.offset],
            )
            rows = [dict(zip(SHOWN, r, strict=True)) for r in cursor.fetchall()]
        return BoardPage(rows, count)

    def _count(self, cursor: Any, where: str, params: list[Any]) -> int:
        """The rows a filter matches. A view's rows are exactly what its position says, so a
        count is kept until the view moves on: a busy board counts each filter once a page
        rather than once a request."""
        position = self._position(cursor)
        at, counts = self._counts
        key = (where, tuple(params))
        if at == position and key in counts:
            return int(counts[key])
        cursor.execute(f"SELECT COUNT(*) FROM board_nominations{where}", params)  # noqa: S608
        count = int(cursor.fetchone()[0])
        if position is not None and self._position(cursor) == position:  # no page between
            if at != position:
                counts = {}
                self._counts = (position, counts)
            if len(counts) < 1024:
                counts[key] = count
        return count

    def _position(self, cursor: Any) -> int | None:
        cursor.execute(
            "SELECT MAX(position) FROM projection_tracking WHERE projection = ?", (self.name,)
        )
        row = cursor.fetchone()
        return None if row is None or row[0] is None else int(row[0])

    def get(self, nomination_id: str) -> dict[str, Any] | None:
        return self.row_by_key("board_nominations", SHOWN, "nomination_id", nomination_id)


def is_overdue(row: dict[str, Any], today: date) -> bool:
    due = row.get("due_on")
    return bool(due) and row["stage"] in OPEN_STAGES and date.fromisoformat(str(due)) < today


class BoardProjection(HandledProjection[BoardView]):
    name = "board"

    @handles(Nomination.Opened)
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
        codes = [unit["code"], *unit.get("ancestor_codes", ())]
        self.view.add_scopes(str(event.originator_id), codes)

    @handles(Nomination.InspectionOrdered)
    def _inspection_ordered(self, event: Any, tracking: Tracking) -> None:
        self.view.add_team(str(event.originator_id), event.team_id)

    @handles(Nomination.PlacedOnAgenda)
    def _on_agenda(self, event: Any, tracking: Tracking) -> None:
        self._touch(event, agenda_session_id=event.session_id)

    @handles(Nomination.CouncilDeferred)
    def _deferred(self, event: Any, tracking: Tracking) -> None:
        self._touch(event, agenda_session_id=None)

    @handles(Nomination.ComplaintFiled)
    def _complaint_filed(self, event: Any, tracking: Tracking) -> None:
        at = event.timestamp.isoformat()
        self.view.file_complaint(str(event.originator_id), event.complaint_id, at)
        self._touch(event)

    @handles(Nomination.ComplaintResolved)
    def _complaint_resolved(self, event: Any, tracking: Tracking) -> None:
        self.view.resolve_complaint(event.complaint_id, event.upheld, event.timestamp.isoformat())
        self._touch(event)

    @handles(CouncilSession.Scheduled)
    def _scheduled(self, event: Any, tracking: Tracking) -> None:
        self.view.add_members(str(event.originator_id), list(event.members))

    @handles(*REVIEW_MOVES)
    def _moved(self, event: Any, tracking: Tracking) -> None:
        changes: dict[str, Any] = {"stage": event.to_stage, "due_on": iso_day(event.due_on)}
        if getattr(event, "decision", None) == "reject":
            changes["outcome"] = "rejected"
        self._touch(event, **changes)

    @handles(Nomination.Withdrawn)
    def _withdrawn(self, event: Any, tracking: Tracking) -> None:
        self._touch(event, stage="closed", due_on=None, outcome="withdrawn")

    @handles(Nomination.PublicNoticeEnded)
    def _notice_ended(self, event: Any, tracking: Tracking) -> None:
        self._touch(event, stage=event.to_stage, due_on=None)

    @handles(Nomination.CouncilDecided)
    def _decided(self, event: Any, tracking: Tracking) -> None:
        self._touch(
            event,
            stage=event.to_stage,
            due_on=None,
            outcome=event.outcome,
            decided_on=iso_day(event.decision_date),
            agenda_session_id=None,
            decided_session_id=event.session_id,
        )

    @handles(Nomination.CouncilRecommended)
    def _recommended(self, event: Any, tracking: Tracking) -> None:
        not_recommended = event.recommendation != "recommended"
        self._touch(
            event,
            stage=event.to_stage,
            due_on=None,
            outcome=event.recommendation if not_recommended else None,
            agenda_session_id=None,
            decided_session_id=event.session_id,
        )

    @handles(Nomination.AwardDecided)
    def _award_decided(self, event: Any, tracking: Tracking) -> None:
        self._touch(
            event,
            stage=event.to_stage,
            due_on=None,
            outcome="approved" if event.decision["awarded"] else "not_approved",
            decided_on=event.decision["date"],
        )

    @handles(Nomination.Revoked)
    def _revoked(self, event: Any, tracking: Tracking) -> None:
        self._touch(event, outcome="revoked")

    def _touch(self, event: Any, **changes: Any) -> None:
        self.view.touch(
            str(event.originator_id),
            event.originator_version,
            event.timestamp.isoformat(),
            **changes,
        )
