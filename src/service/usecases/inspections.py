"""Inspection visits: ordering, claiming, reporting, and their clock."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate

from domain.context import CommandContext
from domain.errors import (
    InvalidInput,
)
from domain.inspection import InspectionVisit, visit_id
from domain.nomination import Nomination
from domain.statistics import YearStatistics
from domain.summaries import (
    CommandResult,
)
from service.application import (
    NOMINATION,
    VISIT,
    _ignore,
)
from service.lookups import Lookups


class InspectionCases(Lookups):
    """Inspection visits: ordering, claiming, reporting, and their clock."""

    # --- inspections ---------------------------------------------------------------------

    def schedule_inspection_visit(
        self, ctx: CommandContext, nid: UUID, team_id: str, due_date: date | None = None
    ) -> CommandResult:
        """Orders a visit: the nomination and the new visit task are saved together."""

        def decide(n: Nomination) -> list[Aggregate]:
            rules = self._rule_set_of(n.rule_set_ref)
            due = self._due(n, ctx.today, rules).inspection_due(due_date)
            ordinal = len(n.visits) + 1
            n.order_inspection(visit_id(n.id, n.round, ordinal), team_id, due)
            return [
                InspectionVisit.order(n.id, n.round, ordinal, n.unit.code, team_id.strip(), due)
            ]

        return self._execute(ctx, NOMINATION, nid, decide)

    def claim_visit(self, ctx: CommandContext, vid: UUID) -> CommandResult:
        return self._execute(ctx, VISIT, vid, lambda v: v.claim())

    def file_visit_report(
        self,
        ctx: CommandContext,
        vid: UUID,
        visited_on: date,
        findings: str,
        recommendation: str,
        verified_statistics: Mapping[str, Mapping[str, Any]] | None = None,
    ) -> CommandResult:
        verified: dict[int, YearStatistics] = {}
        for key, raw in (verified_statistics or {}).items():
            try:
                year = int(key)
            except ValueError:
                raise InvalidInput(f"verified_statistics.{key}", "must be a year") from None
            verified[year] = YearStatistics.from_dict(dict(raw), f"verified_statistics.{key}.")

        def decide(v: InspectionVisit) -> list[Aggregate]:
            n = self._load(NOMINATION, UUID(v.nomination_id))
            v.file_report(visited_on, findings, recommendation, list(verified))
            n.record_inspection_report(
                v.id,
                visited_on,
                findings,
                recommendation,
                verified,
                self._rule_set_of(n.rule_set_ref),
            )
            return [n]

        return self._execute(ctx, VISIT, vid, decide)

    def mark_visit_overdue(self, ctx: CommandContext, vid: UUID) -> CommandResult:
        return self._execute(ctx, VISIT, vid, lambda v: _ignore(v.mark_overdue()))

    def record_visit_reminder(
        self, ctx: CommandContext, vid: UUID, recipients: list[str], message: str
    ) -> CommandResult:
        return self._execute(
            ctx, VISIT, vid, lambda v: _ignore(v.record_reminder(recipients, message))
        )

    def escalate_visit(self, ctx: CommandContext, vid: UUID, to: str, reason: str) -> CommandResult:
        return self._execute(ctx, VISIT, vid, lambda v: _ignore(v.escalate(to, reason)))
