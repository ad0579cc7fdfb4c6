"""What is waiting for whom: tasks, ballots, reminders, returns and escalations.

Fed by the same events that drive the e-mail reminders. A notice is addressed to a person
(``user:<username>``) or to everyone holding a role in a scope (``role:<role>:<scope>``,
``*`` for a role without one), as the tasks themselves are. Whether a person has read a
notice is theirs alone, and is kept by the API beside the view (``notice_reads``), so a
rebuild of the view loses nobody's reading.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from eventsourcing.persistence import Tracking

from domain.council import CouncilSession
from domain.inspection import InspectionVisit
from domain.nomination import REVIEW_MOVES, Nomination
from domain.submission import Submission
from projections.handled import HandledProjection, handles
from projections.views.tracked import TrackedView
from storage.views import iso_day

NOTICE_COLUMNS = (
    "id",
    "position",
    "audience",
    "kind",
    "nomination_id",
    "session_id",
    "visit_id",
    "subject",
    "detail",
    "due_on",
    "created_at",
)
# Who reads a notice, kept by the API: the view's rebuilds never touch it.
READS_DDL = (
    "CREATE TABLE IF NOT EXISTS notice_reads ("
    " username TEXT NOT NULL, notice_id TEXT NOT NULL, read_at TEXT NOT NULL,"
    " PRIMARY KEY (username, notice_id))"
)
REVIEWERS = {"district_review": "district_reviewer", "province_review": "province_reviewer"}


def audiences(username: str, grants: Sequence[tuple[str, str | None]]) -> list[str]:
    """Every address a person's notices come to: their own, and each of their roles'."""
    return [f"user:{username}", *(f"role:{role}:{scope or '*'}" for role, scope in grants)]


class NotificationsView(TrackedView):
    name = "notifications"
    ddl = (
        "CREATE TABLE IF NOT EXISTS notices ("
        " id TEXT PRIMARY KEY, position INTEGER NOT NULL, audience TEXT NOT NULL,"
        " kind TEXT NOT NULL, nomination_id TEXT, session_id TEXT, visit_id TEXT,"
        " subject TEXT NOT NULL, detail TEXT, due_on TEXT, created_at TEXT NOT NULL)",
        "CREATE INDEX IF NOT EXISTS notices_audience ON notices (audience, position)",
        "CREATE TABLE IF NOT EXISTS notice_units ("
        " nomination_id TEXT PRIMARY KEY, unit_name TEXT NOT NULL, district_code TEXT)",
        "CREATE TABLE IF NOT EXISTS notice_visits ("
        " visit_id TEXT PRIMARY KEY, team_id TEXT NOT NULL, nomination_id TEXT NOT NULL)",
        "CREATE TABLE IF NOT EXISTS notice_sessions ("
        " session_id TEXT PRIMARY KEY, title TEXT NOT NULL, members TEXT NOT NULL,"
        " agenda TEXT NOT NULL, voted TEXT NOT NULL)",
    )
    kept_ddl = (READS_DDL,)

    # --- writes (inside a page) -------------------------------------------------------

    def notify(self, tracking: Tracking, audience: str, kind: str, **row: Any) -> None:
        """One notice per audience per event: replaying the event changes nothing."""
        values = {
            "id": f"{tracking.notification_id}:{audience}",
            "position": tracking.notification_id,
            "audience": audience,
            "kind": kind,
            **row,
        }
        self.execute(
            f"INSERT INTO notices ({', '.join(NOTICE_COLUMNS)})"  # noqa: S608
            f" VALUES ({', '.join('?' for _ in NOTICE_COLUMNS)}) ON CONFLICT (id) DO NOTHING",
            [values.get(c) for c in NOTICE_COLUMNS],
        )

    def remember_unit(self, nomination_id: str, name: str, district: str | None) -> None:
        self.execute(
            "INSERT INTO notice_units VALUES (?, ?, ?) ON CONFLICT (nomination_id) DO NOTHING",
            (nomination_id, name, district),
        )

    def unit(self, nomination_id: str) -> tuple[str, str | None]:
        self.cursor.execute(
            "SELECT unit_name, district_code FROM notice_units WHERE nomination_id = ?",
            (nomination_id,),
        )
        row = self.cursor.fetchone()
        return (row[0], row[1]) if row else (nomination_id, None)

    def remember_visit(self, visit_id: str, team_id: str, nomination_id: str) -> None:
        self.execute(
            "INSERT INTO notice_visits VALUES (?, ?, ?) ON CONFLICT (visit_id) DO NOTHING",
            (visit_id, team_id, nomination_id),
        )

    def visit(self, visit_id: str) -> tuple[str, str] | None:
        self.cursor.execute(
            "SELECT team_id, nomination_id FROM notice_visits WHERE visit_id = ?", (visit_id,)
        )
        row = self.cursor.fetchone()
        return (row[0], row[1]) if row else None

    def remember_session(self, session_id: str, title: str, members: list[str]) -> None:
        self.execute(
            "INSERT INTO notice_sessions VALUES (?, ?, ?, '[]', '{}')"
            " ON CONFLICT (session_id) DO NOTHING",
            (session_id, title, json.dumps(members)),
        )

    def session(self, session_id: str) -> dict[str, Any] | None:
        self.cursor.execute(
            "SELECT title, members, agenda, voted FROM notice_sessions WHERE session_id = ?",
            (session_id,),
        )
        row = self.cursor.fetchone()
        if row is None:
            return None
        return {
            "title": row[0],
            "members": json.loads(row[1]),
            "agenda": json.loads(row[2]),
            "voted": json.loads(row[3]),
        }

    def save_session(self, session_id: str, agenda: list[str], voted: dict[str, Any]) -> None:
        self.execute(
            "UPDATE notice_sessions SET agenda = ?, voted = ? WHERE session_id = ?",
            (json.dumps(agenda), json.dumps(voted), session_id),
        )

    # --- reads --------------------------------------------------------------------------

    def for_person(
        self, username: str, addresses: Sequence[str], limit: int = 20, before: int | None = None
    ) -> tuple[list[dict[str, Any]], int, int]:
        """A person's notices, newest first, from a keyset ``before`` (a position); with how
        many they have in all and how many are unread."""
        marks = ", ".join("?" for _ in addresses)
        mine = f"FROM notices n WHERE n.audience IN ({marks})"
        unread = (
            " AND NOT EXISTS (SELECT 1 FROM notice_reads r"
            " WHERE r.username = ? AND r.notice_id = n.id)"
        )
        page = "" if before is None else " AND n.position < ?"
        columns = ", ".join(f"n.{c}" for c in NOTICE_COLUMNS)
        with self.db.reading() as cursor:
            cursor.execute(f"SELECT COUNT(*) {mine}", list(addresses))
            count = int(cursor.fetchone()[0])
            cursor.execute(f"SELECT COUNT(*) {mine}{unread}", [*addresses, username])
            unread_count = int(cursor.fetchone()[0])
            cursor.execute(
                f"SELECT {columns}, EXISTS (SELECT 1 FROM notice_reads r"  # noqa: S608
                f" WHERE r.username = ? AND r.notice_id = n.id) {mine}{page}"
                " ORDER BY n.position DESC, n.id LIMIT ?",
                [username, *addresses, *([before] if before is not None else []), limit],
            )
            rows = [
                {**dict(zip(NOTICE_COLUMNS, r[:-1], strict=True)), "read": bool(r[-1])}
                for r in cursor.fetchall()
            ]
        return rows, count, unread_count

    def addressed_of(self, notice_ids: Sequence[str], addresses: Sequence[str]) -> set[str]:
        """Those of ``notice_ids`` that are addressed to one of ``addresses``: one query."""
        ids, marks = ", ".join("?" for _ in notice_ids), ", ".join("?" for _ in addresses)
        with self.db.reading() as cursor:
            cursor.execute(
                f"SELECT id FROM notices WHERE id IN ({ids})"  # noqa: S608
                f" AND audience IN ({marks})",
                [*notice_ids, *addresses],
            )
            return {str(r[0]) for r in cursor.fetchall()}

    def mark_read(self, username: str, notice_ids: Sequence[str], at: str) -> None:
        with self.db.transaction() as cursor:
            for notice_id in notice_ids:
                cursor.execute(
                    "INSERT INTO notice_reads VALUES (?, ?, ?)"
                    " ON CONFLICT (username, notice_id) DO NOTHING",
                    (username, notice_id, at),
                )

    def unread_ids(self, username: str, addresses: Sequence[str]) -> list[str]:
        marks = ", ".join("?" for _ in addresses)
        with self.db.reading() as cursor:
            cursor.execute(
                f"SELECT n.id FROM notices n WHERE n.audience IN ({marks})"  # noqa: S608
                " AND NOT EXISTS (SELECT 1 FROM notice_reads r"
                " WHERE r.username = ? AND r.notice_id = n.id)",
                [*addresses, username],
            )
            return [str(r[0]) for r in cursor.fetchall()]


# The province's board answers escalations, whoever they were raised to: a board head reads
# the province's queue.
ESCALATIONS = "role:province_reviewer:*"


class NotificationsProjection(HandledProjection[NotificationsView]):
    name = "notifications"

    @handles(Nomination.Opened)
    def _opened(self, event: Any, tracking: Tracking) -> None:
        nominee = event.nominee
        self.view.remember_unit(
            str(event.originator_id), nominee["name"], nominee.get("district_code")
        )

    @handles(*REVIEW_MOVES)
    def _moved(self, event: Any, tracking: Tracking) -> None:
        nid = str(event.originator_id)
        name, district = self.view.unit(nid)
        common = {
            "nomination_id": nid,
            "subject": name,
            "due_on": iso_day(getattr(event, "due_on", None)),
            "created_at": event.timestamp.isoformat(),
        }
        role = REVIEWERS.get(event.to_stage)
        if role is not None:
            scope = district if event.to_stage == "district_review" else None
            self.view.notify(tracking, f"role:{role}:{scope or '*'}", "review", **common)
        if getattr(event, "decision", None) == "return":
            self.view.notify(
                tracking,
                f"role:unit_officer:{district or '*'}",
                "returned",
                **{**common, "detail": event.comment or None},
            )

    # --- the decision chain (docs/spec.md §12) ------------------------------------------

    @handles(Nomination.CouncilRecommended)
    def _recommended(self, event: Any, tracking: Tracking) -> None:
        """The office prepares the submission of what a council recommended."""
        if event.recommendation != "recommended":
            return
        nid = str(event.originator_id)
        name, _ = self.view.unit(nid)
        self.view.notify(
            tracking,
            "role:province_reviewer:*",
            "recommended",
            nomination_id=nid,
            session_id=event.session_id,
            subject=name,
            created_at=event.timestamp.isoformat(),
        )

    @handles(Submission.Prepared)
    def _submission(self, event: Any, tracking: Tracking) -> None:
        """The chairman of the authority it goes to decides it."""
        self.view.notify(
            tracking,
            f"role:awarding_authority:{event.authority['id']}",
            "submission",
            subject=event.number,
            created_at=event.timestamp.isoformat(),
        )

    @handles(Submission.Decided)
    def _submission_decided(self, event: Any, tracking: Tracking) -> None:
        """The office and the council's secretary learn the decision's number."""
        for audience in ("role:province_reviewer:*", "role:council_secretary:*"):
            self.view.notify(
                tracking,
                audience,
                "decided",
                subject=event.number,
                created_at=event.timestamp.isoformat(),
            )

    @handles(Nomination.ReminderSent)
    def _reminded(self, event: Any, tracking: Tracking) -> None:
        nid = str(event.originator_id)
        name, district = self.view.unit(nid)
        role = REVIEWERS.get(event.stage, "unit_officer")
        scope = None if event.stage == "province_review" else district
        self.view.notify(
            tracking,
            f"role:{role}:{scope or '*'}",
            "reminder",
            nomination_id=nid,
            subject=name,
            created_at=event.timestamp.isoformat(),
        )

    @handles(Nomination.Escalated)
    def _escalated(self, event: Any, tracking: Tracking) -> None:
        nid = str(event.originator_id)
        name, _ = self.view.unit(nid)
        self.view.notify(
            tracking,
            ESCALATIONS,
            "escalation",
            nomination_id=nid,
            subject=name,
            detail=event.reason,
            created_at=event.timestamp.isoformat(),
        )

    @handles(InspectionVisit.Ordered)
    def _visit_ordered(self, event: Any, tracking: Tracking) -> None:
        vid = str(event.originator_id)
        self.view.remember_visit(vid, event.team_id, event.nomination_id)
        name, _ = self.view.unit(event.nomination_id)
        self.view.notify(
            tracking,
            f"role:inspector:{event.team_id}",
            "visit",
            nomination_id=event.nomination_id,
            visit_id=vid,
            subject=name,
            due_on=iso_day(event.due_on),
            created_at=event.timestamp.isoformat(),
        )

    @handles(InspectionVisit.ReminderSent, InspectionVisit.Escalated)
    def _visit_waiting(self, event: Any, tracking: Tracking) -> None:
        vid = str(event.originator_id)
        visit = self.view.visit(vid)
        if visit is None:
            return
        team, nid = visit
        name, _ = self.view.unit(nid)
        escalated = isinstance(event, InspectionVisit.Escalated)
        self.view.notify(
            tracking,
            ESCALATIONS if escalated else f"role:inspector:{team}",
            "escalation" if escalated else "reminder",
            nomination_id=nid,
            visit_id=vid,
            subject=name,
            detail=event.reason if escalated else None,
            created_at=event.timestamp.isoformat(),
        )

    @handles(CouncilSession.Scheduled)
    def _scheduled(self, event: Any, tracking: Tracking) -> None:
        self.view.remember_session(str(event.originator_id), event.title, list(event.members))

    @handles(CouncilSession.ItemAdded)
    def _item_added(self, event: Any, tracking: Tracking) -> None:
        sid = str(event.originator_id)
        found = self.view.session(sid)
        if found is not None:
            self.view.save_session(sid, [*found["agenda"], event.nomination_id], found["voted"])

    @handles(CouncilSession.BallotCast, CouncilSession.BallotSealed, CouncilSession.MemberRecused)
    def _ballot(self, event: Any, tracking: Tracking) -> None:
        sid = str(event.originator_id)
        found = self.view.session(sid)
        if found is not None:
            voted = found["voted"]
            voted.setdefault(event.member_id, [])
            if event.nomination_id not in voted[event.member_id]:
                voted[event.member_id].append(event.nomination_id)
            self.view.save_session(sid, found["agenda"], voted)

    @handles(CouncilSession.SessionOpened, CouncilSession.ReminderSent)
    def _ballots_waiting(self, event: Any, tracking: Tracking) -> None:
        """A ballot for each member when the session opens; a reminder later to those who
        have not voted on every item."""
        sid = str(event.originator_id)
        found = self.view.session(sid)
        if found is None:
            return
        opened = isinstance(event, CouncilSession.SessionOpened)
        for member in found["members"]:
            done = set(found["voted"].get(member, []))
            if not opened and set(found["agenda"]) <= done:
                continue
            self.view.notify(
                tracking,
                f"user:{member}",
                "ballot" if opened else "reminder",
                session_id=sid,
                subject=found["title"],
                created_at=event.timestamp.isoformat(),
            )
