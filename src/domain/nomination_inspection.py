"""Inspection of a dossier: a visit ordered, and its report with verified figures, which
re-runs the automatic checks on the verified basis and records any discrepancy
(docs/spec.md §6). Their events stay on the Nomination, whose stored topics they are."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any
from uuid import UUID

from domain.access import require_grant
from domain.context import Role, current_context
from domain.criteria.rules import Basis
from domain.criteria.ruleset import RuleSet
from domain.errors import AlreadyExists, InvalidInput, StageTransitionError
from domain.nomination_checks import CheckRecording
from domain.stages import Command
from domain.statistics import YearStatistics, discrepancies
from domain.text import bounded_text


class InspectionSteps(CheckRecording):
    """Mixed into the Nomination: its inspection."""

    if TYPE_CHECKING:  # the Nomination's

        def _discrepancy_recorded(self, visit_id: str, differences: dict[str, Any]) -> None: ...

        def _inspection_ordered(self, visit_id: str, team_id: str, due_on: date) -> None: ...

        def _inspection_reported(
            self, visit_id: str, visited_on: date, findings: str, recommendation: str
        ) -> None: ...

        def _statistics_recorded(
            self, year: int, statistics: dict[str, Any], basis: str
        ) -> None: ...

    def order_inspection(self, visit_id: UUID, team_id: str, due_on: date) -> None:
        self._require_stage(Command.ORDER_INSPECTION)
        self._require_province_reviewer("order an inspection visit")
        team = bounded_text("team_id", team_id, limit=100)
        if due_on < current_context().today:
            raise InvalidInput("due_date", "must not be in the past")
        if str(visit_id) in self.visits:
            raise AlreadyExists(f"visit {visit_id} is already ordered", visit_id=str(visit_id))
        self._inspection_ordered(visit_id=str(visit_id), team_id=team, due_on=due_on)

    def record_inspection_report(
        self,
        visit_id: UUID,
        visited_on: date,
        findings: str,
        recommendation: str,
        verified_statistics: dict[int, YearStatistics],
        rule_set: RuleSet,
    ) -> None:
        """Verified figures re-run the automatic checks; differences become a discrepancy."""
        self._require_stage(Command.RECORD_INSPECTION_REPORT)
        self._require_rule_set(rule_set)
        visit = self.visits.get(str(visit_id))
        if visit is None:
            raise InvalidInput("visit_id", f"{visit_id} was not ordered for this nomination")
        if not visit.is_open:
            raise StageTransitionError(
                f"visit {visit_id} is already reported", visit_id=str(visit_id)
            )
        require_grant(
            "file this visit report", Role.INSPECTOR, lambda scope: scope == visit.team_id
        )
        last = self.evaluation_years[-1]
        for year in verified_statistics:
            if not rule_set.baseline_year <= year <= last:
                raise InvalidInput(
                    f"verified_statistics.{year}",
                    f"must be a year between {rule_set.baseline_year} and {last}",
                )
        differences = discrepancies(self.declared(), verified_statistics)
        self._inspection_reported(
            visit_id=str(visit_id),
            visited_on=visited_on,
            findings=bounded_text("findings", findings),
            recommendation=recommendation,
        )
        for year, stats in sorted(verified_statistics.items()):
            self._statistics_recorded(year=year, statistics=stats.to_dict(), basis="verified")
        if differences:
            self._discrepancy_recorded(visit_id=str(visit_id), differences=differences)
        if verified_statistics:
            years = (self.evaluation_years[0], self.evaluation_years[1])
            for result in rule_set.evaluate(
                self.unit, years, self.verified(), Basis.INSPECTION_VERIFIED
            ):
                if result.kind == "automatic":
                    self._check(result, Basis.INSPECTION_VERIFIED, rule_set)
