# Over 400 lines: the view's tables, its queries and the projection that fills them change together.
"""The audit trail: one append-only row per criterion check and per other step of a case.

Every event's digest is kept too, so verification can compare the store with an
independent copy and notice a changed event even when nothing follows it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Any
from uuid import UUID

from eventsourcing.domain import DomainEventProtocol
from eventsourcing.persistence import Tracking
from eventsourcing.projection import Projection
from eventsourcing.utils import get_topic

from domain.accounts import Account, Roster
from domain.chain import digest_of, occurred_at
from domain.council import CouncilSession
from domain.cycles import Cycle
from domain.figures import OfficialFigures
from domain.inspection import InspectionVisit
from domain.nomination import Nomination
from domain.units import UnitCatalogue
from projections.views.tracked import TrackedView
from service.audit import RecordedDigest

CONTEXT = (
    "originator_id",
    "originator_version",
    "timestamp",
    "prev_hash",
    "actor_id",
    "actor_role",
    "correlation_id",
    "command_id",
    "originator_topic",
)

KINDS: dict[type[Any], str] = {
    Nomination.Opened: "opened",
    Nomination.StatisticsRecorded: "statistics",
    Nomination.OfficialFiguresDiffer: "statistics",
    Nomination.FiguresSummed: "statistics",
    Nomination.EvidenceAttached: "evidence",
    Nomination.AchievementReportWritten: "report",
    Nomination.Submitted: "stage_change",
    Nomination.Withdrawn: "stage_change",
    Nomination.CriterionChecked: "check",
    Nomination.CheckOverridden: "override",
    Nomination.DistrictReviewCompleted: "review",
    Nomination.ProvinceReviewCompleted: "review",
    Nomination.InspectionOrdered: "inspection",
    Nomination.InspectionReported: "inspection",
    Nomination.DiscrepancyRecorded: "inspection",
    Nomination.ComplaintFiled: "complaint",
    Nomination.ComplaintResolved: "complaint",
    Nomination.PublicNoticeEnded: "stage_change",
    Nomination.StageCutOver: "stage_change",
    Nomination.PlacedOnAgenda: "council",
    Nomination.CouncilDecided: "decision",
    Nomination.CouncilDeferred: "council",
    Nomination.Revoked: "revocation",
    Nomination.DeadlineMissed: "deadline",
    Nomination.ReminderSent: "reminder",
    Nomination.Escalated: "escalation",
    CouncilSession.Scheduled: "council",
    CouncilSession.ItemAdded: "council",
    CouncilSession.SessionOpened: "council",
    CouncilSession.BallotCast: "vote",
    CouncilSession.MemberRecused: "vote",
    CouncilSession.SessionClosed: "council",
    CouncilSession.ClosingDeadlineSet: "council",
    CouncilSession.SignedDecisionAttached: "evidence",
    CouncilSession.ReminderSent: "reminder",
    CouncilSession.ReminderRequested: "reminder",
    InspectionVisit.Ordered: "inspection",
    InspectionVisit.Claimed: "inspection",
    InspectionVisit.ReportFiled: "inspection",
    InspectionVisit.BecameOverdue: "deadline",
    InspectionVisit.ReminderSent: "reminder",
    InspectionVisit.Escalated: "escalation",
    Account.Registered: "account",
    Account.GrantsChanged: "account",
    Account.PasswordChanged: "account",
    Account.Deactivated: "account",
    Account.Reactivated: "account",
    Account.SignedOut: "account",
    Roster.Started: "account",
    Roster.Enrolled: "account",
    UnitCatalogue.Started: "unit",
    UnitCatalogue.UnitRegistered: "unit",
    Cycle.Configured: "cycle",
    Cycle.Reconfigured: "cycle",
    OfficialFigures.Recorded: "figures",
    OfficialFigures.Corrected: "figures",
}

ALL_TOPICS = tuple(sorted(get_topic(cls) for cls in KINDS))

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

CHECK_COLUMNS = (
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
        clauses, params = [], []
        for column, value in (
            ("cycle_year", self.cycle_year),
            ("district_code", self.district_code),
            ("criterion_id", self.criterion_id),
            ("outcome", self.outcome),
            ("nomination_id", self.nomination_id),
            ("kind", self.kind),
        ):
            if value is not None:
                clauses.append(f"{column} = ?")
                params.append(value)
        return (" WHERE " + " AND ".join(clauses)) if clauses else "", params


class AuditTrailView(TrackedView):
    name = "audit_trail"
    tables = {  # noqa: RUF012
        "audit_trail": "position, item",
        "audit_cases": "nomination_id",
        "audit_links": "aggregate_id",
        "audit_digests": "position",
    }
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
            yield _decoded(dict(zip(ROW_COLUMNS, row, strict=True)))

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
            rows = [_decoded(dict(zip(ROW_COLUMNS, r, strict=True))) for r in cursor.fetchall()]
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

    def complaint_nomination(self, complaint_id: str) -> str | None:
        """The nomination a complaint was filed on."""
        with self.db.reading() as cursor:
            cursor.execute(
                "SELECT nomination_id FROM audit_links WHERE aggregate_id = ?", (complaint_id,)
            )
            row = cursor.fetchone()
        return str(row[0]) if row else None

    def digests(self) -> Iterator[RecordedDigest]:
        """The digest each event had when it was projected, in log order, streamed."""
        for position, aggregate_id, version, digest in self.db.stream(
            "SELECT position, aggregate_id, version, digest FROM audit_digests ORDER BY position",
            size=5000,
        ):
            yield int(position), str(aggregate_id), int(version), str(digest)


def _decoded(row: dict[str, Any]) -> dict[str, Any]:
    for column in ("inputs", "check_values", "details"):
        if row.get(column):
            row[column] = json.loads(row[column])
    return row


def _json(value: Any) -> str | None:
    return (
        None
        if value is None
        else json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
    )


class AuditTrailProjection(Projection[AuditTrailView]):
    name = "audit_trail"
    topics = ALL_TOPICS

    def process_event(self, domain_event: Any, tracking: Tracking) -> None:
        event: DomainEventProtocol[UUID] = domain_event
        state = vars(event)
        aggregate_id = str(event.originator_id)
        position = tracking.notification_id
        self.view.record_digest(position, aggregate_id, event.originator_version, digest_of(event))
        cls = type(event)
        kind = KINDS.get(cls)
        if kind is None:
            return
        owner = cls.__qualname__.split(".")[0]
        nomination = self._nomination_of(owner, aggregate_id, state)
        case = self.view.case(nomination) if nomination else None
        base: dict[str, Any] = {
            "position": position,
            "item": 0,
            "aggregate_id": aggregate_id,
            "aggregate_type": owner,
            "version": event.originator_version,
            "event_type": cls.__name__,
            "kind": kind,
            "nomination_id": nomination,
            "unit_code": case[0] if case else None,
            "district_code": case[1] if case else None,
            "cycle_year": case[2] if case else None,
            "stage": case[3] if case else None,
            "actor_id": state.get("actor_id"),
            "actor_role": state.get("actor_role"),
            "correlation_id": state.get("correlation_id"),
            "occurred_at": occurred_at(event).isoformat(),
        }
        payload = {k: v for k, v in state.items() if k not in CONTEXT and not k.startswith("_")}
        if kind == "check":
            self.view.append(
                {**base, **_check_columns(payload["check"]), "stage": payload["stage"]}
            )
        elif cls is CouncilSession.SessionClosed:
            for item, (nid, result) in enumerate(sorted(payload["results"].items()), start=1):
                item_case = self.view.case(nid)
                self.view.append(
                    {
                        **base,
                        "item": item,
                        "nomination_id": nid,
                        "unit_code": item_case[0] if item_case else None,
                        "district_code": item_case[1] if item_case else None,
                        "cycle_year": item_case[2] if item_case else None,
                        "stage": item_case[3] if item_case else None,
                        "outcome": result["outcome"],
                        "reason": result.get("reason"),
                        "details": _json(result),
                    }
                )
        else:
            if cls is CouncilSession.BallotCast:
                payload = {"member_id": payload["member_id"]}  # the choice stays secret
            payload.pop("password_hash", None)
            self.view.append(
                {
                    **base,
                    "criterion_id": payload.get("criterion_id"),
                    "outcome": payload.get("decision") or payload.get("outcome"),
                    "reason": payload.get("reason") or payload.get("comment"),
                    "details": _json(payload),
                }
            )
        if cls is Nomination.ComplaintFiled:
            self.view.link(payload["complaint_id"], aggregate_id)
        if owner == "Nomination" and "to_stage" in payload:
            self.view.move_case(aggregate_id, payload["to_stage"])

    def _nomination_of(self, owner: str, aggregate_id: str, state: dict[str, Any]) -> str | None:
        if owner == "Nomination":
            if "originator_topic" in state:
                self.view.add_case(
                    aggregate_id, state["nominee"], state["cycle_year"], state["award_form"]
                )
            return aggregate_id
        if owner == "InspectionVisit":
            if "nomination_id" in state and "originator_topic" in state:
                self.view.link(aggregate_id, state["nomination_id"])
            return self.view.linked_nomination(aggregate_id)
        if owner == "CouncilSession" and "nomination_id" in state:
            return str(state["nomination_id"])
        return None


def _check_columns(check: dict[str, Any]) -> dict[str, Any]:
    rule_set = check["rule_set"]
    return {
        "criterion_id": check["criterion_id"],
        "outcome": check["outcome"],
        "basis": check["basis"],
        "rule_set_id": rule_set["id"],
        "rule_set_version": rule_set["version"],
        "rule_set_digest": rule_set["digest"],
        "inputs": _json(check["inputs"]),
        "check_values": _json(check["values"]),
        "threshold": check["threshold"],
        "explanation_vi": check["explanation"]["vi"],
        "explanation_en": check["explanation"]["en"],
        "checked_by": check["checked_by"],
        "reason": check.get("justification"),
        "details": _json({"kind": check["kind"], "evidence": check.get("evidence", [])}),
    }
