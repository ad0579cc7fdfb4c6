"""Council agendas: sessions, items, who has voted and, once closed, the tallies.

A ballot's choice is never stored here: secret ballots show participation only.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from eventsourcing.persistence import Tracking

from domain.council import CouncilSession
from domain.submission import Submission
from projections.handled import HandledProjection, handles
from projections.views.tracked import TrackedView


class CouncilAgendaView(TrackedView):
    name = "council_agenda"
    ddl = (
        "CREATE TABLE IF NOT EXISTS agenda_sessions ("
        " session_id TEXT PRIMARY KEY, title TEXT NOT NULL, scheduled_for TEXT NOT NULL,"
        " award_form TEXT NOT NULL, council_level TEXT NOT NULL, scope TEXT,"
        " state TEXT NOT NULL, members TEXT NOT NULL, closed_at TEXT)",
        "CREATE TABLE IF NOT EXISTS agenda_items ("
        " session_id TEXT NOT NULL, nomination_id TEXT NOT NULL, ordinal INTEGER NOT NULL,"
        " outcome TEXT, tally TEXT, reason TEXT, PRIMARY KEY (session_id, nomination_id))",
        "CREATE TABLE IF NOT EXISTS agenda_participation ("
        " session_id TEXT NOT NULL, nomination_id TEXT NOT NULL, member_id TEXT NOT NULL,"
        " voted_at TEXT NOT NULL, PRIMARY KEY (session_id, nomination_id, member_id))",
        # Who sits on which session, so a member's sessions are an index search.
        "CREATE TABLE IF NOT EXISTS agenda_members (member_id TEXT NOT NULL,"
        " session_id TEXT NOT NULL, PRIMARY KEY (member_id, session_id))",
        "CREATE INDEX IF NOT EXISTS agenda_sessions_order"
        " ON agenda_sessions (scheduled_for, session_id)",
        # What follows a session: the office's submissions and the chairman's decision on each.
        "CREATE TABLE IF NOT EXISTS agenda_submissions ("
        " submission_id TEXT PRIMARY KEY, session_id TEXT NOT NULL, number TEXT NOT NULL,"
        " authority_id TEXT NOT NULL, authority_name TEXT NOT NULL, prepared_on TEXT NOT NULL,"
        " items INTEGER NOT NULL, state TEXT NOT NULL, decision_number TEXT, signed_on TEXT)",
    )

    def create_tables(self) -> None:
        """A view made before it kept the members apart is dropped and rebuilt from the log."""
        super().create_tables()
        try:
            with self.db.reading() as cursor:
                cursor.execute("SELECT COUNT(*) FROM agenda_members")
                members = int(cursor.fetchone()[0])
                cursor.execute("SELECT COUNT(*) FROM agenda_sessions")
                sessions = int(cursor.fetchone()[0])
        except Exception:
            members, sessions = 0, 1
        if sessions and not members:
            self.drop()

    def schedule(self, row: tuple[Any, ...]) -> None:
        self.execute(
            "INSERT INTO agenda_sessions VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (session_id) DO NOTHING",
            row,
        )
        for member in json.loads(row[7]):
            self.execute(
                "INSERT INTO agenda_members VALUES (?, ?) ON CONFLICT DO NOTHING",
                (member, row[0]),
            )

    def add_item(self, session_id: str, nomination_id: str) -> None:
        self.cursor.execute("SELECT COUNT(*) FROM agenda_items WHERE session_id = ?", (session_id,))
        ordinal = int(self.cursor.fetchone()[0]) + 1
        self.execute(
            "INSERT INTO agenda_items (session_id, nomination_id, ordinal) VALUES (?, ?, ?)"
            " ON CONFLICT (session_id, nomination_id) DO NOTHING",
            (session_id, nomination_id, ordinal),
        )

    def set_state(self, session_id: str, state: str, closed_at: str | None = None) -> None:
        self.execute(
            "UPDATE agenda_sessions SET state = ?, closed_at = ? WHERE session_id = ?",
            (state, closed_at, session_id),
        )

    def participate(self, session_id: str, nomination_id: str, member: str, at: str) -> None:
        self.execute(
            "INSERT INTO agenda_participation VALUES (?, ?, ?, ?)"
            " ON CONFLICT (session_id, nomination_id, member_id) DO NOTHING",
            (session_id, nomination_id, member, at),
        )

    def result(self, session_id: str, nomination_id: str, result: dict[str, Any]) -> None:
        self.execute(
            "UPDATE agenda_items SET outcome = ?, tally = ?, reason = ?"
            " WHERE session_id = ? AND nomination_id = ?",
            (
                result["outcome"],
                json.dumps(result["tally"], sort_keys=True),
                result.get("reason"),
                session_id,
                nomination_id,
            ),
        )

    def prepare_submission(self, row: tuple[Any, ...]) -> None:
        self.execute(
            "INSERT INTO agenda_submissions VALUES (?, ?, ?, ?, ?, ?, ?, 'waiting', NULL, NULL)"
            " ON CONFLICT (submission_id) DO NOTHING",
            row,
        )

    def decide_submission(self, submission_id: str, number: str, signed_on: str) -> None:
        self.execute(
            "UPDATE agenda_submissions SET state = 'decided', decision_number = ?, signed_on = ?"
            " WHERE submission_id = ?",
            (number, signed_on, submission_id),
        )

    # --- reads ------------------------------------------------------------------------

    def sessions_that_approved(self, limit: int = 50) -> list[dict[str, Any]]:
        """Closed sessions with at least one item the vote approved, newest first: where a
        recommendation may still wait for the office's submission."""
        with self.db.reading() as cursor:
            cursor.execute(
                "SELECT s.session_id, s.title, s.closed_at FROM agenda_sessions s"
                " WHERE s.state = 'closed' AND EXISTS (SELECT 1 FROM agenda_items i"
                " WHERE i.session_id = s.session_id AND i.outcome = 'approved')"
                " ORDER BY s.closed_at DESC, s.session_id LIMIT ?",
                (limit,),
            )
            return [
                {"session_id": sid, "title": title, "closed_at": closed}
                for sid, title, closed in cursor.fetchall()
            ]

    def submissions(
        self, authority_ids: list[str] | None, state: str | None = None, limit: int = 200
    ) -> list[dict[str, Any]]:
        """Submissions, waiting ones first then the newest; only those to the authorities
        named, unless ``authority_ids`` is None (the office and auditors see all)."""
        clauses: list[str] = []
        params: list[Any] = []
        if authority_ids is not None:
            clauses.append(f"authority_id IN ({', '.join('?' for _ in authority_ids) or 'NULL'})")
            params += authority_ids
        if state is not None:
            clauses.append("state = ?")
            params.append(state)
        where = (" WHERE " + " AND ".join(clauses)) if clauses else ""
        columns = (
            "submission_id",
            "session_id",
            "number",
            "authority_id",
            "authority_name",
            "prepared_on",
            "items",
            "state",
            "decision_number",
            "signed_on",
        )
        with self.db.reading() as cursor:
            cursor.execute(
                f"SELECT {', '.join(columns)} FROM agenda_submissions{where}"  # noqa: S608
                " ORDER BY CASE WHEN state = 'waiting' THEN 0 ELSE 1 END, prepared_on DESC,"
                " submission_id LIMIT ?",
                [*params, limit],
            )
            return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]

    def session(self, session_id: str) -> dict[str, Any] | None:
        with self.db.reading() as cursor:
            cursor.execute(
                "SELECT title, scheduled_for, award_form, council_level, scope, state, members,"
                " closed_at FROM agenda_sessions WHERE session_id = ?",
                (session_id,),
            )
            row = cursor.fetchone()
            if row is None:
                return None
            cursor.execute(
                "SELECT nomination_id, ordinal, outcome, tally, reason FROM agenda_items"
                " WHERE session_id = ? ORDER BY ordinal",
                (session_id,),
            )
            items = cursor.fetchall()
            cursor.execute(
                "SELECT nomination_id, member_id FROM agenda_participation WHERE session_id = ?"
                " ORDER BY nomination_id, member_id",
                (session_id,),
            )
            voted: dict[str, list[str]] = {}
            for nid, member in cursor.fetchall():
                voted.setdefault(nid, []).append(member)
        members = json.loads(row[6])
        return {
            "session_id": session_id,
            "title": row[0],
            "scheduled_for": row[1],
            "award_form": row[2],
            "council_level": row[3],
            "scope": row[4],
            "state": row[5],
            "members": members,
            "closed_at": row[7],
            "items": [
                {
                    "nomination_id": nid,
                    "ordinal": ordinal,
                    "voted": voted.get(nid, []),
                    "not_voted": sorted(set(members) - set(voted.get(nid, []))),
                    "outcome": outcome,
                    "tally": json.loads(tally) if tally else None,
                    "reason": reason,
                }
                for nid, ordinal, outcome, tally, reason in items
            ],
        }

    def sessions_page(
        self,
        member_id: str | None,
        *,
        limit: int = 100,
        after: tuple[int, str, str] | None = None,
    ) -> tuple[list[dict[str, Any]], int]:
        """One page of the sessions this member sits on (every session when ``member_id``
        is None): open ones first, then the newest, from a keyset of (open or not, date,
        id), and how many there are: all in SQL."""
        clauses: list[str] = []
        params: list[Any] = []
        if member_id is not None:
            clauses.append(
                "session_id IN (SELECT session_id FROM agenda_members WHERE member_id = ?)"
            )
            params.append(member_id)
        where = (" WHERE " + " AND ".join(clauses)) if clauses else ""
        columns = ("session_id", "title", "scheduled_for", "award_form", "state", "awaiting_you")
        rank = "CASE WHEN state = 'open' THEN 0 ELSE 1 END"
        # How many of an open session's items still wait for this member's ballot.
        awaiting, mine = "0", []
        if member_id is not None:
            awaiting = (
                "CASE WHEN state = 'open' THEN (SELECT COUNT(*) FROM agenda_items i"
                " WHERE i.session_id = agenda_sessions.session_id AND NOT EXISTS (SELECT 1"
                " FROM agenda_participation p WHERE p.session_id = i.session_id"
                " AND p.nomination_id = i.nomination_id AND p.member_id = ?)) ELSE 0 END"
            )
            mine = [member_id]
        with self.db.reading() as cursor:
            cursor.execute(f"SELECT COUNT(*) FROM agenda_sessions{where}", params)  # noqa: S608
            count = int(cursor.fetchone()[0])
            keyset, key = "", []
            if after is not None:
                keyset = (" AND " if where else " WHERE ") + (
                    f"({rank} > ? OR ({rank} = ? AND (scheduled_for < ?"
                    " OR (scheduled_for = ? AND session_id < ?))))"
                )
                key = [after[0], after[0], after[1], after[1], after[2]]
            cursor.execute(
                f"SELECT {', '.join(columns[:-1])}, {awaiting} AS awaiting_you,"  # noqa: S608
                f" {rank} AS open_last FROM agenda_sessions{where}{keyset}"
                " ORDER BY open_last, scheduled_for DESC, session_id DESC LIMIT ?",
                [*mine, *params, *key, limit],
            )
            rows = [dict(zip((*columns, "open_last"), r, strict=True)) for r in cursor.fetchall()]
        return rows, count


def _day(value: Any) -> str:
    return value.isoformat() if isinstance(value, date) else str(value)


class CouncilAgendaProjection(HandledProjection[CouncilAgendaView]):
    name = "council_agenda"

    @handles(CouncilSession.Scheduled)
    def _scheduled(self, event: Any, tracking: Tracking) -> None:
        self.view.schedule(
            (
                str(event.originator_id),
                event.title,
                _day(event.scheduled_for),
                event.award_form,
                event.council_level,
                event.scope,
                "draft",
                json.dumps(sorted(event.members)),
                None,
            )
        )

    @handles(CouncilSession.ItemAdded)
    def _item(self, event: Any, tracking: Tracking) -> None:
        self.view.add_item(str(event.originator_id), event.nomination_id)

    @handles(CouncilSession.SessionOpened)
    def _opened(self, event: Any, tracking: Tracking) -> None:
        self.view.set_state(str(event.originator_id), "open")

    @handles(CouncilSession.BallotCast, CouncilSession.BallotSealed, CouncilSession.MemberRecused)
    def _ballot(self, event: Any, tracking: Tracking) -> None:
        self.view.participate(
            str(event.originator_id),
            event.nomination_id,
            event.member_id,
            event.timestamp.isoformat(),
        )

    @handles(Submission.Prepared)
    def _submission_prepared(self, event: Any, tracking: Tracking) -> None:
        self.view.prepare_submission(
            (
                str(event.originator_id),
                event.session_id,
                event.number,
                event.authority["id"],
                event.authority["name_vi"],
                _day(event.prepared_on),
                len(event.items),
            )
        )

    @handles(Submission.Decided)
    def _submission_decided(self, event: Any, tracking: Tracking) -> None:
        self.view.decide_submission(str(event.originator_id), event.number, _day(event.signed_on))

    @handles(CouncilSession.SessionClosed)
    def _closed(self, event: Any, tracking: Tracking) -> None:
        session_id = str(event.originator_id)
        self.view.set_state(session_id, "closed", event.timestamp.isoformat())
        for nomination_id, result in event.results.items():
            self.view.result(session_id, nomination_id, result)
